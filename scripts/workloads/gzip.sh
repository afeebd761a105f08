#!/usr/bin/env bash
# gzip.sh [MIB] - stand-in for pts/compress-gzip: gzip -9 then gunzip of MIB MiB of
# deterministic log text (default 16).  Reads and writes in gzip's 32 KiB chunks.  Score (WL_SCORE=1):
# seconds for the compression and decompression.
. "$(dirname "$0")/common.sh"
size=${wl_size:-16}
wl_need gzip gzip
wl_text "$wl_dir/in.txt" "$size"
wl_timer_start
gzip -9 -c "$wl_dir/in.txt" > "$wl_dir/in.txt.gz"
gzip -d -c "$wl_dir/in.txt.gz" > "$wl_dir/out.txt"
cmp -s "$wl_dir/in.txt" "$wl_dir/out.txt" || wl_die "round trip differs"
wl_score_seconds
