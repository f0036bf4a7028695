//! Ranking quality on the TIME test collection (`../shared/corpora/time`), through the real
//! index and the `search --any` path (`newsdex eval`). Fails when MAP falls more than 0.01
//! below the figure recorded in BENCHMARKS.md for the default settings.

use crate::util::{newsdex, shared};

/// MAP of the default settings on TIME, as recorded in BENCHMARKS.md ("Relevance").
const RECORDED_MAP: f64 = 0.7290;

#[test]
fn map_on_time_does_not_drop_below_the_recorded_default() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent, so the TIME collection is not here");
        return;
    };
    let out = newsdex().arg("eval").arg(shared.join("corpora/time")).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let map = report["map"].as_f64().unwrap();
    assert_eq!(report["documents"], 423);
    assert_eq!(report["queries"], 42);
    assert!(map >= RECORDED_MAP - 0.01, "MAP {map:.4} fell below the recorded {RECORDED_MAP}");
    assert!(report["ndcg_10"].as_f64().unwrap() > 0.5 && report["precision_10"].as_f64().unwrap() > 0.2);
    let recorded = std::fs::read_to_string(crate::util::root().join("BENCHMARKS.md")).unwrap_or_default();
    assert!(recorded.contains(&format!("{RECORDED_MAP:.4}")), "BENCHMARKS.md records MAP {RECORDED_MAP:.4}");
}
