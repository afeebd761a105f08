#!/usr/bin/env bash
# Bash completion (completion/tracerec.bash): every long option of every tool's --help is
# offered, option values (formats, methods, pids) and operands complete, tracerecd -- completes
# commands; `make install` installs the file under each tool's name where bash-completion looks.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BB=$(cd "$B" && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail=0
check() { # NAME STATUS(0 = ok) DETAIL
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi
}
export PATH=$BB:$PATH
. "$TOP/completion/tracerec.bash"
# complete WORD...: COMPREPLY for the last word, one per line
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _tracerec
  printf '%s\n' "${COMPREPLY[@]}"
}
# has WANT WORD...: WANT is among the completions
has() {
  local want=$1; shift
  complete_words "$@" | grep -qxF -- "$want"
  check "'$*' completes to '$want'" $? "got: $(complete_words "$@" | head -8 | tr '\n' ' ')"
}

# every long option of every tool
for t in tracerecd tracerec-dump tracerec-fill tracerec-train tracerec-eval tracerec-import; do
  opts=$("$t" --help | grep -oE -- '--[a-zA-Z0-9][a-zA-Z0-9-]*' | sort -u)
  got=$(complete_words "$t" -- | sed 's/=$//' | sort -u)
  missing=$(comm -23 <(printf '%s\n' "$opts") <(printf '%s\n' "$got") | tr '\n' ' ')
  [ -z "$missing" ] && [ -n "$opts" ]
  check "$t: all $(echo "$opts" | wc -l) long options offered" $? "missing: $missing"
done
has --buffer-size= tracerecd --buf
has --format= tracerec-dump --for
has csv tracerec-dump --format c
has jsonl tracerec-dump -f j
has csv tracerec-dump --format = cs       # '=' splits words under COMP_WORDBREAKS
has jsonl tracerec-dump --format=js
has hybrid tracerec-fill in.trz -o out.trz --method h
has hybrid tracerec-fill -M hy
has ngram tracerec-train -m ng
has center tracerec-eval --position ce
has x0ce tracerec-train --objective x
has lttng tracerec-import l
has "$$" tracerecd --pid "$$"
has bash tracerecd -o x.trz -- bas
# files: operands and file-valued options
touch "$d/trace.trz" "$d/model.ngram"
has "$d/trace.trz" tracerec-dump "$d/tr"
has "$d/model.ngram" tracerec-fill "$d/trace.trz" -o x --model "$d/mo"
has "$d/trace.trz" tracerec-import npy "$d/tr"
# a flag is not followed by a value: what comes after it is an operand
has "$d/trace.trz" tracerec-dump --stats "$d/tr"
! complete_words tracerec-dump --stats "$d/tr" | grep -q '^text$'
check "no format names after a flag" $? ""

# make install puts it where bash-completion finds it, one name per tool
( cd "$TOP" && make -s install SAN="${SAN:-0}" DESTDIR="$d/root" prefix=/usr >"$d/install.log" 2>&1 )
check "make install" $? "$(tail -5 "$d/install.log")"
for t in tracerecd tracerec-dump tracerec-fill tracerec-train tracerec-eval tracerec-import; do
  f=$d/root/usr/share/bash-completion/completions/$t
  [ -f "$f" ] && cmp -s "$f" "$TOP/completion/tracerec.bash"
  check "installed completion for $t" $? "$(ls "$d/root/usr/share/bash-completion/completions" 2>&1)"
done
[ -f "$d/root/usr/share/man/man7/tracerec.7" ]
check "installed tracerec(7)" $? "$(find "$d/root/usr/share/man" -type f)"
exit $fail
