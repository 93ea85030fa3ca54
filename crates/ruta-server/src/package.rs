//! `GET /api/export/datapackage.zip`: the whole database as the Frictionless Data Package
//! `ruta export DIR` writes (`datapackage.json` and one CSV per table), zipped. The
//! package is written to a temporary directory from a connection of its own (no query
//! deadline: a large database takes as long as it takes), zipped file by file into a
//! temporary file, and streamed from it in 64 KiB chunks, so memory stays bounded whatever
//! the size; at most `Limits::exports` exports run at once (then 503).

use crate::error::ErrorBody;
use crate::params::Params;
use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

type St = State<Arc<AppState>>;

const CHUNK: usize = 64 * 1024;

/// Writes the package of `db` into `dir` and zips it into `out`.
fn build(db: &Path, dir: &Path, out: &mut std::fs::File) -> Result<(), String> {
    let store = ruta_store::Store::open(db, ruta_store::Access::ReadOnly)
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let title = format!(
        "ruta export of {}",
        db.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "ruta.db".into())
    );
    let summary = ruta_store::export::export_package(store.conn(), dir, &title)
        .map_err(|e| format!("cannot write the package: {e}"))?;
    drop(store);
    let mut zip = zip::ZipWriter::new(&mut *out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<String> = vec!["datapackage.json".into()];
    names.extend(summary.iter().map(|(name, _)| format!("{name}.csv")));
    for name in names {
        zip.start_file(format!("ruta/{name}"), opts)
            .map_err(|e| format!("zip: {e}"))?;
        let mut f = std::fs::File::open(dir.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        std::io::copy(&mut f, &mut zip).map_err(|e| format!("{name}: {e}"))?;
    }
    zip.finish().map_err(|e| format!("zip: {e}"))?;
    out.flush().map_err(|e| format!("zip: {e}"))?;
    Ok(())
}

/// The whole database as a Frictionless Data Package, zipped (`ruta/datapackage.json` and
/// one CSV per table: projects, records, flows, claims, sources, events, organizations,
/// parties, relations) — what `ruta export DIR` writes. Streamed; 503 while too many
/// exports run.
#[utoipa::path(get, path = "/api/export/datapackage.zip", tag = "exports",
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn datapackage(State(st): St, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let permit = st.exports.clone().try_acquire_owned().map_err(|_| {
        ApiError::busy("busy", "too many exports are running; try again shortly", 5)
    })?;
    let db = st.db.clone();
    // Build before answering, so a failure is still a JSON error.
    let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let mut out = tempfile::tempfile().map_err(|e| format!("temporary file: {e}"))?;
        build(&db, dir.path(), &mut out)?;
        out.seek(SeekFrom::Start(0))
            .map_err(|e| format!("zip: {e}"))?;
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::internal("export stopped", e))?
    .map_err(|e| ApiError::internal("cannot export the data package", e))?;
    let len = file.metadata().map(|m| m.len()).ok();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut file = file;
        let mut buf = vec![0u8; CHUNK];
        loop {
            match file.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    if tx
                        .blocking_send(Ok(Bytes::copy_from_slice(&buf[..n])))
                        .is_err()
                    {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    let mut resp = (
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ruta-datapackage.zip\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response();
    if let Some(n) = len {
        resp.headers_mut()
            .insert(header::CONTENT_LENGTH, header::HeaderValue::from(n));
    }
    Ok(resp)
}
