#!/usr/bin/env bash
# zhindex against hostile input: files that stop being indexable, deep
# trees, symbolic links, odd names in list, UTF-16 without a BOM, and
# running out of memory.
# Usage: indexer_regress_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
count() { "$zhsearch" -d "$1" --count "$2" 2>/dev/null || true; }
src="$corpus/2021-乐山市市中区-法治政府建设工作情况报告.txt"

# --- a file that can no longer be indexed leaves the index
mkdir "$tmp/stale"
for f in empty binary big; do
    { cat "$src"; printf '\n独有标记%s\n' "$f"; } >"$tmp/stale/$f.txt"
done
"$zhindex" -q -d "$tmp/sidx" add "$tmp/stale"
check "stale: three indexed" test "$(count "$tmp/sidx" 独有标记)" = 3
: >"$tmp/stale/empty.txt"
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00' >"$tmp/stale/binary.txt"
"$zhindex" -d "$tmp/sidx" add "$tmp/stale" 2>"$tmp/log"
rc=$?
check "stale: exit status 1" test $rc = 1
check "stale: emptied file named, earlier version removed" \
    grep -q "empty.txt: not indexed: empty file; removed its earlier version" "$tmp/log"
check "stale: binary file named, earlier version removed" \
    grep -q "binary.txt: not indexed: binary data; removed its earlier version" "$tmp/log"
check "stale: counted as removed and failed" grep -q "2 removed, 2 failed" "$tmp/log"
check "stale: old text of emptied and binary files not found" test "$(count "$tmp/sidx" 独有标记)" = 1
"$zhindex" -d "$tmp/sidx" --max-size 0.001 sync "$tmp/stale" 2>"$tmp/log"
rc=$?
check "stale: over --max-size on sync: exit 1" test $rc = 1
check "stale: over --max-size named, earlier version removed" \
    grep -q "big.txt: too large .*; removed its earlier version" "$tmp/log"
check "stale: nothing of the three left" test "$(count "$tmp/sidx" 独有标记)" = 0
check "stale: list is empty" test "$("$zhindex" -d "$tmp/sidx" list | wc -l)" = 0
"$zhindex" -d "$tmp/sidx" add "$tmp/stale" 2>"$tmp/log"
check "stale: a failing file that was not indexed is only named" \
    bash -c "grep -q 'empty.txt: not indexed: empty file\$' '$tmp/log' && grep -q '0 removed, 2 failed' '$tmp/log'"
check "stale: index consistent" "$zhindex" -q -d "$tmp/sidx" check

# --- a file swapped for a FIFO is refused, not waited on
mkfifo "$tmp/fifo"
timeout 10 "$zhindex" -d "$tmp/fidx" add "$tmp/fifo" 2>"$tmp/log"
rc=$?
check "FIFO on the command line: refused at once (rc $rc)" \
    bash -c "test $rc = 1 && grep -q 'fifo: not a regular file' '$tmp/log'"

# --- a file named twice, and again inside a directory named: indexed once
mkdir "$tmp/twice"
cp "$src" "$tmp/twice/a.txt"
"$zhindex" -d "$tmp/tidx" add "$tmp/twice/a.txt" "$tmp/twice/../twice/a.txt" "$tmp/twice" 2>"$tmp/log"
check "a file named three times: added once" grep -q "1 added, 0 updated, 0 unchanged, 0 removed, 0 failed" "$tmp/log"

# --- a tree deeper than the stack would allow to recurse
deep="$tmp/d"
for _ in $(seq 2000); do deep="$deep/a"; done
if mkdir -p "$deep" 2>/dev/null; then
    cp "$src" "$deep/f.txt"
    (ulimit -s 8192; "$zhindex" -d "$tmp/didx" add "$tmp/d") 2>"$tmp/log"
    rc=$?
    check "2000 levels deep: walked (rc $rc)" bash -c "test $rc = 0 && grep -q '1 added' '$tmp/log'"
else
    echo "ok $((n += 1)) - 2000 levels deep # SKIP path too long here"
fi

# --- symbolic links: not followed in a walk unless --follow
mkdir -p "$tmp/tree/sub" "$tmp/outside"
{ cat "$src"; printf '\n树内文件\n'; } >"$tmp/tree/sub/in.txt"
{ cat "$src"; printf '\n树外文件\n'; } >"$tmp/outside/out.txt"
printf 'root:x:0:0:外部秘密:/root:/bin/bash\n' >"$tmp/outside/passwd"
ln -s "$tmp/outside/passwd" "$tmp/tree/passwd.txt"
ln -s ../outside "$tmp/tree/outdir"
ln -s sub/in.txt "$tmp/tree/inlink.txt"
ln -s sub "$tmp/tree/sublink"
ln -s .. "$tmp/tree/sub/loop"
"$zhindex" -d "$tmp/lidx" add "$tmp/tree" 2>"$tmp/log"
rc=$?
check "links: exit 0" test $rc = 0
check "links: link to a file outside not followed" test "$(count "$tmp/lidx" 外部秘密)" = 0
check "links: link to a directory outside not followed" test "$(count "$tmp/lidx" 树外文件)" = 0
check "links: links inside the tree not followed either (only the file itself)" \
    test "$("$zhindex" -d "$tmp/lidx" list | cut -f1)" = "$tmp/tree/sub/in.txt"
"$zhindex" -d "$tmp/lidx2" --follow add "$tmp/tree" 2>"$tmp/log"
rc=$?
check "links: --follow follows every link, loops end (rc $rc)" \
    bash -c "test $rc = 0 && test \$('$zhsearch' -d '$tmp/lidx2' --count 树外文件) = 1"
check "links: --follow: a file link is indexed under its own path" \
    test "$("$zhindex" -d "$tmp/lidx2" list | cut -f1 | grep -c '/tree/passwd.txt$\|/tree/outdir/passwd$\|/tree/inlink.txt$')" = 3
check "links: --follow: a directory reached twice is walked once" \
    test "$("$zhindex" -d "$tmp/lidx2" list | grep -c 'sub/in\.txt\|sublink/in\.txt')" = 1
"$zhindex" -q -d "$tmp/lidx3" add "$tmp/tree/inlink.txt"
check "links: a link named on the command line is followed" \
    test "$("$zhindex" -d "$tmp/lidx3" list | cut -f1)" = "$tmp/tree/sub/in.txt"

# --- sync drops what a walk no longer picks up, keeps what it cannot judge
mkdir -p "$tmp/sy/sub" "$tmp/sy/locked"
for f in link fifo dir .hidden kept locked/in; do
    { cat "$src"; printf '\n同步标记%s\n' "${f##*/}"; } >"$tmp/sy/$f.txt"
done
"$zhindex" -q -d "$tmp/syidx" add "$tmp/sy" "$tmp/sy/.hidden.txt"
check "sync: six indexed" test "$(count "$tmp/syidx" 同步标记)" = 6
rm "$tmp/sy/link.txt" "$tmp/sy/fifo.txt" "$tmp/sy/dir.txt"
ln -s "$tmp/sy/kept.txt" "$tmp/sy/link.txt"
mkfifo "$tmp/sy/fifo.txt"
mkdir "$tmp/sy/dir.txt"
chmod 000 "$tmp/sy/locked"
timeout 20 "$zhindex" -q -d "$tmp/syidx" sync "$tmp/sy" 2>"$tmp/log"
chmod 755 "$tmp/sy/locked"
for f in link fifo dir .hidden; do
    check "sync: $f.txt no longer a regular file picked up: dropped" \
        bash -c "! '$zhindex' -d '$tmp/syidx' list | grep -q '/$f.txt\s'"
done
check "sync: kept.txt kept" bash -c "'$zhindex' -d '$tmp/syidx' list | grep -q '/kept.txt\s'"
if [ "$(id -u)" != 0 ]; then
    check "sync: a file in a directory that cannot be read is kept" \
        bash -c "'$zhindex' -d '$tmp/syidx' list | grep -q '/locked/in.txt\s'"
fi

# --- list: names with a newline, tab or terminal escape
mkdir "$tmp/names"
odd=$'new\nline\tand\e[31mred\e]0;title\a.txt'
cp "$src" "$tmp/names/$odd"
cp "$src" "$tmp/names/plain.txt"
"$zhindex" -q -d "$tmp/nidx" add "$tmp/names"
"$zhindex" -d "$tmp/nidx" list >"$tmp/list"
check "list: one line per document" test "$(wc -l <"$tmp/list")" = 2
check "list: control characters escaped" \
    grep -qF 'names/new\nline\tand\x1b[31mred\x1b]0;title\x07.txt	2021	' "$tmp/list"
check "list: no escape character reaches the terminal" bash -c "! grep -q \$'\\e' '$tmp/list'"
"$zhindex" -d "$tmp/nidx" list -0 >"$tmp/list0"
check "list -0: the paths, NUL-terminated, as they are" python3 -c "
import sys
got = open('$tmp/list0', 'rb').read().split(b'\0')
want = [b'$tmp/names/' + n.encode() for n in sorted(['''$odd''', 'plain.txt'])]
assert got == want + [b''], got
"
"$zhindex" -0 -d "$tmp/nidx" list >"$tmp/list0b"
check "list: -0 before the command too" bash -c "test -s '$tmp/list0b' && cmp '$tmp/list0' '$tmp/list0b'"

# --- UTF-16 without a BOM
mkdir "$tmp/u16"
iconv -f UTF-8 -t UTF-16LE "$src" >"$tmp/u16/le.txt"
iconv -f UTF-8 -t UTF-16BE "$src" >"$tmp/u16/be.txt"
"$zhindex" -d "$tmp/uidx" add "$tmp/u16" 2>"$tmp/log"
rc=$?
check "UTF-16LE/BE without BOM indexed (rc $rc)" \
    bash -c "test $rc = 0 && test \$('$zhsearch' -d '$tmp/uidx' --count 乐中府) = 2"

# --- out of memory: a message and exit 2, never a crash; commits kept
sanitized=$(ldd "$zhindex" 2>/dev/null | grep -c 'lib[at]san')
if [ "$sanitized" -gt 0 ]; then
    echo "ok $((n += 1)) - out of memory # SKIP sanitizers reserve too much address space"
else
    mkdir "$tmp/many"
    for k in $(seq 40); do { cat "$src"; printf '\n第%d份\n' "$k"; } >"$tmp/many/c$k.txt"; done
    "$zhindex" -q -d "$tmp/oidx" add "$corpus"
    bad=""
    # The ladder starts where the program itself loads (its libraries'
    # mappings take more address space with every format it reads).
    base=60000
    while [ $base -lt 400000 ] && ! (ulimit -v $base; exec "$zhindex" --version) >/dev/null 2>&1; do
        base=$((base + 10000))
    done
    for kb in $(seq $base 10000 $((base + 140000))); do
        for j in 2 4; do
            rm -rf "$tmp/o2"
            cp -r "$tmp/oidx" "$tmp/o2"
            (ulimit -v $kb; exec timeout 60 "$zhindex" -q -d "$tmp/o2" -j $j add "$tmp/many") >"$tmp/olog" 2>&1
            rc=$? # 124: hung
            if [ $rc -gt 2 ] || { [ $rc = 2 ] && ! grep -q 'out of memory\|cannot start' "$tmp/olog"; }; then
                bad="$bad [-v $kb -j $j: rc $rc $(head -c 200 "$tmp/olog")]"
            elif [ "$("$zhindex" -d "$tmp/o2" list | wc -l)" -lt 5 ] || ! "$zhindex" -q -d "$tmp/o2" check; then
                bad="$bad [-v $kb -j $j: documents lost]"
            fi
            [ -z "$bad" ] || break 2
        done
    done
    check "out of memory: reported, exit 2, nothing lost${bad:+:$bad}" test -z "$bad"
fi

tap_done
