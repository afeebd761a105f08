#!/usr/bin/env bash
# bench-model.sh - our SSSD-S4 and n-gram imputers against the paper's SSSD-S4 on the six public
# datasets, with the paper's protocol: train on len100/train.npy, test on len200/test.npy,
# blackouts 1,5,10,20,30,40 at the centre and at the end.  Also: training wall time and threads,
# sampling throughput (gaps/s, B=10, L=200), accuracy vs test window length, peak memory.
# Writes its section of BENCHMARKS.md (between the bench-model markers).
#
# Environment: TRACEREC_SHARED (default $TOP/../shared), B (build dir, default build),
# BENCH_SSSD=auto|0|1 (auto: run SSSD-S4 when a tiny training works), BENCH_BUDGET (training
# seconds per dataset, default 540: tracerec-train's default), BENCH_THREADS (default 2), BENCH_STEPS (sampling steps: reveal rounds of the absorbing model, DDIM steps of older ones; 1),
# BENCH_ITERS ("DATASET=N ...": train SSSD-S4 for exactly N iterations instead of BENCH_BUDGET seconds,
# so the accuracy does not depend on the machine's load; BENCH_ITERS_NOTE says where N came from),
# BENCH_CALIBRATE=1 (print, per dataset, the iterations BENCH_BUDGET seconds reach on this machine now --
# run it on an idle machine -- as a BENCH_ITERS value, and exit),
# BENCH_SSSD_LIMIT (test windows scored by SSSD-S4 and the hybrid, default 500: sampling is
# slow on 2 cores), BENCH_SSSD_LEN_LIMIT (windows of the SSSD-S4 length runs, default 100), BENCH_DATASETS (default: all six), BENCH_OUT (default $TOP/BENCHMARKS.md).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
SSSD=${BENCH_SSSD:-auto}
BUDGET=${BENCH_BUDGET:-540}
THREADS=${BENCH_THREADS:-2}
STEPS=${BENCH_STEPS:-1}
SLIMIT=${BENCH_SSSD_LIMIT:-500}
TPUT_N=$(( SLIMIT < 100 ? SLIMIT : 100 ))   # windows of the SSSD-S4 throughput run
LEN_N=${BENCH_SSSD_LEN_LIMIT:-$TPUT_N}       # windows of the SSSD-S4 length runs
DATASETS=${BENCH_DATASETS:-"compress-gzip ffmpeg iozone phpbench pybench scimark2"}
OUT=${BENCH_OUT:-$TOP/BENCHMARKS.md}
ITERS=${BENCH_ITERS:-}
ITERS_NOTE=${BENCH_ITERS_NOTE:-}
PAPER=$SHARED/reference/paper-metrics.tsv
PTS=$SHARED/datasets/pts
BLACKOUTS=1,5,10,20,30,40
TRAIN=$B/tracerec-train
EVAL=$B/tracerec-eval
die() { echo "bench-model: $*" >&2; exit 1; }
[ -d "$PTS" ] || die "datasets not found in $PTS (set TRACEREC_SHARED)"
command -v /usr/bin/time >/dev/null || [ -x /usr/bin/time ] || die "/usr/bin/time is needed"
make -C "$TOP" -s tools B="${B#$TOP/}" >/dev/null 2>&1 || make -C "$TOP" -s tools || die "build failed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { echo "bench-model: $*" >&2; }

# timed OUTFILE cmd...: runs cmd with stdout to OUTFILE; sets T (wall s) and MEM (peak RSS MiB)
timed() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$out" 2>"$tmp/stderr"
  local rc=$?
  T=$(awk 'END { print $1 }' "$tmp/time"); MEM=$(awk 'END { printf "%.0f", $2 / 1024 }' "$tmp/time")
  return $rc
}

# rows FILE.json: "blackout position accuracy perfect_rate rouge_l" per object
rows() {
  awk 'function get(k,   m) { if (!match($0, "\"" k "\": [^,}]*")) return ""; m = substr($0, RSTART, RLENGTH)
         sub(/^[^:]*: */, "", m); gsub(/"/, "", m); return m }
       /"blackout"/ { print get("blackout"), get("position"), get("accuracy"), get("perfect_rate"), get("rouge_l") }' "$1"
}

# gps FILE.json: gaps_per_s of the first object (time spent inside the imputer)
gps() { awk 'match($0, /"gaps_per_s": [0-9.]+/) { print substr($0, RSTART + 14, RLENGTH - 14); exit }' "$1"; }

# Is SSSD-S4 usable?  A tiny training run tells.
sssd_note=""
if [ "$SSSD" = auto ] || [ "$SSSD" = 1 ]; then
  if ! $TRAIN -q --npy "$PTS/scimark2/len50/train.npy" -o "$tmp/probe.sssd" --iters 2 --batch 2 \
       --blocks 1 --channels 8 --state 4 --diffusion-steps 10 --eval-every 0 --threads 1 \
       >/dev/null 2>"$tmp/probe.err"; then
    sssd_note="not run: tracerec-train failed: $(tail -n 1 "$tmp/probe.err")"
    [ "$SSSD" = 1 ] && die "$sssd_note"
    SSSD=0
  else
    SSSD=1
  fi
else
  sssd_note="not run (BENCH_SSSD=0)"
fi
log "SSSD-S4: ${sssd_note:-run, budget ${BUDGET}s, $THREADS threads, $STEPS steps}"

# iters_of DATASET: its BENCH_ITERS count, empty when none
iters_of() { printf '%s\n' $ITERS | sed -n "s/^$1=\([0-9][0-9]*\)$/\1/p"; }

if [ "${BENCH_CALIBRATE:-0}" = 1 ]; then
  # iterations per second from two runs (1 and K iterations: the difference leaves out loading and
  # indexing), times the budget
  K=${BENCH_CALIBRATE_ITERS:-200}
  out=""
  for d in $DATASETS; do
    D=$PTS/$d
    timed /dev/null $TRAIN -q --npy "$D/len100/train.npy" -o "$tmp/c1.sssd" --iters 1 \
      --threads "$THREADS" || die "$d: calibration failed"
    t1=$T; rm -f "$tmp/c1.sssd"
    timed /dev/null $TRAIN -q --npy "$D/len100/train.npy" -o "$tmp/c2.sssd" --iters "$K" \
      --threads "$THREADS" || die "$d: calibration failed"
    tk=$T; rm -f "$tmp/c2.sssd"
    n=$(awk -v a="$t1" -v b="$tk" -v k="$K" -v bud="$BUDGET" 'BEGIN { printf "%d", (k - 1) / (b - a) * bud }')
    log "$d: 1 iteration $t1 s, $K iterations $tk s: $n iterations in ${BUDGET} s"
    out="$out $d=$n"
  done
  echo "BENCH_ITERS=\"${out# }\"  # $THREADS threads, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
  exit 0
fi

for d in $DATASETS; do
  D=$PTS/$d
  [ -f "$D/len100/train.npy" ] || die "missing $D/len100/train.npy"
  log "$d: n-gram"
  timed "$tmp/$d.ngram.json" $EVAL -q --method ngram --train "$D/len100/train.npy" \
    --test "$D/len200/test.npy" --blackout $BLACKOUTS --json || die "$d: n-gram eval failed: $(cat "$tmp/stderr")"
  echo "$T $MEM" >"$tmp/$d.ngram.time"
  timed /dev/null $EVAL -q --train "$D/len100/train.npy" --test "$D/len200/test.npy" -b 1 -p center \
    --limit 1 || die "$d: n-gram index"
  t_index=$T
  timed "$tmp/$d.ngram.tput.json" $EVAL -q --train "$D/len100/train.npy" --test "$D/len200/test.npy" \
    -b 10 -p center --json || die "$d: n-gram throughput"
  echo "$t_index $(gps "$tmp/$d.ngram.tput.json") $MEM" >"$tmp/$d.ngram.tput"
  for L in 50 100 150 200; do
    $EVAL -q --train "$D/len100/train.npy" --test "$D/len$L/test.npy" -b $BLACKOUTS -p center \
      --json >"$tmp/$d.ngram.len$L.json" || die "$d: n-gram len$L"
  done
  [ "$SSSD" = 1 ] || continue
  n_it=$(iters_of "$d")
  if [ -n "$n_it" ]; then
    log "$d: SSSD-S4 training ($n_it iterations)"
    budget_args="--iters $n_it --time-budget 0"
  else
    log "$d: SSSD-S4 training (budget ${BUDGET}s)"
    budget_args="--iters 0 --time-budget $BUDGET"
  fi
  # shellcheck disable=SC2086
  timed "$tmp/$d.train.out" $TRAIN -q --npy "$D/len100/train.npy" -o "$tmp/$d.sssd" $budget_args \
    --threads "$THREADS" || die "$d: training failed: $(tail -n 1 "$tmp/stderr")"
  echo "$T $MEM" >"$tmp/$d.train.time"
  log "$d: SSSD-S4 and hybrid evaluation"
  sed "s|^[^:]*: ||" "$tmp/$d.train.out" >"$tmp/$d.train.summary"
  timed "$tmp/$d.sssd.tput.json" $EVAL -q --model "$tmp/$d.sssd" --train "$D/len100/train.npy" --test "$D/len200/test.npy" -b 10 \
    -p center --limit "$TPUT_N" --steps "$STEPS" --threads "$THREADS" --json || die "$d: sssd throughput"
  echo "$(gps "$tmp/$d.sssd.tput.json") $MEM" >"$tmp/$d.sssd.tput"
  $EVAL -q --model "$tmp/$d.sssd" --train "$D/len100/train.npy" --test "$D/len200/test.npy" --limit "$SLIMIT" \
    --blackout $BLACKOUTS --steps "$STEPS" --threads "$THREADS" --json >"$tmp/$d.sssd.json" \
    || die "$d: sssd eval failed"
  $EVAL -q --method hybrid --model "$tmp/$d.sssd" --train "$D/len100/train.npy" \
    --test "$D/len200/test.npy" --limit "$SLIMIT" --blackout $BLACKOUTS --steps "$STEPS" \
    --threads "$THREADS" --json >"$tmp/$d.hybrid.json" || die "$d: hybrid eval failed"
  for L in 50 100 150 200; do
    $EVAL -q --model "$tmp/$d.sssd" --train "$D/len100/train.npy" --test "$D/len$L/test.npy" -b $BLACKOUTS -p center \
      --limit "$LEN_N" --steps "$STEPS" --threads "$THREADS" --json >"$tmp/$d.sssd.len$L.json" \
      || die "$d: sssd len$L"
  done
done

# ---- the report --------------------------------------------------------------------------
for d in $DATASETS; do
  for m in ngram sssd hybrid; do
    [ -f "$tmp/$d.$m.json" ] && rows "$tmp/$d.$m.json" | sed "s/^/$d $m /"
  done
  awk -v d="$d" -F'\t' '$1 == "SSSD_S4" && $2 == d && $3 == 200 { print d, "paper", $4, $5, $6, $7, $8 }' "$PAPER"
done >"$tmp/all"
# every line: dataset model blackout position accuracy perfect_rate rouge_l

report() {
  local commit; commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo "?")
  echo "## Model accuracy: SSSD-S4 (ours, paper) and the n-gram imputer (scripts/bench-model.sh)"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $commit on $(nproc) cores shared with other"
  echo "jobs (load average $(cut -d' ' -f1-3 /proc/loadavg)): timings are noisy. Protocol of"
  echo "\`datasets/README.md\`: train on \`len100/train.npy\`, test on the 500 windows of \`len200/test.npy\`;"
  echo "B=30 at the end masks the last 20 events, as in the paper's numbers (\`--end-mode paper\`)."
  echo "Cells: accuracy / perfect rate / ROUGE-L. Paper: SSSD-S4 of Janecek et al. (paper-metrics.tsv)."
  if [ "$SSSD" = 1 ]; then
    echo "Our SSSD-S4: default recipe (absorbing-state discrete diffusion, cross-entropy on masked positions,"
    echo "span masks 1..40 plus long bursts, retrieval conditioning: the n-gram's proposal, match length and"
    if [ -n "$ITERS" ]; then
      echo "support as conditioner channels and a learned logit bias), default size, trained a fixed number of"
      echo "iterations per dataset ($ITERS; \`--threads $THREADS\`): ${ITERS_NOTE:-set by BENCH_ITERS}, so the"
      echo "accuracy does not depend on the load during this run; sampled with $STEPS reveal"
    else
      echo "support as conditioner channels and a learned logit bias), default size, trained ${BUDGET} s per dataset"
      echo "(\`--time-budget $BUDGET --threads $THREADS\`; the default budget is 540 s), sampled with $STEPS reveal"
    fi
    echo "round(s), its n-gram index over the same training windows; scored on the first $SLIMIT test windows (n-gram: all 500); hybrid = n-gram"
    echo "where >= 4 events matched on both sides (>= 8 on the one side of an edge gap), SSSD-S4 elsewhere."
  else
    echo "**Our SSSD-S4: $sssd_note** (columns show \"-\")."
  fi
  echo
  for pos in center end; do
    echo "### Blackout at the $pos"
    echo
    echo "| dataset | B | paper SSSD-S4 | our SSSD-S4 | our hybrid | our n-gram |"
    echo "|---|---|---|---|---|---|"
    awk -v pos="$pos" '
      $4 == pos {
        key = $1 " " $3; v[key, $2] = sprintf("%.4f / %.3f / %.4f", $5, $6, $7)
        if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      }
      END { for (i = 1; i <= n; i++) { k = order[i]; split(k, a, " ")
              printf "| %s | %s |", a[1], a[2]
              split("paper sssd hybrid ngram", ms, " ")
              for (j = 1; j <= 4; j++) printf " %s |", ((k, ms[j]) in v) ? v[k, ms[j]] : "-"
              printf "\n" } }' "$tmp/all"
    echo
  done
  echo "### Summary (mean accuracy over the datasets and blackouts; cells where a model beats the paper)"
  echo
  echo "| model | mean acc. centre | mean acc. end | beats paper (centre) | beats paper (end) |"
  echo "|---|---|---|---|---|"
  awk '
    $2 == "paper" { p[$1, $3, $4] = $5; acc["paper", $4] += $5; cnt["paper", $4]++; next }
    { a[$2, $1, $3, $4] = $5; acc[$2, $4] += $5; cnt[$2, $4]++; models[$2] = 1; keys[$1, $3, $4] = 1 }
    END {
      split("paper sssd hybrid ngram", ms, " ")
      for (j = 1; j <= 4; j++) { m = ms[j]
        if (!cnt[m, "center"] && !cnt[m, "end"]) { printf "| %s | - | - | - | - |\n", m; continue }
        for (pi = 1; pi <= 2; pi++) { pos = pi == 1 ? "center" : "end"; w[pos] = 0; t[pos] = 0
          for (k in keys) { split(k, kk, SUBSEP); if (kk[3] != pos || !((m, kk[1], kk[2], pos) in a)) continue
            if (!((kk[1], kk[2], pos) in p)) continue
            t[pos]++; if (a[m, kk[1], kk[2], pos] > p[kk[1], kk[2], pos]) w[pos]++ } }
        printf "| %s | %.4f | %.4f | %s | %s |\n", m, acc[m, "center"] / cnt[m, "center"], acc[m, "end"] / cnt[m, "end"],
          m == "paper" ? "-" : w["center"] "/" t["center"], m == "paper" ? "-" : w["end"] "/" t["end"] } }' "$tmp/all"
  echo
  [ "$SSSD" = 1 ] && [ "$SLIMIT" -lt 500 ] && echo "SSSD-S4 and hybrid rows: first $SLIMIT test windows only; paper and n-gram: all 500." && echo
  echo "### Cost: training, sampling throughput (B=10 at the centre, L=200), peak memory"
  echo
  echo "| dataset | n-gram index s | n-gram gaps/s | n-gram peak MiB | SSSD-S4 train s (threads) | train peak MiB | SSSD-S4 gaps/s ($STEPS steps) | sampling peak MiB |"
  echo "|---|---|---|---|---|---|---|---|"
  for d in $DATASETS; do
    read -r ti gps mb <"$tmp/$d.ngram.tput"
    if [ -f "$tmp/$d.train.time" ]; then
      read -r tt tm <"$tmp/$d.train.time"; read -r sg sm <"$tmp/$d.sssd.tput"
      echo "| $d | $ti | $gps | $mb | $tt ($THREADS) | $tm | $sg | $sm |"
    else
      echo "| $d | $ti | $gps | $mb | - | - | - | - |"
    fi
  done
  echo
  echo "gaps/s: gaps filled per second of wall time spent inside the imputer (tracerec-eval's"
  echo "\`gaps_per_s\`; n-gram: 500 gaps, SSSD-S4: $TPUT_N gaps, $THREADS threads). n-gram index s: wall time"
  echo "of a run that indexes the training windows and fills one gap. Peak memory: maximum RSS"
  echo "(\`/usr/bin/time\`) of training and of the B=10 sampling run."
  for d in $DATASETS; do
    [ -f "$tmp/$d.train.summary" ] && echo "- $d training: $(cat "$tmp/$d.train.summary")"
  done
  echo
  echo "### Accuracy vs test window length (mean accuracy at the centre over B = 1..40)"
  echo
  echo "| dataset | model | L=50 | L=100 | L=150 | L=200 |"
  echo "|---|---|---|---|---|---|"
  for d in $DATASETS; do
    for m in ngram sssd; do
      [ -f "$tmp/$d.$m.len200.json" ] || continue
      printf "| %s | %s |" "$d" "$m"
      for L in 50 100 150 200; do
        rows "$tmp/$d.$m.len$L.json" | awk '{ s += $3; n++ } END { printf " %.4f |", s / n }'
      done
      echo
    done
  done
  echo
  echo "Centre masks for other lengths follow the L=200 rule (B <= 20 from L/2, larger B end at L/2+19)."
  echo "The n-gram imputer retrieves spans seen in training: its near-perfect scores say that these test"
  echo "windows repeat contexts of the training windows (L=100 test windows score ~1.0, as if cut from"
  echo "the same traces); on unseen workloads expect less."
  [ "$SSSD" = 1 ] && echo "SSSD-S4 rows: first $LEN_N windows of each test set."
}

report >"$tmp/section"
touch "$OUT"
awk -v f="$tmp/section" '
  /<!-- bench-model:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; done = 1; next }
  /<!-- bench-model:end -->/ { skip = 0 }
  !skip { print }
  END { if (!done) { print "<!-- bench-model:begin -->"; while ((getline l < f) > 0) print l; print "<!-- bench-model:end -->" } }' \
  "$OUT" >"$tmp/out.md" && cat "$tmp/out.md" >"$OUT"
log "wrote the bench-model section of $OUT"
