#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite twice: in a
# normal build and in an AddressSanitizer+UndefinedBehaviorSanitizer build.
# Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh || exit 1

passed=0 failed=0
run_suite() { # dir, meson options...
    local dir=$1
    shift
    if ! scripts/build.sh "$dir" "$@"; then
        echo "build of $dir failed" >&2
        failed=$((failed + 1))
        return
    fi
    meson test -C "$dir" --print-errorlogs --num-processes 2 >"$dir/test-output.txt" 2>&1
    cat "$dir/test-output.txt"
    local p f
    p=$(python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL", "SKIP"):
        ok += 1
    else:
        bad += 1
print(ok, bad)
PY
)
    read -r p f <<<"$p"
    passed=$((passed + p))
    failed=$((failed + f))
}

run_suite build
# new_delete_type_mismatch: libxapian's own Database::check trips it.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:new_delete_type_mismatch=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
