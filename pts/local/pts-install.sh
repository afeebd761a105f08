#!/bin/sh
# pts-install.sh NAME SCRIPT [ARGS...] - the shared body of the install.sh of every tracerec test
# profile (pts/local/tracerec-*/).  The Phoronix Test Suite runs install.sh inside the test's
# install folder; scripts/trace-pts.sh stages each profile with this file and scripts/workloads/
# in its workload/ folder.  Installing copies the workloads, builds the C kernels, and writes the
# executable NAME that PTS runs once per trial: it runs scripts/workloads/SCRIPT ARGS with
# WL_SCORE=1 and puts the score line into $LOG_FILE, which results-definition.xml parses.  The
# workload's inputs are made here, once, into cache/ (WL_PREPARE=1, WL_CACHE), so that a trial -
# and its trace - holds the benchmark's own work only.  A failed
# workload leaves no score, so PTS records no result.  Downloads nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name=$1 script=$2
shift 2
fail() { echo "$name: $*" >&2; echo 1 > install-exit-status; exit 1; }
[ -f "$here/$script" ] && [ -f "$here/common.sh" ] ||
  fail "$here/$script missing: install the profile with scripts/trace-pts.sh, which stages scripts/workloads/ into it"
command -v bash >/dev/null 2>&1 || fail "needs bash"
rm -rf workload
cp -R "$here" workload
for c in workload/*.c; do
  [ -f "$c" ] || continue
  command -v gcc >/dev/null 2>&1 || fail "needs gcc (Debian package gcc) to build $c"
  mkdir -p workload/bin
  k=$(basename "$c" .c)
  gcc -O2 -o "workload/bin/$k" "$c" -lm || fail "cannot build $c"
done
WL_PREPARE=1 WL_CACHE=$PWD/cache bash "workload/$script" "$@" || fail "cannot make the inputs of $script"
{
  echo '#!/bin/sh'
  echo "# One trial of $name (written by pts-install.sh)."
  echo 'out=$(WL_SCORE=1 WL_CACHE="$HOME/cache" bash "$HOME/workload/'"$script"'" '"$*"') || exit 1'
  echo 'printf "%s\n" "$out" > "$LOG_FILE"'
} > "$name"
chmod +x "$name"
echo 0 > install-exit-status
