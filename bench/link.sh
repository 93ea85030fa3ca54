#!/usr/bin/env bash
# Record linkage at scale: ruta's linker and Splink (DuckDB) on the same synthetic records
# with the same blocking rules, in the same run. Wall time and peak memory by GNU time,
# pairwise precision / recall / F1 against the known truth by bench/link_f1.py.
#
# usage: bench/link.sh [N]        (default 1000000; needs `pip install splink` and a
#                                  database holding the shared data at $RUTA_DB or ruta.db)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
OUT=bench/out
mkdir -p "$OUT"
cargo build --release -p ruta-cli -p ruta-link --example bench_link >/dev/null 2>&1 || cargo build --release -p ruta-cli -p ruta-link --examples
RUTA=target/release/ruta
[ -f "$OUT/seeds.json" ] || "$RUTA" flows --format json > "$OUT/seeds.json"
[ -f "$OUT/link_$N.csv" ] || python3 bench/gen_link.py "$OUT/seeds.json" "$N" "$OUT/link_$N.csv"
echo "== ruta-link ($(nproc) cores)"
/usr/bin/time -f "wall %e s, peak RSS %M KB" target/release/examples/bench_link "$OUT/link_$N.csv" "$OUT/ruta_clusters_$N.csv"
python3 bench/link_f1.py "$OUT/link_$N.csv" "$OUT/ruta_clusters_$N.csv"
echo "== Splink $(python3 -c 'import splink; print(splink.__version__)') (DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)'))"
/usr/bin/time -f "wall %e s, peak RSS %M KB" python3 bench/link_splink.py "$OUT/link_$N.csv" "$OUT/splink_clusters_$N.csv" 2>"$OUT/splink_$N.log"
grep "wall" "$OUT/splink_$N.log" || true
python3 bench/link_f1.py "$OUT/link_$N.csv" "$OUT/splink_clusters_$N.csv"
