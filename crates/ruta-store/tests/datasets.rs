//! Belt and Road membership as a flow condition of the shared filter, country totals
//! with membership, and an older release of a stored record written after a newer one.

use ruta_core::model::*;
use ruta_core::*;
use ruta_store::{Store, explore, flows, query};
use std::collections::BTreeMap;

/// A loan of `iso3` committed on `date` (a day, a month or a year), with its amount.
fn loan(id: &str, iso3: &str, date: &str, version: &str, name: &str, usd: f64) -> Record {
    let mut r = Record::new(
        &format!("test-{version}"),
        Project {
            id: id.into(),
            name: name.into(),
            aliases: vec![],
            description: None,
            country: Some(iso3.into()),
            sector_code: None,
            sector_name: None,
            sector_group: SectorGroup::TraditionalInfrastructure,
            sector_subgroup: None,
            sector_rule: None,
            parent_id: None,
            package_id: None,
            dataset: Some("Test dataset".into()),
            record_id: Some(id.into()),
            attributes: BTreeMap::new(),
        },
    );
    r.flow = Some(FlowStmt::stated(
        if version == "1.0" {
            FlowKind::Grant
        } else {
            FlowKind::Loan
        },
        format!("release {version}"),
    ));
    let k = r.add_source(Source::dataset_record("Test dataset", version, id, None));
    let year: i32 = date[..4].parse().unwrap();
    r.claim(
        "amount",
        ClaimValue::Money(Money::derive(usd, "USD", Some(year))),
        &k,
        None,
    );
    r.claim("year", ClaimValue::Number { value: year as f64 }, &k, None);
    if date.len() > 4 {
        r.claim(
            "commitment_date",
            ClaimValue::Date { value: date.into() },
            &k,
            None,
        );
    }
    r
}

fn ids(s: &Store, b: query::Bri) -> Vec<String> {
    let f = query::Filter {
        bri: Some(b),
        ..Default::default()
    };
    let (rows, _) = flows::list_flows(s.conn(), &f, 100, 0).unwrap();
    let mut v: Vec<String> = rows.into_iter().map(|r| r.id).collect();
    v.sort();
    v
}

#[test]
fn totals_by_membership_at_commitment_time() {
    let mut s = Store::open_in_memory().unwrap();
    {
        let mut w = s.writer().unwrap();
        for r in [
            // Panama: a member from 2017-06-01 until it left on 2025-05-04.
            loan("pan-2016", "PAN", "2016-03-01", "2.0", "a", 1e6),
            loan("pan-2019", "PAN", "2019", "2.0", "b", 2e6),
            loan("pan-2025-may", "PAN", "2025-05-10", "2.0", "c", 4e6),
            // Colombia: joined on 2025-05-14 (May 2025 is taken as the 15th: member).
            loan("col-2025-04", "COL", "2025-04", "2.0", "g", 64e6),
            loan("col-2025-05", "COL", "2025-05", "2.0", "d", 8e6),
            loan("col-2025-06", "COL", "2025-06-01", "2.0", "e", 16e6),
            // Mexico: never a member.
            loan("mex-2019", "MEX", "2019-01-01", "2.0", "f", 32e6),
        ] {
            w.write_record(&r).unwrap();
        }
        w.commit().unwrap();
    }
    assert_eq!(
        ids(&s, query::Bri::Member),
        ["col-2025-05", "col-2025-06", "pan-2019"],
        "a year-only date is 1 July; a month-only date the 15th"
    );
    assert_eq!(
        ids(&s, query::Bri::NonMember),
        ["col-2025-04", "mex-2019", "pan-2016", "pan-2025-may"]
    );
    // Totals split the same way, and add up.
    let total = |b: Option<query::Bri>| -> f64 {
        let f = query::Filter {
            bri: b,
            ..Default::default()
        };
        flows::stats(s.conn(), flows::StatsBy::Year, &f)
            .unwrap()
            .iter()
            .map(|r| r.amount_usd)
            .sum()
    };
    let (all, m, n) = (
        total(None),
        total(Some(query::Bri::Member)),
        total(Some(query::Bri::NonMember)),
    );
    assert!((m + n - all).abs() < 1.0, "{m} + {n} != {all}");
    // Projects: those with a flow committed while a member.
    let (p, _) = query::list_projects(
        s.conn(),
        &query::Filter {
            bri: Some(query::Bri::Member),
            ..Default::default()
        },
        query::Sort::Name,
        100,
        0,
    )
    .unwrap();
    assert_eq!(p.len(), 3);
    // Country rows carry membership and the part committed while a member.
    let countries = explore::countries(s.conn()).unwrap();
    let pan = countries.iter().find(|c| c.iso3 == "PAN").unwrap();
    assert!(!pan.bri_member && pan.bri_listed);
    assert_eq!(
        (pan.bri_joined.as_deref(), pan.bri_exited.as_deref()),
        (Some("2017-06-01"), Some("2025-05-04"))
    );
    let col = countries.iter().find(|c| c.iso3 == "COL").unwrap();
    assert!(col.bri_member);
    assert_eq!(col.bri_joined.as_deref(), Some("2025-05-14"));
    assert!(col.amount_usd_bri_member > 0.0 && col.amount_usd_bri_member < col.amount_usd);
    let mex = countries.iter().find(|c| c.iso3 == "MEX").unwrap();
    assert!(!mex.bri_member && !mex.bri_listed && mex.amount_usd_bri_member == 0.0);
}

#[test]
fn an_older_release_written_later_leaves_the_newer_one_shown() {
    let mut s = Store::open_in_memory().unwrap();
    let newer = loan("rec-1", "PER", "2014-07-01", "3.0", "Newer title", 2e9);
    let older = loan("rec-1", "PER", "2014-07-01", "1.0", "Older title", 3e8);
    for r in [&newer, &older] {
        let mut w = s.writer().unwrap();
        w.write_record(r).unwrap();
        w.commit().unwrap();
    }
    let (name, kind, version, amount): (String, String, String, f64) = s
        .conn()
        .query_row(
            "SELECT p.name, f.kind, f.dataset_version, f.amount FROM projects p JOIN flows f ON f.id = p.id WHERE p.id = 'rec-1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), kind.as_str(), version.as_str(), amount),
        ("Newer title", "loan", "3.0", 2e9)
    );
    // Both releases' claims stay: the older one superseded.
    let p = query::project_detail(s.conn(), "rec-1").unwrap().unwrap();
    let amounts: Vec<(Option<String>, bool)> = p
        .claims
        .iter()
        .filter(|c| c.field == "amount")
        .map(|c| (c.source.dataset_version.clone(), c.superseded))
        .collect();
    assert!(amounts.contains(&(Some("1.0".into()), true)), "{amounts:?}");
    assert!(
        amounts.contains(&(Some("3.0".into()), false)),
        "{amounts:?}"
    );
    // The newer release written after the older one takes over as usual.
    let mut s2 = Store::open_in_memory().unwrap();
    for r in [&older, &newer] {
        let mut w = s2.writer().unwrap();
        w.write_record(r).unwrap();
        w.commit().unwrap();
    }
    let name2: String = s2
        .conn()
        .query_row("SELECT name FROM projects WHERE id = 'rec-1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name2, "Newer title");
}
