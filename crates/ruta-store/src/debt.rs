//! Loans as debt: their terms, grant elements, debt-service schedules, and what the
//! World Bank reports was paid.
//!
//! **Terms** are claims like every other field (`interest_rate`, `maturity_years`,
//! `grace_period_years`, `first_repayment_date`, `last_repayment_date`, fees,
//! `collateralized`, `collateral`, `income_group`, …). [`flow_terms`] shows what one
//! record's sources state, chosen by the display rule (`ruta_core::resolve`); a schedule
//! uses the terms of the loan's whole same-flow group (the display rule over the claims
//! of every record of the group, so a registry entry's or an article's terms fill what
//! the counted dataset row leaves blank). Rates are percent a year; maturity includes
//! grace (AidData's definitions).
//!
//! **Grant elements** are computed by `ruta_debt::grant` from the terms alone (OECD
//! cash-flow 10 %, OECD grant-equivalent 9/7/6 % by the recipient's income group, IMF
//! 5 %), rounded to four decimals as AidData publishes them; a dataset's own values stay
//! claims (`grant_element_oecd_cash_flow`, `grant_element_oecd_grant_equivalent`,
//! `grant_element_imf`) and are shown beside ruta's (`grant_element_stated`).
//!
//! **Schedules** ([`loans`], [`schedule_rows`]) cover counted loan flows (each dollar
//! once, as totals count it) by `ruta_debt::build_schedule`: equal principal,
//! semiannual, disbursed in full at commitment unless asked otherwise, every default
//! taken listed in words. A loan without enough terms (no maturity and no last
//! repayment date, no amount, no commitment year) is listed with what it lacks and
//! left out of the sums, unless the caller supplies defaults ([`Assume`]), which then
//! count as assumptions. Reschedulings, deferrals and rate changes stated about any
//! record of the loan's group (`debt_events`) are applied in date order, each with its
//! source's key.
//!
//! **Debt service** ([`service`]) sums the schedules' nominal US-dollar year rows by
//! year, country or lender (a loan with several Chinese lenders split evenly, as the
//! lender totals split it) and puts beside them what the World Bank's International
//! Debt Statistics report as paid to China (`debt_service_reported`, creditor CHN:
//! principal DT.AMT.BLAT.CD + interest DT.INT.BLAT.CD, current US dollars; for one
//! debtor, series and year the value of the source imported last) and shares of GDP
//! (World Bank NY.GDP.MKTP.CD, embedded in `ruta_debt::gdp` as `wb-gdp-lac`).

use crate::flows::Amount;
use crate::write::claims::{StoredClaim, stored_claim, stored_claims_sql};
use crate::{Result, Writer};
use rusqlite::{Connection, params};
use ruta_core::model::ClaimValue;
use ruta_core::resolve::{Candidate, choose};
use ruta_debt::grant::GrantNote;
use ruta_debt::ids::{IdsSeries, ReportedService};
use ruta_debt::rates::ReferenceRates;
use ruta_debt::terms::{
    Collateral, Fees, InterestRate, LoanTerms, commodity_in, parse_date, parse_flag,
    parse_interest_rate,
};
use ruta_debt::{
    DebtChange, DebtEvent, DeferredRepayment, Disbursement, IncomeGroup, Loan, MissingInterest,
    Schedule, ScheduleOptions, build_schedule, grant_elements,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Dataset name of World Bank International Debt Statistics sources.
pub const IDS_DATASET: &str = "World Bank IDS";

/// The claim fields that state loan terms.
pub const TERM_CLAIM_FIELDS: &[&str] = &[
    "commitment_date",
    "interest_rate",
    "maturity_years",
    "grace_period_years",
    "first_repayment_date",
    "last_repayment_date",
    "management_fee",
    "commitment_fee",
    "insurance_fee",
    "default_interest_rate",
    "collateralized",
    "collateral",
    "collateral_provider",
    "income_group",
    "grant_element_oecd_cash_flow",
    "grant_element_oecd_grant_equivalent",
    "grant_element_imf",
    "escrow_account",
    "revenue_account",
    "reserve_account",
    "cross_default",
    "confidentiality",
    "no_paris_club_clause",
    "stabilization_clause",
    "penalty_interest_clause",
    "governing_law",
    "arbitration",
    "jurisdiction",
    "guarantor",
];

/// Term claim fields that are contract clauses (How China Lends), shown as a loan's
/// `clauses` (field → the chosen claim's text).
pub const CLAUSE_FIELDS: &[&str] = &[
    "escrow_account",
    "revenue_account",
    "reserve_account",
    "cross_default",
    "confidentiality",
    "no_paris_club_clause",
    "stabilization_clause",
    "penalty_interest_clause",
    "governing_law",
    "arbitration",
    "jurisdiction",
    "guarantor",
];

// ---------------------------------------------------------------------------------------
// Writing.

/// One reported debt-service value, as an importer hands it to the store.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedValue {
    /// ISO3 of the debtor.
    pub debtor: String,
    /// The creditor as the source names it ("China").
    pub creditor: String,
    /// ISO3 of the creditor when it is a country.
    pub creditor_iso3: Option<String>,
    pub series: IdsSeries,
    pub year: i32,
    /// Current (nominal) US dollars.
    pub value_usd: f64,
    /// The World Bank's projection rather than a reported payment.
    pub projected: bool,
    /// Where in the source ("line 12").
    pub locator: String,
}

impl Writer<'_> {
    /// Stores one reported debt-service value of source `source_id`. Returns false when
    /// the same source already states it (nothing is written).
    pub fn write_reported_service(&mut self, source_id: i64, v: &ReportedValue) -> Result<bool> {
        if !v.value_usd.is_finite() || v.value_usd < 0.0 {
            return Err(crate::StoreError::Invalid(format!(
                "reported debt service must be a non-negative number, not {} ({})",
                v.value_usd, v.locator
            )));
        }
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO debt_service_reported(debtor, creditor, creditor_iso3, series,
                   series_code, year, value_usd, projected, source_id, locator, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                v.debtor,
                v.creditor,
                v.creditor_iso3,
                v.series.as_str(),
                v.series.code(),
                v.year,
                v.value_usd,
                v.projected,
                source_id,
                v.locator,
                crate::now(),
            ])?;
        Ok(n > 0)
    }

    /// States a change to the repayment terms of loan `flow_id` (any record of its
    /// same-flow group), reported by source `source_id`; `stated_by` is `registry` or the
    /// record whose import states it (see [`Writer::clear_debt_events`]). Returns false
    /// when the same source already states a change of this kind from this date.
    pub fn state_debt_event(
        &mut self,
        flow_id: &str,
        change: &DebtChange,
        source_id: i64,
        locator: Option<&str>,
        quote: Option<&str>,
        stated_by: &str,
    ) -> Result<bool> {
        let c = EventColumns::of(change);
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO debt_events(flow_id, kind, from_date, to_date, repayment,
                   first_repayment, last_repayment, rate, source_id, locator, quote, stated_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                flow_id,
                c.kind,
                c.from,
                c.to,
                c.repayment,
                c.first,
                c.last,
                c.rate,
                source_id,
                locator,
                quote,
                stated_by,
                crate::now(),
            ])?;
        Ok(n > 0)
    }

    /// Removes every debt event `stated_by` stated (a new registry version states its
    /// events anew). Returns how many were removed.
    pub fn clear_debt_events(&mut self, stated_by: &str) -> Result<usize> {
        Ok(self
            .tx
            .execute("DELETE FROM debt_events WHERE stated_by = ?1", [stated_by])?)
    }
}

/// A `DebtChange` spread over the columns of `debt_events`.
struct EventColumns {
    kind: &'static str,
    from: String,
    to: Option<String>,
    repayment: Option<&'static str>,
    first: Option<String>,
    last: Option<String>,
    rate: Option<String>,
}

impl EventColumns {
    fn of(c: &DebtChange) -> EventColumns {
        let none = |kind, from: String| EventColumns {
            kind,
            from,
            to: None,
            repayment: None,
            first: None,
            last: None,
            rate: None,
        };
        match c {
            DebtChange::PrincipalDeferral {
                from,
                to,
                repayment,
            } => EventColumns {
                to: Some(to.to_string()),
                repayment: Some(match repayment {
                    DeferredRepayment::ShiftSchedule => "shift_schedule",
                    DeferredRepayment::SpreadOverRemaining => "spread_over_remaining",
                }),
                ..none("principal_deferral", from.to_string())
            },
            DebtChange::Reprofile {
                from,
                first_repayment,
                last_repayment,
            } => EventColumns {
                first: Some(first_repayment.to_string()),
                last: Some(last_repayment.to_string()),
                ..none("reprofile", from.to_string())
            },
            DebtChange::RateChange { from, rate } => EventColumns {
                rate: Some(rate_text(rate)),
                ..none("rate_change", from.to_string())
            },
        }
    }
}

/// A rate as text `parse_interest_rate` reads back: "2.5", "LIBOR + 3.1".
pub fn rate_text(r: &InterestRate) -> String {
    match r {
        InterestRate::Fixed { percent } => format!("{percent}"),
        InterestRate::Variable {
            reference,
            margin_percent,
            ..
        } => format!("{} + {margin_percent}", reference.name()),
    }
}

// ---------------------------------------------------------------------------------------
// Terms.

/// Grant elements in percent (0–100), one per method; null where not computable.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrantElementInfo {
    /// OECD cash-flow method, discount rate 10 %.
    pub oecd_cash_flow: Option<f64>,
    /// OECD grant-equivalent method, 9/7/6 % by the recipient's income group (null
    /// without an income group, or for a high-income recipient).
    pub oecd_grant_equivalent: Option<f64>,
    /// IMF method, 5 %.
    pub imf: Option<f64>,
}

/// A loan's terms as its sources state them, with ruta's grant elements.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowTerms {
    /// Fixed annual interest rate, percent (2.0 = 2 %); null for a variable rate (see
    /// `reference_rate`) or when unknown.
    pub interest_rate: Option<f64>,
    /// A variable rate as stated ("LIBOR + 3.1": reference rate plus margin, percent).
    pub reference_rate: Option<String>,
    /// Years from commitment to the last repayment, grace included.
    pub maturity_years: Option<f64>,
    /// Years from commitment to the first principal repayment.
    pub grace_years: Option<f64>,
    /// Date of the first principal repayment (ISO 8601).
    pub first_repayment: Option<String>,
    /// Date of the last principal repayment (ISO 8601).
    pub last_repayment: Option<String>,
    /// One-time fee, percent of the face value.
    pub management_fee: Option<f64>,
    /// Annual fee on the undisbursed amount, percent.
    pub commitment_fee: Option<f64>,
    /// Whether a source says the loan is collateralised (null: none says).
    pub collateralized: Option<bool>,
    /// What secures it, in the source's words.
    pub collateral: Option<String>,
    /// The commodity the collateral names ("oil", "copper" …): an oil-backed loan says
    /// "oil".
    pub commodity: Option<String>,
    /// The recipient's income group in the commitment year as the source states it
    /// (AidData's OECD ODA income group), which sets the grant-equivalent discount rate.
    pub income_group: Option<String>,
    /// ruta's grant elements, computed from the terms alone (AidData's conventions).
    pub grant_element: GrantElementInfo,
    /// The dataset's own grant elements, as published (claims).
    pub grant_element_stated: GrantElementInfo,
    /// What the grant-element computation had to decide, in words ("grace period not
    /// stated: taken as 0 …"), or why it could not be computed.
    pub notes: Vec<String>,
    /// The contract clauses sources code (How China Lends), field → value as chosen by
    /// the display rule: `escrow_account`, `revenue_account`, `reserve_account`,
    /// `cross_default`, `confidentiality`, `no_paris_club_clause`,
    /// `stabilization_clause`, `penalty_interest_clause` (yes/no or, for
    /// confidentiality, the parties bound), `governing_law`, `arbitration`,
    /// `jurisdiction`, `guarantor` (as stated). Absent when no source codes any.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub clauses: BTreeMap<String, String>,
}

/// Terms chosen from claims, and what else the claims say.
#[derive(Debug, Clone, Default)]
struct Chosen {
    terms: LoanTerms,
    reference_rate: Option<String>,
    income_label: Option<String>,
    income: Option<IncomeGroup>,
    stated: GrantElementInfo,
    clauses: BTreeMap<String, String>,
    /// Claims that could not be read as terms ("interest_rate 'about 2': …").
    unreadable: Vec<String>,
    /// Record holding each chosen claim, by field.
    from: BTreeMap<String, String>,
}

/// The loan-term claims of the records `condition` selects (`?1` bound to `arg`),
/// chosen by the display rule.
fn choose_terms(conn: &Connection, condition: &str, arg: &str) -> Result<Chosen> {
    let rows: Vec<StoredClaim> = conn
        .prepare_cached(&stored_claims_sql(&format!(
            "({condition}) AND c.field IN ({})",
            term_fields_sql()
        )))?
        .query_map([arg], stored_claim)?
        .collect::<rusqlite::Result<_>>()?;
    let mut owners = HashMap::new();
    let mut owner = conn.prepare_cached("SELECT project_id FROM claims WHERE id = ?1")?;
    for r in &rows {
        owners.insert(r.id, owner.query_row([r.id], |r| r.get(0))?);
    }
    chosen_from(&rows, &owners)
}

/// `'commitment_date', 'interest_rate', …`: the term fields as an SQL list.
fn term_fields_sql() -> String {
    TERM_CLAIM_FIELDS
        .iter()
        .map(|f| format!("'{f}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The term claims of every counted loan's same-flow group, read at once: group id →
/// (claims, claim id → record holding it). For listings of many loans, where a query per
/// loan took seconds at 60,000 loans.
type GroupClaims = HashMap<String, (Vec<StoredClaim>, HashMap<i64, String>)>;

fn term_claims_by_group(conn: &Connection, country: Option<&str>) -> Result<GroupClaims> {
    let scope = format!(
        "c.field IN ({}) AND c.project_id IN (SELECT g.id FROM flows g WHERE g.group_id IN
           ({}))",
        term_fields_sql(),
        loan_groups_sql(country)
    );
    let mut where_: HashMap<i64, (String, String)> = HashMap::new();
    let mut st = conn.prepare_cached(&format!(
        "SELECT c.id, c.project_id, f.group_id FROM claims c JOIN flows f ON f.id = c.project_id WHERE {scope}"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        where_.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
    }
    let mut out = GroupClaims::new();
    let claims: Vec<StoredClaim> = conn
        .prepare_cached(&stored_claims_sql(&scope))?
        .query_map([], stored_claim)?
        .collect::<rusqlite::Result<_>>()?;
    for c in claims {
        let Some((record, group)) = where_.remove(&c.id) else {
            continue;
        };
        let e = out.entry(group).or_default();
        e.1.insert(c.id, record);
        e.0.push(c);
    }
    Ok(out)
}

/// SQL selecting the same-flow groups of the counted loans (of one country, when given;
/// the code is an ISO3 checked by the caller and quoted here).
fn loan_groups_sql(country: Option<&str>) -> String {
    match country {
        Some(c) => format!(
            "SELECT group_id FROM flows WHERE counted = 1 AND kind = 'loan' AND country = '{}'",
            c.replace('\'', "''")
        ),
        None => "SELECT group_id FROM flows WHERE counted = 1 AND kind = 'loan'".into(),
    }
}

/// Terms chosen by the display rule from one loan's term claims (`owners`: claim id →
/// the record holding it).
fn chosen_from(rows: &[StoredClaim], owners: &HashMap<i64, String>) -> Result<Chosen> {
    let cands: Vec<Candidate<'_>> = rows.iter().map(StoredClaim::candidate).collect();
    let best = choose(&cands);
    let mut out = Chosen::default();
    for (field, c) in &best {
        if let Some(o) = owners.get(&c.id) {
            out.from.insert(field.clone(), o.clone());
        }
    }
    let number = |f: &str| match best.get(f).map(|c| c.value) {
        Some(ClaimValue::Number { value } | ClaimValue::Percent { value }) => Some(*value),
        _ => None,
    };
    let text = |f: &str| match best.get(f).map(|c| c.value) {
        Some(ClaimValue::Text { value } | ClaimValue::Date { value }) => Some(value.clone()),
        _ => None,
    };
    let t = &mut out.terms;
    let mut unreadable = Vec::new();
    let mut date = |f: &str| {
        let d = text(f)?;
        // Partial dates ("2016", "2016-12") are no repayment or commitment day.
        if d.len() < 10 {
            return None;
        }
        match parse_date(&d) {
            Ok(d) => Some(d),
            Err(e) => {
                unreadable.push(format!("{f}: {e}"));
                None
            }
        }
    };
    t.commitment_date = date("commitment_date");
    t.first_repayment = date("first_repayment_date");
    t.last_repayment = date("last_repayment_date");
    t.maturity_years = number("maturity_years");
    t.grace_years = number("grace_period_years");
    match best.get("interest_rate").map(|c| c.value) {
        Some(ClaimValue::Number { value } | ClaimValue::Percent { value }) => {
            t.interest = Some(InterestRate::fixed(*value));
        }
        Some(ClaimValue::Text { value }) => match parse_interest_rate(value) {
            Ok(r @ InterestRate::Fixed { .. }) => t.interest = Some(r),
            Ok(r) => {
                out.reference_rate = Some(value.clone());
                t.interest = Some(r);
            }
            Err(e) => unreadable.push(format!("interest_rate: {e}")),
        },
        _ => {}
    }
    t.fees = Fees {
        management_percent: number("management_fee"),
        commitment_percent: number("commitment_fee"),
        insurance_percent: number("insurance_fee"),
        insurance_usd: None,
    };
    t.default_interest = text("default_interest_rate");
    let description = text("collateral");
    t.collateral = Collateral {
        collateralized: match text("collateralized") {
            Some(s) => match parse_flag(&s) {
                Ok(v) => v,
                Err(e) => {
                    unreadable.push(format!("collateralized: {e}"));
                    None
                }
            },
            None => None,
        },
        commodity: description.as_deref().and_then(commodity_in),
        description,
        escrow_account: text("escrow_account").and_then(|s| parse_flag(&s).ok().flatten()),
        revenue_account: text("revenue_account").and_then(|s| parse_flag(&s).ok().flatten()),
        reserve_account: text("reserve_account").and_then(|s| parse_flag(&s).ok().flatten()),
    };
    out.clauses = CLAUSE_FIELDS
        .iter()
        .filter_map(|f| Some((f.to_string(), text(f)?)))
        .collect();
    out.income_label = text("income_group");
    out.income = out.income_label.as_deref().and_then(IncomeGroup::parse);
    out.stated = GrantElementInfo {
        oecd_cash_flow: number("grant_element_oecd_cash_flow"),
        oecd_grant_equivalent: number("grant_element_oecd_grant_equivalent"),
        imf: number("grant_element_imf"),
    };
    out.unreadable = unreadable;
    Ok(out)
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

impl Chosen {
    fn flow_terms(&self, year: Option<i64>) -> FlowTerms {
        let t = &self.terms;
        let mut terms = t.clone();
        if terms.commitment_year.is_none() {
            terms.commitment_year = year.and_then(|y| i32::try_from(y).ok());
        }
        let mut notes = self.unreadable.clone();
        let grant_element = if t.interest.is_none() && t.maturity_years.is_none() {
            GrantElementInfo::default()
        } else {
            match grant_elements(&terms, self.income, ReferenceRates::embedded()) {
                Ok(g) => {
                    notes.extend(g.notes.iter().map(GrantNote::describe));
                    GrantElementInfo {
                        oecd_cash_flow: g.values.oecd_cash_flow.map(round4),
                        oecd_grant_equivalent: g.values.oecd_grant_equivalent.map(round4),
                        imf: g.values.imf.map(round4),
                    }
                }
                Err(e) => {
                    notes.push(format!("no grant element: {e}"));
                    GrantElementInfo::default()
                }
            }
        };
        FlowTerms {
            interest_rate: match &t.interest {
                Some(InterestRate::Fixed { percent }) => Some(*percent),
                _ => None,
            },
            reference_rate: self.reference_rate.clone(),
            maturity_years: t.maturity_years,
            grace_years: t.grace_years,
            first_repayment: t.first_repayment.map(|d| d.to_string()),
            last_repayment: t.last_repayment.map(|d| d.to_string()),
            management_fee: t.fees.management_percent,
            commitment_fee: t.fees.commitment_percent,
            collateralized: t.collateral.collateralized,
            collateral: t.collateral.description.clone(),
            commodity: t.collateral.commodity.map(|c| c.name().to_string()),
            income_group: self.income_label.clone(),
            grant_element,
            grant_element_stated: self.stated,
            notes,
            clauses: self.clauses.clone(),
        }
    }
}

/// The terms record `id`'s own sources state, with ruta's grant elements (for loans;
/// other flows have no terms). `year` is the flow's commitment year, used when no
/// commitment date is stated (a variable rate is valued in it).
pub fn flow_terms(conn: &Connection, id: &str, year: Option<i64>) -> Result<FlowTerms> {
    Ok(choose_terms(conn, "c.project_id = ?1", id)?.flow_terms(year))
}

// ---------------------------------------------------------------------------------------
// Loans and schedules.

/// Which loans to schedule.
#[derive(Debug, Clone, Default)]
pub struct DebtFilter {
    /// Borrower country, ISO3.
    pub country: Option<String>,
    /// One loan: any record id of its same-flow group.
    pub flow: Option<String>,
}

/// Defaults for terms a loan does not state. Each default used is an assumption on the
/// loan's schedule, in words; none is taken unless asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Assume {
    /// Maturity (years, grace included) for loans stating neither maturity nor last
    /// repayment date.
    pub maturity_years: Option<f64>,
    /// Grace (years) for loans stating neither grace nor first repayment date (without
    /// it, AidData's convention: 0).
    pub grace_years: Option<f64>,
    /// Annual interest, percent, for loans stating no usable rate (without it, such
    /// loans are scheduled principal only).
    pub interest_percent: Option<f64>,
}

/// How to schedule.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DebtOptions {
    pub disbursement: Disbursement,
    pub assume: Assume,
}

impl DebtOptions {
    fn schedule_options(&self) -> ScheduleOptions<'static> {
        ScheduleOptions {
            disbursement: self.disbursement,
            missing_interest: match self.assume.interest_percent {
                Some(p) => MissingInterest::Assume { percent: p },
                None => MissingInterest::PrincipalOnly,
            },
            default_maturity_years: self.assume.maturity_years,
            default_grace_years: self.assume.grace_years,
            reference_rates: ReferenceRates::embedded(),
        }
    }

    /// The options in words, for table footers and the dashboard.
    pub fn describe(&self) -> Vec<String> {
        let mut out = vec![match self.disbursement {
            Disbursement::Full => "disbursed in full at commitment (as AidData's grant elements and the World Bank's IDS projections assume)".to_string(),
            Disbursement::Linear => "disbursed in equal semiannual tranches before the first repayment".to_string(),
        }];
        if let Some(m) = self.assume.maturity_years {
            out.push(format!("loans stating no maturity: {m} years assumed"));
        }
        if let Some(g) = self.assume.grace_years {
            out.push(format!("loans stating no grace period: {g} years assumed"));
        }
        if let Some(r) = self.assume.interest_percent {
            out.push(format!(
                "loans stating no interest rate: {r} % a year assumed"
            ));
        }
        out
    }
}

/// A counted loan flow as debt: its terms and what its schedule assumed, or why it has
/// none.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoanInfo {
    /// The counted flow (record id).
    pub flow_id: String,
    /// The project it belongs to.
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    /// Borrower country, ISO3.
    pub country: Option<String>,
    /// Commitment year.
    pub year: Option<i64>,
    /// Face value in the loan's currency.
    pub amount: Option<Amount>,
    /// Face value in nominal US dollars of the commitment year.
    pub amount_usd_nominal: Option<f64>,
    /// The Chinese lenders its group names (organization ids); empty: not stated.
    pub lenders: Vec<String>,
    /// Their names, joined ("China Development Bank + ICBC"), or "(lender not stated)".
    pub lender: String,
    /// The terms of the loan's same-flow group, with grant elements.
    pub terms: FlowTerms,
    /// Records of the group other than the flow itself whose claims supplied a term
    /// (field → record id).
    pub terms_from: BTreeMap<String, String>,
    /// Whether a schedule was built.
    pub scheduled: bool,
    /// Why not: the term it lacks, or the terms' contradiction.
    pub missing: Option<String>,
    /// First and last principal repayment dates as scheduled.
    pub first_repayment: Option<String>,
    pub last_repayment: Option<String>,
    /// Principal and interest over the whole schedule, nominal US dollars.
    pub principal_usd: Option<f64>,
    pub interest_usd: Option<f64>,
    /// Every default the schedule took, in words.
    pub assumptions: Vec<String>,
    /// Reschedulings, deferrals and rate changes applied, in words with their source.
    pub events: Vec<String>,
}

/// A loan with its schedule (None when it lacks terms).
struct Scheduled {
    info: LoanInfo,
    schedule: Option<Schedule>,
}

const CHINESE: &str = "o.country IN ('CHN', 'HKG', 'MAC')";

fn events_of(conn: &Connection, group: &str) -> Result<Vec<DebtEvent>> {
    let rows = conn
        .prepare_cached(
            "SELECT e.kind, e.from_date, e.to_date, e.repayment, e.first_repayment, e.last_repayment,
                    e.rate, s.key, e.id
             FROM debt_events e JOIN sources s ON s.id = e.source_id
             WHERE e.flow_id IN (SELECT id FROM flows WHERE group_id = ?1)
             ORDER BY e.from_date, e.id",
        )?
        .query_map([group], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (kind, from, to, repayment, first, last, rate, key, id) in rows {
        let bad =
            |what: &str| crate::StoreError::Invalid(format!("debt event {id} ({key}): {what}"));
        let day = |s: Option<&str>, what: &str| {
            s.and_then(|s| parse_date(s).ok())
                .ok_or_else(|| bad(&format!("no valid {what}")))
        };
        let from = day(Some(&from), "start date")?;
        let change = match kind.as_str() {
            "principal_deferral" => DebtChange::PrincipalDeferral {
                from,
                to: day(to.as_deref(), "end date")?,
                repayment: match repayment.as_deref() {
                    Some("spread_over_remaining") => DeferredRepayment::SpreadOverRemaining,
                    _ => DeferredRepayment::ShiftSchedule,
                },
            },
            "reprofile" => DebtChange::Reprofile {
                from,
                first_repayment: day(first.as_deref(), "first repayment date")?,
                last_repayment: day(last.as_deref(), "last repayment date")?,
            },
            "rate_change" => DebtChange::RateChange {
                from,
                rate: parse_interest_rate(rate.as_deref().unwrap_or(""))
                    .map_err(|e| bad(&format!("rate: {e}")))?,
            },
            other => return Err(bad(&format!("unknown kind {other}"))),
        };
        out.push(DebtEvent {
            source: key,
            change,
        });
    }
    Ok(out)
}

/// Counted loan flows matching `f`, each with its terms and schedule.
fn scheduled_loans(
    conn: &Connection,
    f: &DebtFilter,
    opts: &DebtOptions,
) -> Result<Vec<Scheduled>> {
    let mut sql = String::from(
        "SELECT f.id, f.project_id, p.name, f.country, f.year, f.amount, f.currency, f.amount_usd_nominal,
                f.group_id
         FROM flows f LEFT JOIN projects p ON p.id = f.project_id
         WHERE f.counted = 1 AND f.kind = 'loan'",
    );
    let mut args: Vec<String> = Vec::new();
    if let Some(c) = &f.country {
        args.push(c.clone());
        sql.push_str(&format!(" AND f.country = ?{}", args.len()));
    }
    if let Some(id) = &f.flow {
        args.push(id.clone());
        let n = args.len();
        sql.push_str(&format!(
            " AND (f.id = ?{n} OR f.group_id = (SELECT group_id FROM flows WHERE id = ?{n}))"
        ));
    }
    sql.push_str(" ORDER BY f.country, f.year, f.id");
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<f64>,
        Option<String>,
        Option<f64>,
        String,
    );
    let rows: Vec<Row> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let sopts = opts.schedule_options();
    // Chinese lenders of every counted loan's group, and the groups with debt events,
    // read once (one query per loan took seconds at 100,000 loans).
    let mut lenders_of: HashMap<String, Vec<(String, String)>> = HashMap::new();
    {
        let mut st = conn.prepare_cached(&format!(
            "SELECT DISTINCT g.group_id, pa.org_id, o.name FROM flows g
               JOIN parties pa ON pa.project_id = g.id AND pa.role = 'lender'
               JOIN organizations o ON o.id = pa.org_id
             WHERE {CHINESE} AND g.group_id IN ({})
             ORDER BY g.group_id, pa.org_id",
            loan_groups_sql(f.country.as_deref())
        ))?;
        let mut r = st.query([])?;
        while let Some(row) = r.next()? {
            lenders_of
                .entry(row.get(0)?)
                .or_default()
                .push((row.get(1)?, row.get(2)?));
        }
    }
    let event_groups: HashSet<String> = conn
        .prepare_cached(
            "SELECT DISTINCT f.group_id FROM debt_events e JOIN flows f ON f.id = e.flow_id",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Many loans: their term claims in two queries rather than one per loan.
    let bulk = if rows.len() > 200 {
        Some(term_claims_by_group(conn, f.country.as_deref())?)
    } else {
        None
    };
    let mut out = Vec::with_capacity(rows.len());
    for (id, project_id, project_name, country, year, amount, currency, usd_nominal, group) in rows
    {
        let lenders: Vec<(String, String)> = lenders_of.get(&group).cloned().unwrap_or_default();
        let chosen = match &bulk {
            Some(b) => match b.get(&group) {
                Some((claims, owners)) => chosen_from(claims, owners)?,
                None => chosen_from(&[], &HashMap::new())?,
            },
            None => choose_terms(
                conn,
                "c.project_id IN (SELECT id FROM flows WHERE group_id = ?1)",
                &group,
            )?,
        };
        let terms = chosen.flow_terms(year);
        let mut loan_terms = chosen.terms.clone();
        if loan_terms.commitment_year.is_none() {
            loan_terms.commitment_year = year.and_then(|y| i32::try_from(y).ok());
        }
        let lender = if lenders.is_empty() {
            "(lender not stated)".to_string()
        } else {
            lenders
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let mut info = LoanInfo {
            flow_id: id.clone(),
            project_id,
            project_name,
            country: country.clone(),
            year,
            amount: amount
                .zip(currency.clone())
                .map(|(value, currency)| Amount { value, currency }),
            amount_usd_nominal: usd_nominal,
            lenders: lenders.iter().map(|(o, _)| o.clone()).collect(),
            lender: lender.clone(),
            terms,
            terms_from: chosen
                .from
                .iter()
                .filter(|(_, r)| **r != id)
                .map(|(f, r)| (f.clone(), r.clone()))
                .collect(),
            scheduled: false,
            missing: None,
            first_repayment: None,
            last_repayment: None,
            principal_usd: None,
            interest_usd: None,
            assumptions: Vec::new(),
            events: Vec::new(),
        };
        let (Some(face_value), Some(currency)) = (amount, currency) else {
            info.missing = Some("no amount".into());
            out.push(Scheduled {
                info,
                schedule: None,
            });
            continue;
        };
        let loan = Loan {
            id: id.clone(),
            country,
            lender: Some(lender),
            face_value,
            currency,
            terms: loan_terms,
        };
        let events = if event_groups.contains(&group) {
            events_of(conn, &group)?
        } else {
            Vec::new()
        };
        match build_schedule(&loan, &events, &sopts) {
            Ok(s) => {
                info.scheduled = true;
                let repaid: Vec<_> = s.payments.iter().filter(|p| p.principal > 0.0).collect();
                info.first_repayment = repaid.first().map(|p| p.date.to_string());
                info.last_repayment = repaid.last().map(|p| p.date.to_string());
                let usd: Vec<_> = s.years.iter().filter_map(|y| y.usd).collect();
                if usd.len() == s.years.len() {
                    info.principal_usd = Some(usd.iter().map(|u| u.principal).sum());
                    info.interest_usd = Some(usd.iter().map(|u| u.interest).sum());
                }
                info.assumptions = s.assumptions.iter().map(|a| a.describe()).collect();
                info.events = s
                    .events
                    .iter()
                    .map(|e| format!("{} (source: {})", e.description, e.source))
                    .collect();
                out.push(Scheduled {
                    info,
                    schedule: Some(s),
                });
            }
            Err(e) => {
                info.missing = Some(match e {
                    ruta_debt::schedule::ScheduleError::MissingTerm { missing, .. } => {
                        format!("no {missing}")
                    }
                    ruta_debt::schedule::ScheduleError::Invalid { reason, .. } => reason,
                });
                out.push(Scheduled {
                    info,
                    schedule: None,
                });
            }
        }
    }
    Ok(out)
}

/// Why `id` selects no counted loan: None when it is no flow; else its kind and, for a
/// loan, why it does not count (`not_counted_reason`). For error messages.
pub fn flow_status(conn: &Connection, id: &str) -> Result<Option<(String, Option<String>)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT kind, not_counted_reason FROM flows WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Every counted loan flow matching `f` as debt: terms, schedule summary and
/// assumptions, or what it lacks. Ordered by country, year and id.
pub fn loans(conn: &Connection, f: &DebtFilter, opts: &DebtOptions) -> Result<Vec<LoanInfo>> {
    Ok(scheduled_loans(conn, f, opts)?
        .into_iter()
        .map(|s| s.info)
        .collect())
}

/// One calendar year of one loan's schedule.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleRow {
    /// The counted loan flow.
    pub flow_id: String,
    /// Borrower, ISO3.
    pub country: Option<String>,
    pub year: i32,
    /// Principal repaid in the year, nominal US dollars (null: no exchange rate for the
    /// loan's currency).
    pub principal_usd: Option<f64>,
    /// Interest paid in the year, nominal US dollars.
    pub interest_usd: Option<f64>,
    /// Outstanding (disbursed, not repaid) on 31 December, nominal US dollars at the
    /// year's average rate.
    pub outstanding_usd: Option<f64>,
    /// Disbursed in the year, nominal US dollars.
    pub disbursed_usd: Option<f64>,
    /// The loan's currency (ISO 4217) and the same figures in it.
    pub currency: String,
    pub principal: f64,
    pub interest: f64,
    pub outstanding: f64,
    /// The lender(s), as in [`LoanInfo::lender`].
    pub lender: String,
}

/// The schedules of the counted loans matching `f`, one row per loan and calendar year
/// (ordered by loan, then year), and every loan with its terms and assumptions.
pub fn schedule_rows(
    conn: &Connection,
    f: &DebtFilter,
    opts: &DebtOptions,
) -> Result<(Vec<ScheduleRow>, Vec<LoanInfo>)> {
    let loans = scheduled_loans(conn, f, opts)?;
    let mut rows = Vec::new();
    for l in &loans {
        let Some(s) = &l.schedule else { continue };
        for y in &s.years {
            rows.push(ScheduleRow {
                flow_id: s.loan_id.clone(),
                country: s.country.clone(),
                year: y.year,
                principal_usd: y.usd.map(|u| u.principal),
                interest_usd: y.usd.map(|u| u.interest),
                outstanding_usd: y.usd.map(|u| u.outstanding),
                disbursed_usd: y.usd.map(|u| u.disbursed),
                currency: s.currency.clone(),
                principal: y.principal,
                interest: y.interest,
                outstanding: y.outstanding_end,
                lender: l.info.lender.clone(),
            });
        }
    }
    Ok((rows, loans.into_iter().map(|s| s.info).collect()))
}

// ---------------------------------------------------------------------------------------
// Reported debt service and comparison.

/// Debt service to China as the World Bank reports it, by (debtor, year): for one
/// debtor, creditor, series and year the value of the source imported last.
pub fn reported_to_china(
    conn: &Connection,
    country: Option<&str>,
) -> Result<BTreeMap<(String, i32), ReportedService>> {
    let rows = conn
        .prepare_cached(
            "SELECT d.debtor, d.year, d.series, d.value_usd, d.projected FROM debt_service_reported d
             WHERE d.creditor_iso3 = 'CHN' AND (?1 IS NULL OR d.debtor = ?1)
               AND d.source_id = (SELECT MAX(e.source_id) FROM debt_service_reported e
                                  WHERE e.debtor = d.debtor AND e.creditor = d.creditor
                                    AND e.series = d.series AND e.year = d.year)",
        )?
        .query_map([country], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, f64>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: BTreeMap<(String, i32), ReportedService> = BTreeMap::new();
    for (debtor, year, series, value, projected) in rows {
        let e = out.entry((debtor, year)).or_default();
        let slot = if series == "principal" {
            &mut e.principal_usd
        } else {
            &mut e.interest_usd
        };
        *slot = Some(slot.unwrap_or(0.0) + value);
        e.projected |= projected;
    }
    Ok(out)
}

/// Goods exports to the world by (country, year), nominal US dollars, as each country
/// reports them: for one country-year the value of the highest-ranked dataset
/// (`crate::trade::source_rank`), then of the source imported last.
fn world_exports(conn: &Connection, country: Option<&str>) -> Result<CountryYears> {
    let rows = conn
        .prepare_cached(
            "SELECT t.reporter, t.year, t.value, s.dataset, t.source_id
             FROM trade_values t JOIN sources s ON s.id = t.source_id
             WHERE t.partner = 'WLD' AND t.flow = 'export' AND t.hs2 IS NULL
               AND t.measure = 'value_usd' AND t.reporter IS NOT NULL
               AND (?1 IS NULL OR t.reporter = ?1)",
        )?
        .query_map([country], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i32>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut best: BTreeMap<(String, i32), ((u8, i64), f64)> = BTreeMap::new();
    for (c, y, v, dataset, sid) in rows {
        let rank = (crate::trade::source_rank(dataset.as_deref()), sid);
        let e = best.entry((c, y)).or_insert((rank, v));
        if rank > e.0 {
            *e = (rank, v);
        }
    }
    Ok(best.into_iter().map(|(k, (_, v))| (k, v)).collect())
}

/// How to group debt service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceBy {
    #[default]
    Year,
    Country,
    Lender,
}

impl ServiceBy {
    pub const NAMES: &'static [&'static str] = &["year", "country", "lender"];

    pub fn parse(s: &str) -> Option<ServiceBy> {
        Some(match s {
            "year" => ServiceBy::Year,
            "country" => ServiceBy::Country,
            "lender" => ServiceBy::Lender,
            _ => return None,
        })
    }
}

/// Years to cover (both included; None = unbounded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Years {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

impl Years {
    fn has(&self, y: i32) -> bool {
        self.from.is_none_or(|f| y >= f) && self.to.is_none_or(|t| y <= t)
    }
}

/// Projected beside reported debt service for one group.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRow {
    /// The year (number), the borrower's ISO3, or the lender's organization id
    /// ("unattributed": lender not stated).
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub key: serde_json::Value,
    /// Human label of the key.
    pub label: String,
    /// Debt service (principal + interest) ruta's schedules project, nominal US
    /// dollars; 0 when no scheduled loan falls due.
    pub projected_usd: f64,
    pub projected_principal_usd: f64,
    pub projected_interest_usd: f64,
    /// Outstanding at year end, nominal US dollars (by year only).
    pub outstanding_usd: Option<f64>,
    /// Debt service to China the World Bank reports (IDS principal + interest, current
    /// US dollars); null without IDS data for the group (and always by lender: IDS
    /// reports creditor countries, not banks).
    pub reported_usd: Option<f64>,
    pub reported_principal_usd: Option<f64>,
    pub reported_interest_usd: Option<f64>,
    /// The reported figure is (partly) the World Bank's projection, not payments.
    pub reported_is_projection: bool,
    /// projected − reported, when both are known.
    pub gap_usd: Option<f64>,
    /// Projected debt service as a percent of GDP (1.5 = 1.5 %): of the country's GDP
    /// that year; by year over every country, of the summed GDP of the countries
    /// covered; by country, of its GDP summed over the years summed; null without GDP
    /// (and by lender).
    pub gdp_share: Option<f64>,
    /// Reported debt service as a percent of the same GDP.
    pub reported_gdp_share: Option<f64>,
    /// Projected debt service as a percent of the country's goods exports to the world
    /// (as the country reports them in an imported DOTS or Comtrade file; the same
    /// display rule as `ruta trade`: Comtrade over DOTS, then the file imported last),
    /// over the same country-years as `gdp_share`; null where no such exports are
    /// imported.
    pub exports_share: Option<f64>,
    /// Reported debt service as a percent of the same exports.
    pub reported_exports_share: Option<f64>,
    /// Scheduled loans with debt service or outstanding in the group.
    pub loans: u64,
}

/// Values by (country ISO3, year).
type CountryYears = BTreeMap<(String, i32), f64>;

#[derive(Default)]
struct Acc {
    principal: f64,
    interest: f64,
    outstanding: f64,
    loans: BTreeSet<String>,
    /// (country, year) → projected service, for GDP shares.
    by_cy: CountryYears,
}

/// Debt service of the counted loans matching `f`, grouped `by`, over `years`, beside
/// the IDS-reported debt service to China and shares of GDP; with every loan's terms and
/// assumptions. Rows: by year in year order, by country and lender largest first.
pub fn service(
    conn: &Connection,
    f: &DebtFilter,
    by: ServiceBy,
    years: Years,
    opts: &DebtOptions,
) -> Result<(Vec<ServiceRow>, Vec<LoanInfo>)> {
    let loans = scheduled_loans(conn, f, opts)?;
    let gdp = ruta_debt::gdp::GdpTable::lac();
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for l in &loans {
        let Some(s) = &l.schedule else { continue };
        let country = s.country.clone().unwrap_or_else(|| "unknown".into());
        let shares: Vec<(String, f64)> = match by {
            ServiceBy::Lender if !l.info.lenders.is_empty() => {
                let n = l.info.lenders.len() as f64;
                l.info
                    .lenders
                    .iter()
                    .map(|o| (o.clone(), 1.0 / n))
                    .collect()
            }
            ServiceBy::Lender => vec![("unattributed".into(), 1.0)],
            ServiceBy::Country => vec![(country.clone(), 1.0)],
            ServiceBy::Year => vec![],
        };
        for y in s.years.iter().filter(|y| years.has(y.year)) {
            let Some(u) = y.usd else { continue };
            let keys = if by == ServiceBy::Year {
                vec![(format!("{:06}", y.year), 1.0)]
            } else {
                shares.clone()
            };
            for (k, w) in keys {
                let a = acc.entry(k).or_default();
                a.principal += w * u.principal;
                a.interest += w * u.interest;
                a.outstanding += w * u.outstanding;
                if u.principal + u.interest + u.outstanding > 0.0 {
                    a.loans.insert(s.loan_id.clone());
                }
                *a.by_cy.entry((country.clone(), y.year)).or_default() +=
                    w * (u.principal + u.interest);
            }
        }
    }
    let reported = reported_to_china(conn, f.country.as_deref())?;
    // Reported by group key, and (country, year) pairs for GDP.
    let mut rep: BTreeMap<String, (ReportedService, CountryYears)> = BTreeMap::new();
    if by != ServiceBy::Lender && f.flow.is_none() {
        for ((debtor, year), r) in reported.iter().filter(|((_, y), _)| years.has(*y)) {
            let k = match by {
                ServiceBy::Year => format!("{year:06}"),
                _ => debtor.clone(),
            };
            let e = rep.entry(k).or_default();
            for (slot, v) in [
                (&mut e.0.principal_usd, r.principal_usd),
                (&mut e.0.interest_usd, r.interest_usd),
            ] {
                if let Some(v) = v {
                    *slot = Some(slot.unwrap_or(0.0) + v);
                }
            }
            e.0.projected |= r.projected;
            *e.1.entry((debtor.clone(), *year)).or_default() += r.total_usd();
        }
    }
    let mut keys: BTreeSet<String> = acc.keys().chain(rep.keys()).cloned().collect();
    if by == ServiceBy::Year {
        // Every year from the first to the last (or the range asked for), zeros included.
        let known: Vec<i32> = keys.iter().filter_map(|k| k.parse().ok()).collect();
        let lo = years.from.or(known.iter().min().copied());
        let hi = years.to.or(known.iter().max().copied());
        if let (Some(lo), Some(hi)) = (lo, hi) {
            keys.extend((lo..=hi).map(|y| format!("{y:06}")));
        }
    }
    let exports = world_exports(conn, f.country.as_deref())?;
    // A share of GDP (or of exports): over the country-years with a denominator; by year
    // over several countries, of their sum.
    let share = |pairs: &CountryYears, of: &dyn Fn(&str, i32) -> Option<f64>| -> Option<f64> {
        if by == ServiceBy::Lender {
            return None;
        }
        let (mut num, mut den) = (0.0, 0.0);
        for ((c, y), v) in pairs {
            let Some(g) = of(c, *y) else { continue };
            num += v;
            den += g;
        }
        ruta_debt::aggregate::gdp_share_percent(num, den)
    };
    let gdp_of = |c: &str, y: i32| gdp.get(c, y);
    let exports_of = |c: &str, y: i32| exports.get(&(c.to_string(), y)).copied();
    let mut rows = Vec::new();
    for k in keys {
        let a = acc.get(&k);
        let r = rep.get(&k);
        let projected = a.map_or(0.0, |a| a.principal + a.interest);
        let reported_usd = r.map(|(r, _)| r.total_usd());
        // GDP of the country-years either side covers.
        let mut cy: BTreeMap<(String, i32), f64> = BTreeMap::new();
        let mut rcy: BTreeMap<(String, i32), f64> = BTreeMap::new();
        if let Some(a) = a {
            cy.extend(a.by_cy.iter().map(|(k, v)| (k.clone(), *v)));
        }
        if let Some((_, m)) = r {
            for (kk, v) in m {
                cy.entry(kk.clone()).or_insert(0.0);
                rcy.insert(kk.clone(), *v);
            }
        }
        for kk in cy.keys() {
            rcy.entry(kk.clone()).or_insert(0.0);
        }
        let (key, label) = match by {
            ServiceBy::Year => {
                let y: i64 = k.parse().unwrap_or_default();
                (serde_json::json!(y), y.to_string())
            }
            ServiceBy::Country => (
                serde_json::json!(k),
                ruta_core::country::by_iso3(&k)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| k.clone()),
            ),
            ServiceBy::Lender => {
                let label = if k == "unattributed" {
                    "(lender not stated)".to_string()
                } else {
                    use rusqlite::OptionalExtension;
                    conn.prepare_cached("SELECT name FROM organizations WHERE id = ?1")?
                        .query_row([&k], |r| r.get(0))
                        .optional()?
                        .unwrap_or_else(|| k.clone())
                };
                (serde_json::json!(k), label)
            }
        };
        rows.push(ServiceRow {
            key,
            label,
            projected_usd: projected,
            projected_principal_usd: a.map_or(0.0, |a| a.principal),
            projected_interest_usd: a.map_or(0.0, |a| a.interest),
            outstanding_usd: (by == ServiceBy::Year).then(|| a.map_or(0.0, |a| a.outstanding)),
            reported_usd,
            reported_principal_usd: r.and_then(|(r, _)| r.principal_usd),
            reported_interest_usd: r.and_then(|(r, _)| r.interest_usd),
            reported_is_projection: r.is_some_and(|(r, _)| r.projected),
            gap_usd: reported_usd.map(|rv| projected - rv),
            gdp_share: share(&cy, &gdp_of),
            reported_gdp_share: reported_usd.and_then(|_| share(&rcy, &gdp_of)),
            exports_share: share(&cy, &exports_of),
            reported_exports_share: reported_usd.and_then(|_| share(&rcy, &exports_of)),
            loans: a.map_or(0, |a| a.loans.len() as u64),
        });
    }
    if by != ServiceBy::Year {
        rows.sort_by(|a, b| {
            b.projected_usd
                .total_cmp(&a.projected_usd)
                .then(
                    b.reported_usd
                        .unwrap_or(0.0)
                        .total_cmp(&a.reported_usd.unwrap_or(0.0)),
                )
                .then(a.label.cmp(&b.label))
        });
    }
    Ok((rows, loans.into_iter().map(|s| s.info).collect()))
}

/// Every distinct assumption among `loans`' schedules with the number of loans that took
/// it, most frequent first.
pub fn assumption_counts(loans: &[LoanInfo]) -> Vec<(String, usize)> {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for l in loans {
        for a in l.assumptions.iter().collect::<BTreeSet<_>>() {
            *m.entry(a.as_str()).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}
