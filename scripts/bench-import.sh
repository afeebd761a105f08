#!/usr/bin/env bash
# Import speed of tracerec-import on the shared real traces and datasets: median wall time of
# 5 runs, events per second, output size.  Writes its section of BENCHMARKS.md.
# Usage: scripts/bench-import.sh   (after `make`; B=build, TRACEREC_SHARED as for the tests)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
IMPORT=$B/tracerec-import
DUMP=$B/tracerec-dump
RUNS=5
[ -x "$IMPORT" ] && [ -x "$DUMP" ] || { echo "bench-import: build first (make)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median_time CMD...: median wall seconds of RUNS runs
median_time() {
  local i t0 t1
  for i in $(seq $RUNS); do
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
jget() { grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2; }

row() {  # row NAME FORMAT INPUT UNITS_IN
  local name=$1 fmt=$2 in=$3 t ev bytes
  t=$(median_time "$IMPORT" "$fmt" "$in" -o "$tmp/out.trz" -q)
  "$IMPORT" "$fmt" "$in" -o "$tmp/out.trz" -q
  ev=$("$DUMP" --stats --json "$tmp/out.trz" | jget events)
  bytes=$(stat -c %s "$tmp/out.trz")
  printf '| %s | %s | %s | %.3f | %.0f | %s | %.2f |\n' "$name" "$fmt" "$4" "$t" \
    "$(echo "$ev / $t" | bc -l)" "$bytes" "$(echo "$bytes / $ev" | bc -l)"
}

{
  echo "Machine: $(nproc) CPUs, $(uname -r), load average $(cut -d" " -f1 /proc/loadavg) at start; $(date -u +%Y-%m-%d). Median of $RUNS runs."
  echo
  echo "| input | format | input size | wall s | trz events/s | output bytes | bytes/event |"
  echo "|---|---|---|---|---|---|---|"
  mt=$SHARED/data/lttng/many-threads
  row "many-threads (240,644 CTF events)" lttng "$mt" "$(du -sb "$mt" | cut -f1) B"
  npy=$SHARED/datasets/pts/compress-gzip/len50/train.npy
  row "compress-gzip len50 train (10,000 windows)" npy "$npy" "$(stat -c %s "$npy") B"
} > "$tmp/section"
cat "$tmp/section"

# Replace this script's section of BENCHMARKS.md (created if missing)
md=$TOP/BENCHMARKS.md
[ -f "$md" ] || printf '# Benchmarks\n\nEach section is written by its scripts/bench-*.sh.\n' > "$md"
if ! grep -q '<!-- bench-import:begin -->' "$md"; then
  printf '\n## Import (scripts/bench-import.sh)\n\n<!-- bench-import:begin -->\n<!-- bench-import:end -->\n' >> "$md"
fi
awk -v f="$tmp/section" '
  /<!-- bench-import:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-import:end -->/ { skip = 0 }
  !skip' "$md" > "$tmp/md" && cp "$tmp/md" "$md"
