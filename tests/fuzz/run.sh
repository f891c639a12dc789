#!/usr/bin/env bash
# run.sh [--no-build] [SECONDS_PER_TARGET [BUILDDIR]] - run every fuzz
# target for a bounded time.
#
# BUILDDIR (default build-fuzz/ at the project root) is a meson build
# directory configured with -Dfuzzing=true; unless --no-build is given it is
# configured (clang, ASan+UBSan) when missing and brought up to date.  The
# fuzz tests of meson (suite fuzz) run this with --no-build, one target each.
#
# For each target: every file in tests/fuzz/regressions/<target>/ runs
# once, then the fuzzer runs SECONDS_PER_TARGET seconds (default 20) over
# BUILDDIR/tests/fuzz/corpus/<target> (kept between runs, new inputs land
# there), .../seeds/<target> and the regressions, with
# tests/fuzz/dict/<target>.dict as libFuzzer dictionary when there is one.
# Crash inputs are written to .../crashes/<target>/, logs to .../logs/.
# Output is TAP: a line per regression input and per timed run, then
# "# fuzz: N targets, M executions, K crashes" and the plan.  Exits 1 when
# anything crashed, 2 when the build failed or a target is missing.
#
# Environment: FUZZ_TARGETS (default: all) limits the targets; FUZZ_ARGS
# adds libFuzzer options (e.g. -jobs=2, -rss_limit_mb=4096); CC and CXX name
# the clang that configures a new BUILDDIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
build=1
if [ "${1:-}" = --no-build ]; then
    build=0
    shift
fi
SECS=${1:-20}
BUILD=${2:-$ROOT/build-fuzz}
TARGETS=${FUZZ_TARGETS:-analyzer qparse extract metadata docstore snippet pdf docx ofd doc queryops}
case "$SECS" in
'' | *[!0-9]* | 0) echo "usage: run.sh [--no-build] [SECONDS_PER_TARGET > 0] [BUILDDIR]" >&2 && exit 2 ;;
esac

if [ "$build" = 1 ]; then
    if [ ! -f "$BUILD/build.ninja" ]; then
        CC=${CC:-clang} CXX=${CXX:-clang++} meson setup "$BUILD" "$ROOT" -Dfuzzing=true \
            -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 2
    fi
    ninja -C "$BUILD" >/dev/null || exit 2
fi
# The targets live in BUILDDIR/tests/fuzz (meson passes that directory).
OUT=$BUILD
[ -d "$BUILD/tests/fuzz" ] && OUT=$BUILD/tests/fuzz
OUT=$(cd "$OUT" && pwd) || exit 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:handle_abort=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

max_len() {
    case "$1" in
    qparse) echo 4096 ;;
    pdf | docx | ofd | doc) echo 262144 ;; # containers: their fixtures whole
    *) echo 65536 ;;
    esac
}

# Leaks of the libraries some extractors call (lsan.supp says which); the
# slow unwinder is what lets LeakSanitizer see frames inside them.
lsan_for() {
    case "$1" in
    doc) echo "suppressions=$HERE/lsan.supp:fast_unwind_on_malloc=0" ;;
    *) echo "${LSAN_OPTIONS:-}" ;;
    esac
}

# Executions reported by a libFuzzer log (final stats, else the last
# status line).
execs_of() {
    local e
    e=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$1" | tail -n 1 | grep -o '[0-9]*$')
    [ -n "$e" ] || e=$(grep -o '^#[0-9]*' "$1" | tail -n 1 | tr -d '#')
    echo "${e:-0}"
}

show_crash() { # show_crash LOG: the reason, the first frames, the input
    {
        grep -A1 '==FUZZ INVARIANT' "$1" | head -n 2
        grep -E 'ERROR: |runtime error|SUMMARY: |Test unit written' "$1" | head -n 4
        grep -E '^ +#[0-9]+ ' "$1" |
            grep -vE 'libFuzzer|fuzzer::|__sanitizer|__asan|__interceptor|libc\.so| in (main|abort|raise|fuzz_fail|_start)|pthread_kill' |
            head -n 6
    } | cut -c1-300 | sed 's/^/#   /'
}

n=0
ntargets=0
total_exec=0
total_crash=0
mkdir -p "$OUT/logs"
for t in $TARGETS; do
    bin="$OUT/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "Bail out! no fuzz target $bin"
        exit 2
    fi
    ntargets=$((ntargets + 1))
    mkdir -p "$OUT/corpus/$t" "$OUT/crashes/$t"
    ml=$(max_len "$t")
    execs=0
    crashes=0
    reg="$HERE/regressions/$t"
    reg_ok=1
    nreg=0

    # Regression inputs, once each.
    if [ -d "$reg" ]; then
        for f in "$reg"/*; do
            [ -f "$f" ] || continue
            nreg=$((nreg + 1))
            n=$((n + 1))
            execs=$((execs + 1))
            log="$OUT/logs/$t-regression-$(basename "$f").log"
            if LSAN_OPTIONS=$(lsan_for "$t") "$bin" -max_len="$ml" -timeout=30 "$f" >"$log" 2>&1; then
                echo "ok $n - fuzz_$t: regression input ${f#"$ROOT"/}"
            else
                crashes=$((crashes + 1))
                reg_ok=0
                echo "not ok $n - fuzz_$t: CRASH on regression input ${f#"$ROOT"/} (log: $log)"
                show_crash "$log"
            fi
        done
    fi

    # Timed run.  A regression input that still crashes is left out, so
    # that the time goes to finding something else.
    dirs=("$OUT/corpus/$t" "$OUT/seeds/$t")
    [ "$reg_ok" = 1 ] && [ "$nreg" -gt 0 ] && dirs+=("$reg")
    dict=()
    [ -f "$HERE/dict/$t.dict" ] && dict=(-dict="$HERE/dict/$t.dict")
    log="$OUT/logs/$t.log"
    # shellcheck disable=SC2086
    LSAN_OPTIONS=$(lsan_for "$t") "$bin" -max_total_time="$SECS" -max_len="$ml" -timeout=30 \
        -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$OUT/crashes/$t/" ${FUZZ_ARGS:-} "${dirs[@]}" >"$log" 2>&1
    rc=$?
    e=$(execs_of "$log")
    execs=$((execs + e))
    n=$((n + 1))
    if [ "$rc" != 0 ]; then
        crashes=$((crashes + 1))
        echo "not ok $n - fuzz_$t: CRASH while fuzzing (exit $rc, log: $log)"
        show_crash "$log"
    else
        echo "ok $n - fuzz_$t: ${SECS}s, $e executions"
    fi
    echo "# fuzz_$t: $execs executions, $crashes crashes (${SECS}s, $nreg regression inputs)"
    total_exec=$((total_exec + execs))
    total_crash=$((total_crash + crashes))
done

echo "# fuzz: $ntargets targets, $total_exec executions, $total_crash crashes"
echo "1..$n"
[ "$total_crash" = 0 ]
