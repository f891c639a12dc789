#!/usr/bin/env python3
"""formats_e2e.py - a folder of real attachments, one report per format,
through zhindex and zhsearch (TAP).

The fixtures of tests/formats/fixtures (made from corpus/ by
tests/formats/make_fixtures.sh) each have a sidecar NAME.expect: the
report it was made from (source=), the metadata the index must find
(year=, issuer=, title=; empty: not checked), its pages (pages=) and
whether its text comes from OCR (ocr=).  NAME.pages, for paged formats,
holds the text of each page, "\\f" between pages, written independently
of our extractors.

Checks:
  - the folder indexes with --ocr and no file refused (exit 0); the
    password-protected PDF, added on its own, is refused with its reason;
  - metadata and the format, pages and ocr fields of each document;
  - phrase recall: phrases drawn from the source report (runs of 6-12
    characters between punctuation, seeded) are found in that document:
    100% for DOCX, DOC/WPS and OFD, at least 97% for PDF, and for OCR the
    figure is reported (at least 80%);
  - page anchors: a phrase that occurs once in the report and on one page
    of NAME.pages is found with that page (JSON "page").
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

zhindex, zhsearch, fixtures, root = sys.argv[1:5]
n = 0
failed = 0


def ok(cond, what, why=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {what}")
    else:
        failed += 1
        print(f"not ok {n} - {what}: {why}".replace("\n", " "))
    sys.stdout.flush()


def read_expect(path):
    d = {}
    for line in open(path, encoding="utf-8"):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            d[k] = v
    return d


PUNCT = re.compile(r"[\s，。、；：？！“”‘’（）《》〔〕【】〈〉「」『』…—·,.;:?!()\[\]<>\"'/\\|%％+=*&^$#@~`-]+")


def squash(s):
    return re.sub(r"\s+", "", s)


def phrases(text, lo=6, hi=12):
    out = []
    alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for m in re.finditer(r"(?:(?!%s).)+" % PUNCT.pattern, text, re.S):
        run = squash(m.group())
        # a number or word the punctuation cuts (12.3, e-government) is
        # one token to the index: never take a piece of it
        before = text[m.start() - 2:m.start()]
        after = text[m.end():m.end() + 2]
        if len(after) == 2 and after[0] in ".-'’/:" and after[1] in alnum:
            run = run.rstrip(alnum)
        if len(before) == 2 and before[1] in ".-'’/:" and before[0] in alnum:
            run = run.lstrip(alnum)
        cut = run[:hi]
        if len(run) > hi and run[hi - 1].isascii() and run[hi].isascii():
            cut = cut.rstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        if len(cut) >= lo:  # numbers and Latin words match whole: never cut one
            out.append(cut)
    return out


def search(idx, q, *extra):
    p = subprocess.run([zhsearch, "-d", idx, "--json", "--all", *extra, q],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, p.stderr.strip()
    try:
        return json.loads(p.stdout), ""
    except ValueError as e:
        return None, f"bad JSON: {e}"


GOOD = re.compile(r"^(report|scan|encrypted|latin|multipiece)[^/]*\.(pdf|docx|ofd|doc|wps)$")
tmp = tempfile.mkdtemp(prefix="zhs-formats-")
try:
    names = sorted(f for f in os.listdir(fixtures)
                   if GOOD.match(f) and os.path.exists(os.path.join(fixtures, f + ".expect")))
    ok(len(names) >= 6, f"fixtures of every format: {' '.join(names)}", "too few")
    src = os.path.join(tmp, "in")
    os.mkdir(src)
    for f in names:
        shutil.copy(os.path.join(fixtures, f), src)
    idx = os.path.join(tmp, "idx")
    p = subprocess.run([zhindex, "-d", idx, "--ocr", "add", src], capture_output=True, text=True)
    ok(p.returncode == 0 and "not indexed" not in p.stderr,
       "the folder indexes with --ocr, no file refused", f"exit {p.returncode}: {p.stderr[-600:]}")
    ocr_lines = [l for l in p.stderr.splitlines() if ": page " in l and "OCR" in l]
    ok(not any("scan" in f for f in names) or len(ocr_lines) >= 2,
       "OCR says its progress per page", p.stderr[-300:])

    # the password-protected PDF: named with its reason, nothing else lost
    locked = os.path.join(fixtures, "locked.pdf")
    if os.path.exists(locked):
        shutil.copy(locked, os.path.join(tmp, "locked.pdf"))
        p = subprocess.run([zhindex, "-q", "-d", idx, "add", os.path.join(tmp, "locked.pdf")],
                           capture_output=True, text=True)
        ok(p.returncode == 1 and "locked.pdf: not indexed: PDF: password-protected" in p.stderr,
           "a password-protected PDF is named with the reason, exit 1",
           f"exit {p.returncode}: {p.stderr}")
        lst = subprocess.run([zhindex, "-d", idx, "list"], capture_output=True, text=True).stdout
        ok(len(lst.splitlines()) == len(names), "nothing indexed before it is lost", lst)

    rng = random.Random(12)
    for f in names:
        exp = read_expect(os.path.join(fixtures, f + ".expect"))
        source = os.path.join(root if exp["source"].startswith("corpus/") else os.path.dirname(fixtures),
                              exp["source"])
        if not os.path.exists(source):
            source = os.path.join(fixtures, os.path.basename(exp["source"]))
        text = open(source, encoding="utf-8").read()
        whole = squash(text)
        ps = [x for x in phrases(text) if whole.count(x) >= 1]
        path = os.path.join(src, f)
        ocr = exp.get("ocr") == "1"
        fmt = f.rsplit(".", 1)[1]

        # metadata, through a phrase every copy has
        d, err = search(idx, ps[len(ps) // 2] if ps else "法治")
        hit = next((h for h in (d or {}).get("hits", []) if h["path"] == path), None)
        ok(hit is not None, f"{f}: found", err or "not among the hits")
        if hit:
            for k in ("year", "issuer", "title"):
                want = exp.get(k, "")
                got = str(hit.get(k, ""))
                if want and not ocr:
                    ok(got == want or (k == "issuer" and got.startswith(want)),
                       f"{f}: {k} {want}", f"got '{got}'")
            pages = int(exp.get("pages", "0") or 0)
            ok(hit.get("pages", 0) == pages, f"{f}: pages {pages}", f"got {hit.get('pages')}")
            ok(bool(hit.get("ocr", False)) == ocr, f"{f}: ocr {ocr}", f"got {hit.get('ocr')}")
            want_fmt = {"wps": "DOC", "doc": "DOC"}.get(fmt, fmt.upper())
            ok(hit.get("format") == want_fmt, f"{f}: format {want_fmt}", f"got {hit.get('format')}")

        # phrase recall
        sample = rng.sample(ps, min(len(ps), 25))
        found = 0
        missed = []
        for q in sample:
            d, err = search(idx, q, "--snippet", "0")
            if d and any(h["path"] == path for h in d["hits"]):
                found += 1
            else:
                missed.append(q)
        rate = found / len(sample) if sample else 0
        need = 0.80 if ocr else 0.97 if fmt == "pdf" else 1.0
        print(f"# {f}: phrase recall {found}/{len(sample)} = {rate:.1%}"
              + (f"; missed {' '.join(missed[:5])}" if missed else ""))
        ok(rate >= need, f"{f}: phrase recall {rate:.1%} >= {need:.0%}", f"missed {missed[:5]}")

        # page anchors
        pf = os.path.join(fixtures, f + ".pages")
        if not os.path.exists(pf) or ocr:
            continue
        pages_text = [squash(x) for x in open(pf, encoding="utf-8").read().split("\f")]
        cands = []
        for q in ps:
            on = [i for i, t in enumerate(pages_text) if q in t]
            if whole.count(q) == 1 and len(on) == 1:
                cands.append((q, on[0] + 1))
        picks = rng.sample(cands, min(len(cands), 12))
        right = 0
        wrong = []
        for q, page in picks:
            d, err = search(idx, q)
            hit = next((h for h in (d or {}).get("hits", []) if h["path"] == path), None)
            if hit and hit.get("page") == page:
                right += 1
            else:
                wrong.append(f"{q}: want p. {page}, got {hit.get('page') if hit else None}")
        ok(picks and right == len(picks), f"{f}: page of {len(picks)} phrases", "; ".join(wrong[:4]))
        covered = sorted({p for _, p in picks})
        print(f"# {f}: page anchors checked on pages {covered}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"1..{n}")
sys.exit(1 if failed else 0)
