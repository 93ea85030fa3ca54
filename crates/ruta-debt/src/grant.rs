//! Grant elements by the three methods AidData publishes in GCDF 3.0.
//!
//! A grant element is the share of a loan's face value that the borrower does not pay
//! back in present-value terms: 100 × (1 − PV(debt service) / face value), in percent,
//! clamped to [0, 100]. The three methods differ only in the annual discount rate D:
//!
//! | method | D | source |
//! |---|---|---|
//! | OECD cash-flow (ODA rules to 2017) | 10 % | AidData GCDF 3.0 field definitions, "Grant Element (OECD Cash-Flow)" |
//! | OECD grant-equivalent (from 2018) | 9 % LDC/LIC, 7 % LMIC, 6 % UMIC | same, "OECD ODA Concessionality Threshold" and "Grant Element (OECD Grant-Equiv)"; OECD DAC rules |
//! | IMF / World Bank (post-2013) | 5 % | same, "Grant Element (IMF)" |
//!
//! AidData's conventions, which [`grant_element`] reproduces to the fourth decimal on
//! every GCDF record in the shared data that states the inputs:
//! - two payments a year; per-period discount rate d = (1 + D)^(1/2) − 1; per-period
//!   interest i = r / 2 on the outstanding balance (r the annual rate as a fraction);
//! - the loan is disbursed in full at commitment (t = 0);
//! - equal principal repayments at every half-year from the end of grace to maturity,
//!   **both included**: at periods g = 2G, g + 1, …, m = 2M, so N = m − g + 1
//!   repayments (a loan with 20 years' maturity and 5 years' grace repays 31 times);
//! - a blank grace is a grace of 0: the first repayment falls at commitment (record
//!   39740 — 2 %, 20 years, grace blank — reproduces only this way: 43.7458 and 21.4336).
//!
//! With v = 1/(1 + d), g = 2G, m = 2M, n = m − g and N = n + 1, the present value of
//! the debt service per unit of face value is
//!
//! ```text
//! PV = v^g (1 − v^(n+1)) / (N (1 − v))
//!    + i [ v (1 − v^m) / (1 − v) − v^(g+1) (1 − (n+1) v^n + n v^(n+1)) / (N (1 − v)²) ]
//! GE = 100 (1 − PV), clamped to [0, 100]
//! ```
//!
//! The first line is the discounted principal, the second the discounted interest on
//! the outstanding balance. This closed form is the sum of the discounted cash flows
//! when 2G and 2M are whole numbers; AidData evaluates the same expression when they
//! are not (record 54912: 21.75 years' maturity, 43.5 half-years, published 54.7023,
//! 34.5267 and 27.599, reproduced exactly), so ruta does too.
//!
//! The income group for the grant-equivalent method is an input: AidData records it per
//! loan ("OECD ODA Income Group", the recipient's group on the OECD DAC list of ODA
//! recipients in the commitment year), How China Lends records the World Bank group. A
//! high-income recipient is not on the DAC list and has no grant-equivalent value.

use serde::{Deserialize, Serialize};

use crate::rates::ReferenceRates;
use crate::terms::{InterestRate, LoanTerms, ReferenceRate, years_between};

/// A recipient's income group, as the OECD DAC list of ODA recipients (or the World
/// Bank classification it follows) puts it in the commitment year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeGroup {
    /// Least developed country (UN list): 9 %.
    Ldc,
    /// Other low-income country: 9 %.
    Lic,
    /// Lower-middle income: 7 %.
    Lmic,
    /// Upper-middle income: 6 %.
    Umic,
    /// High income: not ODA-eligible, no grant-equivalent discount rate.
    High,
}

impl IncomeGroup {
    /// Reads the labels sources use: "Upper middle income", "UMIC", "Lower Middle
    /// Income", "LMIC", "Low income", "LIC", "LDC", "Least developed", "High income",
    /// "HIC" (case, spaces, hyphens and punctuation ignored). None for anything else,
    /// blank included.
    pub fn parse(label: &str) -> Option<IncomeGroup> {
        let f: String = label
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect();
        let f = f.trim_end_matches("countries").trim_end_matches("country");
        Some(match f {
            "ldc" | "ldcs" | "leastdeveloped" | "leastdevelopedcountry" => IncomeGroup::Ldc,
            "lic" | "lowincome" | "otherlowincome" | "otherlic" | "otherlics" => IncomeGroup::Lic,
            "lmic" | "lowermiddleincome" | "lowermiddle" => IncomeGroup::Lmic,
            "umic" | "uppermiddleincome" | "uppermiddle" => IncomeGroup::Umic,
            "hic" | "highincome" | "high" => IncomeGroup::High,
            _ => return None,
        })
    }

    /// The OECD grant-equivalent discount rate for this group, percent a year
    /// (LDC/LIC 9, LMIC 7, UMIC 6); None for high income.
    pub fn grant_equivalent_discount_percent(self) -> Option<f64> {
        match self {
            IncomeGroup::Ldc | IncomeGroup::Lic => Some(9.0),
            IncomeGroup::Lmic => Some(7.0),
            IncomeGroup::Umic => Some(6.0),
            IncomeGroup::High => None,
        }
    }
}

/// The annual discount rate of the OECD cash-flow method, percent.
pub const OECD_CASH_FLOW_DISCOUNT_PERCENT: f64 = 10.0;
/// The annual discount rate of the IMF / World Bank method, percent.
pub const IMF_DISCOUNT_PERCENT: f64 = 5.0;

/// Why a grant element cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GrantError {
    /// The terms state no interest rate.
    #[error("no interest rate")]
    MissingInterest,
    /// The terms state neither a maturity nor a last repayment date.
    #[error("no maturity")]
    MissingMaturity,
    /// A variable rate whose reference rate is not in the table, or with no commitment
    /// year to look it up.
    #[error("no value for reference rate {0} at commitment")]
    NoReferenceRate(String),
    /// Inputs out of range (negative maturity, grace beyond maturity, …).
    #[error("invalid terms: {0}")]
    Invalid(String),
}

/// Grant elements in percent (0–100), one per method; None where not computable (the
/// grant-equivalent method without an ODA income group).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GrantElements {
    /// OECD cash-flow method, 10 %.
    pub oecd_cash_flow: Option<f64>,
    /// OECD grant-equivalent method, 9/7/6 % by income group.
    pub oecd_grant_equivalent: Option<f64>,
    /// IMF method, 5 %.
    pub imf: Option<f64>,
}

/// Something [`grant_elements`] had to decide about the terms, kept beside the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum GrantNote {
    /// Grace was blank and no first repayment date was given: taken as 0 years, first
    /// repayment at commitment (AidData's convention).
    GraceBlankTakenAsZero,
    /// Grace was blank: derived from commitment and first repayment dates (days / 365).
    GraceFromDates { years: f64 },
    /// Maturity was blank: derived from commitment and last repayment dates (days / 365).
    MaturityFromDates { years: f64 },
    /// A variable rate valued at commitment: reference rate's annual average in the
    /// commitment year plus the margin (AidData values floating rates at commitment).
    VariableRateAtCommitment {
        reference: ReferenceRate,
        year: i32,
        reference_percent: f64,
        table: String,
        held_from: Option<i32>,
    },
    /// No income group was given: no grant-equivalent value.
    NoIncomeGroup,
    /// High-income recipient: not on the DAC list, no grant-equivalent value.
    HighIncome,
}

impl GrantNote {
    /// The note in one English sentence.
    pub fn describe(&self) -> String {
        match self {
            GrantNote::GraceBlankTakenAsZero => {
                "grace period not stated: taken as 0, first repayment at commitment (AidData's convention)".into()
            }
            GrantNote::GraceFromDates { years } => {
                format!("grace period from the commitment and first repayment dates: {years:.2} years")
            }
            GrantNote::MaturityFromDates { years } => {
                format!("maturity from the commitment and last repayment dates: {years:.2} years")
            }
            GrantNote::VariableRateAtCommitment {
                reference,
                year,
                reference_percent,
                table,
                held_from,
            } => format!(
                "variable rate valued at commitment: {} {year} approximate annual average {reference_percent} % ({table}{}) plus the margin",
                reference.name(),
                held_from
                    .map(|y| format!(", {y} value held"))
                    .unwrap_or_default()
            ),
            GrantNote::NoIncomeGroup => {
                "recipient's income group not stated: no grant-equivalent value".into()
            }
            GrantNote::HighIncome => {
                "high-income recipient, not on the DAC list: no grant-equivalent value".into()
            }
        }
    }
}

/// What went into a grant element computation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GrantInputs {
    /// Annual interest, percent.
    pub interest_percent: f64,
    /// Years, grace included.
    pub maturity_years: f64,
    /// Years to the first repayment.
    pub grace_years: f64,
}

/// The three grant elements of one loan, with the inputs used and the notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantComputation {
    pub values: GrantElements,
    pub inputs: GrantInputs,
    pub notes: Vec<GrantNote>,
}

/// The present value of the debt service per unit of face value, unclamped (see the
/// module docs for the formula). Inputs in percent and years.
pub fn present_value(
    interest_percent: f64,
    maturity_years: f64,
    grace_years: f64,
    discount_percent: f64,
) -> Result<f64, GrantError> {
    check(
        interest_percent,
        maturity_years,
        grace_years,
        discount_percent,
    )?;
    let d = (1.0 + discount_percent / 100.0).sqrt() - 1.0;
    let i = interest_percent / 100.0 / 2.0;
    let v = 1.0 / (1.0 + d);
    let g = 2.0 * grace_years;
    let m = 2.0 * maturity_years;
    let n = m - g;
    let count = n + 1.0;
    let principal = v.powf(g) * (1.0 - v.powf(n + 1.0)) / (count * (1.0 - v));
    let weighted = v * (1.0 - (n + 1.0) * v.powf(n) + n * v.powf(n + 1.0)) / (1.0 - v).powi(2);
    let interest = i * (v * (1.0 - v.powf(m)) / (1.0 - v) - v.powf(g) * weighted / count);
    Ok(principal + interest)
}

/// The grant element in percent, clamped to [0, 100], from an annual interest rate
/// (percent), maturity and grace (years, maturity including grace) and an annual
/// discount rate (percent), by AidData's conventions (module docs).
pub fn grant_element(
    interest_percent: f64,
    maturity_years: f64,
    grace_years: f64,
    discount_percent: f64,
) -> Result<f64, GrantError> {
    let pv = present_value(
        interest_percent,
        maturity_years,
        grace_years,
        discount_percent,
    )?;
    Ok((100.0 * (1.0 - pv)).clamp(0.0, 100.0))
}

fn check(r: f64, m: f64, g: f64, disc: f64) -> Result<(), GrantError> {
    let bad = |s: &str| Err(GrantError::Invalid(s.to_string()));
    if !(r.is_finite() && m.is_finite() && g.is_finite() && disc.is_finite()) {
        return bad("a term is not a finite number");
    }
    if r < 0.0 {
        return bad("negative interest rate");
    }
    if m <= 0.0 {
        return bad("maturity must be above 0 years");
    }
    if g < 0.0 {
        return bad("negative grace period");
    }
    if g > m {
        return bad("grace period longer than maturity");
    }
    if disc <= 0.0 {
        return bad("discount rate must be above 0 %");
    }
    Ok(())
}

/// The annual interest rate in percent the terms imply at commitment: the fixed rate, or
/// the reference rate's annual average in the commitment year plus the margin.
pub(crate) fn rate_at_commitment(
    terms: &LoanTerms,
    rates: &ReferenceRates,
) -> Result<(f64, Option<GrantNote>), GrantError> {
    match terms.interest.as_ref().ok_or(GrantError::MissingInterest)? {
        InterestRate::Fixed { percent } => Ok((*percent, None)),
        InterestRate::Variable {
            reference,
            margin_percent,
            ..
        } => {
            let no_rate = || GrantError::NoReferenceRate(reference.name().to_string());
            let year = terms.year().ok_or_else(no_rate)?;
            let l = rates.annual_percent(reference, year).ok_or_else(no_rate)?;
            Ok((
                (l.percent + margin_percent).max(0.0),
                Some(GrantNote::VariableRateAtCommitment {
                    reference: reference.clone(),
                    year,
                    reference_percent: l.percent,
                    table: rates.name().to_string(),
                    held_from: l.held_from,
                }),
            ))
        }
    }
}

/// The three grant elements of a loan from its terms alone, by AidData's conventions:
/// interest (a variable rate valued at commitment from `rates`), maturity (or
/// commitment → last repayment date), grace (or commitment → first repayment date, or 0
/// when neither is given). `income` picks the grant-equivalent discount rate.
pub fn grant_elements(
    terms: &LoanTerms,
    income: Option<IncomeGroup>,
    rates: &ReferenceRates,
) -> Result<GrantComputation, GrantError> {
    let mut notes = Vec::new();
    let (interest_percent, note) = rate_at_commitment(terms, rates)?;
    notes.extend(note);
    let maturity_years = match (
        terms.maturity_years,
        terms.commitment_date,
        terms.last_repayment,
    ) {
        (Some(m), _, _) => m,
        (None, Some(c), Some(l)) => {
            let years = years_between(c, l);
            notes.push(GrantNote::MaturityFromDates { years });
            years
        }
        _ => return Err(GrantError::MissingMaturity),
    };
    let grace_years = match (
        terms.grace_years,
        terms.commitment_date,
        terms.first_repayment,
    ) {
        (Some(g), _, _) => g,
        (None, Some(c), Some(f)) => {
            let years = years_between(c, f);
            notes.push(GrantNote::GraceFromDates { years });
            years
        }
        _ => {
            notes.push(GrantNote::GraceBlankTakenAsZero);
            0.0
        }
    };
    let ge = |disc: f64| grant_element(interest_percent, maturity_years, grace_years, disc);
    let oecd_grant_equivalent = match income {
        None => {
            notes.push(GrantNote::NoIncomeGroup);
            None
        }
        Some(g) => match g.grant_equivalent_discount_percent() {
            Some(disc) => Some(ge(disc)?),
            None => {
                notes.push(GrantNote::HighIncome);
                None
            }
        },
    };
    Ok(GrantComputation {
        values: GrantElements {
            oecd_cash_flow: Some(ge(OECD_CASH_FLOW_DISCOUNT_PERCENT)?),
            oecd_grant_equivalent,
            imf: Some(ge(IMF_DISCOUNT_PERCENT)?),
        },
        inputs: GrantInputs {
            interest_percent,
            maturity_years,
            grace_years,
        },
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same present value by summing discounted cash flows, half-year by half-year
    /// (whole half-years only): the definition the closed form must agree with.
    fn pv_by_cash_flows(r: f64, m: f64, g: f64, disc: f64) -> f64 {
        let d = (1.0 + disc / 100.0).sqrt() - 1.0;
        let (gi, mi) = ((2.0 * g).round() as i32, (2.0 * m).round() as i32);
        let count = f64::from(mi - gi + 1);
        let mut outstanding = 1.0;
        let mut pv = 0.0;
        for t in 0..=mi {
            let mut pay = if t > 0 { outstanding * r / 200.0 } else { 0.0 };
            if t >= gi {
                pay += 1.0 / count;
                outstanding -= 1.0 / count;
            }
            pv += pay / (1.0 + d).powi(t);
        }
        pv
    }

    #[test]
    fn closed_form_equals_cash_flows_on_whole_half_years() {
        for (r, m, g) in [
            (2.0, 20.0, 5.0),
            (6.07, 2.5, 1.0),
            (2.0, 20.0, 0.0),
            (0.0, 10.0, 10.0),
            (7.0, 15.0, 3.5),
            (1.0, 0.5, 0.0),
        ] {
            for disc in [10.0, 9.0, 7.0, 6.0, 5.0] {
                let a = present_value(r, m, g, disc).unwrap();
                let b = pv_by_cash_flows(r, m, g, disc);
                assert!((a - b).abs() < 1e-12, "{r} {m} {g} {disc}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn aiddata_published_values() {
        // GCDF 3.0, lac_ports_fullschema.csv: (rate, maturity, grace, method D, published).
        for (r, m, g, disc, published) in [
            (2.0, 21.75, 5.0, 10.0, 54.7023),
            (2.0, 21.75, 5.0, 6.0, 34.5267),
            (2.0, 21.75, 5.0, 5.0, 27.599),
            (6.07, 2.5, 1.0, 10.0, 5.7644),
            (6.07, 2.5, 1.0, 7.0, 1.3094),
            (6.07, 2.5, 1.0, 5.0, 0.0),
            (2.0, 20.0, 0.0, 10.0, 43.7458),
            (2.0, 20.0, 0.0, 5.0, 21.4336),
        ] {
            let ge = grant_element(r, m, g, disc).unwrap();
            assert!((ge - published).abs() < 0.00005, "{r} {m} {g} {disc}: {ge}");
        }
    }

    #[test]
    fn bounds_and_extremes() {
        // Interest-free with long grace is nearly a grant; a high rate clamps to 0.
        assert!(grant_element(0.0, 40.0, 40.0, 10.0).unwrap() > 95.0);
        assert_eq!(grant_element(25.0, 10.0, 2.0, 5.0).unwrap(), 0.0);
        // A bullet loan at the discount rate's equivalent is worth about nothing.
        let ge = grant_element(10.0, 10.0, 10.0, 10.25).unwrap();
        assert!(ge.abs() < 1e-9, "{ge}");
        for (r, m, g, d) in [
            (-1.0, 10.0, 1.0, 10.0),
            (2.0, 0.0, 0.0, 10.0),
            (2.0, 10.0, 11.0, 10.0),
            (2.0, 10.0, -1.0, 10.0),
            (2.0, 10.0, 1.0, 0.0),
            (f64::NAN, 10.0, 1.0, 10.0),
            (2.0, f64::INFINITY, 1.0, 10.0),
        ] {
            assert!(
                matches!(grant_element(r, m, g, d), Err(GrantError::Invalid(_))),
                "{r} {m} {g} {d}"
            );
        }
    }

    #[test]
    fn income_groups() {
        assert_eq!(
            IncomeGroup::parse("Upper middle income"),
            Some(IncomeGroup::Umic)
        );
        assert_eq!(
            IncomeGroup::parse("Lower Middle Income"),
            Some(IncomeGroup::Lmic)
        );
        assert_eq!(IncomeGroup::parse("UMIC"), Some(IncomeGroup::Umic));
        assert_eq!(IncomeGroup::parse("Low income"), Some(IncomeGroup::Lic));
        assert_eq!(
            IncomeGroup::parse("Least developed countries"),
            Some(IncomeGroup::Ldc)
        );
        assert_eq!(IncomeGroup::parse("High Income"), Some(IncomeGroup::High));
        assert_eq!(IncomeGroup::parse(""), None);
        assert_eq!(IncomeGroup::parse("middling"), None);
        assert_eq!(
            IncomeGroup::Ldc.grant_equivalent_discount_percent(),
            Some(9.0)
        );
        assert_eq!(IncomeGroup::High.grant_equivalent_discount_percent(), None);
    }

    #[test]
    fn from_terms_with_notes() {
        let rates = ReferenceRates::embedded();
        let terms = LoanTerms {
            interest: Some(InterestRate::fixed(2.0)),
            maturity_years: Some(20.0),
            ..Default::default()
        };
        let c = grant_elements(&terms, None, rates).unwrap();
        assert!((c.values.oecd_cash_flow.unwrap() - 43.7458).abs() < 0.00005);
        assert_eq!(c.values.oecd_grant_equivalent, None);
        assert!(c.notes.contains(&GrantNote::GraceBlankTakenAsZero));
        assert!(c.notes.contains(&GrantNote::NoIncomeGroup));

        let none = LoanTerms::default();
        assert_eq!(
            grant_elements(&none, None, rates),
            Err(GrantError::MissingInterest)
        );
        let no_maturity = LoanTerms {
            interest: Some(InterestRate::fixed(2.0)),
            ..Default::default()
        };
        assert_eq!(
            grant_elements(&no_maturity, None, rates),
            Err(GrantError::MissingMaturity)
        );

        // A variable rate is valued at commitment: LIBOR 2016 average + margin.
        let libor = LoanTerms {
            interest: Some(InterestRate::Variable {
                reference: ReferenceRate::UsdLibor,
                tenor_months: Some(6),
                margin_percent: 3.1,
            }),
            commitment_year: Some(2016),
            maturity_years: Some(15.0),
            grace_years: Some(3.0),
            ..Default::default()
        };
        let c = grant_elements(&libor, Some(IncomeGroup::Umic), rates).unwrap();
        assert!((c.inputs.interest_percent - (1.06 + 3.1)).abs() < 1e-12);
        assert!(matches!(
            c.notes[0],
            GrantNote::VariableRateAtCommitment { year: 2016, .. }
        ));
        assert!(c.values.oecd_grant_equivalent.is_some());
        let shibor = LoanTerms {
            interest: Some(InterestRate::Variable {
                reference: ReferenceRate::Shibor,
                tenor_months: None,
                margin_percent: 1.0,
            }),
            ..libor
        };
        assert_eq!(
            grant_elements(&shibor, None, rates),
            Err(GrantError::NoReferenceRate("SHIBOR".into()))
        );
    }
}
