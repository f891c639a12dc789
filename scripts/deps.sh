#!/usr/bin/env bash
# Install the Debian 12 packages zhsearch builds and tests with, if any is
# missing.  Idempotent: does nothing (and needs no network) when all are there.
set -euo pipefail

packages=(gcc g++ meson ninja-build pkg-config python3
          libxapian-dev libicu-dev libzstd-dev xapian-tools scdoc
          clang libclang-rt-14-dev
          libpoppler-glib-dev libcairo2-dev libzip-dev libxml2-dev libgsf-1-dev
          libtesseract-dev tesseract-ocr-chi-sim tesseract-ocr-eng
          libmicrohttpd-dev curl chromium python3-dev)
# zhsearch serve's browser test (tests/browser): node and npm unless a node
# is already installed (e.g. NodeSource's, which carries its own npm), then
# puppeteer-core by npm ci, once, when the script ends (after apt-get).
command -v node >/dev/null || packages+=(nodejs npm)
browser_deps() {
    local rc=$? dir
    dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/browser" && pwd)
    if [ "$rc" = 0 ] && command -v npm >/dev/null &&
        { [ ! -f "$dir/node_modules/.package-lock.json" ] ||
          [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
        echo "installing tests/browser's npm packages (npm ci)" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || rc=1
    fi
    exit "$rc"
}
trap browser_deps EXIT

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
