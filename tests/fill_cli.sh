#!/usr/bin/env bash
# tracerec-fill from the command line, no root needed:
#  - a synthetic trace (tests/tools/trzgen: 4 threads, one attributed gap partly filled already,
#    one unattributed gap) without --model, --method sssd with a 2-second budget: the
#    self-training path; the gap ends up with exactly its lost count, the unattributed gap stays;
#  - an imported LTTng trace with discarded events (unattributed only): copied, kept unfilled;
#  - bad input and bad options: one clear message, non-zero exit, no output file.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
. "$(dirname "$0")/lib/fill.bash"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

"$B/tests/tools/trzgen" "$d/syn.trz" 20000 >/dev/null || { echo "FAIL trzgen"; exit 1; }
sj=$("$dump" --stats --json "$d/syn.trz")
"$fill" "$d/syn.trz" -o "$d/syn-f.trz" --method sssd --train-time 2 --threads 2 2>"$d/err"
rc=$?
check "self-training fill exits 0" $rc "exit $rc: $(cat "$d/err")"
grep -q "method sssd, self-trained" "$d/err"
check "summary: sssd, self-trained" $? "$(cat "$d/err")"
fj=$("$dump" --stats --json "$d/syn-f.trz")
al=$(echo "$fj" | jget attributed_lost_events) sy=$(echo "$fj" | jget synthetic_events)
check "synthetic_events ($sy) == attributed_lost_events ($al)" $([ "$sy" = "$al" ] && [ "$al" -gt 0 ]; echo $?) "$fj"
check "unfilled_gaps 0" $([ "$(echo "$fj" | jget unfilled_gaps)" = 0 ]; echo $?) "$fj"
check "unattributed loss kept" $([ "$(echo "$fj" | jget unattributed_lost_events)" = "$(echo "$sj" | jget unattributed_lost_events)" ] && [ "$(echo "$fj" | jget unattributed_gaps)" = 1 ]; echo $?) "$fj"
grep -q "1 unattributed gaps (3 events, no thread known) left as unfilled gap records" "$d/err"
check "summary names the unattributed gap left unfilled" $? "$(cat "$d/err")"
"$dump" --format csv "$d/syn-f.trz" >"$d/f.csv"
read -r _ g _ bad < <(check_gap_counts "$d/f.csv")
check "the gap has exactly its count, inside its range" $([ "$g" = 1 ] && [ "$bad" = 0 ]; echo $?) "$bad bad"
# filling again adds nothing
"$fill" -q "$d/syn-f.trz" -o "$d/syn-ff.trz" 2>"$d/err2"
check "refill adds nothing" $([ "$("$dump" --stats --json "$d/syn-ff.trz" | jget synthetic_events)" = "$sy" ]; echo $?) "$(cat "$d/err2")"

lt=$SHARED/data/lttng/discards-lttng-test
if [ -d "$lt" ] && [ -x "$B/tracerec-import" ]; then
  "$B/tracerec-import" lttng "$lt" -o "$d/lt.trz" -q 2>/dev/null
  "$fill" "$d/lt.trz" -o "$d/lt-f.trz" 2>"$d/err3"
  rc=$?
  lj=$("$dump" --stats --json "$d/lt-f.trz")
  check "imported LTTng trace: unattributed discards kept unfilled (exit $rc)" \
    $([ $rc = 0 ] && [ "$(echo "$lj" | jget unattributed_lost_events)" -gt 0 ] && [ "$(echo "$lj" | jget synthetic_events)" = 0 ]; echo $?) "$lj $(cat "$d/err3")"
fi

expect() { # NAME WANT_RC REGEX -- CMD...
  local name=$1 want=$2 re=$3; shift 4
  "$@" >/dev/null 2>"$d/e"; local rc=$?
  [ $rc = "$want" ] && grep -qE "$re" "$d/e"
  check "$name (exit $rc)" $? "$(cat "$d/e")"
}
expect "missing input" 1 "^tracerec-fill: cannot open $d/none.trz: No such file" -- "$fill" "$d/none.trz" -o "$d/o1.trz"
echo "not a trace" > "$d/bad.trz"
expect "not a trz file" 1 "^tracerec-fill: cannot open $d/bad.trz: not a trz file" -- "$fill" "$d/bad.trz" -o "$d/o2.trz"
expect "no output" 2 "no output given" -- "$fill" "$d/syn.trz"
expect "unknown method" 2 "unknown --method 'magic'" -- "$fill" "$d/syn.trz" -o "$d/o3.trz" --method magic
expect "output = input" 2 "would overwrite the input" -- "$fill" "$d/syn.trz" -o "$d/syn.trz"
expect "missing model" 1 "cannot load model $d/none.model" -- "$fill" "$d/syn.trz" -o "$d/o4.trz" --model "$d/none.model" --method sssd
# a truncated input: everything readable is repaired and written, the damage is named, exit 3
sz=$(stat -c %s "$d/syn.trz")
head -c $((sz - 7)) "$d/syn.trz" > "$d/trunc.trz"
expect "truncated input" 3 "^tracerec-fill: warning: .*trunc" -- "$fill" -q "$d/trunc.trz" -o "$d/o5.trz"
check "truncated input: output written" $([ -s "$d/o5.trz" ] && "$dump" --stats --json "$d/o5.trz" >/dev/null; echo $?) "$(ls -l "$d")"
check "no output left by the failures" $([ ! -e "$d/o1.trz" ] && [ ! -e "$d/o2.trz" ] && [ ! -e "$d/o3.trz" ]; echo $?) "$(ls "$d")"
exit $fail
