#!/usr/bin/env python3
"""Generates a large news corpus (JSONL, one article per line) for `ruta extract` speed.

Articles are built from ruta's own annotated passages (crates/ruta-extract/eval) and, when
present, the seed articles' paragraphs (../shared/seeds, read at run time, never copied
into the repository), shuffled, with every figure replaced by a fresh random one so the
text is not a few strings repeated.

usage: bench/gen_news.py OUT.jsonl [MEGABYTES]   (default 200)
"""
import json, pathlib, random, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
target = int(sys.argv[2] if len(sys.argv) > 2 else 200) * 1024 * 1024
rng = random.Random(2026)

paragraphs = []
for f in sorted((root / "crates/ruta-extract/eval").glob("*.jsonl")):
    for line in f.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            paragraphs.append((d["lang"], d["text"]))
seeds = root.parent / "shared/seeds"
if seeds.is_dir():
    for f in sorted(seeds.glob("*.txt")):
        for p in f.read_text(encoding="utf-8").split("\n"):
            if len(p.split()) >= 8:
                paragraphs.append(("en", p))
by_lang = {}
for lang, p in paragraphs:
    by_lang.setdefault(lang, []).append(p)

num = re.compile(r"\d+(?:[.,]\d+)*")

def fresh(m):
    s = m.group(0)
    if len(s) == 4 and s.isdigit() and s.startswith(("19", "20")):
        return str(rng.randint(1995, 2026))
    return "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in s).lstrip("0") or "7"

written = 0
n = 0
with out.open("w", encoding="utf-8") as w:
    while written < target:
        lang = rng.choice(sorted(by_lang))
        k = rng.randint(6, 18)
        body = "\n\n".join(num.sub(fresh, rng.choice(by_lang[lang])) for _ in range(k))
        n += 1
        line = json.dumps({"url": f"https://example.org/news/{n}", "title": f"Article {n}",
                           "date": f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-01",
                           "lang": lang, "text": body}, ensure_ascii=False) + "\n"
        w.write(line)
        written += len(line.encode("utf-8"))
print(f"{out}: {n} articles, {written / 1048576:.0f} MB", file=sys.stderr)
