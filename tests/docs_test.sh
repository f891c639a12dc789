#!/usr/bin/env bash
# docs_test.sh ZHINDEX ZHSEARCH SRCDIR DOCBUILDDIR
#
# The man pages and shell completions against the programs: every long
# option --help prints is in the man page's OPTIONS and in both completion
# scripts; every option these name exists (is in the program's getopt
# table); every option the program accepts is in its man page. Then the
# generated roff renders without warnings, the bash completion parses,
# loads and completes, and the zsh completion parses.
set -uo pipefail
zhindex=$1 zhsearch=$2 src=$3 built=$4
. "$src/tests/tap.sh"
doc=$src/doc
export LC_ALL=C.UTF-8

longopts() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
# Long options in a getopt_long table: {"name", no_argument, ...}
table() { grep -oE '\{"[a-z][a-z0-9-]*", *(no|required|optional)_argument' "$1" |
          sed -E 's/^\{"([^"]*)".*/--\1/' | sort -u; }
# Long options on the term lines of a page's OPTIONS section.
page_options() { awk '/^# /{on = ($0 == "# OPTIONS")} on && /^\*-/' "$1" | longopts; }
# Names in $1 missing from $2, on one line.
missing() { comm -23 <(printf '%s\n' "$1") <(printf '%s\n' "$2") | tr '\n' ' ' | sed 's/ $//'; }
# ok when nothing is missing, else not ok naming what is.
expect_none() {
    if [ -z "$2" ]; then ok "$1"; else notok "$1: $2"; fi
}

all_table=
for prog in zhsearch zhindex; do
    case $prog in
    zhsearch) exe=$zhsearch c=$src/searcher/zhsearch.c ;;
    zhindex) exe=$zhindex c=$src/indexer/zhindex.c ;;
    esac
    help=$("$exe" --help | longopts)
    tab=$(table "$c")
    all_table+=$tab$'\n'
    man=$(page_options "$doc/$prog.1.scd")
    bash_c=$(longopts <"$doc/completions/$prog.bash")
    zsh_c=$(longopts <"$doc/completions/_$prog")
    [ -n "$help" ] && [ -n "$tab" ] && [ -n "$man" ] && [ -n "$bash_c" ] && [ -n "$zsh_c" ] &&
        ok "$prog: options found in --help, $(basename "$c"), the man page and the completions" ||
        notok "$prog: options found in --help, $(basename "$c"), the man page and the completions"
    expect_none "$prog: --help names only options of the getopt table" "$(missing "$help" "$tab")"
    expect_none "$prog: every option of --help in $prog(1)" "$(missing "$help" "$man")"
    expect_none "$prog: every option of --help in the bash completion" "$(missing "$help" "$bash_c")"
    expect_none "$prog: every option of --help in the zsh completion" "$(missing "$help" "$zsh_c")"
    expect_none "$prog: every option $prog accepts in $prog(1)" "$(missing "$tab" "$man")"
    expect_none "$prog(1) names only options $prog accepts" "$(missing "$man" "$tab")"
    expect_none "$prog: the bash completion offers only options $prog accepts" "$(missing "$bash_c" "$tab")"
    expect_none "$prog: the zsh completion offers only options $prog accepts" "$(missing "$zsh_c" "$tab")"
    # "-x, --long" in --help: the same pair on one term line of the page
    bad=
    while read -r short long; do
        awk '/^# /{on = ($0 == "# OPTIONS")} on && /^\*-/' "$doc/$prog.1.scd" |
            grep -qF -- "*$short*, *$long*" || bad+="$short,$long "
    done < <("$exe" --help | sed -nE 's/^ +(-[[:alnum:]]), (--[a-z][a-z0-9-]*).*/\1 \2/p')
    expect_none "$prog: short options of --help paired with their long ones in $prog(1)" "${bad% }"
done
# Options named anywhere in the pages of section 1 (prose, examples) exist
# in one of the programs.
named=$(cat "$doc"/*.1.scd | longopts)
expect_none "zhsearch(1) and zhindex(1) name only options that exist" \
    "$(missing "$named" "$(printf '%s' "$all_table" | sort -u)")"

# The roff renders without warnings.
for page in zhsearch.1 zhindex.1 zhsearch.3; do
    f=$built/$page
    if [ ! -f "$f" ]; then
        ok "# SKIP $page: not built (scdoc missing)"
        continue
    fi
    if command -v man >/dev/null; then
        how="man -l"
        out=$(MANWIDTH=80 man --warnings=w -l "$f" 2>&1 >/dev/null </dev/null; echo "rc=${PIPESTATUS[0]}")
        text=$(MANWIDTH=80 man -l "$f" 2>/dev/null </dev/null)
    elif command -v groff >/dev/null; then
        how="groff -man -Tutf8"
        out=$(groff -k -man -Tutf8 -ww -z "$f" 2>&1; echo "rc=$?")
        text=$(groff -k -man -Tutf8 "$f" 2>/dev/null)
    else
        ok "# SKIP $page: neither man nor groff installed"
        continue
    fi
    if [ "$out" = "rc=0" ] && [ -n "$text" ]; then
        ok "$page renders with $how without warnings"
    else
        notok "$page renders with $how without warnings: $(echo "$out" | head -5 | tr '\n' ' ')"
    fi
    # scdoc markup left over (an unbalanced * or _) shows as a stray
    # character (section 3 has C declarations: "char *s").
    if [ "${page##*.}" = 1 ]; then
        stray=$(grep -nE '(^|[[:space:]])[*_][^[:space:]*_]' <<<"$text" | head -3 | tr '\n' ' ')
        expect_none "$page: no stray scdoc markup" "$stray"
    fi
    if command -v lexgrog >/dev/null; then
        lexgrog "$f" >/dev/null 2>&1 && ok "$page: its NAME line is readable by apropos (lexgrog)" ||
            notok "$page: its NAME line is readable by apropos (lexgrog)"
    fi
done

# The example of zhsearch(3) compiles against zhsearch.h.
if command -v cc >/dev/null; then
    ex=$(mktemp --suffix .c)
    awk '/^# /{on = ($0 == "# EXAMPLE")} on && !/^(# |```)/' "$doc/zhsearch.3.scd" |
        sed 's/\\\\/\\/g' >"$ex"
    if grep -q zhs_search "$ex" && out=$(cc -std=c11 -fsyntax-only -Wall -Wextra -Werror -I"$src/searcher" -I"$built/../searcher" "$ex" 2>&1); then
        ok "the example of zhsearch(3) compiles"
    else
        notok "the example of zhsearch(3) compiles: $(head -3 <<<"$out" | tr '\n' ' ')"
    fi
    rm -f "$ex"
else
    ok "# SKIP the example of zhsearch(3): no C compiler"
fi

# bash completion
for prog in zhsearch zhindex; do
    bash -n "$doc/completions/$prog.bash" && ok "bash -n $prog completion" || notok "bash -n $prog completion"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/reports/2021" "$tmp/reports/2022"
touch "$tmp/reports/2021/a.txt" "$tmp/ranking.txt"
# complete PROG SCRIPT WORD... : COMPREPLY, one per line, for the last word
cat >"$tmp/complete.sh" <<'EOS'
script=$1 prog=$2; shift 2
source "$script" || exit 3
[ "$prog" = - ] && { complete -p zhsearch zhindex; exit; }
COMP_WORDS=("$prog" "$@") COMP_CWORD=$#
COMP_LINE="${COMP_WORDS[*]}" COMP_POINT=${#COMP_LINE}
spec=$(complete -p "$prog") || exit 4
f=${spec#*-F }; f=${f%% *}
"$f" "$prog" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
EOS
# expect DESCRIPTION EXPECTED PROG WORD...: the completions, space-separated
expect() {
    local what=$1 want=$2 prog=$3 got
    shift 3
    got=$(cd "$tmp" && bash --norc --noprofile "$tmp/complete.sh" "$doc/completions/$prog.bash" "$prog" "$@" | sort | tr '\n' ' ')
    got=${got% }
    want=$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ')
    want=${want% }
    [ "$got" = "$want" ] && ok "bash: $what" || notok "bash: $what: got '$got', expected '$want'"
}
spec=$(bash --norc --noprofile -c 'source "$1" && source "$2" && complete -p zhsearch zhindex' _ \
    "$doc/completions/zhsearch.bash" "$doc/completions/zhindex.bash" 2>&1)
[ "$spec" = $'complete -F _zhsearch zhsearch\ncomplete -F _zhindex zhindex' ] &&
    ok "bash: complete -p zhsearch, zhindex after sourcing" ||
    notok "bash: complete -p zhsearch, zhindex after sourcing: $spec"
expect "zhsearch --so -> --sort" "--sort" zhsearch --so
expect "zhsearch --sort ''" "relevance date -date" zhsearch --sort ""
expect "zhsearch --sort=-" "--sort=-date" zhsearch --sort=-
expect "zhsearch --sort = d (split at =)" "date" zhsearch --sort = d
expect "zhsearch --facet ''" "year issuer format" zhsearch --facet ""
expect "zhsearch --color ''" "always never auto" zhsearch --color ""
expect "zhsearch -d r (a path)" "ranking.txt reports" zhsearch -d r
expect "zhsearch QUERY (nothing)" "" zhsearch 行政
expect "zhindex '' (commands)" "add sync remove list stats check compact synonyms" zhindex ""
expect "zhindex -j 4 -d x.idx s" "sync stats synonyms" zhindex -j 4 -d x.idx s
expect "zhindex --fo" "--follow" zhindex --fo
expect "zhindex --encoding GB" "GB18030 GBK GB2312" zhindex --encoding GB
expect "zhindex list ''" "-0 --null" zhindex list ""
expect "zhindex add reports/2021/ (files)" "reports/2021/a.txt" zhindex add reports/2021/
expect "zhindex sync r (directories)" "reports" zhindex sync r
expect "zhindex stats '' (nothing)" "" zhindex stats ""
# Each --help option of a program completes from its first letters.
for prog in zhsearch zhindex; do
    exe=$zhsearch
    [ $prog = zhindex ] && exe=$zhindex
    bad=
    for o in $("$exe" --help | longopts); do
        got=$(cd "$tmp" && bash --norc --noprofile "$tmp/complete.sh" "$doc/completions/$prog.bash" $prog "$o")
        [ "$got" = "$o" ] || bad+="$o "
    done
    expect_none "bash: every option of $prog --help completes" "${bad% }"
done

# zsh completion
for prog in zhsearch zhindex; do
    if command -v zsh >/dev/null; then
        zsh -n "$doc/completions/_$prog" && ok "zsh -n _$prog" || notok "zsh -n _$prog"
    else
        ok "# SKIP zsh -n _$prog: zsh not installed"
    fi
done
tap_done
