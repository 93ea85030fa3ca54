//! AidData's GCDF 3.0 ADM location files: one row per project and first- (ADM1) or
//! second-order (ADM2) administrative unit it intersects, with the unit's centroid, the
//! intersection and even-split ratios and the commitment value attributed to the unit.
//! Rows of a project become its locations from that file, sourced to the GCDF 3.0 record
//! as that file states it; the project need not be imported yet. The units' even-split
//! commitment values sum to the record's amount in GCDF 3.0 (constant 2021 USD), which
//! the store turns into the record's amount claims (`Writer::set_locations`).

use crate::gcdf::Region;
use crate::table::{Cells, Header};
use crate::{Mapped, Problem, parse};
use ruta_core::model::{Location, Source};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

pub struct AdmColumns {
    id: Option<usize>,
    shape_id: Option<usize>,
    group: Option<usize>,
    name: Option<usize>,
    intersection: Option<usize>,
    even_split: Option<usize>,
    even_split_value: Option<usize>,
    lon: Option<usize>,
    lat: Option<usize>,
    /// 1 or 2, from the file name (`…adm2…` is ADM2; anything else ADM1).
    level: u8,
    /// Record id → (first line, units).
    groups: RefCell<BTreeMap<String, (u64, Vec<Location>)>>,
    file: std::path::PathBuf,
}

impl AdmColumns {
    pub fn new(h: &Header, path: &Path) -> Result<AdmColumns, String> {
        let need = |a: &str| {
            h.find(&[a])
                .ok_or_else(|| format!("not an AidData ADM location file: no '{a}' column"))
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        Ok(AdmColumns {
            id: Some(need("id")?),
            shape_id: h.find(&["shapeid"]),
            group: Some(need("shapegroup")?),
            name: h.find(&["shapename"]),
            intersection: h.find(&["intersection ratio"]),
            even_split: h.find(&["even split ratio"]),
            even_split_value: h.find(&["even split ratio commitment value"]),
            lon: Some(need("centroid longitude")?),
            lat: Some(need("centroid latitude")?),
            level: if name.contains("adm2") { 2 } else { 1 },
            groups: RefCell::new(BTreeMap::new()),
            file: path.to_path_buf(),
        })
    }

    fn source(&self, id: &str, line: u64) -> Source {
        Source::dataset_record(
            crate::gcdf::DATASET,
            "3.0",
            id,
            Some(format!(
                "AidData GCDF 3.0 ADM{} locations of record {id}",
                self.level
            )),
        )
        .located(&self.file, None, line)
    }

    pub fn map(&self, c: &Cells<'_>, region: Region) -> Result<Mapped, Problem> {
        let id = match c.parse(self.id, parse::number)? {
            Some(v) if v.fract() == 0.0 && v > 0.0 => format!("{}", v as i64),
            _ => return Err(c.problem(self.id, "record id is not a positive whole number")),
        };
        let group = c.get(self.group).to_ascii_uppercase();
        if !region.keeps(Some(&group), None) {
            return Ok(Mapped::OutsideRegion);
        }
        let lat = c.parse(self.lat, parse::number)?;
        let lon = c.parse(self.lon, parse::number)?;
        if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            return Err(c.problem(self.lat, "latitude outside -90..90"));
        }
        if lon.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            return Err(c.problem(self.lon, "longitude outside -180..180"));
        }
        let ratio = |col| -> Result<Option<f64>, Problem> {
            let v = c.parse(col, parse::number)?;
            if v.is_some_and(|r| !(0.0..=1.000_001).contains(&r)) {
                return Err(c.problem(col, "ratio outside 0..1"));
            }
            Ok(v)
        };
        let (share, intersection) = (ratio(self.even_split)?, ratio(self.intersection)?);
        let value = c.parse(self.even_split_value, parse::number)?;
        if value.is_some_and(|v| v < 0.0 || !v.is_finite()) {
            return Err(c.problem(self.even_split_value, "negative commitment value"));
        }
        let unit = c.opt(self.name).map(str::to_string);
        let loc = Location {
            lat,
            lon,
            precision: Some(if self.level == 2 { 3 } else { 4 }),
            admin1: if self.level == 1 { unit.clone() } else { None },
            admin2: if self.level == 2 { unit.clone() } else { None },
            place: unit.map(|u| format!("{u} ({group})")),
            share,
            intersection_share: intersection,
            feature_id: c.opt(self.shape_id).map(str::to_string),
            commitment_value: value,
            ..Location::default()
        };
        self.groups
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| (c.row.line, Vec::new()))
            .1
            .push(loc);
        Ok(Mapped::Deferred)
    }

    /// Every project's locations, with the source they come from.
    pub fn drain(&self) -> Vec<(String, Source, Vec<Location>)> {
        std::mem::take(&mut *self.groups.borrow_mut())
            .into_iter()
            .map(|(id, (line, locs))| (format!("gcdf-{id}"), self.source(&id, line), locs))
            .collect()
    }
}
