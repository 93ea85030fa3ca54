//! Open data out: the whole database as a Frictionless Data Package — `datapackage.json`
//! (one tabular resource per table, each with its table schema, primary and foreign
//! keys) and one CSV per resource (UTF-8, comma, header row, RFC 4180 quoting, empty
//! cell = null) — readable as it is by pandas, R, DuckDB, Excel and the Frictionless
//! tools. Rows are streamed from SQLite to the files: memory stays flat whatever the size.

use crate::{Result, StoreError};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Value, json};
use std::path::Path;

/// One exported table: its name, description, query and the type of each column.
struct Resource {
    name: &'static str,
    description: &'static str,
    sql: &'static str,
    /// (column, Frictionless type, description)
    fields: &'static [(&'static str, &'static str, &'static str)],
    primary_key: &'static [&'static str],
    /// (column, resource, column)
    foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

const RESOURCES: &[Resource] = &[
    Resource {
        name: "projects",
        description: "Real-world projects (a port, a dam, a mine): one row per project, with its value and its counted flows.",
        sql: "SELECT id, name, country, sector_group, sector_subgroup, sector_code, sector_name, status, year,
                flow_kind, value_amount, value_currency, value_year, value_usd, counted_usd, flow_count,
                amount_usd, lat, lon, precision, source_count, description
              FROM projects WHERE canonical_id = id ORDER BY id",
        fields: &[
            ("id", "string", "Stable project id (a registry slug or a dataset record id)"),
            ("name", "string", ""),
            ("country", "string", "ISO 3166-1 alpha-3"),
            ("sector_group", "string", "traditional_infrastructure, new_frontier, extractives, agriculture, social, finance_other"),
            ("sector_subgroup", "string", ""),
            ("sector_code", "string", "OECD CRS purpose code"),
            ("sector_name", "string", ""),
            ("status", "string", "pledge, commitment, implementation, completion, suspended, cancelled"),
            ("year", "integer", "Year of the project's first flow"),
            ("flow_kind", "string", "Kind of its largest counted flow"),
            ("value_amount", "number", "The project's value (total cost or size) in its original currency"),
            ("value_currency", "string", "ISO 4217"),
            ("value_year", "integer", ""),
            ("value_usd", "number", "The value in constant 2021 US dollars"),
            ("counted_usd", "number", "Sum of its counted flows, constant 2021 US dollars"),
            ("flow_count", "integer", ""),
            ("amount_usd", "number", "Listing amount: value when known, else counted flows (constant 2021 USD)"),
            ("lat", "number", ""),
            ("lon", "number", ""),
            ("precision", "integer", "IATI geographical precision 1-9"),
            ("source_count", "integer", ""),
            ("description", "string", ""),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Resource {
        name: "records",
        description: "Records (dataset rows, registry entries) and the project each belongs to.",
        sql: "SELECT id, canonical_id, name, dataset, record_id, curated_project FROM projects ORDER BY id",
        fields: &[
            ("id", "string", "Record id"),
            ("project_id", "string", "The project holding the record"),
            ("name", "string", ""),
            ("dataset", "string", "Dataset the record is a row of; empty for the registry"),
            ("record_id", "string", "The record's id in its dataset"),
            ("curated_project", "boolean", "A registry entry describing a whole project"),
        ],
        primary_key: &["id"],
        foreign_keys: &[("project_id", "projects", "id")],
    },
    Resource {
        name: "flows",
        description: "Financial commitments (loans, grants, equity, acquisitions, contracts), each counted once: `counted` and `not_counted_reason` say what totals add and why not.",
        sql: "SELECT id, project_id, kind, kind_basis, kind_inferred, origin, dataset, dataset_version, country,
                sector_group, year, status, amount, currency, amount_year, amount_usd_nominal, amount_usd,
                counted, not_counted_reason, group_id, include_in_aggregates, umbrella, commitment_date,
                interest_rate, maturity_years, grace_period_years, collateral
              FROM flows ORDER BY id",
        fields: &[
            ("id", "string", "The id of the record stating the flow"),
            ("project_id", "string", ""),
            ("kind", "string", "loan, grant, equity, m_and_a, construction_contract, debt_relief, unknown"),
            ("kind_basis", "string", "The dataset field, inference rule or registry entry giving the kind"),
            ("kind_inferred", "boolean", ""),
            ("origin", "string", "dataset, registry, article"),
            ("dataset", "string", ""),
            ("dataset_version", "string", ""),
            ("country", "string", "ISO 3166-1 alpha-3"),
            ("sector_group", "string", ""),
            ("year", "integer", ""),
            ("status", "string", ""),
            ("amount", "number", "In units of `currency`"),
            ("currency", "string", "ISO 4217"),
            ("amount_year", "integer", ""),
            ("amount_usd_nominal", "number", "Nominal US dollars of the amount's year"),
            ("amount_usd", "number", "Constant 2021 US dollars (ruta's one method)"),
            ("counted", "boolean", "Whether totals count it"),
            ("not_counted_reason", "string", "duplicate_of:, superseded_by:, financed_by:, refinances:, umbrella, status, dataset_flag"),
            ("group_id", "string", "The flow representing its same-flow group"),
            ("include_in_aggregates", "boolean", "The dataset's own flag"),
            ("umbrella", "boolean", ""),
            ("commitment_date", "string", "ISO date, possibly partial"),
            ("interest_rate", "number", "Percent per year"),
            ("maturity_years", "number", ""),
            ("grace_period_years", "number", ""),
            ("collateral", "string", ""),
        ],
        primary_key: &["id"],
        foreign_keys: &[("id", "records", "id")],
    },
    Resource {
        name: "claims",
        description: "Every value a source states of a record: the evidence behind every displayed number.",
        sql: "SELECT id, project_id, field, kind, amount, currency, money_year, usd_nominal, usd_2021, conversion,
                number, unit, text, source_id, locator, span_start, span_end, quote, confidence, qualifier
              FROM claims ORDER BY id",
        fields: &[
            ("id", "integer", ""),
            ("record_id", "string", "The record the claim is about"),
            ("field", "string", "amount, value, amount_published_constant, year, status, dates, terms, quantity …"),
            ("kind", "string", "money, number, quantity, percent, date, text, status"),
            ("amount", "number", "Money: in units of `currency`"),
            ("currency", "string", "ISO 4217"),
            ("money_year", "integer", ""),
            ("usd_nominal", "number", ""),
            ("usd_2021", "number", "Constant 2021 US dollars"),
            ("conversion", "string", "The tables that derived the US-dollar figures"),
            ("number", "number", "Number, percent or quantity"),
            ("unit", "string", ""),
            ("text", "string", "Date, text or status"),
            ("source_id", "integer", ""),
            ("locator", "string", "Where in the source: line and column, or byte span"),
            ("span_start", "integer", ""),
            ("span_end", "integer", ""),
            ("quote", "string", ""),
            ("confidence", "number", "0-1"),
            ("qualifier", "string", ""),
        ],
        primary_key: &["id"],
        foreign_keys: &[("record_id", "records", "id"), ("source_id", "sources", "id")],
    },
    Resource {
        name: "sources",
        description: "Dataset rows, articles and documents that state claims.",
        sql: "SELECT id, kind, title, publisher, url, date, language, dataset, dataset_version, record_id, file,
                sheet, line FROM sources ORDER BY id",
        fields: &[
            ("id", "integer", ""),
            ("kind", "string", "dataset_record, official_document, report, news_article, other"),
            ("title", "string", ""),
            ("publisher", "string", ""),
            ("url", "string", ""),
            ("date", "string", "ISO date, possibly partial"),
            ("language", "string", "ISO 639-1"),
            ("dataset", "string", ""),
            ("dataset_version", "string", ""),
            ("record_id", "string", ""),
            ("file", "string", "A dataset row's file"),
            ("sheet", "string", ""),
            ("line", "integer", "1-based line or row where the record starts"),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Resource {
        name: "events",
        description: "Dated implementation problems and milestones, with the record they are about.",
        sql: "SELECT e.id, e.project_id, p.canonical_id, e.kind, e.date, e.summary,
                (SELECT group_concat(source_id, ';') FROM event_sources s WHERE s.event_id = e.id)
              FROM events e JOIN projects p ON p.id = e.project_id ORDER BY e.id",
        fields: &[
            ("id", "integer", ""),
            ("record_id", "string", ""),
            ("project_id", "string", ""),
            ("kind", "string", "corruption, protest, labour_abuse, environmental_harm, structural_defect, delay_cost_overrun, arbitration, debt_distress, cancellation, inauguration, milestone"),
            ("date", "string", "ISO date, possibly partial"),
            ("summary", "string", ""),
            ("source_ids", "string", "Ids of the sources reporting it, separated by ';'"),
        ],
        primary_key: &["id"],
        foreign_keys: &[("record_id", "records", "id")],
    },
    Resource {
        name: "unattached_events",
        description: "Events news reports about no project ruta could identify, with the article's country and the organizations named.",
        sql: "SELECT id, source_id, kind, date, country, orgs, candidates, summary, quote, locator
              FROM unattached_events ORDER BY id",
        fields: &[
            ("id", "integer", ""),
            ("source_id", "integer", "The article reporting it"),
            ("kind", "string", "corruption, protest, labour_abuse, environmental_harm, structural_defect, delay_cost_overrun, arbitration, debt_distress, cancellation, inauguration, milestone"),
            ("date", "string", "ISO date or year, possibly partial: the sentence's, else the article's"),
            ("country", "string", "ISO 3166-1 alpha-3 (never CHN)"),
            ("organization_ids", "string", "JSON array of organization ids the sentence names"),
            ("candidate_ids", "string", "JSON array of records the words fit when nothing chose one"),
            ("summary", "string", ""),
            ("quote", "string", "The sentence"),
            ("locator", "string", "Byte span in the article"),
        ],
        primary_key: &["id"],
        foreign_keys: &[("source_id", "sources", "id")],
    },
    Resource {
        name: "organizations",
        description: "Lenders, investors, contractors, borrowers … (ruta's gazetteer and names first seen in datasets).",
        sql: "SELECT id, name, kind, country, parent_id, curated FROM organizations ORDER BY id",
        fields: &[
            ("id", "string", ""),
            ("name", "string", ""),
            ("kind", "string", ""),
            ("country", "string", "ISO 3166-1 alpha-3"),
            ("parent_id", "string", ""),
            ("curated", "boolean", "From ruta's gazetteer"),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Resource {
        name: "parties",
        description: "Who takes part in a record, in which role and with which share.",
        sql: "SELECT project_id, org_id, role, share, source_id FROM parties ORDER BY project_id, org_id, role",
        fields: &[
            ("record_id", "string", ""),
            ("org_id", "string", ""),
            ("role", "string", "lender, co_financier, donor, investor, target, contractor, owner, operator, borrower …"),
            ("share", "number", "Percent"),
            ("source_id", "integer", ""),
        ],
        primary_key: &["record_id", "org_id", "role"],
        foreign_keys: &[("record_id", "records", "id"), ("org_id", "organizations", "id")],
    },
    Resource {
        name: "relations",
        description: "How records relate (same flow, loan that finances a contract, newer release …), with who said so.",
        sql: "SELECT id, kind, from_id, to_id, origin, rule, score, judgement, created_at FROM relations ORDER BY id",
        fields: &[
            ("id", "integer", ""),
            ("kind", "string", "same_as, finances, refinances, part_of, supersedes, same_project"),
            ("from_id", "string", ""),
            ("to_id", "string", ""),
            ("origin", "string", "dataset, registry, rule, linker, person"),
            ("rule", "string", ""),
            ("score", "number", ""),
            ("judgement", "string", "positive, negative, candidate"),
            ("created_at", "string", ""),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
];

/// What an export wrote: resource name and row count, in order.
pub type ExportSummary = Vec<(String, u64)>;

/// Writes the data package into `dir` (created if missing; files of the same names are
/// replaced). Errors name the file that could not be written.
pub fn export_package(conn: &Connection, dir: &Path, title: &str) -> Result<ExportSummary> {
    let io =
        |p: &Path, e: &dyn std::fmt::Display| StoreError::Invalid(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let mut summary = Vec::new();
    let mut resources = Vec::new();
    for r in RESOURCES {
        let file = dir.join(format!("{}.csv", r.name));
        let f = std::fs::File::create(&file).map_err(|e| io(&file, &e))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
        w.write_record(r.fields.iter().map(|f| f.0))
            .map_err(|e| io(&file, &e))?;
        let mut st = conn.prepare(r.sql)?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        let mut count = 0u64;
        let mut cells: Vec<String> = Vec::with_capacity(n);
        while let Some(row) = rows.next()? {
            cells.clear();
            for i in 0..n {
                cells.push(match row.get_ref(i)? {
                    ValueRef::Null => String::new(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => format_number(v),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    ValueRef::Blob(_) => String::new(),
                });
            }
            w.write_record(&cells).map_err(|e| io(&file, &e))?;
            count += 1;
        }
        w.flush().map_err(|e| io(&file, &e))?;
        summary.push((r.name.to_string(), count));
        resources.push(json!({
            "name": r.name,
            "path": format!("{}.csv", r.name),
            "profile": "tabular-data-resource",
            "description": r.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": true, "doubleQuote": true},
            "schema": schema(r),
        }));
    }
    let package = json!({
        "profile": "tabular-data-package",
        "name": "ruta",
        "title": title,
        "description": "China's finance, investment and trade in Latin America and the Caribbean, as kept by ruta: every number with its source. Money in units of the currency; amount_usd in constant 2021 US dollars (ruta's one method); totals sum flows whose `counted` is true.",
        "created": crate::now(),
        "licenses": [{"name": "various", "title": "Each source's own terms; cite the sources in `sources.csv`"}],
        "resources": resources,
    });
    let path = dir.join("datapackage.json");
    let text = serde_json::to_string_pretty(&package).map_err(|e| io(&path, &e))?;
    std::fs::write(&path, text + "\n").map_err(|e| io(&path, &e))?;
    Ok(summary)
}

fn schema(r: &Resource) -> Value {
    let fields: Vec<Value> = r
        .fields
        .iter()
        .map(|(name, ty, desc)| {
            let mut f = json!({"name": name, "type": ty});
            if *ty == "boolean" {
                f["trueValues"] = json!(["1"]);
                f["falseValues"] = json!(["0"]);
            }
            if !desc.is_empty() {
                f["description"] = json!(desc);
            }
            f
        })
        .collect();
    let fks: Vec<Value> = r
        .foreign_keys
        .iter()
        .map(
            |(col, res, key)| json!({"fields": col, "reference": {"resource": res, "fields": key}}),
        )
        .collect();
    json!({
        "fields": fields,
        "primaryKey": r.primary_key,
        "foreignKeys": fks,
        "missingValues": [""],
    })
}

/// A number as CSV text: whole numbers without a fraction, others in full precision.
fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
