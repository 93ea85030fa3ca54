//! `ruta extract` and `ruta ingest news`.

use crate::cli::{EvidenceArgs, ExtractArgs, ExtractFormat, Format, IngestNewsArgs};
use crate::output::{Table, truncate};
use anyhow::Result;
use ruta_extract::{Detail, Document};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Hands every article of the paths to `f`, in order, streaming; per-file (and
/// per-line) errors are printed and collected. Stops at the first error `f` returns.
fn each_article(
    paths: &[std::path::PathBuf],
    failed: &mut Vec<String>,
    mut f: impl FnMut(ruta_extract::Article) -> Result<()>,
) -> Result<()> {
    let fail = |e: ruta_extract::ArticleError, failed: &mut Vec<String>| {
        eprintln!("ruta: error: {e}");
        failed.push(e.to_string());
    };
    for p in ruta_extract::input::expand(paths) {
        let path = match p {
            Ok(p) => p,
            Err(e) => {
                fail(e, failed);
                continue;
            }
        };
        let mut result = Ok(());
        ruta_extract::input::read_each(&path, |a| {
            if result.is_err() {
                return;
            }
            match a {
                Ok(a) => result = f(a),
                Err(e) => fail(e, failed),
            }
        });
        result?;
    }
    Ok(())
}

fn bound_text(b: Option<ruta_extract::figures::Bound>) -> &'static str {
    match b {
        Some(ruta_extract::figures::Bound::AtLeast) => "≥ ",
        Some(ruta_extract::figures::Bound::AtMost) => "≤ ",
        None => "",
    }
}

fn detail_text(d: &Detail) -> String {
    match d {
        Detail::Money {
            amount,
            amount_high,
            currency,
            usd,
            approx,
            qualifier,
            bound,
            per_unit,
            ..
        } => format!(
            "{}{}{} {}{}{}{}{}",
            bound_text(*bound),
            if *approx { "~" } else { "" },
            currency.as_deref().unwrap_or("???"),
            ruta_core::fmt::thousands(*amount),
            amount_high
                .map(|h| format!("–{}", ruta_core::fmt::thousands(h)))
                .unwrap_or_default(),
            per_unit
                .as_ref()
                .map(|u| format!(" per {u}"))
                .unwrap_or_default(),
            usd.map(|u| format!(" (USD {})", ruta_core::fmt::compact_usd(u)))
                .unwrap_or_default(),
            qualifier
                .as_ref()
                .map(|q| format!(" [{q}]"))
                .unwrap_or_default()
        ),
        Detail::Organization { id, name } => format!(
            "{name}{}",
            id.as_ref()
                .map(|i| format!(" [{i}]"))
                .unwrap_or_else(|| " [unknown]".into())
        ),
        Detail::Country { iso3 } => iso3.clone(),
        Detail::Quantity {
            value,
            value_high,
            unit,
            bound,
        } => format!(
            "{}{}{} {unit}",
            bound_text(*bound),
            ruta_core::fmt::thousands(*value),
            value_high
                .map(|h| format!("–{}", ruta_core::fmt::thousands(h)))
                .unwrap_or_default()
        ),
        Detail::Percent { value } => format!("{value}%"),
        Detail::Date { value } => value.clone(),
        Detail::Project {
            project_id,
            name,
            candidates,
            ..
        } => match project_id {
            Some(id) => format!("{name} [{id}]"),
            None => format!("{name} [one of {}]", candidates.join(", ")),
        },
        Detail::Event { event_kind } => event_kind.to_string(),
    }
}

fn write_table(out: &mut impl Write, doc: &Document) -> Result<()> {
    writeln!(
        out,
        "{} [{}] {}",
        doc.source,
        doc.language.as_str(),
        doc.title.as_deref().unwrap_or("")
    )?;
    let mut t = Table::new(&["kind", "start", "end", "text", "value"]).right_align(&[1, 2]);
    for m in &doc.mentions {
        t.row(vec![
            serde_json::to_value(m.kind)?
                .as_str()
                .unwrap_or_default()
                .to_string(),
            m.start.to_string(),
            m.end.to_string(),
            truncate(&m.text.replace('\n', " "), 48),
            detail_text(&m.detail),
        ]);
    }
    t.write(out)?;
    writeln!(out)?;
    Ok(())
}

pub fn extract(a: ExtractArgs) -> Result<()> {
    let mut failed = Vec::new();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut all: Vec<Document> = Vec::new();
    each_article(&a.paths, &mut failed, |art| {
        let doc = ruta_extract::document(&art, a.lang.lang(), a.with_text);
        match a.format {
            ExtractFormat::Jsonl => {
                serde_json::to_writer(&mut out, &doc)?;
                writeln!(out)?;
            }
            ExtractFormat::Json => all.push(doc),
            ExtractFormat::Table => write_table(&mut out, &doc)?,
        }
        Ok(())
    })?;
    if a.format == ExtractFormat::Json {
        crate::output::json(&mut out, &all)?;
    }
    out.flush()?;
    if !failed.is_empty() {
        eprintln!(
            "ruta: {} file(s) or line(s) could not be read",
            failed.len()
        );
        std::process::exit(1);
    }
    Ok(())
}

pub fn ingest(db: &Path, a: IngestNewsArgs) -> Result<()> {
    let mut failed = Vec::new();
    let mut arts = Vec::new();
    each_article(&a.paths, &mut failed, |art| {
        arts.push(art);
        Ok(())
    })?;
    let mut store = crate::commands::open_for_writing(db)?;
    let report =
        ruta_ingest::news::ingest(&mut store, &arts, a.lang.lang(), a.publisher.as_deref())?;
    eprintln!(
        "ruta: {} article(s): {} new source(s), {} claim(s) and {} event report(s) on {} project(s), {} figure(s) and {} event(s) kept unattached",
        report.articles,
        report.new_sources,
        report.claims,
        report.events,
        report.projects,
        report.evidence,
        report.unattached_events
    );
    if let Some(path) = &a.report {
        let v = serde_json::json!({ "ingested": report, "failed": failed });
        std::fs::write(path, serde_json::to_vec_pretty(&v)?)
            .map_err(|e| anyhow::anyhow!("{}: cannot write report: {e}", path.display()))?;
    }
    if !failed.is_empty() {
        eprintln!(
            "ruta: {} file(s) or line(s) could not be read",
            failed.len()
        );
        std::process::exit(1);
    }
    Ok(())
}

pub fn evidence(db: &Path, a: EvidenceArgs) -> Result<()> {
    if a.kind.as_deref() == Some("event") {
        return crate::commands::events(
            db,
            crate::cli::EventsArgs {
                project: None,
                country: a.country,
                kind: None,
                unattached: true,
                problems: false,
                q: a.q,
                limit: a.limit,
                format: a.format,
            },
        );
    }
    let store = crate::commands::open_for_reading(db)?;
    let events = match a.format {
        Format::Table => {
            ruta_store::events::list_events(
                store.conn(),
                &ruta_store::events::EventFilter {
                    country: a.country.clone(),
                    unattached: Some(true),
                    q: a.q.clone(),
                    ..Default::default()
                },
                1,
                0,
            )?
            .1
        }
        _ => 0,
    };
    let (rows, total) = store.evidence(&ruta_store::evidence::EvidenceFilter {
        q: a.q,
        country: a.country,
        kind: a.kind,
        source_id: None,
        limit: a.limit.max(1) as usize,
        offset: 0,
    })?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => crate::output::json(&mut out, &rows)?,
        Format::Csv => {
            let flat: Vec<serde_json::Value> = rows
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?;
            crate::output::csv_rows(
                &mut out,
                &flat,
                &[
                    "id",
                    "kind",
                    "text",
                    "amount",
                    "currency",
                    "usd",
                    "unit",
                    "qualifier",
                    "country",
                    "quote",
                    "source_id",
                    "source_title",
                    "source_publisher",
                    "source_date",
                    "source_url",
                ],
            )?
        }
        Format::Table => {
            let mut t = Table::new(&["id", "figure", "usd", "country", "source", "sentence"])
                .right_align(&[0, 2]);
            for r in &rows {
                let f = &r.figure;
                t.row(vec![
                    r.id.to_string(),
                    f.text.clone(),
                    f.usd.map(ruta_core::fmt::compact_usd).unwrap_or_default(),
                    f.country.clone().unwrap_or_default(),
                    truncate(
                        &format!(
                            "#{} {}",
                            r.source_id,
                            r.source_title.as_deref().unwrap_or("")
                        ),
                        40,
                    ),
                    truncate(&f.quote, 80),
                ]);
            }
            t.write(&mut out)?;
            writeln!(out, "{} of {total} figure(s)", rows.len())?;
            if events > 0 {
                writeln!(
                    out,
                    "{events} unattached event(s) match too: ruta evidence --kind event (or ruta events --unattached) with the same filters"
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
