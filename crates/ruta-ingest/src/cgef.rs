//! Boston University's China's Global Energy Finance database: China Development Bank
//! and Export-Import Bank of China energy loans (Date, Country, CountryCode, Region,
//! Location, EnergySource, EnergySubSector, Borrower, Lender, Amount ($m), Description,
//! BRI Membership). Each row is one loan → project `cgef-<code>-<year>-<description>`.

use crate::gcdf::Region;
use crate::table::{Cells, Header};
use crate::{Problem, parse};
use ruta_core::model::{ClaimValue, FlowStmt, Location, OrgRef, Party, Project, Record};
use ruta_core::sector::{ClassifyInput, classify};
use ruta_core::text::slug;
use ruta_core::{FlowKind, OrgKind, Role};
use serde_json::json;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

pub const DATASET: &str = "BU China's Global Energy Finance";

pub struct CgefColumns {
    date: Option<usize>,
    country: Option<usize>,
    code: Option<usize>,
    region: Option<usize>,
    location: Option<usize>,
    source: Option<usize>,
    subsector: Option<usize>,
    borrower: Option<usize>,
    lender: Option<usize>,
    amount: Option<usize>,
    description: Option<usize>,
    bri: Option<usize>,
    seen: RefCell<HashMap<String, u32>>,
}

impl CgefColumns {
    pub fn new(h: &Header) -> Result<CgefColumns, String> {
        let need = |a: &[&str]| {
            h.find(a).ok_or_else(|| {
                format!(
                    "not a BU China's Global Energy Finance table: no '{}' column",
                    a[0]
                )
            })
        };
        Ok(CgefColumns {
            date: Some(need(&["date", "year"])?),
            country: h.find(&["country"]),
            code: Some(need(&["countrycode", "country code", "iso3"])?),
            region: h.find(&["region"]),
            location: h.find(&["location"]),
            source: h.find(&["energysource", "energy source"]),
            subsector: h.find(&["energysubsector", "energy subsector"]),
            borrower: h.find(&["borrower"]),
            lender: Some(need(&["lender"])?),
            amount: Some(need(&["amount ($m)", "amount (usd m)", "amount"])?),
            description: Some(need(&["description", "project"])?),
            bri: h.find(&["bri membership", "bri"]),
            seen: RefCell::new(HashMap::new()),
        })
    }

    pub fn map(&self, c: &Cells<'_>, region: Region) -> Result<Option<Record>, Problem> {
        let year = c
            .parse(self.date, parse::year)?
            .ok_or_else(|| c.problem(self.date, "missing year"))?;
        // Country: the code; a row naming several countries ("BEN, TGO") is regional;
        // a code that is not ISO ("DMR") falls back to the country name.
        let code = c.get(self.code).to_ascii_uppercase();
        let codes: Vec<&str> = code
            .split([',', ';', '/'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let iso3: Option<String> = match codes.as_slice() {
            [one] => match ruta_core::country::by_iso3(one) {
                Some(k) if one.len() == 3 => Some(k.iso3.clone()),
                _ => match c.opt(self.country).and_then(ruta_core::country::by_name) {
                    Some(k) => Some(k.iso3.clone()),
                    None => {
                        return Err(c.problem(
                            self.code,
                            "not an ISO 3166-1 alpha-3 code, and the country name is unknown",
                        ));
                    }
                },
            },
            [] => match c.opt(self.country).and_then(ruta_core::country::by_name) {
                Some(k) => Some(k.iso3.clone()),
                None => return Err(c.problem(self.code, "missing country code")),
            },
            many => {
                if !many
                    .iter()
                    .all(|m| ruta_core::country::by_iso3(m).is_some())
                {
                    return Err(c.problem(self.code, "not a list of ISO 3166-1 alpha-3 codes"));
                }
                None
            }
        };
        let keep = match &iso3 {
            Some(i) => region.keeps(Some(i), None),
            None => codes.iter().any(|m| region.keeps(Some(m), None)),
        };
        if !keep {
            return Ok(None);
        }
        let description = c.get(self.description);
        if description.is_empty() {
            return Err(c.problem(self.description, "missing description"));
        }
        let millions = c
            .parse(self.amount, parse::number)?
            .ok_or_else(|| c.problem(self.amount, "missing amount"))?;
        if millions < 0.0 {
            return Err(c.problem(self.amount, "negative amount"));
        }
        let lender = c.get(self.lender);
        if lender.is_empty() {
            return Err(c.problem(self.lender, "missing lender"));
        }
        let place = iso3.clone().unwrap_or_else(|| codes.join("-"));
        let mut rid = format!("{place}-{year}-{}", slug(description, 60));
        {
            let mut seen = self.seen.borrow_mut();
            let n = seen.entry(rid.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                rid = format!("{rid}-{n}");
            }
        }
        let energy = c.get(self.source);
        let sub = c.get(self.subsector);
        let label = format!("{energy} {sub}");
        let class = classify(&ClassifyInput {
            title: description,
            crs_code: Some("230"),
            labels: &[&label],
        });
        let country_name = iso3
            .as_deref()
            .and_then(ruta_core::country::by_iso3)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| c.get(self.country).to_string());
        let mut attributes = BTreeMap::new();
        attributes.insert("energy_source".into(), json!(energy));
        attributes.insert("energy_subsector".into(), json!(sub));
        if iso3.as_deref() != Some(code.as_str()) {
            attributes.insert("country_code_as_published".into(), json!(code));
        }
        for (k, col) in [
            ("bu_region", self.region),
            ("bri_membership", self.bri),
            ("country_name", self.country),
        ] {
            if let Some(v) = c.opt(col) {
                attributes.insert(k.into(), json!(v));
            }
        }
        let project = Project {
            id: format!("cgef-{}", rid.to_ascii_lowercase()),
            name: format!("{description} ({country_name})"),
            aliases: vec![],
            description: None,
            country: iso3.clone(),
            sector_code: Some("230".into()),
            sector_name: Some(format!("ENERGY: {}", label.trim())),
            sector_group: class.group,
            sector_subgroup: Some(class.subgroup),
            sector_rule: Some(class.rule),
            parent_id: None,
            package_id: None,
            dataset: Some(DATASET.into()),
            record_id: Some(rid.clone()),
            attributes,
        };
        let mut rec = Record::new("bu-cgef", project);
        rec.flow = Some(FlowStmt::stated(
            FlowKind::Loan,
            "BU CGEF: every row is a policy-bank loan",
        ));
        let src = c.dataset_source(
            DATASET,
            "2020",
            &rid,
            Some(format!("BU CGEF 2020: {country_name}, {year}, {lender}")),
        );
        let key = rec.add_source(src);
        rec.claims
            .push(c.usd_millions_claim(self.amount, millions, year, &key, "loan"));
        rec.claim(
            "year",
            ClaimValue::Number { value: year as f64 },
            &key,
            Some(c.locator(self.date)),
        );
        // "CDB-Ex-Im Cofinancing" is both policy banks.
        let lenders: Vec<&str> = if lender.to_ascii_lowercase().contains("cofinanc") {
            vec!["China Development Bank", "Export-Import Bank of China"]
        } else {
            lender
                .split([',', '&', '/'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        };
        for l in lenders {
            rec.parties.push(Party {
                org: OrgRef {
                    name: l.to_string(),
                    kind: Some(OrgKind::PolicyBank),
                    country: Some("CHN".into()),
                },
                role: Role::Lender,
                share: None,
                source: Some(key.clone()),
            });
        }
        if let Some(b) = c.opt(self.borrower) {
            let (name, kind) = if b.eq_ignore_ascii_case("government") {
                (
                    format!("Government of {country_name}"),
                    Some(OrgKind::GovernmentBody),
                )
            } else {
                (b.to_string(), None)
            };
            rec.parties.push(Party {
                org: OrgRef {
                    name,
                    kind,
                    country: iso3.clone(),
                },
                role: Role::Borrower,
                share: None,
                source: Some(key.clone()),
            });
        }
        if let Some(place) = c.opt(self.location) {
            rec.locations.push(Location {
                place: Some(place.to_string()),
                source: Some(key),
                ..Location::default()
            });
        }
        Ok(Some(rec))
    }
}
