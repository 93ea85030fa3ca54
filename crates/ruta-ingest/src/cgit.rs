//! The American Enterprise Institute's China Global Investment Tracker, in its two
//! layouts: the investment table (2025: Year, Month, Investor, Millions, Share Size,
//! Partner/Target, Sector, Subsector, Country, Region, BRI) and the combined investment +
//! construction table (2020: three banner lines, then Year, Month, Chinese Entity,
//! Quantity in Millions, … Greenfield, with amounts like " $\t1.420 " meaning 1,420
//! million).
//!
//! Investments become equity (a greenfield mark, or neither a share nor a target) or
//! M&A (a target or a share bought) flows, construction rows construction contracts.
//! The combined table does not say which rows are which; ruta decides, in order: (1) a
//! row matching an investment of the investment table already in the database (same
//! year, month and country, amount within 2%) is an investment; (2) a greenfield
//! mark or a share size means an investment; (3) an entity that is a builder (name
//! contains Construction, Engineering, Railway, Hydro, Power, Harbour, Machinery …) or a
//! row with no transaction party means a construction contract; (4) otherwise an
//! investment. The reason is the flow's `kind_basis`. Which rows of the two releases are
//! one deal — and that the newer release supersedes the older — is the record linker's
//! call (`ruta_link`, run at the end of the import), not this importer's.

use crate::gcdf::Region;
use crate::table::{Cells, Header, normalize};
use crate::{Problem, parse};
use ruta_core::model::{ClaimValue, FlowStmt, OrgRef, Party, Project, Record};
use ruta_core::sector::{ClassifyInput, classify};
use ruta_core::text::slug;
use ruta_core::{FlowKind, Role};
use ruta_store::Writer;
use serde_json::json;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

pub const DATASET: &str = "AEI China Global Investment Tracker";

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether a row is the header (AEI's 2020 file has banner lines first).
pub fn is_header(cells: &[String]) -> bool {
    let n: Vec<String> = cells.iter().take(3).map(|c| normalize(c)).collect();
    n.first().is_some_and(|c| c == "year") && n.get(1).is_some_and(|c| c == "month")
}

/// Builders' name fragments (rule 3 above).
const BUILDERS: &[&str] = &[
    "construction",
    "engineering",
    "railway",
    "sinohydro",
    "harbour",
    "harbor",
    "road and bridge",
    "sinomach",
    "machinery",
    "electric",
    "gezhouba",
    "camc",
    "hydro",
    "dredg",
    "metallurg",
    "power",
    "sinoma",
    "cmec",
    "installation",
    "grid",
    "transmission",
    "water resources",
    "survey",
    "design",
    "complete plant",
    "tbea",
    "zpmc",
    "mcc",
    "norinco",
    "genertec",
    "sinosteel",
    "china nonferrous",
    "huawei",
    "zte",
    "sino great wall",
    "international economic",
    "jiangsu international",
    "jiangxi international",
    "poly",
    "huadian",
    "three gorges",
];

pub struct CgitColumns {
    layout: &'static str,
    year: Option<usize>,
    month: Option<usize>,
    entity: Option<usize>,
    amount: Option<usize>,
    share: Option<usize>,
    party: Option<usize>,
    sector: Option<usize>,
    subsector: Option<usize>,
    country: Option<usize>,
    region: Option<usize>,
    bri: Option<usize>,
    greenfield: Option<usize>,
    seen: RefCell<HashMap<String, u32>>,
    /// Investment-table rows already stored.
    investments: InvestmentIndex,
}

impl CgitColumns {
    pub fn new(h: &Header, w: &Writer<'_>) -> Result<CgitColumns, String> {
        let need = |a: &[&str]| {
            h.find(a).ok_or_else(|| {
                format!(
                    "not an AEI China Global Investment Tracker table: no '{}' column",
                    a[0]
                )
            })
        };
        let combined = h.has("quantity in millions");
        let layout = if combined { "2020" } else { "2025" };
        let investments = if combined {
            stored_investments(w).map_err(|e| e.to_string())?
        } else {
            HashMap::new()
        };
        Ok(CgitColumns {
            layout,
            year: Some(need(&["year"])?),
            month: Some(need(&["month"])?),
            entity: Some(need(&["investor", "chinese entity"])?),
            amount: Some(need(&["millions", "quantity in millions"])?),
            share: h.find(&["share size"]),
            party: h.find(&["partner/target", "transaction party"]),
            sector: h.find(&["sector"]),
            subsector: h.find(&["subsector"]),
            country: Some(need(&["country"])?),
            region: h.find(&["region"]),
            bri: h.find(&["bri"]),
            greenfield: h.find(&["greenfield"]),
            seen: RefCell::new(HashMap::new()),
            investments,
        })
    }

    fn version(&self) -> &'static str {
        if self.layout == "2020" {
            "2020-02"
        } else {
            "2025H1"
        }
    }

    pub fn map(&self, c: &Cells<'_>, region: Region) -> Result<Option<Record>, Problem> {
        let year = c
            .parse(self.year, parse::year)?
            .ok_or_else(|| c.problem(self.year, "missing year"))?;
        let month_text = c.get(self.month);
        let month = MONTHS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(month_text.trim()))
            .map(|i| i as u32 + 1)
            .ok_or_else(|| c.problem(self.month, "not a month name"))?;
        let entity = c.get(self.entity);
        if entity.is_empty() {
            return Err(c.problem(self.entity, "missing investor"));
        }
        let millions =
            parse::aei_millions(c.get(self.amount)).map_err(|r| c.problem(self.amount, r))?;
        let country_name = c.get(self.country);
        if country_name.is_empty() {
            return Err(c.problem(self.country, "missing country"));
        }
        let iso3 = ruta_core::country::resolve(country_name).map(|k| k.iso3.clone());
        if !region.keeps(iso3.as_deref(), None) {
            return Ok(None);
        }
        let party = c.get(self.party);
        let share = c.get(self.share);
        let sector = c.get(self.sector);
        let subsector = c.get(self.subsector);
        let greenfield = c.get(self.greenfield).eq_ignore_ascii_case("g");
        let place = iso3
            .clone()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_else(|| slug(country_name, 24));
        let mut rid = format!(
            "{year}-{}-{}-{place}",
            MONTHS[month as usize - 1],
            slug(entity, 48)
        );
        if !party.is_empty() {
            rid.push('-');
            rid.push_str(&slug(party, 32));
        }
        {
            let mut seen = self.seen.borrow_mut();
            let n = seen.entry(rid.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                rid = format!("{rid}-{n}");
            }
        }
        // Flow kind (see the module documentation).
        let matched = iso3.as_ref().and_then(|i| {
            self.investments
                .get(&(year, month, i.clone()))?
                .iter()
                .find(|(m, _)| (m - millions).abs() <= (0.02 * millions).max(5.0))
                .map(|(_, id)| id.clone())
        });
        let low = entity.to_ascii_lowercase();
        let investment = if greenfield || (share.is_empty() && party.is_empty()) {
            FlowKind::Equity
        } else {
            FlowKind::MAndA
        };
        let (flow, basis) = if self.layout == "2025" {
            (investment, "investment table")
        } else if matched.is_some() {
            (investment, "matched the investment table")
        } else if greenfield {
            (investment, "greenfield mark")
        } else if !share.is_empty() {
            (investment, "share size")
        } else if BUILDERS.iter().any(|b| low.contains(b)) {
            (FlowKind::ConstructionContract, "builder entity")
        } else if party.is_empty() {
            (FlowKind::ConstructionContract, "no transaction party")
        } else {
            (investment, "transaction party")
        };
        // AEI files roads under "Transport / Autos": builders' "Autos" are roads.
        let sub_label = if subsector.eq_ignore_ascii_case("autos") {
            if flow == FlowKind::ConstructionContract || BUILDERS.iter().any(|b| low.contains(b)) {
                "roads highways"
            } else {
                "automobiles"
            }
        } else {
            subsector
        };
        let label = format!("{sector} {sub_label}");
        let country_label = iso3
            .as_deref()
            .and_then(ruta_core::country::by_iso3)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| country_name.to_string());
        let name = match (flow, party.is_empty()) {
            (FlowKind::ConstructionContract, _) => format!(
                "{entity}: {} contract in {country_label}",
                sector_phrase(sector, sub_label)
            ),
            (_, false) => format!("{entity} investment in {party} ({country_label})"),
            (_, true) => format!(
                "{entity}: {} investment in {country_label}",
                sector_phrase(sector, sub_label)
            ),
        };
        let class = classify(&ClassifyInput {
            title: &format!("{entity} {party}"),
            crs_code: None,
            labels: &[&label],
        });
        let mut attributes = BTreeMap::new();
        attributes.insert("layout".into(), json!(self.layout));
        attributes.insert("flow_kind_basis".into(), json!(basis));
        attributes.insert("sector".into(), json!(sector));
        if !subsector.is_empty() {
            attributes.insert("subsector".into(), json!(subsector));
        }
        attributes.insert("country_name".into(), json!(country_name));
        attributes.insert("month".into(), json!(month));
        for (k, col) in [
            ("aei_region", self.region),
            ("bri", self.bri),
            ("share_size", self.share),
        ] {
            if let Some(v) = c.opt(col) {
                attributes.insert(k.into(), json!(v));
            }
        }
        if greenfield {
            attributes.insert("greenfield".into(), json!(true));
        }
        let project = Project {
            id: format!("cgit-{}-{rid}", self.layout),
            name,
            aliases: Vec::new(),
            description: None,
            country: iso3,
            sector_code: None,
            sector_name: Some(label.trim().to_string()),
            sector_group: class.group,
            sector_subgroup: Some(class.subgroup),
            sector_rule: Some(class.rule),
            parent_id: None,
            package_id: None,
            dataset: Some(DATASET.into()),
            record_id: Some(rid.clone()),
            attributes,
        };
        let mut rec = Record::new(&format!("aei-cgit-{}", self.layout), project);
        let mut stmt = FlowStmt::stated(flow, format!("AEI {} layout: {basis}", self.layout));
        // The combined table does not say which rows are investments and which are
        // contracts: unless the row matched the investment table, the kind is ruta's.
        stmt.kind_inferred = self.layout == "2020" && matched.is_none();
        rec.flow = Some(stmt);
        let src = c.dataset_source(
            DATASET,
            self.version(),
            &rid,
            Some(format!(
                "AEI CGIT {}: {entity}, {month_text} {year}, {country_name}",
                self.version()
            )),
        );
        let key = rec.add_source(src);
        let qualifier = if flow == FlowKind::ConstructionContract {
            "contract value"
        } else {
            "investment"
        };
        rec.claims
            .push(c.usd_millions_claim(self.amount, millions, year, &key, qualifier));
        rec.claim(
            "year",
            ClaimValue::Number { value: year as f64 },
            &key,
            Some(c.locator(self.year)),
        );
        rec.claim(
            "commitment_date",
            ClaimValue::Date {
                value: format!("{year}-{month:02}"),
            },
            &key,
            Some(c.locator(self.month)),
        );
        let shares: Vec<Option<f64>> = share.split(',').map(|s| parse::number(s).ok()).collect();
        let role = if flow == FlowKind::ConstructionContract {
            Role::Contractor
        } else {
            Role::Investor
        };
        for (i, inv) in entity
            .split(", ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            rec.parties.push(Party {
                org: OrgRef {
                    name: inv.to_string(),
                    kind: None,
                    country: Some("CHN".into()),
                },
                role,
                share: shares.get(i).copied().flatten(),
                source: Some(key.clone()),
            });
        }
        if !party.is_empty() {
            rec.parties.push(Party {
                org: OrgRef {
                    name: party.to_string(),
                    kind: None,
                    country: None,
                },
                role: if flow == FlowKind::ConstructionContract {
                    Role::Owner
                } else {
                    Role::Target
                },
                share: None,
                source: Some(key),
            });
        }
        Ok(Some(rec))
    }
}

fn sector_phrase(sector: &str, sub: &str) -> String {
    let s = if sub.is_empty() {
        sector.to_string()
    } else {
        format!("{sector} ({sub})")
    };
    s.to_lowercase()
}

/// (year, month, iso3) → [(millions of USD, project id)] of stored investment-table rows.
type InvestmentIndex = HashMap<(i32, u32, String), Vec<(f64, String)>>;

/// Investment-table rows already in the database, for telling the combined table's
/// investments from its construction contracts.
fn stored_investments(w: &Writer<'_>) -> ruta_store::Result<InvestmentIndex> {
    let mut out = InvestmentIndex::new();
    for f in w.stored_flows(DATASET, "2025H1")? {
        let month = f
            .commitment_date
            .as_deref()
            .and_then(|d| d.get(5..7)?.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(c), Some(a)) = (f.year, month, f.country, f.amount) {
            out.entry((y as i32, m, c))
                .or_default()
                .push((a / 1e6, f.id));
        }
    }
    Ok(out)
}
