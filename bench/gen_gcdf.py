#!/usr/bin/env python3
"""Generates a large GCDF-schema CSV for benchmarks by replicating the real GeoGCDF rows
(../shared/data/gcdf3/final_input_lac.csv, 17 columns) with fresh record ids.

usage: gen_gcdf.py [ROWS] [OUT]   (defaults: 1000000, bench/out/gcdf_1m.csv)

The output stays outside version control (bench/out is ignored)."""
import csv
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
src = os.environ.get("RUTA_SHARED_DATA", os.path.join(here, "..", "..", "shared", "data"))
src = os.path.join(src, "gcdf3", "final_input_lac.csv")
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "out", "gcdf_1m.csv")
# A bare file name (no directory) is written in the current directory.
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)

with open(src, newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    header = next(r)
    data = list(r)
idcol = header.index("AidData.Record.ID")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(header)
    next_id = 10_000_000
    n = 0
    while n < rows:
        for row in data:
            if n >= rows:
                break
            row = list(row)
            row[idcol] = str(next_id)
            next_id += 1
            w.writerow(row)
            n += 1
print(f"wrote {n} rows to {out} ({os.path.getsize(out) / 1e6:.0f} MB)", file=sys.stderr)
