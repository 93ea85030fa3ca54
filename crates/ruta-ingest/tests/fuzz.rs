//! A fuzzing harness on the stable toolchain: property-based tests that damage real
//! shared files (bytes flipped, inserted or cut, stray quotes, huge cells, cells far
//! away in a workbook) and push them through every importer (`import_file` into an
//! in-memory store), the article reader, the HTML reader and the extractor. The
//! properties: nothing panics, every outcome is one of the four, a failed file names
//! itself, nothing is half written, and every mention's text is its span.
//!
//! `cargo test` runs a short pass (`PROPTEST_CASES`, default 24 per property). The long
//! run in RELIABILITY.md sets `PROPTEST_CASES` high and repeats with fresh seeds.

use proptest::prelude::*;
use ruta_ingest::{Kind, Options, Region, import_file};
use ruta_store::Store;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

struct Seed {
    name: &'static str,
    kind: Kind,
    bytes: Vec<u8>,
}

/// The first `lines` lines of a shared file (whole records: the cut falls after a
/// newline outside quotes).
fn head(rel: &str, lines: usize) -> Option<Vec<u8>> {
    let p = ruta_testdata::shared_file(rel)?;
    let b = std::fs::read(p).ok()?;
    let mut seen = 0;
    let mut quotes = 0usize;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' {
            quotes += 1;
        }
        if c == b'\n' && quotes.is_multiple_of(2) {
            seen += 1;
            if seen == lines {
                return Some(b[..=i].to_vec());
            }
        }
    }
    Some(b)
}

/// The first `rows` rows of a shared workbook's sheet, as CSV (banner lines included).
fn sheet_csv(rel: &str, sheet: &str, rows: usize) -> Option<Vec<u8>> {
    let p = ruta_testdata::shared_file(rel)?;
    let mut x = ruta_ingest::input::XlsxRows::open(&p, sheet).ok()?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for _ in 0..rows {
        let Ok(Some(r)) = x.next_row() else { break };
        w.write_record(&r.cells).unwrap();
    }
    w.into_inner().ok()
}

fn xlsx_from_csv(csv_bytes: &[u8]) -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("GCDF_3.0").unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_bytes);
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap();
        for (j, v) in rec.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if i > 0 => ws.write_number(i as u32, j as u16, n).map(|_| ()),
                _ => ws.write_string(i as u32, j as u16, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut v = Vec::new();
        let mut add = |name: &'static str, kind: Kind, bytes: Option<Vec<u8>>| match bytes {
            Some(bytes) => v.push(Seed { name, kind, bytes }),
            None => eprintln!("fuzz: no seed {name}"),
        };
        add(
            "gcdf3/final_input_lac.csv",
            Kind::Gcdf,
            head("gcdf3/final_input_lac.csv", 60),
        );
        add(
            "gcdf3/lac_ports_fullschema.csv",
            Kind::Gcdf,
            head("gcdf3/lac_ports_fullschema.csv", 12),
        );
        add(
            "gcdf3/adm1_locations.csv",
            Kind::GcdfAdm,
            head("gcdf3/adm1_locations.csv", 80),
        );
        add(
            "aei_cgit/investments_2005_2025h1.csv",
            Kind::AeiCgit,
            head("aei_cgit/investments_2005_2025h1.csv", 80),
        );
        add(
            "aei_cgit/investments_and_construction_2005_2019.csv",
            Kind::AeiCgit,
            head("aei_cgit/investments_and_construction_2005_2019.csv", 80),
        );
        add(
            "bu_cgef/bu_cgef_2020.csv",
            Kind::BuCgef,
            head("bu_cgef/bu_cgef_2020.csv", 80),
        );
        add(
            "gcdf3/geojson/37002.geojson",
            Kind::Geojson,
            ruta_testdata::shared_file("gcdf3/geojson/37002.geojson")
                .and_then(|p| std::fs::read(p).ok()),
        );
        add(
            "AEI Dataset 3 (troubled) as CSV",
            Kind::AeiCgit,
            sheet_csv(
                "aei_cgit/China-Global-Investment-Tracker-2022-SPRING-final-1.xlsx",
                "Dataset 3",
                80,
            ),
        );
        add(
            "How China Lends as CSV",
            Kind::AiddataHcl,
            sheet_csv(
                "aiddata_hcl/How_China_Lends_Dataset_Version_2_0.xlsx",
                "ContractData",
                60,
            ),
        );
        let xlsx = head("gcdf3/final_input_lac.csv", 40).map(|b| xlsx_from_csv(&b));
        add("GCDF_3.0.xlsx (from final_input_lac.csv)", Kind::Gcdf, xlsx);
        v
    })
}

fn articles() -> &'static [(String, Vec<u8>)] {
    static A: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    A.get_or_init(|| {
        let Some(dir) = ruta_testdata::seeds_dir() else {
            return Vec::new();
        };
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .map(|e| {
                let b = std::fs::read(e.path()).unwrap();
                (e.file_name().to_string_lossy().into_owned(), b)
            })
            .collect();
        v.sort();
        v
    })
}

/// One way of damaging bytes. Positions are fractions of the length, so one strategy
/// serves every seed.
#[derive(Debug, Clone)]
enum Damage {
    Flip(f64, u8),
    Cut(f64),
    Quote(f64),
    Insert(f64, Vec<u8>),
    Huge(f64, u8, usize),
    Delete(f64, usize),
    Repeat(f64, usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Damage::Flip(a, b)),
        at.clone().prop_map(Damage::Cut),
        at.clone().prop_map(Damage::Quote),
        (at.clone(), prop::collection::vec(any::<u8>(), 1..24))
            .prop_map(|(a, b)| Damage::Insert(a, b)),
        (
            at.clone(),
            prop::sample::select(vec![b'a', b',', b'\n', b'"', 0xFF, b'<', b'9']),
            1usize..300_000
        )
            .prop_map(|(a, b, n)| Damage::Huge(a, b, n)),
        (at.clone(), 1usize..4000).prop_map(|(a, n)| Damage::Delete(a, n)),
        (at, 1usize..400, 1usize..40).prop_map(|(a, n, k)| Damage::Repeat(a, n, k)),
    ]
}

fn apply(b: &mut Vec<u8>, d: &Damage) {
    let pos = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match d {
        Damage::Flip(f, x) => {
            if !b.is_empty() {
                let i = pos(*f, b.len() - 1);
                b[i] ^= x | 1;
            }
        }
        Damage::Cut(f) => b.truncate(pos(*f, b.len())),
        Damage::Quote(f) => b.insert(pos(*f, b.len()), b'"'),
        Damage::Insert(f, x) => {
            let i = pos(*f, b.len());
            b.splice(i..i, x.iter().copied());
        }
        Damage::Huge(f, x, n) => {
            let i = pos(*f, b.len());
            b.splice(i..i, std::iter::repeat_n(*x, *n));
        }
        Damage::Delete(f, n) => {
            let i = pos(*f, b.len());
            let j = (i + n).min(b.len());
            b.drain(i..j);
        }
        Damage::Repeat(f, n, k) => {
            let i = pos(*f, b.len());
            let j = (i + n).min(b.len());
            let piece = b[i..j].to_vec();
            for _ in 0..*k {
                b.splice(j..j, piece.iter().copied());
            }
        }
    }
}

/// Cell references no sheet should hold, and legal far ones.
const FAR: &[&str] = &[
    "XFD1048576",
    "ZZZZZZZ99999999999",
    "CV1048576",
    "A0",
    "XFE1",
    "A99999999999",
    "",
];

/// Damages the sheet XML inside a workbook (so the ZIP stays readable), then re-zips.
fn damage_workbook(xlsx: &[u8], damages: &[Damage], far: Option<(usize, usize)>) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        if name.ends_with("sheet1.xml") || name.ends_with("sharedStrings.xml") {
            if let Some((which, nth)) = far
                && name.ends_with("sheet1.xml")
            {
                let s = String::from_utf8_lossy(&body).into_owned();
                let refs: Vec<usize> = s.match_indices(" r=\"").map(|(i, _)| i + 4).collect();
                if !refs.is_empty() {
                    let at = refs[nth % refs.len()];
                    let end = at + s[at..].find('"').unwrap_or(0);
                    body =
                        format!("{}{}{}", &s[..at], FAR[which % FAR.len()], &s[end..]).into_bytes();
                }
            }
            for d in damages {
                apply(&mut body, d);
            }
        }
        out.start_file(name, o).unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn dir() -> &'static PathBuf {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    let d = D.get_or_init(|| tempfile::tempdir().unwrap());
    // A PathBuf that lives as long as the directory.
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| d.path().to_path_buf())
}

fn check_import(kind: Kind, name: &str, bytes: &[u8], strict: bool) -> Result<(), TestCaseError> {
    // One file per thread and case, so parallel test threads never share one.
    let file = dir().join(format!(
        "{:?}-{}",
        std::thread::current().id(),
        name.rsplit('/').next().unwrap_or(name).replace(' ', "_")
    ));
    std::fs::write(&file, bytes).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let before: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM projects", [], |r| r.get(0))
        .unwrap();
    let opts = Options {
        strict,
        region: Region::All,
        ..Options::default()
    };
    let r = import_file(&mut store, kind, &file, &opts, &ruta_ingest::Quiet);
    prop_assert!(
        ["imported", "aborted", "failed"].contains(&r.outcome.as_str()),
        "{r:?}"
    );
    let after: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM projects", [], |r| r.get(0))
        .unwrap();
    if r.outcome == "failed" {
        let e = r.error.clone().unwrap_or_default();
        prop_assert!(
            e.contains(&file.display().to_string()),
            "error names the file: {e}"
        );
    }
    if r.outcome != "imported" {
        prop_assert_eq!(before, after, "nothing half written: {:?}", r);
    }
    for p in &r.problems {
        prop_assert!(
            p.line > 0 || kind == Kind::Geojson,
            "a problem has its line: {p:?}"
        );
    }
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every importer, on damaged real files (and on files meant for another importer).
    #[test]
    fn damaged_files_never_crash_an_importer(
        seed in any::<prop::sample::Index>(),
        damages in prop::collection::vec(damage(), 0..4),
        other_kind in prop::option::weighted(0.15, prop::sample::select(vec![Kind::Gcdf, Kind::GcdfAdm, Kind::Geojson, Kind::AeiCgit, Kind::BuCgef, Kind::AiddataHcl])),
        far in prop::option::weighted(0.5, (0usize..16, 0usize..1000)),
        strict in any::<bool>(),
    ) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let s = &seeds[seed.index(seeds.len())];
        let kind = other_kind.unwrap_or(s.kind);
        let bytes = if s.bytes.starts_with(b"PK") {
            // Half the time damage the ZIP itself, else the XML inside it.
            if far.is_some_and(|(w, _)| w >= 12) {
                let mut b = s.bytes.clone();
                for d in &damages { apply(&mut b, d); }
                b
            } else {
                damage_workbook(&s.bytes, &damages, far)
            }
        } else {
            let mut b = s.bytes.clone();
            for d in &damages { apply(&mut b, d); }
            b
        };
        check_import(kind, s.name, &bytes, strict)?;
    }

    /// The article reader, the HTML reader and the extractor on damaged seed articles.
    #[test]
    fn damaged_articles_never_crash_the_extractor(
        seed in any::<prop::sample::Index>(),
        damages in prop::collection::vec(damage(), 0..4),
        as_html in any::<bool>(),
        lang in prop::sample::select(vec![ruta_extract::Lang::En, ruta_extract::Lang::Es, ruta_extract::Lang::Pt]),
    ) {
        let arts = articles();
        prop_assume!(!arts.is_empty());
        let (name, body) = &arts[seed.index(arts.len())];
        let mut b = if as_html {
            let mut h = b"<!doctype html><html><head><title>Seed</title><script>var x = '<p>';</script></head><body><nav>menu</nav><article><p>".to_vec();
            h.extend_from_slice(body);
            h.extend_from_slice(b"</p></article><footer>f</footer></body></html>");
            h
        } else {
            body.clone()
        };
        for d in &damages { apply(&mut b, d); }
        let text = String::from_utf8_lossy(&b);
        let page_text;
        let text: &str = if as_html {
            page_text = ruta_extract::html::page(&text).text;
            &page_text
        } else {
            &text
        };
        for m in ruta_extract::extract(text, lang, Some(2020)) {
            prop_assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()));
        }
        // The file reader: per-file errors, never a panic.
        let file = dir().join(format!("{:?}-{}{}", std::thread::current().id(), name, if as_html { ".html" } else { "" }));
        std::fs::write(&file, &b).unwrap();
        for a in ruta_extract::input::read(&file).into_iter().flatten() {
            let doc = ruta_extract::document(&a, None, false);
            prop_assert!(doc.mentions.len() < 1_000_000);
        }
    }
}
