#!/usr/bin/env bash
# tracerec-dump output on a known trace (tests/tools/trzgen): --stats --json values, text
# gap/synthetic lines, --tid, csv and jsonl shapes, --export npy windows and vocabulary.
set -u
B=${B:-build}
dump=$B/tracerec-dump
gen=$B/tests/tools/trzgen
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail=0
check() { # NAME CONDITION-RESULT(0/1) DETAIL
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi
}

"$gen" "$d/t.trz" 2000 300 || { echo "trzgen failed"; exit 1; }

# --stats --json: every contract field, with the values trzgen wrote
json=$("$dump" --stats --json "$d/t.trz")
for kv in events:2000 threads:4 gaps:2 attributed_gaps:1 unattributed_gaps:1 lost_events:9 \
          attributed_lost_events:6 unattributed_lost_events:3 synthetic_events:4 unfilled_gaps:1 \
          distinct_syscalls:6 blocks_bad:0 truncated:false; do
  k=${kv%%:*} v=${kv#*:}
  echo "$json" | grep -q "\"$k\":$v[,}]"
  check "stats $k = $v" $? "$json"
done
ent=$(echo "$json" | sed 's/.*"syscall_entries":\([0-9]*\).*/\1/')
ex=$(echo "$json" | sed 's/.*"syscall_exits":\([0-9]*\).*/\1/')
check "entries + exits = events" $([ $((ent + ex)) -eq 2000 ]; echo $?) "$ent + $ex"
echo "$json" | grep -q '"bytes_per_event":[0-9]*\.[0-9]*,'
check "stats bytes_per_event" $? "$json"
[ "$(echo "$json" | wc -l)" -eq 1 ]
check "stats json is one line" $? "$json"

# text: strace-like lines
"$dump" "$d/t.trz" >"$d/txt"
grep -aqF '<<< lost 6 events of tid 502: read x2 (entry+exit), syscall_-1 x1 (exit), 1 unknown ... partial >>>' "$d/txt"; check "text attributed gap (with its sketch)" $? "$(grep -a 'lost 6' "$d/txt")"
grep -aq '<<< lost 3 events on cpu 1 (unattributed) >>>' "$d/txt"; check "text unattributed gap" $? ""
[ "$(grep -ac '~ .*\[synthetic gap 1 conf 0.87\]' "$d/txt")" -eq 4 ]; check "text synthetic x4" $? ""
grep -aqE '^ +1\.[0-9]{9} +501 worker1 +read\(3, 0x7ffd12340000, 4096\)( = 4096| <unfinished \.\.\.>)$' "$d/txt"
check "text entry with args" $? "$(grep -am1 'read(' "$d/txt")"
grep -aqE ' (openat\(\.\.\.\)|<\.\.\. openat resumed>) = -1 ENOENT \(No such file or directory\)$' "$d/txt"; check "text errno exit" $? ""
grep -aqE ' (read\(3, 0x7ffd12340000, 4096\)|<\.\.\. read resumed>) = 4096$' "$d/txt"; check "text exit" $? ""
grep -aq '^# host: testhost$' "$d/txt"; check "text meta" $? ""
# strace's shape: an entry and its exit on one line, else "<unfinished ...>" and "<... resumed>"
ent=$(grep -acE ' (~ )?[a-z0-9_]+\(.*\)( = .*| <unfinished \.\.\.>.*)$' "$d/txt")
ex=$(grep -acE ' (~ )?([a-z0-9_]+\(.*\)|<\.\.\. [a-z0-9_]+ resumed>) = ' "$d/txt")
check "text has every event" $([ $((ent + ex)) -eq 2004 ]; echo $?) "$ent entries + $ex exits (want 2000 + 4 synthetic)"
unf=$(grep -ac '<unfinished \.\.\.>' "$d/txt"); res=$(grep -ac ' resumed> = ' "$d/txt")
check "text unfinished/resumed lines" $([ "$unf" -gt 0 ] && [ "$res" -gt 0 ]; echo $?) "$unf unfinished, $res resumed"

# strings with control characters stay on one line, escaped; JSON stays valid
grep -aqF 'bad\ncomm\x01' "$d/txt"; check "text escapes comm" $? "$(grep -an 'bad' "$d/txt")"
grep -aqF '# note: line1\nline2\t"q" \\ ' "$d/txt"; check "text escapes meta" $? "$(grep -an note "$d/txt")"
! grep -aq '^comm\|^line2' "$d/txt"; check "text one line per record" $? ""
if command -v python3 >/dev/null; then
  "$dump" --format jsonl "$d/t.trz" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o.get("comm") == "bad\ncomm\x01": print("comm ok")
    if o.get("key") == "note" and o["value"] == "line1\nline2\t\"q\" \\ \u00ff\u00fe caf\u00e9": print("note ok")
' >"$d/py" 2>&1
  [ "$(grep -c ok "$d/py")" -eq 2 ]; check "jsonl valid JSON, strings exact" $? "$(cat "$d/py")"
fi

# --tid keeps only that thread
"$dump" --tid 501 "$d/t.trz" | grep -E ' (->|<-|<<<|\+\+\+) ' | grep -vc ' 501 worker1 ' >"$d/n"
check "--tid 501 filters" $([ "$(cat "$d/n")" -eq 0 ]; echo $?) "$(cat "$d/n") foreign lines"

# csv: header + 20 fields on every line (trzgen writes no commas in strings)
"$dump" --format csv "$d/t.trz" >"$d/csv"
head -n 1 "$d/csv" | grep -q '^kind,ts_ns,cpu,pid,tid,comm,syscall,nr,dir,ret,tseq,cseq,args,gap_id,confidence,lost,seq_first,seq_last,t_end_ns,info$'
check "csv header" $? "$(head -n 1 "$d/csv")"
bad=$(grep -av '"' "$d/csv" | awk -F, 'NF != 20' | wc -l)
check "csv 20 fields per line" "$bad" "$bad lines"
grep -aqF 'thread,1000000000,,600,600,bad\ncomm\x01,,,,,,,,,,,,,,"snapshot ppid=1 path=/tmp/we ird,""path"""' "$d/csv"
check "csv quoting and escapes" $? "$(grep -a ',600,' "$d/csv")"
[ "$(grep -c '^event,' "$d/csv")" -eq 2000 ]; check "csv events" $? ""

# jsonl: one object per record
"$dump" --format jsonl "$d/t.trz" >"$d/jsonl"
bad=$(grep -vc '^{"kind":"[a-z]*",.*}$' "$d/jsonl")
check "jsonl objects" "$bad" "$bad bad lines"
[ "$(grep -c '"kind":"event"' "$d/jsonl")" -eq 2000 ]; check "jsonl events" $? ""

# --export npy: windows of 50 per thread piece, vocab TSV ranked by count
"$dump" -q --export npy --window 50 -o "$d/w.npy" "$d/t.trz"
check "export exit 0" $? ""
hdr=$(head -c 128 "$d/w.npy" | tr -d '\0')
echo "$hdr" | grep -q "'descr': '<i4', 'fortran_order': False, 'shape': ([0-9]*, 50, 1)"
check "npy header" $? "$hdr"
nwin=$(echo "$hdr" | grep -ao "'shape': ([0-9]*" | grep -o '[0-9]*$')
size=$(stat -c %s "$d/w.npy")
check "npy size" $([ "$size" -eq $((128 + nwin * 50 * 4)) ]; echo $?) "$size bytes for $nwin windows"
check "npy windows" $([ "$nwin" -ge 36 ] && [ "$nwin" -le 40 ]; echo $?) "$nwin windows"
head -n 1 "$d/w.npy.vocab" | grep -q "^id	syscall	dir	count$"; check "vocab header" $? ""
[ "$(sed -n 2p "$d/w.npy.vocab" | cut -f1-3)" = "1	read	entry" ]; check "vocab id 1 = read entry" $? "$(sed -n 2p "$d/w.npy.vocab")"
awk -F'\t' 'NR > 2 && $4 > prev { bad = 1 } NR > 1 { prev = $4 } END { exit bad }' "$d/w.npy.vocab"
check "vocab ranked by count" $? ""
exit $fail
