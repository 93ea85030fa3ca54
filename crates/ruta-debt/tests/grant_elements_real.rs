//! Grant elements computed from the terms alone, against the values AidData publishes.

use std::fs::File;

use ruta_debt::gcdf::read_gcdf_loans;
use ruta_debt::grant::{GrantNote, grant_elements};
use ruta_debt::rates::ReferenceRates;

/// Every GCDF 3.0 row of the shared LAC ports file that states an interest rate and a
/// maturity reproduces each published grant element to 0.01 (in fact to 0.0001, the
/// precision AidData publishes); rows without those inputs publish none.
#[test]
fn gcdf3_ports_rows_reproduce_to_a_hundredth() {
    let path = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let loans = read_gcdf_loans(File::open(&path).unwrap(), &path.display().to_string())
        .expect("the shared file reads");
    assert_eq!(loans.len(), 20);
    let mut compared = 0;
    let mut with_inputs = Vec::new();
    for l in &loans {
        let c = grant_elements(&l.terms, l.income_group, ReferenceRates::embedded());
        let Ok(c) = c else {
            // No interest rate or maturity: AidData publishes no grant element either.
            assert_eq!(l.published, Default::default(), "record {}", l.record_id);
            continue;
        };
        with_inputs.push(l.record_id.clone());
        for (name, ours, theirs) in [
            (
                "cash-flow",
                c.values.oecd_cash_flow,
                l.published.oecd_cash_flow,
            ),
            (
                "grant-equivalent",
                c.values.oecd_grant_equivalent,
                l.published.oecd_grant_equivalent,
            ),
            ("imf", c.values.imf, l.published.imf),
        ] {
            match (ours, theirs) {
                (Some(a), Some(b)) => {
                    assert!(
                        (a - b).abs() < 0.01,
                        "record {} {name}: ruta {a:.4}, AidData {b}",
                        l.record_id
                    );
                    assert!((a - b).abs() < 0.00005, "record {} {name}", l.record_id);
                    compared += 1;
                }
                (None, None) => {}
                (a, b) => panic!("record {} {name}: ruta {a:?}, AidData {b:?}", l.record_id),
            }
        }
    }
    assert_eq!(with_inputs, ["54912", "39740", "69143"]);
    // 54912 and 69143 carry all three; 39740 (Bahamas, not on the DAC list) two.
    assert_eq!(compared, 8);
}

/// Record 39740 states no grace period and no first repayment date: AidData's values
/// are those of a grace of 0 (first repayment at commitment), and ruta says so.
#[test]
fn blank_grace_is_zero_as_aiddata_computes_it() {
    let path = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let loans = read_gcdf_loans(File::open(&path).unwrap(), "ports").unwrap();
    let l = loans.iter().find(|l| l.record_id == "39740").unwrap();
    assert_eq!(l.terms.grace_years, None);
    assert_eq!(l.terms.first_repayment, None);
    let c = grant_elements(&l.terms, l.income_group, ReferenceRates::embedded()).unwrap();
    assert_eq!(c.inputs.grace_years, 0.0);
    assert!(c.notes.contains(&GrantNote::GraceBlankTakenAsZero));
    assert!(c.notes.contains(&GrantNote::NoIncomeGroup));
}
