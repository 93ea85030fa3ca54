//! A small pool of read-only SQLite connections, with two bounds: a request waits at most
//! [`PoolLimits::wait`] for a free connection (then 503 with `Retry-After`), and a query
//! runs at most [`PoolLimits::deadline`] (a watchdog thread interrupts it through
//! SQLite's interrupt handle, and the request gets a 503). Handlers run queries in place; on a multi-threaded runtime
//! the worker thread is marked as blocking meanwhile.

use crate::ApiError;
use ruta_store::{Access, Store, StoreError};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long requests may wait and run.
#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    /// Longest wait for a free connection.
    pub wait: Duration,
    /// Longest run of one query (statement) before SQLite interrupts it.
    pub deadline: Duration,
}

impl Default for PoolLimits {
    fn default() -> PoolLimits {
        PoolLimits {
            wait: Duration::from_secs(2),
            deadline: Duration::from_secs(3),
        }
    }
}

struct Slot {
    store: Store,
}

/// What the watchdog sees of a slot: when its running query must stop (milliseconds since
/// the pool's epoch, 0 when idle) and how to stop it.
struct Watch {
    deadline: AtomicU64,
    interrupt: rusqlite::InterruptHandle,
}

pub struct Pool {
    slots: Vec<Mutex<Slot>>,
    watches: Arc<Vec<Watch>>,
    free: Mutex<Vec<usize>>,
    freed: Condvar,
    epoch: Instant,
    limits: PoolLimits,
}

/// Puts a slot back on the free list, also when the query panicked.
struct Lease<'a> {
    pool: &'a Pool,
    index: usize,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut free = self.pool.free.lock().unwrap_or_else(|p| p.into_inner());
        free.push(self.index);
        self.pool.freed.notify_one();
    }
}

/// Page cache of each pooled read connection, KiB (the pool's four: 128 MiB at most).
pub const READ_CACHE_KIB: u32 = 32 * 1024;

impl Pool {
    /// Opens `size` read-only connections to the database at `path`.
    pub fn open(path: &Path, size: usize, limits: PoolLimits) -> Result<Pool, StoreError> {
        let epoch = Instant::now();
        let mut slots = Vec::new();
        let mut watches = Vec::new();
        for _ in 0..size.max(1) {
            let store = Store::open(path, Access::ReadOnly)?;
            // SQLite's default page cache (2 MiB) made a country page re-read most of
            // its pages from the OS on every request (two thirds of its time in pread at
            // 200,000 projects); READ_CACHE_KIB per connection keeps them.
            store
                .conn()
                .execute_batch(&format!("PRAGMA cache_size = -{READ_CACHE_KIB}"))?;
            watches.push(Watch {
                deadline: AtomicU64::new(0),
                interrupt: store.conn().get_interrupt_handle(),
            });
            slots.push(Mutex::new(Slot { store }));
        }
        let watches = Arc::new(watches);
        let weak = Arc::downgrade(&watches);
        std::thread::Builder::new()
            .name("ruta-query-deadline".into())
            .spawn(move || {
                while let Some(w) = weak.upgrade() {
                    let now = epoch.elapsed().as_millis() as u64;
                    for watch in w.iter() {
                        let at = watch.deadline.load(Ordering::Acquire);
                        if at != 0
                            && now >= at
                            && watch
                                .deadline
                                .compare_exchange(at, 0, Ordering::AcqRel, Ordering::Acquire)
                                .is_ok()
                        {
                            watch.interrupt.interrupt();
                        }
                    }
                    drop(w);
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
            .map_err(|e| StoreError::Invalid(format!("cannot start the query watchdog: {e}")))?;
        let free = (0..slots.len()).rev().collect();
        Ok(Pool {
            slots,
            watches,
            free: Mutex::new(free),
            freed: Condvar::new(),
            epoch,
            limits,
        })
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Runs `f` with a free connection, waiting a bounded time for one.
    pub fn with<T, E: Into<ApiError>>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, ApiError> {
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| self.with_now(f))
            }
            _ => self.with_now(f),
        }
    }

    fn lease(&self) -> Result<Lease<'_>, ApiError> {
        let until = Instant::now() + self.limits.wait;
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(index) = free.pop() {
                return Ok(Lease { pool: self, index });
            }
            let now = Instant::now();
            if now >= until {
                return Err(ApiError::busy(
                    "busy",
                    "every database connection is busy; try again shortly",
                    1,
                ));
            }
            free = self
                .freed
                .wait_timeout(free, until - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn with_now<T, E: Into<ApiError>>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, ApiError> {
        let lease = self.lease()?;
        let slot = self.slots[lease.index]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let watch = &self.watches[lease.index];
        let at = self.epoch.elapsed() + self.limits.deadline;
        watch
            .deadline
            .store((at.as_millis() as u64).max(1), Ordering::Release);
        // One read transaction per request: every query of a page sees the same state,
        // and SQLite takes its read lock once instead of once per statement (pages that
        // run a query per row spent most of their time locking).
        let conn = slot.store.conn();
        let began = conn.is_autocommit() && conn.execute_batch("BEGIN").is_ok();
        let r = f(&slot.store);
        if began && !conn.is_autocommit() {
            let _ = conn.execute_batch("COMMIT");
        }
        watch.deadline.store(0, Ordering::Release);
        drop(slot);
        drop(lease);
        r.map_err(Into::into)
    }
}
