//! Claims and events, and the record-level display: what one record shows, chosen by
//! the display rule (`ruta_core::resolve`) from its own claims.

use super::Writer;
use crate::{Result, StoreError};
use rusqlite::{OptionalExtension, params};
use ruta_core::SourceKind;
use ruta_core::model::{Claim, ClaimValue, Event, Record, Source};
use ruta_core::resolve::{self, Candidate, Shown};
use std::collections::{HashMap, HashSet};

/// A representative point: (lat, lon, IATI precision).
pub(crate) type Point = (f64, f64, Option<i64>);

/// What a record displays: the display rule's choice among its claims, its
/// representative point and its number of distinct sources.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordDisplay {
    pub shown: Shown,
    /// Id of the candidate that states the amount (a claim id, or an index into the
    /// record's claims for a record not yet stored).
    pub amount_index: Option<usize>,
    pub amount_source_rank: u8,
    pub amount_confidence: f64,
    pub point: Option<Point>,
    pub source_count: i64,
}

impl RecordDisplay {
    pub(crate) fn of(
        cands: &[Candidate<'_>],
        point: Option<Point>,
        source_count: i64,
    ) -> RecordDisplay {
        let shown = resolve::shown(cands);
        let winner = shown
            .amount
            .as_ref()
            .and_then(|(_, id)| cands.iter().find(|c| c.id == *id));
        RecordDisplay {
            amount_index: shown.amount.as_ref().map(|(_, id)| *id as usize),
            amount_source_rank: winner.map(|c| c.source_kind.rank()).unwrap_or(0),
            amount_confidence: winner.map(|c| c.confidence).unwrap_or(0.0),
            shown,
            point,
            source_count,
        }
    }

    /// The display of a record seen for the first time, from the record alone: claims
    /// take their order as ids (they are inserted in that order).
    pub(crate) fn of_record(rec: &Record) -> RecordDisplay {
        let cands = record_candidates(rec);
        let point = rec
            .locations
            .iter()
            .filter(|l| l.lat.is_some() && l.lon.is_some())
            .min_by(|a, b| {
                a.precision
                    .unwrap_or(9)
                    .cmp(&b.precision.unwrap_or(9))
                    .then(b.share.unwrap_or(-1.0).total_cmp(&a.share.unwrap_or(-1.0)))
            })
            .map(|l| {
                (
                    l.lat.unwrap_or_default(),
                    l.lon.unwrap_or_default(),
                    l.precision.map(i64::from),
                )
            });
        let mut keys: HashSet<&str> = HashSet::new();
        keys.extend(rec.claims.iter().map(|c| c.source.as_str()));
        keys.extend(rec.references.iter().map(String::as_str));
        keys.extend(
            rec.events
                .iter()
                .flat_map(|e| e.sources.iter().map(|s| s.source.as_str())),
        );
        keys.extend(rec.locations.iter().filter_map(|l| l.source.as_deref()));
        RecordDisplay::of(&cands, point, keys.len() as i64)
    }
}

/// A record's claims as display-rule candidates, ids being their positions.
pub(crate) fn record_candidates(rec: &Record) -> Vec<Candidate<'_>> {
    let sources: HashMap<String, &Source> = rec.sources.iter().map(|s| (s.key(), s)).collect();
    rec.claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let s = sources.get(&c.source);
            Candidate {
                id: i as i64,
                field: &c.field,
                value: &c.value,
                source_key: &c.source,
                source_kind: s.map(|s| s.kind).unwrap_or(SourceKind::Other),
                source_date: s.and_then(|s| s.date.as_deref()),
                confidence: c.confidence,
                dataset: s.and_then(|s| s.dataset.as_deref()),
                version: s.and_then(|s| s.dataset_version.as_deref()),
                record: s.and_then(|s| s.record_id.as_deref()),
            }
        })
        .collect()
}

/// A stored claim, as the display rule needs it.
pub(crate) struct StoredClaim {
    pub id: i64,
    pub field: String,
    pub value: ClaimValue,
    pub key: String,
    pub kind: SourceKind,
    pub date: Option<String>,
    pub confidence: f64,
    pub dataset: Option<String>,
    pub version: Option<String>,
    pub record: Option<String>,
}

impl StoredClaim {
    pub(crate) fn candidate(&self) -> Candidate<'_> {
        Candidate {
            id: self.id,
            field: &self.field,
            value: &self.value,
            source_key: &self.key,
            source_kind: self.kind,
            source_date: self.date.as_deref(),
            confidence: self.confidence,
            dataset: self.dataset.as_deref(),
            version: self.version.as_deref(),
            record: self.record.as_deref(),
        }
    }
}

/// The SELECT that reads `StoredClaim`s (`c` claims joined to `s` sources).
pub(crate) fn stored_claims_sql(condition: &str) -> String {
    format!(
        "SELECT c.id, c.field, s.key, s.kind, s.date, c.confidence, s.dataset, s.dataset_version, s.record_id, {}
         FROM claims c JOIN sources s ON s.id = c.source_id WHERE {condition}",
        crate::claimrow::COLUMNS
    )
}

pub(crate) fn stored_claim(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredClaim> {
    let kind: String = r.get(3)?;
    Ok(StoredClaim {
        id: r.get(0)?,
        field: r.get(1)?,
        key: r.get(2)?,
        kind: kind.parse().unwrap_or(SourceKind::Other),
        date: r.get(4)?,
        confidence: r.get(5)?,
        dataset: r.get(6)?,
        version: r.get(7)?,
        record: r.get(8)?,
        value: crate::claimrow::value_at(r, 9)?,
    })
}

impl Writer<'_> {
    /// Inserts a claim unless the same source already said the same thing of the same
    /// field. Returns the new claim's id.
    pub(crate) fn insert_claim(
        &mut self,
        project: &str,
        c: &Claim,
        sid: i64,
    ) -> Result<Option<i64>> {
        if !(0.0..=1.0).contains(&c.confidence) {
            return Err(StoreError::Invalid(format!(
                "claim confidence {} outside 0–1",
                c.confidence
            )));
        }
        let cols = crate::claimrow::ClaimColumns::of(&c.value);
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO claims(project_id, field, kind, amount, currency, money_year, usd_nominal,
                   usd_2021, conversion, number, unit, text, value_key, source_id, locator, span_start, span_end,
                   quote, confidence, qualifier, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                   unixepoch())",
            )?
            .execute(params![
                project,
                c.field,
                cols.kind,
                cols.amount,
                cols.currency,
                cols.money_year,
                cols.usd_nominal,
                cols.usd_2021,
                cols.conversion,
                cols.number,
                cols.unit,
                cols.text,
                ruta_core::hash::fingerprint(&c.value.key()),
                sid,
                c.locator,
                c.span.map(|s| s[0] as i64),
                c.span.map(|s| s[1] as i64),
                c.quote,
                c.confidence,
                c.qualifier
            ])?;
        if n == 0 {
            if let Some([a, b]) = c.span {
                self.locate_claim(project, c, sid, a, b)?;
            }
            return Ok(None);
        }
        let id = self.tx.last_insert_rowid();
        if c.quote.is_some() {
            self.fts_claims.push(id);
        }
        Ok(Some(id))
    }

    /// A claim already stored without a place in its source (a registry claim citing an
    /// article) gains the span, locator and fuller quote that reading the article found.
    fn locate_claim(
        &mut self,
        project: &str,
        c: &Claim,
        sid: i64,
        a: usize,
        b: usize,
    ) -> Result<()> {
        let row: Option<(i64, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT id, quote FROM claims WHERE project_id = ?1 AND field = ?2 AND source_id = ?3
                   AND value_key = ?4 AND span_start IS NULL",
            )?
            .query_row(
                params![project, c.field, sid, ruta_core::hash::fingerprint(&c.value.key())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, old)) = row else {
            return Ok(());
        };
        // A fuller quote replaces one it contains; a different one is kept.
        let quote = match (&old, &c.quote) {
            (Some(o), Some(q)) if q.contains(o.as_str()) => Some(q.clone()),
            (None, q) => q.clone(),
            (o, _) => o.clone(),
        };
        self.tx
            .prepare_cached(
                "UPDATE claims SET span_start = ?2, span_end = ?3, locator = ?4, quote = ?5 WHERE id = ?1",
            )?
            .execute(params![id, a as i64, b as i64, c.locator, quote])?;
        if quote != old {
            self.tx
                .prepare_cached("DELETE FROM claims_fts WHERE rowid = ?1")?
                .execute([id])?;
            self.fts_claims.push(id);
        }
        Ok(())
    }

    pub(crate) fn insert_event(
        &mut self,
        project: &str,
        e: &Event,
        sources: &[Source],
    ) -> Result<()> {
        let key = format!(
            "{}|{}|{}",
            e.kind,
            e.date.as_deref().unwrap_or(""),
            ruta_core::text::fold(&e.summary)
        );
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events(project_id, kind, date, summary, event_key) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![project, e.kind.as_str(), e.date, e.summary, key])?;
        let eid: i64 = self
            .tx
            .prepare_cached("SELECT id FROM events WHERE project_id = ?1 AND event_key = ?2")?
            .query_row(params![project, key], |r| r.get(0))?;
        self.fts_events.push(eid);
        for s in &e.sources {
            let sid = self.source_id_by_key(sources, &s.source)?;
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO event_sources(event_id, source_id, quote, locator) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![eid, sid, s.quote, s.locator])?;
        }
        Ok(())
    }

    /// Adds claims, events and their sources to an existing project (news ingestion).
    /// Returns how many claims were new.
    pub fn add_evidence(
        &mut self,
        project: &str,
        sources: &[Source],
        claims: &[Claim],
        events: &[Event],
    ) -> Result<usize> {
        for s in sources {
            self.source_id(s)?;
        }
        let mut added = 0;
        for c in claims {
            let sid = self.source_id_by_key(sources, &c.source)?;
            if self.insert_claim(project, c, sid)?.is_some() {
                added += 1;
            }
        }
        for e in events {
            self.insert_event(project, e, sources)?;
        }
        self.resolve(project)?;
        self.touched.insert(project.to_string());
        Ok(added)
    }

    /// Recomputes a record's displayed values from all its claims (the display rule in
    /// `ruta_core::resolve`), its representative location and its source count, on its
    /// `projects` row and, when it states a flow, on its `flows` row.
    pub fn resolve(&mut self, record: &str) -> Result<()> {
        let rows: Vec<StoredClaim> = self
            .tx
            .prepare_cached(&stored_claims_sql("c.project_id = ?1"))?
            .query_map([record], stored_claim)?
            .collect::<rusqlite::Result<_>>()?;
        let cands: Vec<Candidate<'_>> = rows.iter().map(StoredClaim::candidate).collect();
        let point: Option<Point> = self
            .tx
            .prepare_cached(
                "SELECT lat, lon, precision FROM locations WHERE project_id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL
                 ORDER BY COALESCE(precision, 9), share IS NULL, share DESC, id LIMIT 1",
            )?
            .query_row([record], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let source_count: i64 = self
            .tx
            .prepare_cached(
                "SELECT COUNT(*) FROM (
                   SELECT source_id FROM claims WHERE project_id = ?1
                   UNION SELECT source_id FROM project_sources WHERE project_id = ?1
                   UNION SELECT es.source_id FROM event_sources es JOIN events e ON e.id = es.event_id WHERE e.project_id = ?1
                   UNION SELECT source_id FROM locations WHERE project_id = ?1 AND source_id IS NOT NULL)",
            )?
            .query_row([record], |r| r.get(0))?;
        let d = RecordDisplay::of(&cands, point, source_count);
        let amount_claim = d.amount_index.map(|i| i as i64);
        self.update_record_display(record, &d)?;
        self.update_flow_display(record, &d, amount_claim)?;
        Ok(())
    }

    /// Writes a record's displayed values on its `projects` row.
    pub(crate) fn update_record_display(&mut self, record: &str, d: &RecordDisplay) -> Result<()> {
        let s = &d.shown;
        let date = |f: &str| s.dates.get(f).cloned();
        let term = |f: &str| s.terms.get(f).copied();
        let value = s.value.as_ref().map(|(m, _)| m);
        self.tx
            .prepare_cached(
                "UPDATE projects SET status = ?2, year = ?3, commitment_date = ?4, planned_start_date = ?5,
                   actual_start_date = ?6, planned_completion_date = ?7, actual_completion_date = ?8,
                   interest_rate = ?9, maturity_years = ?10, grace_period_years = ?11, management_fee = ?12,
                   commitment_fee = ?13, collateral = ?14, first_repayment_date = ?15, last_repayment_date = ?16,
                   lat = ?17, lon = ?18, precision = ?19, source_count = ?20,
                   value_amount = ?21, value_currency = ?22, value_year = ?23, value_usd_nominal = ?24,
                   value_usd = ?25, value_claim_id = ?26
                 WHERE id = ?1",
            )?
            .execute(params![
                record,
                s.status.map(|x| x.as_str()),
                s.year,
                date("commitment_date"),
                date("planned_start_date"),
                date("actual_start_date"),
                date("planned_completion_date"),
                date("actual_completion_date"),
                term("interest_rate"),
                term("maturity_years"),
                term("grace_period_years"),
                term("management_fee"),
                term("commitment_fee"),
                s.collateral,
                date("first_repayment_date"),
                date("last_repayment_date"),
                d.point.map(|p| p.0),
                d.point.map(|p| p.1),
                d.point.and_then(|p| p.2),
                d.source_count,
                value.map(|m| m.amount),
                value.map(|m| m.currency.clone()),
                value.and_then(|m| m.year),
                value.and_then(|m| m.usd_nominal),
                value.and_then(|m| m.usd_2021),
                s.value.as_ref().map(|(_, id)| *id),
            ])?;
        Ok(())
    }

    /// Writes a record's displayed values on its `flows` row (no-op without one).
    pub(crate) fn update_flow_display(
        &mut self,
        record: &str,
        d: &RecordDisplay,
        amount_claim: Option<i64>,
    ) -> Result<()> {
        let s = &d.shown;
        let date = |f: &str| s.dates.get(f).cloned();
        let term = |f: &str| s.terms.get(f).copied();
        let amount = s.amount.as_ref().map(|(m, _)| m);
        let n = self
            .tx
            .prepare_cached(
                "UPDATE flows SET year = ?2, status = ?3, amount = ?4, currency = ?5, amount_year = ?6,
                   amount_usd_nominal = ?7, amount_usd = ?8, amount_claim_id = ?9, amount_source_rank = ?10,
                   amount_confidence = ?11, commitment_date = ?12, interest_rate = ?13, maturity_years = ?14,
                   grace_period_years = ?15, management_fee = ?16, commitment_fee = ?17, collateral = ?18,
                   first_repayment_date = ?19, last_repayment_date = ?20
                 WHERE id = ?1",
            )?
            .execute(params![
                record,
                s.year,
                s.status.map(|x| x.as_str()),
                amount.map(|m| m.amount),
                amount.map(|m| m.currency.clone()),
                amount.and_then(|m| m.year),
                amount.and_then(|m| m.usd_nominal),
                amount.and_then(|m| m.usd_2021),
                amount_claim,
                d.amount_source_rank,
                d.amount_confidence,
                date("commitment_date"),
                term("interest_rate"),
                term("maturity_years"),
                term("grace_period_years"),
                term("management_fee"),
                term("commitment_fee"),
                s.collateral,
                date("first_repayment_date"),
                date("last_repayment_date"),
            ])?;
        if n > 0 {
            self.counting_dirty = true;
        }
        Ok(())
    }
}
