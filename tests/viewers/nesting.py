#!/usr/bin/env python3
"""nesting.py TRACE.json - check that a chrome-json export nests as the viewers need it.

1. Exactly, in integer nanoseconds: per track (pid, tid), sorted by (start, longest first),
   every slice lies strictly inside the one still open (it may share its start, it ends
   before it) or starts strictly after it ended; no slice is zero-length; every B has its E.
2. As speedscope 1.25 builds a profile from it (src/import/chrome.ts, the rules only, in
   floating point as it does them): begins sorted by time (explicit B first, then X by time,
   longest first), ends by time, an end taken before a begin at the same time unless the two
   have the same name and arguments, an end matched against the top of the stack by name and
   arguments.  Every warning it would print ("Tried to end ...", "still open") is a failure.
Prints ok/FAIL lines; exit 1 on any problem."""
import json, sys
from collections import defaultdict
from decimal import Decimal

path = sys.argv[1]
ok = True
def check(name, cond, detail=""):
    global ok
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)))
    ok &= bool(cond)

# 1. exact
ev = json.load(open(path), parse_float=Decimal)["traceEvents"]
spans = defaultdict(list); open_b = defaultdict(list); bad = []
for e in ev:
    k = (e.get("pid"), e.get("tid"))
    if e["ph"] == "X":
        spans[k].append((e["ts"], e["ts"] + e["dur"], e["name"]))
    elif e["ph"] == "B":
        open_b[k].append(e)
    elif e["ph"] == "E":
        if open_b[k]:
            b = open_b[k].pop()
            spans[k].append((b["ts"], e["ts"], b["name"]))
        else:
            bad.append(("E without B", k, e["ts"]))
for k, ss in spans.items():
    ss.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    stack = []
    for s in ss:
        if s[1] <= s[0]:
            bad.append(("zero-length", k, s))
        while stack and stack[-1][1] < s[0]:
            stack.pop()
        if stack and not (s[0] >= stack[-1][0] and s[1] < stack[-1][1]):
            bad.append(("touch or cross", k, stack[-1], s))
        stack.append(s)
unclosed = [(k, len(v)) for k, v in open_b.items() if v]
check("every track nests strictly in integer ns (%d tracks)" % len(spans), not bad and not unclosed,
      (bad[:3], unclosed[:3]))

# 2. speedscope's import, on floats
ev = json.load(open(path))["traceEvents"]
per = defaultdict(list)
for e in ev:
    if e["ph"] in ("B", "E", "X"):
        per[(e["pid"], e["tid"])].append(dict(e))
def key(e):
    n = e.get("name") or "(unnamed)"
    return n + " " + json.dumps(e["args"], separators=(",", ":"), ensure_ascii=False) if "args" in e else n
warn = []
for k, t in per.items():
    m = min(e["ts"] for e in t)
    for e in t:
        e["ts"] -= m
    bq = [e for e in t if e["ph"] == "B"]; eq = [e for e in t if e["ph"] == "E"]
    xs = sorted((e for e in t if e["ph"] == "X"), key=lambda e: (e["ts"], -e.get("dur", 0)))
    for e in xs:
        bq.append(dict(e, ph="B")); eq.append(dict(e, ph="E", ts=e["ts"] + e.get("dur", 0)))
    bq.sort(key=lambda e: e["ts"]); eq.sort(key=lambda e: e["ts"])
    bq.reverse(); eq.reverse()  # pop() from the end
    stack = []
    while bq or eq:
        if not eq: take_b = True
        elif not bq: take_b = False
        else:
            a, b = bq[-1], eq[-1]
            take_b = a["ts"] < b["ts"] or (a["ts"] == b["ts"] and key(a) == key(b))
        if take_b:
            stack.append(bq.pop()); continue
        if stack:  # prefer an end at the same time that matches the top (key, then name)
            top = stack[-1]; t0 = eq[-1]["ts"]
            for want in (lambda g: key(g) == key(top), lambda g: g["name"] == top["name"]):
                hit = next((u for u in range(len(eq) - 2, -1, -1) if eq[u]["ts"] <= t0 and want(eq[u])), None)
                if hit is not None and all(eq[v]["ts"] <= t0 for v in range(hit, len(eq))):
                    eq[-1], eq[hit] = eq[hit], eq[-1]; break
        s = eq.pop()
        if not stack:
            warn.append("%s: end of %s with an empty stack" % (k, key(s)[:100])); continue
        c = stack[-1]
        if s["name"] != c["name"]:
            warn.append("%s ts=%s: end of %s while %s is on top" % (k, s["ts"], key(s)[:100], key(c)[:100])); continue
        if key(s) != key(c):
            warn.append("%s ts=%s: end of %s ends %s" % (k, s["ts"], key(s)[:100], key(c)[:100]))
        stack.pop()
    warn += ["%s: %s still open at the end" % (k, key(s)[:100]) for s in stack]
check("speedscope's import rules give no warning", not warn, warn[:3])
sys.exit(0 if ok else 1)
