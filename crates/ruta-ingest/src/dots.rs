//! IMF Direction of Trade Statistics (DOTS, now IMTS) in its bulk layout: one row per
//! reporter, indicator and counterpart, one column per year.
//!
//! Columns: `Country Name`, `Country Code` (the IMF's numeric area code: China 924,
//! Brazil 223, Mexico 273, Uruguay 298 — not ISO), `Indicator Name`, `Indicator Code`,
//! `Counterpart Country Name`, `Counterpart Country Code`, `Attribute`, then `1948`,
//! `1949`, … A blank cell is a missing value. Indicators kept: `TXG_FOB_USD` (goods
//! exports, FOB), `TMG_CIF_USD` (goods imports, CIF) and `TMG_FOB_USD` (imports, FOB);
//! values in US dollars. Rows of another attribute (`Status` notes) or indicator (the
//! balance) are read and not kept. Codes map to ISO 3166 through the embedded table
//! `data/imf_area_codes.csv` (the IMF's country-code list; every LAC state, China's main
//! partners, World = `WLD`), else through the name.
//!
//! CSV (`,` or `;`) or XLSX (sheet `TradeData` when present, else the first sheet).

use crate::input::FileError;
use crate::table::{Cells, Header};
use crate::trade::{self, Found};
use crate::{FileReport, ImportError, Options, Problem, Region, bad_row};
use ruta_store::Writer;
use ruta_store::trade::{DOTS, Flow, Measure, TradeValue, Valuation};
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// What an IMF area code stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// An economy (ISO3) or the world (`WLD`).
    Economy(String),
    /// A group of economies (a region, an income group).
    Aggregate,
}

fn codes() -> &'static HashMap<u32, Area> {
    static T: OnceLock<HashMap<u32, Area>> = OnceLock::new();
    T.get_or_init(|| {
        let text = include_str!("../data/imf_area_codes.csv");
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rdr = csv::Reader::from_reader(body.as_bytes());
        let mut m = HashMap::new();
        for row in rdr.records() {
            let row = row.expect("embedded imf_area_codes.csv is valid");
            let code: u32 = row[0].parse().expect("IMF codes are numbers");
            let area = if row[1].is_empty() {
                Area::Aggregate
            } else {
                Area::Economy(row[1].to_string())
            };
            m.insert(code, area);
        }
        m
    })
}

/// The area an IMF numeric code stands for ("924", "924.0", "001").
pub fn imf_area(code: &str) -> Option<Area> {
    let c = code.trim();
    let c = c.strip_suffix(".0").unwrap_or(c);
    codes().get(&c.parse::<u32>().ok()?).cloned()
}

/// An area from its code, else its name (ruta_core's names in EN/ES/PT).
fn area_of(code: &str, name: &str) -> Option<Area> {
    imf_area(code).or_else(|| {
        if ruta_core::text::fold(name) == "world" {
            return Some(Area::Economy(ruta_store::trade::WORLD.into()));
        }
        ruta_core::country::by_name(name).map(|c| Area::Economy(c.iso3.clone()))
    })
}

struct Columns {
    code: usize,
    name: Option<usize>,
    indicator: usize,
    counterpart_code: usize,
    counterpart_name: Option<usize>,
    attribute: Option<usize>,
    years: Vec<(usize, i32)>,
}

impl Columns {
    fn new(h: &Header) -> Result<Columns, String> {
        let need = |aliases: &[&str], what: &str| {
            h.find(aliases)
                .ok_or_else(|| format!("no '{what}' column: not a DOTS bulk file"))
        };
        let years: Vec<(usize, i32)> = h
            .names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let n = n.trim();
                let n = n.strip_suffix(".0").unwrap_or(n);
                (n.len() == 4)
                    .then(|| n.parse::<i32>().ok())
                    .flatten()
                    .filter(|y| (1900..=2100).contains(y))
                    .map(|y| (i, y))
            })
            .collect();
        if years.is_empty() {
            return Err("no year columns (1948, 1949, …): not a DOTS bulk file".into());
        }
        Ok(Columns {
            code: need(&["country code"], "Country Code")?,
            name: h.find(&["country name"]),
            indicator: need(&["indicator code"], "Indicator Code")?,
            counterpart_code: need(&["counterpart country code"], "Counterpart Country Code")?,
            counterpart_name: h.find(&["counterpart country name"]),
            attribute: h.find(&["attribute"]),
            years,
        })
    }
}

/// What one row is.
enum RowKind {
    Values(Vec<TradeValue>),
    OutsideRegion,
    NotKept,
}

impl Columns {
    fn map(
        &self,
        c: &Cells<'_>,
        region: Region,
        problems: &mut Vec<Problem>,
    ) -> Result<RowKind, Problem> {
        if let Some(a) = c.opt(self.attribute)
            && !a.eq_ignore_ascii_case("value")
        {
            return Ok(RowKind::NotKept);
        }
        let (flow, valuation) = match c.get(Some(self.indicator)).to_ascii_uppercase().as_str() {
            "TXG_FOB_USD" => (Flow::Export, Valuation::Fob),
            "TMG_CIF_USD" => (Flow::Import, Valuation::Cif),
            "TMG_FOB_USD" => (Flow::Import, Valuation::Fob),
            _ => return Ok(RowKind::NotKept),
        };
        let side = |code: usize, name: Option<usize>| -> Result<Option<String>, Problem> {
            match area_of(c.get(Some(code)), c.get(name)) {
                Some(Area::Economy(iso3)) => Ok(Some(iso3)),
                Some(Area::Aggregate) => Ok(None),
                None if region == Region::Lac => Ok(None),
                None => Err(c.problem(
                    Some(code),
                    format!(
                        "unknown IMF area code (name '{}'); ruta knows the codes in imf_area_codes.csv",
                        c.get(name)
                    ),
                )),
            }
        };
        let (Some(reporter), Some(partner)) = (
            side(self.code, self.name)?,
            side(self.counterpart_code, self.counterpart_name)?,
        ) else {
            return Ok(RowKind::OutsideRegion);
        };
        if !trade::keep(&reporter, &partner, region) {
            return Ok(RowKind::OutsideRegion);
        }
        let mut cells: Vec<(usize, i32, f64)> = Vec::new();
        for &(col, year) in &self.years {
            match trade::usd(c.get(Some(col))) {
                Ok(None) => {}
                Ok(Some(value)) => cells.push((col, year, value)),
                Err(reason) => problems.push(c.problem(Some(col), reason)),
            }
        }
        let mut out = Vec::new();
        for (i, &(col, year, value)) in cells.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| cells[j].2);
            let after = cells.get(i + 1).map(|n| n.2);
            if lost_decimal_point(value, before, after) {
                problems.push(c.problem(
                    Some(col),
                    "over a thousand times the years beside it: a damaged cell (a lost decimal point?)",
                ));
                continue;
            }
            out.push(TradeValue {
                reporter: Some(reporter.clone()),
                partner: partner.clone(),
                flow,
                year,
                hs2: None,
                measure: Measure::ValueUsd,
                value,
                valuation: Some(valuation),
                derived: None,
                locator: c.locator(Some(col)),
                span: None,
                quote: None,
                confidence: 1.0,
            });
        }
        Ok(RowKind::Values(out))
    }
}

/// Whether a value over 10 billion USD is more than a thousand times the values of the
/// years on both sides of it in its row (one side at the row's ends): the shape of a
/// decimal point lost on the way to the file (`543091506145918` between values near 5e7).
pub fn lost_decimal_point(value: f64, before: Option<f64>, after: Option<f64>) -> bool {
    if value <= 1e10 || (before.is_none() && after.is_none()) {
        return false;
    }
    [before, after]
        .into_iter()
        .flatten()
        .all(|n| value > 1000.0 * n)
}

/// Imports one DOTS file into the writer's transaction. Returns false when `strict`
/// aborted it.
pub fn import(
    w: &mut Writer<'_>,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
) -> Result<bool, ImportError> {
    let mut rows = trade::open(path, &["TradeData"], opts, report)?;
    let Some(first) = rows.next_row()? else {
        return Err(FileError::new(path, "no header row found").into());
    };
    let header = Header::new(&first.cells);
    rows.set_width(header.len());
    let cols = Columns::new(&header).map_err(|r| FileError::new(path, r))?;
    let source = trade::file_source(
        path,
        DOTS,
        "International Monetary Fund",
        "IMF Direction of Trade Statistics",
    )?;
    let mut found = Vec::new();
    while let Some(row) = rows.next_row()? {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows_read += 1;
        let cells = Cells::new(&row, &header, path, None);
        let mut problems = Vec::new();
        match cols.map(&cells, opts.region, &mut problems) {
            Ok(RowKind::Values(values)) => found.extend(values.into_iter().map(|value| Found {
                value,
                line: row.line,
                finer: None,
            })),
            Ok(RowKind::OutsideRegion) => report.outside_region += 1,
            Ok(RowKind::NotKept) => report.not_kept += 1,
            Err(p) => problems.push(p),
        }
        for p in problems {
            if bad_row(report, p, opts) {
                return Ok(false);
            }
        }
    }
    trade::finish(w, path, &source, found, opts, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_decimal_points() {
        assert!(lost_decimal_point(5.43e14, Some(5.0e7), Some(6.1e7)));
        assert!(lost_decimal_point(1.05e13, Some(3.4e8), None));
        assert!(!lost_decimal_point(7.9e10, Some(8.5e10), Some(7.7e10)));
        assert!(
            !lost_decimal_point(2e6, Some(1e2), Some(1e2)),
            "small values jump"
        );
        assert!(!lost_decimal_point(2e11, None, None));
    }

    #[test]
    fn imf_codes_cover_lac_and_china() {
        assert_eq!(imf_area("924"), Some(Area::Economy("CHN".into())));
        assert_eq!(imf_area("223"), Some(Area::Economy("BRA".into())));
        assert_eq!(imf_area("273.0"), Some(Area::Economy("MEX".into())));
        assert_eq!(imf_area("298"), Some(Area::Economy("URY".into())));
        assert_eq!(imf_area("001"), Some(Area::Economy("WLD".into())));
        assert_eq!(imf_area("205"), Some(Area::Aggregate));
        let mut mapped: Vec<String> = codes()
            .values()
            .filter_map(|a| match a {
                Area::Economy(c) => Some(c.clone()),
                Area::Aggregate => None,
            })
            .collect();
        mapped.sort();
        for c in ruta_core::country::lac() {
            assert!(mapped.contains(&c.iso3), "{} has no IMF code", c.iso3);
        }
        for iso3 in mapped.iter().filter(|c| *c != "WLD") {
            assert!(ruta_core::country::by_iso3(iso3).is_some(), "{iso3}");
        }
    }
}
