//! `ruta trade`: China–LAC goods trade as both sides report it.

use crate::cli::{Format, TradeArgs};
use crate::output::{self, Table, opt, truncate, usd};
use anyhow::Result;
use ruta_store::trade::{self, Flow, ReporterFilter, TradeQuery, TradeRow};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Columns of `--format csv` (the JSON fields; `sources` as one text cell).
const CSV_FIELDS: &[&str] = &[
    "country",
    "country_name",
    "year",
    "flow",
    "reporter",
    "hs2",
    "value_usd",
    "valuation",
    "mirror_usd",
    "gap_usd",
    "gap_pct",
    "displayed",
    "share_pct",
    "derived",
    "sources",
];

pub fn run(db: &Path, a: TradeArgs) -> Result<()> {
    let store = crate::commands::open_for_reading(db)?;
    let q = TradeQuery {
        country: a.country.clone(),
        year: a.year,
        by: a.by,
        reporter: a.reporter,
    };
    let rows = trade::trade(store.conn(), &q)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => output::json(&mut out, &rows)?,
        Format::Csv => {
            let flat: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    v["sources"] = serde_json::Value::String(sources_text(r));
                    v
                })
                .collect();
            output::csv_rows(&mut out, &flat, CSV_FIELDS)?;
        }
        Format::Table => {
            match a.reporter {
                ReporterFilter::Both => mirror_table(&rows).write(&mut out)?,
                ReporterFilter::News => news_table(&rows).write(&mut out)?,
                _ => one_side_table(&rows).write(&mut out)?,
            }
            if rows.is_empty() {
                writeln!(
                    out,
                    "no trade values{}; import some with `ruta import dots FILE` or `ruta import comtrade FILE`",
                    a.country
                        .as_deref()
                        .map(|c| format!(" for {c}"))
                        .unwrap_or_default()
                )?;
            } else if a.reporter != ReporterFilter::News {
                writeln!(
                    out,
                    "nominal USD; export = China -> country (FOB as China reports, CIF as the country reports), import = country -> China;\n\
                     shown (*) = the importer's figure unless missing; gap = partner-reported minus China-reported"
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// "UN Comtrade content 1a2b… comtrade.csv line 5; …": every source of a row's value.
fn sources_text(r: &TradeRow) -> String {
    r.sources
        .iter()
        .map(|s| {
            [
                s.dataset.as_deref().unwrap_or("article"),
                s.version.as_deref().unwrap_or(""),
                s.file.as_deref().unwrap_or(""),
                &s.locator,
            ]
            .iter()
            .filter(|p| !p.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn flow_label(f: Flow) -> &'static str {
    match f {
        Flow::Export => "CHN->",
        Flow::Import => "->CHN",
        Flow::Total => "both",
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|p| format!("{p:+.1}%")).unwrap_or_else(|| "-".into())
}

/// Both reporters side by side: one line per country, year, flow and chapter.
fn mirror_table(rows: &[TradeRow]) -> Table {
    let mut t = Table::new(&[
        "country",
        "year",
        "flow",
        "hs2",
        "china_reported",
        "partner_reported",
        "gap",
        "gap_%",
        "china_share",
        "sources",
    ])
    .right_align(&[4, 5, 6, 7, 8, 9]);
    type Pair<'a> = (Option<&'a TradeRow>, Option<&'a TradeRow>);
    let mut pairs: BTreeMap<(&str, i32, Flow, Option<&str>), Pair<'_>> = BTreeMap::new();
    for r in rows {
        let e = pairs
            .entry((&r.country, r.year, r.flow, r.hs2.as_deref()))
            .or_default();
        if r.reporter.as_deref() == Some("CHN") {
            e.0 = Some(r);
        } else {
            e.1 = Some(r);
        }
    }
    let cell = |r: Option<&TradeRow>| match r {
        None => "-".to_string(),
        Some(r) => format!(
            "{}{}",
            usd(r.value_usd),
            if r.displayed { " *" } else { "" }
        ),
    };
    for ((country, year, flow, hs2), (c, p)) in pairs {
        let any = c.or(p);
        let n: usize = c.map_or(0, |r| r.sources.len()) + p.map_or(0, |r| r.sources.len());
        t.row(vec![
            country.to_string(),
            year.to_string(),
            flow_label(flow).to_string(),
            hs2.unwrap_or("all").to_string(),
            cell(c),
            cell(p),
            usd(any.and_then(|r| r.gap_usd)),
            pct(any.and_then(|r| r.gap_pct)),
            p.and_then(|r| r.share_pct)
                .map(|s| format!("{s:.1}%"))
                .unwrap_or_else(|| "-".into()),
            n.to_string(),
        ]);
    }
    t
}

fn one_side_table(rows: &[TradeRow]) -> Table {
    let mut t = Table::new(&[
        "country",
        "year",
        "flow",
        "hs2",
        "reporter",
        "value_usd",
        "valuation",
        "shown",
        "sources",
    ])
    .right_align(&[5]);
    for r in rows {
        t.row(vec![
            r.country.clone(),
            r.year.to_string(),
            flow_label(r.flow).to_string(),
            r.hs2.clone().unwrap_or_else(|| "all".into()),
            opt(&r.reporter),
            usd(r.value_usd),
            r.valuation
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
            if r.displayed { "*" } else { "" }.to_string(),
            truncate(&sources_text(r), 60),
        ]);
    }
    t
}

fn news_table(rows: &[TradeRow]) -> Table {
    let mut t =
        Table::new(&["country", "year", "flow", "value", "article", "quote"]).right_align(&[3]);
    for r in rows {
        let value = match (r.value_usd, r.share_pct) {
            (Some(v), _) => usd(Some(v)),
            (None, Some(s)) => format!("{s}% share"),
            _ => "-".into(),
        };
        let s = r.sources.first();
        t.row(vec![
            r.country.clone(),
            r.year.to_string(),
            flow_label(r.flow).to_string(),
            value,
            truncate(s.and_then(|s| s.file.as_deref()).unwrap_or("-"), 40),
            truncate(s.and_then(|s| s.quote.as_deref()).unwrap_or(""), 70),
        ]);
    }
    t
}
