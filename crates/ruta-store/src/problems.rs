//! Implementation problems and their rate: how many projects of a population met at
//! least one sourced problem event (corruption, protest, labour abuse, environmental
//! harm, structural defect, delay or cost overrun, arbitration, debt distress,
//! cancellation), by sector group, country, lender, year or event kind.
//!
//! The default population is the one AidData's "35 % of the BRI infrastructure
//! portfolio met major implementation problems" refers to: **infrastructure projects
//! with Chinese finance** — projects of the traditional-infrastructure or new-frontier
//! sector groups with at least one counted loan or grant. `Population::AllCounted`
//! widens it to every project with a counted flow (investments and contracts included).
//! A rate is `with_problems / projects` (a fraction, 0–1).

use crate::Result;
use crate::query::Filter;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use ruta_core::EventKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which projects form the denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Population {
    /// Traditional-infrastructure and new-frontier projects with a counted loan or grant.
    #[default]
    InfrastructureFinance,
    /// Every project with a counted flow.
    AllCounted,
}

impl Population {
    pub const NAMES: &'static [&'static str] = &["infrastructure-finance", "all-counted"];

    pub fn parse(s: &str) -> Option<Population> {
        match ruta_core::vocab::vocab_key(s).as_str() {
            "infrastructure_finance" | "infrastructure" | "default" => {
                Some(Population::InfrastructureFinance)
            }
            "all_counted" | "all" => Some(Population::AllCounted),
            _ => None,
        }
    }

    /// The population in words, for tables and pages.
    pub fn describe(self) -> &'static str {
        match self {
            Population::InfrastructureFinance => {
                "infrastructure projects with Chinese finance: traditional infrastructure and new-frontier projects with at least one counted loan or grant (the population of AidData's 35 % figure)"
            }
            Population::AllCounted => "every project with at least one counted flow",
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Population::InfrastructureFinance => {
                "p.sector_group IN ('traditional_infrastructure', 'new_frontier')
                 AND EXISTS(SELECT 1 FROM flows f WHERE f.project_id = p.id AND f.counted = 1
                            AND f.kind IN ('loan', 'grant'))"
            }
            Population::AllCounted => {
                "EXISTS(SELECT 1 FROM flows f WHERE f.project_id = p.id AND f.counted = 1)"
            }
        }
    }
}

/// Dimensions of a problem rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemsBy {
    SectorGroup,
    Country,
    Lender,
    Year,
    /// The event kind: `with_problems` counts the projects that met that kind.
    Kind,
}

impl ProblemsBy {
    pub const NAMES: &'static [&'static str] =
        &["sector-group", "country", "lender", "year", "kind"];

    pub fn parse(s: &str) -> Option<ProblemsBy> {
        Some(match ruta_core::vocab::vocab_key(s).as_str() {
            "sector_group" => ProblemsBy::SectorGroup,
            "country" => ProblemsBy::Country,
            "lender" => ProblemsBy::Lender,
            "year" => ProblemsBy::Year,
            "kind" | "event_kind" => ProblemsBy::Kind,
            _ => return None,
        })
    }
}

/// One group of a problem rate.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemRow {
    /// Sector group, ISO3, organization id, year or event kind; null for projects without
    /// one (no year, no country).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub key: serde_json::Value,
    pub label: String,
    /// Projects of the population in the group (the denominator).
    pub projects: u64,
    /// Of those, projects with at least one sourced problem event.
    pub with_problems: u64,
    /// with_problems / projects, a fraction (0–1); null for an empty group.
    pub rate: Option<f64>,
    /// Problem events of the group's projects, by event kind.
    pub events_by_kind: BTreeMap<String, u64>,
}

/// The event kinds that are implementation problems.
pub fn problem_kinds() -> Vec<&'static str> {
    EventKind::ALL
        .iter()
        .filter(|k| k.is_problem())
        .map(|k| k.as_str())
        .collect()
}

/// Problem rates by `by` over the population, with the project filter `f`.
pub fn problems(
    conn: &Connection,
    by: ProblemsBy,
    population: Population,
    f: &Filter,
) -> Result<Vec<ProblemRow>> {
    let (cond, params) = f.project_sql();
    let kinds = problem_kinds()
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    // Each population project once per group key; for lenders, once per Chinese lender of
    // its counted loans ("unattributed" when none is named).
    let keyed = match by {
        ProblemsBy::SectorGroup => "SELECT id, sector_group AS k FROM pop".to_string(),
        ProblemsBy::Country => "SELECT id, country AS k FROM pop".to_string(),
        ProblemsBy::Year => "SELECT id, year AS k FROM pop".to_string(),
        ProblemsBy::Kind => "SELECT pop.id, pk.kind AS k FROM pop, (SELECT DISTINCT kind FROM pe) pk".into(),
        ProblemsBy::Lender => "SELECT pop.id, COALESCE(l.org_id, 'unattributed') AS k FROM pop
             LEFT JOIN (SELECT DISTINCT f.project_id AS pid, pa.org_id FROM flows f
                        JOIN flows g ON g.group_id = f.group_id
                        JOIN parties pa ON pa.project_id = g.id AND pa.role = 'lender'
                        JOIN organizations o ON o.id = pa.org_id AND o.country IN ('CHN', 'HKG', 'MAC')
                        WHERE f.counted = 1 AND f.kind = 'loan') l ON l.pid = pop.id"
            .into(),
    };
    let with_problem = if by == ProblemsBy::Kind {
        "EXISTS(SELECT 1 FROM pe WHERE pe.pid = kd.id AND pe.kind = kd.k)"
    } else {
        "EXISTS(SELECT 1 FROM pe WHERE pe.pid = kd.id)"
    };
    let sql = format!(
        "WITH pop AS (SELECT p.id, p.sector_group, p.country, p.year FROM projects p{cond}
                      {and} {population}),
              pe AS (SELECT r.canonical_id AS pid, e.kind, e.id AS eid FROM events e
                     JOIN projects r ON r.id = e.project_id
                     WHERE e.kind IN ({kinds}) AND EXISTS(SELECT 1 FROM event_sources s WHERE s.event_id = e.id)
                       AND r.canonical_id IN (SELECT id FROM pop)),
              kd AS ({keyed})
         SELECT kd.k, COUNT(DISTINCT kd.id), COUNT(DISTINCT CASE WHEN {with_problem} THEN kd.id END),
                (SELECT json_group_object(kind, n) FROM (
                   SELECT pe.kind, COUNT(DISTINCT pe.eid) AS n FROM pe
                   WHERE pe.pid IN (SELECT k2.id FROM kd k2 WHERE k2.k IS kd.k)
                     AND ({kind_match})
                   GROUP BY pe.kind))
         FROM kd GROUP BY kd.k ORDER BY {order}",
        and = if cond.is_empty() { "WHERE" } else { "AND" },
        population = population.sql(),
        kind_match = if by == ProblemsBy::Kind { "pe.kind IS kd.k" } else { "1" },
        order = if by == ProblemsBy::Year { "1 IS NULL, 1" } else { "2 DESC, 3 DESC, 1" },
    );
    let rows = conn
        .prepare(&sql)?
        .query_map(params_from_iter(params.iter()), |r| {
            Ok((
                r.get::<_, Value>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (key, projects, with, by_kind) in rows {
        let (key, label) = match key {
            Value::Null => (serde_json::Value::Null, "(unknown)".to_string()),
            Value::Integer(i) => (serde_json::json!(i), i.to_string()),
            Value::Text(t) => {
                let label = match by {
                    ProblemsBy::Country => ruta_core::country::by_iso3(&t)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| t.clone()),
                    ProblemsBy::Lender if t == "unattributed" => "(lender not stated)".into(),
                    ProblemsBy::Lender => conn
                        .query_row("SELECT name FROM organizations WHERE id = ?1", [&t], |r| {
                            r.get(0)
                        })
                        .unwrap_or_else(|_| t.clone()),
                    _ => t.replace('_', " "),
                };
                (serde_json::json!(t), label)
            }
            _ => (serde_json::Value::Null, "(unknown)".into()),
        };
        let events_by_kind: BTreeMap<String, u64> = by_kind
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        out.push(ProblemRow {
            key,
            label,
            projects: projects as u64,
            with_problems: with as u64,
            rate: (projects > 0).then(|| with as f64 / projects as f64),
            events_by_kind,
        });
    }
    Ok(out)
}
