#!/usr/bin/env bash
# bench-pts.sh - the project's Phoronix Test Suite profiles traced with tracerecd; writes the
# bench-pts section of BENCHMARKS.md.
#
# As root, with phoronix-test-suite on PATH (see docs/pts.md).  For each profile
# (PROFILES="gzip php ..." picks some; default all pts/local/tracerec-*): one untraced and two
# traced batch-runs of 3 trials each (scripts/trace-pts.sh --untraced 1 --runs 2): the PTS score
# untraced and traced (median of the 3 trials of a run; traced = run 1), their ratio, and the
# trace's events, events/s, lost events and bytes per event.  Then the dataset of the benchmark's
# own processes from the two traced runs (scripts/pts-dataset.sh) and the n-gram imputer's
# accuracy on it (tracerec-eval, blackout 1, 10, 40 at the centre of len200 windows) beside the
# paper's published SSSD-S4 accuracy for the same benchmark (../shared/reference/paper-metrics.tsv).
# Env: B (build dir), PROFILES, TRACEREC_PTS_STATE (PTS state folder), TRACEREC_SHARED,
# SSSD_BUDGET=SEC (also train SSSD-S4 for SEC seconds on each rebuilt dataset and score it on its
# first 50 test windows with 10 DDIM steps; default 0: n-gram only), BENCH_PTS_ADD=1 (measure PROFILES and add their rows to the section, keeping the other rows and
# saying when the added rows were measured).
# Takes about 2 minutes per profile on 2 busy cores.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
export B
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
paper=$SHARED/reference/paper-metrics.tsv
log() { echo "bench-pts: $*" >&2; }
command -v phoronix-test-suite >/dev/null 2>&1 || { log "phoronix-test-suite is not on PATH (docs/pts.md)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { log "run as root"; exit 1; }
[ -r "$paper" ] || { log "$paper not found"; exit 1; }
tmp=$(mktemp -d /var/tmp/tracerec-bench-pts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
state=${TRACEREC_PTS_STATE:-$tmp/state}
profiles=${PROFILES:-$(cd "$TOP/pts/local" && ls -d tracerec-* | sed 's/^tracerec-//')}
declare -A paper_name=([gzip]=compress-gzip [php]=phpbench [python]=pybench [unpack]=unpack-linux
                       [fio]=iozone [memory]=stream [scimark]=scimark2 [ffmpeg]=ffmpeg)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$tmp/sum.tsv"; : > "$tmp/acc.tsv"; : > "$tmp/sel.tsv"
for p in $profiles; do
  t=local/tracerec-$p
  log "$t"
  if ! "$TOP/scripts/trace-pts.sh" --state "$state" --untraced 1 --runs 2 --summary "$tmp/sum.tsv" \
       "$t" "$tmp/$p.trz" 2> "$tmp/$p.log"; then
    tail -n 5 "$tmp/$p.log" >&2; log "$t failed"; printf '%s\tFAILED\n' "$t" >> "$tmp/sum.tsv"; continue
  fi
  if "$TOP/scripts/pts-dataset.sh" "$tmp/$p-1.trz" "$tmp/$p-2.trz" "$tmp/$p-ds" 2> "$tmp/$p-ds.log"; then
    own=$(grep -o 'run 1 .*' "$tmp/$p-ds.log" | grep -o '[0-9]* of [0-9]* events' | head -n 1 |
          awk '{ printf "%d (%.1f%%)", $1, ($3 > 0 ? 100 * $1 / $3 : 0) }')
    win=$(grep -o 'K=.*' "$tmp/$p-ds.log" | head -n 1 |
          sed -E 's/^K=([0-9]+) ids; train ([0-9]+) windows of ([0-9]+) .*; test ([0-9]+) windows of ([0-9]+) .*/K=\1, \2 train x \3, \4 test x \5/')
    printf '%s\t%s\t%s\n' "$p" "$own" "$win" >> "$tmp/sel.tsv"
    "$B/tracerec-eval" -q --method ngram --train "$tmp/$p-ds/len100/train.npy" \
      --test "$tmp/$p-ds/len200/test.npy" --blackout 1,10,40 --position center --json > "$tmp/$p.json" || true
    for b in 1 10 40; do
      a=$(tr '{' '\n' < "$tmp/$p.json" | grep "\"blackout\": *$b," | grep -o '"accuracy": *[0-9.]*' | cut -d: -f2 | tr -d ' ')
      printf '%s\t%s\t%s\n' "$p" "$b" "$(awk -v a="${a:-}" 'BEGIN { if (a == "") print "-"; else printf "%.4f", a }')" >> "$tmp/acc.tsv"
    done
    if [ "${SSSD_BUDGET:-0}" -gt 0 ]; then
      log "$t: SSSD-S4 training (${SSSD_BUDGET}s)"
      if "$B/tracerec-train" -q --npy "$tmp/$p-ds/len100/train.npy" -o "$tmp/$p.sssd" --iters 0 \
           --time-budget "$SSSD_BUDGET" --threads 2 > /dev/null 2> "$tmp/$p.train.err" &&
         "$B/tracerec-eval" -q --model "$tmp/$p.sssd" --test "$tmp/$p-ds/len200/test.npy" --limit 50 \
           --steps 10 --threads 2 --blackout 1,10,40 --position center --json > "$tmp/$p.sssd.json"; then
        for b in 1 10 40; do
          a=$(tr '{' '\n' < "$tmp/$p.sssd.json" | grep "\"blackout\": *$b," | grep -o '"accuracy": *[0-9.]*' | cut -d: -f2 | tr -d ' ')
          printf '%s\t%s\t%s\n' "$p" "s$b" "$(awk -v a="${a:-}" 'BEGIN { if (a == "") print "-"; else printf "%.4f", a }')" >> "$tmp/acc.tsv"
        done
      else
        log "$t: SSSD-S4 failed: $(tail -n 1 "$tmp/$p.train.err")"
      fi
    fi
  else
    cat "$tmp/$p-ds.log" >&2
    printf '%s\t%s\t%s\n' "$p" "-" "$(tail -n 1 "$tmp/$p-ds.log")" >> "$tmp/sel.tsv"
  fi
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "Measured $(date -u +%Y-%m-%d) by scripts/bench-pts.sh with the Phoronix Test Suite 10.8.6 (offline,"
  echo "batch mode, the project's local/tracerec-* profiles), tracerecd default options (8 MiB rings),"
  echo "2 cores shared with other jobs: load average $load0 at the start, $load1 at the end. Scores are"
  echo "each run's median of 3 trials (PTS's own measure, parsed by PTS from the workload's score line);"
  echo "untraced and traced runs follow each other, so the busy machine's drift is in the ratio too"
  echo "(at this load it is larger than tracing's cost: read the ratios as noise bounds). events: the"
  echo "whole traced batch-run (PTS's start-up probes included); benchmark's own: the events of the"
  echo "profile executable's process tree, which the datasets use (memory and scimark compute with"
  echo "almost no system calls, so their datasets are tiny)."
  echo
  echo "| profile (paper benchmark) | untraced | traced | traced/untraced | events | events/s | lost | bytes/event | benchmark's own events |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for p in $profiles; do
    t=local/tracerec-$p
    if grep -q "^$t	FAILED" "$tmp/sum.tsv"; then echo "| $t | failed | | | | | | | |"; continue; fi
    u=$(awk -F'\t' -v t="$t" '$1 == t && $2 == "untraced" { print $3; exit }' "$tmp/sum.tsv")
    IFS=$'\t' read -r _ _ s unit prop _ _ ev eps lost bpe < <(awk -F'\t' -v t="$t" '$1 == t && $2 == "traced" { print; exit }' "$tmp/sum.tsv")
    ratio=$(awk -v u="$u" -v s="$s" -v p="$prop" 'BEGIN { if (u > 0 && s > 0) printf "%.2f (%s)", s / u, p == "HIB" ? "higher is better" : "lower is better"; else print "-" }')
    own=$(awk -F'\t' -v p="$p" '$1 == p { print $2; exit }' "$tmp/sel.tsv")
    echo "| $t (${paper_name[$p]:-?}) | $u $unit | $s $unit | $ratio | $ev | $eps | $lost | $bpe | ${own:--} |"
  done
  echo
  echo "Datasets rebuilt from the two traced runs (scripts/pts-dataset.sh: the process tree of the"
  echo "profile's executable; len100 train windows from run 1, len200 test windows from run 2, ids by"
  echo "run 1's frequencies) and the n-gram imputer's accuracy on them (tracerec-eval --method ngram,"
  echo "one blackout at the centre), beside the paper's SSSD-S4 accuracy on its own dataset of the same"
  echo "benchmark (paper-metrics.tsv; its windows come from LTTng traces of the real PTS profiles, with"
  echo "10000 train and 500 test windows): a different trace of a stand-in, so a comparison of orders of"
  echo "magnitude, not a replication."
  echo
  if [ "${SSSD_BUDGET:-0}" -gt 0 ]; then
    echo "SSSD-S4 (ours): trained ${SSSD_BUDGET} s on the rebuilt train windows (2 threads), scored on the"
    echo "first 50 test windows with 10 DDIM steps. A short budget on a busy machine and a few hundred"
    echo "windows leave it under-trained: these columns say what such a budget buys, not what the model"
    echo "reaches (the bench-model section trains it properly on the paper's datasets)."
    echo
    echo "| profile | dataset | ngram B=1 | B=10 | B=40 | SSSD-S4 B=1 | B=10 | B=40 | paper SSSD-S4 B=1 | B=10 | B=40 |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  else
    echo "| profile | dataset | ngram B=1 | B=10 | B=40 | paper SSSD-S4 B=1 | B=10 | B=40 |"
    echo "|---|---|---|---|---|---|---|---|"
  fi
  for p in $profiles; do
    win=$(awk -F'\t' -v p="$p" '$1 == p { print $3; exit }' "$tmp/sel.tsv")
    [ -n "$win" ] || continue
    row="| tracerec-$p | $win |"
    for b in 1 10 40; do row="$row $(awk -F'\t' -v p="$p" -v b="$b" '$1 == p && $2 == b { print $3; exit }' "$tmp/acc.tsv") |"; done
    if [ "${SSSD_BUDGET:-0}" -gt 0 ]; then
      for b in 1 10 40; do v=$(awk -F'\t' -v p="$p" -v b="s$b" '$1 == p && $2 == b { print $3; exit }' "$tmp/acc.tsv"); row="$row ${v:--} |"; done
    fi
    for b in 1 10 40; do
      v=$(awk -F'\t' -v d="${paper_name[$p]:-}" -v b="$b" '$1 == "SSSD_S4" && $2 == d && $3 == 200 && $4 == b && $5 == "center" { print $6; exit }' "$paper")
      row="$row ${v:--} |"
    done
    echo "$row"
  done
} > "$tmp/new"

md=$TOP/BENCHMARKS.md
if [ "${BENCH_PTS_ADD:-0}" = 1 ] && grep -q '<!-- bench-pts:begin -->' "$md"; then
  # the current section, with the rows of the profiles measured now replaced or added
  awk '/<!-- bench-pts:begin -->/ { on = 1; next } /<!-- bench-pts:end -->/ { on = 0 } on' "$md" > "$tmp/old"
  awk -v new="$tmp/new" -v plist=" $profiles " -v note="Rows of $(echo $profiles) added $(date -u +%Y-%m-%d) by BENCH_PTS_ADD=1 (load $load0 at the start, $load1 at the end)." '
    BEGIN { while ((getline l < new) > 0) if (l ~ /^\| (local\/)?tracerec-/) { n = l; sub(/^\| (local\/)?tracerec-/, "", n); sub(/[ |].*/, "", n); rows[(l ~ /^\| local/ ? "a" : "b") n] = rows[(l ~ /^\| local/ ? "a" : "b") n] l "\n" } }
    function mine(l,  n) { n = l; sub(/^\| (local\/)?tracerec-/, "", n); sub(/[ |].*/, "", n); return index(plist, " " n " ") > 0 }
    function flush(t,  k, n) { for (k in rows) if (substr(k, 1, 1) == t) { printf "%s", rows[k]; delete rows[k] } }
    /^\| (local\/)?tracerec-/ { if (!mine($0)) print; last = ($0 ~ /^\| local/) ? "a" : "b"; next }
    /^$/ && last != "" { flush(last); last = "" }
    /^Measured / && !noted { print; next }
    { print }
    END { if (last != "") flush(last); print ""; print note }' "$tmp/old" > "$tmp/section"
else
  cp "$tmp/new" "$tmp/section"
fi
cat "$tmp/section"

[ -f "$md" ] || printf '# Benchmarks\n\nEach section is written by its scripts/bench-*.sh.\n' > "$md"
if ! grep -q '<!-- bench-pts:begin -->' "$md"; then
  printf '\n## Phoronix Test Suite profiles traced (scripts/bench-pts.sh)\n\n<!-- bench-pts:begin -->\n<!-- bench-pts:end -->\n' >> "$md"
fi
awk -v f="$tmp/section" '
  /<!-- bench-pts:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-pts:end -->/ { skip = 0 }
  !skip' "$md" > "$tmp/md" && cp "$tmp/md" "$md"
log "wrote the bench-pts section of $md"
