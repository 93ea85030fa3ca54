//! What the trade importers ([`crate::dots`], [`crate::comtrade`]) share: opening a
//! file (CSV with `,` or `;`, or an XLSX sheet), the file's source (dataset, vintage,
//! file), which reporter–partner pairs to keep, dropping aggregate rows whose detail rows
//! are in the file, and handing the values to the store.
//!
//! A file's vintage is its content: the source key is `dataset:<dataset>:content
//! <fingerprint>:<file name>`, so importing the same file again adds nothing, and a
//! revised download of the same table (Comtrade revises past years; DOTS too) is another
//! source whose values are kept beside the earlier ones.

use crate::input::{self, FileError, Rows, Sniffed};
use crate::{FileReport, ImportError, Options, Problem, Region, bad_row};
use ruta_core::SourceKind;
use ruta_core::model::Source;
use ruta_store::Writer;
use ruta_store::trade::{TradeValue, WORLD};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

/// Largest value accepted for one reporter–partner–year flow: 10 trillion USD (China's
/// exports to the world were 3.4 trillion in 2024). Larger cells are damaged (a lost
/// decimal point: `968209000000001`).
pub const MAX_USD: f64 = 1e13;

/// Opens a trade file: an XLSX workbook's first sheet named in `sheets` (else its first
/// sheet), or a CSV in its dialect ([`crate::dialect`]: encoding, `,` `;` or tab,
/// decimal comma), which is recorded in `report`.
pub fn open(
    path: &Path,
    sheets: &[&str],
    opts: &Options,
    report: &mut FileReport,
) -> Result<Rows, FileError> {
    if input::sniff(path)? == Sniffed::Zip {
        let names = input::sheet_names(path)?;
        let sheet = sheets
            .iter()
            .find(|s| names.iter().any(|n| n == *s))
            .map(|s| s.to_string())
            .or_else(|| names.first().cloned())
            .ok_or_else(|| FileError::new(path, "the workbook has no sheets"))?;
        return Ok(Rows::Xlsx(input::XlsxRows::open(path, &sheet)?));
    }
    let (rows, dialect) = input::CsvRows::open_dialect(
        path,
        &opts.dialect,
        crate::dialect::DateOrder::Mdy,
        "trade tables state years only; month-first assumed",
    )?;
    report.dialect = Some(dialect);
    Ok(Rows::Csv(Box::new(rows)))
}

/// The source of every value in a file: its dataset, its vintage (the content
/// fingerprint) and its name.
pub fn file_source(
    path: &Path,
    dataset: &str,
    publisher: &str,
    title: &str,
) -> Result<Source, FileError> {
    let mut f =
        std::fs::File::open(path).map_err(|e| FileError::new(path, format!("cannot open: {e}")))?;
    // 64-bit FNV-1a over the bytes, streamed (ruta_core::hash::fnv1a, same constants).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| FileError::new(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        for b in &buf[..n] {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Source {
        kind: SourceKind::DatasetRecord,
        title: Some(format!("{title} ({name})")),
        publisher: Some(publisher.to_string()),
        url: None,
        date: None,
        language: None,
        dataset: Some(dataset.to_string()),
        dataset_version: Some(format!("content {h:016x}")),
        record_id: Some(name.clone()),
        note: Some(path.display().to_string()),
        file: Some(name),
        sheet: None,
        line: None,
    })
}

/// Whether a reporter–partner pair is kept: in the LAC region, China's trade with a LAC
/// state, and a LAC state's trade with China or with the world (for China's share).
pub fn keep(reporter: &str, partner: &str, region: Region) -> bool {
    use ruta_core::country::is_lac;
    match region {
        Region::All => true,
        Region::Lac => {
            (reporter == "CHN" && is_lac(partner))
                || (is_lac(reporter) && (partner == "CHN" || partner == WORLD))
        }
    }
}

/// A value read from a file, before aggregates are dropped.
#[derive(Debug, Clone)]
pub struct Found {
    pub value: TradeValue,
    /// The line it was read from (for duplicates).
    pub line: u64,
    /// Commodity code when finer than a chapter (HS4, HS6): summed into its chapter when
    /// the file has no row for that chapter.
    pub finer: Option<String>,
}

/// Drops aggregate rows whose detail rows are in the file and writes the rest.
///
/// Per reporter, partner, flow and year: rows finer than an HS chapter are summed into
/// their chapter when the file has no row for it (the coarsest finer level only), and
/// dropped otherwise; a row for all goods is dropped when the chapters sum to it (within a
/// dollar, or a millionth), since it then says nothing they do not — when they do not sum
/// to it (confidential trade left out of the chapters), it is kept as stated.
pub fn finish(
    w: &mut Writer<'_>,
    path: &Path,
    source: &Source,
    found: Vec<Found>,
    opts: &Options,
    report: &mut FileReport,
) -> Result<bool, ImportError> {
    type Group = (Option<String>, String, &'static str, i32);
    let mut groups: BTreeMap<Group, Vec<Found>> = BTreeMap::new();
    for f in found {
        let v = &f.value;
        groups
            .entry((
                v.reporter.clone(),
                v.partner.clone(),
                v.flow.as_str(),
                v.year,
            ))
            .or_default()
            .push(f);
    }
    let sid = w.source_id(source).map_err(ImportError::Store)?;
    for (_, rows) in groups {
        // Duplicates: the same value stated twice on different lines.
        let mut seen: HashMap<(Option<String>, Option<String>), u64> = HashMap::new();
        let mut total: Option<Found> = None;
        let mut chapters: BTreeMap<String, Found> = BTreeMap::new();
        let mut finer: BTreeMap<String, Vec<Found>> = BTreeMap::new();
        for f in rows {
            let key = (f.value.hs2.clone(), f.finer.clone());
            if let Some(first) = seen.insert(key, f.line) {
                let p = Problem {
                    file: path.display().to_string(),
                    line: f.line,
                    column: None,
                    value: None,
                    reason: format!(
                        "the same flow, year and commodity as line {first}; the first is kept"
                    ),
                };
                if bad_row(report, p, opts) {
                    return Ok(false);
                }
                continue;
            }
            match (&f.finer, &f.value.hs2) {
                (Some(_), Some(ch)) => finer.entry(ch.clone()).or_default().push(f),
                (None, Some(ch)) => {
                    chapters.insert(ch.clone(), f);
                }
                (_, None) => total = Some(f),
            }
        }
        for (ch, rows) in finer {
            if chapters.contains_key(&ch) {
                report.not_kept += rows.len() as u64;
                continue;
            }
            let level = rows
                .iter()
                .filter_map(|f| f.finer.as_ref().map(String::len))
                .min();
            let (used, dropped): (Vec<Found>, Vec<Found>) = rows
                .into_iter()
                .partition(|f| f.finer.as_ref().map(String::len) == level);
            report.not_kept += dropped.len() as u64;
            let Some(first) = used.first() else {
                continue;
            };
            let mut v = first.value.clone();
            v.value = used.iter().map(|f| f.value.value).sum();
            let lines: Vec<String> = used.iter().map(|f| f.line.to_string()).collect();
            v.derived = Some(format!(
                "sum of {} HS{} rows",
                used.len(),
                level.unwrap_or(0)
            ));
            v.locator = if lines.len() <= 12 {
                format!("lines {}", lines.join(", "))
            } else {
                format!("lines {} … {}", lines[0], lines[lines.len() - 1])
            };
            chapters.insert(
                ch,
                Found {
                    value: v,
                    line: first.line,
                    finer: None,
                },
            );
        }
        if let Some(t) = total.take() {
            let sum: f64 = chapters.values().map(|f| f.value.value).sum();
            let close = (t.value.value - sum).abs() <= 1.0_f64.max(t.value.value.abs() * 1e-6);
            if !chapters.is_empty() && close {
                report.not_kept += 1;
            } else {
                total = Some(t);
            }
        }
        for f in total.iter().chain(chapters.values()) {
            let written = w.write_trade(sid, &f.value).map_err(ImportError::Store)?;
            if written {
                report.imported += 1;
            } else {
                report.unchanged += 1;
            }
        }
    }
    Ok(true)
}

/// A US dollar value cell: blank is missing; thousands commas and a trailing `.0` are
/// read (`79,962,547,047.0`); negative and implausibly large values are refused.
pub fn usd(s: &str) -> Result<Option<f64>, String> {
    let t = s.trim();
    if t.is_empty() || t == "..." || t == "-" || t.eq_ignore_ascii_case("n/a") {
        return Ok(None);
    }
    let v = crate::parse::number(t)?;
    if v < 0.0 {
        return Err("a negative trade value".into());
    }
    if v > MAX_USD {
        return Err(format!(
            "more than {} trillion US dollars for one flow: a damaged cell",
            MAX_USD / 1e12
        ));
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_files_write_them() {
        assert_eq!(usd("79,962,547,047.0").unwrap(), Some(79_962_547_047.0));
        assert_eq!(usd(" 35476982590 ").unwrap(), Some(35_476_982_590.0));
        assert_eq!(usd("").unwrap(), None);
        assert!(usd("968209000000001").unwrap_err().contains("damaged"));
        assert!(usd("-5").is_err());
        assert!(usd("abc").is_err());
    }

    #[test]
    fn pairs_kept_in_the_region() {
        assert!(keep("CHN", "BRA", Region::Lac));
        assert!(keep("BRA", "CHN", Region::Lac));
        assert!(keep("BRA", "WLD", Region::Lac));
        assert!(!keep("BRA", "MEX", Region::Lac));
        assert!(!keep("CHN", "AGO", Region::Lac));
        assert!(!keep("IND", "CHN", Region::Lac));
        assert!(keep("IND", "CHN", Region::All));
    }
}
