//! ruta's flow-kind inference rules (`ruta_core::flowkind`) checked against a dataset
//! that states the kind: AidData's Global Chinese Official Finance 1.0 (5,466 records,
//! `title` and `flow` columns). The rules never see the `flow` column; what they infer
//! from the title is compared with it.

use calamine::{Data, Reader, open_workbook_auto};
use ruta_core::FlowKind;

fn stated(flow: &str) -> Option<FlowKind> {
    // "Loan (excluding debt rescheduling)" is a loan.
    let l = flow.to_ascii_lowercase();
    if l.contains("loan") || l.contains("credit") || l.contains("lease") {
        Some(FlowKind::Loan)
    } else if l.contains("debt") {
        Some(FlowKind::DebtRelief)
    } else if l.contains("grant")
        || l.contains("technical")
        || l.contains("scholarship")
        || l.contains("in-kind")
    {
        Some(FlowKind::Grant)
    } else {
        None // "Vague TBD": the dataset itself does not know
    }
}

#[test]
fn inferred_kinds_agree_with_aiddata_gcof_1() {
    let path =
        ruta_testdata::require!("aiddata_gcof1/GlobalChineseOfficialFinanceDataset_v1.0.xlsx");
    let mut wb = open_workbook_auto(&path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (title, flow) = (col("title"), col("flow"));
    let (mut right, mut wrong, mut unknown, mut total) = (
        std::collections::BTreeMap::<&str, u32>::new(),
        std::collections::BTreeMap::<&str, u32>::new(),
        0u32,
        0u32,
    );
    for r in rows {
        let t = match &r[title] {
            Data::String(s) => s.clone(),
            other => other.to_string(),
        };
        let Some(truth) = stated(&r[flow].to_string()) else {
            continue;
        };
        total += 1;
        match ruta_core::flowkind::infer(&t, None) {
            None => unknown += 1,
            Some(i) if i.kind == truth => *right.entry(i.kind.as_str()).or_default() += 1,
            Some(i) => *wrong.entry(i.kind.as_str()).or_default() += 1,
        }
    }
    assert!(total > 5000, "{total}");
    for kind in ["loan", "grant", "debt_relief"] {
        let (r, w) = (right[kind] as f64, *wrong.get(kind).unwrap_or(&0) as f64);
        let precision = r / (r + w);
        assert!(
            precision >= 0.95,
            "{kind}: precision {precision:.3} ({r} right, {w} wrong)"
        );
    }
    let share_unknown = unknown as f64 / total as f64;
    assert!(share_unknown <= 0.20, "{share_unknown:.3} left unknown");
}
