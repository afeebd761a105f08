#!/usr/bin/env bash
# Forced overflow: one-page rings, a syscall storm in 2 threads and a consumer slowed by the
# hidden --test-consumer-delay-us.  Gaps are recorded and, checked from the trace itself:
#   per cpu:    events recorded from that cpu + kernel drops == kernel attempts, exactly
#   per thread: recorded tseqs and gap ranges tile 1..last exactly (no hole, no overlap), and
#               the tracer's own per-thread check against the kernel's counters holds
#   in total:   events + lost events == attempted events
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
COUNT=100000

"$trd" -b 16384 --test-consumer-delay-us 2000 -o "$d/o.trz" -- "$progs/syscall_storm" 2 $COUNT \
  >/dev/null 2>"$d/err"
rc=$?
check "tracerecd exits 0" $rc "exit $rc: $(cat "$d/err")"
"$dump" --format csv "$d/o.trz" >"$d/o.csv"
json=$("$dump" --stats --json "$d/o.trz")
jget() { echo "$json" | sed "s/.*\"$1\":\([0-9]*\).*/\1/"; }
gaps=$(jget gaps) lost=$(jget lost_events) events=$(jget events)
check "gaps recorded ($gaps gaps, $lost events lost)" $([ "$gaps" -gt 0 ] && [ "$lost" -gt 0 ]; echo $?) "$json"

# per cpu, from the accounting the tracer wrote into the trace
acct=$(grep -o 'cpu_accounting=.*' "$d/o.csv")
check "cpu_accounting metadata present" $([ -n "$acct" ]; echo $?) ""
tot_att=0 tot_lost=0
for c in $(echo "$acct" | grep -o 'cpu[0-9]* attempted' | tr -dc '0-9\n'); do
  att=$(echo "$acct" | sed "s/.*cpu$c attempted=\([0-9]*\).*/\1/")
  rec=$(echo "$acct" | sed "s/.*cpu$c attempted=[0-9]* recorded=\([0-9]*\).*/\1/")
  lo=$(echo "$acct" | sed "s/.*cpu$c attempted=[0-9]* recorded=[0-9]* lost=\([0-9]*\).*/\1/")
  incsv=$(awk -F, -v c=$c '$1 == "event" && $3 == c { n++ } END { print n + 0 }' "$d/o.csv")
  check "cpu$c: events in the trace ($incsv) == recorded ($rec)" $([ "$incsv" -eq "$rec" ]; echo $?) ""
  check "cpu$c: recorded $rec + lost $lo == attempted $att" $([ $((rec + lo)) -eq "$att" ]; echo $?) ""
  tot_att=$((tot_att + att)) tot_lost=$((tot_lost + lo))
done
check "total: events $events + lost $lost == attempted $tot_att" $([ $((events + lost)) -eq $tot_att ]; echo $?) ""
check "kernel drops ($tot_lost) == lost events in gaps ($lost)" $([ $tot_lost -eq "$lost" ]; echo $?) ""

# per thread: tseq of events and gap ranges tile 1..last
awk -F, '$1 == "event" { print $5, $11, $11 } $1 == "gap" && $20 == "attributed" { print $5, $17, $18 }' \
  "$d/o.csv" | sort -k1,1n -k2,2n >"$d/tiles"
awk 'BEGIN { bad = 0 }
     $1 != t { if (t != "") printf "%s %d\n", t, last; t = $1; last = 0 }
     { if ($2 != last + 1) { printf "BAD tid %s: %d after %d\n", $1, $2, last; bad = 1 } last = $3 }
     END { printf "%s %d\n", t, last; exit bad }' "$d/tiles" >"$d/threads"
check "per thread: recorded + lost tile 1..last exactly" $? "$(grep BAD "$d/threads" | head -3)"
big=$(awk -v n=$((2 * COUNT)) '$2 >= n' "$d/threads" | wc -l)
check "both storm threads account for >= 2 x $COUNT events" $([ "$big" -eq 2 ]; echo $?) "$(cat "$d/threads")"
grep -q "holds per cpu, holds per thread" "$d/err"
check "tracer's check against kernel counters holds per cpu and per thread" $? "$(cat "$d/err")"
exit $fail
