#!/usr/bin/env bash
# tracerec-dump on real traces (root, real eBPF): tests/progs/dump_calls traced with
# `tracerecd --args` prints its calls decoded as strace prints them (compared with strace's own
# output when strace is installed); -T shows the 20 ms sleep; -tt/-ttt give the wall clock of
# the run; a multi-CPU trace prints in time order.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

t0=$(date +%s)
"$trd" -q --args -o "$d/c.trz" -- "$progs/dump_calls" >"$d/out" 2>"$d/err"
check "tracerecd --args -- dump_calls" $? "$(cat "$d/err")"
t1=$(date +%s)
"$dump" -T "$d/c.trz" >"$d/c.txt" 2>"$d/err"
check "dump exit 0" $? "$(cat "$d/err")"
# the calls after the last execve are the program's own
sed -n '/exec pid/,$p' "$d/c.txt" >"$d/own.txt"
want=(
  'openat(AT_FDCWD, 0x[0-9a-f]+, O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory) <|openat(AT_FDCWD, "/nonexistent/tracerec-dump-test", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory) <'
  'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x[0-9a-f]+ <'
  'close(-1) = -1 EBADF (Bad file descriptor) <'
  'openat(AT_FDCWD, 0x[0-9a-f]+, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0640) = [0-9]+ <|openat(AT_FDCWD, 0x[0-9a-f]+, O_WRONLY|O_CREAT|O_APPEND, 0640) = [0-9]+ <|openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0640) = [0-9]+ <|openat(AT_FDCWD, "/dev/null", O_WRONLY|O_CREAT|O_APPEND, 0640) = [0-9]+ <'
  'lseek([0-9]+, 0, SEEK_END) = 0 <'
)
for w in "${want[@]}"; do
  pat=$(printf '%s' "$w" | sed -e 's/[()|]/\\&/g' -e 's/\\|openat/|openat/g')
  grep -qE " $pat" "$d/own.txt"
  check "decoded: ${w%% <*}" $? "$(grep -E ' (openat|mmap|close|lseek)\(' "$d/own.txt" | tail -n 6)"
done
grep -qE ' exit_group\([0-9]+\) = \?$' "$d/own.txt"
check "exit_group(0) = ? (never returns)" $? "$(grep exit_group "$d/own.txt")"
# -T: the 20 ms sleep
dur=$(grep -E ' (clock_nanosleep|nanosleep)\(' "$d/own.txt" | grep -oE '<[0-9.]+>$' | tr -d '<>' | head -n 1)
ok=$(awk -v x="${dur:-0}" 'BEGIN { print (x >= 0.019 && x < 1) ? 0 : 1 }')
check "-T shows the 20 ms sleep" "$ok" "got <$dur>"
# -ttt: seconds since the epoch, within the run
first=$("$dump" -ttt "$d/c.trz" | awk '$1 ~ /^[0-9]+\.[0-9]+$/ { print int($1); exit }')
check "-ttt is the wall clock of the run" $([ "${first:-0}" -ge $((t0 - 1)) ] && [ "${first:-0}" -le $((t1 + 1)) ]; echo $?) "$first not in $t0..$t1"
"$dump" -tt "$d/c.trz" | grep -qE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6} +[0-9]+ '
check "-tt HH:MM:SS.uuuuuu" $? ""

# the same program under strace: the same decoded lines (addresses masked; a path tracerecd
# --args read must be strace's, one it could not read is a pointer: tracerecd(8), STRING ARGUMENTS)
if command -v strace >/dev/null; then
  strace -o "$d/s.txt" "$progs/dump_calls" 2>/dev/null
  mask() { sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/ <[0-9.]+>$//' -e 's/ +/ /g' -e 's/ $//'; }
  for call in 'openat(AT_FDCWD, ' 'mmap(NULL, 8192' 'close(-1)' ', 0, SEEK_END)'; do
    s=$(grep -F "$call" "$d/s.txt" | tail -n 1 | sed -E 's/"[^"]*"/ADDR/' | mask)
    o=$(grep -F "$call" "$d/own.txt" | tail -n 1 | sed -E 's/^.{41}//' | sed -E 's/"[^"]*"/ADDR/' | mask)
    [ "$s" = "$o" ]
    check "same as strace: $call" $? "strace: $s | tracerec-dump: $o"
  done
  for p in $(grep -ohE '"/[a-z/-]+"' "$d/own.txt" | sort -u); do # paths read: strace's
    grep -qF "$p" "$d/s.txt"
    check "path $p as strace has it" $? "$(grep -F openat "$d/s.txt")"
  done
fi

# time order on a trace of several processes on several CPUs
"$trd" -q -o "$d/p.trz" -- sh -c "for i in 1 2 3 4; do $progs/syscall_storm 2 20000 >/dev/null & done; wait" >/dev/null 2>&1
n=$("$dump" "$d/p.trz" | awk '$1 ~ /^[0-9]+\.[0-9]+$/ { if ($1 < prev) n++; prev = $1 } END { print n + 0 }')
check "multi-CPU trace printed in time order" $([ "$n" -eq 0 ]; echo $?) "$n steps back"
# tracerecd -o - | tracerec-dump -: the calls decoded as they stream through the pipe
"$trd" -q --args -o - -- "$progs/dump_calls" 2>/dev/null | "$dump" - >"$d/pipe.txt" 2>"$d/perr"
rc=("${PIPESTATUS[@]}")
grep -qE ' close\(-1\) = -1 EBADF \(Bad file descriptor\)$' "$d/pipe.txt"
g=$?
check "tracerecd -o - | tracerec-dump -" $([ $g -eq 0 ] && [ "${rc[0]}" -eq 0 ] && [ "${rc[1]}" -eq 0 ] && [ ! -s "$d/perr" ]; echo $?) "exit ${rc[*]}, grep $g: $(cat "$d/perr")"

# --follow a trace while tracerecd writes it: the same lines as the finished file
"$trd" -q -o "$d/f.trz" -- sh -c 'for i in 1 2 3 4 5; do ls / >/dev/null; sleep 0.4; done' >/dev/null 2>&1 &
tpid=$!
for i in $(seq 50); do [ -s "$d/f.trz" ] && break; sleep 0.1; done
"$dump" --follow "$d/f.trz" >"$d/follow.txt" 2>"$d/ferr" &
fpid=$!
wait $tpid
sleep 1.5
kill -INT $fpid
wait $fpid
rc=$?
"$dump" "$d/f.trz" >"$d/final.txt"
check "--follow a live trace == the finished file" $([ $rc -eq 0 ] && cmp -s "$d/follow.txt" "$d/final.txt"; echo $?) "exit $rc, $(wc -l <"$d/follow.txt") of $(wc -l <"$d/final.txt") lines; $(cat "$d/ferr")"
exit $fail
