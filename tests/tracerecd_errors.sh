#!/usr/bin/env bash
# Bad invocations of tracerecd: each prints one line naming the problem and exits with its
# documented status (man/tracerecd.8, EXIT STATUS).  Disk full keeps what was recorded.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
chmod 755 "$d"
mnt=
cleanup() { [ -n "$mnt" ] && umount "$mnt" 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT

expect() { # NAME STATUS REGEX -- ARGS...  (runs tracerecd in $d)
  local name=$1 want=$2 re=$3
  shift 4
  (cd "$d" && "$@") >"$d/stdout" 2>"$d/stderr"
  local rc=$?
  local lines
  lines=$(wc -l <"$d/stderr")
  [ $rc -eq "$want" ] && grep -qE "$re" "$d/stderr" && [ "$lines" -eq 1 ]
  check "$name: exit $want, one line /$re/" $? "exit $rc, stderr: $(head -3 "$d/stderr")"
}
T=$(realpath "$trd")
cp "$T" "$d/tracerecd" && chmod 755 "$d/tracerecd"

expect "not root" 4 "^tracerecd: need root, or CAP_BPF and CAP_PERFMON" -- \
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$d/tracerecd" -o x.trz -- true
absent=4194000
while kill -0 $absent 2>/dev/null; do absent=$((absent + 1)); done
expect "absent pid" 5 "^tracerecd: pid $absent not found$" -- "$T" -o x.trz --pid $absent
expect "pid list with a bad entry" 2 "^tracerecd: invalid pid 'abc'" -- "$T" -o x.trz --pid 1,abc
expect "missing command" 127 "^tracerecd: command not found: no-such-command-tracerec$" -- \
  "$T" -o x.trz -- no-such-command-tracerec
expect "missing command path" 127 "^tracerecd: command not found: /nonexistent/cmd$" -- \
  "$T" -o x.trz -- /nonexistent/cmd
touch "$d/noexec"; chmod 644 "$d/noexec"
expect "command not executable" 126 "^tracerecd: command not executable: ./noexec$" -- \
  "$T" -o x.trz -- ./noexec
expect "unknown option" 2 "^tracerecd: .*--bogus.* \(see --help\)" -- "$T" --bogus -- true
expect "bad --buffer-size" 2 "^tracerecd: invalid --buffer-size 'lots'" -- "$T" -b lots -- true
expect "bad --duration" 2 "^tracerecd: invalid --duration '-1'" -- "$T" --duration=-1 --all
expect "no target" 2 "^tracerecd: choose exactly one of --pid PID, --all or -- COMMAND" -- "$T" -o x.trz
expect "two targets" 2 "^tracerecd: choose exactly one" -- "$T" --all --pid 1
expect "unwritable output" 1 "^tracerecd: cannot create /nonexistent/x.trz: No such file or directory$" -- \
  "$T" -o /nonexistent/x.trz -- true
(cd "$d" && "$T" --help) | grep -q -- "--buffer-size"
check "--help exits 0 and lists the options" $? ""
"$T" --version | grep -qE '^tracerecd \(tracerec\) [0-9]+\.[0-9]+'
check "--version" $? ""

# Disk full: a 256 KiB tmpfs fills during a storm.  One message names the problem and says
# that the command keeps running; exit 1; the file ends with its last complete block (no
# partial block: not truncated, nothing corrupt), readable, and marked incomplete.
mkdir "$d/small"
if mount -t tmpfs -o size=256k tmpfs "$d/small" 2>/dev/null; then
  mnt=$d/small
  "$T" -o "$d/small/f.trz" -- "$progs/syscall_storm" 1 100000000 >/dev/null 2>"$d/stderr"
  rc=$?
  re="^tracerecd: writing $d/small/f.trz: No space left on device: recording stopped \(the file ends with its last complete block\); .*syscall_storm (\(pid [0-9]*\) keeps running, untraced|exited with status 0)$"
  [ $rc -eq 1 ] && grep -Eq "$re" "$d/stderr" && [ "$(grep -c . "$d/stderr")" -le 2 ]
  check "disk full: exit 1, one message saying what became of the command" $? "exit $rc: $(head -3 "$d/stderr")"
  storm=$(sed -n 's/.*(pid \([0-9]*\)) keeps running.*/\1/p' "$d/stderr")
  [ -n "$storm" ] && kill -0 "$storm" 2>/dev/null
  check "disk full: the command still runs (pid ${storm:-?})" $? "$(cat "$d/stderr")"
  [ -n "$storm" ] && kill -9 "$storm" 2>/dev/null
  json=$("$dump" --stats --json "$d/small/f.trz" 2>&1)
  n=$(echo "$json" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
  check "disk full: recorded blocks still readable (${n:-0} events)" $([ "${n:-0}" -gt 0 ]; echo $?) "$json"
  echo "$json" | grep -q '"blocks_bad":0,"truncated":false'
  check "disk full: no partial block at the end" $? "$json"
  echo "$json" | grep -q '"complete":false'
  check "disk full: trace marked incomplete" $? "$json"
else
  echo "note: cannot mount a tmpfs here, disk-full case not run"
fi
exit $fail
