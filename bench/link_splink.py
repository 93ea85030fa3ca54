#!/usr/bin/env python3
"""Splink (DuckDB backend) on the synthetic records of bench/gen_link.py, with the
blocking rules, λ, m priors and threshold ruta's bench uses (crates/ruta-link/examples/
bench_link.rs), u estimated from random pairs as ruta does; writes each record's cluster.

usage: link_splink.py RECORDS.csv OUT_CLUSTERS.csv

Comparisons are Splink's own counterparts of ruta's: exact country, kind, sector; year
difference 0/1/2; month (year*12+month) difference 0/2; relative amount difference
0.5/3/10/25 %; lender and counterpart exact with term-frequency adjustments; name
Jaro-Winkler 0.92/0.8/0.6 (ruta: TF-IDF cosine of words); release. Prints one JSON
line with timings and counts."""

import json
import sys
import time

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator
from splink.backends.duckdb import DuckDBAPI


def rel(th):
    return f"abs(amount_usd_l - amount_usd_r) / greatest(amount_usd_l, amount_usd_r) <= {th}"


def main():
    path, out = sys.argv[1], sys.argv[2]
    t0 = time.time()
    db = DuckDBAPI()
    df = db.register_from_csv(path)
    n = db._execute_sql_against_backend(f"select count(*) from read_csv_auto('{path}')").fetchall()[0][0]
    blocking = []
    for dy in (0, 1, -1):
        for db_ in (0, 1, -1):
            blocking.append(
                f"l.country = r.country and l.lender = r.lender and l.lender is not null "
                f"and l.year = r.year + {dy} and l.amount_bin = r.amount_bin + {db_}"
            )
    blocking.append("l.country = r.country and l.year = r.year and l.amount_bin = r.amount_bin")
    amount = cl.CustomComparison(
        output_column_name="amount_usd",
        comparison_levels=[
            cll.NullLevel("amount_usd"),
            cll.CustomLevel(rel(0.005), "within 0.5%"),
            cll.CustomLevel(rel(0.03), "within 3%"),
            cll.CustomLevel(rel(0.10), "within 10%"),
            cll.CustomLevel(rel(0.25), "within 25%"),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.62, 0.18, 0.10, 0.05, 0.05])
    year = cl.CustomComparison(
        output_column_name="year",
        comparison_levels=[
            cll.NullLevel("year"),
            cll.ExactMatchLevel("year"),
            cll.AbsoluteDifferenceLevel("year", 1),
            cll.AbsoluteDifferenceLevel("year", 2),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.78, 0.18, 0.03, 0.01])
    month = cl.CustomComparison(
        output_column_name="month",
        comparison_levels=[
            cll.CustomLevel("month_l is null or month_r is null", "null").configure(is_null_level=True),
            cll.CustomLevel("year_l * 12 + month_l = year_r * 12 + month_r", "same month"),
            cll.CustomLevel("abs((year_l * 12 + month_l) - (year_r * 12 + month_r)) <= 2", "within two months"),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.80, 0.08, 0.12])
    release = cl.CustomComparison(
        output_column_name="release",
        comparison_levels=[
            cll.CustomLevel("dataset_l <> dataset_r", "two datasets"),
            cll.CustomLevel("release_l <> release_r", "two releases"),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.55, 0.44, 0.01])
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=0.5 / (n - 1),
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.ExactMatch("country").configure(m_probabilities=[0.97, 0.03]),
            cl.ExactMatch("kind").configure(m_probabilities=[0.92, 0.08]),
            year,
            month,
            amount,
            cl.ExactMatch("lender").configure(term_frequency_adjustments=True, m_probabilities=[0.90, 0.10]),
            cl.ExactMatch("counterpart").configure(term_frequency_adjustments=True, m_probabilities=[0.85, 0.15]),
            cl.JaroWinklerAtThresholds("name", [0.92, 0.8, 0.6]).configure(m_probabilities=[0.30, 0.15, 0.25, 0.15, 0.15]),
            cl.ExactMatch("sector").configure(m_probabilities=[0.92, 0.08]),
            release,
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(df, settings, log_level=30)
    t1 = time.time()
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=7)
    t2 = time.time()
    pred = linker.inference.predict(threshold_match_probability=0.99)
    t3 = time.time()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=0.99)
    db._execute_sql_against_backend(
        f"copy (select unique_id, cluster_id as cluster from {clusters.physical_name}) to '{out}' (header, delimiter ',')"
    )
    t4 = time.time()
    pairs = db._execute_sql_against_backend(f"select count(*) from {pred.physical_name}").fetchall()[0][0]
    print(
        json.dumps(
            {
                "records": n,
                "load_s": round(t1 - t0, 2),
                "u_s": round(t2 - t1, 2),
                "predict_s": round(t3 - t2, 2),
                "cluster_s": round(t4 - t3, 2),
                "total_s": round(t4 - t0, 2),
                "pairs_at_threshold": pairs,
            }
        )
    )


if __name__ == "__main__":
    main()
