#!/usr/bin/env bash
# Pair mode (one ring record per completed syscall, collector.h): entries that wait for their
# exit are not lost.  A thread blocked in read(2) when tracerecd stops (--duration) keeps its
# read entry as its last event; a process killed (SIGALRM) while a thread is blocked in read
# keeps that entry and its exit records; a blocking syscall's entry carries its entry time, not
# its exit's (nanosleep of 300 ms).  Every run: the invariants hold per cpu and per thread.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
invariants() { # NAME ERR
  grep -q "holds per cpu, holds per thread" "$2"
  check "$1: recorded + lost == attempted per cpu and per thread" $? "$(cat "$2")"
}

# blocked at stop: tracerecd stops after 1 s, the reader is still in read
"$trd" -o "$d/a.trz" -d 1 -- "$progs/blocker" read >"$d/a.tid" 2>"$d/a.err"
rc=$?
check "blocked at stop: tracerecd exits 124 (--duration)" $([ $rc -eq 124 ]; echo $?) "exit $rc: $(cat "$d/a.err")"
"$dump" --format csv "$d/a.trz" >"$d/a.csv"
tid=$(head -1 "$d/a.tid")
last=$(thread_seq "$d/a.csv" "$tid" | tail -1)
check "blocked at stop: reader $tid's last event is its read entry ($last)" \
  $([ "$last" = "read:entry:" ]; echo $?) "$(thread_seq "$d/a.csv" "$tid" | tail -5 | tr '\n' ' ')"
invariants "blocked at stop" "$d/a.err"

# killed while blocked: SIGALRM after 0.5 s ends the process, tracerecd stops with it
"$trd" -o "$d/b.trz" -- "$progs/blocker" kill >"$d/b.tid" 2>"$d/b.err"
"$dump" --format csv "$d/b.trz" >"$d/b.csv"
tid=$(head -1 "$d/b.tid")
thread_seq "$d/b.csv" "$tid" | grep -q '^read:entry:$'
check "killed while blocked: reader $tid has its read entry" $? "$(thread_seq "$d/b.csv" "$tid" | tail -5 | tr '\n' ' ')"
awk -F, -v t="$tid" '$1 == "thread" && $5 == t && $20 ~ /^exit/ { f = 1 } END { exit !f }' "$d/b.csv"
check "killed while blocked: reader $tid has its exit record" $? "$(grep "^thread" "$d/b.csv")"
invariants "killed while blocked" "$d/b.err"

# entry time of a blocking syscall: nanosleep(300 ms) spans >= 250 ms from entry to exit
"$trd" -o "$d/c.trz" -- "$progs/blocker" sleep >"$d/c.tid" 2>"$d/c.err"
"$dump" --format csv "$d/c.trz" >"$d/c.csv"
tid=$(head -1 "$d/c.tid")
span=$(awk -F, -v t="$tid" '$1 == "event" && $5 == t && $7 == "nanosleep" { ts[$9] = $2 }
  END { if (("entry" in ts) && ("exit" in ts)) print ts["exit"] - ts["entry"]; else print -1 }' "$d/c.csv")
check "nanosleep 300 ms: exit - entry = $span ns >= 250 ms" $([ "$span" -ge 250000000 ]; echo $?) \
  "$(grep nanosleep "$d/c.csv")"
invariants "nanosleep" "$d/c.err"
exit $fail
