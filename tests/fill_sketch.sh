#!/usr/bin/env bash
# tracerec-fill under the lost-syscall sketch (no root needed): tests/tools/trzsketch writes a
# seeded complete trace and the same trace with 42 bursts lost, recorded as gaps with exact
# sketches, partial sketches or none.  Checks: with exact sketches every thread's multiset of
# recorded + synthetic events equals the complete trace's and every gap's first/last 8 synthetic
# events are the recorded lost tokens; without sketches the multisets differ (so the first
# check can fail) and fewer positions are right; with partial sketches the counted tokens
# appear exactly as counted in each gap.
set -u
. "$(dirname "$0")/lib/fill.bash"
gen=$B/tests/tools/trzsketch
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# per-thread multiset of events (recorded and synthetic): "count tid nr dir"
mset() { "$dump" --format csv "$1" | awk -F, '$1 == "event" || $1 == "synthetic" { print $5, $8, $9 }' | sort | uniq -c; }
# synthetic events equal to the complete trace's event at the same (tid, tseq): "right total"
right() {
  join <("$dump" --format csv "$1" | awk -F, '$1 == "event" { print $5 "_" $11, $8 "_" $9 }' | sort) \
       <("$dump" --format csv "$2" | awk -F, '$1 == "synthetic" { print $5 "_" $11, $8 "_" $9 }' | sort) |
    awk '{ n++; r += ($2 == $3) } END { print r + 0, n + 0 }'
}
# synthetic events within 8 of their gap's ends that differ from the complete trace: count
ends_wrong() {
  join <("$dump" --format csv "$1" | awk -F, '$1 == "event" { print $5 "_" $11, $8 "_" $9 }' | sort) \
       <("$dump" --format csv "$2" | awk -F, '$1 == "gap" { lo[$14] = $17; hi[$14] = $18 }
            $1 == "synthetic" && ($11 - lo[$14] < 8 || hi[$14] - $11 < 8) { print $5 "_" $11, $8 "_" $9 }' | sort) |
    awk '{ n++; w += ($2 != $3) } END { print w + 0, n + 0 }'
}

for mode in exact none partial; do
  "$gen" "$d/base-$mode.trz" "$d/lossy-$mode.trz" 11 $mode || { echo "trzsketch failed"; exit 1; }
  "$fill" -q --method ngram "$d/lossy-$mode.trz" -o "$d/filled-$mode.trz" 2>"$d/err"
  rc=$?
  check "tracerec-fill ($mode sketches) exits 0" $rc "$(cat "$d/err")"
done
n=$(mset "$d/base-exact.trz" | wc -l)
diff <(mset "$d/base-exact.trz") <(mset "$d/filled-exact.trz") >"$d/diff"
check "exact sketches: per-thread multisets equal the complete trace's ($n token counts)" $? \
  "$(head -5 "$d/diff")"
read -r w e < <(ends_wrong "$d/base-exact.trz" "$d/filled-exact.trz")
check "exact sketches: the first/last 8 lost tokens of every gap placed as recorded ($e events)" \
  $([ "$e" -gt 300 ] && [ "$w" = 0 ]; echo $?) "$w of $e wrong"
read -r _ g _ bad < <("$dump" --format csv "$d/filled-exact.trz" >"$d/f.csv"; check_gap_counts "$d/f.csv")
check "exact sketches: each of $g gaps has its lost count in its tseq range" $([ "$g" = 42 ] && [ "$bad" = 0 ]; echo $?) "$bad bad"
diff -q <(mset "$d/base-none.trz") <(mset "$d/filled-none.trz") >/dev/null
check "no sketches: the multisets differ (the n-gram alone gets counts wrong)" $([ $? = 1 ]; echo $?) ""
read -r rx nx < <(right "$d/base-exact.trz" "$d/filled-exact.trz")
read -r rn nn < <(right "$d/base-none.trz" "$d/filled-none.trz")
check "exact sketches right more often than none ($rx vs $rn of $nx)" \
  $([ "$nx" = "$nn" ] && [ "$rx" -gt $((rn + nx / 10)) ]; echo $?) ""
# partial: per gap, the tokens the sketch counts (dump's text lists "name xN (entry|exit|
# entry+exit)") are compared through the complete trace: recount the first 4 distinct lost
# tokens of each gap in the truth and in the fill
pc() { # FILE KIND -> "gap tid nr dir count" for the first 4 distinct tokens of each gap's truth
  awk -F, '$1 == "gap" { lo[$14] = $17; hi[$14] = $18; t[$14] = $5 }
    $1 == "event" || $1 == "synthetic" { k = $5 "_" $11; tok[k] = $8 "_" $9 }
    END { for (g in lo) { nd = 0; delete seen
            for (s = lo[g]; s <= hi[g]; s++) { x = tok[t[g] "_" s]; if (!(x in seen) && nd < 4) { seen[x] = 1; nd++ } }
            for (s = lo[g]; s <= hi[g]; s++) { x = tok[t[g] "_" s]; if (x in seen) c[g " " x]++ }
            for (x in seen) print g, x, c[g " " x] + 0 } }' "$1" | sort
}
"$dump" --format csv "$d/filled-partial.trz" >"$d/fp.csv"
"$dump" --format csv "$d/base-partial.trz" | grep -v '^gap,' >"$d/bp.csv"
grep '^gap,' "$d/fp.csv" >>"$d/bp.csv"
# truth: first 4 distinct tokens per gap and their counts; fill: the same tokens counted in the fill
pc "$d/bp.csv" >"$d/truth4"
awk -F, '$1 == "gap" { lo[$14] = $17; hi[$14] = $18 } $1 == "synthetic" { c[$14 " " $8 "_" $9]++ }
  END { while ((getline l < T) > 0) { split(l, a, " "); print a[1], a[2], c[a[1] " " a[2]] + 0 } }' \
  T="$d/truth4" "$d/fp.csv" | sort >"$d/fill4"
n4=$(wc -l <"$d/truth4")
cmp -s "$d/truth4" "$d/fill4"
check "partial sketches: the $n4 counted tokens appear exactly as counted in their gaps" $? \
  "$(diff "$d/truth4" "$d/fill4" | head -4)"
exit $fail
