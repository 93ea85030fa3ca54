//! `ruta import dots|comtrade` and `ruta trade` end to end on the shared trade files, and
//! the seed articles' trade figures as trade claims.

mod common;

use common::{ok_json, ruta};

use serde_json::Value;

fn find<'a>(rows: &'a Value, year: i64, flow: &str, reporter: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["year"] == year && r["flow"] == flow && r["reporter"] == reporter)
        .unwrap_or_else(|| panic!("no {flow} {year} by {reporter} in {rows}"))
}

#[test]
fn import_and_trade_json_csv_table() {
    let dots =
        ruta_testdata::require!("trade/imf_dots_TradeData_BRA_CHN_MEX_URY_IND_RUS_1948-2020.csv");
    let ct = ruta_testdata::require!("trade/comtrade_cipf_china_plp_TOTAL_2019-2021_semicolon.csv");
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("ruta.db");
    // DOTS holds damaged 1986–1990 cells: reported, skipped, exit code 1.
    let out = ruta(&db, &["import", "dots", dots.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":24: column '1986'") && err.contains("damaged"),
        "{err}"
    );
    let out = ruta(&db, &["import", "comtrade", ct.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let rows = ok_json(ruta(
        &db,
        &[
            "trade",
            "--country",
            "BRA",
            "--year",
            "2019",
            "--format",
            "json",
        ],
    ));
    let rows_arr = rows.as_array().unwrap();
    assert_eq!(rows_arr.len(), 4, "{rows}");
    for r in rows_arr {
        assert_eq!(r["country"], "BRA");
        assert!(r["hs2"].is_null());
        assert!(r["value_usd"].is_number());
        assert!(!r["sources"].as_array().unwrap().is_empty());
    }
    // China's exports to Brazil: Comtrade's figure over DOTS's, both listed.
    let x = find(&rows, 2019, "export", "CHN");
    assert_eq!(x["value_usd"], 35_539_063_912.0);
    let sources: Vec<&str> = x["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["dataset"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["UN Comtrade", "IMF DOTS"]);
    assert_eq!(x["sources"][1]["value"], 35_476_982_590.0);
    assert_eq!(x["displayed"], false);
    assert_eq!(find(&rows, 2019, "export", "BRA")["displayed"], true);
    // Brazil's exports to China as Brazil reports them, beside China's imports.
    let m = find(&rows, 2019, "import", "BRA");
    assert_eq!(m["value_usd"], 62_265_865_817.0);
    assert_eq!(m["mirror_usd"], 79_962_547_047.0);
    assert_eq!(m["gap_usd"], 62_265_865_817.0 - 79_962_547_047.0);
    assert_eq!(find(&rows, 2019, "import", "CHN")["displayed"], true);

    let china = ok_json(ruta(
        &db,
        &[
            "trade",
            "--country",
            "MEX",
            "--reporter",
            "china",
            "--format",
            "json",
        ],
    ));
    assert!(
        china
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["reporter"] == "CHN")
    );
    assert_eq!(
        find(&china, 2019, "export", "CHN")["value_usd"],
        46_377_886_430.0
    );

    let out = ruta(
        &db,
        &[
            "trade",
            "--country",
            "URY",
            "--year",
            "2019",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("country,country_name,year,flow,reporter,hs2,value_usd")
    );
    assert_eq!(lines.count(), 4);
    assert!(text.contains("IMF DOTS content "), "{text}");

    let out = ruta(&db, &["trade", "--country", "BRA"]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("china_reported") && table.contains("79.96 bn *"),
        "{table}"
    );

    // Bad parameters are usage errors that list what is accepted.
    let out = ruta(&db, &["trade", "--by", "hs4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("year, hs2"));
    let out = ruta(&db, &["trade", "--reporter", "usa"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn chapters_by_hs2() {
    let ag2 = ruta_testdata::require!("trade/comtrade_cipf_china_plp_AG2_2020.xlsx");
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("ruta.db");
    let out = ruta(&db, &["import", "comtrade", ag2.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = ok_json(ruta(
        &db,
        &[
            "trade",
            "--country",
            "BRA",
            "--by",
            "hs2",
            "--format",
            "json",
        ],
    ));
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 95);
    let sum: f64 = rows.iter().map(|r| r["value_usd"].as_f64().unwrap()).sum();
    assert_eq!(sum, 85_517_209_220.0);
    assert!(rows.iter().any(|r| r["hs2"] == "12"), "soy beans' chapter");
}

#[test]
fn seed_articles_trade_figures_are_trade_claims() {
    let Some(seeds) = ruta_testdata::seeds_dir() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("ruta.db");
    let out = ruta(&db, &["ingest", "news", seeds.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = ok_json(ruta(
        &db,
        &[
            "trade",
            "--reporter",
            "news",
            "--country",
            "PER",
            "--format",
            "json",
        ],
    ));
    let total = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["flow"] == "total")
        .unwrap_or_else(|| panic!("{rows}"));
    assert_eq!(total["year"], 2023);
    assert_eq!(total["value_usd"], 37.69e9);
    assert!(total["reporter"].is_null());
    let quote = total["sources"][0]["quote"].as_str().unwrap();
    assert!(quote.contains("bilateral trade volume"), "{quote}");
    let share = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["flow"] == "import")
        .unwrap();
    assert_eq!(share["share_pct"], 40.0);
    // No longer unattached evidence.
    let ev = ok_json(ruta(
        &db,
        &["evidence", "--country", "PER", "--format", "json"],
    ));
    assert!(
        !ev.as_array()
            .unwrap()
            .iter()
            .any(|e| e["text"].as_str().unwrap_or("").contains("37.69")),
        "{ev}"
    );
}
