# tap.sh - sourced by the shell test scripts: TAP output, numbered
# "ok"/"not ok" lines, "#" comments and the plan at the end.
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
# Print the count and the plan "1..N"; the script's exit status says whether
# all passed.
tap_done() {
    echo "# $((n - fails)) passed, $fails failed"
    echo "1..$n"
    [ "$fails" -eq 0 ]
}
