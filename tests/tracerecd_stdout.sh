#!/usr/bin/env bash
# tracerecd -o - writes the trace to standard output: `tracerecd -o - -- CMD | tracerec-dump -`
# gives the exact per-thread sequences of a known program, no file named "-" is created, the
# command's own standard output goes to standard error (never into the trace stream), a reader
# that goes away stops tracing cleanly (exit 1, "Broken pipe"), a terminal is refused.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
N=25

# the pipeline: the command's stdout ("tid K" lines) arrives on tracerecd's stderr
T=$(realpath "$trd") D=$(realpath "$dump") P=$(realpath "$progs")
(cd "$d" && "$T" -o - -- "$P/syscall_pattern" $N 2>"$d/err" |
  "$D" --format csv - >"$d/p.csv" 2>"$d/dump.err"
  echo "${PIPESTATUS[*]}" >"$d/rc")
read -r rc_trd rc_dump <"$d/rc"
[ "$rc_trd" = 0 ] && [ "$rc_dump" = 0 ] && [ ! -s "$d/dump.err" ]
check "tracerecd -o - -- syscall_pattern | tracerec-dump -: both exit 0" $? \
  "tracerecd $rc_trd, dump $rc_dump: $(cat "$d/err" "$d/dump.err" | head -5)"
grep -E '^[0-9]+ [0-9]+$' "$d/err" >"$d/out"
check "the command's stdout went to stderr" $([ "$(wc -l <"$d/out")" -eq 3 ]; echo $?) "$(cat "$d/err")"
check_pattern_actors "$d/out" "$d/p.csv"
[ ! -e "$d/-" ]
check "no file named '-'" $? "$(ls -la "$d")"
grep -q "^tracerecd: .*output standard output [0-9.]* KiB" "$d/err"
check "summary names standard output and its size" $? "$(grep output "$d/err")"

# a regular file through -o - (shell redirection) is a complete trace
"$trd" -q -o - -- "$progs/syscall_pattern" 2 >"$d/r.trz" 2>/dev/null
json=$("$dump" --stats --json "$d/r.trz" 2>&1)
echo "$json" | grep -q '"blocks_bad":0,"truncated":false' && echo "$json" | grep -q '"gaps":0,'
check "-o - > FILE: a complete trace" $? "$json"

# the reader goes away: EPIPE, tracing stops cleanly, no hang
start=$SECONDS
timeout 60 "$trd" -o - -- "$progs/syscall_storm" 1 100000000 2>"$d/err2" | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 1 ] && grep -q "^tracerecd: writing standard output: Broken pipe: recording stopped; " "$d/err2"
check "reader gone: exit 1, 'Broken pipe', after $((SECONDS - start)) s" $? "exit $rc: $(head -3 "$d/err2")"

# a terminal is no place for a binary trace
if command -v script >/dev/null; then
  script -qec "$trd -o - -- true" /dev/null >"$d/tty" 2>&1
  rc=$?
  [ $rc = 2 ] && grep -q "tracerecd: -o -: standard output is a terminal" "$d/tty"
  check "-o - on a terminal: usage error" $? "exit $rc: $(head -3 "$d/tty")"
fi
exit $fail
