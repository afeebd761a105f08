#!/usr/bin/env bash
# The project's Phoronix Test Suite profiles (pts/local/tracerec-*) without PTS: every profile is
# complete and downloads nothing, names a workload that exists, and its workload - run directly,
# small - prints exactly the score line its results-definition.xml parses (and nothing without
# WL_SCORE=1); the install path (pts/local/pts-install.sh, as PTS runs it) builds the C kernels,
# makes the inputs once into cache/ and writes a trial executable whose output PTS can parse;
# a failing workload leaves no score.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# small sizes per workload for this test (the profiles use bigger ones)
declare -A small=([gzip.sh]=1 [php.sh]=5 [python.sh]=3 [unpack.sh]=1 [fio.sh]=2 [memory.sh]=4 [scimark.sh]=1
                  [ffmpeg.sh]=1)
# workloads whose package `make deps` does not install (about 80 packages): run when present
declare -A optional=([ffmpeg.sh]=ffmpeg)

n=0
for p in "$TOP"/pts/local/tracerec-*/; do
  p=${p%/}; name=$(basename "$p")
  for f in test-definition.xml results-definition.xml downloads.xml install.sh; do
    [ -f "$p/$f" ] || fail "$name: no $f"
  done
  # XML well-formed; no downloads; the score template
  tmpl=$("$PY" - "$p" <<'PY'
import sys, xml.etree.ElementTree as ET
p = sys.argv[1]
td = ET.parse(p + "/test-definition.xml").getroot()
assert td.find("TestInformation/ResultScale").text, "no ResultScale"
assert td.find("TestInformation/Proportion").text in ("HIB", "LIB"), "Proportion"
dl = ET.parse(p + "/downloads.xml").getroot()
assert len(dl.findall(".//Package")) == 0, "downloads.xml lists a download"
rd = ET.parse(p + "/results-definition.xml").getroot()
print(rd.find("ResultsParser/OutputTemplate").text)
PY
) || fail "$name: bad profile XML"
  case $tmpl in "tracerec-score: #_RESULT_# "*) ;; *) fail "$name: template '$tmpl'";; esac
  unit=${tmpl#tracerec-score: #_RESULT_# }
  # the workload the install script names
  read -r _ _ _ _ prof script args < <(grep '^exec sh ' "$p/install.sh") || fail "$name: install.sh has no exec line"
  [ "$prof" = "$name" ] || fail "$name: install.sh installs '$prof'"
  [ -f "$TOP/scripts/workloads/$script" ] || fail "$name: no scripts/workloads/$script"
  [ -n "$args" ] || fail "$name: no size"
  sz=${small[$script]:-}
  [ -n "$sz" ] || fail "$name: no small size for $script in this test"
  if [ -n "${optional[$script]:-}" ] && ! command -v "${optional[$script]}" >/dev/null 2>&1; then
    echo "note $name: ${optional[$script]} not installed, its workload not run (apt-get install ${optional[$script]})"
    continue
  fi
  # no output without WL_SCORE
  out=$(bash "$TOP/scripts/workloads/$script" "$sz") || fail "$name: $script $sz failed"
  [ -z "$out" ] || fail "$name: $script printed '$out' without WL_SCORE"
  # exactly one score line, in the template's unit, a positive number
  WL_SCORE=1 bash "$TOP/scripts/workloads/$script" "$sz" > "$tmp/score" || fail "$name: $script $sz failed (WL_SCORE=1)"
  line=$(grep '^tracerec-score: ' "$tmp/score")
  [ "$(grep -c '^tracerec-score: ' "$tmp/score")" = 1 ] || fail "$name: not one score line: $(cat "$tmp/score")"
  v=${line#tracerec-score: }; v=${v% "$unit"}
  [ "$line" = "tracerec-score: $v $unit" ] || fail "$name: '$line' does not match '$tmpl'"
  awk -v v="$v" 'BEGIN { exit !(v + 0 > 0 && v ~ /^[0-9]+(\.[0-9]+)?$/) }' || fail "$name: score '$v'"
  echo "ok $name: $script $sz -> $v $unit"
  n=$((n + 1))
done
[ "$n" -ge 4 ] || fail "only $n profiles"

# The install path as PTS runs it: staged profile folder with workload/, install in another folder.
stage=$tmp/profiles/local/tracerec-gzip inst=$tmp/installed
mkdir -p "$stage/workload" "$inst"
cp "$TOP"/pts/local/tracerec-gzip/* "$stage/"
cp "$TOP/pts/local/pts-install.sh" "$TOP"/scripts/workloads/* "$stage/workload/"
sed -i 's/gzip.sh 16$/gzip.sh 1/' "$stage/install.sh"
(cd "$inst" && HOME=$inst bash "$stage/install.sh" > "$tmp/install.log" 2>&1) || { cat "$tmp/install.log"; fail "install.sh failed"; }
[ "$(cat "$inst/install-exit-status")" = 0 ] || fail "install-exit-status"
[ -x "$inst/tracerec-gzip" ] || fail "no trial executable"
[ -f "$inst/cache/text-1MiB.txt" ] || fail "inputs not made at install: $(ls "$inst/cache" 2>&1)"
[ -x "$inst/workload/bin/memory" ] && [ -x "$inst/workload/bin/scimark" ] || fail "C kernels not built at install"
# a trial re-uses the cached input (the cache file is not rewritten)
before=$(stat -c %Y.%i "$inst/cache/text-1MiB.txt")
sleep 1
(cd "$inst" && HOME=$inst LOG_FILE=$tmp/trial.log ./tracerec-gzip) || fail "trial failed"
grep -Eq '^tracerec-score: [0-9]+\.[0-9]+ s$' "$tmp/trial.log" || fail "trial log: $(cat "$tmp/trial.log")"
[ "$(stat -c %Y.%i "$inst/cache/text-1MiB.txt")" = "$before" ] || fail "the trial made its input again"
# a failing workload leaves no score in the log (PTS then records no result)
printf '#!/usr/bin/env bash\n. "$(dirname "$0")/common.sh"\nwl_timer_start\nfalse\nwl_score_seconds\n' > "$inst/workload/gzip.sh"
rm -f "$tmp/trial2.log"
(cd "$inst" && HOME=$inst LOG_FILE=$tmp/trial2.log ./tracerec-gzip) && fail "a failing trial exited 0"
! grep -q tracerec-score "$tmp/trial2.log" 2>/dev/null || fail "a failing trial left a score"
# install.sh without staged workloads fails clearly
rm -rf "$stage/workload" "${inst:?}"/*
(cd "$inst" && HOME=$inst bash "$stage/install.sh" > "$tmp/install2.log" 2>&1) && fail "install without workloads exited 0"
[ "$(cat "$inst/install-exit-status" 2>/dev/null)" != 0 ] || fail "install-exit-status 0 without workloads"
echo "PASS: $n profiles"
