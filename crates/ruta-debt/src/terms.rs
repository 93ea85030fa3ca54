//! Loan terms as sources state them, and the parsers for the ways they are written.
//!
//! Units throughout: rates and fees in **percent** (2.0 means 2 % a year, never 0.02);
//! maturity and grace in **years** (fractions allowed: 21.75). Following AidData's
//! definitions, maturity *includes* grace, and grace runs from commitment to the
//! first principal repayment.

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A value a parser refused, with the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason}: '{value}'")]
pub struct TermError {
    /// The text as given.
    pub value: String,
    /// Why it was refused.
    pub reason: String,
}

fn term_error(value: &str, reason: &str) -> TermError {
    TermError {
        value: value.chars().take(120).collect(),
        reason: reason.to_string(),
    }
}

/// A reference (floating) rate an interest rate is tied to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceRate {
    /// US-dollar LIBOR (discontinued mid-2023; see [`crate::rates`] for the fallback).
    UsdLibor,
    /// The Secured Overnight Financing Rate (US dollars), LIBOR's successor.
    Sofr,
    /// The euro interbank offered rate.
    Euribor,
    /// The Shanghai interbank offered rate.
    Shibor,
    /// Any other reference rate, as the source names it.
    Other(String),
}

impl ReferenceRate {
    /// The rate's usual name ("LIBOR", "SOFR", …).
    pub fn name(&self) -> &str {
        match self {
            ReferenceRate::UsdLibor => "LIBOR",
            ReferenceRate::Sofr => "SOFR",
            ReferenceRate::Euribor => "EURIBOR",
            ReferenceRate::Shibor => "SHIBOR",
            ReferenceRate::Other(s) => s,
        }
    }
}

/// A loan's interest rate as the record states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InterestRate {
    /// A fixed annual rate, in percent (2.0 = 2 % a year). Interest-free loans are 0.
    Fixed {
        /// Annual percent.
        percent: f64,
    },
    /// A reference rate plus a margin, both annual percent.
    Variable {
        /// The reference rate named.
        reference: ReferenceRate,
        /// The reference rate's tenor in months when stated ("6-month LIBOR" = 6).
        tenor_months: Option<u32>,
        /// The margin over the reference rate, annual percent (3.1 for "+ 3.1 %";
        /// "+ 310 bps" is 3.1 too).
        margin_percent: f64,
    },
}

impl InterestRate {
    /// A fixed rate in percent.
    pub fn fixed(percent: f64) -> InterestRate {
        InterestRate::Fixed { percent }
    }
}

/// Fees as the loan agreement states them, all in percent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fees {
    /// One-time fee, percent of the face value, paid at commitment (AidData: "lump sum").
    pub management_percent: Option<f64>,
    /// Annual percent of the undisbursed amount, usually paid semiannually.
    pub commitment_percent: Option<f64>,
    /// Insurance premium, percent of total debt service (principal plus all interest).
    pub insurance_percent: Option<f64>,
    /// The insurance premium in nominal US dollars, when the source states it.
    pub insurance_usd: Option<f64>,
}

/// A commodity a loan is secured on or repaid in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commodity {
    /// Crude oil and petroleum products.
    Oil,
    /// Natural gas, LNG.
    Gas,
    Copper,
    IronOre,
    Gold,
    Nickel,
    Soybeans,
    Sugar,
}

impl Commodity {
    /// The commodity in English words.
    pub fn name(self) -> &'static str {
        match self {
            Commodity::Oil => "oil",
            Commodity::Gas => "natural gas",
            Commodity::Copper => "copper",
            Commodity::IronOre => "iron ore",
            Commodity::Gold => "gold",
            Commodity::Nickel => "nickel",
            Commodity::Soybeans => "soybeans",
            Commodity::Sugar => "sugar",
        }
    }
}

/// What secures a loan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Collateral {
    /// Whether the source says the loan is collateralised (None: it does not say).
    pub collateralized: Option<bool>,
    /// What the collateral is, in the source's words.
    pub description: Option<String>,
    /// The commodity the collateral names, if any (see [`commodity_in`]).
    pub commodity: Option<Commodity>,
    /// Escrow account in the security package (How China Lends `escrow_account`).
    pub escrow_account: Option<bool>,
    /// Revenue account (How China Lends `revenue_account`).
    pub revenue_account: Option<bool>,
    /// Debt-service reserve account (How China Lends `reserve_account`).
    pub reserve_account: Option<bool>,
}

/// The terms of one loan. Every field is optional: sources state some and not others.
///
/// The face value and currency are not here but on [`crate::schedule::Loan`], because
/// they are the flow's amount, not a term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoanTerms {
    /// Day the loan agreement was signed (AidData's commitment date).
    pub commitment_date: Option<NaiveDate>,
    /// Commitment year, when the day is not known (or as a check on it).
    pub commitment_year: Option<i32>,
    /// The interest rate as stated.
    pub interest: Option<InterestRate>,
    /// Years from commitment to the last repayment, grace included.
    pub maturity_years: Option<f64>,
    /// Years from commitment to the first principal repayment.
    pub grace_years: Option<f64>,
    /// Date of the first principal repayment.
    pub first_repayment: Option<NaiveDate>,
    /// Date of the last principal repayment.
    pub last_repayment: Option<NaiveDate>,
    /// Fees.
    pub fees: Fees,
    /// The default (penalty) interest clause as stated ("2 % per annum", "regular rate
    /// plus 2 %"); kept as text because sources state it in words.
    pub default_interest: Option<String>,
    /// The security package.
    pub collateral: Collateral,
}

impl LoanTerms {
    /// The commitment year: from the date when known, else the stated year.
    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        self.commitment_date
            .map(|d| d.year())
            .or(self.commitment_year)
    }
}

/// Years between two dates as AidData counts them: days / 365 (its repayment dates are
/// the commitment date plus grace or maturity × 365 days).
pub fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 365.0
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^[+-]?(\d+(\.\d*)?|\.\d+)$").expect("valid regex"))
}

/// Strips "%", "percent", "per cent", "p.a.", "per annum", "a year" around a number.
fn strip_percent_words(s: &str) -> &str {
    let mut t = s.trim();
    loop {
        let before = t;
        for suffix in [
            "per annum",
            "p.a.",
            "pa",
            "a year",
            "per year",
            "annually",
            "percent",
            "per cent",
            "%",
        ] {
            if let Some(rest) = t.strip_suffix(suffix) {
                t = rest.trim_end();
            }
        }
        if t == before {
            return t;
        }
    }
}

fn plain_number(t: &str) -> Option<f64> {
    let t = t.trim();
    if !number_re().is_match(t) {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A percent: "2.0", "2", "2%", "2.5 percent", "1.5% per annum". Returns percent (2.0),
/// never a fraction. Refuses empty text, words and negative values.
pub fn parse_percent(s: &str) -> Result<f64, TermError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(term_error(s, "empty percent"));
    }
    let lower = t.to_lowercase();
    let v =
        plain_number(strip_percent_words(&lower)).ok_or_else(|| term_error(s, "not a percent"))?;
    if v < 0.0 {
        return Err(term_error(s, "negative percent"));
    }
    Ok(v)
}

/// A number of years: "20", "21.75", "2019.0"-style floats, "15 years", "6 months"
/// (0.5). Refuses negatives, words and more than 100 years.
pub fn parse_years(s: &str) -> Result<f64, TermError> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Err(term_error(s, "empty number of years"));
    }
    let (num, per_year) =
        if let Some(x) = t.strip_suffix("months").or_else(|| t.strip_suffix("month")) {
            (x, 12.0)
        } else if let Some(x) = t
            .strip_suffix("years")
            .or_else(|| t.strip_suffix("year"))
            .or_else(|| t.strip_suffix("yrs"))
            .or_else(|| t.strip_suffix("y"))
        {
            (x, 1.0)
        } else {
            (t.as_str(), 1.0)
        };
    let v = plain_number(num).ok_or_else(|| term_error(s, "not a number of years"))? / per_year;
    if v < 0.0 {
        return Err(term_error(s, "negative number of years"));
    }
    if v > 100.0 {
        return Err(term_error(s, "more than 100 years"));
    }
    Ok(v)
}

/// A year: "2016" or "2016.0" (1950–2100).
pub fn parse_year(s: &str) -> Result<i32, TermError> {
    let v = plain_number(s).ok_or_else(|| term_error(s, "not a year"))?;
    if v.fract() != 0.0 || !(1950.0..=2100.0).contains(&v) {
        return Err(term_error(s, "not a year between 1950 and 2100"));
    }
    Ok(v as i32)
}

/// A date: "2016-12-15", "2016-12-15 00:00:00", "2016/12/15", or "12/15/2016" (month
/// first, as AidData's headers say). Impossible dates ("2019-02-30") are refused.
pub fn parse_date(s: &str) -> Result<NaiveDate, TermError> {
    let t = s.trim();
    let head = t.get(..10).unwrap_or(t);
    let rest_ok = t
        .get(10..)
        .map(|r| {
            let r = r.trim();
            r.is_empty() || r.starts_with("00:00") || r.starts_with('T')
        })
        .unwrap_or(true);
    if rest_ok {
        for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y"] {
            if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                return Ok(d);
            }
        }
    }
    Err(term_error(
        s,
        "not a date (expected YYYY-MM-DD or MM/DD/YYYY)",
    ))
}

/// A yes/no flag: Yes/No, True/False, 1/0, 1.0/0.0 (any case). Empty and "NA" are
/// None (not stated).
pub fn parse_flag(s: &str) -> Result<Option<bool>, TermError> {
    match s.trim().to_lowercase().as_str() {
        "" | "na" | "n/a" | "-" => Ok(None),
        "yes" | "true" | "1" | "1.0" | "y" => Ok(Some(true)),
        "no" | "false" | "0" | "0.0" | "n" => Ok(Some(false)),
        _ => Err(term_error(s, "not yes or no")),
    }
}

fn reference_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\b(term\s+sofr|sofr|euribor|shibor|libor)\b").expect("valid regex")
    })
}

fn tenor_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\b(\d{1,2}|one|three|six|twelve)\s*-?\s*(?:m|mo|mos|months?)\b")
            .expect("valid regex")
    })
}

fn margin_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)^\s*(?:\+|plus|and|with\s+a\s+margin\s+of|margin\s+of|margin)?\s*(\d+(?:\.\d+)?|\.\d+)\s*(%|percent|per\s+cent|bps|bp|basis\s+points?)?\s*(?:p\.?a\.?|per\s+annum)?\s*$",
        )
        .expect("valid regex")
    })
}

/// An interest rate as GCDF and news state it: a fixed percent ("2.0", "2%",
/// "6.07 percent per annum", "interest-free" = 0) or a reference rate plus a margin
/// ("LIBOR + 3.1", "6-month LIBOR plus 3.10%", "6M USD LIBOR+310bps", "SOFR + 1.5",
/// "EURIBOR 6M + 0.9%"). A reference rate with nothing after it is a margin of 0.
/// Anything else is refused with the reason; nothing is guessed.
pub fn parse_interest_rate(s: &str) -> Result<InterestRate, TermError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(term_error(s, "empty interest rate"));
    }
    let lower = t.to_lowercase();
    if matches!(
        lower.as_str(),
        "interest-free" | "interest free" | "zero interest" | "no interest"
    ) {
        return Ok(InterestRate::fixed(0.0));
    }
    let Some(m) = reference_re().find(t) else {
        let v = parse_percent(t).map_err(|_| {
            term_error(
                s,
                "not an interest rate (a percent, or a reference rate + margin)",
            )
        })?;
        if v > 100.0 {
            return Err(term_error(s, "interest rate above 100 %"));
        }
        return Ok(InterestRate::fixed(v));
    };
    let reference = match m.as_str().to_lowercase().split_whitespace().last() {
        Some("libor") => ReferenceRate::UsdLibor,
        Some("sofr") => ReferenceRate::Sofr,
        Some("euribor") => ReferenceRate::Euribor,
        Some("shibor") => ReferenceRate::Shibor,
        _ => ReferenceRate::Other(m.as_str().to_string()),
    };
    // The tenor may stand before or after the name: "6-month LIBOR", "LIBOR 6M".
    let mut tenor_months = None;
    let mut after = t[m.end()..].to_string();
    let before = &t[..m.start()];
    let currency_words = |x: &str| {
        x.split_whitespace().all(|w| {
            matches!(
                w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
                "usd" | "us" | "dollar" | "eur" | "the" | "" | "us$"
            )
        })
    };
    if let Some(c) = tenor_re().captures(before) {
        tenor_months = tenor_value(&c[1]);
        let rest = before.replace(&c[0], " ");
        if !currency_words(&rest) {
            return Err(term_error(s, "unexpected words before the reference rate"));
        }
    } else if !currency_words(before) {
        return Err(term_error(s, "unexpected words before the reference rate"));
    }
    if let Some(c) = tenor_re().captures(&after)
        && after.trim_start().starts_with(&c[0])
    {
        tenor_months = tenor_value(&c[1]);
        after = after.trim_start()[c[0].len()..].to_string();
    }
    let after = after.trim();
    let after = after.trim_start_matches(['(', ')']).trim();
    if after.is_empty() {
        return Ok(InterestRate::Variable {
            reference,
            tenor_months,
            margin_percent: 0.0,
        });
    }
    let c = margin_re()
        .captures(after)
        .ok_or_else(|| term_error(s, "cannot read the margin after the reference rate"))?;
    let mut margin: f64 = c[1]
        .parse()
        .map_err(|_| term_error(s, "margin is not a number"))?;
    if let Some(unit) = c.get(2)
        && unit.as_str().to_lowercase().starts_with('b')
    {
        margin /= 100.0;
    }
    if margin > 50.0 {
        return Err(term_error(s, "margin above 50 %"));
    }
    Ok(InterestRate::Variable {
        reference,
        tenor_months,
        margin_percent: margin,
    })
}

fn tenor_value(s: &str) -> Option<u32> {
    match s.to_lowercase().as_str() {
        "one" => Some(1),
        "three" => Some(3),
        "six" => Some(6),
        "twelve" => Some(12),
        n => n.parse().ok().filter(|m| (1..=12).contains(m)),
    }
}

fn commodity_res() -> &'static [(Commodity, Regex)] {
    static R: OnceLock<Vec<(Commodity, Regex)>> = OnceLock::new();
    R.get_or_init(|| {
        [
            (
                Commodity::Oil,
                r"(?i)\b(crude|oil|petroleum|petr[oó]leo|barrels?|bpd|fuel\s+oil|diesel)\b",
            ),
            (
                Commodity::Gas,
                r"(?i)\b(natural\s+gas|lng|gas\s+natural|g[aá]s\s+natural)\b",
            ),
            (Commodity::Copper, r"(?i)\b(copper|cobre)\b"),
            (
                Commodity::IronOre,
                r"(?i)\b(iron\s+ore|mineral\s+de\s+hierro|min[eé]rio\s+de\s+ferro)\b",
            ),
            (Commodity::Gold, r"(?i)\b(gold|oro|ouro)\b"),
            (Commodity::Nickel, r"(?i)\b(nickel|n[ií]quel)\b"),
            (Commodity::Soybeans, r"(?i)\b(soy|soya|soybeans?|soja)\b"),
            (Commodity::Sugar, r"(?i)\b(sugar|az[uú]car|a[cç][uú]car)\b"),
        ]
        .into_iter()
        .map(|(c, p)| (c, Regex::new(p).expect("valid regex")))
        .collect()
    })
}

/// The first commodity a collateral description names (English, Spanish, Portuguese),
/// in the order oil, gas, copper, iron ore, gold, nickel, soybeans, sugar; whole words
/// only, so "soil" is not oil.
pub fn commodity_in(text: &str) -> Option<Commodity> {
    commodity_res()
        .iter()
        .find(|(_, re)| re.is_match(text))
        .map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(r: ReferenceRate, tenor: Option<u32>, m: f64) -> InterestRate {
        InterestRate::Variable {
            reference: r,
            tenor_months: tenor,
            margin_percent: m,
        }
    }

    #[test]
    fn fixed_rates_as_written() {
        for (s, v) in [
            ("2.0", 2.0),
            ("2", 2.0),
            (" 6.07 ", 6.07),
            ("2%", 2.0),
            ("1.5% per annum", 1.5),
            ("3 percent", 3.0),
            ("0", 0.0),
            ("interest-free", 0.0),
        ] {
            assert_eq!(parse_interest_rate(s), Ok(InterestRate::fixed(v)), "{s}");
        }
    }

    #[test]
    fn variable_rates_as_written() {
        use ReferenceRate::*;
        for (s, want) in [
            ("LIBOR + 3.1", var(UsdLibor, None, 3.1)),
            ("LIBOR+3.1%", var(UsdLibor, None, 3.1)),
            ("6-month LIBOR plus 3.10%", var(UsdLibor, Some(6), 3.1)),
            ("6M USD LIBOR + 310 bps", var(UsdLibor, Some(6), 3.1)),
            ("USD LIBOR 6M + 2.5", var(UsdLibor, Some(6), 2.5)),
            (
                "six-month LIBOR + 1.15 percent",
                var(UsdLibor, Some(6), 1.15),
            ),
            ("SOFR + 1.5", var(Sofr, None, 1.5)),
            ("Term SOFR + 2.2%", var(Sofr, None, 2.2)),
            ("EURIBOR 6M + 0.9%", var(Euribor, Some(6), 0.9)),
            ("LIBOR", var(UsdLibor, None, 0.0)),
            ("libor with a margin of 2.8%", var(UsdLibor, None, 2.8)),
        ] {
            assert_eq!(parse_interest_rate(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for s in [
            "",
            "   ",
            "low",
            "LIBOR + a bit",
            "about LIBOR + 3",
            "-1",
            "150",
            "LIBOR + 80",
            "2.0.1",
            "NaN",
            "inf",
        ] {
            let e = parse_interest_rate(s).unwrap_err();
            assert!(!e.reason.is_empty(), "{s}");
        }
    }

    #[test]
    fn years_percents_dates_flags() {
        assert_eq!(parse_years("21.75"), Ok(21.75));
        assert_eq!(parse_years("15 years"), Ok(15.0));
        assert_eq!(parse_years("6 months"), Ok(0.5));
        assert!(parse_years("-1").is_err());
        assert!(parse_years("forever").is_err());
        assert!(parse_years("1000").is_err());
        assert_eq!(parse_percent("0.25%"), Ok(0.25));
        assert!(parse_percent("").is_err());
        assert_eq!(parse_year("2019.0"), Ok(2019));
        assert!(parse_year("2019.5").is_err());
        let d = NaiveDate::from_ymd_opt(2016, 12, 15).unwrap();
        assert_eq!(parse_date("2016-12-15"), Ok(d));
        assert_eq!(parse_date("2016-12-15 00:00:00"), Ok(d));
        assert_eq!(parse_date("12/15/2016"), Ok(d));
        assert!(parse_date("2019-02-30").is_err());
        assert!(parse_date("15/12/2016").is_err());
        assert!(parse_date("soon").is_err());
        assert_eq!(parse_flag("Yes"), Ok(Some(true)));
        assert_eq!(parse_flag("0"), Ok(Some(false)));
        assert_eq!(parse_flag("NA"), Ok(None));
        assert!(parse_flag("maybe").is_err());
    }

    #[test]
    fn commodities_by_whole_word() {
        assert_eq!(
            commodity_in("Crude oil sales proceeds from Petroecuador"),
            Some(Commodity::Oil)
        );
        assert_eq!(
            commodity_in("ingresos por venta de petróleo"),
            Some(Commodity::Oil)
        );
        assert_eq!(
            commodity_in("Project revenues deposited into escrow account"),
            None
        );
        assert_eq!(commodity_in("soil remediation"), None);
        assert_eq!(commodity_in("venta de cobre"), Some(Commodity::Copper));
    }

    #[test]
    fn years_between_counts_365_day_years() {
        let c = NaiveDate::from_ymd_opt(2016, 12, 15).unwrap();
        let first = NaiveDate::from_ymd_opt(2021, 12, 14).unwrap();
        assert_eq!(years_between(c, first), 5.0);
    }
}
