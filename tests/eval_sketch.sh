#!/usr/bin/env bash
# tracerec-eval --trace --sketch (no root needed): seeded traces from tests/tools/trzsketch (the
# complete trace of seed 5 to drop from, seed 6 to train on).  Checks: with --sketch every burst
# size has count error 0 and JSON "sketch": true, accuracy at least as high as without (and
# higher at B=40), where without the count error is not 0; --losses with a lossy trace whose gaps
# carry sketches fills under sketches without being asked, and one without sketches does not;
# --no-sketch turns them off; --sketch without --trace is a usage error.
set -u
. "$(dirname "$0")/lib/fill.bash"
EVAL=$B/tracerec-eval
gen=$B/tests/tools/trzsketch
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$gen" "$d/c5.trz" "$d/l5.trz" 5 exact 20000 && "$gen" "$d/c6.trz" "$d/l6.trz" 6 none 20000 ||
  { echo "trzsketch failed"; exit 1; }
ev() { "$EVAL" -q --trace "$d/c5.trz" --train "$d/c6.trz" --json "$@" 2>"$d/err"; }
field() { grep -o "\"$1\": [0-9.a-z]*" | cut -d' ' -f2 | tr '\n' ' '; }
ev -b 1,10,40 --bursts 60 >"$d/plain.json"
check "eval without --sketch exits 0" $? "$(cat "$d/err")"
ev -b 1,10,40 --bursts 60 --sketch >"$d/sk.json"
check "eval --sketch exits 0" $? "$(cat "$d/err")"
read -r c1 c10 c40 < <(field count_error <"$d/sk.json")
read -r p1 p10 p40 < <(field count_error <"$d/plain.json")
check "--sketch: count error 0 at B = 1, 10, 40 ($c1 $c10 $c40)" \
  $([ "$c1 $c10 $c40" = "0.000000 0.000000 0.000000" ]; echo $?) ""
check "without: count error not 0 at B = 10, 40 ($p10 $p40)" \
  $(awk -v a="$p10" -v b="$p40" 'BEGIN { exit !(a > 0 && b > 0) }'; echo $?) ""
read -r a1 a10 a40 < <(field accuracy <"$d/sk.json")
read -r b1 b10 b40 < <(field accuracy <"$d/plain.json")
check "--sketch accuracy ($a1 $a10 $a40) >= without ($b1 $b10 $b40), higher at B=40" \
  $(awk -v a1="$a1" -v a10="$a10" -v a40="$a40" -v b1="$b1" -v b10="$b10" -v b40="$b40" \
    'BEGIN { exit !(a1 >= b1 && a10 >= b10 && a40 > b40 + 0.02) }'; echo $?) ""
check "JSON says sketch true / false" \
  $([ "$(field sketch <"$d/sk.json")" = "true true true " ] && [ "$(field sketch <"$d/plain.json")" = "false false false " ]; echo $?) ""
ev --losses "$d/l5.trz" >"$d/loss.json"
check "--losses with a sketched lossy trace: sketches used, count error 0" \
  $([ "$(field sketch <"$d/loss.json")" = "true " ] && [ "$(field count_error <"$d/loss.json")" = "0.000000 " ]; echo $?) \
  "$(cat "$d/loss.json" "$d/err")"
ev --losses "$d/l5.trz" --no-sketch >"$d/lossno.json"
check "--losses --no-sketch with a sketched lossy trace: none used, count error not 0" \
  $([ "$(field sketch <"$d/lossno.json")" = "false " ] &&
    awk -v c="$(field count_error <"$d/lossno.json")" 'BEGIN { exit !(c > 0) }'; echo $?) \
  "$(cat "$d/lossno.json" "$d/err")"
ev --losses "$d/l6.trz" >"$d/loss6.json"
check "--losses with a lossy trace without sketches: none used" \
  $([ "$(field sketch <"$d/loss6.json")" = "false " ]; echo $?) "$(cat "$d/loss6.json" "$d/err")"
"$EVAL" -q --train "$d/c6.trz" --sketch >/dev/null 2>"$d/err"
rc=$?
check "--sketch without --trace: exit 2, one message" \
  $([ $rc = 2 ] && [ "$(wc -l <"$d/err")" = 1 ]; echo $?) "rc $rc: $(cat "$d/err")"
exit $fail
