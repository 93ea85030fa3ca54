#!/usr/bin/env bash
# The long fuzz run (RELIABILITY.md): repeats the property-based harness of
# crates/ruta-ingest/tests/fuzz.rs in a release build with fresh random seeds until
# SECONDS_TOTAL have passed. Each round runs under `timeout` (a hang is a round that
# does not end in ROUND_LIMIT seconds) and GNU time (peak RSS). Prints one line per round
# and a summary; exits non-zero on any crash or hang.
#
#   bench/fuzz_long.sh [SECONDS_TOTAL=3600] [CASES_PER_ROUND=400] [ROUND_LIMIT=900]
set -u
cd "$(dirname "$0")/.."
total=${1:-3600}
cases=${2:-400}
limit=${3:-900}
out=bench/out/fuzz
mkdir -p "$out"
cargo test --release -p ruta-ingest --test fuzz --no-run 2>"$out/build.log" || { cat "$out/build.log"; exit 1; }
bin=$(cargo test --release -p ruta-ingest --test fuzz --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("executable") and m["target"]["name"]=="fuzz": print(m["executable"])')
start=$(date +%s)
round=0 crashes=0 hangs=0 peak=0 executed=0
while [ $(( $(date +%s) - start )) -lt "$total" ]; do
  round=$((round + 1))
  PROPTEST_CASES=$cases /usr/bin/time -f '%M' -o "$out/rss.$round" \
    timeout "$limit" "$bin" --test-threads="${THREADS:-1}" >"$out/round.$round.log" 2>&1
  rc=$?
  rss=$(tail -1 "$out/rss.$round" 2>/dev/null | tr -dc 0-9)
  rss=${rss:-0}
  [ "$rss" -gt "$peak" ] && peak=$rss
  if [ $rc -eq 124 ]; then hangs=$((hangs + 1)); status=HANG
  elif [ $rc -ne 0 ]; then crashes=$((crashes + 1)); status="FAIL($rc)"
  else status=ok; executed=$((executed + 2 * cases)); rm -f "$out/round.$round.log"
  fi
  echo "round $round: $status, peak RSS ${rss} KiB, $(( $(date +%s) - start )) s"
done
echo "summary: $round rounds, $executed cases, $crashes crashes, $hangs hangs, peak RSS ${peak} KiB, $(( $(date +%s) - start )) s"
[ $crashes -eq 0 ] && [ $hangs -eq 0 ]
