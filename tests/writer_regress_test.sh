#!/usr/bin/env bash
# The index under hostile use: writes during compact, damaged stored texts
# and position tables, read-only indexes, odd spellings of -d, and what a
# compact killed with -9 leaves behind.
# Usage: writer_regress_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$(realpath "$1") zhsearch=$(realpath "$2") corpus=$(realpath "$3") # the test changes directory
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# 400 distinct documents: enough for a compaction to last a while
marked_copies "$tmp/in" 80 "$corpus"
printf '独一无二的新文档\n' >"$tmp/new.txt"

# --- a write during compact: refused as locked, or kept; never lost
# (the add starts once the compacted copy is being written)
during_compact() { # name, index, pattern of the copy being written
    local name=$1 idx=$2 pat=$3 lost=0 refused=0
    for round in 1 2 3; do
        "$zhindex" -q -d "$idx" compact &
        local pid=$! k
        for k in $(seq 1 2000); do
            compgen -G "$pat" >/dev/null && break
            sleep 0.001
        done
        "$zhindex" -q -d "$idx" add "$tmp/new.txt" 2>"$tmp/err"
        local rc=$?
        wait $pid
        local c
        c=$("$zhsearch" -d "$idx" --count 独一无二 2>&1)
        if [ $rc = 0 ] && [ "$c" != 1 ]; then lost=$((lost + 1)); fi
        [ $rc = 2 ] && grep -q "index is locked" "$tmp/err" && refused=$((refused + 1))
        "$zhindex" -q -d "$idx" remove "$tmp/new.txt" 2>/dev/null
    done
    [ $lost = 0 ] && ok "$name: no write lost during compact ($refused of 3 refused as locked)" ||
        notok "$name: $lost of 3 writes made during compact were lost after it"
    [ $refused -gt 0 ] && ok "$name: compact holds the lock while it copies" ||
        notok "$name: a write went through while compact copied"
}
"$zhindex" -q -d "$tmp/big" add "$tmp/in"
during_compact "single index" "$tmp/big" "$tmp/big.compact-*"
"$zhindex" -q -d "$tmp/set" --shards 2 add "$tmp/in"
during_compact "sharded set" "$tmp/set" "$tmp/set/shard-0*.compact-*"
"$zhindex" -q -d "$tmp/big" check && ok "single index consistent after compacts" || notok "single index: check"
"$zhindex" -q -d "$tmp/set" check && ok "sharded set consistent after compacts" || notok "sharded set: check"

# --- kill -9 during compact: the leftover goes at the next writer
"$zhindex" -q -d "$tmp/big" compact &
pid=$!
for k in $(seq 1 2000); do compgen -G "$tmp/big.compact-*" >/dev/null && break; sleep 0.001; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
left=$(compgen -G "$tmp/big.compact-*")
[ -n "$left" ] && ok "kill -9 during compact leaves a copy ($(basename "$left"))" ||
    notok "kill -9 during compact: nothing left to clean (compact finished first?)"
"$zhindex" -q -d "$tmp/big" compact && ok "compact after a killed compact" || notok "compact after a killed compact"
[ -z "$(compgen -G "$tmp/big.*")" ] && ok "the next compact removed the leftover" ||
    notok "left behind: $(ls -d "$tmp"/big.*)"
# leftovers of dead processes go at any writer's open; a live one's stay
sleep 0 &
dead=$!
wait $dead
mkdir "$tmp/big.compact-$dead" "$tmp/big.old-$dead" "$tmp/big.new-$dead" "$tmp/big.compact-$$"
"$zhindex" -q -d "$tmp/big" add "$tmp/new.txt"
[ -z "$(compgen -G "$tmp/big.*-$dead")" ] && ok "add removes leftovers of a dead process" ||
    notok "left behind: $(ls -d "$tmp"/big.*)"
[ -d "$tmp/big.compact-$$" ] && ok "a running process's directory is left alone" ||
    notok "removed the directory of a running process"
rmdir "$tmp/big.compact-$$"

# --- damaged stored texts: single-bit flips inside stored records are
# reported by check, and never shown as a snippet
q=(--all --snippet 400 --color never 法治)
mkdir "$tmp/fl"
"$zhindex" -q -d "$tmp/fl/idx" add "$corpus"
"$zhindex" -q -d "$tmp/fl/idx" compact
"$zhsearch" -d "$tmp/fl/idx" "${q[@]}" | grep -v ' in .* ms$' >"$tmp/fl/want"
silent=0 shown=0 flips=0
for pos in 8 13 21 34 55 89 144 233; do
    for rec in 0 1 2 3 4; do
        rm -rf "$tmp/fl/bad"
        cp -r "$tmp/fl/idx" "$tmp/fl/bad"
        # bit rec+pos%8 of the byte pos bytes into record rec's zstd frame
        python3 - "$tmp/fl/bad/docdata.glass" "$rec" "$pos" <<'EOF' || continue
import sys
path, rec, pos = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = bytearray(open(path, 'rb').read())
offs, at = [], data.find(b'\x28\xb5\x2f\xfd')
while at >= 0:
    offs.append(at)
    at = data.find(b'\x28\xb5\x2f\xfd', at + 1)
if rec >= len(offs):
    sys.exit(1)
data[offs[rec] + pos] ^= 1 << ((rec + pos) % 8)
open(path, 'wb').write(data)
EOF
        flips=$((flips + 1))
        "$zhindex" -q -d "$tmp/fl/bad" check 2>/dev/null
        crc=$?
        "$zhsearch" -d "$tmp/fl/bad" "${q[@]}" 2>/dev/null | grep -v ' in .* ms$' >"$tmp/fl/got"
        src=${PIPESTATUS[0]}
        if ! cmp -s "$tmp/fl/want" "$tmp/fl/got"; then
            [ $crc = 0 ] && silent=$((silent + 1))
            [ $src = 0 ] && shown=$((shown + 1))
        fi
    done
done
[ $flips -ge 20 ] && ok "$flips single-bit flips in stored records" || notok "only $flips flips made"
[ $silent = 0 ] && ok "check reports every flip that changes a stored text" ||
    notok "$silent of $flips flips changed search results while check passed"
[ $shown = 0 ] && ok "no damaged stored text shown as a snippet" ||
    notok "$shown of $flips flips showed a changed snippet without an error"

# --- a damaged position table (which turns phrases into AND silently):
# Xapian's check, run by zhindex check, finds it
size=$(stat -c %s "$tmp/fl/idx/position.glass")
found=
for off in $(seq 100 997 "$size"); do
    rm -rf "$tmp/fl/bad"
    cp -r "$tmp/fl/idx" "$tmp/fl/bad"
    python3 -c "
import sys
p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[int(sys.argv[2])] ^= 0x10
open(p, 'wb').write(d)" "$tmp/fl/bad/position.glass" "$off"
    if ! "$zhindex" -q -d "$tmp/fl/bad" check 2>"$tmp/err" && grep -q "position" "$tmp/err"; then
        found=$off
        break
    fi
done
[ -n "$found" ] && ok "check finds a damaged position table (byte $found): $(head -1 "$tmp/err")" ||
    notok "check passes every damaged position table"

# --- a read-only index: the true reason, exit 2
ro="$tmp/ro"
mkdir "$ro"
cp -r "$tmp/fl/idx" "$ro/idx"
chmod 755 "$tmp"
chmod -R a+rX,a-w "$ro"
as_other=()
[ "$(id -u)" = 0 ] && as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_other[@]}" "$zhindex" -d "$ro/idx" add "$tmp/new.txt" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "Permission denied" "$tmp/err" && ! grep -q "locked" "$tmp/err" &&
    ok "unwritable index: 'Permission denied', exit 2" || notok "unwritable index: exit $rc: $(cat "$tmp/err")"
"${as_other[@]}" "$zhindex" -d "$ro/idx" check 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && ok "unwritable index: check passes" || notok "unwritable index: check exit $rc: $(cat "$tmp/err")"
chmod -R u+w "$ro"
if unshare -m true 2>/dev/null; then
    unshare -m bash -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
        "$2" -d "$1/idx" add "$3"' _ "$ro" "$zhindex" "$tmp/new.txt" 2>"$tmp/err"
    rc=$?
    if [ $rc = 99 ]; then
        ok "# skip read-only file system: cannot mount here"
    else
        [ $rc = 2 ] && grep -q "Read-only file system" "$tmp/err" &&
            ok "read-only file system: said, exit 2" || notok "read-only file system: exit $rc: $(cat "$tmp/err")"
    fi
else
    ok "# skip read-only file system: no mount namespace"
fi

# --- -d spelled DIR/, ., ..: every command works, nothing lands inside
mkdir "$tmp/sp"
cd "$tmp/sp" || exit 2
"$zhindex" -q -d idx/ add "$corpus" && ok "-d idx/: add" || notok "-d idx/: add"
"$zhindex" -q -d idx/ compact && ok "-d idx/: compact" || notok "-d idx/: compact"
"$zhindex" -q -d idx/ check && ok "-d idx/: check" || notok "-d idx/: check"
cd idx || exit 2
"$zhindex" -q -d . add "$tmp/new.txt" && ok "-d .: add" || notok "-d .: add"
"$zhindex" -q -d ./ compact && ok "-d ./: compact" || notok "-d ./: compact"
cd "$tmp/sp/idx" || exit 2 # compact replaced the directory we were in
"$zhindex" -q -d . check && ok "-d .: check" || notok "-d .: check"
mkdir "$tmp/sp/sub"
cd "$tmp/sp/sub" || exit 2
"$zhindex" -q -d ../idx/. remove "$tmp/new.txt" && ok "-d ../idx/.: remove" || notok "-d ../idx/.: remove"
"$zhindex" -q -d ../new.idx// add "$corpus" && [ -d "$tmp/sp/new.idx" ] && ok "-d ../new.idx//: a new index" ||
    notok "-d ../new.idx//: add"
cd "$tmp" || exit 2
extra=$(ls -A "$tmp/sp/idx" | grep -v -x -E 'flintlock|iamglass|[a-z]+\.glass')
[ -z "$extra" ] && [ "$(ls -A "$tmp/sp")" = "$(printf 'idx\nnew.idx\nsub')" ] &&
    ok "no stray directories inside or beside the index" || notok "stray: $extra $(ls -A "$tmp/sp")"
[ "$("$zhsearch" -d "$tmp/sp/idx" --count 法治)" = 5 ] && ok "-d spellings: the index holds the corpus" ||
    notok "-d spellings: wrong count"

tap_done
