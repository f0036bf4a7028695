//! The search page in a real browser: headless Chromium driven through ChromeDriver
//! (WebDriver). Types a query, sees highlighted hits, sets a date range, clicks a source chip,
//! pages forward and back, narrows by a timeline bar, checks that hostile text stays text,
//! and keeps screenshots under `target/serve-browser/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); without them the
//! test says so and passes (CHROMEDRIVER and CHROMIUM name other binaries).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::util::server::Server;
use crate::util::{root, seed, TestDir};

fn binary(variable: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// ChromeDriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const HOSTILE: &str = concat!(
    r#"{"title":"<img src=x onerror=\"window.pwned=1\"> Quokka <b>bold</b> report","date":"2024-11-02","#,
    r#""url":"javascript:window.pwned=2","body":"A quokka <script>window.pwned=3</script> was seen & photographed."}"#,
    "\n"
);

#[test]
fn the_search_page_works_in_headless_chromium() {
    let (Some(chromedriver), Some(chromium)) = (
        binary("CHROMEDRIVER", &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]),
        binary("CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]),
    ) else {
        eprintln!("SKIPPED the browser test: no chromedriver/chromium (apt-get install chromium chromium-driver)");
        return;
    };
    let t = TestDir::new();
    t.add(&seed()).add(&root().join("corpus/wikinews.ndjson")).write("hostile.ndjson", HOSTILE);
    t.build();
    let server = Server::start(&t.index(), &["--quiet"]);

    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = tempfile::tempdir().unwrap();
    let shots = root().join("target/serve-browser");
    std::fs::create_dir_all(&shots).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-quic", "--no-first-run", "--window-size=1200,1400",
                         format!("--user-data-dir={}", profile.path().display())]
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let started = Instant::now();
        let c = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() > Duration::from_secs(30) => panic!("cannot reach chromedriver: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let outcome = drive(&c, &server, &shots).await;
        let _ = c.close().await;
        if let Err(e) = outcome {
            panic!("{e}");
        }
    });
}

/// Runs a script in the page and returns its value.
async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Waits until the page's `condition` (a JS expression) is true.
async fn until(c: &Client, condition: &str, what: &str) -> Result<(), String> {
    let started = Instant::now();
    loop {
        if js(c, &format!("return !!({condition});")).await == Value::Bool(true) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(20) {
            let status = js(c, "return document.getElementById('status').textContent").await;
            return Err(format!("timed out waiting for {what} ({condition}); status: {status}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The hits on the page as plain data.
async fn hits(c: &Client) -> Vec<Value> {
    let v = js(
        c,
        "return [...document.querySelectorAll('#hits li.hit')].map(li => ({
            title: li.querySelector('h3').textContent,
            href: (li.querySelector('h3 a') || {}).href || null,
            date: (li.querySelector('time') || {}).textContent || null,
            sources: (li.querySelector('.sources') || {}).textContent || '',
            marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
            snippet: li.querySelector('.snippet').textContent,
            credit: (li.querySelector('.credit') || {}).textContent || null }));",
    )
    .await;
    v.as_array().cloned().unwrap_or_default()
}

/// Waits for a search to finish (nothing in flight, a result line shown).
async fn settled(c: &Client) -> Result<(), String> {
    until(
        c,
        "!document.body.hasAttribute('aria-busy') && document.getElementById('status').textContent !== 'Searching…'",
        "the search",
    )
    .await
}

/// Waits until `condition` holds, then until the search it started has been answered.
async fn arrived(c: &Client, condition: &str, what: &str) -> Result<(), String> {
    until(c, condition, what).await?;
    settled(c).await
}

async fn drive(c: &Client, server: &Server, shots: &std::path::Path) -> Result<(), String> {
    c.goto(&server.url("/")).await.map_err(|e| e.to_string())?;
    settled(c).await?;

    // `/` focuses the search box from anywhere on the page.
    js(c, "document.getElementById('q').blur(); document.body.focus();").await;
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: '/' }).then(KeyAction::Up { value: '/' });
    c.perform_actions(keys).await.map_err(|e| e.to_string())?;
    assert_eq!(js(c, "return document.activeElement.id").await, "q", "/ focuses the search box");

    // Type a query and press Enter: highlighted hits.
    let box_ = c.find(Locator::Id("q")).await.map_err(|e| e.to_string())?;
    box_.send_keys("troops\u{E007}").await.map_err(|e| e.to_string())?;
    arrived(
        c,
        "location.search.includes('q=troops') && document.querySelectorAll('#hits li.hit').length > 0",
        "hits for troops",
    )
    .await?;
    let first = hits(c).await;
    let total_all = total(c).await;
    assert!(!first.is_empty() && total_all > 0);
    let marks: Vec<String> = first
        .iter()
        .flat_map(|h| h["marks"].as_array().unwrap().clone())
        .map(|m| m.as_str().unwrap().to_lowercase())
        .collect();
    assert!(!marks.is_empty(), "no highlights: {first:?}");
    assert!(marks.iter().all(|m| m.starts_with("troop")), "highlights are the matched word: {marks:?}");
    c.screenshot().await.map(|png| std::fs::write(shots.join("results.png"), png)).map_err(|e| e.to_string())?.ok();

    // A date range: only entries of that day remain.
    js(
        c,
        "const f = document.getElementById('from'); f.value = '2024-10-29'; f.dispatchEvent(new Event('change'));
           const t = document.getElementById('to'); t.value = '2024-10-29'; t.dispatchEvent(new Event('change'));",
    )
    .await;
    arrived(
        c,
        "location.search.includes('from=2024-10-29') && location.search.includes('to=2024-10-29')",
        "the date range in the URL",
    )
    .await?;
    let dated = hits(c).await;
    let total_day = total(c).await;
    assert!(total_day > 0 && total_day < total_all, "the day has fewer matches ({total_day} of {total_all})");
    assert!(dated.iter().all(|h| h["date"].as_str().is_some_and(|d| d.starts_with("2024-10-29"))), "{dated:?}");

    // A source chip narrows to that source, and shows as pressed.
    let chip = c.find(Locator::Css("#chips .chip")).await.map_err(|e| e.to_string())?;
    let source = chip.attr("data-source").await.map_err(|e| e.to_string())?.unwrap();
    chip.click().await.map_err(|e| e.to_string())?;
    arrived(c, "location.search.includes('source=')", "the source in the URL").await?;
    let pressed =
        js(c, "return [...document.querySelectorAll('#chips .chip[aria-pressed=true]')].map(b => b.dataset.source)")
            .await;
    assert_eq!(pressed, json!([source]));
    let by_source = hits(c).await;
    assert!(!by_source.is_empty());
    assert!(by_source.iter().all(|h| h["sources"].as_str().unwrap().contains(&source)), "{source}: {by_source:?}");
    assert!(total(c).await <= total_day);

    // A bookmarked URL loads its search; paging forward shows the next hits; Back returns.
    c.goto(&server.url("/?q=president")).await.map_err(|e| e.to_string())?;
    settled(c).await?;
    assert_eq!(js(c, "return document.getElementById('q').value").await, "president");
    let page1: Vec<String> = hits(c).await.iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(page1.len(), 10);
    c.find(Locator::Css("#pager button[aria-label='Next page']"))
        .await
        .map_err(|e| e.to_string())?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    arrived(c, "location.search.includes('page=2')", "page 2 in the URL").await?;
    let page2: Vec<String> = hits(c).await.iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    assert!(!page2.is_empty() && page2.iter().all(|t| !page1.contains(t)), "page 2 repeats page 1: {page2:?}");
    assert!(js(c, "return document.getElementById('status').textContent").await.as_str().unwrap().contains("11–"));
    let current = js(c, "return document.querySelector('#pager button[aria-current=page]').textContent").await;
    assert_eq!(current, "2");
    c.back().await.map_err(|e| e.to_string())?;
    arrived(c, "!location.search.includes('page=2')", "page 1 after Back").await?;
    let again: Vec<String> = hits(c).await.iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(again, page1);

    // Wikinews entries carry their credit and licence.
    let credited = hits(c).await.into_iter().filter(|h| h["credit"].is_string()).count();
    assert!(credited > 0, "no Wikinews credit shown");
    assert!(js(c, "return document.querySelector('.credit').textContent")
        .await
        .as_str()
        .unwrap()
        .contains("CC BY 2.5"));

    // The timeline: clicking a bar keeps only its dates.
    let bars = js(c, "return document.querySelectorAll('#timeline .bucket').length").await.as_u64().unwrap();
    assert!(bars > 1, "a timeline with bars");
    let before = total(c).await;
    let bar = c.find(Locator::Css("#timeline .bucket:nth-of-type(2)")).await.map_err(|e| e.to_string())?;
    let start = bar.attr("data-start").await.map_err(|e| e.to_string())?.unwrap();
    bar.click().await.map_err(|e| e.to_string())?;
    arrived(c, &format!("location.search.includes('from={start}')"), "the bar's dates in the URL").await?;
    assert_eq!(js(c, "return document.getElementById('from').value").await, start);
    let to = js(c, "return document.getElementById('to').value").await.as_str().unwrap().to_string();
    let narrowed = total(c).await;
    assert!(narrowed < before, "the bar narrows the results ({narrowed} of {before})");
    for h in hits(c).await {
        let day = &h["date"].as_str().unwrap()[..10];
        assert!(day >= start.as_str() && day <= to.as_str(), "{day} outside {start}..{to}");
    }
    c.screenshot().await.map(|png| std::fs::write(shots.join("timeline.png"), png)).map_err(|e| e.to_string())?.ok();

    // Text from the index stays text: no markup, no script, no javascript: link.
    c.goto(&server.url("/?q=quokka")).await.map_err(|e| e.to_string())?;
    settled(c).await?;
    let hostile = hits(c).await;
    assert_eq!(hostile.len(), 1);
    assert!(hostile[0]["snippet"].as_str().unwrap().contains("<script>window.pwned=3</script>"), "{hostile:?}");
    assert_eq!(hostile[0]["href"], Value::Null, "a javascript: URL is not a link");
    assert_eq!(js(c, "return document.querySelectorAll('#hits img, #hits script, #hits b').length").await, 0);
    assert_eq!(js(c, "return window.pwned === undefined").await, true);

    // Phone-sized: nothing sticks out sideways.
    c.set_window_size(390, 844).await.map_err(|e| e.to_string())?;
    c.goto(&server.url("/?q=troops")).await.map_err(|e| e.to_string())?;
    settled(c).await?;
    assert_eq!(
        js(c, "return document.documentElement.scrollWidth <= window.innerWidth + 1").await,
        true,
        "no sideways scrolling on a phone"
    );
    c.screenshot().await.map(|png| std::fs::write(shots.join("phone.png"), png)).map_err(|e| e.to_string())?.ok();
    Ok(())
}

/// The total the page's status line shows.
async fn total(c: &Client) -> u64 {
    let status = js(c, "return document.getElementById('status').textContent").await;
    let text = status.as_str().unwrap_or("");
    if text.starts_with("Nothing") {
        return 0;
    }
    let digits: String = text.chars().take_while(|ch| ch.is_ascii_digit() || *ch == ',').collect();
    digits.replace(',', "").parse().unwrap_or_else(|_| panic!("no total in {text:?}"))
}
