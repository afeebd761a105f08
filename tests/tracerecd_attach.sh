#!/usr/bin/env bash
# tracerecd --pid on an already running process (blocked on a fifo when tracing starts): its
# later threads and child are followed, sequences exact, and tracerecd stops by itself once
# every traced process exited.  Then --all stopped by SIGINT: clean exit, readable trace.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$d"; }
trap cleanup EXIT
N=12
mkfifo "$d/go"

"$progs/syscall_pattern" $N "$d/go" >"$d/out" &
app=$!
pids+=($app)
"$trd" -o "$d/a.trz" --pid "$app" 2>"$d/err" &
trc=$!
pids+=($trc)
for _ in $(seq 100); do grep -q "tracing pid" "$d/err" && break; sleep 0.1; done
grep -q "tracing pid $app" "$d/err"
check "tracerecd attached to pid $app" $? "$(cat "$d/err")"
echo x >"$d/go"
wait $app
check "syscall_pattern ran" $? ""
for _ in $(seq 50); do kill -0 $trc 2>/dev/null || break; sleep 0.1; done
kill -0 $trc 2>/dev/null && { echo "FAIL tracerecd still running after its targets exited"; kill -INT $trc; fail=1; }
wait $trc
rc=$?
check "tracerecd --pid exits 0 on its own" $rc "exit $rc: $(cat "$d/err")"
grep -q "every traced process exited" "$d/err"
check "stopped because the targets exited" $? "$(cat "$d/err")"
"$dump" --format csv "$d/a.trz" >"$d/a.csv"
check_pattern_actors "$d/out" "$d/a.csv"
grep -q "^thread,[0-9]*,,$app,$app,.*snapshot" "$d/a.csv"
check "snapshot record of the running process" $? "$(grep '^thread' "$d/a.csv" | head -3)"
grep -q "holds per cpu, holds per thread" "$d/err"
check "summary: invariant holds" $? "$(cat "$d/err")"

# --all, stopped with SIGINT
"$trd" --all -o "$d/all.trz" 2>"$d/err2" &
trc=$!
pids+=($trc)
for _ in $(seq 100); do grep -q "tracing all" "$d/err2" && break; sleep 0.1; done
"$progs/syscall_storm" 1 1000 >/dev/null
sleep 0.3
kill -INT $trc
wait $trc
rc=$?
check "tracerecd --all stops cleanly on SIGINT" $rc "exit $rc: $(cat "$d/err2")"
json=$("$dump" --stats --json "$d/all.trz")
check "--all trace readable, complete" $(echo "$json" | grep -q '"truncated":false' && echo "$json" | grep -q '"blocks_bad":0'; echo $?) "$json"
n=$(echo "$json" | sed 's/.*"events":\([0-9]*\).*/\1/')
check "--all recorded the storm (>= 2000 events: $n)" $([ "${n:-0}" -ge 2000 ]; echo $?) "$json"
"$dump" --format csv "$d/all.trz" | awk -F, -v p=$trc '$1 == "event" && $4 == p { f = 1 } END { exit f }'
check "--all never traces tracerecd itself" $? ""

# --duration stops by itself
start=$SECONDS
timeout 20 "$trd" -q --all --duration 1 -o "$d/dur.trz" 2>"$d/err3"
rc=$?
check "--duration 1 stops by itself, exit 0" $([ $rc -eq 0 ] && [ $((SECONDS - start)) -le 10 ]; echo $?) \
  "exit $rc after $((SECONDS - start)) s: $(cat "$d/err3")"

# SIGKILL: blocks are flushed at least every second, so what came before stays readable
"$trd" -o "$d/k.trz" -- "$progs/syscall_storm" 1 100000000 >/dev/null 2>"$d/err4" &
trc=$!
pids+=($trc)
sleep 2.5
storm_pid=$(pgrep -P $trc)
kill -9 $trc
wait $trc 2>/dev/null
[ -n "$storm_pid" ] && kill -9 "$storm_pid" 2>/dev/null
json=$("$dump" -q --stats --json "$d/k.trz" 2>&1)
n=$(echo "$json" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
check "after SIGKILL the flushed blocks are readable (${n:-0} events)" $([ "${n:-0}" -gt 1000 ]; echo $?) "$json"
exit $fail
