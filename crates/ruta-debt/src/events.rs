//! Reschedulings, deferrals and rate changes that sources report, as events applied to a
//! schedule.
//!
//! An event changes the *plan* a schedule is computed from — the dated principal
//! repayments and the interest rate in force — and interest is then recomputed on the
//! new outstanding balance. Each event carries the key of the source that reported it
//! (`source`: a ruta source id, a dataset record such as `gcdf-92607`, an article URL),
//! and each schedule lists the events it applied with that key.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::terms::InterestRate;

/// One reported change to a loan's repayment terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebtEvent {
    /// Key of the source that reports the event.
    pub source: String,
    /// What changed.
    pub change: DebtChange,
}

/// What a [`DebtEvent`] changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DebtChange {
    /// Principal falling due from `from` to `to` (both included) is not paid then;
    /// `repayment` says when it is paid instead. Interest keeps running on the
    /// outstanding balance, which the deferral keeps higher.
    PrincipalDeferral {
        from: NaiveDate,
        to: NaiveDate,
        repayment: DeferredRepayment,
    },
    /// Everything still owed at `from` is repaid in equal semiannual instalments from
    /// `first_repayment` to `last_repayment` (a rescheduling with new maturity).
    Reprofile {
        from: NaiveDate,
        first_repayment: NaiveDate,
        last_repayment: NaiveDate,
    },
    /// From `from` on, interest is charged at `rate`.
    RateChange { from: NaiveDate, rate: InterestRate },
}

/// How deferred principal comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeferredRepayment {
    /// Every repayment from `from` on moves later by the deferral's length, rounded up
    /// to whole half-years (a 2020–2021 deferral moves the rest of the schedule, and
    /// the final maturity, two years later).
    ShiftSchedule,
    /// The deferred amounts are spread equally over the repayments after `to`; the
    /// final maturity does not move.
    SpreadOverRemaining,
}

/// An event as a schedule applied it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedEvent {
    /// Key of the source that reported it.
    pub source: String,
    /// What was done, in words.
    pub description: String,
    /// Principal moved to other dates, in the loan's currency.
    pub principal_moved: f64,
}
