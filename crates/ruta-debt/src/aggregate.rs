//! Sums of schedules by country, year and lender; shares of GDP; projected beside
//! reported debt service. Pure functions of their inputs.
//!
//! All sums are in nominal US dollars from each schedule's year rows
//! ([`crate::schedule::YearRow::usd`]). A schedule without US-dollar figures (a currency
//! the exchange-rate table lacks) is left out of the sums and counted in
//! [`ServiceTotals::unconverted_loans`], never silently dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::gdp::GdpTable;
use crate::ids::ReportedService;
use crate::schedule::Schedule;

/// How to group schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Year,
    Country,
    Lender,
    CountryYear,
    LenderYear,
    CountryLenderYear,
}

impl GroupBy {
    fn keys(self) -> (bool, bool, bool) {
        // (country, lender, year)
        match self {
            GroupBy::Year => (false, false, true),
            GroupBy::Country => (true, false, false),
            GroupBy::Lender => (false, true, false),
            GroupBy::CountryYear => (true, false, true),
            GroupBy::LenderYear => (false, true, true),
            GroupBy::CountryLenderYear => (true, true, true),
        }
    }
}

/// A group: the fields not grouped on are None. A schedule without a country or lender
/// falls in the group whose country or lender is `"unknown"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKey {
    pub country: Option<String>,
    pub lender: Option<String>,
    pub year: Option<i32>,
}

/// Totals of one group, nominal US dollars.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceTotals {
    pub principal_usd: f64,
    pub interest_usd: f64,
    /// Fees (management, commitment, insurance), not part of debt service.
    pub fees_usd: f64,
    /// Outstanding at year end; only for groups with a year.
    pub outstanding_usd: Option<f64>,
    /// Schedules summed into this group.
    pub loans: usize,
    /// Schedules in this group without US-dollar figures, left out of the sums.
    pub unconverted_loans: usize,
}

impl ServiceTotals {
    /// Debt service: principal plus interest.
    pub fn service_usd(&self) -> f64 {
        self.principal_usd + self.interest_usd
    }
}

const UNKNOWN: &str = "unknown";

/// Sums schedules into groups. With a year in the key, each calendar year of each
/// schedule counts in that year's group (including the grace years, where only
/// interest is due, and the year-end outstanding); without, a schedule's years are
/// summed and there is no outstanding.
pub fn sum_schedules(schedules: &[Schedule], by: GroupBy) -> BTreeMap<GroupKey, ServiceTotals> {
    let (c, l, y) = by.keys();
    let mut out: BTreeMap<GroupKey, ServiceTotals> = BTreeMap::new();
    let mut counted: BTreeMap<GroupKey, BTreeSet<usize>> = BTreeMap::new();
    for (i, s) in schedules.iter().enumerate() {
        for row in &s.years {
            let key = GroupKey {
                country: c.then(|| s.country.clone().unwrap_or_else(|| UNKNOWN.into())),
                lender: l.then(|| s.lender.clone().unwrap_or_else(|| UNKNOWN.into())),
                year: y.then_some(row.year),
            };
            let t = out.entry(key.clone()).or_default();
            let first_time = counted.entry(key).or_default().insert(i);
            match row.usd {
                Some(u) => {
                    t.principal_usd += u.principal;
                    t.interest_usd += u.interest;
                    t.fees_usd += u.fees;
                    if y {
                        *t.outstanding_usd.get_or_insert(0.0) += u.outstanding;
                    }
                    if first_time {
                        t.loans += 1;
                    }
                }
                None => {
                    if first_time {
                        t.unconverted_loans += 1;
                    }
                }
            }
        }
    }
    out
}

/// `value_usd` as a percent of `gdp_usd` (1.5 = 1.5 % of GDP); None when GDP is not a
/// positive number.
pub fn gdp_share_percent(value_usd: f64, gdp_usd: f64) -> Option<f64> {
    (gdp_usd.is_finite() && gdp_usd > 0.0 && value_usd.is_finite())
        .then(|| 100.0 * value_usd / gdp_usd)
}

/// Shares of GDP of one group, percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GdpShare {
    /// Debt service (principal + interest) as a percent of that year's GDP.
    pub service_percent: Option<f64>,
    /// Year-end outstanding as a percent of that year's GDP.
    pub outstanding_percent: Option<f64>,
}

/// Shares of GDP for groups that have a country and a year; groups without, or
/// country-years the GDP table lacks, get None.
pub fn shares_of_gdp(
    totals: &BTreeMap<GroupKey, ServiceTotals>,
    gdp: &GdpTable,
) -> BTreeMap<GroupKey, GdpShare> {
    totals
        .iter()
        .map(|(k, t)| {
            let g = match (&k.country, k.year) {
                (Some(c), Some(y)) => gdp.get(c, y),
                _ => None,
            };
            let share = match g {
                Some(g) => GdpShare {
                    service_percent: gdp_share_percent(t.service_usd(), g),
                    outstanding_percent: t.outstanding_usd.and_then(|o| gdp_share_percent(o, g)),
                },
                None => GdpShare::default(),
            };
            (k.clone(), share)
        })
        .collect()
}

/// Projected (from schedules) beside reported (World Bank IDS) debt service, one
/// country and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceComparison {
    pub country: String,
    pub year: i32,
    /// ruta's schedules, principal + interest, nominal USD; None when no schedule covers
    /// the country-year.
    pub projected_usd: Option<f64>,
    /// IDS principal + interest, current USD; None without an IDS row.
    pub reported_usd: Option<f64>,
    /// The IDS figure is the World Bank's own projection.
    pub reported_is_projection: bool,
    /// projected − reported, when both are known.
    pub gap_usd: Option<f64>,
}

/// Lines up projected debt service (from [`sum_schedules`] by [`GroupBy::CountryYear`])
/// with reported debt service (from [`crate::ids::service_to`]) for every country-year
/// either side has, sorted by country and year.
pub fn compare_with_reported(
    projected: &BTreeMap<GroupKey, ServiceTotals>,
    reported: &BTreeMap<(String, i32), ReportedService>,
) -> Vec<ServiceComparison> {
    let mut keys: BTreeSet<(String, i32)> = reported.keys().cloned().collect();
    let mut proj: BTreeMap<(String, i32), f64> = BTreeMap::new();
    for (k, t) in projected {
        if let (Some(c), Some(y)) = (&k.country, k.year) {
            *proj.entry((c.clone(), y)).or_default() += t.service_usd();
            keys.insert((c.clone(), y));
        }
    }
    keys.into_iter()
        .map(|(country, year)| {
            let p = proj.get(&(country.clone(), year)).copied();
            let r = reported.get(&(country.clone(), year));
            let reported_usd = r.map(ReportedService::total_usd);
            ServiceComparison {
                gap_usd: p.zip(reported_usd).map(|(p, r)| p - r),
                projected_usd: p,
                reported_usd,
                reported_is_projection: r.is_some_and(|r| r.projected),
                country,
                year,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Loan, ScheduleOptions, build_schedule};
    use crate::terms::{InterestRate, LoanTerms};
    use chrono::NaiveDate;

    fn sched(id: &str, country: &str, lender: &str, fv: f64, cur: &str, year: i32) -> Schedule {
        let loan = Loan {
            id: id.into(),
            country: Some(country.into()),
            lender: Some(lender.into()),
            face_value: fv,
            currency: cur.into(),
            terms: LoanTerms {
                commitment_date: NaiveDate::from_ymd_opt(year, 1, 1),
                interest: Some(InterestRate::fixed(2.0)),
                maturity_years: Some(10.0),
                grace_years: Some(2.0),
                ..Default::default()
            },
        };
        build_schedule(&loan, &[], &ScheduleOptions::default()).unwrap()
    }

    #[test]
    fn sums_by_country_year_and_lender() {
        let s = vec![
            sched("a", "ECU", "CDB", 1e9, "USD", 2010),
            sched("b", "ECU", "Eximbank", 5e8, "USD", 2012),
            sched("c", "ARG", "CDB", 2e8, "USD", 2014),
            sched("d", "VEN", "CDB", 1e9, "VES", 2014),
        ];
        let by_cy = sum_schedules(&s, GroupBy::CountryYear);
        let ecu2013 = &by_cy[&GroupKey {
            country: Some("ECU".into()),
            lender: None,
            year: Some(2013),
        }];
        assert_eq!(ecu2013.loans, 2);
        let expect: f64 = ["a", "b"]
            .iter()
            .map(|id| {
                let sc = s.iter().find(|x| x.loan_id == *id).unwrap();
                let y = sc.years.iter().find(|y| y.year == 2013).unwrap();
                y.principal + y.interest
            })
            .sum();
        assert!((ecu2013.service_usd() - expect).abs() < 1e-6);
        let ven = &by_cy[&GroupKey {
            country: Some("VEN".into()),
            lender: None,
            year: Some(2015),
        }];
        assert_eq!((ven.loans, ven.unconverted_loans), (0, 1));

        let by_c = sum_schedules(&s, GroupBy::Country);
        let ecu = &by_c[&GroupKey {
            country: Some("ECU".into()),
            lender: None,
            year: None,
        }];
        assert!((ecu.principal_usd - 1.5e9).abs() < 1e-3);
        assert_eq!(ecu.outstanding_usd, None);
        assert_eq!(ecu.loans, 2);

        let by_l = sum_schedules(&s, GroupBy::Lender);
        let cdb = &by_l[&GroupKey {
            country: None,
            lender: Some("CDB".into()),
            year: None,
        }];
        assert!((cdb.principal_usd - 1.2e9).abs() < 1e-3);
        let by_y = sum_schedules(&s, GroupBy::Year);
        let y2010 = &by_y[&GroupKey {
            country: None,
            lender: None,
            year: Some(2010),
        }];
        assert_eq!(y2010.outstanding_usd, Some(1e9));
    }

    #[test]
    fn gdp_shares_and_comparison() {
        assert_eq!(gdp_share_percent(1.0, 100.0), Some(1.0));
        assert_eq!(gdp_share_percent(1.0, 0.0), None);
        assert_eq!(gdp_share_percent(1.0, f64::NAN), None);
        let s = vec![sched("a", "ECU", "CDB", 1e9, "USD", 2010)];
        let t = sum_schedules(&s, GroupBy::CountryYear);
        let shares = shares_of_gdp(&t, GdpTable::lac());
        let k = GroupKey {
            country: Some("ECU".into()),
            lender: None,
            year: Some(2015),
        };
        let g = GdpTable::lac().get("ECU", 2015).unwrap();
        assert!(
            (shares[&k].service_percent.unwrap() - 100.0 * t[&k].service_usd() / g).abs() < 1e-9
        );
        assert!(shares[&k].outstanding_percent.is_some());

        let mut reported = BTreeMap::new();
        reported.insert(
            ("ECU".to_string(), 2015),
            ReportedService {
                principal_usd: Some(100.0),
                interest_usd: Some(10.0),
                projected: false,
            },
        );
        reported.insert(("ARG".to_string(), 2015), ReportedService::default());
        let cmp = compare_with_reported(&t, &reported);
        let e = cmp
            .iter()
            .find(|c| c.country == "ECU" && c.year == 2015)
            .unwrap();
        assert_eq!(e.reported_usd, Some(110.0));
        assert_eq!(e.gap_usd, Some(e.projected_usd.unwrap() - 110.0));
        let a = cmp.iter().find(|c| c.country == "ARG").unwrap();
        assert_eq!(a.projected_usd, None);
        assert_eq!(a.gap_usd, None);
        let only_ours = cmp
            .iter()
            .find(|c| c.country == "ECU" && c.year == 2011)
            .unwrap();
        assert_eq!(only_ours.reported_usd, None);
    }
}
