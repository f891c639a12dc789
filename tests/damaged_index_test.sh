#!/usr/bin/env bash
# Damaged and hostile index locations: every byte of the version file
# flipped, truncated tables, -d pointing at a FIFO, a device or a bad port,
# facets under a memory limit.  Each must end in a message and an exit
# status, never a crash, a hang or unbounded reading.
# Usage: damaged_index_test.sh ZHINDEX ZHSEARCH CORPUS_DIR SANITIZE
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3 sanitize=${4:-none}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

"$zhindex" -q -d "$tmp/idx" add "$corpus" || { notok "index the corpus"; tap_done; exit; }

# A status of 124 (timeout) or above 128 (signal) is a hang or a crash.
survived() { [ "$1" -lt 124 ]; }

# --- every byte of iamglass flipped (every third byte three different ways)
size=$(stat -c %s "$tmp/idx/iamglass")
crashes="" refused=0
for off in $(seq 0 $((size - 1))); do
    flips=90
    [ $((off % 3)) -eq 0 ] && flips="90 1 128"
    for x in $flips; do
        rm -rf "$tmp/d"
        cp -r "$tmp/idx" "$tmp/d"
        python3 - "$tmp/d/iamglass" "$off" "$x" <<'PY'
import sys
p, off, x = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, "rb").read())
b[off] ^= x
open(p, "wb").write(b)
PY
        timeout 20 "$zhsearch" -d "$tmp/d" 行政 >/dev/null 2>"$tmp/err"
        rc=$?
        survived $rc || crashes="$crashes search@$off^$x:$rc"
        [ $rc -eq 2 ] && refused=$((refused + 1))
        if [ $((off % 4)) -eq 3 ] || [ "$off" -eq 71 ]; then
            timeout 20 "$zhindex" -d "$tmp/d" check >/dev/null 2>&1
            rc=$?
            survived $rc || crashes="$crashes check@$off^$x:$rc"
        fi
    done
done
if [ -z "$crashes" ]; then ok "iamglass: every byte flipped, no crash ($refused refused)"; else notok "iamglass flips crashed:$crashes"; fi

# The flip that used to crash Xapian: a B-tree level.
rm -rf "$tmp/d"
cp -r "$tmp/idx" "$tmp/d"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[71]^=0x5a; open(p,"wb").write(b)' "$tmp/d/iamglass"
timeout 20 "$zhsearch" -d "$tmp/d" 行政 >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "root information\|root block" "$tmp/err"; then ok "byte 71 ^ 0x5a: refused"; else notok "byte 71 ^ 0x5a: exit $rc, $(head -c 200 "$tmp/err")"; fi

# --- a table cut short by one byte: an error naming damage, not "out of memory"
for t in docdata postlist termlist position; do
    rm -rf "$tmp/d"
    cp -r "$tmp/idx" "$tmp/d"
    truncate -s -1 "$tmp/d/$t.glass"
    timeout 20 "$zhsearch" -d "$tmp/d" 行政 >/dev/null 2>"$tmp/err"
    rc=$?
    if ! survived $rc || grep -qi "out of memory" "$tmp/err"; then
        notok "$t.glass truncated: exit $rc, $(head -c 200 "$tmp/err")"
    else
        ok "$t.glass truncated: exit $rc"
    fi
done

# --- eight bytes overwritten in the middle of each table: `zhindex check`
# names the damage, exit 1 (Xapian's own check crashed with SIGSEGV on
# such a termlist of the corpus index; it now runs in a child process)
for t in docdata postlist termlist position; do
    rm -rf "$tmp/d"
    cp -r "$tmp/idx" "$tmp/d"
    size=$(stat -c %s "$tmp/d/$t.glass")
    printf '\xde\xad\xbe\xef\xde\xad\xbe\xef' | dd of="$tmp/d/$t.glass" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    MALLOC_PERTURB_=0 timeout 60 "$zhindex" -d "$tmp/d" check >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -le 1 ] && survived $rc && { [ $rc = 0 ] || grep -q "damaged\|error\|problem" "$tmp/err"; }; then
        ok "$t.glass overwritten: check exits $rc"
    else
        notok "$t.glass overwritten: check exit $rc, $(head -c 200 "$tmp/err")"
    fi
done

# --- -d at things that are no index
mkfifo "$tmp/fifo"
for spec in "$tmp/fifo" /dev/zero; do
    timeout 20 "$zhsearch" -d "$spec" 行政 >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q "not an index directory or a stub file" "$tmp/err"; then ok "-d $spec refused"; else notok "-d $spec: exit $rc, $(head -c 200 "$tmp/err")"; fi
done
head -c 2000000 /dev/zero | tr '\0' 'x' >"$tmp/big.stub"
timeout 20 "$zhsearch" -d "$tmp/big.stub" 行政 >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "too large for a stub file" "$tmp/err"; then ok "2 MB stub refused"; else notok "2 MB stub: exit $rc, $(head -c 200 "$tmp/err")"; fi
for port in 0 65536 70000 999999; do
    timeout 20 "$zhsearch" -d "localhost:$port" 行政 >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q "port must be between 1 and 65535" "$tmp/err"; then ok "port $port refused"; else notok "port $port: exit $rc, $(head -c 200 "$tmp/err")"; fi
done

# --- facets under a memory limit: the smallest address-space limit under
# which a plain search works, plus 24 MB, must be enough for two facets.
# (ASan reserves terabytes of address space: no limit can be set there.)
if [ "$sanitize" != "none" ]; then
    echo "ok $((n + 1)) - facets under a memory limit # SKIP sanitizer build"
    n=$((n + 1))
else
    fits() { (ulimit -v "$1"; exec "$zhsearch" -d "$tmp/idx" "${@:2}") >"$tmp/out" 2>"$tmp/err"; }
    lo=1000 hi=2000000
    while [ $((hi - lo)) -gt 1000 ]; do
        mid=$(((lo + hi) / 2))
        if fits "$mid" --count 行政; then hi=$mid; else lo=$mid; fi
    done
    limit=$((hi + 24 * 1024))
    fits "$limit" --json --limit 1 --facet year --facet issuer 行政
    rc=$?
    if [ $rc -eq 0 ] && python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["facets"]; sys.exit(not (f["year"] and f["issuer"]))' "$tmp/out"; then
        ok "two facets within $((limit / 1024)) MB of address space"
    else
        notok "two facets within $((limit / 1024)) MB: exit $rc, $(head -c 200 "$tmp/err")"
    fi
fi

tap_done
