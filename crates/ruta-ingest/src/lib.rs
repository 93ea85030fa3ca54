//! ruta-ingest: importers for the files users hold.
//!
//! Each importer reads rows ([`input`]), finds its columns by normalised name
//! ([`table`]), parses values ([`parse`]) and maps each row to a `ruta_core::Record`.
//! [`import_file`] drives one file inside one store transaction: bad rows are reported
//! with file, line, column, value and reason and skipped (or, with `strict`, abort the
//! file); anything that makes the file unreadable aborts it; either way nothing is half
//! written. Before the file's transaction commits, the records it wrote are linked to
//! the stored flows ([`link`]), so an import and the relations it implies land together.
//! Importers never query the database.

pub mod adm;
pub mod cgef;
pub mod cgit;
pub mod comtrade;
pub mod dots;
pub mod gcdf;
pub mod geojson;
pub mod input;
pub mod link;
pub mod news;
pub mod parse;
pub mod ports;
pub mod registry;
pub mod table;
pub mod trade;
pub mod trade_news;
pub mod wb_ids;
pub mod xlsx;

pub use gcdf::Region;
pub use input::FileError;

use input::Rows;
use ruta_core::model::Record;
use ruta_store::{Outcome, Store, Writer};
use std::path::Path;
use std::time::Instant;
use table::{Cells, Header};

/// The kinds of file ruta imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// AidData GCDF 3.0 (126 columns, CSV or XLSX), GeoGCDF input (17 columns), GCDF 2.0.
    Gcdf,
    /// AidData GCDF ADM1/ADM2 location files.
    GcdfAdm,
    /// GeoGCDF per-project GeoJSON.
    Geojson,
    /// AEI China Global Investment Tracker (2025 investments layout, 2020 combined layout).
    AeiCgit,
    /// Boston University China's Global Energy Finance.
    BuCgef,
    /// IMF Direction of Trade Statistics, bulk layout (trade values, not projects).
    Dots,
    /// UN Comtrade, current API naming or the legacy 35-column layout (trade values).
    Comtrade,
    /// Latin American and Caribbean ports with Chinese firms (name, firm, "(lat,lon)",
    /// shares, cooperation mode).
    Ports,
    /// World Bank International Debt Statistics, debt service by creditor (reported
    /// debt service, not projects).
    WbIds,
}

impl Kind {
    pub const NAMES: &'static [&'static str] = &[
        "gcdf", "gcdf-adm", "geojson", "aei-cgit", "bu-cgef", "dots", "comtrade", "ports", "wb-ids",
    ];

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "gcdf" => Kind::Gcdf,
            "gcdf-adm" => Kind::GcdfAdm,
            "geojson" => Kind::Geojson,
            "aei-cgit" => Kind::AeiCgit,
            "bu-cgef" => Kind::BuCgef,
            "dots" => Kind::Dots,
            "comtrade" => Kind::Comtrade,
            "ports" => Kind::Ports,
            "wb-ids" => Kind::WbIds,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Gcdf => "gcdf",
            Kind::GcdfAdm => "gcdf-adm",
            Kind::Geojson => "geojson",
            Kind::AeiCgit => "aei-cgit",
            Kind::BuCgef => "bu-cgef",
            Kind::Dots => "dots",
            Kind::Comtrade => "comtrade",
            Kind::Ports => "ports",
            Kind::WbIds => "wb-ids",
        }
    }
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:", self.file, self.line)?;
        if let Some(c) = &self.column {
            write!(f, " column '{c}':")?;
        }
        if let Some(v) = &self.value {
            write!(f, " value '{v}':")?;
        }
        write!(f, " {}", self.reason)
    }
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Parse, validate and count, then roll back.
    pub dry_run: bool,
    /// The first bad row aborts the file.
    pub strict: bool,
    pub region: Region,
    /// Link the file's records to the stored flows before committing (`ruta import
    /// --no-link` leaves it to a later `ruta link`).
    pub link: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dry_run: false,
            strict: false,
            region: Region::Lac,
            link: true,
        }
    }
}

/// How one file went.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    pub kind: String,
    /// "imported", "dry-run", "aborted" (strict mode, a bad row) or "failed" (unreadable).
    pub outcome: String,
    pub error: Option<String>,
    pub rows_read: u64,
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
    pub outside_region: u64,
    /// Rows read and deliberately not kept (trade files: status notes, balances,
    /// re-exports, aggregate rows whose detail rows are in the file).
    pub not_kept: u64,
    pub seconds: f64,
    pub problems: Vec<Problem>,
    /// The file failed because another process held the database's write lock for
    /// longer than the store waits (try again later).
    #[serde(skip)]
    pub write_locked: bool,
    /// What linking the file's records to the stored flows did.
    pub link: Option<link::LinkSummary>,
}

impl FileReport {
    /// Whether the file needs an exit code of 1.
    pub fn failed(&self) -> bool {
        self.skipped > 0 || self.outcome == "aborted" || self.outcome == "failed"
    }

    /// The one-line summary printed after each file.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} ({}): {} rows read, {} imported, {} updated, {} unchanged, {} skipped",
            self.file,
            self.kind,
            self.rows_read,
            self.imported,
            self.updated,
            self.unchanged,
            self.skipped
        );
        if self.outside_region > 0 {
            s.push_str(&format!(", {} outside the region", self.outside_region));
        }
        if self.not_kept > 0 {
            s.push_str(&format!(", {} not kept", self.not_kept));
        }
        s.push_str(&format!(" in {:.2} s", self.seconds));
        if let Some(l) = &self.link {
            s.push_str(&format!(
                "; linked: {} relation(s) applied, {} candidate(s) for review (`ruta link review`)",
                l.changes.applied.len(),
                l.changes.new_candidates.len()
            ));
        }
        match self.outcome.as_str() {
            "dry-run" => s.push_str(" (dry run: nothing written)"),
            "aborted" => s.push_str(" (aborted: nothing written)"),
            "failed" => s.push_str(" (failed: nothing written)"),
            _ => {}
        }
        s
    }
}

/// Progress callbacks (a terminal progress bar, or nothing).
pub trait Progress {
    fn start(&self, _file: &Path, _total: u64) {}
    fn update(&self, _done: u64) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

/// What a mapper produced for one row.
pub enum Mapped {
    Record(Box<Record>),
    OutsideRegion,
    /// Accepted and buffered; written when the file ends (ADM location rows).
    Deferred,
}

/// Counts one write outcome.
fn count(report: &mut FileReport, o: Outcome) {
    match o {
        Outcome::Imported => report.imported += 1,
        Outcome::Updated => report.updated += 1,
        Outcome::Unchanged => report.unchanged += 1,
    }
}

/// Imports one file into `store`, in one transaction.
pub fn import_file(
    store: &mut Store,
    kind: Kind,
    path: &Path,
    opts: &Options,
    progress: &dyn Progress,
) -> FileReport {
    let started = Instant::now();
    let started_at = ruta_store::timestamp();
    let mut report = FileReport {
        file: path.display().to_string(),
        kind: kind.as_str().to_string(),
        ..FileReport::default()
    };
    let result = (|| -> Result<bool, ImportError> {
        let mut w = store.writer().map_err(ImportError::Store)?;
        let ok = match kind {
            Kind::Geojson => {
                check_geojson_size(path)?;
                geojson::import(&mut w, path, opts, &mut report)?
            }
            Kind::Dots => dots::import(&mut w, path, opts, &mut report)?,
            Kind::Comtrade => comtrade::import(&mut w, path, opts, &mut report)?,
            Kind::WbIds => wb_ids::import(&mut w, path, opts, &mut report)?,
            _ => import_rows(&mut w, kind, path, opts, &mut report, progress)?,
        };
        if ok && !opts.dry_run {
            if opts.link {
                report.link = link::link_written(&mut w).map_err(ImportError::Store)?;
            }
            w.log_import(
                kind.as_str(),
                &report.file,
                report.rows_read,
                report.imported,
                report.updated,
                report.unchanged,
                report.skipped,
                &started_at,
            )
            .map_err(ImportError::Store)?;
            w.commit().map_err(ImportError::Store)?;
        }
        Ok(ok)
    })();
    progress.finish();
    match result {
        Ok(true) => report.outcome = if opts.dry_run { "dry-run" } else { "imported" }.into(),
        Ok(false) => report.outcome = "aborted".into(),
        Err(e) => {
            report.outcome = "failed".into();
            report.write_locked =
                matches!(e, ImportError::Store(ruta_store::StoreError::Busy { .. }));
            report.error = Some(e.to_string());
        }
    }
    if report.outcome != "imported" && report.outcome != "dry-run" {
        // Nothing was written: the counts describe what would have happened.
        report.imported = 0;
        report.updated = 0;
        report.unchanged = 0;
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

/// Largest GeoJSON file imported: it is parsed whole, and a parsed document takes several
/// times its size in memory.
pub const MAX_GEOJSON_BYTES: u64 = 256 << 20;

fn check_geojson_size(path: &Path) -> Result<(), FileError> {
    let size = std::fs::metadata(path)
        .map_err(|e| FileError::new(path, format!("cannot open: {e}")))?
        .len();
    if size > MAX_GEOJSON_BYTES {
        return Err(FileError::new(
            path,
            format!(
                "{} MiB of GeoJSON; the limit is {} MiB (one project's features per file)",
                size >> 20,
                MAX_GEOJSON_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("database: {0}")]
    Store(ruta_store::StoreError),
}

/// Records a bad row; in strict mode reports that the file must be aborted.
fn bad_row(report: &mut FileReport, p: Problem, opts: &Options) -> bool {
    report.skipped += 1;
    report.problems.push(p);
    opts.strict
}

/// Shared driver of the row-oriented kinds.
fn import_rows(
    w: &mut Writer<'_>,
    kind: Kind,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
    progress: &dyn Progress,
) -> Result<bool, ImportError> {
    let sheet = if kind == Kind::Gcdf {
        Some("GCDF_3.0")
    } else {
        None
    };
    let mut rows = Rows::open(path, sheet)?;
    let sheet = match &rows {
        Rows::Xlsx(_) => sheet,
        Rows::Csv(_) => None,
    };
    // The header: the first row, or for AEI's 2020 layout the first row naming Year and
    // Month after its banner lines.
    let mut header_row = None;
    let mut skipped_banner = 0;
    while let Some(r) = rows.next_row()? {
        let is_header = match kind {
            Kind::AeiCgit => cgit::is_header(&r.cells),
            _ => true,
        };
        if is_header {
            header_row = Some(r);
            break;
        }
        skipped_banner += 1;
        if skipped_banner > 50 {
            break;
        }
    }
    let Some(header_row) = header_row else {
        return Err(FileError::new(path, "no header row found").into());
    };
    let header = Header::new(&header_row.cells);
    rows.set_width(header.len());
    let mapper = Mapper::new(kind, &header, path, w).map_err(|r| FileError::new(path, r))?;
    let (_, total) = rows.progress();
    progress.start(path, total);
    // Reading, parsing and mapping run on a second thread; this one only writes.
    std::thread::scope(|scope| -> Result<bool, ImportError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Parsed, FileError>>(4096);
        let header = &header;
        let producer = scope.spawn(move || {
            loop {
                let row = match rows.next_item() {
                    Ok(Some(Ok(row))) => row,
                    Ok(Some(Err(damaged))) => {
                        // Byte-level damage costs this record only.
                        let parsed = Parsed {
                            line: damaged.line,
                            position: rows.progress().0,
                            mapped: Err(Problem {
                                file: path.display().to_string(),
                                line: damaged.line,
                                column: None,
                                value: None,
                                reason: damaged.reason,
                            }),
                            hash: None,
                        };
                        if tx.send(Ok(parsed)).is_err() {
                            break;
                        }
                        continue;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                };
                if row.cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let cells = Cells {
                    row: &row,
                    header,
                    file: path,
                    sheet,
                };
                let mapped = if row.cells.len() > header.len()
                    && row.cells[header.len()..]
                        .iter()
                        .any(|c| !c.trim().is_empty())
                {
                    Err(cells.problem(
                        None,
                        format!(
                            "{} columns, the header has {}",
                            row.cells.len(),
                            header.len()
                        ),
                    ))
                } else {
                    mapper.map(&cells, opts.region)
                };
                let hash = match &mapped {
                    Ok(Mapped::Record(rec)) => Some(rec.fingerprint()),
                    _ => None,
                };
                let parsed = Parsed {
                    line: row.line,
                    position: rows.progress().0,
                    mapped,
                    hash,
                };
                if tx.send(Ok(parsed)).is_err() {
                    break;
                }
            }
            (rows, mapper)
        });
        let mut seen = std::collections::HashMap::new();
        let mut aborted = false;
        for msg in rx.iter() {
            let p = msg?;
            report.rows_read += 1;
            if report.rows_read.is_multiple_of(4096) {
                progress.update(p.position);
            }
            let problem = match p.mapped {
                Ok(Mapped::OutsideRegion) => {
                    report.outside_region += 1;
                    None
                }
                Ok(Mapped::Deferred) => None,
                Ok(Mapped::Record(rec)) => {
                    if let Some(first) =
                        seen.insert(ruta_core::hash::fnv1a(rec.project.id.as_bytes()), p.line)
                    {
                        Some(Problem {
                            file: path.display().to_string(),
                            line: p.line,
                            column: None,
                            value: None,
                            reason: format!(
                                "duplicate record {} (first on line {first})",
                                rec.project.id
                            ),
                        })
                    } else {
                        let hash = p.hash.unwrap_or_else(|| rec.fingerprint());
                        let o = w
                            .write_record_hashed(&rec, &hash)
                            .map_err(ImportError::Store)?;
                        count(report, o);
                        None
                    }
                }
                Err(problem) => Some(problem),
            };
            if let Some(problem) = problem
                && bad_row(report, problem, opts)
            {
                aborted = true;
                break;
            }
        }
        drop(rx);
        let (rows, mapper) = producer
            .join()
            .map_err(|_| FileError::new(path, "the reader thread failed"))?;
        if aborted {
            return Ok(false);
        }
        drop(rows);
        if let Mapper::Gcdf(m) = &mapper {
            for (child, stmt) in m.package_relations() {
                w.state_relation(&child, &stmt)
                    .map_err(ImportError::Store)?;
            }
        }
        if let Mapper::Ports(m) = &mapper {
            // Each port joins the stored project at its place, if there is one.
            for port in m.places() {
                let near = w
                    .located_projects(&port.country)
                    .map_err(ImportError::Store)?;
                let found = near
                    .iter()
                    .filter(|p| p.id != port.id && ports::same_place(&port, p))
                    .min_by(|a, b| {
                        let da = ports::distance_km((port.lat, port.lon), (a.lat, a.lon));
                        let db = ports::distance_km((port.lat, port.lon), (b.lat, b.lon));
                        da.total_cmp(&db)
                    });
                if let Some(project) = found {
                    w.state_relation(&port.id, &ports::joins(&project.id))
                        .map_err(ImportError::Store)?;
                }
            }
        }
        if let Mapper::Adm(m) = &mapper {
            // ADM rows are grouped per project: each project's set of units is written at once.
            for (project, source, locs) in m.drain() {
                let had = w
                    .has_locations_from(&project, &source)
                    .map_err(ImportError::Store)?;
                let changed = w
                    .set_locations(&project, &source, &locs)
                    .map_err(ImportError::Store)?;
                let n = locs.len() as u64;
                match (changed, had) {
                    (false, _) => report.unchanged += n,
                    (true, false) => report.imported += n,
                    (true, true) => report.updated += n,
                }
            }
        }
        Ok(true)
    })
}

/// One row, parsed and mapped on the reader thread.
struct Parsed {
    line: u64,
    position: u64,
    mapped: Result<Mapped, Problem>,
    hash: Option<String>,
}

/// The mapper of each row-oriented kind.
enum Mapper {
    Gcdf(Box<gcdf::GcdfColumns>),
    Adm(Box<adm::AdmColumns>),
    Cgit(Box<cgit::CgitColumns>),
    Cgef(Box<cgef::CgefColumns>),
    Ports(Box<ports::PortColumns>),
}

impl Mapper {
    fn new(kind: Kind, header: &Header, path: &Path, w: &Writer<'_>) -> Result<Mapper, String> {
        Ok(match kind {
            Kind::Gcdf => Mapper::Gcdf(Box::new(gcdf::GcdfColumns::new(header)?)),
            Kind::GcdfAdm => Mapper::Adm(Box::new(adm::AdmColumns::new(header, path)?)),
            Kind::AeiCgit => Mapper::Cgit(Box::new(cgit::CgitColumns::new(header, w)?)),
            Kind::BuCgef => Mapper::Cgef(Box::new(cgef::CgefColumns::new(header)?)),
            Kind::Ports => Mapper::Ports(Box::new(ports::PortColumns::new(header)?)),
            Kind::Geojson | Kind::Dots | Kind::Comtrade | Kind::WbIds => {
                return Err(format!("{} has its own reader", kind.as_str()));
            }
        })
    }

    fn map(&self, c: &Cells<'_>, region: Region) -> Result<Mapped, Problem> {
        let rec = match self {
            Mapper::Gcdf(m) => m.map(c, region)?,
            Mapper::Cgit(m) => m.map(c, region)?,
            Mapper::Cgef(m) => m.map(c, region)?,
            Mapper::Ports(m) => m.map(c, region)?,
            Mapper::Adm(m) => return m.map(c, region),
        };
        Ok(match rec {
            Some(r) => Mapped::Record(Box::new(r)),
            None => Mapped::OutsideRegion,
        })
    }
}
