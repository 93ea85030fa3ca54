//! The linker on synthetic records (`bench/gen_link.py`): link them all, write each
//! record's flow (cluster) for scoring, and time linking single records against the
//! linked set. Used by `bench/link.sh`.
//!
//! ```text
//! cargo run --release -p ruta-link --example bench_link -- IN.csv OUT_CLUSTERS.csv
//! ```
//!
//! Blocking (the rules `bench/link_splink.py` gives Splink): the same country, years
//! within one, a shared lender and amounts within ~21 %; or the same country and year and
//! amounts within ~10 %. Pairs are kept from a match probability of 0.99 (the threshold
//! that applies them). Prints one JSON line.

use ruta_core::{FlowKind, Role};
use ruta_link::blocking::BlockingRule;
use ruta_link::{LinkParty, LinkRecord, Linker, Origin, Scope, Settings};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (&args[1], &args[2]);
    let t0 = Instant::now();
    let mut rdr = csv::Reader::from_path(input)?;
    let mut records = Vec::new();
    for row in rdr.records() {
        let row = row?;
        let get = |i: usize| row.get(i).unwrap_or("");
        let mut r = LinkRecord::new(
            get(0),
            if get(2) == "registry" {
                Origin::Registry
            } else {
                Origin::Dataset
            },
            FlowKind::parse(get(8)).unwrap_or(FlowKind::Unknown),
            get(13),
        );
        r.dataset = Some(get(2).to_string());
        r.version = Some(get(3).to_string());
        r.country = Some(get(5).to_string());
        r.year = get(6).parse().ok();
        r.month = get(7).parse().ok();
        r.usd_nominal = get(9).parse().ok();
        r.amount = r.usd_nominal;
        r.currency = Some("USD".into());
        r.sector_group = ruta_core::SectorGroup::parse(get(14));
        if !get(11).is_empty() {
            r.parties.push(LinkParty {
                org: get(11).into(),
                name: String::new(),
                role: Role::Lender,
                parent: None,
            });
        }
        if !get(12).is_empty() {
            r.parties.push(LinkParty {
                org: get(12).into(),
                name: String::new(),
                role: Role::Borrower,
                parent: None,
            });
        }
        records.push(r);
    }
    let read = t0.elapsed().as_secs_f64();
    let settings = Settings {
        rules: vec![
            BlockingRule::FinancierAmount { window: 1 },
            BlockingRule::Amount {
                window: 0,
                adjacent: false,
            },
        ],
        finances: false,
        lower: 0.99,
        u_pairs: 1_000_000,
        ..Settings::default()
    };
    let t1 = Instant::now();
    let linker = Linker::new(&records, settings);
    let prepared = t1.elapsed().as_secs_f64();
    let (proposals, report) = linker.run(&[], &Scope::All);
    let linked = t1.elapsed().as_secs_f64();
    // Flows: the positive same-flow relations, transitively.
    let g = ruta_link::eval::groups(
        proposals
            .iter()
            .filter(|p| p.judgement == ruta_core::Judgement::Positive)
            .map(|p| (p.from.as_str(), p.to.as_str())),
    );
    let mut w = csv::Writer::from_path(output)?;
    w.write_record(["unique_id", "cluster"])?;
    for r in &records {
        let c = g
            .get(&r.id)
            .map(|c| format!("g{c}"))
            .unwrap_or_else(|| format!("s{}", r.id));
        w.write_record([r.id.as_str(), c.as_str()])?;
    }
    w.flush()?;
    // One new record against the linked set: its candidates from the block index,
    // scored (the incremental path of an import), for 2,000 records spread over the set.
    let step = (records.len() / 2000).max(1);
    let mut times: Vec<f64> = Vec::new();
    let mut found = 0usize;
    for i in (0..records.len()).step_by(step).take(2000) {
        let t = Instant::now();
        found += linker.candidates_for(i).len();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!(
        "{}",
        serde_json::json!({
            "records": records.len(),
            "read_s": read,
            "prepare_and_u_s": prepared,
            "link_s": linked,
            "pairs_compared": report.pairs_compared,
            "pairs_by_rule": report.pairs_by_rule,
            "positive": report.positive,
            "candidates": report.candidates,
            "constrained": report.constrained,
            "one_record_ms_mean": mean,
            "one_record_ms_p99": p99,
            "one_record_candidates": found,
            "threads": rayon::current_num_threads(),
        })
    );
    Ok(())
}
