#!/usr/bin/env bash
# unpack.sh [N] - stand-in for pts/unpack-linux: a deterministic source tarball (N copies of
# /usr/include/linux, default 2, about 800 files and 6.6 MB each; mtime and owner fixed) is made
# first, then the timed part unpacks it with tar xzf, lists it, and removes the tree.  Many small
# files: open/read/write/close/fstat storms.  Score (WL_SCORE=1): seconds.
. "$(dirname "$0")/common.sh"
size=${wl_size:-2}
src=/usr/include/linux
[ -d "$src" ] || wl_die "$src missing (Debian package linux-libc-dev)"
make_tarball() {
  local t
  t=$(mktemp -d "$wl_dir/mk.XXXXXX")
  mkdir "$t/src"
  for i in $(seq 1 "$2"); do cp -r "$src" "$t/src/linux-$i"; done
  tar -C "$t" --sort=name --mtime=@0 --owner=0 --group=0 -czf "$1" src
  rm -rf "$t"
}
wl_input "$wl_dir/src.tar.gz" "linux-include-x$size.tar.gz" make_tarball "$size"
wl_timer_start
tar -C "$wl_dir" -xzf "$wl_dir/src.tar.gz"
tar -tzf "$wl_dir/src.tar.gz" > /dev/null
rm -rf "$wl_dir/src"
wl_score_seconds
