#!/usr/bin/env bash
# scripts/trace-pts.sh with a real Phoronix Test Suite (skipped when phoronix-test-suite is not on
# PATH): from a fresh state folder it installs local/tracerec-gzip offline, runs it under tracerecd,
# and the trace holds gzip's own syscalls with no loss; the user's /etc/phoronix-test-suite.xml is
# the same afterwards (or still absent); a test that fails inside PTS (which exits 0) is reported
# as a failure; an existing output is refused.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
command -v phoronix-test-suite >/dev/null 2>&1 ||
  { echo "skip: phoronix-test-suite not on PATH (see docs/pts.md)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (real eBPF)"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "skip: kernel without BTF"; exit 77; }
command -v php >/dev/null 2>&1 || { echo "skip: php-cli not installed (PTS needs php-cli php-xml)"; exit 77; }
[ -x "$B/tracerecd" ] || { echo "FAIL: $B/tracerecd not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
etc=/etc/phoronix-test-suite.xml
etc_state() { if [ -e "$etc" ]; then sha256sum < "$etc"; stat -c '%a %U %i' "$etc"; else echo absent; fi; }
etc_before=$(etc_state)
vc_before=$([ -e /var/cache/phoronix-test-suite ] && echo present || echo absent)
tp="$TOP/scripts/trace-pts.sh --state $tmp/state --untraced 0 --trials 1"

# 1. the whole path on a fresh state folder
$tp local/tracerec-gzip "$tmp/g.trz" > "$tmp/out" 2>&1 || { cat "$tmp/out"; fail "trace-pts.sh failed"; }
[ -f "$tmp/g.trz" ] || fail "no trace"
grep -q 'local/tracerec-gzip traced: [0-9.]* Seconds' "$tmp/out" || { cat "$tmp/out"; fail "no traced score printed"; }
"$B/tracerec-dump" --stats --json "$tmp/g.trz" > "$tmp/stats" || fail "tracerec-dump --stats"
grep -q '"lost_events":0,' "$tmp/stats" || fail "events lost: $(cat "$tmp/stats")"
"$B/tracerec-dump" -f csv "$tmp/g.trz" > "$tmp/g.csv" || fail "tracerec-dump -f csv"
# gzip's own syscalls: gzip read its 16 MiB input (at least 16 MiB / 64 KiB reads) and wrote
gz_reads=$(awk -F, '$1 == "event" && $6 == "gzip" && $7 == "read" && $9 == "exit" && $10 > 0 { n++ } END { print n + 0 }' "$tmp/g.csv")
gz_writes=$(awk -F, '$1 == "event" && $6 == "gzip" && $7 == "write" && $9 == "exit" { n++ } END { print n + 0 }' "$tmp/g.csv")
[ "$gz_reads" -ge 256 ] && [ "$gz_writes" -ge 100 ] || fail "gzip's syscalls missing: $gz_reads reads, $gz_writes writes"
# the trial executable ran under PTS, in the trace
grep -q '^thread,.*,exec .*tracerec-gzip' "$tmp/g.csv" || fail "no exec of the profile's executable in the trace"
echo "ok   trace: $(grep -o '"events":[0-9]*' "$tmp/stats"), gzip $gz_reads reads, $gz_writes writes, 0 lost"
[ "$(etc_state)" = "$etc_before" ] || fail "$etc changed: $(etc_state) (was $etc_before)"
[ "$vc_before" = present ] || [ ! -e /var/cache/phoronix-test-suite ] || fail "/var/cache/phoronix-test-suite left behind"
[ ! -e "$tmp/state/etc-phoronix-test-suite.xml.saved" ] || fail "saved config left in the state folder"

# 2. an existing output is refused before anything runs
$tp local/tracerec-gzip "$tmp/g.trz" > "$tmp/out2" 2>&1 && fail "existing output accepted"
grep -q 'exists' "$tmp/out2" || fail "no message for an existing output: $(cat "$tmp/out2")"

# 3. a test that fails inside PTS (PTS itself exits 0) is a failure, and the config is put back
bp=$tmp/state/test-profiles/local/tracerec-broken
mkdir -p "$bp"
cp "$TOP"/pts/local/tracerec-gzip/{test-definition.xml,results-definition.xml,downloads.xml} "$bp/"
printf '#!/bin/sh\nprintf "#!/bin/sh\\necho no score here > \\"\\$LOG_FILE\\"\\nexit 1\\n" > tracerec-broken\nchmod +x tracerec-broken\n' > "$bp/install.sh"
rc=0
$tp local/tracerec-broken "$tmp/b.trz" > "$tmp/out3" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$tmp/out3"; fail "a failing test gave exit $rc, want 1"; }
grep -q 'saved no result' "$tmp/out3" || { cat "$tmp/out3"; fail "no clear message for a failed test"; }
[ "$(etc_state)" = "$etc_before" ] || fail "$etc changed after a failure"
echo "ok   failed test reported (exit 1), $etc unchanged"
echo PASS
