//! World Bank International Debt Statistics: debt service on public and publicly
//! guaranteed debt paid to each bilateral creditor, one row per debtor, creditor, series
//! and year — the layout `country, counterpart_area, series, year, value, series_code`
//! (the shared extracts `debt/ids_DT.AMT.BLAT.CD_*.csv` and `ids_DT.INT.BLAT.CD_*.csv`).
//!
//! Series kept: `DT.AMT.BLAT.CD` (principal repayments) and `DT.INT.BLAT.CD` (interest
//! payments), current US dollars; a row of another series is read and not kept. Every
//! creditor is stored (China is the one ruta compares with its loans); years from
//! `ruta_debt::ids::IDS_FIRST_PROJECTED_YEAR` (2024) on are flagged as the Bank's
//! projections. Debtor and creditor names map to ISO3 through `ruta_debt::ids::iso3_of`
//! (IDS spellings such as "Venezuela, Republic Bolivarian" included). Each value's source
//! is the file (dataset `World Bank IDS`, its vintage the content fingerprint), its
//! locator the line. Only LAC debtors are kept unless `--region all`. A row that cannot be
//! read (unknown debtor, a year or value that is no number, a negative value) is reported
//! with its line and column and skipped. CSV with `,` or `;`, or an XLSX sheet (the
//! first).

use crate::table::{Cells, Header};
use crate::trade;
use crate::{FileReport, ImportError, Options, Problem, Region, bad_row};
use ruta_debt::ids::{IDS_FIRST_PROJECTED_YEAR, iso3_of, series_of};
use ruta_store::Writer;
use ruta_store::debt::{IDS_DATASET, ReportedValue};
use std::collections::HashMap;
use std::path::Path;

struct Columns {
    country: usize,
    creditor: usize,
    year: usize,
    value: usize,
    series: Option<usize>,
    code: Option<usize>,
}

impl Columns {
    fn new(h: &Header) -> Result<Columns, String> {
        let need = |aliases: &[&str], what: &str| {
            h.find(aliases).ok_or_else(|| {
                format!("no '{what}' column: not an IDS debt-service-by-creditor table")
            })
        };
        let c = Columns {
            country: need(&["country", "country name", "debtor"], "country")?,
            creditor: need(
                &["counterpart area", "counterpart-area", "creditor"],
                "counterpart_area",
            )?,
            year: need(&["year", "time"], "year")?,
            value: need(&["value"], "value")?,
            series: h.find(&["series", "series name"]),
            code: h.find(&["series code"]),
        };
        if c.series.is_none() && c.code.is_none() {
            return Err("no 'series_code' or 'series' column".into());
        }
        Ok(c)
    }
}

/// What one row is.
enum RowKind {
    Value(ReportedValue),
    OutsideRegion,
    NotKept,
}

impl Columns {
    fn map(&self, c: &Cells<'_>, region: Region) -> Result<RowKind, Problem> {
        let Some(series) = series_of(c.opt(self.code), c.opt(self.series)) else {
            return Ok(RowKind::NotKept);
        };
        let debtor_name = c.get(Some(self.country));
        let debtor = iso3_of(debtor_name)
            .ok_or_else(|| c.problem(Some(self.country), "unknown debtor country"))?;
        if region == Region::Lac && !ruta_core::country::is_lac(&debtor) {
            return Ok(RowKind::OutsideRegion);
        }
        let creditor = c.get(Some(self.creditor));
        if creditor.is_empty() {
            return Err(c.problem(Some(self.creditor), "empty creditor"));
        }
        let year = crate::parse::year(c.get(Some(self.year)))
            .map_err(|r| c.problem(Some(self.year), r))?;
        let value = crate::parse::number(c.get(Some(self.value)))
            .map_err(|r| c.problem(Some(self.value), r))?;
        if value < 0.0 {
            return Err(c.problem(Some(self.value), "a negative debt-service value"));
        }
        if value > trade::MAX_USD {
            return Err(c.problem(
                Some(self.value),
                "more than 10 trillion US dollars: a damaged cell",
            ));
        }
        Ok(RowKind::Value(ReportedValue {
            debtor,
            creditor: creditor.to_string(),
            creditor_iso3: iso3_of(creditor),
            series,
            year,
            value_usd: value,
            projected: year >= IDS_FIRST_PROJECTED_YEAR,
            locator: c.locator(None),
        }))
    }
}

/// Imports one IDS file (see the module docs).
pub fn import(
    w: &mut Writer<'_>,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
) -> Result<bool, ImportError> {
    let mut rows = trade::open(path, &[], opts, report)?;
    let Some(header_row) = rows.next_row()? else {
        return Err(crate::FileError::new(path, "empty file: no header row").into());
    };
    let header = Header::new(&header_row.cells);
    rows.set_width(header.len());
    let cols = Columns::new(&header).map_err(|r| crate::FileError::new(path, r))?;
    let source = trade::file_source(
        path,
        IDS_DATASET,
        "World Bank",
        "International Debt Statistics, debt service by creditor",
    )?;
    let sid = w.source_id(&source).map_err(ImportError::Store)?;
    let mut seen: HashMap<(String, String, &'static str, i32), u64> = HashMap::new();
    while let Some(row) = rows.next_row()? {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows_read += 1;
        let cells = Cells::new(&row, &header, path, None);
        let v = match cols.map(&cells, opts.region) {
            Ok(RowKind::Value(v)) => v,
            Ok(RowKind::OutsideRegion) => {
                report.outside_region += 1;
                continue;
            }
            Ok(RowKind::NotKept) => {
                report.not_kept += 1;
                continue;
            }
            Err(p) => {
                if bad_row(report, p, opts) {
                    return Ok(false);
                }
                continue;
            }
        };
        let key = (
            v.debtor.clone(),
            v.creditor.clone(),
            v.series.as_str(),
            v.year,
        );
        if let Some(first) = seen.insert(key, row.line) {
            let p = Problem {
                file: path.display().to_string(),
                line: row.line,
                column: None,
                value: None,
                reason: format!(
                    "the same debtor, creditor, series and year as line {first}; the first is kept"
                ),
            };
            if bad_row(report, p, opts) {
                return Ok(false);
            }
            continue;
        }
        if w.write_reported_service(sid, &v)
            .map_err(ImportError::Store)?
        {
            report.imported += 1;
        } else {
            report.unchanged += 1;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruta_store::Store;

    const HEAD: &str = "country,counterpart_area,series,year,value,series_code\n";

    fn import_text(text: &str, opts: &Options) -> (Store, FileReport) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.csv");
        std::fs::write(&path, text).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let r = crate::import_file(&mut store, crate::Kind::WbIds, &path, opts, &crate::Quiet);
        (store, r)
    }

    #[test]
    fn reads_rows_keeps_china_and_flags_projections() {
        let text = format!(
            "{HEAD}Ecuador,China,\"PPG, bilateral (AMT, current US$)\",2019,100.5,DT.AMT.BLAT.CD\n\
             Ecuador,China,\"PPG, bilateral (INT, current US$)\",2024,30,DT.INT.BLAT.CD\n\
             Ecuador,\"Korea, Republic of\",\"PPG, bilateral (INT, current US$)\",2019,1,DT.INT.BLAT.CD\n\
             Angola,China,\"PPG, bilateral (INT, current US$)\",2019,9,DT.INT.BLAT.CD\n\
             Ecuador,China,\"PPG, bilateral (DOD, current US$)\",2019,9,DT.DOD.BLAT.CD\n"
        );
        let (store, r) = import_text(&text, &Options::default());
        assert_eq!(r.outcome, "imported", "{r:?}");
        assert_eq!(
            (r.rows_read, r.imported, r.outside_region, r.not_kept),
            (5, 3, 1, 1)
        );
        let rep = ruta_store::debt::reported_to_china(store.conn(), Some("ECU")).unwrap();
        assert_eq!(rep[&("ECU".to_string(), 2019)].total_usd(), 100.5);
        assert!(rep[&("ECU".to_string(), 2024)].projected);
        let (n, loc): (i64, String) = store
            .conn()
            .query_row(
                "SELECT COUNT(*), MIN(d.locator) FROM debt_service_reported d JOIN sources s ON s.id = d.source_id
                 WHERE s.dataset = 'World Bank IDS' AND s.file = 'ids.csv'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((n, loc.as_str()), (3, "line 2"));
    }

    #[test]
    fn damaged_rows_are_reported_and_skipped() {
        let text = format!(
            "{HEAD}Atlantis,China,x,2019,1,DT.AMT.BLAT.CD\n\
             Ecuador,China,x,twenty,1,DT.AMT.BLAT.CD\n\
             Ecuador,China,x,2019,-3,DT.AMT.BLAT.CD\n\
             Ecuador,China,x,2019,4,DT.AMT.BLAT.CD\n\
             Ecuador,China,x,2019,5,DT.AMT.BLAT.CD\n"
        );
        let (_, r) = import_text(&text, &Options::default());
        assert_eq!(r.outcome, "imported");
        assert_eq!((r.imported, r.skipped), (1, 4));
        let p: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            p[0].ends_with(":2: column 'country': value 'Atlantis': unknown debtor country"),
            "{p:?}"
        );
        assert!(p[1].contains(":3: column 'year'"), "{p:?}");
        assert!(p[2].contains(":4: column 'value'"), "{p:?}");
        assert!(p[3].contains(":6:") && p[3].contains("as line 5"), "{p:?}");
        // Strict: the first bad row aborts the file, nothing written.
        let (store, r) = import_text(
            &text,
            &Options {
                strict: true,
                ..Options::default()
            },
        );
        assert_eq!(r.outcome, "aborted");
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM debt_service_reported", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 0);
        // Not an IDS table at all.
        let (_, r) = import_text("a,b\n1,2\n", &Options::default());
        assert_eq!(r.outcome, "failed");
        assert!(r.error.unwrap().contains("not an IDS"));
    }
}
