//! One function per subcommand; each opens the store, calls a library, renders
//! (`import.rs`, `news.rs` and `link.rs` hold the larger ones).

use crate::cli::{
    Cli, Command, DetailFormat, FlowsArgs, Format, ProjectArgs, ProjectsArgs, StatsArgs,
};
use crate::output::{self, Table, opt, truncate, usd};
use anyhow::{Context, Result, bail};
use ruta_store::flows::{self as flowq, FlowInfo, StatsBy};
use ruta_store::{Access, Store, query};
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init => init(&cli.db),
        Command::Projects(a) => projects(&cli.db, a),
        Command::Project(a) => project(&cli.db, a),
        Command::Flows(a) => flows(&cli.db, a),
        Command::Stats(a) => stats(&cli.db, a),
        Command::Problems(a) => problems(&cli.db, a),
        Command::Events(a) => events(&cli.db, a),
        Command::Countries(a) => countries(&cli.db, a),
        Command::Import(a) => crate::import::run(&cli.db, a),
        Command::Extract(a) => crate::news::extract(a),
        Command::Ingest(a) => match a.what {
            crate::cli::IngestWhat::News(n) => crate::news::ingest(&cli.db, n),
        },
        Command::Evidence(a) => crate::news::evidence(&cli.db, a),
        Command::Trade(a) => crate::trade::run(&cli.db, a),
        Command::Debt(a) => crate::debt::run(&cli.db, a),
        Command::Link(a) => crate::link::run(&cli.db, a),
        Command::Serve(a) => serve(&cli.db, a),
        Command::Export(a) => export(&cli.db, a),
    }
}

/// Opens the store for reading, creating it and loading the registry on first use.
pub fn open_for_reading(db: &Path) -> Result<Store> {
    let mut store = Store::open(db, Access::PreferWrite)?;
    if let Some(sum) = ruta_ingest::registry::ensure_loaded(&mut store)? {
        eprintln!(
            "ruta: loaded built-in registry {} into {} ({} new, {} updated)",
            sum.version,
            db.display(),
            sum.imported,
            sum.updated
        );
    }
    Ok(store)
}

/// Opens the store for writing, loading the registry on first use.
pub fn open_for_writing(db: &Path) -> Result<Store> {
    let mut store = Store::open(db, Access::ReadWrite)?;
    ruta_ingest::registry::ensure_loaded(&mut store)?;
    Ok(store)
}

fn init(db: &Path) -> Result<()> {
    let mut store = Store::open(db, Access::ReadWrite)?;
    let sum = ruta_ingest::registry::load(&mut store)?;
    let counts = query::counts(store.conn())?;
    eprintln!(
        "ruta: {} is ready (schema v{}); registry {}: {} new, {} updated, {} unchanged; {} projects, {} flows, {} claims, {} sources",
        db.display(),
        ruta_store::schema::SCHEMA_VERSION,
        sum.version,
        sum.imported,
        sum.updated,
        sum.unchanged,
        counts["projects"],
        counts["flows"],
        counts["claims"],
        counts["sources"]
    );
    Ok(())
}

fn projects(db: &Path, a: ProjectsArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let limit = if a.limit == 0 { u32::MAX } else { a.limit };
    let (rows, total) =
        query::list_projects(store.conn(), &a.filter.filter(), a.sort, limit, a.offset)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, query::SUMMARY_FIELDS)?,
        Format::Table => {
            let mut t = Table::new(&[
                "id",
                "name",
                "country",
                "sector_group",
                "status",
                "flow_kind",
                "amount_usd",
                "year",
                "sources",
            ])
            .right_align(&[6, 7, 8]);
            for r in &rows {
                t.row(vec![
                    truncate(&r.id, 40),
                    truncate(&r.name, 56),
                    opt(&r.country),
                    r.sector_group.clone(),
                    opt(&r.status),
                    r.flow_kind.clone(),
                    usd(r.amount_usd),
                    opt(&r.year),
                    r.sources.to_string(),
                ]);
            }
            t.write(&mut out)?;
            writeln!(
                out,
                "{} of {} projects; amounts in constant 2021 USD",
                rows.len(),
                total
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn project(db: &Path, a: ProjectArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let Some(p) = query::project_detail(store.conn(), &a.id)? else {
        bail!(
            "no project with id '{}' (list ids with `ruta projects`)",
            a.id
        );
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        DetailFormat::Json => output::json(&mut out, &p)?,
        DetailFormat::Table => render_project(&mut out, &p).context("writing project")?,
    }
    out.flush()?;
    Ok(())
}

fn render_project(out: &mut impl Write, p: &query::ProjectDetail) -> std::io::Result<()> {
    let s = &p.summary;
    writeln!(out, "{}  [{}]", s.name, s.id)?;
    if let Some(d) = &p.description {
        writeln!(out, "{d}")?;
    }
    writeln!(out)?;
    let field = |out: &mut dyn Write, k: &str, v: String| writeln!(out, "  {k:<22} {v}");
    field(
        out,
        "country",
        format!("{} ({})", opt(&s.country), opt(&s.country_name)),
    )?;
    field(
        out,
        "sector",
        format!(
            "{} / {} (rule {})",
            s.sector_group,
            opt(&s.sector_subgroup),
            opt(&p.sector_rule)
        ),
    )?;
    if p.sector_code.is_some() || p.sector_name.is_some() {
        field(
            out,
            "CRS sector",
            format!("{} {}", opt(&p.sector_code), opt(&p.sector_name)),
        )?;
    }
    if let Some(from) = &p.redirected_from {
        field(
            out,
            "asked for",
            format!("{from} (a record of this project)"),
        )?;
    }
    field(out, "main flow kind", s.flow_kind.clone())?;
    field(out, "status", opt(&s.status))?;
    field(out, "year", opt(&s.year))?;
    let value = match &p.value {
        Some(v) => format!(
            "{} {} ({} constant 2021 USD){}",
            v.currency,
            ruta_core::fmt::thousands(v.amount),
            usd(v.amount_usd),
            v.claim
                .qualifier
                .as_ref()
                .map(|q| format!(", {q}"))
                .unwrap_or_default()
        ),
        None => "- (no source states the project's value)".into(),
    };
    field(out, "value", value)?;
    field(
        out,
        "counted flows",
        format!(
            "{} ({} of {} flows count in totals)",
            usd(s.counted_usd),
            p.flows.iter().filter(|f| f.counted).count(),
            p.flows.len()
        ),
    )?;
    if let Some(obj) = p.dates.as_object() {
        for (k, v) in obj.iter().filter(|(_, v)| !v.is_null()) {
            field(out, k, v.as_str().unwrap_or_default().to_string())?;
        }
    }
    if !p.flows.is_empty() {
        writeln!(
            out,
            "\nFlows (+ counted in totals; - not counted, with why)"
        )?;
        for f in &p.flows {
            render_flow_line(out, f)?;
        }
    }
    if p.records.len() > 1 {
        writeln!(out, "\nRecords of this project")?;
        for r in &p.records {
            writeln!(
                out,
                "  {}  {}{}",
                r.id,
                truncate(&r.name, 70),
                r.dataset
                    .as_ref()
                    .map(|d| format!("  [{d}]"))
                    .unwrap_or_else(|| "  [registry]".into())
            )?;
        }
    }
    if !p.parties.is_empty() {
        writeln!(out, "\nParties")?;
        for pa in &p.parties {
            let share = pa.share.map(|x| format!(" ({x}%)")).unwrap_or_default();
            writeln!(out, "  {:<12} {}{share}  [{}]", pa.role, pa.name, pa.org_id)?;
        }
    }
    writeln!(
        out,
        "\nClaims (* displayed value, ! conflicts with another source, ~ superseded)"
    )?;
    for c in &p.claims {
        let mark = format!(
            "{}{}{}",
            if c.chosen { "*" } else { " " },
            if c.conflict { "!" } else { " " },
            if c.superseded { "~" } else { " " }
        );
        let src = &c.source;
        let who = src
            .publisher
            .clone()
            .or_else(|| src.dataset.clone())
            .unwrap_or_else(|| src.kind.clone());
        let what = src
            .title
            .clone()
            .or_else(|| src.record_id.clone())
            .unwrap_or_default();
        let q = c
            .qualifier
            .as_ref()
            .map(|q| format!(" ({q})"))
            .unwrap_or_default();
        writeln!(out, " {mark} {:<24} {}{q}", c.field, c.display)?;
        writeln!(
            out,
            "      source #{}: {} — {} {}",
            src.id,
            who,
            truncate(&what, 80),
            opt(&src.date)
        )?;
        if let Some(u) = &src.url {
            writeln!(out, "      {u}")?;
        }
        if let Some(quote) = &c.quote {
            writeln!(out, "      “{}”", truncate(quote, 120))?;
        }
    }
    if !p.events.is_empty() {
        writeln!(out, "\nEvents")?;
        for e in &p.events {
            writeln!(out, "  {:<10} {:<20} {}", opt(&e.date), e.kind, e.summary)?;
            for es in &e.sources {
                let who = es
                    .source
                    .publisher
                    .clone()
                    .or_else(|| es.source.dataset.clone())
                    .unwrap_or_default();
                writeln!(
                    out,
                    "             source #{}: {} {}",
                    es.source.id,
                    who,
                    opt(&es.source.url)
                )?;
            }
        }
    }
    Ok(())
}

/// One flow on one line (and its reason on the next when it does not count).
fn render_flow_line(out: &mut impl Write, f: &FlowInfo) -> std::io::Result<()> {
    let amount = match &f.amount {
        Some(a) => format!("{} {}", a.currency, ruta_core::fmt::thousands(a.value)),
        None => "-".into(),
    };
    writeln!(
        out,
        "  {} {:<22} {:<5} {:<24} {:>10}  {}",
        if f.counted { "+" } else { "-" },
        f.kind,
        opt(&f.year),
        truncate(&amount, 24),
        usd(f.amount_usd),
        f.id
    )?;
    if let Some(r) = &f.not_counted_reason {
        writeln!(out, "      not counted: {r}")?;
    }
    if let Some(t) = &f.terms
        && let Some(words) = crate::debt::terms_words(t)
    {
        writeln!(out, "      terms: {words}")?;
    }
    Ok(())
}

fn flows(db: &Path, a: FlowsArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let limit = if a.limit == 0 { u32::MAX } else { a.limit };
    let (rows, total) = flowq::list_flows(store.conn(), &a.filter(), limit, 0)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => {
            let flat: Vec<serde_json::Value> = rows
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        let (amount, currency) = match &f.amount {
                            Some(a) => (serde_json::json!(a.value), serde_json::json!(a.currency)),
                            None => (serde_json::Value::Null, serde_json::Value::Null),
                        };
                        o.insert("amount".into(), amount);
                        o.insert("currency".into(), currency);
                        o.insert(
                            "dataset".into(),
                            serde_json::json!(
                                f.records
                                    .iter()
                                    .map(|r| match r {
                                        flowq::FlowRecord::Dataset { dataset, .. } => {
                                            dataset.clone()
                                        }
                                        flowq::FlowRecord::Registry { .. } => "registry".into(),
                                    })
                                    .next()
                            ),
                        );
                    }
                    v
                })
                .collect();
            output::csv_rows(&mut out, &flat, flowq::FLOW_FIELDS)?
        }
        Format::Table => {
            let mut t = Table::new(&[
                "id",
                "kind",
                "country",
                "year",
                "amount_usd",
                "counted",
                "not counted because",
            ])
            .right_align(&[3, 4]);
            let mut sum = 0.0;
            for f in &rows {
                if f.counted {
                    sum += f.amount_usd.unwrap_or(0.0);
                }
                t.row(vec![
                    truncate(&f.id, 48),
                    f.kind.clone(),
                    opt(&f.country),
                    opt(&f.year),
                    usd(f.amount_usd),
                    if f.counted { "yes" } else { "no" }.into(),
                    f.not_counted_reason.clone().unwrap_or_default(),
                ]);
            }
            t.write(&mut out)?;
            writeln!(
                out,
                "{} of {} flows; counted ones sum to {} (constant 2021 USD)",
                rows.len(),
                total,
                usd(Some(sum))
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `ruta stats --frontier-share`: per year, the counted total, its new-frontier part and
/// the share (`/api/stats/frontier-share?by=year`).
fn frontier_share(store: &Store, a: &StatsArgs) -> Result<()> {
    let rows = flowq::frontier_share(store.conn(), &a.filter.filter())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let cols = [
        "key",
        "amount_usd",
        "new_frontier_usd",
        "share",
        "count",
        "new_frontier_count",
    ];
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, &cols)?,
        Format::Table => {
            let mut t = Table::new(&["year", "amount_usd", "new_frontier_usd", "share", "flows"])
                .right_align(&[1, 2, 3, 4]);
            for r in &rows {
                t.row(vec![
                    r.key.to_string(),
                    usd(Some(r.amount_usd)),
                    usd(Some(r.new_frontier_usd)),
                    r.share
                        .map(|s| format!("{:.1}%", s * 100.0))
                        .unwrap_or_else(|| "-".into()),
                    format!("{} of {}", r.new_frontier_count, r.count),
                ]);
            }
            t.write(&mut out)?;
            writeln!(
                out,
                "new frontier: digital and telecoms, renewable energy, EVs and batteries, critical minerals; counted flows, constant 2021 USD"
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `ruta stats --by A --split B`: one row per (A, B) cell.
fn stats_split(store: &ruta_store::Store, a: &StatsArgs, split: StatsBy) -> Result<()> {
    let rows = ruta_store::explore::stats_split(store.conn(), a.by, split, &a.filter.filter())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, &["key", "split", "amount_usd", "count"])?,
        Format::Table => {
            let mut t = Table::new(&["key", "split", "amount_usd", "count"]).right_align(&[2, 3]);
            let mut sum = 0.0;
            for r in &rows {
                let key = match &r.key {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "-".into(),
                    v => v.to_string(),
                };
                t.row(vec![
                    key,
                    r.split.clone().unwrap_or_else(|| "-".into()),
                    usd(Some(r.amount_usd)),
                    r.count.to_string(),
                ]);
                sum += r.amount_usd;
            }
            t.write(&mut out)?;
            writeln!(
                out,
                "total {}; constant 2021 USD; counted flows only{}",
                usd(Some(sum)),
                if split == StatsBy::Lender {
                    "; loans only, split evenly among their Chinese lenders (count: loans the lender takes part in)"
                } else {
                    ""
                }
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn stats(db: &Path, a: StatsArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    if a.frontier_share {
        return frontier_share(&store, &a);
    }
    if let Some(split) = a.split {
        return stats_split(&store, &a, split);
    }
    let rows = flowq::stats(store.conn(), a.by, &a.filter.filter())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, &["key", "label", "amount_usd", "count"])?,
        Format::Table => {
            let mut t = Table::new(&["key", "label", "amount_usd", "count"]).right_align(&[2, 3]);
            let (mut sum, mut n) = (0.0, 0);
            for r in &rows {
                let key = match &r.key {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "-".into(),
                    v => v.to_string(),
                };
                t.row(vec![
                    key,
                    truncate(&r.label, 48),
                    usd(Some(r.amount_usd)),
                    r.count.to_string(),
                ]);
                sum += r.amount_usd;
                n += r.count;
            }
            t.write(&mut out)?;
            if a.by == StatsBy::Lender {
                // A loan with two Chinese lenders is in two rows: the counts are lender
                // shares, not loans.
                writeln!(
                    out,
                    "total {} over {} lender shares of counted loans; constant 2021 USD; each loan once, split evenly among its Chinese lenders (a loan with several lenders counts once per lender)",
                    usd(Some(sum)),
                    n,
                )?;
            } else {
                writeln!(
                    out,
                    "total {} over {} counted flows; constant 2021 USD; every flow once (see `ruta flows --counted false`)",
                    usd(Some(sum)),
                    n,
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn countries(db: &Path, a: crate::cli::CountriesArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let rows: Vec<_> = ruta_store::explore::countries(store.conn())?
        .into_iter()
        .filter(|c| !a.lac || c.lac)
        .filter(|c| match a.bri {
            Some(query::Bri::Member) => c.bri_member,
            Some(query::Bri::NonMember) => !c.bri_member,
            None => true,
        })
        .collect();
    let mut out = BufWriter::new(std::io::stdout().lock());
    const COLS: &[&str] = &[
        "iso3",
        "name",
        "projects",
        "counted_flows",
        "amount_usd",
        "amount_usd_bri_member",
        "bri_member",
        "bri_joined",
        "bri_exited",
    ];
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => output::csv_rows(&mut out, &rows, COLS)?,
        Format::Table => {
            let mut t = Table::new(&[
                "iso3",
                "name",
                "projects",
                "flows",
                "amount_usd",
                "bri_member_usd",
                "bri",
                "joined",
                "exited",
            ])
            .right_align(&[2, 3, 4, 5]);
            for c in &rows {
                t.row(vec![
                    c.iso3.clone(),
                    truncate(&c.name, 32),
                    c.projects.to_string(),
                    c.counted_flows.to_string(),
                    usd(Some(c.amount_usd)),
                    usd(Some(c.amount_usd_bri_member)),
                    match (c.bri_member, c.bri_listed) {
                        (true, _) => "member".into(),
                        (false, true) => "left".into(),
                        (false, false) => "-".into(),
                    },
                    match (&c.bri_joined, c.bri_listed) {
                        (Some(d), _) => d.clone(),
                        (None, true) => "uncertain".into(),
                        (None, false) => "-".into(),
                    },
                    opt(&c.bri_exited),
                ]);
            }
            t.write(&mut out)?;
            writeln!(
                out,
                "{} countries; amounts: counted flows, constant 2021 USD; Belt and Road membership: {}",
                rows.len(),
                ruta_core::bri::SOURCE
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn problems(db: &Path, a: crate::cli::ProblemsArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let rows =
        ruta_store::problems::problems(store.conn(), a.by, a.population, &a.filter.filter())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => {
            let flat: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    v["events_by_kind"] = serde_json::json!(
                        r.events_by_kind
                            .iter()
                            .map(|(k, n)| format!("{k}:{n}"))
                            .collect::<Vec<_>>()
                            .join(";")
                    );
                    v
                })
                .collect();
            output::csv_rows(
                &mut out,
                &flat,
                &[
                    "key",
                    "label",
                    "projects",
                    "with_problems",
                    "rate",
                    "events_by_kind",
                ],
            )?
        }
        Format::Table => {
            let mut t = Table::new(&[
                "key",
                "label",
                "projects",
                "with problems",
                "rate",
                "events",
            ])
            .right_align(&[2, 3, 4]);
            for r in &rows {
                t.row(vec![
                    match &r.key {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => "-".into(),
                        v => v.to_string(),
                    },
                    truncate(&r.label, 40),
                    r.projects.to_string(),
                    r.with_problems.to_string(),
                    r.rate
                        .map(|x| format!("{:.1}%", x * 100.0))
                        .unwrap_or_else(|| "-".into()),
                    r.events_by_kind
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]);
            }
            t.write(&mut out)?;
            writeln!(out, "population: {}", a.population.describe())?;
        }
    }
    out.flush()?;
    Ok(())
}

pub(crate) fn events(db: &Path, a: crate::cli::EventsArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let f = ruta_store::events::EventFilter {
        project: a.project.clone(),
        country: a.country.clone(),
        kind: a.kind,
        unattached: a.unattached.then_some(true),
        q: a.q.clone(),
        problems_only: a.problems,
    };
    let limit = if a.limit == 0 { u32::MAX } else { a.limit };
    let (rows, total) = ruta_store::events::list_events(store.conn(), &f, limit, 0)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => {
            let flat: Vec<serde_json::Value> = rows
                .iter()
                .map(|e| {
                    let mut v = serde_json::to_value(e).unwrap_or_default();
                    v["sources"] = serde_json::json!(
                        e.sources
                            .iter()
                            .map(|s| s.url.clone().or(s.title.clone()).unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                    v
                })
                .collect();
            output::csv_rows(
                &mut out,
                &flat,
                &[
                    "id",
                    "kind",
                    "date",
                    "project_id",
                    "project_name",
                    "country",
                    "summary",
                    "sources",
                ],
            )?
        }
        Format::Table => {
            let mut t = Table::new(&["date", "kind", "country", "project", "summary", "sources"]);
            for e in &rows {
                t.row(vec![
                    opt(&e.date),
                    e.kind.clone(),
                    opt(&e.country),
                    e.project_id
                        .as_deref()
                        .map(|p| truncate(p, 36))
                        .unwrap_or_else(|| "(unattached)".into()),
                    truncate(&e.summary, 70),
                    e.sources.len().to_string(),
                ]);
            }
            t.write(&mut out)?;
            writeln!(out, "{} of {} events", rows.len(), total)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn export(db: &Path, a: crate::cli::ExportArgs) -> Result<()> {
    let store = open_for_reading(db)?;
    let summary = ruta_store::export::export_package(
        store.conn(),
        &a.dir,
        &format!("ruta export of {}", db.display()),
    )?;
    for (name, rows) in &summary {
        eprintln!(
            "ruta: {}: {rows} rows",
            a.dir.join(format!("{name}.csv")).display()
        );
    }
    eprintln!(
        "ruta: wrote {} (a Frictionless Data Package)",
        a.dir.join("datapackage.json").display()
    );
    Ok(())
}

fn serve(db: &Path, a: crate::cli::ServeArgs) -> Result<()> {
    let admin_token = match &a.admin_token_file {
        None => None,
        Some(f) => {
            let t = std::fs::read_to_string(f)
                .with_context(|| format!("{}: cannot read the admin token", f.display()))?;
            let t = t.trim().to_string();
            if t.len() < 16 {
                bail!(
                    "{}: the admin token must be at least 16 characters",
                    f.display()
                );
            }
            Some(t)
        }
    };
    let cfg = ruta_server::Config {
        addr: a.addr,
        db: db.to_path_buf(),
        read_only: a.read_only,
        admin_token,
        cache: !a.no_cache,
        limits: Default::default(),
    };
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(ruta_server::serve(cfg))?;
    Ok(())
}
