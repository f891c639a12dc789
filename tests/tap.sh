# tap.sh - sourced by the shell test scripts: numbered "ok"/"not ok" lines
# and the closing count.
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
# Print the count; the script's exit status says whether all passed.
tap_done() {
    echo "# $((n - fails)) passed, $fails failed"
    [ "$fails" -eq 0 ]
}
