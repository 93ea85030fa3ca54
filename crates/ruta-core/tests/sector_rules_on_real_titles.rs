//! The sector-group rules on real AidData GCDF 3.0 titles (read from ../shared/data).

use ruta_core::SectorGroup::{self, *};
use ruta_core::sector::{ClassifyInput, classify, crs_code_for_name};

fn classify_row(title: &str, sector_name: &str) -> (SectorGroup, String) {
    let crs = crs_code_for_name(sector_name);
    let c = classify(&ClassifyInput {
        title,
        crs_code: crs,
        labels: &[],
    });
    (c.group, c.subgroup)
}

#[test]
fn hand_labelled_gcdf_titles() {
    let path = ruta_testdata::require!("gcdf3/final_input_lac.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<(String, String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[3].to_string(), r[5].to_string(), r[7].to_string())
        })
        .collect();
    assert_eq!(rows.len(), 872);
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| r.0 == id)
            .unwrap_or_else(|| panic!("record {id}"))
    };
    // (AidData record id, expected group, expected subgroup), labelled by reading each title.
    let expected = [
        ("35818", TraditionalInfrastructure, "energy"), // Sopladora hydroelectric plant
        ("35705", Social, "social_services"),           // police academy construction
        ("35721", Social, "emergency_relief"),          // Red Cross donation after mudslides
        ("37002", TraditionalInfrastructure, "energy"), // Kirchner–Cepernic dams
    ];
    for (id, group, sub) in expected {
        let (title, sector) = (&by_id(id).1, &by_id(id).2);
        let got = classify_row(title, sector);
        assert_eq!((got.0, got.1.as_str()), (group, sub), "{id}: {title}");
    }
    // Properties over all rows.
    let mut frontier = 0;
    for (id, title, sector) in &rows {
        let (g, _) = classify_row(title, sector);
        let t = title.to_lowercase();
        if t.contains("solar") || t.contains("photovoltaic") || t.contains("wind farm") {
            assert_eq!(g, NewFrontier, "{id}: {title}");
        }
        if (t.contains("hydroelectric") || t.contains("hydropower")) && !t.contains("solar") {
            assert_eq!(g, TraditionalInfrastructure, "{id}: {title}");
        }
        if t.contains("scholarship") {
            assert_eq!(g, Social, "{id}: {title}");
        }
        if g == NewFrontier {
            frontier += 1;
        }
    }
    assert!(
        frontier >= 10,
        "some LAC GCDF projects are new frontier: {frontier}"
    );
}

#[test]
fn full_schema_titles_with_crs_codes() {
    let path = ruta_testdata::require!("gcdf3/lac_ports_fullschema.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (id, title, code) = (col("AidData Record ID"), col("Title"), col("Sector Code"));
    for r in rdr.records() {
        let r = r.unwrap();
        let c = classify(&ClassifyInput {
            title: &r[title],
            crs_code: Some(&r[code]),
            labels: &[],
        });
        let t = r[title].to_lowercase();
        if t.contains("port")
            && !t.contains("basketball")
            && !t.contains("award")
            && !t.contains("donat")
            && !t.contains("power plant")
        {
            assert_eq!(c.subgroup, "transport", "{}: {}", &r[id], &r[title]);
        }
    }
}
