#!/usr/bin/env python3
"""lifecycle.py - model a collection's whole life against an oracle.

What is modelled.  A synthetic collection of reports (thousands of small
files, a few KB each, mixed from the sentences of the corpus reports and the
seed files) lives in a temporary directory and goes through a random
history: files change, vanish, reappear, get renamed, change encoding
(GB18030, UTF-16 with BOM, UTF-8 with BOM), become empty, binary or larger
than --max-size.  The index follows through `zhindex add`, `add` of single
files and directories, `remove`, `sync`, `compact`, on a single index or on
a sharded set (`--shards N` once, then the same commands on the set), and
`kill -9` of add, sync and compact at a random moment, each followed by
`zhindex check` (must pass) and a rerun of the same command.

The oracle.  The test keeps a model of what the index must hold: for every
path, the content the file had when a command last indexed it.

  * add PATH...: every regular file under PATH that can be indexed gets its
    current content; one that cannot (empty, binary, over --max-size) leaves
    the index.  Other documents are untouched (a deleted file stays).
  * sync DIR...: add, then documents under DIR whose files are gone leave.
  * remove PATH...: documents at or under PATH leave; files stay on disk.
  * compact: nothing changes.  A killed command, once rerun, has the effect
    of one complete run.
  * exit status: 1 when some file named or found could not be indexed (or a
    removed path had no documents), else 0.

Matching follows tests/exactness.py: a text atom matches a document whose
normalized text (zhs-normalize of the content written as UTF-8, i.e. what
the index must see whatever the file's encoding), with whitespace next to a
CJK character deleted, contains the normalized atom; an atom that starts or
ends with a digit or Latin letter must sit on token boundaries (atoms whose
occurrences are ambiguous there are not compared).  Metadata is not read
back from the index: the generator writes each file's issuer line, title
line and signature date itself, so the oracle knows title, issuer, region,
year and date (and the sort date: the date, else the start of the year
after the one covered).  title: and issuer: atoms match inside the title and
inside the issuer or region.  Queries are built as small expression trees
(AND, OR, NOT/-, groups, phrases, fields, year:/date: ranges) and rendered
to query strings, so the oracle evaluates the tree, not a second parser.

After every step a battery of queries runs through
`zhsearch --all --json --snippet 0` and is compared with the oracle: the
set of matching paths, `total`, facet counts (`--facet year|issuer`), date
order (`--sort date|-date`, ties free) and, for a query that matches every
indexed document, each hit's title, issuer, region, year and date.

Output is TAP: an "ok"/"not ok" line per checked state (a history's
creation, each step, the final zhindex check), a "#" line per mismatch
(history, step, query, what differed), then a summary line with histories,
steps, queries compared and mismatches, and the plan.  Exit status 1 on any
mismatch, 2 on a setup error.  Python 3 standard library
only.

The defaults are the short seeded run of the test suite: two histories of
five steps, the first on one index of 5,000 files, the second on a set of 3
shards of 1,000 files.  A soak run is the same script with more, e.g.

  tests/lifecycle.py --zhindex Z --zhsearch S --normalize N --corpus corpus \
      --histories 8 --steps 14 --docs-small 3000 --shards 0,2,3,4 --seed 7 -v
"""

import argparse
import concurrent.futures
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MAX_SIZE_MB = 0.25          # --max-size for every command: a "big" file is cheap
MAX_SIZE_BYTES = int(MAX_SIZE_MB * 1048576)
NDIRS = 16                  # subdirectories of the collection
SEP_TEXT = 'zzlifecyclesepzz。\n'


class Setup(Exception):
    pass


TAP_COUNT = [0]


def tap(ok, name):
    """One TAP line for a check."""
    TAP_COUNT[0] += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', TAP_COUNT[0], name))
    sys.stdout.flush()


# ---- the matching rules and variants: those of exactness.py ----------------

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exactness import (S2T, clean_at, is_alnum, is_cjk,  # noqa: E402
                       squeeze as squeeze_joins, to_fullwidth, to_traditional)


def is_han(c):
    return '\u4e00' <= c <= '\u9fff'


def squeeze(text):
    """Delete whitespace runs adjacent to a CJK character."""
    return squeeze_joins(text)[0]


def atom_in(text, q):
    """(matches, ambiguous) for the normalized, squeezed atom q."""
    i = text.find(q)
    if i < 0:
        return False, False
    if not (is_alnum(q[0]) or is_alnum(q[-1])):
        return True, False
    found = amb = False
    while i >= 0:
        if clean_at(text, q, i):
            found = True
        else:
            amb = True
        i = text.find(q, i + 1)
    return found, amb


CN_DIGITS = '〇一二三四五六七八九'


def cn_year(y):
    return ''.join(CN_DIGITS[int(d)] for d in str(y))


def cn_small(n):
    if n < 10:
        return CN_DIGITS[n]
    t, u = divmod(n, 10)
    return ('' if t == 1 else CN_DIGITS[t]) + '十' + (CN_DIGITS[u] if u else '')


# ---- the synthetic collection ----------------------------------------------

REGIONS = ['乐山市市中区', '江油市', '吴忠市', '重庆市綦江区', '安岳县', '绵阳市', '德阳市',
           '宜宾市', '南充市', '泸州市', '自贡市', '遂宁市', '内江市', '眉山市', '雅安市',
           '巴中市', '达州市', '广元市', '资阳市', '乐山市', '成都市武侯区', '攀枝花市']
BUREAUS = ['司法局', '市场监督管理局', '生态环境局']
CHROME = ('阅读次数', '字体', '位置', '信息来源', '首页', '日期', '发布时间', '打印',
          '报告', '〔', '〕')


class Content:
    """One logical file content (a str) and what the oracle knows of it."""
    __slots__ = ('text', 'title', 'issuer', 'region', 'year', 'date', 'sortdate',
                 'norm', 'atoms', 'amb', 'tag')

    def __init__(self, text, title, issuer, region, year, date, tag):
        self.text = text
        self.title, self.issuer, self.region = title, issuer, region
        self.year, self.date = year, date
        self.sortdate = date or ('%04d-00-00' % (year + 1))
        self.norm = None      # normalized, squeezed text
        self.atoms = None     # indexes of the battery's body atoms it matches
        self.amb = None       # ... and of those with an ambiguous occurrence
        self.tag = tag


class File:
    """What is on disk at a path: kind text/empty/binary/big, and encoding."""
    __slots__ = ('kind', 'content', 'enc')

    def __init__(self, kind, content=None, enc='utf-8'):
        self.kind, self.content, self.enc = kind, content, enc

    def indexable(self):
        return self.kind == 'text'


class Generator:
    def __init__(self, rng, sentences, markers):
        self.rng = rng
        self.sentences = sentences
        self.markers = markers
        self.serial = 0

    def marker(self):
        # Zipf-like: marker k is picked with weight 1/(k+1): a few are
        # common, the tail is rare.
        r = self.rng
        k = int(len(self.markers) ** r.random()) - 1
        return self.markers[max(0, min(k, len(self.markers) - 1))]

    def content(self):
        r = self.rng
        self.serial += 1
        n = self.serial
        year = r.randint(2015, 2024)
        kind = r.random()
        if kind < 0.12:
            region = r.choice(REGIONS)
            issuer = region + r.choice(BUREAUS)
            head = issuer
            region_out = ''
            form = 0
        elif kind < 0.24:
            # A region names the report: its government is the issuer.
            region = r.choice(REGIONS)
            issuer, region_out, head = region + '人民政府', region, region
            form = 0
        else:
            region = r.choice(REGIONS)
            issuer, region_out, head = region + '人民政府', region, region + '人民政府'
            form = r.choice((0, 0, 1))
        # The year as written; metadata folds full-width digits, keeps
        # Chinese numerals.
        ytext = tyear = str(year)
        if r.random() < 0.1:
            ytext = to_fullwidth(ytext)
        elif r.random() < 0.05:
            ytext = tyear = cn_year(year)
        if form == 0:
            body_title = r.choice(('关于%s年法治政府建设工作情况的报告',
                                   '关于%s年度法治政府建设情况的报告'))
            title_line = body_title % ytext
            title = head + (body_title % tyear)
        else:
            title_line = '%s年法治政府建设年度报告' % ytext
            title = head + ('%s年法治政府建设年度报告' % tyear)
        variant = r.random()
        paras = []
        # Small documents (about 1 KB) keep indexing thousands cheap.
        for _ in range(r.randint(2, 5)):
            p = ''.join(r.choice(self.sentences) for _ in range(r.randint(1, 2)))
            paras.append(p)
        # Markers: rare words and short terms, and a Latin+number code.
        ms = [self.marker() for _ in range(r.randint(1, 3))]
        paras.insert(r.randint(0, len(paras)),
                     '本年度推进%s工作。' % '和'.join(ms))
        paras.insert(r.randint(0, len(paras)), '项目编号XM%06d。' % n)
        tag = 'plain'
        if variant < 0.1:
            paras = [to_traditional(p) for p in paras]
            tag = 'traditional'
        elif variant < 0.2:
            paras = [to_fullwidth(p) for p in paras]
            tag = 'fullwidth'
        date = ''
        tail = ''
        if r.random() < 0.85:
            dy, dm, dd = year + 1, r.randint(1, 6), r.randint(1, 28)
            date = '%04d-%02d-%02d' % (dy, dm, dd)
            form = r.random()
            if form < 0.5:
                tail = '\n\n%d年%d月%d日\n' % (dy, dm, dd)
            elif form < 0.8:
                tail = '\n\n%s\n' % date
            else:
                tail = '\n\n%s年%s月%s日\n' % (cn_year(dy), cn_small(dm), cn_small(dd))
        text = head + '\n' + title_line + '\n\n' + '\n\n'.join(paras) + '\n' + tail
        return Content(text, title, issuer, region_out, year, date, tag)


def load_sentences(dirs):
    seen = set()
    out = []
    for d in dirs:
        for f in sorted(glob.glob(os.path.join(d, '*.txt'))):
            with open(f, 'rb') as fh:
                raw = fh.read()
            h = hashlib.sha1(raw).hexdigest()
            if h in seen:
                continue
            seen.add(h)
            text = raw.decode('utf-8', errors='replace')
            for line in text.splitlines():
                line = line.strip()
                # Prose only: page chrome, dates, document numbers and
                # title-like lines would make the metadata depend on the mix.
                if '。' not in line or any(c in line for c in CHROME) or '\ufffd' in line:
                    continue
                for s in re.findall(r'[^。]*。', line):
                    s = s.strip()
                    if len(s) >= 8 and not s[0].isdigit():
                        out.append(s)
    if len(out) < 50:
        raise Setup('too few sentences in %s' % ', '.join(dirs))
    return sorted(set(out))


def encode(f):
    """Bytes of a file."""
    if f.kind == 'empty':
        return b''
    if f.kind == 'binary':
        return bytes(range(256)) * 8 + b'\0\0\0\x01\x02PK\x03\x04' * 64
    text = f.content.text
    if f.kind == 'big':
        text = text * (MAX_SIZE_BYTES // max(1, len(text.encode('utf-8'))) + 2)
    if f.enc == 'gb18030':
        return text.encode('gb18030')
    if f.enc == 'utf-16le-bom':
        return b'\xff\xfe' + text.encode('utf-16-le')
    if f.enc == 'utf-16be-bom':
        return b'\xfe\xff' + text.encode('utf-16-be')
    if f.enc == 'utf-8-bom':
        return b'\xef\xbb\xbf' + text.encode('utf-8')
    return text.encode('utf-8')


ENCODINGS = ['gb18030', 'utf-16le-bom', 'utf-16be-bom', 'utf-8-bom']


# ---- running the programs ---------------------------------------------------

def run(cmd, timeout=600):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except OSError as e:
        # Not runnable (e.g. being relinked): says nothing about the index.
        raise Setup('cannot run %s: %s' % (cmd[0], e))
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


class Normalizer:
    """zhs-normalize over many texts in one process: the texts are written
    as UTF-8 files and separated by a marker file."""

    def __init__(self, exe, tmp):
        self.exe, self.dir = exe, os.path.join(tmp, 'norm')
        os.makedirs(self.dir)
        self.sep = os.path.join(self.dir, 'sep.txt')
        with open(self.sep, 'w', encoding='utf-8') as f:
            f.write(SEP_TEXT)
        rc, out, err = run([exe, self.sep])
        if rc != 0 or not out:
            raise Setup('zhs-normalize %s: exit %d: %s' % (self.sep, rc, err))
        self.sep_norm = out
        self.serial = 0

    def strings(self, strings):
        if not strings:
            return []
        rc, out, err = run([self.exe, '-s'] + list(strings))
        lines = out.split('\n')
        if rc != 0 or len(lines) < len(strings):
            raise Setup('zhs-normalize -s: exit %d: %s' % (rc, err))
        return lines[:len(strings)]

    def texts(self, texts):
        out_all = []
        for b in range(0, len(texts), 400):
            chunk = texts[b:b + 400]
            args = []
            for i, t in enumerate(chunk):
                # New names each time: rewriting a file in place makes ext4
                # flush it on close.
                self.serial += 1
                p = os.path.join(self.dir, '%d.txt' % self.serial)
                with open(p, 'w', encoding='utf-8') as f:
                    f.write(t)
                args += [p, self.sep]
            rc, out, err = run([self.exe] + args)
            for p in args[::2]:
                os.unlink(p)
            parts = out.split(self.sep_norm)
            if rc != 0 or len(parts) != len(chunk) + 1:
                raise Setup('zhs-normalize: exit %d, %d parts for %d texts: %s'
                            % (rc, len(parts), len(chunk), err[:300]))
            out_all += parts[:-1]
        return out_all


# ---- queries -----------------------------------------------------------------
#
# A query is a tree: ('atom', field, text, quoted) with field body/title/
# issuer, ('year', lo, hi), ('date', lo, hi), ('and', [..]), ('or', [..]),
# ('not', x) inside an 'and'.  render() gives the query string, the oracle
# evaluates the tree.

def render(node, top=True):
    k = node[0]
    if k == 'atom':
        _, field, text, quoted = node
        v = '"%s"' % text if quoted else text
        return v if field == 'body' else '%s:%s' % (field, v)
    if k == 'year':
        lo, hi = node[1], node[2]
        return 'year:%s' % (lo if lo == hi else '%s..%s' % (lo or '', hi or ''))
    if k == 'date':
        return 'date:%s' % node[1]
    if k == 'not':
        return node[2] + render(node[1], False)
    if k == 'and':
        return ' '.join(render(x, False) for x in node[1])
    if k == 'or':
        s = ' OR '.join(render(x, False) for x in node[1])
        return s if top else '(%s)' % s
    raise ValueError(k)


def atoms_of(node, out):
    if node[0] == 'atom':
        out.append(node)
    elif node[0] in ('and', 'or'):
        for x in node[1]:
            atoms_of(x, out)
    elif node[0] == 'not':
        atoms_of(node[1], out)
    return out


def date_bounds(v):
    """date:V or date:A..B as (lo, hi) over YYYY-MM-DD strings."""
    def lo_of(s):
        return s + ('-00-00' if len(s) == 4 else '-00' if len(s) == 7 else '')

    def hi_of(s):
        return s + ('-99-99' if len(s) == 4 else '-99' if len(s) == 7 else '')
    if '..' in v:
        a, b = v.split('..')
        return (lo_of(a) if a else None), (hi_of(b) if b else None)
    return lo_of(v), hi_of(v)


class Battery:
    def __init__(self, rng, gen, norm):
        self.items = []   # (label, options, tree)
        r = rng
        sent = gen.sentences
        markers = gen.markers
        Q = self.items

        def A(text, field='body', quoted=False):
            return ('atom', field, text, quoted)

        def han_sub(n):
            for _ in range(1000):
                s = r.choice(sent)
                if len(s) <= n:
                    continue
                i = r.randrange(len(s) - n)
                q = s[i:i + n]
                if all(is_han(c) for c in q):
                    return q
            return '法治'

        # Words in (nearly) every document; each costs a listing of the
        # whole collection, so there are only a few.
        for q in ('法治', '政府', '法治政府', '报告', '府'):
            Q.append(('ubiquitous', [], A(q)))
        for q in ('复议', '行政复议', '放管服', '依法行政', '营商环境', '行政执法', '议', '的',
                  '区', '一网通办', '矛盾纠纷', '整改'):
            Q.append(('corpus', [], A(q)))
        for n in (1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8):
            Q.append(('sample', [], A(han_sub(n))))
        # Markers: common ones, the rare tail, and their 1-2 character parts.
        idx = sorted({0, 1, 2, 5, 10, 20, 40} | {r.randrange(len(markers)) for _ in range(8)})
        for k in idx:
            Q.append(('marker', [], A(markers[k])))
        for _ in range(6):
            m = r.choice(markers[:60])
            i = r.randrange(len(m))
            Q.append(('marker-part', [], A(m[i:i + r.randint(1, 2)])))
        for n in (r.randint(1, 400) for _ in range(4)):
            Q.append(('code', [], A('XM%06d' % n)))
        Q.append(('code', [], A(to_fullwidth('XM%06d' % r.randint(1, 400)))))
        Q.append(('code', [], A('xm%06d' % r.randint(1, 400))))
        for q in ('行政復議', '法治政府建設', '審批', '行政執法', '樂山', '綦江區'):
            Q.append(('traditional', [], A(q)))
        for q in ('２０２１年', '２０１９年', 'ＸＭ００００１２', '关于２０２０年'):
            Q.append(('fullwidth', [], A(q)))
        for q in ('量子计算机', '府政治法', '议复', '区块链技术'):
            Q.append(('absent', [], A(q)))
        for q in ('2021年', '2018年', '2024年'):
            Q.append(('number', [], A(q)))
        # Phrases, with spaces inside (they do not split) and across the
        # header's line break.
        for _ in range(5):
            s = han_sub(r.randint(4, 6))
            i = r.randint(1, len(s) - 1)
            Q.append(('phrase', [], A(s[:i] + ' ' + s[i:], quoted=True)))
        Q.append(('phrase', [], A('人民政府 关于', quoted=True)))
        Q.append(('phrase', [], A('政府关于2021', quoted=True)))
        Q.append(('phrase', [], A('推进%s' % markers[3], quoted=True)))
        # Boolean.
        for _ in range(4):
            Q.append(('or', [], ('or', [A(r.choice(markers)), A(r.choice(markers[:30]))])))
        Q.append(('or', [], ('or', [A('行政复议'), A(markers[0])])))
        Q.append(('or', [], ('or', [A(han_sub(3)), A(han_sub(4)), A('XM%06d' % r.randint(1, 300))])))
        for _ in range(3):
            Q.append(('not', [], ('and', [A(han_sub(2)), ('not', A(han_sub(2)), '-')])))
        Q.append(('not', [], ('and', [A('法治'), ('not', A(markers[0]), 'NOT ')])))
        Q.append(('not', [], ('and', [A('政府'), ('not', A('复议'), '-')])))
        Q.append(('not', [], ('and', [A(markers[1]), ('not', ('year', '2015', '2019'), '-')])))
        Q.append(('group', [], ('and', [('or', [A('复议'), A('诉讼')]), A(markers[2])])))
        Q.append(('group', [], ('and', [('or', [A(markers[0]), A(markers[1])]), A('法治')])))
        Q.append(('and', [], ('and', [A('法治'), A('政府'), A(r.choice(markers[:20]))])))
        Q.append(('and', [], ('and', [A(han_sub(2)), A(han_sub(3))])))
        # Fields.
        for y in ('2015', '2021', '2024', '2030'):
            Q.append(('year', [], ('year', y, y)))
        Q.append(('year', [], ('year', '2019', '2022')))
        Q.append(('year', [], ('year', None, '2017')))
        Q.append(('year', [], ('year', '2023', None)))
        Q.append(('year', [], ('and', [A('复议'), ('year', '2020', '2021')])))
        for q in ('乐山', '司法局', '綦江', '人民政府', '市中区', '监督管理', r.choice(REGIONS)[:2],
                  '樂山'):
            Q.append(('issuer', [], ('and', [A(q, 'issuer')])))
        Q.append(('issuer', [], ('and', [A('乐山', 'issuer'), ('year', '2021', '2021')])))
        for q in ('年度', '工作情况', '司法局', '年度报告', '吴忠', '2020年'):
            Q.append(('title', [], ('and', [A(q, 'title')])))
        Q.append(('title', [], ('and', [A('法治', 'title'), A(markers[0])])))
        for v in ('2020-03', '2022', '2019-01..2019-06', '2023-02-14', '..2017-12', '2024-06..'):
            Q.append(('date', [], ('date', v) + date_bounds(v)))
        # Facets and sorting.
        for q in ('法治', markers[0], '复议', markers[5]):
            Q.append(('facet', ['--facet', 'year', '--facet', 'issuer'], A(q)))
        Q.append(('facet', ['--facet', 'year'], ('and', [A('乐山', 'issuer')])))
        Q.append(('facet', ['--facet', 'issuer'], ('year', '2020', '2022')))
        for q, o in (('法治', 'date'), (markers[0], 'date'), (markers[2], '-date'),
                     ('复议', '-date'), (markers[9], 'date')):
            Q.append(('sort', ['--sort', o], A(q)))
        Q.append(('sort', ['--sort', 'date'], ('and', [A('政府'), ('year', '2018', '2020')])))

        # Normalized forms of every atom (phrases squeezed).
        self.atom_list = []
        seen = {}
        for _, _, tree in Q:
            for a in atoms_of(tree, []):
                if a not in seen:
                    seen[a] = len(self.atom_list)
                    self.atom_list.append(a)
        self.atom_index = seen
        normed = norm.strings([a[2] for a in self.atom_list])
        self.atom_norm = [squeeze(s) for s in normed]
        self.body_atoms = [i for i, a in enumerate(self.atom_list) if a[1] == 'body']


# ---- the model ---------------------------------------------------------------

class History:
    def __init__(self, args, hist_no, seed, tmp, norm, sentences, report):
        self.a = args
        self.no = hist_no
        self.r = random.Random(seed)
        self.tmp = tmp
        self.norm = norm
        self.report = report
        self.root = os.path.realpath(os.path.join(tmp, 'docs'))
        self.index = os.path.join(tmp, 'idx')
        self.shards = 0
        self.disk = {}        # path -> File
        self.gone = {}        # path -> File deleted earlier (may reappear)
        self.model = {}       # path -> Content indexed
        self.next_file = 0
        markers = self.make_markers(sentences)
        self.gen = Generator(self.r, sentences, markers)
        self.bat = Battery(self.r, self.gen, norm)
        self.step_no = 0
        self.stats = {'steps': 0, 'queries': 0, 'skipped': 0, 'mismatches': 0,
                      'kills': 0, 'kills_missed': 0, 'max_docs': 0}
        self.durations = {}
        self.left_seen = set()

    # -- vocabulary

    def make_markers(self, sentences):
        # Characters that occur nowhere in the corpus, normalize to
        # themselves, and are not Traditional forms of anything.
        used = set(''.join(sentences))
        cands = [chr(c) for c in range(0x5000, 0x9000, 7)
                 if chr(c) not in used and chr(c) not in S2T.values()]
        self.r.shuffle(cands)
        cands = cands[:300]
        normed = self.norm.strings(cands)
        chars = [c for c, n in zip(cands, normed) if c == n][:48]
        if len(chars) < 30:
            raise Setup('too few marker characters')
        markers = set()
        while len(markers) < 400:
            markers.add(''.join(self.r.choice(chars) for _ in range(self.r.randint(2, 4))))
        markers = sorted(markers)
        self.r.shuffle(markers)
        return markers

    # -- files

    def new_path(self):
        self.next_file += 1
        d = 'd%02d' % self.r.randrange(NDIRS)
        name = ('r%05d.txt' if self.r.random() < 0.9 else '报告%05d.txt') % self.next_file
        return os.path.join(self.root, d, name)

    def write(self, path, f):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            os.unlink(path)     # a new inode: no flush on close (ext4)
        with open(path, 'wb') as fh:
            fh.write(encode(f))
        self.disk[path] = f

    def new_text_file(self):
        f = File('text', self.gen.content())
        if self.r.random() < 0.08:
            f.enc = self.r.choice(ENCODINGS)
        return f

    def mutate(self, n, deletions=0):
        """n random changes to files on disk, plus `deletions` deletions."""
        r = self.r
        kinds = ['modify'] * 6 + ['reencode', 'empty', 'binary', 'big', 'new', 'new',
                                  'reappear', 'rename', 'restore']
        done = []
        for _ in range(n):
            k = r.choice(kinds)
            paths = sorted(self.disk)
            if k == 'new' or not paths:
                p = self.new_path()
                self.write(p, self.new_text_file())
            elif k == 'reappear' and self.gone:
                p = r.choice(sorted(self.gone))
                f = self.gone.pop(p)
                if r.random() < 0.5 and f.kind == 'text':
                    f = File('text', self.gen.content(), f.enc)
                self.write(p, f)
            elif k == 'rename':
                p = r.choice(paths)
                q = self.new_path()
                os.makedirs(os.path.dirname(q), exist_ok=True)
                os.rename(p, q)
                self.disk[q] = self.disk.pop(p)
            else:
                p = r.choice(paths)
                old = self.disk[p]
                if k == 'modify':
                    self.write(p, File('text', self.gen.content(), old.enc))
                elif k == 'reencode' and old.kind == 'text':
                    self.write(p, File('text', old.content,
                                       r.choice([e for e in ENCODINGS + ['utf-8'] if e != old.enc])))
                elif k in ('empty', 'binary', 'big'):
                    content = old.content or self.gen.content()
                    self.write(p, File(k, content, 'utf-8'))
                elif k == 'restore':
                    # A file that became empty/binary/big gets text again.
                    bad = [x for x in paths if not self.disk[x].indexable()]
                    if bad:
                        p = r.choice(bad)
                        f = self.disk[p]
                        self.write(p, File('text', f.content or self.gen.content(), 'utf-8'))
            done.append(k)
        for _ in range(deletions):
            paths = sorted(self.disk)
            if not paths:
                break
            p = r.choice(paths)
            os.unlink(p)
            self.gone[p] = self.disk.pop(p)
        return done

    # -- applying a command to the model

    def files_under(self, paths):
        out = []
        for p in paths:
            if p in self.disk:
                out.append(p)
            else:
                pre = p.rstrip('/') + '/'
                out += [x for x in self.disk if x.startswith(pre)]
        return sorted(set(out))

    def model_add(self, paths, sync):
        failed = 0
        for p in self.files_under(paths):
            f = self.disk[p]
            if f.indexable():
                self.model[p] = f.content
            else:
                failed += 1
                self.model.pop(p, None)
        if sync:
            for p in paths:
                pre = p.rstrip('/') + '/'
                for x in list(self.model):
                    if (x == p or x.startswith(pre)) and x not in self.disk:
                        del self.model[x]
        return 1 if failed else 0

    def model_remove(self, paths):
        failed = 0
        for p in paths:
            pre = p.rstrip('/') + '/'
            hit = [x for x in self.model if x == p or x.startswith(pre)]
            if not hit:
                failed += 1
            for x in hit:
                del self.model[x]
        return 1 if failed else 0

    # -- zhindex

    def zhindex_cmd(self, cmd, paths=(), first=False, batch=None):
        c = [self.a.zhindex, '-d', self.index, '-q', '--max-size', str(MAX_SIZE_MB)]
        if first and self.shards:
            c += ['--shards', str(self.shards)]
        if batch:
            c += ['--batch', str(batch)]
        return c + [cmd] + list(paths)

    def zhindex(self, what, cmd, expect_rc, kill=False):
        """Run cmd (killed at a random moment first when kill is set);
        compare the exit status with expect_rc."""
        key = what
        if kill:
            est = self.durations.get(key, 1.0)
            delay = self.r.uniform(0.05, 0.9) * est if est else self.r.uniform(0.3, 3.0)
            t0 = time.monotonic()
            try:
                p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError as e:
                raise Setup('cannot run %s: %s' % (cmd[0], e))
            try:
                p.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                pass
            self.stats['kills'] += 1
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
                killed = 'killed after %.2f s' % (time.monotonic() - t0)
            else:
                self.stats['kills_missed'] += 1
                killed = 'finished before the kill (%.2f s)' % (time.monotonic() - t0)
            rc, out, err = run([self.a.zhindex, '-d', self.index, 'check'])
            # Killed before the first commit: there is no index to check.
            if rc != 0 and os.path.exists(self.index):
                self.mismatch('zhindex check after kill -9 of %s' % what,
                              'exit %d (%s): %s' % (rc, killed, (err or out).strip()[:300]))
        t0 = time.monotonic()
        rc, out, err = run(cmd)
        dt = time.monotonic() - t0
        self.durations[key] = max(dt, 0.2)
        if rc != expect_rc:
            self.mismatch('zhindex %s' % what, 'exit %d, expected %d: %s'
                          % (rc, expect_rc, err.strip().replace('\n', ' | ')[:400]))
        if self.a.verbose:
            print('#   %s: exit %d in %.2f s%s' % (what, rc, dt, ' (rerun)' if kill else ''))
        return rc

    def leftovers(self, what):
        """Temporary copies left beside the index or its shards."""
        pats = [self.index + '.compact-*', self.index + '.old-*', self.index + '.build-*',
                os.path.join(self.index, '*.compact-*'), os.path.join(self.index, '*.old-*')]
        left = sorted(x for p in pats for x in glob.glob(p) if x not in self.left_seen)
        self.left_seen.update(left)
        if left:
            self.mismatch('after %s' % what, 'left behind: %s'
                          % ', '.join(os.path.basename(x) for x in left[:5]))

    # -- steps

    def mismatch(self, query, what, label=''):
        self.stats['mismatches'] += 1
        what = ' | '.join(x.strip() for x in what.splitlines() if x.strip() and x.strip('='))
        self.report('#   MISMATCH h%d step %d (%s) %s%s: %s'
                    % (self.no, self.step_no, self.op, label + ' ' if label else '', query, what))

    def create(self, ndocs):
        self.op = 'create'
        for _ in range(ndocs):
            self.write(self.new_path(), self.new_text_file())
        # A few files that can never be indexed, from the start.
        for k in ('empty', 'binary', 'big'):
            self.write(self.new_path(), File(k, self.gen.content()))
        exp = self.model_add([self.root], False)
        # Half the histories kill the first, largest add somewhere inside.
        self.durations['add (create)'] = 0
        t0 = time.monotonic()
        self.zhindex('add (create)', self.zhindex_cmd('add', [self.root], first=True), exp,
                     kill=self.r.random() < 0.5)
        self.durations['add-all'] = time.monotonic() - t0

    def some_dirs(self):
        ds = sorted({os.path.dirname(p) for p in self.disk})
        return self.r.sample(ds, min(len(ds), self.r.randint(1, 3)))

    def step(self, op):
        r = self.r
        self.step_no += 1
        self.op = op
        n_small = max(3, len(self.disk) // 200)
        if op == 'add':
            self.mutate(n_small)
            how = r.random()
            if how < 0.5:
                paths = [self.root]
            elif how < 0.8:
                paths = self.some_dirs()
            else:
                # Single files, some of them not indexable.
                paths = r.sample(sorted(self.disk), min(len(self.disk), 5))
            exp = self.model_add(paths, False)
            self.zhindex('add', self.zhindex_cmd('add', paths, batch=r.choice((None, 100))), exp)
        elif op == 'remove':
            how = r.random()
            if how < 0.4:
                paths = self.some_dirs()[:1]
            else:
                paths = r.sample(sorted(self.model), min(len(self.model), r.randint(1, 30)))
            exp = self.model_remove(paths)
            self.zhindex('remove', self.zhindex_cmd('remove', paths), exp)
        elif op == 'sync':
            self.mutate(n_small, deletions=n_small)
            paths = [self.root] if r.random() < 0.7 else self.some_dirs()
            exp = self.model_add(paths, True)
            self.zhindex('sync', self.zhindex_cmd('sync', paths, batch=r.choice((None, 100))), exp)
        elif op == 'compact':
            self.zhindex('compact', self.zhindex_cmd('compact'), 0)
            self.leftovers('compact')
        elif op == 'kill-add':
            # Enough changed files for several commits, so the kill can land
            # between them.
            n = max(20, len(self.disk) // 8)
            self.mutate(n)
            exp = self.model_add([self.root], False)
            self.durations['kill-add'] = self.durations['add-all'] * n / len(self.disk) * 1.3
            self.zhindex('kill-add', self.zhindex_cmd('add', [self.root], batch=50), exp, kill=True)
        elif op == 'kill-sync':
            n = max(20, len(self.disk) // 10)
            self.mutate(n, deletions=max(10, len(self.disk) // 20))
            exp = self.model_add([self.root], True)
            self.durations['kill-sync'] = self.durations['add-all'] * n / len(self.disk) * 1.5
            self.zhindex('kill-sync', self.zhindex_cmd('sync', [self.root], batch=50), exp,
                         kill=True)
        elif op == 'kill-compact':
            self.durations['kill-compact'] = self.durations.get(
                'compact', self.durations['add-all'] / 10)
            self.zhindex('kill-compact', self.zhindex_cmd('compact'), 0, kill=True)
            self.leftovers('kill -9 of compact and rerun')
        else:
            raise ValueError(op)

    # -- the oracle

    def prepare(self):
        """Normalize new contents and find the battery atoms they hold."""
        todo = [c for c in set(self.model.values()) if c.norm is None]
        todo.sort(key=lambda c: c.text)
        if todo:
            for c, t in zip(todo, self.norm.texts([c.text for c in todo])):
                c.norm = squeeze(t)
        bat = self.bat
        for c in set(self.model.values()):
            if c.atoms is None:
                atoms, amb = set(), set()
                for i in bat.body_atoms:
                    m, a = atom_in(c.norm, bat.atom_norm[i])
                    if m:
                        atoms.add(i)
                    if a:
                        amb.add(i)
                c.atoms, c.amb = atoms, amb

    def norm_meta(self, s):
        return self.meta_norm.get(s, '') if s else ''

    def step_sets(self):
        """Per step: for every atom, the paths it matches and whether some
        occurrence is ambiguous."""
        bat = self.bat
        n = len(bat.atom_list)
        match = [set() for _ in range(n)]
        amb = [False] * n
        fields = [i for i, a in enumerate(bat.atom_list) if a[1] != 'body']
        for p, c in self.model.items():
            for i in c.atoms:
                match[i].add(p)
            for i in c.amb:
                amb[i] = True
            for i in fields:
                q = bat.atom_norm[i]
                if bat.atom_list[i][1] == 'title':
                    hay = (self.norm_meta(c.title),)
                else:
                    hay = (self.norm_meta(c.issuer), self.norm_meta(c.region))
                for h in hay:
                    m, a = atom_in(h, q) if h else (False, False)
                    if m:
                        match[i].add(p)
                    amb[i] = amb[i] or a
        self.atom_match, self.atom_amb = match, amb
        self.universe = set(self.model)

    def evaluate(self, node):
        """(paths matched, ambiguous) of a query tree."""
        k = node[0]
        if k == 'atom':
            i = self.bat.atom_index[node]
            return self.atom_match[i], self.atom_amb[i]
        if k == 'year':
            lo, hi = node[1], node[2]
            return {p for p, c in self.model.items()
                    if (lo is None or '%04d' % c.year >= lo) and
                    (hi is None or '%04d' % c.year <= hi)}, False
        if k == 'date':
            lo, hi = node[2], node[3]
            return {p for p, c in self.model.items()
                    if c.date and (lo is None or c.date >= lo) and
                    (hi is None or c.date <= hi)}, False
        if k == 'not':
            m, a = self.evaluate(node[1])
            return self.universe - m, a
        if k in ('and', 'or'):
            res = [self.evaluate(x) for x in node[1]]
            sets = [m for m, _ in res]
            m = set.intersection(*sets) if k == 'and' else set.union(*sets)
            return m, any(a for _, a in res)
        raise ValueError(k)

    def check_all(self):
        """Run the battery and compare with the oracle."""
        self.prepare()
        # Metadata must be normalized in bulk, not per call.
        if not hasattr(self, 'meta_norm'):
            self.meta_norm = {}
        metas = sorted({s for c in set(self.model.values())
                        for s in (c.title, c.issuer, c.region) if s and s not in self.meta_norm})
        for s, n in zip(metas, self.norm.strings(metas) if metas else []):
            self.meta_norm[s] = squeeze(n)
        self.step_sets()
        self.stats['steps'] += 1
        self.stats['max_docs'] = max(self.stats['max_docs'], len(self.model))

        def one(item):
            label, opts, tree = item
            q = render(tree)
            cmd = [self.a.zhsearch, '-d', self.index, '--all', '--json', '--snippet', '0'] + opts + [q]
            try:
                rc, out, err = run(cmd, timeout=300)
            except subprocess.TimeoutExpired:
                return item, q, None, 'timed out'
            if rc not in (0, 1):
                return item, q, None, 'exit %d: %s' % (rc, (err or out).strip()[:300])
            try:
                return item, q, (rc, json.loads(out)), None
            except ValueError as e:
                return item, q, None, 'invalid JSON (%s): %r' % (e, out[:200])

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, self.a.jobs)) as ex:
            results = list(ex.map(one, self.bat.items))

        model = self.model
        self.odd_missing, self.odd_extra = set(), set()
        for (label, opts, tree), q, res, err in results:
            want, amb = self.evaluate(tree)
            if amb:
                self.stats['skipped'] += 1
                continue
            self.stats['queries'] += 1
            shown = q + (' [%s]' % ' '.join(opts) if opts else '')
            if err:
                self.mismatch(shown, '%s (expected %d docs)' % (err, len(want)), label)
                continue
            rc, d = res
            hits = d.get('hits', [])
            got = [h.get('path') for h in hits]
            probs = []
            gs = set(got)
            if gs != want:
                missing, extra = sorted(want - gs), sorted(gs - want)
                self.odd_missing.update(missing)
                self.odd_extra.update(extra)
                probs.append('paths: expected %d got %d%s%s' % (
                    len(want), len(gs), '; missing ' + short(missing) if missing else '',
                    '; unexpected ' + short(extra) if extra else ''))
            if len(got) != len(gs):
                probs.append('%d hits for %d distinct paths' % (len(got), len(gs)))
            if d.get('total') != len(want):
                probs.append('total %r, expected %d' % (d.get('total'), len(want)))
            if (rc == 0) != bool(want):
                probs.append('exit %d with %d expected' % (rc, len(want)))
            if '--facet' in opts:
                for f in opts[1::2] if opts[0] == '--facet' else []:
                    exp = {}
                    for p in want:
                        c = model[p]
                        v = str(c.year) if f == 'year' else c.issuer
                        if v:
                            exp[v] = exp.get(v, 0) + 1
                    gotf = {k: v for k, v in (d.get('facets') or {}).get(f, {}).items()}
                    if gotf != exp:
                        diff = sorted(set(exp) | set(gotf))
                        diff = ['%s %s!=%s' % (k, gotf.get(k), exp.get(k)) for k in diff
                                if gotf.get(k) != exp.get(k)]
                        probs.append('facet %s (got!=expected): %s' % (f, cap(', '.join(diff))))
            if '--sort' in opts:
                desc = opts[opts.index('--sort') + 1] == '-date'
                keys = [model[p].sortdate if p in model else '?' for p in got]
                for i in range(1, len(keys)):
                    if (keys[i] < keys[i - 1]) != desc and keys[i] != keys[i - 1]:
                        probs.append('order: hit %d has date %s after %s' % (i + 1, keys[i], keys[i - 1]))
                        break
            if label == 'ubiquitous' and tree[2] == '法治':
                probs += self.check_meta(hits)
            if probs:
                self.mismatch(shown, cap('; '.join(probs), 600), label)

        # Where paths came and went wrongly, say what is on disk there.
        for what, paths in (('missing', self.odd_missing), ('unexpected', self.odd_extra)):
            if paths:
                self.report('# h%d step %d: %s in some results: %s' % (
                    self.no, self.step_no, what, cap(', '.join(
                        '%s (%s)' % (short([p]).strip('{}'), self.describe(p))
                        for p in sorted(paths)), 600)))

    def describe(self, p):
        f = self.disk.get(p)
        where = 'indexed' if p in self.model else 'not indexed'
        if f is None:
            return 'file gone, %s' % where
        return 'file %s%s, %s' % (f.kind, ' ' + f.enc if f.kind == 'text' else '', where)

    def check_meta(self, hits):
        bad = []
        for h in hits:
            c = self.model.get(h.get('path'))
            if c is None:
                continue
            exp = {'title': c.title, 'issuer': c.issuer, 'region': c.region,
                   'year': c.year, 'date': c.date}
            for k, v in exp.items():
                if (h.get(k) or '') != (v or ''):
                    bad.append('%s: %s %r, expected %r' % (
                        os.path.basename(h['path']), k, h.get(k), v))
        if bad:
            return ['metadata of %d fields: %s' % (len(bad), cap('; '.join(bad)))]
        return []

    def run(self, ndocs, plan):
        kind = 'a set of %d shards' % self.shards if self.shards else 'one index'
        t0 = time.monotonic()
        self.create(ndocs)
        print('# history %d: %d files, %s; created in %.1f s' % (
            self.no, len(self.disk), kind, time.monotonic() - t0))
        sys.stdout.flush()
        seen = self.stats['mismatches']
        self.check_all()
        tap(self.stats['mismatches'] == seen,
            'history %d: created, %d files, %s' % (self.no, len(self.disk), kind))
        for op in plan:
            t1 = time.monotonic()
            seen = self.stats['mismatches']
            self.step(op)
            t2 = time.monotonic()
            self.check_all()
            tap(self.stats['mismatches'] == seen,
                'history %d step %d: %s, %d files indexed' % (self.no, self.step_no, op, len(self.model)))
            if self.a.verbose:
                print('# h%d step %d %s: %d files on disk, %d indexed; %.1f s + %.1f s queries'
                      % (self.no, self.step_no, op, len(self.disk), len(self.model),
                         t2 - t1, time.monotonic() - t2))
                sys.stdout.flush()
        self.op = 'end'
        rc, out, err = run([self.a.zhindex, '-d', self.index, 'check'])
        if rc != 0:
            self.mismatch('zhindex check', 'exit %d: %s' % (rc, (err or out).strip()[:300]))
        tap(rc == 0, 'history %d: zhindex check passes at the end' % self.no)
        print('# history %d: %d steps, %d queries compared, %d skipped, %d mismatches, '
              '%d kills (%d landed after the command ended); %.1f s'
              % (self.no, self.stats['steps'], self.stats['queries'], self.stats['skipped'],
                 self.stats['mismatches'], self.stats['kills'], self.stats['kills_missed'],
                 time.monotonic() - t0))
        sys.stdout.flush()


def short(paths, n=4):
    names = [os.path.relpath(p, os.path.dirname(os.path.dirname(p))) if p else repr(p)
             for p in paths]
    s = ', '.join(names[:n])
    return '{%s%s}' % (s, ', … %d more' % (len(names) - n) if len(names) > n else '')


def cap(s, n=400):
    return s if len(s) <= n else s[:n] + '…'


ALL_OPS = ['add', 'remove', 'sync', 'compact', 'kill-add', 'kill-sync', 'kill-compact']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--zhindex', required=True)
    ap.add_argument('--zhsearch', required=True)
    ap.add_argument('--normalize', required=True)
    ap.add_argument('--corpus', required=True, help='directory of *.txt reports')
    ap.add_argument('--seeds', action='append', default=[],
                    help='more directories of *.txt reports (repeatable)')
    ap.add_argument('--histories', type=int, default=2)
    ap.add_argument('--steps', type=int, default=5, help='steps per history')
    ap.add_argument('--docs', type=int, default=5000,
                    help='files created by the first history (later ones: --docs-small)')
    ap.add_argument('--docs-small', type=int, default=1000,
                    help='files created by histories after the first')
    ap.add_argument('--shards', default='0,3',
                    help='shard counts, used by the histories in turn (0: one index)')
    ap.add_argument('--ops', default=','.join(ALL_OPS),
                    help='kinds of steps (default: all of %s)' % ','.join(ALL_OPS))
    ap.add_argument('--seed', type=int, default=20240917)
    ap.add_argument('--jobs', type=int, default=2, help='queries run in parallel')
    ap.add_argument('--keep', action='store_true', help='keep the temporary directories')
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args()
    ops = [o for o in a.ops.split(',') if o]
    for o in ops:
        if o not in ALL_OPS:
            raise Setup('unknown step kind %r' % o)
    shards = [int(x) for x in a.shards.split(',')]
    t0 = time.monotonic()
    sentences = load_sentences([a.corpus] + a.seeds)
    total = {'histories': 0, 'steps': 0, 'queries': 0, 'skipped': 0, 'mismatches': 0,
             'kills': 0, 'kills_missed': 0, 'max_docs': 0}

    def report(line):
        print(line)
        sys.stdout.flush()

    # Steps are dealt from shuffled decks of every kind, so that a few short
    # histories together still do every kind of step.
    deck_rng = random.Random(a.seed)
    deck = []

    def deal(n):
        out = []
        while len(out) < n:
            if not deck:
                deck.extend(ops)
                deck_rng.shuffle(deck)
            out.append(deck.pop())
        return out

    for h in range(a.histories):
        plan = deal(a.steps)
        tmp = tempfile.mkdtemp(prefix='zhs-life-')
        try:
            norm = Normalizer(a.normalize, tmp)
            hist = History(a, h, a.seed * 1000 + h, tmp, norm, sentences, report)
            hist.shards = shards[h % len(shards)]
            hist.run(a.docs if h == 0 else a.docs_small, plan)
            total['histories'] += 1
            for k, v in hist.stats.items():
                total[k] = max(total[k], v) if k == 'max_docs' else total[k] + v
        finally:
            if a.keep:
                print('# kept %s' % tmp)
            else:
                t1 = time.monotonic()
                shutil.rmtree(tmp, ignore_errors=True)
                if a.verbose:
                    print('# removed %s in %.1f s' % (tmp, time.monotonic() - t1))
    print('# lifecycle: %d histories, %d steps, %d queries compared (%d skipped as '
          'ambiguous), %d mismatches; at most %d documents; %d kills (%d after the end); %.1f s'
          % (total['histories'], total['steps'], total['queries'], total['skipped'],
             total['mismatches'], total['max_docs'], total['kills'], total['kills_missed'],
             time.monotonic() - t0))
    print('1..%d' % TAP_COUNT[0])
    if a.verbose:
        import resource
        me = resource.getrusage(resource.RUSAGE_SELF)
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        print('# cpu: this script %.1f s, the programs %.1f s'
              % (me.ru_utime + me.ru_stime, ch.ru_utime + ch.ru_stime))
    return 1 if total['mismatches'] else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Setup as e:
        print('Bail out! lifecycle.py: setup error: %s' % e)
        print('lifecycle.py: setup error: %s' % e, file=sys.stderr)
        sys.exit(2)
