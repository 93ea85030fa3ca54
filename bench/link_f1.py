#!/usr/bin/env python3
"""Pairwise precision, recall and F1 of a clustering against the truth.

usage: link_f1.py RECORDS.csv CLUSTERS.csv  (CLUSTERS: unique_id,cluster)

A pair of records is a true match when both have the same `entity`, a predicted match
when both are in the same cluster; counts come from the cluster sizes (no pair list)."""

import csv
import sys
from collections import Counter


def main():
    truth = {}
    with open(sys.argv[1]) as fh:
        for r in csv.DictReader(fh):
            truth[r["unique_id"]] = r["entity"]
    pred = {}
    with open(sys.argv[2]) as fh:
        for r in csv.DictReader(fh):
            pred[str(r["unique_id"])] = str(r["cluster"])
    c2 = lambda n: n * (n - 1) // 2
    both = Counter((truth[u], pred.get(u, "s" + u)) for u in truth)
    tp = sum(c2(n) for n in both.values())
    t = sum(c2(n) for n in Counter(truth.values()).values())
    p = sum(c2(n) for n in Counter(pred.get(u, "s" + u) for u in truth).values())
    prec, rec = tp / p if p else 1.0, tp / t if t else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f'{{"precision": {prec:.4f}, "recall": {rec:.4f}, "f1": {f1:.4f}, "true_pairs": {t}, "predicted_pairs": {p}}}')


if __name__ == "__main__":
    main()
