# Shared by the tracerecd end-to-end tests (sourced, not run).
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
trd=$B/tracerecd
dump=$B/tracerec-dump
progs=$B/tests/progs
fail=0
check() { # NAME STATUS(0 = ok) DETAIL
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi
}
need_root_btf() {
  [ "$(id -u)" -eq 0 ] || { echo "skip: needs root (real eBPF)"; exit 77; }
  [ -r /sys/kernel/btf/vmlinux ] || { echo "skip: kernel without BTF"; exit 77; }
  [ -x "$trd" ] || { echo "skip: $trd not built"; exit 77; }
}
# Per-thread event sequence of TID from a csv dump, in tseq order: "syscall:dir:ret" lines.
thread_seq() { # CSV TID
  awk -F, -v t="$2" '$1 == "event" && $5 == t { print $11, $7 ":" $9 ":" $10 }' "$1" |
    sort -n | cut -d' ' -f2
}
# The expected sequence of one syscall_pattern actor running K iterations.
expected_seq() { # K
  local i
  for i in 1 2 3; do echo "getppid:entry:"; echo "getppid:exit:X"; done
  for ((i = 0; i < $1; i++)); do
    echo "openat:entry:"; echo "openat:exit:X"; echo "read:entry:"; echo "read:exit:64"
    echo "close:entry:"; echo "close:exit:0"
  done
  for i in 1 2 3; do echo "getppid:entry:"; echo "getppid:exit:X"; done
}
# From the first getppid entry to the last getppid exit; returns of getppid/openat masked.
marked_span() {
  awk '/^getppid:entry/ && !s { s = 1 } s { print } ' | tac |
    awk '/^getppid:exit/ && !s { s = 1 } s { print }' | tac |
    sed -e 's/^\(getppid:exit:\).*/\1X/' -e 's/^\(openat:exit:\)[0-9][0-9]*$/\1X/'
}
# Check the three actors of a syscall_pattern run (its stdout: "tid K" lines) in CSV.
check_pattern_actors() { # OUT CSV
  local n=0 tid k got want
  while read -r tid k; do
    n=$((n + 1))
    got=$(thread_seq "$2" "$tid" | marked_span)
    want=$(expected_seq "$k")
    [ "$got" = "$want" ]
    check "tid $tid: recorded sequence = expected ($k x openat/read/close between markers)" $? \
      "$(diff <(echo "$want") <(echo "$got") | head -5)"
    # no gap anywhere in the thread: tseq 1..max, each once
    awk -F, -v t="$tid" '$1 == "event" && $5 == t { n++; if ($11 > m) m = $11 } END { exit !(n == m && n > 0) }' "$2"
    check "tid $tid: tseq contiguous from 1" $? "events vs max tseq differ"
  done < "$1"
  [ $n -eq 3 ]
  check "three actors (2 threads + child process) reported" $? "got $n"
}
