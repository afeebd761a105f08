#!/usr/bin/env bash
# tracerec-import npy|csv end to end: a public dataset file round-trips through a .trz trace
# (import, then tracerec-dump --export npy --window L gives back the same bytes), the text form
# gives the same trace, and malformed inputs are rejected with one clear message.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED=${TRACEREC_SHARED:-$TOP/../shared}
IMPORT=$B/tracerec-import
DUMP=$B/tracerec-dump
# ids of a train file are ranked by their frequency in it, as tracerec-dump's export ranks them
SRC=$SHARED/datasets/pts/compress-gzip/len50/train.npy
[ -r "$SRC" ] || { echo "skip: $SRC not found"; exit 77; }
[ -x "$DUMP" ] || { echo "FAIL: $DUMP not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
jget() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }

# 1. npy -> trz -> npy
"$IMPORT" npy "$SRC" -o "$tmp/w.trz" -q || fail "import npy"
expect_eq "output mode" "$(stat -c %a "$tmp/w.trz")" 600
"$DUMP" --stats --json "$tmp/w.trz" > "$tmp/w.json" || fail "stats"
expect_eq events "$(jget events < "$tmp/w.json")" 500000
expect_eq threads "$(jget threads < "$tmp/w.json")" 10000
expect_eq gaps "$(jget gaps < "$tmp/w.json")" 0
"$DUMP" --format jsonl "$tmp/w.trz" | grep '"ids"' | grep -q '"dataset"' || fail "no ids=dataset metadata"
"$DUMP" --export npy --window 50 -o "$tmp/back.npy" "$tmp/w.trz" || fail "export"
cmp "$SRC" "$tmp/back.npy" || fail "npy round trip differs"
# a test file's ids are not ranked by its own frequencies: they must come back unchanged too
TEST200=$SHARED/datasets/pts/ffmpeg/len200/test.npy
if [ -r "$TEST200" ]; then
	"$IMPORT" npy "$TEST200" -o "$tmp/t.trz" -q || fail "import test npy"
	"$DUMP" --export npy --window 200 -o "$tmp/tback.npy" "$tmp/t.trz" || fail "export test"
	cmp "$TEST200" "$tmp/tback.npy" || fail "npy round trip of a test file differs"
fi

# 2. the comma-separated form of the same windows gives the same trace events and windows
tail -c +129 "$SRC" | od -An -v -td4 -w200 | awk '{ $1 = $1; gsub(/ /, ","); print }' > "$tmp/w.csv"
expect_eq "csv lines" "$(wc -l < "$tmp/w.csv")" 10000
"$IMPORT" csv "$tmp/w.csv" -o "$tmp/c.trz" -q || fail "import csv"
"$DUMP" --export npy --window 50 -o "$tmp/cback.npy" "$tmp/c.trz" || fail "export csv trace"
cmp "$SRC" "$tmp/cback.npy" || fail "csv round trip differs"

# 3. malformed inputs: exit 1, one message naming the problem, no output file
bad() {  # bad NAME FORMAT FILE WORD
  "$IMPORT" "$2" "$3" -o "$tmp/$1.trz" 2>"$tmp/$1.err"
  expect_eq "$1 exit status" $? 1
  expect_eq "$1 message lines" "$(wc -l < "$tmp/$1.err")" 1
  grep -q "^tracerec-import: .*$4" "$tmp/$1.err" || { cat "$tmp/$1.err"; fail "$1: message lacks '$4'"; }
  [ ! -e "$tmp/$1.trz" ] || fail "$1: output created"
  ! ls "$tmp/$1.trz".* >/dev/null 2>&1 || fail "$1: temporary output left"
}
hdr() {  # hdr DICT: an npy v1.0 header for DICT, padded to 128 bytes
  printf '\x93NUMPY\x01\x00\x76\x00%-117s\n' "$1"
}
{ hdr "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3, 1), }"; head -c 48 /dev/zero; } > "$tmp/i8.npy"
bad dtype npy "$tmp/i8.npy" "dtype"
{ hdr "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 1), }"; head -c 24 /dev/zero; } > "$tmp/f4.npy"
bad float npy "$tmp/f4.npy" "dtype"
{ hdr "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 4), }"; head -c 96 /dev/zero; } > "$tmp/s.npy"
bad shape npy "$tmp/s.npy" "shape"
{ hdr "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }"; head -c 24 /dev/zero; } > "$tmp/s1.npy"
bad shape1 npy "$tmp/s1.npy" "shape"
{ hdr "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 1), }"; head -c 20 /dev/zero; } > "$tmp/t.npy"
bad truncated npy "$tmp/t.npy" "truncated"
head -c 1000 "$SRC" > "$tmp/t2.npy"
bad truncated2 npy "$tmp/t2.npy" "truncated"
head -c 50 "$SRC" > "$tmp/t3.npy"
bad header npy "$tmp/t3.npy" "truncated npy header"
bad notnpy npy "$tmp/w.csv" "bad magic"
printf '1,2,3\n4,x,6\n' > "$tmp/b.csv"
bad csvtext csv "$tmp/b.csv" ":2: not a comma-separated list"
printf '1,2,3\n4,5\n' > "$tmp/r.csv"
bad ragged csv "$tmp/r.csv" ":2: window length differs"
printf '# nothing\n\n' > "$tmp/e.csv"
bad emptycsv csv "$tmp/e.csv" "no windows"
bad missing npy "$tmp/none.npy" "No such file"
echo ok
