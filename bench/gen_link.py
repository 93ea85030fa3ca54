#!/usr/bin/env python3
"""Synthetic flow records with a known truth, for the record-linkage benchmark.

usage: gen_link.py SEEDS.json N OUT.csv

SEEDS.json is `ruta flows --format json` over a database holding the shared data (the
real flows: their countries, years, kinds, amounts, names, lenders and counterparts).
Each synthetic *flow* starts from a random real one: a year moved by up to eight, an
amount scaled by a log-normal factor, the real lender or one of 20,000 synthetic ones,
a synthetic counterpart, and the real name with one word replaced and one distinctive
word added. Each flow is then reported by 1-4 *records*, each in a different release
(A-2020, A-2025, B-2020, C-2019, registry), each perturbed the way real sources differ:
the year one off (20 %), the month missing (30 %) or one off (10 %), the amount revised
by ~1 % (70 %) or ~5 % (20 %) or given in constant dollars (x1.1-1.5, 10 %), the lender
missing (15 %), the counterpart missing (30 %), a typo in a word of the name (30 %), a
word dropped (20 %), the kind unknown (5 %). Column `entity` is the truth: records of one
entity are one flow. Deterministic (seed 7).
"""

import csv
import json
import math
import random
import sys

RELEASES = [("A", "2020"), ("A", "2025"), ("B", "2020"), ("C", "2019"), ("registry", "")]


def words_of(name):
    out = []
    for w in "".join(c.lower() if c.isalnum() else " " for c in name).split():
        if len(w) > 2 and not w.isdigit():
            out.append(w)
    return out or ["project"]


def typo(w, rng):
    if len(w) < 4:
        return w
    i = rng.randrange(1, len(w) - 1)
    op = rng.random()
    if op < 0.4:
        return w[:i] + w[i + 1 :]
    if op < 0.7:
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return w[:i] + rng.choice("aeiourstln") + w[i + 1 :]


def pseudo_word(rng):
    cons, vow = "bcdfghjklmnprstvz", "aeiou"
    return "".join(rng.choice(cons) + rng.choice(vow) for _ in range(rng.randint(2, 4)))


def main():
    seeds_path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(7)
    seeds = []
    for f in json.load(open(seeds_path)):
        if not f.get("country") or not f.get("year"):
            continue
        lenders = [p["org_id"] for p in f["parties"] if p["role"] in ("lender", "investor", "contractor", "donor")]
        others = [p["org_id"] for p in f["parties"] if p["role"] in ("borrower", "target", "owner", "recipient")]
        seeds.append(
            {
                "country": f["country"],
                "year": int(f["year"]),
                "kind": f["kind"],
                "usd": f.get("amount_usd_nominal"),
                "name": f.get("project_name") or f["id"],
                "lender": lenders[0] if lenders else None,
                "other": others[0] if others else None,
                "sector": f["sector_group"],
            }
        )
    vocab = sorted({w for s in seeds for w in words_of(s["name"])})
    distinct = [pseudo_word(rng) for _ in range(60000)]
    rows = []
    entity = 0
    while len(rows) < n:
        s = rng.choice(seeds)
        year = min(2024, max(2000, s["year"] + rng.randint(-8, 8)))
        month = rng.randint(1, 12)
        usd = (s["usd"] or 10 ** rng.uniform(6, 9.5)) * math.exp(rng.gauss(0, 1.0))
        lender = s["lender"] if (s["lender"] and rng.random() < 0.6) else f"org-{rng.randrange(20000)}"
        other = f"cp-{rng.randrange(200000)}" if rng.random() < 0.5 else None
        base = words_of(s["name"])[:8]
        if len(base) > 1:
            base[rng.randrange(len(base))] = rng.choice(vocab)
        base.insert(rng.randrange(len(base) + 1), rng.choice(distinct))
        k = rng.choices([1, 2, 3, 4], weights=[35, 30, 20, 15])[0]
        for rel in rng.sample(RELEASES, k):
            y = year + (rng.choice([-1, 1]) if rng.random() < 0.2 else 0)
            r = rng.random()
            m = "" if r < 0.3 else (max(1, min(12, month + rng.choice([-1, 1]))) if r < 0.4 else month)
            r = rng.random()
            if r < 0.7:
                amt = usd * (1 + rng.gauss(0, 0.01))
            elif r < 0.9:
                amt = usd * (1 + rng.gauss(0, 0.05))
            else:
                amt = usd * rng.uniform(1.1, 1.5)
            name = list(base)
            if rng.random() < 0.3:
                i = rng.randrange(len(name))
                name[i] = typo(name[i], rng)
            if rng.random() < 0.2 and len(name) > 2:
                del name[rng.randrange(len(name))]
            rows.append(
                {
                    "unique_id": len(rows),
                    "entity": entity,
                    "dataset": rel[0],
                    "version": rel[1],
                    "release": f"{rel[0]}-{rel[1]}",
                    "country": s["country"],
                    "year": y,
                    "month": m,
                    "kind": "unknown" if rng.random() < 0.05 else s["kind"],
                    "amount_usd": round(amt, 2),
                    "amount_bin": math.floor(math.log(amt) / math.log(1.1)),
                    "lender": "" if rng.random() < 0.15 else lender,
                    "counterpart": (other or "") if rng.random() < 0.7 else "",
                    "name": " ".join(name),
                    "sector": s["sector"],
                }
            )
            if len(rows) >= n:
                break
        entity += 1
    with open(out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} records of {entity} flows -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
