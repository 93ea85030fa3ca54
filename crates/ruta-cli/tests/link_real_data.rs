//! Record linkage on the full shared data, through the real binary: every shared dataset
//! imported without linking, then `ruta link` over the whole database. The audited
//! groups count once, look-alikes stay apart, the labelled pairs
//! (`crates/ruta-link/eval/pairs.csv`) come out as labelled, and a person's decisions win
//! over the model, survive re-imports and re-runs, and can be undone.

mod common;

use common::{ok_json, ruta};

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn import_all(db: &Path, data: &Path, seeds: &Path, extra: &[&str]) {
    let runs = ruta_testdata::full_import_runs(data);
    for args in runs {
        let mut a: Vec<&str> = vec!["import"];
        a.extend_from_slice(extra);
        a.extend(args.iter().map(String::as_str));
        let out = ruta(db, &a);
        assert!(
            out.status.success(),
            "{a:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = ruta(db, &["ingest", "news", &seeds.to_string_lossy()]);
    assert!(out.status.success());
}

struct Linked {
    _dir: tempfile::TempDir,
    db: PathBuf,
    /// Flows before linking (id → flow).
    before: HashMap<String, Value>,
    /// `ruta link --format json`.
    report: Value,
}

/// The database: imported without linking, then linked in full once.
fn linked() -> Option<&'static Linked> {
    static DB: OnceLock<Option<Linked>> = OnceLock::new();
    DB.get_or_init(|| {
        let gcdf = ruta_testdata::shared_file("gcdf3")?;
        let data = gcdf.parent()?.to_path_buf();
        let seeds = ruta_testdata::seeds_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("full.db");
        import_all(&db, &data, &seeds, &["--no-link"]);
        let before = by_id(ok_json(ruta(&db, &["flows", "--format", "json"])));
        let report = ok_json(ruta(&db, &["link", "--format", "json"]));
        Some(Linked {
            _dir: dir,
            db,
            before,
            report,
        })
    })
    .as_ref()
}

fn by_id(v: Value) -> HashMap<String, Value> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

fn flows(db: &Path) -> HashMap<String, Value> {
    by_id(ok_json(ruta(db, &["flows", "--format", "json"])))
}

fn same_group(f: &HashMap<String, Value>, a: &str, b: &str) -> bool {
    f[a]["group_id"] == f[b]["group_id"]
}

fn reason(f: &HashMap<String, Value>, id: &str) -> String {
    f[id]["not_counted_reason"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The flows of one group: exactly one counts.
fn counts_once(f: &HashMap<String, Value>, ids: &[&str]) {
    for w in ids.windows(2) {
        assert!(
            same_group(f, w[0], w[1]),
            "{} ~ {}: {:#?}",
            w[0],
            w[1],
            (&f[w[0]], &f[w[1]])
        );
    }
    let g = f[ids[0]]["group_id"].as_str().unwrap();
    let counted = f
        .values()
        .filter(|x| x["group_id"] == g && x["counted"] == true)
        .count();
    assert!(counted <= 1, "{ids:?}: {counted} counted");
}

const SINOVENSA: [&str; 2] = [
    "gcdf-38053",
    "cgef-ven-2013-increase-sinovensa-production-in-orinoco",
];
const CMOC: [&str; 2] = [
    "cgit-2025-2016-april-china-molybdenum-bra-anglo-american",
    "cgit-2020-2016-april-china-molybdenum-bra-anglo-american",
];

#[test]
fn audited_groups_count_once() {
    let Some(l) = linked() else { return };
    let f = flows(&l.db);
    // CDB–Petrobras 2009: registry + BU.
    counts_once(
        &f,
        &[
            "bra-cdb-petrobras-2009~loan",
            "cgef-bra-2009-10-year-oil-supply-plan-10mt-year-oil-for-loan",
        ],
    );
    // Sinovensa: AidData + BU, found by the linker alone.
    counts_once(&f, &SINOVENSA);
    assert!(
        !same_group(&f, SINOVENSA[1], "gcdf-37915"),
        "ICBC's housing loan"
    );
    // Kirchner–Cepernic: AidData + BU + registry; the loan pays the AEI contract.
    let kc = [
        "arg-kirchner-cepernic-dams~cdb-loan-2014",
        "gcdf-37002",
        "cgef-arg-2014-the-nestor-kichner-and-jorge-cepernic-dams-with-icbc-and-boc",
    ];
    counts_once(&f, &kc);
    let contract = "cgit-2020-2015-november-china-energy-engineering-arg-eisa";
    assert_eq!(f[contract]["counted"], false);
    let rep = f[contract]["group_id"].as_str().unwrap();
    assert!(
        reason(&f, rep).starts_with("financed_by:"),
        "{rep}: {}",
        reason(&f, rep)
    );
    // Coca Codo Sinclair: the plant loan pays the contract; the transmission loan is
    // another flow.
    let plant = "cgef-ecu-2010-coca-codo-sinclair-hpp";
    let line = "cgef-ecu-2014-coca-codo-sinclair-hydroelectric-facility";
    assert!(!same_group(&f, plant, line));
    let epc = "cgit-2020-2010-june-sinohydro-ecu-cocasinclair";
    let rep = f[epc]["group_id"].as_str().unwrap();
    assert!(
        reason(&f, rep).starts_with("financed_by:"),
        "{}",
        reason(&f, rep)
    );
    // AEI's CMOC / Anglo American in both releases despite a 2.7 % revision.
    counts_once(&f, &CMOC);
    assert_eq!(reason(&f, CMOC[1]), format!("superseded_by:{}", CMOC[0]));
    // Every relation says why it exists.
    let rels: Vec<&Value> = f
        .values()
        .flat_map(|x| x["relations"].as_array().unwrap())
        .filter(|r| r["origin"] == "linker")
        .collect();
    assert!(!rels.is_empty());
    assert!(rels.iter().all(|r| r["score"].is_number()
        && r["evidence"]["rows"].is_array()
        && r["rule"].as_str().unwrap().starts_with("ruta-link")));
}

#[test]
fn labelled_pairs_come_out_as_labelled() {
    let Some(l) = linked() else { return };
    let f = flows(&l.db);
    let pairs =
        ruta_link::eval::parse_pairs(include_str!("../../ruta-link/eval/pairs.csv")).unwrap();
    let financed = |loan: &str, contract: &str| {
        let gl = f[loan]["group_id"].as_str().unwrap();
        let gc = f[contract]["group_id"].as_str().unwrap();
        reason(&f, gc) == format!("financed_by:{gl}")
            || f.values().any(|x| {
                x["group_id"] == gl
                    && x["relations"].as_array().unwrap().iter().any(|r| {
                        r["kind"] == "finances"
                            && r["judgement"] == "positive"
                            && r["direction"] == "out"
                            && f.get(r["other"].as_str().unwrap())
                                .is_some_and(|o| o["group_id"] == gc)
                    })
            })
    };
    let e = ruta_link::eval::evaluate(&pairs, |a, b| same_group(&f, a, b), financed);
    let before = ruta_link::eval::evaluate(
        &pairs,
        |a, b| l.before[a]["group_id"] == l.before[b]["group_id"],
        |_, _| false,
    );
    eprintln!(
        "same flow: P {:.3} R {:.3} F1 {:.3} (before linking: R {:.3}); finances: P {:.3} R {:.3} F1 {:.3}",
        e.same_flow.precision(),
        e.same_flow.recall(),
        e.same_flow.f1(),
        before.same_flow.recall(),
        e.finances.precision(),
        e.finances.recall(),
        e.finances.f1()
    );
    for err in &e.errors {
        eprintln!("  {err}");
    }
    assert!(e.same_flow.precision() >= 0.98, "{:#?}", e.errors);
    assert!(e.same_flow.recall() >= 0.95, "{:#?}", e.errors);
    assert!(e.finances.precision() >= 0.98, "{:#?}", e.errors);
    // Dollars the labelled same-flow pairs count twice, before and after.
    let twice = |m: &HashMap<String, Value>| -> f64 {
        pairs
            .iter()
            .filter(|p| p.label == ruta_link::eval::Label::SameFlow)
            .filter(|p| m[&p.a]["counted"] == true && m[&p.b]["counted"] == true)
            .map(|p| {
                m[&p.a]["amount_usd"]
                    .as_f64()
                    .unwrap_or(0.0)
                    .min(m[&p.b]["amount_usd"].as_f64().unwrap_or(0.0))
            })
            .sum()
    };
    let (b, a) = (twice(&l.before), twice(&f));
    eprintln!(
        "labelled same-flow pairs counted twice: ${:.2} bn before, ${:.2} bn after; counted total ${:.2} bn before, ${:.2} bn after `ruta link`",
        b / 1e9,
        a / 1e9,
        l.report["counted_usd_before"].as_f64().unwrap() / 1e9,
        l.report["counted_usd_after"].as_f64().unwrap() / 1e9
    );
    assert!(a < b / 10.0, "{a} vs {b}");
}

#[test]
fn a_persons_decision_wins_survives_and_can_be_undone() {
    let Some(l) = linked() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("copy.db");
    std::fs::copy(&l.db, &db).unwrap();
    // Reject the linker's CMOC link: the two releases count apart.
    let out = ruta(&db, &["link", "reject", CMOC[0], CMOC[1], "--by", "tester"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!same_group(&flows(&db), CMOC[0], CMOC[1]));
    // Re-importing the files and re-running the linker change nothing.
    let data = ruta_testdata::shared_file("aei_cgit").unwrap();
    for file in [
        "investments_2005_2025h1.csv",
        "investments_and_construction_2005_2019.csv",
    ] {
        let out = ruta(
            &db,
            &["import", "aei-cgit", &data.join(file).to_string_lossy()],
        );
        assert!(out.status.success());
    }
    ok_json(ruta(&db, &["link", "--format", "json"]));
    let f = flows(&db);
    assert!(!same_group(&f, CMOC[0], CMOC[1]));
    let rel = f[CMOC[0]]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["origin"] == "person")
        .unwrap()
        .clone();
    assert_eq!(rel["judgement"], "negative");
    assert_eq!(rel["evidence"]["decided_by"], "tester");
    // Undo: the model's link holds again.
    assert!(
        ruta(&db, &["link", "undo", CMOC[0], CMOC[1]])
            .status
            .success()
    );
    assert!(same_group(&flows(&db), CMOC[0], CMOC[1]));
    // Accepting a candidate applies it; review lists candidates with their evidence.
    let review = ok_json(ruta(
        &db,
        &["link", "review", "--format", "json", "--limit", "0"],
    ));
    let c = &review.as_array().unwrap()[0];
    assert!(c["evidence"]["rows"].is_array() && c["score"].is_number());
    let (a, b) = (
        c["from"]["id"].as_str().unwrap(),
        c["to"]["id"].as_str().unwrap(),
    );
    assert!(ruta(&db, &["link", "accept", a, b]).status.success());
    let f = flows(&db);
    let kind = c["kind"].as_str().unwrap();
    if kind == "same_as" || kind == "supersedes" {
        assert!(same_group(&f, a, b));
    }
    let review2 = ok_json(ruta(
        &db,
        &["link", "review", "--format", "json", "--limit", "0"],
    ));
    assert_eq!(
        review2.as_array().unwrap().len() + 1,
        review.as_array().unwrap().len()
    );
}
