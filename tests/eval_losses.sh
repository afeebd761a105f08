#!/usr/bin/env bash
# tracerec-eval --trace COMPLETE --train OTHER --losses LOSSY on real traces: two complete runs
# of a stand-in workload and a third run recorded with a tiny ring (-b 4096), whose per-thread
# losses are replayed onto the complete test run, filled and scored.  Checks: every attributed
# loss of the lossy trace is replayed (counts from tracerec-dump --stats), the scored events are
# the replayed ones, the n-gram fills them well (dd-io: 0.82-0.99 when written; bound 0.6), the count
# error is consistent with the accuracy, and misuse gives one message and the documented exit.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
EVAL=$B/tracerec-eval
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
wl=$TOP/scripts/workloads/dd-io.sh
stat_of() { "$dump" --stats --json "$1" | sed "s/.*\"$2\":\([0-9]*\).*/\1/"; }

for i in 1 2; do
  "$trd" -q -o "$d/c$i.trz" -- "$wl" 4 >/dev/null 2>"$d/err" || { cat "$d/err"; echo "FAIL tracerecd run $i"; exit 1; }
  [ "$(stat_of "$d/c$i.trz" lost_events)" -eq 0 ] || { echo "skip: run $i lost events with the default ring (machine too busy)"; exit 77; }
done
"$trd" -q -b 4096 -o "$d/l.trz" -- "$wl" 4 >/dev/null 2>"$d/err"
if [ "$(stat_of "$d/l.trz" lost_events)" -eq 0 ]; then   # a calm machine keeps up even then
  rm -f "$d/l.trz"
  "$trd" -q -b 4096 --test-consumer-delay-us 2000 -o "$d/l.trz" -- "$wl" 4 >/dev/null 2>"$d/err"
fi
gaps=$(stat_of "$d/l.trz" gaps) lost=$(stat_of "$d/l.trz" lost_events)
check "the tiny ring lost events ($gaps gaps, $lost events)" $([ "$lost" -gt 0 ]; echo $?) "$(cat "$d/err")"

"$EVAL" -q --trace "$d/c2.trz" --train "$d/c1.trz" --losses "$d/l.trz" --json >"$d/res.json" 2>"$d/eerr"
check "eval --losses exits 0" $? "$(cat "$d/eerr")"
get() { tr -d '\n' <"$d/res.json" | sed "s/.*\"$1\": \([0-9.a-z]*\).*/\1/"; }
check "one replayed row" $([ "$(grep -c '"replayed": true' "$d/res.json")" -eq 1 ]; echo $?) "$(cat "$d/res.json")"
check "every attributed gap replayed ($(get lossy_gaps) of $gaps)" \
  $([ "$(get lossy_gaps)" -eq "$gaps" ] && [ "$(get lossy_events)" -eq "$lost" ]; echo $?) "$(cat "$d/res.json")"
check "scored events = replayed - unmapped ($(get events) = $lost - $(get unmapped_events))" \
  $([ "$(get events)" -eq $((lost - $(get unmapped_events))) ] && [ "$(get n)" -gt 0 ]; echo $?) "$(cat "$d/res.json")"
acc=$(get accuracy) ce=$(get count_error)
check "n-gram accuracy $acc >= 0.6 on replayed losses" $(awk -v a="$acc" 'BEGIN { exit !(a >= 0.6) }'; echo $?) ""
check "count error $ce within [0, 2 (1 - accuracy)]" \
  $(awk -v a="$acc" -v c="$ce" 'BEGIN { exit !(c >= 0 && c <= 2 * (1 - a) + 1e-6) }'; echo $?) ""

"$EVAL" -q --trace "$d/c2.trz" --train "$d/c1.trz" --losses "$d/c1.trz" >/dev/null 2>"$d/eerr"
rc=$?
check "a trace without losses: exit 1 and one message" \
  $([ $rc -eq 1 ] && grep -q "records no per-thread loss" "$d/eerr" && [ "$(wc -l <"$d/eerr")" -eq 1 ]; echo $?) "rc $rc: $(cat "$d/eerr")"
"$EVAL" -q --train "$d/c1.trz" --losses "$d/l.trz" >/dev/null 2>"$d/eerr"
rc=$?
check "--losses without --trace: exit 2" $([ $rc -eq 2 ] && grep -q "give --trace" "$d/eerr"; echo $?) "rc $rc: $(cat "$d/eerr")"
exit $fail
