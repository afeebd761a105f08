#!/usr/bin/env bash
# tracerec-train end to end: an n-gram model from .npy windows scores like the windows
# themselves in tracerec-eval; a tiny SSSD-S4 training writes a checkpoint tracerec-eval loads
# (once the model is implemented); bad invocations give one clear message and exit codes.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
D=$SHARED/datasets/pts/scimark2
TRAIN=$B/tracerec-train
EVAL=$B/tracerec-eval
[ -f "$D/len100/train.npy" ] || { echo "shared datasets absent ($D)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() {
  local code=$1 pat=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ $rc -eq "$code" ] || { cat "$tmp/err"; fail "$* exited $rc, want $code"; }
  grep -q -- "$pat" "$tmp/err" || { cat "$tmp/err"; fail "$*: stderr lacks '$pat'"; }
}

# 1. n-gram model file: same scores as indexing the .npy directly
$TRAIN -q --method ngram --npy "$D/len100/train.npy" -o "$tmp/m.ngram" >"$tmp/out" || fail "ngram train"
grep -q "10000 sequences, 1000000 events" "$tmp/out" || { cat "$tmp/out"; fail "summary"; }
[ "$(stat -c %a "$tmp/m.ngram")" = 600 ] || fail "model file mode"
a=$($EVAL -q --model "$tmp/m.ngram" --test "$D/len200/test.npy" --limit 50 -b 5,20 --json) || fail "eval model"
b=$($EVAL -q --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit 50 -b 5,20 --json) || fail "eval npy"
a=$(echo "$a" | sed 's/, "fill_seconds.*}/}/'); b=$(echo "$b" | sed 's/, "fill_seconds.*}/}/')
[ "$a" = "$b" ] || { echo "$a"; echo "$b"; fail "n-gram model file scores differ from the .npy's"; }
echo "$a" | awk '/"accuracy"/ { n++; match($0, /"accuracy": [0-9.]+/); if (substr($0, RSTART + 12, RLENGTH - 12) + 0 <= 0.9) bad = 1 }
  END { exit bad || n != 4 }' || { echo "$a"; fail "n-gram accuracy"; }

# 2. a tiny SSSD-S4 training run (seconds), then its checkpoint in tracerec-eval
if $TRAIN -q --npy "$D/len50/train.npy" -o "$tmp/m.sssd" --iters 3 --batch 2 --blocks 1 \
     --channels 8 --state 4 --diffusion-steps 10 --eval-every 0 --threads 1 >"$tmp/out" 2>"$tmp/err"; then
  [ -s "$tmp/m.sssd" ] || fail "no checkpoint written"
  $EVAL -q --model "$tmp/m.sssd" --test "$D/len50/test.npy" --limit 4 -b 5 -p center --steps 2 \
    --json >"$tmp/res" || fail "eval of the sssd checkpoint"
  grep -q '"n": 4' "$tmp/res" || fail "sssd eval output"
elif grep -q "not implemented" "$tmp/err"; then
  echo "SSSD-S4 not implemented yet: its part of this test is not exercised"
else
  cat "$tmp/err"; fail "sssd training"
fi

# 3. bad invocations
head -c 500 /dev/urandom >"$tmp/junk"
expect 2 "no output file" -- $TRAIN --npy "$D/len100/train.npy"
expect 2 "no training data" -- $TRAIN -o "$tmp/x"
expect 2 "either --npy or .trz" -- $TRAIN --npy "$D/len100/train.npy" "$tmp/junk" -o "$tmp/x"
expect 2 "invalid --iters '-3'" -- $TRAIN --npy "$D/len100/train.npy" -o "$tmp/x" --iters -3
expect 2 "invalid --batch '0.5'" -- $TRAIN --npy "$D/len100/train.npy" -o "$tmp/x" --batch 0.5
expect 2 "invalid --repr 'float'" -- $TRAIN --npy "$D/len100/train.npy" -o "$tmp/x" --repr float
expect 2 "unknown --method" -- $TRAIN --method lstm --npy "$D/len100/train.npy" -o "$tmp/x"
expect 2 "unknown option '--frobnicate'" -- $TRAIN --frobnicate
expect 1 "cannot load training windows $tmp/junk" -- $TRAIN --npy "$tmp/junk" -o "$tmp/x"
expect 1 "cannot load traces: $tmp/junk" -- $TRAIN -m ngram "$tmp/junk" -o "$tmp/x"
expect 1 "cannot load traces: $tmp/none.trz: No such file" -- $TRAIN -m ngram "$tmp/none.trz" -o "$tmp/x"
expect 1 "cannot create $tmp/no/dir/m: No such file" -- \
  $TRAIN -m ngram --npy "$D/len50/test.npy" -o "$tmp/no/dir/m"
head -c 3000 "$tmp/m.ngram" >"$tmp/trunc.ngram"
expect 1 "cannot load n-gram model $tmp/trunc.ngram" -- \
  $EVAL --model "$tmp/trunc.ngram" --test "$D/len200/test.npy"
$TRAIN --help | grep -q -- "--time-budget" || fail "--help lacks --time-budget"
echo "train_cli: ok"
