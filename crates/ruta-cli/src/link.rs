//! `ruta link`: run the record linker over the database, review its candidates, record a
//! person's decisions.

use crate::cli::{DetailFormat, LinkArgs, LinkDecideArgs, LinkPairArgs, LinkReviewArgs, LinkWhat};
use crate::output::{self, truncate, usd};
use anyhow::{Result, bail};
use ruta_core::{Judgement, RelationKind};
use ruta_store::link::RecordBrief;
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn run(db: &Path, a: LinkArgs) -> Result<()> {
    match a.what {
        None => link_all(db, a.format),
        Some(LinkWhat::Review(r)) => review(db, r),
        Some(LinkWhat::Accept(d)) => decide(db, d, Judgement::Positive),
        Some(LinkWhat::Reject(d)) => decide(db, d, Judgement::Negative),
        Some(LinkWhat::Undo(d)) => decide(db, d, Judgement::Candidate),
        Some(LinkWhat::Explain(p)) => explain(db, p),
    }
}

fn link_all(db: &Path, format: DetailFormat) -> Result<()> {
    let mut store = crate::commands::open_for_writing(db)?;
    let mut w = store.writer()?;
    let before = w.counted_total()?;
    let summary = ruta_ingest::link::link_all(&mut w)?;
    let after = w.counted_total()?;
    w.commit()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match format {
        DetailFormat::Json => {
            let mut v = serde_json::to_value(&summary)?;
            v["counted_usd_before"] = serde_json::json!(before);
            v["counted_usd_after"] = serde_json::json!(after);
            output::json(&mut out, &v)?;
        }
        DetailFormat::Table => {
            let r = &summary.report;
            writeln!(
                out,
                "linked {} flows: {} pairs compared ({}), {} for finances; u from {} random pairs",
                r.records,
                r.pairs_compared,
                r.pairs_by_rule
                    .iter()
                    .map(|(rule, n)| format!("{n} by {rule}"))
                    .collect::<Vec<_>>()
                    .join("; "),
                r.finances_pairs,
                r.u_pairs
            )?;
            writeln!(
                out,
                "{} relations hold by the model, {} candidates for review ({} strong pairs kept apart by a constraint)",
                summary.changes.positive, summary.changes.candidates, r.constrained
            )?;
            let c = &summary.changes;
            if !c.applied.is_empty() {
                writeln!(out, "\napplied ({}):", c.applied.len())?;
                for (k, f, t, s) in &c.applied {
                    writeln!(out, "  {k:<11} {f}  {t}  p={s:.4}")?;
                }
            }
            if !c.withdrawn.is_empty() {
                writeln!(out, "\nwithdrawn ({}):", c.withdrawn.len())?;
                for (k, f, t) in &c.withdrawn {
                    writeln!(out, "  {k:<11} {f}  {t}")?;
                }
            }
            writeln!(
                out,
                "\ncounted total: {} before, {} after (constant 2021 USD){}",
                usd(Some(before)),
                usd(Some(after)),
                if c.new_candidates.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} new candidate(s): `ruta link review`",
                        c.new_candidates.len()
                    )
                }
            )?;
            writeln!(out, "in {:.2} s", summary.seconds)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn brief_line(r: &RecordBrief) -> String {
    let amount = r
        .amount
        .as_ref()
        .map(|a| format!("{} {}", a.currency, ruta_core::fmt::thousands(a.value)))
        .unwrap_or_else(|| "-".into());
    format!(
        "{}  [{} {}] {} {} {} {}  {}",
        r.id,
        r.dataset.as_deref().unwrap_or("registry"),
        r.version.as_deref().unwrap_or(""),
        r.kind,
        r.country.as_deref().unwrap_or("-"),
        r.year.map(|y| y.to_string()).unwrap_or_else(|| "-".into()),
        amount,
        truncate(&r.name, 70)
    )
}

/// The waterfall as text lines.
pub fn waterfall(out: &mut impl Write, ev: &serde_json::Value) -> std::io::Result<()> {
    if ev.is_null() {
        return Ok(());
    }
    writeln!(
        out,
        "    {:<14} {:<44} {:>8}   detail",
        "comparison", "level", "weight"
    )?;
    writeln!(
        out,
        "    {:<14} {:<44} {:>8}   {}",
        "prior",
        "",
        format!("{:+.2}", ev["prior_weight"].as_f64().unwrap_or(0.0)),
        ev["blocking_rule"].as_str().unwrap_or("")
    )?;
    for row in ev["rows"].as_array().into_iter().flatten() {
        let w = row["weight"].as_f64().unwrap_or(0.0);
        let tf = row["tf_adjustment"].as_f64();
        let weight = match tf {
            Some(t) => format!("{w:+.2} {t:+.2}tf"),
            None => format!("{w:+.2}"),
        };
        writeln!(
            out,
            "    {:<14} {:<44} {:>8}   {}",
            row["comparison"].as_str().unwrap_or(""),
            truncate(row["level"].as_str().unwrap_or(""), 44),
            weight,
            row["detail"].as_str().unwrap_or("")
        )?;
    }
    writeln!(
        out,
        "    {:<14} {:<44} {:>8}   probability {:.4}",
        "= match weight",
        "",
        format!("{:+.2}", ev["match_weight"].as_f64().unwrap_or(0.0)),
        ev["match_probability"].as_f64().unwrap_or(0.0)
    )?;
    if let Some(n) = ev["note"].as_str() {
        writeln!(out, "    note: {n}")?;
    }
    Ok(())
}

fn review(db: &Path, a: LinkReviewArgs) -> Result<()> {
    let store = crate::commands::open_for_reading(db)?;
    let limit = if a.limit == 0 { u32::MAX } else { a.limit };
    let kind = a.kind.map(|k| k.as_str());
    let (rows, total) = ruta_store::link::candidates(store.conn(), kind, limit, 0)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match a.format {
        DetailFormat::Json => output::json(&mut out, &rows)?,
        DetailFormat::Table => {
            for c in &rows {
                writeln!(
                    out,
                    "#{} {} p={:.4} ({})",
                    c.id,
                    c.kind,
                    c.score.unwrap_or(0.0),
                    c.rule
                )?;
                writeln!(out, "  {}", brief_line(&c.from))?;
                writeln!(out, "  {}", brief_line(&c.to))?;
                waterfall(&mut out, &c.evidence)?;
                writeln!(
                    out,
                    "  decide: ruta link accept {} {}  |  ruta link reject {} {}\n",
                    c.from.id, c.to.id, c.from.id, c.to.id
                )?;
            }
            writeln!(out, "{} of {} candidates", rows.len(), total)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn decide(db: &Path, d: LinkDecideArgs, judgement: Judgement) -> Result<()> {
    let mut store = crate::commands::open_for_writing(db)?;
    let mut w = store.writer()?;
    for id in [&d.a, &d.b] {
        if !w.record_exists(id)? {
            bail!("no record with id '{id}' (see `ruta flows` or `ruta project`)");
        }
    }
    if d.a == d.b {
        bail!("a record relates to itself; give two different ids");
    }
    let stated = w.relation_between(&d.a, &d.b)?;
    let (kind, from, to) = match (d.kind, stated) {
        (Some(k), Some((sk, f, t))) if k == sk => (k, f, t),
        (Some(k), _) => (k, d.a.clone(), d.b.clone()),
        (None, Some(s)) => s,
        (None, None) => (RelationKind::SameAs, d.a.clone(), d.b.clone()),
    };
    let id = w.decide_relation(kind, &from, &to, judgement, &d.by)?;
    w.commit()?;
    let verb = match judgement {
        Judgement::Positive => "accepted",
        Judgement::Negative => "rejected",
        Judgement::Candidate => "undid the decision on",
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{verb} {kind} {from} → {to} (relation #{id}, decided by {}); it wins over the model and survives re-imports",
        d.by
    )?;
    for r in [&from, &to] {
        if let Some(b) = ruta_store::link::record(store.conn(), r)? {
            writeln!(
                out,
                "  {}: project {}, {}",
                b.id,
                b.project_id,
                if b.counted {
                    "counted".to_string()
                } else {
                    format!("not counted ({})", b.not_counted_reason.unwrap_or_default())
                }
            )?;
        }
    }
    Ok(())
}

fn explain(db: &Path, p: LinkPairArgs) -> Result<()> {
    let mut store = crate::commands::open_for_reading(db)?;
    let ev = {
        let w = store.writer()?;
        ruta_ingest::link::explain(&w, &p.a, &p.b)?
    };
    let Some(ev) = ev else {
        bail!("both ids must name records that state a flow (see `ruta flows`)");
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let v = serde_json::to_value(&ev)?;
    match p.format {
        DetailFormat::Json => output::json(&mut out, &v)?,
        DetailFormat::Table => {
            writeln!(out, "{} ~ {} ({} model)", p.a, p.b, ev.model)?;
            waterfall(&mut out, &v)?;
        }
    }
    out.flush()?;
    Ok(())
}
