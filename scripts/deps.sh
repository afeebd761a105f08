#!/usr/bin/env bash
# Check (and, as root, install) the Debian 12 packages tracerec needs.
# Usage: scripts/deps.sh [--check]   (--check: never install, just report)
set -u
pkgs="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libopenblas-dev libcmocka-dev
chromium protobuf-compiler
libbabeltrace2-dev babeltrace2 pkg-config linux-libc-dev groff-base make gcc strace gzip python3
libcap2-bin fio libclang-rt-14-dev clang-tidy cppcheck"
missing=()
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm (the viewer tests install speedscope and playwright-core with it): any npm on PATH will do
# (e.g. one bundled with another Node.js build); Debian's otherwise (Node.js 18).
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--check" ] || [ "$(id -u)" -ne 0 ]; then
  echo "tracerec: missing Debian packages: ${missing[*]}" >&2
  echo "tracerec: install them with: sudo apt-get install ${missing[*]}   (or run 'sudo make deps')" >&2
  exit 1
fi
echo "tracerec: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || { echo "tracerec: apt-get update failed" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || {
  echo "tracerec: apt-get install ${missing[*]} failed" >&2; exit 1; }
