#!/usr/bin/env bash
# tracerec-import lttng end to end, on the real CTF traces of ../shared/data/lttng:
# counts checked with tracerec-dump --stats --json, the discarded events' gap with --format
# jsonl, and damaged traces (truncated stream, garbage metadata, garbage inside a stream).
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
LT=$SHARED/data/lttng
IMPORT=$B/tracerec-import
DUMP=$B/tracerec-dump
[ -d "$LT/many-threads" ] && [ -d "$LT/discards-lttng-test" ] || { echo "skip: $LT not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# jget KEY < json: the number after "KEY":
jget() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
[ -x "$DUMP" ] || fail "$DUMP not built"

# 1. many-threads: 78,085 entries, 78,086 exits, 84 syscall names, 8,030 threads with syscalls
"$IMPORT" lttng "$LT/many-threads" -o "$tmp/mt.trz" 2>"$tmp/mt.err" || { cat "$tmp/mt.err"; fail "import many-threads"; }
grep -q "events read *240644$" "$tmp/mt.err" || fail "summary: events read"
grep -q "156171 (78085 entries, 78086 exits, 84 distinct syscalls)" "$tmp/mt.err" || { cat "$tmp/mt.err"; fail "summary: syscall counts"; }
grep -q "(8030 with syscalls)" "$tmp/mt.err" || fail "summary: threads with syscalls"
grep -q "unattributed events *0 " "$tmp/mt.err" || fail "summary: unattributed events"
expect_eq "output mode" "$(stat -c %a "$tmp/mt.trz")" 600
"$DUMP" --stats --json "$tmp/mt.trz" > "$tmp/mt.json" || fail "tracerec-dump --stats"
expect_eq syscall_entries "$(jget syscall_entries < "$tmp/mt.json")" 78085
expect_eq syscall_exits "$(jget syscall_exits < "$tmp/mt.json")" 78086
# 83 named syscalls + "unknown" events with ids 15 (rt_sigreturn) and 158 (arch_prctl)
expect_eq distinct_syscalls "$(jget distinct_syscalls < "$tmp/mt.json")" 85
expect_eq threads "$(jget threads < "$tmp/mt.json")" 8030
expect_eq gaps "$(jget gaps < "$tmp/mt.json")" 0
"$DUMP" --format jsonl "$tmp/mt.trz" | grep -q '"host"' || fail "no host metadata"

# 2. discards-lttng-test: 728 discarded events -> one unattributed gap on cpu 0 in the window
#    babeltrace2 reports: [19:16:02.352676346] .. [19:16:33.426663981] (2019-08-05 UTC)
"$IMPORT" lttng "$LT/discards-lttng-test" -o "$tmp/d.trz" 2>"$tmp/d.err" || { cat "$tmp/d.err"; fail "import discards"; }
grep -q "discarded events *728 " "$tmp/d.err" || { cat "$tmp/d.err"; fail "summary: discarded events"; }
"$DUMP" --stats --json "$tmp/d.trz" > "$tmp/d.json" || fail "tracerec-dump --stats (discards)"
expect_eq unattributed_gaps "$(jget unattributed_gaps < "$tmp/d.json")" 1
expect_eq unattributed_lost_events "$(jget unattributed_lost_events < "$tmp/d.json")" 728
expect_eq attributed_gaps "$(jget attributed_gaps < "$tmp/d.json")" 0
gap=$("$DUMP" --format jsonl "$tmp/d.trz" | grep '"kind":"gap"')
expect_eq "gap cpu" "$(jget cpu <<<"$gap")" 0
expect_eq "gap lost" "$(jget lost <<<"$gap")" 728
expect_eq "gap start" "$(jget t_start_ns <<<"$gap")" 1565032562352676346
expect_eq "gap end" "$(jget t_end_ns <<<"$gap")" 1565032593426663981

# 3. a directory above several traces: both are imported (one source per trace, one muxer)
"$IMPORT" lttng "$LT" -o "$tmp/both.trz" 2>"$tmp/both.err" || { cat "$tmp/both.err"; fail "import parent dir"; }
grep -q "events read *240916$" "$tmp/both.err" || { cat "$tmp/both.err"; fail "parent dir: events read"; }
"$DUMP" --stats --json "$tmp/both.trz" > "$tmp/both.json" || fail "stats (parent dir)"
expect_eq "parent dir entries" "$(jget syscall_entries < "$tmp/both.json")" 78085
expect_eq "parent dir lost" "$(jget unattributed_lost_events < "$tmp/both.json")" 728

# 4. a trace cut out of many-threads by babeltrace2 itself (starts and stops mid-syscall, no
#    state dump): the importer finds as many syscall entries and exits as babeltrace2 prints
if command -v babeltrace2 >/dev/null; then
  babeltrace2 "$LT/many-threads" --begin=17:46:23.000000000 --end=17:46:23.100000000 \
    -c sink.ctf.fs -p "path=\"$tmp/cut\"" >/dev/null 2>&1 || fail "babeltrace2 could not cut the trace"
  babeltrace2 "$tmp/cut" > "$tmp/cut.txt" 2>/dev/null || fail "babeltrace2 cannot read the cut trace"
  want_in=$(grep -c ' syscall_entry_' "$tmp/cut.txt")
  want_out=$(grep -c ' syscall_exit_' "$tmp/cut.txt")
  [ "$want_in" -gt 1000 ] || fail "cut trace has only $want_in entries"
  "$IMPORT" lttng "$tmp/cut" -o "$tmp/cut.trz" -q || fail "import cut trace"
  "$DUMP" --stats --json "$tmp/cut.trz" > "$tmp/cut.json" || fail "stats (cut)"
  expect_eq "cut entries" "$(jget syscall_entries < "$tmp/cut.json")" "$want_in"
  expect_eq "cut exits" "$(jget syscall_exits < "$tmp/cut.json")" "$want_out"
fi

# 5. damaged traces: one clear message, exit 1 (not a crash), no output, old output untouched
bad() {  # bad NAME DIR WORD: import must fail with exit 1 and a message containing WORD
  echo keep > "$tmp/$1.trz" # replaced only when an import succeeds (--force)
  "$IMPORT" lttng "$2" --force -o "$tmp/$1.trz" 2>"$tmp/$1.err"
  local rc=$?
expect_eq "$1 exit status" $rc 1
  [ "$(wc -l < "$tmp/$1.err")" -le 2 ] || { cat "$tmp/$1.err"; fail "$1: more than one message"; }
  grep -q "^tracerec-import: .*$3" "$tmp/$1.err" || { cat "$tmp/$1.err"; fail "$1: message lacks '$3'"; }
expect_eq "$1 old output kept" "$(cat "$tmp/$1.trz")" keep
}
cp -r "$LT/many-threads" "$tmp/trunc" && chmod -R u+w "$tmp/trunc"
truncate -s 300000 "$tmp/trunc/channel0_3"
bad trunc "$tmp/trunc" "channel0_3"
cp -r "$LT/discards-lttng-test" "$tmp/meta" && chmod -R u+w "$tmp/meta"
head -c 4096 /dev/zero | tr '\0' x > "$tmp/meta/metadata"
bad meta "$tmp/meta" "metadata"
: > "$tmp/meta/metadata"
bad meta-empty "$tmp/meta" "metadata"
mkdir "$tmp/empty"
bad empty "$tmp/empty" "not a CTF trace"
bad missing "$tmp/nonexistent" "No such file or directory"
# garbage inside a stream: the events before it are kept, exit 3 (damaged input)
cp -r "$LT/many-threads" "$tmp/mid" && chmod -R u+w "$tmp/mid"
head -c 4096 /dev/zero | tr '\0' '\377' | dd of="$tmp/mid/channel0_3" bs=1 seek=500000 conv=notrunc 2>/dev/null
"$IMPORT" lttng "$tmp/mid" -o "$tmp/mid.trz" -q 2>"$tmp/mid.err"
expect_eq "mid-stream garbage exit status" $? 3
grep -q "corrupt CTF trace.*kept the [0-9]* syscall events" "$tmp/mid.err" || { cat "$tmp/mid.err"; fail "mid-stream message"; }
n=$("$DUMP" --stats --json "$tmp/mid.trz" | jget events)
[ "$n" -gt 10000 ] && [ "$n" -lt 156171 ] || fail "partial import has $n events"
"$DUMP" --format jsonl "$tmp/mid.trz" | grep -q 'import.incomplete' || fail "partial import not marked"

# 6. usage errors
"$IMPORT" lttng "$LT/many-threads" 2>/dev/null; expect_eq "no -o" $? 2
"$IMPORT" ctf "$LT/many-threads" -o "$tmp/x.trz" 2>/dev/null; expect_eq "bad format" $? 2
"$IMPORT" --bogus 2>/dev/null; expect_eq "bad option" $? 2
echo ok
