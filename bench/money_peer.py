#!/usr/bin/env python3
"""Money extraction, ruta vs Microsoft Recognizers-Text, on the same passages in one run.

The passages are the Spanish and Portuguese passages of ruta's evaluation set
(crates/ruta-extract/eval/{es,pt}.jsonl); the gold mentions are their `money` annotations.
Both tools read every passage; each predicted money mention is matched one-to-one to a gold
mention whose span it overlaps, when the amount agrees within 0.5% and the currency (ISO
4217) is the same. A range counts by its low end (the peer has no ranges; ruta's
`amount_high` is not scored here). Precision, recall and F1 are printed per language and
overall, as a Markdown table.

The peer reports currency names ("Dólar estadounidense", "Real brasileiro", "Peso"), not
codes; UNIT_CODES below maps them. A bare "Peso" is given the benefit of the doubt: it
matches any peso currency the gold names.

With `--cases FILE` (the shape of ../shared/cases/news-cases.jsonl: id, lang, text,
expect.money = [{amount, currency}]), its Spanish and Portuguese cases are scored too, as a
second set written by others: their gold has no span, so a prediction anywhere in the case
may match it.

usage: bench/money_peer.py [RUTA_BINARY] [--cases FILE] [--misses]
  (default binary target/release/ruta; needs node and `npm ci` in bench/recognizers)
"""
import json, os, pathlib, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
EVAL = ROOT / "crates/ruta-extract/eval"
PEER = ROOT / "bench/recognizers/recognize.js"

PESOS = {"MXN", "COP", "ARS", "CLP", "DOP", "UYU", "CUP"}

# (substring of the peer's lower-cased unit name, ISO 4217), first match wins.
UNIT_CODES = [
    ("peso mexicano", "MXN"), ("peso colombiano", "COP"), ("peso argentino", "ARS"),
    ("peso chileno", "CLP"), ("peso dominicano", "DOP"), ("peso uruguayo", "UYU"),
    ("peso cubano", "CUP"), ("peso", "PESO"),
    ("dólar jamaiquino", "JMD"), ("dólar del caribe oriental", "XCD"),
    ("dólar de trinidad", "TTD"), ("dólar guyanés", "GYD"), ("dólar bahameño", "BSD"),
    ("dólar de barbados", "BBD"), ("dólar", "USD"), ("dollar", "USD"),
    ("real", "BRL"), ("yuan", "CNY"), ("renminbi", "CNY"), ("euro", "EUR"),
    ("sol", "PEN"), ("colón", "CRC"), ("boliviano", "BOB"), ("bolívar", "VES"),
    ("quetzal", "GTQ"), ("lempira", "HNL"), ("córdoba", "NIO"), ("guaraní", "PYG"),
    ("libra", "GBP"), ("yen", "JPY"),
]


def code_of(unit):
    u = (unit or "").lower()
    for k, c in UNIT_CODES:
        if k in u:
            return c
    return unit


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= 0.005 * max(abs(b), 1e-9)


def same_currency(pred, gold):
    return pred == gold or (pred == "PESO" and gold in PESOS)


def gold_spans(p):
    """Gold money mentions with spans: the first occurrence not taken by an earlier one
    (no span for cases without texts)."""
    if "expect" in p:
        return [(None, None, g["amount"], g["currency"]) for g in p["expect"].get("money", [])]
    taken, out = set(), []
    for g in p["mentions"]:
        if g["kind"] != "money":
            continue
        start = 0
        while True:
            i = p["text"].find(g["text"], start)
            if i < 0 or i not in taken:
                break
            start = i + max(len(g["text"]), 1)
        if i < 0:
            continue
        taken.add(i)
        out.append((i, i + len(g["text"]), g["amount"], g["currency"]))
    return out


def score(gold, pred):
    """gold, pred: [(start, end, amount, currency)] → (tp, fp, fn, misses)."""
    used = [False] * len(pred)
    tp, misses = 0, []
    for gs, ge, ga, gc in gold:
        hit = None
        for i, (ps, pe, pa, pc) in enumerate(pred):
            overlaps = gs is None or (ps < ge and gs < pe)
            if not used[i] and overlaps and close(pa, ga) and same_currency(pc, gc):
                hit = i
                break
        if hit is None:
            misses.append(("missed", gs, ge, ga, gc))
        else:
            used[hit] = True
            tp += 1
    for i, p in enumerate(pred):
        if not used[i]:
            misses.append(("spurious",) + tuple(p))
    return tp, used.count(False), len(gold) - tp, misses


def char_offsets(text):
    """UTF-16 code unit offset → Python string index."""
    m, u = {}, 0
    for i, ch in enumerate(text):
        m[u] = i
        u += 2 if ord(ch) > 0xFFFF else 1
    m[u] = len(text)
    return m


def ruta_mentions(binary, passages):
    with tempfile.TemporaryDirectory() as d:
        inp = os.path.join(d, "passages.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps({"url": p["id"], "title": p["id"], "text": p["text"], "lang": p["lang"]}, ensure_ascii=False) + "\n")
        out = subprocess.run([binary, "extract", "--format", "jsonl", inp], capture_output=True, text=True, check=True)
    docs = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    res = {}
    for p, doc in zip(passages, docs):
        b2c = {}
        raw = p["text"].encode("utf-8")
        # ruta's offsets are bytes of UTF-8.
        for i in range(len(p["text"]) + 1):
            b2c[len(p["text"][:i].encode("utf-8"))] = i
        assert len(raw) in b2c
        res[p["id"]] = [(b2c[m["start"]], b2c[m["end"]], m["amount"], m["currency"])
                        for m in doc["mentions"] if m["kind"] == "money"]
    return res


def peer_mentions(passages):
    out = subprocess.run(["node", str(PEER)], input=json.dumps([{"id": p["id"], "lang": p["lang"], "text": p["text"]} for p in passages]),
                         capture_output=True, text=True, check=True)
    res = {}
    for p, r in zip(passages, json.loads(out.stdout)):
        off = char_offsets(p["text"])
        res[p["id"]] = [(off[m["start"]], off[m["end"]], m["value"], code_of(m["unit"])) for m in r["mentions"]]
    return res


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    args = sys.argv[1:]
    cases = None
    if "--cases" in args:
        i = args.index("--cases")
        cases = args[i + 1]
        del args[i : i + 2]
    show = "--misses" in args
    args = [a for a in args if not a.startswith("--")]
    binary = args[0] if args else str(ROOT / "target/release/ruta")
    sets = []
    for lang in ("es", "pt"):
        passages = [json.loads(l) for l in open(EVAL / f"{lang}.jsonl", encoding="utf-8") if l.strip()]
        sets.append((lang, "eval", passages))
    if cases:
        cs = [json.loads(l) for l in open(cases, encoding="utf-8") if l.strip()]
        cs = [c for c in cs if c["lang"] in ("es", "pt") and c.get("expect", {}).get("money")]
        sets.append(("es+pt", "cases", cs))
    rows, totals = [], {}
    for lang, kind, passages in sets:
        tools = {"ruta": ruta_mentions(binary, passages), "Recognizers-Text": peer_mentions(passages)}
        ngold = sum(len(gold_spans(p)) for p in passages)
        for name, pred in tools.items():
            tp = fp = fn = 0
            for p in passages:
                a, b, c, misses = score(gold_spans(p), pred[p["id"]])
                tp, fp, fn = tp + a, fp + b, fn + c
                if show:
                    for m in misses:
                        what = p["text"][m[1]:m[2]] if m[1] is not None else ""
                        print(f"{name} {p['id']} {m[0]}: {what!r} {m[3]} {m[4]}", file=sys.stderr)
            if kind == "eval":
                t = totals.setdefault(name, [0, 0, 0])
                t[0], t[1], t[2] = t[0] + tp, t[1] + fp, t[2] + fn
            rows.append((f"{lang} ({kind})", name, ngold, tp, fp, fn))
    for k, (name, (tp, fp, fn)) in enumerate(totals.items()):
        rows.insert(4 + k, ("**es+pt (eval)**", name, tp + fn, tp, fp, fn))
    print("| set | tool | gold | TP | FP | FN | P | R | F1 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for lang, name, ngold, tp, fp, fn in rows:
        p, r, f = prf(tp, fp, fn)
        print(f"| {lang} | {name} | {ngold} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | {f:.3f} |")


if __name__ == "__main__":
    main()
