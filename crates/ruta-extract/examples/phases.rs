//! Times each extraction phase over a JSONL corpus (for profiling):
//! `cargo run --release -p ruta-extract --example phases -- corpus.jsonl`. Each phase
//! called on its own runs the shared literal scan (`scan`) itself; `all` runs it once.

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("corpus.jsonl");
    let arts = ruta_extract::input::read(std::path::Path::new(&path));
    let docs: Vec<(String, ruta_extract::Lang)> = arts
        .into_iter()
        .flatten()
        .map(|a| {
            let l = a
                .lang
                .unwrap_or_else(|| ruta_extract::lang::detect(&a.text));
            (a.text, l)
        })
        .collect();
    let mb = docs.iter().map(|d| d.0.len()).sum::<usize>() as f64 / 1048576.0;
    let time = |name: &str, f: &dyn Fn(&str, ruta_extract::Lang) -> usize| {
        let t = Instant::now();
        let n: usize = docs.iter().map(|(t, l)| f(t, *l)).sum();
        let s = t.elapsed().as_secs_f64();
        println!("{name:14} {s:7.3} s  {:8.2} MB/s  {n} found", mb / s);
    };
    time("countries", &|t, _| {
        ruta_extract::names::find_countries(t).len()
    });
    time("organizations", &|t, _| {
        ruta_extract::names::find_organizations(t).len()
    });
    time("projects", &|t, _| {
        let c = ruta_extract::names::find_countries(t);
        ruta_extract::projects::find(t, &c).len()
    });
    time("numerals", &|t, l| ruta_extract::numerals::find(t, l).len());
    time("events", &|t, l| ruta_extract::events::find(t, l).len());
    time("figures", &|t, l| {
        ruta_extract::figures::find(t, l, None).len()
    });
    time("dates", &|t, l| ruta_extract::dates::find(t, l, &[]).len());
    time("segment", &|t, _| ruta_extract::segment::sentences(t).len());
    time("all", &|t, l| ruta_extract::extract(t, l, None).len());
}
