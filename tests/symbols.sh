#!/usr/bin/env bash
# The shared library exports exactly the functions the public header
# declares, and nothing else (no Xapian, ICU or zstd symbol, no internals).
# Usage: symbols.sh LIBZHSEARCH.so zhsearch.h
set -euo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWwDdBbRrVvui]$/ {print $3}' | sed 's/@.*//' | sort -u)
declared=$(grep -oE 'ZHS_API [^;]*\(' "$header" | grep -oE '\bzhs_[a-z_0-9]+ *\($' | tr -d ' (' | sort -u)
if [ "$exported" = "$declared" ]; then
    echo "ok 1 - $(echo "$exported" | wc -l) exported symbols match the header"
    echo "1..1"
    exit 0
fi
echo "not ok 1 - exported symbols differ from the header"
diff <(echo "$declared") <(echo "$exported") | sed -n 's/^</#   declared, not exported:/p; s/^>/#   exported, not declared:/p'
echo "1..1"
exit 1
