#!/usr/bin/env bash
# stream.sh [GIB] - stand-in for pts/stream and pts/ramspeed: stream GIB GiB (default 2) through
# memory with dd (1 MiB blocks, /dev/zero -> pipe -> /dev/null) and copy a 64 MiB tmpfs file 4
# times.  Memory bandwidth plus the read/write syscalls that move it.
. "$(dirname "$0")/common.sh"
size=${wl_size:-2}
dd if=/dev/zero bs=1M count=$((size * 1024)) status=none | dd of=/dev/null bs=1M status=none
src=/dev/shm/tracerec-wl-stream.$$
trap 'rm -f "$src" "$src.cp"; rm -rf "$wl_dir"' EXIT
dd if=/dev/zero of="$src" bs=1M count=64 status=none
for i in 1 2 3 4; do cp "$src" "$src.cp"; done
