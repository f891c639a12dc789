#!/usr/bin/env python3
"""known_item_ceiling.py [BENCH_WORK] - the best title-class MRR@10 any
ranking can expect on the known-item queries of the help corpus, next to
zhsearch's, from the last `tests/bench/run.sh help` in BENCH_WORK (default
/var/tmp/zhsearch-bench).

gen_known_items.py picks a title query from a title with known odds: a
title of six Chinese characters or fewer yields only its whole Han text, a
longer one each of its 3-8 character words and word pairs with equal
chance; titles shared by several documents are never targets.  For each
title query, P(query | document) follows from those rules for every
document; the Bayes-optimal ranking orders documents by it, breaking ties
at random, and its expected reciprocal rank is computed exactly.  The mean
over the title queries is the ceiling of the title class; overall, with
the term and short classes at 1.0, the ceiling is (title*120 + 200)/320.
"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from gen_known_items import HAN_RUN, title_of  # noqa: E402
from gen_queries import load  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_WORK", "/var/tmp/zhsearch-bench")
run = os.path.join(work, "help", "run")
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(run, "ki.tsv"), encoding="utf-8")][1:]
paths = [l.rstrip("\n") for l in open(os.path.join(run, "files.list"), encoding="utf-8")]
tokens = os.path.join(run, "tokens.ceiling.txt")
if not os.path.exists(tokens):  # the words gen_known_items saw (run.sh removes its copy)
    with open(tokens, "w") as out:
        subprocess.run([os.path.join(work, "bin", "icu_break"), "--dump", os.path.join(run, "files.list")],
                       stdout=out, check=True)
docs = load(tokens)
titles = [title_of(p, open(p, encoding="utf-8", errors="replace").read()) for p in paths]
shared = {}
for t in titles:
    shared[t] = shared.get(t, 0) + 1


def p_query(i, q):
    """P(the generator asks q | document i is the target)."""
    if shared[titles[i]] > 1:
        return 0.0
    segs = HAN_RUN.findall(titles[i])
    if not segs:
        return 0.0
    if sum(map(len, segs)) <= 6:
        return 1.0 if segs == q else 0.0
    picks = []
    for seg in segs:
        words = next((r for r in docs[i] if "".join(r) == seg), None) or [seg]
        for k, w in enumerate(words):
            if len(w) >= 3:
                picks.append(w)
            if k + 1 < len(words) and 3 <= len(w) + len(words[k + 1]) <= 8:
                picks.append(w + words[k + 1])
    return sum(1 for p in picks if [p] == q) / len(picks) if picks else 0.0


index = {p: i for i, p in enumerate(paths)}
zhs = {}
for l in open(os.path.join(run, "zhs_ki.out"), encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    zhs[int(f[0])] = f[1:]
best = got = 0.0
n = 0
for qi, row in enumerate(rows, 1):
    if row[0] != "title":
        continue
    q, t = row[2].split(" "), index[row[1]]
    n += 1
    P = [p_query(i, q) for i in range(len(paths))]
    better = sum(1 for x in P if x > P[t] + 1e-12)
    ties = sum(1 for x in P if abs(x - P[t]) < 1e-12 and x > 0) or 1
    best += sum(1.0 / (better + j) for j in range(1, ties + 1) if better + j <= 10) / ties
    top = zhs.get(qi, [])[:10]
    got += 1.0 / (top.index(row[1]) + 1) if row[1] in top else 0.0
title = best / n
print("title queries: %d" % n)
print("Bayes-optimal expected title MRR@10: %.3f (zhsearch %.3f)" % (title, got / n))
print("overall ceiling with term and short at 1.0: %.3f" % ((title * 120 + 200) / 320))
