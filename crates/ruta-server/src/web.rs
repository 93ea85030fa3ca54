//! The dashboard: one HTML page, its script and style (written here, in `web/src`), and
//! two npm packages bundled at build time — Natural Earth country boundaries at 1:50m
//! (`world-atlas`, so the small Caribbean states appear) and the TopoJSON decoder
//! (`topojson-client`). No CDN, no tile server: it works with no network.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const INDEX: &str = include_str!(concat!(env!("RUTA_WEB_SRC"), "/index.html"));
const APP: &str = include_str!(concat!(env!("RUTA_WEB_SRC"), "/app.js"));
const CHARTS: &str = include_str!(concat!(env!("RUTA_WEB_SRC"), "/charts.js"));
const TRADE: &str = include_str!(concat!(env!("RUTA_WEB_SRC"), "/trade.js"));
const DEBT: &str = include_str!(concat!(env!("RUTA_WEB_SRC"), "/debt.js"));
const STYLE: &str = include_str!(concat!(env!("RUTA_WEB_SRC"), "/style.css"));
const ATLAS: &[u8] = include_bytes!(concat!(
    env!("RUTA_WEB_MODULES"),
    "/node_modules/world-atlas/countries-50m.json"
));
const TOPOJSON: &str = include_str!(concat!(
    env!("RUTA_WEB_MODULES"),
    "/node_modules/topojson-client/dist/topojson-client.min.js"
));

fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub fn routes() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX.as_bytes()) }),
        )
        .route(
            "/index.html",
            get(|| async { asset("text/html; charset=utf-8", INDEX.as_bytes()) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP.as_bytes()) }),
        )
        .route(
            "/assets/charts.js",
            get(|| async { asset("text/javascript; charset=utf-8", CHARTS.as_bytes()) }),
        )
        .route(
            "/assets/trade.js",
            get(|| async { asset("text/javascript; charset=utf-8", TRADE.as_bytes()) }),
        )
        .route(
            "/assets/debt.js",
            get(|| async { asset("text/javascript; charset=utf-8", DEBT.as_bytes()) }),
        )
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE.as_bytes()) }),
        )
        .route(
            "/assets/countries-50m.json",
            get(|| async { asset("application/json", ATLAS) }),
        )
        .route(
            "/assets/topojson-client.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", TOPOJSON.as_bytes()) }),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "not found; the dashboard is at /\n",
            )
        })
}
