#!/usr/bin/env bash
# Install into a scratch prefix, build tests/consumer.c against the
# installed header with pkg-config only, and search the corpus with it.
# Usage: consumer.sh BUILD_DIR SOURCE_DIR ZHINDEX CORPUS_DIR [SANITIZE]
set -euo pipefail
build=$1 src=$2 zhindex=$3 corpus=$4 san=${5:-none}
extra=()
# A sanitized library needs a sanitized program in front of it.
[ "$san" != none ] && extra=(-fsanitize="$san")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild >/dev/null
prefix=$(sed -n 's/^prefix=//p' "$(find "$tmp/root" -name zhsearch.pc | head -1)")
pcdir=$(dirname "$(find "$tmp/root" -name zhsearch.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$tmp/root$prefix" --cflags --libs zhsearch)
cc -std=c11 -Wall -Wextra -Werror "${extra[@]}" -o "$tmp/consumer" "$src/tests/consumer.c" $flags
libdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$tmp/root$prefix" --variable=libdir zhsearch)
"$zhindex" -q -d "$tmp/idx" add "$corpus"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/consumer" "$tmp/idx" 行政复议)
case "$out" in
"5 "*报告) echo "ok - installed library found: $out" ;;
*) echo "not ok - unexpected output: $out"; exit 1 ;;
esac
# The installed program finds the installed library by itself, wherever
# the prefix went (here a staging directory; the same holds for ~/.local).
bin=$(dirname "$(find "$tmp/root" -path '*/bin/zhsearch' | head -1)")
got=$(env -u LD_LIBRARY_PATH "$bin/zhsearch" -d "$tmp/idx" --count 行政复议 2>&1 || true)
case "$got" in
5) echo "ok - installed zhsearch runs without LD_LIBRARY_PATH" ;;
*) echo "not ok - installed zhsearch without LD_LIBRARY_PATH: $got"; exit 1 ;;
esac
# pkg-config needs nothing but zhsearch.pc: no Xapian, ICU or zstd .pc files.
if grep -q '^Requires' "$pcdir/zhsearch.pc"; then
    echo "not ok - zhsearch.pc requires other packages: $(grep '^Requires' "$pcdir/zhsearch.pc")"
    exit 1
fi
echo "ok - zhsearch.pc stands alone"
echo "1..3"
