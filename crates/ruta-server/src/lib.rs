//! ruta-server: the JSON API and the dashboard, from one binary.
//!
//! [`router`] builds the axum application over an [`AppState`] (a pool of read-only
//! connections); [`serve`] binds it. Every API error is JSON `{"error", "detail"}`
//! with 400 for bad parameters and 404 for unknown ids; the OpenAPI document at
//! `/api/openapi.json` is generated from the handlers. Write endpoints (`POST
//! /api/import`) exist only when an admin token is configured.
//!
//! Every path is bounded ([`Limits`]): a wait for a pooled connection and a deadline per
//! query (503 with `Retry-After`), at most a few exports at once (streamed), an upload
//! size, and timeouts for request headers and bodies.

mod api;
mod cache;
mod debt;
mod error;
mod package;
mod params;
mod pool;
mod trade;
mod web;

pub use error::ApiError;
pub use pool::{Pool, PoolLimits};

use axum::Router;
use axum::http::{HeaderValue, header};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

/// The bounds of every request path.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub pool: PoolLimits,
    /// Exports (CSV, GeoJSON) running at once; more are answered 503.
    pub exports: usize,
    /// Largest upload to `POST /api/import`.
    pub upload_bytes: u64,
    /// Time to send the request line and headers (slow clients are cut off).
    pub header_timeout: Duration,
    /// Time to send a request body.
    pub body_timeout: Duration,
    /// How long an import waits for another process's write lock before a 503.
    pub write_wait: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            pool: PoolLimits::default(),
            exports: 2,
            upload_bytes: 512 << 20,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(120),
            write_wait: Duration::from_secs(15),
        }
    }
}

/// What `ruta serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub db: PathBuf,
    /// Open the database read-only (it must exist); no registry loading, no writes.
    pub read_only: bool,
    /// Bearer token that enables `POST /api/import`.
    pub admin_token: Option<String>,
    /// Keep API responses until the database changes (on by default).
    pub cache: bool,
    pub limits: Limits,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] ruta_store::StoreError),
    #[error(transparent)]
    Registry(#[from] ruta_ingest::registry::RegistryLoadError),
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Shared by every request.
pub struct AppState {
    pub pool: Pool,
    pub db: PathBuf,
    pub admin_token: Option<String>,
    pub limits: Limits,
    cache: Option<Arc<cache::Cache>>,
    exports: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Responses the cache holds now (0 without a cache).
    pub fn cached_entries(&self) -> usize {
        self.cache.as_ref().map_or(0, |c| c.len())
    }
}

/// Opens the database for serving: creates it and loads the registry on first use
/// unless `read_only`; then a pool of read-only connections.
pub fn state(cfg: &Config) -> Result<Arc<AppState>, ServeError> {
    if cfg.read_only && cfg.admin_token.is_some() {
        return Err(ServeError::Config(
            "--read-only and --admin-token-file exclude each other: a read-only server has no write endpoints".into(),
        ));
    }
    if cfg.read_only {
        if !cfg.db.exists() {
            return Err(ServeError::Config(format!(
                "{}: no such database (--read-only serves an existing one)",
                cfg.db.display()
            )));
        }
    } else {
        let mut store = ruta_store::Store::open(&cfg.db, ruta_store::Access::PreferWrite)?;
        ruta_ingest::registry::ensure_loaded(&mut store)?;
    }
    let size = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(2)
        * 2;
    if cfg.admin_token.is_some() {
        ruta_store::set_write_wait(cfg.limits.write_wait);
    }
    Ok(Arc::new(AppState {
        pool: Pool::open(&cfg.db, size, cfg.limits.pool)?,
        db: cfg.db.clone(),
        admin_token: cfg.admin_token.clone(),
        limits: cfg.limits,
        cache: cfg.cache.then(|| Arc::new(cache::Cache::new(&cfg.db))),
        exports: Arc::new(tokio::sync::Semaphore::new(cfg.limits.exports.max(1))),
    }))
}

/// The whole application: API, OpenAPI document and dashboard.
pub fn router(state: Arc<AppState>) -> Router {
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
    let cache = state.cache.clone();
    let body_timeout = state.limits.body_timeout;
    Router::new()
        .merge(
            api::routes(state.clone())
                .layer(axum::middleware::from_fn_with_state(cache, cache::layer)),
        )
        .merge(web::routes())
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            body_timeout,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
}

/// Most glibc malloc arenas the server's threads share. glibc gives each thread that
/// allocates concurrently an arena of its own (up to 8 per core) and keeps what is freed
/// in it; a request that builds tens of megabytes (a country's debt schedules, problem
/// rates over 200,000 projects) left its memory in whichever arena it ran on, so the
/// resident size grew with the number of worker threads (478 MB against 182 MB with two
/// arenas, same requests; BENCHMARKS.md). Other allocators are left alone.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
const MALLOC_ARENAS: i32 = 2;

fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a glibc tuning parameter; it is called before the
    // server's threads allocate, and a refusal (return value 0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
}

/// Serves until the process is stopped.
pub async fn serve(cfg: Config) -> Result<(), ServeError> {
    limit_malloc_arenas();
    let st = state(&cfg)?;
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: cfg.addr,
            source,
        })?;
    let local = listener.local_addr()?;
    eprintln!(
        "ruta: serving {} at http://{local}/ ({}{})",
        cfg.db.display(),
        if cfg.read_only {
            "read-only"
        } else {
            "read-only API"
        },
        if cfg.admin_token.is_some() {
            "; POST /api/import with the admin token"
        } else {
            ""
        }
    );
    let header_timeout = cfg.limits.header_timeout;
    serve_bounded(listener, router(st), header_timeout, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

/// Serves `app` on `listener` until `shutdown`, cutting off connections that take longer
/// than `header_timeout` to send a request's headers (slow-loris clients).
pub async fn serve_bounded(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    let mut shutdown = std::pin::pin!(shutdown);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, _) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let svc = TowerToHyperService::new(app.clone());
        let mut b = Builder::new(TokioExecutor::new());
        b.http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        b.http2().timer(TokioTimer::new());
        let conn = b.serve_connection_with_upgrades(TokioIo::new(stream), svc);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}
