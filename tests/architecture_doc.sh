#!/usr/bin/env bash
# docs/architecture.md stays true: every file path it names exists, and the README links it.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
doc=$TOP/docs/architecture.md
fail=0 n=0
[ -f "$doc" ] || { echo "FAIL no docs/architecture.md"; exit 1; }
for p in $(grep -oE '`(bpf|user|model|tools|man|scripts|tests)/[A-Za-z0-9_./*-]+`' "$doc" | tr -d '`' | sort -u); do
  n=$((n + 1))
  case $p in
    */) [ -d "$TOP/$p" ] ;;
    *'*'*) compgen -G "$TOP/$p" >/dev/null ;;
    *) [ -e "$TOP/$p" ] ;;
  esac || { echo "FAIL docs/architecture.md names $p, which does not exist"; fail=1; }
done
[ $n -ge 30 ] || { echo "FAIL only $n paths found in docs/architecture.md"; fail=1; }
grep -q 'docs/architecture.md' "$TOP/README.md" || { echo "FAIL README.md does not link docs/architecture.md"; fail=1; }
[ $fail -eq 0 ] && echo "docs/architecture.md: $n paths, all present"
exit $fail
