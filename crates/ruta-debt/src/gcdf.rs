//! Loan terms as AidData's GCDF 3.0 full schema states them, read from a row.
//!
//! Columns are found by folded name (letters and digits, lower case), so the 126-column
//! CSV ("Grace Period", "Commitment Date (MM/DD/YYYY)") and underscore spellings
//! ("grace_period") both work. Only "AidData Record ID" is required; every other column
//! may be absent. What each column means is in AidData's field definitions
//! (`gcdf3/field_definitions.txt` in the shared data): rates and fees are percent,
//! maturity includes grace, "Interest Rate" for a floating-rate loan is already AidData's
//! value of reference rate + margin at commitment, years may read "2019.0".
//!
//! This is a helper for the importer and for tests; it maps cells to [`LoanTerms`] and
//! keeps AidData's own grant elements beside them ([`GcdfLoan::published`]).

use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::grant::{GrantElements, IncomeGroup};
use crate::read::{ReadError, csv_error, csv_reader, find, headers};
use crate::terms::{
    Collateral, Fees, InterestRate, LoanTerms, TermError, commodity_in, parse_date, parse_flag,
    parse_interest_rate, parse_percent, parse_year, parse_years,
};

/// One GCDF record's loan-relevant fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GcdfLoan {
    /// AidData Record ID as written ("54912").
    pub record_id: String,
    /// 1-based line where the record starts in its file.
    pub line: u64,
    /// Recipient ISO-3.
    pub recipient_iso3: Option<String>,
    /// Flow Type ("Loan", "Grant", …).
    pub flow_type: Option<String>,
    /// Funding Agencies, as AidData writes them (`|`-separated).
    pub funding_agencies: Option<String>,
    /// Amount (Original Currency): the face value, in units of `currency`.
    pub face_value: Option<f64>,
    /// Original Currency (ISO 4217).
    pub currency: Option<String>,
    /// Amount (Nominal USD).
    pub amount_nominal_usd: Option<f64>,
    /// The terms.
    pub terms: LoanTerms,
    /// OECD ODA Income Group of the recipient in the commitment year (None for blank,
    /// which AidData uses for countries off the DAC list).
    pub income_group: Option<IncomeGroup>,
    /// AidData's own grant elements, percent, as published.
    pub published: GrantElements,
}

/// Where the GCDF columns are in one file's header.
#[derive(Debug, Clone)]
pub struct GcdfColumns {
    names: Vec<String>,
    id: usize,
    iso3: Option<usize>,
    flow_type: Option<usize>,
    funders: Option<usize>,
    year: Option<usize>,
    date: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    nominal_usd: Option<usize>,
    maturity: Option<usize>,
    interest: Option<usize>,
    grace: Option<usize>,
    mgmt_fee: Option<usize>,
    commit_fee: Option<usize>,
    ins_fee: Option<usize>,
    ins_fee_usd: Option<usize>,
    default_rate: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    ge_cash: Option<usize>,
    ge_equiv: Option<usize>,
    ge_imf: Option<usize>,
    collateralized: Option<usize>,
    collateral: Option<usize>,
    interest_free: Option<usize>,
    income: Option<usize>,
}

impl GcdfColumns {
    /// Finds the columns in a header row. Refuses a header without "AidData Record ID".
    pub fn from_headers(h: &[String], file: &str) -> Result<GcdfColumns, ReadError> {
        let f = |names: &[&str]| find(h, names);
        let id = f(&["aiddatarecordid"]).ok_or_else(|| {
            ReadError::row(file, 1, "no 'AidData Record ID' column: not a GCDF table")
        })?;
        Ok(GcdfColumns {
            names: h.to_vec(),
            id,
            iso3: f(&["recipientiso3"]),
            flow_type: f(&["flowtype"]),
            funders: f(&["fundingagencies"]),
            year: f(&["commitmentyear"]),
            date: f(&["commitmentdatemmddyyyy", "commitmentdate"]),
            amount: f(&["amountoriginalcurrency"]),
            currency: f(&["originalcurrency"]),
            nominal_usd: f(&["amountnominalusd"]),
            maturity: f(&["maturity"]),
            interest: f(&["interestrate"]),
            grace: f(&["graceperiod"]),
            mgmt_fee: f(&["managementfee"]),
            commit_fee: f(&["commitmentfee"]),
            ins_fee: f(&["insurancefeepercent"]),
            ins_fee_usd: f(&["insurancefeenominalusd"]),
            default_rate: f(&["defaultinterestrate"]),
            first: f(&["firstloanrepaymentdate"]),
            last: f(&["lastloanrepaymentdate"]),
            ge_cash: f(&["grantelementoecdcashflow"]),
            ge_equiv: f(&["grantelementoecdgrantequiv"]),
            ge_imf: f(&["grantelementimf"]),
            collateralized: f(&["collateralized", "collateralizedsecuritized"]),
            collateral: f(&["collateral"]),
            interest_free: f(&["interestfreeloan"]),
            income: f(&["oecdodaincomegroup"]),
        })
    }

    /// Maps one record to a [`GcdfLoan`]. A cell that cannot be read is an error naming
    /// the file, line, column and value; a blank cell is None.
    pub fn loan(
        &self,
        rec: &csv::StringRecord,
        file: &str,
        line: u64,
    ) -> Result<GcdfLoan, ReadError> {
        let text = |c: Option<usize>| -> Option<String> {
            c.and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let parse = |c: Option<usize>, p: &dyn Fn(&str) -> Result<f64, TermError>| {
            self.cell(rec, c, file, line, |s| p(s))
        };
        let record_id = text(Some(self.id)).ok_or_else(|| {
            ReadError::cell(file, line, &self.names[self.id], "", "empty record id")
        })?;
        let number = |s: &str| -> Result<f64, TermError> {
            let v: f64 = s.trim().parse().map_err(|_| TermError {
                value: s.to_string(),
                reason: "not a number".into(),
            })?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(TermError {
                    value: s.to_string(),
                    reason: "not a finite number".into(),
                })
            }
        };
        let mut interest = self.cell(rec, self.interest, file, line, parse_interest_rate)?;
        let interest_free = self
            .cell(rec, self.interest_free, file, line, parse_flag)?
            .flatten();
        if interest.is_none() && interest_free == Some(true) {
            interest = Some(InterestRate::fixed(0.0));
        }
        let description = text(self.collateral);
        let terms = LoanTerms {
            commitment_date: self.cell(rec, self.date, file, line, parse_date)?,
            commitment_year: self.cell(rec, self.year, file, line, parse_year)?,
            interest,
            maturity_years: self.cell(rec, self.maturity, file, line, parse_years)?,
            grace_years: self.cell(rec, self.grace, file, line, parse_years)?,
            first_repayment: self.cell(rec, self.first, file, line, parse_date)?,
            last_repayment: self.cell(rec, self.last, file, line, parse_date)?,
            fees: Fees {
                management_percent: parse(self.mgmt_fee, &parse_percent)?,
                commitment_percent: parse(self.commit_fee, &parse_percent)?,
                insurance_percent: parse(self.ins_fee, &parse_percent)?,
                insurance_usd: parse(self.ins_fee_usd, &number)?,
            },
            default_interest: text(self.default_rate),
            collateral: Collateral {
                collateralized: self
                    .cell(rec, self.collateralized, file, line, parse_flag)?
                    .flatten(),
                commodity: description.as_deref().and_then(commodity_in),
                description,
                ..Default::default()
            },
        };
        let published = GrantElements {
            oecd_cash_flow: parse(self.ge_cash, &number)?,
            oecd_grant_equivalent: parse(self.ge_equiv, &number)?,
            imf: parse(self.ge_imf, &number)?,
        };
        Ok(GcdfLoan {
            record_id,
            line,
            recipient_iso3: text(self.iso3).map(|s| s.to_ascii_uppercase()),
            flow_type: text(self.flow_type),
            funding_agencies: text(self.funders),
            face_value: parse(self.amount, &number)?,
            currency: text(self.currency).map(|s| s.to_ascii_uppercase()),
            amount_nominal_usd: parse(self.nominal_usd, &number)?,
            terms,
            income_group: text(self.income).and_then(|s| IncomeGroup::parse(&s)),
            published,
        })
    }

    fn cell<T>(
        &self,
        rec: &csv::StringRecord,
        c: Option<usize>,
        file: &str,
        line: u64,
        p: impl Fn(&str) -> Result<T, TermError>,
    ) -> Result<Option<T>, ReadError> {
        let Some(i) = c else { return Ok(None) };
        let Some(s) = rec.get(i).map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        p(s).map(Some)
            .map_err(|e| ReadError::cell(file, line, &self.names[i], s, e.reason))
    }
}

/// Reads every record of a GCDF table (CSV) into [`GcdfLoan`]s; grants and loans alike,
/// the caller filters on `flow_type`. Stops at the first unreadable cell or row with an
/// error naming `file`, the line and the column.
pub fn read_gcdf_loans<R: Read>(r: R, file: &str) -> Result<Vec<GcdfLoan>, ReadError> {
    let mut rdr = csv_reader(r);
    let h = headers(&mut rdr, file)?;
    let cols = GcdfColumns::from_headers(&h, file)?;
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(file, &e)),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() != h.len() {
            return Err(ReadError::row(
                file,
                line,
                format!("row has {} fields, header has {}", rec.len(), h.len()),
            ));
        }
        out.push(cols.loan(&rec, file, line)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "AidData Record ID,Recipient ISO-3,Commitment Year,Flow Type,Commitment Date (MM/DD/YYYY),Amount (Original Currency),Original Currency,Maturity,Interest Rate,Grace Period,Interest-Free Loan,Collateralized,Collateral,First Loan Repayment Date,Grant Element (OECD Cash-Flow),OECD ODA Income Group\n\
1,ECU,2010.0,Loan,2010-06-01,1000000.0,USD,10.0,LIBOR + 3.1,2.0,,Yes,Crude oil sales,,,Upper middle income\n\
2,CUB,2011.0,Loan,,5.0,cny,15.0,,,Yes,,,,,\n";

    #[test]
    fn reads_terms_from_a_gcdf_table() {
        let loans = read_gcdf_loans(CSV.as_bytes(), "t.csv").unwrap();
        assert_eq!(loans.len(), 2);
        let a = &loans[0];
        assert_eq!(a.record_id, "1");
        assert_eq!(a.line, 2);
        assert_eq!(a.terms.commitment_year, Some(2010));
        assert_eq!(a.terms.grace_years, Some(2.0));
        assert!(matches!(
            a.terms.interest,
            Some(InterestRate::Variable { margin_percent, .. }) if margin_percent == 3.1
        ));
        assert_eq!(a.terms.collateral.collateralized, Some(true));
        assert_eq!(
            a.terms.collateral.commodity,
            Some(crate::terms::Commodity::Oil)
        );
        assert_eq!(a.income_group, Some(IncomeGroup::Umic));
        let b = &loans[1];
        assert_eq!(
            b.terms.interest,
            Some(InterestRate::fixed(0.0)),
            "interest-free"
        );
        assert_eq!(b.currency.as_deref(), Some("CNY"));
        assert_eq!(b.terms.commitment_date, None);
    }

    #[test]
    fn bad_cells_name_file_line_and_column() {
        let bad = CSV.replace("10.0,LIBOR", "ten,LIBOR");
        let e = read_gcdf_loans(bad.as_bytes(), "t.csv").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.column.as_deref(), Some("Maturity"));
        assert_eq!(e.value.as_deref(), Some("ten"));
        let bad = CSV.replace("2010-06-01", "2010-13-01");
        let e = read_gcdf_loans(bad.as_bytes(), "t.csv").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("Commitment Date (MM/DD/YYYY)"));
        let short = format!("{}3,ECU\n", CSV);
        let e = read_gcdf_loans(short.as_bytes(), "t.csv").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.reason.contains("fields"), "{e}");
        let e = read_gcdf_loans("a,b\n1,2\n".as_bytes(), "x.csv").unwrap_err();
        assert!(
            e.to_string().starts_with("x.csv:1: no 'AidData Record ID'"),
            "{e}"
        );
        assert!(read_gcdf_loans("".as_bytes(), "e.csv").is_err());
        assert!(read_gcdf_loans(&b"AidData Record ID\n\xff\xfe\n"[..], "b.csv").is_err());
    }
}
