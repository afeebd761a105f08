#!/usr/bin/env bash
# memory.sh [MIB] - stand-in for pts/stream and pts/ramspeed: the C kernel memory.c (STREAM's copy,
# scale, add and triad over three arrays of MIB MiB each, default 32, 10 times, one thread per
# CPU).  Few system calls: thread start-up, barriers (futex) and page faults.
# Score (WL_SCORE=1): the best triad rate in MB/s.
. "$(dirname "$0")/common.sh"
size=${wl_size:-32}
wl_cc memory
wl_timer_start
if [ "${WL_SCORE:-0}" = 1 ]; then "$wl_kernel" "$size" 10
else "$wl_kernel" "$size" 10 >/dev/null; fi
