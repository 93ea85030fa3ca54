//! ruta-ingest: importers for the files users hold, as they hold them: AidData's
//! generations (GCOF 1.0 to CLG 1.0) and How China Lends, AEI's workbooks, BU, ports,
//! trade and debt tables, in CSV files of any dialect ([`dialect`]) or XLSX workbooks.
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
pub mod dialect;
pub mod dots;
pub mod gcdf;
pub mod geojson;
pub mod hcl;
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

pub use dialect::{DateOrder, Dialect, DialectOptions, Encoding};
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
    /// AidData How China Lends (loan contracts): terms and clauses as claims on the
    /// loans stored from GCDF (`gcdf-<record id>`).
    AiddataHcl,
}

impl Kind {
    pub const NAMES: &'static [&'static str] = &[
        "gcdf",
        "gcdf-adm",
        "geojson",
        "aei-cgit",
        "bu-cgef",
        "dots",
        "comtrade",
        "ports",
        "wb-ids",
        "aiddata-hcl",
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
            "aiddata-hcl" => Kind::AiddataHcl,
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
            Kind::AiddataHcl => "aiddata-hcl",
        }
    }

    /// The date order a CSV column follows when its own dates do not decide it (see
    /// [`dialect`]), and whose convention that is: AidData's tables write MM/DD/YYYY
    /// (their headers say so); the other layouts ruta reads state years, months or ISO
    /// dates, and month-first is kept for them too.
    pub fn default_date_order(self) -> (DateOrder, &'static str) {
        match self {
            Kind::Gcdf | Kind::GcdfAdm | Kind::Geojson | Kind::AiddataHcl => (
                DateOrder::Mdy,
                "AidData's documented MM/DD/YYYY, month-first",
            ),
            _ => (
                DateOrder::Mdy,
                "no documented order for this dataset: month-first",
            ),
        }
    }

    /// Cell texts meaning "no value" in this kind's tables.
    pub fn missing_markers(self) -> &'static [&'static str] {
        match self {
            Kind::Gcdf | Kind::GcdfAdm | Kind::AiddataHcl => table::AIDDATA_MISSING,
            _ => &[],
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
    /// The first bad row (or bad optional value) aborts the file.
    pub strict: bool,
    pub region: Region,
    /// Link the file's records to the stored flows before committing (`ruta import
    /// --no-link` leaves it to a later `ruta link`).
    pub link: bool,
    /// Encoding, delimiter and date order to use instead of detecting them (CSV).
    pub dialect: DialectOptions,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dry_run: false,
            strict: false,
            region: Region::Lac,
            link: true,
            dialect: DialectOptions::default(),
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
    /// Bad values of optional fields: reported, the field left empty, the record kept
    /// (the first [`MAX_EMPTIED_LISTED`]; `emptied_total` counts them all).
    pub emptied: Vec<Problem>,
    pub emptied_total: u64,
    /// How a CSV file was read (encoding, separators, date orders) and why.
    pub dialect: Option<Dialect>,
    /// Per table (a workbook's sheets; one entry for a single-table file) where the
    /// importer reads several, what each gave.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableReport>,
    /// Lines of the file's own (importer-specific) account: matches made, records left
    /// out and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The file failed because another process held the database's write lock for
    /// longer than the store waits (try again later).
    #[serde(skip)]
    pub write_locked: bool,
    /// What linking the file's records to the stored flows did.
    pub link: Option<link::LinkSummary>,
}

/// Most values left empty a report lists (the rest are counted).
pub const MAX_EMPTIED_LISTED: usize = 10_000;

impl FileReport {
    /// Records bad optional values left empty, listing the first ones.
    pub fn add_emptied(&mut self, emptied: Vec<Problem>) {
        self.emptied_total += emptied.len() as u64;
        let room = MAX_EMPTIED_LISTED.saturating_sub(self.emptied.len());
        self.emptied.extend(emptied.into_iter().take(room));
    }

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
        if self.emptied_total > 0 {
            s.push_str(&format!(
                ", {} bad optional values left empty",
                self.emptied_total
            ));
        }
        if let Some(d) = &self.dialect {
            for n in d.notes() {
                s.push_str(&format!(", {n}"));
            }
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

/// What one table (a workbook sheet, or a file of one table) of a file gave.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TableReport {
    /// The sheet's name, or the file's for a CSV.
    pub name: String,
    /// What the table is (AEI: `investments`, `construction`, `troubled`, `combined`).
    pub role: String,
    /// The 1-based row or line of its header.
    pub header_line: u64,
    pub rows_read: u64,
    /// Records written from it (imported, updated or unchanged).
    pub records: u64,
    pub outside_region: u64,
    pub not_kept: u64,
    pub skipped: u64,
    /// Records per flow kind (`equity`, `m_and_a`, `construction_contract` …) and, for
    /// AEI's troubled transactions, `onto_flow` (rows whose event and status went onto a
    /// flow of the same file; not records) and `own_record`.
    pub kinds: std::collections::BTreeMap<String, u64>,
}

impl TableReport {
    /// One line: "Dataset 2 (construction, header on row 6): 1891 rows, 148 records
    /// (construction_contract 148), 1743 outside the region".
    pub fn summary(&self) -> String {
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .filter(|(k, _)| *k != "onto_flow")
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let mut s = format!(
            "{} ({}, header on row {}): {} rows, {} records",
            self.name, self.role, self.header_line, self.rows_read, self.records
        );
        if !kinds.is_empty() {
            s.push_str(&format!(" ({})", kinds.join(", ")));
        }
        if let Some(n) = self.kinds.get("onto_flow") {
            s.push_str(&format!(", {n} onto the flow they concern"));
        }
        if self.outside_region > 0 {
            s.push_str(&format!(", {} outside the region", self.outside_region));
        }
        if self.not_kept > 0 {
            s.push_str(&format!(", {} not kept", self.not_kept));
        }
        if self.skipped > 0 {
            s.push_str(&format!(", {} skipped", self.skipped));
        }
        s
    }
}

/// Progress callbacks (a terminal progress bar, or nothing).
pub trait Progress {
    fn start(&self, _file: &Path, _total: u64) {}
    fn update(&self, _done: u64) {}
    /// The file is read; what runs now has no byte count ("linking", "committing").
    fn phase(&self, _what: &str) {}
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
    /// Read and deliberately not kept, with why (a subtotal row written into a table).
    NotKept(String),
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
            Kind::AeiCgit => cgit::import(&mut w, path, opts, &mut report, progress)?,
            Kind::AiddataHcl => hcl::import(&mut w, path, opts, &mut report)?,
            _ => import_rows(&mut w, kind, path, opts, &mut report, progress)?,
        };
        if ok && !opts.dry_run {
            if opts.link {
                progress.phase("linking");
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
            progress.phase("committing (rebuilding totals)");
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

/// Writes what the mappers produce, one row at a time: records (each id once per
/// file), rows outside the region or not kept, problems and values left empty.
#[derive(Default)]
pub(crate) struct Sink {
    seen: std::collections::HashMap<u64, u64>,
}

impl Sink {
    /// Takes one mapped row. Returns true when the file must be aborted (strict mode).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn take(
        &mut self,
        w: &mut Writer<'_>,
        path: &Path,
        opts: &Options,
        report: &mut FileReport,
        line: u64,
        mapped: Result<Mapped, Problem>,
        emptied: Vec<Problem>,
        hash: Option<String>,
    ) -> Result<bool, ImportError> {
        report.rows_read += 1;
        if !emptied.is_empty() {
            if opts.strict {
                report.skipped += 1;
                report.problems.extend(emptied);
                return Ok(true);
            }
            report.add_emptied(emptied);
        }
        let problem = match mapped {
            Ok(Mapped::OutsideRegion) => {
                report.outside_region += 1;
                None
            }
            Ok(Mapped::NotKept(_)) => {
                report.not_kept += 1;
                None
            }
            Ok(Mapped::Deferred) => None,
            Ok(Mapped::Record(rec)) => {
                if let Some(first) = self
                    .seen
                    .insert(ruta_core::hash::fnv1a(rec.project.id.as_bytes()), line)
                {
                    Some(Problem {
                        file: path.display().to_string(),
                        line,
                        column: None,
                        value: None,
                        reason: format!(
                            "duplicate record {} (first on line {first})",
                            rec.project.id
                        ),
                    })
                } else {
                    let hash = hash.unwrap_or_else(|| rec.fingerprint());
                    let o = w
                        .write_record_hashed(&rec, &hash)
                        .map_err(ImportError::Store)?;
                    count(report, o);
                    None
                }
            }
            Err(problem) => Some(problem),
        };
        Ok(match problem {
            Some(p) => bad_row(report, p, opts),
            None => false,
        })
    }
}

/// Finds the header row by its content (it may follow banner lines): the first of the
/// first 50 non-empty rows that `is_header` accepts, else the first non-empty row (whose
/// columns the mapper then refuses by name).
pub(crate) fn find_header(
    rows: &mut Rows,
    path: &Path,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<(input::Row, Vec<input::Row>), ImportError> {
    let mut before = Vec::new();
    while let Some(r) = rows.next_row()? {
        if r.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if is_header(&r.cells) {
            return Ok((r, before));
        }
        before.push(r);
        if before.len() >= 50 {
            break;
        }
    }
    match before.into_iter().next() {
        Some(first) => Ok((first, Vec::new())),
        None => Err(FileError::new(path, "no header row found").into()),
    }
}

/// Names the dialect's date columns after the header.
pub(crate) fn name_date_columns(d: &mut Dialect, header: &Header) {
    for c in &mut d.dates {
        if let Some(n) = header.names.get(c.column).filter(|n| !n.is_empty()) {
            c.name = n.clone();
        }
    }
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
    let sheet = match kind {
        Kind::Gcdf if input::sniff(path)? == input::Sniffed::Zip => Some(gcdf::choose_sheet(path)?),
        _ => None,
    };
    let (date_order, date_words) = kind.default_date_order();
    let (mut rows, dialect) = Rows::open_with(
        path,
        sheet.as_deref(),
        &opts.dialect,
        date_order,
        date_words,
    )?;
    let sheet = sheet.as_deref();
    // The header: the first row, or the first row that looks like one after banner lines.
    let (header_row, _) = find_header(&mut rows, path, |cells| match kind {
        Kind::Gcdf => gcdf::is_header(cells),
        _ => true,
    })?;
    let header = Header::new(&header_row.cells);
    if let Some(mut d) = dialect {
        name_date_columns(&mut d, &header);
        report.dialect = Some(d);
    }
    rows.set_width(header.len());
    let mapper = Mapper::new(kind, &header, path).map_err(|r| FileError::new(path, r))?;
    let missing = kind.missing_markers();
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
                            emptied: Vec::new(),
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
                let cells = Cells::new(&row, header, path, sheet).with_missing(missing);
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
                    emptied: cells.emptied.take(),
                    hash,
                };
                if tx.send(Ok(parsed)).is_err() {
                    break;
                }
            }
            (rows, mapper)
        });
        let mut sink = Sink::default();
        let mut aborted = false;
        for msg in rx.iter() {
            let p = msg?;
            if (report.rows_read + 1).is_multiple_of(4096) {
                progress.update(p.position);
            }
            if sink.take(w, path, opts, report, p.line, p.mapped, p.emptied, p.hash)? {
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
    emptied: Vec<Problem>,
    hash: Option<String>,
}

/// The mapper of each row-oriented kind.
enum Mapper {
    Gcdf(Box<gcdf::GcdfColumns>),
    Adm(Box<adm::AdmColumns>),
    Cgef(Box<cgef::CgefColumns>),
    Ports(Box<ports::PortColumns>),
}

impl Mapper {
    fn new(kind: Kind, header: &Header, path: &Path) -> Result<Mapper, String> {
        Ok(match kind {
            Kind::Gcdf => Mapper::Gcdf(Box::new(gcdf::GcdfColumns::new(header)?)),
            Kind::GcdfAdm => Mapper::Adm(Box::new(adm::AdmColumns::new(header, path)?)),
            Kind::BuCgef => Mapper::Cgef(Box::new(cgef::CgefColumns::new(header)?)),
            Kind::Ports => Mapper::Ports(Box::new(ports::PortColumns::new(header)?)),
            Kind::Geojson
            | Kind::Dots
            | Kind::Comtrade
            | Kind::WbIds
            | Kind::AeiCgit
            | Kind::AiddataHcl => {
                return Err(format!("{} has its own reader", kind.as_str()));
            }
        })
    }

    fn map(&self, c: &Cells<'_>, region: Region) -> Result<Mapped, Problem> {
        let rec = match self {
            Mapper::Gcdf(m) => return m.map_row(c, region),
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
