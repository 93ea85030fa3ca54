#!/usr/bin/env bash
# Benchmark: `ruta import gcdf` against pandas read_csv + to_sql on the same generated
# GCDF-schema CSV, side by side in one hyperfine run, plus peak memory from GNU time.
#
#   bench/import.sh [ROWS]        (default 1000000; needs hyperfine, GNU time, pandas)
#
# Each run starts from an empty database file (ruta's built-in registry is pre-loaded
# in a template so that only the import is timed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
CSV=bench/out/gcdf_${ROWS}.csv
[ -f "$CSV" ] || python3 bench/gen_gcdf.py "$ROWS" "$CSV"
cargo build --release -q
RUTA=$PWD/target/release/ruta
TEMPLATE=bench/out/template.db
rm -f "$TEMPLATE"*
"$RUTA" --db "$TEMPLATE" init 2>/dev/null
hyperfine --runs "${RUNS:-3}" --export-markdown bench/out/import.md \
  --prepare "rm -f bench/out/r.db* bench/out/p.db; cp $TEMPLATE bench/out/r.db" \
  -n "ruta import gcdf" "$RUTA --db bench/out/r.db import gcdf $CSV --region all" \
  -n "pandas read_csv + to_sql" "python3 bench/pandas_import.py $CSV bench/out/p.db"
for cmd in "$RUTA --db bench/out/r.db import gcdf $CSV --region all" "python3 bench/pandas_import.py $CSV bench/out/p.db"; do
  rm -f bench/out/r.db* bench/out/p.db; cp "$TEMPLATE" bench/out/r.db
  /usr/bin/time -f "peak RSS %M KiB, %e s: $cmd" $cmd 2>&1 >/dev/null | tail -1
done
ls -l bench/out/r.db bench/out/p.db
