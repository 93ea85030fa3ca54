//! ruta-server: the JSON API and the dashboard, from one binary.
//!
//! [`router`] builds the axum application over an [`AppState`] (a pool of read-only
//! connections); [`serve`] binds it. Every API error is JSON `{"error", "detail"}`
//! with 400 for bad parameters and 404 for unknown ids; the OpenAPI document at
//! `/api/openapi.json` is generated from the handlers. Write endpoints (`POST
//! /api/import`) exist only when an admin token is configured.

mod api;
mod cache;
mod debt;
mod error;
mod params;
mod pool;
mod trade;
mod web;

pub use error::ApiError;
pub use pool::Pool;

use axum::Router;
use axum::http::{HeaderValue, header};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

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
    cache: Option<Arc<cache::Cache>>,
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
    Ok(Arc::new(AppState {
        pool: Pool::open(&cfg.db, size)?,
        db: cfg.db.clone(),
        admin_token: cfg.admin_token.clone(),
        cache: cfg.cache.then(|| Arc::new(cache::Cache::new(&cfg.db))),
    }))
}

/// The whole application: API, OpenAPI document and dashboard.
pub fn router(state: Arc<AppState>) -> Router {
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
    let cache = state.cache.clone();
    Router::new()
        .merge(
            api::routes(state.clone())
                .layer(axum::middleware::from_fn_with_state(cache, cache::layer)),
        )
        .merge(web::routes())
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

/// Serves until the process is stopped.
pub async fn serve(cfg: Config) -> Result<(), ServeError> {
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
    axum::serve(listener, router(st))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
