//! Read queries for browsing: countries, organizations, two-way totals and search across
//! projects, organizations, sources, claim quotes and unattached evidence.

use crate::Result;
use crate::flows::{self, StatRow, StatsBy};
use crate::query::{self, EventInfo, Filter, ProjectSummary, Sort, SourceInfo, fts_query};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde::Serialize;

/// One country with its totals (counted flows only for amounts).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountrySummary {
    pub iso3: String,
    /// ISO 3166-1 numeric code (as Natural Earth / world-atlas use it).
    pub numeric: String,
    pub name: String,
    pub name_es: Option<String>,
    pub name_pt: Option<String>,
    pub subregion: Option<String>,
    /// One of the 33 Latin American and Caribbean states.
    pub lac: bool,
    /// Every project in the country.
    pub projects: u64,
    /// Flows that count in totals.
    pub counted_flows: u64,
    /// Sum of constant 2021 USD over counted flows.
    pub amount_usd: f64,
    /// The part of `amount_usd` committed while the country was a Belt and Road member
    /// (`ruta_core::bri::member_on` at each flow's commitment date).
    pub amount_usd_bri_member: f64,
    /// A Belt and Road member today (GFDC's list of May 2025: joined, not exited).
    pub bri_member: bool,
    /// The day it joined the Belt and Road Initiative (null: never, or GFDC calls the
    /// date uncertain — then `bri_listed` is true).
    pub bri_joined: Option<String>,
    /// The day it left (Panama: 2025-05-04).
    pub bri_exited: Option<String>,
    /// GFDC lists the country (a member now or once).
    pub bri_listed: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

fn country_summary(iso3: &str, projects: u64, agg: u64, amount: f64) -> Option<CountrySummary> {
    let c = ruta_core::country::by_iso3(iso3)?;
    let lac = ruta_core::country::lac_by_iso3(iso3);
    let bri = ruta_core::bri::membership(iso3);
    Some(CountrySummary {
        iso3: c.iso3.clone(),
        numeric: c.numeric.clone(),
        name: lac
            .map(|l| l.name_en.clone())
            .unwrap_or_else(|| c.name.clone()),
        name_es: lac.map(|l| l.name_es.clone()),
        name_pt: lac.map(|l| l.name_pt.clone()),
        subregion: lac.map(|l| l.subregion.clone()),
        lac: lac.is_some(),
        projects,
        counted_flows: agg,
        amount_usd: amount,
        amount_usd_bri_member: 0.0,
        bri_member: bri.is_some_and(|b| b.current()),
        bri_joined: bri.and_then(|b| b.joined.clone()),
        bri_exited: bri.and_then(|b| b.exited.clone()),
        bri_listed: bri.is_some(),
        lat: lac.map(|l| l.lat),
        lon: lac.map(|l| l.lon),
    })
}

/// Every LAC state (with or without projects) and every other country with projects,
/// largest total first.
pub fn countries(conn: &Connection) -> Result<Vec<CountrySummary>> {
    let mut st = conn.prepare_cached(
        "WITH p AS (SELECT country, SUM(projects) AS n FROM project_counts WHERE country IS NOT NULL
                    GROUP BY country),
              f AS (SELECT country, SUM(flows) AS n, SUM(amount_usd) AS usd FROM flow_totals
                    WHERE country IS NOT NULL GROUP BY country)
         SELECT p.country, p.n, COALESCE(f.n, 0), COALESCE(f.usd, 0) FROM p LEFT JOIN f ON f.country = p.country
         UNION ALL
         SELECT f.country, 0, f.n, f.usd FROM f WHERE f.country NOT IN (SELECT country FROM p)",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, f64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<CountrySummary> = rows
        .iter()
        .filter_map(|(c, n, a, amt)| country_summary(c, *n as u64, *a as u64, *amt))
        .collect();
    for l in ruta_core::country::lac() {
        if !out.iter().any(|c| c.iso3 == l.iso3)
            && let Some(c) = country_summary(&l.iso3, 0, 0, 0.0)
        {
            out.push(c);
        }
    }
    let member: std::collections::HashMap<String, f64> = conn
        .prepare_cached(
            "SELECT country, COALESCE(SUM(amount_usd), 0) FROM flow_totals
             WHERE bri = 1 AND country IS NOT NULL GROUP BY country",
        )?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for c in &mut out {
        c.amount_usd_bri_member = member.get(&c.iso3).copied().unwrap_or(0.0);
    }
    out.sort_by(|a, b| {
        b.amount_usd
            .total_cmp(&a.amount_usd)
            .then(a.name.cmp(&b.name))
    });
    Ok(out)
}

/// Counted loans by `by` split by lender: each loan's amount divided evenly among the
/// Chinese lenders its same-flow group names (`unattributed` when none), as the lender
/// totals do, so the cells of one key add up to that key's loan total; a cell's count is
/// the loans the lender takes part in.
fn split_by_lender(conn: &Connection, by: StatsBy, f: &Filter) -> Result<Vec<MatrixRow>> {
    let (base, params) = flows::counted_sql(f);
    let shares = crate::totals::lender_shares(conn, &base, &params)?;
    let mut cells: std::collections::BTreeMap<(String, String), (serde_json::Value, f64, f64)> =
        std::collections::BTreeMap::new();
    for s in shares {
        let key = match by {
            StatsBy::Year => s
                .year
                .map_or(serde_json::Value::Null, |y| serde_json::json!(y)),
            StatsBy::Country => s
                .country
                .map_or(serde_json::Value::Null, |c| serde_json::json!(c)),
            StatsBy::SectorGroup => s
                .sector_group
                .map_or(serde_json::Value::Null, |g| serde_json::json!(g)),
            StatsBy::FlowKind => serde_json::json!("loan"),
            StatsBy::Lender => unreachable!("a lender split of lenders is refused above"),
        };
        // Sort keys: nulls last, years numerically.
        let sort = match &key {
            serde_json::Value::Null => "~".to_string(),
            serde_json::Value::Number(n) => format!("{:>12}", n),
            v => v.as_str().unwrap_or_default().to_string(),
        };
        let e = cells.entry((sort, s.lender)).or_insert((key, 0.0, 0.0));
        e.1 += s.amount_usd;
        e.2 += 1.0;
    }
    Ok(cells
        .into_iter()
        .map(|((_, lender), (key, amount_usd, loans))| MatrixRow {
            key,
            split: Some(lender),
            amount_usd,
            count: loans.round() as u64,
        })
        .collect())
}

/// One cell of a two-way total (e.g. year × sector group).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixRow {
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub key: serde_json::Value,
    pub split: Option<String>,
    pub amount_usd: f64,
    pub count: u64,
}

/// Totals by `by` split by a second dimension (sector group, flow kind or country);
/// counted flows only.
pub fn stats_split(
    conn: &Connection,
    by: StatsBy,
    split: StatsBy,
    f: &Filter,
) -> Result<Vec<MatrixRow>> {
    if split == StatsBy::Lender && by != StatsBy::Lender {
        return split_by_lender(conn, by, f);
    }
    let col = |s: StatsBy| s.column().map(|c| c.trim_start_matches("f."));
    let (Some(a), Some(b)) = (col(by), col(split)) else {
        return Err(crate::StoreError::Invalid(
            "lender can split a total by year, country, sector group or flow kind, not be split"
                .into(),
        ));
    };
    let (sql, params) = if crate::totals::answers(f) {
        let (cond, params) = crate::totals::cell_sql(f, true);
        (
            format!(
                "SELECT {a}, {b}, SUM(amount_usd), SUM(flows) FROM flow_totals{cond}
                 GROUP BY {a}, {b} ORDER BY {a} IS NULL, {a}, {b}"
            ),
            params,
        )
    } else {
        let (base, params) = flows::counted_sql(f);
        (
            format!(
                "SELECT {a}, {b}, COALESCE(SUM(amount_usd), 0), COUNT(*) FROM ({base})
                 GROUP BY {a}, {b} ORDER BY {a} IS NULL, {a}, {b}"
            ),
            params,
        )
    };
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params.iter()), |r| {
            let key: Value = r.get(0)?;
            let key = match key {
                Value::Integer(i) => serde_json::json!(i),
                Value::Text(t) => serde_json::json!(t),
                Value::Real(x) => serde_json::json!(x),
                _ => serde_json::Value::Null,
            };
            let split: Value = r.get(1)?;
            let split = match split {
                Value::Text(t) => Some(t),
                Value::Integer(i) => Some(i.to_string()),
                _ => None,
            };
            Ok(MatrixRow {
                key,
                split,
                amount_usd: r.get(2)?,
                count: r.get::<_, i64>(3)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An event with the project it happened to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectEvent {
    pub project_id: String,
    pub project_name: String,
    #[serde(flatten)]
    pub event: EventInfo,
}

/// Everything about one country.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryDetail {
    #[serde(flatten)]
    pub country: CountrySummary,
    pub capital: Option<String>,
    pub currency: Option<String>,
    /// Totals by year, split by sector group.
    pub by_year: Vec<MatrixRow>,
    pub by_sector_group: Vec<StatRow>,
    pub by_flow_kind: Vec<StatRow>,
    pub lenders: Vec<StatRow>,
    /// Largest projects (constant 2021 USD).
    pub top_projects: Vec<ProjectSummary>,
    /// Implementation problems and milestones, newest first.
    pub events: Vec<ProjectEvent>,
    /// Where the Belt and Road membership dates come from.
    pub bri_source: String,
}

/// The page of one country, or None for a code that is not a country.
pub fn country_detail(conn: &Connection, iso3: &str) -> Result<Option<CountryDetail>> {
    let Some(summary) = countries(conn)?
        .into_iter()
        .find(|c| c.iso3 == iso3)
        .or_else(|| country_summary(iso3, 0, 0, 0.0))
    else {
        return Ok(None);
    };
    let f = Filter {
        country: Some(iso3.to_string()),
        ..Filter::default()
    };
    let lac = ruta_core::country::lac_by_iso3(iso3);
    let (top, _) = query::list_projects(conn, &f, Sort::AmountDesc, 20, 0)?;
    Ok(Some(CountryDetail {
        capital: lac.map(|l| l.capital.clone()),
        currency: lac.map(|l| l.currency.clone()),
        by_year: stats_split(conn, StatsBy::Year, StatsBy::SectorGroup, &f)?,
        by_sector_group: flows::stats(conn, StatsBy::SectorGroup, &f)?,
        by_flow_kind: flows::stats(conn, StatsBy::FlowKind, &f)?,
        lenders: flows::stats(conn, StatsBy::Lender, &f)?,
        top_projects: top,
        events: events_where(conn, "c.country = ?1", params![iso3], 200)?,
        bri_source: ruta_core::bri::SOURCE.to_string(),
        country: summary,
    }))
}

fn events_where(
    conn: &Connection,
    cond: &str,
    p: impl rusqlite::Params,
    limit: u32,
) -> Result<Vec<ProjectEvent>> {
    let sql = format!(
        "SELECT e.id, e.kind, e.date, e.summary, c.id, c.name FROM events e JOIN projects p ON p.id = e.project_id
           JOIN projects c ON c.id = p.canonical_id
         WHERE {cond} ORDER BY e.date IS NULL, e.date DESC, e.id LIMIT {limit}"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(p, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, kind, date, summary, pid, pname) in rows {
        out.push(ProjectEvent {
            project_id: pid,
            project_name: pname,
            event: query::event_info(conn, id, kind, date, summary)?,
        });
    }
    Ok(out)
}

/// One organization in a listing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgSummary {
    pub id: String,
    pub name: String,
    pub kind: Option<String>,
    pub country: Option<String>,
    /// From ruta's gazetteer (as opposed to a name first seen in a dataset).
    pub curated: bool,
    /// Projects it takes part in, in any role.
    pub projects: u64,
    /// Roles it has, with project counts ("lender": 12).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub roles: serde_json::Value,
}

/// Organizations, most projects first; `q` searches names and aliases.
pub fn organizations(
    conn: &Connection,
    q: Option<&str>,
    limit: u32,
    offset: u64,
) -> Result<(Vec<OrgSummary>, u64)> {
    let (cond, args): (String, Vec<Value>) = match q.and_then(fts_query) {
        Some(m) => (
            "WHERE o.id IN (SELECT org_id FROM organizations_fts WHERE organizations_fts MATCH ?1)"
                .into(),
            vec![Value::Text(m)],
        ),
        None => (String::new(), vec![]),
    };
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM organizations o {cond}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    let sql = format!(
        "SELECT o.id, o.name, o.kind, o.country, o.curated, COALESCE(c.projects, 0) AS n,
                COALESCE(c.roles, '{{}}')
         FROM organizations o LEFT JOIN org_counts c ON c.org_id = o.id
         {cond} ORDER BY n DESC, o.name LIMIT {limit} OFFSET {offset}"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args.iter()), org_summary)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as u64))
}

fn org_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrgSummary> {
    let roles: Option<String> = r.get(6)?;
    Ok(OrgSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        country: r.get(3)?,
        curated: r.get(4)?,
        projects: r.get::<_, i64>(5)? as u64,
        roles: roles
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| serde_json::json!({})),
    })
}

/// A project an organization takes part in, with its role.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgProject {
    pub role: String,
    pub share: Option<f64>,
    #[serde(flatten)]
    pub project: ProjectSummary,
}

/// Everything about one organization.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgDetail {
    #[serde(flatten)]
    pub org: OrgSummary,
    pub aliases: Vec<String>,
    pub parent: Option<OrgRefInfo>,
    pub children: Vec<OrgRefInfo>,
    /// Its projects, largest first (at most 500).
    pub projects_list: Vec<OrgProject>,
    /// Totals of the projects it takes part in, by year (aggregate projects only).
    pub by_year: Vec<StatRow>,
    pub by_country: Vec<StatRow>,
}

/// An organization by id and name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgRefInfo {
    pub id: String,
    pub name: String,
}

/// The page of one organization, or None.
pub fn organization_detail(conn: &Connection, id: &str) -> Result<Option<OrgDetail>> {
    let org = conn
        .prepare_cached(
            "SELECT o.id, o.name, o.kind, o.country, o.curated,
                    (SELECT COUNT(DISTINCT project_id) FROM parties WHERE org_id = o.id),
                    (SELECT json_group_object(role, c) FROM (SELECT role, COUNT(*) AS c FROM parties WHERE org_id = o.id GROUP BY role))
             FROM organizations o WHERE o.id = ?1",
        )?
        .query_row([id], org_summary)
        .optional()?;
    let Some(org) = org else { return Ok(None) };
    let aliases = conn
        .prepare_cached("SELECT alias FROM org_aliases WHERE org_id = ?1 ORDER BY alias")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let parent = conn
        .prepare_cached("SELECT p.id, p.name FROM organizations o JOIN organizations p ON p.id = o.parent_id WHERE o.id = ?1")?
        .query_row([id], |r| Ok(OrgRefInfo { id: r.get(0)?, name: r.get(1)? }))
        .optional()?;
    let children = conn
        .prepare_cached("SELECT id, name FROM organizations WHERE parent_id = ?1 ORDER BY name")?
        .query_map([id], |r| {
            Ok(OrgRefInfo {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // The 500 largest of its projects: an organization in many projects walks the
    // amount index until it has them; one in few sorts its own.
    let scan = if org.projects > 2_000 {
        "INDEXED BY projects_amount_id"
    } else {
        ""
    };
    let sql = format!(
        "SELECT pa.role, MAX(pa.share), {cols} FROM
           (SELECT * FROM projects q {scan} WHERE q.canonical_id = q.id
              AND +q.id IN (SELECT r.canonical_id FROM parties pa JOIN projects r ON r.id = pa.project_id
                            WHERE pa.org_id = ?1)
            ORDER BY q.amount_usd DESC, q.id LIMIT 500) p
           JOIN projects r ON r.canonical_id = p.id JOIN parties pa ON pa.project_id = r.id AND pa.org_id = ?1
         GROUP BY p.id, pa.role ORDER BY p.amount_usd IS NULL, p.amount_usd DESC, p.id LIMIT 500",
        cols = query::SUMMARY_COLS
    );
    let projects_list = conn
        .prepare_cached(&sql)?
        .query_map([id], |r| {
            Ok(OrgProject {
                role: r.get(0)?,
                share: r.get(1)?,
                project: query::summary_at(r, 2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let f = Filter {
        org: Some(id.to_string()),
        ..Filter::default()
    };
    Ok(Some(OrgDetail {
        by_year: flows::stats(conn, StatsBy::Year, &f)?,
        by_country: flows::stats(conn, StatsBy::Country, &f)?,
        org,
        aliases,
        parent,
        children,
        projects_list,
    }))
}

/// A search hit of any kind.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub projects: Vec<ProjectSummary>,
    pub organizations: Vec<OrgSummary>,
    pub sources: Vec<SourceInfo>,
    /// Claims whose quote matches, with their project.
    pub claims: Vec<ClaimHit>,
    /// Unattached figures from the news whose sentence matches.
    pub evidence: Vec<crate::evidence::EvidenceRow>,
    /// Events, attached to a project or not, whose summary, quotes or project match.
    pub events: Vec<crate::events::EventRow>,
}

/// A claim found by its quote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimHit {
    pub claim_id: i64,
    pub project_id: String,
    pub project_name: String,
    pub field: String,
    pub quote: String,
    pub source_id: i64,
}

/// Full-text search over everything ruta keeps; at most `limit` hits of each kind.
pub fn search(conn: &Connection, q: &str, limit: u32) -> Result<SearchResults> {
    let Some(m) = fts_query(q) else {
        return Ok(SearchResults {
            projects: vec![],
            organizations: vec![],
            sources: vec![],
            claims: vec![],
            evidence: vec![],
            events: vec![],
        });
    };
    let f = Filter {
        q: Some(q.to_string()),
        ..Filter::default()
    };
    let (projects, _) = query::list_projects(conn, &f, Sort::Relevance, limit, 0)?;
    let (organizations, _) = organizations(conn, Some(q), limit, 0)?;
    let sources = conn
        .prepare_cached(&format!(
            "SELECT {} FROM sources s WHERE s.id IN (SELECT rowid FROM sources_fts WHERE sources_fts MATCH ?1 ORDER BY rank LIMIT ?2)",
            query::SOURCE_COLS
        ))?
        .query_map(params![m, limit], |r| query::source_info(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let claims = conn
        .prepare_cached(
            "SELECT c.id, p.canonical_id, (SELECT name FROM projects WHERE id = p.canonical_id), c.field, c.quote, c.source_id
             FROM claims c JOIN projects p ON p.id = c.project_id
             WHERE c.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?1 ORDER BY rank LIMIT ?2)",
        )?
        .query_map(params![m, limit], |r| {
            Ok(ClaimHit {
                claim_id: r.get(0)?,
                project_id: r.get(1)?,
                project_name: r.get(2)?,
                field: r.get(3)?,
                quote: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                source_id: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let store_like = crate::evidence::EvidenceFilter {
        q: Some(q.to_string()),
        limit: limit as usize,
        ..Default::default()
    };
    let (evidence, _) = crate::evidence::evidence_rows(conn, &store_like)?;
    let events_like = crate::events::EventFilter {
        q: Some(q.to_string()),
        ..Default::default()
    };
    let (events, _) = crate::events::list_events(conn, &events_like, limit, 0)?;
    Ok(SearchResults {
        projects,
        organizations,
        sources,
        claims,
        evidence,
        events,
    })
}
