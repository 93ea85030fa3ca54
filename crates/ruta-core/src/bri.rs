//! Belt and Road Initiative membership: when each country joined (signed a BRI
//! memorandum of understanding with China) and, for the few that left, when they exited,
//! as the Green Finance & Development Center (GFDC, FISF Fudan University) lists them in
//! May 2025 — reference data embedded from `data/bri_membership.csv`, whose header names
//! the source ([`SOURCE`]).
//!
//! **Membership at a date** ([`member_on`]): a country is a member on a day when it had
//! joined on or before that day and had not exited by it (Panama, member from 2017-06-01,
//! left on 2025-05-04; Colombia joined on 2025-05-14). A commitment dated only to the
//! month is taken on the 15th, one dated only to the year on 1 July (as ruta's debt
//! schedules date a commitment whose day is unknown). A country GFDC lists with an
//! uncertain joining date (Austria, DR Congo, Niger, Russia) is a member at every date;
//! a country it does not list is a member at none.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The source of the membership list, as ruta cites it.
pub const SOURCE: &str = "Nedopil, C. (2025), Countries of the Belt and Road Initiative, Green Finance & Development Center, FISF Fudan University (greenfdc.org), list of May 2025";

/// The table's name and version, as the data file's header states them.
pub const TABLE: &str = "gfdc-bri-countries 2025-05";

/// One country's membership.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Membership {
    /// ISO 3166-1 alpha-3.
    pub iso3: String,
    /// The day it joined (YYYY-MM-DD); None when GFDC calls the date uncertain.
    pub joined: Option<String>,
    /// The day it left (YYYY-MM-DD), if it did.
    pub exited: Option<String>,
}

impl Membership {
    /// Whether the country is a member today (listed, and not exited).
    pub fn current(&self) -> bool {
        self.exited.is_none()
    }
}

fn table() -> &'static BTreeMap<String, Membership> {
    static T: OnceLock<BTreeMap<String, Membership>> = OnceLock::new();
    T.get_or_init(|| {
        let text = include_str!("../data/bri_membership.csv");
        let mut out = BTreeMap::new();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
        {
            let mut cells = line.split(',');
            let iso3 = cells.next().expect("iso3").to_string();
            let date = |c: Option<&str>| {
                c.map(str::trim)
                    .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
                    .map(str::to_string)
            };
            let joined = date(cells.next());
            let exited = date(cells.next());
            out.insert(
                iso3.clone(),
                Membership {
                    iso3,
                    joined,
                    exited,
                },
            );
        }
        out
    })
}

/// Every listed country's membership, by ISO3.
pub fn all() -> impl Iterator<Item = &'static Membership> {
    table().values()
}

/// A country's membership, if GFDC lists it.
pub fn membership(iso3: &str) -> Option<&'static Membership> {
    table().get(iso3)
}

/// A possibly partial ISO date (`2019`, `2019-05`, `2019-05-23`, or longer) as the day it
/// stands for here: the 15th of a month, 1 July of a year. None when it is not a date.
pub fn day_of(date: &str) -> Option<String> {
    let d = date.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match d.len() {
        4 if digits(d) => Some(format!("{d}-07-01")),
        7 if digits(&d[..4]) && &d[4..5] == "-" && digits(&d[5..7]) => Some(format!("{d}-15")),
        n if n >= 10 && digits(&d[..4]) && &d[4..5] == "-" => Some(d[..10].to_string()),
        _ => None,
    }
}

/// Whether `iso3` was a BRI member on `date` (see the module documentation); None when
/// the date is not one.
pub fn member_on(iso3: &str, date: &str) -> Option<bool> {
    let day = day_of(date)?;
    Some(match membership(iso3) {
        None => false,
        Some(m) => {
            m.joined.as_deref().is_none_or(|j| j <= day.as_str())
                && m.exited.as_deref().is_none_or(|e| day.as_str() < e)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panama_left_and_colombia_joined_in_2025() {
        assert_eq!(member_on("PAN", "2018-03-01"), Some(true));
        assert_eq!(member_on("PAN", "2025-05-04"), Some(false));
        assert_eq!(member_on("PAN", "2017-05-31"), Some(false));
        assert_eq!(member_on("COL", "2025-05-13"), Some(false));
        assert_eq!(member_on("COL", "2025-05-14"), Some(true));
        assert_eq!(member_on("MEX", "2020"), Some(false), "never joined");
        assert_eq!(
            member_on("PER", "2019"),
            Some(true),
            "joined 2019-05-01; 1 July"
        );
        assert_eq!(member_on("PER", "2019-04"), Some(false));
        assert_eq!(member_on("RUS", "2001"), Some(true), "uncertain date");
        assert_eq!(member_on("PER", "soon"), None);
        assert!(!membership("PAN").unwrap().current());
        let lac = all().filter(|m| crate::country::is_lac(&m.iso3)).count();
        assert_eq!((all().count(), lac), (152, 23));
    }
}
