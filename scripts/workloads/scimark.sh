#!/usr/bin/env bash
# scimark.sh [SCALE] - stand-in for pts/scimark2: the C kernel scimark.c (FFT, SOR, Monte Carlo,
# sparse matrix multiply and LU, each a fixed number of times SCALE, default 1).  Nearly no system
# calls while it computes: its trace is start-up and exit.
# Score (WL_SCORE=1): the composite Mflops.
. "$(dirname "$0")/common.sh"
size=${wl_size:-1}
wl_cc scimark
wl_timer_start
if [ "${WL_SCORE:-0}" = 1 ]; then "$wl_kernel" "$size"
else "$wl_kernel" "$size" >/dev/null; fi
