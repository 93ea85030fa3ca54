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
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
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

/// A group key: a year, a text key, or none.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Null,
    Int(i64),
    Text(String),
}

impl Key {
    fn from_sql(v: Value) -> Key {
        match v {
            Value::Integer(i) => Key::Int(i),
            Value::Text(t) => Key::Text(t),
            _ => Key::Null,
        }
    }
}

/// One group being counted.
#[derive(Default)]
struct Tally {
    projects: u64,
    with_problems: u64,
    events_by_kind: BTreeMap<String, u64>,
}

/// Problem rates by `by` over the population, with the project filter `f`.
///
/// Three linear reads (the population, its sourced problem events, and for lenders the
/// Chinese lenders of each project's counted loans), counted in memory: a correlated
/// query per group was quadratic at 200,000 projects.
pub fn problems(
    conn: &Connection,
    by: ProblemsBy,
    population: Population,
    f: &Filter,
) -> Result<Vec<ProblemRow>> {
    use std::collections::{HashMap, HashSet};
    let (cond, params) = f.project_sql();
    let kinds = problem_kinds()
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let pop_sql = format!(
        "SELECT p.id, p.sector_group, p.country, p.year FROM projects p{cond} {and} {population}",
        and = if cond.is_empty() { "WHERE" } else { "AND" },
        population = population.sql(),
    );
    // (project id, key of its own dimension).
    let pop: Vec<(String, Key)> = conn
        .prepare(&pop_sql)?
        .query_map(params_from_iter(params.iter()), |r| {
            let key: Value = match by {
                ProblemsBy::SectorGroup => r.get(1)?,
                ProblemsBy::Country => r.get(2)?,
                ProblemsBy::Year => r.get(3)?,
                ProblemsBy::Lender | ProblemsBy::Kind => Value::Null,
            };
            Ok((r.get(0)?, Key::from_sql(key)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let in_pop: HashSet<&str> = pop.iter().map(|(id, _)| id.as_str()).collect();
    // Sourced problem events of population projects: project → [(kind, event id)].
    let mut events: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let ev_sql = format!(
        "SELECT r.canonical_id, e.kind, e.id FROM events e JOIN projects r ON r.id = e.project_id
         WHERE e.kind IN ({kinds}) AND EXISTS(SELECT 1 FROM event_sources s WHERE s.event_id = e.id)"
    );
    let mut st = conn.prepare(&ev_sql)?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let pid: String = r.get(0)?;
        if in_pop.contains(pid.as_str()) {
            events.entry(pid).or_default().push((r.get(1)?, r.get(2)?));
        }
    }
    // Each population project once per group key.
    let mut keyed: Vec<(&str, Key)> = Vec::with_capacity(pop.len());
    match by {
        ProblemsBy::Lender => {
            let mut lenders: HashMap<String, Vec<String>> = HashMap::new();
            let mut st = conn.prepare(&format!(
                "SELECT DISTINCT f.project_id, pa.org_id FROM flows f
                   JOIN flows g ON g.group_id = f.group_id
                   JOIN parties pa ON pa.project_id = g.id AND pa.role = 'lender'
                   JOIN organizations o ON o.id = pa.org_id AND {CHINESE}
                 WHERE f.counted = 1 AND f.kind = 'loan'",
                CHINESE = crate::totals::CHINESE
            ))?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let pid: String = r.get(0)?;
                if in_pop.contains(pid.as_str()) {
                    lenders.entry(pid).or_default().push(r.get(1)?);
                }
            }
            for (id, _) in &pop {
                match lenders.get(id) {
                    Some(ls) => {
                        for l in ls {
                            keyed.push((id, Key::Text(l.clone())));
                        }
                    }
                    None => keyed.push((id, Key::Text(crate::totals::UNATTRIBUTED.into()))),
                }
            }
        }
        ProblemsBy::Kind => {
            let kinds: std::collections::BTreeSet<&str> =
                events.values().flatten().map(|(k, _)| k.as_str()).collect();
            for k in kinds {
                for (id, _) in &pop {
                    keyed.push((id, Key::Text(k.to_string())));
                }
            }
        }
        _ => keyed.extend(pop.iter().map(|(id, k)| (id.as_str(), k.clone()))),
    }
    let mut tallies: BTreeMap<Key, Tally> = BTreeMap::new();
    for (id, key) in keyed {
        let t = tallies.entry(key.clone()).or_default();
        t.projects += 1;
        let evs: Vec<&(String, i64)> = match (events.get(id), &key) {
            (None, _) => Vec::new(),
            (Some(evs), Key::Text(k)) if by == ProblemsBy::Kind => {
                evs.iter().filter(|(ek, _)| ek == k).collect()
            }
            (Some(evs), _) => evs.iter().collect(),
        };
        if !evs.is_empty() {
            t.with_problems += 1;
        }
        for (kind, _) in evs {
            *t.events_by_kind.entry(kind.clone()).or_default() += 1;
        }
    }
    let mut groups: Vec<(Key, Tally)> = tallies.into_iter().collect();
    if by == ProblemsBy::Year {
        groups.sort_by(|a, b| {
            (a.0 == Key::Null)
                .cmp(&(b.0 == Key::Null))
                .then_with(|| a.0.cmp(&b.0))
        });
    } else {
        groups.sort_by(|a, b| {
            b.1.projects
                .cmp(&a.1.projects)
                .then(b.1.with_problems.cmp(&a.1.with_problems))
                .then_with(|| a.0.cmp(&b.0))
        });
    }
    let mut out = Vec::with_capacity(groups.len());
    for (key, t) in groups {
        let (key, label) = match key {
            Key::Null => (serde_json::Value::Null, "(unknown)".to_string()),
            Key::Int(i) => (serde_json::json!(i), i.to_string()),
            Key::Text(t) => {
                let label = match by {
                    ProblemsBy::Country => ruta_core::country::by_iso3(&t)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| t.clone()),
                    ProblemsBy::Lender if t == crate::totals::UNATTRIBUTED => {
                        "(lender not stated)".into()
                    }
                    ProblemsBy::Lender => conn
                        .query_row("SELECT name FROM organizations WHERE id = ?1", [&t], |r| {
                            r.get(0)
                        })
                        .unwrap_or_else(|_| t.clone()),
                    _ => t.replace('_', " "),
                };
                (serde_json::json!(t), label)
            }
        };
        out.push(ProblemRow {
            key,
            label,
            projects: t.projects,
            with_problems: t.with_problems,
            rate: (t.projects > 0).then(|| t.with_problems as f64 / t.projects as f64),
            events_by_kind: t.events_by_kind,
        });
    }
    Ok(out)
}
