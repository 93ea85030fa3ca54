//! `/api/debt/*`: loans as debt, with the parameters of `ruta debt`. `schedule` and
//! `service` answer what `ruta debt schedule|service --format json` prints; `loans`
//! lists every counted loan with its terms, grant elements and the assumptions its
//! schedule took (or what it lacks), which the country page puts in words.

use crate::error::ErrorBody;
use crate::params::Params;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{RawQuery, State};
use ruta_store::debt::{
    self, Assume, DebtFilter, DebtOptions, LoanInfo, ScheduleRow, ServiceBy, ServiceRow, Years,
};
use std::sync::Arc;
use utoipa::IntoParams;

type St = State<Arc<AppState>>;

/// Which loans and how to schedule them.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct DebtParams {
    /// Borrower country, ISO 3166-1 alpha-3; an unknown code is a 400.
    country: Option<String>,
    /// One loan: any record id of its same-flow group.
    flow: Option<String>,
    /// full (default: all at commitment) or linear (equal semiannual tranches over grace).
    disbursement: Option<String>,
    /// Maturity in years (0–100) to assume for loans stating none; default: such loans
    /// are not scheduled.
    assume_maturity: Option<f64>,
    /// Grace in years (0–100) to assume for loans stating none; default 0.
    assume_grace: Option<f64>,
    /// Interest rate, percent a year (0–100), to assume for loans stating none; default:
    /// principal only.
    assume_rate: Option<f64>,
}

/// Grouping and years of `/api/debt/service`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ServiceParams {
    /// year (default), country or lender.
    by: Option<String>,
    /// First year (1900–2100).
    year_from: Option<i32>,
    /// Last year (1900–2100).
    year_to: Option<i32>,
}

fn number(p: &Params, name: &str, what: &str) -> Result<Option<f64>, ApiError> {
    let Some(v) = p.get(name) else {
        return Ok(None);
    };
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=100.0).contains(&x) => Ok(Some(x)),
        _ => Err(ApiError::param(
            name,
            format!("'{v}' is not {what} between 0 and 100"),
        )),
    }
}

/// The parameters every debt endpoint takes.
const COMMON: &[&str] = &[
    "country",
    "flow",
    "disbursement",
    "assume_maturity",
    "assume_grace",
    "assume_rate",
];

fn common(p: &Params) -> Result<(DebtFilter, DebtOptions), ApiError> {
    let mut f = DebtFilter::default();
    if let Some(c) = p.get("country") {
        f.country =
            Some(ruta_core::country::parse_iso3(c).map_err(|e| ApiError::param("country", e))?);
    }
    f.flow = p.get("flow").map(str::to_string);
    let disbursement = match p.get("disbursement") {
        None | Some("full") => ruta_debt::Disbursement::Full,
        Some("linear") => ruta_debt::Disbursement::Linear,
        Some(o) => {
            return Err(ApiError::param(
                "disbursement",
                format!("unknown disbursement '{o}'; accepted: full, linear"),
            ));
        }
    };
    let opts = DebtOptions {
        disbursement,
        assume: Assume {
            maturity_years: number(p, "assume_maturity", "a number of years")?,
            grace_years: number(p, "assume_grace", "a number of years")?,
            interest_percent: number(p, "assume_rate", "a percent")?,
        },
    };
    Ok((f, opts))
}

/// A `flow` that selects no counted loan is a 404 saying what it is.
fn check_flow(s: &ruta_store::Store, f: &DebtFilter, found: bool) -> Result<(), ApiError> {
    let Some(id) = &f.flow else { return Ok(()) };
    if found {
        return Ok(());
    }
    Err(match debt::flow_status(s.conn(), id)? {
        None => ApiError::not_found(format!("no flow '{id}'")),
        Some((kind, _)) if kind != "loan" => {
            ApiError::not_found(format!("flow '{id}' is a {kind}, not a loan"))
        }
        Some((_, reason)) => ApiError::not_found(format!(
            "loan '{id}' is not counted ({}) and no counted loan of its group matches",
            reason.as_deref().unwrap_or("no reason stated")
        )),
    })
}

fn year(p: &Params, name: &str) -> Result<Option<i32>, ApiError> {
    let Some(y) = p.get(name) else {
        return Ok(None);
    };
    y.parse::<i32>()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .map(Some)
        .ok_or_else(|| ApiError::param(name, format!("'{y}' is not a year between 1900 and 2100")))
}

/// Debt-service schedules of the counted loans: one row per loan and calendar year,
/// principal and interest paid and the outstanding balance at year end, in nominal US
/// dollars (and in the loan's currency). Equal principal, semiannual; loans without
/// enough terms are left out (see `/api/debt/loans`).
#[utoipa::path(get, path = "/api/debt/schedule", tag = "debt", params(DebtParams),
    responses((status = 200, body = Vec<ScheduleRow>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn schedule(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ScheduleRow>>, ApiError> {
    let (f, opts) = common(&Params::parse(raw.as_deref(), &[COMMON])?)?;
    let rows = st.pool.with(|s| -> Result<_, ApiError> {
        let (rows, loans) = debt::schedule_rows(s.conn(), &f, &opts)?;
        check_flow(s, &f, !loans.is_empty())?;
        Ok(rows)
    })?;
    Ok(Json(rows))
}

/// Debt service the counted loans' schedules project, by year, country or lender,
/// beside the debt service to China the World Bank's IDS reports (null without IDS data;
/// `reported_is_projection` for the Bank's own projections), the gap and shares of GDP.
/// Nominal US dollars.
#[utoipa::path(get, path = "/api/debt/service", tag = "debt", params(DebtParams, ServiceParams),
    responses((status = 200, body = Vec<ServiceRow>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn service(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ServiceRow>>, ApiError> {
    let p = Params::parse(raw.as_deref(), &[COMMON, &["by", "year_from", "year_to"]])?;
    let (f, opts) = common(&p)?;
    let by = match p.get("by") {
        None => ServiceBy::Year,
        Some(b) => ServiceBy::parse(b).ok_or_else(|| {
            ApiError::param(
                "by",
                format!(
                    "unknown dimension '{b}'; accepted: {}",
                    ServiceBy::NAMES.join(", ")
                ),
            )
        })?,
    };
    let years = Years {
        from: year(&p, "year_from")?,
        to: year(&p, "year_to")?,
    };
    let rows = st.pool.with(|s| -> Result<_, ApiError> {
        let (rows, loans) = debt::service(s.conn(), &f, by, years, &opts)?;
        check_flow(s, &f, !loans.is_empty())?;
        Ok(rows)
    })?;
    Ok(Json(rows))
}

/// Every counted loan as debt: its terms (rates percent a year, maturity including
/// grace, collateral, commodity), ruta's grant elements beside the dataset's, and either
/// its schedule's repayment window and the assumptions it took, in words, or the term it
/// lacks.
#[utoipa::path(get, path = "/api/debt/loans", tag = "debt", params(DebtParams),
    responses((status = 200, body = Vec<LoanInfo>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn loans(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<LoanInfo>>, ApiError> {
    let (f, opts) = common(&Params::parse(raw.as_deref(), &[COMMON])?)?;
    let loans = st.pool.with(|s| -> Result<_, ApiError> {
        let loans = debt::loans(s.conn(), &f, &opts)?;
        check_flow(s, &f, !loans.is_empty())?;
        Ok(loans)
    })?;
    Ok(Json(loans))
}
