#!/usr/bin/env python3
"""Draw the benchmark query set from a corpus, deterministically.

    gen_queries.py TOKENS OUT.tsv [--seed S]

TOKENS is the output of `icu_break --dump` over the corpus (ICU words, one
line per run of words, a form feed line between documents).  Chinese words
and word sequences are drawn from it with a fixed seed, half weighted by
frequency (common words, long posting lists) and half uniformly over the
distinct candidates (mostly rare words), so latency is measured over both.

OUT.tsv has a header and one query a line: kind, the zhsearch query, the
Xapian QueryParser query, then the strings an FTS5 row must contain (one per
column).  Kinds:
  w1..w6  one Chinese string of 1-6 characters (ICU words or runs of them)
  phrase  a quoted phrase of 2-3 consecutive words, spaces between them
  and     two words of one document (implicit AND)
  filter  a word with a year: or title: filter; zhsearch only (the baselines
          run the word alone, and their figures leave these queries out)
"""
import argparse
import random
import re
import sys

HAN = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")

PLAN = [("w1", 20), ("w2", 40), ("w3", 30), ("w4", 40), ("w5", 15), ("w6", 15),
        ("phrase", 30), ("and", 30), ("filter", 20)]


def load(path):
    """Documents as lists of runs; a run is a list of consecutive Han words."""
    docs, cur = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "\f":
                docs.append(cur)
                cur = []
                continue
            run = []
            for tok in line.split(" "):
                if HAN.match(tok):
                    run.append(tok)
                elif run:
                    cur.append(run)
                    run = []
            if run:
                cur.append(run)
    if cur:
        docs.append(cur)
    return docs


def sample(rng, occurrences, k, taken):
    """k distinct items not in taken: half drawn from the occurrence list
    (frequency-weighted), half uniformly from the sorted distinct items."""
    distinct = sorted(set(occurrences))
    out = []
    tries = 0
    while len(out) < k and tries < 200 * (k + 1) and distinct:
        tries += 1
        item = rng.choice(occurrences) if len(out) % 2 == 0 else rng.choice(distinct)
        if item in taken:
            continue
        taken.add(item)
        out.append(item)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tokens")
    ap.add_argument("out")
    ap.add_argument("--seed", default="zhsearch-bench-1")
    a = ap.parse_args()
    docs = load(a.tokens)
    if not docs:
        sys.exit("gen_queries: no documents in %s" % a.tokens)

    # strings of 1-6 characters made of 1-3 consecutive words
    by_len = {n: [] for n in range(1, 7)}
    seqs = []  # phrases: 2-3 words of 2+ characters, 4-9 characters in all
    words = []  # words of 2-4 characters, per document
    for doc in docs:
        dw = []
        for run in doc:
            for i in range(len(run)):
                s = ""
                for j in range(i, min(i + 3, len(run))):
                    s += run[j]
                    if len(s) > 6:
                        break
                    by_len[len(s)].append(s)
                if 2 <= len(run[i]) <= 4:
                    dw.append(run[i])
                for n in (2, 3):
                    part = run[i:i + n]
                    if len(part) == n and all(len(w) >= 2 for w in part) and \
                            4 <= sum(map(len, part)) <= 9:
                        seqs.append(part)
        words.append(dw)

    rng = random.Random(a.seed)
    taken = set()
    rows = []
    for kind, k in PLAN:
        if kind.startswith("w"):
            for s in sample(rng, by_len[int(kind[1:])], k, taken):
                rows.append((kind, s, s, [s]))
        elif kind == "phrase":
            keyed = [" ".join(p) for p in seqs]
            for s in sample(rng, keyed, k, taken):
                q = '"%s"' % s
                rows.append((kind, q, q, [s.replace(" ", "")]))
        elif kind == "and":
            rich = [sorted(set(d)) for d in words if len(set(d)) >= 2]
            n, tries = 0, 0
            while n < k and rich and tries < 100 * k:
                tries += 1
                d = rng.choice(rich)
                x, y = rng.sample(d, 2)
                if x in y or y in x or (x, y) in taken or (y, x) in taken:
                    continue
                taken.add((x, y))
                rows.append((kind, "%s %s" % (x, y), "%s %s" % (x, y), [x, y]))
                n += 1
        elif kind == "filter":
            flat = [w for d in words for w in d]
            picks = sample(rng, flat, k, set())
            for i, w in enumerate(picks):
                if i % 3 == 0:
                    q = "%s year:2019..2023" % w
                elif i % 3 == 1:
                    q = "%s year:2021" % w
                else:
                    t = rng.choice(flat)
                    q = "%s title:%s" % (w, t)
                rows.append((kind, q, w, [w]))

    with open(a.out, "w", encoding="utf-8") as f:
        f.write("kind\tzhsearch\txapian\tfts5_terms\n")
        for kind, zq, xq, terms in rows:
            f.write("\t".join([kind, zq, xq] + terms) + "\n")
    counts = {}
    for r in rows:
        counts[r[0]] = counts.get(r[0], 0) + 1
    print("gen_queries: %d queries (%s)" % (len(rows), ", ".join(
        "%s %d" % (kind, counts.get(kind, 0)) for kind, _ in PLAN)), file=sys.stderr)


if __name__ == "__main__":
    main()
