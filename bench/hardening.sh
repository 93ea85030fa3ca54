#!/usr/bin/env bash
# Benchmark for issue 10: every API endpoint at ROWS generated projects with the response
# cache off (`--no-cache`, every request goes to SQLite), p50/p99 with wrk on 2 threads,
# then every endpoint at once under overload (with CONNS=16: 16 connections each, 320 in
# all, 20x the nominal run's), counting status codes and sampling the server's memory.
#
#   bench/hardening.sh [ROWS=200000]   (needs wrk; DUR per endpoint, default 5s)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-200000}
DUR=${DUR:-5s}
CONNS=${CONNS:-16}
CSV=bench/out/gcdf_${ROWS}.csv
DB=bench/out/hard_${ROWS}.db
[ -f "$CSV" ] || python3 bench/gen_gcdf.py "$ROWS" "$CSV"
cargo build --release -q -p ruta-cli
RUTA=$PWD/target/release/ruta
[ -f "$DB" ] || "$RUTA" --db "$DB" import gcdf "$CSV" --region all >/dev/null
"$RUTA" --db "$DB" init 2>/dev/null
echo "projects: $(sqlite3 "$DB" 'select count(*) from projects'), file $(du -h "$DB" | cut -f1)"
ID=$(sqlite3 "$DB" "select id from projects where country='BRA' order by amount_usd desc limit 1")
SRC=$(sqlite3 "$DB" "select id from sources order by id limit 1")
PORT=8191
"$RUTA" --db "$DB" serve --read-only --no-cache --addr 127.0.0.1:$PORT 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
sleep 3
B=http://127.0.0.1:$PORT
URLS=(
  "/api/projects?limit=50"
  "/api/projects?country=BRA&limit=50"
  "/api/projects?sector_group=new_frontier&year_from=2015&limit=50"
  "/api/projects?q=port&limit=50"
  "/api/projects/$ID"
  "/api/stats/flows?by=year"
  "/api/stats/flows?by=year&split=sector_group"
  "/api/stats/flows?by=lender"
  "/api/stats/flows?by=country"
  "/api/stats/frontier-share?by=year"
  "/api/countries"
  "/api/countries/BRA"
  "/api/organizations?limit=50"
  "/api/organizations/china-eximbank"
  "/api/sources/$SRC"
  "/api/search?q=port"
  "/api/evidence"
  "/api/meta"
  "/api/flows?limit=50"
  "/api/flows?country=BRA&flow_kind=loan&limit=50"
  "/api/stats/problems?by=sector_group"
  "/api/events?limit=50"
  "/api/debt/loans?country=ECU"
  "/api/debt/service?country=ECU"
  "/api/link/candidates?limit=50"
  "/api/projects.csv?country=BRA"
  "/api/projects.geojson?country=BRA"
)
rss() { ps -o rss= -p "$PID" | tr -d ' '; }
echo "server RSS at start: $(rss) KiB"
echo
echo "| endpoint | status | req/s | p50 | p99 |"
echo "|---|---|---:|---:|---:|"
for u in "${URLS[@]}"; do
  # Queries still running from the previous endpoint end within the 3 s deadline.
  sleep 4
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$B$u")
  out=$(wrk -t2 -c"$CONNS" -d"$DUR" --latency --timeout 30s -s bench/status.lua "$B$u")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  st=$(echo "$out" | awk '/^statuses:/ {$1=""; print}')
  printf "| \`%s\` | %s (%s) | %s | %s | %s |\n" "$u" "$code" "${st# }" "$rps" "$p50" "$p99"
done
echo
echo "server RSS after the nominal run: $(rss) KiB"
echo
PER=$((CONNS * 10 / ${#URLS[@]} + 8))
echo "## overload: every endpoint at once, $PER connections each ($((PER * ${#URLS[@]})) in all, against $CONNS in the nominal run), ${OVER:-30s}"
samples=()
(
  for u in "${URLS[@]}"; do
    wrk -t1 -c"$PER" -d"${OVER:-30s}" --timeout 30s -s bench/status.lua "$B$u" > "bench/out/over.$(echo "$u" | md5sum | cut -c1-8).txt" 2>&1 &
  done
  wait
) &
LOAD=$!
while kill -0 $LOAD 2>/dev/null; do samples+=("$(rss)"); sleep 3; done
echo "server RSS samples during overload (KiB, every 3 s): ${samples[*]}"
sleep 5
echo "server RSS 5 s after: $(rss) KiB"
echo
echo "| endpoint | requests | statuses |"
echo "|---|---:|---|"
for u in "${URLS[@]}"; do
  f="bench/out/over.$(echo "$u" | md5sum | cut -c1-8).txt"
  n=$(awk '/requests in/ {print $1}' "$f")
  st=$(awk '/^statuses:/ {$1=""; print}' "$f")
  printf "| \`%s\` | %s | %s |\n" "$u" "$n" "${st# }"
done
