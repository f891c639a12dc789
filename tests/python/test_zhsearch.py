#!/usr/bin/env python3
"""test_zhsearch.py - the Python module zhsearch, end to end over corpus/.

Usage: test_zhsearch.py --zhindex ZHINDEX --zhsearch ZHSEARCH --corpus DIR
(with the built module on PYTHONPATH, as meson test sets it).

An index of corpus/ is built with zhindex in a temporary directory; every
entry point of the module is exercised against it: searching (options,
results, hits, facets, highlights, explain, matches in context,
occurrences, suggestions, synonym expansion), whole documents with their
highlights, every error path, threads sharing one Index and with their own,
the GIL released while the library works, and the Writer (add, add_buffer, remove, sync, progress, cancel,
the lock, errors).  Hits are cross-checked with `zhsearch --json` of the
same library.  unittest from the standard library; output is TAP (one line
per test, diagnostics as comments); exit status 1 on any failure.
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unittest

import zhsearch

ARGS = None
TMP = None
INDEX = None  # an index of the whole corpus, built by zhindex


def zhindex(*args):
    subprocess.run([ARGS.zhindex, '-q', *args], check=True, stdout=subprocess.DEVNULL)


def cli_json(index, query, *opts):
    out = subprocess.run([ARGS.zhsearch, '-d', index, '--json', *opts, query],
                         capture_output=True, check=False).stdout
    return json.loads(out)


def byte_range_to_chars(snippet, start, length):
    raw = snippet.encode()
    a = len(raw[:start].decode())
    return a, len(raw[:start + length].decode()) - a


def corpus_files():
    return sorted(os.path.join(ARGS.corpus, f) for f in os.listdir(ARGS.corpus))


def setUpModule():
    global TMP, INDEX
    TMP = tempfile.mkdtemp(prefix='zhs-py-')
    INDEX = os.path.join(TMP, 'all.idx')
    zhindex('-d', INDEX, 'add', ARGS.corpus)


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


class TestModule(unittest.TestCase):
    def test_version(self):
        self.assertRegex(zhsearch.version, r'^\d+\.\d+\.\d+$')
        self.assertEqual(zhsearch.__version__, zhsearch.version)
        major, minor, patch = map(int, zhsearch.version.split('.'))
        self.assertIsInstance(zhsearch.version_number, int)
        self.assertGreater(zhsearch.version_number, 0)

    def test_fields(self):
        f = zhsearch.fields()
        self.assertEqual(list(f)[:7], ['path', 'title', 'issuer', 'region', 'year', 'date', 'docno'])
        self.assertTrue({'number', 'facet', 'range', 'hit'} <= f['year'])
        self.assertIn('text', f['title'])
        self.assertIn('exact', f['docno'])
        self.assertIn('boolean', f['ocr'])
        self.assertIsInstance(f['year'], frozenset)

    def test_docstrings(self):
        self.assertTrue(zhsearch.__doc__)
        for name in dir(zhsearch):
            obj = getattr(zhsearch, name)
            if name.startswith('_') or not callable(obj):
                continue
            self.assertTrue(obj.__doc__, name)
            if isinstance(obj, type) and not issubclass(obj, BaseException):
                for attr, member in vars(obj).items():
                    if not attr.startswith('_') or attr in ('__enter__', '__exit__'):
                        self.assertTrue(getattr(member, '__doc__', None), f'{name}.{attr}')

    def test_exception_hierarchy(self):
        z = zhsearch
        self.assertTrue(issubclass(z.Error, Exception))
        for cls, status, extra in [
                (z.OpenError, 2, OSError), (z.SchemeError, 3, None),
                (z.QuerySyntaxError, 4, ValueError), (z.QueryEmptyError, 5, ValueError),
                (z.CorruptError, 6, None), (z.ModifiedError, 7, None), (z.ReadError, 8, OSError),
                (z.NetworkError, 9, None), (z.InvalidArgumentError, 10, ValueError),
                (z.InternalError, 11, None), (z.QueryLimitError, 12, ValueError),
                (z.LockedError, 13, None), (z.NotIndexableError, 14, None),
                (z.CancelledError, 15, None), (z.NotFoundError, 16, LookupError)]:
            self.assertTrue(issubclass(cls, z.Error), cls)
            self.assertEqual(cls.status, status, cls)
            if extra:
                self.assertTrue(issubclass(cls, extra), cls)
        self.assertIsNone(z.Error.status)

    def test_stubs(self):
        """python/zhsearch.pyi names what the module has, and parses."""
        import ast
        pyi = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'python',
                           'zhsearch.pyi')
        with open(pyi, encoding='utf-8') as f:
            tree = ast.parse(f.read())
        def name(node):
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                return node.name
            return node.target.id if isinstance(node, ast.AnnAssign) else None
        top = {name(n) for n in tree.body} - {None}
        members = {n.name: {name(m) for m in n.body} - {None}
                   for n in tree.body if isinstance(n, ast.ClassDef)}
        public = {n for n in dir(zhsearch) if not n.startswith('_')} | {'__version__'}
        self.assertEqual(public, {n for n in top if not n.startswith('_')} | {'__version__'})
        for cls in ['Index', 'Writer', 'Results', 'Hit', 'Match', 'Document']:
            have = {n for n in vars(getattr(zhsearch, cls)) if not n.startswith('_')}
            self.assertEqual(have, {n for n in members[cls] if not n.startswith('_')}, cls)

    def test_types_not_instantiable(self):
        with self.assertRaises(TypeError):
            zhsearch.Hit()
        with self.assertRaises(TypeError):
            zhsearch.Results()
        with self.assertRaises(TypeError):
            zhsearch.Match()
        with self.assertRaises(TypeError):
            zhsearch.Document()


class TestSearch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idx = zhsearch.Index(INDEX)

    @classmethod
    def tearDownClass(cls):
        cls.idx.close()

    def test_index_properties(self):
        self.assertEqual(self.idx.doc_count, 5)
        self.assertEqual(self.idx.shard_count, 1)
        self.assertFalse(self.idx.closed)
        self.assertIn('all.idx', repr(self.idx))

    def test_path_like(self):
        import pathlib
        with zhsearch.Index(pathlib.Path(INDEX)) as idx:
            self.assertEqual(idx.doc_count, 5)
        with zhsearch.Index(os.fsencode(INDEX)) as idx:
            self.assertEqual(idx.doc_count, 5)

    def test_results_sequence(self):
        r = self.idx.search('行政复议')
        self.assertIsInstance(r, zhsearch.Results)
        self.assertEqual(r.total, 5)
        self.assertEqual(len(r), 5)
        self.assertTrue(r)
        hits = list(r)
        self.assertEqual(hits, r.hits)
        self.assertIs(r[0], hits[0])
        self.assertIs(r[-1], hits[-1])
        self.assertEqual(r[1:3], hits[1:3])
        with self.assertRaises(IndexError):
            r[5]
        with self.assertRaises(TypeError):
            r['x']
        self.assertEqual([h.rank for h in r], [1, 2, 3, 4, 5])
        scores = [h.score for h in r]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertIsInstance(r.seconds, float)
        self.assertGreaterEqual(r.seconds, 0)
        self.assertEqual(r.normalized, '行政复议')
        self.assertEqual(r.facets, {})
        self.assertIsNone(r.explain)
        self.assertEqual(r.shards_skipped, 0)
        self.assertFalse(r.partial)
        self.assertIn('total=5', repr(r))
        self.assertIn('rank=1', repr(r[0]))

    def test_no_match(self):
        r = self.idx.search('量子计算机')
        self.assertEqual((r.total, len(r), list(r)), (0, 0, []))
        self.assertFalse(r)

    def test_hit_attributes(self):
        h = self.idx.search('吴忠市 行政复议')[0]
        self.assertTrue(h.path.endswith('2021-吴忠市-法治政府建设工作情况报告.txt'))
        self.assertTrue(os.path.exists(h.path))
        self.assertEqual(h.title, '吴忠市人民政府关于2021年法治政府建设工作情况的报告')
        self.assertEqual(h.rank, 1)
        self.assertIsInstance(h.score, float)
        self.assertEqual(h.page, 0)
        self.assertIsNone(h.explain)
        self.assertEqual(h.fields, {
            'path': h.path, 'title': h.title, 'issuer': '吴忠市人民政府', 'region': '吴忠市',
            'year': 2021, 'date': '2022-01-17', 'docno': '吴政发〔2022〕3号', 'format': 'text'})
        self.assertNotIn('ocr', h.fields)
        with self.assertRaises(AttributeError):
            h.title = 'x'

    def test_matches_cli(self):
        """Hits, fields, snippets and highlights equal zhsearch --json's."""
        for q in ['行政复议', '行政復議 year:2021', '"一网通办" OR 放管服', '2021年', 'issuer:乐山 复议']:
            with self.subTest(q=q):
                want = cli_json(INDEX, q, '--all')
                r = self.idx.search(q, limit=0)
                self.assertEqual(r.total, want['total'])
                self.assertEqual(r.normalized, want['normalized'])
                self.assertEqual(len(r), len(want['hits']))
                for h, w in zip(r, want['hits']):
                    self.assertEqual((h.rank, h.path, h.title, h.snippet),
                                     (w['rank'], w['path'], w['title'], w['snippet']))
                    self.assertAlmostEqual(h.score, w['score'], places=5)
                    self.assertEqual(h.highlights,
                                     [byte_range_to_chars(w['snippet'], a, n)
                                      for a, n in w['highlights']])
                    for k, v in h.fields.items():
                        self.assertEqual(v, w[k], k)

    def test_highlights_cjk(self):
        r = self.idx.search('行政复议', limit=0)
        n = 0
        for h in r:
            self.assertTrue(h.highlights)
            for start, length in h.highlights:
                self.assertEqual(h.snippet[start:start + length], '行政复议')
                n += 1
        self.assertGreater(n, 5)

    def test_highlights_traditional(self):
        r = self.idx.search('行政復議', limit=0)
        self.assertEqual(r.normalized, '行政复议')
        self.assertEqual(r.total, 5)
        for h in r:
            for start, length in h.highlights:
                self.assertEqual(h.snippet[start:start + length], '行政复议')

    def test_highlights_mixed(self):
        """Numbers and spaced text: the highlighted text holds the query."""
        for h in self.idx.search('2021年', limit=0):
            self.assertTrue(h.highlights)
            for start, length in h.highlights:
                self.assertEqual(h.snippet[start:start + length].replace(' ', ''), '2021年')

    def test_limit_offset(self):
        all_paths = [h.path for h in self.idx.search('法治', limit=0)]
        self.assertEqual(len(all_paths), 5)
        self.assertEqual([h.path for h in self.idx.search('法治', limit=None)], all_paths)
        r = self.idx.search('法治', limit=2)
        self.assertEqual((len(r), r.total), (2, 5))
        r = self.idx.search('法治', limit=2, offset=3)
        self.assertEqual([h.path for h in r], all_paths[3:5])
        self.assertEqual([h.rank for h in r], [4, 5])
        r = self.idx.search('法治', offset=100)
        self.assertEqual((len(r), r.total), (0, 5))
        r = self.idx.search('法治', offset=4294967295, limit=4294967295)
        self.assertEqual((len(r), r.total), (0, 5))

    def test_sort(self):
        def dates(r):
            return [h.fields.get('date', str(h.fields['year'] + 1)) for h in r]
        up = dates(self.idx.search('法治', sort='date'))
        self.assertEqual(up, sorted(up))
        down = dates(self.idx.search('法治', sort='date-desc'))
        self.assertEqual(down, sorted(down, reverse=True))
        self.assertEqual(dates(self.idx.search('法治', sort='-date')), down)
        rel = self.idx.search('法治', sort='relevance')
        self.assertEqual([h.path for h in rel], [h.path for h in self.idx.search('法治', sort=None)])
        with self.assertRaisesRegex(ValueError, 'sort'):
            self.idx.search('法治', sort='size')

    def test_snippet_length(self):
        r = self.idx.search('行政复议', snippet=0)
        for h in r:
            self.assertEqual((h.snippet, h.highlights), ('', []))
        self.assertEqual(self.idx.search('行政复议', snippet=None)[0].snippet, '')
        short = self.idx.search('行政复议', snippet=30)[0].snippet
        long = self.idx.search('行政复议', snippet=400)[0].snippet
        self.assertLess(len(short), len(long))
        self.assertLessEqual(len(short), 40)

    def test_facets(self):
        r = self.idx.search('行政复议', facets=('year', 'issuer'))
        self.assertEqual(list(r.facets), ['year', 'issuer'])
        self.assertEqual(r.facets['year'], {'2021': 3, '2020': 1, '2023': 1})
        self.assertEqual(sum(r.facets['issuer'].values()), r.total)
        self.assertEqual(list(r.facets['year'].values()),
                         sorted(r.facets['year'].values(), reverse=True))
        self.assertEqual(self.idx.search('行政复议', facets='year').facets['year'], r.facets['year'])
        self.assertEqual(self.idx.search('行政复议', facets=['format']).facets, {'format': {'text': 5}})
        self.assertEqual(self.idx.search('行政复议 year:2021', facets=['year']).facets,
                         {'year': {'2021': 3}})
        with self.assertRaisesRegex(ValueError, 'no facet'):
            self.idx.search('行政复议', facets=['title'])
        with self.assertRaises(TypeError):
            self.idx.search('行政复议', facets=5)
        with self.assertRaises(TypeError):
            self.idx.search('行政复议', facets=[5])

    def test_explain(self):
        r = self.idx.search('行政复议', explain=True, limit=2)
        self.assertIn('行政复议', r.explain)
        for h in r:
            self.assertIn('score', h.explain)

    def test_field_queries(self):
        self.assertEqual(self.idx.search('year:2021').total, 3)
        self.assertEqual(self.idx.search('docno:吴政发').total, 1)
        self.assertEqual(self.idx.search('date:2022-01..2022-02').total,
                         cli_json(INDEX, 'date:2022-01..2022-02')['total'])

    def test_no_reference_leaks(self):
        """Searches, errors and results freed again leave Python's memory as it was."""
        import gc
        import tracemalloc

        def work():
            r = self.idx.search('行政复议', limit=0, facets=['year', 'issuer'], explain=True)
            _ = [(h.fields, h.highlights, h.snippet) for h in r]
            r = self.idx.search('行政复议 ~放管服 OR 法治', limit=0, matches=20, occurrences=True,
                                facets=['year'], expand=True)
            _ = [(m.context, m.text, m.left, m.right, m.query_word) for h in r for m in h.matches]
            _ = self.idx.search('依法形政', suggest=3).suggestions
            d = self.idx.document(r[0].path, '行政复议 OR 法治')
            _ = (d.text, d.highlights, d.pages, d.fields)
            for path, q in [('/nonexistent', None), (r[0].path, '(行政')]:
                try:
                    self.idx.document(path, q)
                except zhsearch.Error:
                    pass
            for q in ['(行政', '', '行' * 3000]:
                try:
                    self.idx.search(q)
                except zhsearch.Error:
                    pass
        for _ in range(20):
            work()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(200):
                work()
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        self.assertLess(grown, 20000, f'{grown} bytes kept by 200 rounds')

    def test_errors(self):
        with self.assertRaises(zhsearch.QuerySyntaxError) as c:
            self.idx.search('行政 (复议')
        self.assertIn('column 4', str(c.exception))
        self.assertEqual(c.exception.status, 4)
        self.assertIsInstance(c.exception, ValueError)
        with self.assertRaisesRegex(zhsearch.QuerySyntaxError, 'column'):
            self.idx.search('year:abc')
        with self.assertRaisesRegex(zhsearch.QuerySyntaxError, 'column'):
            self.idx.search('nosuchfield:x')
        for q in ['', '   ', '\t\n']:
            with self.assertRaises(zhsearch.QueryEmptyError, msg=repr(q)) as c:
                self.idx.search(q)
            self.assertEqual(c.exception.status, 5)
            self.assertIsInstance(c.exception, ValueError)
        with self.assertRaisesRegex(zhsearch.QuerySyntaxError, 'column 1: .*nothing searchable'):
            self.idx.search('，。！')
        with self.assertRaisesRegex(zhsearch.QueryLimitError, '8192') as c:
            self.idx.search('行' * 3000)
        self.assertEqual(c.exception.status, 12)
        with self.assertRaisesRegex(zhsearch.QueryLimitError, 'too large'):
            self.idx.search(' '.join(['政府'] * 101))
        with self.assertRaisesRegex(ValueError, 'NUL'):
            self.idx.search('行政\0复议')

    def test_argument_types(self):
        s = self.idx.search
        for call in [lambda: s(123), lambda: s(b'bytes'), lambda: s(None), lambda: s(),
                     lambda: s('法治', limit='10'), lambda: s('法治', offset=1.5),
                     lambda: s('法治', snippet='x'), lambda: s('法治', sort=1),
                     lambda: s('法治', bogus=1), lambda: zhsearch.Index(123),
                     lambda: zhsearch.Index(), lambda: zhsearch.Index(INDEX, paths=[INDEX]),
                     lambda: zhsearch.Index(paths=INDEX), lambda: zhsearch.Index(INDEX, timeout='x')]:
            with self.assertRaises(TypeError):
                call()
        with self.assertRaisesRegex(ValueError, 'negative'):
            s('法治', limit=-1)
        with self.assertRaises(OverflowError):
            s('法治', offset=2 ** 32)
        with self.assertRaises(OverflowError):
            s('法治', limit=2 ** 70)
        with self.assertRaises(ValueError):
            zhsearch.Index(paths=[])


WUZHONG = '2021-吴忠市-法治政府建设工作情况报告.txt'  # indexed whole: stored text == file


def byte_offsets(text, term):
    """Every byte offset of term in text (UTF-8), by brute force."""
    raw, t = text.encode(), term.encode()
    out, i = [], raw.find(t)
    while i >= 0:
        out.append(i)
        i = raw.find(t, i + len(t))
    return out


def char_offset(text, byte):
    return len(text.encode()[:byte].decode())


class TestMatches(unittest.TestCase):
    """search(matches=N): a concordance of every occurrence in each hit."""

    @classmethod
    def setUpClass(cls):
        cls.idx = zhsearch.Index(INDEX)
        cls.texts = {p: cls.idx.document(p).text for p in corpus_files()}

    @classmethod
    def tearDownClass(cls):
        cls.idx.close()

    def check_match(self, m, n):
        self.assertIsInstance(m, zhsearch.Match)
        self.assertEqual(m.context, m.left + m.text + m.right)
        self.assertEqual(m.context[m.start:m.start + m.length], m.text)
        self.assertEqual((m.start, m.length), (len(m.left), len(m.text)))
        self.assertLessEqual(len(m.left), n)
        self.assertLessEqual(len(m.right), n)
        self.assertNotIn('\n', m.context)
        self.assertEqual(m.page, 0)

    def test_brute_force_text_report(self):
        """In a text report kept whole, the matches are exactly the places
        where the term is in the file: same count, same byte offsets."""
        path = os.path.join(ARGS.corpus, WUZHONG)
        with open(path, encoding='utf-8') as f:
            raw = f.read()
        self.assertEqual(self.texts[path], raw)
        for term in ['行政复议', '法治政府', '依法行政', '吴忠市']:
            with self.subTest(term=term):
                r = self.idx.search(f'"{term}" docno:吴政发', matches=12)
                self.assertEqual(r.total, 1)
                h = r[0]
                self.assertEqual(h.path, path)
                want = byte_offsets(raw, term)
                self.assertGreater(len(want), 0)
                self.assertEqual([m.offset for m in h.matches], want)
                for m in h.matches:
                    self.check_match(m, 12)
                    self.assertEqual(m.text, term)
                    self.assertEqual(m.query_word, term)
                    # the context is the text around the match (line breaks as spaces)
                    at = char_offset(raw, m.offset)
                    self.assertEqual(raw[at - len(m.left):at + len(m.text) + len(m.right)]
                                     .replace('\n', ' '), m.context)

    def test_every_report(self):
        """Across the corpus: matches == occurrences of the term in each stored
        text == Results.occurrences, and offsets point at the term."""
        for term in ['行政复议', '法治政府', '放管服']:
            with self.subTest(term=term):
                r = self.idx.search(term, limit=0, matches=5, occurrences=True)
                want = {p: t.count(term) for p, t in self.texts.items()}
                self.assertEqual(r.total, sum(1 for n in want.values() if n))
                self.assertEqual(r.occurrences, sum(want.values()))
                for h in r:
                    self.assertEqual(len(h.matches), want[h.path], h.path)
                    self.assertEqual([m.offset for m in h.matches],
                                     byte_offsets(self.texts[h.path], term))
                    for m in h.matches:
                        self.check_match(m, 5)
                        self.assertEqual(m.text, term)

    def test_several_words(self):
        r = self.idx.search('行政复议 法治', limit=0, matches=8)
        for h in r:
            words = {m.query_word for m in h.matches}
            self.assertEqual(words, {'行政复议', '法治'})
            offsets = [m.offset for m in h.matches]
            self.assertEqual(offsets, sorted(offsets))  # text order
            for m in h.matches:
                self.assertEqual(m.text, m.query_word)
            self.assertEqual(len(h.matches), self.texts[h.path].count('行政复议') +
                             self.texts[h.path].count('法治'))

    def test_traditional_and_spaced(self):
        h = self.idx.search('行政復議', matches=3)[0]
        self.assertTrue(h.matches)
        for m in h.matches:
            self.assertEqual((m.text, m.query_word), ('行政复议', '行政復議'))
        n = 0
        for h in self.idx.search('2021年', limit=0, matches=4):
            for m in h.matches:
                self.assertEqual(m.text.replace(' ', ''), '2021年')
                self.check_match(m, 4)
                n += 1
        self.assertGreater(n, 20)

    def test_no_matches(self):
        for kw in [{}, {'matches': 0}, {'matches': None}]:
            for h in self.idx.search('行政复议', **kw):
                self.assertEqual(h.matches, [])
        m = self.idx.search('行政复议', matches=0 + 1)[0].matches[0]
        self.assertIn('[行政复议]', repr(m))
        self.assertEqual(len(m.text), 4)
        with self.assertRaises(AttributeError):
            m.text = 'x'
        with self.assertRaises(TypeError):
            self.idx.search('行政复议', matches='5')
        with self.assertRaises(ValueError):
            self.idx.search('行政复议', matches=-1)
        with self.assertRaises(TypeError):
            self.idx.search('行政复议', 10, 0, None, 120, (), False, 5)  # keyword-only

    def test_matches_equal_document_highlights(self):
        """A hit's matches are the highlights of document() of the same query."""
        for h in self.idx.search('行政复议 OR 放管服', limit=0, matches=2):
            d = self.idx.document(h.path, '行政复议 OR 放管服')
            self.assertEqual([(char_offset(d.text, m.offset), m.length) for m in h.matches],
                             d.highlights)

    def test_occurrences_facets(self):
        docs = self.idx.search('行政复议', facets=('year',))
        occ = self.idx.search('行政复议', facets=('year',), occurrences=True)
        self.assertEqual(docs.occurrences, 0)
        self.assertEqual(docs.total, occ.total)
        self.assertEqual(sum(docs.facets['year'].values()), docs.total)
        self.assertEqual(sum(occ.facets['year'].values()), occ.occurrences)
        by_year = {}
        for p, t in self.texts.items():
            year = os.path.basename(p)[:4]
            if t.count('行政复议'):
                by_year[year] = by_year.get(year, 0) + t.count('行政复议')
        self.assertEqual(occ.facets['year'], by_year)
        self.assertEqual(occ.occurrences, sum(t.count('行政复议') for t in self.texts.values()))
        self.assertEqual(self.idx.search('量子计算机', occurrences=True).occurrences, 0)


class TestSuggestions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idx = zhsearch.Index(INDEX)

    @classmethod
    def tearDownClass(cls):
        cls.idx.close()

    def test_did_you_mean(self):
        r = self.idx.search('依法形政', suggest=3)
        self.assertEqual(r.total, 0)
        self.assertIsInstance(r.suggestions, list)
        queries = [q for q, _ in r.suggestions]
        self.assertIn('依法行政', queries)
        for q, n in r.suggestions:
            self.assertIsInstance(n, int)
            self.assertEqual(n, self.idx.search(q).total, q)
        counts = [n for _, n in r.suggestions]
        self.assertEqual(counts, sorted(counts, reverse=True))

    def test_not_asked_or_enough(self):
        self.assertEqual(self.idx.search('依法形政').suggestions, [])
        self.assertEqual(self.idx.search('依法形政', suggest=0).suggestions, [])
        self.assertEqual(self.idx.search('行政复议', suggest=3).suggestions, [])  # 5 found
        with self.assertRaises(ValueError):
            self.idx.search('依法形政', suggest=-3)


class TestSynonyms(unittest.TestCase):
    """Groups stored by `zhindex synonyms`: ~word, expand=True, Results.expanded."""

    GROUPS = ['一网通办', '一网办', '全程网办', '最多跑一次']

    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(TMP, 'synonyms.idx')
        zhindex('-d', cls.path, 'add', ARGS.corpus)
        groups = os.path.join(TMP, 'groups.txt')
        with open(groups, 'w', encoding='utf-8') as f:
            f.write('# test groups\n放管服 = 简政放权 放管结合 优化服务\n'
                    + ' '.join(cls.GROUPS[:1] + ['='] + cls.GROUPS[1:]) + '\n')
        zhindex('-d', cls.path, 'synonyms', groups)
        cls.idx = zhsearch.Index(cls.path)
        cls.texts = {p: cls.idx.document(p).text for p in corpus_files()}

    @classmethod
    def tearDownClass(cls):
        cls.idx.close()

    def test_expand(self):
        plain = self.idx.search('一网通办', limit=0)
        self.assertEqual(plain.expanded, {})
        want = {p for p, t in self.texts.items() if any(w in t for w in self.GROUPS)}
        self.assertGreater(len(want), plain.total)  # the group finds more
        for q, kw in [('一网通办', {'expand': True}), ('~一网通办', {})]:
            with self.subTest(q=q):
                r = self.idx.search(q, limit=0, matches=3, **kw)
                self.assertEqual(r.expanded, {'一网通办': self.GROUPS})
                self.assertEqual({h.path for h in r}, want)
                texts = {m.text for h in r for m in h.matches}
                self.assertEqual(texts, {w for w in self.GROUPS
                                         if any(w in t for t in self.texts.values())})

    def test_several_and_unknown(self):
        r = self.idx.search('一网通办 放管服', expand=True)
        self.assertEqual(r.expanded, {'一网通办': self.GROUPS,
                                      '放管服': ['放管服', '简政放权', '放管结合', '优化服务']})
        self.assertEqual(self.idx.search('行政复议', expand=True).expanded, {})
        r = self.idx.search('~行政复议')  # no group: searched as it is
        self.assertEqual((r.expanded, r.total), ({'行政复议': []}, 5))

    def test_index_without_groups(self):
        with zhsearch.Index(INDEX) as idx:
            r = idx.search('~一网通办')
            self.assertEqual(r.expanded, {'一网通办': []})
            self.assertEqual(r.total, idx.search('一网通办').total)


class TestDocument(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idx = zhsearch.Index(INDEX)

    @classmethod
    def tearDownClass(cls):
        cls.idx.close()

    def test_whole_text_and_fields(self):
        for path in corpus_files():
            with self.subTest(path=os.path.basename(path)):
                h = self.idx.search(f'"{os.path.basename(path)[5:8]}"', limit=0)
                h = [x for x in h if x.path == path][0]
                d = self.idx.document(path)
                self.assertIsInstance(d, zhsearch.Document)
                self.assertEqual((d.path, d.title, d.fields), (path, h.title, h.fields))
                self.assertEqual((d.highlights, d.pages), ([], []))
                with open(path, encoding='utf-8') as f:
                    raw = f.read()
                self.assertGreater(len(d.text), len(raw) * 0.9)  # boilerplate may be cut
                self.assertIn(h.snippet.strip('…')[:20], d.text.replace('\n', ' '))
        d = self.idx.document(os.path.join(ARGS.corpus, WUZHONG))
        with open(os.path.join(ARGS.corpus, WUZHONG), encoding='utf-8') as f:
            self.assertEqual(d.text, f.read())
        self.assertIn('吴忠市', repr(d))

    def test_highlights(self):
        for path in corpus_files():
            for q, term in [('行政复议', '行政复议'), ('行政復議', '行政复议'), ('"法治政府"', '法治政府')]:
                with self.subTest(path=os.path.basename(path), q=q):
                    d = self.idx.document(path, q)
                    self.assertEqual(len(d.highlights), d.text.count(term))
                    self.assertEqual(len(d.pages), len(d.highlights))
                    self.assertEqual(set(d.pages), {0} if d.pages else set())
                    for start, length in d.highlights:
                        self.assertEqual(d.text[start:start + length], term)
                    self.assertEqual([a for a, _ in d.highlights],
                                     [char_offset(d.text, b) for b in byte_offsets(d.text, term)])

    def test_query_forms(self):
        path = os.path.join(ARGS.corpus, WUZHONG)
        d = self.idx.document(path, '行政复议 OR 放管服 -量子')
        words = {d.text[a:a + n] for a, n in d.highlights}
        self.assertEqual(words, {'行政复议', '放管服'})
        self.assertEqual(self.idx.document(path, '').highlights, [])
        self.assertEqual(self.idx.document(path, query=None).highlights, [])
        self.assertEqual(self.idx.document(path, '量子计算机').highlights, [])
        import pathlib
        self.assertEqual(self.idx.document(pathlib.Path(path)).text, d.text)
        self.assertEqual(self.idx.document(os.fsencode(path)).text, d.text)

    def test_paged(self):
        pdf = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'formats',
                           'fixtures', 'report.pdf')
        path = os.path.join(TMP, 'paged.idx')
        try:
            with zhsearch.Writer(path) as w:
                w.add(pdf)
        except zhsearch.NotIndexableError as e:
            self.skipTest(f'no PDF support: {e}')
        with zhsearch.Index(path) as idx:
            h = idx.search('法治', matches=6)[0]
            d = idx.document(h.path, '法治')
            self.assertEqual(d.fields['pages'], d.text.count('\f') + 1)
            self.assertGreater(max(d.pages), 1)
            for (start, length), page in zip(d.highlights, d.pages):
                self.assertEqual(d.text[start:start + length], '法治')
                self.assertEqual(page, d.text[:start].count('\f') + 1)
            self.assertEqual([m.page for m in h.matches], d.pages)
            self.assertIn(h.page, d.pages)

    def test_errors(self):
        missing = os.path.join(ARGS.corpus, 'nonexistent.txt')
        with self.assertRaises(zhsearch.NotFoundError) as c:
            self.idx.document(missing)
        e = c.exception
        self.assertEqual(e.status, 16)
        self.assertIsInstance(e, LookupError)
        self.assertIsInstance(e, zhsearch.Error)
        self.assertIn(missing, str(e))
        with self.assertRaises(zhsearch.NotFoundError):
            self.idx.document(ARGS.corpus)  # a directory is no document
        path = corpus_files()[0]
        with self.assertRaisesRegex(zhsearch.QuerySyntaxError, 'column'):
            self.idx.document(path, '行政 (复议')
        with self.assertRaises(zhsearch.QueryLimitError):
            self.idx.document(path, '行' * 3000)
        for call in [lambda: self.idx.document(), lambda: self.idx.document(5),
                     lambda: self.idx.document(path, 5), lambda: self.idx.document(path, b'x'),
                     lambda: self.idx.document(path, bogus=1)]:
            with self.assertRaises(TypeError):
                call()
        for call in [lambda: self.idx.document(path + '\0'), lambda: self.idx.document(path, '行\0')]:
            with self.assertRaises(ValueError):
                call()

    def test_outlives_index(self):
        idx = zhsearch.Index(INDEX)
        path = corpus_files()[0]
        d = idx.document(path, '法治')
        idx.close()
        with self.assertRaisesRegex(ValueError, 'closed'):
            idx.document(path)
        self.assertTrue(d.highlights)
        self.assertEqual(d.text[d.highlights[0][0]:][:2], '法治')


class TestOpenClose(unittest.TestCase):
    def test_missing_index(self):
        missing = os.path.join(TMP, 'nonexistent.idx')
        with self.assertRaises(zhsearch.OpenError) as c:
            zhsearch.Index(missing)
        self.assertIn(missing, str(c.exception))
        self.assertEqual(c.exception.status, 2)
        self.assertIsInstance(c.exception, OSError)
        self.assertIsInstance(c.exception, zhsearch.Error)
        with self.assertRaises(zhsearch.OpenError):
            zhsearch.Index(paths=[INDEX, missing])

    def test_remote_shard_down(self):
        down = '127.0.0.1:1'  # nothing listens on port 1
        with self.assertRaisesRegex(zhsearch.NetworkError, '127.0.0.1:1') as c:
            zhsearch.Index(down)
        self.assertEqual(c.exception.status, 9)
        with zhsearch.Index(paths=[INDEX, down], timeout=0.5, partial=True) as idx:
            self.assertEqual(idx.doc_count, 5)
            r = idx.search('行政复议')
            self.assertEqual((r.total, r.partial, r.shards_skipped), (5, True, 1))
        with self.assertRaises(zhsearch.NetworkError):
            zhsearch.Index(paths=[INDEX, down], timeout=0.5)

    def test_not_an_index(self):
        path = os.path.join(TMP, 'plain.txt')
        with open(path, 'w') as f:
            f.write('hello')
        with self.assertRaises(zhsearch.Error) as c:
            zhsearch.Index(path)
        self.assertTrue(str(c.exception))

    def test_closed(self):
        idx = zhsearch.Index(INDEX)
        r = idx.search('行政复议')
        idx.close()
        self.assertTrue(idx.closed)
        idx.close()  # twice is fine
        self.assertIn('closed', repr(idx))
        for call in [lambda: idx.search('法治'), lambda: idx.doc_count, lambda: idx.reopen(),
                     lambda: idx.shard_count, lambda: idx.document(r[0].path)]:
            with self.assertRaisesRegex(ValueError, 'closed'):
                call()
        with self.assertRaises(ValueError):
            with idx:
                pass
        self.assertEqual(r[0].rank, 1)  # results outlive the index
        self.assertTrue(r[0].snippet)

    def test_context_manager(self):
        with zhsearch.Index(INDEX) as idx:
            self.assertEqual(idx.search('法治').total, 5)
        self.assertTrue(idx.closed)
        try:
            with zhsearch.Index(INDEX) as idx:
                raise KeyError('x')
        except KeyError:
            pass
        self.assertTrue(idx.closed)

    def test_reopen(self):
        d = os.path.join(TMP, 'reopen')
        os.makedirs(d + '.in')
        files = corpus_files()
        for f in files[:4]:
            shutil.copy(f, d + '.in')
        zhindex('-d', d, 'add', d + '.in')
        with zhsearch.Index(d) as idx:
            self.assertEqual(idx.doc_count, 4)
            old = idx.search('法治', limit=0)
            shutil.copy(files[4], d + '.in')
            zhindex('-d', d, 'add', d + '.in')
            self.assertEqual(idx.doc_count, 4)
            idx.reopen()
            self.assertEqual(idx.doc_count, 5)
            self.assertEqual(idx.search('法治').total, 5)
            self.assertEqual(old.total, 4)

    def test_reopen_after_merged_build(self):
        # An empty index filled by a build merged from scratch databases
        # (more than one batch, two writers) replaces the index directory:
        # a handle opened on the empty index must see it after reopen().
        d = os.path.join(TMP, 'merged')
        os.makedirs(d + '.in')
        os.makedirs(d + '.empty')
        open(os.path.join(d + '.empty', 'blank.txt'), 'w').close()
        subprocess.run([ARGS.zhindex, '-q', '-d', d, 'add', d + '.empty'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        files = corpus_files()
        for k in range(12):
            for f in files:
                shutil.copy(f, os.path.join(d + '.in', '%d-%s' % (k, os.path.basename(f))))
        with zhsearch.Index(d) as idx:
            self.assertEqual(idx.doc_count, 0)
            zhindex('-j', '2', '--batch', '10', '-d', d, 'add', d + '.in')
            self.assertFalse([x for x in os.listdir(TMP) if x.startswith('merged.')
                              and x not in ('merged.in', 'merged.empty')])
            idx.reopen()
            self.assertEqual(idx.doc_count, 12 * len(files))
            self.assertEqual(idx.search('法治', limit=0).total, 12 * len(files))

    def test_shards(self):
        files = corpus_files()
        a, b = os.path.join(TMP, 'shard-a'), os.path.join(TMP, 'shard-b')
        for d, part in [(a, files[:2]), (b, files[2:])]:
            os.makedirs(d + '.in')
            for f in part:
                shutil.copy(f, d + '.in')
            zhindex('-d', d, 'add', d + '.in')
        with zhsearch.Index(paths=[a, b], timeout=2.5, partial=True) as idx, \
                zhsearch.Index(INDEX) as one:
            self.assertEqual(idx.shard_count, 2)
            self.assertEqual(idx.doc_count, 5)
            for q in ['行政复议', '法治 year:2021']:
                r, w = idx.search(q, facets=['year']), one.search(q, facets=['year'])
                self.assertEqual(r.total, w.total)
                self.assertEqual(r.facets, w.facets)
                self.assertEqual([os.path.basename(h.path) for h in r],
                                 [os.path.basename(h.path) for h in w])
                self.assertEqual([h.snippet for h in r], [h.snippet for h in w])
                self.assertFalse(r.partial)
        with zhsearch.Index(paths=(a,)) as idx:
            self.assertEqual(idx.doc_count, 2)


QUERIES = ['行政复议', '法治 year:2021', '"一网通办"', '复议 OR 诉讼', '政府 -复议', '2021年',
           'issuer:乐山', '行政復議', '放管服', '依法行政 year:2020..2023']


def snapshot(idx, q):
    r = idx.search(q, limit=0, facets=['year', 'issuer'])
    return (r.total, r.facets, [(h.path, round(h.score, 9), h.snippet, tuple(h.highlights))
                                for h in r])


def in_threads(idx, keys, snap, nthreads):
    """snap(index, key) for every key, 5 rounds, in nthreads threads: half
    of them share idx, the others open their own Index.  Returns the
    (key, snapshot) pairs and the tracebacks of any failures."""
    got, errors = [], []

    def run(own):
        try:
            mine = zhsearch.Index(INDEX) if own else idx
            for _ in range(5):
                for k in keys:
                    got.append((k, snap(mine, k)))
            if own:
                mine.close()
        except Exception:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=run, args=(i % 2 == 1,)) for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got, errors


class TestThreads(unittest.TestCase):
    def test_shared_and_own_indexes(self):
        with zhsearch.Index(INDEX) as idx:
            want = {q: snapshot(idx, q) for q in QUERIES}
            got, errors = in_threads(idx, QUERIES, snapshot, 8)
            self.assertEqual(errors, [])
            self.assertEqual(len(got), 8 * 5 * len(QUERIES))
            for q, s in got:
                self.assertEqual(s, want[q], q)

    def test_close_while_searching(self):
        """close() in one thread waits for a search in another; later use raises."""
        idx = zhsearch.Index(INDEX)
        outcomes = []

        def run():
            for _ in range(50):
                try:
                    idx.search('法治', limit=0)
                    outcomes.append('ok')
                except ValueError:
                    outcomes.append('closed')
        t = threading.Thread(target=run)
        t.start()
        time.sleep(0.01)
        idx.close()
        t.join()
        self.assertEqual(len(outcomes), 50)
        self.assertEqual(set(outcomes) - {'ok', 'closed'}, set())
        self.assertEqual(outcomes[-1], 'closed')

    def test_gil_released(self):
        """A search lets a pure-Python thread run: the counter moves while
        zhs_search works (with the GIL held it would stand still)."""
        count = [0]
        stop = threading.Event()

        def counter():
            while not stop.is_set():
                count[0] += 1
        with zhsearch.Index(INDEX) as idx:
            t = threading.Thread(target=counter)
            t.start()
            moved = searches = 0
            spent = 0.0
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and searches < 200:
                before = count[0]
                r = idx.search('政府 OR 法治 OR 行政', limit=0, snippet=2000, explain=True,
                               facets=['year', 'issuer'])
                moved += count[0] - before
                spent += r.seconds
                searches += 1
            stop.set()
            t.join()
        print(f'# {searches} searches, {spent * 1000:.0f} ms in the library, '
              f'counter moved {moved} times during them')
        self.assertGreater(moved, 100)

    def test_gil_released_document(self):
        """document() and searches with matches release the GIL as well."""
        count = [0]
        stop = threading.Event()

        def counter():
            while not stop.is_set():
                count[0] += 1
        paths = corpus_files()
        with zhsearch.Index(INDEX) as idx:
            t = threading.Thread(target=counter)
            t.start()
            moved = calls = 0
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and calls < 200:
                before = count[0]
                idx.document(paths[calls % len(paths)], '政府 OR 法治 OR 行政')
                idx.search('政府 OR 法治', limit=0, matches=50, occurrences=True, suggest=1)
                moved += count[0] - before
                calls += 1
            stop.set()
            t.join()
        print(f'# {calls} rounds of document() and search(matches=50), counter moved {moved} '
              f'times during them')
        self.assertGreater(moved, 100)

    def test_document_threads(self):
        """Threads sharing an Index (and with their own) read whole documents."""
        paths = corpus_files()
        with zhsearch.Index(INDEX) as idx:
            def snap(i, p):
                d = i.document(p, '行政复议 OR 法治')
                return d.text, d.highlights, d.pages, d.fields
            want = {p: snap(idx, p) for p in paths}
            got, errors = in_threads(idx, paths, snap, 6)
            self.assertEqual(errors, [])
            self.assertEqual(len(got), 6 * 5 * len(paths))
            for p, s in got:
                self.assertEqual(s, want[p], p)


class TestWriter(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=TMP)
        self.idx = os.path.join(self.dir, 'w.idx')
        self.src = os.path.join(self.dir, 'src')
        shutil.copytree(ARGS.corpus, self.src)

    def test_add_and_progress(self):
        events = []

        def progress(event, path, message, done, total):
            events.append((event, path, message, done, total))
        with zhsearch.Writer(self.idx, threads=2, batch=2, progress=progress) as w:
            self.assertIn('w.idx', repr(w))
            w.add(self.src)
            c = w.counts
            self.assertEqual((c['added'], c['failed'], c['updated']), (5, 0, 0))
            self.assertEqual(c['bytes'], sum(os.path.getsize(f) for f in corpus_files()))
            added = [e for e in events if e[0] == 'added']
            self.assertEqual(sorted(os.path.basename(e[1]) for e in added),
                             sorted(os.listdir(ARGS.corpus)))
            self.assertEqual(sorted(e[3] for e in added), [1, 2, 3, 4, 5])
            self.assertEqual({e[4] for e in added}, {5})  # files of the call
            self.assertTrue(any(e[0] == 'commit' and e[1] is None for e in events))
            events.clear()
            w.add(self.src)
            self.assertEqual([e[0] for e in events if e[0] != 'commit'], ['unchanged'] * 5)
            self.assertEqual(w.counts['unchanged'], 5)
        self.assertTrue(w.closed)
        with zhsearch.Index(self.idx) as idx:
            self.assertEqual(idx.doc_count, 5)
            with zhsearch.Index(INDEX) as ref:
                self.assertEqual(idx.search('行政复议').total, ref.search('行政复议').total)

    def test_add_buffer(self):
        html = ('<html><head><title>某县2024年法治政府建设工作报告</title></head><body>'
                '<p>某县人民政府关于2024年法治政府建设工作情况的报告</p>'
                '<p>全年办理行政复议案件12件，推进一网通办。</p></body></html>').encode()
        with zhsearch.Index(INDEX) as before:
            pass
        with zhsearch.Writer(self.idx) as w:
            w.add_buffer('web/某县2024.html', html,
                         fields={'title': '某县2024年法治政府建设工作报告', 'year': 2024,
                                 'issuer': '某县人民政府', 'date': '2025-01-20'})
            w.add_buffer('mem/a.txt', bytearray('第二份报告：依法行政示范创建。'.encode()))
            w.add_buffer(b'mem/b.txt', memoryview('第三份报告：放管服改革。'.encode('gb18030')))
            self.assertEqual(w.counts['added'], 3)
            w.add_buffer('mem/a.txt', '第二份报告（修订）：依法行政。'.encode(), fields={})
            self.assertEqual(w.counts['updated'], 1)
        self.assertTrue(before.closed)
        with zhsearch.Index(self.idx) as idx:
            self.assertEqual(idx.doc_count, 3)
            h = idx.search('行政复议 year:2024')[0]
            self.assertEqual(h.path, 'web/某县2024.html')
            self.assertEqual((h.title, h.fields['year'], h.fields['issuer'], h.fields['date'],
                              h.fields['format']),
                             ('某县2024年法治政府建设工作报告', 2024, '某县人民政府', '2025-01-20',
                              'HTML'))
            self.assertEqual(idx.search('修订').total, 1)
            self.assertEqual(idx.search('放管服')[0].path, 'mem/b.txt')

    def test_add_buffer_errors(self):
        with zhsearch.Writer(self.idx) as w:
            with self.assertRaisesRegex(zhsearch.InvalidArgumentError, 'bogus') as c:
                w.add_buffer('x.txt', '报告'.encode(), fields={'bogus': 'x'})
            self.assertEqual(c.exception.status, 10)
            self.assertIsInstance(c.exception, ValueError)
            with self.assertRaisesRegex(zhsearch.InvalidArgumentError, 'year'):
                w.add_buffer('x.txt', '报告'.encode(), fields={'year': 'abc'})
            with self.assertRaisesRegex(zhsearch.InvalidArgumentError, 'date'):
                w.add_buffer('x.txt', '报告'.encode(), fields={'date': '2022-13-45'})
            with self.assertRaises(zhsearch.NotIndexableError) as c:
                w.add_buffer('junk.bin', bytes(range(256)) * 64)
            self.assertEqual(c.exception.status, 14)
            self.assertTrue(str(c.exception).startswith('junk.bin'))
            with self.assertRaises(zhsearch.NotIndexableError):
                w.add_buffer('empty.txt', b'')
            for call in [lambda: w.add_buffer('x.txt', '报告'),
                         lambda: w.add_buffer('x.txt', b'x', fields=[('year', 1)]),
                         lambda: w.add_buffer('x.txt', b'x', fields={'year': 2021.0}),
                         lambda: w.add_buffer('x.txt', b'x', fields={1: 'x'}),
                         lambda: w.add_buffer(None, b'x'), lambda: w.add(5), lambda: w.add()]:
                with self.assertRaises(TypeError):
                    call()
            self.assertEqual(w.counts['added'], 0)

    def test_remove_and_sync(self):
        events = []
        with zhsearch.Writer(self.idx, progress=lambda *e: events.append(e)) as w:
            w.sync(self.src)
            self.assertEqual(w.counts['added'], 5)
            gone = corpus_files()[0]
            os.remove(os.path.join(self.src, os.path.basename(gone)))
            events.clear()
            w.sync(self.src)
            removed = [e for e in events if e[0] == 'removed']
            self.assertEqual(len(removed), 1)
            self.assertEqual(os.path.basename(removed[0][1]), os.path.basename(gone))
            self.assertEqual(w.counts['removed'], 1)
            one = os.path.join(self.src, os.path.basename(corpus_files()[1]))
            w.remove(one)
            self.assertEqual(w.counts['removed'], 2)
            w.remove(os.path.join(self.src, 'never-indexed.txt'))  # nothing to remove: no error
            self.assertEqual(w.counts['removed'], 2)
            with self.assertRaisesRegex(zhsearch.NotIndexableError, 'No such file'):
                w.add(os.path.join(self.dir, 'missing'))
            w.commit()
            w.compact()
        with zhsearch.Index(self.idx) as idx:
            self.assertEqual(idx.doc_count, 3)

    def test_search_while_writing(self):
        with zhsearch.Writer(self.idx) as w:
            w.add(corpus_files()[0])
            with zhsearch.Index(self.idx) as idx:
                self.assertEqual(idx.doc_count, 1)
                w.add(self.src)
                self.assertEqual(idx.doc_count, 1)
                idx.reopen()
                self.assertEqual(idx.doc_count, 6)  # corpus/ and src/ are different paths

    def test_locked(self):
        with zhsearch.Writer(self.idx) as w:
            with self.assertRaisesRegex(zhsearch.LockedError, 'locked') as c:
                zhsearch.Writer(self.idx)
            self.assertEqual(c.exception.status, 13)
            # zhindex sees the lock as well
            p = subprocess.run([ARGS.zhindex, '-q', '-d', self.idx, 'add', self.src],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn('locked', p.stderr)
            w.add_buffer('a.txt', '报告正文'.encode())
        with zhsearch.Writer(self.idx) as w2:  # the lock went with close()
            self.assertFalse(w2.closed)

    def test_cancel_from_callback(self):
        def progress(event, path, message, done, total):
            return event == 'added'
        with zhsearch.Writer(self.idx, threads=1, batch=1, progress=progress) as w:
            with self.assertRaises(zhsearch.CancelledError) as c:
                w.add(self.src)
            self.assertEqual(c.exception.status, 15)
            self.assertIn('cancel', str(c.exception))
            n = w.counts['added']
            self.assertGreaterEqual(n, 1)
            self.assertLess(n, 5)
        with zhsearch.Index(self.idx) as idx:  # what was committed stays
            self.assertEqual(idx.doc_count, n)
        with zhsearch.Writer(self.idx) as w:  # a rerun completes
            w.add(self.src)
            self.assertEqual(w.counts['added'] + n, 5)

    def test_cancel_method(self):
        seen = []
        holder = []

        def progress(event, path, message, done, total):
            seen.append(event)
            if event == 'added':
                holder[0].cancel()
                seen.append(holder[0].counts['added'])  # counts may be read from the callback
        with zhsearch.Writer(self.idx, threads=1, batch=1, progress=progress) as w:
            holder.append(w)
            with self.assertRaises(zhsearch.CancelledError):
                w.add(self.src)
        self.assertIn('added', seen)
        self.assertTrue(any(isinstance(x, int) for x in seen))

    def test_cancel_from_thread(self):
        started = threading.Event()

        def progress(event, path, message, done, total):
            started.set()
            time.sleep(0.2)  # slow enough for the other thread to cancel
        with zhsearch.Writer(self.idx, threads=1, batch=1, progress=progress) as w:
            def cancel():
                started.wait(10)
                w.cancel()
            t = threading.Thread(target=cancel)
            t.start()
            with self.assertRaises(zhsearch.CancelledError):
                w.add(self.src)
            t.join()
            self.assertLess(w.counts['added'], 5)

    def test_callback_exception(self):
        def progress(event, path, message, done, total):
            if event == 'added':
                raise ZeroDivisionError('from the callback')
        with zhsearch.Writer(self.idx, threads=1, progress=progress) as w:
            with self.assertRaisesRegex(ZeroDivisionError, 'from the callback'):
                w.add(self.src)
        with zhsearch.Writer(self.idx, threads=1, progress=lambda *e: w3.add('x')) as w3:
            with self.assertRaisesRegex(RuntimeError, 'busy'):
                w3.add(self.src)

    def test_writer_arguments(self):
        with self.assertRaises(TypeError):
            zhsearch.Writer(self.idx, progress=5)
        with self.assertRaises(TypeError):
            zhsearch.Writer(self.idx, threads='2')
        with self.assertRaisesRegex(zhsearch.InvalidArgumentError, 'threads'):
            zhsearch.Writer(self.idx, threads=0)
        with self.assertRaisesRegex(zhsearch.InvalidArgumentError, 'batch'):
            zhsearch.Writer(self.idx, batch=0)
        with self.assertRaises(ValueError):
            zhsearch.Writer(self.idx, threads=-1)
        # a refused setting released the lock
        with zhsearch.Writer(self.idx, batch=10, follow=True, compact=False, ocr=False) as w:
            w.add(self.src)
            self.assertEqual(w.counts['added'], 5)

    def test_max_size(self):
        with zhsearch.Writer(self.idx, max_size=100) as w:
            with self.assertRaises(zhsearch.NotIndexableError):
                w.add(self.src)
            self.assertEqual(w.counts['failed'], 5)

    def test_failed_event(self):
        bad = os.path.join(self.src, 'binary.dat')
        with open(bad, 'wb') as f:
            f.write(bytes(range(256)) * 64)
        events = []
        with zhsearch.Writer(self.idx, progress=lambda *e: events.append(e)) as w:
            w.add(self.src)  # one file fails, the rest are indexed: no exception
            self.assertEqual((w.counts['added'], w.counts['failed']), (5, 1))
        failed = [e for e in events if e[0] == 'failed']
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0][1], bad)
        self.assertTrue(failed[0][2])

    def test_closed_writer(self):
        w = zhsearch.Writer(self.idx)
        w.close()
        w.close()
        self.assertTrue(w.closed)
        self.assertIn('closed', repr(w))
        w.cancel()  # harmless
        for call in [lambda: w.add(self.src), lambda: w.add_buffer('a', b'x'), lambda: w.commit(),
                     lambda: w.remove(self.src), lambda: w.sync(self.src), lambda: w.compact(),
                     lambda: w.counts]:
            with self.assertRaisesRegex(ValueError, 'closed'):
                call()
        with self.assertRaises(ValueError):
            with w:
                pass

    def test_writer_threads(self):
        """Threads sharing a Writer take turns; every buffer lands."""
        errors = []
        with zhsearch.Writer(self.idx, threads=1) as w:
            def run(k):
                try:
                    for i in range(5):
                        w.add_buffer(f'mem/{k}-{i}.txt', f'第{k}组第{i}份报告：依法行政。'.encode())
                except Exception:
                    errors.append(traceback.format_exc())
            ts = [threading.Thread(target=run, args=(k,)) for k in range(4)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            self.assertEqual(errors, [])
            self.assertEqual(w.counts['added'], 20)
        with zhsearch.Index(self.idx) as idx:
            self.assertEqual(idx.search('依法行政').total, 20)


class TapResult(unittest.TestResult):
    """Prints a TAP line per test as it ends."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.n = 0

    def _line(self, ok, test, note=''):
        self.n += 1
        name = f'{type(test).__name__}.{getattr(test, "_testMethodName", str(test))}'
        print(f'{"ok" if ok else "not ok"} {self.n} - {name}{note}', flush=True)

    @staticmethod
    def _diag(text):
        for line in text.rstrip().splitlines():
            print(f'# {line}', flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test)
        self._diag(self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test)
        self._diag(self.errors[-1][1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, f' # SKIP {reason}')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:  # the failing subtest is named; the test's own line follows
            self._diag(f'{subtest}: failed')


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument('--zhindex', required=True)
    ap.add_argument('--zhsearch', required=True)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('tests', nargs='*', help='names of tests to run (default: all)')
    ARGS = ap.parse_args()
    loader = unittest.defaultTestLoader
    module = sys.modules[__name__]
    suite = (loader.loadTestsFromNames(ARGS.tests, module) if ARGS.tests
             else loader.loadTestsFromModule(module))
    result = TapResult()
    suite.run(result)
    print(f'1..{result.n}')
    bad = len(result.failures) + len(result.errors)
    print(f'# {result.n - bad} of {result.n} passed (zhsearch {zhsearch.version}, '
          f'{os.path.dirname(zhsearch.__file__)})')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
