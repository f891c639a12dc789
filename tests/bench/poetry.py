#!/usr/bin/env python3
"""Write the poems of the npm package chinese-poetry as one small text file each.

    poetry.py PACKAGE_DIR OUTDIR [--max N]

PACKAGE_DIR is the unpacked package (the folder holding dist/).  The poems are
read in a fixed order (全唐诗 Tang poems, then Song poems, then 宋词, each
by file number); with --max N (N > 0) and more poems than N, N evenly spaced
poems of that order are kept, so every collection stays represented.  Poem i
of the selection goes to OUTDIR/DDD/IIIIII.txt (DDD = i // 1000): title,
author, then the lines of the poem.
"""
import argparse
import glob
import json
import os
import re
import sys

COLLECTIONS = [
    ("dist/quantangshi", "poet.tang.*.json", "title"),
    ("dist/quantangshi", "poet.song.*.json", "title"),
    ("dist/songci", "ci.song.*.json", "rhythmic"),
]


def number(path):
    m = re.search(r"\.(\d+)\.json$", path)
    return int(m.group(1)) if m else -1


def poems(pkg):
    for sub, pattern, title_key in COLLECTIONS:
        files = sorted(glob.glob(os.path.join(pkg, sub, pattern)), key=number)
        if not files:
            sys.exit("poetry: no %s/%s in %s (not the chinese-poetry package?)"
                     % (sub, pattern, pkg))
        for f in files:
            with open(f, encoding="utf-8") as fh:
                for p in json.load(fh):
                    yield (p.get(title_key) or p.get("title") or "", p.get("author") or "",
                           p.get("paragraphs") or [])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("package")
    ap.add_argument("outdir")
    ap.add_argument("--max", type=int, default=0, help="keep at most N poems (0 = all)")
    a = ap.parse_args()

    allp = list(poems(a.package))
    n = len(allp)
    if a.max > 0 and n > a.max:
        pick = [(i * n) // a.max for i in range(a.max)]
    else:
        pick = range(n)
    os.makedirs(a.outdir, exist_ok=True)
    total = 0
    for k, i in enumerate(pick):
        title, author, lines = allp[i]
        d = os.path.join(a.outdir, "%03d" % (k // 1000))
        if k % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        text = "\n".join([title, author] + [str(x) for x in lines]) + "\n"
        data = text.encode("utf-8")
        with open(os.path.join(d, "%06d.txt" % k), "wb") as f:
            f.write(data)
        total += len(data)
    print("poetry: %d of %d poems written (%.1f MB)" % (len(pick), n, total / 1e6),
          file=sys.stderr)


if __name__ == "__main__":
    main()
