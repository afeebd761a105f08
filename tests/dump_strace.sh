#!/usr/bin/env bash
# tracerec-dump's strace-grade output on known traces (tests/tools/trzgen): time order across
# CPUs (trzmix writes a trace in per-CPU batches), -e trace= filters, --pid/--tid/--comm and
# --since/--until, -c against an independent count from the jsonl output, -T, synthetic
# returns never printed as values, reading a pipe and following a growing file.
set -u
B=${B:-build}
dump=$B/tracerec-dump
gen=$B/tests/tools/trzgen
mix=$B/tests/tools/trzmix
d=$(mktemp -d)
trap 'kill $fpid 2>/dev/null; rm -rf "$d"' EXIT
fpid=
fail=0
EX_USAGE=2 EX_DAMAGED=3 # tracerec-dump(1) EXIT STATUS (the shared exit-code table)
check() { # NAME STATUS(0 = ok) DETAIL
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi
}
# the first column (trace clock) of event lines never goes back
backwards() { awk '$1 ~ /^[0-9]+\.[0-9]+$/ { if ($1 < prev) n++; prev = $1 } END { print n + 0 }'; }

"$gen" "$d/t.trz" 3000 300 || { echo "trzgen failed"; exit 1; }
"$mix" "$d/t.trz" "$d/m.trz" 40 || { echo "trzmix failed"; exit 1; }

# 1. time order: the mixed file, sorted back, prints exactly like the time-ordered original
n=$("$dump" --order file "$d/m.trz" | backwards)
check "the mixed trace is out of order in the file" $([ "$n" -gt 10 ]; echo $?) "$n steps back"
"$dump" "$d/m.trz" >"$d/m.txt" 2>"$d/m.err"
n=$(backwards <"$d/m.txt")
check "text in time order" $([ "$n" -eq 0 ]; echo $?) "$n steps back"
"$dump" "$d/t.trz" >"$d/t.txt"
cmp -s "$d/t.txt" "$d/m.txt"
check "sorted mixed trace == original" $? "$(diff "$d/t.txt" "$d/m.txt" | head -n 4)"
check "no late records reported" $([ ! -s "$d/m.err" ]; echo $?) "$(cat "$d/m.err")"
for f in csv jsonl; do
  cmp -s <("$dump" -f $f "$d/t.trz") <("$dump" -f $f "$d/m.trz")
  check "$f in time order" $? ""
done
"$dump" --reorder-window 0 "$d/m.trz" >/dev/null 2>"$d/late.err"
grep -q "records came more than 0 ms late" "$d/late.err"
check "a too small window is reported" $? "$(cat "$d/late.err")"

# 2. synthetic events have no return value: "= ?" in text, nothing in csv/jsonl
n=$(grep -cE ' ~ .*( = \?| <unfinished \.\.\.>) \[synthetic gap 1 conf 0\.87\]$' "$d/t.txt")
v=$(grep -cE ' ~ .* = [-0-9]' "$d/t.txt")
check "text synthetic: = ? or unfinished, never a value" $([ "$n" -eq 4 ] && [ "$v" -eq 0 ]; echo $?) "$n synthetic lines, $v with values"
n=$("$dump" -f csv "$d/t.trz" | awk -F, '$1 == "synthetic" && $10 != ""' | wc -l)
check "csv synthetic ret empty" "$n" "$n lines with a ret"
n=$("$dump" -f jsonl "$d/t.trz" | grep '"kind":"synthetic"' | grep -c '"ret"')
check "jsonl synthetic without ret" "$n" "$n lines with a ret"

# 3. filters
ev() { grep -cE ' (~ )?([a-z0-9_]+\(|<\.\.\. )' || true; }
n=$("$dump" -e trace=read "$d/t.trz" | grep -E ' (~ )?([a-z0-9_]+\(|<\.\.\. )' | grep -vcE ' (~ )?(read\(|<\.\.\. read resumed)')
check "-e trace=read shows only read" "$n" "$n other lines"
r=$("$dump" -e trace=read "$d/t.trz" | ev)
check "-e trace=read shows read" $([ "$r" -gt 100 ]; echo $?) "$r lines"
n=$("$dump" -e 'trace=!read,write' "$d/t.trz" | grep -cE ' (read|write)\(|<\.\.\. (read|write) ')
check "-e trace=!read,write hides them" "$n" "$n lines"
got=$("$dump" -e trace=%file "$d/t.trz" | grep -oE ' [a-z0-9_]+\(' | sort -u | tr -d ' (' | tr '\n' ' ')
check "-e trace=%file: openat" $([ "$got" = "openat " ]; echo $?) "got: $got"
got=$("$dump" -e %memory "$d/t.trz" | grep -oE ' [a-z0-9_]+\(' | sort -u | tr -d ' (' | tr '\n' ' ')
check "-e %memory: mmap" $([ "$got" = "mmap " ]; echo $?) "got: $got"
got=$("$dump" -e 'trace=/^(fu|mm)' "$d/t.trz" | grep -oE ' [a-z0-9_]+\(' | sort -u | tr -d ' (' | tr '\n' ' ')
check "-e trace=/regex" $([ "$got" = "futex mmap " ]; echo $?) "got: $got"
"$dump" -e trace=nosuchcall "$d/t.trz" >/dev/null 2>"$d/err"
check "-e unknown name: usage error" $([ $? -eq $EX_USAGE ] && grep -q "unknown syscall or class 'nosuchcall'" "$d/err"; echo $?) "$(cat "$d/err")"
"$dump" -e trace=?nosuchcall,read "$d/t.trz" >/dev/null 2>&1
check "-e ?name ignores unknown names" $? ""
"$dump" -e signal=all "$d/t.trz" >/dev/null 2>&1
check "-e other qualifiers refused" $([ $? -eq $EX_USAGE ]; echo $?) ""
n=$("$dump" --comm worker1 "$d/t.trz" | grep -E ' (~ )?([a-z0-9_]+\(|<\.\.\. )' | grep -vc ' 501 worker1 ')
a=$("$dump" --comm worker1 "$d/t.trz" | ev)
check "--comm worker1" $([ "$n" -eq 0 ] && [ "$a" -gt 100 ]; echo $?) "$n foreign, $a own"
n=$("$dump" --tid 501,503 "$d/t.trz" | grep -E ' (~ )?([a-z0-9_]+\(|<\.\.\. )' | grep -vcE ' 50[13] worker')
check "--tid list" "$n" "$n foreign"
a=$("$dump" -p 500 "$d/t.trz" | ev); b=$(ev <"$d/t.txt")
n=$("$dump" -p 999 "$d/t.trz" | ev)
check "--pid" $([ "$a" -eq "$b" ] && [ "$n" -eq 0 ]; echo $?) "pid 500: $a of $b, pid 999: $n"
"$dump" --since +0.0005 --until +0.001 "$d/t.trz" >"$d/range.txt"
lo=$(awk '$1 ~ /^[0-9]+\./ { print $1; exit }' "$d/range.txt")
hi=$(awk '$1 ~ /^[0-9]+\./ { v = $1 } END { print v }' "$d/range.txt")
first=$(awk '$1 ~ /^[0-9]+\./ { print $1; exit }' "$d/t.txt")
ok=$(awk -v lo="$lo" -v hi="$hi" -v f="$first" 'BEGIN { print (lo >= f + 0.0005 && hi <= f + 0.001 && hi - lo > 0.0004) ? 0 : 1 }')
check "--since/--until +SECONDS" "$ok" "first $first, range $lo..$hi"
n=$("$dump" --since "$lo" --until "$hi" "$d/t.trz" | ev); m=$(ev <"$d/range.txt")
check "--since/--until absolute" $([ "$n" -eq "$m" ]; echo $?) "$n vs $m"

# 4. -c against an independent count from the jsonl records: calls (entry+exit pairs of
# consecutive tseq, or a lone half), errors, total seconds, synthetic
if command -v python3 >/dev/null; then
  "$dump" -f jsonl "$d/m.trz" | python3 -c '
import json, sys
rows, pend = {}, {}
def row(n): return rows.setdefault(n, dict(calls=0, errors=0, ns=0, synthetic=0))
def close(t):
    p = pend.pop(t, None)
    if p:
        r = row(p["syscall"])
        if p["kind"] == "synthetic": r["synthetic"] += 1
        else: r["calls"] += 1
for l in sys.stdin:
    o = json.loads(l)
    if o["kind"] not in ("event", "synthetic"): continue
    t = o["tid"]
    if o["dir"] == "entry":
        close(t); pend[t] = o; continue
    p = pend.get(t)
    m = p and p["syscall"] == o["syscall"] and p["tseq"] + 1 == o["tseq"]
    if not m: close(t)
    else: pend.pop(t)
    r = row(o["syscall"])
    if o["kind"] == "synthetic" and (not m or p["kind"] == "synthetic"): r["synthetic"] += 1; continue
    r["calls"] += 1
    if o["kind"] == "event" and -4095 <= o["ret"] < 0: r["errors"] += 1
    if m and o["kind"] == "event" and p["kind"] == "event": r["ns"] += o["ts_ns"] - p["ts_ns"]
for t in list(pend): close(t)
for n in sorted(rows): r = rows[n]; print(n, r["calls"], r["errors"], "%.9f" % (r["ns"] / 1e9), r["synthetic"])
' >"$d/want.txt"
  "$dump" -c --json "$d/m.trz" | python3 -c '
import json, sys
for r in sorted(json.load(sys.stdin), key=lambda r: r["syscall"]):
    print(r["syscall"], r["calls"], r["errors"], "%.9f" % r["seconds"], r["synthetic"])
' >"$d/got.txt"
  sed -i '/ 0 0 0.000000000 0$/d' "$d/got.txt" # rows with only lost calls (from the sketch)
  cmp -s "$d/want.txt" "$d/got.txt"
  check "-c --json == independent count" $? "$(diff "$d/want.txt" "$d/got.txt" | head -n 6)"
  "$dump" -c --json "$d/m.trz" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
need = {"syscall", "calls", "errors", "seconds", "lost_known", "synthetic"}
assert all(need <= set(r) for r in rows), "members missing"
s = [r["seconds"] for r in rows]
assert s == sorted(s, reverse=True), "not sorted by time"
assert sum(r["synthetic"] for r in rows) == 4, "synthetic"
# the trzgen sketch: read x2 entries + x2 exits (2 calls), an exit of syscall -1 (1 call)
lost = {r["syscall"]: r["lost_known"] for r in rows if r["lost_known"]}
assert lost == {"read": 2, "syscall_-1": 1}, "lost_known %s" % lost
assert sum(r["errors"] for r in rows) > 0, "errors"
' 2>"$d/err"
  check "-c --json members, order, synthetic 4" $? "$(tail -n 1 "$d/err")"
fi
"$dump" -c "$d/m.trz" >"$d/c.txt"
head -n 1 "$d/c.txt" | grep -q '^% time     seconds  usecs/call   max usecs     calls    errors      lost synthetic syscall$'
check "-c header" $? "$(head -n 1 "$d/c.txt")"
grep -q '^100.00 .* total$' "$d/c.txt"; check "-c total line" $? ""
grep -q '^9 events lost in 2 gaps; the syscalls of 5 of them are known (lost column: 3 calls), the counts above are a lower bound$' "$d/c.txt"
check "-c says what was lost" $? "$(tail -n 2 "$d/c.txt")"

# 5. -T: the time between a call's entry and exit
line=$("$dump" -T "$d/t.trz" | grep -m1 -E ' read\(3, 0x7ffd12340000, 4096\) = 4096 <[0-9]+\.[0-9]{6}>$')
tid=$(echo "$line" | awk '{ print $2 }')
want=$("$dump" -f jsonl --tid "$tid" "$d/t.trz" | python3 -c '
import json, sys
p = None
for l in sys.stdin:
    o = json.loads(l)
    if o.get("kind") != "event": continue
    if o["dir"] == "exit" and p and o["syscall"] == "read" and p["syscall"] == "read" and o["ret"] == 4096:
        print("%d.%06d" % divmod((o["ts_ns"] - p["ts_ns"]) // 1000, 1000000)); break
    p = o
' 2>/dev/null)
echo "$line" | grep -q "<$want>\$"
check "-T duration" $? "line: $line; want <$want>"
"$dump" -f jsonl "$d/t.trz" | grep '"dir":"exit"' | grep -q '"duration_ns":[0-9]'
check "jsonl duration_ns" $? ""
# -ttt: trzgen's last STATE record says its time (ts + 2 ns) is 1764590400.000000000 on the wall
# clock; the thread exit before it (ts + 1 ns) is then at ...399.999999, exit status 3
"$dump" -ttt "$d/t.trz" | grep -q '^1764590399\.999999 .* +++ exit pid 500 ppid 1: exited with 3 +++$'
check "-ttt from the STATE record's wall clock; exit status" $? "$("$dump" -ttt "$d/t.trz" | grep 'exit pid')"
"$dump" -r "$d/t.trz" | awk '$1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ { n++; s += $1 } END { exit !(n > 100 && s > 0 && s < 1) }'
check "-r relative times" $? ""

# 6. a pipe and a growing file
cat "$d/m.trz" | "$dump" - >"$d/pipe.txt" 2>"$d/err"
check "FILE - reads a pipe" $([ $? -eq 0 ] && cmp -s "$d/pipe.txt" "$d/m.txt"; echo $?) "$(cat "$d/err"; diff "$d/pipe.txt" "$d/m.txt" | head -n 3)"
"$dump" /dev/stdin < <(cat "$d/m.trz") >"$d/pipe2.txt" 2>"$d/err"
check "/dev/stdin as a pipe" $([ $? -eq 0 ] && cmp -s "$d/pipe2.txt" "$d/m.txt"; echo $?) "$(cat "$d/err")"
"$dump" -c - <"$d/m.trz" | cmp -s - "$d/c.txt"
check "-c from a pipe" $? ""
head -c 100 "$d/m.trz" | "$dump" - >/dev/null 2>"$d/err"
check "truncated pipe: damaged" $([ $? -eq $EX_DAMAGED ] && grep -q truncated "$d/err"; echo $?) "$(cat "$d/err")"
size=$(stat -c %s "$d/m.trz")
head -c $((size / 2)) "$d/m.trz" >"$d/grow.trz"
"$dump" --follow "$d/grow.trz" >"$d/follow.txt" 2>"$d/ferr" &
fpid=$!
sleep 1
tail -c +$((size / 2 + 1)) "$d/m.trz" >>"$d/grow.trz"
sleep 1.5
kill -INT $fpid
wait $fpid
rc=$?
fpid=
check "--follow reads what is appended, Ctrl-C ends it" $([ $rc -eq 0 ] && cmp -s "$d/follow.txt" "$d/m.txt"; echo $?) "exit $rc, $(wc -l <"$d/follow.txt") of $(wc -l <"$d/m.txt") lines; $(cat "$d/ferr")"
exit $fail
