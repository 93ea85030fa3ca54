//! The JSON API under `/api`, and its OpenAPI document.

use crate::error::ErrorBody;
use crate::params::{DEFAULT_LIMIT, FILTER, MAX_EXPORT, MAX_LIMIT, PAGE, PAGING, Params};
use crate::{ApiError, AppState};
use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ruta_store::events::EventRow;
use ruta_store::evidence::{EvidenceFilter, EvidenceRow};
use ruta_store::explore::{
    self, CountryDetail, CountrySummary, MatrixRow, OrgDetail, OrgSummary, SearchResults,
};
use ruta_store::flows::{self as flowq, FlowInfo, FrontierRow, StatRow, StatsBy};
use ruta_store::link::LinkCandidate;
use ruta_store::problems::{Population, ProblemRow, ProblemsBy};
use ruta_store::query::{self, ProjectDetail, ProjectSummary, SourceInfo};
use serde::Serialize;
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};

type St = State<Arc<AppState>>;
type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes(state: Arc<AppState>) -> Router {
    let mut r = Router::new()
        .route("/api/projects", get(projects))
        .route("/api/projects.csv", get(projects_csv))
        .route("/api/projects.geojson", get(projects_geojson))
        .route("/api/projects/{id}", get(project))
        .route("/api/flows", get(flow_list))
        .route("/api/link/candidates", get(link_candidates))
        .route("/api/stats/flows", get(flows))
        .route("/api/stats/frontier-share", get(frontier_share))
        .route("/api/stats/problems", get(problems))
        .route("/api/events", get(events))
        .route("/api/countries", get(countries))
        .route("/api/countries/{iso3}", get(country))
        .route("/api/organizations", get(organizations))
        .route("/api/organizations/{id}", get(organization))
        .route("/api/sources/{id}", get(source))
        .route("/api/search", get(search))
        .route("/api/evidence", get(evidence))
        .route("/api/meta", get(meta))
        .route("/api/trade", get(crate::trade::trade_rows))
        .route("/api/trade/totals", get(crate::trade::trade_totals))
        .route("/api/trade/countries", get(crate::trade::trade_countries))
        .route(
            "/api/export/datapackage.zip",
            get(crate::package::datapackage),
        )
        .route("/api/debt/schedule", get(crate::debt::schedule))
        .route("/api/debt/service", get(crate::debt::service))
        .route("/api/debt/loans", get(crate::debt::loans))
        .route("/api/openapi.json", get(openapi_json));
    if state.admin_token.is_some() {
        r = r.route("/api/import", post(import));
    }
    r.route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API endpoint; see /api/openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not accept that method",
    )
}

fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    p.map(|Path(v)| v)
        .map_err(|e| ApiError::not_found(format!("bad path: {e}")))
}

/// Filters shared by project listings, totals and exports.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FilterParams {
    /// Recipient country, ISO 3166-1 alpha-3 (e.g. PER); an unknown code is a 400.
    country: Option<String>,
    /// traditional_infrastructure, new_frontier, extractives, agriculture, social, finance_other
    sector_group: Option<String>,
    /// loan, grant, equity, m_and_a, construction_contract, debt_relief, unknown
    flow_kind: Option<String>,
    /// pledge, commitment, implementation, completion, suspended, cancelled
    status: Option<String>,
    /// Organization id or name, in any role (lender, investor, contractor …).
    org: Option<String>,
    /// First commitment or deal year (1900–2100).
    #[param(minimum = 1900, maximum = 2100)]
    year_from: Option<i32>,
    /// Last year (1900–2100).
    #[param(minimum = 1900, maximum = 2100)]
    year_to: Option<i32>,
    /// Full-text search over names, aliases, descriptions and parties (at most 500 bytes).
    #[param(max_length = 500)]
    q: Option<String>,
    /// min_lon,min_lat,max_lon,max_lat of the project's representative point.
    bbox: Option<String>,
    /// Dataset as stored (e.g. "AidData GCDF"), or "registry".
    dataset: Option<String>,
    /// Belt and Road membership of the flow's country at its commitment date: member or
    /// non-member (GFDC's list of May 2025; a date known to the year is taken as 1 July,
    /// to the month as the 15th). For projects: one of their flows.
    bri: Option<String>,
}

/// Ordering and paging of project listings.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PageParams {
    /// -amount (default), amount, -year, year, name, country, relevance
    sort: Option<String>,
    /// 1–1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// Rows to skip (default 0); a page's `next_offset` gives the next one.
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<u64>,
}

/// Paging of lists that have one order.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PagingParams {
    /// 1–1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// Rows to skip (default 0).
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<u64>,
}

/// A page of projects.
#[derive(Serialize, ToSchema)]
pub struct ProjectPage {
    pub items: Vec<ProjectSummary>,
    /// Projects matching the filters.
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
    /// Offset of the next page; null on the last one.
    pub next_offset: Option<u64>,
}

/// List projects, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/projects", tag = "projects", params(FilterParams, PageParams),
    responses((status = 200, body = ProjectPage), (status = 400, body = ErrorBody)))]
async fn projects(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<ProjectPage> {
    let p = Params::parse(raw.as_deref(), &[FILTER, PAGE])?;
    let f = p.filter()?;
    let sort = p.sort()?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let (items, total) = st
        .pool
        .with(|s| query::list_projects(s.conn(), &f, sort, limit, offset))?;
    let next = offset + items.len() as u64;
    Ok(Json(ProjectPage {
        items,
        total,
        limit,
        offset,
        next_offset: (next < total).then_some(next),
    }))
}

/// Everything about one project: its value, its flows (each counted or not, and why),
/// its records, locations, parties, every claim with its source and quote (conflicts
/// flagged), events, parent and children. Any record id resolves: a dataset id whose
/// record now belongs to another project answers with that project and
/// `redirected_from`.
#[utoipa::path(get, path = "/api/projects/{id}", tag = "projects", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectDetail), (status = 404, body = ErrorBody)))]
async fn project(
    State(st): St,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let id = path(id)?;
    let detail = st
        .pool
        .with(|s| query::project_detail(s.conn(), &id))?
        .ok_or_else(|| ApiError::not_found(format!("no project '{id}'")))?;
    safe_json(&detail)
}

/// Serialises `v` with every link made safe ([`safe_links`]).
fn safe_json<T: Serialize>(v: &T) -> Result<Json<serde_json::Value>, ApiError> {
    let mut v = serde_json::to_value(v).map_err(|e| ApiError::internal("cannot encode", e))?;
    safe_links(&mut v);
    Ok(Json(v))
}

/// Sources may cite any text as their URL. Only `http(s)://` URLs are served as `url`;
/// anything else (`javascript:`, `data:`, `//host`, relative paths) moves to
/// `url_unsafe`, so no client turns it into a link by accident.
pub fn safe_links(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            let unsafe_url = match m.get("url") {
                Some(serde_json::Value::String(u)) if !is_web_url(u) => Some(u.clone()),
                _ => None,
            };
            if let Some(u) = unsafe_url {
                m.insert("url".into(), serde_json::Value::Null);
                m.insert("url_unsafe".into(), serde_json::Value::String(u));
            }
            for x in m.values_mut() {
                safe_links(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(safe_links),
        _ => {}
    }
}

fn is_web_url(u: &str) -> bool {
    let t = u.trim_start();
    let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !t.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Rows per page of an export: each page is one query with its own deadline, and the
/// next one is read only when the client has taken the last.
const EXPORT_PAGE: u32 = 2000;

#[derive(Clone, Copy)]
enum Export {
    Csv,
    Geojson,
}

fn csv_rows(rows: &[ProjectSummary], header: bool) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160 + 256));
    let bad = |e: csv::Error| ApiError::internal("cannot write CSV", e);
    if header {
        w.write_record(query::SUMMARY_FIELDS).map_err(bad)?;
    }
    for r in rows {
        let v = serde_json::to_value(r).unwrap_or_default();
        w.write_record(query::SUMMARY_FIELDS.iter().map(|f| match v.get(*f) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }))
        .map_err(bad)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal("cannot write CSV", e))
}

fn geojson_rows(rows: Vec<ProjectSummary>, first: bool) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::with_capacity(rows.len() * 400 + 64);
    if first {
        out.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
    }
    for (i, r) in rows.into_iter().enumerate() {
        if !(first && i == 0) {
            out.push(b',');
        }
        let geometry = match (r.lon, r.lat) {
            (Some(x), Some(y)) => serde_json::json!({"type": "Point", "coordinates": [x, y]}),
            _ => serde_json::Value::Null,
        };
        let mut f = serde_json::json!({"type": "Feature", "id": r.id, "geometry": geometry, "properties": r});
        safe_links(&mut f);
        serde_json::to_writer(&mut out, &f)
            .map_err(|e| ApiError::internal("cannot write GeoJSON", e))?;
    }
    Ok(out)
}

/// An export, streamed page by page; at most `Limits::exports` run at once.
async fn export(
    st: Arc<AppState>,
    raw: Option<String>,
    kind: Export,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &[FILTER, PAGE])?;
    let f = p.filter()?;
    let sort = p.sort()?;
    let (limit, offset) = p.page(MAX_EXPORT, MAX_EXPORT)?;
    let permit = st.exports.clone().try_acquire_owned().map_err(|_| {
        ApiError::busy("busy", "too many exports are running; try again shortly", 5)
    })?;
    // The first page here, so a bad filter or a timeout is still a JSON error.
    let n = limit.min(EXPORT_PAGE);
    let (rows, _) = st
        .pool
        .with(|s| query::list_projects(s.conn(), &f, sort, n, offset))?;
    let mut done = rows.len() as u64;
    let more = rows.len() as u32 == n && done < u64::from(limit);
    let first = match kind {
        Export::Csv => csv_rows(&rows, true)?,
        Export::Geojson => geojson_rows(rows, true)?,
    };
    let first_empty = done == 0;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let _ = tx.try_send(Ok(Bytes::from(first)));
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut any = !first_empty;
        let mut more = more;
        while more {
            let n = (u64::from(limit) - done).min(u64::from(EXPORT_PAGE)) as u32;
            let page = st
                .pool
                .with(|s| query::list_projects(s.conn(), &f, sort, n, offset + done))
                .and_then(|(rows, _)| {
                    more = rows.len() as u32 == n;
                    done += rows.len() as u64;
                    match kind {
                        Export::Csv => csv_rows(&rows, false),
                        Export::Geojson => {
                            let b = geojson_rows(rows, !any);
                            any = true;
                            b
                        }
                    }
                });
            more = more && done < u64::from(limit);
            let msg = page
                .map(Bytes::from)
                .map_err(|e| std::io::Error::other(format!("export stopped: {}", e.body.detail)));
            let failed = msg.is_err();
            if tx.blocking_send(msg).is_err() || failed {
                return;
            }
        }
        if let Export::Geojson = kind {
            let _ = tx.blocking_send(Ok(Bytes::from_static(b"]}")));
        }
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    let (ctype, disposition) = match kind {
        Export::Csv => (
            "text/csv; charset=utf-8",
            "attachment; filename=\"ruta-projects.csv\"",
        ),
        Export::Geojson => (
            "application/geo+json",
            "attachment; filename=\"ruta-projects.geojson\"",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The projects a listing would show (same filters), as CSV, all pages (up to 1,000,000),
/// streamed.
#[utoipa::path(get, path = "/api/projects.csv", tag = "exports", params(FilterParams, ExportParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn projects_csv(State(st): St, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    export(st, raw, Export::Csv).await
}

/// The projects a listing would show, as a GeoJSON FeatureCollection of their
/// representative points (null geometry when a project has no location), streamed.
#[utoipa::path(get, path = "/api/projects.geojson", tag = "exports", params(FilterParams, ExportParams),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn projects_geojson(State(st): St, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    export(st, raw, Export::Geojson).await
}

/// Ordering and paging of exports.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ExportParams {
    /// -amount (default), amount, -year, year, name, country, relevance
    sort: Option<String>,
    /// 1–1000000 (default: all).
    #[param(minimum = 1, maximum = 1000000)]
    limit: Option<u32>,
    /// Rows to skip (default 0).
    #[param(minimum = 0, maximum = 1000000000)]
    offset: Option<u64>,
}

/// Which flows `/api/flows` lists.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FlowListParams {
    /// Only the flows of this project (any of its record ids).
    project: Option<String>,
    /// true: only flows totals count; false: only flows they leave out.
    counted: Option<bool>,
    /// 1–1000 (default 50).
    limit: Option<u32>,
    /// Rows to skip (default 0).
    offset: Option<u64>,
}

/// A page of flows.
#[derive(Serialize, ToSchema)]
pub struct FlowPage {
    pub items: Vec<FlowInfo>,
    /// Flows matching the filters.
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
    pub next_offset: Option<u64>,
}

/// Flows (loans, grants, equity investments and acquisitions, construction contracts),
/// largest first, each with its evidence, parties, relations, and whether totals count
/// it and why not. The counted flows with the same filters sum to `/api/stats/flows`.
#[utoipa::path(get, path = "/api/flows", tag = "flows", params(FilterParams, FlowListParams),
    responses((status = 200, body = FlowPage), (status = 400, body = ErrorBody)))]
async fn flow_list(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<FlowPage> {
    let p = Params::parse(raw.as_deref(), &[FILTER, &["project", "counted"], PAGING])?;
    let f = p.filter()?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let (items, total) = st
        .pool
        .with(|s| flowq::list_flows(s.conn(), &f, limit, offset))?;
    let next = offset + items.len() as u64;
    Ok(Json(FlowPage {
        items,
        total,
        limit,
        offset,
        next_offset: (next < total).then_some(next),
    }))
}

/// Which candidates `/api/link/candidates` lists.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct CandidateParams {
    /// same_as, supersedes, finances, refinances, part_of.
    kind: Option<String>,
    /// 1–1000 (default 50).
    limit: Option<u32>,
    /// Rows to skip (default 0).
    offset: Option<u64>,
}

/// A page of linker candidates.
#[derive(Serialize, ToSchema)]
pub struct CandidatePage {
    pub items: Vec<LinkCandidate>,
    /// Candidates awaiting a person's decision.
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
    pub next_offset: Option<u64>,
}

/// Relations the record linker proposes but does not apply (match probability between
/// its thresholds, or kept apart by a constraint) and no person has decided yet,
/// strongest first, each with both records and the match-weight waterfall that
/// explains it. Decide with `ruta link accept|reject A B`.
#[utoipa::path(get, path = "/api/link/candidates", tag = "link", params(CandidateParams),
    responses((status = 200, body = CandidatePage), (status = 400, body = ErrorBody)))]
async fn link_candidates(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<CandidatePage> {
    let p = Params::parse(raw.as_deref(), &[&["kind"], PAGING])?;
    let kind = match p.get("kind") {
        None => None,
        Some(k) => Some(
            ruta_core::RelationKind::parse(k)
                .ok_or_else(|| {
                    ApiError::param(
                        "kind",
                        format!(
                            "unknown relation kind '{k}'; accepted values: {}",
                            ruta_core::RelationKind::names().join(", ")
                        ),
                    )
                })?
                .as_str(),
        ),
    };
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let (items, total) = st
        .pool
        .with(|s| ruta_store::link::candidates(s.conn(), kind, limit, offset))?;
    let next = offset + items.len() as u64;
    Ok(Json(CandidatePage {
        items,
        total,
        limit,
        offset,
        next_offset: (next < total).then_some(next),
    }))
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FlowParams {
    /// year, country, sector_group, flow_kind or lender (required).
    by: String,
    /// Optional second dimension (year, country, sector_group, flow_kind): rows then carry
    /// `split`, e.g. by=year&split=sector_group for the stacked chart. Ignored when `by` is
    /// lender or equals `split`.
    split: Option<String>,
}

/// One group of a flow total (or one cell, with `split`).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum FlowRow {
    Total(StatRow),
    Split(MatrixRow),
}

/// Totals of counted flows in constant 2021 US dollars (each flow once: duplicates,
/// superseded releases, financed contracts, refinancings, umbrella parents, pledges and
/// AidData's Recommended For Aggregates = No left out). By lender: counted loans split
/// evenly among their Chinese lenders, "unattributed" when none is stated.
#[utoipa::path(get, path = "/api/stats/flows", tag = "stats", params(FlowParams, FilterParams),
    responses((status = 200, body = Vec<FlowRow>), (status = 400, body = ErrorBody)))]
async fn flows(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<Vec<FlowRow>> {
    let p = Params::parse(raw.as_deref(), &[&["by", "split"], FILTER])?;
    let by = p.by("by", None)?;
    let f = p.filter()?;
    match p.get("split") {
        None => Ok(Json(
            st.pool
                .with(|s| flowq::stats(s.conn(), by, &f))?
                .into_iter()
                .map(FlowRow::Total)
                .collect(),
        )),
        Some(_) => {
            let split = p.by("split", None)?;
            if split == StatsBy::Lender {
                return Err(ApiError::param("split", "totals cannot be split by lender"));
            }
            if by == StatsBy::Lender || split == by {
                // Lender totals are not split, and a split by the same dimension is none.
                return Ok(Json(
                    st.pool
                        .with(|s| flowq::stats(s.conn(), by, &f))?
                        .into_iter()
                        .map(FlowRow::Total)
                        .collect(),
                ));
            }
            Ok(Json(
                st.pool
                    .with(|s| explore::stats_split(s.conn(), by, split, &f))?
                    .into_iter()
                    .map(FlowRow::Split)
                    .collect(),
            ))
        }
    }
}

/// The new-frontier share (digital, renewables, EVs and batteries, critical minerals) of
/// each year's counted flows.
#[utoipa::path(get, path = "/api/stats/frontier-share", tag = "stats",
    params(("by" = Option<String>, Query, description = "year (the only dimension; default)"), FilterParams),
    responses((status = 200, body = Vec<FrontierRow>), (status = 400, body = ErrorBody)))]
async fn frontier_share(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<Vec<FrontierRow>> {
    let p = Params::parse(raw.as_deref(), &[&["by"], FILTER])?;
    if p.by("by", Some(StatsBy::Year))? != StatsBy::Year {
        return Err(ApiError::param("by", "the frontier share is by year only"));
    }
    let f = p.filter()?;
    Ok(Json(st.pool.with(|s| flowq::frontier_share(s.conn(), &f))?))
}

/// Implementation problems: for each group, the projects of the population, how many met
/// at least one sourced problem event, the rate (a fraction) and events by kind. The
/// default population is AidData's: infrastructure projects with Chinese finance.
#[utoipa::path(get, path = "/api/stats/problems", tag = "stats",
    params(("by" = Option<String>, Query, description = "sector_group (default), country, lender, year or kind"),
           ("population" = Option<String>, Query, description = "infrastructure-finance (default) or all-counted"),
           FilterParams),
    responses((status = 200, body = Vec<ProblemRow>), (status = 400, body = ErrorBody)))]
async fn problems(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<Vec<ProblemRow>> {
    let p = Params::parse(raw.as_deref(), &[&["by", "population"], FILTER])?;
    let by = match p.get("by") {
        None => ProblemsBy::SectorGroup,
        Some(v) => ProblemsBy::parse(v).ok_or_else(|| {
            ApiError::param(
                "by",
                format!("unknown '{v}'; accepted: {}", ProblemsBy::NAMES.join(", ")),
            )
        })?,
    };
    let population = match p.get("population") {
        None => Population::default(),
        Some(v) => Population::parse(v).ok_or_else(|| {
            ApiError::param(
                "population",
                format!("unknown '{v}'; accepted: {}", Population::NAMES.join(", ")),
            )
        })?,
    };
    let f = p.filter()?;
    Ok(Json(st.pool.with(|s| {
        ruta_store::problems::problems(s.conn(), by, population, &f)
    })?))
}

/// A page of events.
#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventRow>,
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
    pub next_offset: Option<u64>,
}

/// Events (implementation problems and milestones) across the database, newest first,
/// each with its project (null when unattached), country and sources.
#[utoipa::path(get, path = "/api/events", tag = "events",
    params(("project" = Option<String>, Query, description = "Any record id of the project"),
           ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-3"),
           ("kind" = Option<String>, Query, description = "Event kind"),
           ("unattached" = Option<bool>, Query, description = "Only events no project could be identified for"),
           ("problems" = Option<bool>, Query, description = "Only implementation problems"),
           ("q" = Option<String>, Query, description = "Words of the summary, project or quotes"),
           ("limit" = Option<u32>, Query, description = "1–1000 (default 50)"),
           ("offset" = Option<u64>, Query, description = "Rows to skip")),
    responses((status = 200, body = EventPage), (status = 400, body = ErrorBody)))]
async fn events(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<EventPage> {
    let p = Params::parse(
        raw.as_deref(),
        &[
            &["project", "country", "kind", "unattached", "problems", "q"],
            PAGING,
        ],
    )?;
    let flag = |name: &str| -> Result<Option<bool>, ApiError> {
        match p.get(name) {
            None => Ok(None),
            Some("true" | "1" | "yes") => Ok(Some(true)),
            Some("false" | "0" | "no") => Ok(Some(false)),
            Some(v) => Err(ApiError::param(name, format!("'{v}' is not true or false"))),
        }
    };
    let f = ruta_store::events::EventFilter {
        project: p.get("project").map(str::to_string),
        country: match p.get("country") {
            Some(c) => {
                Some(ruta_core::country::parse_iso3(c).map_err(|e| ApiError::param("country", e))?)
            }
            None => None,
        },
        kind: match p.get("kind") {
            Some(k) => Some(
                k.parse()
                    .map_err(|e: ruta_core::UnknownValue| ApiError::param("kind", e))?,
            ),
            None => None,
        },
        unattached: flag("unattached")?,
        q: p.get("q").map(str::to_string),
        problems_only: flag("problems")?.unwrap_or(false),
    };
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let (items, total) = st
        .pool
        .with(|s| ruta_store::events::list_events(s.conn(), &f, limit, offset))?;
    let next = offset + items.len() as u64;
    Ok(Json(EventPage {
        items,
        total,
        limit,
        offset,
        next_offset: (next < total).then_some(next),
    }))
}

/// The 33 Latin American and Caribbean states and every other country with projects, with
/// project counts and totals.
#[utoipa::path(get, path = "/api/countries", tag = "countries", responses((status = 200, body = Vec<CountrySummary>)))]
async fn countries(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<Vec<CountrySummary>> {
    Params::parse(raw.as_deref(), &[])?;
    Ok(Json(st.pool.with(|s| explore::countries(s.conn()))?))
}

/// One country: totals by year and sector group, by flow kind, lenders, top projects and
/// events.
#[utoipa::path(get, path = "/api/countries/{iso3}", tag = "countries", params(("iso3" = String, Path, description = "ISO 3166-1 alpha-3")),
    responses((status = 200, body = CountryDetail), (status = 404, body = ErrorBody)))]
async fn country(
    State(st): St,
    iso3: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<CountryDetail> {
    Params::parse(raw.as_deref(), &[])?;
    let code = path(iso3)?;
    let iso3 = ruta_core::country::parse_iso3(&code)
        .map_err(|_| ApiError::not_found(format!("no country '{code}'")))?;
    st.pool
        .with(|s| explore::country_detail(s.conn(), &iso3))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no country '{code}'")))
}

/// A page of organizations.
#[derive(Serialize, ToSchema)]
pub struct OrgPage {
    pub items: Vec<OrgSummary>,
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
    pub next_offset: Option<u64>,
}

/// Organizations (lenders, investors, contractors, borrowers …), most projects first.
#[utoipa::path(get, path = "/api/organizations", tag = "organizations",
    params(("q" = Option<String>, Query, max_length = 500, description = "Search names and aliases (EN/ES/PT/ZH)"), PagingParams),
    responses((status = 200, body = OrgPage), (status = 400, body = ErrorBody)))]
async fn organizations(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<OrgPage> {
    let p = Params::parse(raw.as_deref(), &[&["q"], PAGING])?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let q = p.get("q").map(str::to_string);
    let (items, total) = st
        .pool
        .with(|s| explore::organizations(s.conn(), q.as_deref(), limit, offset))?;
    let next = offset + items.len() as u64;
    Ok(Json(OrgPage {
        items,
        total,
        limit,
        offset,
        next_offset: (next < total).then_some(next),
    }))
}

/// One organization: aliases, parent and subsidiaries, its projects by role, totals.
#[utoipa::path(get, path = "/api/organizations/{id}", tag = "organizations", params(("id" = String, Path, description = "Organization id")),
    responses((status = 200, body = OrgDetail), (status = 404, body = ErrorBody)))]
async fn organization(
    State(st): St,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<OrgDetail> {
    Params::parse(raw.as_deref(), &[])?;
    let id = path(id)?;
    st.pool
        .with(|s| explore::organization_detail(s.conn(), &id))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no organization '{id}'")))
}

/// A source and what it backs.
#[derive(Serialize, ToSchema)]
pub struct SourceDetail {
    #[serde(flatten)]
    pub source: SourceInfo,
    /// Projects it makes claims about or is cited by.
    pub projects: Vec<SourceProject>,
    pub claims: u64,
    pub events: u64,
    pub unattached_figures: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SourceProject {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
}

/// One source: dataset record, article or document, and the projects it speaks of.
#[utoipa::path(get, path = "/api/sources/{id}", tag = "sources", params(("id" = i64, Path, description = "Source id")),
    responses((status = 200, body = SourceDetail), (status = 404, body = ErrorBody)))]
async fn source(
    State(st): St,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    let raw = path(id)?;
    let Ok(id) = raw.parse::<i64>() else {
        return Err(ApiError::not_found(format!("no source '{raw}'")));
    };
    let detail = st.pool.with(|s| -> Result<SourceDetail, ApiError> {
        let c = s.conn();
        let Some(source) = query::source(c, id)? else {
            return Err(ApiError::not_found(format!("no source {id}")));
        };
        let store_err = |e: rusqlite::Error| ApiError::from(ruta_store::StoreError::from(e));
        let projects = c
            .prepare_cached(
                "SELECT p.id, p.name, p.country FROM projects p WHERE p.id IN
                   (SELECT project_id FROM claims WHERE source_id = ?1 UNION SELECT project_id FROM project_sources WHERE source_id = ?1
                    UNION SELECT e.project_id FROM event_sources es JOIN events e ON e.id = es.event_id WHERE es.source_id = ?1)
                 ORDER BY p.name LIMIT 1000",
            )
            .and_then(|mut st| {
                st.query_map([id], |r| Ok(SourceProject { id: r.get(0)?, name: r.get(1)?, country: r.get(2)? }))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(store_err)?;
        let count = |sql: &str| -> Result<u64, ApiError> {
            c.query_row(sql, [id], |r| r.get::<_, i64>(0)).map(|n| n as u64).map_err(store_err)
        };
        Ok(SourceDetail {
            source,
            projects,
            claims: count("SELECT COUNT(*) FROM claims WHERE source_id = ?1")?,
            events: count("SELECT COUNT(*) FROM event_sources WHERE source_id = ?1")?,
            unattached_figures: count("SELECT COUNT(*) FROM evidence WHERE source_id = ?1")?,
        })
    })?;
    safe_json(&detail)
}

/// Full-text search over projects, organizations, sources, claim quotes and unattached
/// figures from the news.
#[utoipa::path(get, path = "/api/search", tag = "search",
    params(("q" = String, Query, max_length = 500, pattern = r"\S", description = "Words to find (required)"), ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Hits per kind, 1–100 (default 20)")),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody)))]
async fn search(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = Params::parse(raw.as_deref(), &[&["q", "limit"]])?;
    let Some(q) = p.get("q") else {
        return Err(ApiError::param("q", "required"));
    };
    let (limit, _) = p.page(20, 100)?;
    safe_json(&st.pool.with(|s| explore::search(s.conn(), q, limit))?)
}

/// A page of unattached figures.
#[derive(Serialize, ToSchema)]
pub struct EvidencePage {
    pub items: Vec<EvidenceRow>,
    pub total: u64,
}

/// Money, quantities and percents from ingested news that no project could be linked to.
#[utoipa::path(get, path = "/api/evidence", tag = "search",
    params(("q" = Option<String>, Query, max_length = 500, description = "Words in the sentence"), ("country" = Option<String>, Query, description = "ISO3 of the country the sentence names"),
        ("kind" = Option<String>, Query, description = "money, quantity or percent"), PagingParams),
    responses((status = 200, body = EvidencePage), (status = 400, body = ErrorBody)))]
async fn evidence(
    State(st): St,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = Params::parse(raw.as_deref(), &[&["q", "country", "kind"], PAGING])?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let country = match p.get("country") {
        Some(c) => {
            Some(ruta_core::country::parse_iso3(c).map_err(|e| ApiError::param("country", e))?)
        }
        None => None,
    };
    let kind = match p.get("kind") {
        None => None,
        Some(k @ ("money" | "quantity" | "percent")) => Some(k.to_string()),
        Some(k) => {
            return Err(ApiError::param(
                "kind",
                format!("unknown kind '{k}'; one of money, quantity, percent"),
            ));
        }
    };
    let f = EvidenceFilter {
        q: p.get("q").map(str::to_string),
        country,
        kind,
        source_id: None,
        limit: limit as usize,
        offset: offset as usize,
    };
    let (items, total) = st
        .pool
        .with(|s| ruta_store::evidence::evidence_rows(s.conn(), &f))?;
    safe_json(&EvidencePage { items, total })
}

/// What the database holds and how its numbers are made.
#[derive(Serialize, ToSchema)]
pub struct Meta {
    #[schema(value_type = Object)]
    pub counts: serde_json::Value,
    pub registry_version: Option<String>,
    /// Exchange-rate and deflator tables behind derived US dollar figures.
    pub conversion: String,
    pub schema_version: i32,
    pub version: String,
    /// Whether POST /api/import is enabled.
    pub import_enabled: bool,
}

/// Counts, versions and the conversion table.
#[utoipa::path(get, path = "/api/meta", tag = "meta", responses((status = 200, body = Meta)))]
async fn meta(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<Meta> {
    Params::parse(raw.as_deref(), &[])?;
    let (counts, registry_version) = st.pool.with(|s| -> Result<_, ApiError> {
        Ok((query::counts(s.conn())?, s.meta("registry_version")?))
    })?;
    Ok(Json(Meta {
        counts,
        registry_version,
        conversion: ruta_core::money::RUTA_CONVERSION.to_string(),
        schema_version: ruta_store::schema::SCHEMA_VERSION,
        version: env!("CARGO_PKG_VERSION").to_string(),
        import_enabled: st.admin_token.is_some(),
    }))
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ImportParams {
    /// gcdf, gcdf-adm, geojson, aei-cgit or bu-cgef (required).
    kind: String,
    /// lac (default) or all.
    region: Option<String>,
    /// File name, for messages and the kind of file (…xlsx, …adm2…): not only dots, no
    /// control characters.
    #[param(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^.\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    name: Option<String>,
}

/// The admin token, checked from the headers before anything reads the request body.
pub struct Admin;

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Admin, ApiError> {
        let token = st.admin_token.as_deref().unwrap_or_default();
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if token.is_empty() || !constant_time_eq(given.as_bytes(), token.as_bytes()) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "POST /api/import needs Authorization: Bearer <admin token>",
            ));
        }
        Ok(Admin)
    }
}

/// An upload's file name: kept for messages and for telling kinds of file apart, never a
/// path (separators become `_`); `.`, `..`, control characters (`%00`) and over-long
/// names are a 400.
fn upload_name(name: Option<&str>) -> Result<String, ApiError> {
    let name = name.unwrap_or("upload");
    if name.chars().all(|c| c == '.') || name.chars().any(char::is_control) || name.len() > 200 {
        return Err(ApiError::param(
            "name",
            "not a file name (not only dots, no control characters, at most 200 bytes)",
        ));
    }
    Ok(name.replace(['/', '\\'], "_"))
}

/// Imports one file sent as the request body (admin only: `Authorization: Bearer TOKEN`).
/// The file is imported in one transaction; the response is its report. The token is
/// checked before the body is read; the body is streamed to a temporary file, up to the
/// server's upload limit (413). While another process holds the write lock the answer is
/// 503 with `Retry-After`.
#[utoipa::path(post, path = "/api/import", tag = "admin", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = Object, description = "Import report"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
async fn import(
    _admin: Admin,
    State(st): St,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &[&["kind", "region", "name"]])?;
    let kind_s = p
        .get("kind")
        .ok_or_else(|| ApiError::param("kind", "required"))?;
    let kind = ruta_ingest::Kind::parse(kind_s).ok_or_else(|| {
        ApiError::param(
            "kind",
            format!(
                "unknown import kind '{kind_s}'; one of {}",
                ruta_ingest::Kind::NAMES.join(", ")
            ),
        )
    })?;
    let region = match p.get("region") {
        None | Some("lac") => ruta_ingest::Region::Lac,
        Some("all") => ruta_ingest::Region::All,
        Some(r) => {
            return Err(ApiError::param(
                "region",
                format!("unknown region '{r}'; lac or all"),
            ));
        }
    };
    let name = upload_name(p.get("name"))?;
    let dir = tempfile::tempdir().map_err(|e| ApiError::internal("cannot store the upload", e))?;
    let file = dir.path().join(&name);
    {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        let mut out = tokio::fs::File::create(&file)
            .await
            .map_err(|e| ApiError::internal("cannot store the upload", e))?;
        let mut stream = body.into_data_stream();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("upload interrupted: {e}"),
                )
            })?;
            size += chunk.len() as u64;
            if size > st.limits.upload_bytes {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!(
                        "uploads are limited to {} MiB",
                        st.limits.upload_bytes >> 20
                    ),
                ));
            }
            out.write_all(&chunk)
                .await
                .map_err(|e| ApiError::internal("cannot store the upload", e))?;
        }
        out.flush()
            .await
            .map_err(|e| ApiError::internal("cannot store the upload", e))?;
        if size == 0 {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the request has no body: send the file to import",
            ));
        }
    }
    let db = st.db.clone();
    let report =
        tokio::task::spawn_blocking(move || -> Result<ruta_ingest::FileReport, ApiError> {
            let _dir = dir;
            let mut store = ruta_store::Store::open(&db, ruta_store::Access::ReadWrite)?;
            let opts = ruta_ingest::Options {
                region,
                ..ruta_ingest::Options::default()
            };
            Ok(ruta_ingest::import_file(
                &mut store,
                kind,
                &file,
                &opts,
                &ruta_ingest::Quiet,
            ))
        })
        .await
        .map_err(|e| ApiError::internal("the import failed", e))??;
    if report.write_locked {
        return Err(ApiError::busy(
            "busy",
            "another process holds the database's write lock; nothing was imported, try again later",
            5,
        ));
    }
    Ok(Json(report).into_response())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(OpenApi)]
#[openapi(
    info(title = "ruta", description = "An open observatory of China's finance, investment and trade in Latin America and the Caribbean. Every number traces to a source; sources that disagree are kept side by side."),
    paths(projects, project, projects_csv, projects_geojson, flow_list, link_candidates, flows, frontier_share, problems, events, countries, country, organizations, organization, source, search, evidence, meta, import, crate::trade::trade_rows, crate::trade::trade_totals, crate::trade::trade_countries, crate::package::datapackage, crate::debt::schedule, crate::debt::service, crate::debt::loans),
    modifiers(&BearerScheme),
    components(schemas(ErrorBody)),
    tags((name = "projects"), (name = "flows"), (name = "link", description = "What the record linker proposes for review"), (name = "exports"), (name = "stats"), (name = "countries"), (name = "organizations"), (name = "sources"), (name = "search"), (name = "events"), (name = "trade"), (name = "debt", description = "Loans as debt: schedules, debt service beside what the World Bank reports"), (name = "meta"), (name = "admin", description = "Only when the server has an admin token"))
)]
struct ApiDoc;

/// Declares the `bearer` security scheme `POST /api/import` refers to.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document of the routes this server serves: without `/api/import` (and its tag)
/// when no admin token is configured, with the closed vocabularies as enums (so a
/// client, or schemathesis, knows every accepted value) and `MatrixRow.key` typed as
/// what it is (a year, a code, or null).
pub fn served_openapi(import_enabled: bool) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut doc = openapi();
    if !import_enabled {
        doc.paths.paths.remove("/api/import");
        if let Some(tags) = doc.tags.as_mut() {
            tags.retain(|t| t.name != "admin");
        }
    }
    let mut v = serde_json::to_value(&doc).unwrap_or_default();
    let names = |v: Vec<&str>| json!(v);
    let mut countries: Vec<String> = ruta_core::country::all()
        .iter()
        .map(|c| c.iso3.clone())
        .filter(|c| ruta_core::country::parse_iso3(c).is_ok())
        .collect();
    countries.sort();
    countries.dedup();
    let dims: Vec<&str> = StatsBy::NAMES.to_vec();
    let split: Vec<&str> = dims.clone();
    let lon = r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]{1,8})?)";
    let lat = r"-?(90(\.0+)?|[0-8]?[0-9](\.[0-9]{1,8})?)";
    let enums: Vec<(&str, Option<&str>, Value)> = vec![
        ("sector_group", None, names(ruta_core::SectorGroup::names())),
        ("flow_kind", None, names(ruta_core::FlowKind::names())),
        ("status", None, names(ruta_core::Status::names())),
        ("bri", None, names(query::Bri::NAMES.to_vec())),
        ("sort", None, names(query::Sort::NAMES.to_vec())),
        ("by", Some("/api/stats/flows"), names(dims.clone())),
        ("by", Some("/api/stats/frontier-share"), json!(["year"])),
        ("split", None, names(split)),
        (
            "kind",
            Some("/api/evidence"),
            json!(["money", "quantity", "percent"]),
        ),
        (
            "kind",
            Some("/api/import"),
            names(ruta_ingest::Kind::NAMES.to_vec()),
        ),
        ("region", None, json!(["lac", "all"])),
        ("country", None, json!(countries)),
        (
            "by",
            Some("/api/stats/problems"),
            names(ProblemsBy::NAMES.to_vec()),
        ),
        ("population", None, names(Population::NAMES.to_vec())),
        (
            "by",
            Some("/api/debt/service"),
            names(ruta_store::debt::ServiceBy::NAMES.to_vec()),
        ),
        ("disbursement", None, json!(["full", "linear"])),
        (
            "by",
            Some("/api/trade"),
            names(ruta_store::trade::TradeBy::NAMES.to_vec()),
        ),
        (
            "by",
            Some("/api/trade/totals"),
            names(ruta_store::trade::TradeBy::NAMES.to_vec()),
        ),
        (
            "reporter",
            None,
            names(ruta_store::trade::ReporterFilter::NAMES.to_vec()),
        ),
        (
            "kind",
            Some("/api/events"),
            names(ruta_core::EventKind::names()),
        ),
        (
            "kind",
            Some("/api/link/candidates"),
            names(ruta_core::RelationKind::names()),
        ),
    ];
    // Numeric bounds the handlers enforce (a value outside is a 400).
    let exports = |path: &str| path.ends_with(".csv") || path.ends_with(".geojson");
    let bounds = |path: &str, name: &str| -> Option<(f64, f64)> {
        Some(match name {
            "limit" if exports(path) => (1.0, f64::from(MAX_EXPORT)),
            "limit" => (1.0, f64::from(MAX_LIMIT)),
            "offset" => (0.0, 1e9),
            "year" | "year_from" | "year_to" => (1900.0, 2100.0),
            "assume_maturity" | "assume_grace" | "assume_rate" => (0.0, 100.0),
            _ => return None,
        })
    };
    if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for op in ops.values_mut() {
                let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                    continue;
                };
                for p in params {
                    let name = p["name"].as_str().unwrap_or_default().to_string();
                    if p["in"] != "query" {
                        continue;
                    }
                    for (n, only, values) in &enums {
                        if *n == name && only.is_none_or(|o| o == path) {
                            p["schema"]["enum"] = values.clone();
                        }
                    }
                    if name == "bbox" {
                        p["schema"]["pattern"] = json!(format!("^{lon},{lat},{lon},{lat}$"));
                    }
                    // Bounds an endpoint documents itself (search: 100 hits) stay.
                    if let Some((lo, hi)) = bounds(path, &name)
                        && p["schema"].get("maximum").is_none()
                    {
                        let int = p["schema"]["type"].as_str().is_some_and(|t| t == "integer")
                            || p["schema"]["type"]
                                .as_array()
                                .is_some_and(|a| a.iter().any(|t| t == "integer"));
                        if int {
                            p["schema"]["minimum"] = json!(lo as i64);
                            p["schema"]["maximum"] = json!(hi as i64);
                        } else {
                            p["schema"]["minimum"] = json!(lo);
                            p["schema"]["maximum"] = json!(hi);
                        }
                    }
                }
            }
        }
    }
    // A total row and a split row can look alike: either matches.
    for name in ["FlowRow", "FlowRecord"] {
        if let Some(schema) = v
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
            && let Some(one) = schema.remove("oneOf")
        {
            schema.insert("anyOf".into(), one);
        }
    }
    // A project's page lists its flows where a listing row counts them: the page's schema
    // takes the listing row's properties but that count.
    let summary = v.pointer("/components/schemas/ProjectSummary").cloned();
    if let (Some(mut head), Some(all_of)) = (
        summary,
        v.pointer_mut("/components/schemas/ProjectDetail/allOf")
            .and_then(Value::as_array_mut),
    ) {
        if let Some(props) = head.get_mut("properties").and_then(Value::as_object_mut) {
            props.remove("flows");
        }
        if let Some(req) = head.get_mut("required").and_then(Value::as_array_mut) {
            req.retain(|r| r != "flows");
        }
        for part in all_of.iter_mut() {
            if part.get("$ref") == Some(&json!("#/components/schemas/ProjectSummary")) {
                *part = head.clone();
            }
        }
    }
    if let Some(key) = v.pointer_mut("/components/schemas/MatrixRow/properties/key") {
        *key = json!({"description": "The group: a year (integer), a code or name (string), or null for unknown", "type": ["integer", "string", "null"]});
    }
    v
}

/// This document.
async fn openapi_json(State(st): St, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    Ok(Json(served_openapi(st.admin_token.is_some())).into_response())
}
