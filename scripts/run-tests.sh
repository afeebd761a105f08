#!/usr/bin/env bash
# Run every test: CMocka suites (binaries before --), then test scripts (after --).
# A script exiting 77 is counted as skipped.  Prints one closing line "N passed, N failed, N skipped"
# and exits non-zero if anything failed.  B (build dir) is exported for the scripts.
set -u
export B=${B:-build}
export TOP=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0 skip=0 failed=()
run_one() {
  local name=$1; shift
  local start=$SECONDS log
  log=$(mktemp)
  "$@" >"$log" 2>&1
  local rc=$?
  local dt=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    pass=$((pass + 1)); printf 'PASS %-40s (%ss)\n' "$name" "$dt"
  elif [ $rc -eq 77 ]; then
    skip=$((skip + 1)); printf 'SKIP %-40s %s\n' "$name" "$(tail -n 1 "$log")"
  else
    fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-40s (exit %d, %ss)\n' "$name" "$rc" "$dt"
    sed 's/^/    | /' "$log" | tail -n 60
  fi
  rm -f "$log"
}
mode=bin
for t in "$@"; do
  if [ "$t" = "--" ]; then mode=sh; continue; fi
  if [ $mode = bin ]; then run_one "$(basename "$t")" "$t"
  else run_one "$t" bash "$t"; fi
done
echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
