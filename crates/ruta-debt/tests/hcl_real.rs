//! How China Lends 2.0 states no interest rate, maturity or grace, but it does state the
//! security package and the penalty interest clause of each contract. This test maps
//! its LAC rows into `LoanTerms` to show the type holds what the dataset says (the
//! importer is `ruta-ingest`'s job).

use calamine::{Data, Reader, Xlsx, open_workbook};
use ruta_debt::IncomeGroup;
use ruta_debt::terms::{Collateral, LoanTerms, commodity_in, parse_flag, parse_year};

#[test]
fn hcl_terms_fit_loan_terms() {
    let path = ruta_testdata::require!("aiddata_hcl/How_China_Lends_Dataset_Version_2_0.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("ContractData").unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    // The term columns there are; none for rate, maturity or grace.
    for absent in ["interest_rate", "maturity", "grace_period"] {
        assert!(
            !header.iter().any(|h| h.to_lowercase() == absent),
            "{absent}"
        );
    }
    let text = |r: &[Data], n: &str| {
        let s = r[col(n)].to_string();
        let s = s.trim().to_string();
        (!s.is_empty() && s != "NA").then_some(s)
    };
    let flag = |r: &[Data], n: &str| parse_flag(&r[col(n)].to_string()).unwrap();
    let mut lac = 0;
    let mut collateralised = 0;
    let mut oil = 0;
    let mut incomes = 0;
    for r in rows {
        if text(r, "borrower_region").as_deref() != Some("Latin America and the Caribbean") {
            continue;
        }
        lac += 1;
        let description = text(r, "account_des");
        let terms = LoanTerms {
            commitment_year: text(r, "year").and_then(|y| parse_year(&y).ok()),
            default_interest: text(r, "penalty_interest_rate_des"),
            collateral: Collateral {
                collateralized: flag(r, "collateral"),
                escrow_account: flag(r, "escrow_account"),
                revenue_account: flag(r, "revenue_account"),
                reserve_account: flag(r, "reserve_account"),
                commodity: description.as_deref().and_then(commodity_in),
                description,
            },
            ..Default::default()
        };
        collateralised += usize::from(terms.collateral.collateralized == Some(true));
        oil += usize::from(terms.collateral.commodity == Some(ruta_debt::Commodity::Oil));
        if text(r, "borrower_income")
            .and_then(|s| IncomeGroup::parse(&s))
            .is_some()
        {
            incomes += 1;
        }
    }
    assert_eq!(lac, 111);
    assert_eq!(collateralised, 48);
    assert!(oil > 0, "oil-backed accounts are named in the descriptions");
    assert_eq!(
        incomes, 111,
        "every LAC row names a World Bank income group"
    );
}
