#!/usr/bin/env bash
# Quick start: install what is missing, build, index corpus/ and search it.
#   scripts/demo.sh [QUERY...]        (default query: 行政复议)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
export ZHSEARCH_INDEX=${ZHSEARCH_INDEX:-$PWD/zhsearch.idx}
build/indexer/zhindex sync corpus
echo
if [ $# -eq 0 ]; then set -- 行政复议; fi
build/searcher/zhsearch "$@"
