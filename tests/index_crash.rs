//! Crash safety and concurrency: `newsdex index` killed with SIGKILL at random moments over a
//! run of thousands of files always leaves an index that opens and holds exactly the last
//! completed run; re-running completes it. Meanwhile searches work, and a second writer is
//! refused at once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::index_incremental::{dump, Dump};
use crate::util::newsroom::{corpus, Newsroom, Page, Rng};
use crate::util::TestDir;

const FILES: usize = 3000;
const KILLS: usize = 24;

fn set_mtime(path: &Path, t: SystemTime) {
    fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
}

/// Writes `pages` under `dir`; every file gets modification time `t`.
fn write_corpus(dir: &Path, pages: &[Page], t: SystemTime) -> Vec<PathBuf> {
    pages
        .iter()
        .map(|p| {
            let path = p.write(dir);
            set_mtime(&path, t);
            path
        })
        .collect()
}

fn point_link(link: &Path, to: &Path) {
    let _ = fs::remove_file(link);
    std::os::unix::fs::symlink(to, link).unwrap();
}

fn newsdex_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("newsdex")
}

fn spawn_index(corpus: &Path, index: &Path, rebuild: bool) -> Child {
    let mut cmd = Command::new(newsdex_bin());
    cmd.arg("index").arg(corpus).arg("--index").arg(index).stdout(Stdio::null()).stderr(Stdio::null());
    if rebuild {
        cmd.arg("--rebuild");
    }
    cmd.spawn().unwrap()
}

fn build_to_completion(corpus: &Path, index: &Path, rebuild: bool) -> Duration {
    let started = Instant::now();
    let status = spawn_index(corpus, index, rebuild).wait().unwrap();
    assert!(status.success());
    started.elapsed()
}

#[test]
fn killed_at_random_moments_the_index_holds_the_last_completed_run() {
    let t = TestDir::new();
    let mut n = Newsroom::new(42);
    let pages_a = corpus(&mut n, FILES);

    // Version B of the corpus: a tenth of the pages deleted, a tenth changed, some added.
    let mut pages_b = pages_a.clone();
    let mut rng = Rng::new(7);
    pages_b.retain(|_| !rng.chance(10));
    let mut changed = Vec::new();
    for p in pages_b.iter_mut() {
        if rng.chance(10) {
            let s = n.story(p.updated);
            p.stories.push(s);
            p.stories[0].paragraphs[0] = n.paragraph();
            changed.push(p.id.clone());
        }
    }
    let extra = corpus(&mut n, FILES / 10);
    pages_b.extend(extra);

    let base = SystemTime::now() - Duration::from_secs(7200);
    let dir_a = t.path().join("a");
    let dir_b = t.path().join("b");
    write_corpus(&dir_a, &pages_a, base);
    for (path, page) in write_corpus(&dir_b, &pages_b, base).iter().zip(&pages_b) {
        if changed.contains(&page.id) {
            set_mtime(path, base + Duration::from_secs(60));
        }
    }
    let link = t.path().join("corpus");

    // The two states, as fresh builds over the same path.
    point_link(&link, &dir_a);
    let full = build_to_completion(&link, &t.path().join("ref-a"), false);
    let want_a = dump(&t.path().join("ref-a")).unwrap();
    point_link(&link, &dir_b);
    build_to_completion(&link, &t.path().join("ref-b"), false);
    let want_b = dump(&t.path().join("ref-b")).unwrap();
    assert_ne!(want_a, want_b);
    assert!(want_a.len() > 2 * FILES, "{} entries", want_a.len());
    // How long a run that moves an index from one state to the other takes; it rewrites only
    // what changed, so it is much shorter than a full build.
    point_link(&link, &dir_a);
    let switch = build_to_completion(&link, &t.path().join("ref-b"), false);
    assert!(dump(&t.path().join("ref-b")).as_ref() == Some(&want_a), "an incremental run gives the fresh index");

    let index = t.index();
    let mut last: Option<&Dump> = None;
    let (mut interrupted, mut refused, mut searched) = (0, 0, 0);
    // Kills land at random points of the run they interrupt: early ones (start-up, the first
    // files) in even rounds, anywhere up to a little past its expected end in odd ones. How
    // long a run takes depends on the machine and on what else it is doing, so the rounds go
    // on past KILLS until enough kills have landed during a run.
    let mut round = 0;
    while round < KILLS || (interrupted < 4 && round < 4 * KILLS) {
        let (dir, want) = if rng.chance(50) { (&dir_a, &want_a) } else { (&dir_b, &want_b) };
        point_link(&link, dir);
        let rebuild = round % 3 == 1;
        let expected = if rebuild || last.is_none() { full } else { switch };
        let expected_ms = expected.as_millis() as u64 + 1;
        let delay = Duration::from_millis(if round % 2 == 0 {
            rng.range(0, expected_ms.min(600) / 2)
        } else {
            rng.range(0, expected_ms * 6 / 5)
        });
        let started = Instant::now();
        let mut child = spawn_index(&link, &index, rebuild);

        if round % 4 == 3 {
            // A search while the run goes on sees the last commit (or this run's, if done).
            std::thread::sleep(delay / 2);
            if let Some(seen) = dump(&index) {
                let ok = last == Some(&seen) || &seen == want || (last.is_none() && seen.is_empty());
                assert!(ok, "round {round}: a search during the run saw a state that was never committed");
                searched += 1;
            }
        }
        if round % 4 == 1 {
            // A second writer is refused at once while the first runs.
            std::thread::sleep(Duration::from_millis(150));
            if child.try_wait().unwrap().is_none() && index.join("meta.json").exists() {
                let asked = Instant::now();
                let out = crate::util::newsdex().arg("index").arg(&link).arg("--index").arg(&index).output().unwrap();
                if child.try_wait().unwrap().is_none() {
                    let err = String::from_utf8_lossy(&out.stderr);
                    assert_eq!(out.status.code(), Some(2), "round {round}: {err}");
                    assert!(err.contains("being updated by another process"), "{err}");
                    assert!(asked.elapsed() < Duration::from_secs(10), "refused at once");
                    refused += 1;
                }
            }
        }
        if let Some(rest) = delay.checked_sub(started.elapsed()) {
            std::thread::sleep(rest);
        }
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        child.wait().unwrap();

        let state = dump(&index);
        match (&state, last) {
            (None, None) => {}
            (Some(s), None) => assert!(s.is_empty() || s == want, "round {round}: a state never committed"),
            (None, Some(_)) => panic!("round {round}: the index does not open after kill -9"),
            (Some(s), Some(l)) => assert!(
                s == l || s == want,
                "round {round} (rebuild {rebuild}, killed after {delay:?}): the index is neither the last run nor this one"
            ),
        }
        if state.as_ref() == Some(want) {
            last = Some(want);
        } else if !finished {
            interrupted += 1;
        }
        round += 1;
    }
    assert!(interrupted >= 4, "only {interrupted} kills landed during a run");
    assert!(refused >= 1 && searched >= 1, "refused {refused}, searched {searched}");

    // Re-running completes the job: no duplicates (dump checks), nothing missing.
    for (dir, want) in [(&dir_b, &want_b), (&dir_a, &want_a)] {
        point_link(&link, dir);
        build_to_completion(&link, &index, false);
        assert!(dump(&index).as_ref() == Some(want), "after the kills, a re-run gives the fresh index");
    }
}
