#!/usr/bin/env bash
# Benchmark: `ruta serve` against Datasette serving the same SQLite file, side by side in
# one run, with wrk: the project listing for one country and the flows-by-year totals.
#
#   bench/web.sh [ROWS]      (default 120000 generated GCDF rows; needs wrk, datasette)
#
# Datasette answers the equivalent SQL through its JSON API (?sql=…&_shape=array), with
# --immutable (its fastest mode). ruta runs twice: as shipped (responses kept until the
# database file changes) and with --no-cache (every request queries SQLite). Each URL is
# requested once before measuring.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-120000}
DUR=${DUR:-15s}
CSV=bench/out/gcdf_${ROWS}.csv
DB=bench/out/web_${ROWS}.db
[ -f "$CSV" ] || python3 bench/gen_gcdf.py "$ROWS" "$CSV"
cargo build --release -q
RUTA=$PWD/target/release/ruta
[ -f "$DB" ] || "$RUTA" --db "$DB" import gcdf "$CSV" --region all
"$RUTA" --db "$DB" init 2>/dev/null
echo "projects: $(sqlite3 "$DB" 'select count(*) from projects'), BRA: $(sqlite3 "$DB" "select count(*) from projects where country='BRA'")"

NAME=$(basename "$DB" .db)
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
COLS="id, name, country, sector_group, sector_subgroup, status, flow_kind, amount_usd, amount_usd_nominal, amount, currency, year, source_count, dataset, record_id, include_in_aggregates, lat, lon, precision"
SQL_LIST="select $COLS, (select count(*) from projects where country = 'BRA') as total from projects where country = 'BRA' order by amount_usd desc, id limit 50"
SQL_FLOWS="select year as key, coalesce(sum(amount_usd), 0) as amount_usd, count(*) as count from aggregate_projects group by year order by year is null, year"

"$RUTA" --db "$DB" serve --read-only --addr 127.0.0.1:8181 2>/dev/null &
P1=$!
"$RUTA" --db "$DB" serve --read-only --no-cache --addr 127.0.0.1:8182 2>/dev/null &
P2=$!
datasette serve "$DB" --immutable "$DB" -p 8183 --setting sql_time_limit_ms 10000 --setting max_returned_rows 1000 >/dev/null 2>&1 &
P3=$!
trap 'kill $P1 $P2 $P3 2>/dev/null' EXIT
sleep 4

run() {
  local label=$1 url=$2
  curl -sf "$url" >/dev/null || { echo "FAILED: $url"; return 1; }
  local out
  out=$(wrk -t2 -c32 -d"$DUR" --latency "$url")
  local rps p99 p50
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf "| %s | %s | %s | %s |\n" "$label" "$rps" "$p50" "$p99"
}

echo "| server and request | req/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
run "ruta: /api/projects?country=BRA&limit=50" "http://127.0.0.1:8181/api/projects?country=BRA&limit=50"
run "ruta --no-cache: same" "http://127.0.0.1:8182/api/projects?country=BRA&limit=50"
run "Datasette: same SQL" "http://127.0.0.1:8183/$NAME.json?_shape=array&sql=$(urlenc "$SQL_LIST")"
run "ruta: /api/stats/flows?by=year" "http://127.0.0.1:8181/api/stats/flows?by=year"
run "ruta --no-cache: same" "http://127.0.0.1:8182/api/stats/flows?by=year"
run "Datasette: same SQL" "http://127.0.0.1:8183/$NAME.json?_shape=array&sql=$(urlenc "$SQL_FLOWS")"
