#!/usr/bin/env bash
# tracerec-fill end to end on a real trace: tests/progs/fill_pattern (a known syscall pattern in
# 2 threads) traced by tracerecd with a small ring and a slowed consumer, so that events are
# lost; then tracerec-fill with its default method.  Checks: every attributed gap filled with
# exactly its lost count and tseq range (tracerec-dump --stats: synthetic_events ==
# attributed_lost_events, unfilled_gaps 0), every recorded record unchanged, entry/exit
# consistency around every synthetic event, and the repaired spans equal to the known pattern
# in most positions.
set -u
. "$(dirname "$0")/lib/fill.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

"$trd" -q -b 16384 --test-consumer-delay-us 500 -o "$d/lossy.trz" -- \
  "$progs/fill_pattern" 2 8000 >"$d/tids" 2>"$d/err"
rc=$?
check "tracerecd exits 0" $rc "exit $rc: $(cat "$d/err")"
json=$("$dump" --stats --json "$d/lossy.trz")
agaps=$(echo "$json" | jget attributed_gaps) alost=$(echo "$json" | jget attributed_lost_events)
check "events were lost ($agaps attributed gaps, $alost events)" \
  $([ "${agaps:-0}" -gt 0 ] && [ "${alost:-0}" -gt 0 ]; echo $?) "$json"

"$fill" "$d/lossy.trz" -o "$d/filled.trz" 2>"$d/fill.err"
rc=$?
check "tracerec-fill exits 0" $rc "exit $rc: $(cat "$d/fill.err")"
check "output mode 0600" $([ "$(stat -c %a "$d/filled.trz")" = 600 ]; echo $?) "$(stat -c %a "$d/filled.trz")"
grep -q "filled $agaps gaps with $alost synthetic events" "$d/fill.err"
check "summary: filled $agaps gaps with $alost synthetic events" $? "$(cat "$d/fill.err")"
fj=$("$dump" --stats --json "$d/filled.trz")
syn=$(echo "$fj" | jget synthetic_events) unf=$(echo "$fj" | jget unfilled_gaps)
check "synthetic_events ($syn) == attributed_lost_events ($alost)" $([ "$syn" = "$alost" ]; echo $?) "$fj"
check "unfilled_gaps == 0" $([ "$unf" = 0 ]; echo $?) "$fj"

"$dump" --format csv "$d/lossy.trz" >"$d/lossy.csv"
"$dump" --format csv "$d/filled.trz" >"$d/filled.csv"
grep -v '^synthetic,' "$d/filled.csv" | grep -v '^meta,.*fill=method=' >"$d/orig-in-filled.csv"
cmp -s "$d/lossy.csv" "$d/orig-in-filled.csv"
check "every original record unchanged and in order" $? \
  "$(diff "$d/lossy.csv" "$d/orig-in-filled.csv" | head -5)"

read -r _ g _ bad < <(check_gap_counts "$d/filled.csv")
check "each of $g gaps has exactly its lost count, inside its tseq range" $([ "$g" = "$agaps" ] && [ "$bad" = 0 ]; echo $?) "$bad bad"
read -r _ pairs _ bad < <(check_consistency "$d/filled.csv")
check "entry/exit consistent around synthetic events ($pairs pairs)" $([ "$pairs" -gt 0 ] && [ "$bad" = 0 ]; echo $?) "$bad violations"
read -r _ s _ r < <(check_pattern "$d/filled.csv" "$d/tids")
# measured: 1.000 of the in-loop synthetic events equal the pattern (n-gram, 5 runs); the
# threshold leaves room for a pattern phase the n-gram cannot see across a very long gap
check "repaired spans match the known pattern ($r of $s)" \
  $([ "$s" -gt 100 ] && [ $((r * 100)) -ge $((s * 90)) ]; echo $?) "$r of $s right"
exit $fail
