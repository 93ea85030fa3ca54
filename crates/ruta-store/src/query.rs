//! Read queries: project listings with filters, project detail with every claim and
//! its source, totals, countries, organizations, sources and full-text search.

use crate::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use ruta_core::model::ClaimValue;
use ruta_core::resolve::{self, Candidate};
use ruta_core::{FlowKind, SectorGroup, SourceKind, Status};
use serde::Serialize;
use serde_json::json;

/// Which projects a listing or a total covers. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub country: Option<String>,
    pub sector_group: Option<SectorGroup>,
    pub status: Option<Status>,
    pub flow_kind: Option<FlowKind>,
    /// Full-text query over names, aliases, descriptions, parties.
    pub q: Option<String>,
    /// Organization id (or a name the gazetteer knows), in any role.
    pub org: Option<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// [min_lon, min_lat, max_lon, max_lat] on the representative point.
    pub bbox: Option<[f64; 4]>,
    /// Dataset name as stored (`projects.dataset`), or "registry".
    pub dataset: Option<String>,
}

/// Turns free text into an FTS5 query that cannot fail to parse: every word quoted,
/// the last one as a prefix. None when the text has no words.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut q = words.join(" ");
    q.push('*');
    Some(q)
}

impl Filter {
    /// SQL conditions on alias `p` and their parameters.
    pub(crate) fn sql_public(&self) -> (String, Vec<Value>) {
        self.sql()
    }

    fn sql(&self) -> (String, Vec<Value>) {
        let mut conds: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        let mut add = |cond: &str, v: Vec<Value>| {
            conds.push(cond.to_string());
            params.extend(v);
        };
        if let Some(c) = &self.country {
            add("p.country = ?", vec![Value::Text(c.clone())]);
        }
        if let Some(g) = self.sector_group {
            add("p.sector_group = ?", vec![Value::Text(g.as_str().into())]);
        }
        if let Some(s) = self.status {
            add("p.status = ?", vec![Value::Text(s.as_str().into())]);
        }
        if let Some(k) = self.flow_kind {
            add("p.flow_kind = ?", vec![Value::Text(k.as_str().into())]);
        }
        if let Some(q) = self.q.as_deref().and_then(fts_query) {
            add(
                "(p.rowid IN (SELECT rowid FROM projects_fts WHERE projects_fts MATCH ?)
                  OR p.id IN (SELECT pa.project_id FROM parties pa WHERE pa.org_id IN
                      (SELECT org_id FROM organizations_fts WHERE organizations_fts MATCH ?)))",
                vec![Value::Text(q.clone()), Value::Text(q)],
            );
        }
        if let Some(o) = &self.org {
            let id = ruta_core::orgs::org_id(o);
            add(
                "p.id IN (SELECT project_id FROM parties WHERE org_id IN (?, ?))",
                vec![Value::Text(o.clone()), Value::Text(id)],
            );
        }
        if let Some(y) = self.year_from {
            add("p.year >= ?", vec![Value::Integer(y.into())]);
        }
        if let Some(y) = self.year_to {
            add("p.year <= ?", vec![Value::Integer(y.into())]);
        }
        if let Some([x0, y0, x1, y1]) = self.bbox {
            add(
                "p.lon BETWEEN ? AND ? AND p.lat BETWEEN ? AND ?",
                vec![
                    Value::Real(x0),
                    Value::Real(x1),
                    Value::Real(y0),
                    Value::Real(y1),
                ],
            );
        }
        if let Some(d) = &self.dataset {
            if d == "registry" {
                add("p.dataset IS NULL", vec![]);
            } else {
                add("p.dataset = ?", vec![Value::Text(d.clone())]);
            }
        }
        let sql = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        (sql, params)
    }
}

/// Orderings of a project listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Largest constant-2021 USD amount first (unknown amounts last).
    #[default]
    AmountDesc,
    AmountAsc,
    YearDesc,
    YearAsc,
    Name,
    Country,
    /// Best full-text match first (needs `q`; otherwise amount).
    Relevance,
}

impl Sort {
    pub const NAMES: &'static [&'static str] = &[
        "-amount",
        "amount",
        "-year",
        "year",
        "name",
        "country",
        "relevance",
    ];

    pub fn parse(s: &str) -> Option<Sort> {
        Some(match s.trim() {
            "-amount" | "amount_desc" | "-amount_usd" => Sort::AmountDesc,
            "amount" | "amount_asc" | "amount_usd" => Sort::AmountAsc,
            "-year" | "year_desc" => Sort::YearDesc,
            "year" | "year_asc" => Sort::YearAsc,
            "name" => Sort::Name,
            "country" => Sort::Country,
            "relevance" => Sort::Relevance,
            _ => return None,
        })
    }

    fn sql(self, has_q: bool) -> &'static str {
        match self {
            // NULLs sort last in descending order: no `IS NULL` term, so an index serves it.
            Sort::AmountDesc => "p.amount_usd DESC, p.id",
            Sort::AmountAsc => "p.amount_usd IS NULL, p.amount_usd ASC, p.id",
            Sort::YearDesc => {
                "p.year IS NULL, p.year DESC, p.amount_usd IS NULL, p.amount_usd DESC, p.id"
            }
            Sort::YearAsc => {
                "p.year IS NULL, p.year ASC, p.amount_usd IS NULL, p.amount_usd DESC, p.id"
            }
            Sort::Name => "p.name COLLATE NOCASE, p.id",
            Sort::Country => {
                "p.country IS NULL, p.country, p.amount_usd IS NULL, p.amount_usd DESC, p.id"
            }
            Sort::Relevance if has_q => {
                "(SELECT bm25(projects_fts, 10.0, 5.0, 1.0) FROM projects_fts WHERE projects_fts MATCH ?q AND rowid = p.rowid), p.id"
            }
            Sort::Relevance => "p.amount_usd DESC, p.id",
        }
    }
}

/// The fields of a listing row, in the order exports (CSV) give them.
pub const SUMMARY_FIELDS: &[&str] = &[
    "id",
    "name",
    "country",
    "sector_group",
    "sector_subgroup",
    "status",
    "flow_kind",
    "amount_usd",
    "amount_usd_nominal",
    "amount",
    "currency",
    "year",
    "sources",
    "dataset",
    "record_id",
    "include_in_aggregates",
    "lat",
    "lon",
    "precision",
];

/// One row of a project listing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub country_name: Option<String>,
    pub sector_group: String,
    pub sector_subgroup: Option<String>,
    pub status: Option<String>,
    pub flow_kind: String,
    /// Constant 2021 US dollars (the displayed amount claim's).
    pub amount_usd: Option<f64>,
    pub amount_usd_nominal: Option<f64>,
    /// The displayed amount in its original currency.
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub year: Option<i64>,
    /// Number of distinct sources behind the project.
    pub sources: i64,
    pub dataset: Option<String>,
    pub record_id: Option<String>,
    pub include_in_aggregates: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: Option<i64>,
}

pub(crate) const SUMMARY_COLS: &str = "p.id, p.name, p.country, p.sector_group, p.sector_subgroup, p.status, p.flow_kind,
    p.amount_usd, p.amount_usd_nominal, p.amount, p.currency, p.year, p.source_count, p.dataset, p.record_id,
    p.include_in_aggregates, p.lat, p.lon, p.precision";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProjectSummary> {
    summary_at(r, 0)
}

/// A listing row whose columns (`SUMMARY_COLS`) start at `o`.
pub(crate) fn summary_at(r: &rusqlite::Row<'_>, o: usize) -> rusqlite::Result<ProjectSummary> {
    let country: Option<String> = r.get(o + 2)?;
    Ok(ProjectSummary {
        country_name: country
            .as_deref()
            .and_then(ruta_core::country::by_iso3)
            .map(|c| c.name.clone()),
        id: r.get(o)?,
        name: r.get(o + 1)?,
        country,
        sector_group: r.get(o + 3)?,
        sector_subgroup: r.get(o + 4)?,
        status: r.get(o + 5)?,
        flow_kind: r.get(o + 6)?,
        amount_usd: r.get(o + 7)?,
        amount_usd_nominal: r.get(o + 8)?,
        amount: r.get(o + 9)?,
        currency: r.get(o + 10)?,
        year: r.get(o + 11)?,
        sources: r.get(o + 12)?,
        dataset: r.get(o + 13)?,
        record_id: r.get(o + 14)?,
        include_in_aggregates: r.get(o + 15)?,
        lat: r.get(o + 16)?,
        lon: r.get(o + 17)?,
        precision: r.get(o + 18)?,
    })
}

/// A page of projects and the total number matching the filter.
pub fn list_projects(
    conn: &Connection,
    f: &Filter,
    sort: Sort,
    limit: u32,
    offset: u64,
) -> Result<(Vec<ProjectSummary>, u64)> {
    let (cond, mut params) = f.sql();
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM projects p{cond}"))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    let fts = f.q.as_deref().and_then(fts_query);
    let mut order = sort.sql(fts.is_some()).to_string();
    if order.contains("?q") {
        order = order.replace("?q", "?");
        params.push(Value::Text(fts.unwrap_or_default()));
    }
    params.push(Value::Integer(limit.into()));
    params.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let sql =
        format!("SELECT {SUMMARY_COLS} FROM projects p{cond} ORDER BY {order} LIMIT ? OFFSET ?");
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params.iter()), summary)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as u64))
}

/// A source as shown next to a claim.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceInfo {
    pub id: i64,
    pub kind: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub language: Option<String>,
    pub dataset: Option<String>,
    pub dataset_version: Option<String>,
    pub record_id: Option<String>,
    pub note: Option<String>,
}

pub(crate) const SOURCE_COLS: &str = "s.id, s.kind, s.title, s.publisher, s.url, s.date, s.language, s.dataset, s.dataset_version, s.record_id, s.note";

pub(crate) fn source_info(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<SourceInfo> {
    Ok(SourceInfo {
        id: r.get(at)?,
        kind: r.get(at + 1)?,
        title: r.get(at + 2)?,
        publisher: r.get(at + 3)?,
        url: r.get(at + 4)?,
        date: r.get(at + 5)?,
        language: r.get(at + 6)?,
        dataset: r.get(at + 7)?,
        dataset_version: r.get(at + 8)?,
        record_id: r.get(at + 9)?,
        note: r.get(at + 10)?,
    })
}

/// One claim with its source and its standing under the display rule.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimInfo {
    pub id: i64,
    pub field: String,
    pub value: serde_json::Value,
    pub display: String,
    pub qualifier: Option<String>,
    pub confidence: f64,
    pub locator: Option<String>,
    pub span: Option<[i64; 2]>,
    pub quote: Option<String>,
    /// This claim supplies the displayed value of its field.
    pub chosen: bool,
    /// A newer claim from the same source replaced it.
    pub superseded: bool,
    /// Another live claim of the same field disagrees with it.
    pub conflict: bool,
    pub source: SourceInfo,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyInfo {
    pub org_id: String,
    pub name: String,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub role: String,
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocationInfo {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: Option<i64>,
    pub precision_name: Option<&'static str>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub place: Option<String>,
    pub geometry: Option<serde_json::Value>,
    pub share: Option<f64>,
    pub intersection_share: Option<f64>,
    pub feature_id: Option<String>,
    pub source_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSourceInfo {
    pub quote: Option<String>,
    pub locator: Option<String>,
    pub source: SourceInfo,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventInfo {
    pub id: i64,
    pub kind: String,
    pub problem: bool,
    pub date: Option<String>,
    pub summary: String,
    pub sources: Vec<EventSourceInfo>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub amount_usd: Option<f64>,
    pub year: Option<i64>,
}

/// Everything about one project.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub summary: ProjectSummary,
    pub aliases: Vec<serde_json::Value>,
    pub description: Option<String>,
    pub sector_code: Option<String>,
    pub sector_name: Option<String>,
    pub sector_rule: Option<String>,
    pub umbrella: bool,
    /// Whether the project counts in totals (include_in_aggregates and not shadowed by
    /// a same_as dataset record).
    pub counts_in_totals: bool,
    pub package_id: Option<String>,
    pub attributes: serde_json::Value,
    pub amount_year: Option<i64>,
    pub dates: serde_json::Value,
    pub loan_terms: serde_json::Value,
    pub locations: Vec<LocationInfo>,
    pub parties: Vec<PartyInfo>,
    pub claims: Vec<ClaimInfo>,
    pub events: Vec<EventInfo>,
    /// Sources the record cites as a whole.
    pub references: Vec<SourceInfo>,
    pub parent: Option<ProjectRef>,
    pub children: Vec<ProjectRef>,
    /// Records describing the same real-world project.
    pub same_as: Vec<ProjectRef>,
    pub created_at: String,
    pub updated_at: String,
}

fn project_ref(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProjectRef> {
    Ok(ProjectRef {
        id: r.get(0)?,
        name: r.get(1)?,
        country: r.get(2)?,
        amount_usd: r.get(3)?,
        year: r.get(4)?,
    })
}

/// The full record of one project, or None.
pub fn project_detail(conn: &Connection, id: &str) -> Result<Option<ProjectDetail>> {
    let head = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLS}, p.description, p.sector_code, p.sector_name, p.sector_rule, p.umbrella,
               p.package_id, p.attributes, p.amount_year, NULL,
               p.commitment_date, p.planned_start_date, p.actual_start_date, p.planned_completion_date,
               p.actual_completion_date, p.interest_rate, p.maturity_years, p.grace_period_years, p.management_fee,
               p.commitment_fee, p.collateral, p.first_repayment_date, p.last_repayment_date, p.parent_id,
               p.created_at, p.updated_at,
               EXISTS(SELECT 1 FROM aggregate_projects a WHERE a.id = p.id)
             FROM projects p WHERE p.id = ?1"
        ))?
        .query_row([id], |r| {
            let s = summary(r)?;
            let attrs: String = r.get(25)?;
            Ok((
                s,
                (r.get::<_, Option<String>>(19)?, r.get::<_, Option<String>>(20)?, r.get::<_, Option<String>>(21)?, r.get::<_, Option<String>>(22)?),
                (r.get::<_, bool>(23)?, r.get::<_, Option<String>>(24)?, attrs, r.get::<_, Option<i64>>(26)?, r.get::<_, Option<i64>>(27)?),
                json!({
                    "commitment_date": r.get::<_, Option<String>>(28)?,
                    "planned_start_date": r.get::<_, Option<String>>(29)?,
                    "actual_start_date": r.get::<_, Option<String>>(30)?,
                    "planned_completion_date": r.get::<_, Option<String>>(31)?,
                    "actual_completion_date": r.get::<_, Option<String>>(32)?,
                }),
                json!({
                    "interest_rate": r.get::<_, Option<f64>>(33)?,
                    "maturity_years": r.get::<_, Option<f64>>(34)?,
                    "grace_period_years": r.get::<_, Option<f64>>(35)?,
                    "management_fee": r.get::<_, Option<f64>>(36)?,
                    "commitment_fee": r.get::<_, Option<f64>>(37)?,
                    "collateral": r.get::<_, Option<String>>(38)?,
                    "first_repayment_date": r.get::<_, Option<String>>(39)?,
                    "last_repayment_date": r.get::<_, Option<String>>(40)?,
                }),
                (r.get::<_, Option<String>>(41)?, r.get::<_, String>(42)?, r.get::<_, String>(43)?, r.get::<_, bool>(44)?),
            ))
        })
        .optional()?;
    let Some((
        summary,
        (description, sector_code, sector_name, sector_rule),
        (umbrella, package_id, attrs, amount_year, _),
        dates,
        loan_terms,
        (parent_id, created_at, updated_at, counts),
    )) = head
    else {
        return Ok(None);
    };
    let aliases = conn
        .prepare_cached(
            "SELECT alias, lang FROM project_aliases WHERE project_id = ?1 ORDER BY alias",
        )?
        .query_map([id], |r| {
            Ok(json!({"name": r.get::<_, String>(0)?, "lang": r.get::<_, Option<String>>(1)?}))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let locations = conn
        .prepare_cached(
            "SELECT lat, lon, precision, admin1, admin2, place, geometry, share, feature_id, source_id, intersection_share
             FROM locations WHERE project_id = ?1 ORDER BY COALESCE(precision, 9), id",
        )?
        .query_map([id], |r| {
            let precision: Option<i64> = r.get(2)?;
            let geometry: Option<String> = r.get(6)?;
            Ok(LocationInfo {
                lat: r.get(0)?,
                lon: r.get(1)?,
                precision,
                precision_name: precision.and_then(|p| ruta_core::vocab::precision_name(p as u8)),
                admin1: r.get(3)?,
                admin2: r.get(4)?,
                place: r.get(5)?,
                geometry: geometry.and_then(|g| serde_json::from_str(&g).ok()),
                share: r.get(7)?,
                intersection_share: r.get(10)?,
                feature_id: r.get(8)?,
                source_id: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let parties = conn
        .prepare_cached(
            "SELECT o.id, o.name, o.kind, o.country, pa.role, pa.share FROM parties pa JOIN organizations o ON o.id = pa.org_id
             WHERE pa.project_id = ?1 ORDER BY pa.role, o.name",
        )?
        .query_map([id], |r| {
            Ok(PartyInfo {
                org_id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                country: r.get(3)?,
                role: r.get(4)?,
                share: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let claims = claims_of(conn, id)?;
    let events = events_of(conn, id)?;
    let references = conn
        .prepare_cached(&format!(
            "SELECT {SOURCE_COLS} FROM project_sources ps JOIN sources s ON s.id = ps.source_id WHERE ps.project_id = ?1 ORDER BY s.id"
        ))?
        .query_map([id], |r| source_info(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let parent = match parent_id {
        Some(pid) => conn
            .prepare_cached(
                "SELECT id, name, country, amount_usd, year FROM projects WHERE id = ?1",
            )?
            .query_row([&pid], project_ref)
            .optional()?,
        None => None,
    };
    let children = conn
        .prepare_cached("SELECT id, name, country, amount_usd, year FROM projects WHERE parent_id = ?1 ORDER BY year, id")?
        .query_map([id], project_ref)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let same_as = conn
        .prepare_cached(
            "SELECT p.id, p.name, p.country, p.amount_usd, p.year FROM project_links l JOIN projects p ON p.id = l.other_id
             WHERE l.project_id = ?1 AND l.kind = 'same_as'
             UNION
             SELECT p.id, p.name, p.country, p.amount_usd, p.year FROM project_links l JOIN projects p ON p.id = l.project_id
             WHERE l.other_id = ?1 AND l.kind = 'same_as'",
        )?
        .query_map([id], project_ref)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(ProjectDetail {
        summary,
        aliases,
        description,
        sector_code,
        sector_name,
        sector_rule,
        umbrella,
        counts_in_totals: counts,
        package_id,
        attributes: serde_json::from_str(&attrs).unwrap_or(json!({})),
        amount_year,
        dates,
        loan_terms,
        locations,
        parties,
        claims,
        events,
        references,
        parent,
        children,
        same_as,
        created_at,
        updated_at,
    }))
}

fn claims_of(conn: &Connection, project: &str) -> Result<Vec<ClaimInfo>> {
    struct Raw {
        info: ClaimInfo,
        value: ClaimValue,
        key: String,
    }
    let raws = conn
        .prepare_cached(&format!(
            "SELECT c.id, c.field, {claim_cols}, c.qualifier, c.confidence, c.locator, c.span_start, c.span_end,
               c.quote, s.key, {SOURCE_COLS}
             FROM claims c JOIN sources s ON s.id = c.source_id WHERE c.project_id = ?1 ORDER BY c.field, c.id",
            claim_cols = crate::claimrow::COLUMNS
        ))?
        .query_map([project], |r| {
            let value = crate::claimrow::value_at(r, 2)?;
            let span = match (r.get::<_, Option<i64>>(15)?, r.get::<_, Option<i64>>(16)?) {
                (Some(a), Some(b)) => Some([a, b]),
                _ => None,
            };
            Ok(Raw {
                info: ClaimInfo {
                    id: r.get(0)?,
                    field: r.get(1)?,
                    value: serde_json::to_value(&value).unwrap_or_default(),
                    display: value.display(),
                    qualifier: r.get(12)?,
                    confidence: r.get(13)?,
                    locator: r.get(14)?,
                    span,
                    quote: r.get(17)?,
                    chosen: false,
                    superseded: false,
                    conflict: false,
                    source: source_info(r, 19)?,
                },
                value,
                key: r.get(18)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let cands: Vec<Candidate<'_>> = raws
        .iter()
        .map(|r| Candidate {
            id: r.info.id,
            field: &r.info.field,
            value: &r.value,
            source_key: &r.key,
            source_kind: r.info.source.kind.parse().unwrap_or(SourceKind::Other),
            source_date: r.info.source.date.as_deref(),
            confidence: r.info.confidence,
        })
        .collect();
    let chosen: Vec<i64> = resolve::choose(&cands).values().map(|c| c.id).collect();
    let superseded = resolve::superseded(&cands);
    let conflicting = resolve::conflicting(&cands);
    drop(cands);
    Ok(raws
        .into_iter()
        .map(|r| {
            let mut i = r.info;
            i.chosen = chosen.contains(&i.id);
            i.superseded = superseded.contains(&i.id);
            i.conflict = conflicting.contains(&i.id);
            i
        })
        .collect())
}

fn events_of(conn: &Connection, project: &str) -> Result<Vec<EventInfo>> {
    let rows = conn
        .prepare_cached("SELECT id, kind, date, summary FROM events WHERE project_id = ?1 ORDER BY date IS NULL, date, id")?
        .query_map([project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String, Option<String>, String)>>>()?;
    rows.into_iter()
        .map(|(id, kind, date, summary)| event_info(conn, id, kind, date, summary))
        .collect()
}

/// An event with the sources that report it.
pub(crate) fn event_info(
    conn: &Connection,
    id: i64,
    kind: String,
    date: Option<String>,
    summary: String,
) -> Result<EventInfo> {
    let sources = conn
        .prepare_cached(&format!(
            "SELECT es.quote, es.locator, {SOURCE_COLS} FROM event_sources es JOIN sources s ON s.id = es.source_id
             WHERE es.event_id = ?1 ORDER BY s.date, s.id"
        ))?
        .query_map([id], |r| {
            Ok(EventSourceInfo {
                quote: r.get(0)?,
                locator: r.get(1)?,
                source: source_info(r, 2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(EventInfo {
        id,
        problem: kind
            .parse::<ruta_core::EventKind>()
            .map(|k| k.is_problem())
            .unwrap_or(false),
        kind,
        date,
        summary,
        sources,
    })
}

/// Dimensions of a flow total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsBy {
    Year,
    Country,
    SectorGroup,
    FlowKind,
    Lender,
}

impl StatsBy {
    pub const NAMES: &'static [&'static str] =
        &["year", "country", "sector_group", "flow_kind", "lender"];

    /// Accepts `sector_group` and `sector-group` alike.
    pub fn parse(s: &str) -> Option<StatsBy> {
        Some(match ruta_core::vocab::vocab_key(s).as_str() {
            "year" => StatsBy::Year,
            "country" => StatsBy::Country,
            "sector_group" => StatsBy::SectorGroup,
            "flow_kind" => StatsBy::FlowKind,
            "lender" => StatsBy::Lender,
            _ => return None,
        })
    }
}

/// One group of a flow total.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatRow {
    /// Year (number), ISO3 code, sector group, flow kind or organization id; null for
    /// projects without a value.
    pub key: serde_json::Value,
    /// Human label of the key.
    pub label: String,
    /// Sum of constant 2021 USD over projects with a known amount.
    pub amount_usd: f64,
    /// Projects in the group (with or without a known amount).
    pub count: u64,
}

/// Totals that honour include-in-aggregates (the `aggregate_projects` view). For
/// lenders, a loan with several lenders is split evenly among them.
pub fn stats(conn: &Connection, by: StatsBy, f: &Filter) -> Result<Vec<StatRow>> {
    let (cond, params) = f.sql();
    let base = format!("SELECT p.* FROM aggregate_projects p{cond}");
    let sql = match by {
        StatsBy::Year => format!(
            "SELECT year, COALESCE(SUM(amount_usd), 0), COUNT(*) FROM ({base}) GROUP BY year ORDER BY year IS NULL, year"
        ),
        StatsBy::Country => format!(
            "SELECT country, COALESCE(SUM(amount_usd), 0), COUNT(*) FROM ({base}) GROUP BY country ORDER BY 2 DESC, 1"
        ),
        StatsBy::SectorGroup => format!(
            "SELECT sector_group, COALESCE(SUM(amount_usd), 0), COUNT(*) FROM ({base}) GROUP BY sector_group ORDER BY 2 DESC, 1"
        ),
        StatsBy::FlowKind => format!(
            "SELECT flow_kind, COALESCE(SUM(amount_usd), 0), COUNT(*) FROM ({base}) GROUP BY flow_kind ORDER BY 2 DESC, 1"
        ),
        StatsBy::Lender => format!(
            "WITH b AS ({base}),
                  l AS (SELECT project_id, org_id, COUNT(*) OVER (PARTITION BY project_id) AS n FROM parties WHERE role = 'lender')
             SELECT l.org_id, COALESCE(SUM(b.amount_usd / l.n), 0), COUNT(DISTINCT b.id)
             FROM b JOIN l ON l.project_id = b.id GROUP BY l.org_id ORDER BY 2 DESC, 1"
        ),
    };
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(params.iter()), |r| {
            let key: Value = r.get(0)?;
            Ok((key, r.get::<_, f64>(1)?, r.get::<_, i64>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (key, amount, count) in rows {
        let (key, label) = match key {
            Value::Null => (serde_json::Value::Null, "(unknown)".to_string()),
            Value::Integer(i) => (json!(i), i.to_string()),
            Value::Text(t) => {
                let label = match by {
                    StatsBy::Country => ruta_core::country::by_iso3(&t)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| t.clone()),
                    StatsBy::Lender => conn
                        .prepare_cached("SELECT name FROM organizations WHERE id = ?1")?
                        .query_row([&t], |r| r.get(0))
                        .optional()?
                        .unwrap_or_else(|| t.clone()),
                    _ => t.clone(),
                };
                (json!(t), label)
            }
            Value::Real(x) => (json!(x), x.to_string()),
            Value::Blob(_) => (serde_json::Value::Null, "(unknown)".into()),
        };
        out.push(StatRow {
            key,
            label,
            amount_usd: amount,
            count: count as u64,
        });
    }
    Ok(out)
}

/// New-frontier share of one year's amount.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrontierRow {
    pub key: i64,
    pub amount_usd: f64,
    pub new_frontier_usd: f64,
    /// new_frontier_usd / amount_usd; null when the year has no amount.
    pub share: Option<f64>,
    pub count: u64,
    pub new_frontier_count: u64,
}

/// The new-frontier share of each year's total (aggregate projects only).
pub fn frontier_share(conn: &Connection, f: &Filter) -> Result<Vec<FrontierRow>> {
    let (cond, params) = f.sql();
    let sql = format!(
        "SELECT year, COALESCE(SUM(amount_usd), 0),
                COALESCE(SUM(CASE WHEN sector_group = 'new_frontier' THEN amount_usd END), 0),
                COUNT(*), SUM(sector_group = 'new_frontier')
         FROM (SELECT p.* FROM aggregate_projects p{cond}) WHERE year IS NOT NULL GROUP BY year ORDER BY year"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params.iter()), |r| {
            let total: f64 = r.get(1)?;
            let nf: f64 = r.get(2)?;
            Ok(FrontierRow {
                key: r.get(0)?,
                amount_usd: total,
                new_frontier_usd: nf,
                share: if total > 0.0 { Some(nf / total) } else { None },
                count: r.get::<_, i64>(3)? as u64,
                new_frontier_count: r.get::<_, i64>(4)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Number of projects, claims, sources, organizations and events.
pub fn counts(conn: &Connection) -> Result<serde_json::Value> {
    let one = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok(json!({
        "projects": one("SELECT COUNT(*) FROM projects")?,
        "claims": one("SELECT COUNT(*) FROM claims")?,
        "sources": one("SELECT COUNT(*) FROM sources")?,
        "organizations": one("SELECT COUNT(*) FROM organizations")?,
        "events": one("SELECT COUNT(*) FROM events")?,
        "locations": one("SELECT COUNT(*) FROM locations")?,
    }))
}

/// A source by id.
pub fn source(conn: &Connection, id: i64) -> Result<Option<SourceInfo>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SOURCE_COLS} FROM sources s WHERE s.id = ?1"
        ))?
        .query_row([id], |r| source_info(r, 0))
        .optional()?)
}
