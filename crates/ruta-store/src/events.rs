//! Events across the database: implementation problems and milestones with the project
//! they happened to, its country, and every source that reports them.

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
    pub id: i64,
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
    pub sources: Vec<EventSourceRow>,
}

/// A page of events (newest first) and the number that match.
pub fn list_events(
    conn: &Connection,
    f: &EventFilter,
    limit: u32,
    offset: u64,
) -> Result<(Vec<EventRow>, u64)> {
    if f.unattached == Some(true) {
        // Events whose project no article identified are kept by the news ingester
        // in the unattached tables; none are stored as project events.
        return Ok((Vec::new(), 0));
    }
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
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
        let kinds: Vec<String> = EventKind::ALL
            .iter()
            .filter(|k| k.is_problem())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        conds.push(format!("e.kind IN ({})", kinds.join(", ")));
    }
    if let Some(q) = f.q.as_deref().and_then(fts_query) {
        conds.push(
            "(c.rowid IN (SELECT rowid FROM projects_fts WHERE projects_fts MATCH ?)
              OR e.id IN (SELECT es.event_id FROM event_sources es WHERE es.quote LIKE ?)
              OR e.summary LIKE ?)"
                .into(),
        );
        let like = format!(
            "%{}%",
            f.q.as_deref()
                .unwrap_or_default()
                .replace(['%', '_'], " ")
                .trim()
        );
        params.push(Value::Text(q));
        params.push(Value::Text(like.clone()));
        params.push(Value::Text(like));
    }
    let cond = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let from = "FROM events e JOIN projects r ON r.id = e.project_id JOIN projects c ON c.id = r.canonical_id";
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) {from}{cond}"))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    params.push(Value::Integer(i64::from(limit)));
    params.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let mut rows = conn
        .prepare_cached(&format!(
            "SELECT e.id, e.kind, e.date, c.id, c.name, c.country, e.summary {from}{cond}
             ORDER BY e.date IS NULL, e.date DESC, e.id LIMIT ? OFFSET ?"
        ))?
        .query_map(params_from_iter(params.iter()), |r| {
            let kind: String = r.get(1)?;
            Ok(EventRow {
                id: r.get(0)?,
                problem: EventKind::parse(&kind).is_some_and(|k| k.is_problem()),
                kind,
                date: r.get(2)?,
                project_id: r.get(3)?,
                project_name: r.get(4)?,
                country: r.get(5)?,
                summary: r.get(6)?,
                sources: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for e in &mut rows {
        e.sources = conn
            .prepare_cached(
                "SELECT s.id, s.title, s.kind, s.url, s.publisher, s.date, s.file, es.quote
                 FROM event_sources es JOIN sources s ON s.id = es.source_id
                 WHERE es.event_id = ?1 ORDER BY s.date, s.id",
            )?
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
