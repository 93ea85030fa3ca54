//! ruta-debt: the arithmetic that turns Chinese loans to Latin America into debt — what
//! a loan's terms say, how concessional it is, what falls due when, and how that
//! compares with what the World Bank says was paid.
//!
//! **For:** loan terms as a type and the parsers for the ways sources write them
//! ([`terms`], [`gcdf`]); grant elements by AidData's three methods ([`grant`]);
//! debt-service schedules with every assumption listed ([`schedule`]) and the
//! reschedulings applied to them ([`events`]); sums by country, year and lender and
//! shares of GDP ([`aggregate`]); readers for World Bank GDP ([`gdp`]) and International
//! Debt Statistics ([`ids`]) tables.
//!
//! **Not for:** storing anything (no SQLite: the store keeps terms as claims and calls
//! this crate), importing rows into the store (`ruta-ingest`), command lines or HTTP
//! (`ruta-cli`, `ruta-server`), fetching data, forecasting exchange or interest rates, or
//! judging debt sustainability. It does no I/O besides the readers, which take any
//! `std::io::Read` and a name to put in their errors; its reference data is embedded.
//!
//! # Units
//!
//! Rates, margins, fees and grant elements are **percent** (2.0 = 2 %), never fractions.
//! Maturity and grace are **years**; maturity includes grace, and grace runs from
//! commitment to the first principal repayment (AidData's definitions). Amounts are in
//! units of their currency (not millions); "USD" figures are **nominal** US dollars of
//! the year they fall in, never constant dollars. GDP shares are percent of that year's
//! nominal GDP.
//!
//! # Formulas and their sources
//!
//! **Grant element** ([`grant`]; AidData GCDF 3.0 field definitions, "Grant Element"
//! fields and "OECD ODA Concessionality Threshold"): with annual rate r, maturity M and
//! grace G in years, annual discount rate D, per-half-year discount d = (1 + D)^(1/2) − 1,
//! per-half-year interest i = r / 2, v = 1/(1 + d), g = 2G, m = 2M, n = m − g and
//! N = n + 1 equal repayments at half-years g, …, m:
//!
//! ```text
//! PV = v^g (1 − v^(n+1)) / (N (1 − v))
//!    + i [ v (1 − v^m) / (1 − v) − v^(g+1) (1 − (n+1) v^n + n v^(n+1)) / (N (1 − v)²) ]
//! GE = clamp(100 (1 − PV), 0, 100)
//! ```
//!
//! D is 10 % (OECD cash-flow), 9/7/6 % for LDC-LIC/LMIC/UMIC recipients (OECD
//! grant-equivalent; the income group is an input, as AidData records it per loan), and
//! 5 % (IMF). A blank grace is 0. These conventions reproduce every grant element
//! AidData publishes in the shared GCDF 3.0 rows to 0.0001; the 2017 GCOF 1.0 values,
//! partly taken from sources and computed with an older calculator, sit 0.5–1.8 points
//! higher on the LAC rows and are not reproduced.
//!
//! **Schedule** ([`schedule`]): principal P repaid in N equal parts on the first
//! repayment date and every six months to the last repayment date (both included);
//! disbursement in full at commitment, or in equal semiannual tranches over grace.
//! Interest paid on each date is Σ B_t × r_t / 100 × days_t / 365 over the days since the
//! previous interest date, B the outstanding (disbursed minus repaid) balance and r_t
//! the annual rate in force: fixed as stated, or for a variable rate the reference rate's
//! annual average in the year the interest period starts plus the margin ([`rates`]:
//! an embedded table, `ruta-refrates`, of 6-month USD LIBOR — from 2023 its fallback,
//! 6-month term SOFR + 0.42826 — SOFR and 6-month EURIBOR, with publishers named; years
//! beyond it hold its last value). Fees are kept apart from debt service. Each calendar
//! year's flows and year-end outstanding are converted to nominal US dollars at that
//! year's average rate from `ruta_core::money`; years beyond the exchange-rate table
//! (2000–2025) are converted at its last year's rate, held constant. Every default taken
//! — missing grace, maturity, interest, commitment day, held rates — is recorded on the
//! schedule as an [`schedule::Assumption`].
//!
//! **Aggregates** ([`aggregate`]): sums of the schedules' nominal-USD year rows by
//! country, year and lender; share of GDP = 100 × value / GDP of the same country and
//! year (World Bank NY.GDP.MKTP.CD, current US dollars; the 33 LAC states' series are
//! embedded as `wb-gdp-lac`, PDDL).
//!
//! **Reported** ([`ids`]): World Bank IDS principal (DT.AMT.BLAT.CD) and interest
//! (DT.INT.BLAT.CD) paid on public and publicly guaranteed debt to each bilateral
//! creditor, current US dollars; the latest years are the Bank's projections and are
//! flagged.

pub mod aggregate;
pub mod events;
pub mod gcdf;
pub mod gdp;
pub mod grant;
pub mod ids;
pub mod rates;
pub mod read;
pub mod schedule;
pub mod terms;

pub use events::{DebtChange, DebtEvent, DeferredRepayment};
pub use grant::{GrantElements, IncomeGroup, grant_element, grant_elements};
pub use read::ReadError;
pub use schedule::{
    Assumption, Disbursement, Loan, MissingInterest, Schedule, ScheduleOptions, build_schedule,
};
pub use terms::{Collateral, Commodity, Fees, InterestRate, LoanTerms, ReferenceRate};
