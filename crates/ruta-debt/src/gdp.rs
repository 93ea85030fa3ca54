//! GDP in current US dollars: a reader for the World Bank's long CSV layout, and the 33
//! LAC states' series embedded as reference data.
//!
//! The layout is `Country Name,Country Code,Year,Value` (the `datasets/gdp` package of
//! World Bank indicator NY.GDP.MKTP.CD; `worldbank/gdp_current_usd.csv` in the shared
//! data). The embedded table, `data/gdp_lac.csv` (table name `wb-gdp-lac`), holds that
//! file's rows for the 33 LAC states unchanged; the World Bank data are under the
//! PDDL, as the file's header says. Aggregates such as `LCN` read like countries; the
//! reader keeps every row and the caller picks.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::read::{ReadError, csv_error, find, headers};

/// Name and version of the embedded GDP table.
pub const EMBEDDED_GDP: &str = "wb-gdp-lac 2026.11 (World Bank NY.GDP.MKTP.CD, PDDL)";

/// One country-year of GDP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GdpRow {
    /// Country Name as the file writes it.
    pub country_name: String,
    /// Country Code (ISO 3166-1 alpha-3 for countries; World Bank codes for aggregates).
    pub iso3: String,
    pub year: i32,
    /// GDP, current (nominal) US dollars, in dollars (not millions).
    pub usd: f64,
}

/// Reads a World Bank GDP CSV (`Country Name,Country Code,Year,Value`; column order
/// free, `#` lines skipped). A blank value skips the row (no figure); anything else
/// unreadable is an error naming `file`, line and column.
pub fn read_gdp_csv<R: Read>(r: R, file: &str) -> Result<Vec<GdpRow>, ReadError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(r);
    let h = headers(&mut rdr, file)?;
    let need = |names: &[&str], label: &str| {
        find(&h, names).ok_or_else(|| ReadError::row(file, 1, format!("no '{label}' column")))
    };
    let name_c = need(&["countryname"], "Country Name")?;
    let code_c = need(&["countrycode"], "Country Code")?;
    let year_c = need(&["year"], "Year")?;
    let value_c = need(&["value"], "Value")?;
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
        let value = cell(value_c);
        if value.is_empty() {
            continue;
        }
        let code = cell(code_c);
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ReadError::cell(
                file,
                line,
                &h[code_c],
                code,
                "not a three-letter code",
            ));
        }
        let year: i32 = cell(year_c)
            .parse()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
            .ok_or_else(|| ReadError::cell(file, line, &h[year_c], cell(year_c), "not a year"))?;
        let usd: f64 = value
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                ReadError::cell(file, line, &h[value_c], value, "not a non-negative number")
            })?;
        out.push(GdpRow {
            country_name: cell(name_c).to_string(),
            iso3: code.to_ascii_uppercase(),
            year,
            usd,
        });
    }
    Ok(out)
}

/// GDP by (ISO3, year), nominal US dollars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GdpTable {
    name: String,
    values: HashMap<(String, i32), f64>,
}

impl GdpTable {
    /// A table from rows; `name` says where they come from.
    pub fn from_rows(name: &str, rows: impl IntoIterator<Item = GdpRow>) -> GdpTable {
        GdpTable {
            name: name.to_string(),
            values: rows
                .into_iter()
                .map(|r| ((r.iso3, r.year), r.usd))
                .collect(),
        }
    }

    /// The embedded series of the 33 LAC states ([`EMBEDDED_GDP`]).
    pub fn lac() -> &'static GdpTable {
        static T: OnceLock<GdpTable> = OnceLock::new();
        T.get_or_init(|| {
            let rows = read_gdp_csv(
                include_str!("../data/gdp_lac.csv").as_bytes(),
                "gdp_lac.csv",
            )
            .expect("embedded gdp_lac.csv is valid");
            GdpTable::from_rows(EMBEDDED_GDP, rows)
        })
    }

    /// GDP of `iso3` in `year`, nominal US dollars.
    pub fn get(&self, iso3: &str, year: i32) -> Option<f64> {
        self.values.get(&(iso3.to_string(), year)).copied()
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of country-years.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_long_layout() {
        let csv = "Country Name,Country Code,Year,Value\nEcuador,ECU,2023,118844826000.0\n\"Latin America & Caribbean\",LCN,2023,6.5e12\nX,XXX,2022,\n";
        let rows = read_gdp_csv(csv.as_bytes(), "g.csv").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].iso3, "ECU");
        assert_eq!(rows[1].usd, 6.5e12);
    }

    #[test]
    fn refuses_with_file_line_column() {
        let e = read_gdp_csv(
            "Country Name,Country Code,Year,Value\nE,ECU,20x3,1\n".as_bytes(),
            "g.csv",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "g.csv:2: column 'Year': not a year (value '20x3')"
        );
        let e = read_gdp_csv(
            "Country Name,Country Code,Year,Value\nE,ECU,2023,-5\n".as_bytes(),
            "g.csv",
        )
        .unwrap_err();
        assert_eq!(e.column.as_deref(), Some("Value"));
        let e = read_gdp_csv("Country,Code\n".as_bytes(), "g.csv").unwrap_err();
        assert!(e.reason.contains("Country Name"), "{e}");
        assert!(read_gdp_csv("".as_bytes(), "g.csv").is_err());
        assert!(
            read_gdp_csv(
                &b"Country Name,Country Code,Year,Value\n\xff,ECU,2020,1\n"[..],
                "g.csv"
            )
            .is_err()
        );
        let e = read_gdp_csv(
            "Country Name,Country Code,Year,Value\nE,ECU\n".as_bytes(),
            "g.csv",
        )
        .unwrap_err();
        assert!(e.reason.contains("fields"));
    }

    #[test]
    fn embedded_series_cover_the_33_states() {
        let t = GdpTable::lac();
        for c in ruta_core::country::lac() {
            assert!(t.get(&c.iso3, 2014).is_some(), "{}", c.iso3);
        }
        assert_eq!(t.get("ECU", 2023), Some(118_844_826_000.0));
        assert_eq!(t.get("VEN", 2015), None, "the World Bank stops at 2014");
        assert_eq!(t.len(), 1912);
    }
}
