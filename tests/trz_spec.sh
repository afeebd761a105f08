#!/usr/bin/env bash
# man/trz.5 is enough to write a reader: tests/trz_spec_reader.py, written from the man page
# alone, must read exactly the records tracerec-dump reads, from a clean, a corrupted and a
# truncated file.  Skips (77) when python3 is not installed.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
spec="python3 $TOP/tests/trz_spec_reader.py"
fail=0
"$B/tests/tools/trzgen" "$d/t.trz" 20000 4000 7 1 || exit 1 # with string arguments
size=$(stat -c %s "$d/t.trz")
cp "$d/t.trz" "$d/bad.trz"
printf '\x5a' | dd of="$d/bad.trz" bs=1 seek=$((size / 3)) conv=notrunc status=none
printf 'JUNK' | dd of="$d/bad.trz" bs=1 seek=$((size * 2 / 3)) conv=notrunc status=none
head -c $((size - 77)) "$d/t.trz" >"$d/cut.trz"
for f in t bad cut; do
  $spec "$d/$f.trz" >"$d/spec.txt" 2>"$d/spec.err"
  "$B/tracerec-dump" -q --order file --format jsonl "$d/$f.trz" | $spec --jsonl >"$d/dump.txt"
  n=$(wc -l <"$d/spec.txt")
  [ $f = t ] && total=$n
  if [ "$n" -lt 1000 ]; then
    echo "FAIL $f: spec reader read only $n records"; cat "$d/spec.err"; fail=1
  elif ! cmp -s "$d/spec.txt" "$d/dump.txt"; then
    echo "FAIL $f: readers disagree"; diff "$d/spec.txt" "$d/dump.txt" | head -n 10; fail=1
  else
    echo "ok   $f.trz: both readers agree on $n records ($(wc -l <"$d/spec.err") warnings)"
  fi
  if [ $f != t ] && { [ "$n" -ge "$total" ] || [ ! -s "$d/spec.err" ]; }; then
    echo "FAIL $f: the damage went unnoticed"; fail=1
  fi
done
exit $fail
