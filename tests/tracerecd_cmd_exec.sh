#!/usr/bin/env bash
# tracerecd -- CMD records the command from its execve on, like strace -f: the child's own
# setup between fork and exec (the priority and user switch, the wait for tracerecd's go byte)
# is not the command's and is not recorded.  The first event of the command's thread is the
# entry of its execve (tseq 1), with --args with its path and argv; accounting stays exact.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

for a in "" --args; do
  rm -f "$d/t.trz"
  "$trd" $a -o "$d/t.trz" -- /bin/sh -c 'exit 3' >/dev/null 2>"$d/err"
  rc=$?
  check "tracerecd $a -- sh: the command's status (3)" $([ $rc -eq 3 ]; echo $?) "exit $rc: $(cat "$d/err")"
  "$dump" -f csv "$d/t.trz" >"$d/t.csv"
  tid=$(awk -F, '$1 == "thread" && $20 ~ /^fork/ { print $5; exit }' "$d/t.csv")
  first=$(awk -F, -v t="$tid" '$1 == "event" && $5 == t { print $11, $7, $9 }' "$d/t.csv" | sort -n | head -n 1)
  check "tracerecd $a: the command's first event is its execve entry" \
    $([ "$first" = "1 execve entry" ]; echo $?) "tid $tid, first: $first"
  grep -q "invariant recorded + lost == attempted: holds per cpu, holds per thread" "$d/err"
  check "tracerecd $a: invariant holds" $? "$(cat "$d/err")"
done
"$dump" "$d/t.trz" | grep -qE 'execve\("/bin/sh", \["/bin/sh", "-c", "exit 3"\], 0x[0-9a-f]+\)'
check "--args: execve's path and argv" $? "$("$dump" "$d/t.trz" | grep -m1 execve)"
exit $fail
