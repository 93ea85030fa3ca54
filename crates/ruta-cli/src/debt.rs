//! `ruta debt`: schedules, debt service beside what the World Bank reports, and loans
//! with their terms. The arithmetic is `ruta_debt`'s, the loans and terms the store's.

use crate::cli::{DebtArgs, DebtCommon, DebtWhat, Format};
use crate::output::{self, Table, opt, truncate, usd};
use anyhow::{Result, bail};
use ruta_store::debt::{self, LoanInfo, ServiceBy, ServiceRow, Years};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Columns of `debt schedule --format csv`.
const SCHEDULE_FIELDS: &[&str] = &[
    "flow_id",
    "country",
    "year",
    "principal_usd",
    "interest_usd",
    "outstanding_usd",
    "disbursed_usd",
    "currency",
    "principal",
    "interest",
    "outstanding",
    "lender",
];

/// Columns of `debt service --format csv`.
const SERVICE_FIELDS: &[&str] = &[
    "key",
    "label",
    "projected_usd",
    "projected_principal_usd",
    "projected_interest_usd",
    "outstanding_usd",
    "reported_usd",
    "reported_principal_usd",
    "reported_interest_usd",
    "reported_is_projection",
    "gap_usd",
    "gdp_share",
    "reported_gdp_share",
    "exports_share",
    "reported_exports_share",
    "loans",
];

/// Columns of `debt loans --format csv`.
const LOAN_FIELDS: &[&str] = &[
    "flow_id",
    "country",
    "year",
    "amount",
    "currency",
    "amount_usd_nominal",
    "lender",
    "interest_rate",
    "maturity_years",
    "grace_years",
    "collateralized",
    "commodity",
    "ge_oecd_cash_flow",
    "ge_oecd_grant_equivalent",
    "ge_imf",
    "scheduled",
    "missing",
    "first_repayment",
    "last_repayment",
    "assumptions",
];

pub fn run(db: &Path, a: DebtArgs) -> Result<()> {
    match a.what {
        DebtWhat::Schedule(s) => schedule(db, &s.common, s.format),
        DebtWhat::Service(s) => service(
            db,
            &s.common,
            s.by,
            Years {
                from: s.year_from,
                to: s.year_to,
            },
            s.format,
        ),
        DebtWhat::Loans(s) => loans(db, &s.common, s.format),
    }
}

/// A `--flow` that names no counted loan is an error that says what the flow is.
fn check_flow(store: &ruta_store::Store, c: &DebtCommon, loans: &[LoanInfo]) -> Result<()> {
    let Some(id) = &c.flow else { return Ok(()) };
    if !loans.is_empty() {
        return Ok(());
    }
    match debt::flow_status(store.conn(), id)? {
        None => bail!("no flow '{id}' (see `ruta flows`)"),
        Some((kind, _)) if kind != "loan" => bail!("flow '{id}' is a {kind}, not a loan"),
        Some((_, reason)) => bail!(
            "loan '{id}' is not counted ({}), and no counted loan of its group{}",
            reason.as_deref().unwrap_or("no reason stated"),
            c.country
                .as_deref()
                .map(|c| format!(" in {c}"))
                .unwrap_or_default()
        ),
    }
}

fn schedule(db: &Path, c: &DebtCommon, format: Format) -> Result<()> {
    let store = crate::commands::open_for_reading(db)?;
    let opts = c.options();
    let (rows, loans) = debt::schedule_rows(store.conn(), &c.filter(), &opts)?;
    check_flow(&store, c, &loans)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, SCHEDULE_FIELDS)?,
        Format::Table => {
            if c.flow.is_some() {
                for l in loans.iter().filter(|l| l.scheduled) {
                    loan_header(&mut out, l)?;
                }
            }
            let mut t = Table::new(&[
                "flow",
                "country",
                "year",
                "principal",
                "interest",
                "service",
                "outstanding",
            ])
            .right_align(&[2, 3, 4, 5, 6]);
            for r in &rows {
                t.row(vec![
                    truncate(&r.flow_id, 40),
                    opt(&r.country),
                    r.year.to_string(),
                    usd(r.principal_usd),
                    usd(r.interest_usd),
                    usd(r.principal_usd.zip(r.interest_usd).map(|(p, i)| p + i)),
                    usd(r.outstanding_usd),
                ]);
            }
            t.write(&mut out)?;
            footer(&mut out, &loans, &opts)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A scheduled loan's terms, on top of its schedule.
fn loan_header(out: &mut impl Write, l: &LoanInfo) -> std::io::Result<()> {
    let t = &l.terms;
    let amount = l
        .amount
        .as_ref()
        .map(|a| format!("{} {}", a.currency, ruta_core::fmt::thousands(a.value)))
        .unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "{} — {} ({}), {}, lender {}",
        l.flow_id,
        l.project_name.as_deref().unwrap_or("-"),
        opt(&l.country),
        amount,
        l.lender
    )?;
    let rate = match (&t.interest_rate, &t.reference_rate) {
        (Some(r), _) => format!("{r} %"),
        (None, Some(r)) => r.clone(),
        _ => "not stated".into(),
    };
    writeln!(
        out,
        "  interest {rate}; maturity {}; grace {}; repayments {} to {}",
        t.maturity_years
            .map(|m| format!("{m} years"))
            .unwrap_or_else(|| "not stated".into()),
        t.grace_years
            .map(|g| format!("{g} years"))
            .unwrap_or_else(|| "not stated".into()),
        opt(&l.first_repayment),
        opt(&l.last_repayment)
    )?;
    let ge = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "  grant element (ruta): OECD cash-flow {}, OECD grant-equivalent {}, IMF {}",
        ge(t.grant_element.oecd_cash_flow),
        ge(t.grant_element.oecd_grant_equivalent),
        ge(t.grant_element.imf)
    )?;
    if t.grant_element_stated != Default::default() {
        writeln!(
            out,
            "  grant element (as the dataset states it): OECD cash-flow {}, OECD grant-equivalent {}, IMF {}",
            ge(t.grant_element_stated.oecd_cash_flow),
            ge(t.grant_element_stated.oecd_grant_equivalent),
            ge(t.grant_element_stated.imf)
        )?;
    }
    if let Some(true) = t.collateralized {
        writeln!(
            out,
            "  collateralised{}",
            t.commodity
                .as_deref()
                .map(|c| format!(" ({c}-backed)"))
                .unwrap_or_default()
        )?;
    }
    for e in &l.events {
        writeln!(out, "  event: {e}")?;
    }
    for a in &l.assumptions {
        writeln!(out, "  assumed: {a}")?;
    }
    writeln!(out)
}

/// How many loans were scheduled, which lacked terms, and every assumption.
fn footer(
    out: &mut impl Write,
    loans: &[LoanInfo],
    opts: &debt::DebtOptions,
) -> std::io::Result<()> {
    let scheduled: Vec<&LoanInfo> = loans.iter().filter(|l| l.scheduled).collect();
    let mut lacking: Vec<&LoanInfo> = loans.iter().filter(|l| !l.scheduled).collect();
    lacking.sort_by(|a, b| {
        b.amount_usd_nominal
            .unwrap_or(0.0)
            .total_cmp(&a.amount_usd_nominal.unwrap_or(0.0))
            .then(a.flow_id.cmp(&b.flow_id))
    });
    // (0.0 + …: a sum of no floats is -0.0.)
    let sum = |ls: &[&LoanInfo]| 0.0 + ls.iter().filter_map(|l| l.amount_usd_nominal).sum::<f64>();
    writeln!(
        out,
        "nominal USD. {} counted loan(s) scheduled ({} face value); {} counted loan(s) lack the terms to schedule ({} face value, left out)",
        scheduled.len(),
        usd(Some(sum(&scheduled))),
        lacking.len(),
        usd(Some(sum(&lacking)))
    )?;
    for l in lacking.iter().take(12) {
        writeln!(
            out,
            "  not scheduled: {} ({}, {}, {}): {}",
            l.flow_id,
            opt(&l.country),
            opt(&l.year),
            usd(l.amount_usd_nominal),
            l.missing.as_deref().unwrap_or("-")
        )?;
    }
    if lacking.len() > 12 {
        writeln!(
            out,
            "  … and {} more (`ruta debt loans` lists them all)",
            lacking.len() - 12
        )?;
    }
    let counts = debt::assumption_counts(loans);
    if !counts.is_empty() {
        writeln!(out, "assumptions made (loans):")?;
        for (a, n) in counts {
            writeln!(out, "  {n:>4}  {a}")?;
        }
    }
    if opts.assume != Default::default() {
        for d in opts.describe().iter().skip(1) {
            writeln!(out, "  asked for: {d}")?;
        }
    }
    Ok(())
}

fn pct(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.2}%")).unwrap_or_else(|| "-".into())
}

fn service(db: &Path, c: &DebtCommon, by: ServiceBy, years: Years, format: Format) -> Result<()> {
    let store = crate::commands::open_for_reading(db)?;
    let opts = c.options();
    let (rows, loans) = debt::service(store.conn(), &c.filter(), by, years, &opts)?;
    check_flow(&store, c, &loans)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, SERVICE_FIELDS)?,
        Format::Table => {
            service_table(&rows, by).write(&mut out)?;
            footer(&mut out, &loans, &opts)?;
            if rows.iter().any(|r| r.reported_usd.is_some()) {
                writeln!(
                    out,
                    "reported: World Bank IDS, public and publicly guaranteed debt service to creditor China (principal DT.AMT.BLAT.CD + interest DT.INT.BLAT.CD); p = the Bank's projection"
                )?;
            } else if by != ServiceBy::Lender {
                writeln!(
                    out,
                    "no reported debt service: import the World Bank's IDS tables with `ruta import wb-ids FILE...`"
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn service_table(rows: &[ServiceRow], by: ServiceBy) -> Table {
    let first = match by {
        ServiceBy::Year => "year",
        ServiceBy::Country => "country",
        ServiceBy::Lender => "lender",
    };
    let mut t = Table::new(&[
        first,
        "projected",
        "principal",
        "interest",
        "outstanding",
        "reported",
        "gap",
        "proj_%gdp",
        "rep_%gdp",
        "loans",
    ])
    .right_align(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for r in rows {
        t.row(vec![
            truncate(&r.label, 36),
            usd(Some(r.projected_usd)),
            usd(Some(r.projected_principal_usd)),
            usd(Some(r.projected_interest_usd)),
            usd(r.outstanding_usd),
            match r.reported_usd {
                Some(v) => format!(
                    "{}{}",
                    usd(Some(v)),
                    if r.reported_is_projection { " p" } else { "" }
                ),
                None => "-".into(),
            },
            usd(r.gap_usd),
            pct(r.gdp_share),
            pct(r.reported_gdp_share),
            r.loans.to_string(),
        ]);
    }
    t
}

fn loans(db: &Path, c: &DebtCommon, format: Format) -> Result<()> {
    let store = crate::commands::open_for_reading(db)?;
    let opts = c.options();
    let loans = debt::loans(store.conn(), &c.filter(), &opts)?;
    check_flow(&store, c, &loans)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => output::json(&mut out, &loans)?,
        Format::Csv => {
            let flat: Vec<serde_json::Value> = loans
                .iter()
                .map(|l| {
                    let t = &l.terms;
                    serde_json::json!({
                        "flow_id": l.flow_id,
                        "country": l.country,
                        "year": l.year,
                        "amount": l.amount.as_ref().map(|a| a.value),
                        "currency": l.amount.as_ref().map(|a| a.currency.clone()),
                        "amount_usd_nominal": l.amount_usd_nominal,
                        "lender": l.lender,
                        "interest_rate": t.interest_rate.map(|r| r.to_string()).or(t.reference_rate.clone()),
                        "maturity_years": t.maturity_years,
                        "grace_years": t.grace_years,
                        "collateralized": t.collateralized,
                        "commodity": t.commodity,
                        "ge_oecd_cash_flow": t.grant_element.oecd_cash_flow,
                        "ge_oecd_grant_equivalent": t.grant_element.oecd_grant_equivalent,
                        "ge_imf": t.grant_element.imf,
                        "scheduled": l.scheduled,
                        "missing": l.missing,
                        "first_repayment": l.first_repayment,
                        "last_repayment": l.last_repayment,
                        "assumptions": l.assumptions.join("; "),
                    })
                })
                .collect();
            output::csv_rows(&mut out, &flat, LOAN_FIELDS)?
        }
        Format::Table => {
            let mut t = Table::new(&[
                "flow",
                "country",
                "year",
                "amount_usd",
                "rate",
                "maturity",
                "grace",
                "GE cash-flow",
                "collateral",
                "schedule",
            ])
            .right_align(&[2, 3, 7]);
            for l in &loans {
                let tm = &l.terms;
                t.row(vec![
                    truncate(&l.flow_id, 40),
                    opt(&l.country),
                    opt(&l.year),
                    usd(l.amount_usd_nominal),
                    tm.interest_rate
                        .map(|r| format!("{r}%"))
                        .or(tm.reference_rate.clone())
                        .unwrap_or_else(|| "-".into()),
                    opt(&tm.maturity_years),
                    opt(&tm.grace_years),
                    tm.grant_element
                        .oecd_cash_flow
                        .map(|v| format!("{v:.2}"))
                        .unwrap_or_else(|| "-".into()),
                    match (tm.collateralized, &tm.commodity) {
                        (Some(true), Some(c)) => format!("yes ({c})"),
                        (Some(true), None) => "yes".into(),
                        (Some(false), _) => "no".into(),
                        (None, _) => "-".into(),
                    },
                    if l.scheduled {
                        format!("{} assumption(s)", l.assumptions.len())
                    } else {
                        format!("not scheduled: {}", l.missing.as_deref().unwrap_or("-"))
                    },
                ]);
            }
            t.write(&mut out)?;
            writeln!(
                out,
                "{} counted loan(s); rates percent a year; maturity includes grace; GE = ruta's grant element (OECD cash-flow, 10 %)",
                loans.len()
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A loan's terms in a few words for `ruta project`: "2 %, 21.75 years (5 grace),
/// collateralised (oil-backed), grant element 54.70 (OECD cash-flow)"; None when no source
/// states any.
pub fn terms_words(t: &debt::FlowTerms) -> Option<String> {
    let mut parts = Vec::new();
    match (&t.interest_rate, &t.reference_rate) {
        (Some(r), _) => parts.push(format!("{r} %")),
        (None, Some(r)) => parts.push(r.clone()),
        _ => {}
    }
    if let Some(m) = t.maturity_years {
        parts.push(match t.grace_years {
            Some(g) => format!("{m} years ({g} grace)"),
            None => format!("{m} years"),
        });
    }
    if let (None, Some(l)) = (t.maturity_years, &t.last_repayment) {
        parts.push(format!("last repayment {l}"));
    }
    if t.collateralized == Some(true) {
        parts.push(match &t.commodity {
            Some(c) => format!("collateralised ({c}-backed)"),
            None => "collateralised".into(),
        });
    }
    if let Some(g) = t.grant_element.oecd_cash_flow {
        parts.push(format!("grant element {g:.2} (OECD cash-flow)"));
    }
    // Clauses a contract codes (How China Lends): those present, in words.
    let yes = |f: &str| {
        t.clauses
            .get(f)
            .is_some_and(|v| v == "yes" || v.starts_with("yes:"))
    };
    for (f, words) in [
        ("escrow_account", "escrow account"),
        ("revenue_account", "revenue account"),
        ("reserve_account", "reserve account"),
        ("cross_default", "cross-default"),
        ("confidentiality", "confidentiality"),
        ("no_paris_club_clause", "no Paris Club"),
        ("stabilization_clause", "stabilisation"),
        ("penalty_interest_clause", "penalty interest"),
    ] {
        if yes(f) {
            parts.push(format!("{words} clause"));
        }
    }
    if let Some(l) = t.clauses.get("governing_law") {
        parts.push(format!("governed by {l}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
