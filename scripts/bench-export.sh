#!/usr/bin/env bash
# Viewer exports of tracerec-dump: bytes per event and events/s of --export chrome-json,
# --export perfetto and --svg (the text dump beside them for scale), on a large trace made by
# tests/tools/trzgen (EVENTS events, default 10,000,000; 4 threads, one gap partly repaired),
# median of RUNS runs (default 3) each, peak memory (RSS); and on a real one when run as root:
# `make -j2` of a small generated C project recorded with a 16 KiB ring per CPU and repaired.
# Writes its section of BENCHMARKS.md (between <!-- bench-export:begin --> and :end -->).
# Usage: scripts/bench-export.sh   (B=build, EVENTS, RUNS)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
EVENTS=${EVENTS:-10000000}
RUNS=${RUNS:-3}
cd "$TOP"
dump=$B/tracerec-dump
tmp=$(mktemp -d /tmp/bench-export.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/section.md
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
log() { echo "bench-export: $*" >&2; }

# one export: FMT NAME TRACE EVENTS -> table row (median of RUNS)
row() {
  local fmt=$1 name=$2 trace=$3 n=$4 i args
  : >"$tmp/t"; : >"$tmp/m"
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$tmp/o"
    case $fmt in
      text) args=(-o "$tmp/o") ;;
      svg) args=(--svg "$tmp/o") ;;
      *) args=(--export "$fmt" -o "$tmp/o") ;;
    esac
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$dump" -q "${args[@]}" "$trace"
    read -r e m <"$tmp/time"
    echo "$e" >>"$tmp/t"; echo "$m" >>"$tmp/m"
  done
  local sz t m
  sz=$(stat -c %s "$tmp/o"); t=$(median <"$tmp/t"); m=$(median <"$tmp/m")
  awk -v name="$name" -v sz="$sz" -v n="$n" -v t="$t" -v m="$m" 'BEGIN {
    printf "| %s | %d | %.2f | %.2f | %.0f | %.0f |\n", name, sz, sz / n, t, n / (t > 0 ? t : 1e-9), m / 1024 }'
  log "$name: $(tail -1 "$tmp/t") s"
}

header() {
  echo "| output | bytes | bytes/event | seconds (median of $RUNS) | events/s | peak RSS MiB |"
  echo "|---|---|---|---|---|---|"
}

log "trzgen $EVENTS events"
"$B/tests/tools/trzgen" "$tmp/big.trz" "$EVENTS"
big_sz=$(stat -c %s "$tmp/big.trz")
{
  echo "## Viewer exports (scripts/bench-export.sh)"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -r), $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg) at start; git $(git rev-parse --short HEAD)."
  echo "The machine is shared with other jobs: seconds are noisy, sizes are exact."
  echo "bytes/event = output bytes / syscall events (entries + exits) of the trace."
  echo
  echo "### Large trace: tests/tools/trzgen, $EVENTS events (synthetic: 4 threads, one gap of 6 events repaired by 4), .trz $big_sz bytes ($(awk -v a="$big_sz" -v b="$EVENTS" 'BEGIN { printf "%.2f", a / b }') bytes/event)"
  echo
  header
  row text "text dump (reference)" "$tmp/big.trz" "$EVENTS"
  row chrome-json "--export chrome-json" "$tmp/big.trz" "$EVENTS"
  row perfetto "--export perfetto" "$tmp/big.trz" "$EVENTS"
  row svg "--svg" "$tmp/big.trz" "$EVENTS"
  echo
  echo "Peak memory is the time-order window of tracerec-dump (records held up to 1 s of trace time,"
  echo "at most 4 Mi records), not the trace: the exports keep per-thread state only."
  echo
} >"$out"
rm -f "$tmp/big.trz"

if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
  mkdir "$tmp/proj"
  for i in $(seq 1 16); do
    printf '#include <stdio.h>\n#include <string.h>\nint f%d(int x) { char b[64]; snprintf(b, sizeof b, "%%d", x * %d); return (int)strlen(b) + x; }\n' "$i" "$i" >"$tmp/proj/u$i.c"
  done
  { echo '#include <stdio.h>'; for i in $(seq 1 16); do echo "int f$i(int);"; done
    echo 'int main(void) { int s = 0;'; for i in $(seq 1 16); do echo "s += f$i($i);"; done
    echo 'printf("%d\n", s); return 0; }'; } >"$tmp/proj/main.c"
  { printf 'OBJS ='; for i in $(seq 1 16); do printf ' u%d.o' "$i"; done; printf ' main.o\n'
    printf 'prog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %%.c\n\t$(CC) -O1 -c $< -o $@\n'; } >"$tmp/proj/Makefile"
  (cd "$tmp/proj" && "$TOP/$B/tracerecd" -q -b 16384 -o "$tmp/make.trz" -- make -s -j2)
  "$B/tracerec-fill" -q "$tmp/make.trz" -o "$tmp/filled.trz"
  js=$("$dump" --stats --json "$tmp/filled.trz")
  n=$(echo "$js" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
  th=$(echo "$js" | sed -n 's/.*"threads":\([0-9]*\).*/\1/p')
  lost=$(echo "$js" | sed -n 's/.*"lost_events":\([0-9]*\).*/\1/p')
  sz=$(stat -c %s "$tmp/filled.trz")
  {
    echo "### Real trace: make -j2 (16 C files), tracerecd -b 16384, repaired: $n events, $th threads, $lost lost and repaired, .trz $sz bytes"
    echo
    header
    row text "text dump (reference)" "$tmp/filled.trz" "$n"
    row chrome-json "--export chrome-json" "$tmp/filled.trz" "$n"
    row perfetto "--export perfetto" "$tmp/filled.trz" "$n"
    row svg "--svg" "$tmp/filled.trz" "$n"
    echo
  } >>"$out"
fi
echo "The protobuf is less than half the size of the JSON; both are far larger than the .trz" >>"$out"
echo "itself (block-compressed), so keep the .trz and export when you look." >>"$out"

bm=$TOP/BENCHMARKS.md
if ! grep -q '<!-- bench-export:begin -->' "$bm"; then
  printf '\n<!-- bench-export:begin -->\n<!-- bench-export:end -->\n' >>"$bm"
fi
awk -v f="$out" '
  /<!-- bench-export:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-export:end -->/ { skip = 0 }
  !skip' "$bm" >"$tmp/bm" && cat "$tmp/bm" >"$bm"
cat "$out"
