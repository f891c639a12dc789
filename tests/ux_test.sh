#!/usr/bin/env bash
# What a newcomer meets first: a missing index or path, --version, a
# mistyped option, -l, highlighting in and out of a terminal, --explain
# columns, the progress bar, and compaction at the end of add.
# Usage: ux_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$(realpath "$1") zhsearch=$(realpath "$2") corpus=$(realpath "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR ZHSEARCH_INDEX

# ttyrun out|err CMD...: run CMD with its stdout (out) or stderr (err) on a
# pseudo-terminal, the other discarded; print what the terminal got.
cat >"$tmp/ttyrun.py" <<'EOF'
import os, pty, subprocess, sys
m, s = pty.openpty()
which = {'out': 'stdout', 'err': 'stderr'}[sys.argv[1]]
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL,
                     **{which: s, ('stderr' if which == 'stdout' else 'stdout'): subprocess.DEVNULL})
os.close(s)
out = b''
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)
sys.exit(p.wait())
EOF
ttyrun() { python3 "$tmp/ttyrun.py" "$@"; }

# the reports (the corpus directory may hold other files), and 12
# documents, each a report with a line of its own
mkdir "$tmp/five" "$tmp/docs"
cp "$corpus"/*.txt "$tmp/five/"
corpus=$tmp/five
i=0
for r in 1 2 3; do
    for f in "$corpus"/*.txt; do
        i=$((i + 1))
        [ $i -le 12 ] && { cat "$f"; printf '\n标记%05d\n' "$i"; } >"$tmp/docs/doc$i.txt"
    done
done

# --- a missing index or path ---------------------------------------------

none=$tmp/none.idx
"$zhsearch" -d "$none" 行政 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "zhsearch: $none: no index here (create one with: zhindex -d $none add DIR)" ] &&
    ok "zhsearch on a missing index says how to create one" ||
    notok "zhsearch on a missing index: exit $rc: $(cat "$tmp/err")"

bad=
for cmd in list stats check compact "remove $corpus"; do
    # shellcheck disable=SC2086
    "$zhindex" -d "$none" $cmd >/dev/null 2>"$tmp/err"
    rc=$?
    [ $rc = 2 ] && grep -qF "$none: no index here (create one with: zhindex -d $none add DIR)" "$tmp/err" ||
        bad="$bad [$cmd: exit $rc: $(cat "$tmp/err")]"
done
[ -z "$bad" ] && [ ! -e "$none" ] && ok "zhindex list, stats, check, compact, remove on a missing index say how to create one" ||
    notok "zhindex on a missing index:$bad"

(cd "$tmp" && "$zhindex" -d "$none" add typo/ >/dev/null 2>"$tmp/err")
rc=$?
[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "zhindex: typo/: No such file or directory" ] &&
    ok "add of a missing path: exit 2 and one line" || notok "add typo/: exit $rc: $(cat "$tmp/err")"
left=$(ls -A "$tmp" | grep '^none')
[ -z "$left" ] && ok "add of a missing path creates nothing" || notok "add typo/ left: $left"

"$zhindex" -d "$none" add "$tmp/typo1" "$tmp/typo2" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && [ "$(grep -c ': No such file or directory$' "$tmp/err")" = 2 ] && [ -z "$(ls -A "$tmp" | grep '^none')" ] &&
    ok "add of two missing paths: both named, exit 2, nothing created" ||
    notok "add typo1 typo2: exit $rc, $(ls -A "$tmp" | grep '^none'): $(cat "$tmp/err")"
"$zhindex" -d "$none" add "$tmp/typo" "$corpus" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "typo: No such file or directory" "$tmp/err" && grep -q '5 added, .* 1 failed' "$tmp/err" &&
    ok "add of a missing and a good path: the missing one named, the rest indexed, exit 1" ||
    notok "add typo CORPUS: exit $rc: $(cat "$tmp/err")"
rm -rf "$none"

# sync may name a directory that is gone: its documents leave
mkdir -p "$tmp/col/a" "$tmp/col/b"
cp "$tmp/docs/doc1.txt" "$tmp/docs/doc2.txt" "$tmp/col/a/"
cp "$tmp/docs/doc3.txt" "$tmp/col/b/"
"$zhindex" -q -d "$tmp/col.idx" add "$tmp/col" 2>/dev/null
rm -r "$tmp/col/b"
"$zhindex" -d "$tmp/col.idx" sync "$tmp/col/b" >/dev/null 2>"$tmp/err"
rc=$?
left=$("$zhsearch" -d "$tmp/col.idx" --count 标记)
[ $rc = 0 ] && [ "$left" = 2 ] && ok "sync of a vanished directory drops its documents" ||
    notok "sync of a vanished directory: exit $rc, $left documents left: $(cat "$tmp/err")"
"$zhindex" -d "$tmp/col.idx" sync "$tmp/col/never" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "never: No such file or directory" "$tmp/err" &&
    ok "sync of a path that never held documents: exit 2" || notok "sync of a typo: exit $rc: $(cat "$tmp/err")"

# --- --version, bad options -----------------------------------------------

v1=$("$zhsearch" --version 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s\n' "$v1" | head -1 | grep -qE '^zhsearch [0-9]+\.[0-9]+\.[0-9]+$' &&
    printf '%s\n' "$v1" | grep -q '^libzhsearch ' && printf '%s\n' "$v1" | grep -q 'Xapian 1\.4.*ICU [0-9]' &&
    ok "zhsearch --version: program, library, Xapian and ICU" || notok "zhsearch --version: exit $rc: $v1"
v2=$("$zhindex" --version 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s\n' "$v2" | head -1 | grep -qE '^zhindex [0-9]+\.[0-9]+\.[0-9]+$' &&
    printf '%s\n' "$v2" | grep -q 'Xapian 1\.4.*ICU [0-9]' && printf '%s\n' "$v2" | grep -q '^index scheme ' &&
    [ "$(printf '%s\n' "$v1" | head -1 | cut -d' ' -f2)" = "$(printf '%s\n' "$v2" | head -1 | cut -d' ' -f2)" ] &&
    [ "$("$zhindex" -V | head -1)" = "$(printf '%s\n' "$v2" | head -1)" ] &&
    ok "zhindex --version (-V): program, Xapian, ICU, scheme; same version as zhsearch" ||
    notok "zhindex --version: exit $rc: $v2"

# one-line complaints: command, expected status, expected stderr
one_line() {
    local want_rc=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc = "$want_rc" ] && [ "$(cat "$tmp/err")" = "$want" ] && [ ! -s "$tmp/out" ] ||
        { echo "# $*: exit $rc, stderr: $(cat "$tmp/err")"; return 1; }
}
one_line 2 "zhsearch: unknown option '--foo'; see zhsearch --help" "$zhsearch" --foo 行政 &&
    one_line 2 "zhsearch: unknown option '-x'; see zhsearch --help" "$zhsearch" -x 行政 &&
    one_line 2 "zhsearch: option '--limit' needs a value; see zhsearch --help" "$zhsearch" 行政 --limit &&
    one_line 2 "zhsearch: ambiguous option '--co'; see zhsearch --help" "$zhsearch" --co 行政 &&
    ok "zhsearch: an unknown, ambiguous or incomplete option is one line, exit 2" ||
    notok "zhsearch: bad options"
one_line 2 "zhindex: unknown option '--foo'; see zhindex --help" "$zhindex" --foo list &&
    one_line 2 "zhindex: option '-d' needs a value; see zhindex --help" "$zhindex" -d &&
    one_line 2 "zhindex: unknown command 'frob'; see zhindex --help" "$zhindex" frob &&
    ok "zhindex: an unknown option or command is one line, exit 2" || notok "zhindex: bad options"
"$zhsearch" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" -le 2 ] && grep -q 'zhsearch --help' "$tmp/err" &&
    ok "zhsearch without a query: short usage, exit 2" || notok "zhsearch alone: exit $rc: $(cat "$tmp/err")"

# --- -l -------------------------------------------------------------------

idx=$tmp/idx
"$zhindex" -q -d "$idx" add "$tmp/docs" 2>/dev/null
"$zhsearch" -d "$idx" -l 标记 >"$tmp/out" 2>"$tmp/err"
rc=$?
"$zhsearch" -d "$idx" --all --json 标记 | python3 -c 'import json,sys; print("\n".join(h["path"] for h in json.load(sys.stdin)["hits"]))' >"$tmp/want"
[ $rc = 0 ] && [ "$(wc -l <"$tmp/out")" = 12 ] && cmp -s "$tmp/out" "$tmp/want" &&
    ok "-l: the path of every match (12, not the first 10), in rank order" ||
    notok "-l: exit $rc, $(wc -l <"$tmp/out") lines: $(head -3 "$tmp/out")"
[ "$("$zhsearch" -d "$idx" --files-with-matches -n 3 标记 | wc -l)" = 3 ] &&
    ok "-l with --limit 3: three paths" || notok "-l -n 3: wrong count"
"$zhsearch" -d "$idx" -l 标记00007 >"$tmp/out"
[ "$(cat "$tmp/out")" = "$tmp/docs/doc7.txt" ] && ok "-l: one match, its path alone" ||
    notok "-l 标记00007: $(cat "$tmp/out")"
"$zhsearch" -d "$idx" -l 没有这样的词语 >"$tmp/out"
rc=$?
[ $rc = 1 ] && [ ! -s "$tmp/out" ] && ok "-l without a match: no output, exit 1" || notok "-l no match: exit $rc"
"$zhsearch" -d "$idx" -l --json 标记 >/dev/null 2>&1
[ $? = 2 ] && ok "-l with --json: exit 2" || notok "-l --json accepted"

# --- highlighting ---------------------------------------------------------

esc=$'\033'
snip() { "$zhsearch" -d "$idx" "$@" 标记00003 2>&1 | grep '标记'; }
s=$(snip)
[[ "$s" != *"["*"]"* && "$s" != *"$esc"* ]] && ok "piped: matches in snippets are plain text" ||
    notok "piped snippet: $s"
s=$(snip --color never)
[[ "$s" != *"[标记00003]"* && "$s" != *"$esc"* ]] && ok "--color never: plain text" || notok "--color never: $s"
s=$(snip --highlight brackets)
[[ "$s" == *"[标记00003]"* && "$s" != *"$esc"* ]] && ok "--highlight brackets: [match]" ||
    notok "--highlight brackets: $s"
s=$(snip --color always)
[[ "$s" == *"$esc[1;31m标记00003$esc[0m"* ]] && ok "--color always: ANSI highlight when piped" ||
    notok "--color always: $(printf '%s' "$s" | cat -v)"
s=$(snip --highlight ansi)
[[ "$s" == *"$esc[1;31m标记00003"* ]] && ok "--highlight ansi: ANSI when piped" || notok "--highlight ansi: $s"
s=$(snip --color always --highlight none)
[[ "$s" != *"$esc[1;31m"* && "$s" == *"标记00003"* ]] && ok "--highlight none: no highlight with colour" ||
    notok "--highlight none: $(printf '%s' "$s" | cat -v)"
"$zhsearch" -d "$idx" --highlight bold 标记 >/dev/null 2>&1
[ $? = 2 ] && ok "--highlight with an unknown value: exit 2" || notok "--highlight bold accepted"

s=$(TERM=xterm ttyrun out "$zhsearch" -d "$idx" 标记00003)
[[ "$s" == *"$esc[1;31m标记00003$esc[0m"* ]] && ok "terminal: ANSI highlight by default" ||
    notok "terminal: $(printf '%s' "$s" | cat -v | head -c 400)"
s=$(TERM=dumb ttyrun out "$zhsearch" -d "$idx" 标记00003)
[[ "$s" == *"标记00003"* && "$s" != *"$esc"* && "$s" != *"[标记00003]"* ]] && ok "TERM=dumb: no colour" ||
    notok "TERM=dumb: $(printf '%s' "$s" | cat -v | head -c 400)"
s=$(TERM=xterm NO_COLOR=1 ttyrun out "$zhsearch" -d "$idx" 标记00003)
[[ "$s" == *"标记00003"* && "$s" != *"$esc"* ]] && ok "NO_COLOR: no colour" ||
    notok "NO_COLOR: $(printf '%s' "$s" | cat -v | head -c 400)"
s=$(TERM=dumb ttyrun out "$zhsearch" -d "$idx" --color always 标记00003)
[[ "$s" == *"$esc[1;31m"* ]] && ok "TERM=dumb with --color always: colour" || notok "TERM=dumb --color always: no colour"

# --- --explain columns ----------------------------------------------------

"$zhsearch" -d "$idx" --explain -n 1 --color never 行政复议案件 >"$tmp/out"
python3 - "$tmp/out" <<'EOF' && ok "--explain: terms aligned by display width" || notok "--explain: misaligned"
import re, sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
cols = set()
for line in open(sys.argv[1], encoding='utf-8'):
    m = re.match(r'^    (\S+) +wdf ', line)
    if m and width(m.group(1)) <= 12:
        cols.add(width(line[:m.end()]))
print('# columns of "wdf":', sorted(cols))
sys.exit(0 if len(cols) == 1 else 1)
EOF

# --- progress -------------------------------------------------------------

# one thread: the bar shows each of the 12 files as it is finished (one
# batch: it used to jump from 0/12 to 12/12)
ttyrun err "$zhindex" -d "$tmp/p.idx" -j 1 add "$tmp/docs" | tr '\r' '\n' >"$tmp/out"
seen=$(grep -oE '\] [0-9]+/12 files' "$tmp/out" | sort -u | wc -l)
[ "$seen" -ge 12 ] && grep -q 'MB/s' "$tmp/out" && ok "progress moves per file, with MB/s ($seen states)" ||
    notok "progress: $seen states: $(head -c 600 "$tmp/out")"
"$zhindex" -d "$tmp/p2.idx" add "$tmp/docs" 2>"$tmp/err" >/dev/null
! grep -q $'\r' "$tmp/err" && ! grep -q 'files ' "$tmp/err" && ok "no progress when stderr is not a terminal" ||
    notok "progress on a pipe: $(head -c 300 "$tmp/err" | cat -v)"

# --- compaction at the end of add -----------------------------------------

leftovers() { ls -A "$tmp" | grep -E '\.idx\.(compact|old|new)-' ; }
"$zhindex" -d "$tmp/c.idx" add "$corpus" 2>"$tmp/err"
grep -qE 'added, .* indexed\); compacted: [0-9.]+ MB -> [0-9.]+ MB$' "$tmp/err" &&
    ok "the first add compacts and says so in the summary" || notok "first add: $(cat "$tmp/err")"
"$zhindex" -d "$tmp/nc.idx" --no-compact add "$corpus" 2>"$tmp/err"
c=$(du -sb "$tmp/c.idx" | cut -f1) nc=$(du -sb "$tmp/nc.idx" | cut -f1)
! grep -q compacted "$tmp/err" && [ "$c" -lt "$nc" ] && ok "--no-compact: not compacted ($nc bytes, compacted $c)" ||
    notok "--no-compact: $nc bytes vs $c: $(cat "$tmp/err")"
"$zhindex" -d "$tmp/c.idx" check >/dev/null 2>&1 && [ "$("$zhsearch" -d "$tmp/c.idx" --count 法治)" = 5 ] &&
    [ -z "$(leftovers)" ] && ok "the compacted index checks and searches; nothing left beside it" ||
    notok "after compaction: $(leftovers)"
"$zhindex" -d "$tmp/c.idx" add "$corpus" 2>"$tmp/err"
! grep -q compacted "$tmp/err" && ok "an add that changes nothing does not compact" || notok "unchanged add: $(cat "$tmp/err")"
# an index that existed is not compacted: a search handle opened before
# would see no later commit after zhs_index_reopen()
"$zhindex" -d "$tmp/c.idx" add "$tmp/docs" 2>"$tmp/err"
grep -q '12 added' "$tmp/err" && ! grep -q compacted "$tmp/err" && ok "an add to an existing index does not compact" ||
    notok "add to an existing index: $(cat "$tmp/err")"
"$zhindex" -d "$tmp/s.idx" --shards 2 add "$corpus" 2>"$tmp/err" &&
    grep -q 'compacted: ' "$tmp/err" && "$zhindex" -d "$tmp/s.idx" check >/dev/null 2>&1 &&
    [ "$("$zhsearch" -d "$tmp/s.idx" --count 法治)" = 5 ] && [ -z "$(ls -A "$tmp/s.idx" | grep -v '^shard-0[01]$\|^XAPIANDB$')" ] &&
    ok "a sharded set is compacted shard by shard" || notok "sharded: $(cat "$tmp/err") $(ls -A "$tmp/s.idx")"
"$zhindex" -q -d "$tmp/q.idx" add "$corpus" 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok "-q: no summary, compaction silent" || notok "-q: $(cat "$tmp/err")"

tap_done
