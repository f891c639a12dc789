#!/usr/bin/env bash
# query_power.sh [BUILD_DIR] - latency of the researcher's operators on the
# help corpus of the benchmark, each against its baseline in the same run:
#
#   NEAR/10, SENTENCE, PARAGRAPH    vs the plain AND of the same two words
#                                    (the 30 "and" queries of queries/help.tsv),
#                                    in one process through the library
#                                    (zhs_query_bench: top 10 with snippets)
#   -o --all (concordance)          vs -l --all (the same documents, listed)
#   --facet year --occurrences      vs --facet year
#                                    (the w2/w3 queries, 20 each, zhsearch CLI
#                                    wall time: start-up included in both)
#
# Needs the help corpus index of an earlier `tests/bench/run.sh help`
# (BENCH_WORK, default /var/tmp/zhsearch-bench); copies it first, so that a
# benchmark running meanwhile cannot change it under the measurement.
# Prints a table and writes tests/bench/QUERY_POWER.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=$(cd "${1:-$root/build}" && pwd)
WORK=${BENCH_WORK:-/var/tmp/zhsearch-bench}
src=$WORK/help/zhs.idx
[ -d "$src" ] || { echo "query_power: no $src; run tests/bench/run.sh help first" >&2; exit 2; }
tmp=$(mktemp -d /var/tmp/zhs-qp-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/idx"
idx=$tmp/idx
zhsearch=$BUILD/searcher/zhsearch
cc -O2 -o "$tmp/qb" "$here/zhs_query_bench.c" -I "$root/searcher" -I "$BUILD/searcher" \
    -L "$BUILD/searcher" -lzhsearch -Wl,-rpath,"$BUILD/searcher"

awk -F'\t' '$1 == "and" {print $2}' "$here/queries/help.tsv" >"$tmp/and.txt"
awk '{print $1 " NEAR/10 " $2}' "$tmp/and.txt" >"$tmp/near.txt"
awk '{print $1 " SENTENCE " $2}' "$tmp/and.txt" >"$tmp/sentence.txt"
awk '{print $1 " PARAGRAPH " $2}' "$tmp/and.txt" >"$tmp/paragraph.txt"
for k in and near sentence paragraph; do
    "$tmp/qb" "$idx" "$tmp/$k.txt" 3 120 >"$tmp/$k.out"
done
awk -F'\t' '$1 == "w2" || $1 == "w3" {print $2}' "$here/queries/help.tsv" | head -40 >"$tmp/words.txt"

python3 - "$tmp" "$zhsearch" "$idx" "$root/tests/bench/QUERY_POWER.md" "$(git -C "$root" rev-parse --short HEAD)" <<'EOF'
import statistics, subprocess, sys, time
tmp, zhsearch, idx, out, rev = sys.argv[1:6]

def lib(kind):
    rows = [l.split("\t") for l in open(f"{tmp}/{kind}.out")]
    last = max(int(r[0]) for r in rows)
    us = sorted(float(r[2]) for r in rows if int(r[0]) == last)
    total = sum(max(int(r[3]), 0) for r in rows if int(r[0]) == last)
    return statistics.median(us) / 1000, us[int(0.95 * (len(us) - 1))] / 1000, total

def cli(args, queries):
    ms, lines = [], 0
    for q in queries:
        t = time.perf_counter()
        p = subprocess.run([zhsearch, "-d", idx] + args + [q], capture_output=True)
        ms.append((time.perf_counter() - t) * 1000)
        lines += p.stdout.count(b"\n")
    ms.sort()
    return statistics.median(ms), ms[int(0.95 * (len(ms) - 1))], lines

words = [l.strip() for l in open(f"{tmp}/words.txt") if l.strip()]
rows = []
base = lib("and")
rows.append(("AND of two words (baseline)", *base, "1.00×"))
for k, name in (("near", "NEAR/10"), ("sentence", "SENTENCE"), ("paragraph", "PARAGRAPH")):
    r = lib(k)
    rows.append((name, *r, "%.2f×" % (r[0] / base[0])))
lb = cli(["-l", "--all"], words)
rows.append(("-l --all (baseline, CLI)", *lb, "1.00×"))
co = cli(["-o", "--all"], words)
rows.append(("-o --all concordance (CLI)", *co, "%.2f×" % (co[0] / lb[0])))
fb = cli(["--facet", "year", "-n", "0"], words)
rows.append(("--facet year (baseline, CLI)", *fb, "1.00×"))
fo = cli(["--facet", "year", "--occurrences", "-n", "0"], words)
rows.append(("--facet year --occurrences (CLI)", *fo, "%.2f×" % (fo[0] / fb[0])))

lines = ["# Query power: latency on the help corpus",
         "",
         f"zhsearch {rev}; the help corpus index of tests/bench (run.sh help); "
         f"{len(open(f'{tmp}/and.txt').read().split(chr(10))) - 1} two-word queries "
         f"for the operators (library, top 10 with snippets, median of the last of 3 passes), "
         f"{len(words)} one-word queries for the CLI rows (wall time, start-up included).",
         "",
         "| what | p50 ms | p95 ms | matches / lines | vs baseline (p50) |",
         "|---|--:|--:|--:|--:|"]
for name, p50, p95, n, ratio in rows:
    lines.append(f"| {name} | {p50:.2f} | {p95:.2f} | {n} | {ratio} |")
lines += ["",
          "Matches: documents for the library rows (summed over the queries), output lines "
          "(occurrences, documents) for the CLI rows. NEAR, SENTENCE and PARAGRAPH read the "
          "stored text of every document matching both words; the concordance and "
          "--occurrences read that of every matching document.", ""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
EOF
