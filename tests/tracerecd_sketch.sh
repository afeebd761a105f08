#!/usr/bin/env bash
# The lost-syscall sketch end to end: tests/progs/sketch_gen (3 tasks, syscalls drawn by a seeded
# generator) traced with 4 KiB rings and a slowed consumer loses events in every task, and every
# lost event's syscall is known (lost_known_events == lost_events, all sketches exact); after
# tracerec-fill each task's multiset of recorded + synthetic events equals the multiset of the
# same program traced without loss.  Also exec/exit records: ppid and exit status.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fill=$B/tracerec-fill
N=20000 SEED=11
jget() { echo "$1" | sed -n "s/.*\"$2\":\\([0-9]*\\).*/\\1/p"; }

# the baseline: the same run without loss
for try in 1 2 3; do
  rm -f "$d/base.trz"
  "$trd" -q -o "$d/base.trz" -- "$progs/sketch_gen" $N $SEED >"$d/base.tids" 2>"$d/err" || break
  [ "$(jget "$("$dump" --stats --json "$d/base.trz")" lost_events)" = 0 ] && break
done
bl=$(jget "$("$dump" --stats --json "$d/base.trz")" lost_events)
[ "$bl" = 0 ] || { echo "skip: the baseline run lost $bl events 3 times (machine too busy)"; exit 77; }

"$trd" -q -b 4096 --test-consumer-delay-us 3000 -o "$d/lossy.trz" -- "$progs/sketch_gen" $N $SEED \
  >"$d/lossy.tids" 2>"$d/err"
rc=$?
check "lossy run: tracerecd exits 0" $rc "exit $rc: $(cat "$d/err")"
json=$("$dump" --stats --json "$d/lossy.trz")
lost=$(jget "$json" lost_events) known=$(jget "$json" lost_known_events)
check "events lost ($lost)" $([ "${lost:-0}" -gt 0 ]; echo $?) "$json"
check "lost_known_events ($known) == lost_events ($lost)" $([ "$known" = "$lost" ]; echo $?) "$json"
echo "$json" | grep -q '"complete":true'
check "trace complete (END record)" $? "$json"
"$dump" --format csv "$d/lossy.trz" >"$d/lossy.csv"
"$dump" --format jsonl "$d/lossy.trz" >"$d/lossy.jsonl"
ng=$(grep -c '"kind":"gap"' "$d/lossy.jsonl")
ne=$(grep '"kind":"gap"' "$d/lossy.jsonl" | grep -c '"sketch":{"exact":true')
check "every gap has an exact sketch ($ne of $ng)" $([ "$ng" -gt 0 ] && [ "$ne" = "$ng" ]; echo $?) ""

"$fill" -q "$d/lossy.trz" -o "$d/filled.trz" 2>"$d/fill.err"
check "tracerec-fill exits 0" $? "$(cat "$d/fill.err")"
"$dump" --format csv "$d/filled.trz" >"$d/filled.csv"
"$dump" --format csv "$d/base.trz" >"$d/base.csv"
multiset() { # CSV TID KINDS
  awk -F, -v t="$2" -v k="$3" 'index(k, $1 ",") && $5 == t { print $7 ":" $9 }' "$1" | sort | uniq -c
}
while read -r task tid; do
  btid=$(awk -v k="$task" '$1 == k { print $2 }' "$d/base.tids")
  tl=$(awk -F, -v t="$tid" '$1 == "gap" && $5 == t { n += $16 } END { print n + 0 }' "$d/lossy.csv")
  check "task $task (tid $tid) lost events ($tl)" $([ "$tl" -gt 0 ]; echo $?) ""
  multiset "$d/filled.csv" "$tid" "event,synthetic," >"$d/got"
  multiset "$d/base.csv" "$btid" "event," >"$d/want"
  cmp -s "$d/got" "$d/want"
  check "task $task: recorded + synthetic multiset == baseline ($(awk '{ n += $1 } END { print n }' "$d/want") events)" \
    $? "$(diff "$d/want" "$d/got" | head -6)"
done <"$d/lossy.tids"
[ "$(wc -l <"$d/lossy.tids")" = 3 ]
check "three tasks" $? "$(cat "$d/lossy.tids")"

# killed (SIGKILL) while losing events: the trace says it is incomplete and still knows the
# losses of its last flushed block
"$trd" -q -b 4096 --test-consumer-delay-us 3000 -o "$d/k.trz" -- "$progs/syscall_storm" 1 100000000 \
  >/dev/null 2>&1 &
trc=$!
sleep 2.5
storm=$(pgrep -P $trc)
kill -9 $trc
wait $trc 2>/dev/null
[ -n "$storm" ] && kill -9 "$storm" 2>/dev/null
kj=$("$dump" -q --stats --json "$d/k.trz" 2>&1)
kl=$(jget "$kj" lost_events)
echo "$kj" | grep -q '"complete":false' && [ "${kl:-0}" -gt 0 ]
check "killed: complete false, losses known ($kl)" $? "$kj"
"$dump" -q --stats "$d/k.trz" 2>&1 | grep -q "^incomplete: tracer stopped without closing"
check "killed: text --stats says incomplete" $? "$("$dump" -q --stats "$d/k.trz" 2>&1 | head -3)"

# exec and exit records: the parent process and the exit status
"$trd" -q -o "$d/st.trz" -- sh -c 'sh -c "exit 3"; sh -c "kill -9 \$\$"; exit 5' 2>/dev/null
"$dump" --format jsonl "$d/st.trz" >"$d/st.jsonl"
grep '"what":"exit"' "$d/st.jsonl" | grep -q '"exit_status":768'
check "exit record: exit 3 -> status 768" $? "$(grep '"what":"exit"' "$d/st.jsonl")"
grep '"what":"exit"' "$d/st.jsonl" | grep -q '"exit_status":9[,}]'
check "exit record: SIGKILL -> status 9" $? "$(grep '"what":"exit"' "$d/st.jsonl")"
grep '"what":"exit"' "$d/st.jsonl" | grep -q '"exit_status":1280'
check "exit record: exit 5 -> status 1280" $? "$(grep '"what":"exit"' "$d/st.jsonl")"
bad=$(grep -E '"what":"(exec|exit)"' "$d/st.jsonl" | grep -c '"ppid":0,')
check "exec and exit records carry a ppid ($bad with 0)" $([ "$bad" = 0 ]; echo $?) \
  "$(grep -E '"what":"(exec|exit)"' "$d/st.jsonl" | head -3)"
exit $fail
