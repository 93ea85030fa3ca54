//! `ruta import`: one transaction per file, problems on stderr, a summary per file.

use crate::cli::{ImportArgs, RegionArg};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use ruta_ingest::{FileReport, Options, Progress, Region};
use ruta_store::{Access, Store};
use std::io::IsTerminal;
use std::path::Path;

/// Problems printed per file before "… and N more".
const SHOWN_PROBLEMS: usize = 50;

struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn start(&self, file: &Path, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
            b.set_position(0);
            b.set_message(
                file.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
            );
        }
    }
    fn update(&self, done: u64) {
        if let Some(b) = &self.0 {
            b.set_position(done);
        }
    }
    /// After the bytes are read the bar becomes a spinner naming the phase, so a long
    /// link or commit (totals rebuilt for a large file) does not look like a hang.
    fn phase(&self, what: &str) {
        if let Some(b) = &self.0 {
            let file = b.message();
            let file = file.split(':').next().unwrap_or_default().to_string();
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.set_message(format!("{file}: {what}…"));
            b.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.disable_steady_tick();
            b.finish_and_clear();
            // The next file starts as a bar again.
            b.set_style(bar_style());
        }
    }
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

fn bar(files: usize) -> Bar {
    if !std::io::stderr().is_terminal() {
        return Bar(None);
    }
    let b = ProgressBar::new(0);
    b.set_style(bar_style());
    let _ = files;
    Bar(Some(b))
}

pub fn run(db: &Path, a: ImportArgs) -> Result<()> {
    let opts = Options {
        dry_run: a.dry_run,
        strict: a.strict,
        link: !a.no_link,
        region: match a.region {
            RegionArg::Lac => Region::Lac,
            RegionArg::All => Region::All,
        },
        dialect: ruta_ingest::DialectOptions {
            encoding: a.encoding,
            delimiter: a.delimiter,
            date_order: a.date_order,
        },
    };
    // A dry run of a database that does not exist yet runs in memory: nothing is created.
    let mut store = if a.dry_run && !db.exists() {
        Store::open_in_memory()?
    } else {
        let mut s = Store::open(db, Access::ReadWrite)?;
        if !a.dry_run {
            ruta_ingest::registry::ensure_loaded(&mut s)?;
        }
        s
    };
    let progress = bar(a.files.len());
    let mut reports: Vec<FileReport> = Vec::new();
    for file in &a.files {
        let r = ruta_ingest::import_file(&mut store, a.kind, file, &opts, &progress);
        for p in r.problems.iter().take(SHOWN_PROBLEMS) {
            eprintln!("ruta: {p}");
        }
        if r.problems.len() > SHOWN_PROBLEMS {
            eprintln!(
                "ruta: … and {} more problems in {} (see --report)",
                r.problems.len() - SHOWN_PROBLEMS,
                r.file
            );
        }
        for p in r.emptied.iter().take(SHOWN_PROBLEMS) {
            eprintln!("ruta: {p} (left empty; the row is kept)");
        }
        if r.emptied_total > SHOWN_PROBLEMS as u64 {
            eprintln!(
                "ruta: … and {} more values left empty in {} (see --report)",
                r.emptied_total - SHOWN_PROBLEMS as u64,
                r.file
            );
        }
        if let Some(e) = &r.error {
            eprintln!("ruta: error: {e}");
        }
        if a.dry_run
            && let Some(d) = &r.dialect
        {
            for line in d.describe() {
                eprintln!("ruta: {}: {line}", r.file);
            }
        }
        for t in &r.tables {
            eprintln!("ruta: {}: {}", r.file, t.summary());
        }
        for n in &r.notes {
            eprintln!("ruta: {}: {n}", r.file);
        }
        if r.outcome == "aborted" {
            eprintln!(
                "ruta: {}: aborted at the first bad row (--strict); nothing of it was written",
                r.file
            );
        }
        eprintln!("ruta: {}", r.summary());
        reports.push(r);
    }
    let failed = reports.iter().any(FileReport::failed);
    if let Some(path) = &a.report {
        let doc = serde_json::json!({
            "kind": a.kind.as_str(),
            "dry_run": a.dry_run,
            "strict": a.strict,
            "ok": !failed,
            "files": reports,
        });
        std::fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")
            .with_context(|| format!("writing report {}", path.display()))?;
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}
