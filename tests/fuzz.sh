#!/usr/bin/env bash
# The fuzzing harnesses (tests/fuzz/): every committed corpus and crash input replayed through
# each harness's replay binary (built with the project's compiler, and SAN=1's sanitizers), then
# every libFuzzer harness run FUZZ_TEST_S seconds (default 15) from its corpus: no crash, leak,
# timeout or broken invariant may turn up.  Longer runs: `make fuzz FUZZ_S=N`,
# scripts/bench-fuzz.sh.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
secs=${FUZZ_TEST_S:-15}
fail=0
names=()
for f in "$TOP"/tests/fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
[ ${#names[@]} -gt 0 ] || { echo "FAIL: no harnesses"; exit 1; }
# 1. replay
for n in "${names[@]}"; do
  r=$B/tests/fuzz/replay_$n
  [ -x "$r" ] || { echo "FAIL replay_$n not built"; fail=1; continue; }
  in=("$TOP/tests/fuzz/corpus/$n")
  [ -d "$TOP/tests/fuzz/crashes/$n" ] && in+=("$TOP/tests/fuzz/crashes/$n")
  ls "${in[0]}"/* >/dev/null 2>&1 || { echo "FAIL $n: empty seed corpus"; fail=1; continue; }
  if out=$("$r" "${in[@]}" 2>&1); then
    echo "ok   replay $n: $(echo "$out" | tail -n 1 | sed 's/.*: //')"
  else
    echo "FAIL replay $n:"; echo "$out" | tail -n 30; fail=1
  fi
done
# 2. fuzz each harness a little
if [ "$secs" -gt 0 ]; then
  out=$(FZ=$TOP/build/fuzz "$TOP/tests/fuzz/run.sh" "$secs" 2>&1)
  rc=$?
  echo "$out" | sed 's/^/     /'
  [ $rc = 0 ] && echo "ok   fuzzing ${secs}s each: nothing found" || { echo "FAIL fuzzing found something (above)"; fail=1; }
fi
exit $fail
