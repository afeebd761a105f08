#!/usr/bin/env bash
# trace-pts.sh TEST [OUT.trz] - trace a real Phoronix Test Suite run with tracerecd.
#
#   sudo scripts/trace-pts.sh pts/compress-gzip gzip-pts.trz
#
# Runs `phoronix-test-suite batch-run TEST` under tracerecd (whole process tree) and writes the
# trace to OUT.trz (default pts-<test>.trz).  The Phoronix Test Suite is not a Debian 12 package:
# install it from phoronix-test-suite.com, then run `phoronix-test-suite batch-setup` once and
# `phoronix-test-suite install TEST`.  Without it, use the stand-ins in scripts/workloads/.
# Env: B (build dir, default build), TRACEREC_OPTS (extra tracerecd options, e.g. --buffer-size).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
[ $# -ge 1 ] || { echo "usage: $0 TEST [OUT.trz]   (e.g. pts/compress-gzip)" >&2; exit 64; }
test=$1
out=${2:-pts-$(basename "$test").trz}
command -v phoronix-test-suite >/dev/null 2>&1 || {
  echo "trace-pts: phoronix-test-suite is not installed (see phoronix-test-suite.com);" \
       "the stand-ins in scripts/workloads/ need only Debian packages" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "trace-pts: must run as root (tracerecd loads eBPF)" >&2; exit 1; }
[ -x "$B/tracerecd" ] || { echo "trace-pts: $B/tracerecd not built (run make)" >&2; exit 1; }
# batch-run takes its answers from the batch-setup configuration; never prompt.
export PTS_SILENT_MODE=1
# shellcheck disable=SC2086
"$B/tracerecd" ${TRACEREC_OPTS:-} -o "$out" -- phoronix-test-suite batch-run "$test"
echo "trace-pts: wrote $out; repair with: $B/tracerec-fill $out -o ${out%.trz}-filled.trz" >&2
