//! placeholder
use crate::{FileReport, ImportError, Options};
use ruta_store::Writer;
use std::path::Path;

pub fn import(
    _w: &mut Writer<'_>,
    _path: &Path,
    _opts: &Options,
    _report: &mut FileReport,
) -> Result<bool, ImportError> {
    Ok(true)
}
