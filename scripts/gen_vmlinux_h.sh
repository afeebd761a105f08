#!/usr/bin/env bash
# Regenerate vmlinux/<arch>/vmlinux_<kver>.h from the running kernel's BTF and point
# vmlinux/<arch>/vmlinux.h at it.  Usage: scripts/gen_vmlinux_h.sh [BTF_FILE]
set -euo pipefail
btf=${1:-/sys/kernel/btf/vmlinux}
[ -r "$btf" ] || { echo "gen_vmlinux_h: cannot read BTF at $btf (kernel built without CONFIG_DEBUG_INFO_BTF?)" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "gen_vmlinux_h: bpftool not found (apt-get install bpftool)" >&2; exit 1; }
case "$(uname -m)" in x86_64) arch=x86 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
kver=$(uname -r | cut -d- -f1)
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/vmlinux/$arch"
bpftool btf dump file "$btf" format c > "$top/vmlinux/$arch/vmlinux_$kver.h.tmp"
mv "$top/vmlinux/$arch/vmlinux_$kver.h.tmp" "$top/vmlinux/$arch/vmlinux_$kver.h"
ln -sf "vmlinux_$kver.h" "$top/vmlinux/$arch/vmlinux.h"
echo "wrote vmlinux/$arch/vmlinux_$kver.h"
