#!/usr/bin/env bash
# bench-crossrun.sh - gap repair across runs of six workloads; writes the bench-crossrun section of
# BENCHMARKS.md.
#
# As root (tracerecd).  For each stand-in workload (scripts/workloads/): run 1 and run 2 traced
# completely, run 3 traced with a tiny ring (-b 4096; slowed consumer if it kept up).  The imputers
# learn from run 1 only (n-gram index; SSSD-S4 trained with tracerec-train for BENCH_TRAIN_TIME s).
# (a) bursts of B = 1, 10, 40 consecutive events of one CPU dropped from run 2 (tracerec-eval
# --trace, the same bursts for every method), filled with ngram / sssd / hybrid, without and with
# the lost-syscall sketch (--sketch: the multiset the version 2 recorder keeps); (b) run 3's real
# per-thread losses replayed onto run 2 (tracerec-eval --losses).  Accuracy and count error.
#
# Env: B (build dir), BENCH_WORKLOADS (default "unpack sqlite git build gzip python"),
# BENCH_BURSTS (bursts per size, default 60), BENCH_TRAIN_TIME (SSSD-S4 seconds per workload,
# default 45), BENCH_TRAIN_ITERS (train exactly this many iterations instead, so the models do not
# depend on the load; BENCH_TRAIN_NOTE says what the count stands for), BENCH_STEPS (sampling steps;
# default: the model's own, as tracerec-fill), BENCH_METHODS (default "ngram sssd hybrid"; "ngram"
# trains nothing).  (b)'s rows without +sketch are filled with --no-sketch: tracerec-eval would
# otherwise use the lossy run's recorded sketches.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
WORKLOADS=${BENCH_WORKLOADS:-unpack sqlite git build gzip python}
BURSTS=${BENCH_BURSTS:-60}
TRAIN_TIME=${BENCH_TRAIN_TIME:-45}
TRAIN_ITERS=${BENCH_TRAIN_ITERS:-}
TRAIN_NOTE=${BENCH_TRAIN_NOTE:-}
if [ -n "$TRAIN_ITERS" ]; then
  train_args=(--iters "$TRAIN_ITERS" --time-budget 0)
  train_what="for $TRAIN_ITERS iterations${TRAIN_NOTE:+ ($TRAIN_NOTE)}"
else
  train_args=(--iters 0 --time-budget "$TRAIN_TIME")
  train_what="for ${TRAIN_TIME} s on the loaded machine (a modest budget; the default is 540 s)"
fi
STEPS=${BENCH_STEPS:-}
METHODS=${BENCH_METHODS:-ngram sssd hybrid}
SIZES=1,10,40
die() { echo "bench-crossrun: $*" >&2; exit 1; }
log() { echo "bench-crossrun: $*" >&2; }
[ "$(id -u)" -eq 0 ] || die "needs root (tracerecd)"
for t in tracerecd tracerec-dump tracerec-eval tracerec-train; do
  [ -x "$B/$t" ] || die "$B/$t not built (make)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jget() { grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# eval JSON -> rows: workload method burst accuracy count_error n gaps_per_s
to_rows() { # WORKLOAD METHOD-LABEL
  tr -d '\n' | sed 's/},/}\n/g' |
    sed -n 's/.*"blackout": \([0-9]*\),.*"accuracy": \([0-9.]*\),.*"count_error": \([0-9.]*\),.*"n": \([0-9]*\),.*"gaps_per_s": \([0-9.]*\).*/\1 \2 \3 \4 \5/p' |
    awk -v w="$1" -v m="$2" '{ print w, m, $0 }'
}

declare -A events lossy
for w in $WORKLOADS; do
  wl=$TOP/scripts/workloads/$w.sh
  for r in 1 2; do
    f=$tmp/$w-$r.trz
    "$B/tracerecd" -q -o "$f" -- "$wl" >/dev/null 2>&1
    if [ "$("$B/tracerec-dump" --stats --json "$f" | jget lost_events)" != 0 ]; then
      rm -f "$f"; "$B/tracerecd" -q -b 64M -o "$f" -- "$wl" >/dev/null 2>&1
    fi
    [ "$("$B/tracerec-dump" --stats --json "$f" | jget lost_events)" = 0 ] || die "$w run $r lost events"
  done
  "$B/tracerecd" -q -b 4096 -o "$tmp/$w-l.trz" -- "$wl" >/dev/null 2>&1
  if [ "$("$B/tracerec-dump" --stats --json "$tmp/$w-l.trz" | jget lost_events)" = 0 ]; then
    rm -f "$tmp/$w-l.trz"
    "$B/tracerecd" -q -b 4096 --test-consumer-delay-us 2000 -o "$tmp/$w-l.trz" -- "$wl" >/dev/null 2>&1
  fi
  events[$w]=$("$B/tracerec-dump" --stats --json "$tmp/$w-2.trz" | jget events)
  lj=$("$B/tracerec-dump" --stats --json "$tmp/$w-l.trz")
  lossy[$w]="$(echo "$lj" | jget attributed_gaps) $(echo "$lj" | jget attributed_lost_events) $(echo "$lj" | jget events)"
  log "$w: traced (run 2: ${events[$w]} events; lossy run: gaps/lost/events ${lossy[$w]})"
done

: > "$tmp/rows"
: > "$tmp/replay"
for w in $WORKLOADS; do
  ev() { "$B/tracerec-eval" -q --json --trace "$tmp/$w-2.trz" --train "$tmp/$w-1.trz" "$@"; }
  model=()
  if [ "$METHODS" = ngram ]; then
    log "$w: n-gram only (BENCH_METHODS)"
  elif log "$w: training SSSD-S4 ${train_what%% (*} on run 1" &&
    "$B/tracerec-train" -q "$tmp/$w-1.trz" -o "$tmp/$w.sssd" "${train_args[@]}" \
      >"$tmp/$w.train.out" 2>"$tmp/$w.train.log"; then
    model=(--model "$tmp/$w.sssd" ${STEPS:+--steps "$STEPS"})
  else
    log "$w: training failed: $(tail -1 "$tmp/$w.train.log")"
  fi
  for m in $METHODS; do
    [ $m != ngram ] && [ ${#model[@]} = 0 ] && continue
    mo=(); [ $m != ngram ] && mo=("${model[@]}")
    for sk in "" --sketch; do
      log "$w: $m $sk"
      ev --method $m "${mo[@]}" --blackout $SIZES --bursts "$BURSTS" $sk |
        to_rows "$w" "$m${sk:++sketch}" >> "$tmp/rows"
    done
    ev --method $m "${mo[@]}" --losses "$tmp/$w-l.trz" --no-sketch | to_rows "$w" "$m" >> "$tmp/replay"
    ev --method $m "${mo[@]}" --losses "$tmp/$w-l.trz" --sketch | to_rows "$w" "$m+sketch" >> "$tmp/replay"
  done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

mean() { # METHOD BURST FILE -> mean accuracy and count error over the workloads
  awk -v m="$1" -v b="$2" '$2 == m && $3 == b { a += $4; c += $5; n++ } END { if (n) printf "%.4f %.4f %d", a / n, c / n, n; else print "- - 0" }' "$3"
}
{
  echo "Machine: $(nproc) CPUs, $(uname -r); load average (1/5/15 min) $load0 at the start, $load1 at the"
  echo "end (other helpers' builds and tests run beside it); $(date -u +%F)."
  echo "Workloads (scripts/workloads/): $WORKLOADS.  Runs 1 and 2 traced completely by tracerecd,"
  echo "run 3 with -b 4096.  Imputers learn from run 1 only: the n-gram indexes it, SSSD-S4 (default"
  echo "size, absorbing-state + retrieval) is trained on it by tracerec-train $train_what,"
  echo "${STEPS:-the default} sampling steps; hybrid = n-gram where"
  echo "trusted, that SSSD-S4 elsewhere.  (a) $BURSTS bursts per size of B consecutive events of one CPU"
  echo "dropped from run 2 (the same bursts for every method); +sketch = filled under the lost-syscall"
  echo "sketch a version 2 recorder keeps (counts of 32 tokens, first/last 8; tracerec-eval --sketch)."
  echo "n = thread gaps scored.  (b) run 3's real per-thread losses replayed onto run 2 (--losses),"
  echo "without sketches (--no-sketch) and under run 3's recorded ones (+sketch; a loss run with more"
  echo "than 32 distinct tokens has a partial sketch, so its count error need not be 0)."
  echo "Test-run sizes (events):$(for w in $WORKLOADS; do printf ' %s %s;' "$w" "${events[$w]}"; done)"
  echo "Lossy runs (attributed gaps, lost events, recorded events):$(for w in $WORKLOADS; do printf ' %s %s;' "$w" "${lossy[$w]}"; done)"
  echo
  echo "(a) Accuracy / count error per workload, method and burst size:"
  echo
  echo "| workload | method | B | n | accuracy | count error | gaps/s |"
  echo "|---|---|---|---|---|---|---|"
  sort -k1,1 -k2,2 -k3,3n "$tmp/rows" | awk '{ printf "| %s | %s | %d | %d | %.4f | %.4f | %.0f |\n", $1, $2, $3, $6, $4, $5, $7 }'
  echo
  echo "Mean over the workloads (accuracy / count error):"
  echo
  echo "| method | B=1 | B=10 | B=40 |"
  echo "|---|---|---|---|"
  for m in ngram sssd hybrid ngram+sketch sssd+sketch hybrid+sketch; do
    printf "| %s |" "$m"
    for b in 1 10 40; do read -r a c n < <(mean $m $b "$tmp/rows"); printf " %s / %s |" "$a" "$c"; done
    echo
  done
  echo
  echo "(b) Replayed real losses (run 3's gaps on run 2):"
  echo
  echo "| workload | method | n | accuracy | count error |"
  echo "|---|---|---|---|---|"
  sort -k1,1 -k2,2 "$tmp/replay" | awk '{ printf "| %s | %s | %d | %.4f | %.4f |\n", $1, $2, $6, $4, $5 }'
  echo
  echo "Goals:"
  read -r a c n < <(mean ngram 40 "$tmp/rows")
  echo "- accuracy >= 0.95 at B=40 across runs (default method ngram, mean of $n workloads): $a, $(awk -v a="$a" 'BEGIN { print (a >= 0.95 ? "met" : "missed by " sprintf("%.4f", 0.95 - a)) }')."
  best=""; for m in ngram+sketch hybrid+sketch sssd+sketch; do
    read -r a c n < <(mean $m 40 "$tmp/rows")
    echo "- with the sketch ($m, B=40): count error $c (goal 0), accuracy $a (goal >= 0.98): $(awk -v a="$a" -v c="$c" 'BEGIN { print (c == 0 && a >= 0.98 ? "met" : (c == 0 ? "count met, accuracy missed by " sprintf("%.4f", 0.98 - a) : "missed")) }')."
  done
  read -r as cs n < <(mean sssd 40 "$tmp/rows"); read -r an cn n2 < <(mean ngram 40 "$tmp/rows"); read -r ah ch n3 < <(mean hybrid 40 "$tmp/rows")
  echo "- SSSD-S4 >= n-gram across runs (B=40, mean): sssd $as, hybrid $ah vs ngram $an: sssd $(awk -v s="$as" -v g="$an" 'BEGIN { print (s >= g ? "met" : "missed by " sprintf("%.4f", g - s)) }'), hybrid $(awk -v s="$ah" -v g="$an" 'BEGIN { print (s >= g ? "met" : "missed by " sprintf("%.4f", g - s)) }')."
} > "$tmp/section"
cat "$tmp/section"

md=$TOP/BENCHMARKS.md
[ -f "$md" ] || printf '# Benchmarks\n\nEach section is written by its scripts/bench-*.sh.\n' > "$md"
if ! grep -q '<!-- bench-crossrun:begin -->' "$md"; then
  printf '\n## Gap repair across runs, with and without the sketch (scripts/bench-crossrun.sh)\n\n<!-- bench-crossrun:begin -->\n<!-- bench-crossrun:end -->\n' >> "$md"
fi
awk -v f="$tmp/section" '
  /<!-- bench-crossrun:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-crossrun:end -->/ { skip = 0 }
  !skip' "$md" > "$tmp/md" && cp "$tmp/md" "$md"
log "wrote the bench-crossrun section of $md"
