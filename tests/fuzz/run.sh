#!/usr/bin/env bash
# Run every libFuzzer harness (build/fuzz/fuzz_NAME) for SECONDS each, one after the other.
# Usage: tests/fuzz/run.sh [--save] SECONDS [NAME...]
# The committed corpus (tests/fuzz/corpus/NAME) and crash inputs (tests/fuzz/crashes/NAME) are
# read, never written: new units go to a temporary directory.  Crashes, leaks, timeouts and
# out-of-memory inputs are reported (and with --save copied to tests/fuzz/crashes/NAME/ to be
# committed as regression inputs).  Prints one line per harness:
#   NAME seconds=S execs=N execs_per_s=N edges=N features=N crashes=N
# and exits 1 if anything was found.
set -u
save=0
[ "${1:-}" = --save ] && { save=1; shift; }
secs=${1:?usage: run.sh [--save] SECONDS [NAME...]}
shift
TOP=$(cd "$(dirname "$0")/../.." && pwd)
FZ=${FZ:-$TOP/build/fuzz}
names=("$@")
[ ${#names[@]} -gt 0 ] || for f in "$TOP"/tests/fuzz/fuzz_*.c; do
  n=$(basename "$f" .c); names+=("${n#fuzz_}")
done
found=0
for n in "${names[@]}"; do
  bin=$FZ/fuzz_$n
  [ -x "$bin" ] || { echo "$n: $bin not built (make tests)"; found=1; continue; }
  w=$(mktemp -d)
  mkdir -p "$w/new" "$w/art"
  dirs=("$w/new" "$TOP/tests/fuzz/corpus/$n")
  [ -d "$TOP/tests/fuzz/crashes/$n" ] && dirs+=("$TOP/tests/fuzz/crashes/$n")
  start=$SECONDS
  "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$w/art/" "${dirs[@]}" >"$w/log" 2>&1
  rc=$?
  el=$((SECONDS - start))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$w/log" | grep -o '[0-9]*$')
  eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$w/log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$w/log" | tail -n 1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$w/log" | tail -n 1 | grep -o '[0-9]*')
  arts=$(find "$w/art" -type f | wc -l)
  if [ "$arts" -gt 0 ] || [ $rc -ne 0 ]; then
    found=1
    grep -E '^==[0-9]+==ERROR|SUMMARY|invariant failed|runtime error' "$w/log" | head -n 5 | sed "s/^/$n: /"
    for a in "$w"/art/*; do
      [ -f "$a" ] || continue
      if [ $save = 1 ]; then
        mkdir -p "$TOP/tests/fuzz/crashes/$n"
        cp "$a" "$TOP/tests/fuzz/crashes/$n/"
        echo "$n: saved tests/fuzz/crashes/$n/$(basename "$a")"
      else
        echo "$n: found $(basename "$a") (run 'make fuzz' to save it)"
      fi
    done
    [ "$arts" -gt 0 ] || { echo "$n: exit $rc:"; tail -n 20 "$w/log" | sed "s/^/$n: /"; }
  fi
  echo "$n seconds=$el execs=${execs:-0} execs_per_s=${eps:-0} edges=${cov:-0} features=${ft:-0} crashes=$arts"
  rm -rf "$w"
done
exit $found
