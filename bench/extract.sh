#!/usr/bin/env bash
# Benchmark: `ruta extract` throughput on a >= 200 MB generated news corpus (single
# thread), and side by side with a spaCy NER pipeline on the same slice of it.
#
#   bench/extract.sh [MEGABYTES] [SLICE_MB]   (defaults 200 and 4; needs hyperfine, spacy)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-200}
SLICE=${2:-4}
CORPUS=bench/out/news_${MB}.jsonl
[ -f "$CORPUS" ] || python3 bench/gen_news.py "$CORPUS" "$MB"
head -c $((SLICE * 1048576)) "$CORPUS" | head -n -1 > bench/out/news_slice.jsonl
cargo build --release -q
RUTA=$PWD/target/release/ruta
WORDS=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].split()) for l in open(sys.argv[1])))" "$CORPUS")
BYTES=$(stat -c %s "$CORPUS")
echo "corpus: $CORPUS, $BYTES bytes, $WORDS words" >&2
hyperfine --runs "${RUNS:-3}" --export-markdown bench/out/extract_full.md \
  -n "ruta extract (${MB} MB)" "taskset -c 0 $RUTA extract --format jsonl $CORPUS > /dev/null"
hyperfine --runs "${RUNS:-3}" --export-markdown bench/out/extract_slice.md \
  -n "ruta extract (${SLICE} MB slice)" "taskset -c 0 $RUTA extract --format jsonl bench/out/news_slice.jsonl > /dev/null" \
  -n "spaCy ner (${SLICE} MB slice)" "taskset -c 0 python3 bench/spacy_ner.py bench/out/news_slice.jsonl"
