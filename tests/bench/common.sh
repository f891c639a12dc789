# shellcheck shell=bash
# Shared by run.sh and corpus.sh (sourced, not run).

bench_say() { printf 'bench: %s\n' "$*" >&2; }
bench_die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# bench_install PKG... : install the Debian packages that are missing.
bench_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null ||
            bench_die "need root or sudo to install: ${missing[*]}"
        sudo="sudo"
    fi
    bench_say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # A package unknown to a stale package list is the common failure: update first.
    $sudo apt-get update -qq || bench_die "apt-get update failed"
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        bench_die "apt-get install failed for: ${missing[*]}"
}

# bench_pkg_versions PKG... : "name=version ..." of installed packages, for stamps
bench_pkg_versions() {
    local p out=""
    for p in "$@"; do
        out+="$p=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo none) "
    done
    printf '%s' "${out% }"
}
