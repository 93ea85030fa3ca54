//! A response cache for `GET /api/*`. The API only reads, so the same URL gives the same
//! answer until the database file changes; the cache is keyed by URL and stamped with
//! the database's state (size and modification time of the file and its WAL), checked
//! on every request, so an import by this server or by another process empties it.
//! Only successful answers are kept (an unknown parameter is a 400, so junk never becomes
//! a key); exports are streamed and never kept. Bounded by entries and bytes: past
//! [`MAX_ENTRIES`] entries or [`MAX_BYTES`] of keys and bodies it starts over.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

pub const MAX_BYTES: usize = 64 << 20;
pub const MAX_ENTRIES: usize = 4096;
const MAX_BODY: usize = 8 << 20;

type Stamp = [(u64, Option<SystemTime>); 2];

struct Entry {
    headers: HeaderMap,
    body: Bytes,
}

pub struct Cache {
    db: PathBuf,
    wal: PathBuf,
    inner: RwLock<Inner>,
}

struct Inner {
    stamp: Option<Stamp>,
    bytes: usize,
    entries: HashMap<String, Arc<Entry>>,
}

fn file_stamp(p: &Path) -> (u64, Option<SystemTime>) {
    match std::fs::metadata(p) {
        Ok(m) => (m.len(), m.modified().ok()),
        Err(_) => (0, None),
    }
}

impl Cache {
    pub fn new(db: &Path) -> Cache {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        Cache {
            db: db.to_path_buf(),
            wal: PathBuf::from(wal),
            inner: RwLock::new(Inner {
                stamp: None,
                bytes: 0,
                entries: HashMap::new(),
            }),
        }
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .entries
            .len()
    }

    fn stamp(&self) -> Stamp {
        [file_stamp(&self.db), file_stamp(&self.wal)]
    }

    fn get(&self, key: &str, stamp: &Stamp) -> Option<Arc<Entry>> {
        let g = self.inner.read().unwrap_or_else(|p| p.into_inner());
        if g.stamp.as_ref() != Some(stamp) {
            return None;
        }
        g.entries.get(key).cloned()
    }

    fn put(&self, key: String, stamp: Stamp, e: Entry) {
        let mut g = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let size = e.body.len() + key.len();
        if g.stamp != Some(stamp) || g.bytes + size > MAX_BYTES || g.entries.len() >= MAX_ENTRIES {
            g.entries.clear();
            g.bytes = 0;
            g.stamp = Some(stamp);
        }
        if let Some(old) = g.entries.insert(key, Arc::new(e)) {
            g.bytes = g.bytes.saturating_sub(old.body.len());
        }
        g.bytes += size;
    }
}

fn respond(e: &Entry, hit: bool) -> Response {
    let mut r = Response::new(Body::from(e.body.clone()));
    *r.headers_mut() = e.headers.clone();
    r.headers_mut().insert(
        "x-ruta-cache",
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    r
}

/// The middleware.
pub async fn layer(State(cache): State<Option<Arc<Cache>>>, req: Request, next: Next) -> Response {
    let Some(cache) = cache else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    if req.method() != axum::http::Method::GET
        || !path.starts_with("/api/")
        || path.ends_with(".csv")
        || path.ends_with(".geojson")
        || path.ends_with(".zip")
    {
        return next.run(req).await;
    }
    let key = req.uri().to_string();
    let stamp = cache.stamp();
    if let Some(e) = cache.get(&key, &stamp) {
        return respond(&e, true);
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        // Too large to keep: the handler's work is lost, so say so rather than guess.
        Err(_) => {
            return crate::ApiError::internal("response too large to buffer", "cache")
                .into_response();
        }
    };
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    let e = Entry { headers, body };
    let r = respond(&e, false);
    cache.put(key, stamp, e);
    r
}
