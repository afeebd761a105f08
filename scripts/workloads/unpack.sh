#!/usr/bin/env bash
# unpack.sh [N] - stand-in for pts/unpack-linux: build a deterministic source tarball (N copies of
# /usr/include/linux, default 2, mtime and owner fixed), then time-independent work: unpack it with
# tar xzf, list it, and remove the tree.  Many small files: open/read/write/close/fstat storms.
. "$(dirname "$0")/common.sh"
size=${wl_size:-2}
src=/usr/include/linux
[ -d "$src" ] || wl_die "$src missing (Debian package linux-libc-dev)"
mkdir -p "$wl_dir/src"
for i in $(seq 1 "$size"); do cp -r "$src" "$wl_dir/src/linux-$i"; done
tar -C "$wl_dir" --sort=name --mtime=@0 --owner=0 --group=0 -czf "$wl_dir/src.tar.gz" src
rm -rf "$wl_dir/src"
tar -C "$wl_dir" -xzf "$wl_dir/src.tar.gz"
tar -tzf "$wl_dir/src.tar.gz" > /dev/null
rm -rf "$wl_dir/src"
