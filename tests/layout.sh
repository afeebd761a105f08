#!/usr/bin/env bash
# The layout's dependency directions hold (scripts/check_layout.py: includes between areas,
# model internals, include cycles, include guards, calls between object files), and the check
# catches each kind of violation when one is planted in a copy of the tree.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
CHECK="python3 $TOP/scripts/check_layout.py"
fail=0
out=$($CHECK "$TOP" --objects "$TOP/$B" 2>&1) || { echo "FAIL layout of the tree:"; echo "$out"; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# plant: the copy's file, the line added to it, the words the check must print
plant() {
  rm -rf "$tmp/t" && mkdir -p "$tmp/t"
  (cd "$TOP" && cp -r --parents user model tools bpf "$tmp/t/")
  printf '%s\n' "$2" >>"$tmp/t/$1"
  got=$($CHECK "$tmp/t" 2>&1)
  if [ $? -eq 0 ] || ! grep -q -- "$3" <<<"$got"; then
    echo "FAIL check_layout.py missed: $1 + '$2' (want '$3', got: $got)"; fail=1
  fi
}
plant user/collect/recorder.c '#include "fill/fill.h"' 'collect may not include fill'
plant user/trz/trz_buf.c '#include "dump/dump.h"' 'trz may not include dump'
plant user/common/npy.c '#include "trz/trz.h"' 'common may not include trz'
plant model/ngram/ngram.c '#include "trz/trz.h"' 'model/ngram may not include trz'
plant model/nn/act.c '#include "sssd/sssd.h"' 'model/nn may not include model/sssd'
# model/ may include common/err.h (SHARED_BASE), nothing else of user/
plant model/sssd/ckpt.c '#include "common/npy.h"' 'model/sssd may not include common'
plant user/fill/fill.c '#include "sssd/sssd_net.h"' 'model internals are not for user/'
plant user/dump/dump_fmt.c '#include "nosuch/thing.h"' 'names no file of the tree'
plant user/trz/trz_format.h '#include "trz/trz_codec.h"' 'include cycle'
# an area cycle (eval -> fill is allowed; fill -> eval closes the circle)
plant user/fill/fill_model.c '#include "eval/trace_eval.h"' 'fill may not include eval'

# object-level cycle: two objects that call each other
mkdir -p "$tmp/o/user/x" "$tmp/o/build/user/x"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$tmp/o/user/x/a.c"
printf 'int a(void);\nint b(void) { return a() + 1; }\n' >"$tmp/o/user/x/b.c"
for f in a b; do cc -c "$tmp/o/user/x/$f.c" -o "$tmp/o/build/user/x/$f.o" || fail=1; done
got=$($CHECK "$tmp/o" --objects "$tmp/o/build" 2>&1)
if [ $? -eq 0 ] || ! grep -q "call each other in a circle" <<<"$got"; then
  echo "FAIL check_layout.py missed a call cycle between objects: $got"; fail=1
fi
[ $fail -eq 0 ] && echo "layout holds; every planted violation was caught"
exit $fail
