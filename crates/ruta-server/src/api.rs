//! The JSON API under `/api`, and its OpenAPI document.

use crate::error::ErrorBody;
use crate::params::{DEFAULT_LIMIT, MAX_EXPORT, MAX_LIMIT, Params};
use crate::{ApiError, AppState};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ruta_store::evidence::{EvidenceFilter, EvidenceRow};
use ruta_store::explore::{
    self, CountryDetail, CountrySummary, MatrixRow, OrgDetail, OrgSummary, SearchResults,
};
use ruta_store::flows::{self as flowq, FlowInfo, FrontierRow, StatRow, StatsBy};
use ruta_store::link::LinkCandidate;
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
        .route("/api/countries", get(countries))
        .route("/api/countries/{iso3}", get(country))
        .route("/api/organizations", get(organizations))
        .route("/api/organizations/{id}", get(organization))
        .route("/api/sources/{id}", get(source))
        .route("/api/search", get(search))
        .route("/api/evidence", get(evidence))
        .route("/api/meta", get(meta))
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
    year_from: Option<i32>,
    /// Last year (1900–2100).
    year_to: Option<i32>,
    /// Full-text search over names, aliases, descriptions and parties.
    q: Option<String>,
    /// min_lon,min_lat,max_lon,max_lat of the project's representative point.
    bbox: Option<String>,
    /// Dataset as stored (e.g. "AidData GCDF"), or "registry".
    dataset: Option<String>,
}

/// Ordering and paging of project listings.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PageParams {
    /// -amount (default), amount, -year, year, name, country, relevance
    sort: Option<String>,
    /// 1–1000 (default 50).
    limit: Option<u32>,
    /// Rows to skip (default 0); a page's `next_offset` gives the next one.
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
    let p = Params::parse(raw.as_deref());
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
) -> ApiResult<ProjectDetail> {
    let id = path(id)?;
    st.pool
        .with(|s| query::project_detail(s.conn(), &id))?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no project '{id}'")))
}

fn export_rows(st: &AppState, p: &Params) -> Result<Vec<ProjectSummary>, ApiError> {
    let f = p.filter()?;
    let sort = p.sort()?;
    let (limit, offset) = p.page(MAX_EXPORT, MAX_EXPORT)?;
    Ok(st
        .pool
        .with(|s| query::list_projects(s.conn(), &f, sort, limit, offset))?
        .0)
}

/// The projects a listing would show (same filters), as CSV, all pages (up to 1,000,000).
#[utoipa::path(get, path = "/api/projects.csv", tag = "exports", params(FilterParams, PageParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody)))]
async fn projects_csv(State(st): St, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let rows = export_rows(&st, &p)?;
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160));
    let bad =
        |e: csv::Error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string());
    w.write_record(query::SUMMARY_FIELDS).map_err(bad)?;
    for r in &rows {
        let v = serde_json::to_value(r).unwrap_or_default();
        w.write_record(query::SUMMARY_FIELDS.iter().map(|f| match v.get(*f) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }))
        .map_err(bad)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ruta-projects.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The projects a listing would show, as a GeoJSON FeatureCollection of their
/// representative points (null geometry when a project has no location).
#[utoipa::path(get, path = "/api/projects.geojson", tag = "exports", params(FilterParams, PageParams),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 400, body = ErrorBody)))]
async fn projects_geojson(State(st): St, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let rows = export_rows(&st, &p)?;
    let features: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| {
            let geometry = match (r.lon, r.lat) {
                (Some(x), Some(y)) => serde_json::json!({"type": "Point", "coordinates": [x, y]}),
                _ => serde_json::Value::Null,
            };
            serde_json::json!({"type": "Feature", "id": r.id, "geometry": geometry, "properties": r})
        })
        .collect();
    let body =
        serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))
            .map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ruta-projects.geojson\"",
            ),
        ],
        body,
    )
        .into_response())
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
    let p = Params::parse(raw.as_deref());
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
    let p = Params::parse(raw.as_deref());
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
    /// `split`, e.g. by=year&split=sector_group for the stacked chart.
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
    let p = Params::parse(raw.as_deref());
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
            if by == StatsBy::Lender || split == StatsBy::Lender || split == by {
                return Err(ApiError::param(
                    "split",
                    "lender cannot be split or split by, and split must differ from by",
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
    let p = Params::parse(raw.as_deref());
    if p.by("by", Some(StatsBy::Year))? != StatsBy::Year {
        return Err(ApiError::param("by", "the frontier share is by year only"));
    }
    let f = p.filter()?;
    Ok(Json(st.pool.with(|s| flowq::frontier_share(s.conn(), &f))?))
}

/// The 33 Latin American and Caribbean states and every other country with projects, with
/// project counts and totals.
#[utoipa::path(get, path = "/api/countries", tag = "countries", responses((status = 200, body = Vec<CountrySummary>)))]
async fn countries(State(st): St) -> ApiResult<Vec<CountrySummary>> {
    Ok(Json(st.pool.with(|s| explore::countries(s.conn()))?))
}

/// One country: totals by year and sector group, by flow kind, lenders, top projects and
/// events.
#[utoipa::path(get, path = "/api/countries/{iso3}", tag = "countries", params(("iso3" = String, Path, description = "ISO 3166-1 alpha-3")),
    responses((status = 200, body = CountryDetail), (status = 404, body = ErrorBody)))]
async fn country(
    State(st): St,
    iso3: Result<Path<String>, PathRejection>,
) -> ApiResult<CountryDetail> {
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
    params(("q" = Option<String>, Query, description = "Search names and aliases (EN/ES/PT/ZH)"), PageParams),
    responses((status = 200, body = OrgPage), (status = 400, body = ErrorBody)))]
async fn organizations(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<OrgPage> {
    let p = Params::parse(raw.as_deref());
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
) -> ApiResult<OrgDetail> {
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
async fn source(State(st): St, id: Result<Path<String>, PathRejection>) -> ApiResult<SourceDetail> {
    let raw = path(id)?;
    let Ok(id) = raw.parse::<i64>() else {
        return Err(ApiError::not_found(format!("no source '{raw}'")));
    };
    st.pool.with(|s| -> Result<Json<SourceDetail>, ApiError> {
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
        Ok(Json(SourceDetail {
            source,
            projects,
            claims: count("SELECT COUNT(*) FROM claims WHERE source_id = ?1")?,
            events: count("SELECT COUNT(*) FROM event_sources WHERE source_id = ?1")?,
            unattached_figures: count("SELECT COUNT(*) FROM evidence WHERE source_id = ?1")?,
        }))
    })
}

/// Full-text search over projects, organizations, sources, claim quotes and unattached
/// figures from the news.
#[utoipa::path(get, path = "/api/search", tag = "search",
    params(("q" = String, Query, description = "Words to find (required)"), ("limit" = Option<u32>, Query, description = "Hits per kind, 1–100 (default 20)")),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody)))]
async fn search(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<SearchResults> {
    let p = Params::parse(raw.as_deref());
    let Some(q) = p.get("q") else {
        return Err(ApiError::param("q", "required"));
    };
    if q.len() > 500 {
        return Err(ApiError::param("q", "longer than 500 bytes"));
    }
    let (limit, _) = p.page(20, 100)?;
    Ok(Json(st.pool.with(|s| explore::search(s.conn(), q, limit))?))
}

/// A page of unattached figures.
#[derive(Serialize, ToSchema)]
pub struct EvidencePage {
    pub items: Vec<EvidenceRow>,
    pub total: u64,
}

/// Money, quantities and percents from ingested news that no project could be linked to.
#[utoipa::path(get, path = "/api/evidence", tag = "search",
    params(("q" = Option<String>, Query, description = "Words in the sentence"), ("country" = Option<String>, Query, description = "ISO3 of the country the sentence names"),
        ("kind" = Option<String>, Query, description = "money, quantity or percent"), PageParams),
    responses((status = 200, body = EvidencePage), (status = 400, body = ErrorBody)))]
async fn evidence(State(st): St, RawQuery(raw): RawQuery) -> ApiResult<EvidencePage> {
    let p = Params::parse(raw.as_deref());
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
    Ok(Json(EvidencePage { items, total }))
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
async fn meta(State(st): St) -> ApiResult<Meta> {
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
    /// File name, for messages and the kind of file (…xlsx, …adm2…).
    name: Option<String>,
}

/// Imports one file sent as the request body (admin only: `Authorization: Bearer TOKEN`).
/// The file is imported in one transaction; the response is its report.
#[utoipa::path(post, path = "/api/import", tag = "admin", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = Object, description = "Import report"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn import(
    State(st): St,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let token = st.admin_token.as_deref().unwrap_or_default();
    let given = headers
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
    let p = Params::parse(raw.as_deref());
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
    let name = p.get("name").unwrap_or("upload").replace(['/', '\\'], "_");
    let db = st.db.clone();
    let report = tokio::task::spawn_blocking(move || -> Result<serde_json::Value, ApiError> {
        let dir = tempfile::tempdir().map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })?;
        let file = dir.path().join(&name);
        std::fs::write(&file, &body).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })?;
        let mut store = ruta_store::Store::open(&db, ruta_store::Access::ReadWrite)?;
        let opts = ruta_ingest::Options {
            region,
            ..ruta_ingest::Options::default()
        };
        let report = ruta_ingest::import_file(&mut store, kind, &file, &opts, &ruta_ingest::Quiet);
        serde_json::to_value(&report).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))??;
    Ok(Json(report).into_response())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(OpenApi)]
#[openapi(
    info(title = "ruta", description = "An open observatory of China's finance, investment and trade in Latin America and the Caribbean. Every number traces to a source; sources that disagree are kept side by side."),
    paths(projects, project, projects_csv, projects_geojson, flow_list, link_candidates, flows, frontier_share, countries, country, organizations, organization, source, search, evidence, meta, import),
    components(schemas(ErrorBody)),
    tags((name = "projects"), (name = "flows"), (name = "link", description = "What the record linker proposes for review"), (name = "exports"), (name = "stats"), (name = "countries"), (name = "organizations"), (name = "sources"), (name = "search"), (name = "meta"), (name = "admin", description = "Only when the server has an admin token"))
)]
struct ApiDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}
