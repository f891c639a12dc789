#!/usr/bin/env bash
# Configure (once) and build a build directory: scripts/build.sh [DIR [meson options...]]
# The compiler output is kept in DIR/build-output.txt and shown on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
fi
if ! ninja -C "$dir" >"$dir/build-output.txt" 2>&1; then
    grep -v '^\[[0-9]*/[0-9]*\] ' "$dir/build-output.txt" | tail -n 40 >&2
    exit 1
fi
