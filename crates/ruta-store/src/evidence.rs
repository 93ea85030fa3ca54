//! What news ingestion writes besides claims: article text, events backed by several
//! articles, and figures no project could be linked to ("unattached evidence").

use crate::{Result, Store, Writer};
use rusqlite::{OptionalExtension, params};
use ruta_core::{EventKind, SourceKind};
use serde::Serialize;

/// A figure an article states, not linked to any project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unattached {
    /// "money", "quantity" or "percent".
    pub kind: String,
    /// The exact substring.
    pub text: String,
    /// Byte span in the article's stored text.
    pub span: [usize; 2],
    /// Money: amount in `currency`; quantity and percent: the value.
    pub amount: Option<f64>,
    pub currency: Option<String>,
    /// Nominal US dollars, when the currency is known.
    pub usd: Option<f64>,
    pub approx: bool,
    pub qualifier: Option<String>,
    pub unit: Option<String>,
    /// The one country the sentence names, when it names exactly one.
    pub country: Option<String>,
    /// Gazetteer ids of the organizations the sentence names.
    pub orgs: Vec<String>,
    /// The sentence.
    pub quote: String,
}

/// What a project says of itself (see [`Writer::project_facts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFacts {
    /// The project (canonical record id).
    pub project: String,
    /// Years of its flows, ascending.
    pub years: Vec<i32>,
    /// (amount, currency, nominal USD) of its flows and stated values.
    pub amounts: Vec<(f64, String, Option<f64>)>,
}

/// An unattached figure as stored, with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRow {
    pub id: i64,
    #[serde(flatten)]
    pub figure: Unattached,
    pub source_id: i64,
    pub source_title: Option<String>,
    pub source_publisher: Option<String>,
    pub source_url: Option<String>,
    pub source_date: Option<String>,
}

impl Writer<'_> {
    /// The key of a stored source of `kind` whose title is the same as `title` (ignoring
    /// case, accents and punctuation): an article ingested from a file is the same source
    /// as the article the registry cites.
    pub fn source_key_by_title(&self, kind: SourceKind, title: &str) -> Result<Option<String>> {
        let want = ruta_core::text::fold(title);
        if want.is_empty() {
            return Ok(None);
        }
        let mut st = self.tx.prepare_cached(
            "SELECT key, title FROM sources WHERE kind = ?1 AND title IS NOT NULL",
        )?;
        let rows = st.query_map([kind.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (key, t) = row?;
            if ruta_core::text::fold(&t) == want {
                return Ok(Some(key));
            }
        }
        Ok(None)
    }

    /// Title, publisher, URL and date of a stored source.
    #[allow(clippy::type_complexity)]
    pub fn source_description(
        &self,
        key: &str,
    ) -> Result<
        Option<(
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        )>,
    > {
        Ok(self
            .tx
            .prepare_cached("SELECT title, publisher, url, date FROM sources WHERE key = ?1")?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?)
    }

    /// The projects (by id) of the registry's records in which an organization takes
    /// part in `country`.
    pub fn registry_projects_with(&self, org: &str, country: &str) -> Result<Vec<String>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT DISTINCT p.canonical_id FROM parties pa JOIN projects p ON p.id = pa.project_id
                 JOIN record_origins r ON r.project_id = p.id AND r.origin = 'registry'
                 WHERE pa.org_id = ?1 AND p.country = ?2",
            )?
            .query_map(params![org, country], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// What a stored record's project says of itself, for telling candidate projects
    /// apart: the project (canonical id), the years of its flows (commitment year or
    /// date) and the amounts of its flows and of the values datasets, the registry and
    /// documents (not news) state about it, as (amount, currency, nominal USD). None when
    /// the record is not stored.
    pub fn project_facts(&self, record: &str) -> Result<Option<ProjectFacts>> {
        let Some(project): Option<String> = self
            .tx
            .prepare_cached("SELECT canonical_id FROM projects WHERE id = ?1")?
            .query_row([record], |r| r.get(0))
            .optional()?
        else {
            return Ok(None);
        };
        let mut years: Vec<i32> = self
            .tx
            .prepare_cached(
                "SELECT year FROM flows WHERE project_id = ?1 AND year IS NOT NULL
                 UNION SELECT CAST(substr(commitment_date, 1, 4) AS INTEGER) FROM flows
                   WHERE project_id = ?1 AND commitment_date IS NOT NULL",
            )?
            .query_map([&project], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        years.sort_unstable();
        years.dedup();
        let amounts: Vec<(f64, String, Option<f64>)> = self
            .tx
            .prepare_cached(
                "SELECT amount, currency, amount_usd_nominal FROM flows
                   WHERE project_id = ?1 AND amount IS NOT NULL AND currency IS NOT NULL
                 UNION SELECT c.amount, c.currency, c.usd_nominal FROM claims c
                   JOIN projects p ON p.id = c.project_id JOIN sources s ON s.id = c.source_id
                   WHERE p.canonical_id = ?1 AND c.field IN ('value', 'amount') AND c.kind = 'money'
                     AND c.amount IS NOT NULL AND c.currency IS NOT NULL AND s.kind <> 'news_article'",
            )?
            .query_map([&project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(ProjectFacts {
            project,
            years,
            amounts,
        }))
    }

    /// Whether a source with this key is stored.
    pub fn source_exists(&self, key: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM sources WHERE key = ?1")?
            .query_row([key], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Stores the text a source's spans refer to (kept once: the first text wins, so
    /// spans recorded earlier stay valid).
    pub fn set_source_text(&self, source_id: i64, text: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE sources SET text = ?2 WHERE id = ?1 AND text IS NULL")?
            .execute(params![source_id, text])?;
        Ok(())
    }

    /// Records that a source reports an event of `kind` on a project. An event of the
    /// same kind in the same year (or undated) already on the project gains the source;
    /// otherwise a new event is made. Returns whether anything was added.
    #[allow(clippy::too_many_arguments)]
    pub fn report_event(
        &mut self,
        project: &str,
        kind: EventKind,
        date: Option<&str>,
        summary: &str,
        source_id: i64,
        quote: &str,
        locator: &str,
    ) -> Result<bool> {
        let year = date.and_then(|d| d.get(..4));
        let existing: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT id FROM events WHERE project_id = ?1 AND kind = ?2
                   AND (date IS NULL OR ?3 IS NULL OR substr(date, 1, 4) = ?3)
                 ORDER BY (date IS NULL), id LIMIT 1",
            )?
            .query_row(params![project, kind.as_str(), year], |r| r.get(0))
            .optional()?;
        let event = match existing {
            Some(id) => {
                if let Some(d) = date {
                    self.tx
                        .prepare_cached(
                            "UPDATE events SET date = ?2 WHERE id = ?1 AND date IS NULL",
                        )?
                        .execute(params![id, d])?;
                }
                id
            }
            None => {
                let key = format!(
                    "{}|{}|{}",
                    kind,
                    date.unwrap_or(""),
                    ruta_core::text::fold(summary)
                );
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO events(project_id, kind, date, summary, event_key) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![project, kind.as_str(), date, summary, key])?;
                self.tx
                    .prepare_cached(
                        "SELECT id FROM events WHERE project_id = ?1 AND event_key = ?2",
                    )?
                    .query_row(params![project, key], |r| r.get(0))?
            }
        };
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO event_sources(event_id, source_id, quote, locator) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![event, source_id, quote, locator])?;
        if n > 0 {
            self.fts_events.push(event);
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO project_sources(project_id, source_id) VALUES (?1, ?2)",
                )?
                .execute(params![project, source_id])?;
        }
        Ok(n > 0)
    }

    /// Keeps a figure no project could be linked to. Returns whether it was new.
    pub fn add_unattached(&mut self, source_id: i64, e: &Unattached) -> Result<bool> {
        let key = ruta_core::hash::fingerprint(&format!(
            "{}|{}|{}|{}|{}",
            e.kind,
            e.amount.map(|a| a.to_string()).unwrap_or_default(),
            e.currency.as_deref().or(e.unit.as_deref()).unwrap_or(""),
            ruta_core::text::fold(&e.text),
            ruta_core::text::fold(&e.quote)
        ));
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO evidence(source_id, kind, text, span_start, span_end, amount, currency, usd,
                   approx, qualifier, unit, country, orgs, quote, evidence_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                source_id,
                e.kind,
                e.text,
                e.span[0] as i64,
                e.span[1] as i64,
                e.amount,
                e.currency,
                e.usd,
                e.approx,
                e.qualifier,
                e.unit,
                e.country,
                serde_json::to_string(&e.orgs).unwrap_or_else(|_| "[]".into()),
                e.quote,
                key
            ])?;
        if n > 0 {
            let id = self.tx.last_insert_rowid();
            self.tx
                .prepare_cached("INSERT INTO evidence_fts(rowid, quote) VALUES (?1, ?2)")?
                .execute(params![id, e.quote])?;
        }
        Ok(n > 0)
    }
}

/// An event an article reports that no project could be identified for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnattachedEvent {
    pub kind: EventKind,
    /// ISO date or year, possibly partial.
    pub date: Option<String>,
    /// ISO3 of the country it happened in (never CHN).
    pub country: Option<String>,
    /// Gazetteer ids of the organizations its sentence names.
    pub orgs: Vec<String>,
    /// Registry records the words fit when they fit several and nothing chose one.
    pub candidates: Vec<String>,
    pub summary: String,
    /// The sentence.
    pub quote: String,
    /// Byte span of the event words in the article's stored text.
    pub span: [usize; 2],
    /// Where in the source: "bytes S-E" (the sentence).
    pub locator: String,
}

impl Writer<'_> {
    /// Keeps an event no project could be identified for. One per source, kind and
    /// sentence: a repeated paragraph or a second ingestion adds nothing. China is never
    /// stored as its country. Returns whether it was new.
    pub fn add_unattached_event(&mut self, source_id: i64, e: &UnattachedEvent) -> Result<bool> {
        let key = ruta_core::hash::fingerprint(&format!(
            "{}|{}",
            e.kind,
            ruta_core::text::fold(&e.quote)
        ));
        let country = e.country.as_deref().filter(|c| *c != "CHN");
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO unattached_events(source_id, kind, date, country, orgs, candidates,
                   summary, quote, span_start, span_end, locator, event_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                source_id,
                e.kind.as_str(),
                e.date,
                country,
                serde_json::to_string(&e.orgs).unwrap_or_else(|_| "[]".into()),
                serde_json::to_string(&e.candidates).unwrap_or_else(|_| "[]".into()),
                e.summary,
                e.quote,
                e.span[0] as i64,
                e.span[1] as i64,
                e.locator,
                key
            ])?;
        if n > 0 {
            let id = self.tx.last_insert_rowid();
            self.tx
                .prepare_cached(
                    "INSERT INTO unattached_events_fts(rowid, summary) VALUES (?1, ?2)",
                )?
                .execute(params![id, e.summary])?;
        }
        Ok(n > 0)
    }
}

/// Which unattached figures to list.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    /// Full text over the sentences.
    pub q: Option<String>,
    pub country: Option<String>,
    /// "money", "quantity" or "percent".
    pub kind: Option<String>,
    pub source_id: Option<i64>,
    pub limit: usize,
    pub offset: usize,
}

impl Store {
    /// Unattached figures, newest source first; with `q`, best match first.
    pub fn evidence(&self, f: &EvidenceFilter) -> Result<(Vec<EvidenceRow>, u64)> {
        evidence_rows(self.conn(), f)
    }
}

/// Unattached figures, newest source first; with `q`, best match first.
pub fn evidence_rows(
    conn: &rusqlite::Connection,
    f: &EvidenceFilter,
) -> Result<(Vec<EvidenceRow>, u64)> {
    {
        let mut wh: Vec<String> = vec!["1".into()];
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut from = "evidence e JOIN sources s ON s.id = e.source_id".to_string();
        let mut order = "s.date DESC, e.source_id DESC, e.span_start".to_string();
        if let Some(q) = f.q.as_deref().and_then(crate::query::fts_query) {
            from.push_str(" JOIN evidence_fts ON evidence_fts.rowid = e.id");
            args.push(q.into());
            wh.push(format!("evidence_fts MATCH ?{}", args.len()));
            order = "evidence_fts.rank".into();
        }
        if let Some(c) = &f.country {
            args.push(c.clone().into());
            wh.push(format!("e.country = ?{}", args.len()));
        }
        if let Some(k) = &f.kind {
            args.push(k.clone().into());
            wh.push(format!("e.kind = ?{}", args.len()));
        }
        if let Some(s) = f.source_id {
            args.push(s.into());
            wh.push(format!("e.source_id = ?{}", args.len()));
        }
        let wh = wh.join(" AND ");
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {from} WHERE {wh}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT e.id, e.kind, e.text, e.span_start, e.span_end, e.amount, e.currency, e.usd, e.approx, e.qualifier,
                    e.unit, e.country, e.orgs, e.quote, e.source_id, s.title, s.publisher, s.url, s.date
             FROM {from} WHERE {wh} ORDER BY {order} LIMIT {} OFFSET {}",
            f.limit.max(1),
            f.offset
        );
        let mut st = conn.prepare(&sql)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                let orgs: String = r.get(12)?;
                Ok(EvidenceRow {
                    id: r.get(0)?,
                    figure: Unattached {
                        kind: r.get(1)?,
                        text: r.get(2)?,
                        span: [r.get::<_, i64>(3)? as usize, r.get::<_, i64>(4)? as usize],
                        amount: r.get(5)?,
                        currency: r.get(6)?,
                        usd: r.get(7)?,
                        approx: r.get(8)?,
                        qualifier: r.get(9)?,
                        unit: r.get(10)?,
                        country: r.get(11)?,
                        orgs: serde_json::from_str(&orgs).unwrap_or_default(),
                        quote: r.get(13)?,
                    },
                    source_id: r.get(14)?,
                    source_title: r.get(15)?,
                    source_publisher: r.get(16)?,
                    source_url: r.get(17)?,
                    source_date: r.get(18)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((rows, total as u64))
    }
}
