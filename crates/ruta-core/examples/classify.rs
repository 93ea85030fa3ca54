//! Prints ruta's sector group for each row of a CSV: `classify FILE TITLE_COL [SECTOR_COL]`.
//! A tool for reviewing the rule set against real titles.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: classify FILE TITLE_COLUMN [SECTOR_NAME_COLUMN]");
        std::process::exit(2);
    }
    let mut rdr = csv::Reader::from_path(&args[1]).expect("readable CSV");
    let h = rdr.headers().expect("header").clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("no column {n}"))
    };
    let t = col(&args[2]);
    let s = args.get(3).map(|n| col(n));
    for r in rdr.records().flatten() {
        let sector = s.map(|i| r[i].to_string()).unwrap_or_default();
        let crs = ruta_core::sector::crs_code_for_name(&sector);
        let c = ruta_core::sector::classify(&ruta_core::sector::ClassifyInput {
            title: &r[t],
            crs_code: crs,
            labels: &[],
        });
        println!(
            "{}\t{}\t{}\t{}\t{}",
            c.group, c.subgroup, c.rule, sector, &r[t]
        );
    }
}
