#!/bin/bash
# Server memory after the heaviest endpoints, in turn (RSS in KiB after each), on the
# 200,000-project database of bench/hardening.sh.
#   bench/server_memory.sh PORT [ENV=VALUE ...]   (needs wrk)
PORT=$1; shift
env "$@" "$(dirname "$0")/../target/release/ruta" --db "$(dirname "$0")/out/hard_200000.db" serve --read-only --no-cache --addr 127.0.0.1:$PORT 2>/dev/null &
PID=$!
sleep 2
for u in "/api/stats/problems?by=sector_group" "/api/debt/loans?country=ECU" "/api/debt/service?country=ECU" "/api/organizations/china-eximbank" "/api/countries/BRA"; do
  wrk -t2 -c16 -d6s "http://127.0.0.1:$PORT$u" >/dev/null 2>&1
  echo "$u $(ps -o rss= -p $PID)"
done
kill $PID
