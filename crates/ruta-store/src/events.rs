//! Events across the database: implementation problems and milestones with the project
//! they happened to, its country, and every source that reports them; and the events
//! news reports about no identifiable project ("unattached", `unattached_events`), with
//! the country and organizations their sentence names. Listings put both together,
//! newest first.

use crate::Result;
use crate::query::fts_query;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use ruta_core::EventKind;
use serde::Serialize;

/// Which events a listing covers. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// The project (any of its record ids).
    pub project: Option<String>,
    /// ISO3 of the project's (or, for an unattached event, the article's) country.
    pub country: Option<String>,
    pub kind: Option<EventKind>,
    /// Only events no project could be identified for (true), or only attached ones.
    pub unattached: Option<bool>,
    /// Words of the summary, the project's name or a source's quote.
    pub q: Option<String>,
    /// Only implementation problems (not inaugurations and milestones).
    pub problems_only: bool,
}

/// A source reporting an event.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSourceRow {
    pub id: i64,
    pub title: Option<String>,
    /// news_article, dataset_record, official_document, report, other.
    pub kind: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    /// The ingested file or imported dataset file the report was read from.
    pub file: Option<String>,
    pub quote: Option<String>,
}

/// One event as listings show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRow {
    /// Row id: of `events`, or of `unattached_events` when `unattached`.
    pub id: i64,
    /// No project could be identified for it (`project_id` is null).
    pub unattached: bool,
    /// corruption, protest, labour_abuse, environmental_harm, structural_defect,
    /// delay_cost_overrun, arbitration, debt_distress, cancellation, inauguration, milestone.
    pub kind: String,
    /// Whether it is an implementation problem.
    pub problem: bool,
    /// ISO date or year, possibly partial; null when no source dates it.
    pub date: Option<String>,
    /// The project it happened to; null for an unattached event.
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub country: Option<String>,
    pub summary: String,
    /// Unattached events: gazetteer ids of the organizations the sentence names (empty
    /// for project events).
    pub organizations: Vec<String>,
    /// Unattached events: the registry records the words fit when they fit several and
    /// nothing in the article chose one (empty otherwise).
    pub candidates: Vec<String>,
    pub sources: Vec<EventSourceRow>,
}

/// A page of events (newest first; attached before unattached on the same date) and the
/// number that match.
pub fn list_events(
    conn: &Connection,
    f: &EventFilter,
    limit: u32,
    offset: u64,
) -> Result<(Vec<EventRow>, u64)> {
    let mut parts: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let like =
        f.q.as_deref()
            .map(|q| format!("%{}%", q.replace(['%', '_'], " ").trim()));
    let fts = f.q.as_deref().and_then(fts_query);
    let problem_kinds = || {
        let kinds: Vec<String> = EventKind::ALL
            .iter()
            .filter(|k| k.is_problem())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        kinds.join(", ")
    };
    if f.unattached != Some(true) {
        let mut conds: Vec<String> = Vec::new();
        if let Some(p) = &f.project {
            conds.push("c.id = (SELECT canonical_id FROM projects WHERE id = ?)".into());
            params.push(Value::Text(p.clone()));
        }
        if let Some(c) = &f.country {
            conds.push("c.country = ?".into());
            params.push(Value::Text(c.clone()));
        }
        if let Some(k) = f.kind {
            conds.push("e.kind = ?".into());
            params.push(Value::Text(k.as_str().into()));
        }
        if f.problems_only {
            conds.push(format!("e.kind IN ({})", problem_kinds()));
        }
        if let (Some(q), Some(like)) = (&fts, &like) {
            conds.push(
                "(c.rowid IN (SELECT rowid FROM projects_fts WHERE projects_fts MATCH ?)
                  OR e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)
                  OR e.id IN (SELECT es.event_id FROM event_sources es WHERE es.quote LIKE ?)
                  OR e.summary LIKE ?)"
                    .into(),
            );
            params.push(Value::Text(q.clone()));
            params.push(Value::Text(q.clone()));
            params.push(Value::Text(like.clone()));
            params.push(Value::Text(like.clone()));
        }
        parts.push(format!(
            "SELECT e.id AS id, 0 AS unattached, e.kind AS kind, e.date AS date, c.id AS project_id,
                    c.name AS project_name, c.country AS country, e.summary AS summary,
                    '[]' AS orgs, '[]' AS candidates
             FROM events e JOIN projects r ON r.id = e.project_id JOIN projects c ON c.id = r.canonical_id{}",
            where_of(&conds)
        ));
    }
    if f.unattached != Some(false) && f.project.is_none() {
        let mut conds: Vec<String> = Vec::new();
        if let Some(c) = &f.country {
            conds.push("u.country = ?".into());
            params.push(Value::Text(c.clone()));
        }
        if let Some(k) = f.kind {
            conds.push("u.kind = ?".into());
            params.push(Value::Text(k.as_str().into()));
        }
        if f.problems_only {
            conds.push(format!("u.kind IN ({})", problem_kinds()));
        }
        if let (Some(q), Some(like)) = (&fts, &like) {
            conds.push(
                "(u.id IN (SELECT rowid FROM unattached_events_fts WHERE unattached_events_fts MATCH ?)
                  OR u.summary LIKE ?)"
                    .into(),
            );
            params.push(Value::Text(q.clone()));
            params.push(Value::Text(like.clone()));
        }
        parts.push(format!(
            "SELECT u.id AS id, 1 AS unattached, u.kind AS kind, u.date AS date, NULL AS project_id,
                    NULL AS project_name, u.country AS country, u.summary AS summary,
                    u.orgs AS orgs, u.candidates AS candidates
             FROM unattached_events u{}",
            where_of(&conds)
        ));
    }
    if parts.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let union = parts.join(" UNION ALL ");
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM ({union})"))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    params.push(Value::Integer(i64::from(limit)));
    params.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let mut rows = conn
        .prepare_cached(&format!(
            "SELECT id, unattached, kind, date, project_id, project_name, country, summary, orgs, candidates
             FROM ({union})
             ORDER BY date IS NULL, date DESC, unattached, id LIMIT ? OFFSET ?"
        ))?
        .query_map(params_from_iter(params.iter()), |r| {
            let kind: String = r.get(2)?;
            let list = |i: usize| -> rusqlite::Result<Vec<String>> {
                let s: String = r.get(i)?;
                Ok(serde_json::from_str(&s).unwrap_or_default())
            };
            Ok(EventRow {
                id: r.get(0)?,
                unattached: r.get(1)?,
                problem: EventKind::parse(&kind).is_some_and(|k| k.is_problem()),
                kind,
                date: r.get(3)?,
                project_id: r.get(4)?,
                project_name: r.get(5)?,
                country: r.get(6)?,
                summary: r.get(7)?,
                organizations: list(8)?,
                candidates: list(9)?,
                sources: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for e in &mut rows {
        let sql = if e.unattached {
            "SELECT s.id, s.title, s.kind, s.url, s.publisher, s.date, s.file, u.quote
             FROM unattached_events u JOIN sources s ON s.id = u.source_id WHERE u.id = ?1"
        } else {
            "SELECT s.id, s.title, s.kind, s.url, s.publisher, s.date, s.file, es.quote
             FROM event_sources es JOIN sources s ON s.id = es.source_id
             WHERE es.event_id = ?1 ORDER BY s.date, s.id"
        };
        e.sources = conn
            .prepare_cached(sql)?
            .query_map([e.id], |r| {
                Ok(EventSourceRow {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    kind: r.get(2)?,
                    url: r.get(3)?,
                    publisher: r.get(4)?,
                    date: r.get(5)?,
                    file: r.get(6)?,
                    quote: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }
    Ok((rows, total as u64))
}

fn where_of(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}
