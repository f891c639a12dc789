#!/usr/bin/env python3
"""Build the "help" benchmark corpus: plain-text documents in modern Simplified
Chinese extracted from Debian packages (LibreOffice and GIMP help, the Debian
Reference, FAQ and New Maintainers' Guide, Chinese man pages).

    extract_help.py OUTDIR [--max-docs N] [--max-bytes N] [--min-cjk F] [--min-bytes N]

Every candidate file of the installed packages is converted to text (HTML with
html.parser, man pages rendered by man(1)); documents with too little text or
too small a share of CJK characters are dropped; of the remaining ones, sorted by
source path, at most --max-docs evenly spaced ones are kept, then taken in
path order while the total stays under --max-bytes; the same packages always
give the same corpus.  Writes OUTDIR/NAME.txt
(NAME derived from the source path) and OUTDIR/../help.manifest.tsv.
"""
import argparse
import concurrent.futures
import html.parser
import os
import re
import subprocess
import sys

PACKAGES = {
    # package: (path regex of the files to use, kind)
    "libreoffice-help-zh-cn": (r"^/usr/share/libreoffice/help/zh-CN/.*\.html$", "html"),
    "gimp-help-zh-cn": (r"^/usr/share/gimp/2\.0/help/zh_CN/.*\.html$", "html"),
    "debian-reference-zh-cn": (r"^/usr/share/debian-reference/(?!index\.).*\.zh-cn\.html$", "html"),
    "manpages-zh": (r"^/usr/share/man/zh_CN/man[0-9]/.*\.gz$", "man"),
    "debian-faq-zh-cn": (r"^/usr/share/doc/debian/FAQ/zh-cn/.*\.html$", "html"),
    "maint-guide-zh-cn": (r"^/usr/share/doc/maint-guide-zh-cn/html/.*\.html$", "html"),
}

SKIP_TAGS = {"script", "style", "head", "header", "footer", "nav", "aside", "noscript",
             "template", "svg", "button", "select", "form"}
# DocBook (GIMP, Debian Reference) and LibreOffice page chrome
SKIP_CLASSES = {"navheader", "navfooter", "toc", "list-of-figures", "list-of-tables",
                "list-of-examples", "howtoget", "relatedtopics", "contents-treeview",
                "index-label", "breadcrumbs", "footer"}
BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th",
              "dt", "dd", "pre", "blockquote", "table", "section", "article", "title",
              "hr", "ul", "ol", "dl", "caption", "figcaption"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "param", "source", "track", "wbr"}

CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# a line break (with any indentation) between two CJK characters or CJK
# punctuation is an artifact of wrapping, not a word separator
WRAP_RE = re.compile("(?<=[%s])[ \t]*\n[ \t]*(?=[%s])" % (CJK, CJK))


class TextExtractor(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = []  # stack of tag names whose content is being skipped
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if self.skip:
            if tag == self.skip[-1] and tag not in VOID_TAGS:
                self.skip.append(tag)
            return
        classes = set()
        for k, v in attrs:
            if k == "class" and v:
                classes.update(v.split())
        if tag in SKIP_TAGS or classes & SKIP_CLASSES:
            if tag not in VOID_TAGS:
                self.skip.append(tag)
            return
        if tag == "pre":
            self.pre += 1
        if tag in BLOCK_TAGS:
            self.out.append("\n")
        elif tag == "img":
            pass

    def handle_startendtag(self, tag, attrs):
        if not self.skip and tag in BLOCK_TAGS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.pre:
            self.out.append(data)
        else:
            self.out.append(re.sub(r"[ \t\r\f\v]+", " ", data))

    def text(self):
        return "".join(self.out)


def tidy(text):
    text = text.replace("\r", "").replace("\u00a0", " ")
    text = WRAP_RE.sub("", text)
    lines = [ln.strip() for ln in text.split("\n")]
    out, blank = [], False
    for ln in lines:
        if not ln:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(ln)
    return "\n".join(out) + "\n" if out else ""


def html_to_text(path):
    with open(path, "rb") as f:
        raw = f.read()
    p = TextExtractor()
    p.feed(raw.decode("utf-8", errors="replace"))
    p.close()
    return tidy(p.text())


def man_to_text(path):
    env = dict(os.environ, MANWIDTH="400", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="",
               GROFF_NO_SGR="1")
    r = subprocess.run(["man", "-E", "UTF-8", "-l", path], env=env, capture_output=True,
                       timeout=120)
    if r.returncode != 0 and not r.stdout:
        return ""
    col = subprocess.run(["col", "-b", "-x"], input=r.stdout, capture_output=True,
                         env=dict(os.environ, LC_ALL="C.UTF-8"))
    # groff pads justified lines and the page header: one space is enough
    text = re.sub(r"(?<=\S) {2,}", " ", col.stdout.decode("utf-8", errors="replace"))
    return tidy(text)


def convert(item):
    path, kind = item
    try:
        text = html_to_text(path) if kind == "html" else man_to_text(path)
    except Exception as e:  # a broken file only drops that document
        print("extract_help: %s: %s" % (path, e), file=sys.stderr)
        text = ""
    return path, text


def package_files():
    files = []
    missing = []
    for pkg, (pattern, kind) in sorted(PACKAGES.items()):
        r = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True)
        if r.returncode != 0:
            missing.append(pkg)
            continue
        rx = re.compile(pattern)
        listed = present = 0
        for line in r.stdout.splitlines():
            if rx.match(line):
                listed += 1
                if os.path.isfile(line):
                    present += 1
                    files.append((line, kind))
        if listed and not present:
            print("extract_help: %s is installed but its files are missing (a dpkg path-exclude "
                  "for /usr/share/doc or /usr/share/man, as in slim images?)" % pkg,
                  file=sys.stderr)
    if missing:
        print("extract_help: packages not installed, skipped: %s" % " ".join(missing),
              file=sys.stderr)
    return sorted(set(files))


def out_name(path):
    for prefix, tag in (("/usr/share/libreoffice/help/zh-CN/", "libreoffice"),
                        ("/usr/share/gimp/2.0/help/zh_CN/", "gimp"),
                        ("/usr/share/debian-reference/", "debian-reference"),
                        ("/usr/share/man/zh_CN/", "man"),
                        ("/usr/share/doc/debian/FAQ/zh-cn/", "debian-faq"),
                        ("/usr/share/doc/maint-guide-zh-cn/html/", "maint-guide")):
        if path.startswith(prefix):
            rest = path[len(prefix):]
            break
    else:
        tag, rest = "other", path.lstrip("/")
    rest = re.sub(r"\.(html|gz)$", "", rest)
    return tag + "_" + re.sub(r"[^A-Za-z0-9._+-]", "_", rest.replace("/", "_")) + ".txt"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--max-docs", type=int, default=2500)
    ap.add_argument("--max-bytes", type=int, default=12_000_000)
    ap.add_argument("--min-cjk", type=float, default=0.2,
                    help="minimum share of CJK ideographs among non-space characters")
    ap.add_argument("--min-bytes", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()

    files = package_files()
    if not files:
        sys.exit("extract_help: no source files found (are the packages installed?)")
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        converted = list(ex.map(convert, files))

    stats = {"candidates": len(files), "too_small": 0, "low_cjk": 0, "sampled_out": 0,
             "over_bytes": 0}
    good = []
    for path, text in converted:  # sorted by source path
        data = text.encode("utf-8")
        if len(data) < a.min_bytes:
            stats["too_small"] += 1
            continue
        nonspace = sum(1 for c in text if not c.isspace())
        share = len(CJK_RE.findall(text)) / nonspace if nonspace else 0.0
        if share < a.min_cjk:
            stats["low_cjk"] += 1
            continue
        good.append((path, data, share))
    # More documents than wanted: keep evenly spaced ones of the path-sorted
    # list, so that every source package stays represented.
    if len(good) > a.max_docs:
        n = len(good)
        pick = sorted({(i * n) // a.max_docs for i in range(a.max_docs)})
        stats["sampled_out"] = n - len(pick)
        good = [good[i] for i in pick]

    os.makedirs(a.outdir, exist_ok=True)
    kept, total, names = [], 0, set()
    for path, data, share in good:
        if total + len(data) > a.max_bytes:
            stats["over_bytes"] += 1
            continue
        name = out_name(path)
        if name in names:
            base, n = name[:-4], 2
            while "%s-%d.txt" % (base, n) in names:
                n += 1
            name = "%s-%d.txt" % (base, n)
        names.add(name)
        with open(os.path.join(a.outdir, name), "wb") as f:
            f.write(data)
        kept.append((name, path, len(data), share))
        total += len(data)

    manifest = os.path.join(os.path.dirname(os.path.abspath(a.outdir)), "help.manifest.tsv")
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("file\tsource\tbytes\tcjk_share\n")
        for name, path, size, share in kept:
            f.write("%s\t%s\t%d\t%.3f\n" % (name, path, size, share))
    by_src = {}
    for _, path, size, _ in kept:
        k = out_name(path).split("_", 1)[0]
        d, b = by_src.get(k, (0, 0))
        by_src[k] = (d + 1, b + size)
    print("extract_help: %d candidates, %d kept (%.1f MB); dropped: %d too small, %d low CJK "
          "share, %d by the document cap, %d by the byte cap"
          % (stats["candidates"], len(kept), total / 1e6, stats["too_small"], stats["low_cjk"],
             stats["sampled_out"], stats["over_bytes"]), file=sys.stderr)
    for k in sorted(by_src):
        print("extract_help:   %-17s %5d docs %6.1f MB" % (k, by_src[k][0], by_src[k][1] / 1e6),
              file=sys.stderr)


if __name__ == "__main__":
    main()
