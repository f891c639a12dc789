#!/usr/bin/env python3
"""exactness.py - check zhsearch's matching promise against a brute-force oracle.

The promise: a query string matches exactly the documents whose normalized
text contains the normalized query, where

  * whitespace next to a CJK character does not separate (法治\\n政府 and
    "2021 年" match 法治政府 and 2021年),
  * punctuation does separate (放管服改革 does not match “放管服”改革),
  * numbers and Latin words are whole tokens.

The oracle takes the normalized text of every corpus file (zhs-normalize,
exactly what the index sees), deletes whitespace adjacent to CJK characters,
and checks substring containment of the normalized query, with whole-token
boundaries when the query starts or ends with a digit or ASCII letter.

A fresh index is built from the corpus in a temporary directory; a few
hundred deterministic queries (fixed seed) are run through
`zhsearch --all --json --snippet 0` and the result path sets and "total"
are compared with the oracle.  Output is TAP, an "ok"/"not ok" line per
query, then the plan and a summary line; exit status 1 on any mismatch, 2
on a setup error.

Python 3 standard library only.
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

SEED = 20240601

# Characters of the CJK character layer (za_is_cjk): Han, kana, hangul,
# bopomofo, ideographic symbols.  Used for the whitespace rule.
_CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3038, 0x303B),
    (0x3040, 0x30FF), (0x3100, 0x312F), (0x3130, 0x318F), (0x31A0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)


def is_cjk(c):
    cp = ord(c)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def is_han(c):
    return '\u4e00' <= c <= '\u9fff' or '\u3400' <= c <= '\u4dbf'


def is_alnum(c):
    return c.isascii() and c.isalnum()


def is_word_edge(c):
    """A char that continues a number/Latin token (oracle boundary rule)."""
    return is_alnum(c) or c == '.'


# Simplified -> Traditional, only for characters used in the queries below
# and in lifecycle.py's documents (each pair checked: zhs-normalize maps the
# Traditional one back).
_S = ('行政复议法治政府建设审批务项网办执营环纠纷规范应诉监督决策听证统一权'
      '检察公开乐山区县庆会为发门关说对时实际经济体制机制问题质量责任财产'
      '组织领导干部学习讲话专项整治执法队伍综合协调调解处罚许可强制征收场'
      '监测预警系统数据电话线进动机构强标准开展习贯彻')
_T = ('行政復議法治政府建設審批務項網辦執營環糾紛規範應訴監督決策聽證統一權'
      '檢察公開樂山區縣慶會為發門關說對時實際經濟體制機制問題質量責任財產'
      '組織領導幹部學習講話專項整治執法隊伍綜合協調調解處罰許可強制徵收場'
      '監測預警系統數據電話線進動機構強標準開展習貫徹')
assert len(_S) == len(_T)
S2T = {s: t for s, t in zip(_S, _T) if s != t}


def to_traditional(q):
    return ''.join(S2T.get(c, c) for c in q)


def to_fullwidth(q):
    return ''.join(chr(ord(c) + 0xFEE0) if '!' <= c <= '~' else c for c in q)


FIXED = [
    '复议', '政务服务事项', '最多跑一次', '行政复议案件', '议案', '法治政府',
    '一网通办', '放管服', '放管服改革', '行政复议', '法治政府建设', '审批',
    '行政执法', '依法行政', '营商环境', '矛盾纠纷', '规范性文件', '行政应诉',
    '重大行政决策', '合法性审查', '行政', '政府', '建设',
    # single characters (in every title, in some titles, in none)
    '年', '法', '区', '件', '议', '的',
    # across line breaks / spaces in the raw text
    '审查议题', '疫情法治', '建党百年学党内法规', '关于2021年法治政府',
    '2021年受理行政复议', '年受理', '关于2021年', '号吴忠市人民政府',
    # mixed number + CJK, Latin
    '2021年', '2020年', '2023年', '2022年', '2021', '手机APP', 'APP和小程序',
    'APP',
]

ABSENT = ['复议行政', '量子计算机', '区块链技术', '人工智能大模型', '府政治法',
          '议复', '服管放', '火星基地']

TRADITIONAL = ['行政復議', '法治政府建設', '審批', '政務服務事項', '一網通辦',
               '行政執法', '營商環境', '矛盾糾紛', '規範性文件', '行政應訴',
               '樂山', '綦江區', '審查議題']

FULLWIDTH = ['２０２１年', '２０２０年', '２０２３年', '关于２０２１年法治政府',
             '手机ＡＰＰ', 'ＡＰＰ']


class Setup(Exception):
    pass


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def normalize_file(exe, path):
    p = run([exe, path])
    if p.returncode != 0:
        raise Setup('%s %s: exit %d: %s' % (exe, path, p.returncode,
                                             p.stderr.decode(errors='replace')))
    return p.stdout.decode('utf-8')


def normalize_strings(exe, strings):
    if not strings:
        return []
    p = run([exe, '-s'] + list(strings))
    if p.returncode != 0:
        raise Setup('%s -s: exit %d: %s' % (exe, p.returncode,
                                             p.stderr.decode(errors='replace')))
    out = p.stdout.decode('utf-8').split('\n')
    if len(out) < len(strings):
        raise Setup('%s -s: %d lines for %d strings' % (exe, len(out), len(strings)))
    return out[:len(strings)]



def squeeze(text):
    """Delete whitespace runs adjacent to a CJK character.  Returns the new
    text and the set of its indexes where whitespace was deleted (the join
    point lies just before that index)."""
    out = []
    joins = set()
    n = 0
    i = 0
    L = len(text)
    while i < L:
        c = text[i]
        if c.isspace():
            j = i
            while j < L and text[j].isspace():
                j += 1
            before = text[i - 1] if i > 0 else ''
            after = text[j] if j < L else ''
            if (before and is_cjk(before)) or (after and is_cjk(after)):
                if before and after:
                    joins.add(n)
            else:
                out.append(text[i:j])
                n += j - i
            i = j
            continue
        out.append(c)
        n += 1
        i += 1
    return ''.join(out), joins


def occurrences(text, q):
    i = text.find(q)
    while i >= 0:
        yield i
        i = text.find(q, i + 1)


def clean_at(text, q, i):
    """Whole-token boundary check for the occurrence of q at text[i]."""
    if is_alnum(q[0]) and i > 0 and is_word_edge(text[i - 1]):
        return False
    e = i + len(q)
    if is_alnum(q[-1]) and e < len(text) and is_word_edge(text[e]):
        return False
    return True


def oracle(docs, q):
    return {path for path, text in docs.items()
            if any(clean_at(text, q, i) for i in occurrences(text, q))}


def ambiguous(docs, q):
    """True when q starts/ends with a digit or letter and some occurrence
    sits next to one (or next to '.'): partial numbers such as 021年 in
    2021年 are not part of the promise, avoid them."""
    if not (is_alnum(q[0]) or is_alnum(q[-1])):
        return False
    for text in docs.values():
        for i in occurrences(text, q):
            if not clean_at(text, q, i):
                return True
    return False


def plain(q):
    """No whitespace and no punctuation: only CJK, digits, ASCII letters."""
    return bool(q) and all(is_han(c) or is_alnum(c) for c in q)


def generate(docs, rng):
    """Return a list of (label, query) in a deterministic order."""
    texts = [docs[p] for p in sorted(docs)]
    queries = []
    seen = set()

    def add(label, q):
        if q and q not in seen:
            seen.add(q)
            queries.append((label, q))
            return True
        return False

    for q in FIXED:
        add('fixed', q)
    for q in ABSENT:
        add('absent', q)

    # Random CJK substrings of 1..8 characters, 36 per document.
    for text in texts:
        got = tries = 0
        while got < 36 and tries < 5000:
            tries += 1
            n = rng.randint(1, 8)
            i = rng.randrange(0, max(1, len(text) - n))
            q = text[i:i + n]
            if len(q) == n and all(is_han(c) for c in q) and add('sample', q):
                got += 1

    # Substrings that occur in exactly one document.
    got = tries = 0
    while got < 30 and tries < 20000:
        tries += 1
        text = rng.choice(texts)
        n = rng.randint(3, 7)
        i = rng.randrange(0, max(1, len(text) - n))
        q = text[i:i + n]
        if len(q) == n and all(is_han(c) for c in q) and \
                sum(q in t for t in texts) == 1 and add('unique', q):
            got += 1

    # Strings that occur nowhere: shuffled characters of sampled substrings.
    got = tries = 0
    while got < 25 and tries < 20000:
        tries += 1
        text = rng.choice(texts)
        n = rng.randint(3, 6)
        i = rng.randrange(0, max(1, len(text) - n))
        q = text[i:i + n]
        if len(q) != n or not all(is_han(c) for c in q):
            continue
        chars = list(q)
        rng.shuffle(chars)
        s = ''.join(chars)
        if not any(s in t for t in texts) and add('absent', s):
            got += 1

    # Mixed number + CJK: whole digit runs followed or preceded by CJK.
    mixed = set()
    for text in texts:
        for m in re.finditer(r'(?<![0-9A-Za-z.])[0-9]+[\u4e00-\u9fff]{1,3}', text):
            mixed.add(m.group(0))
        for m in re.finditer(r'[\u4e00-\u9fff]{1,3}[0-9]+(?![0-9A-Za-z.])', text):
            mixed.add(m.group(0))
        for m in re.finditer(r'[\u4e00-\u9fff]{1,2}[0-9]+[\u4e00-\u9fff]{1,2}', text):
            mixed.add(m.group(0))
    mixed = sorted(q for q in mixed if not ambiguous(docs, q))
    rng.shuffle(mixed)
    n_mixed = 0
    for q in mixed:
        if n_mixed >= 35:
            break
        if add('mixed', q):
            n_mixed += 1

    # Queries across whitespace that the squeezing removed (hard-wrapped
    # lines, "2021 年", "防控疫情 法治同行").
    n_ws = 0
    cands = []
    for path in sorted(docs):
        text = docs[path]
        for j in sorted(JOINS[path]):
            for k1, k2 in ((1, 1), (2, 2), (1, 3), (3, 1), (2, 4), (4, 2)):
                q = text[max(0, j - k1):j + k2]
                if len(q) == k1 + k2 and plain(q) and not ambiguous(docs, q):
                    cands.append(q)
    cands = sorted(set(cands))
    rng.shuffle(cands)
    for q in cands:
        if n_ws >= 40:
            break
        if add('whitespace', q):
            n_ws += 1

    # Across punctuation: “放管服”改革 -> 放管服改革 (must not match there).
    punct = set()
    for text in texts:
        for m in re.finditer(r'([\u4e00-\u9fff]{1,4})[“”‘’「」《》()（）〔〕、]+'
                             r'([\u4e00-\u9fff]{1,4})', text):
            punct.add(m.group(1) + m.group(2))
    punct = sorted(punct)
    rng.shuffle(punct)
    for q in punct[:25]:
        add('punct', q)
    return queries


JOINS = {}


def search(zhsearch, index, q):
    p = run([zhsearch, '-d', index, '--all', '--json', '--snippet', '0', q])
    out = p.stdout.decode('utf-8', errors='replace')
    err = p.stderr.decode('utf-8', errors='replace').strip()
    if p.returncode not in (0, 1):
        return None, 'exit %d: %s' % (p.returncode, err or out[:200])
    try:
        d = json.loads(out)
    except ValueError as e:
        return None, 'invalid JSON (%s): %r' % (e, out[:200])
    return d, p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--zhindex', required=True)
    ap.add_argument('--zhsearch', required=True)
    ap.add_argument('--normalize', required=True)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--jobs', type=int, default=min(8, os.cpu_count() or 1))
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args()
    t0 = time.monotonic()

    files = sorted(os.path.realpath(os.path.join(a.corpus, f))
                   for f in os.listdir(a.corpus)
                   if not f.startswith('.') and
                   os.path.isfile(os.path.join(a.corpus, f)))
    if not files:
        raise Setup('no files in %s' % a.corpus)

    docs = {}
    for f in files:
        text, joins = squeeze(normalize_file(a.normalize, f))
        docs[f] = text
        JOINS[f] = joins

    with tempfile.TemporaryDirectory(prefix='zhs-exact-') as tmp:
        index = os.path.join(tmp, 'idx')
        p = run([a.zhindex, '-d', index, '-q', 'add'] + files)
        if p.returncode != 0:
            raise Setup('zhindex add: exit %d: %s' % (
                p.returncode, p.stderr.decode(errors='replace')))

        rng = random.Random(SEED)
        queries = generate(docs, rng)

        # Traditional forms of some queries (fixed ones plus sampled ones
        # that contain characters of the table), and full-width forms.
        trad = [('traditional', q, None) for q in TRADITIONAL]
        pool = [q for _, q in queries if to_traditional(q) != q]
        rng.shuffle(pool)
        trad += [('traditional', to_traditional(q), q) for q in pool[:20]]
        full = [('fullwidth', q, None) for q in FULLWIDTH]
        pool = [q for label, q in queries if label == 'mixed']
        full += [('fullwidth', to_fullwidth(q), q) for q in pool[:10]]
        variants = trad + full

        checks = []  # (passed, what) per check, in order
        # Each variant must normalize to its Simplified / half-width form;
        # the oracle then uses that form.
        norm = normalize_strings(a.normalize, [q for _, q, _ in variants])
        seen = {q for _, q in queries}
        for (label, q, base), nq in zip(variants, norm):
            if base is not None and nq != base.lower():
                checks.append((False, '%s %r: zhs-normalize -s gives %r, expected %r'
                                 % (label, q, nq, base.lower())))
            elif base is not None:
                checks.append((True, '%s %r: zhs-normalize -s gives %r' % (label, q, nq)))
            if q not in seen:
                seen.add(q)
                queries.append((label, q))

        qnorm = dict(zip([q for _, q in queries],
                         normalize_strings(a.normalize, [q for _, q in queries])))

        def check(item):
            label, q = item
            nq = qnorm[q]
            want = oracle(docs, nq)
            d, rc = search(a.zhsearch, index, q)
            if d is None:
                return label, q, want, None, rc
            got = {h.get('path') for h in d.get('hits', [])}
            probs = []
            if got != want:
                probs.append('paths differ')
            if d.get('total') != len(want):
                probs.append('total %r != %d' % (d.get('total'), len(want)))
            if len(d.get('hits', [])) != d.get('total'):
                probs.append('%d hits for total %r' % (len(d.get('hits', [])), d.get('total')))
            if (rc == 0) != bool(want):
                probs.append('exit %d' % rc)
            if d.get('normalized') != nq:
                probs.append('"normalized" %r != %r' % (d.get('normalized'), nq))
            return label, q, want, got, '; '.join(probs)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            results = list(ex.map(check, queries))

    def short(paths):
        return '{' + ', '.join(sorted(os.path.basename(p) for p in paths)) + '}'

    counts = {}
    nonempty = 0
    # zhsearch that cannot even start (exit 126/127: not executable, shared
    # library missing or being rebuilt) says nothing about matching.
    broken = [prob for _, _, _, got, prob in results
              if got is None and prob.startswith(('exit 126', 'exit 127'))]
    if broken:
        raise Setup('zhsearch could not run for %d queries: %s' % (len(broken), broken[0]))

    for label, q, want, got, prob in results:
        c = counts.setdefault(label, [0, 0])
        c[0] += 1
        if want:
            nonempty += 1
        if got is None:
            c[1] += 1
            checks.append((False, '%s %r: %s (expected %d docs %s)'
                             % (label, q, prob, len(want), short(want))))
        elif prob:
            c[1] += 1
            missing, extra = want - got, got - want
            checks.append((False, '%s %r: %s; expected %d %s, got %d %s%s%s'
                             % (label, q, prob, len(want), short(want), len(got), short(got),
                                '; missing ' + short(missing) if missing else '',
                                '; unexpected ' + short(extra) if extra else '')))
        else:
            checks.append((True, '%s %r: %d docs' % (label, q, len(want))))
    checks.append((len(results) >= 250, 'at least 250 queries generated (%d)' % len(results)))

    # TAP; the summary comes last (the shard test quotes the last line).
    for i, (ok, line) in enumerate(checks, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, line.replace('#', '\\#').replace('\n', ' ')))
    print('1..%d' % len(checks))
    nfail = sum(c[1] for c in counts.values())
    print('# %d queries (%s), %d with matches; %d failed; %.1f s'
          % (len(results),
             ', '.join('%s %d' % (k, v[0]) for k, v in sorted(counts.items())),
             nonempty, nfail, time.monotonic() - t0))
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Setup as e:
        print('Bail out! exactness.py: setup error: %s' % e)
        print('exactness.py: setup error: %s' % e, file=sys.stderr)
        sys.exit(2)
