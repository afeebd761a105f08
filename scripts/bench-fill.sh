#!/usr/bin/env bash
# bench-fill.sh - gap repair on real traces; writes the bench-fill section of BENCHMARKS.md.
#
# As root (tracerecd).  For each stand-in workload (scripts/workloads/), two complete traces of
# two runs: ring-buffer-like bursts of 1..40 events are dropped from the second and filled with
# each method (tracerec-eval --trace), the imputer learning from the first run only: accuracy,
# perfect rate, ROUGE-L, fill throughput.  Then the lag of live filling (tracerecd --fill) and
# the peak memory of tracerec-fill on a trace of about 10 M events.
#
# Env: B (build dir), BENCH_WORKLOADS (default "unpack python dd-io build"), BENCH_BURSTS
# (bursts per size for ngram, default 200), BENCH_SSSD_BURSTS (for sssd and hybrid, default
# 25), BENCH_TRAIN_TIME (SSSD-S4 training seconds per workload, default 60), BENCH_BIG_LOOPS
# (fill_pattern iterations per thread of the big trace, default 520000), BENCH_SKIP (words:
# sssd, big, live).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
WORKLOADS=${BENCH_WORKLOADS:-unpack python dd-io build}
BURSTS=${BENCH_BURSTS:-200}
SSSD_BURSTS=${BENCH_SSSD_BURSTS:-25}
TRAIN_TIME=${BENCH_TRAIN_TIME:-60}
BIG_LOOPS=${BENCH_BIG_LOOPS:-520000}
SKIP=" ${BENCH_SKIP:-} "
SIZES=1,5,10,20,30,40
SSSD_SIZES=1,10,20,40
die() { echo "bench-fill: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (tracerecd)"
for t in tracerecd tracerec-dump tracerec-fill tracerec-eval tracerec-train tests/progs/fill_pattern; do
  [ -x "$B/$t" ] || die "$B/$t not built (make && make tests)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jget() { grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2; }
log() { echo "bench-fill: $*" >&2; }

# eval JSON -> TSV rows: workload method burst accuracy perfect rouge gaps gaps_per_s
to_tsv() { # WORKLOAD
  tr -d '\n' | sed 's/},/}\n/g' | sed -n 's/.*"method": "\([a-z]*\)", "blackout": \([0-9]*\),.*"accuracy": \([0-9.]*\), "perfect_rate": \([0-9.]*\), "rouge_l": \([0-9.]*\),.*"n": \([0-9]*\),.*"gaps_per_s": \([0-9.]*\).*/\1 \2 \3 \4 \5 \6 \7/p' |
    awk -v w="$1" '{ print w, $0 }'
}

# 1. Two complete runs per workload (default ring; a run that lost events is retried with 64M)
declare -A events
for w in $WORKLOADS; do
  for r in 1 2; do
    f=$tmp/$w-$r.trz
    "$B/tracerecd" -q -o "$f" -- "$TOP/scripts/workloads/$w.sh" >/dev/null 2>&1
    if [ "$("$B/tracerec-dump" --stats --json "$f" | jget lost_events)" != 0 ]; then
      "$B/tracerecd" -q -b 64M -o "$f" -- "$TOP/scripts/workloads/$w.sh" >/dev/null 2>&1
    fi
    [ "$("$B/tracerec-dump" --stats --json "$f" | jget lost_events)" = 0 ] || die "$w run $r lost events"
  done
  events[$w]=$("$B/tracerec-dump" --stats --json "$tmp/$w-2.trz" | jget events)
  log "$w: runs traced (${events[$w]} events in the test run)"
done

# 2. Accuracy per method
: > "$tmp/rows"
for w in $WORKLOADS; do
  log "$w: ngram"
  "$B/tracerec-eval" -q --json --trace "$tmp/$w-2.trz" --train "$tmp/$w-1.trz" --method ngram \
    --blackout $SIZES --bursts "$BURSTS" | to_tsv "$w" >> "$tmp/rows"
  case $SKIP in *" sssd "*) continue ;; esac
  log "$w: training SSSD-S4 for ${TRAIN_TIME}s"
  "$B/tracerec-train" -q "$tmp/$w-1.trz" -o "$tmp/$w.sssd" --iters 0 --time-budget "$TRAIN_TIME" \
    >/dev/null 2>"$tmp/$w.train.log" || { log "$w: training failed: $(tail -1 "$tmp/$w.train.log")"; continue; }
  # the n-gram imputer on exactly the bursts sssd and hybrid get, for a paired comparison
  "$B/tracerec-eval" -q --json --trace "$tmp/$w-2.trz" --train "$tmp/$w-1.trz" --method ngram \
    --blackout $SSSD_SIZES --bursts "$SSSD_BURSTS" | to_tsv "$w" | sed 's/ ngram / ngram-paired /' >> "$tmp/rows"
  for m in sssd hybrid; do
    log "$w: $m"
    "$B/tracerec-eval" -q --json --trace "$tmp/$w-2.trz" --train "$tmp/$w-1.trz" --method $m \
      --model "$tmp/$w.sssd" --steps 20 --blackout $SSSD_SIZES --bursts "$SSSD_BURSTS" |
      to_tsv "$w" >> "$tmp/rows"
  done
done

# 3. Live filling: fill_pattern with forced loss, the model a complete run of it
live=""
case $SKIP in *" live "*) ;; *)
  log "live filling"
  "$B/tracerecd" -q -o "$tmp/lp-train.trz" -- "$B/tests/progs/fill_pattern" 2 3000 >/dev/null 2>&1
  for i in 1 2 3; do
    "$B/tracerecd" --fill "$tmp/lp-train.trz" -b 16384 --test-consumer-delay-us 500 -o "$tmp/lp.trz" -- \
      "$B/tests/progs/fill_pattern" 2 8000 >/dev/null 2>"$tmp/lp.err"
    grep -o 'live fill.*' "$tmp/lp.err" >> "$tmp/live"
  done
  "$B/tracerecd" --fill "$tmp/unpack-1.trz" -b 16384 --test-consumer-delay-us 2000 -o "$tmp/lu.trz" -- \
    "$TOP/scripts/workloads/unpack.sh" >/dev/null 2>"$tmp/lu.err"
  live=$(grep -o 'live fill.*' "$tmp/lu.err")
esac

# 4. Peak memory of tracerec-fill on a big trace (fill_pattern, 2 threads, forced loss)
big=""
case $SKIP in *" big "*) ;; *)
  log "big trace: fill_pattern 2 $BIG_LOOPS"
  "$B/tracerecd" -q -b 1M --test-consumer-delay-us 300 -o "$tmp/big.trz" -- \
    "$B/tests/progs/fill_pattern" 2 "$BIG_LOOPS" >/dev/null 2>&1
  bj=$("$B/tracerec-dump" --stats --json "$tmp/big.trz")
  log "big trace: $(echo "$bj" | jget events) events, $(echo "$bj" | jget attributed_lost_events) lost; filling"
  /usr/bin/time -f "%M %e" -o "$tmp/big.time" "$B/tracerec-fill" -q "$tmp/big.trz" -o "$tmp/big-f.trz"
  fj=$("$B/tracerec-dump" --stats --json "$tmp/big-f.trz")
  read -r kb secs < "$tmp/big.time"
  big="$(echo "$bj" | jget events) $(echo "$bj" | jget attributed_gaps) $(echo "$bj" | jget attributed_lost_events) $(echo "$fj" | jget synthetic_events) $(echo "$fj" | jget unfilled_gaps) $(stat -c %s "$tmp/big.trz") $kb $secs"
  rm -f "$tmp/big.trz" "$tmp/big-f.trz"
esac

# 5. The section
{
  echo "Machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg) at the end; $(date -u +%F)."
  echo "Stand-in workloads (scripts/workloads/), two runs each traced completely by tracerecd; bursts of"
  echo "B consecutive events of one CPU dropped from run 2 as an overflowing ring buffer drops them"
  echo "(tracerec-eval --trace, at least 64 events apart), each thread's share filled as tracerec-fill"
  echo "fills it, the imputer learning from run 1 only.  n = thread gaps scored.  ngram: $BURSTS bursts per"
  echo "size; sssd and hybrid: $SSSD_BURSTS bursts per size, SSSD-S4 (default size) trained ${TRAIN_TIME}s on run 1"
  echo "with tracerec-train, 20 DDIM steps; ngram-paired = the n-gram imputer on those same $SSSD_BURSTS bursts."
  echo "Test-run sizes (events):$(for w in $WORKLOADS; do printf ' %s %s;' "$w" "${events[$w]}"; done)"
  echo
  echo "Accuracy / perfect rate / ROUGE-L per burst size:"
  echo
  echo "| workload | method | B | n | accuracy | perfect | ROUGE-L | gaps/s |"
  echo "|---|---|---|---|---|---|---|---|"
  sort -k1,1 -k2,2 -k3,3n "$tmp/rows" | awk '{ printf "| %s | %s | %d | %d | %.4f | %.4f | %.4f | %.0f |\n", $1, $2, $3, $7, $4, $5, $6, $8 }'
  echo
  echo "Mean over the workloads (accuracy), per method and burst size:"
  echo
  awk '{ k = $2 " " $3; s[k] += $4; n[k]++; m[$2] = 1; b[$3] = 1 }
    END { printf "| method |"; nb = 0
      for (x in b) bs[++nb] = x + 0
      for (i = 1; i <= nb; i++) for (j = i + 1; j <= nb; j++) if (bs[j] < bs[i]) { t = bs[i]; bs[i] = bs[j]; bs[j] = t }
      for (i = 1; i <= nb; i++) printf " B=%d |", bs[i]; printf "\n|---|"; for (i = 1; i <= nb; i++) printf "---|"; printf "\n"
      for (x in m) { printf "| %s |", x; for (i = 1; i <= nb; i++) { k = x " " bs[i]; if (n[k]) printf " %.4f |", s[k] / n[k]; else printf " - |" } printf "\n" } }' "$tmp/rows"
  echo
  awk '$2 == "ngram" && $3 == 40 { s += $4; n++ } END { if (n) printf "Goal: accuracy >= 0.95 at 40-event bursts on real traces (default method, mean over the workloads): %.4f, %s.\n", s / n, (s / n >= 0.95 ? "met" : "missed") }' "$tmp/rows"
  awk '$3 == 40 { print $1, $2, $4 }' "$tmp/rows" | sort | awk '$2 == "ngram" { printf "%s %s %.4f", (n++ ? ";" : "Per workload (ngram, B=40):"), $1, $3 } END { if (n) print "." }'
  echo
  echo "Fill throughput, median over workloads and sizes (gaps/s, one gap = one thread's share of a"
  echo "burst, 2 worker threads for ngram, OpenBLAS threads for SSSD-S4):"
  echo
  for m in ngram ngram-paired sssd hybrid; do
    v=$(awk -v m=$m '$2 == m { print $8 }' "$tmp/rows" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
    [ -n "$v" ] && echo "- $m: $v gaps/s"
  done
  if [ -s "$tmp/live" ] || [ -n "$live" ]; then
    echo
    echo "Live filling (tracerecd --fill, 16 KiB rings, consumer slowed by the hidden test option):"
    echo
    [ -s "$tmp/live" ] && sed 's/^/- fill_pattern 2 threads x 8000 iterations, model = a complete run: /' "$tmp/live"
    [ -n "$live" ] && echo "- unpack, model = run 1's trace: $live"
    echo
    echo "The lag runs from a gap's record to its synthetic events in the file: it includes the wait for"
    echo "64 events of right context and the queue of gaps ahead of it (these runs lose tens of"
    echo "thousands of events in bursts of thousands, all filled)."
  fi
  if [ -n "$big" ]; then
    read -r bev bgaps blost bsyn bunf bbytes bkb bsecs <<< "$big"
    echo
    echo "Peak memory of tracerec-fill on a big trace (fill_pattern 2 threads x $BIG_LOOPS iterations, 1 MiB"
    echo "rings, slowed consumer): $bev recorded events, $bgaps gaps, $blost lost events, file $bbytes bytes."
    echo "tracerec-fill (default method): peak RSS $((bkb / 1024)) MiB, $bsecs s; after the fill"
    echo "synthetic_events $bsyn, unfilled_gaps $bunf.  Goal <= 1 GiB: $([ $((bkb / 1024)) -le 1024 ] && echo met || echo missed)."
  fi
} > "$tmp/section"
cat "$tmp/section"

md=$TOP/BENCHMARKS.md
[ -f "$md" ] || printf '# Benchmarks\n\nEach section is written by its scripts/bench-*.sh.\n' > "$md"
if ! grep -q '<!-- bench-fill:begin -->' "$md"; then
  printf '\n## Gap repair (scripts/bench-fill.sh)\n\n<!-- bench-fill:begin -->\n<!-- bench-fill:end -->\n' >> "$md"
fi
awk -v f="$tmp/section" '
  /<!-- bench-fill:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
  /<!-- bench-fill:end -->/ { skip = 0 }
  !skip' "$md" > "$tmp/md" && cp "$tmp/md" "$md"
log "wrote the bench-fill section of $md"
