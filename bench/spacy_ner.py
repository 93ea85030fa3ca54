#!/usr/bin/env python3
"""The peer for `ruta extract`: a spaCy pipeline's NER over the same JSONL articles.

spaCy's trained models (en_core_web_*) are downloaded from GitHub, which this machine
cannot reach; the pipeline here is spaCy's default NER architecture (the tok2vec + ner
config that en_core_web_sm is trained from), built blank and initialised with random
weights. Its speed is the architecture's speed; its entities are meaningless.

usage: bench/spacy_ner.py ARTICLES.jsonl      prints words/s and MB/s on stderr
"""
import json, sys, time
import spacy

nlp = spacy.blank("en")
ner = nlp.add_pipe("ner")
for label in ("ORG", "GPE", "MONEY", "QUANTITY", "PERCENT", "DATE"):
    ner.add_label(label)
nlp.initialize()

texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
size = sum(len(t.encode("utf-8")) for t in texts)
t0 = time.perf_counter()
words = ents = 0
for doc in nlp.pipe(texts, batch_size=64):
    words += len(doc)
    ents += len(doc.ents)
dt = time.perf_counter() - t0
print(f"spaCy {spacy.__version__} ner: {words} tokens, {ents} entities, {dt:.2f} s, "
      f"{words / dt:,.0f} tokens/s, {size / dt / 1048576:.2f} MB/s", file=sys.stderr)
