#!/usr/bin/env bash
# make demo: record a workload with tracerecd while losing events on purpose, repair the trace
# with tracerec-fill, and show what was lost, what was filled, and a few repaired spans next to
# their recorded context.  Needs root (tracerecd loads eBPF).  Well under a minute on 2 cores.
#
# Env: B (build dir, default build), DEMO_WORKLOAD (a script of scripts/workloads/, default
# unpack), DEMO_DIR (where the traces are kept, default $B/demo).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
wl=${DEMO_WORKLOAD:-unpack}
out=${DEMO_DIR:-$B/demo}
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root: tracerecd loads eBPF programs (run: sudo make demo)"
[ -r /sys/kernel/btf/vmlinux ] || die "the kernel has no BTF (/sys/kernel/btf/vmlinux); tracerecd needs it"
for t in tracerecd tracerec-dump tracerec-fill tracerec-eval; do
  [ -x "$B/$t" ] || die "$B/$t is not built (run make)"
done
[ -x "$TOP/scripts/workloads/$wl.sh" ] || die "no workload scripts/workloads/$wl.sh"
mkdir -p "$out" || die "cannot create $out"
lossy=$out/$wl-lossy.trz filled=$out/$wl-filled.trz complete=$out/$wl-complete.trz
jget() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
t0=$SECONDS

say "[1/5] Tracing scripts/workloads/$wl.sh with a 16 KiB ring per CPU and a slowed consumer,"
echo "      so that the ring overflows and events are lost:"
echo "      tracerecd -b 16K -o $lossy -- scripts/workloads/$wl.sh"
"$B/tracerecd" -b 16384 --test-consumer-delay-us 2000 -o "$lossy" -- \
  "$TOP/scripts/workloads/$wl.sh" >/dev/null || die "tracerecd failed"

say "[2/5] What was lost (tracerec-dump --stats):"
"$B/tracerec-dump" --stats "$lossy" || die "tracerec-dump failed"
json=$("$B/tracerec-dump" --stats --json "$lossy")
alost=$(echo "$json" | jget attributed_lost_events)
[ "${alost:-0}" -gt 0 ] || die "no event was lost this time; run the demo again"

say "[3/5] Repairing: tracerec-fill $lossy -o $filled"
"$B/tracerec-fill" "$lossy" -o "$filled" || die "tracerec-fill failed"
fj=$("$B/tracerec-dump" --stats --json "$filled")
echo "      after repair: synthetic_events $(echo "$fj" | jget synthetic_events)," \
  "attributed_lost_events $(echo "$fj" | jget attributed_lost_events)," \
  "unfilled_gaps $(echo "$fj" | jget unfilled_gaps)" \
  "(unattributed lost events, which name no thread, stay marked: $(echo "$fj" | jget unattributed_lost_events))"

say "[4/5] A few repaired spans ('~' = synthetic, with the gap and a confidence), in their thread:"
"$B/tracerec-dump" --format csv "$lossy" |
  awk -F, '$1 == "gap" && $20 == "attributed" && $16 >= 2 && $16 <= 10 && !seen[$5]++ { print $14, $5, $16 }' |
  head -n 3 | while read -r gid tid lost; do
    echo "  --- tid $tid, gap $gid: $lost events lost ---"
    "$B/tracerec-dump" --tid "$tid" "$filled" | grep -B 4 -A $((lost + 3)) -F "[gap $gid," | sed 's/^/  /'
  done

say "[5/5] How right are such repairs?  A complete trace of another run (default ring, normal"
echo "      consumer), ring-buffer-like bursts dropped from it, filled and compared with the truth:"
"$B/tracerecd" -q -o "$complete" -- "$TOP/scripts/workloads/$wl.sh" >/dev/null || die "tracerecd failed"
echo "      tracerec-eval --trace $complete --train $lossy --blackout 1,10,40 --bursts 100"
"$B/tracerec-eval" -q --trace "$complete" --train "$lossy" --blackout 1,10,40 --bursts 100 |
  sed 's/^/  /' || die "tracerec-eval failed"

echo
echo "demo: done in $((SECONDS - t0)) s; traces kept in $out (tracerec-dump FILE to read them)"
