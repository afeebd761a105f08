#!/usr/bin/env bash
# tracerec-eval end to end: the n-gram imputer on a real shared dataset (first 100 test windows)
# must reach the accuracy measured when this test was written (0.98 centre, 0.976 end for B=40,
# on pybench) with margin; bad invocations give one clear message and the documented exit codes.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
D=$SHARED/datasets/pts/pybench
EVAL=$B/tracerec-eval
[ -f "$D/len100/train.npy" ] || { echo "shared datasets absent ($D)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# expect CODE PATTERN -- command...: exit status and a stderr line matching PATTERN
expect() {
  local code=$1 pat=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ $rc -eq "$code" ] || { cat "$tmp/err"; fail "$* exited $rc, want $code"; }
  grep -q -- "$pat" "$tmp/err" || { cat "$tmp/err"; fail "$*: stderr lacks '$pat'"; }
  [ "$(grep -c . "$tmp/err")" -le 2 ] || { cat "$tmp/err"; fail "$*: more than one message"; }
}

# 1. accuracy on real data, JSON output
$EVAL -q --method ngram --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit 100 \
  --blackout 1,10,40 --json >"$tmp/res.json" || fail "eval exited $?"
awk '
  function get(k,   m) { if (!match($0, "\"" k "\": [^,}]*")) return ""; m = substr($0, RSTART, RLENGTH); sub(/^[^:]*: */, "", m); gsub(/"/, "", m); return m }
  /"blackout"/ {
    rows++
    for (i = 1; i <= 7; i++) { split("blackout position accuracy perfect_rate rouge_l n count_error", ks); if (get(ks[i]) == "") { print "missing " ks[i] ": " $0; bad = 1 } }
    acc = get("accuracy") + 0; pr = get("perfect_rate") + 0; rl = get("rouge_l") + 0
    if (get("n") != 100) { print "n != 100: " $0; bad = 1 }
    if (!(pr <= acc && acc <= rl + 1e-9 && rl <= 1 + 1e-9)) { print "inconsistent: " $0; bad = 1 }
    # only wrong positions change the span histogram, each by at most 2
    ce = get("count_error") + 0
    if (!(ce >= 0 && ce <= 2 * (1 - acc) + 1e-6)) { print "count error inconsistent: " $0; bad = 1 }
    lo = get("position") == "center" ? 0.95 : 0.93
    if (acc < lo) { print "accuracy below " lo ": " $0; bad = 1 }
    printf "%s %s %.4f\n", get("blackout"), get("position"), acc
  }
  END { if (rows != 6) { print rows " rows, want 6"; bad = 1 } exit bad }' "$tmp/res.json" || fail "accuracy below threshold or bad JSON"

# 2. the table, --end-mode: B=30 at the end masks 20 (paper) or 30 (exact) events
$EVAL -q --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit 20 -b 30 -p end \
  >"$tmp/t1" || fail "table exited $?"
awk '$1 == 30 && $2 == "end" { exit !($3 == 20) }' "$tmp/t1" || { cat "$tmp/t1"; fail "paper end mode"; }
$EVAL -q --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit 20 -b 30 -p end \
  --end-mode exact >"$tmp/t2" || fail "exact end mode exited $?"
awk '$1 == 30 && $2 == "end" { exit !($3 == 30) }' "$tmp/t2" || { cat "$tmp/t2"; fail "exact end mode"; }

# 2b. --svg: accuracy vs blackout, one polyline per method and position, well-formed, 0600,
# never over an existing file; a method list scores each method
$EVAL -q --method ngram,ngram --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit 5 \
  -b 1,10,40 >"$tmp/t3" || fail "method list exited $?"
[ "$(grep -c ' ngram$' "$tmp/t3")" -eq 12 ] || { cat "$tmp/t3"; fail "method list: want 12 ngram rows"; }
$EVAL -q --method ngram --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit 20 \
  -b 1,10,40 --svg "$tmp/acc.svg" >/dev/null || fail "--svg exited $?"
[ "$(grep -c '<polyline' "$tmp/acc.svg")" -eq 2 ] || fail "svg: want 2 polylines (center, end)"
[ "$(grep -c '<circle' "$tmp/acc.svg")" -eq 6 ] || fail "svg: want 6 points"
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$tmp/acc.svg" || fail "svg not well-formed"
[ "$(stat -c %a "$tmp/acc.svg")" = 600 ] || fail "svg mode $(stat -c %a "$tmp/acc.svg")"
expect 1 "cannot write $tmp/acc.svg" -- $EVAL -q --train "$D/len100/train.npy" \
  --test "$D/len200/test.npy" --limit 5 -b 1 --svg "$tmp/acc.svg"

# 3. bad input and bad options
head -c 300 /dev/urandom >"$tmp/junk.npy"
head -c 1000 "$D/len200/test.npy" >"$tmp/short.npy"
expect 1 "cannot load test windows $tmp/nope.npy: No such file" -- \
  $EVAL --train "$D/len100/train.npy" --test "$tmp/nope.npy"
expect 1 "cannot load test windows $tmp/junk.npy" -- \
  $EVAL --train "$D/len100/train.npy" --test "$tmp/junk.npy"
expect 1 "cannot load test windows $tmp/short.npy" -- \
  $EVAL --train "$D/len100/train.npy" --test "$tmp/short.npy"
expect 1 "cannot load training windows $tmp/junk.npy" -- \
  $EVAL --train "$tmp/junk.npy" --test "$D/len200/test.npy"
expect 2 "invalid --blackout '1,x'" -- $EVAL --train "$D/len100/train.npy" --test "$D/len200/test.npy" -b 1,x
expect 2 "invalid --blackout '0'" -- $EVAL --train "$D/len100/train.npy" --test "$D/len200/test.npy" -b 0
expect 2 "blackout 300 does not fit" -- \
  $EVAL --train "$D/len100/train.npy" --test "$D/len200/test.npy" -b 300
expect 2 "invalid --position 'middle'" -- $EVAL --train x --test y -p middle
expect 2 "no test windows" -- $EVAL --train "$D/len100/train.npy"
expect 2 "needs --model" -- $EVAL --method sssd --test "$D/len200/test.npy"
expect 2 "needs --train" -- $EVAL --method hybrid --model x --test "$D/len200/test.npy"
expect 2 "unknown --method" -- $EVAL --method lstm --test "$D/len200/test.npy"
expect 2 "invalid --limit 'abc'" -- $EVAL --test "$D/len200/test.npy" --limit abc
expect 1 "cannot load model $tmp/nope.sssd" -- \
  $EVAL --method sssd --model "$tmp/nope.sssd" --test "$D/len200/test.npy"
$EVAL --help | grep -q -- "--blackout" || fail "--help lacks --blackout"
echo "eval_cli: ok"
