//! A bounded load test on loopback: 1, 8 and 64 concurrent keep-alive clients, a fixed number
//! of searches each, zero errors allowed. Prints requests/s and p50/p99 latency (figures for
//! BENCHMARKS.md come from `benches/serve/run.sh` on 100k entries; this one guards errors).

use std::time::{Duration, Instant};

use crate::util::server::Server;
use crate::util::{seed, TestDir};

const QUERIES: &[&str] = &[
    "q=troops",
    "q=%22north+korean+troops%22&facets=true",
    "q=ukraine&sort=newest&limit=20",
    "q=russia+OR+iran&source=AP",
    "q=zelensky~&from=2024-10-29",
    "q=minister&offset=10",
];

#[test]
fn concurrent_clients_get_answers_without_errors() {
    let t = TestDir::new();
    t.add(&seed());
    t.build();
    let server = Server::start(&t.index(), &["--quiet"]);
    for clients in [1usize, 8, 64] {
        let per_client = 480 / clients;
        let started = Instant::now();
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                let base = server.url("/api/search?");
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(30)))
                        .build()
                        .into();
                    let mut latencies = Vec::with_capacity(per_client);
                    let mut errors = 0;
                    for i in 0..per_client {
                        let url = format!("{base}{}", QUERIES[(c + i) % QUERIES.len()]);
                        let sent = Instant::now();
                        let ok = match agent.get(&url).call() {
                            Ok(mut r) => r.status() == 200 && r.body_mut().read_to_vec().is_ok(),
                            Err(_) => false,
                        };
                        if ok {
                            latencies.push(sent.elapsed());
                        } else {
                            errors += 1;
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        let mut errors = 0;
        for th in threads {
            let (l, e) = th.join().unwrap();
            latencies.extend(l);
            errors += e;
        }
        let elapsed = started.elapsed();
        assert_eq!(errors, 0, "{clients} clients");
        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
        eprintln!(
            "serve load: {clients:>2} clients, {} requests, {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, {errors} errors",
            latencies.len() + errors,
            latencies.len() as f64 / elapsed.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3
        );
    }
    assert!(server.healthy());
}
