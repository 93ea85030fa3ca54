//! The trade importers on the real files in ../shared/data/trade, checked against sums
//! read independently from the files (DOTS China↔Brazil 2019; Comtrade's Brazil 2019
//! import figure; the 2020 chapter rows against the 2020 TOTAL row), and on small files
//! written here for the layouts and quirks the shared files lack.

use ruta_ingest::{FileReport, Kind, Options, Quiet, Region, import_file};
use ruta_store::trade::{self, Flow, ReporterFilter, TradeBy, TradeQuery, TradeRow};
use ruta_store::{Access, Store};
use std::path::Path;

fn store(dir: &Path) -> Store {
    Store::open(dir.join("ruta.db"), Access::ReadWrite).unwrap()
}

fn run(s: &mut Store, kind: Kind, path: &Path) -> FileReport {
    import_file(s, kind, path, &Options::default(), &Quiet)
}

fn rows(s: &Store, country: &str, year: Option<i32>, by: TradeBy) -> Vec<TradeRow> {
    trade::trade(
        s.conn(),
        &TradeQuery {
            country: Some(country.into()),
            year,
            by,
            reporter: ReporterFilter::Both,
        },
    )
    .unwrap()
}

fn value(rows: &[TradeRow], year: i32, flow: Flow, reporter: &str) -> f64 {
    rows.iter()
        .find(|r| r.year == year && r.flow == flow && r.reporter.as_deref() == Some(reporter))
        .and_then(|r| r.value_usd)
        .unwrap_or_else(|| panic!("no {flow:?} {year} reported by {reporter}"))
}

/// The cells of the DOTS sample whose decimal point was lost upstream (`543091506145918`
/// among values near 5e7), all 1986–1990, on China–Mexico/Brazil/Uruguay rows: reported,
/// and the rows' other years kept.
const DAMAGED: &[(u64, &str)] = &[
    (24, "1986"),
    (28, "1986"),
    (28, "1989"),
    (53, "1990"),
    (55, "1990"),
    (56, "1990"),
    (58, "1990"),
    (59, "1990"),
    (61, "1990"),
];

fn damaged(r: &FileReport) -> Vec<(u64, &str)> {
    for p in &r.problems {
        assert!(p.reason.contains("damaged"), "{p}");
    }
    r.problems
        .iter()
        .map(|p| (p.line, p.column.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn dots_csv_china_brazil_2019_both_sides() {
    let f =
        ruta_testdata::require!("trade/imf_dots_TradeData_BRA_CHN_MEX_URY_IND_RUS_1948-2020.csv");
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let r = run(&mut s, Kind::Dots, &f);
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert_eq!(r.rows_read, 60);
    assert_eq!(damaged(&r), DAMAGED);
    // China with Brazil, Mexico, Uruguay (6 rows) and those three with China (6 rows).
    assert_eq!(r.outside_region, 48);
    let bra = rows(&s, "BRA", Some(2019), TradeBy::Year);
    // As China reports them.
    assert_eq!(value(&bra, 2019, Flow::Export, "CHN"), 35_476_982_590.0);
    assert_eq!(value(&bra, 2019, Flow::Import, "CHN"), 79_203_568_560.0);
    // As Brazil reports them: its exports to China are China's imports from Brazil.
    assert_eq!(value(&bra, 2019, Flow::Import, "BRA"), 62_265_865_817.0);
    assert_eq!(value(&bra, 2019, Flow::Export, "BRA"), 37_385_938_067.0);
    // The mirror: Mexico's imports from China are almost twice China's exports to Mexico.
    let mex = rows(&s, "MEX", Some(2019), TradeBy::Year);
    let x = mex
        .iter()
        .find(|r| r.flow == Flow::Export && r.reporter.as_deref() == Some("CHN"))
        .unwrap();
    assert_eq!(x.value_usd, Some(46_377_886_430.0));
    assert_eq!(x.mirror_usd, Some(88_035_669_080.0));
    assert_eq!(x.gap_usd, Some(88_035_669_080.0 - 46_377_886_430.0));
    assert!(
        !x.displayed,
        "the importer's figure (Mexico's, CIF) is shown"
    );
    assert_eq!(x.sources[0].locator, "line 55, column '2019'");
    assert_eq!(x.sources[0].dataset.as_deref(), Some(trade::DOTS));
    // Idempotent: the same file again adds nothing.
    let again = run(&mut s, Kind::Dots, &f);
    assert_eq!((again.imported, again.unchanged), (0, r.imported));
}

#[test]
fn dots_xlsx_sheet_gives_the_same_values_as_a_second_source() {
    let csv =
        ruta_testdata::require!("trade/imf_dots_TradeData_BRA_CHN_MEX_URY_IND_RUS_1948-2020.csv");
    let xlsx = ruta_testdata::require!("trade/imf_dots_MultiATSM_Dataset_CM_2024.xlsx");
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let a = run(&mut s, Kind::Dots, &csv);
    let b = run(&mut s, Kind::Dots, &xlsx);
    assert_eq!(b.outcome, "imported", "{b:?}");
    assert_eq!(damaged(&b), DAMAGED);
    assert_eq!(a.imported, b.imported, "the sheet holds the CSV's cells");
    let bra = rows(&s, "BRA", Some(2019), TradeBy::Year);
    let m = bra
        .iter()
        .find(|r| r.flow == Flow::Import && r.reporter.as_deref() == Some("CHN"))
        .unwrap();
    assert_eq!(m.value_usd, Some(79_203_568_560.0));
    assert_eq!(m.sources.len(), 2, "two files, two sources, side by side");
    assert!(m.sources.iter().all(|s| s.value == 79_203_568_560.0));
}

#[test]
fn comtrade_totals_xlsx_and_semicolon_csv() {
    let xlsx = ruta_testdata::require!("trade/comtrade_cipf_china_plp_TOTAL_2016-2019.xlsx");
    let csv =
        ruta_testdata::require!("trade/comtrade_cipf_china_plp_TOTAL_2019-2021_semicolon.csv");
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let a = run(&mut s, Kind::Comtrade, &xlsx);
    assert_eq!(a.outcome, "imported", "{a:?}");
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(
        (a.rows_read, a.imported),
        (72, 8),
        "Brazil: 4 years × 2 flows"
    );
    assert_eq!(
        a.outside_region, 64,
        "Portuguese-speaking partners outside LAC"
    );
    let b = run(&mut s, Kind::Comtrade, &csv);
    assert_eq!(b.outcome, "imported", "{b:?}");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    assert_eq!((b.rows_read, b.imported), (54, 6));
    let bra = rows(&s, "BRA", None, TradeBy::Year);
    assert_eq!(value(&bra, 2019, Flow::Import, "CHN"), 79_962_547_047.0);
    assert_eq!(value(&bra, 2019, Flow::Export, "CHN"), 35_539_063_912.0);
    assert_eq!(value(&bra, 2021, Flow::Import, "CHN"), 109_877_876_281.0);
    let y2019 = bra
        .iter()
        .find(|r| r.year == 2019 && r.flow == Flow::Import)
        .unwrap();
    assert_eq!(y2019.sources.len(), 2, "both files state 2019");
    assert_eq!(y2019.valuation, Some(trade::Valuation::Cif));
}

#[test]
fn comtrade_chapter_rows_sum_to_the_total_row() {
    let ag2 = ruta_testdata::require!("trade/comtrade_cipf_china_plp_AG2_2020.xlsx");
    let csv =
        ruta_testdata::require!("trade/comtrade_cipf_china_plp_TOTAL_2019-2021_semicolon.csv");
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let r = run(&mut s, Kind::Comtrade, &ag2);
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.imported, 95, "95 chapters of China's imports from Brazil");
    let chapters = rows(&s, "BRA", Some(2020), TradeBy::Hs2);
    assert_eq!(chapters.len(), 95);
    assert!(
        chapters.iter().any(|c| c.hs2.as_deref() == Some("01")),
        "leading zeros kept"
    );
    let sum: f64 = chapters.iter().filter_map(|c| c.value_usd).sum();
    assert_eq!(sum, 85_517_209_220.0);
    // Alone, the chapters make the year's total …
    let year = rows(&s, "BRA", Some(2020), TradeBy::Year);
    let derived = year.iter().find(|r| r.flow == Flow::Import).unwrap();
    assert_eq!(derived.value_usd, Some(85_517_209_220.0));
    assert_eq!(derived.derived.as_deref(), Some("sum of 95 HS chapters"));
    // … which is exactly the TOTAL row of the other file, stated.
    run(&mut s, Kind::Comtrade, &csv);
    let year = rows(&s, "BRA", Some(2020), TradeBy::Year);
    let stated = year.iter().find(|r| r.flow == Flow::Import).unwrap();
    assert_eq!(stated.value_usd, Some(85_517_209_220.0));
    assert_eq!(stated.derived, None);
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn comtrade_current_layout_quirks_and_aggregate_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let f = write(
        dir.path(),
        "current.csv",
        "typeCode,freqCode,refPeriodId,refYear,refMonth,reporterCode,reporterISO,reporterDesc,flowCode,partnerCode,partnerISO,partnerDesc,partner2Code,cmdCode,customsCode,motCode,isAggregate,primaryValue\n\
         C,A,20190101,2019,52,156,CHN,China,M,68,BOL,Bolivia (Plurinational State of),0,TOTAL,C00,0,true,300.0\n\
         C,A,20190101,2019,52,156,CHN,China,M,68,BOL,Bolivia (Plurinational State of),0,26,C00,0,true,200.0\n\
         C,A,20190101,2019,52,156,CHN,China,M,68,BOL,Bolivia (Plurinational State of),0,1,C00,0,true,100.0\n\
         C,A,20190101,2019,52,156,CHN,China,RX,68,BOL,Bolivia (Plurinational State of),0,TOTAL,C00,0,true,7.0\n\
         C,A,20190101,2019,52,156,CHN,China,X,68,BOL,Bolivia (Plurinational State of),0,TOTAL,C00,0,true,900.0\n\
         C,A,20190101,2019,52,156,CHN,China,X,68,BOL,Bolivia (Plurinational State of),0,8517,C00,0,false,500.0\n\
         C,A,20190101,2019,52,156,CHN,China,X,68,BOL,Bolivia (Plurinational State of),0,8703,C00,0,false,150.0\n\
         C,A,20190101,2019,52,68,,Bolivia (Plurinational State of),X,0,W00,World,0,TOTAL,C00,0,true,\"9,000.0\"\n\
         C,A,20190101,2019,52,68,,Bolivia (Plurinational State of),X,156,,China,0,TOTAL,C00,0,true,\"1,000.0\"\n\
         C,M,20190101,2019,1,156,CHN,China,M,68,BOL,Bolivia (Plurinational State of),0,TOTAL,C00,0,true,30.0\n\
         S,A,20190101,2019,52,156,CHN,China,M,68,BOL,Bolivia (Plurinational State of),0,TOTAL,C00,0,true,30.0\n",
    );
    let r = run(&mut s, Kind::Comtrade, &f);
    assert_eq!(r.rows_read, 11);
    assert_eq!(r.skipped, 2, "monthly and services rows: {:?}", r.problems);
    assert!(r.problems[0].reason.contains("monthly"), "{:?}", r.problems);
    assert_eq!(r.problems[0].line, 11);
    assert!(r.problems[1].reason.contains("services"));
    // Not kept: the re-export, and the import TOTAL whose chapters (01, 26) sum to it.
    // The export TOTAL (900) is kept: its headings (8517, 8703 → chapters 85, 87) sum
    // to 650, not 900.
    assert_eq!(r.not_kept, 2, "{r:?}");
    let bol = rows(&s, "BOL", Some(2019), TradeBy::Year);
    let m = bol
        .iter()
        .find(|r| r.flow == Flow::Import && r.reporter.as_deref() == Some("CHN"))
        .unwrap();
    assert_eq!(m.value_usd, Some(300.0));
    assert_eq!(m.derived.as_deref(), Some("sum of 2 HS chapters"));
    assert_eq!(value(&bol, 2019, Flow::Export, "CHN"), 900.0);
    let share = bol
        .iter()
        .find(|r| r.flow == Flow::Import && r.reporter.as_deref() == Some("BOL"))
        .unwrap();
    assert_eq!(share.value_usd, Some(1000.0));
    assert_eq!(share.share_pct, Some(1000.0 / 9000.0 * 100.0));
    let ch = rows(&s, "BOL", Some(2019), TradeBy::Hs2);
    let mut hs: Vec<&str> = ch.iter().filter_map(|r| r.hs2.as_deref()).collect();
    hs.sort_unstable();
    assert_eq!(hs, ["01", "26", "85", "87"]);
    let h85 = ch.iter().find(|r| r.hs2.as_deref() == Some("85")).unwrap();
    assert_eq!(h85.derived.as_deref(), Some("sum of 1 HS4 rows"));
}

#[test]
fn comtrade_legacy_35_column_layout() {
    let header = "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag";
    assert_eq!(header.split(',').count(), 35);
    let row = |flow: &str,
               flow_name: &str,
               reporter: &str,
               r_iso: &str,
               partner: &str,
               p_iso: &str,
               value: &str| {
        format!(
            "HS,2018,2018,2018,0,0,{flow},{flow_name},0,{reporter},{r_iso},0,{partner},{p_iso},,,,,,,,TOTAL,All Commodities,1,No Quantity,,,,,,,{value},,,0"
        )
    };
    let text = [
        header.to_string(),
        row("1", "Import", "Chile", "CHL", "China", "CHN", "26000000000"),
        row("2", "Export", "Chile", "CHL", "China", "CHN", "38000000000"),
        row("2", "Export", "Chile", "CHL", "World", "WLD", "75000000000"),
        row("3", "Re-Export", "Chile", "CHL", "China", "CHN", "1000"),
        row(
            "2",
            "Export",
            "China",
            "CHN",
            "Chile",
            "CHL",
            "\"21,000,000,000\"",
        ),
    ]
    .join("\n")
        + "\n";
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let f = write(dir.path(), "legacy.csv", &text);
    let r = run(&mut s, Kind::Comtrade, &f);
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!((r.imported, r.not_kept), (4, 1));
    let chl = rows(&s, "CHL", Some(2018), TradeBy::Year);
    assert_eq!(value(&chl, 2018, Flow::Import, "CHL"), 38e9);
    assert_eq!(value(&chl, 2018, Flow::Export, "CHL"), 26e9);
    assert_eq!(value(&chl, 2018, Flow::Export, "CHN"), 21e9);
    let x = chl
        .iter()
        .find(|r| r.flow == Flow::Import && r.reporter.as_deref() == Some("CHL"))
        .unwrap();
    assert!((x.share_pct.unwrap() - 38.0 / 75.0 * 100.0).abs() < 1e-9);
}

#[test]
fn files_that_are_not_trade_tables_fail_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let f = write(dir.path(), "other.csv", "a,b,c\n1,2,3\n");
    let r = run(&mut s, Kind::Comtrade, &f);
    assert_eq!(r.outcome, "failed");
    let e = r.error.unwrap();
    assert!(
        e.contains("other.csv") && e.contains("not a UN Comtrade extract"),
        "{e}"
    );
    let r = run(&mut s, Kind::Dots, &f);
    assert!(r.error.unwrap().contains("not a DOTS bulk file"));
    // A damaged cell of a kept row is reported; the row's other years are kept.
    let f = write(
        dir.path(),
        "dots.csv",
        "Country Name;Country Code;Indicator Name;Indicator Code;Counterpart Country Name;Counterpart Country Code;Attribute;2018;2019\n\
         China;924;Exports;TXG_FOB_USD;Peru;293;Value;968209000000001;15000000000\n\
         China;924;Balance;TBG_USD;Peru;293;Value;1;2\n\
         China;924;Exports;TXG_FOB_USD;Peru;293;Status;e;\n\
         China;924;Exports;TXG_FOB_USD;Western Hemisphere;205;Value;1;2\n",
    );
    let r = run(&mut s, Kind::Dots, &f);
    assert_eq!(r.outcome, "imported", "{r:?}");
    assert_eq!(
        (r.imported, r.skipped, r.not_kept, r.outside_region),
        (1, 1, 2, 1)
    );
    let p = &r.problems[0];
    assert_eq!((p.line, p.column.as_deref()), (2, Some("2018")));
    assert!(p.to_string().contains("damaged"), "{p}");
    // Strict: the first bad value aborts the file, nothing written.
    let strict = Options {
        strict: true,
        region: Region::Lac,
        ..Options::default()
    };
    let before = trade::count(s.conn()).unwrap();
    let f2 = write(
        dir.path(),
        "dots2.csv",
        &std::fs::read_to_string(&f)
            .unwrap()
            .replace("15000000000", "16000000000"),
    );
    let r = import_file(&mut s, Kind::Dots, &f2, &strict, &Quiet);
    assert_eq!(r.outcome, "aborted");
    assert_eq!(trade::count(s.conn()).unwrap(), before);
}
