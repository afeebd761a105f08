#!/usr/bin/env bash
# Every tool that writes follows the same output rules (user/common/outfile.h, the man pages'
# -o/--force entries): tracerec-fill, tracerec-import (npy, csv), tracerec-train (ngram, sssd),
# tracerec-dump -o and --export (FILE and FILE.vocab).  For each:
#  - a fresh output is created mode 0600;
#  - an existing output is refused without --force and left untouched;
#  - --force over a symbolic link replaces the link, never its target, and leaves no temporary;
#  - a FIFO or a directory is refused even with --force (and stays what it was);
#  - under sudo (root with SUDO_UID/SUDO_GID of nobody) the file belongs to nobody, 0600, and
#    cannot be created in a directory nobody cannot write (nothing is left there).
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
B=$(realpath "$B")
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (sudo conditions are simulated as root)"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "skip: no user nobody"; exit 77; }
for t in tracerec-fill tracerec-import tracerec-train tracerec-dump tests/tools/trzgen; do
  [ -x "$B/$t" ] || { echo "FAIL: $B/$t not built"; exit 1; }
done
d=$(mktemp -d)
chmod 755 "$d"
trap 'rm -rf "$d"' EXIT
nob=$(id -u nobody) nog=$(id -g nobody)
ud="$d/user" rd="$d/rootonly"
mkdir "$ud" "$rd" && chown "$nob:$nog" "$ud" && chmod 700 "$ud" && chmod 755 "$rd"
fp() { stat -c '%u:%g:%a:%s:%Y' "$1"; }

# Inputs (made with the project's own tools)
in="$d/in" && mkdir "$in" && chmod 755 "$in"
"$B/tests/tools/trzgen" "$in/a.trz" 3000 >/dev/null || { echo "FAIL trzgen"; exit 1; }
"$B/tracerec-dump" --export npy -w 20 -o "$in/w.npy" "$in/a.trz" 2>/dev/null || { echo "FAIL export"; exit 1; }
printf '1,2,3,4\n5,6,7,8\n' >"$in/w.csv"
chmod 644 "$in"/*

# name: the command with OUT where the output goes
declare -A cmd=(
  [fill]="$B/tracerec-fill -q $in/a.trz -o OUT"
  [import-npy]="$B/tracerec-import npy $in/w.npy -q -o OUT"
  [import-csv]="$B/tracerec-import csv $in/w.csv -q -o OUT"
  [train-ngram]="$B/tracerec-train -q -m ngram --npy $in/w.npy -o OUT"
  [train-sssd]="$B/tracerec-train -q --npy $in/w.npy --window 20 --iters 2 --batch 2 --blocks 1 --channels 4 --state 4 --diffusion-steps 5 --eval-every 0 --threads 1 -o OUT"
  [dump]="$B/tracerec-dump -o OUT $in/a.trz"
  [dump-export]="$B/tracerec-dump --export npy -w 20 -o OUT $in/a.trz"
)
run() { # NAME OUT [EXTRA...]  (stdout/stderr to $d/err)
  local c=${cmd[$1]//OUT/$2}
  shift 2
  $c "$@" >"$d/out" 2>"$d/err"
}
as_nobody() { SUDO_UID=$nob SUDO_GID=$nog SUDO_USER=nobody "$@"; }

for name in fill import-npy import-csv train-ngram train-sssd dump dump-export; do
  w="$d/$name" && mkdir "$w"
  # fresh
  run "$name" "$w/new"
  rc=$?
  [ $rc = 0 ] && [ "$(stat -c %a "$w/new")" = 600 ]
  check "$name: fresh output 0600" $? "exit $rc $(cat "$d/err") $(ls -l "$w")"
  if [ "$name" = dump-export ]; then
    [ "$(stat -c %a "$w/new.vocab" 2>/dev/null)" = 600 ]
    check "$name: FILE.vocab 0600" $? "$(ls -l "$w")"
  fi
  # existing output refused, untouched
  echo keep >"$w/old" && chmod 640 "$w/old"
  before=$(fp "$w/old")
  run "$name" "$w/old"
  rc=$?
  [ $rc != 0 ] && grep -q "already exists (--force replaces it)" "$d/err" &&
    [ "$(fp "$w/old")" = "$before" ] && [ "$(cat "$w/old")" = keep ]
  check "$name: existing output refused, untouched" $? "exit $rc $(cat "$d/err")"
  # a symbolic link: refused without --force; --force replaces the link, not its target
  echo secret >"$w/target" && chmod 640 "$w/target"
  tbefore=$(fp "$w/target")
  ln -s "$w/target" "$w/link"
  run "$name" "$w/link"
  rc=$?
  [ $rc != 0 ] && [ -L "$w/link" ] && [ "$(fp "$w/target")" = "$tbefore" ]
  check "$name: symlink refused without --force" $? "exit $rc $(cat "$d/err")"
  run "$name" "$w/link" --force
  rc=$?
  [ $rc = 0 ] && [ ! -L "$w/link" ] && [ -f "$w/link" ] && [ "$(stat -c %a "$w/link")" = 600 ] &&
    [ "$(fp "$w/target")" = "$tbefore" ] && [ "$(cat "$w/target")" = secret ]
  check "$name: --force replaces the link, not its target" $? "exit $rc $(cat "$d/err") $(ls -l "$w")"
  [ -z "$(find "$w" -name '*.??????')" ]
  check "$name: no temporary left" $? "$(ls "$w")"
  # --force over an existing regular file
  echo old >"$w/regular"
  run "$name" "$w/regular" --force
  rc=$?
  [ $rc = 0 ] && [ "$(cat "$w/regular" 2>/dev/null | head -c 3)" != old ] && [ "$(stat -c %a "$w/regular")" = 600 ]
  check "$name: --force replaces a regular file" $? "exit $rc $(cat "$d/err")"
  # FIFO and directory refused even with --force
  mkfifo "$w/fifo" && mkdir "$w/dir"
  for t in "$w/fifo" "$w/dir"; do
    run "$name" "$t" --force
    rc=$?
    [ $rc != 0 ] && grep -q "not a regular file" "$d/err"
    check "$name: --force -o $(basename "$t") refused" $? "exit $rc $(cat "$d/err")"
  done
  [ -p "$w/fifo" ] && [ -d "$w/dir" ] && [ -z "$(ls -A "$w/dir")" ]
  check "$name: FIFO and directory unchanged" $? "$(ls -l "$w")"
  # under sudo: the invoking user's file, and only where they may create one
  as_nobody run "$name" "$ud/$name"
  rc=$?
  [ $rc = 0 ] && [ "$(stat -c '%u:%g:%a' "$ud/$name")" = "$nob:$nog:600" ]
  check "$name: under sudo the output is nobody's, 0600" $? "exit $rc $(cat "$d/err") $(ls -ln "$ud")"
  as_nobody run "$name" "$rd/$name"
  rc=$?
  [ $rc != 0 ] && [ -z "$(ls -A "$rd")" ] && grep -q "Permission denied" "$d/err"
  check "$name: under sudo no output where nobody may not write" $? "exit $rc $(cat "$d/err") $(ls -A "$rd")"
  as_nobody run "$name" "$rd/$name" --force
  rc=$?
  [ $rc != 0 ] && [ -z "$(ls -A "$rd")" ]
  check "$name: ... nor with --force" $? "exit $rc $(ls -A "$rd")"
done

# dump --export: an existing FILE.vocab refuses the export and leaves no FILE behind
w="$d/vocab" && mkdir "$w" && echo keep >"$w/x.npy.vocab"
run dump-export "$w/x.npy"
rc=$?
[ $rc != 0 ] && [ ! -e "$w/x.npy" ] && [ "$(cat "$w/x.npy.vocab")" = keep ]
check "dump --export: existing FILE.vocab refused, no FILE left" $? "exit $rc $(cat "$d/err") $(ls "$w")"
# dump -o -: standard output
"$B/tracerec-dump" -o - "$in/a.trz" | head -n 1 | grep -q '^# '
check "dump -o - writes to standard output" $? ""
# a failed run removes only what it created: import of a bad csv
echo "1,x" >"$d/bad.csv"
"$B/tracerec-import" csv "$d/bad.csv" -o "$d/bad.trz" 2>/dev/null
[ ! -e "$d/bad.trz" ]
check "failed import leaves no output" $? "$(ls "$d")"
exit $fail
