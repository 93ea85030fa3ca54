//! AidData's How China Lends: one row per Chinese loan contract (or agreement: a
//! guarantee, an account-charge or a rescheduling agreement) with the terms and clauses
//! AidData's coders read in it. Each contract states claims on the loan it describes —
//! the AidData record `gcdf-<AidData_record_ID>` stored from a GCDF (or GCOF, CLG) file —
//! with the contract as their source (`dataset` "AidData How China Lends", the release
//! as `dataset_version`, the contract id as record, its PDF as URL, the workbook's sheet
//! and row as its place).
//!
//! Claims, per contract (HCL 2.0 column → claim field, as text):
//! `collateral` → `collateralized` (yes/no); `account_des` → `collateral` (what secures
//! the loan, in the contract's coders' words); `escrow_account`, `revenue_account`,
//! `reserve_account` → the same fields (yes/no); `cross_default` (+ `cross-default_des`
//! as quote) → `cross_default`; `confidentiality_general` / `_borrower` / `_lender` →
//! `confidentiality` ("yes: borrower, lender" or "no"); `paris_clause` → `no_paris_club_
//! clause`; a stabilisation column where a release has one → `stabilization_clause`;
//! `penalty_interest_rate` (+ its description) → `penalty_interest_clause` and, when
//! described, `default_interest_rate`; `governing_law` (+ party) → `governing_law`;
//! `arbitration` → `arbitration`; `jurisdiction` → `jurisdiction`; `guarantor_name` →
//! `guarantor`. (`borrower_income` is the World Bank's group, not the OECD DAC group
//! ruta's `income_group` means: it is not claimed.) A flag of 1 is "yes", 0 "no"; `NA`
//! and `-` state nothing. How China Lends
//! 2.0 codes no interest rate, maturity or grace: none is claimed. Loan contracts state
//! their claims with confidence 1; other agreements (a guarantee, a rescheduling) with
//! 0.8, since they describe the loan at second hand.
//!
//! A contract whose record is not stored is counted (`not_kept`, and listed in the
//! report's notes) and skipped — no record is made of it: import the GCDF file first,
//! then this one again. Contracts outside the region (the borrower's country) are
//! counted as such; a contract without a record id is not kept.

use crate::gcdf::Region;
use crate::input::{self, FileError, Rows, Sniffed};
use crate::table::{Cells, Header, normalize};
use crate::{FileReport, ImportError, Options, Problem, bad_row, parse};
use ruta_core::model::{Claim, ClaimValue, Source};
use ruta_store::Writer;
use std::path::Path;

pub const DATASET: &str = "AidData How China Lends";

/// The sheet the contracts are on in AidData's workbook.
pub const SHEET: &str = "ContractData";

/// Whether a row is the contracts' header.
pub fn is_header(cells: &[String]) -> bool {
    let n: Vec<String> = cells.iter().map(|c| normalize(c)).collect();
    n.iter().any(|c| c == "contract id") && n.iter().any(|c| c == "aiddata record id")
}

/// The release, from the file's name (`…Version_2_0…` → `2.0`) or the workbook's
/// ReadMe sheet ("How China Lends Dataset, Version 2.0"); `unknown` otherwise.
fn release(path: &Path, zip: bool) -> String {
    let re = regex::Regex::new(r"(?i)version[ _-]*(\d+)[ _.-](\d+)").expect("valid regex");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(m) = re.captures(&name) {
        return format!("{}.{}", &m[1], &m[2]);
    }
    if zip
        && let Ok(names) = input::sheet_names(path)
        && let Some(readme) = names.iter().find(|n| normalize(n) == "readme")
        && let Ok(mut rows) = input::XlsxRows::open_unchecked(path, readme)
    {
        for _ in 0..20 {
            let Ok(Some(r)) = rows.next_row() else { break };
            for c in &r.cells {
                if let Some(m) = re.captures(c) {
                    return format!("{}.{}", &m[1], &m[2]);
                }
            }
        }
    }
    "unknown".into()
}

/// Columns of the contracts table.
struct Columns {
    contract: Option<usize>,
    record: Option<usize>,
    country: Option<usize>,
    region: Option<usize>,
    category: Option<usize>,
    loan_contract: Option<usize>,
    url: Option<usize>,
    title: Option<usize>,
    year: Option<usize>,
    collateral: Option<usize>,
    account_des: Option<usize>,
    accounts: [(&'static str, Option<usize>); 3],
    cross_default: Option<usize>,
    cross_default_des: Option<usize>,
    conf_general: Option<usize>,
    conf_borrower: Option<usize>,
    conf_lender: Option<usize>,
    conf_des_borrower: Option<usize>,
    conf_des_lender: Option<usize>,
    paris: Option<usize>,
    paris_des: Option<usize>,
    stabilization: Option<usize>,
    stabilization_des: Option<usize>,
    penalty: Option<usize>,
    penalty_des: Option<usize>,
    law: Option<usize>,
    law_party: Option<usize>,
    arbitration: Option<usize>,
    jurisdiction: Option<usize>,
    guarantor: Option<usize>,
    guarantor_name: Option<usize>,
}

impl Columns {
    fn new(h: &Header) -> Result<Columns, String> {
        let need = |a: &[&str]| {
            h.find(a).ok_or_else(|| {
                format!("not an AidData How China Lends table: no '{}' column", a[0])
            })
        };
        Ok(Columns {
            contract: Some(need(&["contract id"])?),
            record: Some(need(&["aiddata record id"])?),
            country: h.find(&["borrower country"]),
            region: h.find(&["borrower region"]),
            category: h.find(&["contract category"]),
            loan_contract: h.find(&["loan contract"]),
            url: h.find(&["source"]),
            title: h.find(&["project title"]),
            year: h.find(&["year"]),
            collateral: h.find(&["collateral", "collateralized"]),
            account_des: h.find(&["account des"]),
            accounts: [
                ("escrow_account", h.find(&["escrow account"])),
                ("revenue_account", h.find(&["revenue account"])),
                ("reserve_account", h.find(&["reserve account"])),
            ],
            cross_default: h.find(&["cross default", "cross-default"]),
            cross_default_des: h.find(&["cross-default des", "cross default des"]),
            conf_general: h.find(&["confidentiality general", "confidentiality"]),
            conf_borrower: h.find(&["confidentiality borrower"]),
            conf_lender: h.find(&["confidentiality lender"]),
            conf_des_borrower: h.find(&["confidentiality des borrower"]),
            conf_des_lender: h.find(&["confidentiality des lender"]),
            paris: h.find(&["paris clause"]),
            paris_des: h.find(&["paris clause des"]),
            stabilization: h.find(&[
                "stabilization",
                "stabilisation",
                "stabilization clause",
                "stabilisation clause",
            ]),
            stabilization_des: h.find(&["stabilization des", "stabilisation des"]),
            penalty: h.find(&["penalty interest rate", "penalty interest"]),
            penalty_des: h.find(&["penalty interest rate des", "penalty interest des"]),
            law: h.find(&["governing law"]),
            law_party: h.find(&["governing law party"]),
            arbitration: h.find(&["arbitration"]),
            jurisdiction: h.find(&["jurisdiction"]),
            guarantor: h.find(&["guarantor"]),
            guarantor_name: h.find(&["guarantor name"]),
        })
    }
}

/// How China Lends' flags: 1 yes, 0 no; anything else (NA) says nothing.
fn flag(c: &Cells<'_>, col: Option<usize>) -> Option<bool> {
    c.optional(col, parse::flag).flatten()
}

/// What one contract says.
enum Row {
    Claims {
        records: Vec<String>,
        source: Box<Source>,
        claims: Vec<Claim>,
    },
    NoRecord,
    OutsideRegion,
}

fn map(c: &Cells<'_>, k: &Columns, version: &str, region: Region) -> Result<Row, Problem> {
    let contract = c.get(k.contract);
    if contract.is_empty() {
        return Err(c.problem(k.contract, "missing contract id"));
    }
    let country_name = c.get(k.country);
    let iso3 = ruta_core::country::resolve(country_name).map(|x| x.iso3.clone());
    // The World Bank region ("Latin America and the Caribbean") when the country is not
    // one ruta knows.
    if !region.keeps(iso3.as_deref(), c.opt(k.region)) {
        return Ok(Row::OutsideRegion);
    }
    // One contract may serve several records ("39720; 39721").
    let records: Vec<String> = c
        .get(k.record)
        .split([';', ',', '|', '/', ' '])
        .filter_map(|p| {
            parse::number(p)
                .ok()
                .filter(|v| v.fract() == 0.0 && *v > 0.0)
        })
        .map(|v| format!("gcdf-{}", v as i64))
        .fold(Vec::new(), |mut out, r| {
            if !out.contains(&r) {
                out.push(r);
            }
            out
        });
    if records.is_empty() {
        return Ok(Row::NoRecord);
    }
    let category = c.get(k.category);
    let loan = flag(c, k.loan_contract) != Some(false);
    let title = match c.opt(k.title) {
        Some(t) => format!("How China Lends {version}: {contract} ({t})"),
        None => format!("How China Lends {version}: {contract}"),
    };
    let mut source = Source::dataset_record(DATASET, version, contract, Some(title))
        .located(c.file, c.sheet, c.row.line);
    source.publisher = Some("AidData".into());
    if let Some(u) = c.opt(k.url).filter(|u| u.starts_with("http")) {
        source.url = Some(u.to_string());
    }
    if let Some(y) = c.opt(k.year) {
        source.date = parse::date(y)
            .ok()
            .or_else(|| parse::year(y).ok().map(|y| y.to_string()));
    }
    let key = source.key();
    let confidence = if loan { 1.0 } else { 0.8 };
    let qualifier = if category.is_empty() {
        "as How China Lends codes the contract".to_string()
    } else {
        format!("as How China Lends codes the {category}")
    };
    let mut claims = Vec::new();
    let mut text = |field: &str, value: String, col: Option<usize>, quote: Option<&str>| {
        claims.push(Claim {
            field: field.into(),
            value: ClaimValue::Text { value },
            source: key.clone(),
            locator: Some(c.locator(col)),
            span: None,
            quote: quote.filter(|q| !q.is_empty()).map(str::to_string),
            confidence,
            qualifier: Some(qualifier.clone()),
        });
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    if let Some(b) = flag(c, k.collateral) {
        text("collateralized", yes_no(b), k.collateral, None);
    }
    if let Some(d) = c.opt(k.account_des) {
        text("collateral", d.to_string(), k.account_des, None);
    }
    for (field, col) in k.accounts {
        if let Some(b) = flag(c, col) {
            text(field, yes_no(b), col, None);
        }
    }
    if let Some(b) = flag(c, k.cross_default) {
        text(
            "cross_default",
            yes_no(b),
            k.cross_default,
            c.opt(k.cross_default_des),
        );
    }
    let borrower = flag(c, k.conf_borrower);
    let lender = flag(c, k.conf_lender);
    let general = flag(c, k.conf_general);
    if general.is_some() || borrower.is_some() || lender.is_some() {
        let who: Vec<&str> = [(borrower, "borrower"), (lender, "lender")]
            .iter()
            .filter(|(b, _)| *b == Some(true))
            .map(|(_, w)| *w)
            .collect();
        let value = if who.is_empty() {
            yes_no(general == Some(true))
        } else {
            format!("yes: {}", who.join(", "))
        };
        let quote = c.opt(k.conf_des_borrower).or(c.opt(k.conf_des_lender));
        text(
            "confidentiality",
            value,
            k.conf_general.or(k.conf_borrower),
            quote,
        );
    }
    if let Some(b) = flag(c, k.paris) {
        text(
            "no_paris_club_clause",
            yes_no(b),
            k.paris,
            c.opt(k.paris_des),
        );
    }
    if let Some(b) = flag(c, k.stabilization) {
        text(
            "stabilization_clause",
            yes_no(b),
            k.stabilization,
            c.opt(k.stabilization_des),
        );
    }
    if let Some(b) = flag(c, k.penalty) {
        text(
            "penalty_interest_clause",
            yes_no(b),
            k.penalty,
            c.opt(k.penalty_des),
        );
    }
    if let Some(d) = c.opt(k.penalty_des) {
        text("default_interest_rate", d.to_string(), k.penalty_des, None);
    }
    if let Some(l) = c.opt(k.law) {
        let value = match c.opt(k.law_party) {
            Some(p) => format!("{l} ({p} law)"),
            None => l.to_string(),
        };
        text("governing_law", value, k.law, None);
    }
    if let Some(a) = c.opt(k.arbitration) {
        text("arbitration", a.to_string(), k.arbitration, None);
    }
    if let Some(j) = c.opt(k.jurisdiction) {
        text("jurisdiction", j.to_string(), k.jurisdiction, None);
    }
    if flag(c, k.guarantor) == Some(true) {
        let name = c.opt(k.guarantor_name).unwrap_or("named in the contract");
        text("guarantor", name.to_string(), k.guarantor_name, None);
    }
    Ok(Row::Claims {
        records,
        source: Box::new(source),
        claims,
    })
}

/// Imports a How China Lends file (the workbook's `ContractData` sheet, or a CSV).
pub fn import(
    w: &mut Writer<'_>,
    path: &Path,
    opts: &Options,
    report: &mut FileReport,
) -> Result<bool, ImportError> {
    let zip = input::sniff(path)? == Sniffed::Zip;
    let sheet = if zip {
        let names = input::sheet_names(path)?;
        Some(if names.iter().any(|n| n == SHEET) {
            SHEET.to_string()
        } else {
            names
                .into_iter()
                .find(|n| normalize(n).contains("contract"))
                .ok_or_else(|| {
                    FileError::new(path, format!("no sheet '{SHEET}' with the contracts"))
                })?
        })
    } else {
        None
    };
    let version = release(path, zip);
    let (order, words) = crate::Kind::AiddataHcl.default_date_order();
    let (mut rows, dialect) = match &sheet {
        Some(s) => (Rows::Xlsx(input::XlsxRows::open_unchecked(path, s)?), None),
        None => Rows::open_with(path, None, &opts.dialect, order, words)?,
    };
    let (header_row, _) = crate::find_header(&mut rows, path, is_header)?;
    let header = Header::new(&header_row.cells);
    if let Some(mut d) = dialect {
        crate::name_date_columns(&mut d, &header);
        report.dialect = Some(d);
    }
    rows.set_width(header.len());
    let k = Columns::new(&header).map_err(|r| FileError::new(path, r))?;
    let missing_markers = crate::Kind::AiddataHcl.missing_markers();
    let mut not_stored: Vec<String> = Vec::new();
    let mut claims_added = 0usize;
    while let Some(item) = rows.next_item()? {
        let row = match item {
            Ok(r) => r,
            Err(d) => {
                report.rows_read += 1;
                let p = Problem {
                    file: path.display().to_string(),
                    line: d.line,
                    column: None,
                    value: None,
                    reason: d.reason,
                };
                if bad_row(report, p, opts) {
                    return Ok(false);
                }
                continue;
            }
        };
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows_read += 1;
        let c = Cells::new(&row, &header, path, sheet.as_deref()).with_missing(missing_markers);
        let mapped = map(&c, &k, &version, opts.region);
        let emptied = c.emptied.take();
        if !emptied.is_empty() {
            if opts.strict {
                report.skipped += 1;
                report.problems.extend(emptied);
                return Ok(false);
            }
            report.add_emptied(emptied);
        }
        match mapped {
            Err(p) => {
                if bad_row(report, p, opts) {
                    return Ok(false);
                }
            }
            Ok(Row::OutsideRegion) => report.outside_region += 1,
            Ok(Row::NoRecord) => report.not_kept += 1,
            Ok(Row::Claims {
                records,
                source,
                claims,
            }) => {
                let mut stored = 0;
                let mut added = 0;
                for r in &records {
                    if !w.record_exists(r).map_err(ImportError::Store)? {
                        continue;
                    }
                    stored += 1;
                    added += w
                        .add_evidence(r, std::slice::from_ref(source.as_ref()), &claims, &[])
                        .map_err(ImportError::Store)?;
                }
                if stored == 0 {
                    report.not_kept += 1;
                    not_stored.push(format!(
                        "{} ({})",
                        source.record_id.clone().unwrap_or_default(),
                        records.join(", ")
                    ));
                } else if added > 0 {
                    claims_added += added;
                    report.imported += 1;
                } else {
                    report.unchanged += 1;
                }
            }
        }
    }
    report.notes.push(format!(
        "How China Lends {version}: {} contracts stated {claims_added} new claims on the loans they describe",
        report.imported
    ));
    if !not_stored.is_empty() {
        let shown: Vec<&str> = not_stored.iter().take(10).map(String::as_str).collect();
        report.notes.push(format!(
            "{} contracts describe loans not in the database, not kept (import the AidData GCDF file first, then this file again): {}{}",
            not_stored.len(),
            shown.join("; "),
            if not_stored.len() > 10 { "; …" } else { "" }
        ));
    }
    Ok(true)
}
