#!/usr/bin/env python3
"""proximity_exact.py - NEAR/n, BEFORE/n, SENTENCE and PARAGRAPH against a brute-force
scan of the files (TAP).

The rules (searcher/proximity.h), on the normalized text of each file
(zhs-normalize, what the index sees): an operand occurs where exactness.py's
oracle finds it; two occurrences are NEAR/n when at most n non-blank
characters stand between them (overlapping: 0), BEFORE/n the same with
the first operand's occurrence starting first; in one SENTENCE when no
。!?; and no line break stands between them; in one PARAGRAPH when no line
break does (corpus/ holds text files: every line break counts).  A chain
a OP b OP c holds each neighbouring pair.

Queries are generated with a fixed seed from the reports themselves: pairs
of 2-4 character words taken close together in one report (so that many
hold), or from anywhere; distances 0-40; a tenth are chains of three.
Each query's documents (zhsearch --all --json) must equal the oracle's.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exactness as ex  # noqa: E402

zhindex, zhsearch, normalize, corpus = sys.argv[1:5]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 240
rng = random.Random(20261130)
BLANK = set(" \t\n\r\f\v\u00a0\u3000")
ENDS = set("。!?;！？；｡")


def squeeze_map(text):
    """exactness.squeeze, with each kept character's index in text."""
    out, where = [], []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            before = text[i - 1] if i else ""
            after = text[j] if j < n else ""
            if not ((before and ex.is_cjk(before)) or (after and ex.is_cjk(after))):
                out.append(text[i:j])
                where.extend(range(i, j))
            i = j
            continue
        out.append(c)
        where.append(i)
        i += 1
    return "".join(out), where


def spans(doc, q):
    cache = doc.setdefault("spans", {})
    if q not in cache:
        sq, where = doc["sq"], doc["where"]
        cache[q] = [(where[i], where[i + len(q) - 1] + 1)
                    for i in ex.occurrences(sq, q) if ex.clean_at(sq, q, i)]
    return cache[q]


def prefix(text, pred):
    """counts[i]: how many characters of text[:i] satisfy pred."""
    out = [0]
    for c in text:
        out.append(out[-1] + (1 if pred(c) else 0))
    return out


def gap_ok(doc, b, e, op, n):
    """May the gap text[b:e] stand between the two occurrences?"""
    if op in ("NEAR", "BEFORE"):
        return doc["solid"][e] - doc["solid"][b] <= n
    if doc["breaks"][e] - doc["breaks"][b]:
        return False
    return op == "PARAGRAPH" or doc["ends"][e] == doc["ends"][b]


def pair_holds(doc, a, b, op, n):
    sb = spans(doc, b)
    for s1 in spans(doc, a):
        for s2 in sb:
            if s1 == s2 and a == b:
                continue
            if op == "BEFORE" and s1[0] > s2[0]:
                continue
            first, second = sorted([s1, s2])
            if second[0] <= first[1] or gap_ok(doc, first[1], second[0], op, n):
                return True
    return False


def oracle(docs, words, ops):
    return {p for p, d in docs.items()
            if all(pair_holds(d, words[i], words[i + 1], op, n) for i, (op, n) in enumerate(ops))}


def main():
    tmp = tempfile.mkdtemp(prefix="zhs-prox-")
    idx = os.path.join(tmp, "idx")
    p = subprocess.run([zhindex, "-q", "-d", idx, "add", corpus], capture_output=True, text=True)
    if p.returncode:
        print("Bail out! zhindex: " + p.stderr)
        return 2
    docs = {}
    for f in sorted(os.listdir(corpus)):
        path = os.path.realpath(os.path.join(corpus, f))
        text = ex.normalize_file(normalize, path)
        sq, where = squeeze_map(text)
        docs[path] = {"text": text, "sq": sq, "where": where,
                      "solid": prefix(text, lambda c: c not in BLANK),
                      "breaks": prefix(text, lambda c: c in "\n\f\v"),
                      "ends": prefix(text, lambda c: c in ENDS)}
    paths = list(docs)

    def word_at(doc, i):
        k = rng.randint(2, 4)
        w = doc["sq"][i:i + k]
        return w if len(w) == k and all(ex.is_han(c) for c in w) else None

    queries = []
    while len(queries) < count:
        doc = docs[rng.choice(paths)]
        L = len(doc["sq"])
        parts = 3 if rng.random() < 0.1 else 2
        at = rng.randrange(0, max(1, L - 200))
        words = []
        for _ in range(parts):
            src = doc if rng.random() < 0.7 else docs[rng.choice(paths)]
            i = at + rng.randint(0, 60) if src is doc else rng.randrange(0, len(src["sq"]))
            w = word_at(src, i)
            if not w:
                break
            words.append(w)
            at = i + len(w)
        if len(words) != parts:
            continue
        ops = []
        for _ in range(parts - 1):
            r = rng.random()
            ops.append(("NEAR", rng.randint(0, 40)) if r < 0.4 else
                       ("BEFORE", rng.randint(0, 40)) if r < 0.55 else
                       ("SENTENCE", 0) if r < 0.8 else ("PARAGRAPH", 0))
        text = words[0]
        for (op, n), w in zip(ops, words[1:]):
            text += " %s %s" % ("%s/%d" % (op, n) if op in ("NEAR", "BEFORE") else op, w)
        queries.append((text, words, ops))

    failed = holds = 0
    for k, (q, words, ops) in enumerate(queries, 1):
        want = oracle(docs, words, ops)
        holds += bool(want)
        p = subprocess.run([zhsearch, "-d", idx, "--all", "--json", "--snippet", "0", q],
                           capture_output=True, text=True)
        try:
            got = {h["path"] for h in json.loads(p.stdout)["hits"]}
            total = json.loads(p.stdout)["total"]
        except ValueError:
            got, total = None, None
        if got == want and total == len(want):
            print("ok %d - %s: %d" % (k, q, len(want)))
        else:
            failed += 1
            print("not ok %d - %s: got %s (total %s), want %s %s" % (
                k, q, sorted(os.path.basename(x) for x in got or []), total,
                sorted(os.path.basename(x) for x in want), p.stderr.strip()))
    print("# %d queries, %d with matches, %d mismatches" % (len(queries), holds, failed))
    print("1..%d" % len(queries))
    subprocess.run(["rm", "-rf", tmp])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
