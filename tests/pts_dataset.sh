#!/usr/bin/env bash
# scripts/pts-dataset.sh on two real traces (no PTS needed): only the process tree of the named
# executable is used (a syscall made only outside it is not in the vocabulary, and its counts are
# below the whole trace's), the files are the paper's format (int32 (N, L, 1), ids 1..K ranked by
# run 1's frequencies), tracerec-eval scores them, and bad calls get one message and exit 1.
set -u
. "$(dirname "$0")/lib/tracerecd.bash"
need_root_btf
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ds="$TOP/scripts/pts-dataset.sh"
# the "benchmark": a shell script named like a PTS profile's executable, doing small reads
cat > "$tmp/tracerec-fake" <<'EOF'
#!/bin/sh
dd if=/dev/zero of=/dev/null bs=512 count=3000 status=none
dd if=/dev/zero bs=1024 count=1500 status=none | dd of=/dev/null bs=1024 status=none
EOF
chmod +x "$tmp/tracerec-fake"
# around it, work that is not the benchmark's: sched_yield only there
outside="$PY -c 'import os
for _ in range(300): os.sched_yield()'"
for i in 1 2; do
  "$trd" -q -o "$tmp/r$i.trz" -- sh -c "$outside; $tmp/tracerec-fake; $outside" ||
    { echo "FAIL: tracerecd run $i"; exit 1; }
done
bash "$ds" --exec tracerec-fake "$tmp/r1.trz" "$tmp/r2.trz" "$tmp/ds" 2> "$tmp/err"
check "pts-dataset exit 0" $? "$(cat "$tmp/err")"
grep -q 'run 1 .*tracerec-fake: [0-9]* processes' "$tmp/err"
check "selection reported" $? "$(cat "$tmp/err")"
"$PY" - "$tmp/ds" > "$tmp/check" 2>&1 <<'PY'
import struct, sys
d = sys.argv[1]
def npy(p):
    b = open(p, "rb").read()
    assert b[:8] == b"\x93NUMPY\x01\x00", "magic"
    hl = struct.unpack("<H", b[8:10])[0]
    h = b[10:10 + hl].decode()
    assert (10 + hl) % 64 == 0 and h.endswith("\n"), "header alignment"
    assert "'descr': '<i4'" in h and "'fortran_order': False" in h, h
    shape = tuple(int(x) for x in h.split("(")[1].split(")")[0].split(",") if x.strip())
    data = \
        struct.unpack("<%di" % ((len(b) - 10 - hl) // 4), b[10 + hl:])
    assert len(data) == shape[0] * shape[1] * shape[2] and shape[2] == 1, "size %s" % (shape,)
    return shape, data
(n1, l1, _), tr = npy(d + "/len100/train.npy")
(n2, l2, _), te = npy(d + "/len200/test.npy")
assert l1 == 100 and l2 == 200, "window lengths"
assert n1 >= 50 and n2 >= 20, "windows: %d train, %d test" % (n1, n2)
rows = [l.rstrip("\n").split("\t") for l in open(d + "/vocab.tsv")][1:]
K = len(rows)
assert [int(r[0]) for r in rows] == list(range(1, K + 1)), "ids 1..K"
counts = [int(r[4]) for r in rows]
assert counts == sorted(counts, reverse=True), "ids not ranked by run-1 frequency"
assert min(tr) >= 1 and max(tr) <= K and min(te) >= 1 and max(te) <= K, "ids outside 1..K"
names = {r[2] for r in rows}
assert "read" in names and "write" in names, names
assert "sched_yield" not in names, "an event from outside the process tree"
# train windows hold the ids by frequency: id 1 is the most frequent id in train.npy too
freq = {}
for x in tr: freq[x] = freq.get(x, 0) + 1
assert max(freq, key=lambda k: (freq[k], -k)) == 1, "id 1 is not the most frequent"
reads = sum(int(r[4]) for r in rows if r[2] == "read" and r[3] == "entry")
print(K, n1, n2, reads)
PY
check "format, ranking and selection" $? "$(cat "$tmp/check")"
read -r _ _ _ ds_reads < "$tmp/check" 2>/dev/null || true
all_reads=$("$dump" -f csv "$tmp/r1.trz" | awk -F, '$1 == "event" && $7 == "read" && $9 == "entry" { n++ } END { print n + 0 }')
[ "${ds_reads:-0}" -ge 3000 ] && [ "$ds_reads" -lt "$all_reads" ]
check "read entries: process tree $ds_reads, whole trace $all_reads" $? "want >= 3000 and fewer than the whole trace"
"$B/tracerec-eval" -q --method ngram --train "$tmp/ds/len100/train.npy" --test "$tmp/ds/len200/test.npy" \
  --blackout 1 --position center --json > "$tmp/eval.json" 2>&1
check "tracerec-eval reads the dataset" $? "$(cat "$tmp/eval.json")"
acc=$(grep -o '"accuracy": *[0-9.]*' "$tmp/eval.json" | head -n 1 | cut -d: -f2 | tr -d ' ')
awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.9) }'
check "n-gram accuracy at B=1 on a regular dd loop >= 0.9 (got ${acc:-none})" $? "$(cat "$tmp/eval.json")"
# bad calls
bash "$ds" --exec tracerec-fake "$tmp/r1.trz" "$tmp/r2.trz" "$tmp/ds" > "$tmp/e1" 2>&1
[ $? = 1 ] && grep -q exists "$tmp/e1"
check "existing OUTDIR refused" $? "$(cat "$tmp/e1")"
bash "$ds" --exec no-such-exe "$tmp/r1.trz" "$tmp/r2.trz" "$tmp/ds2" > "$tmp/e2" 2>&1
[ $? = 1 ] && grep -q "no process .* exec'd 'no-such-exe'" "$tmp/e2" && [ ! -e "$tmp/ds2" ]
check "unknown --exec: one message, no output" $? "$(cat "$tmp/e2")"
bash "$ds" "$tmp/r1.trz" "$tmp/r2.trz" "$tmp/ds3" > "$tmp/e3" 2>&1
[ $? = 1 ] && grep -q "give --exec" "$tmp/e3"
check "not a PTS trace without --exec: asks for it" $? "$(cat "$tmp/e3")"
bash "$ds" "$tmp/r1.trz" > "$tmp/e4" 2>&1
[ $? = 64 ]
check "usage error exit 64" $? "$(cat "$tmp/e4")"
exit $fail
