//! `/api/trade`: China–LAC goods trade as both sides report it (the same parameters as
//! `ruta trade`), and `/api/trade/totals`, the displayed values summed over LAC per year
//! for the overview's trade line.

use crate::error::ErrorBody;
use crate::params::Params;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{RawQuery, State};
use ruta_store::trade::{
    self, ReporterFilter, TradeBy, TradeCountry, TradeQuery, TradeRow, TradeYear,
};
use std::sync::Arc;
use utoipa::IntoParams;

type St = State<Arc<AppState>>;

/// Query parameters of `/api/trade`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TradeParams {
    /// LAC partner, ISO 3166-1 alpha-3 (default: every LAC state); an unknown code is a 400.
    country: Option<String>,
    /// One year (1900–2100).
    year: Option<i32>,
    /// year (all goods, default) or hs2 (HS chapters).
    by: Option<String>,
    /// china, partner, both (default: the mirror) or news (figures stated in articles).
    reporter: Option<String>,
}

fn query(p: &Params) -> Result<TradeQuery, ApiError> {
    let mut q = TradeQuery::default();
    if let Some(c) = p.get("country") {
        q.country =
            Some(ruta_core::country::parse_iso3(c).map_err(|e| ApiError::param("country", e))?);
    }
    if let Some(y) = p.get("year") {
        q.year = Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1900..=2100).contains(y))
                .ok_or_else(|| {
                    ApiError::param("year", format!("'{y}' is not a year between 1900 and 2100"))
                })?,
        );
    }
    if let Some(b) = p.get("by") {
        q.by = TradeBy::parse(b).ok_or_else(|| {
            ApiError::param(
                "by",
                format!(
                    "unknown level '{b}'; accepted: {}",
                    TradeBy::NAMES.join(", ")
                ),
            )
        })?;
    }
    if let Some(r) = p.get("reporter") {
        q.reporter = ReporterFilter::parse(r).ok_or_else(|| {
            ApiError::param(
                "reporter",
                format!(
                    "unknown reporter '{r}'; accepted: {}",
                    ReporterFilter::NAMES.join(", ")
                ),
            )
        })?;
    }
    Ok(q)
}

/// The parameters `/api/trade` and `/api/trade/totals` take.
const TRADE_PARAMS: &[&str] = &["country", "year", "by", "reporter"];

/// China–LAC goods trade, seen from China (`export` = China → the country, `import` = the
/// country → China), one row per reporter (`CHN` or the partner: the two sides of the
/// mirror) with the other side's value, the gap (partner-reported minus China-reported),
/// whether the display rule shows it (the importer's figure unless missing), China's share
/// of the country's trade where the country's totals are known, and every source (dataset,
/// vintage, file, line). Nominal USD; exports FOB, imports CIF.
#[utoipa::path(get, path = "/api/trade", tag = "trade", params(TradeParams),
    responses((status = 200, body = Vec<TradeRow>), (status = 400, body = ErrorBody)))]
pub async fn trade_rows(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<TradeRow>>, ApiError> {
    let q = query(&Params::parse(raw.as_deref(), &[TRADE_PARAMS])?)?;
    Ok(Json(st.pool.with(|s| trade::trade(s.conn(), &q))?))
}

/// China–LAC trade per year: the displayed all-goods values summed over the LAC states
/// (China → LAC and LAC → China, nominal USD) and how many states the imported files cover.
/// Takes `year` and `country` like `/api/trade`.
#[utoipa::path(get, path = "/api/trade/totals", tag = "trade", params(TradeParams),
    responses((status = 200, body = Vec<TradeYear>), (status = 400, body = ErrorBody)))]
pub async fn trade_totals(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<TradeYear>>, ApiError> {
    let mut q = query(&Params::parse(raw.as_deref(), &[TRADE_PARAMS])?)?;
    q.by = TradeBy::Year;
    q.reporter = ReporterFilter::Both;
    let rows = st.pool.with(|s| trade::trade(s.conn(), &q))?;
    Ok(Json(trade::totals_by_year(&rows)))
}

/// Query parameters of `/api/trade/countries`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TradeCountryParams {
    /// One year (1900–2100); default: each country's latest year with a value.
    year: Option<i32>,
}

/// China's goods trade with each LAC state the imported files cover, in one year: the
/// displayed all-goods values (China → the country and the country → China, nominal USD),
/// for the countries page. Without `year`, each country's latest year with a value.
#[utoipa::path(get, path = "/api/trade/countries", tag = "trade", params(TradeCountryParams),
    responses((status = 200, body = Vec<TradeCountry>), (status = 400, body = ErrorBody)))]
pub async fn trade_countries(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<TradeCountry>>, ApiError> {
    let mut q = query(&Params::parse(raw.as_deref(), &[&["year"]])?)?;
    q.by = TradeBy::Year;
    q.reporter = ReporterFilter::Both;
    let rows = st.pool.with(|s| trade::trade(s.conn(), &q))?;
    Ok(Json(trade::latest_by_country(&rows)))
}
