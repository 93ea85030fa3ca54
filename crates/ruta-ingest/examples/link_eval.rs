//! Scores the record linker on ruta's labelled pairs (`crates/ruta-link/eval/pairs.csv`)
//! over a database holding the shared data:
//!
//! ```text
//! cargo run --release -p ruta-ingest --example link_eval -- ruta.db
//! ```
//!
//! The model alone: every flow of the database is linked with no statement of the
//! registry, a dataset or a person to lean on (registry flows are records to link like
//! any other), and each labelled pair is checked against the flows the linker forms.
//! Prints precision, recall and F1 for same-flow and finances decisions, and every error.

use ruta_link::eval::{evaluate, groups, parse_pairs};
use ruta_link::{Scope, Settings};
use ruta_store::{Access, Store};
use std::collections::HashSet;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::args().nth(1).ok_or("usage: link_eval DB")?;
    let mut store = Store::open(&db, Access::ReadWrite)?;
    let w = store.writer()?;
    let records = w.link_records()?;
    drop(w);
    let started = std::time::Instant::now();
    let (proposals, report) = ruta_link::link(&records, &[], &Scope::All, Settings::default());
    let secs = started.elapsed().as_secs_f64();
    let positive = |k: &'static str| {
        proposals
            .iter()
            .filter(move |p| p.judgement == ruta_core::Judgement::Positive && p.kind.as_str() == k)
    };
    let same: Vec<(&str, &str)> = positive("same_as")
        .chain(positive("supersedes"))
        .map(|p| (p.from.as_str(), p.to.as_str()))
        .collect();
    let g = groups(same.iter().copied());
    let one_flow =
        |a: &str, b: &str| a == b || matches!((g.get(a), g.get(b)), (Some(x), Some(y)) if x == y);
    let group_of = |a: &str| g.get(a).copied();
    let fin: HashSet<(Option<usize>, Option<usize>, String, String)> = positive("finances")
        .map(|p| {
            (
                group_of(&p.from),
                group_of(&p.to),
                p.from.clone(),
                p.to.clone(),
            )
        })
        .collect();
    let finances = |a: &str, b: &str| {
        fin.iter().any(|(ga, gb, fa, fb)| {
            (fa == a || (ga.is_some() && *ga == group_of(a)))
                && (fb == b || (gb.is_some() && *gb == group_of(b)))
        })
    };
    let pairs = parse_pairs(include_str!("../../ruta-link/eval/pairs.csv"))?;
    let e = evaluate(&pairs, one_flow, finances);
    println!(
        "{} records, {} pairs compared, {} finances pairs, {:.3} s; {} positive, {} candidates",
        report.records,
        report.pairs_compared,
        report.finances_pairs,
        secs,
        report.positive,
        report.candidates
    );
    for (name, s) in [
        ("same flow", e.same_flow),
        ("same flow (hard negatives only)", e.same_flow_hard),
        ("finances", e.finances),
    ] {
        println!(
            "{name:<34} tp {:>3} fp {:>3} fn {:>3} tn {:>3}  precision {:.3} recall {:.3} F1 {:.3}",
            s.tp,
            s.fp,
            s.fn_,
            s.tn,
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    for err in &e.errors {
        println!("  {err}");
    }
    if std::env::var_os("SHOW_FINANCES").is_some() {
        let name = |id: &str| {
            records
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.chars().take(70).collect::<String>())
                .unwrap_or_default()
        };
        for p in positive("finances") {
            println!(
                "  finances p={:.4}: {} → {}",
                p.score,
                name(&p.from),
                name(&p.to)
            );
        }
    }
    Ok(())
}
