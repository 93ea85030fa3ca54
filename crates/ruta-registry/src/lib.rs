//! ruta-registry: the curated records every ruta database starts with.
//!
//! `data/projects.toml` holds one entry per flagship project; `data/sources.toml` the
//! sources they cite. [`records`] validates both and turns them into `ruta_core`
//! records; [`mention_patterns`] gives the expressions by which news text names each
//! project. Pure data: loading into a store is `ruta_ingest::registry`.

use ruta_core::model::{
    Alias, Claim, ClaimValue, Event, EventSource, FlowStmt, Location, OrgRef, Party, Project,
    Record, Source,
};
use ruta_core::sector::{self, ClassifyInput};
use ruta_core::{
    EventKind, FlowKind, Money, RelationKind, RelationOrigin, Role, SourceKind, Status,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

const PROJECTS: &str = include_str!("../data/projects.toml");
const SOURCES: &str = include_str!("../data/sources.toml");

/// A mistake in the registry data, naming the entry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("registry data: {0}")]
    Parse(String),
    #[error("registry entry '{id}': {reason}")]
    Entry { id: String, reason: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceDef {
    kind: SourceKind,
    title: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    date: Option<String>,
    language: Option<String>,
    dataset: Option<String>,
    dataset_version: Option<String>,
    record_id: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: String,
    project: Vec<ProjectDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectDef {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<Alias>,
    country: String,
    sector: Option<String>,
    description: String,
    location: Option<LocationDef>,
    #[serde(default)]
    parties: Vec<PartyDef>,
    /// Dataset records about the project that no registry flow describes.
    #[serde(default)]
    xrefs: Vec<String>,
    #[serde(default)]
    claims: Vec<ClaimDef>,
    #[serde(default)]
    events: Vec<EventDef>,
    /// Regular expressions naming the project in news text ("country:" = needs the
    /// project's country named in the same paragraph).
    #[serde(default)]
    mentions: Vec<String>,
    /// The project's flows.
    #[serde(default)]
    flow: Vec<FlowDef>,
}

/// One financial commitment around a project.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowDef {
    /// Unique within the project; the record id is `<project id>~<flow id>`.
    id: String,
    kind: FlowKind,
    name: String,
    year: Option<i32>,
    /// Dataset record ids of the same commitment.
    #[serde(default)]
    same_as: Vec<String>,
    /// Flows (of this project by flow id, or any record id) this flow pays for.
    #[serde(default)]
    finances: Vec<String>,
    /// Flows this flow refinances.
    #[serde(default)]
    refinances: Vec<String>,
    #[serde(default)]
    parties: Vec<PartyDef>,
    #[serde(default)]
    claims: Vec<ClaimDef>,
    /// Reschedulings, deferrals and rate changes a source states about this loan.
    #[serde(default)]
    debt_events: Vec<DebtEventDef>,
}

/// A change to a loan's repayment terms, as a source states it (see
/// `ruta_debt::DebtChange`): `kind` = `principal_deferral` (principal due `from`–`to`
/// not paid then; `repayment` = `shift_schedule` moves every later repayment by the
/// deferral's length, `spread_over_remaining` spreads it over the later repayments),
/// `reprofile` (what is owed at `from` is repaid in equal semiannual instalments from
/// `first_repayment` to `last_repayment`) or `rate_change` (from `from`, interest at
/// `rate`: "2.5" or "LIBOR + 3.1"). Dates are YYYY-MM-DD.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DebtEventDef {
    kind: String,
    from: String,
    to: Option<String>,
    repayment: Option<String>,
    first_repayment: Option<String>,
    last_repayment: Option<String>,
    rate: Option<String>,
    source: String,
    quote: Option<String>,
}

/// A debt event the registry states about one of its loan flows.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryDebtEvent {
    /// The loan's record id (`<project id>~<flow id>`).
    pub flow: String,
    pub change: ruta_debt::DebtChange,
    /// The source that states it.
    pub source: Source,
    pub quote: Option<String>,
}

impl DebtEventDef {
    fn change(&self) -> Result<ruta_debt::DebtChange, String> {
        use ruta_debt::terms::{parse_date, parse_interest_rate};
        use ruta_debt::{DebtChange, DeferredRepayment};
        let day = |v: &Option<String>, what: &str| -> Result<chrono::NaiveDate, String> {
            let v = v
                .as_deref()
                .ok_or_else(|| format!("{} needs '{what}'", self.kind))?;
            if v.len() != 10 {
                return Err(format!("{what} '{v}' is not YYYY-MM-DD"));
            }
            parse_date(v).map_err(|e| format!("{what}: {e}"))
        };
        let from = day(&Some(self.from.clone()), "from")?;
        Ok(match self.kind.as_str() {
            "principal_deferral" => DebtChange::PrincipalDeferral {
                from,
                to: day(&self.to, "to")?,
                repayment: match self.repayment.as_deref() {
                    None | Some("shift_schedule") => DeferredRepayment::ShiftSchedule,
                    Some("spread_over_remaining") => DeferredRepayment::SpreadOverRemaining,
                    Some(o) => {
                        return Err(format!(
                            "repayment '{o}': accepted values: shift_schedule, spread_over_remaining"
                        ));
                    }
                },
            },
            "reprofile" => DebtChange::Reprofile {
                from,
                first_repayment: day(&self.first_repayment, "first_repayment")?,
                last_repayment: day(&self.last_repayment, "last_repayment")?,
            },
            "rate_change" => DebtChange::RateChange {
                from,
                rate: parse_interest_rate(self.rate.as_deref().ok_or("rate_change needs 'rate'")?)
                    .map_err(|e| format!("rate: {e}"))?,
            },
            other => {
                return Err(format!(
                    "debt event kind '{other}': accepted values: principal_deferral, reprofile, rate_change"
                ));
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationDef {
    lat: f64,
    lon: f64,
    precision: u8,
    place: Option<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyDef {
    org: String,
    role: Role,
    share: Option<f64>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimDef {
    field: String,
    source: String,
    amount: Option<f64>,
    currency: Option<String>,
    year: Option<i32>,
    status: Option<Status>,
    date: Option<String>,
    value: Option<f64>,
    unit: Option<String>,
    percent: Option<f64>,
    number: Option<f64>,
    text: Option<String>,
    qualifier: Option<String>,
    quote: Option<String>,
    confidence: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventDef {
    kind: EventKind,
    date: Option<String>,
    summary: String,
    sources: Vec<String>,
}

/// How news text names one registry project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionPattern {
    pub project_id: String,
    pub name: String,
    pub country: String,
    /// A regular expression, matched case-insensitively.
    pub pattern: String,
    /// The match counts only when `country` is named in the same paragraph.
    pub needs_country: bool,
    /// The name itself, when the pattern is a literal name or alias (`pattern` is then
    /// its escaped form).
    pub literal: Option<String>,
}

/// Every project's mention patterns: its name and aliases (as literal text) and the
/// expressions listed under `mentions`.
pub fn mention_patterns() -> Result<Vec<MentionPattern>, RegistryError> {
    let file: File = toml::from_str(PROJECTS)
        .map_err(|e| RegistryError::Parse(format!("projects.toml: {e}")))?;
    let mut out = Vec::new();
    for p in file.project {
        let country = p.country.to_ascii_uppercase();
        let literal =
            std::iter::once(p.name.clone()).chain(p.aliases.iter().map(|a| a.name.clone()));
        for name in literal {
            out.push(MentionPattern {
                project_id: p.id.clone(),
                name: p.name.clone(),
                country: country.clone(),
                pattern: regex_escape(&name),
                needs_country: false,
                literal: Some(name),
            });
        }
        for m in &p.mentions {
            let (pattern, needs_country) = match m.strip_prefix("country:") {
                Some(rest) => (rest.to_string(), true),
                None => (m.clone(), false),
            };
            out.push(MentionPattern {
                project_id: p.id.clone(),
                name: p.name.clone(),
                country: country.clone(),
                pattern,
                needs_country,
                literal: None,
            });
        }
    }
    Ok(out)
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The registry's version (changes whenever its data does).
pub fn version() -> Result<String, RegistryError> {
    let file: File = toml::from_str(PROJECTS).map_err(|e| RegistryError::Parse(e.to_string()))?;
    Ok(file.version)
}

fn is_iso_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    let ok_num = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => ok_num(y, 4),
        [y, m] => ok_num(y, 4) && ok_num(m, 2),
        [y, m, d] => ok_num(y, 4) && ok_num(m, 2) && ok_num(d, 2),
        _ => false,
    }
}

impl ClaimDef {
    fn value(&self) -> Result<ClaimValue, String> {
        let mut values = Vec::new();
        if let Some(a) = self.amount {
            let cur = self.currency.as_deref().ok_or("amount without currency")?;
            if !ruta_core::money::is_currency(cur) {
                return Err(format!("unknown currency {cur}"));
            }
            values.push(ClaimValue::Money(Money::derive(a, cur, self.year)));
        }
        if let Some(s) = self.status {
            values.push(ClaimValue::Status { value: s });
        }
        if let Some(d) = &self.date {
            if !is_iso_date(d) {
                return Err(format!("date '{d}' is not YYYY, YYYY-MM or YYYY-MM-DD"));
            }
            values.push(ClaimValue::Date { value: d.clone() });
        }
        if let Some(v) = self.value {
            let unit = self.unit.clone().ok_or("value without unit")?;
            values.push(ClaimValue::Quantity { value: v, unit });
        }
        if let Some(p) = self.percent {
            values.push(ClaimValue::Percent { value: p });
        }
        if let Some(n) = self.number {
            values.push(ClaimValue::Number { value: n });
        }
        if let Some(t) = &self.text {
            values.push(ClaimValue::Text { value: t.clone() });
        }
        match values.len() {
            1 => Ok(values.pop().expect("one value")),
            0 => Err(format!("claim for '{}' has no value", self.field)),
            _ => Err(format!(
                "claim for '{}' has more than one value",
                self.field
            )),
        }
    }
}

fn default_confidence(kind: SourceKind) -> f64 {
    match kind {
        SourceKind::DatasetRecord => 1.0,
        SourceKind::OfficialDocument => 0.9,
        _ => 0.8,
    }
}

/// The registry's two files, parsed: the projects and the sources by handle.
fn load() -> Result<(File, BTreeMap<String, Source>), RegistryError> {
    let sources: BTreeMap<String, SourceDef> =
        toml::from_str(SOURCES).map_err(|e| RegistryError::Parse(format!("sources.toml: {e}")))?;
    let file: File = toml::from_str(PROJECTS)
        .map_err(|e| RegistryError::Parse(format!("projects.toml: {e}")))?;
    let sources: BTreeMap<String, Source> = sources
        .into_iter()
        .map(|(h, d)| {
            (
                h,
                Source {
                    kind: d.kind,
                    title: d.title,
                    publisher: d.publisher,
                    url: d.url,
                    date: d.date,
                    language: d.language,
                    dataset: d.dataset,
                    dataset_version: d.dataset_version,
                    record_id: d.record_id,
                    note: d.note,
                    file: None,
                    sheet: None,
                    line: None,
                },
            )
        })
        .collect();
    Ok((file, sources))
}

/// Every rescheduling, deferral and rate change the registry states about its loans,
/// validated: on a `loan` flow, with full dates, a known kind and a known source.
pub fn debt_events() -> Result<Vec<RegistryDebtEvent>, RegistryError> {
    let (file, sources) = load()?;
    events_of(&file, &sources)
}

fn events_of(
    file: &File,
    sources: &BTreeMap<String, Source>,
) -> Result<Vec<RegistryDebtEvent>, RegistryError> {
    let mut out = Vec::new();
    for p in &file.project {
        for f in &p.flow {
            let id = format!("{}~{}", p.id, f.id);
            let err = |reason: String| RegistryError::Entry {
                id: id.clone(),
                reason,
            };
            if !f.debt_events.is_empty() && f.kind != FlowKind::Loan {
                return Err(err("debt events belong to loan flows".into()));
            }
            for e in &f.debt_events {
                let change = e.change().map_err(|r| err(format!("debt event: {r}")))?;
                let source = sources
                    .get(&e.source)
                    .ok_or_else(|| err(format!("debt event: unknown source '{}'", e.source)))?
                    .clone();
                out.push(RegistryDebtEvent {
                    flow: id.clone(),
                    change,
                    source,
                    quote: e.quote.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Every registry entry as a core record, validated.
pub fn records() -> Result<Vec<Record>, RegistryError> {
    let (file, sources) = load()?;
    events_of(&file, &sources)?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(file.project.len() * 2);
    for p in file.project {
        let err = |reason: String| RegistryError::Entry {
            id: p.id.clone(),
            reason,
        };
        if !seen.insert(p.id.clone()) {
            return Err(err("duplicate id".into()));
        }
        if p.id.contains('~') {
            return Err(err("'~' is reserved for flow ids".into()));
        }
        let country = ruta_core::country::parse_iso3(&p.country).map_err(|e| err(e.to_string()))?;
        let labels: Vec<&str> = p.sector.iter().map(String::as_str).collect();
        let class = sector::classify(&ClassifyInput {
            title: &p.name,
            crs_code: None,
            labels: &labels,
        });
        let mut attributes = BTreeMap::new();
        attributes.insert("curated".to_string(), serde_json::json!(true));
        if let Some(s) = &p.sector {
            attributes.insert("sector_hint".to_string(), serde_json::json!(s));
        }
        let project = Project {
            id: p.id.clone(),
            name: p.name.clone(),
            aliases: p.aliases.clone(),
            description: Some(p.description.clone()),
            country: Some(country.clone()),
            sector_code: None,
            sector_name: None,
            sector_group: class.group,
            sector_subgroup: Some(class.subgroup.clone()),
            sector_rule: Some(class.rule.clone()),
            parent_id: None,
            package_id: None,
            dataset: None,
            record_id: None,
            attributes,
        };
        let mut rec = Record::new("registry", project);
        add_claims(&mut rec, &p.id, &p.claims, &sources, false).map_err(&err)?;
        add_parties(&mut rec, &p.parties, &sources).map_err(&err)?;
        for x in &p.xrefs {
            rec.relate(
                RelationKind::SameProject,
                x,
                true,
                RelationOrigin::Registry,
                &format!("registry {}: xrefs", p.id),
            );
        }
        if let Some(l) = &p.location {
            if !(1..=9).contains(&l.precision)
                || !(-90.0..=90.0).contains(&l.lat)
                || !(-180.0..=180.0).contains(&l.lon)
            {
                return Err(err("location out of range".into()));
            }
            let source = match &l.source {
                Some(h) => Some(use_source(&mut rec, &sources, h).map_err(&err)?.0),
                None => None,
            };
            rec.locations.push(Location {
                lat: Some(l.lat),
                lon: Some(l.lon),
                precision: Some(l.precision),
                place: l.place.clone(),
                source,
                ..Location::default()
            });
        }
        for e in &p.events {
            if let Some(d) = &e.date
                && !is_iso_date(d)
            {
                return Err(err(format!("event date '{d}' is not ISO")));
            }
            let mut srcs = Vec::new();
            for h in &e.sources {
                srcs.push(EventSource {
                    source: use_source(&mut rec, &sources, h).map_err(&err)?.0,
                    quote: None,
                    locator: None,
                });
            }
            if srcs.is_empty() {
                return Err(err(format!("event '{}' has no source", e.summary)));
            }
            rec.events.push(Event {
                kind: e.kind,
                date: e.date.clone(),
                summary: e.summary.clone(),
                sources: srcs,
            });
        }
        let flow_ids: HashSet<&str> = p.flow.iter().map(|f| f.id.as_str()).collect();
        if flow_ids.len() != p.flow.len() {
            return Err(err("two flows share an id".into()));
        }
        let local = |id: &str| {
            if flow_ids.contains(id) {
                format!("{}~{id}", p.id)
            } else {
                id.to_string()
            }
        };
        let mut flows = Vec::with_capacity(p.flow.len());
        for f in &p.flow {
            let fid = format!("{}~{}", p.id, f.id);
            let ferr = |reason: String| RegistryError::Entry {
                id: fid.clone(),
                reason,
            };
            let mut attributes = BTreeMap::new();
            attributes.insert("curated".to_string(), serde_json::json!(true));
            let mut fr = Record::new(
                "registry",
                Project {
                    id: fid.clone(),
                    name: f.name.clone(),
                    aliases: Vec::new(),
                    description: None,
                    country: Some(country.clone()),
                    sector_code: None,
                    sector_name: None,
                    sector_group: class.group,
                    sector_subgroup: Some(class.subgroup.clone()),
                    sector_rule: Some(class.rule.clone()),
                    parent_id: None,
                    package_id: None,
                    dataset: None,
                    record_id: None,
                    attributes,
                },
            );
            let mut stmt = FlowStmt::stated(f.kind, format!("registry {}", p.id));
            stmt.include_in_aggregates = Some(true);
            fr.flow = Some(stmt);
            add_claims(&mut fr, &fid, &f.claims, &sources, true).map_err(&ferr)?;
            if let Some(y) = f.year {
                let key = fr
                    .claims
                    .first()
                    .map(|c| c.source.clone())
                    .or_else(|| rec.sources.first().map(|s| s.key()));
                if let Some(key) = key {
                    if !fr.sources.iter().any(|s| s.key() == key)
                        && let Some(s) = rec.sources.iter().find(|s| s.key() == key)
                    {
                        fr.sources.push(s.clone());
                    }
                    fr.claims.push(Claim {
                        field: "year".into(),
                        value: ClaimValue::Number { value: y as f64 },
                        source: key,
                        locator: Some(format!("ruta registry {fid}")),
                        span: None,
                        quote: None,
                        confidence: 1.0,
                        qualifier: None,
                    });
                }
            }
            add_parties(&mut fr, &f.parties, &sources).map_err(&ferr)?;
            fr.relate(
                RelationKind::SameProject,
                &p.id,
                true,
                RelationOrigin::Registry,
                &format!("registry {}: flow {}", p.id, f.id),
            );
            for x in &f.same_as {
                fr.relate(
                    RelationKind::SameAs,
                    x,
                    true,
                    RelationOrigin::Registry,
                    &format!("registry {fid}: same_as"),
                );
            }
            for x in &f.finances {
                fr.relate(
                    RelationKind::Finances,
                    &local(x),
                    true,
                    RelationOrigin::Registry,
                    &format!("registry {fid}: finances"),
                );
            }
            for x in &f.refinances {
                fr.relate(
                    RelationKind::Refinances,
                    &local(x),
                    true,
                    RelationOrigin::Registry,
                    &format!("registry {fid}: refinances"),
                );
            }
            if fr.sources.is_empty() {
                // A flow known only from the project's sources (its contractor, its year).
                if let Some(s) = rec.sources.first() {
                    fr.sources.push(s.clone());
                }
            }
            flows.push(fr);
        }
        if rec.sources.is_empty() {
            return Err(err("no source".into()));
        }
        out.push(rec);
        out.extend(flows);
    }
    Ok(out)
}

fn use_source(
    rec: &mut Record,
    sources: &BTreeMap<String, Source>,
    handle: &str,
) -> Result<(String, SourceKind), String> {
    let s = sources
        .get(handle)
        .ok_or_else(|| format!("unknown source '{handle}'"))?;
    Ok((rec.add_source(s.clone()), s.kind))
}

/// Adds a project's or a flow's claims: `value` and project fields on a project, `amount`
/// and flow fields on a flow.
fn add_claims(
    rec: &mut Record,
    id: &str,
    defs: &[ClaimDef],
    sources: &BTreeMap<String, Source>,
    flow: bool,
) -> Result<(), String> {
    for c in defs {
        if !ruta_core::model::FIELDS.iter().any(|(f, _)| *f == c.field) && c.field != "quantity" {
            return Err(format!("unknown claim field '{}'", c.field));
        }
        match (flow, c.field.as_str()) {
            (false, "amount") => {
                return Err("a project states its `value`; amounts belong to its flows".into());
            }
            (true, "value") => return Err("a flow states its `amount`, not a `value`".into()),
            _ => {}
        }
        let value = c.value()?;
        let (key, kind) = use_source(rec, sources, &c.source)?;
        let confidence = c.confidence.unwrap_or_else(|| default_confidence(kind));
        if !(0.0..=1.0).contains(&confidence) {
            return Err(format!("confidence {confidence} outside 0–1"));
        }
        rec.claims.push(Claim {
            field: c.field.clone(),
            value,
            source: key,
            locator: Some(format!("ruta registry {id}")),
            span: None,
            quote: c.quote.clone(),
            confidence,
            qualifier: c.qualifier.clone(),
        });
    }
    Ok(())
}

fn add_parties(
    rec: &mut Record,
    defs: &[PartyDef],
    sources: &BTreeMap<String, Source>,
) -> Result<(), String> {
    for party in defs {
        let source = match &party.source {
            Some(h) => Some(use_source(rec, sources, h)?.0),
            None => None,
        };
        rec.parties.push(Party {
            org: OrgRef {
                name: party.org.clone(),
                kind: None,
                country: None,
            },
            role: party.role,
            share: party.share,
            source,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_parses_and_every_record_has_a_source() {
        let recs = records().expect("registry is valid");
        let projects = recs.iter().filter(|r| r.flow.is_none()).count();
        assert!(projects >= 40, "{projects} projects");
        for r in &recs {
            assert!(!r.sources.is_empty(), "{}", r.project.id);
            if r.flow.is_none() {
                assert!(!r.claims.is_empty(), "{} has no claim", r.project.id);
            }
        }
    }

    #[test]
    fn every_source_in_sources_toml_is_used() {
        let recs = records().unwrap();
        let used: HashSet<String> = recs
            .iter()
            .flat_map(|r| r.sources.iter().map(|s| s.key()))
            .collect();
        let defs: BTreeMap<String, toml::Value> = toml::from_str(SOURCES).unwrap();
        assert_eq!(defs.len(), used.len(), "sources.toml has unused entries");
    }

    #[test]
    fn mention_patterns_compile() {
        let pats = mention_patterns().unwrap();
        assert!(pats.len() > 100);
        for p in &pats {
            regex::RegexBuilder::new(&p.pattern)
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("{}: {}: {e}", p.project_id, p.pattern));
        }
        assert!(
            pats.iter()
                .any(|p| p.project_id == "per-chancay-port" && p.pattern == "Chancay")
        );
    }

    #[test]
    fn chancay_keeps_all_four_reported_costs() {
        let recs = records().unwrap();
        let chancay = recs
            .iter()
            .find(|r| r.project.id == "per-chancay-port")
            .unwrap();
        let mut usd: Vec<f64> = chancay
            .claims
            .iter()
            .filter_map(|c| match &c.value {
                ClaimValue::Money(m) if c.field == "value" && m.currency == "USD" => Some(m.amount),
                _ => None,
            })
            .collect();
        usd.sort_by(f64::total_cmp);
        assert_eq!(usd, vec![1.3e9, 3.0e9, 3.6e9, 3.7e9]);
        // The stake purchase and the 2020 investment are flows of their own.
        let stake = recs
            .iter()
            .find(|r| r.project.id == "per-chancay-port~cosco-stake-2019")
            .unwrap();
        assert_eq!(stake.flow.as_ref().unwrap().kind, FlowKind::MAndA);
        assert!(
            stake
                .relations
                .iter()
                .any(|r| r.kind == RelationKind::SameAs
                    && r.other == "cgit-2025-2019-january-china-ocean-shipping-cosco-per-volcan")
        );
    }
}

#[cfg(test)]
mod debt_event_tests {
    use super::*;

    fn file(events: &str, kind: &str) -> File {
        toml::from_str(&format!(
            r#"
version = "t"
[[project]]
id = "ecu-x"
name = "X"
country = "ECU"
description = "d"
[[project.flow]]
id = "loan"
kind = "{kind}"
name = "X: loan"
debt_events = [{events}]
"#
        ))
        .unwrap()
    }

    fn sources() -> BTreeMap<String, Source> {
        let (_, s) = load().unwrap();
        s
    }

    #[test]
    fn debt_events_are_read_and_checked() {
        let src = sources();
        let handle = src.keys().next().unwrap().clone();
        let f = file(
            &format!(
                r#"{{ kind = "principal_deferral", from = "2020-05-01", to = "2021-12-31", repayment = "spread_over_remaining", source = "{handle}", quote = "q" }},
                   {{ kind = "rate_change", from = "2022-01-01", rate = "LIBOR + 2.5", source = "{handle}" }}"#
            ),
            "loan",
        );
        let ev = events_of(&f, &src).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].flow, "ecu-x~loan");
        assert!(matches!(
            ev[0].change,
            ruta_debt::DebtChange::PrincipalDeferral {
                repayment: ruta_debt::DeferredRepayment::SpreadOverRemaining,
                ..
            }
        ));
        assert_eq!(ev[0].quote.as_deref(), Some("q"));
        for (events, kind, why) in [
            (
                format!(
                    r#"{{ kind = "rate_change", from = "2022-01-01", rate = "2", source = "{handle}" }}"#
                ),
                "grant",
                "loan flows",
            ),
            (
                format!(r#"{{ kind = "deferral", from = "2022-01-01", source = "{handle}" }}"#),
                "loan",
                "accepted values",
            ),
            (
                format!(
                    r#"{{ kind = "principal_deferral", from = "2022-01", to = "2022-12-31", source = "{handle}" }}"#
                ),
                "loan",
                "YYYY-MM-DD",
            ),
            (
                format!(
                    r#"{{ kind = "principal_deferral", from = "2022-01-01", source = "{handle}" }}"#
                ),
                "loan",
                "needs 'to'",
            ),
            (
                r#"{ kind = "rate_change", from = "2022-01-01", rate = "2", source = "nowhere" }"#
                    .to_string(),
                "loan",
                "unknown source",
            ),
            (
                format!(
                    r#"{{ kind = "rate_change", from = "2022-01-01", rate = "low", source = "{handle}" }}"#
                ),
                "loan",
                "rate",
            ),
        ] {
            let e = events_of(&file(&events, kind), &src)
                .unwrap_err()
                .to_string();
            assert!(e.contains("ecu-x~loan") && e.contains(why), "{e}");
        }
    }

    #[test]
    fn the_builtin_registry_states_valid_debt_events() {
        debt_events().unwrap();
    }
}
