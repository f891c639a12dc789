#!/usr/bin/env bash
# zhsearch performance benchmark against baselines measured in the same run on
# the same files: Xapian with CJK n-grams, SQLite FTS5 with the trigram
# tokenizer, and raw ICU word breaking.  See tests/bench/README.md.
#
#   tests/bench/run.sh [corpus] [help] [poetry] [all]     (default: corpus help)
#   tests/bench/run.sh help [poetry] known-item
#       only the known-item ranking evaluation, on the indexes an earlier
#       full run left in BENCH_WORK (the rest of the figures stay as they are)
#   tests/bench/run.sh formats
#       indexing speed per document format (PDF with and without OCR, DOCX,
#       OFD, DOC, WPS) on the fixtures of tests/formats: formats_bench.sh
#
# Writes tests/bench/results.json and tests/bench/RESULTS.md (figures of
# corpora not run this time are kept from earlier runs) and
# tests/bench/queries/CORPUS.tsv (the query sets).  Environment:
#   BENCH_WORK           work directory: corpora, indexes, raw measurements
#                        (default /var/tmp/zhsearch-bench)
#   BENCH_BUILD          zhsearch build directory (default: the repository's build/;
#                        configured with meson if it has no build.ninja)
#   BENCH_PASSES         passes over the query set (default 2: cold-ish, warm)
#   BENCH_SNIPPET_CHARS  snippet length for the "with snippets" runs (default 120)
#   BENCH_INDEX_RUNS     indexing rounds, the fastest counts (default 3; 1 for poetry)
#   BENCH_POETRY_MAX     poems in the poetry corpus (default 50000; 0 = all)
#   BENCH_HELP_MAX_DOCS, BENCH_HELP_MAX_BYTES   caps of the help corpus
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-0}"
}

want=()
ki_only=0
for a in "$@"; do
    case $a in
        known-item) ki_only=1 ;;
        formats) exec bash "$here/formats_bench.sh" "${BENCH_BUILD:-$root/build}" ;;
        corpus|help|poetry) want+=("$a") ;;
        all) want+=(corpus help poetry) ;;
        -h|--help) usage 0 ;;
        *) echo "run.sh: unknown corpus '$a'" >&2; usage 2 >&2 ;;
    esac
done
[ ${#want[@]} -gt 0 ] || want=(corpus help)
corpora=()
for c in corpus help poetry; do
    for w in "${want[@]}"; do
        if [ "$w" = "$c" ]; then corpora+=("$c"); break; fi
    done
done

WORK=${BENCH_WORK:-/var/tmp/zhsearch-bench}
BUILD=${BENCH_BUILD:-$root/build}
PASSES=${BENCH_PASSES:-2}
SNIPPET=${BENCH_SNIPPET_CHARS:-120}
export BENCH_POETRY_MAX=${BENCH_POETRY_MAX:-50000}
[[ $PASSES =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_PASSES must be a positive number"
[[ $SNIPPET =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_SNIPPET_CHARS must be a positive number"
t_start=$(date +%s)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
bench_say "corpora: ${corpora[*]}; work directory: $WORK"

# ---- tools ----
if [ -x "$root/scripts/deps.sh" ]; then
    "$root/scripts/deps.sh" || bench_die "scripts/deps.sh failed"
else
    bench_install gcc g++ meson ninja-build pkg-config python3 libxapian-dev libicu-dev libzstd-dev
fi
bench_install gcc g++ pkg-config python3 xapian-tools libsqlite3-dev time coreutils

# ---- zhsearch: build, then snapshot the binaries so that a rebuild during
# the run cannot change what is measured ----
if [ ! -f "$BUILD/build.ninja" ]; then
    bench_say "configuring $BUILD"
    meson setup "$BUILD" "$root" >/dev/null || bench_die "meson setup $BUILD failed"
fi
bench_say "building zhsearch (ninja -C $BUILD)"
ninja -C "$BUILD" >/dev/null || bench_die "building zhsearch failed: ninja -C $BUILD"
bin=$WORK/bin
rm -rf "$bin"
mkdir -p "$bin"
cp "$BUILD/indexer/zhindex" "$BUILD/searcher/zhsearch" "$bin/"
for f in "$BUILD"/searcher/libzhsearch.so*; do
    if [ -L "$f" ] || [ -f "$f" ]; then cp -P "$f" "$bin/"; fi
done
[ -e "$bin/libzhsearch.so" ] || bench_die "no libzhsearch.so in $BUILD/searcher"
cp "$root/searcher/zhsearch.h" "$BUILD/searcher/zhsearch_version.h" "$bin/"
# the normalizer the known-item generator checks its queries with (optional)
[ -x "$BUILD/tests/zhs-normalize" ] && cp "$BUILD/tests/zhs-normalize" "$bin/"
buildtype=$(meson introspect "$BUILD" --buildoptions 2>/dev/null | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
bt, san = o.get("buildtype", "?"), o.get("b_sanitize", "none")
print(bt if san in ("none", "", None) else "%s+%s" % (bt, san))' || echo "?")
case $buildtype in
    debug|plain|*+*) bench_say "warning: $BUILD is a '$buildtype' build: not representative" ;;
esac

bench_say "building the baseline programs"
CFLAGS=(-O2 -g -Wall -Wextra)
flags() {
    local out
    out=$(pkg-config --cflags --libs "$1") || bench_die "pkg-config does not know $1"
    read -ra FLAGS <<< "$out"
}
flags icu-uc
cc "${CFLAGS[@]}" -o "$bin/icu_break" "$here/icu_break.c" "${FLAGS[@]}"
flags xapian-core
c++ "${CFLAGS[@]}" -o "$bin/xapian_ngram" "$here/xapian_ngram.cc" "${FLAGS[@]}"
flags sqlite3
cc "${CFLAGS[@]}" -o "$bin/fts5_trigram" "$here/fts5_trigram.c" "${FLAGS[@]}"
cc "${CFLAGS[@]}" -I"$bin" -o "$bin/zhs_query_bench" "$here/zhs_query_bench.c" \
    -L"$bin" -lzhsearch -Wl,-rpath,"$bin"

# ---- machine and versions ----
{
    printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'cpu\t%s\n' "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    printf 'cores\t%s\n' "$(nproc)"
    printf 'memory_kb\t%s\n' "$(awk '/MemTotal/{print $2}' /proc/meminfo)"
    printf 'kernel\t%s\n' "$(uname -r)"
    printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
    printf 'zhsearch_commit\t%s\n' "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    printf 'zhsearch_dirty_files\t%s\n' "$(git -C "$root" status --porcelain --untracked-files=no -- . ':!tests/bench' 2>/dev/null | wc -l)"
    printf 'zhsearch_buildtype\t%s\n' "$buildtype"
    printf 'xapian\t%s\n' "$(dpkg-query -W -f='${Version}' libxapian-dev 2>/dev/null)"
    printf 'sqlite\t%s\n' "$(dpkg-query -W -f='${Version}' libsqlite3-dev 2>/dev/null)"
    printf 'icu\t%s\n' "$(dpkg-query -W -f='${Version}' libicu-dev 2>/dev/null)"
    printf 'cc\t%s\n' "$(cc --version | head -1)"
    printf 'loadavg_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'passes\t%s\n' "$PASSES"
    printf 'snippet_chars\t%s\n' "$SNIPPET"
} > "$WORK/machine.tsv"

# measure NAME CMD...: run under /usr/bin/time -v, output in $r/NAME.{out,err,time,wall}
measure() {
    local name=$1 t0 t1
    shift
    t0=$(date +%s%N)
    if ! /usr/bin/time -v -o "$r/$name.time" "$@" > "$r/$name.out" 2> "$r/$name.err"; then
        tail -n 20 "$r/$name.err" >&2
        bench_die "$name failed: $*"
    fi
    t1=$(date +%s%N)
    # wall clock in seconds with more resolution than time(1)'s 10 ms
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }' > "$r/$name.wall"
}
dusize() { du -sb "$1" | cut -f1; }

# known_items: the known-item queries (from $d/tokens.txt) through every
# engine's ranking, on the compacted indexes
known_items() {
    local norm=()
    [ -x "$bin/zhs-normalize" ] && norm=(--normalize "$bin/zhs-normalize")
    python3 "$here/gen_known_items.py" "$r/files.list" "$d/tokens.txt" "$r/ki.tsv" "${norm[@]}"
    mkdir -p "$here/queries"
    cp "$r/ki.tsv" "$here/queries/$c.known-item.tsv"
    tail -n +2 "$r/ki.tsv" | cut -f3 > "$r/ki.zhs"
    tail -n +2 "$r/ki.tsv" | cut -f4 > "$r/ki.xap"
    tail -n +2 "$r/ki.tsv" | cut -f5- > "$r/ki.fts"
    "$bin/zhs_query_bench" "$d/zhs.idx" "$r/ki.zhs" rank > "$r/zhs_ki.out" || bench_die "zhs_query_bench rank failed"
    "$bin/xapian_ngram" rank "$d/xap.compact" "$r/ki.xap" > "$r/xap_ki.out" || bench_die "xapian_ngram rank failed"
    "$bin/fts5_trigram" rank "$d/fts.db" "$r/ki.fts" > "$r/fts_ki.out" || bench_die "fts5_trigram rank failed"
}

if [ $ki_only = 1 ]; then
    for c in "${corpora[@]}"; do
        d=$WORK/$c
        r=$d/run
        for f in "$d/zhs.idx" "$d/xap.compact" "$d/fts.db" "$r/files.list"; do
            [ -e "$f" ] || bench_die "no $f: run tests/bench/run.sh $c first"
        done
        bench_say "[$c] known-item queries on the indexes of the last full run"
        "$bin/icu_break" --dump "$r/files.list" > "$d/tokens.txt"
        known_items
        rm -f "$d/tokens.txt"
    done
    python3 "$here/report.py" --work "$WORK" --json "$here/results.json" --md "$here/RESULTS.md" \
        --known-item-only "${corpora[@]}"
    bench_say "wrote $here/RESULTS.md and $here/results.json in $(( $(date +%s) - t_start )) s"
    exit 0
fi

for c in "${corpora[@]}"; do
    t0=$(date +%s)
    case $c in
        corpus) src=$root/corpus; desc="The bundled corpus/ (rule-of-law reports)" ;;
        help)
            "$here/corpus.sh" "$WORK/corpora" help
            src=$WORK/corpora/help
            desc="Simplified Chinese help pages, manuals and man pages from Debian packages" ;;
        poetry)
            "$here/corpus.sh" "$WORK/corpora" poetry
            src=$WORK/corpora/poetry
            desc="Poems of the npm package chinese-poetry, one a file, mostly Traditional characters ($BENCH_POETRY_MAX max)" ;;
    esac
    d=$WORK/$c
    r=$d/run
    rm -rf "$d"
    mkdir -p "$r"
    bench_say "[$c] $src"
    # the same sorted list of files for every engine (zhindex walks the
    # directory itself, in the same order, skipping hidden entries)
    find "$src" -mindepth 1 -name '.*' -prune -o -type f -print | LC_ALL=C sort > "$r/files.list"
    ndocs=$(wc -l < "$r/files.list")
    [ "$ndocs" -gt 0 ] || bench_die "no files in $src"
    nbytes=$(tr '\n' '\0' < "$r/files.list" | xargs -0 cat | wc -c)
    {
        printf 'corpus\t%s\n' "$c"
        printf 'description\t%s\n' "$desc"
        printf 'source\t%s\n' "$src"
        printf 'docs\t%s\n' "$ndocs"
        printf 'bytes\t%s\n' "$nbytes"
    } > "$r/meta.tsv"
    [ -f "$WORK/corpora/$c.stamp" ] && printf 'stamp\t%s\n' "$(cat "$WORK/corpora/$c.stamp")" >> "$r/meta.tsv"

    load=$(cut -d' ' -f1 /proc/loadavg)
    printf 'loadavg_before\t%s\n' "$load" >> "$r/meta.tsv"
    if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
        bench_say "warning: load average $load on $(nproc) cores: other work will make the figures noisy"
    fi
    runs=${BENCH_INDEX_RUNS:-}
    [ -n "$runs" ] || { [ "$c" = poetry ] && runs=1 || runs=3; }
    printf 'index_runs\t%s\n' "$runs" >> "$r/meta.tsv"
    bench_say "[$c] $ndocs documents, $nbytes bytes: indexing ($runs rounds)"
    # Each round builds every index anew, engines taking turns so that
    # disturbances spread over all of them; the report takes each engine's
    # fastest round.
    for i in $(seq 1 "$runs"); do
        rm -rf "$d/zhs.idx" "$d/xap.db" "$d/fts.db"
        measure "zhs_index_$i" "$bin/zhindex" -d "$d/zhs.idx" -q add "$src"
        measure "xap_index_$i" "$bin/xapian_ngram" index "$d/xap.db" "$r/files.list"
        measure "fts_index_$i" "$bin/fts5_trigram" index "$d/fts.db" "$r/files.list"
    done
    # zhsearch
    printf 'zhs_size\t%s\n' "$(dusize "$d/zhs.idx")" >> "$r/meta.tsv"
    measure zhs_compact "$bin/zhindex" -d "$d/zhs.idx" -q compact
    printf 'zhs_size_compact\t%s\n' "$(dusize "$d/zhs.idx")" >> "$r/meta.tsv"
    "$bin/zhindex" -d "$d/zhs.idx" stats > "$r/zhs_stats.txt" 2>&1 || true
    # Xapian n-grams
    printf 'xap_size\t%s\n' "$(dusize "$d/xap.db")" >> "$r/meta.tsv"
    measure xap_compact xapian-compact "$d/xap.db" "$d/xap.compact"
    printf 'xap_size_compact\t%s\n' "$(dusize "$d/xap.compact")" >> "$r/meta.tsv"
    # FTS5 trigram
    printf 'fts_size\t%s\n' "$(dusize "$d/fts.db")" >> "$r/meta.tsv"
    measure fts_compact "$bin/fts5_trigram" optimize "$d/fts.db"
    printf 'fts_size_compact\t%s\n' "$(dusize "$d/fts.db")" >> "$r/meta.tsv"
    # ICU word breaking, median of three runs
    for i in 1 2 3; do
        measure "icu_$i" "$bin/icu_break" "$r/files.list"
    done

    bench_say "[$c] queries"
    "$bin/icu_break" --dump "$r/files.list" > "$d/tokens.txt"
    python3 "$here/gen_queries.py" "$d/tokens.txt" "$r/queries.tsv"
    mkdir -p "$here/queries"
    cp "$r/queries.tsv" "$here/queries/$c.tsv"
    tail -n +2 "$r/queries.tsv" | cut -f2 > "$r/q.zhs"
    tail -n +2 "$r/queries.tsv" | cut -f3 > "$r/q.xap"
    tail -n +2 "$r/queries.tsv" | cut -f4- > "$r/q.fts"
    # every engine answers on its compacted index
    measure zhs_q_nosnip "$bin/zhs_query_bench" "$d/zhs.idx" "$r/q.zhs" "$PASSES" 0
    measure zhs_q_snip "$bin/zhs_query_bench" "$d/zhs.idx" "$r/q.zhs" "$PASSES" "$SNIPPET"
    measure xap_q "$bin/xapian_ngram" query "$d/xap.compact" "$r/q.xap" "$PASSES"
    measure fts_q "$bin/fts5_trigram" query "$d/fts.db" "$r/q.fts" "$PASSES"
    measure fts_q_snip "$bin/fts5_trigram" query "$d/fts.db" "$r/q.fts" "$PASSES" snippet
    # the CLI answers the first query as the library did
    rc=0
    "$bin/zhsearch" -d "$d/zhs.idx" --json --snippet 0 "$(head -n 1 "$r/q.zhs")" > "$r/cli.json" || rc=$?
    [ $rc -le 1 ] || bench_die "zhsearch CLI failed on $(head -n 1 "$r/q.zhs") (exit $rc)"
    if [ "$c" != corpus ]; then  # corpus/ has too few documents for known items
        bench_say "[$c] known-item queries"
        known_items
    fi
    rm -f "$d/tokens.txt"
    printf 'loadavg_after\t%s\n' "$(cut -d' ' -f1 /proc/loadavg)" >> "$r/meta.tsv"
    printf 'seconds\t%s\n' "$(( $(date +%s) - t0 ))" >> "$r/meta.tsv"
    bench_say "[$c] done in $(( $(date +%s) - t0 )) s"
done

python3 "$here/report.py" --work "$WORK" --json "$here/results.json" --md "$here/RESULTS.md" \
    --elapsed "$(( $(date +%s) - t_start ))" "${corpora[@]}"
bench_say "wrote $here/RESULTS.md and $here/results.json in $(( $(date +%s) - t_start )) s"
