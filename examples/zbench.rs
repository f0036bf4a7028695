use newsdex::index::store::Codec;
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string("/tmp/newsdex-perf-corpus-100000/entries.ndjson").unwrap();
    let lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    let step = lines.len() / 2400;
    let samples: Vec<Vec<u8>> = lines.iter().step_by(step).cloned().collect();
    let dict = Codec::train(&samples).unwrap();
    let codec = Codec::in_memory(dict).unwrap();
    let work = &lines[..30000];
    let _ = codec.compress(&work[0]);
    let t = Instant::now();
    let n: usize = work.iter().map(|l| codec.compress(l).len()).sum();
    let raw: usize = work.iter().map(|l| l.len()).sum();
    println!("{:?} per entry, {:.4} ratio", t.elapsed() / work.len() as u32, n as f64 / raw as f64);
}
