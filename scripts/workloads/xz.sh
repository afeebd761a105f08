#!/usr/bin/env bash
# xz.sh [MIB] - stand-in for pts/compress-xz (and 7zip): xz -3 -T1 then xz -d of MIB MiB of
# deterministic log text (default 8).
. "$(dirname "$0")/common.sh"
size=${wl_size:-8}
wl_need xz xz-utils
wl_text "$wl_dir/in.txt" "$size"
xz -3 -T1 -c "$wl_dir/in.txt" > "$wl_dir/in.txt.xz"
xz -d -c "$wl_dir/in.txt.xz" | cmp -s - "$wl_dir/in.txt" || wl_die "round trip differs"
