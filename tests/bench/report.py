#!/usr/bin/env python3
"""Turn the raw measurements of run.sh into results.json and RESULTS.md.

    report.py --work DIR --json OUT.json --md OUT.md [--elapsed S] CORPUS...

Reads DIR/machine.tsv and DIR/CORPUS/run/ (meta.tsv, /usr/bin/time -v
outputs, per-query latency files, queries.tsv).  Corpora already in OUT.json
and not named are kept as they were, so that running one corpus does not
drop the others' figures; RESULTS.md is rendered from the merged data.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

SCHEMA = 1
ORDER = ["corpus", "help", "poetry"]
KINDS = ["w1", "w2", "w3", "w4", "w5", "w6", "phrase", "and", "filter"]


def read_tsv_kv(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                out[k] = v
    return out


def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        try:
            return float(v)
        except (TypeError, ValueError):
            return v


def parse_time(path):
    """GNU time -v output: wall, user, sys seconds, CPU %, peak RSS."""
    t = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1]
                parts = [float(x) for x in v.split(":")]
                s = 0.0
                for p in parts:
                    s = s * 60 + p
                t["wall_s"] = s
            elif line.startswith("User time (seconds)"):
                t["user_s"] = float(line.rsplit(": ", 1)[1])
            elif line.startswith("System time (seconds)"):
                t["sys_s"] = float(line.rsplit(": ", 1)[1])
            elif line.startswith("Percent of CPU this job got"):
                t["cpu_percent"] = num(line.rsplit(": ", 1)[1].rstrip("%"))
            elif line.startswith("Maximum resident set size (kbytes)"):
                t["peak_rss_mb"] = round(int(line.rsplit(": ", 1)[1]) / 1024.0, 1)
    wall = path[:-len(".time")] + ".wall"
    if os.path.exists(wall):  # measured by run.sh around the command, finer than time(1)
        with open(wall) as f:
            t["wall_s"] = round(float(f.read().strip()), 4)
    return t


def pct(sorted_vals, q):
    """Nearest-rank percentile."""
    if not sorted_vals:
        return None
    k = max(1, math.ceil(q * len(sorted_vals)))
    return sorted_vals[k - 1]


def summary(vals_us):
    v = sorted(vals_us)
    if not v:
        return None
    return {"n": len(v), "p50": round(pct(v, 0.50) / 1000, 3), "p95": round(pct(v, 0.95) / 1000, 3),
            "p99": round(pct(v, 0.99) / 1000, 3), "mean": round(statistics.fmean(v) / 1000, 3),
            "max": round(v[-1] / 1000, 3)}


def read_latency(path):
    """{pass: {line: (us, count, extra)}}"""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 4:
                continue
            out.setdefault(int(p[0]), {})[int(p[1])] = (float(p[2]), num(p[3]),
                                                        p[4] if len(p) > 4 else None)
    return out


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return round(a / b, 3)


KI_CLASSES = ["title", "term", "short"]
KI_SYSTEMS = [("zhsearch", "zhs_ki.out"), ("xapian_ngram", "xap_ki.out"),
              ("fts5_trigram", "fts_ki.out")]
KI_TARGET = 1.15  # zhsearch MRR@10 over Xapian n-gram's that a ranking change must reach


def known_item_results(r):
    """MRR@10, success@1, success@10 per system and query class, from
    ki.tsv and the rank outputs; None when the corpus has no known items."""
    path = os.path.join(r, "ki.tsv")
    if not os.path.exists(path):
        return None
    qs = []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            qs.append({"class": p[0], "target": os.path.realpath(p[1]), "query": p[2]})
    out = {"queries": len(qs), "by_class": {k: sum(1 for q in qs if q["class"] == k)
                                            for k in KI_CLASSES}, "systems": {}}
    for name, fn in KI_SYSTEMS:
        ranks = {}
        with open(os.path.join(r, fn), encoding="utf-8", errors="replace") as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                ranks[int(p[0])] = [os.path.realpath(x) for x in p[1:11]]
        rr = []
        for i, q in enumerate(qs, 1):
            top = ranks.get(i, [])
            rr.append(1.0 / (top.index(q["target"]) + 1) if q["target"] in top else 0.0)

        def m(ids):
            if not ids:
                return None
            v = [rr[i] for i in ids]
            return {"n": len(v), "mrr10": round(sum(v) / len(v), 4),
                    "success1": round(sum(1 for x in v if x == 1.0) / len(v), 4),
                    "success10": round(sum(1 for x in v if x > 0) / len(v), 4)}
        e = {"all": m(range(len(qs)))}
        for k in KI_CLASSES:
            e[k] = m([i for i, q in enumerate(qs) if q["class"] == k])
        out["systems"][name] = e
    z, x = out["systems"]["zhsearch"], out["systems"]["xapian_ngram"]
    out["ratio_mrr10_zhsearch_xapian"] = {
        k: ratio(z[k]["mrr10"], x[k]["mrr10"]) for k in ["all"] + KI_CLASSES if z.get(k)}
    out["target"] = {
        "rule": "zhsearch MRR@10 >= %.2f x Xapian n-gram's overall and >= it in every class"
                % KI_TARGET,
        "met": bool(x["all"]["mrr10"] and z["all"]["mrr10"] >= KI_TARGET * x["all"]["mrr10"]
                    and all(z[k]["mrr10"] >= x[k]["mrr10"] for k in KI_CLASSES if z.get(k)))}
    return out


def known_item_md(K):
    out = ["Known-item ranking: %d queries, one target document each (%s); the target's "
           "reciprocal rank in the top 10 (0 when absent)." % (
               K["queries"], ", ".join("%s %d" % (k, K["by_class"][k]) for k in KI_CLASSES)), ""]
    names = [("zhsearch", "zhsearch"), ("xapian_ngram", "Xapian n-gram"),
             ("fts5_trigram", "FTS5 trigram")]
    out.append("| class | " + " | ".join("%s MRR@10 / S@1 / S@10" % n for _, n in names)
               + " | zhsearch ÷ Xapian MRR@10 |")
    out.append("|---|" + "--:|" * (len(names) + 1))
    for k in ["all"] + KI_CLASSES:
        cells = []
        for n, _ in names:
            e = K["systems"][n].get(k)
            cells.append("%.3f / %.3f / %.3f" % (e["mrr10"], e["success1"], e["success10"])
                         if e else "")
        out.append("| %s | %s | %s |" % (k, " | ".join(cells),
                                         fr(K["ratio_mrr10_zhsearch_xapian"].get(k))))
    out.append("")
    out.append("Target (%s): **%s**." % (K["target"]["rule"],
                                         "met" if K["target"]["met"] else "not met"))
    out.append("")
    return out


def corpus_results(work, c, machine):
    r = os.path.join(work, c, "run")
    meta = {k: num(v) for k, v in read_tsv_kv(os.path.join(r, "meta.tsv")).items()}
    docs, nbytes = meta["docs"], meta["bytes"]
    queries = []
    with open(os.path.join(r, "queries.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            queries.append({"kind": p[0], "zhsearch": p[1], "xapian": p[2], "fts5": p[3:]})
    kinds = {i + 1: q["kind"] for i, q in enumerate(queries)}
    common = [i for i, k in kinds.items() if k != "filter"]
    filt = [i for i, k in kinds.items() if k == "filter"]

    indexing = {}
    for key, name in (("zhs", "zhsearch"), ("xap", "xapian_ngram"), ("fts", "fts5_trigram")):
        rounds = []
        for n in range(1, 1000):
            path = os.path.join(r, "%s_index_%d.time" % (key, n))
            if not os.path.exists(path):
                break
            rounds.append(parse_time(path))
        if not rounds:
            sys.exit("report: no %s_index_N.time in %s" % (key, r))
        t = dict(min(rounds, key=lambda x: x.get("wall_s", float("inf"))))
        t["rounds_wall_s"] = [x.get("wall_s") for x in rounds]
        tc = parse_time(os.path.join(r, key + "_compact.time"))
        size, size_c = meta[key + "_size"], meta[key + "_size_compact"]
        indexing[name] = dict(t, **{
            "mb_per_s": round(nbytes / 1e6 / t["wall_s"], 3) if t.get("wall_s") else None,
            "docs_per_s": round(docs / t["wall_s"], 1) if t.get("wall_s") else None,
            "mb_per_cpu_s": round(nbytes / 1e6 / (t["user_s"] + t["sys_s"]), 3)
            if t.get("user_s", 0) + t.get("sys_s", 0) > 0 else None,
            "size_bytes": size, "size_compact_bytes": size_c,
            "bytes_per_input_byte": round(size / nbytes, 3),
            "bytes_per_input_byte_compact": round(size_c / nbytes, 3),
            "compact_wall_s": tc.get("wall_s"), "compact_peak_rss_mb": tc.get("peak_rss_mb"),
        })
    icu_runs = []
    for i in (1, 2, 3):
        with open(os.path.join(r, "icu_%d.out" % i)) as f:
            icu_runs.append(json.loads(f.read()))
    icu_med = sorted(icu_runs, key=lambda x: x["mb_per_s"])[1]
    t = parse_time(os.path.join(r, "icu_2.time"))
    indexing["icu_break"] = {"mb_per_s": icu_med["mb_per_s"], "seconds": icu_med["seconds"],
                             "tokens": icu_med["tokens"], "icu_version": icu_med["icu_version"],
                             "runs_mb_per_s": [x["mb_per_s"] for x in icu_runs],
                             "peak_rss_mb": t.get("peak_rss_mb"),
                             "docs_per_s": round(docs / icu_med["seconds"], 1)
                             if icu_med["seconds"] else None}

    latency, slowest, raw = {}, {}, {}
    runs = (("zhsearch", "zhs_q_nosnip"), ("zhsearch_snippets", "zhs_q_snip"),
            ("xapian_ngram", "xap_q"), ("fts5_trigram", "fts_q"),
            ("fts5_trigram_snippets", "fts_q_snip"))
    for name, f in runs:
        lat = read_latency(os.path.join(r, f + ".out"))
        raw[name] = lat
        passes = sorted(lat)
        e = {"peak_rss_mb": parse_time(os.path.join(r, f + ".time")).get("peak_rss_mb")}
        for p in passes:
            e["pass%d" % p] = summary([lat[p][i][0] for i in common if i in lat[p]])
            if name.startswith("zhsearch") and filt:
                e["filter_pass%d" % p] = summary([lat[p][i][0] for i in filt if i in lat[p]])
        last = lat[passes[-1]]
        e["by_kind_last_pass_p50"] = {}
        for k in KINDS:
            ids = [i for i in kinds if kinds[i] == k and i in last]
            if k == "filter" and not name.startswith("zhsearch"):
                continue
            s = summary([last[i][0] for i in ids])
            if s:
                e["by_kind_last_pass_p50"][k] = s["p50"]
        if name.startswith("fts5"):
            e["scan_queries"] = sum(1 for i in common if last.get(i, (0, 0, ""))[2] == "scan")
            e["match_like_queries"] = sum(1 for i in common
                                          if last.get(i, (0, 0, ""))[2] == "match+like")
        if name.startswith("zhsearch"):
            e["errors"] = sum(1 for i in last if last[i][1] == -1)
            e["library_pass%d" % passes[-1]] = summary([last[i][2] and float(last[i][2]) or 0.0
                                                         for i in common if i in last])
        latency[name] = e
        top = sorted(((last[i][0], i) for i in last), reverse=True)[:5]
        slowest[name] = [{"ms": round(us / 1000, 3), "kind": kinds[i],
                          "query": queries[i - 1]["zhsearch" if name.startswith("zhsearch")
                                                 else ("xapian" if name.startswith("xapian")
                                                       else "fts5")],
                          "matches": last[i][1]} for us, i in top]

    zi, xi, fi, ii = (indexing[k] for k in ("zhsearch", "xapian_ngram", "fts5_trigram",
                                            "icu_break"))
    ratios = {
        "indexing_mb_per_s": {"zhsearch/xapian": ratio(zi["mb_per_s"], xi["mb_per_s"]),
                              "zhsearch/fts5": ratio(zi["mb_per_s"], fi["mb_per_s"]),
                              "zhsearch/icu_break": ratio(zi["mb_per_s"], ii["mb_per_s"])},
        "indexing_mb_per_cpu_s": {"zhsearch/xapian": ratio(zi["mb_per_cpu_s"], xi["mb_per_cpu_s"]),
                                  "zhsearch/fts5": ratio(zi["mb_per_cpu_s"], fi["mb_per_cpu_s"]),
                                  "zhsearch/icu_break": ratio(zi["mb_per_cpu_s"], ii["mb_per_s"])},
        "indexing_docs_per_s": {"zhsearch/xapian": ratio(zi["docs_per_s"], xi["docs_per_s"]),
                                "zhsearch/fts5": ratio(zi["docs_per_s"], fi["docs_per_s"])},
        "indexing_peak_rss": {"zhsearch/xapian": ratio(zi["peak_rss_mb"], xi["peak_rss_mb"]),
                              "zhsearch/fts5": ratio(zi["peak_rss_mb"], fi["peak_rss_mb"])},
        "size": {"zhsearch/xapian": ratio(zi["size_bytes"], xi["size_bytes"]),
                 "zhsearch/fts5": ratio(zi["size_bytes"], fi["size_bytes"])},
        "size_compact": {"zhsearch/xapian": ratio(zi["size_compact_bytes"], xi["size_compact_bytes"]),
                         "zhsearch/fts5": ratio(zi["size_compact_bytes"], fi["size_compact_bytes"])},
        "latency": {},
    }
    for p in range(1, 10):
        key = "pass%d" % p
        if key not in latency["zhsearch"]:
            break
        def lr(a, b):
            la, lb = latency[a].get(key), latency[b].get(key)
            if not la or not lb:
                return None
            return {q: ratio(la[q], lb[q]) for q in ("p50", "p95", "p99")}
        ratios["latency"][key] = {
            "no_snippets": {"zhsearch/xapian": lr("zhsearch", "xapian_ngram"),
                            "zhsearch/fts5": lr("zhsearch", "fts5_trigram")},
            "snippets": {"zhsearch/fts5": lr("zhsearch_snippets", "fts5_trigram_snippets")},
        }

    # the library and the CLI agree on the first query
    cli = None
    try:
        with open(os.path.join(r, "cli.json"), encoding="utf-8") as f:
            j = json.load(f)
        lib_total = raw["zhsearch"][1][1][1] if 1 in raw["zhsearch"].get(1, {}) else None
        cli = {"query": queries[0]["zhsearch"], "total": j.get("total"),
               "elapsed_ms": j.get("elapsed_ms"), "library_total": lib_total}
    except (OSError, ValueError, KeyError, IndexError):
        pass

    ki = known_item_results(r)
    by_kind = {}
    for q in queries:
        by_kind[q["kind"]] = by_kind.get(q["kind"], 0) + 1
    return {
        "run": {"date": machine.get("date"), "zhsearch_commit": machine.get("zhsearch_commit"),
                "zhsearch_dirty_files": num(machine.get("zhsearch_dirty_files")),
                "zhsearch_buildtype": machine.get("zhsearch_buildtype"),
                "seconds": meta.get("seconds"),
                "loadavg_before": meta.get("loadavg_before"),
                "loadavg_after": meta.get("loadavg_after")},
        "machine": machine,
        "corpus": {"description": meta.get("description"), "source": meta.get("source"),
                   "docs": docs, "bytes": nbytes, "stamp": meta.get("stamp")},
        "queries": {"total": len(queries), "compared": len(common), "filter_zhsearch_only": len(filt),
                    "by_kind": by_kind, "file": "tests/bench/queries/%s.tsv" % c},
        "indexing": indexing,
        "latency_ms": latency,
        "ratios": ratios,
        "slowest_last_pass": slowest,
        "cli_check": cli,
        **({"known_item": ki} if ki else {}),
    }


# ---- markdown ----

def f1(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, float) or isinstance(v, int):
        if abs(v) >= 100:
            return "{:,.0f}".format(v)
        return "{:.{}f}".format(v, nd)
    return str(v)


def fr(v):
    return "–" if v is None else "{:.2f}×".format(v)


def lat3(s):
    if not s:
        return "–"
    return "%s / %s / %s" % (f1(s["p50"], 2), f1(s["p95"], 2), f1(s["p99"], 2))


def rat3(d):
    if not d:
        return "–"
    return " / ".join(fr(d[q]) for q in ("p50", "p95", "p99"))


def corpus_md(c, R):
    co, ix, lat, ra = R["corpus"], R["indexing"], R["latency_ms"], R["ratios"]
    z, x, f, i = ix["zhsearch"], ix["xapian_ngram"], ix["fts5_trigram"], ix["icu_break"]
    out = []
    out.append("## %s: %s documents, %.2f MB" % (c, "{:,}".format(co["docs"]), co["bytes"] / 1e6))
    out.append("")
    out.append("%s. Run %s, zhsearch %s%s (%s build), %s queries (%s compared with the "
               "baselines, %s filtered ones for zhsearch only); load average %s before, %s "
               "after." % (
                   co["description"], R["run"]["date"], R["run"]["zhsearch_commit"],
                   " with %s locally modified files" % R["run"]["zhsearch_dirty_files"]
                   if R["run"].get("zhsearch_dirty_files") else "",
                   R["run"]["zhsearch_buildtype"], R["queries"]["total"],
                   R["queries"]["compared"], R["queries"]["filter_zhsearch_only"],
                   R["run"].get("loadavg_before", "?"), R["run"].get("loadavg_after", "?")))
    out.append("")
    out.append("| | zhsearch | Xapian n-gram | FTS5 trigram | ICU break | zhsearch ÷ Xapian | zhsearch ÷ FTS5 |")
    out.append("|---|--:|--:|--:|--:|--:|--:|")

    def row(label, zv, xv, fv, iv, rx, rf):
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (label, zv, xv, fv, iv, rx, rf))

    row("indexing MB/s", f1(z["mb_per_s"], 2), f1(x["mb_per_s"], 2), f1(f["mb_per_s"], 2),
        f1(i["mb_per_s"], 2), fr(ra["indexing_mb_per_s"]["zhsearch/xapian"]),
        fr(ra["indexing_mb_per_s"]["zhsearch/fts5"]))
    row("indexing MB per CPU-second", f1(z.get("mb_per_cpu_s"), 2), f1(x.get("mb_per_cpu_s"), 2),
        f1(f.get("mb_per_cpu_s"), 2), f1(i["mb_per_s"], 2),
        fr(ra.get("indexing_mb_per_cpu_s", {}).get("zhsearch/xapian")),
        fr(ra.get("indexing_mb_per_cpu_s", {}).get("zhsearch/fts5")))
    row("indexing documents/s", f1(z["docs_per_s"]), f1(x["docs_per_s"]), f1(f["docs_per_s"]),
        f1(i["docs_per_s"]), fr(ra["indexing_docs_per_s"]["zhsearch/xapian"]),
        fr(ra["indexing_docs_per_s"]["zhsearch/fts5"]))
    row("indexing wall s (CPU %%), fastest of %d" % len(z.get("rounds_wall_s", [1])), "%s (%s%%)" % (f1(z["wall_s"], 3), z.get("cpu_percent")),
        "%s (%s%%)" % (f1(x["wall_s"], 3), x.get("cpu_percent")),
        "%s (%s%%)" % (f1(f["wall_s"], 3), f.get("cpu_percent")), f1(i["seconds"], 3), "", "")
    row("peak RSS indexing, MB", f1(z["peak_rss_mb"]), f1(x["peak_rss_mb"]), f1(f["peak_rss_mb"]),
        f1(i["peak_rss_mb"]), fr(ra["indexing_peak_rss"]["zhsearch/xapian"]),
        fr(ra["indexing_peak_rss"]["zhsearch/fts5"]))
    row("index size, MB", f1(z["size_bytes"] / 1e6, 2), f1(x["size_bytes"] / 1e6, 2),
        f1(f["size_bytes"] / 1e6, 2), "", fr(ra["size"]["zhsearch/xapian"]),
        fr(ra["size"]["zhsearch/fts5"]))
    row("index size compacted, MB", f1(z["size_compact_bytes"] / 1e6, 2),
        f1(x["size_compact_bytes"] / 1e6, 2), f1(f["size_compact_bytes"] / 1e6, 2), "",
        fr(ra["size_compact"]["zhsearch/xapian"]), fr(ra["size_compact"]["zhsearch/fts5"]))
    row("bytes per input byte (compacted)", "%s (%s)" % (f1(z["bytes_per_input_byte"], 2),
                                                         f1(z["bytes_per_input_byte_compact"], 2)),
        "%s (%s)" % (f1(x["bytes_per_input_byte"], 2), f1(x["bytes_per_input_byte_compact"], 2)),
        "%s (%s)" % (f1(f["bytes_per_input_byte"], 2), f1(f["bytes_per_input_byte_compact"], 2)),
        "", "", "")
    row("compact wall s", f1(z["compact_wall_s"], 2), f1(x["compact_wall_s"], 2),
        f1(f["compact_wall_s"], 2), "", "", "")
    passes = sorted(int(k[4:]) for k in lat["zhsearch"] if re.fullmatch(r"pass\d+", k))
    for p in passes:
        key = "pass%d" % p
        tag = "cold-ish" if p == 1 else "warm"
        lr = ra["latency"].get(key, {})
        row("query ms p50 / p95 / p99, pass %d (%s), no snippets" % (p, tag),
            lat3(lat["zhsearch"].get(key)), lat3(lat["xapian_ngram"].get(key)),
            lat3(lat["fts5_trigram"].get(key)), "",
            rat3(lr.get("no_snippets", {}).get("zhsearch/xapian")),
            rat3(lr.get("no_snippets", {}).get("zhsearch/fts5")))
    for p in passes:
        key = "pass%d" % p
        tag = "cold-ish" if p == 1 else "warm"
        lr = ra["latency"].get(key, {})
        row("query ms p50 / p95 / p99, pass %d (%s), snippets" % (p, tag),
            lat3(lat["zhsearch_snippets"].get(key)), "n/a",
            lat3(lat["fts5_trigram_snippets"].get(key)), "", "",
            rat3(lr.get("snippets", {}).get("zhsearch/fts5")))
    row("peak RSS querying (no snippets / snippets), MB",
        "%s / %s" % (f1(lat["zhsearch"]["peak_rss_mb"]), f1(lat["zhsearch_snippets"]["peak_rss_mb"])),
        f1(lat["xapian_ngram"]["peak_rss_mb"]),
        "%s / %s" % (f1(lat["fts5_trigram"]["peak_rss_mb"]),
                     f1(lat["fts5_trigram_snippets"]["peak_rss_mb"])), "", "", "")
    out.append("")
    last = "pass%d" % passes[-1]
    zf = lat["zhsearch"].get("filter_" + last)
    zfs = lat["zhsearch_snippets"].get("filter_" + last)
    if zf:
        out.append("zhsearch on the %d filtered queries (warm, ms p50 / p95 / p99): %s without "
                   "snippets, %s with." % (zf["n"], lat3(zf), lat3(zfs)))
        out.append("")
    out.append("FTS5: %d of the %d compared queries have only 1-2 character strings and run as a "
               "`LIKE` scan (no ranking, no snippet), %d more add a `LIKE` to the `MATCH`."
               % (lat["fts5_trigram"]["scan_queries"], R["queries"]["compared"],
                  lat["fts5_trigram"]["match_like_queries"]))
    out.append("")
    out.append("Warm p50 by query kind, ms:")
    out.append("")
    names = [("zhsearch", "zhsearch"), ("zhsearch_snippets", "zhsearch + snippets"),
             ("xapian_ngram", "Xapian n-gram"), ("fts5_trigram", "FTS5 trigram"),
             ("fts5_trigram_snippets", "FTS5 + snippet()")]
    kinds = [k for k in KINDS if k in R["queries"]["by_kind"]]
    out.append("| kind (queries) | " + " | ".join(n for _, n in names) + " |")
    out.append("|---|" + "--:|" * len(names))
    for k in kinds:
        cells = [f1(lat[n]["by_kind_last_pass_p50"].get(k), 3) for n, _ in names]
        out.append("| %s (%d) | %s |" % (k, R["queries"]["by_kind"][k], " | ".join(cells)))
    out.append("")
    out.append("Slowest zhsearch queries (warm, ms; without / with snippets):")
    out.append("")
    a, b = R["slowest_last_pass"]["zhsearch"], R["slowest_last_pass"]["zhsearch_snippets"]
    for s1, s2 in zip(a, b):
        out.append("- `%s` (%s, %s matches) %s; `%s` (%s, %s matches) %s" % (
            s1["query"], s1["kind"], s1["matches"], f1(s1["ms"], 2),
            s2["query"], s2["kind"], s2["matches"], f1(s2["ms"], 2)))
    out.append("")
    if R.get("known_item"):
        out += known_item_md(R["known_item"])
    return "\n".join(out)


HEADER = """# zhsearch benchmark results

Generated by `tests/bench/run.sh` (see `tests/bench/README.md` for what is
measured and how); every figure is also in `tests/bench/results.json`.  All
engines index the same files and answer the same queries in the same run,
one after another.  Other work on the machine makes the figures noisy: each
corpus gives the load average before and after it, and the CPU % and MB per
CPU-second rows are less sensitive to such noise than wall-clock figures.

How to read the ratios: *zhsearch ÷ baseline* of the figure in the row.  For
MB/s and documents/s above 1 means zhsearch is faster; for RSS, size and
latency above 1 means zhsearch uses more / is slower.  Latencies are per
query in one process (no process start-up), over the queries every engine
runs (filtered queries, which only zhsearch understands, are left out of
the comparison).  Pass 1 is the first pass over the query set on a freshly
compacted index (files in the page cache, engine caches empty: "cold-ish"),
pass 2 the second ("warm").
"""

NOTES = """## What differs between the engines

- zhsearch returns the exact number of matches and exact substring matches
  (after normalization: NFKC, case folding, Traditional → Simplified) and
  ranks them; its latency includes computing that total.  Xapian returns an
  estimate of the number of matches; its n-gram query for an unquoted
  Chinese string is an AND of the string's characters and bigrams, which can
  match documents that do not contain the string.  FTS5 counts nothing past
  the 10th row.
- FTS5 trigram cannot `MATCH` 1-2 character strings: those are `body LIKE
  '%…%'` conditions, and a query made of them only is a scan of the table
  that stops at its 10th match, without ranking or snippet.
- "Snippets" is zhsearch with snippets of the configured length (default
  120 characters, with highlights) and FTS5 with `snippet()` of up to 64
  tokens; Xapian stores only the path and has no snippet column.
- Index sizes: zhsearch stores the documents' text (zstd) as well as its
  word and character layers; the Xapian baseline stores no text; FTS5 stores
  the text uncompressed.  "Compacted" is `zhindex compact`, `xapian-compact`,
  and FTS5 `optimize` + `VACUUM`; queries run on the compacted indexes.
- Indexing MB/s is input bytes over wall-clock time of the whole command
  (reading files, analysis, writing, committing).  The baselines use one
  thread; zhindex may use more (its CPU % is in the table), so MB per
  CPU-second (user + system time) is given too.
- The ICU column is the throughput of ICU word breaking alone (UTF-8 →
  UTF-16 and a word break iterator, one core): a floor under any indexer
  that segments with ICU; *zhsearch ÷ ICU* is in results.json.
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--elapsed", type=int, default=None)
    ap.add_argument("--known-item-only", action="store_true",
                    help="replace only the known_item sections of the corpora named")
    ap.add_argument("corpora", nargs="*",
                    help="corpora measured in this run (none: only render OUT.json again)")
    a = ap.parse_args()

    machine = {k: num(v) for k, v in read_tsv_kv(os.path.join(a.work, "machine.tsv")).items()}
    old, j = {}, {}
    if os.path.exists(a.json):
        try:
            with open(a.json, encoding="utf-8") as f:
                j = json.load(f)
            if j.get("schema") == SCHEMA:
                old = j.get("corpora", {})
        except (OSError, ValueError):
            print("report: ignoring unreadable %s" % a.json, file=sys.stderr)
    if not a.corpora:
        if not old:
            sys.exit("report: nothing to render: no corpus named and no %s" % a.json)
        machine, a.elapsed = j["machine"], j["last_run"]["elapsed_seconds"]
    corpora = dict(old)
    for c in a.corpora:
        if a.known_item_only:
            if c not in corpora:
                sys.exit("report: no figures of %s in %s to add known items to: run "
                         "tests/bench/run.sh %s first" % (c, a.json, c))
            ki = known_item_results(os.path.join(a.work, c, "run"))
            if not ki:
                sys.exit("report: no known-item results of %s" % c)
            corpora[c]["known_item"] = ki
        else:
            corpora[c] = corpus_results(a.work, c, machine)
    for c in a.corpora:
        K = corpora[c].get("known_item")
        if K:
            z, x = K["systems"]["zhsearch"], K["systems"]["xapian_ngram"]
            print("report: %s known-item MRR@10 zhsearch %.3f, Xapian n-gram %.3f, FTS5 %.3f; "
                  "ratio %s; target %s" % (c, z["all"]["mrr10"], x["all"]["mrr10"],
                                           K["systems"]["fts5_trigram"]["all"]["mrr10"],
                                           K["ratio_mrr10_zhsearch_xapian"].get("all"),
                                           "met" if K["target"]["met"] else "NOT met"),
                  file=sys.stderr)
    corpora = {c: corpora[c] for c in sorted(corpora, key=lambda c: ORDER.index(c)
                                              if c in ORDER else 99)}
    if a.known_item_only:  # the other figures, and their run, stay as they were
        date = machine.get("date")
        machine = j["machine"]
        j["last_run"]["known_item_run"] = {
            "command": "tests/bench/run.sh %s known-item" % " ".join(a.corpora), "date": date}
    res = {
        "schema": SCHEMA,
        "last_run": {"command": "tests/bench/run.sh " + " ".join(a.corpora),
                     "date": machine.get("date"), "elapsed_seconds": a.elapsed,
                     "corpora": a.corpora} if a.corpora and not a.known_item_only
        else j["last_run"],
        "machine": machine,
        "corpora": corpora,
    }
    with open(a.json + ".tmp", "w", encoding="utf-8") as f:
        json.dump(res, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(a.json + ".tmp", a.json)

    md = [HEADER]
    m = machine
    md.append("Last run: `%s` on %s, %s s in all. Machine: %s, %s cores, %.0f GB, %s, kernel %s; "
              "Xapian %s, SQLite %s, ICU %s, %s; %d passes over the queries, snippets of %s "
              "characters." % (
                  res["last_run"]["command"], m.get("date"), res["last_run"]["elapsed_seconds"],
                  m.get("cpu"), m.get("cores"),
                  (m.get("memory_kb") or 0) / 1048576, m.get("os"), m.get("kernel"), m.get("xapian"),
                  m.get("sqlite"), m.get("icu"), m.get("cc"), m.get("passes") or 0,
                  m.get("snippet_chars")))
    md.append("")
    for c, R in corpora.items():
        md.append(corpus_md(c, R))
    md.append(NOTES)
    with open(a.md + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    os.replace(a.md + ".tmp", a.md)


if __name__ == "__main__":
    main()
