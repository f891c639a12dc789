#!/usr/bin/env bash
# formats_built.sh ZHINDEX FIXTURES PDF DOCX OFD DOC - each document format
# is read when the build has its library (the 1/0 arguments, meson's format
# features) and otherwise refused with a message naming the format and the
# library, never as "binary data" (TAP).  scripts/test.sh also runs it in a
# build with every format feature disabled.
set -uo pipefail
. "$(dirname "$0")/tap.sh"
zhindex=$1 fixtures=$2
declare -A have=([pdf]=$3 [docx]=$4 [ofd]=$5 [doc]=$6)
declare -A name=([pdf]=PDF [docx]=DOCX [ofd]=OFD [doc]=DOC)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in pdf docx ofd doc; do
    rm -rf "$tmp/idx" "$tmp/in"
    mkdir "$tmp/in"
    cp "$fixtures/report.$f" "$tmp/in/"
    out=$("$zhindex" -d "$tmp/idx" add "$tmp/in" 2>&1)
    rc=$?
    if [ "${have[$f]}" = 1 ]; then
        check "$f: read by this build" test "$rc" = 0
    else
        check "$f: named as a format this build cannot read: $out" \
            bash -c '[ "$1" = 1 ] && [[ $2 == *"not indexed: $3: this build cannot read $3 (built without "* ]]' \
            _ "$rc" "$out" "${name[$f]}"
    fi
done
tap_done
