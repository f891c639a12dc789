#!/usr/bin/env bash
# formats_bench.sh [BUILD_DIR] - indexing throughput per document format,
# over the fixtures of tests/formats/fixtures.
#
# Every fixture with a NAME.expect sidecar (the readable ones; the hostile
# fixtures have none) is copied COPIES times into a directory of its format
# (its extension), and BUILD_DIR/indexer/zhindex indexes that directory into
# a new index (add --no-compact: extraction and analysis, not the final
# compaction).  zhindex tells documents apart by path, so plain copies are
# distinct documents.  Per format it reports input MB/s and pages/s (pages
# from the sidecars' pages=, for the files that were indexed), and how many
# files were refused.  PDFs whose sidecar says ocr=1 (scan.pdf) are timed on
# their own, without --ocr (the text layer only: nothing to read) and with
# --ocr (OCR_COPIES copies: tesseract is slow).  Whatever formats have
# fixtures are measured; the others are left out.
#
# Prints a table to stdout and writes it as TSV to
# $FORMATS_BENCH_TSV (default $BENCH_WORK/formats/formats_bench.tsv).
# Not part of meson test; run from anywhere.
#
# | variable | default | |
# | FORMATS_BENCH_COPIES | 20 | copies of each fixture |
# | FORMATS_BENCH_OCR_COPIES | 2 | copies of each scanned fixture for --ocr |
# | FORMATS_BENCH_RUNS | 1 | indexing runs per row; the fastest counts |
# | FORMATS_BENCH_THREADS | 1 | zhindex -j (1: per-core figures) |
# | BENCH_WORK | /var/tmp/zhsearch-bench | work directory (formats/ in it) |
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

BUILD=${1:-${BENCH_BUILD:-$ROOT/build}}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
ZHINDEX=$BUILD/indexer/zhindex
COPIES=${FORMATS_BENCH_COPIES:-20}
OCR_COPIES=${FORMATS_BENCH_OCR_COPIES:-2}
RUNS=${FORMATS_BENCH_RUNS:-1}
THREADS=${FORMATS_BENCH_THREADS:-1}
WORK=${BENCH_WORK:-/var/tmp/zhsearch-bench}/formats
TSV=${FORMATS_BENCH_TSV:-$WORK/formats_bench.tsv}
FIX=$ROOT/tests/formats/fixtures

[ -x "$ZHINDEX" ] || bench_die "no $ZHINDEX (build first: ninja -C $BUILD)"
[ -d "$FIX" ] || bench_die "no fixtures in $FIX"
rm -rf "$WORK/src" "$WORK/idx" "$WORK/log"
mkdir -p "$WORK/src" "$WORK/log" "$(dirname "$TSV")"

# sidecar FILE KEY: the value of KEY in FILE.expect.
sidecar() { sed -n "s/^$2=//p" "$1.expect" | head -n 1; }

# stage ROW COPIES FILE...: copy each FILE COPIES times into src/ROW.
stage() {
    local row=$1 copies=$2 f i
    shift 2
    mkdir -p "$WORK/src/$row"
    for f in "$@"; do
        for ((i = 1; i <= copies; i++)); do
            cp "$f" "$WORK/src/$row/$(printf %03d "$i")-$(basename "$f")"
        done
    done
}

now() { date +%s.%N; }

# measure ROW [ZHINDEX OPTION...]: index src/ROW RUNS times; print
# "seconds refused pages bytes files" of the fastest run.
measure() {
    local row=$1 best="" t0 t1 s run
    shift
    for ((run = 1; run <= RUNS; run++)); do
        rm -rf "$WORK/idx"
        t0=$(now)
        "$ZHINDEX" -d "$WORK/idx" -q -j "$THREADS" --no-compact "$@" add "$WORK/src/$row" \
            2>"$WORK/log/$row.err" >/dev/null || true
        t1=$(now)
        s=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$s < $best" | bc -l)" = 1 ]; then best=$s; fi
    done
    local refused=0 pages=0 bytes=0 files=0 f
    for f in "$WORK/src/$row"/*; do
        files=$((files + 1))
        bytes=$((bytes + $(stat -c %s "$f")))
        if grep -qF "$(basename "$f")" "$WORK/log/$row.err"; then
            refused=$((refused + 1))
        else
            pages=$((pages + $(sidecar "$FIX/${f##*/[0-9][0-9][0-9]-}" pages || echo 0)))
        fi
    done
    echo "$best $refused $pages $bytes $files"
}

rows=()
add_row() { # add_row ROW LABEL COPIES [ZHINDEX OPTION...] -- FILE...
    local row=$1 label=$2 copies=$3 opts=() files=()
    shift 3
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    files=("$@")
    [ ${#files[@]} -gt 0 ] || return 0
    stage "$row" "$copies" "${files[@]}"
    bench_say "$label: ${#files[@]} fixture(s) x $copies"
    local r
    r=$(measure "$row" "${opts[@]}")
    rows+=("$label $copies $r")
}

for ext in pdf docx ofd doc wps; do
    text=() scan=()
    for f in "$FIX"/*."$ext"; do
        [ -f "$f" ] && [ -f "$f.expect" ] || continue
        if [ "$(sidecar "$f" ocr)" = 1 ]; then scan+=("$f"); else text+=("$f"); fi
    done
    add_row "$ext" "$ext" "$COPIES" -- "${text[@]}"
    if [ ${#scan[@]} -gt 0 ]; then
        add_row "$ext-scan" "$ext-scan" "$COPIES" -- "${scan[@]}"
        add_row "$ext-scan-ocr" "$ext-scan-ocr" "$OCR_COPIES" --ocr -- "${scan[@]}"
    fi
done
[ ${#rows[@]} -gt 0 ] || bench_die "no fixtures with .expect sidecars in $FIX"

{
    printf 'format\tcopies\tfiles\trefused\tinput_mb\tseconds\tmb_per_s\tpages\tpages_per_s\n'
    for r in "${rows[@]}"; do
        read -r label copies s refused pages bytes files <<<"$r"
        awk -v l="$label" -v c="$copies" -v s="$s" -v rf="$refused" -v p="$pages" \
            -v b="$bytes" -v f="$files" 'BEGIN {
                mb = b / 1e6; if (s <= 0) s = 1e-9
                pps = p > 0 ? sprintf("%.2f", p / s) : "-"
                printf "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%d\t%s\n", l, c, f, rf, mb, s, mb / s, p, pps
            }'
    done
} >"$TSV"

column -t -s $'\t' "$TSV"
bench_say "TSV: $TSV (zhindex -j $THREADS, fastest of $RUNS run(s); $("$ZHINDEX" -V 2>/dev/null | head -n 1))"
