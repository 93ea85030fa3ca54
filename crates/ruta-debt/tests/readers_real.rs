//! The World Bank readers on the shared files.

use std::fs::File;

use ruta_debt::gdp::{GdpTable, read_gdp_csv};
use ruta_debt::ids::{IdsSeries, read_ids_csv, service_to};

const AMT: &str = "debt/ids_DT.AMT.BLAT.CD_2000-2025_LAC_all_creditors.csv";
const INT: &str = "debt/ids_DT.INT.BLAT.CD_2000-2025_LAC_all_creditors.csv";

/// Debt service to China (AMT + INT, US$ m) as the shared data's README states it.
#[test]
fn ids_debt_service_to_china_matches_the_readme() {
    let amt = ruta_testdata::require!(AMT);
    let int = ruta_testdata::require!(INT);
    let mut rows = read_ids_csv(File::open(&amt).unwrap(), AMT).unwrap();
    let n_amt = rows.len();
    rows.extend(read_ids_csv(File::open(&int).unwrap(), INT).unwrap());
    assert_eq!(n_amt, 5_493);
    assert_eq!(rows.len(), 5_493 + 5_582);
    assert_eq!(
        rows.iter().filter(|r| r.creditor == "China").count(),
        336 + 330
    );
    assert!(
        rows[..n_amt]
            .iter()
            .all(|r| r.series == IdsSeries::Principal)
    );
    assert!(
        rows[n_amt..]
            .iter()
            .all(|r| r.series == IdsSeries::Interest)
    );
    let china = service_to(&rows, "CHN");
    for (iso3, year, millions) in [
        ("ECU", 2019, 1_429.6),
        ("ECU", 2023, 1_146.0),
        ("ARG", 2019, 450.2),
        ("ARG", 2023, 1_123.3),
        ("BRA", 2019, 5_418.4),
        ("BRA", 2023, 833.3),
    ] {
        let s = china[&(iso3.to_string(), year)];
        assert!(!s.projected);
        let got = s.total_usd() / 1e6;
        assert!(
            (got - millions).abs() < 0.05,
            "{iso3} {year}: {got:.1} vs {millions}"
        );
    }
    // 2024 and 2025 are the World Bank's projections.
    assert!(china[&("ECU".to_string(), 2025)].projected);
    assert!(rows.iter().all(|r| r.projected == (r.year >= 2024)));
    // Venezuela is not in IDS.
    assert!(!rows.iter().any(|r| r.debtor_iso3 == "VEN"));
}

/// The embedded LAC GDP series are the shared World Bank file's rows, unchanged.
#[test]
fn embedded_gdp_equals_the_world_bank_file() {
    let path = ruta_testdata::require!("worldbank/gdp_current_usd.csv");
    let rows = read_gdp_csv(File::open(&path).unwrap(), "gdp_current_usd.csv").unwrap();
    assert_eq!(rows.len(), 13_979);
    let lac: Vec<_> = rows
        .iter()
        .filter(|r| ruta_core::country::lac().iter().any(|c| c.iso3 == r.iso3))
        .collect();
    let table = GdpTable::lac();
    assert_eq!(lac.len(), table.len());
    for r in lac {
        assert_eq!(
            table.get(&r.iso3, r.year),
            Some(r.usd),
            "{} {}",
            r.iso3,
            r.year
        );
    }
    // Aggregates are rows like any other; the caller picks.
    assert!(rows.iter().any(|r| r.iso3 == "LCN"));
}
