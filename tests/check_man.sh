#!/usr/bin/env bash
# Every tool has a man page (man/NAME.1, or man/NAME.8 for daemons), every long option its
# --help prints appears in that page, and `groff -man -ww -z` is silent on every page.
# --version prints "TOOL (tracerec) VERSION" with the one TRACEREC_VERSION of common/cli.h.
# EXIT STATUS: every page lists codes of the one table in common/cli.h (CLI_EXIT_TABLE), each
# entry beginning with the table's label; 0, 1, 2 and every CLI_EX_* code the tool's source
# uses are listed; tracerec(7) lists the whole table.
# Exit 77 (skip) only when groff is missing.
set -u
B=${B:-build}
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
command -v groff >/dev/null || { echo "groff not installed (apt-get install groff-base)"; exit 77; }
fail=0
ntools=0
cli_h=$TOP/user/common/cli.h
version=$(sed -n 's/^#define TRACEREC_VERSION "\(.*\)"$/\1/p' "$cli_h")
[ -n "$version" ] || { echo "FAIL no TRACEREC_VERSION in $cli_h"; fail=1; }
# the exit-code table: "NAME CODE LABEL" lines
table=$(grep -oE 'X\(CLI_EX_[A-Z_]+, *[0-9]+, *"[^"]*"\)' "$cli_h" |
  sed -E 's/X\((CLI_EX_[A-Z_]+), *([0-9]+), *"([^"]*)"\)/\1 \2 \3/')
[ "$(printf '%s\n' "$table" | grep -c .)" -ge 5 ] || { echo "FAIL cannot read CLI_EXIT_TABLE from $cli_h"; fail=1; }
label_of() { printf '%s\n' "$table" | awk -v c="$1" '$2 == c { $1 = ""; $2 = ""; sub(/^ +/, ""); print }'; }
code_of() { printf '%s\n' "$table" | awk -v n="$1" '$1 == n { print $2 }'; }
# "CODE<TAB>first line of its entry" for each ".TP / .B CODE" entry of a page's EXIT STATUS
exit_entries() {
  awk '/^\.SH / { on = ($0 ~ /^\.SH "?EXIT STATUS"?$/) ; next }
       on && /^\.TP/ { tp = 1; next }
       on && tp && /^\.B [0-9]+$/ { code = $2; tp = 0; want = 1; next }
       on && want { printf "%s\t%s\n", code, $0; want = 0; next }
       { tp = 0 }' "$1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}
# check_exit PAGE CODES...: the page's EXIT STATUS entries match the table, CODES are listed
check_exit() {
  local page=$1 name entries code first label bad=; shift
  name=$(basename "$page")
  entries=$(exit_entries "$page")
  [ -n "$entries" ] || { echo "FAIL $name: no EXIT STATUS entries (.TP/.B CODE)"; fail=1; return; }
  while IFS=$'\t' read -r code first; do
    label=$(label_of "$code")
    if [ -z "$label" ]; then bad="$bad; code $code is not in the table"
    elif [ "${first#"$label"}" = "$first" ]; then bad="$bad; $code does not begin with '$label' (got '$first')"; fi
  done <<<"$entries"
  for code in "$@"; do
    printf '%s\n' "$entries" | cut -f1 | grep -qx "$code" || bad="$bad; code $code ($(label_of "$code")) missing"
  done
  if [ -n "$bad" ]; then echo "FAIL $name EXIT STATUS${bad}"; fail=1
  else echo "ok   $name: EXIT STATUS lists $(printf '%s\n' "$entries" | cut -f1 | tr '\n' ' ')from the table"; fi
}
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
  # --version: listed in --help, prints the one version, exits 0
  ver=$("$bin" --version 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ "$(printf '%s\n' "$ver" | head -n 1)" != "$tool (tracerec) $version" ] ||
     ! printf '%s\n' "$opts" | grep -qx -- --version; then
    echo "FAIL $tool: --version exited $rc, printed '$(printf '%s' "$ver" | head -n 1)', want '$tool (tracerec) $version' (and --version in --help)"; fail=1
  else
    echo "ok   $tool: --version prints '$tool (tracerec) $version'"
  fi
  # EXIT STATUS: 0, 1, 2 and the codes the tool's source uses, labelled as in the table
  codes="0 1 2"
  src=$TOP/tools/$tool.c
  [ -f "$src" ] || { echo "FAIL $tool: no source $src"; fail=1; }
  for n in $(grep -oE 'CLI_EX_[A-Z_]+' "$src" 2>/dev/null | sort -u); do
    c=$(code_of "$n")
    [ -n "$c" ] || { echo "FAIL $tool: $n is not in CLI_EXIT_TABLE"; fail=1; continue; }
    codes="$codes $c"
  done
  check_exit "$page" $(printf '%s\n' $codes | sort -nu)
  grep -q 'tracerec (7)' "$page" || { echo "FAIL $(basename "$page"): does not refer to tracerec(7)"; fail=1; }
done
# tracerec(7): the workflow page lists the whole table
if [ -f "$TOP/man/tracerec.7" ]; then
  check_exit "$TOP/man/tracerec.7" $(printf '%s\n' "$table" | awk '{ print $2 }')
else
  echo "FAIL no man/tracerec.7"; fail=1
fi
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
