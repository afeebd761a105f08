#!/usr/bin/env bash
# tracerecd -- CMD on tests/progs/syscall_pattern (a known syscall sequence in 2 threads and a
# child process): the recorded per-thread sequences equal the expected ones exactly, threads
# and child included, no gaps; file mode 0600; process records; the command's exit status.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
N=25

"$trd" -o "$d/p.trz" -- "$progs/syscall_pattern" $N >"$d/out" 2>"$d/err"
rc=$?
check "tracerecd -- syscall_pattern exits 0" $rc "exit $rc: $(cat "$d/err")"
"$dump" --format csv "$d/p.trz" >"$d/p.csv"
check "tracerec-dump reads the trace" $? ""
check_pattern_actors "$d/out" "$d/p.csv"

json=$("$dump" --stats --json "$d/p.trz")
for kv in gaps:0 lost_events:0 blocks_bad:0 truncated:false; do
  echo "$json" | grep -q "\"${kv%%:*}\":${kv#*:}[,}]"
  check "stats ${kv%%:*} = ${kv#*:}" $? "$json"
done
# process records: the child process and both threads were seen being created
main=$(awk -F, '$1 == "thread" && $20 ~ /^exec/ { print $4; exit }' "$d/p.csv")
for tid in $(cut -d' ' -f1 "$d/out"); do
  grep -q "^thread,[0-9]*,,[0-9]*,$tid,.*,fork ppid=$main " "$d/p.csv"
  check "fork record for $tid (creator pid $main)" $? "$(grep '^thread' "$d/p.csv" | head)"
done
check "file mode 0600" $([ "$(stat -c %a "$d/p.trz")" = 600 ]; echo $?) "$(stat -c %a "$d/p.trz")"
grep -q "invariant recorded + lost == attempted: holds per cpu, holds per thread" "$d/err"
check "summary: invariant holds" $? "$(cat "$d/err")"
grep -q "^meta,.*cpu_accounting=cpu0 attempted=" "$d/p.csv"
check "per-cpu accounting in the trace" $? ""

# the command's exit status is tracerecd's
"$trd" -q -o "$d/f.trz" -- /bin/sh -c 'exit 7' 2>"$d/err"
rc=$?
check "exit status of the command propagated (7)" $([ $rc -eq 7 ]; echo $?) "exit $rc: $(cat "$d/err")"

# consecutive recorded events of a thread pair up (entry -> exit of the same syscall, exit ->
# entry), signal handlers included: rt_sigreturn's exit is reported as rt_sigreturn
"$trd" -q -o "$d/sig.trz" -- /bin/sh -c 'trap ":" USR1; kill -USR1 $$; kill -USR1 $$; ls / >/dev/null' \
  >/dev/null 2>"$d/err"
"$dump" --format csv "$d/sig.trz" >"$d/sig.csv"
res=$(awk -F, '$1 == "event" { print $5, $11, $7, $9 }' "$d/sig.csv" | sort -k1,1n -k2,2n |
  awk '{ if ($1 == tid && $2 == seq + 1) { pairs++
           if (dir == "entry" && ($4 != "exit" || $3 != sc) && sc != "exit_group" && sc != "exit") bad++
           if (dir == "exit" && $4 != "entry") bad++ }
         tid = $1; seq = $2; sc = $3; dir = $4 }
       END { print pairs + 0, bad + 0 }')
set -- $res
check "recorded entry/exit pairs consistent ($1 pairs)" $([ "$1" -gt 100 ] && [ "$2" -eq 0 ]; echo $?) "$2 bad"
grep -q "^event,.*,rt_sigreturn,15,exit," "$d/sig.csv"
check "rt_sigreturn exit recorded as rt_sigreturn" $? "$(grep -c rt_sigreturn "$d/sig.csv") rt_sigreturn events"

# --args: raw arguments of entries (openat(AT_FDCWD, "/dev/zero", O_RDONLY|O_CLOEXEC) here;
# AT_FDCWD is passed by syscall() as an int, so only its low 32 bits are certain)
"$trd" -q --args -o "$d/a.trz" -- "$progs/syscall_pattern" 2 >"$d/out" 2>"$d/err"
"$dump" --format csv "$d/a.trz" >"$d/a.csv"
tid=$(head -1 "$d/out" | cut -d' ' -f1)
args=$(awk -F, -v t="$tid" '$1 == "event" && $5 == t && $7 == "openat" && $9 == "entry" { print $13; exit }' "$d/a.csv")
set -- $args
[ $# -eq 6 ] && [ "${1%ffffff9c}" != "$1" ] && [ "$3" = 0x80000 ] && [ "$2" != 0 ]
check "--args: openat entry carries (AT_FDCWD, path, O_RDONLY|O_CLOEXEC, ...)" $? "args: '$args'"
awk -F, '$1 == "event" && $9 == "exit" && $13 != "" { bad = 1 } END { exit bad }' "$d/a.csv"
check "--args: exits carry no arguments" $? ""

# under sudo (SUDO_UID/SUDO_GID set) the command runs as the invoking user and the trace is
# theirs; --as-root keeps root
# (the trace is created with the invoking user's rights: in a directory they may write)
ud="$d/user" && mkdir "$ud" && chown 65534:65534 "$ud" && chmod 755 "$d"
SUDO_UID=65534 SUDO_GID=65534 "$trd" -q -o "$ud/s.trz" -- id -u >"$d/id" 2>"$d/err"
check "under sudo the command runs as SUDO_UID" $([ "$(cat "$d/id")" = 65534 ]; echo $?) \
  "id -u: $(cat "$d/id"), $(cat "$d/err")"
check "under sudo the trace belongs to SUDO_UID" $([ "$(stat -c %u:%a "$ud/s.trz")" = 65534:600 ]; echo $?) \
  "$(stat -c %u:%a "$ud/s.trz")"
SUDO_UID=65534 SUDO_GID=65534 "$trd" -q --as-root -o "$ud/r.trz" -- id -u >"$d/id" 2>"$d/err"
check "--as-root runs the command as root" $([ "$(cat "$d/id")" = 0 ]; echo $?) "$(cat "$d/id")"
exit $fail
