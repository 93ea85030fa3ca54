//! Ecuador's and Argentina's debt service to China, 2010–2025, on the full shared data
//! (every GCDF file, ADM, GeoJSON, AEI, BU, the seed articles — as in
//! `flows_real_data.rs` — and the World Bank's IDS tables), through the real binary:
//! what ruta's loans project beside what IDS reports, side by side. BENCHMARKS.md
//! tabulates these figures and explains the gap; this test keeps its claims true.

mod common;

use common::ruta;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn db() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let gcdf = ruta_testdata::shared_file("gcdf3")?;
        let data = gcdf.parent()?.to_path_buf();
        let seeds = ruta_testdata::seeds_dir()?;
        ruta_testdata::shared_file("debt/ids_DT.AMT.BLAT.CD_2000-2025_LAC_all_creditors.csv")?;
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("full.db");
        let mut runs: Vec<Vec<String>> = ruta_testdata::full_import_runs(&data)
            .into_iter()
            .map(|r| std::iter::once("import".to_string()).chain(r).collect())
            .collect();
        runs.push(vec![
            "ingest".into(),
            "news".into(),
            seeds.to_string_lossy().into_owned(),
        ]);
        let p = |rel: &str| data.join(rel).to_string_lossy().into_owned();
        runs.push(vec![
            "import".into(),
            "wb-ids".into(),
            p("debt/ids_DT.AMT.BLAT.CD_2000-2025_LAC_all_creditors.csv"),
            p("debt/ids_DT.INT.BLAT.CD_2000-2025_LAC_all_creditors.csv"),
        ]);
        for args in runs {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(ruta(&db, &a));
        }
        Some((d, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

const ASSUME: &[&str] = &[
    "--assume-maturity",
    "15",
    "--assume-grace",
    "4",
    "--assume-rate",
    "6",
    "--disbursement",
    "linear",
];

fn service(db: &Path, country: &str, extra: &[&str]) -> Vec<Value> {
    let mut a = vec![
        "debt",
        "service",
        "--country",
        country,
        "--year-from",
        "2010",
        "--year-to",
        "2025",
        "--format",
        "json",
    ];
    a.extend_from_slice(extra);
    let v: Value = serde_json::from_slice(&ok(ruta(db, &a)).stdout).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn ecuador_and_argentina_projected_beside_reported_2010_2025() {
    let Some(db) = db() else { return };
    for (country, reported_2019, reported_2023) in [("ECU", 1429.6, 1146.0), ("ARG", 450.2, 1123.3)]
    {
        let stated = service(db, country, &[]);
        let assumed = service(db, country, ASSUME);
        assert_eq!(stated.len(), 16, "{country}: every year 2010–2025");
        assert_eq!(assumed.len(), 16);
        println!(
            "{country}: year, reported (IDS), projected from stated terms, projected with assumed terms (US$ m)"
        );
        for (s, a) in stated.iter().zip(&assumed) {
            assert_eq!(s["key"], a["key"]);
            assert_eq!(
                s["reported_usd"], a["reported_usd"],
                "the reported side is IDS's"
            );
            let m = |v: &Value| {
                v.as_f64()
                    .map(|x| format!("{:.1}", x / 1e6))
                    .unwrap_or("-".into())
            };
            println!(
                "{country} {} {}{} {} {}",
                s["key"],
                m(&s["reported_usd"]),
                if s["reported_is_projection"] == true {
                    " (p)"
                } else {
                    ""
                },
                m(&s["projected_usd"]),
                m(&a["projected_usd"])
            );
        }
        let year = |rows: &[Value], y: i64| rows.iter().find(|r| r["key"] == y).unwrap().clone();
        let rep = |y: i64| year(&stated, y)["reported_usd"].as_f64().unwrap() / 1e6;
        assert!((rep(2019) - reported_2019).abs() < 0.1, "{country} 2019");
        assert!((rep(2023) - reported_2023).abs() < 0.1, "{country} 2023");
        // From the terms the shared data states, ruta projects far less than IDS reports:
        // it holds the loans but not their terms.
        let proj: f64 = stated
            .iter()
            .map(|r| r["projected_usd"].as_f64().unwrap())
            .sum();
        let reported: f64 = stated
            .iter()
            .filter_map(|r| r["reported_usd"].as_f64())
            .sum();
        assert!(proj < 0.05 * reported, "{country}: {proj} vs {reported}");
        // With every loan's missing terms assumed, the projection is of IDS's order.
        let proj: f64 = assumed
            .iter()
            .map(|r| r["projected_usd"].as_f64().unwrap())
            .sum();
        assert!(
            (0.3..3.0).contains(&(proj / reported)),
            "{country}: {proj} vs {reported}"
        );
    }
    // The table says how many loans lacked terms and which assumptions were made.
    let t = String::from_utf8(
        ok(ruta(
            db,
            &[
                "debt",
                "service",
                "--country",
                "ECU",
                "--year-from",
                "2010",
                "--year-to",
                "2025",
            ],
        ))
        .stdout,
    )
    .unwrap();
    assert!(t.contains("lack the terms to schedule"), "{t}");
    assert!(
        t.contains("not scheduled: cgef-ecu-2010-coca-codo-sinclair-hpp"),
        "{t}"
    );
    assert!(t.contains("World Bank IDS"), "{t}");
    let t = String::from_utf8(
        ok(ruta(
            db,
            &[
                &[
                    "debt",
                    "service",
                    "--country",
                    "ECU",
                    "--year-from",
                    "2010",
                    "--year-to",
                    "2025",
                ][..],
                ASSUME,
            ]
            .concat(),
        ))
        .stdout,
    )
    .unwrap();
    assert!(t.contains("maturity unknown: taken as 15 years"), "{t}");
    assert!(
        t.contains("interest rate unknown: taken as 6 % a year"),
        "{t}"
    );
}
