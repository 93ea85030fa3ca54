//! Schedules of the loans in the shared GCDF 3.0 file that state enough terms.

use std::fs::File;

use chrono::Datelike;
use ruta_debt::gcdf::{GcdfLoan, read_gcdf_loans};
use ruta_debt::schedule::{Assumption, Loan, ScheduleOptions, build_schedule};

fn ports() -> Option<Vec<GcdfLoan>> {
    let path = ruta_testdata::shared_file("gcdf3/lac_ports_fullschema.csv")?;
    Some(read_gcdf_loans(File::open(&path).unwrap(), "lac_ports_fullschema.csv").unwrap())
}

fn as_loan(g: &GcdfLoan) -> Option<Loan> {
    Some(Loan {
        id: format!("gcdf-{}", g.record_id),
        country: g.recipient_iso3.clone(),
        lender: g.funding_agencies.clone(),
        face_value: g.face_value?,
        currency: g.currency.clone()?,
        terms: g.terms.clone(),
    })
}

#[test]
fn shared_loans_schedule_as_their_terms_say() {
    let Some(loans) = ports() else { return };
    let opts = ScheduleOptions::default();
    let mut scheduled = Vec::new();
    for g in loans
        .iter()
        .filter(|g| g.flow_type.as_deref() == Some("Loan"))
    {
        let Some(loan) = as_loan(g) else { continue };
        let Ok(s) = build_schedule(&loan, &[], &opts) else {
            // Not enough terms: no maturity and no last repayment date.
            assert!(g.terms.maturity_years.is_none() && g.terms.last_repayment.is_none());
            continue;
        };
        scheduled.push(g.record_id.as_str());
        // Principal sums to the face value.
        let p = s.total_principal();
        assert!(
            (p - loan.face_value).abs() < 1e-6 * loan.face_value,
            "{}",
            g.record_id
        );
        assert_eq!(s.payments.last().unwrap().outstanding, 0.0);
        // First and last repayment years as the record states them.
        let repaid: Vec<_> = s.payments.iter().filter(|p| p.principal > 0.0).collect();
        if let Some(first) = g.terms.first_repayment {
            assert_eq!(repaid[0].date, first, "{}", g.record_id);
        }
        if let Some(last) = g.terms.last_repayment {
            assert_eq!(repaid.last().unwrap().date, last, "{}", g.record_id);
            assert_eq!(s.years.last().unwrap().year, last.year());
        }
        // Interest on the outstanding balance, day by day at rate × days / 365.
        let mut prev = s.commitment;
        let mut balance = 0.0;
        let mut accrued = 0.0;
        for row in &s.payments {
            accrued +=
                balance * row.rate_percent / 100.0 * (row.date - prev).num_days() as f64 / 365.0;
            if row.interest != 0.0 {
                assert!((row.interest - accrued).abs() < 1e-6 * loan.face_value);
                accrued = 0.0;
            }
            balance = row.outstanding;
            prev = row.date;
        }
        // Year-end outstanding is the balance after the year's last row.
        for y in &s.years {
            if let Some(last_row) = s.payments.iter().rev().find(|r| r.date.year() == y.year) {
                assert_eq!(y.outstanding_end, last_row.outstanding);
            }
        }
    }
    assert_eq!(
        scheduled,
        ["88899", "69333", "54912", "43110", "39740", "69143"]
    );
}

#[test]
fn the_three_loans_with_full_terms() {
    let Some(loans) = ports() else { return };
    let opts = ScheduleOptions::default();
    let get = |id: &str| {
        let g = loans.iter().find(|g| g.record_id == id).unwrap();
        build_schedule(&as_loan(g).unwrap(), &[], &opts).unwrap()
    };
    // 54912, Antigua and Barbuda: CNY 600 m at 2 %, repaid 2021-12-14 to 2038-09-09.
    let s = get("54912");
    assert_eq!(s.currency, "CNY");
    assert_eq!(
        s.years.iter().find(|y| y.principal > 0.0).unwrap().year,
        2021
    );
    assert_eq!(s.payments.iter().filter(|p| p.principal > 0.0).count(), 35);
    // Grace years carry 2 % on the full balance: CNY 12 m a year.
    let y2018 = s.years.iter().find(|y| y.year == 2018).unwrap();
    assert!(
        (y2018.interest - 12_000_000.0).abs() < 50_000.0,
        "{}",
        y2018.interest
    );
    assert!(y2018.usd.is_some());
    // 69143, Jamaica: USD 22.1 m at 6.07 %, four repayments 2007-07-19 to 2009-01-16.
    let s = get("69143");
    assert_eq!(s.payments.iter().filter(|p| p.principal > 0.0).count(), 4);
    assert_eq!(s.years.last().unwrap().year, 2009);
    // 39740, Bahamas: grace blank, so the first repayment is at commitment.
    let s = get("39740");
    assert!(s.assumptions.contains(&Assumption::GraceZero));
    assert_eq!(s.first_repayment, s.commitment);
    // Loans without an interest rate are principal only, and say so.
    let s = get("43110");
    assert_eq!(s.total_interest(), 0.0);
    assert!(s.assumptions.contains(&Assumption::InterestMissing));
}
