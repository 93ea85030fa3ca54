//! Reference rates for floating-rate loans: what "LIBOR + 3.1" costs in a given year.
//!
//! The embedded table (`data/reference_rates.csv`, table name `ruta-refrates`) holds
//! annual averages, in percent a year, of 6-month USD LIBOR (from 2023 its fallback,
//! 6-month term SOFR + 0.42826), SOFR and 6-month EURIBOR for 2000–2025, with their
//! publishers named in the file's header. It is an **approximation** for projections
//! (about a tenth of a point), typed from memory of those series rather than read from
//! them, and not a record of fixings: its name says "approximate", and every schedule and
//! grant element that uses it says so in its assumptions or notes. A caller with better data builds its own
//! table with [`ReferenceRates::from_rows`], or a constant with
//! [`ReferenceRates::constant`].
//!
//! Years outside the table take the nearest year's value — the last known average held
//! constant into the future — and say so ([`RateLookup::held_from`]). SHIBOR and
//! unnamed reference rates are not in the embedded table.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::terms::ReferenceRate;

/// Annual reference-rate averages, percent a year, by reference rate and year.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceRates {
    name: String,
    table: BTreeMap<ReferenceRate, BTreeMap<i32, f64>>,
    constant: Option<f64>,
}

/// One looked-up reference rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLookup {
    /// Annual percent.
    pub percent: f64,
    /// The year whose value was used.
    pub year_used: i32,
    /// `Some(year_used)` when the requested year was outside the table and the nearest
    /// year's value was held constant; None when the year itself was found.
    pub held_from: Option<i32>,
}

impl ReferenceRates {
    /// ruta's embedded table (see the module docs for its sources and limits).
    pub fn embedded() -> &'static ReferenceRates {
        static T: OnceLock<ReferenceRates> = OnceLock::new();
        T.get_or_init(|| {
            let text = include_str!("../data/reference_rates.csv");
            let mut table: BTreeMap<ReferenceRate, BTreeMap<i32, f64>> = BTreeMap::new();
            let mut lines = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
            let header: Vec<&str> = lines
                .next()
                .expect("reference rates header")
                .split(',')
                .collect();
            let cols: Vec<Option<ReferenceRate>> = header
                .iter()
                .map(|h| match *h {
                    "usd_libor_6m" => Some(ReferenceRate::UsdLibor),
                    "usd_sofr" => Some(ReferenceRate::Sofr),
                    "euribor_6m" => Some(ReferenceRate::Euribor),
                    _ => None,
                })
                .collect();
            for line in lines {
                let cells: Vec<&str> = line.split(',').collect();
                let year: i32 = cells[0].parse().expect("embedded reference-rate year");
                for (cell, col) in cells.iter().zip(&cols).skip(1) {
                    if let (Some(r), false) = (col, cell.is_empty()) {
                        let v: f64 = cell.parse().expect("embedded reference rate");
                        table.entry(r.clone()).or_default().insert(year, v);
                    }
                }
            }
            ReferenceRates {
                name: "ruta-refrates 2026.11, approximate".to_string(),
                table,
                constant: None,
            }
        })
    }

    /// Every reference rate at one constant annual percent, every year. `name` says
    /// where the figure comes from; it is stamped on the schedules that use it.
    pub fn constant(percent: f64, name: &str) -> ReferenceRates {
        ReferenceRates {
            name: name.to_string(),
            table: BTreeMap::new(),
            constant: Some(percent),
        }
    }

    /// A table from (reference, year, annual percent) rows.
    pub fn from_rows(
        name: &str,
        rows: impl IntoIterator<Item = (ReferenceRate, i32, f64)>,
    ) -> ReferenceRates {
        let mut table: BTreeMap<ReferenceRate, BTreeMap<i32, f64>> = BTreeMap::new();
        for (r, y, v) in rows {
            table.entry(r).or_default().insert(y, v);
        }
        ReferenceRates {
            name: name.to_string(),
            table,
            constant: None,
        }
    }

    /// The table's name and version, as stamped on schedules.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The annual average of `reference` in `year`, or the nearest year's value held
    /// constant when `year` is outside the table. None when the table lacks the rate.
    pub fn annual_percent(&self, reference: &ReferenceRate, year: i32) -> Option<RateLookup> {
        if let Some(c) = self.constant {
            return Some(RateLookup {
                percent: c,
                year_used: year,
                held_from: None,
            });
        }
        let series = self.table.get(reference)?;
        if let Some(v) = series.get(&year) {
            return Some(RateLookup {
                percent: *v,
                year_used: year,
                held_from: None,
            });
        }
        let (first, _) = series.first_key_value()?;
        let (last, _) = series.last_key_value()?;
        let y = if year > *last {
            *last
        } else if year < *first {
            *first
        } else {
            // A gap inside the table: the latest earlier year.
            *series.range(..year).next_back()?.0
        };
        Some(RateLookup {
            percent: series[&y],
            year_used: y,
            held_from: Some(y),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_covers_2000_to_2025() {
        let t = ReferenceRates::embedded();
        for r in [ReferenceRate::UsdLibor, ReferenceRate::Euribor] {
            for y in 2000..=2025 {
                let l = t.annual_percent(&r, y).unwrap();
                assert_eq!(l.held_from, None, "{r:?} {y}");
                assert!((-1.0..10.0).contains(&l.percent));
            }
        }
        assert_eq!(
            t.annual_percent(&ReferenceRate::UsdLibor, 2016)
                .unwrap()
                .percent,
            1.06
        );
        assert!(t.annual_percent(&ReferenceRate::Shibor, 2016).is_none());
    }

    #[test]
    fn years_outside_the_table_hold_the_nearest_value() {
        let t = ReferenceRates::embedded();
        let l = t.annual_percent(&ReferenceRate::UsdLibor, 2031).unwrap();
        assert_eq!(l.held_from, Some(2025));
        assert_eq!(
            l.percent,
            t.annual_percent(&ReferenceRate::UsdLibor, 2025)
                .unwrap()
                .percent
        );
        let s = t.annual_percent(&ReferenceRate::Sofr, 2010).unwrap();
        assert_eq!(s.held_from, Some(2018));
    }

    #[test]
    fn constant_and_custom_tables() {
        let c = ReferenceRates::constant(3.0, "flat 3 %");
        assert_eq!(
            c.annual_percent(&ReferenceRate::Shibor, 2040)
                .unwrap()
                .percent,
            3.0
        );
        assert_eq!(c.name(), "flat 3 %");
        let t = ReferenceRates::from_rows("mine", [(ReferenceRate::UsdLibor, 2010, 0.5)]);
        assert_eq!(
            t.annual_percent(&ReferenceRate::UsdLibor, 2012)
                .unwrap()
                .year_used,
            2010
        );
        assert!(t.annual_percent(&ReferenceRate::Sofr, 2012).is_none());
    }
}
