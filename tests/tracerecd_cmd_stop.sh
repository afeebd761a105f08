#!/usr/bin/env bash
# tracerecd -- COMMAND stopped while the command still runs: --duration expiring exits 124,
# SIGTERM to tracerecd alone exits 143; either way stderr names the command and its pid as
# "still running, no longer traced" (also with -q), the command really is still running, and
# the trace up to then is complete and readable.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
kids=
trap 'for p in $kids; do kill "$p" 2>/dev/null; done; rm -rf "$d"' EXIT

# still_running NAME STDERR SIGNAL-WORDS: the message, and the pid it names is alive
still_running() {
  local name=$1 err=$2 why=$3 pid
  pid=$(sed -n 's/^tracerecd: sleep (pid \([0-9]*\)) still running, no longer traced: \(.*\)$/\1/p' "$err")
  grep -qE "^tracerecd: sleep \(pid [0-9]+\) still running, no longer traced: $why$" "$err"
  check "$name: stderr names the command and its pid" $? "$(cat "$err")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = sleep ]
  check "$name: pid ${pid:-?} is the command, still running" $? "$(ps -o pid,comm -p "${pid:-1}" 2>&1)"
  kids="$kids $pid"
}

# --duration expires first
start=$SECONDS
"$trd" -o "$d/d.trz" -d 1 -- sleep 20 >/dev/null 2>"$d/err"
rc=$?
[ $rc -eq 124 ] && [ $((SECONDS - start)) -lt 10 ]
check "-d 1 -- sleep 20: exit 124 after about 1 s" $? "exit $rc after $((SECONDS - start)) s: $(cat "$d/err")"
still_running "-d" "$d/err" "--duration expired"
"$dump" -q --stats --json "$d/d.trz" | grep -q '"blocks_bad":0,"truncated":false'
check "-d: the trace is complete" $? "$("$dump" --stats --json "$d/d.trz" 2>&1)"

# -q: the summary goes, the warning stays
"$trd" -q -o "$d/q.trz" -d 0.5 -- sleep 20 >/dev/null 2>"$d/err"
rc=$?
[ $rc -eq 124 ] && [ "$(grep -c '' "$d/err")" -eq 1 ]
check "-q -d: exit 124, one line" $? "exit $rc: $(cat "$d/err")"
still_running "-q" "$d/err" "--duration expired"

# SIGTERM to tracerecd only (the command does not get it): 128 + 15
"$trd" -o "$d/t.trz" -- sleep 20 >/dev/null 2>"$d/err" &
trpid=$!
for _ in $(seq 50); do grep -q "tracing sleep" "$d/err" 2>/dev/null && break; sleep 0.1; done
kill -TERM $trpid
wait $trpid
rc=$?
[ $rc -eq 143 ]
check "SIGTERM to tracerecd: exit 143" $? "exit $rc: $(cat "$d/err")"
still_running "SIGTERM" "$d/err" "tracerecd got SIGTERM"

# the command exiting first is unchanged: its status, no such message
"$trd" -o "$d/e.trz" -d 30 -- sh -c 'exit 3' >/dev/null 2>"$d/err"
rc=$?
[ $rc -eq 3 ] && ! grep -q "still running" "$d/err" && grep -q "^tracerecd: sh exited with status 3$" "$d/err"
check "command exits before -d: its status (3), no warning" $? "exit $rc: $(cat "$d/err")"
exit $fail
