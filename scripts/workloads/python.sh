#!/usr/bin/env bash
# python.sh [N] - stand-in for pts/pybench and pyperformance: N rounds (default 40) of a small
# script mix: json round trips, regex over text, a dict-heavy word count, files written and read
# back in 4 KiB chunks, and a subprocess per round.  Score (WL_SCORE=1): seconds.
. "$(dirname "$0")/common.sh"
size=${wl_size:-40}
wl_need python3 python3
wl_timer_start
"$PY" - "$wl_dir" "$size" <<'PY'
import json, os, re, subprocess, sys
d, n = sys.argv[1], int(sys.argv[2])
words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa " * 50).split()
for r in range(n):
    obj = {"round": r, "items": [{"k": w, "v": i * r} for i, w in enumerate(words[:200])]}
    s = json.dumps(obj); assert json.loads(s) == obj
    counts = {}
    for w in re.findall(r"[a-z]+", " ".join(words[r % 7:])):
        counts[w] = counts.get(w, 0) + 1
    p = os.path.join(d, "f%d.json" % (r % 4))
    with open(p, "w") as f:
        f.write(s)
    with open(p, "rb") as f:
        while f.read(4096):
            pass
    os.stat(p)
    subprocess.run(["true"], check=True)
PY
wl_score_seconds
