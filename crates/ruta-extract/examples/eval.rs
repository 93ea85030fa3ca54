//! Prints the evaluation table for BENCHMARKS.md and every mistake:
//! `cargo run --release -p ruta-extract --example eval`.

use ruta_extract::eval;

fn main() {
    let mut all = eval::Score::default();
    let mut per: Vec<(String, eval::Score)> = Vec::new();
    for (lang, passages) in eval::embedded() {
        let passages = passages.unwrap_or_else(|e| panic!("eval/{lang}.jsonl: {e}"));
        let s = eval::evaluate(&passages);
        all.merge(&s);
        per.push((format!("{lang} ({} passages)", passages.len()), s));
    }
    let mut rows: Vec<(&str, &eval::Score)> = per.iter().map(|(n, s)| (n.as_str(), s)).collect();
    rows.push(("all", &all));
    println!("{}", eval::table(&rows));
    for m in &all.misses {
        println!("{} {:?} {}: {}", m.passage, m.kind, m.what, m.text);
    }
}
