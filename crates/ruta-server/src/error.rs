//! API errors: JSON `{"error": code, "detail": message}` with the right status. Store
//! errors never show their SQL or SQLite text: a 500 says "database error" and the log
//! has the rest; a query past its deadline or a full pool is a 503 with `Retry-After`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code: bad_parameter, not_found, method_not_allowed, unauthorized,
    /// bad_request, payload_too_large, conflict, busy, timeout, internal.
    pub error: String,
    /// What was wrong, for people.
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds for a `Retry-After` header (503/429).
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                detail: detail.into(),
            },
            retry_after: None,
        }
    }
    /// 400 for a query parameter.
    pub fn param(name: &str, detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_parameter",
            format!("{name}: {detail}"),
        )
    }
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }
    /// 503 with `Retry-After`: the server is shedding load.
    pub fn busy(error: &str, detail: impl Into<String>, retry_after: u32) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error, detail)
        }
    }
    /// A 500 whose cause is logged, not shown.
    pub fn internal(what: &str, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!("{what}: {cause}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", what)
    }
}

/// Whether a store error is SQLite giving up on a query interrupted at its deadline.
fn interrupted(e: &ruta_store::StoreError) -> bool {
    matches!(e, ruta_store::StoreError::Sql(s)
        if s.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted))
}

impl From<ruta_store::StoreError> for ApiError {
    fn from(e: ruta_store::StoreError) -> ApiError {
        match &e {
            ruta_store::StoreError::Busy { .. } => ApiError::busy(
                "busy",
                "another process holds the database's write lock; try again later",
                5,
            ),
            _ if interrupted(&e) => ApiError::busy(
                "timeout",
                "the query took longer than the server allows; narrow it down",
                1,
            ),
            _ => ApiError::internal("database error", e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}

/// A handler that panicked: still JSON, still a clear message.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed on this request",
    )
    .into_response()
}

/// Middleware for `/api`: an error response that is not JSON (a 404, 405, 408 or 413
/// produced by routing, body limits or timeouts) becomes JSON with the same status.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path() == "/api" || req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if !api || resp.status().as_u16() < 400 {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let status = resp.status();
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such API endpoint; see /api/openapi.json"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not accept that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request was not received in time"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("bad_request", "unsupported content type"),
        s if s.is_server_error() => ("internal", "the server failed on this request"),
        _ => ("bad_request", "the request could not be read"),
    };
    let mut out = ApiError::new(status, code, detail).into_response();
    if let Some(v) = resp.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    if let Some(v) = resp.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, v.clone());
    }
    out
}
