//! Reading what the record linker proposed: the candidates awaiting review, each with
//! the two records it would relate and the match-weight waterfall that explains it.

use crate::Result;
use crate::flows::Amount;
use rusqlite::{Connection, params};
use serde::Serialize;

/// A record as a review shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordBrief {
    pub id: String,
    pub name: String,
    /// The dataset (null for the registry and articles) and its release.
    pub dataset: Option<String>,
    pub version: Option<String>,
    /// loan, grant, equity, m_and_a, construction_contract, debt_relief, unknown.
    pub kind: String,
    pub country: Option<String>,
    pub year: Option<i64>,
    pub amount: Option<Amount>,
    /// Constant 2021 US dollars.
    pub amount_usd: Option<f64>,
    /// The project now holding the record.
    pub project_id: String,
    pub counted: bool,
    pub not_counted_reason: Option<String>,
}

/// A relation the linker proposes for review.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkCandidate {
    /// The relation statement's id.
    pub id: i64,
    /// same_as, supersedes, finances …
    pub kind: String,
    /// For directed kinds the newer release or the loan.
    pub from: RecordBrief,
    pub to: RecordBrief,
    /// Match probability (0–1).
    pub score: Option<f64>,
    /// The model that proposed it (`ruta-link same_flow`, `ruta-link finances`).
    pub rule: String,
    /// The match-weight waterfall: blocking rule, prior, each comparison's level with m,
    /// u, weight and term-frequency adjustment, total weight and probability.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub evidence: serde_json::Value,
    pub created_at: String,
}

/// A stored candidate: id, kind, from, to, score, rule, evidence, created_at.
type CandidateRow = (
    i64,
    String,
    String,
    String,
    Option<f64>,
    String,
    Option<String>,
    String,
);

/// A flow's record as a review shows it, or None when `id` states no flow.
pub fn record(conn: &Connection, id: &str) -> Result<Option<RecordBrief>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT f.id, p.name, f.dataset, f.dataset_version, f.kind, f.country, f.year, f.amount, f.currency,
               f.amount_usd, f.project_id, f.counted, f.not_counted_reason
             FROM flows f JOIN projects p ON p.id = f.id WHERE f.id = ?1",
        )?
        .query_row([id], |r| {
            let amount: Option<f64> = r.get(7)?;
            let currency: Option<String> = r.get(8)?;
            Ok(RecordBrief {
                id: r.get(0)?,
                name: r.get(1)?,
                dataset: r.get(2)?,
                version: r.get(3)?,
                kind: r.get(4)?,
                country: r.get(5)?,
                year: r.get(6)?,
                amount: amount
                    .zip(currency)
                    .map(|(value, currency)| Amount { value, currency }),
                amount_usd: r.get(9)?,
                project_id: r.get(10)?,
                counted: r.get(11)?,
                not_counted_reason: r.get(12)?,
            })
        })
        .optional()?)
}

/// The linker's candidates no person has decided yet, strongest first, and how many
/// there are. `kind` filters by relation kind.
pub fn candidates(
    conn: &Connection,
    kind: Option<&str>,
    limit: u32,
    offset: u64,
) -> Result<(Vec<LinkCandidate>, u64)> {
    let cond = "r.origin = 'linker' AND r.judgement = 'candidate' AND (?1 IS NULL OR r.kind = ?1)
        AND NOT EXISTS (SELECT 1 FROM relations d WHERE d.origin = 'person' AND d.kind = r.kind
                        AND d.from_id = r.from_id AND d.to_id = r.to_id)
        AND EXISTS (SELECT 1 FROM flows f WHERE f.id = r.from_id)
        AND EXISTS (SELECT 1 FROM flows f WHERE f.id = r.to_id)";
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM relations r WHERE {cond}"))?
        .query_row(params![kind], |r| r.get(0))?;
    let rows: Vec<CandidateRow> = conn
        .prepare_cached(&format!(
            "SELECT r.id, r.kind, r.from_id, r.to_id, r.score, r.rule, r.evidence, r.created_at
             FROM relations r WHERE {cond} ORDER BY r.score DESC, r.id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(
            params![kind, i64::from(limit), offset.min(i64::MAX as u64) as i64],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, kind, from, to, score, rule, evidence, created_at) in rows {
        let (Some(from), Some(to)) = (record(conn, &from)?, record(conn, &to)?) else {
            continue;
        };
        out.push(LinkCandidate {
            id,
            kind,
            from,
            to,
            score,
            rule,
            evidence: evidence
                .and_then(|e| serde_json::from_str(&e).ok())
                .unwrap_or(serde_json::Value::Null),
            created_at,
        });
    }
    Ok((out, total as u64))
}

/// Number of linker relations by kind and judgement, and of people's decisions.
pub fn summary(conn: &Connection) -> Result<serde_json::Value> {
    let rows: Vec<(String, String, String, i64)> = conn
        .prepare_cached(
            "SELECT origin, kind, judgement, COUNT(*) FROM relations WHERE origin IN ('linker', 'person')
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(serde_json::Value::Array(
        rows.into_iter()
            .map(|(o, k, j, n)| serde_json::json!({"origin": o, "kind": k, "judgement": j, "count": n}))
            .collect(),
    ))
}
