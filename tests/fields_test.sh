#!/usr/bin/env bash
# The fields of the query language and of hits, end to end over corpus/:
# year:, date:, issuer:, region:, title: and docno: find the reports they
# name; hits list their fields in table order (JSON and human output);
# facets are asked for and read by field name.
# Usage: fields_test.sh ZHINDEX ZHSEARCH CORPUS_DIR
set -uo pipefail
zhindex=$(realpath "$1") zhsearch=$(realpath "$2") corpus=$(realpath "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
export LC_ALL=C.UTF-8
unset NO_COLOR ZHSEARCH_INDEX
idx=$tmp/idx

# finds QUERY NAMES: the query matches exactly the reports whose file
# names start with the given words (space-separated, sorted), "" for none.
finds() {
    local q=$1 want=$2 got
    got=$("$zhsearch" -d "$idx" -l "$q" 2>&1 | sed 's|.*/||; s|-法治.*||' | sort | tr '\n' ' ')
    got=${got% }
    [ "$got" = "$want" ] || { echo "'$q' finds '$got', expected '$want'"; return 1; }
}

"$zhindex" -q -d "$idx" add "$corpus" >"$tmp/log" 2>&1
check "index corpus/" test -s "$idx/iamglass"

# --- year: and date: -----------------------------------------------------
check "year:2021" finds year:2021 "2021-乐山市市中区 2021-吴忠市 2021-重庆市綦江区"
check "year:..2020" finds year:..2020 "2020-江油市"
check "year:2022.." finds year:2022.. "2023-安岳县"
check "year:2019" finds year:2019 ""
check "date:2022-01 (a month)" finds date:2022-01 "2021-吴忠市"
check "date:2022-02-25 (a day)" finds date:2022-02-25 "2021-乐山市市中区"
check "date:2022-02..2022-03" finds date:2022-02..2022-03 "2021-乐山市市中区 2021-重庆市綦江区"

# --- issuer:, region:, title: --------------------------------------------
check "issuer:乐山" finds issuer:乐山 "2021-乐山市市中区"
check "issuer:人民政府 (every report)" finds issuer:人民政府 \
    "2020-江油市 2021-乐山市市中区 2021-吴忠市 2021-重庆市綦江区 2023-安岳县"
check "region:綦江" finds region:綦江 "2021-重庆市綦江区"
check "title:吴忠市" finds title:吴忠市 "2021-吴忠市"
check "title:\"2021年度\"" finds 'title:"2021年度"' "2021-重庆市綦江区"
check "title: is the title only (依法行政 is in every body)" finds title:依法行政 ""

# --- docno: a text field: the whole number, or a part of it ---------------
check "docno: the whole number" finds 'docno:吴政发〔2022〕3号' "2021-吴忠市"
check "docno: full-width digits normalize" finds 'docno:吴政发〔２０２２〕３号' "2021-吴忠市"
check "docno: another report's number" finds 'docno:乐中府〔2022〕7号' "2021-乐山市市中区"
check "docno: the series (吴政发)" finds docno:吴政发 "2021-吴忠市"
check "docno: the year in brackets" finds 'docno:〔2022〕' "2021-乐山市市中区 2021-吴忠市"
check "docno: a number is whole (3号 is not 13号)" finds docno:3号 "2021-吴忠市"
check "docno: parts of two numbers do not make one" finds 'docno:吴政发〔2022〕7号' ""
check "docno: is the number only, not the body" finds docno:法治政府 ""
check "docno: a piece of a part finds nothing" finds docno:政发 ""
check "docno: whitespace does not split a part" finds 'docno:"吴政 发〔2022〕3 号"' "2021-吴忠市"
check "docno: with other words" finds 'docno:吴政发 法治' "2021-吴忠市"
check "NOT docno:" finds '法治 -docno:〔2022〕' "2020-江油市 2021-重庆市綦江区 2023-安岳县"

# --- unknown and unsearchable fields --------------------------------------
t_unknown() {
    local out rc
    out=$("$zhsearch" -d "$idx" foo:bar 2>&1)
    rc=$?
    [ $rc = 2 ] && [[ $out == *"unknown field 'foo' (fields: title, issuer, region, year, date, docno)"* ]] ||
        { echo "exit $rc: $out"; return 1; }
    out=$("$zhsearch" -d "$idx" path:corpus 2>&1)
    rc=$?
    [ $rc = 2 ] && [[ $out == *"unsearchable field 'path'"* ]] || { echo "exit $rc: $out"; return 1; }
}
check "an unknown field is named with the fields there are" t_unknown

# --- hits: their fields in table order ------------------------------------
t_json_fields() {
    "$zhsearch" -d "$idx" --json --all --snippet 0 法治 >"$tmp/out.json" || return 1
    python3 - "$tmp/out.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
order = ["rank", "score", "path", "title", "issuer", "region", "year", "date", "docno", "format", "pages", "ocr", "page"]
assert len(d["hits"]) == 5, d["hits"]
for h in d["hits"]:
    keys = list(h)
    assert keys == [k for k in order if k in h], keys
    assert isinstance(h["year"], int), h
wz = [h for h in d["hits"] if "吴忠" in h["path"]][0]
assert (wz["issuer"], wz["region"], wz["year"], wz["date"], wz["docno"]) == \
    ("吴忠市人民政府", "吴忠市", 2021, "2022-01-17", "吴政发〔2022〕3号"), wz
EOF
}
check "JSON: each hit's fields in table order, year a number" t_json_fields

t_human_fields() {
    local out
    out=$("$zhsearch" -d "$idx" --color never --snippet 0 docno:吴政发) || return 1
    [[ $out == *"吴忠市人民政府 · 2021 · 2022-01-17 · 吴政发〔2022〕3号 · "*"/2021-吴忠市-"* ]] ||
        { echo "$out"; return 1; }
}
check "human: the short fields under the title, then the path" t_human_fields

# --- facets by name -------------------------------------------------------
t_facets() {
    "$zhsearch" -d "$idx" --json --snippet 0 --facet issuer --facet year --facet issuer 法治 >"$tmp/f.json" ||
        return 1
    python3 - "$tmp/f.json" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))["facets"]
assert list(f) == ["issuer", "year"], list(f)
assert f["year"] == {"2021": 3, "2020": 1, "2023": 1}, f["year"]
assert sum(f["issuer"].values()) == 5, f["issuer"]
EOF
}
check "--facet: in the order asked for, each once" t_facets

t_bad_facet() {
    local out rc
    out=$("$zhsearch" -d "$idx" --facet docno 法治 2>&1)
    rc=$?
    [ $rc = 2 ] && [ "$out" = "zhsearch: --facet: expected issuer, year or format, got 'docno'" ] ||
        { echo "exit $rc: $out"; return 1; }
}
check "--facet of a field without one names those with one" t_bad_facet

tap_done
