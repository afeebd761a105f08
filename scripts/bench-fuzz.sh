#!/usr/bin/env bash
# bench-fuzz.sh - how hard the libFuzzer harnesses of tests/fuzz/ were exercised.
#
#   scripts/bench-fuzz.sh              FUZZ_S seconds per harness (default 600), one at a time
#   FUZZ_S=3600 scripts/bench-fuzz.sh trz trz_block    only these harnesses
#   RUN_LOG=FILE scripts/bench-fuzz.sh   write the section from an earlier run's output lines
#
# Runs tests/fuzz/run.sh (new units in a temporary directory; the committed corpus is only
# read) and writes, between <!-- bench-fuzz:begin --> and <!-- bench-fuzz:end --> in
# BENCHMARKS.md: per harness the seconds, executions, executions per second, edges and features
# covered at the end, and crashes found (saved under tests/fuzz/crashes/NAME/: commit them as
# regression inputs, then fix).  Goal: >= 10 M executions per harness, 0 crashes.
# Quote the machine load (printed, and written into the section): the machine is shared.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_S=${FUZZ_S:-600}
tmp=$(mktemp -d /tmp/bench-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/section.md
if [ -n "${RUN_LOG:-}" ]; then
  cp "$RUN_LOG" "$tmp/run"
  load0="(not recorded)"
  start=$(date -u -r "$RUN_LOG" +%Y-%m-%dT%H:%MZ)
  FUZZ_S=$(grep -o 'seconds=[0-9]*' "$tmp/run" | head -n 1 | cut -d= -f2)
else
  make -C "$TOP" -s tests >/dev/null
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date -u +%Y-%m-%dT%H:%MZ)
  set +e
  "$TOP/tests/fuzz/run.sh" --save "$FUZZ_S" "$@" | tee "$tmp/run"
  set -e
fi
load1=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  echo "## Fuzzing (scripts/bench-fuzz.sh)"
  echo
  echo "libFuzzer + ASan + UBSan harnesses of tests/fuzz/ (clang $(clang -dumpversion 2>/dev/null)),"
  echo "$FUZZ_S s each, one after the other, from the committed seed corpus; commit $commit, started"
  echo "$start on $(nproc) CPUs, load average $load0 before and $load1 after (the machine is shared:"
  echo "executions per second are bounded by the CPU time the harness got, not by the harness)."
  echo "Goal: >= 10 M executions per harness, 0 crashes."
  echo
  echo "| harness | seconds | executions | exec/s | edges | features | crashes | 10 M goal |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  awk '/ seconds=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "| %s | %s | %d | %d | %s | %s | %s | %s |\n", $1, v["seconds"], v["execs"],
           v["execs_per_s"], v["edges"], v["features"], v["crashes"],
           (v["execs"] >= 10000000 ? "met" : sprintf("**missed** (%.1f%%)", v["execs"] / 1e5)) }' "$tmp/run"
  echo
  echo "Harnesses: trz = the reader on raw bytes (trz_reader_open_mem) with every record printed"
  echo "in text/csv/jsonl and counted; trz_block = one block's payload behind framing the harness"
  echo "builds (zlib, both CRCs, timestamps), checked against the private decoder; npy, csv = the"
  echo "dataset readers (npy round trip through the writer); ckpt = the SSSD-S4 checkpoint loader,"
  echo "CRC fixed by the harness; ngram = the n-gram model file loader and an imputer built on it;"
  echo "fill = fill_trace_fd() on a fuzzed trace (n-gram, one thread, caps 2048/8192), output read"
  echo "back."
} >"$out"
bm=$TOP/BENCHMARKS.md
[ -f "$bm" ] || printf '# tracerec benchmarks\n\nEach section is written by the script named in it.\n' >"$bm"
if ! grep -q '<!-- bench-fuzz:begin -->' "$bm"; then
  printf '\n<!-- bench-fuzz:begin -->\n<!-- bench-fuzz:end -->\n' >>"$bm"
fi
awk -v f="$out" '
  /<!-- bench-fuzz:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-fuzz:end -->/ { skip = 0 }
  !skip' "$bm" >"$tmp/bm" && cat "$tmp/bm" >"$bm"
cat "$out"
