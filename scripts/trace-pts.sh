#!/usr/bin/env bash
# trace-pts.sh [OPTIONS] TEST [OUT.trz] - trace a Phoronix Test Suite benchmark with tracerecd,
# offline, and report its score traced and untraced.
#
#   sudo scripts/trace-pts.sh local/tracerec-gzip gzip.trz
#   sudo scripts/trace-pts.sh --runs 2 local/tracerec-php php.trz     # php-1.trz, php-2.trz
#
# TEST is one of the project's own test profiles, local/tracerec-NAME (pts/local/ in this tree:
# they download nothing, see docs/pts.md), or a test already present in the state folder.
# With phoronix-test-suite on PATH (and php-cli, php-xml) and no prior set-up, it
#   1. keeps its state in one folder (--state, PTS_USER_PATH_OVERRIDE): profiles, installed
#      tests, results; the project's profiles are staged there with scripts/workloads/;
#   2. installs its own batch-mode, offline configuration as /etc/phoronix-test-suite.xml for the
#      length of the run: the user's file is renamed to /etc/phoronix-test-suite.xml.tracerec-saved
#      and renamed back at exit (also after a crash: the next run puts it back first);
#   3. installs TEST (again when the profile or the workloads changed) and checks it installed;
#   4. runs `phoronix-test-suite batch-run TEST` untraced (--untraced N times), then N times under
#      tracerecd (--runs), and checks that every run saved a result: PTS exits 0 even when a test
#      failed to install or run;
#   5. prints the score untraced and traced (the median of each run's trials, PTS's own measure)
#      and the trace's events, events/s, lost events and bytes per event.
#
# Options:
#   --runs N       traced runs (default 1); N > 1 writes OUT-1.trz ... OUT-N.trz
#   --untraced N   untraced runs for the reference score (default 1; 0: none)
#   --trials N     trials per run (FORCE_TIMES_TO_RUN; default: the profile's, 3 for ours)
#   --state DIR    PTS state folder (default: $TRACEREC_PTS_STATE or /var/tmp/tracerec-pts)
#   --summary FILE append (creating it if needed) one tab-separated line per run to FILE (for
#                  scripts/bench-pts.sh):
#                  test, run (untraced|traced), score, unit, proportion, trials, trace, events,
#                  events/s, lost, bytes/event
# Env: B (build dir, default build), TRACEREC_OPTS (extra tracerecd options, e.g. -b 16M).
# Exit: 0 done; 1 a failure (message on stderr); 64 usage.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
me='trace-pts'
die() { echo "$me: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--runs N] [--untraced N] [--trials N] [--state DIR] [--summary FILE] TEST [OUT.trz]   (e.g. local/tracerec-gzip)" >&2; exit 64; }

runs=1 untraced=1 trials='' state=${TRACEREC_PTS_STATE:-/var/tmp/tracerec-pts} summary=''
while [ $# -gt 0 ]; do
  case $1 in
    --runs) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
    --untraced) [ $# -ge 2 ] || usage; untraced=$2; shift 2 ;;
    --trials) [ $# -ge 2 ] || usage; trials=$2; shift 2 ;;
    --state) [ $# -ge 2 ] || usage; state=$2; shift 2 ;;
    --summary) [ $# -ge 2 ] || usage; summary=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "$me: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
test=$1
name=$(basename "$test")
out=${2:-pts-$name.trz}
case $runs in ''|*[!0-9]*) usage ;; esac
case $untraced in ''|*[!0-9]*) usage ;; esac
case $trials in *[!0-9]*) usage ;; esac
[ "$runs" -ge 1 ] || { echo "$me: --runs must be at least 1" >&2; usage; }
case $test in */*) ;; *) echo "$me: TEST is CATEGORY/NAME, e.g. local/tracerec-gzip" >&2; usage ;; esac

command -v phoronix-test-suite >/dev/null 2>&1 ||
  die "phoronix-test-suite is not on PATH: install it from phoronix-test-suite.com (and apt-get install php-cli php-xml), see docs/pts.md"
command -v php >/dev/null 2>&1 || die "php is not installed: apt-get install php-cli php-xml"
php -r 'exit(function_exists("simplexml_load_file") && class_exists("DOMDocument") ? 0 : 1);' 2>/dev/null ||
  die "php's XML support is missing: apt-get install php-xml"
[ "$(id -u)" -eq 0 ] || die "must run as root (tracerecd loads eBPF; PTS runs as root here)"
[ -x "$B/tracerecd" ] && [ -x "$B/tracerec-dump" ] || die "$B/tracerecd not built (run make)"

# Output names, all new: tracerecd does not overwrite, and we check before the long run.
outs=()
if [ "$runs" -eq 1 ]; then outs=("$out")
else for i in $(seq 1 "$runs"); do outs+=("${out%.trz}-$i.trz"); done; fi
for o in "${outs[@]}"; do
  [ ! -e "$o" ] && [ ! -L "$o" ] || die "$o exists: give a new output name"
  [ -d "$(dirname "$o")" ] || die "$(dirname "$o")/ does not exist"
done

# --- the state folder ---------------------------------------------------------------------------
case $state in /*) ;; *) state=$PWD/$state ;; esac
state=${state%/}
[ -d "$state" ] || mkdir -m 0700 -p "$state" || die "cannot create $state"
mkdir -p "$state/test-profiles" "$state/installed-tests" "$state/test-results"
export PTS_USER_PATH_OVERRIDE=$state/
export PTS_SILENT_MODE=1

# --- the configuration: ours for the run, the user's kept and put back -------------------------
etc=/etc/phoronix-test-suite.xml
# The user's file is renamed aside in /etc (same inode, never rewritten) and renamed back; the
# markers live in /etc too, so that any later run puts it back after a crash, whatever its --state.
saved=$etc.tracerec-saved
absent=$etc.tracerec-absent
vc=/var/cache/phoronix-test-suite
vc_made=$state/var-cache-made
restore_config() {
  if [ -e "$saved" ]; then
    mv -f "$saved" "$etc" || echo "$me: could not put back $etc: the original is $saved" >&2
  elif [ -e "$absent" ]; then
    rm -f "$etc" "$absent"
  fi
  if [ -f "$vc_made" ]; then  # PTS makes it as root (an index cache): this run made it
    rm -rf "$vc"
    rm -f "$vc_made"
  fi
}
if [ -e "$saved" ] || [ -e "$absent" ]; then
  echo "$me: an earlier run did not finish; putting back $etc first" >&2
  restore_config
fi
[ ! -L "$etc" ] || die "$etc is a symbolic link: not touching it"
if [ -e "$etc" ]; then mv "$etc" "$saved" || die "cannot keep $etc"
else : > "$absent" || die "cannot write in /etc"; fi
[ -e "$vc" ] || : > "$vc_made"
trap restore_config EXIT
trap 'exit 130' INT TERM
(umask 022; sed "s#@STATE@#$state#g" "$TOP/pts/phoronix-test-suite.xml" > "$etc.tracerec.$$") &&
  mv -f "$etc.tracerec.$$" "$etc" || die "cannot write $etc"

log=$state/trace-pts.log
: > "$log"
pts() { phoronix-test-suite "$@" >> "$log" 2>&1 < /dev/null; }

# --- stage and install the profile -------------------------------------------------------------
profile=$state/test-profiles/$test
installed=$state/installed-tests/$test
src=$TOP/pts/$test
if [ -d "$src" ]; then
  hash=$(cd "$TOP" && cat "pts/$test"/* pts/local/pts-install.sh scripts/workloads/* 2>/dev/null | sha256sum | cut -c1-16)
  if [ ! -f "$installed/.tracerec-src" ] || [ "$(cat "$installed/.tracerec-src")" != "$hash" ]; then
    rm -rf "$profile" "$installed"
    mkdir -p "$profile/workload"
    cp "$src"/* "$profile/"
    cp "$TOP/pts/local/pts-install.sh" "$TOP"/scripts/workloads/* "$profile/workload/"
  fi
elif [ ! -d "$profile" ]; then
  die "no test profile $test: the project's are local/tracerec-* (ls $TOP/pts/local); others must be in $state/test-profiles/"
fi
[ -f "$state/.enterprise-setup" ] || { pts enterprise-setup && : > "$state/.enterprise-setup"; } ||
  die "phoronix-test-suite enterprise-setup failed (log: $log)"
if [ ! -x "$installed/$name" ]; then
  echo "$me: installing $test into $state" >&2
  pts batch-install "$test" || true
  [ -x "$installed/$name" ] && [ "$(cat "$installed/install-exit-status" 2>/dev/null || echo 0)" = 0 ] || {
    tail -n 20 "$log" >&2; die "$test did not install (PTS exits 0 anyway); log: $log"; }
  [ -z "${hash:-}" ] || echo "$hash" > "$installed/.tracerec-src"
fi

# --- runs --------------------------------------------------------------------------------------
# pts_result DIR: "SCALE<TAB>PROPORTION<TAB>MEDIAN<TAB>TRIALS" of the run saved in DIR, or fail.
pts_result() {
  php -r '
    $x = @simplexml_load_file($argv[1]);
    if (!$x) exit(1);
    foreach ($x->Result as $r) {
      if ((string)$r->Identifier !== $argv[2]) continue;
      foreach ($r->Data->Entry as $e) {
        $raw = array_values(array_filter(explode(":", (string)$e->RawString), "is_numeric"));
        if (!$raw && is_numeric((string)$e->Value)) $raw = array((string)$e->Value); // one trial
        if (!$raw) continue;
        sort($raw); $n = count($raw);
        $med = $n % 2 ? $raw[intdiv($n, 2)] : ($raw[$n / 2 - 1] + $raw[$n / 2]) / 2;
        printf("%s\t%s\t%s\t%s\n", $r->Scale, $r->Proportion, $med, implode(":", $raw));
        exit(0);
      }
    }
    exit(1);' "$1/composite.xml" "$test" 2>/dev/null
}
seq_no=0
run_pts() {  # run_pts KIND [TRACE]: one batch-run; sets result to pts_result's line
  local kind=$1 trace=${2:-} rname rc=0
  seq_no=$((seq_no + 1))
  rname=$name-$(date +%Y%m%d-%H%M%S)-$$-$seq_no
  [ ! -e "$state/test-results/$rname" ] || die "result $rname exists"
  local -a env=(env TEST_RESULTS_NAME="$rname" TEST_RESULTS_IDENTIFIER="$kind"
                TEST_RESULTS_DESCRIPTION="tracerec trace-pts.sh" ${trials:+FORCE_TIMES_TO_RUN=$trials})
  echo "== $kind run $rname" >> "$log"
  if [ -n "$trace" ]; then
    # shellcheck disable=SC2086
    "$B/tracerecd" --as-root ${TRACEREC_OPTS:-} -o "$trace" -- \
      "${env[@]}" phoronix-test-suite batch-run "$test" >> "$log" 2>&1 < /dev/null || rc=$?
    [ -f "$trace" ] || { tail -n 20 "$log" >&2; die "tracerecd wrote no trace (exit $rc); log: $log"; }
  else
    "${env[@]}" phoronix-test-suite batch-run "$test" >> "$log" 2>&1 < /dev/null || rc=$?
  fi
  result=$(pts_result "$state/test-results/$rname") || {
    tail -n 20 "$log" >&2
    die "PTS saved no result for $test ($kind run, PTS exit $rc): the test failed; log: $log"; }
}

unit='' prop='' scores_u=() scores_t=()
stat_json() { "$B/tracerec-dump" --stats --json "$1"; }
json_get() { php -r '$j = json_decode(stream_get_contents(STDIN), true); if (!is_array($j) || !array_key_exists($argv[1], $j)) exit(1); echo $j[$argv[1]];' "$1"; }
for i in $(seq 1 "$untraced"); do
  echo "$me: untraced run $i of $untraced ..." >&2
  run_pts untraced
  IFS=$'\t' read -r unit prop score trials_got <<< "$result"
  scores_u+=("$score")
  echo "$me: $test untraced: $score $unit (median of trials $trials_got)" >&2
  [ -z "$summary" ] || printf '%s\tuntraced\t%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\n' "$test" "$score" "$unit" "$prop" "$trials_got" >> "$summary"
done
for i in $(seq 1 "$runs"); do
  t=${outs[$((i - 1))]}
  echo "$me: traced run $i of $runs -> $t ..." >&2
  run_pts traced "$t"
  IFS=$'\t' read -r unit prop score trials_got <<< "$result"
  scores_t+=("$score")
  js=$(stat_json "$t") || die "cannot read $t"
  ev=$(json_get events <<< "$js"); lost=$(json_get lost_events <<< "$js")
  dur=$(json_get duration_s <<< "$js"); bpe=$(json_get bytes_per_event <<< "$js")
  eps=$(awk -v e="$ev" -v d="$dur" 'BEGIN { printf "%.0f", (d > 0 ? e / d : 0) }')
  echo "$me: $test traced: $score $unit (median of trials $trials_got); $t: $ev events, $eps events/s, $lost lost, $bpe bytes/event" >&2
  [ -z "$summary" ] || printf '%s\ttraced\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$test" "$score" "$unit" "$prop" "$trials_got" "$t" "$ev" "$eps" "$lost" "$bpe" >> "$summary"
done
if [ "${#scores_u[@]}" -gt 0 ]; then
  # the relative change of the score under tracing (Falco's "-35 % on redis" convention)
  mu=$(printf '%s\n' "${scores_u[@]}" | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  mt=$(printf '%s\n' "${scores_t[@]}" | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  awk -v u="$mu" -v t="$mt" -v unit="$unit" -v p="$prop" -v n="$test" 'BEGIN {
    printf "trace-pts: %s: untraced %s %s, traced %s %s: the score changes by %+.1f%% under tracing (%s is better)\n",
      n, u, unit, t, unit, (u > 0 ? (t / u - 1) * 100 : 0), p == "HIB" ? "higher" : "lower" }' >&2
fi
echo "$me: wrote ${outs[*]}; the benchmark's own processes as a dataset: scripts/pts-dataset.sh" >&2
