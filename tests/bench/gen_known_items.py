#!/usr/bin/env python3
"""Draw the known-item queries of a corpus: queries with one target document
each, for MRR@10 and success@k of the engines' rankings.

    gen_known_items.py FILELIST TOKENS OUT.tsv [--seed S] [--normalize BIN]

FILELIST is the corpus's sorted file list, TOKENS the output of
`icu_break --dump` over it (ICU words, see gen_queries.py).  Each target
document is used once.  Classes:

  title  words of the document's title: the whole title when its Chinese
         part has at most 6 characters, else one ICU word of 3+ characters
         or two consecutive words of it, as one string.  The title is the
         first non-empty line of the text (help pages: the page's heading,
         which extract_help.py writes first; poems: the title line), for man
         pages the description after " - " on the line that follows the
         NAME (名称) heading.  Documents whose title another document shares
         are skipped: their query has no single target.
  term   1-3 ICU words of 2+ characters of the target, each in at most
         MAXDF documents (as a substring of the raw text), such that at most
         5 documents contain all of them and the target holds the most
         occurrences of them among those: the document the query is most
         about.
  short  one string of 1-2 Chinese characters in 2..MAXDF documents, 2+
         occurrences in the target and more there than in any other one.

MAXDF is max(10, documents / 50).  Every query is checked against its
target: each string must be in the raw text (what the baselines index) and,
with --normalize (tests/zhs-normalize of the build), normalized in the
normalized text (what zhsearch indexes); failures are dropped.

OUT.tsv has a header and one query a line: class, the target's path as in
FILELIST, the zhsearch query, the Xapian query, then the strings (one per
column) for FTS5.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_queries import load  # noqa: E402

HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
PLAN = [("title", 120), ("term", 120), ("short", 80)]
# the NAME heading of man pages: "NAME", "名称", "NAME (名称)", "NAME 命令名", ...
NAME_HEADING = re.compile(r"^(NAME)?[\s(（]*(名称|名字|名 称|命令名)?[\s)）:：]*$")
SEP = "zhsbenchdocsep"  # lower-case ASCII: normalization leaves it as it is


def title_of(path, text):
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return ""
    if os.path.basename(path).startswith("man_"):
        for i, ln in enumerate(lines[:-1]):
            if ln and NAME_HEADING.match(ln):
                name = lines[i + 1]
                return name.split(" - ", 1)[1] if " - " in name else name
    return lines[0]


def title_query(rng, title, runs):
    """A word or two of the title (or all of a short one) as a list of strings."""
    segs = HAN_RUN.findall(title)
    if not segs:
        return None
    if sum(map(len, segs)) <= 6:
        return segs
    picks = []
    for seg in segs:
        # the title's ICU words: the document's first run of words spelling it
        words = next((r for r in runs if "".join(r) == seg), None) or [seg]
        for i, w in enumerate(words):
            if len(w) >= 3:
                picks.append(w)
            if i + 1 < len(words) and 3 <= len(w) + len(words[i + 1]) <= 8:
                picks.append(w + words[i + 1])
    return [rng.choice(picks)] if picks else None


class Counter:
    """Documents containing a string (raw text) with its occurrences, cached."""

    def __init__(self, texts):
        self.texts, self.cache = texts, {}

    def __call__(self, s):
        if s not in self.cache:
            self.cache[s] = {i: t.count(s) for i, t in enumerate(self.texts) if s in t}
        return self.cache[s]


def most_about(target, postings, limit):
    """Whether target is, strictly, the document with the most occurrences
    of the strings among the at most `limit` documents holding all of them."""
    docs = set(postings[0])
    for p in postings[1:]:
        docs &= set(p)
    if target not in docs or len(docs) > limit:
        return False
    tf = {d: sum(p[d] for p in postings) for d in docs}
    return all(tf[d] < tf[target] for d in docs if d != target)


def normalized(binary, paths, strings):
    """zhs-normalize of every path (whitespace dropped: zhsearch does not
    separate Chinese characters on it) and of every string."""
    out_docs = []
    with tempfile.TemporaryDirectory() as tmp:
        sep = os.path.join(tmp, "sep")
        with open(sep, "w") as f:
            f.write(SEP + "\n")
        for k in range(0, len(paths), 500):
            args = [binary]
            for p in paths[k:k + 500]:
                args += [p, sep]
            r = subprocess.run(args, capture_output=True, check=True)
            parts = r.stdout.decode("utf-8", "replace").split(SEP + "\n")
            out_docs += [re.sub(r"\s+", "", x) for x in parts[:-1]]
    if len(out_docs) != len(paths):
        sys.exit("gen_known_items: zhs-normalize gave %d texts for %d files"
                 % (len(out_docs), len(paths)))
    r = subprocess.run([binary, "-s"] + strings, capture_output=True, check=True)
    out_strings = r.stdout.decode("utf-8", "replace").split("\n")[:len(strings)]
    return dict(zip(paths, out_docs)), dict(zip(strings, out_strings))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("filelist")
    ap.add_argument("tokens")
    ap.add_argument("out")
    ap.add_argument("--seed", default="zhsearch-known-item-1")
    ap.add_argument("--normalize", help="tests/zhs-normalize of the build")
    a = ap.parse_args()
    with open(a.filelist, encoding="utf-8") as f:
        paths = [ln.rstrip("\n") for ln in f if ln.strip()]
    texts = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    docs = load(a.tokens)
    if len(docs) != len(paths):
        sys.exit("gen_known_items: %d documents in %s, %d in %s"
                 % (len(docs), a.tokens, len(paths), a.filelist))
    n = len(paths)
    maxdf = max(10, n // 50)
    count = Counter(texts)
    rng = random.Random(a.seed)

    titles = [title_of(p, t) for p, t in zip(paths, texts)]
    seen = {}
    for t in titles:
        seen[t] = seen.get(t, 0) + 1
    # word document frequency (ICU words): a cheap bound before the substring count
    wdf = {}
    for d in docs:
        for w in {w for run in d for w in run if len(w) >= 2}:
            wdf[w] = wdf.get(w, 0) + 1

    order = list(range(n))
    rng.shuffle(order)
    used = set()
    cands = {c: [] for c, _ in PLAN}
    want = {c: k + k // 2 for c, k in PLAN}  # a margin for the checks

    def draw(cls, make):
        for i in order:
            if len(cands[cls]) >= want[cls]:
                return
            if i in used:
                continue
            q = make(i)
            if q:
                used.add(i)
                cands[cls].append((i, q))

    def make_title(i):
        if seen[titles[i]] > 1:
            return None
        return title_query(rng, titles[i], docs[i])

    def make_term(i):
        words = sorted({w for run in docs[i] for w in run if len(w) >= 2 and wdf[w] <= maxdf})
        words = [w for w in words if len(count(w)) <= maxdf]
        for _ in range(10):
            k = rng.choice((1, 2, 3))
            if len(words) < k:
                continue
            pick = rng.sample(words, k)
            if any(x != y and x in y for x in pick for y in pick):
                continue
            if most_about(i, [count(w) for w in pick], 5):
                return pick
        return None

    def make_short(i):
        grams = set()
        for run in HAN_RUN.findall(texts[i]):
            grams.update(run)
            grams.update(run[j:j + 2] for j in range(len(run) - 1))
        grams = sorted(grams)
        rng.shuffle(grams)
        for g in grams[:200]:
            p = count(g)
            if 2 <= len(p) <= maxdf and p[i] >= 2 and most_about(i, [p], maxdf):
                return [g]
        return None

    draw("title", make_title)
    draw("term", make_term)
    draw("short", make_short)

    if a.normalize:
        targets = sorted({paths[i] for c in cands for i, _ in cands[c]})
        strings = sorted({s for c in cands for _, q in cands[c] for s in q})
        ndoc, nstr = normalized(a.normalize, targets, strings)
    dropped = 0
    rows = []
    for cls, k in PLAN:
        kept = 0
        for i, q in cands[cls]:
            ok = all(s in texts[i] for s in q)
            if ok and a.normalize:
                ok = all(nstr[s] and nstr[s] in ndoc[paths[i]] for s in q)
            if not ok:
                dropped += 1
                continue
            if kept < k:
                rows.append((cls, paths[i], q))
                kept += 1
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("class\ttarget\tzhsearch\txapian\tfts5_terms\n")
        for cls, p, q in rows:
            f.write("\t".join([cls, p, " ".join(q), " ".join(q)] + q) + "\n")
    sizes = {c: sum(1 for r in rows if r[0] == c) for c, _ in PLAN}
    print("gen_known_items: %d queries (%s); %d dropped by the containment check%s"
          % (len(rows), ", ".join("%s %d" % kv for kv in sizes.items()), dropped,
             "" if a.normalize else " (raw text only)"), file=sys.stderr)


if __name__ == "__main__":
    main()
