//! Read queries: project listings with filters, project detail with every claim and
//! its source, every flow and why it counts or not; sources. Flows and totals are in
//! `flows`.
//!
//! A *project* is a row of `projects` whose `canonical_id` is its own id; every other
//! row is a record merged into the project named by its `canonical_id`. Listings show
//! projects; [`project_detail`] accepts any record id and answers with the project that
//! now holds the record (saying so in `redirected_from`).

use crate::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use ruta_core::resolve::{self, Candidate};
use ruta_core::{FlowKind, SectorGroup, SourceKind, Status};
use serde::Serialize;
use serde_json::json;

/// Which projects a listing covers, or which flows a total covers. Empty fields do not
/// filter.
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
    /// Flows only: the project (any of its record ids).
    pub project: Option<String>,
    /// Flows only: counted (true) or not counted (false).
    pub counted: Option<bool>,
    /// Belt and Road membership of the flow's country at its commitment date
    /// (`ruta_core::bri::member_on`); for projects, of one of their flows. Flows with
    /// neither a commitment date nor a year match neither value.
    pub bri: Option<Bri>,
}

/// Belt and Road membership at commitment time, as a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bri {
    /// The country had joined and not exited when the flow was committed.
    Member,
    /// It had not joined, or had exited (or never joined).
    NonMember,
}

impl Bri {
    pub const NAMES: &'static [&'static str] = &["member", "non-member"];

    pub fn parse(s: &str) -> Option<Bri> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "member" | "yes" | "true" => Some(Bri::Member),
            "non-member" | "nonmember" | "no" | "false" => Some(Bri::NonMember),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Bri::Member => "member",
            Bri::NonMember => "non-member",
        }
    }
}

/// The day a flow (alias `f`) was committed, in SQL, as `ruta_core::bri::day_of` takes
/// it: its commitment date (the 15th of a month, 1 July of a year), else 1 July of its
/// year.
const FLOW_DAY: &str =
    "(CASE WHEN length(f.commitment_date) >= 10 THEN substr(f.commitment_date, 1, 10)
     WHEN length(f.commitment_date) = 7 THEN f.commitment_date || '-15'
     WHEN length(f.commitment_date) = 4 THEN f.commitment_date || '-07-01'
     WHEN f.year IS NOT NULL THEN printf('%04d-07-01', f.year) END)";

/// SQL true when flow `f`'s country was a BRI member on its commitment day, from the
/// embedded list (`ruta_core::bri`: literal ISO codes and dates, none from the user).
pub(crate) fn bri_member_sql() -> String {
    let rows: Vec<String> = ruta_core::bri::all()
        .map(|m| {
            let q = |v: &Option<String>| match v {
                Some(d) => format!("'{}'", d.replace('\'', "")),
                None => "NULL".into(),
            };
            format!(
                "('{}', {}, {})",
                m.iso3.replace('\'', ""),
                q(&m.joined),
                q(&m.exited)
            )
        })
        .collect();
    format!(
        "EXISTS(SELECT 1 FROM (VALUES {}) b WHERE b.column1 = f.country
           AND (b.column2 IS NULL OR b.column2 <= {FLOW_DAY})
           AND (b.column3 IS NULL OR {FLOW_DAY} < b.column3))",
        rows.join(", ")
    )
}

/// SQL for a flow `f`'s membership at commitment time as a value: 1 member, 0 not, NULL
/// without a date (`flow_totals.bri`).
pub(crate) fn bri_cell_sql() -> String {
    format!(
        "CASE WHEN {FLOW_DAY} IS NULL THEN NULL WHEN {} THEN 1 ELSE 0 END",
        bri_member_sql()
    )
}

/// SQL for a flow `f` matching the membership filter.
pub(crate) fn bri_sql(b: Bri) -> String {
    match b {
        Bri::Member => format!("({FLOW_DAY} IS NOT NULL AND {})", bri_member_sql()),
        Bri::NonMember => format!("({FLOW_DAY} IS NOT NULL AND NOT {})", bri_member_sql()),
    }
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

/// SQL conditions and their parameters.
struct Conds {
    conds: Vec<String>,
    params: Vec<Value>,
}

impl Conds {
    fn add(&mut self, cond: &str, v: Vec<Value>) {
        self.conds.push(cond.to_string());
        self.params.extend(v);
    }

    fn finish(self) -> (String, Vec<Value>) {
        let sql = if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        };
        (sql, self.params)
    }
}

/// Canonical project ids whose records match a full-text query (`?` twice).
const FTS_PROJECTS: &str = "SELECT r.canonical_id FROM projects r WHERE r.rowid IN (SELECT rowid FROM projects_fts WHERE projects_fts MATCH ?)
     UNION SELECT r.canonical_id FROM parties pa JOIN projects r ON r.id = pa.project_id
       WHERE pa.org_id IN (SELECT org_id FROM organizations_fts WHERE organizations_fts MATCH ?)";

impl Filter {
    fn org_ids(&self) -> Option<Vec<Value>> {
        let o = self.org.as_ref()?;
        Some(vec![
            Value::Text(o.clone()),
            Value::Text(ruta_core::orgs::org_id(o)),
        ])
    }

    /// Conditions on projects (alias `p`, canonical rows only).
    pub(crate) fn project_sql(&self) -> (String, Vec<Value>) {
        let mut c = Conds {
            conds: vec!["p.canonical_id = p.id".into()],
            params: vec![],
        };
        if let Some(x) = &self.country {
            c.add("p.country = ?", vec![Value::Text(x.clone())]);
        }
        if let Some(g) = self.sector_group {
            c.add("p.sector_group = ?", vec![Value::Text(g.as_str().into())]);
        }
        if let Some(s) = self.status {
            c.add("p.status = ?", vec![Value::Text(s.as_str().into())]);
        }
        if let Some(k) = self.flow_kind {
            c.add(
                "EXISTS(SELECT 1 FROM flows f WHERE f.project_id = p.id AND f.kind = ?)",
                vec![Value::Text(k.as_str().into())],
            );
        }
        if let Some(q) = self.q.as_deref().and_then(fts_query) {
            c.add(
                &format!("p.id IN ({FTS_PROJECTS})"),
                vec![Value::Text(q.clone()), Value::Text(q)],
            );
        }
        if let Some(ids) = self.org_ids() {
            c.add(
                "p.id IN (SELECT r.canonical_id FROM parties pa JOIN projects r ON r.id = pa.project_id
                   WHERE pa.org_id IN (?, ?))",
                ids,
            );
        }
        if let Some(y) = self.year_from {
            c.add("p.year >= ?", vec![Value::Integer(y.into())]);
        }
        if let Some(y) = self.year_to {
            c.add("p.year <= ?", vec![Value::Integer(y.into())]);
        }
        if let Some([x0, y0, x1, y1]) = self.bbox {
            c.add(
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
                c.add(
                    "EXISTS(SELECT 1 FROM projects r WHERE r.canonical_id = p.id AND r.dataset IS NULL)",
                    vec![],
                );
            } else {
                c.add(
                    "EXISTS(SELECT 1 FROM projects r WHERE r.canonical_id = p.id AND r.dataset = ?)",
                    vec![Value::Text(d.clone())],
                );
            }
        }
        if let Some(b) = self.bri {
            c.add(
                &format!(
                    "EXISTS(SELECT 1 FROM flows f WHERE f.project_id = p.id AND {})",
                    bri_sql(b)
                ),
                vec![],
            );
        }
        c.finish()
    }

    /// Conditions on flows (alias `f`).
    pub(crate) fn flow_sql(&self) -> (String, Vec<Value>) {
        let mut c = Conds {
            conds: vec![],
            params: vec![],
        };
        if let Some(x) = &self.country {
            c.add("f.country = ?", vec![Value::Text(x.clone())]);
        }
        if let Some(g) = self.sector_group {
            c.add("f.sector_group = ?", vec![Value::Text(g.as_str().into())]);
        }
        if let Some(s) = self.status {
            c.add("f.status = ?", vec![Value::Text(s.as_str().into())]);
        }
        if let Some(k) = self.flow_kind {
            c.add("f.kind = ?", vec![Value::Text(k.as_str().into())]);
        }
        if let Some(q) = self.q.as_deref().and_then(fts_query) {
            c.add(
                &format!("f.project_id IN ({FTS_PROJECTS})"),
                vec![Value::Text(q.clone()), Value::Text(q)],
            );
        }
        if let Some(ids) = self.org_ids() {
            c.add(
                "f.group_id IN (SELECT g.group_id FROM flows g JOIN parties pa ON pa.project_id = g.id
                   WHERE pa.org_id IN (?, ?))",
                ids,
            );
        }
        if let Some(y) = self.year_from {
            c.add("f.year >= ?", vec![Value::Integer(y.into())]);
        }
        if let Some(y) = self.year_to {
            c.add("f.year <= ?", vec![Value::Integer(y.into())]);
        }
        if let Some([x0, y0, x1, y1]) = self.bbox {
            c.add(
                "f.project_id IN (SELECT id FROM projects WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?)",
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
                c.add("f.origin = 'registry'", vec![]);
            } else {
                c.add("f.dataset = ?", vec![Value::Text(d.clone())]);
            }
        }
        if let Some(p) = &self.project {
            c.add(
                "f.project_id = (SELECT canonical_id FROM projects WHERE id = ?)",
                vec![Value::Text(p.clone())],
            );
        }
        if let Some(b) = self.counted {
            // With a selective filter (text, organization, place, project) SQLite would
            // otherwise walk the `counted` index over every flow; `+` keeps it on the
            // filter's own index.
            let selective = self.q.is_some()
                || self.org.is_some()
                || self.bbox.is_some()
                || self.project.is_some();
            let cond = if selective {
                "+f.counted = ?"
            } else {
                "f.counted = ?"
            };
            c.add(cond, vec![Value::Integer(b.into())]);
        }
        if let Some(b) = self.bri {
            c.add(&bri_sql(b), vec![]);
        }
        c.finish()
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
            Sort::Relevance if has_q => "m.score, p.id",
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
    "value_usd",
    "counted_usd",
    "flows",
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
    /// The kind of the project's main flow (its largest counted one).
    pub flow_kind: String,
    /// Constant 2021 US dollars: the project's value when a source states one, else
    /// the sum of its counted flows (null when neither is known).
    pub amount_usd: Option<f64>,
    /// Nominal US dollars of the same.
    pub amount_usd_nominal: Option<f64>,
    /// The project's value, or its one counted flow's amount, in its original currency.
    pub amount: Option<f64>,
    pub currency: Option<String>,
    /// The year of its first flow (else the year its sources give).
    pub year: Option<i64>,
    /// The project's displayed value in constant 2021 USD (null when no source states
    /// one).
    pub value_usd: Option<f64>,
    /// Sum of its counted flows in constant 2021 USD: what it adds to totals.
    pub counted_usd: Option<f64>,
    /// Number of flows (counted or not).
    pub flows: i64,
    /// Number of distinct sources behind the project.
    pub sources: i64,
    pub dataset: Option<String>,
    pub record_id: Option<String>,
    /// Whether at least one of its flows counts in totals.
    pub include_in_aggregates: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: Option<i64>,
}

pub(crate) const SUMMARY_COLS: &str = "p.id, p.name, p.country, p.sector_group, p.sector_subgroup, p.status, p.flow_kind,
    p.amount_usd, p.amount_usd_nominal, p.amount, p.currency, p.year, p.source_count, p.dataset, p.record_id,
    p.include_in_aggregates, p.lat, p.lon, p.precision, p.value_usd, p.counted_usd, p.flow_count";

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
        value_usd: r.get(o + 19)?,
        counted_usd: r.get(o + 20)?,
        flows: r.get(o + 21)?,
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
    let (cond, mut params) = f.project_sql();
    let total = match crate::totals::project_count(conn, f)? {
        Some(n) => n as i64,
        None => conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM projects p{cond}"))?
            .query_row(params_from_iter(params.iter()), |r| r.get(0))?,
    };
    let fts = f.q.as_deref().and_then(fts_query);
    let order = sort.sql(fts.is_some());
    params.push(Value::Integer(limit.into()));
    params.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let sql = match (&fts, sort) {
        // Relevance: each project's best-matching record, scored once by the FTS index.
        (Some(q), Sort::Relevance) => {
            params.insert(0, Value::Text(q.clone()));
            format!(
                "WITH s AS MATERIALIZED (SELECT rowid AS rid, bm25(projects_fts, 10.0, 5.0, 1.0) AS score
                        FROM projects_fts WHERE projects_fts MATCH ?),
                   m AS (SELECT r.canonical_id AS pid, MIN(s.score) AS score
                        FROM s JOIN projects r ON r.rowid = s.rid GROUP BY r.canonical_id)
                 SELECT {SUMMARY_COLS} FROM projects p JOIN m ON m.pid = p.id{cond}
                 ORDER BY {order} LIMIT ? OFFSET ?"
            )
        }
        _ => {
            format!("SELECT {SUMMARY_COLS} FROM projects p{cond} ORDER BY {order} LIMIT ? OFFSET ?")
        }
    };
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params.iter()), |r| summary_at(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as u64))
}

/// The project that holds a record: the record's `canonical_id`, or None for an
/// unknown id.
pub fn project_of(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT canonical_id FROM projects WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
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
    /// A dataset row's file (base name), sheet and line.
    pub file: Option<String>,
    pub sheet: Option<String>,
    pub line: Option<i64>,
}

pub(crate) const SOURCE_COLS: &str = "s.id, s.kind, s.title, s.publisher, s.url, s.date, s.language, s.dataset, s.dataset_version, s.record_id, s.note, s.file, s.sheet, s.line";

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
        file: r.get(at + 11)?,
        sheet: r.get(at + 12)?,
        line: r.get(at + 13)?,
    })
}

/// One claim with its source and its standing under the display rule.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimInfo {
    pub id: i64,
    /// The record (dataset row, registry entry or flow) the claim was made about.
    pub record: String,
    pub field: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub value: serde_json::Value,
    pub display: String,
    pub qualifier: Option<String>,
    /// "at_least" or "at_most" when the source gives the value as a bound ("more than
    /// $3 billion"; see `ruta_core::model::figure_qualifier`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub bound: Option<ruta_core::model::FigureBound>,
    /// The high end when the source gives a range (the value is its low end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_high: Option<f64>,
    pub confidence: f64,
    pub locator: Option<String>,
    pub span: Option<[i64; 2]>,
    pub quote: Option<String>,
    /// This claim supplies the displayed value of its field (for its record; for the
    /// project's `value`, status and dates, across all its records).
    pub chosen: bool,
    /// A newer claim from the same dataset record (or a newer release of it) replaced it.
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
    /// Ownership or financing share in percent.
    pub share: Option<f64>,
    /// The record that names the party.
    pub record: String,
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
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
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

/// The project's displayed value: what the display rule chose among its records'
/// `value` claims, with the claim and its source.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueInfo {
    /// In units of `currency`.
    pub amount: f64,
    pub currency: String,
    pub year: Option<i64>,
    /// Constant 2021 US dollars (ruta's method), when convertible.
    pub amount_usd: Option<f64>,
    pub claim: ClaimInfo,
}

/// A record that belongs to the project.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRef {
    pub id: String,
    pub name: String,
    /// The dataset the record is a row of; null for the registry.
    pub dataset: Option<String>,
    pub record_id: Option<String>,
    /// Whether the record states a flow.
    pub flow: bool,
}

/// Everything about one project.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub summary: ProjectSummary,
    /// The id that was asked for, when it named a record now held by this project.
    pub redirected_from: Option<String>,
    /// The project's value (total cost or investment size) when a source states one.
    pub value: Option<ValueInfo>,
    /// Every flow of the project, counted or not, with why.
    pub flows: Vec<crate::flows::FlowInfo>,
    /// The records (dataset rows, registry entries) the project is made of.
    pub records: Vec<RecordRef>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub aliases: Vec<serde_json::Value>,
    pub description: Option<String>,
    pub sector_code: Option<String>,
    pub sector_name: Option<String>,
    pub sector_rule: Option<String>,
    pub package_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub attributes: serde_json::Value,
    pub amount_year: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub dates: serde_json::Value,
    pub locations: Vec<LocationInfo>,
    pub parties: Vec<PartyInfo>,
    pub claims: Vec<ClaimInfo>,
    pub events: Vec<EventInfo>,
    /// Sources the records cite as a whole.
    pub references: Vec<SourceInfo>,
    pub parent: Option<ProjectRef>,
    pub children: Vec<ProjectRef>,
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

/// The members of project `id` as a SQL set.
const MEMBERS: &str = "(SELECT id FROM projects WHERE canonical_id = ?1)";

/// The full record of the project holding record `id` (any record id resolves), or None.
pub fn project_detail(conn: &Connection, id: &str) -> Result<Option<ProjectDetail>> {
    let Some(pid) = project_of(conn, id)? else {
        return Ok(None);
    };
    let redirected_from = (pid != id).then(|| id.to_string());
    let id = pid.as_str();
    struct Head {
        summary: ProjectSummary,
        description: Option<String>,
        sector_code: Option<String>,
        sector_name: Option<String>,
        sector_rule: Option<String>,
        package_id: Option<String>,
        attributes: String,
        amount_year: Option<i64>,
        dates: serde_json::Value,
        parent_id: Option<String>,
        created_at: String,
        updated_at: String,
    }
    let head = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLS}, p.description, p.sector_code, p.sector_name, p.sector_rule,
               p.package_id, p.attributes, p.amount_year,
               p.commitment_date, p.planned_start_date, p.actual_start_date, p.planned_completion_date,
               p.actual_completion_date, p.parent_id, p.created_at, p.updated_at
             FROM projects p WHERE p.id = ?1"
        ))?
        .query_row([id], |r| {
            let o = 22;
            Ok(Head {
                summary: summary_at(r, 0)?,
                description: r.get(o)?,
                sector_code: r.get(o + 1)?,
                sector_name: r.get(o + 2)?,
                sector_rule: r.get(o + 3)?,
                package_id: r.get(o + 4)?,
                attributes: r.get(o + 5)?,
                amount_year: r.get(o + 6)?,
                dates: json!({
                    "commitment_date": r.get::<_, Option<String>>(o + 7)?,
                    "planned_start_date": r.get::<_, Option<String>>(o + 8)?,
                    "actual_start_date": r.get::<_, Option<String>>(o + 9)?,
                    "planned_completion_date": r.get::<_, Option<String>>(o + 10)?,
                    "actual_completion_date": r.get::<_, Option<String>>(o + 11)?,
                }),
                parent_id: r.get(o + 12)?,
                created_at: r.get(o + 13)?,
                updated_at: r.get(o + 14)?,
            })
        })
        .optional()?;
    let Some(head) = head else { return Ok(None) };
    let aliases = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT alias, lang FROM project_aliases WHERE project_id IN {MEMBERS} ORDER BY alias"
        ))?
        .query_map([id], |r| {
            Ok(json!({"name": r.get::<_, String>(0)?, "lang": r.get::<_, Option<String>>(1)?}))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let locations = conn
        .prepare_cached(&format!(
            "SELECT lat, lon, precision, admin1, admin2, place, geometry, share, feature_id, source_id, intersection_share
             FROM locations WHERE project_id IN {MEMBERS} ORDER BY COALESCE(precision, 9), id"
        ))?
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
    let parties = parties_of(conn, &format!("pa.project_id IN {MEMBERS}"), id)?;
    let claims = claims_of(conn, id)?;
    let value = claims
        .iter()
        .find(|c| c.field == "value" && c.chosen)
        .and_then(|c| {
            let m: ruta_core::Money = serde_json::from_value(c.value.clone()).ok()?;
            Some(ValueInfo {
                amount: m.amount,
                currency: m.currency.clone(),
                year: m.year.map(i64::from),
                amount_usd: m.usd_2021,
                claim: c.clone(),
            })
        });
    let events = events_of(conn, id)?;
    let references = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT {SOURCE_COLS} FROM project_sources ps JOIN sources s ON s.id = ps.source_id
             WHERE ps.project_id IN {MEMBERS} ORDER BY s.id"
        ))?
        .query_map([id], |r| source_info(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let parent = match head.parent_id {
        Some(pid) => conn
            .prepare_cached(
                "SELECT c.id, c.name, c.country, c.amount_usd, c.year FROM projects p JOIN projects c ON c.id = p.canonical_id
                 WHERE p.id = ?1",
            )?
            .query_row([&pid], project_ref)
            .optional()?,
        None => None,
    };
    let children = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT c.id, c.name, c.country, c.amount_usd, c.year FROM projects p JOIN projects c ON c.id = p.canonical_id
             WHERE p.parent_id IN {MEMBERS} AND c.id <> ?1 ORDER BY c.year, c.id"
        ))?
        .query_map([id], project_ref)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let records = conn
        .prepare_cached(
            "SELECT p.id, p.name, p.dataset, p.record_id, EXISTS(SELECT 1 FROM flows f WHERE f.id = p.id)
             FROM projects p WHERE p.canonical_id = ?1 ORDER BY p.id <> ?1, p.dataset IS NOT NULL, p.id",
        )?
        .query_map([id], |r| {
            Ok(RecordRef {
                id: r.get(0)?,
                name: r.get(1)?,
                dataset: r.get(2)?,
                record_id: r.get(3)?,
                flow: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let flows = crate::flows::list_flows(
        conn,
        &Filter {
            project: Some(id.to_string()),
            ..Filter::default()
        },
        u32::MAX,
        0,
    )?
    .0;
    Ok(Some(ProjectDetail {
        summary: head.summary,
        redirected_from,
        value,
        flows,
        records,
        aliases,
        description: head.description,
        sector_code: head.sector_code,
        sector_name: head.sector_name,
        sector_rule: head.sector_rule,
        package_id: head.package_id,
        attributes: serde_json::from_str(&head.attributes).unwrap_or(json!({})),
        amount_year: head.amount_year,
        dates: head.dates,
        locations,
        parties,
        claims,
        events,
        references,
        parent,
        children,
        created_at: head.created_at,
        updated_at: head.updated_at,
    }))
}

/// Parties matching `cond` (alias `pa`; `?1` bound to `arg`), one per organization and
/// role.
pub(crate) fn parties_of(conn: &Connection, cond: &str, arg: &str) -> Result<Vec<PartyInfo>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT o.id, o.name, o.kind, o.country, pa.role, MAX(pa.share), MIN(pa.project_id)
             FROM parties pa JOIN organizations o ON o.id = pa.org_id
             WHERE {cond} GROUP BY o.id, pa.role ORDER BY pa.role, o.name"
        ))?
        .query_map([arg], |r| {
            Ok(PartyInfo {
                org_id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                country: r.get(3)?,
                role: r.get(4)?,
                share: r.get(5)?,
                record: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every claim of every record of project `project`, each marked with its standing:
/// per record for the flow's fields, across the project for the project's own fields
/// (value, status, dates, quantities).
fn claims_of(conn: &Connection, project: &str) -> Result<Vec<ClaimInfo>> {
    struct Raw {
        info: ClaimInfo,
        value: ruta_core::ClaimValue,
        key: String,
    }
    let raws = conn
        .prepare_cached(&format!(
            "SELECT c.id, c.project_id, c.field, {claim_cols}, c.qualifier, c.confidence, c.locator, c.span_start,
               c.span_end, c.quote, s.key, {SOURCE_COLS}
             FROM claims c JOIN sources s ON s.id = c.source_id WHERE c.project_id IN {MEMBERS}
             ORDER BY c.field, c.id",
            claim_cols = crate::claimrow::COLUMNS
        ))?
        .query_map([project], |r| {
            let value = crate::claimrow::value_at(r, 3)?;
            let span = match (r.get::<_, Option<i64>>(16)?, r.get::<_, Option<i64>>(17)?) {
                (Some(a), Some(b)) => Some([a, b]),
                _ => None,
            };
            let field: String = r.get(2)?;
            let qualifier: Option<String> = r.get(13)?;
            Ok(Raw {
                info: ClaimInfo {
                    id: r.get(0)?,
                    record: r.get(1)?,
                    display: value.display_for(&field),
                    field,
                    value: serde_json::to_value(&value).unwrap_or_default(),
                    bound: qualifier
                        .as_deref()
                        .and_then(ruta_core::model::qualifier_bound),
                    value_high: qualifier
                        .as_deref()
                        .and_then(ruta_core::model::qualifier_high),
                    qualifier,
                    confidence: r.get(14)?,
                    locator: r.get(15)?,
                    span,
                    quote: r.get(18)?,
                    chosen: false,
                    superseded: false,
                    conflict: false,
                    source: source_info(r, 20)?,
                },
                value,
                key: r.get(19)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    fn cand(r: &Raw) -> Candidate<'_> {
        Candidate {
            id: r.info.id,
            field: &r.info.field,
            value: &r.value,
            source_key: &r.key,
            source_kind: r.info.source.kind.parse().unwrap_or(SourceKind::Other),
            source_date: r.info.source.date.as_deref(),
            confidence: r.info.confidence,
            dataset: r.info.source.dataset.as_deref(),
            version: r.info.source.dataset_version.as_deref(),
            record: r.info.source.record_id.as_deref(),
        }
    }
    // The project's fields compete across its records; a flow's within its record.
    let project_wide = |f: &str| !is_flow_field(f);
    let mut chosen = std::collections::HashSet::new();
    let mut superseded = std::collections::HashSet::new();
    let mut conflicting = std::collections::HashSet::new();
    let mut groups: std::collections::BTreeMap<(bool, &str), Vec<Candidate<'_>>> =
        std::collections::BTreeMap::new();
    for r in &raws {
        let wide = project_wide(&r.info.field);
        let key = if wide { "" } else { r.info.record.as_str() };
        groups.entry((wide, key)).or_default().push(cand(r));
    }
    for cands in groups.values() {
        chosen.extend(resolve::choose(cands).values().map(|c| c.id));
        superseded.extend(resolve::superseded(cands));
        conflicting.extend(resolve::conflicting(cands));
    }
    drop(groups);
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

/// Whether a claim field describes a flow (competing within its record) rather than the
/// project (competing across the project's records).
pub fn is_flow_field(field: &str) -> bool {
    field.starts_with("amount")
        || field == "adjusted_amount"
        || field == "year"
        || field == "commitment_date"
        || field == "collateral"
        || field == "first_repayment_date"
        || field == "last_repayment_date"
        || resolve::TERM_FIELDS.contains(&field)
        || crate::debt::TERM_CLAIM_FIELDS.contains(&field)
}

fn events_of(conn: &Connection, project: &str) -> Result<Vec<EventInfo>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT id, kind, date, summary FROM events WHERE project_id IN {MEMBERS}
             ORDER BY date IS NULL, date, id"
        ))?
        .query_map([project], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
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

/// Number of projects, records, flows, claims, sources, organizations and events.
pub fn counts(conn: &Connection) -> Result<serde_json::Value> {
    // Kept in `meta` by every commit that changes them (`totals::rebuild`).
    let stored: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'counts'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(v) = stored.and_then(|s| serde_json::from_str(&s).ok()) {
        return Ok(v);
    }
    live_counts(conn)
}

/// The row counts of [`counts`], counted now.
pub(crate) fn live_counts(conn: &Connection) -> Result<serde_json::Value> {
    let one = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok(json!({
        "projects": one("SELECT COUNT(*) FROM projects WHERE canonical_id = id")?,
        "records": one("SELECT COUNT(*) FROM projects")?,
        "flows": one("SELECT COUNT(*) FROM flows")?,
        "counted_flows": one("SELECT COUNT(*) FROM flows WHERE counted = 1")?,
        "relations": one("SELECT COUNT(*) FROM relations")?,
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
