//! UN Comtrade extracts: goods exports and imports by reporter, partner, year and
//! commodity, in two layouts.
//!
//! - **Current API naming** (comtradeapicall, the Comtrade+ site): `typeCode`, `freqCode`,
//!   `refYear`, `refMonth`, `reporterCode`/`reporterISO`/`reporterDesc`, `flowCode`,
//!   `partnerCode`/`partnerISO`/`partnerDesc`, `partner2Code`, `cmdCode`, `customsCode`,
//!   `motCode`, `isAggregate`, `primaryValue` (or only `primaryValueFormated`, text such
//!   as `79,962,547,047.0`). Descriptions may be English or Portuguese, or Comtrade's
//!   short forms ("Bolivia (Plurinational State of)", "Dominican Rep."); `cmdCode` is
//!   text with leading zeros (`01`; a lost zero, `1`, is restored); `refMonth` is 52 on
//!   annual rows (ignored when `freqCode` is `A`).
//! - **Legacy 35-column layout** (the old API and bulk CSV): `Classification`, `Year`,
//!   `Period`, `Aggregate Level`, `Trade Flow Code` (1 import, 2 export, 3 re-export,
//!   4 re-import), `Reporter Code`/`Reporter`/`Reporter ISO`, `Partner …`,
//!   `2nd Partner Code`, `Commodity Code`, …, `Trade Value (US$)`.
//!
//! Kept: annual goods (`typeCode` C) exports (`X`, FOB) and imports (`M`, CIF) for all
//! goods (`TOTAL`) and HS chapters; rows finer than a chapter are summed into their
//! chapter when the file has no row for it. Not kept (counted): re-exports and
//! re-imports, rows broken down by second partner, customs procedure or transport mode,
//! and aggregate rows whose detail rows are in the file (what `isAggregate` marks, told
//! here by the commodity level — TOTAL above chapters above headings — since a file's
//! chapter rows sum to its TOTAL row). Monthly and services rows are reported as problems.
//! Values in nominal US dollars. CSV (`,` or `;`, a leading unnamed index column is
//! ignored) or XLSX (first sheet).

use crate::input::FileError;
use crate::table::{Cells, Header};
use crate::trade::{self, Found};
use crate::{FileReport, ImportError, Options, Problem, Region, bad_row};
use ruta_store::Writer;
use ruta_store::trade::{COMTRADE, Flow, Measure, TradeValue, Valuation, WORLD};
use std::path::Path;

struct Columns {
    legacy: bool,
    type_code: Option<usize>,
    freq: Option<usize>,
    year: Option<usize>,
    period: Option<usize>,
    reporter_iso: Option<usize>,
    reporter_desc: Option<usize>,
    reporter_code: Option<usize>,
    partner_iso: Option<usize>,
    partner_desc: Option<usize>,
    partner_code: Option<usize>,
    partner2_code: Option<usize>,
    customs: Option<usize>,
    mot: Option<usize>,
    flow_code: Option<usize>,
    flow_desc: Option<usize>,
    cmd: usize,
    value: usize,
}

impl Columns {
    fn new(h: &Header) -> Result<Columns, String> {
        let legacy = h.has("trade value (us$)");
        let value = h
            .find(&[
                "primaryvalue",
                "trade value (us$)",
                "primaryvalueformated",
                "primaryvalueformatted",
            ])
            .ok_or(
                "no value column (primaryValue or 'Trade Value (US$)'): not a UN Comtrade extract",
            )?;
        let cmd = h.find(&["cmdcode", "commodity code"]).ok_or(
            "no commodity column (cmdCode or 'Commodity Code'): not a UN Comtrade extract",
        )?;
        let c = Columns {
            legacy,
            type_code: h.find(&["typecode"]),
            freq: h.find(&["freqcode"]),
            year: h.find(&["refyear", "year"]),
            period: h.find(&["period"]),
            reporter_iso: h.find(&["reporteriso", "reporter iso"]),
            reporter_desc: h.find(&["reporterdesc", "reporter"]),
            reporter_code: h.find(&["reportercode", "reporter code"]),
            partner_iso: h.find(&["partneriso", "partner iso"]),
            partner_desc: h.find(&["partnerdesc", "partner"]),
            partner_code: h.find(&["partnercode", "partner code"]),
            partner2_code: h.find(&["partner2code", "2nd partner code"]),
            customs: h.find(&["customscode", "customs proc code"]),
            mot: h.find(&["motcode", "mode of transport code"]),
            flow_code: h.find(&["flowcode", "trade flow code"]),
            flow_desc: h.find(&["flowdesc", "trade flow"]),
            cmd,
            value,
        };
        if c.year.is_none() && c.period.is_none() {
            return Err("no year column (refYear, Year or Period)".into());
        }
        if c.reporter_iso.is_none() && c.reporter_desc.is_none() && c.reporter_code.is_none() {
            return Err("no reporter column (reporterDesc, reporterISO or Reporter)".into());
        }
        if c.partner_iso.is_none() && c.partner_desc.is_none() && c.partner_code.is_none() {
            return Err("no partner column (partnerDesc, partnerISO or Partner)".into());
        }
        if c.flow_code.is_none() && c.flow_desc.is_none() {
            return Err("no flow column (flowCode or 'Trade Flow Code')".into());
        }
        Ok(c)
    }

    /// The economy in a reporter or partner column group: the ISO code when present,
    /// else the name, else Comtrade's numeric code (UN M49; 0 = World). None when it
    /// cannot be named.
    fn economy(
        c: &Cells<'_>,
        iso: Option<usize>,
        desc: Option<usize>,
        code: Option<usize>,
    ) -> Option<String> {
        if let Some(i) = c.opt(iso) {
            let i = i.to_ascii_uppercase();
            if i == "W00" || i == "WLD" {
                return Some(WORLD.into());
            }
            if let Some(k) = ruta_core::country::by_iso3(&i) {
                return Some(k.iso3.clone());
            }
        }
        if let Some(d) = c.opt(desc) {
            let f = ruta_core::text::fold(d);
            if f == "world" || f == "mundo" {
                return Some(WORLD.into());
            }
            if let Some(k) = ruta_core::country::by_name(d) {
                return Some(k.iso3.clone());
            }
        }
        let n: u32 = c.opt(code)?.trim_end_matches(".0").parse().ok()?;
        if n == 0 {
            return Some(WORLD.into());
        }
        ruta_core::country::all()
            .iter()
            .find(|k| k.numeric.parse::<u32>().ok() == Some(n))
            .map(|k| k.iso3.clone())
    }

    fn map(&self, c: &Cells<'_>, region: Region) -> Result<Mapped, Problem> {
        if let Some(t) = c.opt(self.type_code)
            && !t.eq_ignore_ascii_case("C")
        {
            return Err(c.problem(
                self.type_code,
                "services (typeCode S): ruta imports goods trade only",
            ));
        }
        // Annual rows only: freqCode A (refMonth, 52 on annual rows, is then ignored), or a
        // four-digit Period in the legacy layout.
        let monthly = match c.opt(self.freq) {
            Some(f) => !f.eq_ignore_ascii_case("A"),
            None => c.opt(self.period).is_some_and(|p| p.len() == 6),
        };
        if monthly {
            return Err(c.problem(
                self.freq.or(self.period),
                "a monthly row: ruta imports annual data (download with freqCode A)",
            ));
        }
        let year_col = self.year.or(self.period);
        let year = c
            .parse(year_col, crate::parse::year)?
            .ok_or_else(|| c.problem(year_col, "no year"))?;
        let flow_text = c
            .opt(self.flow_code)
            .or_else(|| c.opt(self.flow_desc))
            .unwrap_or("");
        let flow = match flow_text.to_ascii_lowercase().as_str() {
            "m" | "1" | "import" | "imports" => Flow::Import,
            "x" | "2" | "export" | "exports" => Flow::Export,
            "" => return Err(c.problem(self.flow_code.or(self.flow_desc), "no trade flow")),
            _ => return Ok(Mapped::NotKept),
        };
        for (col, total) in [(self.partner2_code, "0"), (self.mot, "0")] {
            if let Some(v) = c.opt(col)
                && v.trim_end_matches(".0") != total
            {
                return Ok(Mapped::NotKept);
            }
        }
        if let Some(v) = c.opt(self.customs)
            && !v.eq_ignore_ascii_case("C00")
        {
            return Ok(Mapped::NotKept);
        }
        let reporter = Self::economy(c, self.reporter_iso, self.reporter_desc, self.reporter_code);
        let partner = Self::economy(c, self.partner_iso, self.partner_desc, self.partner_code);
        let (Some(reporter), Some(partner)) = (reporter.clone(), partner) else {
            if region == Region::Lac {
                // Every LAC state's names are known: an economy ruta cannot name is not one.
                return Ok(Mapped::OutsideRegion);
            }
            let col = if reporter.is_none() {
                self.reporter_desc
                    .or(self.reporter_iso)
                    .or(self.reporter_code)
            } else {
                self.partner_desc.or(self.partner_iso).or(self.partner_code)
            };
            return Err(c.problem(
                col,
                "an economy ruta cannot name (not an ISO 3166 code or a known name)",
            ));
        };
        if !trade::keep(&reporter, &partner, region) {
            return Ok(Mapped::OutsideRegion);
        }
        let cmd = c.get(Some(self.cmd)).trim_end_matches(".0");
        let (hs2, finer) = if cmd.eq_ignore_ascii_case("TOTAL") || cmd.eq_ignore_ascii_case("ALL") {
            (None, None)
        } else if cmd.bytes().all(|b| b.is_ascii_digit()) && !cmd.is_empty() {
            // Spreadsheets drop leading zeros: "1" is chapter 01, "1012" heading 0101 … an
            // odd length has lost one.
            let code = if cmd.len() % 2 == 1 {
                format!("0{cmd}")
            } else {
                cmd.to_string()
            };
            if code.len() > 6 {
                return Err(c.problem(Some(self.cmd), "a commodity code longer than HS6"));
            }
            let ch = code[..2].to_string();
            if code.len() == 2 {
                (Some(ch), None)
            } else {
                (Some(ch), Some(code))
            }
        } else {
            return Err(c.problem(Some(self.cmd), "not an HS commodity code (TOTAL or digits)"));
        };
        let Some(value) = c.parse(Some(self.value), trade::usd)?.flatten() else {
            return Err(c.problem(Some(self.value), "no trade value"));
        };
        Ok(Mapped::Value(Box::new(Found {
            value: TradeValue {
                reporter: Some(reporter),
                partner,
                flow,
                year,
                hs2,
                measure: Measure::ValueUsd,
                value,
                valuation: Some(match flow {
                    Flow::Import => Valuation::Cif,
                    _ => Valuation::Fob,
                }),
                derived: None,
                locator: c.locator(Some(self.value)),
                span: None,
                quote: None,
                confidence: 1.0,
            },
            line: c.row.line,
            finer,
        })))
    }
}

enum Mapped {
    Value(Box<Found>),
    OutsideRegion,
    NotKept,
}

/// Imports one Comtrade file into the writer's transaction. Returns false when `strict`
/// aborted it.
pub fn import(
    w: &mut Writer<'_>,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
) -> Result<bool, ImportError> {
    let mut rows = trade::open(path, &[], opts, report)?;
    let Some(first) = rows.next_row()? else {
        return Err(FileError::new(path, "no header row found").into());
    };
    let header = Header::new(&first.cells);
    rows.set_width(header.len());
    let cols = Columns::new(&header).map_err(|r| FileError::new(path, r))?;
    let title = if cols.legacy {
        "UN Comtrade (legacy layout)"
    } else {
        "UN Comtrade"
    };
    let source = trade::file_source(path, COMTRADE, "United Nations Statistics Division", title)?;
    let mut found = Vec::new();
    while let Some(row) = rows.next_row()? {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows_read += 1;
        let cells = Cells::new(&row, &header, path, None);
        match cols.map(&cells, opts.region) {
            Ok(Mapped::Value(f)) => found.push(*f),
            Ok(Mapped::OutsideRegion) => report.outside_region += 1,
            Ok(Mapped::NotKept) => report.not_kept += 1,
            Err(p) => {
                if bad_row(report, p, opts) {
                    return Ok(false);
                }
            }
        }
    }
    trade::finish(w, path, &source, found, opts, report)
}
