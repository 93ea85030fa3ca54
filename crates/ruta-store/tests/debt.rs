//! Loans as debt in the store: terms from claims (the display rule, the same-flow group),
//! grant elements, schedules with stated events, reported debt service and the
//! comparison.

use ruta_core::model::*;
use ruta_core::*;
use ruta_debt::ids::IdsSeries;
use ruta_debt::{DebtChange, DeferredRepayment, Disbursement};
use ruta_store::debt::{
    self, Assume, DebtFilter, DebtOptions, ReportedValue, ServiceBy, Years, reported_to_china,
};
use ruta_store::{Store, flows, query};
use std::collections::BTreeMap;

/// A loan record of `dataset` stating `terms` (field, value) as claims.
fn loan(id: &str, dataset: &str, amount: Option<f64>, terms: &[(&str, ClaimValue)]) -> Record {
    let mut r = Record::new(
        "test",
        Project {
            id: id.into(),
            name: format!("Loan {id}"),
            aliases: vec![],
            description: None,
            country: Some("ECU".into()),
            sector_code: None,
            sector_name: None,
            sector_group: SectorGroup::TraditionalInfrastructure,
            sector_subgroup: None,
            sector_rule: None,
            parent_id: None,
            package_id: None,
            dataset: Some(dataset.into()),
            record_id: Some(id.into()),
            attributes: BTreeMap::new(),
        },
    );
    r.flow = Some(FlowStmt {
        kind: FlowKind::Loan,
        kind_basis: "test".into(),
        kind_inferred: false,
        include_in_aggregates: None,
        umbrella: None,
    });
    let ds = r.add_source(Source::dataset_record(dataset, "1.0", id, None));
    if let Some(a) = amount {
        r.claim(
            "amount",
            ClaimValue::Money(Money::derive(a, "USD", Some(2010))),
            &ds,
            None,
        );
    }
    r.claim("year", ClaimValue::Number { value: 2010.0 }, &ds, None);
    for (f, v) in terms {
        r.claim(f, v.clone(), &ds, Some(format!("column {f}")));
    }
    r
}

fn pct(v: f64) -> ClaimValue {
    ClaimValue::Percent { value: v }
}
fn num(v: f64) -> ClaimValue {
    ClaimValue::Number { value: v }
}
fn date(s: &str) -> ClaimValue {
    ClaimValue::Date { value: s.into() }
}
fn text(s: &str) -> ClaimValue {
    ClaimValue::Text { value: s.into() }
}

fn store_with(recs: &[Record]) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let mut w = s.writer().unwrap();
    for r in recs {
        w.write_record(r).unwrap();
    }
    w.commit().unwrap();
    s
}

#[test]
fn loan_flows_show_their_terms_and_grant_elements() {
    // AidData record 54912's terms: 2 %, 21.75 years, 5 years' grace, UMIC.
    let s = store_with(&[loan(
        "t-1",
        "Test dataset",
        Some(600e6),
        &[
            ("commitment_date", date("2016-12-15")),
            ("interest_rate", pct(2.0)),
            ("maturity_years", num(21.75)),
            ("grace_period_years", num(5.0)),
            ("collateralized", text("yes")),
            (
                "collateral",
                text("Crude oil sales proceeds in an escrow account"),
            ),
            ("income_group", text("Upper middle income")),
            ("grant_element_imf", pct(27.599)),
        ],
    )]);
    let (fl, _) = flows::list_flows(s.conn(), &query::Filter::default(), 10, 0).unwrap();
    let t = fl[0].terms.as_ref().expect("a loan has terms");
    assert_eq!(t.interest_rate, Some(2.0));
    assert_eq!(t.maturity_years, Some(21.75));
    assert_eq!(t.grace_years, Some(5.0));
    assert_eq!(t.collateralized, Some(true));
    assert_eq!(t.commodity.as_deref(), Some("oil"));
    assert_eq!(t.grant_element.oecd_cash_flow, Some(54.7023));
    assert_eq!(t.grant_element.oecd_grant_equivalent, Some(34.5267));
    assert_eq!(t.grant_element.imf, Some(27.599));
    assert_eq!(t.grant_element_stated.imf, Some(27.599));
    assert_eq!(t.grant_element_stated.oecd_cash_flow, None);
    let v = serde_json::to_value(&fl[0]).unwrap();
    for k in [
        "interest_rate",
        "maturity_years",
        "grace_years",
        "first_repayment",
        "last_repayment",
        "collateralized",
        "grant_element",
    ] {
        assert!(v["terms"].get(k).is_some(), "{k}");
    }
    // The terms claims are flow fields: in the project's claim list they compete within
    // their record.
    assert!(query::is_flow_field("collateralized"));
    assert!(query::is_flow_field("grant_element_imf"));
}

#[test]
fn schedules_use_the_groups_terms_and_say_what_they_assumed() {
    // The counted dataset row states no terms; an article about the same loan states the
    // rate and maturity.
    let mut row = loan("t-row", "Test dataset", Some(100e6), &[]);
    row.relate(
        RelationKind::SameAs,
        "t-news",
        true,
        RelationOrigin::Registry,
        "test",
    );
    let mut news = loan(
        "t-news",
        "Other",
        Some(100e6),
        &[("interest_rate", pct(6.0)), ("maturity_years", num(10.0))],
    );
    news.project.dataset = None;
    let s = store_with(&[row, news]);
    let opts = DebtOptions::default();
    let loans = debt::loans(s.conn(), &DebtFilter::default(), &opts).unwrap();
    assert_eq!(loans.len(), 1, "one counted loan");
    let l = &loans[0];
    assert!(l.scheduled, "{l:?}");
    assert_eq!(l.terms.interest_rate, Some(6.0));
    assert_eq!(
        l.terms_from.get("maturity_years").map(String::as_str),
        Some(l.terms_from["interest_rate"].as_str())
    );
    assert!(
        l.assumptions
            .iter()
            .any(|a| a.contains("commitment date unknown: taken as 1 July 2010"))
    );
    assert!(
        l.assumptions
            .iter()
            .any(|a| a.contains("grace period unknown"))
    );
    let (rows, _) = debt::schedule_rows(s.conn(), &DebtFilter::default(), &opts).unwrap();
    let principal: f64 = rows.iter().filter_map(|r| r.principal_usd).sum();
    assert!((principal - 100e6).abs() < 1.0, "{principal}");
    assert_eq!(rows.first().unwrap().year, 2010);
    assert_eq!(rows.last().unwrap().year, 2020);
    assert_eq!(rows.last().unwrap().outstanding_usd, Some(0.0));
    // Either record id selects the loan.
    for id in ["t-row", "t-news"] {
        let f = DebtFilter {
            flow: Some(id.into()),
            ..Default::default()
        };
        assert_eq!(debt::loans(s.conn(), &f, &opts).unwrap().len(), 1);
    }
}

#[test]
fn loans_lacking_terms_are_listed_unless_defaults_are_asked_for() {
    let s = store_with(&[
        loan("t-a", "Test dataset", Some(50e6), &[]),
        loan(
            "t-b",
            "Test dataset",
            None,
            &[("maturity_years", num(10.0))],
        ),
    ]);
    let loans = debt::loans(s.conn(), &DebtFilter::default(), &DebtOptions::default()).unwrap();
    let missing: Vec<_> = loans.iter().map(|l| l.missing.clone().unwrap()).collect();
    assert_eq!(
        missing,
        ["no maturity or last repayment date", "no amount"],
        "{loans:?}"
    );
    let opts = DebtOptions {
        disbursement: Disbursement::Linear,
        assume: Assume {
            maturity_years: Some(15.0),
            grace_years: Some(4.0),
            interest_percent: Some(6.0),
        },
    };
    let loans = debt::loans(s.conn(), &DebtFilter::default(), &opts).unwrap();
    let a = loans.iter().find(|l| l.flow_id == "t-a").unwrap();
    assert!(a.scheduled);
    for words in [
        "maturity unknown: taken as 15 years",
        "grace period unknown: taken as 4 years",
        "interest rate unknown: taken as 6 % a year",
        "disbursed in 8 equal semiannual tranches",
    ] {
        assert!(
            a.assumptions.iter().any(|x| x.contains(words)),
            "{words}: {a:?}"
        );
    }
    let counts = debt::assumption_counts(&loans);
    assert!(
        counts
            .iter()
            .any(|(t, n)| t.contains("15 years") && *n == 1)
    );
}

#[test]
fn stated_events_change_the_schedule_with_their_source() {
    let rec = loan(
        "t-e",
        "Test dataset",
        Some(100e6),
        &[
            ("commitment_date", date("2010-01-15")),
            ("interest_rate", pct(5.0)),
            ("maturity_years", num(15.0)),
            ("grace_period_years", num(5.0)),
        ],
    );
    let mut s = store_with(&[rec]);
    let opts = DebtOptions::default();
    let before = debt::loans(s.conn(), &DebtFilter::default(), &opts).unwrap();
    {
        let mut w = s.writer().unwrap();
        let sid = w
            .source_id(&Source::dataset_record("Test events", "1", "e1", None))
            .unwrap();
        let change = DebtChange::PrincipalDeferral {
            from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            to: chrono::NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
            repayment: DeferredRepayment::ShiftSchedule,
        };
        assert!(
            w.state_debt_event("t-e", &change, sid, Some("p. 3"), None, "registry")
                .unwrap()
        );
        assert!(
            !w.state_debt_event("t-e", &change, sid, None, None, "registry")
                .unwrap(),
            "stated once"
        );
        w.commit().unwrap();
    }
    let after = debt::loans(s.conn(), &DebtFilter::default(), &opts).unwrap();
    assert_eq!(before[0].last_repayment.as_deref(), Some("2025-01-15"));
    assert_eq!(after[0].last_repayment.as_deref(), Some("2027-01-15"));
    assert!(
        after[0].events[0].contains("deferred"),
        "{:?}",
        after[0].events
    );
    assert!(
        after[0].events[0].contains("Test events"),
        "the source's key"
    );
    assert!(after[0].interest_usd.unwrap() > before[0].interest_usd.unwrap());
    // A new registry version clears what the registry stated.
    let mut w = s.writer().unwrap();
    assert_eq!(w.clear_debt_events("registry").unwrap(), 1);
    w.commit().unwrap();
    let again = debt::loans(s.conn(), &DebtFilter::default(), &opts).unwrap();
    assert_eq!(again[0].last_repayment, before[0].last_repayment);
}

#[test]
fn service_lines_projected_up_with_reported_and_gdp() {
    let rec = loan(
        "t-s",
        "Test dataset",
        Some(100e6),
        &[
            ("commitment_date", date("2010-01-15")),
            ("interest_rate", pct(5.0)),
            ("maturity_years", num(10.0)),
            ("grace_period_years", num(2.0)),
        ],
    );
    let mut s = store_with(&[rec]);
    {
        let mut w = s.writer().unwrap();
        let sid = w
            .source_id(&Source::dataset_record(
                debt::IDS_DATASET,
                "v",
                "ids.csv",
                None,
            ))
            .unwrap();
        for (year, series, v) in [
            (2015, IdsSeries::Principal, 10e6),
            (2015, IdsSeries::Interest, 2e6),
            (2024, IdsSeries::Principal, 1e6),
        ] {
            let rv = ReportedValue {
                debtor: "ECU".into(),
                creditor: "China".into(),
                creditor_iso3: Some("CHN".into()),
                series,
                year,
                value_usd: v,
                projected: year >= 2024,
                locator: "line 2".into(),
            };
            assert!(w.write_reported_service(sid, &rv).unwrap());
        }
        let bad = ReportedValue {
            debtor: "ECU".into(),
            creditor: "China".into(),
            creditor_iso3: Some("CHN".into()),
            series: IdsSeries::Principal,
            year: 2016,
            value_usd: -1.0,
            projected: false,
            locator: "line 9".into(),
        };
        assert!(w.write_reported_service(sid, &bad).is_err());
        // Ecuador's goods exports to the world in 2015, as a DOTS file states them.
        let dots = w
            .source_id(&Source::dataset_record(
                ruta_store::trade::DOTS,
                "v",
                "dots.csv",
                None,
            ))
            .unwrap();
        let tv = ruta_store::trade::TradeValue {
            reporter: Some("ECU".into()),
            partner: ruta_store::trade::WORLD.into(),
            flow: ruta_store::trade::Flow::Export,
            year: 2015,
            hs2: None,
            measure: ruta_store::trade::Measure::ValueUsd,
            value: 20e9,
            valuation: Some(ruta_store::trade::Valuation::Fob),
            derived: None,
            locator: "line 3".into(),
            span: None,
            quote: None,
            confidence: 1.0,
        };
        assert!(w.write_trade(dots, &tv).unwrap());
        w.commit().unwrap();
    }
    let rep = reported_to_china(s.conn(), Some("ECU")).unwrap();
    assert_eq!(rep[&("ECU".into(), 2015)].total_usd(), 12e6);
    let years = Years {
        from: Some(2010),
        to: Some(2025),
    };
    let (rows, _) = debt::service(
        s.conn(),
        &DebtFilter {
            country: Some("ECU".into()),
            ..Default::default()
        },
        ServiceBy::Year,
        years,
        &DebtOptions::default(),
    )
    .unwrap();
    assert_eq!(rows.len(), 16, "2010–2025, every year");
    let y2015 = rows.iter().find(|r| r.key == 2015).unwrap();
    assert!(y2015.projected_usd > 10e6);
    assert_eq!(y2015.reported_usd, Some(12e6));
    assert_eq!(y2015.gap_usd, Some(y2015.projected_usd - 12e6));
    let gdp = ruta_debt::gdp::GdpTable::lac().get("ECU", 2015).unwrap();
    assert!((y2015.gdp_share.unwrap() - 100.0 * y2015.projected_usd / gdp).abs() < 1e-9);
    assert!((y2015.reported_gdp_share.unwrap() - 100.0 * 12e6 / gdp).abs() < 1e-9);
    assert!((y2015.exports_share.unwrap() - 100.0 * y2015.projected_usd / 20e9).abs() < 1e-9);
    assert!((y2015.reported_exports_share.unwrap() - 100.0 * 12e6 / 20e9).abs() < 1e-9);
    assert_eq!(
        rows.iter().find(|r| r.key == 2016).unwrap().exports_share,
        None
    );
    let y2024 = rows.iter().find(|r| r.key == 2024).unwrap();
    assert!(y2024.reported_is_projection);
    let y2012 = rows.iter().find(|r| r.key == 2012).unwrap();
    assert_eq!(y2012.reported_usd, None);
    // By country: one row, summed over the years; by lender: nothing reported.
    let (rows, _) = debt::service(
        s.conn(),
        &DebtFilter::default(),
        ServiceBy::Country,
        years,
        &DebtOptions::default(),
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].key, "ECU");
    assert_eq!(rows[0].reported_usd, Some(13e6));
    let (rows, _) = debt::service(
        s.conn(),
        &DebtFilter::default(),
        ServiceBy::Lender,
        years,
        &DebtOptions::default(),
    )
    .unwrap();
    assert_eq!(rows[0].key, "unattributed");
    assert_eq!(rows[0].reported_usd, None);
    assert_eq!(rows[0].gdp_share, None);
}
