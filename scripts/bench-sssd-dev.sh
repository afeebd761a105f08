#!/usr/bin/env bash
# SSSD-S4 development benchmark: train each model variant with tracerec-train on
# <dataset>/len100/train.npy and score it with tracerec-eval on len200/test.npy (the paper's
# protocol), next to the paper's SSSD-S4 (reference/paper-metrics.tsv).  Writes its section of
# BENCHMARKS.md (<!-- bench-sssd-variants:begin/end -->) and keeps the raw logs in $OUT.
#
# Environment: DATASETS (default "phpbench"), VARIANTS (default "x0ce eps-onehot eps-scalar"),
#   BUDGET training seconds (default 540), THREADS (default 2), STEPS DDIM steps (default 10),
#   LIMIT test windows (default 500), OUT log directory (default build/bench-sssd-dev),
#   TRACEREC_SHARED (default $TOP/../shared).
#   Variant names: x0ce = one-hot + x0 logits/cross-entropy + beta_T 0.05 (default model);
#   eps-onehot = one-hot + the reference epsilon MSE, reference schedule;
#   eps-scalar = the paper's single scalar id + epsilon MSE, reference schedule.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
DATASETS=${DATASETS:-phpbench}
VARIANTS=${VARIANTS:-x0ce eps-onehot eps-scalar}
BUDGET=${BUDGET:-540}
THREADS=${THREADS:-2}
STEPS=${STEPS:-10}
LIMIT=${LIMIT:-500}
OUT=${OUT:-$B/bench-sssd-dev}
mkdir -p "$OUT"
[ -x "$B/tracerec-train" ] && [ -x "$B/tracerec-eval" ] || { echo "build first (make)"; exit 1; }

variant_args() {
  case $1 in
    x0ce) echo "--repr onehot --objective x0ce" ;;
    eps-onehot) echo "--repr onehot --objective eps" ;;
    eps-scalar) echo "--repr scalar --objective eps" ;;
    *) echo "unknown variant $1" >&2; exit 1 ;;
  esac
}

# accuracy of one cell from a tracerec-eval --json file
cell() { # file blackout position
  tr '{' '\n' <"$1" | grep "\"blackout\": $2," | grep "\"position\": \"$3\"" |
    sed 's/.*"accuracy": \([0-9.]*\).*/\1/' | awk '{ printf "%.3f", $1 }'
}
paper() { # dataset blackout position
  awk -F'\t' -v d="$1" -v b="$2" -v p="$3" \
    '$1 == "SSSD_S4" && $2 == d && $4 == b && $5 == p { printf "%.3f", $6 }' \
    "$SHARED/reference/paper-metrics.tsv"
}

rows=""
for d in $DATASETS; do
  data=$SHARED/datasets/pts/$d
  for v in $VARIANTS; do
    m=$OUT/$d-$v.sssd
    # shellcheck disable=SC2046
    /usr/bin/time -f "%e %M" -o "$OUT/$d-$v.time" "$B/tracerec-train" --npy "$data/len100/train.npy" \
      -o "$m" --time-budget "$BUDGET" --iters 0 -j "$THREADS" $(variant_args "$v") \
      >"$OUT/$d-$v.train" 2>"$OUT/$d-$v.log"
    read -r wall rss <"$OUT/$d-$v.time"
    last=$(grep -o '[0-9]*/[0-9]* .*loss.*' "$OUT/$d-$v.log" | tail -n 1)
    iters=${last%%/*}
    held=$(echo "$last" | sed -n 's/.*held-out acc \([0-9.na]*\).*/\1/p')
    start=$(date +%s.%N)
    /usr/bin/time -f "%e %M" -o "$OUT/$d-$v.etime" "$B/tracerec-eval" -q --model "$m" \
      --test "$data/len200/test.npy" --steps "$STEPS" --limit "$LIMIT" -j "$THREADS" --json \
      >"$OUT/$d-$v.json"
    read -r ewall erss <"$OUT/$d-$v.etime"
    for p in center end; do
      line="| $d | $v | $p |"
      for b in 1 5 10 20 30 40; do
        line="$line $(cell "$OUT/$d-$v.json" $b $p) ($(paper "$d" $b $p)) |"
      done
      rows="$rows$line $iters | $(printf %.0f "$wall") | $((rss / 1024)) | $held | $(printf %.0f "$ewall") | $((erss / 1024)) |
"
    done
  done
done

section=$(cat <<EOF
<!-- bench-sssd-variants:begin -->
Measured by \`scripts/bench-sssd-dev.sh\` on $(date -u +%Y-%m-%d) ($(nproc) CPUs, shared with other
builds, so times are noisy): tracerec-train on len100/train.npy for ${BUDGET} s with ${THREADS}
OpenBLAS threads, tracerec-eval on the first ${LIMIT} windows of len200/test.npy, DDIM ${STEPS} steps,
1 sample.  Cells: our masked-position accuracy (paper's SSSD-S4 in brackets).

| dataset | variant | position | B=1 | B=5 | B=10 | B=20 | B=30 | B=40 | iterations | train s | train peak MiB | held-out acc | eval s | eval peak MiB |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
$rows
<!-- bench-sssd-variants:end -->
EOF
)
f=$TOP/BENCHMARKS.md
[ -f "$f" ] || echo "# Benchmarks" >"$f"
if grep -q '<!-- bench-sssd-variants:begin -->' "$f"; then
  awk -v s="$section" '/<!-- bench-sssd-variants:begin -->/ { print s; skip = 1; next }
    /<!-- bench-sssd-variants:end -->/ { skip = 0; next } !skip' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
else
  printf "\n## SSSD-S4 variants (scripts/bench-sssd-dev.sh)\n\n%s\n" "$section" >>"$f"
fi
echo "$section"
