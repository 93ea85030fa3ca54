//! AidData GeoGCDF per-project GeoJSON: a FeatureCollection whose features carry a GCDF
//! record in their properties — either the GCDF 3.0 dotted layout (`id`,
//! `Amount.(Constant.USD.2021)`, `osm_links`, `osm_precision_list`) or the legacy GCDF
//! 2.0 layout (`AidData TUFF Project ID`, `Amount (Constant USD2017)`, agencies). The
//! properties are mapped like a GCDF row; the geometry is kept as the project's location
//! (GeoJSON text, with its area-weighted centroid as the point).

use crate::gcdf::{GcdfColumns, precision_code};
use crate::input::{FileError, Sniffed, sniff};
use crate::table::Cells;
use crate::{FileReport, ImportError, Options, Problem, count};
use ruta_core::model::{Location, Source};
use ruta_store::Writer;
use serde_json::Value;
use std::path::Path;

/// Largest GeoJSON file read (it is parsed in memory).
const MAX_BYTES: u64 = 2 << 30;

pub fn import(
    w: &mut Writer<'_>,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
) -> Result<bool, ImportError> {
    match sniff(path)? {
        Sniffed::Text => {}
        Sniffed::Empty => return Err(FileError::new(path, "empty file").into()),
        other => {
            return Err(
                FileError::new(path, format!("not a GeoJSON text file ({other:?})")).into(),
            );
        }
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_BYTES {
        return Err(FileError::new(path, "larger than 2 GiB; split the collection").into());
    }
    let bytes = std::fs::read(path).map_err(|e| FileError::new(path, e.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        FileError::new(
            path,
            format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let features: Vec<&Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| FileError::new(path, "FeatureCollection without a features array"))?
            .iter()
            .collect(),
        Some("Feature") => vec![&doc],
        _ => return Err(FileError::new(path, "not a GeoJSON FeatureCollection or Feature").into()),
    };
    for (i, f) in features.iter().enumerate() {
        report.rows_read += 1;
        let bad = |reason: String| Problem {
            file: path.display().to_string(),
            line: i as u64 + 1,
            column: None,
            value: None,
            reason: format!("feature {}: {reason}", i + 1),
        };
        let Some(props) = f.get("properties").and_then(Value::as_object) else {
            report.skipped += 1;
            report.problems.push(bad("no properties".into()));
            if opts.strict {
                return Ok(false);
            }
            continue;
        };
        let (header, mut row) = crate::gcdf::properties_as_row(props);
        row.line = i as u64 + 1;
        let cols = match GcdfColumns::new(&header) {
            Ok(c) => c,
            Err(e) => {
                report.skipped += 1;
                report.problems.push(bad(e));
                if opts.strict {
                    return Ok(false);
                }
                continue;
            }
        };
        let cells = Cells::new(&row, &header, path, None);
        let mapped = cols.map(&cells, opts.region).map(|r| {
            r.map(|mut rec| {
                let id = rec.project.record_id.clone().unwrap_or_default();
                let precision = props
                    .get("osm_precision_list")
                    .and_then(Value::as_str)
                    .and_then(|l| l.split(',').filter_map(precision_code).min());
                let geometry = f.get("geometry").filter(|g| !g.is_null());
                let point = geometry.and_then(centroid);
                let src = Source::dataset_record(
                    "AidData GeoGCDF",
                    cols.version,
                    &id,
                    Some(format!(
                        "AidData GeoGCDF {} feature of record {id}",
                        cols.version
                    )),
                )
                .located(path, None, i as u64 + 1);
                rec.locations.clear();
                let key = rec.add_source(src);
                rec.locations.push(Location {
                    lat: point.map(|p| p.1),
                    lon: point.map(|p| p.0),
                    precision: precision.or(Some(1)),
                    geometry: geometry.map(Value::to_string),
                    feature_id: props
                        .get("osm_links")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    place: props
                        .get("Recipient")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    source: Some(key),
                    ..Location::default()
                });
                rec.origin = format!("geojson-{}", cols.version);
                rec
            })
        });
        match mapped {
            Ok(Some(rec)) => {
                let o = w.write_record(&rec).map_err(ImportError::Store)?;
                count(report, o);
            }
            Ok(None) => report.outside_region += 1,
            Err(mut p) => {
                p.line = i as u64 + 1;
                p.reason = format!("feature {}: {}", i + 1, p.reason);
                report.skipped += 1;
                report.problems.push(p);
                if opts.strict {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// Area-weighted centroid (lon, lat) of a GeoJSON geometry; the mean of its vertices
/// for points and lines. None when it has no valid coordinates.
pub fn centroid(g: &Value) -> Option<(f64, f64)> {
    fn points(v: &Value, out: &mut Vec<(f64, f64)>) {
        if let Some(a) = v.as_array() {
            if a.len() >= 2 && a[0].is_number() && a[1].is_number() {
                if let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64())
                    && (-180.0..=180.0).contains(&x)
                    && (-90.0..=90.0).contains(&y)
                {
                    out.push((x, y));
                }
            } else {
                for e in a {
                    points(e, out);
                }
            }
        }
    }
    fn ring_centroid(ring: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
        if ring.len() < 3 {
            return None;
        }
        let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for i in 0..ring.len() {
            let (x0, y0) = ring[i];
            let (x1, y1) = ring[(i + 1) % ring.len()];
            let cross = x0 * y1 - x1 * y0;
            a += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
        if a.abs() < 1e-15 {
            return None;
        }
        Some((cx / (3.0 * a), cy / (3.0 * a), (a / 2.0).abs()))
    }
    let coords = g.get("coordinates");
    let polygons: Vec<&Value> = match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => coords.into_iter().collect(),
        Some("MultiPolygon") => coords
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        Some("GeometryCollection") => {
            let parts: Vec<(f64, f64)> = g
                .get("geometries")
                .and_then(Value::as_array)
                .map(|gs| gs.iter().filter_map(centroid).collect())
                .unwrap_or_default();
            return mean(&parts);
        }
        _ => Vec::new(),
    };
    let mut weighted = (0.0, 0.0, 0.0);
    for poly in polygons {
        let Some(outer) = poly.as_array().and_then(|rings| rings.first()) else {
            continue;
        };
        let mut ring = Vec::new();
        points(outer, &mut ring);
        if let Some((x, y, area)) = ring_centroid(&ring) {
            weighted = (
                weighted.0 + x * area,
                weighted.1 + y * area,
                weighted.2 + area,
            );
        }
    }
    if weighted.2 > 0.0 {
        return Some((weighted.0 / weighted.2, weighted.1 / weighted.2));
    }
    let mut all = Vec::new();
    if let Some(c) = coords {
        points(c, &mut all);
    }
    mean(&all)
}

fn mean(p: &[(f64, f64)]) -> Option<(f64, f64)> {
    if p.is_empty() {
        return None;
    }
    let n = p.len() as f64;
    Some((
        p.iter().map(|q| q.0).sum::<f64>() / n,
        p.iter().map(|q| q.1).sum::<f64>() / n,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn centroids() {
        let square = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]]});
        let c = centroid(&square).unwrap();
        assert!((c.0 - 1.0).abs() < 1e-9 && (c.1 - 1.0).abs() < 1e-9);
        assert_eq!(
            centroid(&json!({"type": "Point", "coordinates": [-77.0, -12.0]})),
            Some((-77.0, -12.0))
        );
        assert_eq!(
            centroid(&json!({"type": "Point", "coordinates": [500.0, 0.0]})),
            None
        );
        let line = json!({"type": "LineString", "coordinates": [[0.0, 0.0], [2.0, 2.0]]});
        assert_eq!(centroid(&line), Some((1.0, 1.0)));
    }
}
