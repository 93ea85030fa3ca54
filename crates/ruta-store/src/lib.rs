//! ruta-store: the one SQLite file that holds an observatory.
//!
//! [`Store::open`] checks a file before it writes a byte (is it SQLite? is it ruta's?
//! is its schema newer than this build?), then migrates it. [`Writer`] writes core
//! records idempotently inside one transaction; [`query`] reads projects, claims,
//! statistics and full text; [`link`] reads what the record linker proposed.
//!
//! The store knows nothing of file formats, articles, HTTP or the registry: callers
//! hand it `ruta_core` records.

mod claimrow;
pub mod debt;
mod derive;
pub mod events;
pub mod evidence;
pub mod explore;
pub mod export;
pub mod flows;
pub mod link;
pub mod problems;
pub mod query;
pub mod schema;
mod totals;
pub mod trade;
mod write;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

pub use write::{LinkChanges, LocatedProject, Outcome, StoredFlow, Writer, timestamp};

/// Everything that can go wrong opening or using the store. Messages are one line and
/// name the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("{path}: not a SQLite database ({reason}); ruta left it unchanged")]
    NotSqlite { path: PathBuf, reason: String },
    #[error("{path}: a SQLite database of another application ({what}); ruta left it unchanged")]
    Foreign { path: PathBuf, what: String },
    #[error(
        "{path}: made by a newer ruta (schema version {found}, this ruta knows up to {known}); upgrade ruta. The file was left unchanged"
    )]
    Newer {
        path: PathBuf,
        found: i32,
        known: i32,
    },
    #[error("{path}: read-only and {reason}")]
    ReadOnly { path: PathBuf, reason: String },
    #[error("{path}: another ruta process holds the write lock; gave up after waiting {seconds} s")]
    Busy { path: PathBuf, seconds: u64 },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How the caller means to use the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create and migrate as needed; fail if the file cannot be written.
    ReadWrite,
    /// Open read-write when possible; fall back to read-only for a current ruta
    /// database that cannot be written.
    PreferWrite,
    /// Never write; the file must already be a current ruta database.
    ReadOnly,
}

/// An open ruta database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    writable: bool,
}

/// What a read-only look at an existing file found.
enum Inspection {
    /// No file, an empty file, or an empty SQLite database: ruta may initialise it.
    Fresh,
    /// A ruta database at this schema version.
    Ruta(i32),
}

fn inspect(path: &Path) -> Result<Inspection> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            if let Some(dir) = parent
                && !dir.is_dir()
            {
                return Err(StoreError::Open {
                    path: path.into(),
                    reason: format!("directory {} does not exist", dir.display()),
                });
            }
            return Ok(Inspection::Fresh);
        }
        Err(e) => {
            return Err(StoreError::Open {
                path: path.into(),
                reason: e.to_string(),
            });
        }
    };
    if meta.is_dir() {
        return Err(StoreError::Open {
            path: path.into(),
            reason: "is a directory, not a database file".into(),
        });
    }
    if meta.len() == 0 {
        return Ok(Inspection::Fresh);
    }
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| StoreError::Open {
            path: path.into(),
            reason: e.to_string(),
        })?;
        let n = f.read(&mut header).map_err(|e| StoreError::Open {
            path: path.into(),
            reason: e.to_string(),
        })?;
        if n < 16 || &header != b"SQLite format 3\0" {
            return Err(StoreError::NotSqlite {
                path: path.into(),
                reason: "no SQLite header".into(),
            });
        }
    }
    let conn = open_read_only_conn(path)
        .or_else(|e| {
            // A read-only mount: SQLite cannot create the WAL index; read it immutable.
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::ReadOnly)
            ) {
                open_immutable(path)
            } else {
                Err(e)
            }
        })
        .map_err(|e| StoreError::NotSqlite {
            path: path.into(),
            reason: e.to_string(),
        })?;
    let probe = || -> rusqlite::Result<(i32, i32, Vec<String>)> {
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let ver: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let mut st = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok((app, ver, names))
    };
    let (app, ver, tables) = probe().map_err(|e| StoreError::NotSqlite {
        path: path.into(),
        reason: e.to_string(),
    })?;
    if app == schema::APPLICATION_ID {
        if ver > schema::SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: path.into(),
                found: ver,
                known: schema::SCHEMA_VERSION,
            });
        }
        return Ok(Inspection::Ruta(ver));
    }
    if app == 0 && tables.is_empty() && ver == 0 {
        return Ok(Inspection::Fresh);
    }
    let mut what = format!("application_id {app:#x}");
    if !tables.is_empty() {
        let shown: Vec<&str> = tables.iter().take(6).map(String::as_str).collect();
        what.push_str(&format!(", tables: {}", shown.join(", ")));
        if tables.len() > 6 {
            what.push_str(", …");
        }
    }
    Err(StoreError::Foreign {
        path: path.into(),
        what,
    })
}

impl Store {
    /// Opens (creating and migrating when allowed) the database at `path`.
    pub fn open(path: impl AsRef<Path>, access: Access) -> Result<Store> {
        let path = path.as_ref();
        let found = inspect(path)?;
        let current = matches!(found, Inspection::Ruta(v) if v == schema::SCHEMA_VERSION);
        if access == Access::ReadOnly {
            if !current {
                return Err(StoreError::ReadOnly {
                    path: path.into(),
                    reason: "not yet an up-to-date ruta database; run `ruta init` first".into(),
                });
            }
            return Self::open_read_only(path);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Open {
            path: path.into(),
            reason: format!("cannot open for writing: {e}"),
        })?;
        wait_for_writers(&mut conn)?;
        let read_only = conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
            || match probe_write(&conn) {
                Ok(()) => false,
                Err(e) if is_busy(&e) => return Err(busy(path)),
                Err(_) => true,
            };
        if read_only {
            drop(conn);
            if access == Access::PreferWrite && current {
                return Self::open_read_only(path);
            }
            return Err(StoreError::ReadOnly {
                path: path.into(),
                reason: "ruta needs to write to it".into(),
            });
        }
        let mut store = Store {
            conn,
            path: path.into(),
            writable: true,
        };
        store.configure()?;
        store.migrate()?;
        store.sync_gazetteer()?;
        Ok(store)
    }

    fn sync_gazetteer(&mut self) -> Result<()> {
        let mut w = self.writer()?;
        if w.sync_gazetteer()? {
            w.commit()?;
        }
        Ok(())
    }

    fn open_read_only(path: &Path) -> Result<Store> {
        let conn = match open_read_only_conn(path) {
            Ok(c) => c,
            Err(e) => {
                // On a read-only mount SQLite cannot create the WAL index (`-shm`): open
                // the file as immutable instead (no locks, no WAL; nothing can change it).
                open_immutable(path).map_err(|_| StoreError::Open {
                    path: path.into(),
                    reason: e.to_string(),
                })?
            }
        };
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(Store {
            conn,
            path: path.into(),
            writable: false,
        })
    }

    /// An in-memory database, for tests and dry runs.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
            writable: true,
        };
        store.configure()?;
        store.migrate()?;
        store.sync_gazetteer()?;
        Ok(store)
    }

    fn configure(&mut self) -> Result<()> {
        // The writer uses a few dozen distinct statements; keep them all prepared.
        self.conn.set_prepared_statement_cache_capacity(256);
        if self.path != Path::new(":memory:") {
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Open {
                    path: self.path.clone(),
                    reason: format!("could not switch to WAL journal mode (got {mode})"),
                });
            }
        }
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        wait_for_writers(&mut self.conn)?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let ver: i32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if ver >= schema::SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| {
                if is_busy(&e) {
                    busy(&self.path)
                } else {
                    StoreError::Sql(e)
                }
            })?;
        for m in &schema::MIGRATIONS[ver as usize..] {
            tx.execute_batch(m)?;
        }
        tx.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = {};",
            schema::APPLICATION_ID,
            schema::SCHEMA_VERSION
        ))?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('created_by', ?1) ON CONFLICT(key) DO NOTHING",
            [concat!("ruta ", env!("CARGO_PKG_VERSION"))],
        )?;
        let mut w = Writer::new(tx)?;
        if (1..4).contains(&ver) {
            w.flows_from_schema_3()?;
        }
        if ver < 9 {
            // Migrations 7 and 9 add precomputed totals and organization counts: filled
            // from what is stored, in this transaction.
            w.totals_dirty = true;
        }
        w.commit()?;
        Ok(())
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether writes are possible.
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// The underlying connection, for read queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Starts a write transaction. Nothing is visible to others until `Writer::commit`;
    /// dropping the writer rolls everything back. The write lock is taken at once
    /// (`BEGIN IMMEDIATE`): while another process holds it, this waits (see
    /// [`set_write_wait`]) and then fails with [`StoreError::Busy`].
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        if !self.writable {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
                reason: "this command needs to write to it".into(),
            });
        }
        // Large imports touch many pages; a bigger page cache keeps dirty pages from
        // spilling to the WAL mid-transaction (bounded: 256 MiB).
        self.conn
            .execute_batch("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| {
                if is_busy(&e) {
                    busy(&self.path)
                } else {
                    StoreError::Sql(e)
                }
            })?;
        Writer::new(tx)
    }
}

/// How long a writer waits for another process's write lock, in milliseconds.
static WRITE_WAIT_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(60_000);

/// How long a writer waits for another process to release the write lock before
/// [`StoreError::Busy`] (default 60 s; process-wide).
pub fn set_write_wait(d: std::time::Duration) {
    WRITE_WAIT_MS.store(
        d.as_millis().min(u128::from(u64::MAX)) as u64,
        std::sync::atomic::Ordering::Relaxed,
    );
}

fn write_wait() -> std::time::Duration {
    std::time::Duration::from_millis(WRITE_WAIT_MS.load(std::sync::atomic::Ordering::Relaxed))
}

thread_local! {
    /// When the current wait for a lock started, and whether it has been announced.
    static WAITING: std::cell::Cell<(Option<std::time::Instant>, bool)> =
        const { std::cell::Cell::new((None, false)) };
}

/// SQLite's busy handler: sleep and retry until the wait is over, saying once on stderr
/// that another process holds the write lock.
fn busy_handler(attempt: i32) -> bool {
    let now = std::time::Instant::now();
    let (started, announced) = WAITING.with(|w| {
        let (s, a) = w.get();
        let s = if attempt == 0 { None } else { s };
        let s = s.unwrap_or(now);
        let a = attempt != 0 && a;
        w.set((Some(s), a));
        (s, a)
    });
    let waited = now.duration_since(started);
    let limit = write_wait();
    if waited >= limit {
        return false;
    }
    if !announced && waited >= std::time::Duration::from_millis(500) {
        eprintln!(
            "ruta: another ruta process holds the write lock on the database; waiting (up to {} s) …",
            limit.as_secs()
        );
        WAITING.with(|w| w.set((Some(started), true)));
    }
    let step = std::time::Duration::from_millis(if attempt < 10 { 5 } else { 50 });
    std::thread::sleep(step.min(limit.saturating_sub(waited)));
    true
}

fn wait_for_writers(conn: &mut Connection) -> Result<()> {
    conn.busy_handler(Some(busy_handler))?;
    Ok(())
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn busy(path: &Path) -> StoreError {
    StoreError::Busy {
        path: path.into(),
        seconds: write_wait().as_secs(),
    }
}

fn open_read_only_conn(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Opening is lazy: a WAL database whose `-shm` cannot be created fails on first read.
    conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// A read-only connection that takes no locks and ignores any WAL: for files on a
/// read-only mount.
pub fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

fn probe_write(conn: &Connection) -> rusqlite::Result<()> {
    // BEGIN IMMEDIATE takes the write lock without changing the file; it fails on a
    // file the process may not write.
    conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
}

/// Now, as an ISO 8601 UTC timestamp.
pub(crate) fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = ruta_core::text::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}
