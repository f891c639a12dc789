#!/usr/bin/env bash
# Build the benchmark corpora (nothing of them is committed).
#
#   tests/bench/corpus.sh OUTDIR [help] [poetry]      (default: both)
#
# help    OUTDIR/help/*.txt: modern Simplified Chinese text from Debian
#         packages (LibreOffice help, Debian Reference/FAQ/New Maintainers'
#         Guide, GIMP help, Chinese man pages), see extract_help.py.  At most
#         BENCH_HELP_MAX_DOCS documents (default 2500) and BENCH_HELP_MAX_BYTES
#         bytes (default 12000000).
# poetry  OUTDIR/poetry/DDD/NNNNNN.txt: one poem a file (title, author,
#         lines; mostly Traditional characters) from the npm package
#         chinese-poetry, at most BENCH_POETRY_MAX poems (default 50000;
#         0 = all, about 333,000), see poetry.py.
#
# Installs what it needs with apt-get if missing (as root or with sudo).
# Idempotent: a corpus whose stamp file (OUTDIR/NAME.stamp) matches the
# settings and package versions is left as it is.  A corpus is written to
# NAME.tmp and renamed when complete.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [help] [poetry]" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
shift
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(help poetry)

HELP_PACKAGES=(libreoffice-help-zh-cn gimp-help-zh-cn debian-reference-zh-cn
               debian-faq-zh-cn maint-guide-zh-cn manpages-zh)
POETRY_VERSION=${BENCH_POETRY_VERSION:-2.0.1}

build_help() {
    local max_docs=${BENCH_HELP_MAX_DOCS:-2500} max_bytes=${BENCH_HELP_MAX_BYTES:-12000000}
    bench_install python3 man-db groff-base bsdextrautils "${HELP_PACKAGES[@]}"
    local stamp
    stamp="help v1 max_docs=$max_docs max_bytes=$max_bytes $(bench_pkg_versions "${HELP_PACKAGES[@]}")"
    stamp+=" extract=$(md5sum < "$here/extract_help.py" | cut -c1-12)"
    if [ -d "$out/help" ] && [ -f "$out/help.stamp" ] && [ "$(cat "$out/help.stamp")" = "$stamp" ]; then
        bench_say "help corpus up to date: $out/help"
        return
    fi
    bench_say "building the help corpus in $out/help (about a minute)"
    rm -rf "$out/help.tmp" "$out/help.stamp"
    python3 "$here/extract_help.py" "$out/help.tmp" --max-docs "$max_docs" --max-bytes "$max_bytes"
    rm -rf "$out/help"
    mv "$out/help.tmp" "$out/help"
    printf '%s\n' "$stamp" > "$out/help.stamp"
}

build_poetry() {
    local max=${BENCH_POETRY_MAX:-50000}
    local stamp
    stamp="poetry v1 chinese-poetry=$POETRY_VERSION max=$max poetry=$(md5sum < "$here/poetry.py" | cut -c1-12)"
    if [ -d "$out/poetry" ] && [ -f "$out/poetry.stamp" ] && [ "$(cat "$out/poetry.stamp")" = "$stamp" ]; then
        bench_say "poetry corpus up to date: $out/poetry"
        return
    fi
    bench_install python3
    command -v npm >/dev/null || bench_install npm
    local tgz="$out/cache/chinese-poetry-$POETRY_VERSION.tgz"
    if [ ! -s "$tgz" ]; then
        bench_say "fetching chinese-poetry@$POETRY_VERSION with npm pack (85 MB)"
        mkdir -p "$out/cache"
        local dl
        dl=$(mktemp -d)
        (cd "$dl" && npm pack --silent "chinese-poetry@$POETRY_VERSION" >/dev/null) ||
            { rm -rf "$dl"; bench_die "npm pack chinese-poetry@$POETRY_VERSION failed"; }
        mv "$dl/chinese-poetry-$POETRY_VERSION.tgz" "$tgz"
        rm -rf "$dl"
    fi
    bench_say "building the poetry corpus in $out/poetry (max $max poems)"
    local tmp
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    tar -xzf "$tgz" -C "$tmp"
    rm -rf "$out/poetry.tmp" "$out/poetry.stamp"
    python3 "$here/poetry.py" "$tmp/package" "$out/poetry.tmp" --max "$max"
    rm -rf "$out/poetry"
    mv "$out/poetry.tmp" "$out/poetry"
    printf '%s\n' "$stamp" > "$out/poetry.stamp"
}

for w in "${which[@]}"; do
    case $w in
        help) build_help ;;
        poetry) build_poetry ;;
        *) bench_die "unknown corpus '$w' (help or poetry)" ;;
    esac
done
