#!/usr/bin/env bash
# Contract check for issue 10: Schemathesis (`pip install schemathesis`) generates
# requests from ruta's OpenAPI document and checks every response against it
# (`--checks all`: no 5xx, status codes, content types, headers and bodies as documented,
# invalid input rejected, valid input accepted).
#
#   bench/schemathesis.sh [MAX_TIME_SECONDS=300]
#
# The database holds the registry, GCDF 3.0's LAC rows and ports table, BU, AEI 2025,
# the seed articles, the ports table, DOTS, Comtrade and World Bank IDS (../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
MAX=${1:-300}
D=../shared/data
cargo build --release -q -p ruta-cli
R=$PWD/target/release/ruta
mkdir -p bench/out
DB=bench/out/schemathesis.db
rm -f "$DB"*
$R --db "$DB" init >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import gcdf $D/gcdf3/final_input_lac.csv $D/gcdf3/lac_ports_fullschema.csv >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import bu-cgef $D/bu_cgef/bu_cgef_2020.csv >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import aei-cgit $D/aei_cgit/investments_2005_2025h1.csv >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" ingest news ../shared/seeds >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import ports $D/ports/lac_ports_chinese_firms.csv >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import dots $D/trade/imf_dots_TradeData_BRA_CHN_MEX_URY_IND_RUS_1948-2020.csv >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import comtrade $D/trade/comtrade_cipf_china_plp_TOTAL_2016-2019.xlsx >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
$R --db "$DB" import wb-ids $D/debt/*.csv >/dev/null 2>&1 || true  # rows skipped exit 1; the database is still usable
PORT=${PORT:-8293}
$R --db "$DB" serve --read-only --addr 127.0.0.1:$PORT 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
sleep 2
st run "http://127.0.0.1:$PORT/api/openapi.json" --checks all --max-time "$MAX" \
  --workers 2 --report junit --report-dir bench/out/schemathesis "${@:2}"
