//! Flows and totals: every flow with its evidence, parties, relations and whether it
//! counts; totals by year, country, sector group, flow kind and lender; the
//! new-frontier share. Totals sum `amount_usd` (constant 2021 USD, ruta's one method)
//! over counted flows only, with the same filters as [`list_flows`], so a total always
//! equals the sum of the flows `ruta flows --counted true` lists.

use crate::Result;
use crate::query::{Filter, PartyInfo, parties_of};
use crate::totals;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde::Serialize;
use serde_json::json;

/// An amount in its original currency.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amount {
    /// In units of `currency` (not thousands or millions).
    pub value: f64,
    /// ISO 4217.
    pub currency: String,
}

/// One piece of evidence for a flow: a dataset row (`dataset`, `version`, `file` base
/// name, `sheet` or null, 1-based `line`) or a registry entry (`dataset` = "registry",
/// `id`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum FlowRecord {
    Dataset {
        dataset: String,
        version: Option<String>,
        file: Option<String>,
        sheet: Option<String>,
        line: Option<i64>,
        record_id: Option<String>,
    },
    Registry {
        dataset: String,
        id: String,
    },
}

/// A relation of a flow to another record, with who asserted it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationInfo {
    pub id: i64,
    /// same_as, finances, refinances, part_of, supersedes, same_project.
    pub kind: String,
    /// The other record.
    pub other: String,
    /// "out" when this flow is the relation's subject (it finances, refinances,
    /// supersedes or is part of `other`), "in" otherwise, "both" for symmetric kinds.
    pub direction: String,
    /// dataset, registry, rule, linker or person.
    pub origin: String,
    /// The dataset field, registry entry, rule name or person that asserted it.
    pub rule: String,
    /// The linker's match weight or probability.
    pub score: Option<f64>,
    /// positive, negative or candidate.
    pub judgement: String,
    /// Why it exists: for the linker, the match-weight waterfall (blocking rule, each
    /// comparison's level, m, u and weight, total weight and probability); for a person,
    /// who decided and when.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub evidence: Option<serde_json::Value>,
    /// When it was stated (ISO 8601 UTC).
    pub created_at: String,
}

/// One flow: a financial commitment stated by one record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowInfo {
    /// The id of the record that states it.
    pub id: String,
    /// The project it belongs to.
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    /// loan, grant, equity, m_and_a, construction_contract, debt_relief, unknown.
    pub kind: String,
    /// How the kind is known (dataset field, inference rule, registry).
    pub kind_basis: String,
    /// Whether ruta's rules inferred the kind.
    pub kind_inferred: bool,
    /// dataset, registry or article.
    pub origin: String,
    pub country: Option<String>,
    pub sector_group: String,
    pub year: Option<i64>,
    pub status: Option<String>,
    /// The amount in its original currency.
    pub amount: Option<Amount>,
    /// Constant 2021 US dollars (ruta's method: original currency → nominal USD at the
    /// year's average rate → US GDP deflator).
    pub amount_usd: Option<f64>,
    /// Nominal US dollars of the amount's year.
    pub amount_usd_nominal: Option<f64>,
    pub amount_year: Option<i64>,
    /// Whether totals count it.
    pub counted: bool,
    /// Why not: duplicate_of:<flow>, superseded_by:<flow>, financed_by:<flow>,
    /// refinances:<flow>, umbrella, status, dataset_flag.
    pub not_counted_reason: Option<String>,
    /// The flow that represents its same_as / supersedes group (itself when alone).
    pub group_id: String,
    /// The dataset's own aggregation flag (AidData's Recommended For Aggregates).
    pub include_in_aggregates: Option<bool>,
    pub umbrella: bool,
    pub parties: Vec<FlowParty>,
    pub records: Vec<FlowRecord>,
    pub relations: Vec<RelationInfo>,
    /// Loans only: the terms this record's sources state (rates percent a year; maturity
    /// includes grace), collateral, and ruta's grant elements beside the dataset's own
    /// (see [`crate::debt::FlowTerms`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<crate::debt::FlowTerms>,
}

/// A party to a flow.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowParty {
    pub name: String,
    pub org_id: String,
    pub role: String,
    /// Ownership or financing share in percent (null when not stated).
    pub share: Option<f64>,
    pub country: Option<String>,
}

impl From<PartyInfo> for FlowParty {
    fn from(p: PartyInfo) -> FlowParty {
        FlowParty {
            name: p.name,
            org_id: p.org_id,
            role: p.role,
            share: p.share,
            country: p.country,
        }
    }
}

/// The fields of a flow in CSV exports, in order.
pub const FLOW_FIELDS: &[&str] = &[
    "id",
    "project_id",
    "kind",
    "kind_inferred",
    "country",
    "year",
    "status",
    "amount",
    "currency",
    "amount_usd",
    "amount_usd_nominal",
    "counted",
    "not_counted_reason",
    "group_id",
    "origin",
    "dataset",
];

const FLOW_COLS: &str = "f.id, f.project_id, p.name, f.kind, f.kind_basis, f.kind_inferred, f.origin, f.country,
    f.sector_group, f.year, f.status, f.amount, f.currency, f.amount_usd, f.amount_usd_nominal, f.amount_year,
    f.counted, f.not_counted_reason, f.group_id, f.include_in_aggregates, f.umbrella";

/// A page of flows matching `f` (largest first) and the number that match.
pub fn list_flows(
    conn: &Connection,
    f: &Filter,
    limit: u32,
    offset: u64,
) -> Result<(Vec<FlowInfo>, u64)> {
    let (cond, mut params) = f.flow_sql();
    let total: i64 = if totals::answers(f) && f.counted == Some(true) {
        let (cells, p) = totals::cell_sql(f, true);
        conn.prepare_cached(&format!(
            "SELECT COALESCE(SUM(flows), 0) FROM flow_totals{cells}"
        ))?
        .query_row(params_from_iter(p.iter()), |r| r.get(0))?
    } else {
        conn.prepare_cached(&format!("SELECT COUNT(*) FROM flows f{cond}"))?
            .query_row(params_from_iter(params.iter()), |r| r.get(0))?
    };
    params.push(Value::Integer(i64::from(limit)));
    params.push(Value::Integer(offset.min(i64::MAX as u64) as i64));
    let sql = format!(
        "SELECT {FLOW_COLS} FROM flows f LEFT JOIN projects p ON p.id = f.project_id{cond}
         ORDER BY f.amount_usd DESC, f.id LIMIT ? OFFSET ?"
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params.iter()), |r| {
            let amount: Option<f64> = r.get(11)?;
            let currency: Option<String> = r.get(12)?;
            Ok(FlowInfo {
                id: r.get(0)?,
                project_id: r.get(1)?,
                project_name: r.get(2)?,
                kind: r.get(3)?,
                kind_basis: r.get(4)?,
                kind_inferred: r.get(5)?,
                origin: r.get(6)?,
                country: r.get(7)?,
                sector_group: r.get(8)?,
                year: r.get(9)?,
                status: r.get(10)?,
                amount: amount
                    .zip(currency)
                    .map(|(value, currency)| Amount { value, currency }),
                amount_usd: r.get(13)?,
                amount_usd_nominal: r.get(14)?,
                amount_year: r.get(15)?,
                counted: r.get(16)?,
                not_counted_reason: r.get(17)?,
                group_id: r.get(18)?,
                include_in_aggregates: r.get(19)?,
                umbrella: r.get(20)?,
                parties: vec![],
                records: vec![],
                relations: vec![],
                terms: None,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for flow in &mut rows {
        flow.parties = parties_of(conn, "pa.project_id = ?1", &flow.id)?
            .into_iter()
            .map(FlowParty::from)
            .collect();
        flow.records = records_of(conn, &flow.id, &flow.origin)?;
        flow.relations = relations_of(conn, &flow.id)?;
        if flow.kind == "loan" {
            flow.terms = Some(crate::debt::flow_terms(conn, &flow.id, flow.year)?);
        }
    }
    Ok((rows, total as u64))
}

/// The evidence of a flow: the registry entry, or the dataset rows of its record.
fn records_of(conn: &Connection, id: &str, origin: &str) -> Result<Vec<FlowRecord>> {
    if origin == "registry" {
        return Ok(vec![FlowRecord::Registry {
            dataset: "registry".into(),
            id: id.to_string(),
        }]);
    }
    Ok(conn
        .prepare_cached(
            "SELECT DISTINCT s.dataset, s.dataset_version, s.file, s.sheet, s.line, s.record_id FROM sources s
             WHERE s.dataset IS NOT NULL AND s.kind = 'dataset_record' AND s.id IN (
               SELECT source_id FROM claims WHERE project_id = ?1
               UNION SELECT source_id FROM locations WHERE project_id = ?1 AND source_id IS NOT NULL)
             ORDER BY s.dataset, s.dataset_version DESC, s.file, s.line",
        )?
        .query_map([id], |r| {
            Ok(FlowRecord::Dataset {
                dataset: r.get(0)?,
                version: r.get(1)?,
                file: r.get(2)?,
                sheet: r.get(3)?,
                line: r.get(4)?,
                record_id: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every relation statement touching a record.
pub fn relations_of(conn: &Connection, id: &str) -> Result<Vec<RelationInfo>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, kind, from_id, to_id, origin, rule, score, judgement, evidence, created_at FROM relations
             WHERE from_id = ?1 OR to_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            let kind: String = r.get(1)?;
            let from: String = r.get(2)?;
            let to: String = r.get(3)?;
            let symmetric = ruta_core::RelationKind::parse(&kind).is_some_and(|k| k.symmetric());
            let (other, direction) = if from == id {
                (to, if symmetric { "both" } else { "out" })
            } else {
                (from, if symmetric { "both" } else { "in" })
            };
            Ok(RelationInfo {
                id: r.get(0)?,
                kind,
                other,
                direction: direction.into(),
                origin: r.get(4)?,
                rule: r.get(5)?,
                score: r.get(6)?,
                judgement: r.get(7)?,
                evidence: r
                    .get::<_, Option<String>>(8)?
                    .and_then(|e| serde_json::from_str(&e).ok()),
                created_at: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
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
            "flow_kind" | "kind" => StatsBy::FlowKind,
            "lender" => StatsBy::Lender,
            _ => return None,
        })
    }

    /// The flows column of the dimension (None for lenders).
    pub(crate) fn column(self) -> Option<&'static str> {
        match self {
            StatsBy::Year => Some("f.year"),
            StatsBy::Country => Some("f.country"),
            StatsBy::SectorGroup => Some("f.sector_group"),
            StatsBy::FlowKind => Some("f.kind"),
            StatsBy::Lender => None,
        }
    }
}

/// One group of a flow total.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatRow {
    /// Year (number), ISO3 code, sector group, flow kind or organization id
    /// ("unattributed" for loans whose lender is not stated); null for flows without a
    /// value.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub key: serde_json::Value,
    /// Human label of the key.
    pub label: String,
    /// Sum of constant 2021 USD over the counted flows of the group (for lenders, each
    /// loan split evenly among its Chinese lenders).
    pub amount_usd: f64,
    /// Counted flows in the group (with or without a known amount).
    pub count: u64,
}

/// The SQL of the counted flows matching `f`, with its parameters.
pub(crate) fn counted_sql(f: &Filter) -> (String, Vec<Value>) {
    let counted = Filter {
        counted: Some(true),
        ..f.clone()
    };
    let (cond, params) = counted.flow_sql();
    (format!("SELECT f.* FROM flows f{cond}"), params)
}

/// Totals over counted flows. By lender: counted loans only, each split evenly among
/// the Chinese lenders its record (or another record of the same flow) names; a loan
/// naming none is "unattributed", so the lenders add up to the loan total.
pub fn stats(conn: &Connection, by: StatsBy, f: &Filter) -> Result<Vec<StatRow>> {
    let precomputed = totals::answers(f);
    let rows = match by.column() {
        Some(col) => {
            let order = if by == StatsBy::Year {
                "ORDER BY k IS NULL, k"
            } else {
                "ORDER BY 2 DESC, 1"
            };
            let col = col.replace("f.", "");
            let (sql, params) = if precomputed {
                let (cond, params) = totals::cell_sql(f, true);
                (
                    format!(
                        "SELECT {col} AS k, SUM(amount_usd), SUM(flows) FROM flow_totals{cond} GROUP BY {col} {order}"
                    ),
                    params,
                )
            } else if let Some(org) = totals::org_cell(f) {
                let (cond, mut params) = totals::cell_sql(f, true);
                let and = if cond.is_empty() { " WHERE" } else { " AND" };
                params.push(Value::Text(org.to_string()));
                (
                    format!(
                        "SELECT {col} AS k, SUM(amount_usd), SUM(flows) FROM org_totals{cond}{and} org_id = ?
                         GROUP BY {col} {order}"
                    ),
                    params,
                )
            } else {
                let (base, params) = counted_sql(f);
                (
                    format!(
                        "SELECT {col} AS k, COALESCE(SUM(amount_usd), 0), COUNT(*) FROM ({base}) GROUP BY {col} {order}"
                    ),
                    params,
                )
            };
            conn.prepare_cached(&sql)?
                .query_map(params_from_iter(params.iter()), |r| {
                    let key: Value = r.get(0)?;
                    Ok((key, r.get::<_, f64>(1)?, r.get::<_, i64>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?
        }
        None if precomputed => {
            let (cond, params) = totals::cell_sql(f, false);
            let sql = format!(
                "SELECT lender, SUM(amount_usd), SUM(loans) FROM lender_totals{cond}
                 GROUP BY lender ORDER BY 2 DESC, 1"
            );
            conn.prepare_cached(&sql)?
                .query_map(params_from_iter(params.iter()), |r| {
                    Ok((
                        Value::Text(r.get(0)?),
                        r.get::<_, f64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?
        }
        None => {
            let (base, params) = counted_sql(f);
            let mut sums: std::collections::HashMap<String, (f64, i64)> = Default::default();
            for s in totals::lender_shares(conn, &base, &params)? {
                let t = sums.entry(s.lender).or_default();
                t.0 += s.amount_usd;
                t.1 += 1;
            }
            let mut rows: Vec<(String, f64, i64)> =
                sums.into_iter().map(|(k, (a, n))| (k, a, n)).collect();
            rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            rows.into_iter()
                .map(|(k, a, n)| (Value::Text(k), a, n))
                .collect()
        }
    };
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
                    StatsBy::Lender if t == totals::UNATTRIBUTED => {
                        "(lender not stated)".to_string()
                    }
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

/// New-frontier share of one year's counted flows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrontierRow {
    pub key: i64,
    /// Constant 2021 USD.
    pub amount_usd: f64,
    pub new_frontier_usd: f64,
    /// new_frontier_usd / amount_usd, a fraction (0–1); null when the year has no amount.
    pub share: Option<f64>,
    pub count: u64,
    pub new_frontier_count: u64,
}

/// The new-frontier share of each year's counted flows.
pub fn frontier_share(conn: &Connection, f: &Filter) -> Result<Vec<FrontierRow>> {
    // `from` may end in its own WHERE (a filtered precomputed table): it is read as a
    // subquery.
    let (from, count, params) = if totals::answers(f) {
        let (cond, params) = totals::cell_sql(f, true);
        (format!("flow_totals{cond}"), "flows", params)
    } else {
        let (base, params) = counted_sql(f);
        (format!("({base})"), "1", params)
    };
    let sql = format!(
        "SELECT year, COALESCE(SUM(amount_usd), 0),
                COALESCE(SUM(CASE WHEN sector_group = 'new_frontier' THEN amount_usd END), 0),
                SUM({count}), COALESCE(SUM(CASE WHEN sector_group = 'new_frontier' THEN {count} END), 0)
         FROM (SELECT * FROM {from}) WHERE year IS NOT NULL GROUP BY year ORDER BY year"
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
