# tap.sh - sourced by the shell test scripts: TAP output, numbered
# "ok"/"not ok" lines, "#" comments and the plan at the end.
n=0 fails=0
# tap_line STATUS TEXT: the first line of TEXT names the check, any further
# lines (a quoted error message) become comments.
tap_line() {
    n=$((n + 1))
    echo "$1 $n - ${2%%$'\n'*}"
    case "$2" in *$'\n'*) printf '%s\n' "${2#*$'\n'}" | sed 's/^/#   /' ;; esac
}
ok() { tap_line ok "$1"; }
notok() { fails=$((fails + 1)); tap_line "not ok" "$1"; }
# check NAME COMMAND...: ok when the command succeeds; otherwise not ok,
# with the first lines of its output as comments.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else
        notok "$name"
        printf '%s\n' "$out" | head -20 | sed 's/^/#   /'
    fi
}
# Print the count and the plan "1..N"; the script's exit status says whether
# all passed.
tap_done() {
    echo "# $((n - fails)) passed, $fails failed"
    echo "1..$n"
    [ "$fails" -eq 0 ]
}

# marked_copies DIR ROUNDS CORPUS: ROUNDS copies of every corpus report in
# DIR (created), each made distinct by a marker line 标记NNNNN; sets
# $total to the number of files.
marked_copies() {
    local dir=$1 rounds=$2 corpus=$3 r f
    mkdir -p "$dir"
    total=0
    for r in $(seq 1 "$rounds"); do
        for f in "$corpus"/*.txt; do
            total=$((total + 1))
            { cat "$f"; printf '\n标记%05d\n' "$total"; } >"$dir/doc$total.txt"
        done
    done
}
