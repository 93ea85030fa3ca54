//! Debt through the real binary on the shared GCDF 3.0 full-schema rows and the World
//! Bank IDS tables: grant elements computed from the terms alone against AidData's
//! published values, the schedules of the shared loans, `ruta import wb-ids` and the
//! usage errors.

mod common;

use common::{ok_json, ruta};

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared ports file and the IDS tables imported once (None without the data).
fn db() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let ports = ruta_testdata::shared_file("gcdf3/lac_ports_fullschema.csv")?;
        let amt =
            ruta_testdata::shared_file("debt/ids_DT.AMT.BLAT.CD_2000-2025_LAC_all_creditors.csv")?;
        let int =
            ruta_testdata::shared_file("debt/ids_DT.INT.BLAT.CD_2000-2025_LAC_all_creditors.csv")?;
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("debt.db");
        let out = ruta(&db, &["import", "gcdf", ports.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = ruta(
            &db,
            &[
                "import",
                "wb-ids",
                amt.to_str().unwrap(),
                int.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("5493 rows read, 5493 imported")
                && err.contains("5582 rows read, 5582 imported"),
            "{err}"
        );
        Some((d, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

/// AidData's published grant elements, read from the file itself (not through ruta).
fn published() -> BTreeMap<String, [Option<f64>; 3]> {
    let path = ruta_testdata::shared_file("gcdf3/lac_ports_fullschema.csv").unwrap();
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (id, a, b, c) = (
        col("AidData Record ID"),
        col("Grant Element (OECD Cash-Flow)"),
        col("Grant Element (OECD Grant-Equiv)"),
        col("Grant Element (IMF)"),
    );
    let num = |s: &str| s.trim().parse::<f64>().ok();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                format!("gcdf-{}", &r[id]),
                [num(&r[a]), num(&r[b]), num(&r[c])],
            )
        })
        .collect()
}

#[test]
fn grant_elements_from_the_terms_reproduce_aiddatas_to_a_hundredth() {
    let Some(db) = db() else { return };
    let flows = ok_json(ruta(db, &["flows", "--kind", "loan", "--format", "json"]));
    let published = published();
    let mut compared = Vec::new();
    for f in flows.as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        let t = &f["terms"];
        assert!(t.is_object(), "{id}: a loan flow has terms");
        for k in [
            "interest_rate",
            "maturity_years",
            "grace_years",
            "first_repayment",
            "last_repayment",
            "collateralized",
        ] {
            assert!(t.get(k).is_some(), "{id}: terms.{k}");
        }
        let Some(theirs) = published.get(id) else {
            continue;
        };
        let ours = [
            t["grant_element"]["oecd_cash_flow"].as_f64(),
            t["grant_element"]["oecd_grant_equivalent"].as_f64(),
            t["grant_element"]["imf"].as_f64(),
        ];
        for (m, (o, p)) in ["cash-flow", "grant-equivalent", "imf"]
            .iter()
            .zip(ours.iter().zip(theirs))
        {
            match (o, p) {
                (Some(o), Some(p)) => {
                    assert!((o - p).abs() < 0.01, "{id} {m}: ruta {o}, AidData {p}");
                    compared.push(format!("{id} {m}"));
                }
                (None, None) => {}
                _ => panic!("{id} {m}: ruta {o:?}, AidData {p:?}"),
            }
        }
        // The dataset's own values stay claims beside ruta's.
        assert_eq!(t["grant_element_stated"]["imf"].as_f64(), theirs[2], "{id}");
    }
    // 54912 and 69143 publish all three; 39740 (Bahamas, blank grace, no income group)
    // the cash-flow and IMF values.
    assert_eq!(compared.len(), 8, "{compared:?}");
    // Collateral as the full schema states it.
    let f = flows
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "gcdf-54912")
        .unwrap();
    assert_eq!(f["terms"]["collateralized"], true);
    assert_eq!(
        f["terms"]["collateral"],
        "Project revenues deposited into escrow account"
    );
    assert_eq!(f["terms"]["income_group"], "Upper middle income");
}

fn schedule(db: &Path, flow: &str) -> Vec<Value> {
    ok_json(ruta(
        db,
        &["debt", "schedule", "--flow", flow, "--format", "json"],
    ))
    .as_array()
    .unwrap()
    .clone()
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k}: {v}"))
}

#[test]
fn schedules_of_the_shared_loans() {
    let Some(db) = db() else { return };
    let all = ok_json(ruta(db, &["debt", "schedule", "--format", "json"]));
    let all = all.as_array().unwrap();
    let mut loans: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for r in all {
        for k in [
            "flow_id",
            "country",
            "year",
            "principal_usd",
            "interest_usd",
            "outstanding_usd",
        ] {
            assert!(r.get(k).is_some(), "{k}");
        }
        loans
            .entry(r["flow_id"].as_str().unwrap())
            .or_default()
            .push(r);
    }
    // The shared rows that state a maturity or a last repayment date, and the registry's
    // Manta airport credit (2 %, 30 years).
    assert_eq!(
        loans.keys().copied().collect::<Vec<_>>(),
        [
            "ecu-manta-airport~terminal-credit-2018",
            "gcdf-39740",
            "gcdf-43110",
            "gcdf-54912",
            "gcdf-69143",
            "gcdf-69333",
            "gcdf-88899"
        ]
    );
    // Principal sums to the face value (in the loan's currency; in US dollars for dollar
    // loans), and nothing is outstanding at the end.
    let face = [
        ("gcdf-39740", 257_200_000.0),
        ("gcdf-43110", 120_000_000.0),
        ("gcdf-54912", 600_000_000.0),
        ("gcdf-69143", 22_118_868.0),
        ("gcdf-69333", 29_100_000.0),
        ("gcdf-88899", 50_000_000.0),
    ];
    for (id, v) in face {
        let rows = &loans[id];
        let p: f64 = rows.iter().map(|r| f(r, "principal")).sum();
        assert!((p - v).abs() < 1e-3, "{id}: {p} vs {v}");
        if rows[0]["currency"] == "USD" {
            let p: f64 = rows.iter().map(|r| f(r, "principal_usd")).sum();
            assert!((p - v).abs() < 1e-3, "{id}: {p} vs {v}");
        }
        assert_eq!(f(rows.last().unwrap(), "outstanding"), 0.0, "{id}");
    }
    // First and last repayment years as the records state them.
    let repaid = |id: &str| -> (i64, i64) {
        let ys: Vec<i64> = loans[id]
            .iter()
            .filter(|r| f(r, "principal") > 0.0)
            .map(|r| r["year"].as_i64().unwrap())
            .collect();
        (ys[0], *ys.last().unwrap())
    };
    assert_eq!(repaid("gcdf-54912"), (2021, 2038)); // 2021-12-14 to 2038-09-09
    assert_eq!(repaid("gcdf-69143"), (2007, 2009)); // 2007-07-19 to 2009-01-16
    assert_eq!(repaid("gcdf-43110").1, 2034); // last 2034-07-17
    assert_eq!(repaid("gcdf-88899").1, 2032); // last 2032-04-08
    assert_eq!(
        repaid("gcdf-39740").0,
        2012,
        "blank grace: repaid from commitment"
    );
    // Interest on the outstanding balance. 54912 (CNY 600 m at 2 %): in grace, 2 % of
    // the whole face value a year; while repaying, on what is left — in 2030 the
    // December 2029 balance for 182 days (to 14 June) and, after the June repayment, the
    // rest for 183 days (to 14 December).
    let y = |id: &str, year: i64| {
        *loans[id]
            .iter()
            .find(|r| r["year"].as_i64() == Some(year))
            .unwrap()
    };
    let i2019 = f(y("gcdf-54912", 2019), "interest");
    assert!((i2019 - 0.02 * 600e6).abs() < 1.0, "{i2019}");
    let b = f(y("gcdf-54912", 2029), "outstanding");
    let p = f(y("gcdf-54912", 2030), "principal") / 2.0;
    let want = 0.02 * (b * 182.0 + (b - p) * 183.0) / 365.0;
    let got = f(y("gcdf-54912", 2030), "interest");
    assert!((got - want).abs() < 1.0, "{got} vs {want}");
    // Interest falls as principal is repaid.
    let rows = &loans["gcdf-54912"];
    let repaying: Vec<f64> = rows
        .iter()
        .filter(|r| (2022..=2038).contains(&r["year"].as_i64().unwrap()))
        .map(|r| f(r, "interest"))
        .collect();
    assert!(repaying.windows(2).all(|w| w[1] < w[0]), "{repaying:?}");
    // Loans that state no rate are principal only, and say so.
    assert!(loans["gcdf-43110"].iter().all(|r| f(r, "interest") == 0.0));
    let table =
        String::from_utf8(ruta(db, &["debt", "schedule", "--flow", "gcdf-43110"]).stdout).unwrap();
    assert!(
        table.contains("assumed: interest rate unknown: principal only"),
        "{table}"
    );
    // Linear disbursement lowers the interest of a loan with grace.
    let full: f64 = schedule(db, "gcdf-54912")
        .iter()
        .map(|r| f(r, "interest"))
        .sum();
    let lin = ok_json(ruta(
        db,
        &[
            "debt",
            "schedule",
            "--flow",
            "gcdf-54912",
            "--disbursement",
            "linear",
            "--format",
            "json",
        ],
    ));
    let lin: f64 = lin
        .as_array()
        .unwrap()
        .iter()
        .map(|r| f(r, "interest"))
        .sum();
    assert!(lin < full, "{lin} vs {full}");
}

#[test]
fn the_table_says_how_many_loans_lacked_terms_and_what_was_assumed() {
    let Some(db) = db() else { return };
    let out = ruta(db, &["debt", "schedule"]);
    assert!(out.status.success());
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(t.contains("counted loan(s) scheduled"), "{t}");
    assert!(t.contains("lack the terms to schedule"), "{t}");
    assert!(t.contains("not scheduled: gcdf-41465"), "{t}");
    assert!(t.contains("assumptions made (loans):"), "{t}");
    assert!(t.contains("disbursed in full at commitment"), "{t}");
    let out = ruta(
        db,
        &[
            "debt",
            "schedule",
            "--country",
            "VEN",
            "--assume-maturity",
            "10",
        ],
    );
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(t.contains("maturity unknown: taken as 10 years"), "{t}");
    assert!(
        t.contains("asked for: loans stating no maturity: 10 years assumed"),
        "{t}"
    );
    // Loans: every counted loan with its terms, or what it lacks.
    let loans = ok_json(ruta(
        db,
        &["debt", "loans", "--country", "ATG", "--format", "json"],
    ));
    assert_eq!(loans[0]["flow_id"], "gcdf-54912");
    assert_eq!(loans[0]["first_repayment"], "2021-12-14");
    assert_eq!(loans[0]["last_repayment"], "2038-09-09");
}

#[test]
fn service_sits_beside_what_the_world_bank_reports() {
    let Some(db) = db() else { return };
    let rows = ok_json(ruta(
        db,
        &[
            "debt",
            "service",
            "--country",
            "ARG",
            "--year-from",
            "2010",
            "--year-to",
            "2025",
            "--format",
            "json",
        ],
    ));
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 16);
    for r in rows {
        for k in ["key", "projected_usd", "reported_usd", "gdp_share"] {
            assert!(r.get(k).is_some(), "{k}");
        }
    }
    let by = |y: i64| rows.iter().find(|r| r["key"] == y).unwrap();
    // IDS, debt service to China (AMT + INT), US$ m: 2019 450.2, 2023 1,123.3.
    assert!((f(by(2019), "reported_usd") / 1e6 - 450.2).abs() < 0.1);
    assert!((f(by(2023), "reported_usd") / 1e6 - 1123.3).abs() < 0.1);
    assert_eq!(by(2024)["reported_is_projection"], true);
    assert_eq!(by(2023)["reported_is_projection"], false);
    // Argentina's GDP is embedded to 2023.
    assert!(by(2019)["reported_gdp_share"].as_f64().unwrap() > 0.0);
    assert!(by(2025)["gdp_share"].is_null());
    // By country: every LAC debtor IDS reports, and the by-lender rows have no reported side.
    let rows = ok_json(ruta(
        db,
        &[
            "debt",
            "service",
            "--by",
            "country",
            "--year-from",
            "2019",
            "--year-to",
            "2019",
            "--format",
            "json",
        ],
    ));
    let bra = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "BRA")
        .unwrap();
    assert!((f(bra, "reported_usd") / 1e6 - 5418.4).abs() < 0.1);
    let rows = ok_json(ruta(
        db,
        &["debt", "service", "--by", "lender", "--format", "json"],
    ));
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["reported_usd"].is_null())
    );
}

#[test]
fn usage_errors() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("u.db");
    for (args, words) in [
        (
            vec!["debt", "schedule", "--disbursement", "soon"],
            "possible values: full, linear",
        ),
        (
            vec!["debt", "service", "--by", "bank"],
            "accepted values: year, country, lender",
        ),
        (
            vec!["debt", "schedule", "--assume-rate", "150"],
            "percent between 0 and 100",
        ),
        (vec!["debt", "schedule", "--country", "XX"], "country code"),
        (vec!["import", "wb-idx", "x.csv"], "wb-ids"),
    ] {
        let out = ruta(&db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(words), "{args:?}: {e}");
    }
    let out = ruta(&db, &["debt", "schedule", "--flow", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no flow 'nope'"));
    // A file that is not an IDS table: named, nothing written, exit 1.
    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "a,b\n1,2\n").unwrap();
    let out = ruta(&db, &["import", "wb-ids", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("bad.csv") && e.contains("not an IDS"), "{e}");
}
