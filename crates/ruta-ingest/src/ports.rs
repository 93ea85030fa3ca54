//! Latin American and Caribbean ports with Chinese firms (the table of the shared
//! `ports/lac_ports_chinese_firms.csv` layout: Project Name, Country, Region, PRC Firm,
//! Coordinates as "(lat,lon)", Status, Ownership Share, Operator Share, Primary
//! Cooperation Mode). One row is one port record `port-<iso3>-<name>`: its exact location,
//! status, the Chinese firms and what they do there (owner, operator, lender or
//! contractor by the cooperation mode), the shares as the table words them.
//!
//! A port record states no flow: the table names no amount, and the commitments behind a
//! port (an acquisition, a loan, a contract) are other datasets' rows. It joins the
//! project it describes (`same_project`, rule `port-location`) when a stored transport
//! project of the same country lies within 25 km and shares a distinctive word of its
//! name (Chancay, Posorja, Pequiven, Manzanillo …): the map then shows the port once,
//! with the flows its project already has. A hospital donation in the same city is not
//! the port.

use crate::gcdf::Region;
use crate::table::{Cells, Header};
use crate::{Problem, parse};
use ruta_core::model::{ClaimValue, Location, OrgRef, Party, Project, Record, RelationStmt};
use ruta_core::sector::{ClassifyInput, classify};
use ruta_core::text::{fold, slug};
use ruta_core::{RelationKind, RelationOrigin, Role, Status};
use serde_json::json;
use std::cell::RefCell;
use std::collections::BTreeMap;

pub const DATASET: &str = "LAC ports with Chinese firms";

/// A port read from the file, kept until the end of the file to be joined to stored
/// projects.
#[derive(Debug, Clone)]
pub struct PortPlace {
    pub id: String,
    pub country: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

pub struct PortColumns {
    name: Option<usize>,
    country: Option<usize>,
    firm: Option<usize>,
    coords: Option<usize>,
    status: Option<usize>,
    ownership: Option<usize>,
    operator: Option<usize>,
    mode: Option<usize>,
    places: RefCell<Vec<PortPlace>>,
}

impl PortColumns {
    pub fn new(h: &Header) -> Result<PortColumns, String> {
        let need = |a: &str| {
            h.find(&[a])
                .ok_or_else(|| format!("not a table of ports with Chinese firms: no '{a}' column"))
        };
        Ok(PortColumns {
            name: Some(need("project name")?),
            country: Some(need("country")?),
            firm: Some(need("prc firm")?),
            coords: Some(need("coordinates")?),
            status: h.find(&["status"]),
            ownership: h.find(&["ownership share"]),
            operator: h.find(&["operator share"]),
            mode: h.find(&["primary cooperation mode"]),
            places: RefCell::new(Vec::new()),
        })
    }

    /// The ports read so far (for joining them to stored projects at the end).
    pub fn places(&self) -> Vec<PortPlace> {
        std::mem::take(&mut *self.places.borrow_mut())
    }

    pub fn map(&self, c: &Cells<'_>, region: Region) -> Result<Option<Record>, Problem> {
        let name = c.get(self.name);
        if name.is_empty() {
            return Err(c.problem(self.name, "missing port name"));
        }
        let country_name = c.get(self.country);
        let iso3 = ruta_core::country::resolve(country_name)
            .map(|k| k.iso3.clone())
            .ok_or_else(|| c.problem(self.country, "unknown country"))?;
        if !region.keeps(Some(&iso3), None) {
            return Ok(None);
        }
        let (lat, lon) = coordinates(c.get(self.coords))
            .ok_or_else(|| c.problem(self.coords, "not a \"(lat,lon)\" pair"))?;
        let id = format!("port-{}-{}", iso3.to_ascii_lowercase(), slug(name, 60));
        let mode = c.opt(self.mode).filter(|m| !m.eq_ignore_ascii_case("n/a"));
        let class = classify(&ClassifyInput {
            title: name,
            crs_code: Some("210"),
            labels: &["port"],
        });
        let mut attributes = BTreeMap::new();
        for (k, col) in [
            ("cooperation_mode", self.mode),
            ("ownership_share", self.ownership),
            ("operator_share", self.operator),
            ("status_as_published", self.status),
        ] {
            if let Some(v) = c.opt(col) {
                attributes.insert(k.to_string(), json!(v));
            }
        }
        let project = Project {
            id: id.clone(),
            name: name.to_string(),
            aliases: Vec::new(),
            description: None,
            country: Some(iso3.clone()),
            sector_code: Some("210".into()),
            sector_name: Some("TRANSPORT AND STORAGE: port".into()),
            sector_group: class.group,
            sector_subgroup: Some(class.subgroup),
            sector_rule: Some(class.rule),
            parent_id: None,
            package_id: None,
            dataset: Some(DATASET.into()),
            record_id: Some(slug(name, 60)),
            attributes,
        };
        let mut rec = Record::new("ports", project);
        let key = rec.add_source(c.dataset_source(
            DATASET,
            "2025",
            &slug(name, 60),
            Some(format!(
                "LAC ports with Chinese firms: {name} ({country_name})"
            )),
        ));
        if let Some(s) = c.opt(self.status) {
            let status = match fold(s).as_str() {
                "active" | "completed" => Some(Status::Completion),
                "in progress" => Some(Status::Implementation),
                _ => Status::parse(s),
            };
            if let Some(value) = status {
                rec.claim(
                    "status",
                    ClaimValue::Status { value },
                    &key,
                    Some(c.locator(self.status)),
                );
            }
        }
        let majority = |col| c.get(col).eq_ignore_ascii_case("majority");
        for firm in c
            .get(self.firm)
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            let roles: Vec<Role> = match mode.map(fold).as_deref() {
                Some("acquisition") => vec![Role::Owner, Role::Operator],
                Some("lease") => vec![Role::Operator],
                Some("loan") => vec![Role::Lender],
                _ => vec![Role::Contractor],
            };
            for role in roles {
                let share = match role {
                    Role::Owner if majority(self.ownership) => Some(50.0),
                    _ => None,
                };
                rec.parties.push(Party {
                    org: OrgRef {
                        name: firm.to_string(),
                        kind: None,
                        country: Some("CHN".into()),
                    },
                    role,
                    share,
                    source: Some(key.clone()),
                });
            }
        }
        rec.locations.push(Location {
            lat: Some(lat),
            lon: Some(lon),
            precision: Some(1),
            place: Some(format!("{name}, {country_name}")),
            source: Some(key),
            ..Location::default()
        });
        self.places.borrow_mut().push(PortPlace {
            id,
            country: iso3,
            name: name.to_string(),
            lat,
            lon,
        });
        Ok(Some(rec))
    }
}

/// "(19.07044,-104.29)" → (19.07044, -104.29), checked to lie on the globe.
pub fn coordinates(s: &str) -> Option<(f64, f64)> {
    let inner = s.trim().strip_prefix('(')?.strip_suffix(')')?;
    let (a, b) = inner.split_once(',')?;
    let lat = parse::number(a.trim()).ok()?;
    let lon = parse::number(b.trim()).ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// Words of a name that say which port it is (not "port", "terminal", "project" …).
fn distinctive(name: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "port",
        "puerto",
        "porto",
        "terminal",
        "project",
        "construction",
        "development",
        "expansion",
        "container",
        "cargo",
        "specialized",
        "pier",
        "dock",
        "maritime",
        "the",
        "of",
        "de",
        "and",
        "del",
        "la",
        "el",
        "complex",
        "logistics",
        "intermodal",
        "agriculture",
        "cruise",
        "dredging",
        "vlcc",
        "harbour",
        "harbor",
        "deep",
        "water",
        "mega",
        "new",
    ];
    fold(name)
        .split(' ')
        .filter(|w| w.len() >= 4 && !GENERIC.contains(w))
        .map(str::to_string)
        .collect()
}

/// Great-circle distance in km.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Whether a port and a stored project are the same place (see the module rule).
pub fn same_place(port: &PortPlace, p: &ruta_store::LocatedProject) -> bool {
    if p.sector_subgroup.as_deref() != Some("transport") {
        return false;
    }
    let words = distinctive(&port.name);
    let theirs = distinctive(&p.name);
    distance_km((port.lat, port.lon), (p.lat, p.lon)) <= 25.0
        && words.iter().any(|w| theirs.contains(w))
}

/// The relation a port states to the project it describes.
pub fn joins(project: &str) -> RelationStmt {
    RelationStmt {
        kind: RelationKind::SameProject,
        other: project.to_string(),
        outgoing: true,
        origin: RelationOrigin::Rule,
        rule: "port-location: a transport project of the same country within 25 km sharing a distinctive name word".into(),
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_and_places() {
        assert_eq!(coordinates("(19.07044,-104.29)"), Some((19.07044, -104.29)));
        assert_eq!(coordinates("19.07,-104.29"), None);
        assert_eq!(coordinates("(95,0)"), None);
        let p = PortPlace {
            id: "port-per-port-of-chancay".into(),
            country: "PER".into(),
            name: "Port of Chancay".into(),
            lat: -11.5843,
            lon: -77.2731,
        };
        let at = |name: &str, lat: f64, lon: f64, sub: &str| ruta_store::LocatedProject {
            id: "x".into(),
            name: name.into(),
            lat,
            lon,
            sector_subgroup: Some(sub.into()),
        };
        assert!(same_place(
            &p,
            &at("Port of Chancay", -11.5843, -77.2731, "transport")
        ));
        assert!(same_place(
            &p,
            &at("Chancay mega-port", -11.60, -77.20, "transport")
        ));
        assert!(!same_place(
            &p,
            &at("Lima metro", -11.70, -77.10, "transport")
        ));
        assert!(!same_place(
            &p,
            &at(
                "Masks for the Chancay hospital",
                -11.58,
                -77.27,
                "health_education"
            )
        ));
        assert!((distance_km((0.0, 0.0), (0.0, 1.0)) - 111.19).abs() < 0.1);
    }
}
