#!/usr/bin/env bash
# bench-format.sh - bytes per event of the .trz format on real syscall traces.
#
#   scripts/bench-format.sh            (as root for the tracerecd traces; B=build by default)
#
# Measures (1) the LTTng many-threads trace imported with tracerec-import, against LTTng's own
# CTF bytes for the same trace, with writer variants (zlib level, block size) rewritten by
# tests/tools/trzcopy; (2) traces recorded by tracerecd of syscall-heavy workloads, 3 runs each,
# median.  Parts whose tool or data is missing are reported as skipped; if neither exists, a
# synthetic trace from tests/tools/trzgen is measured and labelled as such.  Writes the
# results between <!-- bench-format:begin --> and <!-- bench-format:end --> in BENCHMARKS.md.
# Env: B, TRACEREC_SHARED (default $TOP/../shared), RUNS (default 3).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
RUNS=${RUNS:-3}
make -C "$TOP" -s all tests >/dev/null
dump=$B/tracerec-dump
tmp=$(mktemp -d /tmp/bench-format.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/section.md

# json_field JSON NAME: a number from tracerec-dump --stats --json
json_field() { printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

{
  echo "## .trz format: bytes per event (scripts/bench-format.sh)"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -r), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg) at start; git $(git -C "$TOP" rev-parse --short HEAD)."
  echo "Timestamps dominate the size of a dense trace, and their jitter (so the size) grows with machine load."
  echo "bytes/event = whole .trz file (header, metadata, thread records, gaps included) / recorded"
  echo "syscall events (entries + exits).  Default writer: zlib level 6, 65536 records per block."
  echo
} >"$out"

# (1) LTTng many-threads, imported
lt=$SHARED/data/lttng/many-threads
if [ -x "$B/tracerec-import" ] && [ -d "$lt" ]; then
  lt_bytes=$(find "$lt" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  lt_events=240644   # babeltrace2 event count, /work/shared/data/lttng/README.md
  "$B/tracerec-import" lttng "$lt" -o "$tmp/mt.trz" -q
  js=$("$dump" --stats --json "$tmp/mt.trz")
  ev=$(json_field "$js" events)
  sz=$(json_field "$js" file_bytes)
  thr=$(json_field "$js" thread_records)
  {
    echo "### LTTng many-threads (real kernel trace, 8 CPUs, 8,030 threads, 0.43 s)"
    echo
    echo "| trace | bytes | events | bytes/event |"
    echo "|---|---|---|---|"
    printf '| LTTng CTF, all %s events (kernel + sched) | %s | %s | %.2f |\n' "$lt_events" "$lt_bytes" "$lt_events" "$(ratio "$lt_bytes" "$lt_events")"
    printf '| LTTng CTF per syscall event | %s | %s | %.2f |\n' "$lt_bytes" "$ev" "$(ratio "$lt_bytes" "$ev")"
    printf '| .trz import (syscalls + %s thread records) | %s | %s | **%.2f** |\n' "$thr" "$sz" "$ev" "$(awk -v a="$sz" -v b="$ev" 'BEGIN { print a / b }')"
    echo
    echo "Writer variants (same records rewritten with tests/tools/trzcopy):"
    echo
    echo "| zlib level | records/block | bytes | bytes/event |"
    echo "|---|---|---|---|"
  } >>"$out"
  for v in "1 65536" "6 4096" "6 65536" "6 262144" "9 65536" "9 262144"; do
    set -- $v
    "$B/tests/tools/trzcopy" "$tmp/mt.trz" "$tmp/mt2.trz" "$1" "$2"
    s=$(stat -c %s "$tmp/mt2.trz")
    printf '| %s | %s | %s | %.3f |\n' "$1" "$2" "$s" "$(awk -v a="$s" -v b="$ev" 'BEGIN { print a / b }')" >>"$out"
  done
  printf '\nOn disk the .trz import is %sx smaller than the CTF trace per syscall event.\n\n' \
    "$(ratio "$(ratio "$lt_bytes" "$ev")" "$(awk -v a="$sz" -v b="$ev" 'BEGIN { print a / b }')")" >>"$out"
  have=1
else
  echo "LTTng import: skipped ($B/tracerec-import or $lt missing)." >>"$out"; echo >>"$out"
fi

# (2) tracerecd traces of syscall-heavy workloads
if [ -x "$B/tracerecd" ] && [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
  {
    echo "### tracerecd traces (median of $RUNS runs; $("$B/tracerecd" --version 2>&1 | head -n 1))"
    echo
    echo "| workload | events | lost | bytes | bytes/event |"
    echo "|---|---|---|---|---|"
  } >>"$out"
  run_wl() { # NAME TRACERECD-OPTS -- COMMAND...
    local name=$1 opts=$2; shift 3
    : >"$tmp/bpe"
    for i in $(seq 1 "$RUNS"); do
      # shellcheck disable=SC2086
      "$B/tracerecd" -q $opts -o "$tmp/w.trz" -- "$@" >/dev/null 2>"$tmp/err" || {
        echo "bench-format: tracerecd failed on $name:" >&2; cat "$tmp/err" >&2; return 0; }
      js=$("$dump" --stats --json "$tmp/w.trz")
      echo "$(json_field "$js" bytes_per_event) $(json_field "$js" events) $(json_field "$js" lost_events) $(json_field "$js" file_bytes)" >>"$tmp/bpe"
    done
    sort -n "$tmp/bpe" | awk -v n="$name" '{ l[NR] = $0 } END { split(l[int((NR + 1) / 2)], f, " ");
      printf "| %s | %s | %s | %s | **%.3f** |\n", n, f[2], f[3], f[4], f[1] }' >>"$out"
  }
  run_wl "dd bs=1 count=200000 (read/write loop)" "" -- dd if=/dev/zero of=/dev/null bs=1 count=200000 status=none
  # speed of the library on the first (dense) trace: read alone, and read + re-encode
  cp "$tmp/w.trz" "$tmp/dense.trz"
  run_wl "same, with --args" "--args" -- dd if=/dev/zero of=/dev/null bs=1 count=200000 status=none
  [ -x "$TOP/scripts/workloads/dd-io.sh" ] && run_wl "scripts/workloads/dd-io.sh 16" "" -- "$TOP/scripts/workloads/dd-io.sh" 16
  [ -x "$TOP/scripts/workloads/gzip.sh" ] && run_wl "scripts/workloads/gzip.sh 8" "" -- "$TOP/scripts/workloads/gzip.sh" 8
  run_wl "find + xargs cat of 3000 files in /usr/share (many processes)" "" -- \
    sh -c 'find /usr/share -type f -print0 2>/dev/null | head -z -n 3000 | xargs -0 -n 100 cat >/dev/null 2>&1; true'
  echo >>"$out"
  if [ -f "$tmp/dense.trz" ]; then
    ev=$(json_field "$("$dump" --stats --json "$tmp/dense.trz")" events)
    for i in $(seq 1 "$RUNS"); do
      t0=$(date +%s%N); "$dump" --stats "$tmp/dense.trz" >/dev/null; t1=$(date +%s%N)
      "$B/tests/tools/trzcopy" "$tmp/dense.trz" "$tmp/copy.trz"; t2=$(date +%s%N)
      echo "$(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))"
    done >"$tmp/speed"
    rd=$(cut -d' ' -f1 "$tmp/speed" | median) rw=$(cut -d' ' -f2 "$tmp/speed" | median)
    printf 'Library speed on the dd trace (%s events, median of %s): read + decode + count %s ms (%.1f M events/s); read + decode + encode + write %s ms (%.1f M events/s).\n\n' \
      "$ev" "$RUNS" "$((rd / 1000))" "$(awk -v e="$ev" -v t="$rd" 'BEGIN { print e / t }')" \
      "$((rw / 1000))" "$(awk -v e="$ev" -v t="$rw" 'BEGIN { print e / t }')" >>"$out"
  fi
  have=1
else
  echo "tracerecd traces: skipped (needs $B/tracerecd, root and BTF)." >>"$out"; echo >>"$out"
fi

# (3) fallback: a synthetic stream, clearly labelled
if [ -z "${have:-}" ]; then
  "$B/tests/tools/trzgen" "$tmp/syn.trz" 500000
  js=$("$dump" --stats --json "$tmp/syn.trz")
  printf 'SYNTHETIC trace only (tests/tools/trzgen, 500000 events, 4 threads): %s bytes/event.\n\n' \
    "$(json_field "$js" bytes_per_event)" >>"$out"
fi
echo "Goal: at most 2 bytes per syscall event on a real syscall-heavy trace." >>"$out"

# Replace our section of BENCHMARKS.md
bm=$TOP/BENCHMARKS.md
[ -f "$bm" ] || printf '# tracerec benchmarks\n\nEach section is written by the script named in it.\n' >"$bm"
if ! grep -q '<!-- bench-format:begin -->' "$bm"; then
  printf '\n<!-- bench-format:begin -->\n<!-- bench-format:end -->\n' >>"$bm"
fi
awk -v f="$out" '
  /<!-- bench-format:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-format:end -->/ { skip = 0 }
  !skip' "$bm" >"$tmp/bm" && cat "$tmp/bm" >"$bm"
cat "$out"
