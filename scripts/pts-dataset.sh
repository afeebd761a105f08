#!/usr/bin/env bash
# pts-dataset.sh [OPTIONS] RUN1.trz RUN2.trz OUTDIR - rebuild a dataset in the paper's format from
# two traced runs of one benchmark (e.g. `scripts/trace-pts.sh --runs 2 local/tracerec-gzip g.trz`).
#
#   scripts/pts-dataset.sh g-1.trz g-2.trz gzip-ds
#   tracerec-eval --method ngram --train gzip-ds/len100/train.npy --test gzip-ds/len200/test.npy
#
# Only the benchmark's own processes are used: the process tree that starts at the exec of the
# test profile's executable (--exec NAME; by default the NAME of `batch-run local/NAME` in the
# trace's command line), read from the thread records of `tracerec-dump -f jsonl`.  PTS's own
# start-up probes (~80 % of a traced batch-run) are left out.  Each thread's events (system call
# and direction) in order form a sequence; lost events (a hole in the thread's sequence numbers)
# end it.  Sequences are cut into
# non-overlapping windows:
#   OUTDIR/len100/train.npy   windows of 100 events of run 1 (at most 10000, evenly spread)
#   OUTDIR/len200/test.npy    windows of 200 events of run 2 (at most 500, evenly spread)
# both (N, L, 1) little-endian int32, ids 1..K ranked by frequency in run 1's selected events
# (1 = most frequent), as in the public datasets; test windows holding an event run 1 never had
# are left out (counted).  OUTDIR/vocab.tsv maps ids to system calls.
# Options: --exec NAME, --train-len L (100), --test-len L (200), --max-train N (10000),
#          --max-test N (500).
# Env: B (build dir, default build).  Exit: 0; 1 error (message); 64 usage.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
me='pts-dataset'
usage() { echo "usage: $0 [--exec NAME] [--train-len L] [--test-len L] [--max-train N] [--max-test N] RUN1.trz RUN2.trz OUTDIR" >&2; exit 64; }
exe='' trl=100 tel=200 mtr=10000 mte=500
while [ $# -gt 0 ]; do
  case $1 in
    --exec) [ $# -ge 2 ] || usage; exe=$2; shift 2 ;;
    --train-len) [ $# -ge 2 ] || usage; trl=$2; shift 2 ;;
    --test-len) [ $# -ge 2 ] || usage; tel=$2; shift 2 ;;
    --max-train) [ $# -ge 2 ] || usage; mtr=$2; shift 2 ;;
    --max-test) [ $# -ge 2 ] || usage; mte=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "$me: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 3 ] || usage
for v in "$trl" "$tel" "$mtr" "$mte"; do
  case $v in ''|*[!0-9]*) usage ;; esac
  [ "$v" -ge 1 ] || usage
done
run1=$1 run2=$2 outdir=$3
[ -x "$B/tracerec-dump" ] || { echo "$me: $B/tracerec-dump not built (run make)" >&2; exit 1; }
for r in "$run1" "$run2"; do [ -r "$r" ] || { echo "$me: cannot read $r" >&2; exit 1; }; done
[ ! -e "$outdir" ] && [ ! -L "$outdir" ] || { echo "$me: $outdir exists: give a new folder" >&2; exit 1; }
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if [ -z "$exe" ]; then
  cmd=$("$B/tracerec-dump" -f jsonl "$run1" 2>/dev/null | grep -m1 '"key":"cmdline"' || true)
  exe=$(printf '%s' "$cmd" | grep -o 'batch-run [^ "]*' | head -n 1 | sed 's|.*/||') || true
  [ -n "$exe" ] || { echo "$me: $run1 is not a trace of 'phoronix-test-suite batch-run CATEGORY/NAME': give --exec NAME" >&2; exit 1; }
fi
mkdir -m 0700 "$outdir" || { echo "$me: cannot create $outdir" >&2; exit 1; }
# Each run's selected sequences, one line per sequence: "tid<TAB>nr:dir nr:dir ...".
for i in 1 2; do
  r=$run1; [ "$i" = 1 ] || r=$run2
  rc=0
  "$B/tracerec-dump" -f jsonl "$r" 2> "$outdir/.dump$i.err" | "$PY" -c '
import json, os, sys
# Records are in file order, which interleaves the CPUs: select by time, not by file position.
exe = sys.argv[1]
INF = float("inf")
threads, events, names = [], [], {}
st = {"all": 0, "lost": 0, "gaps": 0, "uagaps": 0}
gaps = []
for line in sys.stdin:
    r = json.loads(line)
    k = r["kind"]
    if k == "event":
        st["all"] += 1
        events.append((r["pid"], r["tid"], r["ts_ns"], r["tseq"], "%d:%s" % (r["nr"], r["dir"])))
        names[r["nr"]] = r.get("syscall") or ""
    elif k == "thread":
        threads.append((r["ts_ns"], r["what"], r["pid"], r["tid"], r.get("ppid"), r.get("path") or ""))
    elif k == "gap":
        if r.get("attributed"): gaps.append((r.get("tid"), r.get("lost") or 0))
        else: st["uagaps"] += 1
# the process tree: [start, end] per selected process (a pid can be reused after its exit)
threads.sort(key=lambda t: t[0])
life = {}                      # pid -> list of [start, end]
def alive(pid, ts):
    return any(a <= ts <= b for a, b in life.get(pid, ()))
procs = 0
for ts, what, pid, tid, ppid, path in threads:
    if pid != tid: continue
    if what == "exec" and os.path.basename(path) == exe and not alive(pid, ts):
        life.setdefault(pid, []).append([ts, INF]); procs += 1
    elif what == "fork" and ppid is not None and alive(ppid, ts) and not alive(pid, ts):
        life.setdefault(pid, []).append([ts, INF]); procs += 1
    elif what == "exit":
        for iv in life.get(pid, ()):
            if iv[0] <= ts and iv[1] == INF: iv[1] = ts
# the selected events per thread in tseq order; a hole in tseq (lost events) ends a sequence
per = {}
for pid, tid, ts, tseq, tok in events:
    if pid in life and alive(pid, ts):
        per.setdefault(tid, []).append((tseq, tok))
nsel = sum(len(v) for v in per.values())
for tid, n in gaps:
    if tid in per: st["gaps"] += 1; st["lost"] += n
out = open(sys.argv[2], "w")
for tid in sorted(per):
    evs = sorted(per[tid]); cur = []; prev = None
    for tseq, tok in evs:
        if prev is not None and tseq != prev + 1 and cur:
            out.write("%d\t%s\n" % (tid, " ".join(cur))); cur = []
        cur.append(tok); prev = tseq
    if cur: out.write("%d\t%s\n" % (tid, " ".join(cur)))
for nr, n in sorted(names.items()): out.write("#\t%d\t%s\n" % (nr, n))
out.close()
print("%d processes, %d threads, %d of %d events, %d gaps (%d events lost), %d unattributed gaps" % (
    procs, len(per), nsel, st["all"], st["gaps"], st["lost"], st["uagaps"]))
sys.exit(0 if procs else 3)
' "$exe" "$outdir/.seq$i" > "$outdir/.sel$i" || rc=$?
  if [ "$rc" = 3 ]; then
    echo "$me: no process of $r exec'd '$exe' (give --exec NAME)" >&2; rm -rf "$outdir"; exit 1
  elif [ "$rc" != 0 ]; then
    cat "$outdir/.dump$i.err" >&2; echo "$me: cannot read $r" >&2; rm -rf "$outdir"; exit 1
  fi
  echo "$me: run $i ($r): $exe: $(cat "$outdir/.sel$i")" >&2
done
"$PY" - "$outdir" "$trl" "$tel" "$mtr" "$mte" "$B/tracerec-dump" <<'PY' || { rm -rf "$outdir"; exit 1; }
import os, struct, sys
from array import array
d, trl, tel, mtr, mte, dump = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
names = {}
def seqs(i):
    out = []
    with open(os.path.join(d, ".seq%d" % i)) as f:
        for l in f:
            p = l.rstrip("\n").split("\t")
            if p[0] == "#": names[p[1]] = p[2]
            else: out.append(p[1].split(" "))
    return out
s1, s2 = seqs(1), seqs(2)
count = {}
for s in s1:
    for e in s: count[e] = count.get(e, 0) + 1
def key(e):
    nr, dr = e.split(":")
    return (-count[e], int(nr), dr)
vocab = {e: i + 1 for i, e in enumerate(sorted(count, key=key))}
def windows(ss, L):
    return [s[j:j + L] for s in ss for j in range(0, len(s) - L + 1, L)]
def spread(w, m):
    if len(w) <= m: return w
    return [w[(i * len(w)) // m] for i in range(m)]
def new(path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb")
def write_npy(path, ws, L):
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    hdr = "{'descr': '<i4', 'fortran_order': False, 'shape': (%d, %d, 1), }" % (len(ws), L)
    hdr += " " * (-(10 + len(hdr) + 1) % 64) + "\n"
    a = array("i", (vocab[e] for w in ws for e in w))
    if sys.byteorder != "little": a.byteswap()
    with new(path) as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode("latin-1"))
        a.tofile(f)
tr = spread(windows(s1, trl), mtr)
te_all = windows(s2, tel)
te_known = [w for w in te_all if all(e in vocab for e in w)]
te = spread(te_known, mte)
if not tr or not te:
    sys.exit("pts-dataset: too few events: %d training windows of %d, %d test windows of %d "
             "(a longer run, or --train-len/--test-len)" % (len(tr), trl, len(te), tel))
write_npy(os.path.join(d, "len%d" % trl, "train.npy"), tr, trl)
write_npy(os.path.join(d, "len%d" % tel, "test.npy"), te, tel)
c2 = {}
for s in s2:
    for e in s: c2[e] = c2.get(e, 0) + 1
with new(os.path.join(d, "vocab.tsv")) as f:
    f.write(b"id\tnr\tsyscall\tdir\ttrain_count\ttest_count\n")
    for e, i in sorted(vocab.items(), key=lambda x: x[1]):
        nr, dr = e.split(":")
        f.write(("%d\t%s\t%s\t%s\t%d\t%d\n" % (i, nr, names.get(nr, "?"), dr, count[e], c2.get(e, 0))).encode())
print("pts-dataset: %s: K=%d ids; train %d windows of %d (of %d); test %d windows of %d (of %d; %d left out for events run 1 never had)" % (
    d, len(vocab), len(tr), trl, len(windows(s1, trl)), len(te), tel, len(te_all), len(te_all) - len(te_known)), file=sys.stderr)
PY
rm -f "$outdir"/.seq? "$outdir"/.sel? "$outdir"/.dump?.err
