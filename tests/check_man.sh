#!/usr/bin/env bash
# Every tool has a man page (man/NAME.1, or man/NAME.8 for daemons), every long option its
# --help prints appears in that page, and `groff -man -ww -z` is silent on every page.
# Exit 77 (skip) only when groff is missing.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
command -v groff >/dev/null || { echo "groff not installed (apt-get install groff-base)"; exit 77; }
fail=0
ntools=0
for bin in "$B"/tracerec*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  tool=$(basename "$bin")
  ntools=$((ntools + 1))
  page=
  for s in 1 8; do [ -f "$TOP/man/$tool.$s" ] && page="$TOP/man/$tool.$s"; done
  if [ -z "$page" ]; then
    echo "FAIL $tool: no man page man/$tool.1 or man/$tool.8"; fail=1; continue
  fi
  help=$("$bin" --help 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ -z "$help" ]; then
    echo "FAIL $tool: --help exited $rc or printed nothing"; fail=1; continue
  fi
  # the page's text with roff escapes for hyphens and fonts removed
  text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/-/g' "$page")
  opts=$(printf '%s\n' "$help" | grep -oE -- '--[a-zA-Z0-9][a-zA-Z0-9-]*' | sort -u)
  [ -n "$opts" ] || { echo "FAIL $tool: --help lists no long option"; fail=1; continue; }
  missing=
  for o in $opts; do
    printf '%s\n' "$text" | grep -qE -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|\$)" || missing="$missing $o"
  done
  if [ -n "$missing" ]; then
    echo "FAIL $tool: options in --help but not in $(basename "$page"):$missing"; fail=1
  else
    echo "ok   $tool: $(echo $opts | wc -w) long options documented in $(basename "$page")"
  fi
done
for page in "$TOP"/man/*.[1-8]; do
  [ -f "$page" ] || continue
  out=$(groff -man -ww -z "$page" 2>&1)
  if [ -n "$out" ]; then
    echo "FAIL groff -man -ww -z $(basename "$page"):"; printf '%s\n' "$out" | sed 's/^/  | /'; fail=1
  else
    echo "ok   $(basename "$page"): groff silent"
  fi
done
[ $ntools -gt 0 ] || { echo "FAIL no tools found in $B"; fail=1; }
exit $fail
