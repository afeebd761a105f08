#!/usr/bin/env bash
# dd-io.sh [MIB] - stand-in for pts/fio and pts/iozone: sequential write of MIB MiB (default
# 64) in 4 KiB blocks with fdatasync, sequential read back, then 8 KiB random-offset reads with dd
# (skip= from a fixed LCG).  Uses fio instead when it is installed and WL_FIO=1.
. "$(dirname "$0")/common.sh"
size=${wl_size:-64}
f=$wl_dir/io.dat
if [ "${WL_FIO:-0}" = 1 ] && command -v fio >/dev/null 2>&1; then
  fio --name=seqwrite --filename="$f" --rw=write --bs=4k --size="${size}m" --fdatasync=256 \
      --output=/dev/null
  fio --name=randread --filename="$f" --rw=randread --bs=4k --size="${size}m" --randseed=1 \
      --io_size=$((size / 4 + 1))m --output=/dev/null
  exit 0
fi
dd if=/dev/zero of="$f" bs=4k count=$((size * 256)) conv=fdatasync status=none
dd if="$f" of=/dev/null bs=4k status=none
x=1 blocks=$((size * 128))
for i in $(seq 1 200); do
  x=$(( (x * 1103515245 + 12345) % 2147483648 ))
  dd if="$f" of=/dev/null bs=8k count=1 skip=$((x % blocks)) status=none
done
