//! Debt-service schedules: from a loan's terms to dated principal and interest, per
//! payment date and per calendar year, in the loan's currency and in nominal US dollars.
//!
//! How a schedule is built (every default is recorded as an [`Assumption`] on the
//! schedule; nothing is filled in silently):
//!
//! 1. **Commitment**: the commitment date; else 1 July of the commitment year.
//! 2. **Repayment window**: the first and last repayment dates when the record gives
//!    them; otherwise commitment + grace and commitment + maturity (years turned into
//!    whole calendar months, 21.75 years = 261 months). A missing grace is 0 (AidData's
//!    convention: the first repayment falls at commitment) unless the caller sets
//!    [`ScheduleOptions::default_grace_years`]. A missing maturity with no last
//!    repayment date is an error unless the caller sets
//!    [`ScheduleOptions::default_maturity_years`].
//! 3. **Repayments**: equal principal, semiannual, on the first repayment date and every
//!    six calendar months after it, and on the last repayment date, both ends included
//!    (a date less than 31 days before the last one is dropped, so AidData's dates, which
//!    count 365-day years, do not create a stray payment). N repayments of face value / N;
//!    the last absorbs the rounding so that principal sums exactly to the face value.
//! 4. **Disbursement**: [`Disbursement::Full`] (default) pays out the face value at
//!    commitment, the conservative view AidData's grant elements and the World Bank's
//!    IDS projections take; [`Disbursement::Linear`] pays it out in equal tranches at
//!    commitment and every six months after, up to the last half-year before the first
//!    repayment.
//! 5. **Interest**: on the outstanding (disbursed, not yet repaid) balance, accrued day by
//!    day at rate × days / 365 and paid on every repayment date and every six months
//!    before the first repayment, counting back from it. A fixed rate applies as stated.
//!    A variable rate is reset at the start of each interest period to the reference
//!    rate's annual average for that calendar year (see [`crate::rates`]) plus the
//!    margin; years past the table hold its last value. A missing rate follows
//!    [`MissingInterest`]: principal only by default, or a rate the caller names.
//! 6. **Fees** (kept apart from debt service): the management fee at commitment on the
//!    face value; the commitment fee, a year's percent on the undisbursed balance,
//!    accrued like interest; the insurance premium at commitment as a percent of
//!    principal plus all scheduled interest.
//! 7. **Events** ([`crate::events`]) change the repayments or the rate before interest
//!    is computed.
//! 8. **US dollars**: each calendar year's flows and year-end outstanding are divided by
//!    that year's average units per US dollar from `ruta_core::money` (table
//!    `ruta_core::money::RUTA_CONVERSION`, 2000–2025). Years after the table's last year
//!    use its last rate, years before its first use the first — the rate held constant,
//!    recorded as [`Assumption::FxHeldConstant`]; no exchange-rate forecast is made. A
//!    currency the table lacks gives no US-dollar figures ([`Assumption::FxUnavailable`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::events::{AppliedEvent, DebtChange, DebtEvent, DeferredRepayment};
use crate::rates::ReferenceRates;
use crate::terms::{InterestRate, LoanTerms, ReferenceRate};

/// A loan flow to schedule: its amount, who owes it to whom, and its terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loan {
    /// The flow's id in ruta (`gcdf-54912`, a registry slug …).
    pub id: String,
    /// Borrower's country, ISO 3166-1 alpha-3.
    pub country: Option<String>,
    /// Lender's name or id as the caller groups lenders ("China Eximbank").
    pub lender: Option<String>,
    /// Face value in units of `currency` (not thousands, not millions).
    pub face_value: f64,
    /// ISO 4217 code of the loan's currency.
    pub currency: String,
    /// The terms.
    pub terms: LoanTerms,
}

/// When the face value is paid out to the borrower.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disbursement {
    /// All at commitment (default).
    #[default]
    Full,
    /// Equal semiannual tranches over the grace period.
    Linear,
}

/// What to do when a loan's interest rate is unknown (no rate, or a reference rate with
/// no table value).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum MissingInterest {
    /// Schedule principal only; interest is 0 and the schedule says so (default).
    #[default]
    PrincipalOnly,
    /// Charge this annual percent, and say so.
    Assume { percent: f64 },
}

/// Choices a caller makes for every schedule.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleOptions<'a> {
    pub disbursement: Disbursement,
    pub missing_interest: MissingInterest,
    /// Maturity (years) to use when a loan states neither maturity nor last repayment
    /// date; None (default) makes such a loan an error.
    pub default_maturity_years: Option<f64>,
    /// Grace (years) to use when a loan states neither grace nor first repayment date;
    /// None (default) takes AidData's convention, a grace of 0.
    pub default_grace_years: Option<f64>,
    /// Reference rates for variable-rate loans.
    pub reference_rates: &'a ReferenceRates,
}

impl Default for ScheduleOptions<'static> {
    fn default() -> Self {
        ScheduleOptions {
            disbursement: Disbursement::Full,
            missing_interest: MissingInterest::PrincipalOnly,
            default_maturity_years: None,
            default_grace_years: None,
            reference_rates: ReferenceRates::embedded(),
        }
    }
}

/// A default a schedule had to take, in words by [`Assumption::describe`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "assumption", rename_all = "snake_case")]
pub enum Assumption {
    /// No commitment date: 1 July of the commitment year.
    CommitmentMidYear { year: i32 },
    /// No commitment date or year: first repayment date minus grace.
    CommitmentFromFirstRepayment,
    /// No grace and no first repayment date: grace 0, first repayment at commitment.
    GraceZero,
    /// No grace and no first repayment date: the caller's default.
    GraceDefault { years: f64 },
    /// No maturity and no last repayment date: the caller's default.
    MaturityDefault { years: f64 },
    /// No usable interest rate: principal only.
    InterestMissing,
    /// No usable interest rate: the caller's rate.
    InterestAssumed { percent: f64 },
    /// A variable rate valued from a reference-rate table.
    ReferenceRateTable {
        reference: ReferenceRate,
        table: String,
    },
    /// Years outside the reference-rate table took the value of `value_year`.
    ReferenceRateHeld {
        reference: ReferenceRate,
        value_year: i32,
        from_year: i32,
        to_year: i32,
    },
    /// The reference rate is not in the table.
    ReferenceRateUnknown { reference: ReferenceRate },
    /// Disbursed in full at commitment.
    DisbursedAtCommitment,
    /// Disbursed in equal semiannual tranches before the first repayment.
    DisbursedLinearly { tranches: usize },
    /// Linear disbursement asked for, but grace is shorter than a half-year.
    LinearWithoutGrace,
    /// Years outside the exchange-rate table converted at `rate_year`'s rate.
    FxHeldConstant {
        currency: String,
        rate_year: i32,
        from_year: i32,
        to_year: i32,
    },
    /// No exchange rate for the currency: no US-dollar figures.
    FxUnavailable { currency: String },
}

impl Assumption {
    /// The assumption in one English sentence.
    pub fn describe(&self) -> String {
        match self {
            Assumption::CommitmentMidYear { year } => {
                format!("commitment date unknown: taken as 1 July {year}")
            }
            Assumption::CommitmentFromFirstRepayment => {
                "commitment date unknown: first repayment date minus grace".into()
            }
            Assumption::GraceZero => {
                "grace period unknown: taken as 0, first repayment at commitment (AidData's convention)".into()
            }
            Assumption::GraceDefault { years } => {
                format!("grace period unknown: taken as {years} years")
            }
            Assumption::MaturityDefault { years } => {
                format!("maturity unknown: taken as {years} years")
            }
            Assumption::InterestMissing => {
                "interest rate unknown: principal only, interest left out".into()
            }
            Assumption::InterestAssumed { percent } => {
                format!("interest rate unknown: taken as {percent} % a year")
            }
            Assumption::ReferenceRateTable { reference, table } => format!(
                "variable rate: {} valued at an approximate annual average ({table}: rounded figures compiled for ruta, not official fixings) for the year each interest period starts, plus the margin",
                reference.name()
            ),
            Assumption::ReferenceRateHeld {
                reference,
                value_year,
                from_year,
                to_year,
            } => format!(
                "{} for {from_year}–{to_year} held at its {value_year} value",
                reference.name()
            ),
            Assumption::ReferenceRateUnknown { reference } => format!(
                "no value for reference rate {}: rate treated as unknown",
                reference.name()
            ),
            Assumption::DisbursedAtCommitment => "disbursed in full at commitment".into(),
            Assumption::DisbursedLinearly { tranches } => format!(
                "disbursed in {tranches} equal semiannual tranches before the first repayment"
            ),
            Assumption::LinearWithoutGrace => {
                "linear disbursement asked for, but grace is under six months: disbursed in full at commitment".into()
            }
            Assumption::FxHeldConstant {
                currency,
                rate_year,
                from_year,
                to_year,
            } => format!(
                "{currency} for {from_year}–{to_year} converted at the {rate_year} average rate (held constant)"
            ),
            Assumption::FxUnavailable { currency } => {
                format!("no exchange rate for {currency}: no US-dollar figures")
            }
        }
    }
}

/// Why a loan cannot be scheduled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    /// A term the schedule cannot do without.
    #[error("loan {loan}: not enough terms: {missing}")]
    MissingTerm { loan: String, missing: String },
    /// Terms that contradict each other or are out of range.
    #[error("loan {loan}: {reason}")]
    Invalid { loan: String, reason: String },
}

/// Flows in nominal US dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct UsdFlows {
    pub disbursed: f64,
    pub principal: f64,
    pub interest: f64,
    pub fees: f64,
    pub outstanding: f64,
}

/// One dated row: a repayment, an interest date or a disbursement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    pub date: NaiveDate,
    /// Paid out to the borrower on this date, loan currency.
    pub disbursed: f64,
    /// Principal repaid, loan currency.
    pub principal: f64,
    /// Interest paid (accrued since the previous interest date), loan currency.
    pub interest: f64,
    /// Fees paid, loan currency (not debt service).
    pub fees: f64,
    /// Outstanding after this date's flows, loan currency.
    pub outstanding: f64,
    /// Annual rate in force for the period ending here, percent.
    pub rate_percent: f64,
    /// The same in nominal US dollars at this calendar year's rate; None without a rate.
    pub usd: Option<UsdFlows>,
}

/// One calendar year's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    pub year: i32,
    pub disbursed: f64,
    pub principal: f64,
    pub interest: f64,
    pub fees: f64,
    /// Outstanding on 31 December, loan currency.
    pub outstanding_end: f64,
    /// Units of the loan currency per US dollar used for this year (1 for USD).
    pub units_per_usd: Option<f64>,
    /// The same in nominal US dollars.
    pub usd: Option<UsdFlows>,
}

impl YearRow {
    /// Principal plus interest, loan currency.
    pub fn debt_service(&self) -> f64 {
        self.principal + self.interest
    }
}

/// A loan's debt-service schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub loan_id: String,
    pub country: Option<String>,
    pub lender: Option<String>,
    /// ISO 4217.
    pub currency: String,
    /// Loan currency.
    pub face_value: f64,
    pub commitment: NaiveDate,
    pub first_repayment: NaiveDate,
    pub last_repayment: NaiveDate,
    pub disbursement: Disbursement,
    /// Dated rows, in date order.
    pub payments: Vec<Payment>,
    /// Calendar years from the commitment year to the last payment's year, every year
    /// present (zeros included).
    pub years: Vec<YearRow>,
    /// Every default taken; its length is the count of assumptions.
    pub assumptions: Vec<Assumption>,
    /// Events applied, with their sources.
    pub events: Vec<AppliedEvent>,
    /// Conversion table behind the US-dollar figures.
    pub conversion: String,
}

impl Schedule {
    /// Principal over all rows, loan currency.
    pub fn total_principal(&self) -> f64 {
        self.payments.iter().map(|p| p.principal).sum()
    }
    /// Interest over all rows, loan currency.
    pub fn total_interest(&self) -> f64 {
        self.payments.iter().map(|p| p.interest).sum()
    }
}

#[derive(Debug, Clone)]
enum RateSpec {
    Fixed(f64),
    Variable {
        reference: ReferenceRate,
        margin: f64,
    },
    Unknown,
}

/// `date` plus `months` (negative allowed), day clamped to the month's end.
fn add_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    if months >= 0 {
        date.checked_add_months(m)
    } else {
        date.checked_sub_months(m)
    }
}

fn years_to_months(years: f64) -> i64 {
    (years * 12.0).round() as i64
}

/// Semiannual dates from `first` to `last`, both included (see module docs, step 3).
fn semiannual(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    let cutoff = last - chrono::Duration::days(31);
    let mut k = 0;
    while let Some(d) = add_months(first, 6 * k) {
        if d >= cutoff || d > last {
            break;
        }
        dates.push(d);
        k += 1;
    }
    dates.push(last);
    dates
}

/// Splits `amount` over `n` parts, the last absorbing the rounding.
fn equal_parts(amount: f64, dates: &[NaiveDate]) -> Vec<(NaiveDate, f64)> {
    let n = dates.len().max(1) as f64;
    let each = amount / n;
    let mut out: Vec<(NaiveDate, f64)> = dates.iter().map(|d| (*d, each)).collect();
    if let Some(last) = out.last_mut() {
        let before: f64 = each * (dates.len() as f64 - 1.0);
        last.1 = amount - before;
    }
    out
}

struct Plan {
    commitment: NaiveDate,
    first: NaiveDate,
    disbursements: Vec<(NaiveDate, f64)>,
    repayments: Vec<(NaiveDate, f64)>,
    rates: Vec<(NaiveDate, RateSpec)>,
}

/// Builds the schedule of `loan` with `events` applied in order (see module docs).
pub fn build_schedule(
    loan: &Loan,
    events: &[DebtEvent],
    opts: &ScheduleOptions<'_>,
) -> Result<Schedule, ScheduleError> {
    let invalid = |reason: &str| ScheduleError::Invalid {
        loan: loan.id.clone(),
        reason: reason.to_string(),
    };
    let missing = |what: &str| ScheduleError::MissingTerm {
        loan: loan.id.clone(),
        missing: what.to_string(),
    };
    if !loan.face_value.is_finite() || loan.face_value <= 0.0 {
        return Err(invalid("face value must be a positive number"));
    }
    let currency = loan.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid("currency is not an ISO 4217 code"));
    }
    let t = &loan.terms;
    for (name, v) in [
        ("maturity", t.maturity_years),
        ("grace", t.grace_years),
        ("management fee", t.fees.management_percent),
        ("commitment fee", t.fees.commitment_percent),
        ("insurance fee", t.fees.insurance_percent),
    ] {
        if let Some(v) = v
            && (!v.is_finite() || !(0.0..=100.0).contains(&v))
        {
            return Err(invalid(&format!("{name} out of range: {v}")));
        }
    }
    let mut assumptions = Vec::new();

    // 1. Commitment.
    let commitment = match (t.commitment_date, t.commitment_year, t.first_repayment) {
        (Some(d), _, _) => d,
        (None, Some(y), _) => {
            assumptions.push(Assumption::CommitmentMidYear { year: y });
            NaiveDate::from_ymd_opt(y, 7, 1)
                .ok_or_else(|| invalid("commitment year out of range"))?
        }
        (None, None, Some(f)) if t.grace_years.is_some() => {
            assumptions.push(Assumption::CommitmentFromFirstRepayment);
            add_months(f, -years_to_months(t.grace_years.unwrap_or(0.0)))
                .ok_or_else(|| invalid("date out of range"))?
        }
        _ => return Err(missing("commitment date or year")),
    };

    // 2. Repayment window.
    let first = match (t.first_repayment, t.grace_years) {
        (Some(f), _) => f,
        (None, Some(g)) => add_months(commitment, years_to_months(g))
            .ok_or_else(|| invalid("date out of range"))?,
        (None, None) => match opts.default_grace_years {
            Some(g) if g.is_finite() && (0.0..=100.0).contains(&g) => {
                assumptions.push(Assumption::GraceDefault { years: g });
                add_months(commitment, years_to_months(g))
                    .ok_or_else(|| invalid("date out of range"))?
            }
            _ => {
                assumptions.push(Assumption::GraceZero);
                commitment
            }
        },
    };
    let last = match (
        t.last_repayment,
        t.maturity_years,
        opts.default_maturity_years,
    ) {
        (Some(l), _, _) => l,
        (None, Some(m), _) => add_months(commitment, years_to_months(m))
            .ok_or_else(|| invalid("date out of range"))?,
        (None, None, Some(m)) if m.is_finite() && (0.0..=100.0).contains(&m) => {
            assumptions.push(Assumption::MaturityDefault { years: m });
            add_months(commitment, years_to_months(m))
                .ok_or_else(|| invalid("date out of range"))?
        }
        _ => return Err(missing("maturity or last repayment date")),
    };
    if first < commitment {
        return Err(invalid("first repayment before commitment"));
    }
    if last < first {
        return Err(invalid(
            "last repayment before first repayment (grace longer than maturity)",
        ));
    }

    // 3. Repayments.
    let repayments = equal_parts(loan.face_value, &semiannual(first, last));

    // 4. Disbursement.
    let disbursements = match opts.disbursement {
        Disbursement::Full => {
            assumptions.push(Assumption::DisbursedAtCommitment);
            vec![(commitment, loan.face_value)]
        }
        Disbursement::Linear => {
            let mut dates = Vec::new();
            let mut k = 0;
            while let Some(d) = add_months(commitment, 6 * k) {
                if d >= first {
                    break;
                }
                dates.push(d);
                k += 1;
            }
            if dates.is_empty() {
                dates.push(commitment);
            }
            if dates.len() <= 1 {
                assumptions.push(Assumption::LinearWithoutGrace);
            } else {
                assumptions.push(Assumption::DisbursedLinearly {
                    tranches: dates.len(),
                });
            }
            equal_parts(loan.face_value, &dates)
        }
    };

    // 5. Interest rate as stated.
    let initial = match &t.interest {
        Some(InterestRate::Fixed { percent }) => {
            if !percent.is_finite() || !(0.0..=100.0).contains(percent) {
                return Err(invalid("interest rate out of range"));
            }
            RateSpec::Fixed(*percent)
        }
        Some(InterestRate::Variable {
            reference,
            margin_percent,
            ..
        }) => {
            if !margin_percent.is_finite() || !(-10.0..=50.0).contains(margin_percent) {
                return Err(invalid("margin over the reference rate out of range"));
            }
            RateSpec::Variable {
                reference: reference.clone(),
                margin: *margin_percent,
            }
        }
        None => RateSpec::Unknown,
    };
    let mut plan = Plan {
        commitment,
        first,
        disbursements,
        repayments,
        rates: vec![(commitment, initial)],
    };

    // 7. Events.
    let mut applied = Vec::new();
    for e in events {
        applied.push(apply_event(&mut plan, e).map_err(|r| invalid(&r))?);
    }

    let mut sched = simulate(loan, &currency, &plan, opts, &mut assumptions);
    sched.events = applied;
    sched.assumptions = assumptions;
    Ok(sched)
}

fn apply_event(plan: &mut Plan, e: &DebtEvent) -> Result<AppliedEvent, String> {
    match &e.change {
        DebtChange::PrincipalDeferral {
            from,
            to,
            repayment,
        } => {
            if to < from {
                return Err(format!(
                    "event from {}: deferral ends before it starts",
                    e.source
                ));
            }
            let in_window = |d: &NaiveDate| d >= from && d <= to;
            let moved: f64 = plan
                .repayments
                .iter()
                .filter(|(d, _)| in_window(d))
                .map(|(_, a)| a)
                .sum();
            let description;
            match repayment {
                DeferredRepayment::ShiftSchedule => {
                    let end = *to + chrono::Duration::days(1);
                    let months = i64::from(
                        (end.year() - from.year()) * 12 + end.month() as i32 - from.month() as i32,
                    )
                    .max(1);
                    let shift = (months + 5) / 6 * 6;
                    for (d, _) in plan.repayments.iter_mut().filter(|(d, _)| d >= from) {
                        *d = add_months(*d, shift).ok_or("date out of range")?;
                    }
                    description = format!(
                        "principal due {from} to {to} deferred; every later repayment moved {shift} months"
                    );
                }
                DeferredRepayment::SpreadOverRemaining => {
                    plan.repayments.retain(|(d, _)| !in_window(d));
                    let after = plan.repayments.iter().filter(|(d, _)| d > to).count();
                    if after == 0 {
                        let mut d = *to;
                        // The first half-year step after the window, from its last payment.
                        let base = plan
                            .repayments
                            .last()
                            .map(|(d, _)| *d)
                            .unwrap_or(plan.first);
                        let mut k = 1;
                        while d <= *to {
                            d = add_months(base, 6 * k).ok_or("date out of range")?;
                            k += 1;
                        }
                        plan.repayments.push((d, moved));
                    } else {
                        let each = moved / after as f64;
                        for (_, a) in plan.repayments.iter_mut().filter(|(d, _)| d > to) {
                            *a += each;
                        }
                    }
                    description = format!(
                        "principal due {from} to {to} deferred and spread over the {} later repayments",
                        after.max(1)
                    );
                }
            }
            plan.repayments.sort_by_key(|(d, _)| *d);
            Ok(AppliedEvent {
                source: e.source.clone(),
                description,
                principal_moved: moved,
            })
        }
        DebtChange::Reprofile {
            from,
            first_repayment,
            last_repayment,
        } => {
            if last_repayment < first_repayment || first_repayment < from {
                return Err(format!(
                    "event from {}: new repayment dates out of order",
                    e.source
                ));
            }
            let remaining: f64 = plan
                .repayments
                .iter()
                .filter(|(d, _)| d >= from)
                .map(|(_, a)| a)
                .sum();
            plan.repayments.retain(|(d, _)| d < from);
            plan.repayments.extend(equal_parts(
                remaining,
                &semiannual(*first_repayment, *last_repayment),
            ));
            Ok(AppliedEvent {
                source: e.source.clone(),
                description: format!(
                    "owed from {from} rescheduled: equal semiannual repayments {first_repayment} to {last_repayment}"
                ),
                principal_moved: remaining,
            })
        }
        DebtChange::RateChange { from, rate } => {
            let spec = match rate {
                InterestRate::Fixed { percent } => {
                    if !percent.is_finite() || !(0.0..=100.0).contains(percent) {
                        return Err(format!("event from {}: rate out of range", e.source));
                    }
                    RateSpec::Fixed(*percent)
                }
                InterestRate::Variable {
                    reference,
                    margin_percent,
                    ..
                } => {
                    if !margin_percent.is_finite() || !(-10.0..=50.0).contains(margin_percent) {
                        return Err(format!("event from {}: margin out of range", e.source));
                    }
                    RateSpec::Variable {
                        reference: reference.clone(),
                        margin: *margin_percent,
                    }
                }
            };
            plan.rates.push((*from.max(&plan.commitment), spec));
            plan.rates.sort_by_key(|(d, _)| *d);
            Ok(AppliedEvent {
                source: e.source.clone(),
                description: format!("interest rate changed from {from}"),
                principal_moved: 0.0,
            })
        }
    }
}

/// Tracks what the rate lookups assumed, to report each once.
#[derive(Default)]
struct RateNotes {
    table_used: BTreeSet<ReferenceRate>,
    held: BTreeMap<(ReferenceRate, i32), (i32, i32)>,
    unknown: BTreeSet<ReferenceRate>,
    missing: bool,
}

fn rate_on(plan: &Plan, date: NaiveDate, opts: &ScheduleOptions<'_>, notes: &mut RateNotes) -> f64 {
    let spec = plan
        .rates
        .iter()
        .rev()
        .find(|(d, _)| *d <= date)
        .map(|(_, s)| s)
        .unwrap_or(&RateSpec::Unknown);
    let unknown = |notes: &mut RateNotes| {
        notes.missing = true;
        match opts.missing_interest {
            MissingInterest::PrincipalOnly => 0.0,
            MissingInterest::Assume { percent } => percent,
        }
    };
    match spec {
        RateSpec::Fixed(p) => *p,
        RateSpec::Unknown => unknown(notes),
        RateSpec::Variable { reference, margin } => {
            match opts.reference_rates.annual_percent(reference, date.year()) {
                Some(l) => {
                    notes.table_used.insert(reference.clone());
                    if let Some(y) = l.held_from {
                        let e = notes
                            .held
                            .entry((reference.clone(), y))
                            .or_insert((date.year(), date.year()));
                        e.0 = e.0.min(date.year());
                        e.1 = e.1.max(date.year());
                    }
                    (l.percent + margin).max(0.0)
                }
                None => {
                    notes.unknown.insert(reference.clone());
                    unknown(notes)
                }
            }
        }
    }
}

/// Units of `currency` per US dollar for `year`: the table's rate, or the nearest year's
/// (held constant), or None.
fn fx_for(currency: &str, year: i32) -> Option<(f64, i32)> {
    if currency == "USD" {
        return Some((1.0, year));
    }
    if let Some(r) = ruta_core::money::units_per_usd(currency, year) {
        return Some((r, year));
    }
    let (lo, hi) = ruta_core::money::fx_years();
    let y = year.clamp(lo, hi);
    ruta_core::money::units_per_usd(currency, y).map(|r| (r, y))
}

fn simulate(
    loan: &Loan,
    currency: &str,
    plan: &Plan,
    opts: &ScheduleOptions<'_>,
    assumptions: &mut Vec<Assumption>,
) -> Schedule {
    let t = &loan.terms;
    let last_repayment = plan
        .repayments
        .last()
        .map(|(d, _)| *d)
        .unwrap_or(plan.first);
    let first_repayment = plan
        .repayments
        .first()
        .map(|(d, _)| *d)
        .unwrap_or(plan.first);
    // Interest dates: every six months from the first repayment, back to commitment and
    // forward to the last repayment, plus the repayment dates themselves.
    let mut interest_dates: BTreeSet<NaiveDate> = plan.repayments.iter().map(|(d, _)| *d).collect();
    let mut k = 1;
    while let Some(d) = add_months(plan.first, -6 * k) {
        if d <= plan.commitment {
            break;
        }
        interest_dates.insert(d);
        k += 1;
    }
    let mut k = 0;
    while let Some(d) = add_months(plan.first, 6 * k) {
        if d > last_repayment {
            break;
        }
        interest_dates.insert(d);
        k += 1;
    }
    let rate_dates: BTreeSet<NaiveDate> = plan.rates.iter().map(|(d, _)| *d).collect();
    let mut points: BTreeSet<NaiveDate> = interest_dates.clone();
    points.extend(plan.disbursements.iter().map(|(d, _)| *d));
    points.extend(rate_dates.iter().copied());
    points.insert(plan.commitment);

    let mut notes = RateNotes::default();
    let mut rate = rate_on(plan, plan.commitment, opts, &mut notes);
    let mgmt = t.fees.management_percent.unwrap_or(0.0) / 100.0;
    let commit_fee = t.fees.commitment_percent.unwrap_or(0.0) / 100.0;
    let mut outstanding = 0.0_f64;
    let mut undisbursed = loan.face_value;
    let mut accrued = 0.0;
    let mut accrued_fee = 0.0;
    let mut last = plan.commitment;
    let mut rows: Vec<Payment> = Vec::new();
    let sum_on = |v: &[(NaiveDate, f64)], d: NaiveDate| -> f64 {
        v.iter().filter(|(x, _)| *x == d).map(|(_, a)| a).sum()
    };
    for &p in &points {
        let days = (p - last).num_days() as f64;
        accrued += outstanding * rate / 100.0 * days / 365.0;
        accrued_fee += undisbursed * commit_fee * days / 365.0;
        let period_rate = rate;
        last = p;
        let disbursed = sum_on(&plan.disbursements, p);
        let principal = sum_on(&plan.repayments, p).min(outstanding + disbursed);
        outstanding += disbursed - principal;
        undisbursed = (undisbursed - disbursed).max(0.0);
        if outstanding.abs() < loan.face_value * 1e-12 {
            outstanding = 0.0;
        }
        let mut fees = 0.0;
        if p == plan.commitment {
            fees += mgmt * loan.face_value;
        }
        let mut interest = 0.0;
        if interest_dates.contains(&p) || p >= last_repayment {
            interest = accrued;
            accrued = 0.0;
            fees += accrued_fee;
            accrued_fee = 0.0;
        }
        if (interest_dates.contains(&p) && p < last_repayment)
            || rate_dates.contains(&p)
            || p == plan.commitment
        {
            rate = rate_on(plan, p, opts, &mut notes);
        }
        if disbursed != 0.0
            || principal != 0.0
            || interest != 0.0
            || fees != 0.0
            || interest_dates.contains(&p)
        {
            rows.push(Payment {
                date: p,
                disbursed,
                principal,
                interest,
                fees,
                outstanding,
                rate_percent: period_rate,
                usd: None,
            });
        }
    }
    // Insurance premium: percent of principal plus all scheduled interest, at commitment.
    if let Some(ins) = t.fees.insurance_percent {
        let service: f64 = rows.iter().map(|r| r.principal + r.interest).sum();
        if let Some(r) = rows.first_mut() {
            r.fees += ins / 100.0 * service;
        }
    }

    // Rate assumptions, each once.
    if notes.missing {
        assumptions.push(match opts.missing_interest {
            MissingInterest::PrincipalOnly => Assumption::InterestMissing,
            MissingInterest::Assume { percent } => Assumption::InterestAssumed { percent },
        });
    }
    for r in notes.unknown {
        assumptions.push(Assumption::ReferenceRateUnknown { reference: r });
    }
    for r in notes.table_used {
        assumptions.push(Assumption::ReferenceRateTable {
            reference: r,
            table: opts.reference_rates.name().to_string(),
        });
    }
    for ((r, y), (from, to)) in notes.held {
        assumptions.push(Assumption::ReferenceRateHeld {
            reference: r,
            value_year: y,
            from_year: from,
            to_year: to,
        });
    }

    // Calendar years and US dollars.
    let y0 = plan.commitment.year();
    let y1 = rows.last().map(|r| r.date.year()).unwrap_or(y0).max(y0);
    let mut years = Vec::new();
    let mut held: BTreeMap<i32, (i32, i32)> = BTreeMap::new();
    let mut fx_missing = false;
    let mut end_outstanding = 0.0;
    for y in y0..=y1 {
        let in_year = rows.iter().filter(|r| r.date.year() == y);
        let mut row = YearRow {
            year: y,
            disbursed: 0.0,
            principal: 0.0,
            interest: 0.0,
            fees: 0.0,
            outstanding_end: 0.0,
            units_per_usd: None,
            usd: None,
        };
        for r in in_year {
            row.disbursed += r.disbursed;
            row.principal += r.principal;
            row.interest += r.interest;
            row.fees += r.fees;
            end_outstanding = r.outstanding;
        }
        row.outstanding_end = end_outstanding;
        match fx_for(currency, y) {
            Some((rate, used)) => {
                if used != y {
                    let e = held.entry(used).or_insert((y, y));
                    e.0 = e.0.min(y);
                    e.1 = e.1.max(y);
                }
                row.units_per_usd = Some(rate);
                row.usd = Some(UsdFlows {
                    disbursed: row.disbursed / rate,
                    principal: row.principal / rate,
                    interest: row.interest / rate,
                    fees: row.fees / rate,
                    outstanding: row.outstanding_end / rate,
                });
            }
            None => fx_missing = true,
        }
        years.push(row);
    }
    for r in &mut rows {
        if let Some(rate) = years
            .iter()
            .find(|y| y.year == r.date.year())
            .and_then(|y| y.units_per_usd)
        {
            r.usd = Some(UsdFlows {
                disbursed: r.disbursed / rate,
                principal: r.principal / rate,
                interest: r.interest / rate,
                fees: r.fees / rate,
                outstanding: r.outstanding / rate,
            });
        }
    }
    for (used, (from, to)) in held {
        assumptions.push(Assumption::FxHeldConstant {
            currency: currency.to_string(),
            rate_year: used,
            from_year: from,
            to_year: to,
        });
    }
    if fx_missing {
        assumptions.push(Assumption::FxUnavailable {
            currency: currency.to_string(),
        });
    }

    Schedule {
        loan_id: loan.id.clone(),
        country: loan.country.clone(),
        lender: loan.lender.clone(),
        currency: currency.to_string(),
        face_value: loan.face_value,
        commitment: plan.commitment,
        first_repayment,
        last_repayment,
        disbursement: opts.disbursement,
        payments: rows,
        years,
        assumptions: Vec::new(),
        events: Vec::new(),
        conversion: if currency == "USD" {
            "none (US dollars)".to_string()
        } else {
            ruta_core::money::RUTA_CONVERSION.to_string()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn loan(terms: LoanTerms) -> Loan {
        Loan {
            id: "t-1".into(),
            country: Some("ECU".into()),
            lender: Some("China Development Bank".into()),
            face_value: 1_000_000.0,
            currency: "USD".into(),
            terms,
        }
    }

    fn fixed(rate: f64, commit: NaiveDate, maturity: f64, grace: Option<f64>) -> LoanTerms {
        LoanTerms {
            commitment_date: Some(commit),
            interest: Some(InterestRate::fixed(rate)),
            maturity_years: Some(maturity),
            grace_years: grace,
            ..Default::default()
        }
    }

    fn build(l: &Loan) -> Schedule {
        build_schedule(l, &[], &ScheduleOptions::default()).unwrap()
    }

    /// Interest on each date equals the outstanding balance of each day since the
    /// previous interest date × rate × days / 365.
    fn assert_interest_on_outstanding(s: &Schedule) {
        let mut prev_date = s.commitment;
        let mut balance = 0.0;
        let mut accrued = 0.0;
        for p in &s.payments {
            accrued +=
                balance * p.rate_percent / 100.0 * (p.date - prev_date).num_days() as f64 / 365.0;
            if p.interest != 0.0 {
                assert!(
                    (p.interest - accrued).abs() < 1e-6 * s.face_value,
                    "{}: interest {} vs {}",
                    p.date,
                    p.interest,
                    accrued
                );
                accrued = 0.0;
            }
            balance = p.outstanding;
            prev_date = p.date;
        }
    }

    #[test]
    fn equal_principal_from_terms_alone() {
        let s = build(&loan(fixed(2.0, date(2010, 6, 1), 15.0, Some(3.0))));
        assert_eq!(s.first_repayment, date(2013, 6, 1));
        assert_eq!(s.last_repayment, date(2025, 6, 1));
        let repayments: Vec<_> = s.payments.iter().filter(|p| p.principal > 0.0).collect();
        assert_eq!(repayments.len(), 25, "2013-06 to 2025-06, both ends");
        assert!(
            repayments
                .iter()
                .all(|p| (p.principal - 40_000.0).abs() < 1e-6)
        );
        assert!((s.total_principal() - 1_000_000.0).abs() < 1e-6);
        assert_eq!(s.payments.last().unwrap().outstanding, 0.0);
        assert_eq!(s.years.first().unwrap().year, 2010);
        assert_eq!(s.years.last().unwrap().year, 2025);
        assert_eq!(
            s.years.iter().find(|y| y.principal > 0.0).unwrap().year,
            2013
        );
        // Grace: interest only, on the full balance, twice a year.
        let y2011 = &s.years[1];
        assert_eq!(y2011.principal, 0.0);
        assert!(
            (y2011.interest - 20_000.0).abs() < 100.0,
            "{}",
            y2011.interest
        );
        assert_eq!(y2011.outstanding_end, 1_000_000.0);
        assert_interest_on_outstanding(&s);
        assert_eq!(s.assumptions, vec![Assumption::DisbursedAtCommitment]);
        let usd = s.years[1].usd.unwrap();
        assert_eq!(usd.interest, y2011.interest);
    }

    #[test]
    fn first_and_last_dates_win_over_years() {
        // Record 54912's dates: AidData counts 365-day years, so the last date is not on
        // the half-year grid; it is kept, and no stray payment is made.
        let mut t = fixed(2.0, date(2016, 12, 15), 21.75, Some(5.0));
        t.first_repayment = Some(date(2021, 12, 14));
        t.last_repayment = Some(date(2038, 9, 9));
        let mut l = loan(t);
        l.currency = "CNY".into();
        l.face_value = 600_000_000.0;
        let s = build(&l);
        let rep: Vec<_> = s.payments.iter().filter(|p| p.principal > 0.0).collect();
        assert_eq!(rep.first().unwrap().date, date(2021, 12, 14));
        assert_eq!(rep.last().unwrap().date, date(2038, 9, 9));
        assert_eq!(rep.len(), 35);
        assert!((s.total_principal() - 600_000_000.0).abs() < 1e-3);
        assert_interest_on_outstanding(&s);
        // CNY has rates to 2025; later years hold 2025's rate, and say so.
        assert!(s.assumptions.contains(&Assumption::FxHeldConstant {
            currency: "CNY".into(),
            rate_year: 2025,
            from_year: 2026,
            to_year: 2038,
        }));
        let y2017 = s.years.iter().find(|y| y.year == 2017).unwrap();
        let fx = ruta_core::money::units_per_usd("CNY", 2017).unwrap();
        assert_eq!(y2017.units_per_usd, Some(fx));
        assert!((y2017.usd.unwrap().interest - y2017.interest / fx).abs() < 1e-6);
    }

    #[test]
    fn missing_grace_maturity_and_interest_are_stated() {
        let s = build(&loan(fixed(2.0, date(2012, 2, 1), 20.0, None)));
        assert!(s.assumptions.contains(&Assumption::GraceZero));
        assert_eq!(s.first_repayment, date(2012, 2, 1));
        assert_eq!(s.payments.iter().filter(|p| p.principal > 0.0).count(), 41);

        let mut t = fixed(2.0, date(2012, 2, 1), 20.0, Some(5.0));
        t.maturity_years = None;
        let e = build_schedule(&loan(t.clone()), &[], &ScheduleOptions::default()).unwrap_err();
        assert!(matches!(e, ScheduleError::MissingTerm { .. }), "{e}");
        let opts = ScheduleOptions {
            default_maturity_years: Some(15.0),
            ..Default::default()
        };
        let s = build_schedule(&loan(t.clone()), &[], &opts).unwrap();
        assert!(
            s.assumptions
                .contains(&Assumption::MaturityDefault { years: 15.0 })
        );
        // A caller's default grace, when neither grace nor first repayment is stated.
        t.grace_years = None;
        let opts = ScheduleOptions {
            default_maturity_years: Some(15.0),
            default_grace_years: Some(3.0),
            ..Default::default()
        };
        let s = build_schedule(&loan(t), &[], &opts).unwrap();
        assert!(
            s.assumptions
                .contains(&Assumption::GraceDefault { years: 3.0 })
        );
        assert_eq!(s.first_repayment, date(2015, 2, 1));

        let mut t = fixed(2.0, date(2012, 2, 1), 10.0, Some(2.0));
        t.interest = None;
        t.commitment_date = None;
        t.commitment_year = Some(2012);
        let s = build(&loan(t.clone()));
        assert_eq!(s.total_interest(), 0.0);
        assert_eq!(s.commitment, date(2012, 7, 1));
        assert!(s.assumptions.contains(&Assumption::InterestMissing));
        assert!(
            s.assumptions
                .contains(&Assumption::CommitmentMidYear { year: 2012 })
        );
        let opts = ScheduleOptions {
            missing_interest: MissingInterest::Assume { percent: 6.0 },
            ..Default::default()
        };
        let s = build_schedule(&loan(t), &[], &opts).unwrap();
        assert!(s.total_interest() > 0.0);
        assert!(
            s.assumptions
                .contains(&Assumption::InterestAssumed { percent: 6.0 })
        );
        for a in &s.assumptions {
            assert!(!a.describe().is_empty());
        }
    }

    #[test]
    fn variable_rate_follows_the_reference_table() {
        let mut t = fixed(0.0, date(2015, 3, 1), 15.0, Some(3.0));
        t.interest = Some(InterestRate::Variable {
            reference: ReferenceRate::UsdLibor,
            tenor_months: Some(6),
            margin_percent: 3.0,
        });
        let s = build(&loan(t));
        let rate_in = |y: i32| {
            s.payments
                .iter()
                .find(|p| p.date.year() == y && p.interest > 0.0)
                .unwrap()
                .rate_percent
        };
        // The period ending in mid-2016 started in 2015 (LIBOR 0.48 + 3).
        assert!((rate_in(2015) - 3.48).abs() < 1e-9);
        assert!((rate_in(2020) - (3.0 + 2.32)).abs() < 1e-9, "reset in 2019");
        assert!(
            s.assumptions
                .iter()
                .any(|a| matches!(a, Assumption::ReferenceRateTable { .. }))
        );
        assert!(s.assumptions.iter().any(|a| matches!(
            a,
            Assumption::ReferenceRateHeld {
                value_year: 2025,
                from_year: 2026,
                to_year: 2029,
                ..
            }
        )));
        assert_interest_on_outstanding(&s);

        let mut t = fixed(0.0, date(2015, 3, 1), 10.0, Some(3.0));
        t.interest = Some(InterestRate::Variable {
            reference: ReferenceRate::Shibor,
            tenor_months: None,
            margin_percent: 1.0,
        });
        let s = build(&loan(t));
        assert!(s.assumptions.contains(&Assumption::ReferenceRateUnknown {
            reference: ReferenceRate::Shibor
        }));
        assert!(s.assumptions.contains(&Assumption::InterestMissing));
    }

    #[test]
    fn linear_disbursement_over_grace() {
        let t = fixed(4.0, date(2010, 1, 15), 15.0, Some(5.0));
        let full = build(&loan(t.clone()));
        let opts = ScheduleOptions {
            disbursement: Disbursement::Linear,
            ..Default::default()
        };
        let lin = build_schedule(&loan(t), &[], &opts).unwrap();
        assert!(
            lin.assumptions
                .contains(&Assumption::DisbursedLinearly { tranches: 10 })
        );
        let disbursed: Vec<_> = lin.payments.iter().filter(|p| p.disbursed > 0.0).collect();
        assert_eq!(disbursed.len(), 10);
        assert!(
            disbursed
                .iter()
                .all(|p| (p.disbursed - 100_000.0).abs() < 1e-6)
        );
        assert_eq!(disbursed.last().unwrap().date, date(2014, 7, 15));
        assert!((lin.total_principal() - 1_000_000.0).abs() < 1e-6);
        assert!(lin.total_interest() < full.total_interest());
        assert_eq!(lin.years[0].outstanding_end, 200_000.0);
        assert_interest_on_outstanding(&lin);

        let no_grace = fixed(4.0, date(2010, 1, 15), 15.0, Some(0.0));
        let s = build_schedule(&loan(no_grace), &[], &opts).unwrap();
        assert!(s.assumptions.contains(&Assumption::LinearWithoutGrace));
    }

    #[test]
    fn fees_are_kept_apart() {
        let mut t = fixed(2.0, date(2014, 1, 10), 10.0, Some(2.0));
        t.fees.management_percent = Some(1.0);
        t.fees.commitment_percent = Some(0.5);
        t.fees.insurance_percent = Some(7.0);
        let opts = ScheduleOptions {
            disbursement: Disbursement::Linear,
            ..Default::default()
        };
        let s = build_schedule(&loan(t), &[], &opts).unwrap();
        let service = s.total_principal() + s.total_interest();
        let first = &s.payments[0];
        assert!((first.fees - (10_000.0 + 0.07 * service)).abs() < 1e-6);
        let commitment_fees: f64 = s.payments[1..].iter().map(|p| p.fees).sum();
        // Undisbursed 750k, 500k, 250k for half a year each, at 0.5 % a year.
        assert!(
            (commitment_fees - 3_750.0).abs() < 30.0,
            "{commitment_fees}"
        );
    }

    #[test]
    fn foreign_currency_without_rates() {
        let mut l = loan(fixed(2.0, date(2014, 1, 10), 10.0, Some(2.0)));
        l.currency = "VES".into();
        let s = build(&l);
        assert!(s.years.iter().all(|y| y.usd.is_none()));
        assert!(s.assumptions.contains(&Assumption::FxUnavailable {
            currency: "VES".into()
        }));
    }

    #[test]
    fn deferral_shifts_the_schedule() {
        let t = fixed(3.0, date(2010, 1, 1), 20.0, Some(5.0));
        let before = build(&loan(t.clone()));
        let ev = DebtEvent {
            source: "news-2020-ecuador".into(),
            change: DebtChange::PrincipalDeferral {
                from: date(2020, 1, 1),
                to: date(2021, 12, 31),
                repayment: DeferredRepayment::ShiftSchedule,
            },
        };
        let s = build_schedule(&loan(t.clone()), &[ev], &ScheduleOptions::default()).unwrap();
        for y in [2020, 2021] {
            let row = s.years.iter().find(|r| r.year == y).unwrap();
            assert_eq!(row.principal, 0.0, "{y}");
            assert!(row.interest > 0.0);
        }
        assert_eq!(s.last_repayment, date(2032, 1, 1));
        assert_eq!(before.last_repayment, date(2030, 1, 1));
        assert!((s.total_principal() - 1_000_000.0).abs() < 1e-6);
        assert!(s.total_interest() > before.total_interest());
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.events[0].source, "news-2020-ecuador");
        assert!((s.events[0].principal_moved - 4.0 * 1_000_000.0 / 31.0).abs() < 1e-6);
        assert_interest_on_outstanding(&s);

        let spread = DebtEvent {
            source: "s".into(),
            change: DebtChange::PrincipalDeferral {
                from: date(2020, 1, 1),
                to: date(2021, 12, 31),
                repayment: DeferredRepayment::SpreadOverRemaining,
            },
        };
        let s = build_schedule(&loan(t.clone()), &[spread], &ScheduleOptions::default()).unwrap();
        assert_eq!(s.last_repayment, date(2030, 1, 1));
        assert_eq!(
            s.years.iter().find(|r| r.year == 2021).unwrap().principal,
            0.0
        );
        assert!((s.total_principal() - 1_000_000.0).abs() < 1e-6);

        let bad = DebtEvent {
            source: "x".into(),
            change: DebtChange::PrincipalDeferral {
                from: date(2021, 1, 1),
                to: date(2020, 1, 1),
                repayment: DeferredRepayment::ShiftSchedule,
            },
        };
        assert!(build_schedule(&loan(t), &[bad], &ScheduleOptions::default()).is_err());
    }

    #[test]
    fn reprofile_and_rate_change() {
        let t = fixed(6.0, date(2010, 1, 1), 10.0, Some(2.0));
        let events = [
            DebtEvent {
                source: "gcdf-rescheduling".into(),
                change: DebtChange::Reprofile {
                    from: date(2016, 1, 1),
                    first_repayment: date(2018, 1, 1),
                    last_repayment: date(2027, 7, 1),
                },
            },
            DebtEvent {
                source: "gcdf-rescheduling".into(),
                change: DebtChange::RateChange {
                    from: date(2016, 1, 1),
                    rate: InterestRate::fixed(3.0),
                },
            },
        ];
        let s = build_schedule(&loan(t), &events, &ScheduleOptions::default()).unwrap();
        assert_eq!(s.last_repayment, date(2027, 7, 1));
        assert!((s.total_principal() - 1_000_000.0).abs() < 1e-6);
        assert_eq!(
            s.years.iter().find(|r| r.year == 2017).unwrap().principal,
            0.0
        );
        let late = s
            .payments
            .iter()
            .find(|p| p.date == date(2020, 1, 1))
            .unwrap();
        assert_eq!(late.rate_percent, 3.0);
        assert_interest_on_outstanding(&s);
        assert_eq!(s.events.len(), 2);
    }

    #[test]
    fn bad_terms_are_errors_not_panics() {
        let ok = fixed(2.0, date(2010, 1, 1), 10.0, Some(2.0));
        let mut cases = Vec::new();
        for fv in [f64::NAN, -1.0, 0.0, f64::INFINITY] {
            let mut l = loan(ok.clone());
            l.face_value = fv;
            cases.push(l);
        }
        let mut l = loan(ok.clone());
        l.currency = "dollars".into();
        cases.push(l);
        cases.push(loan(fixed(2.0, date(2010, 1, 1), 5.0, Some(8.0))));
        cases.push(loan(fixed(-2.0, date(2010, 1, 1), 5.0, Some(1.0))));
        cases.push(loan(fixed(2.0, date(2010, 1, 1), f64::NAN, Some(1.0))));
        cases.push(loan(fixed(2.0, date(2010, 1, 1), 1e9, Some(1.0))));
        let mut t = ok.clone();
        t.commitment_date = None;
        cases.push(loan(t));
        let mut t = ok.clone();
        t.first_repayment = Some(date(2000, 1, 1));
        cases.push(loan(t));
        let mut t = ok;
        t.commitment_date = Some(NaiveDate::MAX);
        cases.push(loan(t));
        for l in cases {
            assert!(
                build_schedule(&l, &[], &ScheduleOptions::default()).is_err(),
                "{l:?}"
            );
        }
    }
}
