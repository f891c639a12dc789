#!/usr/bin/env python3
"""Load test of `zhsearch serve`: N concurrent clients on loopback.

    tests/bench/serve_load.py --zhsearch build/searcher/zhsearch \
        --zhindex build/indexer/zhindex --corpus corpus [--clients 50] [--seconds 20]
    tests/bench/serve_load.py --url http://127.0.0.1:8080/ [--clients 50]

Without --url it indexes --copies marked copies of the corpus reports into
a temporary index and starts the server itself (--max-searches, --queue
passed on).  Each client keeps one HTTP/1.1 connection and sends
/api/search requests (a mix of queries, with facets, sorts and pages, and
document views) one after another until --seconds have passed or
--requests were sent in all.  Prints requests, throughput, latency
p50/p90/p99/max and errors (any status but 200, or a failed connection),
and exits 1 when there were errors.  Not part of the test suite."""
import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

QUERIES = ['行政复议', '法治政府', '放管服', '"一网通办"', '复议 OR 诉讼', '依法行政 year:2021',
           '行政执法', '政务公开 -诉讼', 'issuer:乐山 复议', '法治', '合法性审查', '普法',
           '(复议 OR 诉讼) 2021年', '行政规范性文件', '营商环境', '年度报告']


def make_index(args, tmp):
    docs = os.path.join(tmp, 'docs')
    os.makedirs(docs)
    k = 0
    for r in range(args.copies):
        for name in sorted(os.listdir(args.corpus)):
            k += 1
            with open(os.path.join(args.corpus, name), 'rb') as f:
                data = f.read()
            with open(os.path.join(docs, 'doc%05d.txt' % k), 'wb') as f:
                f.write(data + ('\n标记%05d\n' % k).encode())
    idx = os.path.join(tmp, 'idx')
    subprocess.run([args.zhindex, '-q', '-d', idx, 'add', docs], check=True,
                   stdout=subprocess.DEVNULL)
    return idx, k


def start_server(args, idx):
    p = subprocess.Popen([args.zhsearch, 'serve', '-d', idx, '--port', '0',
                          '--max-searches', str(args.max_searches), '--queue', str(args.queue)],
                         stdout=subprocess.PIPE, text=True)
    url = p.stdout.readline().strip()
    if not url:
        sys.exit('the server did not start')
    return p, url


def paths_of(url):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request('GET', '/api/search?limit=20&q=' + urllib.parse.quote('法治'))
    return [h['path'] for h in json.loads(c.getresponse().read())['hits']]


def request_path(rnd, paths):
    q = rnd.choice(QUERIES)
    kind = rnd.random()
    if kind < 0.1 and paths:
        return '/api/doc?q=%s&path=%s' % (urllib.parse.quote('法治'), urllib.parse.quote(rnd.choice(paths)))
    params = {'q': q, 'limit': 10, 'offset': rnd.choice([0, 0, 0, 10, 20])}
    if kind < 0.4:
        params['sort'] = rnd.choice(['date', 'date-desc'])
    path = '/api/search?' + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    if kind > 0.6:
        path += '&facet=year&facet=issuer'
    return path


def client(n, url, deadline, budget, paths, out):
    rnd = random.Random(n)
    u = urllib.parse.urlsplit(url)
    conn = None
    lat, errors, statuses = [], 0, {}
    while time.monotonic() < deadline and budget.take():
        path = request_path(rnd, paths)
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            conn.request('GET', path)
            r = conn.getresponse()
            r.read()
            statuses[r.status] = statuses.get(r.status, 0) + 1
            if r.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException) as e:
            errors += 1
            statuses[type(e).__name__] = statuses.get(type(e).__name__, 0) + 1
            conn = None
            continue
        lat.append(time.perf_counter() - t0)
    out[n] = (lat, errors, statuses)


class Budget:
    def __init__(self, n):
        self.n, self.lock = n, threading.Lock()

    def take(self):
        with self.lock:
            if self.n <= 0:
                return False
            self.n -= 1
            return True


def pct(sorted_lat, p):
    if not sorted_lat:
        return float('nan')
    return sorted_lat[min(len(sorted_lat) - 1, int(round(p / 100 * (len(sorted_lat) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--url')
    ap.add_argument('--zhsearch')
    ap.add_argument('--zhindex')
    ap.add_argument('--corpus', default='corpus')
    ap.add_argument('--copies', type=int, default=20)
    ap.add_argument('--clients', type=int, default=50)
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--requests', type=int, default=100000)
    ap.add_argument('--max-searches', type=int, default=8)
    ap.add_argument('--queue', type=int, default=64)
    args = ap.parse_args()
    tmp = server = None
    docs = None
    try:
        url = args.url
        if not url:
            if not (args.zhsearch and args.zhindex):
                ap.error('--url, or --zhsearch and --zhindex')
            tmp = tempfile.mkdtemp()
            idx, docs = make_index(args, tmp)
            server, url = start_server(args, idx)
        paths = paths_of(url)
        deadline = time.monotonic() + args.seconds
        budget = Budget(args.requests)
        out = [None] * args.clients
        threads = [threading.Thread(target=client, args=(i, url, deadline, budget, paths, out))
                   for i in range(args.clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
    finally:
        if server:
            server.terminate()
            server.wait()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    lat = sorted(x for o in out for x in o[0])
    errors = sum(o[1] for o in out)
    statuses = {}
    for o in out:
        for k, v in o[2].items():
            statuses[k] = statuses.get(k, 0) + v
    ms = lambda s: s * 1000
    print('zhsearch serve load: %d clients, %.1f s%s, %d CPUs' %
          (args.clients, wall, ', %d documents' % docs if docs else '', os.cpu_count()))
    print('requests %d (%.0f/s), errors %d, statuses %s' %
          (len(lat) + errors, (len(lat) + errors) / wall, errors,
           ' '.join('%s:%d' % kv for kv in sorted(statuses.items(), key=str))))
    print('latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f' %
          (ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(lat[-1]) if lat else float('nan')))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
