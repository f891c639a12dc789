#!/usr/bin/env bash
# Sharded and remote indexes: a 3-shard set, served by xapian-tcpsrv on
# loopback ports, must give the same results as one index holding all the
# documents (set, order, scores, counts, facets, snippets); exactness holds
# over shards; a shard that stops or hangs gives a clear error, or partial
# results flagged as partial.
# Usage: shard_test.sh ZHINDEX ZHSEARCH CORPUS_DIR EXACTNESS_PY ZHS_NORMALIZE
set -uo pipefail
zhindex=$1 zhsearch=$2 corpus=$3 exactness=$4 normalize=$5
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
command -v xapian-tcpsrv >/dev/null || { echo "not ok 1 - xapian-tcpsrv not installed (Debian package xapian-tools)"; echo "1..1"; exit 1; }

# more documents than the corpus, so that every shard holds several
mkdir "$tmp/in"
cp "$corpus"/*.txt "$tmp/in/"
i=0
for f in "$corpus"/*.txt; do
    for k in 1 2 3; do
        i=$((i + 1))
        { python3 -c 'import sys; sys.stdout.write(open(sys.argv[1], encoding="utf-8").read()[:1000 * int(sys.argv[2])])' "$f" $k; printf '\n附件%02d\n' $i; } >"$tmp/in/part$i.txt"
    done
done
"$zhindex" -q -d "$tmp/one" add "$tmp/in"
"$zhindex" -q -d "$tmp/set" --shards 3 add "$tmp/in"
docs=$("$zhindex" -d "$tmp/one" list | wc -l)
[ "$("$zhindex" -d "$tmp/set" list | wc -l)" = "$docs" ] && ok "set holds all $docs documents" || notok "set lists $("$zhindex" -d "$tmp/set" list | wc -l)"
empty=0
for s in 0 1 2; do
    c=$("$zhsearch" -d "$tmp/set/shard-0$s" --count 法治 2>/dev/null || true)
    [ "${c:-0}" -gt 0 ] || empty=1
done
[ $empty = 0 ] && ok "documents spread over all three shards" || notok "a shard is empty"
"$zhindex" -q -d "$tmp/set" check && ok "set passes check" || notok "set check"

# serve each shard
ports=()
for s in 0 1 2; do
    for try in 1 2 3 4 5 6 7 8; do
        port=$((20000 + (RANDOM % 20000)))
        # its own session: on SIGTERM xapian-tcpsrv signals its whole process group
        setsid xapian-tcpsrv --interface 127.0.0.1 --port $port --quiet --timeout 20000 "$tmp/set/shard-0$s" &
        pid=$!
        sleep 0.3
        if kill -0 $pid 2>/dev/null; then pids+=($pid); ports+=($port); break; fi
    done
done
[ ${#ports[@]} = 3 ] && ok "three shards served on loopback" || { notok "could not start xapian-tcpsrv"; exit 1; }
remote=(-d 127.0.0.1:${ports[0]} -d 127.0.0.1:${ports[1]} -d 127.0.0.1:${ports[2]})
printf 'remote 127.0.0.1:%s\n' "${ports[@]}" >"$tmp/remote.stub"

compare() { # name, query..., against the single index
    local name=$1
    shift
    for where in local remote stub; do
        case $where in
        local) args=(-d "$tmp/set") ;;
        remote) args=("${remote[@]}") ;;
        stub) args=(-d "$tmp/remote.stub") ;;
        esac
        "$zhsearch" -d "$tmp/one" --json --all --facet year --facet issuer "$@" >"$tmp/a.json" 2>&1
        "$zhsearch" "${args[@]}" --json --all --facet year --facet issuer "$@" >"$tmp/b.json" 2>&1
        if python3 - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["total"] == b["total"], ("total", a["total"], b["total"])
# documents of equal score come in document-id order, which differs
# between one index and a set: compare the order of the score groups
def groups(r):
    out = []
    for h in r["hits"]:
        if out and abs(out[-1][0] - h["score"]) <= 1e-6 * max(1, abs(h["score"])):
            out[-1][1].add(h["path"])
        else:
            out.append((h["score"], {h["path"]}))
    return [g for _, g in out]
assert groups(a) == groups(b), "order"
key = lambda h: (-round(h["score"], 5), h["path"])
for x, y in zip(sorted(a["hits"], key=key), sorted(b["hits"], key=key)):
    assert abs(x["score"] - y["score"]) <= 1e-6 * max(1, abs(x["score"])), ("score", x["path"], x["score"], y["score"])
    assert x.get("snippet") == y.get("snippet") and x.get("highlights") == y.get("highlights"), ("snippet", x["path"])
assert a.get("facets") == b.get("facets"), ("facets", a.get("facets"), b.get("facets"))
PY
        then ok "$name ($where shards = one index)"; else notok "$name ($where): $(tail -1 "$tmp/b.json" | head -c 300)"; fi
    done
}
compare "ranked query" 行政复议
compare "single character" 复
compare "AND and phrase" '"依法行政" 法治政府'
compare "OR and NOT" '(复议 OR 诉讼) -疫情'
compare "filters" 'year:2021 放管服'
compare "sorted by date" --sort date 法治
compare "paged" --offset 3 --limit 4 法治
compare "Traditional query, snippets" 行政復議

# exactness over shards: the brute-force test, indexing into a 3-shard set
cat >"$tmp/zhindex-sharded" <<EOS
#!/bin/sh
exec "$zhindex" --shards 3 "\$@"
EOS
chmod +x "$tmp/zhindex-sharded"
if python3 "$exactness" --zhindex "$tmp/zhindex-sharded" --zhsearch "$zhsearch" --normalize "$normalize" --corpus "$corpus" >"$tmp/ex.log" 2>&1; then
    ok "exactness over shards: $(tail -1 "$tmp/ex.log")"
else
    notok "exactness over shards: $(tail -3 "$tmp/ex.log")"
fi

# updates reach the right shard
printf '\n补充：分片更新测试语句。\n' >>"$tmp/in/part4.txt"
out=$("$zhindex" -d "$tmp/set" add "$tmp/in" 2>&1)
grep -q "0 added, 1 updated" <<<"$out" && ok "update in a set" || notok "update: $out"
[ "$("$zhsearch" -d "$tmp/set" --count 分片更新测试语句)" = 1 ] && ok "update searchable" || notok "update not found"
rm "$tmp/in/part5.txt"
out=$("$zhindex" -d "$tmp/set" sync "$tmp/in" 2>&1)
grep -q "1 removed" <<<"$out" && ok "sync on a set" || notok "sync: $out"
[ "$("$zhindex" -d "$tmp/set" list | wc -l)" = $((docs - 1)) ] && ok "no duplicates after updates" || notok "list after sync"
out=$("$zhindex" -d "$tmp/set" --shards 4 add "$tmp/in" 2>&1)
grep -q "has 3 shards, not 4" <<<"$out" && ok "wrong --shards refused" || notok "wrong --shards: $out"

# a shard that stops
kill "${pids[1]}" 2>/dev/null
wait "${pids[1]}" 2>/dev/null
"$zhsearch" "${remote[@]}" --count 法治 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "did not answer" "$tmp/err" && ok "stopped shard: exit 2, clear error" || notok "stopped shard: rc $rc: $(cat "$tmp/err")"
"$zhsearch" "${remote[@]}" --partial --json --all --snippet 0 法治 >"$tmp/p.json" 2>"$tmp/err"
rc=$?
python3 -c "
import json,sys
j=json.load(open('$tmp/p.json'))
assert j.get('partial') is True and j.get('shards_skipped') == 1, j.get('partial')
assert 0 < j['total'] < $docs, j['total']
" 2>/dev/null && [ $rc = 0 ] && ok "stopped shard with --partial: results flagged partial" || notok "partial: rc $rc $(head -c 200 "$tmp/p.json") $(cat "$tmp/err")"

# a shard that hangs: accepts connections, never answers
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
conns = []
end = time.time() + 20
s.settimeout(0.2)
while time.time() < end:
    try: conns.append(s.accept()[0])
    except OSError: pass
" >"$tmp/hang.port" &
pids+=($!)
sleep 0.5
hang=$(head -1 "$tmp/hang.port")
start=$(date +%s%N)
"$zhsearch" -d "$tmp/set/shard-00" -d "127.0.0.1:$hang" --timeout 700 --count 法治 >/dev/null 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc = 2 ] && [ $ms -lt 5000 ] && ok "hanging shard: exit 2 after ${ms} ms (timeout 700 ms)" || notok "hanging shard: rc $rc after ${ms} ms: $(cat "$tmp/err")"

tap_done
