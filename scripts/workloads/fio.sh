#!/usr/bin/env bash
# fio.sh [MIB] - stand-in for pts/iozone (iozone3 is in Debian non-free) and pts/fio: fio
# (Debian package fio, installed with apt-get when root) writes a MIB MiB file (default 64)
# sequentially in 4 KiB records with an fdatasync every 256 writes, reads it back sequentially,
# then reads a quarter of it at random 4 KiB offsets (fixed seed); synchronous I/O (psync), one
# job, like iozone's write/read/random-read tests.  Score (WL_SCORE=1): MB/s over the three
# passes.
. "$(dirname "$0")/common.sh"
size=${wl_size:-64}
wl_need fio fio
f=$wl_dir/io.dat
wl_timer_start
fio --name=write --filename="$f" --rw=write --bs=4k --size="${size}m" --ioengine=psync \
    --fdatasync=256 --output=/dev/null
fio --name=read --filename="$f" --rw=read --bs=4k --size="${size}m" --ioengine=psync \
    --output=/dev/null
fio --name=randread --filename="$f" --rw=randread --bs=4k --size="${size}m" --ioengine=psync \
    --randseed=1 --io_size=$((size / 4 + 1))m --output=/dev/null
wl_score_rate $((size * 2 + size / 4 + 1))
