#!/usr/bin/env bash
# tracerecd's way out of a run (issue 9.3), with the hidden --test-inject failures:
#   after-attach  a --pid set-up failure after the programs are attached still detaches,
#                 drains and finishes the trace (accounting written, summary printed), exit 1;
#   lose-event    the consumer drops one event uncounted: the invariant check reports it
#                 exactly once, with and without -q, with and without --fill.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$d"; }
trap cleanup EXIT

# --pid, failure right after attach
sleep 30 &
app=$!
pids+=($app)
"$trd" --test-inject after-attach -o "$d/p.trz" --pid $app >/dev/null 2>"$d/err"
rc=$?
check "--pid failure after attach: exit 1" $([ $rc -eq 1 ]; echo $?) "exit $rc: $(cat "$d/err")"
grep -q "^tracerecd: cannot set up tracing of --pid $app: Input/output error$" "$d/err"
check "--pid failure after attach: message" $? "$(cat "$d/err")"
"$dump" --format csv "$d/p.trz" >"$d/p.csv" 2>"$d/dumperr"
check "--pid failure after attach: trace readable" $? "$(cat "$d/dumperr")"
grep -q "cpu_accounting=cpu0 attempted=" "$d/p.csv"
check "--pid failure after attach: finished (accounting written)" $? "$(grep meta "$d/p.csv" | tail -3)"
grep -q "invariant recorded + lost == attempted: holds per cpu" "$d/err"
check "--pid failure after attach: summary printed" $? "$(cat "$d/err")"

# one event dropped by the consumer: the violation is reported exactly once
"$trd" -q -o "$d/train.trz" -- "$progs/syscall_storm" 1 2000 >/dev/null 2>"$d/err"
check "reference run for --fill" $? "$(cat "$d/err")"
run_lose() { # NAME EXPECTED_STDERR_LINES(0 = any) ARGS...
  local name=$1 want=$2 n v
  shift 2
  "$trd" --test-inject lose-event "$@" -- "$progs/syscall_storm" 1 5000 >/dev/null 2>"$d/err"
  v=$(grep -c "VIOLATED" "$d/err")
  check "$name: VIOLATED reported once ($v)" $([ "$v" -eq 1 ]; echo $?) "$(cat "$d/err")"
  n=$(wc -l <"$d/err")
  if [ "$want" -gt 0 ]; then
    check "$name: nothing else on stderr ($n lines)" $([ "$n" -eq "$want" ]; echo $?) "$(cat "$d/err")"
  fi
}
run_lose "-q" 1 -q -o "$d/l1.trz"
grep -q "^tracerecd: invariant recorded + lost == attempted VIOLATED$" "$d/err"
check "-q: the warning line" $? "$(cat "$d/err")"
run_lose "summary" 0 -o "$d/l2.trz"
grep -q "^tracerecd: invariant recorded + lost == attempted: VIOLATED per cpu" "$d/err"
check "summary: invariant line says VIOLATED" $? "$(cat "$d/err")"
run_lose "--fill -q" 1 -q --fill "$d/train.trz" -o "$d/l3.trz"
run_lose "--fill" 0 --fill "$d/train.trz" -o "$d/l4.trz"
grep -q "live fill" "$d/err"
check "--fill: fill summary too" $? "$(cat "$d/err")"
exit $fail
