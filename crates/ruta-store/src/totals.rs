//! Precomputed totals, maintained on write: the counted flows summed by every
//! combination of the dimensions totals filter and group on (`flow_totals`: year,
//! country, sector group, flow kind, status), counted loans split among their Chinese
//! lenders (`lender_totals`), counted flows per organization taking part (`org_totals`:
//! what an organization's page totals), projects per country, sector group, status and
//! year (`project_counts`), and the row counts `/api/meta` shows (`meta` key `counts`,
//! a JSON object).
//!
//! They are a cache of `flows` (like `flows.counted`): rebuilt whole by
//! [`rebuild`] at the commit of every transaction that changed projects, flows,
//! parties or relations, never written otherwise. A total whose filter uses only those
//! dimensions reads a few hundred cells instead of scanning every counted flow
//! (200,000 flows: ~60 ms → ~1 ms); any other filter (text, organization, place,
//! dataset, project) scans `flows` as before. Both give the same figures: the cells are
//! sums of the same rows (floating-point addition in another order may differ in the
//! last bits, far below a cent).

use crate::Result;
use crate::query::Filter;
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};
use std::collections::HashMap;

/// Organizations ruta treats as Chinese lenders: organizations of the People's Republic
/// (including Hong Kong and Macao entities).
pub(crate) const CHINESE: &str = "o.country IN ('CHN', 'HKG', 'MAC')";

/// The key of a loan without a stated Chinese lender.
pub(crate) const UNATTRIBUTED: &str = "unattributed";

/// One counted loan's share attributed to one lender.
pub(crate) struct LenderShare {
    /// Organization id, or [`UNATTRIBUTED`].
    pub lender: String,
    /// Constant 2021 USD: the loan's amount divided by its number of Chinese lenders (0
    /// when the loan has no amount).
    pub amount_usd: f64,
    pub year: Option<i64>,
    pub country: Option<String>,
    pub sector_group: Option<String>,
    pub status: Option<String>,
}

/// Each counted loan of `base` (an SQL selecting flows, with `params`) split evenly
/// among the distinct Chinese lenders any record of its same-flow group names, or one
/// [`UNATTRIBUTED`] share. Two linear scans, joined in memory.
pub(crate) fn lender_shares(
    conn: &Connection,
    base: &str,
    params: &[Value],
) -> Result<Vec<LenderShare>> {
    type Loan = (
        String,
        Option<f64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let loans_sql = format!(
        "SELECT group_id, amount_usd, year, country, sector_group, status FROM ({base}) WHERE kind = 'loan'"
    );
    let loans: Vec<Loan> = conn
        .prepare_cached(&loans_sql)?
        .query_map(params_from_iter(params.iter()), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let lenders_sql = format!(
        "SELECT DISTINCT g.group_id, pa.org_id FROM flows g
           JOIN parties pa ON pa.project_id = g.id AND pa.role = 'lender'
           JOIN organizations o ON o.id = pa.org_id
         WHERE {CHINESE}
           AND g.group_id IN (SELECT group_id FROM ({base}) WHERE kind = 'loan')"
    );
    let mut by_group: HashMap<String, Vec<String>> = HashMap::new();
    let mut st = conn.prepare_cached(&lenders_sql)?;
    let mut rows = st.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        by_group
            .entry(r.get::<_, String>(0)?)
            .or_default()
            .push(r.get::<_, String>(1)?);
    }
    let unattributed = [UNATTRIBUTED.to_string()];
    let mut out = Vec::with_capacity(loans.len());
    for (group, amount, year, country, sector_group, status) in loans {
        let lenders = match by_group.get(&group) {
            Some(l) if !l.is_empty() => l.as_slice(),
            _ => &unattributed[..],
        };
        let share = amount.unwrap_or(0.0) / lenders.len() as f64;
        for l in lenders {
            out.push(LenderShare {
                lender: l.clone(),
                amount_usd: share,
                year,
                country: country.clone(),
                sector_group: sector_group.clone(),
                status: status.clone(),
            });
        }
    }
    Ok(out)
}

/// Rebuilds every precomputed total from `flows`, `projects` and `parties`.
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "DELETE FROM flow_totals;
         INSERT INTO flow_totals(year, country, sector_group, kind, status, bri, flows, amount_usd)
           SELECT year, country, sector_group, kind, status, {bri}, COUNT(*),
                  COALESCE(SUM(amount_usd), 0)
           FROM flows f WHERE counted = 1 GROUP BY 1, 2, 3, 4, 5, 6;
         DELETE FROM project_counts;
         INSERT INTO project_counts(country, sector_group, status, year, projects)
           SELECT country, sector_group, status, year, COUNT(*) FROM projects WHERE canonical_id = id
           GROUP BY 1, 2, 3, 4;
         DELETE FROM org_totals;
         INSERT INTO org_totals(org_id, year, country, sector_group, kind, status, flows, amount_usd)
           SELECT o.org_id, f.year, f.country, f.sector_group, f.kind, f.status, COUNT(*),
                  COALESCE(SUM(f.amount_usd), 0)
           FROM (SELECT DISTINCT pa.org_id, g.group_id FROM parties pa JOIN flows g ON g.id = pa.project_id) o
           JOIN flows f ON f.group_id = o.group_id AND f.counted = 1
           GROUP BY 1, 2, 3, 4, 5, 6;
         DELETE FROM org_counts;
         INSERT INTO org_counts(org_id, projects, roles)
           SELECT r.org_id, (SELECT COUNT(DISTINCT project_id) FROM parties WHERE org_id = r.org_id),
                  json_group_object(r.role, r.c)
           FROM (SELECT org_id, role, COUNT(*) AS c FROM parties GROUP BY org_id, role) r
           GROUP BY r.org_id;
         DELETE FROM lender_totals;",
        bri = crate::query::bri_cell_sql()
    ))?;
    type Cell = (
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut cells: HashMap<Cell, (f64, i64)> = HashMap::new();
    for s in lender_shares(conn, "SELECT f.* FROM flows f WHERE f.counted = 1", &[])? {
        let c = cells
            .entry((s.lender, s.year, s.country, s.sector_group, s.status))
            .or_default();
        c.0 += s.amount_usd;
        c.1 += 1;
    }
    let mut ins = conn.prepare_cached(
        "INSERT INTO lender_totals(lender, year, country, sector_group, status, loans, amount_usd)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for ((lender, year, country, sg, status), (amount, n)) in cells {
        ins.execute(params![lender, year, country, sg, status, n, amount])?;
    }
    let counts = crate::query::live_counts(conn)?.to_string();
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('counts', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [counts],
    )?;
    Ok(())
}

/// Whether the precomputed totals can answer a total over `f`: only filters on their
/// dimensions (country, sector group, status, flow kind, years), over counted flows.
pub(crate) fn answers(f: &Filter) -> bool {
    f.q.is_none() && f.org.is_none() && answers_but_org(f)
}

/// The one organization id `org_totals` answers `f`'s organization filter with: the
/// filter names an organization by its id (a name the gazetteer maps to another id
/// could match two organizations, which `org_totals` would count twice).
pub(crate) fn org_cell(f: &Filter) -> Option<&str> {
    let o = f.org.as_deref()?;
    (f.q.is_none() && ruta_core::orgs::org_id(o) == o && answers_but_org(f)).then_some(o)
}

fn answers_but_org(f: &Filter) -> bool {
    // Every field named, so that a new filter cannot be silently ignored by the
    // precomputed totals: it must be added here (as a cell column or as a reason to scan).
    let Filter {
        country: _,
        sector_group: _,
        status: _,
        flow_kind: _,
        q: _,
        org: _,
        year_from: _,
        year_to: _,
        bbox,
        dataset,
        project,
        counted,
        bri,
    } = f;
    bbox.is_none()
        && dataset.is_none()
        && project.is_none()
        && bri.is_none()
        && *counted != Some(false)
}

/// Whether `project_counts` can count the projects matching `f`.
pub(crate) fn counts_projects(f: &Filter) -> bool {
    answers(f) && f.flow_kind.is_none() && f.counted.is_none()
}

/// The number of projects matching `f` from `project_counts`, when it can tell.
pub(crate) fn project_count(conn: &Connection, f: &Filter) -> Result<Option<u64>> {
    if !counts_projects(f) {
        return Ok(None);
    }
    let (cond, params) = cell_sql(f, true);
    let n: i64 = conn
        .prepare_cached(&format!(
            "SELECT COALESCE(SUM(projects), 0) FROM project_counts{cond}"
        ))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    Ok(Some(n as u64))
}

/// `WHERE …` over a precomputed table (alias-free columns) for `f`, with its
/// parameters; `kind` is false for `lender_totals` (loans only, no kind column).
pub(crate) fn cell_sql(f: &Filter, kind: bool) -> (String, Vec<Value>) {
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(x) = &f.country {
        conds.push("country = ?");
        params.push(Value::Text(x.clone()));
    }
    if let Some(g) = f.sector_group {
        conds.push("sector_group = ?");
        params.push(Value::Text(g.as_str().into()));
    }
    if let Some(s) = f.status {
        conds.push("status = ?");
        params.push(Value::Text(s.as_str().into()));
    }
    if let Some(k) = f.flow_kind {
        if kind {
            conds.push("kind = ?");
            params.push(Value::Text(k.as_str().into()));
        } else if k != ruta_core::FlowKind::Loan {
            conds.push("0");
        }
    }
    if let Some(y) = f.year_from {
        conds.push("year >= ?");
        params.push(Value::Integer(y.into()));
    }
    if let Some(y) = f.year_to {
        conds.push("year <= ?");
        params.push(Value::Integer(y.into()));
    }
    if conds.is_empty() {
        (String::new(), params)
    } else {
        (format!(" WHERE {}", conds.join(" AND ")), params)
    }
}
