//! The extractor against the hand-annotated evaluation set (`eval/`) and the money the
//! seed articles state. `cargo run -p ruta-extract --example eval` prints the table.

use ruta_extract::eval::{self, Score};
use ruta_extract::{Detail, Kind, Lang};

fn scores() -> Vec<(&'static str, usize, Score)> {
    eval::embedded()
        .into_iter()
        .map(|(lang, p)| {
            let p = p.unwrap_or_else(|e| panic!("eval/{lang}.jsonl: {e}"));
            (lang, p.len(), eval::evaluate(&p))
        })
        .collect()
}

#[test]
fn the_evaluation_set_is_large_enough_and_well_formed() {
    for (lang, p) in eval::embedded() {
        let p = p.unwrap_or_else(|e| panic!("eval/{lang}.jsonl: {e}"));
        assert!(p.len() >= 15, "{lang}: {} passages", p.len());
        for x in &p {
            for g in &x.mentions {
                assert!(
                    x.text.contains(&g.text),
                    "{}: '{}' is not in the passage",
                    x.id,
                    g.text
                );
            }
        }
    }
}

#[test]
fn quality_per_language_meets_the_bar() {
    for (lang, n, s) in scores() {
        let money = s.kind(Kind::Money);
        assert!(
            money.f1() >= 0.95,
            "{lang} ({n} passages): money F1 {:.3}; {:?}",
            money.f1(),
            s.misses
        );
        let org = s.kind(Kind::Organization);
        assert!(
            org.recall() >= 0.85,
            "{lang}: organization recall {:.3}; {:?}",
            org.recall(),
            s.misses
        );
        let country = s.kind(Kind::Country);
        assert!(
            country.f1() >= 0.9,
            "{lang}: country F1 {:.3}; {:?}",
            country.f1(),
            s.misses
        );
        for k in [
            Kind::Quantity,
            Kind::Percent,
            Kind::Date,
            Kind::Project,
            Kind::Event,
        ] {
            let c = s.kind(k);
            assert!(
                c.f1() >= 0.85,
                "{lang}: {k:?} F1 {:.3}; {:?}",
                c.f1(),
                s.misses
            );
        }
    }
}

#[test]
fn every_money_figure_in_the_seed_articles() {
    let Some(dir) = ruta_testdata::seeds_dir() else {
        return;
    };
    let gold: serde_json::Value =
        serde_json::from_str(include_str!("../eval/seeds.json")).expect("seeds.json");
    let files = gold["money"].as_object().expect("money by file");
    assert_eq!(files.len(), 5);
    for (file, want) in files {
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: Vec<(String, f64, String)> = ruta_extract::extract(&text, Lang::En, Some(2024))
            .into_iter()
            .filter_map(|m| match m.detail {
                Detail::Money {
                    amount, currency, ..
                } => Some((m.text, amount, currency.unwrap_or_default())),
                _ => None,
            })
            .collect();
        let want: Vec<(String, f64, String)> = want
            .as_array()
            .expect("list")
            .iter()
            .map(|w| {
                (
                    w[0].as_str().unwrap_or_default().to_string(),
                    w[1].as_f64().unwrap_or_default(),
                    w[2].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{file}");
    }
}
