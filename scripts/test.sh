#!/usr/bin/env bash
# Install what is missing, build, and run every test in three builds: the
# plain build (all suites), an AddressSanitizer+UndefinedBehaviorSanitizer
# build (all suites) and a libFuzzer build (suite fuzz: the saved regression
# inputs, then 30 s of fuzzing per target); then, in a fourth build without
# the document-format libraries, that each format is named as unreadable.  Each test's result line is
# printed as it ends, with any failing TAP check named; the output of each
# build is kept in DIR/test-output.txt.  Ends with the line "N passed,
# N failed", N counting TAP checks: a test that crashes, times out or runs
# fewer checks than it planned counts its missing checks (at least one) as
# failed.
#
#   scripts/test.sh            everything, as CI runs it
#   scripts/test.sh --quick    suites unit and e2e of the plain build only
#
# TEST_BUILDDIR (default build) names the plain build directory; the others
# are TEST_BUILDDIR-asan and TEST_BUILDDIR-fuzz.  TEST_JOBS (default 4) is
# how many tests run at once: most of their time is spent waiting on the
# programs they start, so more than the 2 cores of a small machine pays.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
case "${1:-}" in
--quick) quick=1 ;;
'') ;;
*) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
esac
scripts/deps.sh || exit 1

base=${TEST_BUILDDIR:-build}
jobs=${TEST_JOBS:-4}
passed=0 failed=0 skipped=0
failures=()

# count DIR: add the TAP checks of DIR's last meson test run to the totals.
count() {
    local out
    out=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
ok = bad = skip = 0
names = []
test_re = re.compile(r'(not )?ok\b\s*(\d*)\s*-?\s*([^#]*)(#\s*(\S+))?')
try:
    log = open(sys.argv[1], encoding='utf-8')
except OSError as e:
    print(0, 1, 0)
    print('no test log: %s' % e)
    sys.exit()
for line in log:
    r = json.loads(line)
    t_ok = t_bad = planned = 0
    for l in (r.get('stdout') or '').splitlines():
        m = test_re.match(l)
        if m:
            directive = (m.group(5) or '').upper()
            if directive.startswith('SKIP'):
                skip += 1
                t_ok += 1
            elif m.group(1) and directive != 'TODO':
                t_bad += 1
                names.append('%s: %s' % (r['name'], l.strip()[:200]))
            else:
                t_ok += 1
            continue
        m = re.match(r'1\.\.(\d+)', l)
        if m:
            planned = int(m.group(1))
    # What the checks do not show: a crash, a timeout, a plan not met.
    missing = max(planned - t_ok - t_bad, 0)
    if r['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL') and t_bad == 0:
        missing = max(missing, 1)
    if missing:
        names.append('%s: %s, %d check(s) missing' % (r['name'], r['result'], missing))
    ok += t_ok
    bad += t_bad + missing
print(ok, bad, skip)
for n in names:
    print(n)
PY
)
    local p f s
    read -r p f s <<<"$(head -n 1 <<<"$out")"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    while IFS= read -r line; do
        [ -n "$line" ] && failures+=("$1: $line")
    done < <(tail -n +2 <<<"$out")
    echo "$1: $p passed ($s skipped), $f failed"
}

# run DIR [meson test options...]: run the tests of a built DIR.
run() {
    local dir=$1
    shift
    local t0=$SECONDS
    echo "== $dir: meson test $*"
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --print-errorlogs --num-processes "$jobs" "$@" 2>&1 | tee "$dir/test-output.txt"
    count "$dir"
    echo "== $dir: $((SECONDS - t0)) s"
}

# build DIR [meson options...]: configure (once) and build; a failed build
# counts as one failed check.
build() {
    local dir=$1 t0=$SECONDS
    echo "== building $dir"
    if scripts/build.sh "$@"; then
        echo "== $dir: built in $((SECONDS - t0)) s"
    else
        echo "build of $dir failed" >&2
        failures+=("$dir: the build failed")
        failed=$((failed + 1))
        return 1
    fi
}

t0=$SECONDS
if build "$base"; then
    if [ "$quick" = 1 ]; then
        run "$base" --suite unit --suite e2e
    else
        run "$base"
    fi
fi

if [ "$quick" = 0 ]; then
    # new_delete_type_mismatch: libxapian's own Database::check trips it.
    if build "$base-asan" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:new_delete_type_mismatch=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run "$base-asan"
    fi
    if CC=clang CXX=clang++ build "$base-fuzz" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false; then
        # One fuzzer per core: each target gets its 30 s of a whole core.
        jobs=$(nproc) run "$base-fuzz" --suite fuzz
    fi
    # Without the format libraries, each format is named as one the build
    # cannot read: only zhindex is built for it.
    nof=$base-noformats
    echo "== building $nof (zhindex only)"
    if { [ -f "$nof/build.ninja" ] || meson setup "$nof" -Dpdf=disabled -Docr=disabled \
            -Ddocx=disabled -Dofd=disabled -Ddoc=disabled >/dev/null; } &&
        ninja -C "$nof" indexer/zhindex >"$nof/build-output.txt" 2>&1; then
        run "$nof" --no-rebuild 'formats built'
    else
        failures+=("$nof: the build failed")
        failed=$((failed + 1))
    fi
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo
    echo "Failed:"
    printf '  %s\n' "${failures[@]:0:50}"
    [ ${#failures[@]} -le 50 ] || echo "  ... and $((${#failures[@]} - 50)) more"
fi
echo "$((SECONDS - t0)) s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
