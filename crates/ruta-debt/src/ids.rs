//! World Bank International Debt Statistics: debt service paid to each bilateral
//! creditor, as reported (and, for the latest years, projected) by the Bank.
//!
//! The layout is `country, counterpart_area, series, year, value, series_code` — one row
//! per debtor, creditor, series and year, in current US dollars — with series
//! `DT.AMT.BLAT.CD` (principal repayments on public and publicly guaranteed bilateral
//! debt) and `DT.INT.BLAT.CD` (interest payments). In the shared extract
//! (`debt/ids_*.csv`, CC BY 4.0) 2000–2023 are actual payments and 2024–2025 the
//! World Bank's projections of debt service on debt outstanding; the first projected
//! year is a parameter because each IDS edition moves it.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::read::{ReadError, csv_error, csv_reader, find, headers};

/// First projected year in the shared IDS extract (2024 and 2025 are projections).
pub const IDS_FIRST_PROJECTED_YEAR: i32 = 2024;

/// Principal or interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdsSeries {
    /// Principal repayments (AMT), `DT.AMT.BLAT.CD`.
    Principal,
    /// Interest payments (INT), `DT.INT.BLAT.CD`.
    Interest,
}

/// One IDS row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdsRow {
    /// Debtor as IDS names it ("St. Lucia").
    pub debtor: String,
    /// Debtor's ISO 3166-1 alpha-3.
    pub debtor_iso3: String,
    /// Creditor (counterpart area) as IDS names it ("China", "Multiple Lenders").
    pub creditor: String,
    /// Creditor's ISO3 when it is a country (None for "Multiple Lenders", "World").
    pub creditor_iso3: Option<String>,
    pub series: IdsSeries,
    pub year: i32,
    /// Current (nominal) US dollars, in dollars.
    pub value_usd: f64,
    /// The World Bank's projection rather than a reported payment.
    pub projected: bool,
    /// 1-based line in the file.
    pub line: u64,
}

/// IDS spellings ruta-core's country table does not know.
const IDS_NAMES: &[(&str, &str)] = &[
    ("germany, fed. rep. of", "DEU"),
    ("iran, islamic republic of", "IRN"),
    ("korea, d.p.r. of", "PRK"),
    ("korea, republic of", "KOR"),
    ("st. vincent & the grenadines", "VCT"),
    ("venezuela, republic bolivarian", "VEN"),
    ("slovak republic", "SVK"),
];

/// The ISO 3166-1 alpha-3 code of a country as IDS names it ("Venezuela, Republic
/// Bolivarian" → VEN, "China" → CHN); None for groups ("Multiple Lenders", "World") and
/// names ruta does not know.
pub fn iso3_of(name: &str) -> Option<String> {
    let lower = name.trim().to_lowercase();
    if let Some((_, iso3)) = IDS_NAMES.iter().find(|(n, _)| *n == lower) {
        return Some((*iso3).to_string());
    }
    ruta_core::country::by_name(name).map(|c| c.iso3.clone())
}

/// The series a row belongs to, from its code (`DT.AMT.BLAT.CD`, `DT.INT.BLAT.CD`) or,
/// without one, from its name ("PPG, bilateral (AMT, current US$)"); None for any other
/// series.
pub fn series_of(code: Option<&str>, name: Option<&str>) -> Option<IdsSeries> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some("DT.AMT.BLAT.CD") => Some(IdsSeries::Principal),
        Some("DT.INT.BLAT.CD") => Some(IdsSeries::Interest),
        Some(_) => None,
        None => {
            let n = name?;
            if n.contains("(AMT") {
                Some(IdsSeries::Principal)
            } else if n.contains("(INT") {
                Some(IdsSeries::Interest)
            } else {
                None
            }
        }
    }
}

impl IdsSeries {
    /// "principal" or "interest".
    pub fn as_str(self) -> &'static str {
        match self {
            IdsSeries::Principal => "principal",
            IdsSeries::Interest => "interest",
        }
    }

    /// The World Bank's series code.
    pub fn code(self) -> &'static str {
        match self {
            IdsSeries::Principal => "DT.AMT.BLAT.CD",
            IdsSeries::Interest => "DT.INT.BLAT.CD",
        }
    }
}

/// Reads an IDS debt-service-by-creditor CSV with [`IDS_FIRST_PROJECTED_YEAR`].
pub fn read_ids_csv<R: Read>(r: R, file: &str) -> Result<Vec<IdsRow>, ReadError> {
    read_ids_csv_with(r, file, IDS_FIRST_PROJECTED_YEAR)
}

/// Reads an IDS debt-service-by-creditor CSV; years from `first_projected_year` on are
/// flagged as projections. Every row must name a debtor country ruta knows, an AMT or
/// INT series, a year and a non-negative value; otherwise the error names `file`, the
/// line and the column.
pub fn read_ids_csv_with<R: Read>(
    r: R,
    file: &str,
    first_projected_year: i32,
) -> Result<Vec<IdsRow>, ReadError> {
    let mut rdr = csv_reader(r);
    let h = headers(&mut rdr, file)?;
    let need = |names: &[&str], label: &str| {
        find(&h, names).ok_or_else(|| ReadError::row(file, 1, format!("no '{label}' column")))
    };
    let country_c = need(&["country"], "country")?;
    let creditor_c = need(&["counterpartarea"], "counterpart_area")?;
    let year_c = need(&["year"], "year")?;
    let value_c = need(&["value"], "value")?;
    let code_c = find(&h, &["seriescode"]);
    let series_c = find(&h, &["series"]);
    if code_c.is_none() && series_c.is_none() {
        return Err(ReadError::row(
            file,
            1,
            "no 'series_code' or 'series' column",
        ));
    }
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(file, &e)),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() != h.len() {
            return Err(ReadError::row(
                file,
                line,
                format!("row has {} fields, header has {}", rec.len(), h.len()),
            ));
        }
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        let series = match code_c.map(cell) {
            Some(code) if !code.is_empty() => match code {
                "DT.AMT.BLAT.CD" => IdsSeries::Principal,
                "DT.INT.BLAT.CD" => IdsSeries::Interest,
                other => {
                    return Err(ReadError::cell(
                        file,
                        line,
                        &h[code_c.unwrap_or(0)],
                        other,
                        "not a bilateral debt-service series (DT.AMT.BLAT.CD or DT.INT.BLAT.CD)",
                    ));
                }
            },
            _ => {
                let i = series_c.unwrap_or(0);
                let s = cell(i);
                if s.contains("(AMT") {
                    IdsSeries::Principal
                } else if s.contains("(INT") {
                    IdsSeries::Interest
                } else {
                    return Err(ReadError::cell(
                        file,
                        line,
                        &h[i],
                        s,
                        "not an AMT or INT series",
                    ));
                }
            }
        };
        let debtor = cell(country_c);
        let debtor_iso3 = iso3_of(debtor).ok_or_else(|| {
            ReadError::cell(file, line, &h[country_c], debtor, "unknown debtor country")
        })?;
        let creditor = cell(creditor_c);
        if creditor.is_empty() {
            return Err(ReadError::cell(
                file,
                line,
                &h[creditor_c],
                "",
                "empty creditor",
            ));
        }
        let year: i32 = cell(year_c)
            .parse()
            .ok()
            .filter(|y| (1950..=2100).contains(y))
            .ok_or_else(|| ReadError::cell(file, line, &h[year_c], cell(year_c), "not a year"))?;
        let value_usd: f64 = cell(value_c)
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                ReadError::cell(
                    file,
                    line,
                    &h[value_c],
                    cell(value_c),
                    "not a non-negative number",
                )
            })?;
        out.push(IdsRow {
            debtor: debtor.to_string(),
            debtor_iso3,
            creditor: creditor.to_string(),
            creditor_iso3: iso3_of(creditor),
            series,
            year,
            value_usd,
            projected: year >= first_projected_year,
            line,
        });
    }
    Ok(out)
}

/// Reported debt service of one debtor to one creditor in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportedService {
    /// Principal (AMT), current US dollars; None when IDS has no row.
    pub principal_usd: Option<f64>,
    /// Interest (INT), current US dollars; None when IDS has no row.
    pub interest_usd: Option<f64>,
    /// Any of the figures is a projection.
    pub projected: bool,
}

impl ReportedService {
    /// Principal plus interest, treating a missing series as 0.
    pub fn total_usd(&self) -> f64 {
        self.principal_usd.unwrap_or(0.0) + self.interest_usd.unwrap_or(0.0)
    }
}

/// Debt service to the creditor `creditor_iso3` ("CHN"), by (debtor ISO3, year).
pub fn service_to(
    rows: &[IdsRow],
    creditor_iso3: &str,
) -> BTreeMap<(String, i32), ReportedService> {
    let mut out: BTreeMap<(String, i32), ReportedService> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.creditor_iso3.as_deref() == Some(creditor_iso3))
    {
        let e = out.entry((r.debtor_iso3.clone(), r.year)).or_default();
        let slot = match r.series {
            IdsSeries::Principal => &mut e.principal_usd,
            IdsSeries::Interest => &mut e.interest_usd,
        };
        *slot = Some(slot.unwrap_or(0.0) + r.value_usd);
        e.projected |= r.projected;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "country,counterpart_area,series,year,value,series_code\n";

    #[test]
    fn reads_rows_and_sums_to_a_creditor() {
        let csv = format!(
            "{HEAD}Ecuador,China,\"PPG, bilateral (AMT, current US$)\",2019,100.5,DT.AMT.BLAT.CD\n\
             Ecuador,China,\"PPG, bilateral (INT, current US$)\",2019,20,DT.INT.BLAT.CD\n\
             Ecuador,China,\"PPG, bilateral (INT, current US$)\",2024,30,DT.INT.BLAT.CD\n\
             St. Lucia,\"Korea, Republic of\",\"PPG, bilateral (INT, current US$)\",2019,1,DT.INT.BLAT.CD\n\
             Ecuador,Multiple Lenders,\"PPG, bilateral (INT, current US$)\",2019,1,\n"
        );
        let rows = read_ids_csv(csv.as_bytes(), "ids.csv").unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].debtor_iso3, "ECU");
        assert_eq!(rows[0].series, IdsSeries::Principal);
        assert!(!rows[0].projected && rows[2].projected);
        assert_eq!(rows[3].debtor_iso3, "LCA");
        assert_eq!(rows[3].creditor_iso3.as_deref(), Some("KOR"));
        assert_eq!(rows[4].creditor_iso3, None);
        assert_eq!(rows[4].series, IdsSeries::Interest, "from the series text");
        let s = service_to(&rows, "CHN");
        let e = s[&("ECU".to_string(), 2019)];
        assert_eq!(e.total_usd(), 120.5);
        assert!(!e.projected);
        let p = s[&("ECU".to_string(), 2024)];
        assert_eq!(p.principal_usd, None);
        assert!(p.projected);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let bad =
            |row: &str| read_ids_csv(format!("{HEAD}{row}\n").as_bytes(), "ids.csv").unwrap_err();
        let e = bad("Atlantis,China,x,2019,1,DT.AMT.BLAT.CD");
        assert_eq!(
            e.to_string(),
            "ids.csv:2: column 'country': unknown debtor country (value 'Atlantis')"
        );
        assert_eq!(
            bad("Ecuador,China,x,2019,1,DT.DOD.BLAT.CD")
                .column
                .as_deref(),
            Some("series_code")
        );
        assert_eq!(
            bad("Ecuador,China,x,twenty,1,DT.AMT.BLAT.CD")
                .column
                .as_deref(),
            Some("year")
        );
        assert_eq!(
            bad("Ecuador,China,x,2019,,DT.AMT.BLAT.CD")
                .column
                .as_deref(),
            Some("value")
        );
        assert_eq!(
            bad("Ecuador,China,x,2019,-3,DT.AMT.BLAT.CD")
                .column
                .as_deref(),
            Some("value")
        );
        assert_eq!(
            bad("Ecuador,,x,2019,3,DT.AMT.BLAT.CD").column.as_deref(),
            Some("counterpart_area")
        );
        assert!(bad("Ecuador,China").reason.contains("fields"));
        assert!(
            read_ids_csv("a,b\n".as_bytes(), "x.csv")
                .unwrap_err()
                .reason
                .contains("country")
        );
        assert!(read_ids_csv("".as_bytes(), "x.csv").is_err());
    }
}
