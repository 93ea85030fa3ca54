//! A small pool of read-only SQLite connections. Queries take well under a millisecond,
//! so handlers run them in place; the pool only keeps connections from being shared.

use ruta_store::{Access, Store, StoreError};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Pool {
    conns: Vec<Mutex<Store>>,
    next: AtomicUsize,
}

impl Pool {
    /// Opens `size` read-only connections to the database at `path`.
    pub fn open(path: &Path, size: usize) -> Result<Pool, StoreError> {
        let conns = (0..size.max(1))
            .map(|_| Store::open(path, Access::ReadOnly).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pool {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `f` with a free connection (waiting for one when all are busy). On a
    /// multi-threaded runtime the worker thread is marked as blocking meanwhile, so a slow
    /// query does not hold up other requests.
    pub fn with<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| self.with_now(f))
            }
            _ => self.with_now(f),
        }
    }

    fn with_now<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for i in 0..n {
            if let Ok(g) = self.conns[(start + i) % n].try_lock() {
                return f(&g);
            }
        }
        let g = self.conns[start].lock().unwrap_or_else(|p| p.into_inner());
        f(&g)
    }
}
