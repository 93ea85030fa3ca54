//! `ruta export DIR`: a Frictionless Data Package whose every resource Python's csv
//! module reads, with the database's row counts and the schema's field names.

use std::path::Path;
use std::process::Command;

fn ruta(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ruta"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RUTA_DB")
        .output()
        .expect("ruta runs")
}

#[test]
fn the_package_reads_back_with_pythons_csv_module() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("ruta.db");
    // The registry, plus an article so that claims carry quotes and spans.
    let article = d.path().join("a.txt");
    std::fs::write(
        &article,
        "Port news\n\nThe terminal at Chancay, a \"$3.6 billion\" project, opened; workers, said officials, went on strike.\n\nIn Bolivia, workers at a cement plant built by a Chinese firm went on strike in March 2024.\n",
    )
    .unwrap();
    assert!(
        ruta(&db, &["ingest", "news", article.to_str().unwrap()])
            .status
            .success()
    );
    let out_dir = d.path().join("pkg");
    let out = ruta(&db, &["export", out_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert!(
        count("SELECT COUNT(*) FROM unattached_events") > 0,
        "the Bolivian strike is about no known project"
    );
    let expected = [
        (
            "projects",
            count("SELECT COUNT(*) FROM projects WHERE canonical_id = id"),
        ),
        ("records", count("SELECT COUNT(*) FROM projects")),
        ("flows", count("SELECT COUNT(*) FROM flows")),
        ("claims", count("SELECT COUNT(*) FROM claims")),
        ("sources", count("SELECT COUNT(*) FROM sources")),
        ("events", count("SELECT COUNT(*) FROM events")),
        (
            "unattached_events",
            count("SELECT COUNT(*) FROM unattached_events"),
        ),
        ("organizations", count("SELECT COUNT(*) FROM organizations")),
        ("parties", count("SELECT COUNT(*) FROM parties")),
        ("relations", count("SELECT COUNT(*) FROM relations")),
    ];
    let script = r#"
import csv, json, sys
d = sys.argv[1]
pkg = json.load(open(d + "/datapackage.json", encoding="utf-8"))
assert pkg["profile"] == "tabular-data-package"
for r in pkg["resources"]:
    names = [f["name"] for f in r["schema"]["fields"]]
    with open(d + "/" + r["path"], newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        assert header == names, (r["name"], header, names)
        n = 0
        for row in rows:
            assert len(row) == len(names), (r["name"], row)
            n += 1
    print(r["name"], n)
"#;
    let py = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&out_dir)
        .output()
        .expect("python3 runs");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let text = String::from_utf8(py.stdout).unwrap();
    for (name, n) in expected {
        assert!(
            text.lines().any(|l| l == format!("{name} {n}")),
            "{name}: {n} rows expected; python read:\n{text}"
        );
    }
    assert!(expected[0].1 >= 40 && expected[3].1 > 100);
}
