#!/usr/bin/env bash
# tracerec-dump on bad files: missing, empty, wrong magic, truncated, corrupt block, future
# version.  Each must give one clear message on stderr and the documented exit status
# (1 = cannot be read, 3 = damaged but readable part printed, 2 = usage), never a crash.
set -u
B=${B:-build}
dump=$B/tracerec-dump
gen=$B/tests/tools/trzgen
[ -x "$dump" ] && [ -x "$gen" ] || { echo "missing $dump or $gen (run make tests)"; exit 1; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail=0

# expect NAME WANT_RC STDERR_PATTERN [MIN_STDOUT_LINES] -- ARGS...
expect() {
  local name=$1 want=$2 pat=$3 minlines=$4; shift 5
  "$dump" "$@" >"$d/out" 2>"$d/err"
  local rc=$? lines
  lines=$(wc -l <"$d/out")
  if [ $rc -ge 128 ]; then
    echo "FAIL $name: killed by signal (exit $rc)"; fail=1; return
  fi
  if [ $rc -ne "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; sed 's/^/  | /' "$d/err"; fail=1; return
  fi
  if ! head -n 1 "$d/err" | grep -qE -- "$pat"; then
    echo "FAIL $name: stderr lacks /$pat/:"; sed 's/^/  | /' "$d/err"; fail=1; return
  fi
  if [ "$(grep -c '' "$d/err")" -ne 1 ]; then
    echo "FAIL $name: want exactly one stderr line:"; sed 's/^/  | /' "$d/err"; fail=1; return
  fi
  if ! grep -q "^tracerec-dump: " "$d/err"; then
    echo "FAIL $name: message not prefixed by the tool name"; fail=1; return
  fi
  if [ "$lines" -lt "$minlines" ]; then
    echo "FAIL $name: only $lines stdout lines, want >= $minlines"; fail=1; return
  fi
  echo "ok   $name: exit $rc: $(head -n 1 "$d/err")"
}

"$gen" "$d/good.trz" 3000 500 || { echo "trzgen failed"; exit 1; }
size=$(stat -c %s "$d/good.trz")
full=$("$dump" "$d/good.trz" | wc -l)
[ "$full" -gt 1500 ] || { echo "FAIL good file: only $full lines"; exit 1; }
"$dump" "$d/good.trz" >/dev/null 2>"$d/err" || { echo "FAIL good file: exit $?"; exit 1; }
[ ! -s "$d/err" ] || { echo "FAIL good file wrote to stderr"; cat "$d/err"; exit 1; }

expect missing 1 "nonexistent.trz.*No such file" 0 -- "$d/nonexistent.trz"
: >"$d/empty.trz"
expect empty 1 "empty.trz: empty file" 0 -- "$d/empty.trz"
printf 'hello, this is not a trace at all\n' >"$d/text.trz"
expect wrong-magic 1 "text.trz: not a trz file \(bad magic\)" 0 -- "$d/text.trz"
expect directory 1 "is a directory" 0 -- "$d"

cp "$d/good.trz" "$d/future.trz"
printf '\x07' | dd of="$d/future.trz" bs=1 seek=8 conv=notrunc status=none
expect future-version 1 "unsupported trz version 7" 0 -- "$d/future.trz"

head -c $((size - 100)) "$d/good.trz" >"$d/trunc.trz"
expect truncated 3 "trunc.trz: truncated block at offset [0-9]+" 2500 -- "$d/trunc.trz"
expect truncated-stats 3 "truncated block" 1 -- --stats --json "$d/trunc.trz"
grep -q '"truncated":true' "$d/out" || { echo "FAIL truncated-stats: no \"truncated\":true"; fail=1; }

# corrupt one byte in the middle of the file: that block is skipped, the rest printed
cp "$d/good.trz" "$d/corrupt.trz"
printf '\xff' | dd of="$d/corrupt.trz" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect corrupt-block 3 "corrupt.trz: corrupt block.* at offset [0-9]+" 2000 -- "$d/corrupt.trz"
n=$(wc -l <"$d/out")
[ "$n" -lt "$full" ] || { echo "FAIL corrupt-block: nothing skipped ($n lines)"; fail=1; }
"$dump" -q --stats --json "$d/corrupt.trz" >"$d/out" 2>"$d/err"
rc=$?
if [ $rc -ne 3 ] || [ -s "$d/err" ] || ! grep -q '"blocks_bad":1' "$d/out"; then
  echo "FAIL corrupt-quiet-stats: exit $rc (want 3), stderr $(cat "$d/err"), $(cat "$d/out")"; fail=1
else
  echo "ok   corrupt-quiet-stats: exit 3, silent, blocks_bad 1"
fi

# usage errors
expect no-file 2 "missing FILE" 0 --
expect bad-format 2 "unknown format 'xml'" 0 -- --format xml "$d/good.trz"
expect bad-tid 2 "invalid --tid 'abc'" 0 -- --tid abc "$d/good.trz"
expect json-alone 2 "--json goes with --stats" 0 -- --json "$d/good.trz"
expect export-no-out 2 "--export needs -o" 0 -- --export npy "$d/good.trz"
expect bad-option 2 "unknown option '--frobnicate'" 0 -- --frobnicate "$d/good.trz"
exit $fail
