//! `newsdex serve` under abuse: oversized and malformed requests, slow clients, a thousand
//! connections at once, and path-traversal attempts. After each, the server still answers,
//! and nothing but the embedded page and the index's answers is ever served.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::util::server::Server;
use crate::util::{seed, TestDir};

fn seed_index() -> TestDir {
    let t = TestDir::new();
    t.add(&seed());
    t.build();
    t
}

fn status_of(answer: &[u8]) -> String {
    String::from_utf8_lossy(&answer[..answer.len().min(12)]).to_string()
}

#[test]
fn oversized_and_malformed_requests_are_refused_and_the_server_goes_on() {
    let t = seed_index();
    let server = Server::start(&t.index(), &["--quiet"]);
    let wait = Duration::from_secs(10);
    let huge_url = format!("GET /api/search?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
    let huge_header = format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "b".repeat(100_000));
    let many_headers: String = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..500).map(|i| format!("X-{i}: v\r\n")).collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a 100 kB URL", huge_url.into_bytes()),
        ("a 100 kB header", huge_header.into_bytes()),
        ("500 headers", many_headers.into_bytes()),
        ("garbage", b"\x00\x01\x02 not http at all\r\n\r\n".to_vec()),
        ("a bad request line", b"GET\r\n\r\n".to_vec()),
        ("HTTP/9", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n".to_vec()),
        ("a bad header", b"GET / HTTP/1.1\r\nHost x\r\n\r\n".to_vec()),
        ("a bad content length", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".to_vec()),
        (
            "a huge declared body",
            b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc".to_vec(),
        ),
        ("a non-UTF-8 path", b"GET /api/entries/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        (
            "invalid percent-encoding",
            b"GET /api/entries/%FF%FE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        ),
    ];
    for (what, request) in &cases {
        let answer = server.raw(request, wait);
        let status = status_of(&answer);
        assert!(
            answer.is_empty() || status.starts_with("HTTP/1.1 4") || status.starts_with("HTTP/1.1 505"),
            "{what}: expected a refusal or a closed connection, got {:?}",
            String::from_utf8_lossy(&answer[..answer.len().min(300)])
        );
        assert!(server.healthy(), "the server stopped answering after {what}");
    }
    // a 100 kB URL gets 431 or 414-like refusal rather than a search
    let answer = server.raw(&cases[0].1, wait);
    assert!(status_of(&answer).starts_with("HTTP/1.1 431") || answer.is_empty(), "{}", status_of(&answer));
}

#[test]
fn slow_clients_are_cut_off_and_do_not_block_others() {
    let t = seed_index();
    let server = Server::start(&t.index(), &["--quiet", "--header-timeout", "2"]);
    // 200 connections that trickle a request head one byte at a time (slowloris).
    let mut slow: Vec<TcpStream> = (0..200).map(|_| TcpStream::connect(server.addr).unwrap()).collect();
    let head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    let started = Instant::now();
    let mut answered_meanwhile = 0;
    for byte in head.iter().cycle().take(40) {
        for s in &mut slow {
            let _ = s.write_all(&[*byte]);
        }
        if server.healthy() {
            answered_meanwhile += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() > Duration::from_secs(6) {
            break;
        }
    }
    assert!(answered_meanwhile >= 10, "others were answered only {answered_meanwhile} times");
    // By now (past the 2 s head timeout) the server has closed the slow connections.
    let mut closed = 0;
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = Vec::new();
        match s.read_to_end(&mut buf) {
            Ok(_) => closed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, slow.len(), "slow clients still connected");
    // An idle connection that never sends anything is closed too.
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let mut buf = Vec::new();
    assert!(idle.read_to_end(&mut buf).is_ok(), "an idle connection was kept open");
    assert!(server.healthy());
}

#[test]
fn a_thousand_concurrent_connections_are_all_answered() {
    let t = seed_index();
    // A generous deadline: this is about connections, on a busy test machine.
    let server = Server::start(&t.index(), &["--quiet", "--timeout", "120"]);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let addr = server.addr;
    let (ok, failed) = runtime.block_on(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        // Open all connections first, then send every request at once.
        let mut streams = Vec::new();
        for _ in 0..1000 {
            streams.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
        }
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(streams.len()));
        let tasks: Vec<_> = streams
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    let path = if i % 2 == 0 { "/api/search?q=troops&limit=3" } else { "/health" };
                    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    s.write_all(request.as_bytes()).await.ok()?;
                    let mut answer = Vec::new();
                    tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut answer)).await.ok()?.ok()?;
                    Some(answer.starts_with(b"HTTP/1.1 200"))
                })
            })
            .collect();
        let (mut ok, mut failed) = (0, 0);
        for task in tasks {
            match task.await {
                Ok(Some(true)) => ok += 1,
                _ => failed += 1,
            }
        }
        (ok, failed)
    });
    assert_eq!((ok, failed), (1000, 0));
    assert!(server.healthy());
}

#[test]
fn nothing_outside_the_embedded_page_is_served() {
    let t = seed_index();
    // Files the server could leak if it served paths from disk: the index, the source tree.
    std::fs::write(t.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(&t.index(), &["--quiet"]);
    let attempts = [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/static/..%2f..%2fCargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/assets/%252e%252e%252fCargo.toml",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/%c0%ae%c0%ae/Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/app.js/../../Cargo.toml",
        "/assets/app.js%00.png",
        "/assets/page.html",
        "/assets/mod.rs",
        "//etc/passwd",
        "/etc/passwd",
        "/Cargo.toml",
        "/src/main.rs",
        "/src/serve/app.js",
        "/meta.json",
        "/index/meta.json",
        "/secret.txt",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/api/entries/..%2f..%2f..%2fetc%2fpasswd",
        "/api/entries/%2e%2e%2fmeta.json",
        "/api/entries/file:%2F%2F%2Fetc%2Fpasswd",
        "/api/../Cargo.toml",
        "/api/stats/../../Cargo.toml",
        "/.git/config",
        "/?q=../../etc/passwd",
    ];
    let secrets = ["root:", "[package]", "TOP-SECRET", "\"segments\"", "fn main", "[core]"];
    let mut refused = 0;
    for path in attempts {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let answer = server.raw(request.as_bytes(), Duration::from_secs(10));
        let text = String::from_utf8_lossy(&answer);
        for secret in secrets {
            assert!(!text.contains(secret), "{path} served {secret:?}: {}", &text[..text.len().min(400)]);
        }
        if !text.starts_with("HTTP/1.1 200") {
            refused += 1;
        } else {
            // The only 200s are the page itself (the query string is the page's business).
            assert!(path.starts_with("/?"), "{path} answered 200: {}", &text[..text.len().min(300)]);
        }
    }
    assert_eq!(refused, attempts.iter().filter(|p| !p.starts_with("/?")).count());
    // What is served: the page, its script and style.
    for (path, kind) in [("/", "text/html"), ("/assets/app.js", "text/javascript"), ("/assets/app.css", "text/css")] {
        let (status, got, _) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(got.starts_with(kind), "{path}: {got}");
    }
}
