#!/usr/bin/env bash
# Regenerate the seed corpora tests/fuzz/corpus/NAME/ with the project's own tools (small
# files: libFuzzer's default -max_len follows the largest seed).  Run from the top directory
# after `make tests`; commit the result.  Real traces need root (tracerecd); without it they
# are left out.
set -eu
B=${B:-build}
C=tests/fuzz/corpus
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
rm -rf "$C" && mkdir -p "$C"/{trz,trz_block,npy,csv,ckpt,ngram,fill}

# traces: synthetic (multi-block), gaps, imported windows, a truncated one, a real capture
"$B/tests/tools/trzgen" "$t/gen.trz" 60 16 7 >/dev/null
"$B/tests/tools/trzgen" "$t/gen1.trz" 200 0 3 >/dev/null
"$B/tests/tools/trzgap" "$t/gap.trz" 5 2
printf '3,4,3,4,5\n1,1,2,2,3\n' >"$t/w.csv"
"$B/tracerec-import" csv "$t/w.csv" -q -o "$t/csv.trz"
"$B/tracerec-fill" -q "$t/gen.trz" -o "$t/filled.trz"
head -c $(( $(stat -c %s "$t/gen1.trz") - 37 )) "$t/gen1.trz" >"$t/cut.trz"
if [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
  "$B/tracerecd" -q -o "$t/real.trz" -- /bin/true >/dev/null 2>&1 || rm -f "$t/real.trz"
fi
for f in "$t"/*.trz; do cp "$f" "$C/trz/$(basename "$f" .trz)"; done
for f in gen gap csv filled; do cp "$t/$f.trz" "$C/fill/$f"; done

# blocks: version byte, record count (LE16), decompressed payload of every block
python3 - "$t" "$C/trz_block" <<'PY'
import os, struct, sys, zlib
src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith('.trz'):
        continue
    b = open(os.path.join(src, name), 'rb').read()
    ver, hlen = struct.unpack_from('<HH', b, 8)
    off, k = hlen, 0
    while off + 40 <= len(b) and b[off:off + 4] == b'TRZB':
        comp, raw, nrec = struct.unpack_from('<III', b, off + 4)
        try:
            payload = zlib.decompress(b[off + 40:off + 40 + comp])
        except zlib.error:  # the truncated trace's last block
            break
        if len(payload) <= 4096 and nrec < 65536:
            with open(os.path.join(dst, '%s-%d' % (name[:-4], k)), 'wb') as f:
                f.write(bytes([ver - 1]) + struct.pack('<H', nrec) + payload)
        off += 40 + comp
        k += 1
PY

# windows: npy export of a trace, the same windows as text
"$B/tracerec-dump" --export npy -w 10 -o "$t/w.npy" "$t/gen.trz" 2>/dev/null
cp "$t/w.npy" "$C/npy/export"
"$B/tracerec-dump" --export npy -w 5 -o "$t/c.npy" "$t/csv.trz" 2>/dev/null
cp "$t/c.npy" "$C/npy/csv-export"
cp "$t/w.csv" "$C/csv/windows"
printf '# comment\n\n 7, 8 ,9\r\n-1,2147483647,0\n' >"$C/csv/spaces"

# models: the smallest SSSD-S4 checkpoints, an n-gram model file
"$B/tests/tools/ckptgen" "$C/ckpt/onehot"
"$B/tests/tools/ckptgen" "$C/ckpt/scalar" scalar
"$B/tracerec-train" -q -m ngram --npy "$t/c.npy" -o "$C/ngram/windows" >/dev/null
"$B/tracerec-train" -q -m ngram --npy "$t/w.npy" -o "$C/ngram/export" >/dev/null
chmod 644 "$C"/*/*
du -a "$C" | sort -n | tail -n 5
