#!/usr/bin/env bash
# The pictures of docs/ for the viewer exports (README "Open a trace in a viewer"): `make -j2` of a
# small generated C project recorded by tracerecd with a 16 KiB ring per CPU (so events are lost),
# repaired by tracerec-fill, exported, and shown in headless chromium:
#   docs/export-speedscope.png  the chrome-json export in speedscope, on the thread that lost most
#   docs/export-svg.png         the --svg picture as a browser renders it
#   docs/export-make.svg        the picture itself
# Needs root (real eBPF), chromium and npm (scripts/deps.sh, scripts/viewers.sh).
# Usage: sudo scripts/export-screenshots.sh     (B=build by default)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
cd "$TOP"
[ "$(id -u)" -eq 0 ] || { echo "export-screenshots.sh: needs root (tracerecd)" >&2; exit 1; }
viewers=$(B=$B scripts/viewers.sh)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir "$d/proj"
for i in $(seq 1 16); do
  printf '#include <stdio.h>\n#include <string.h>\nint f%d(int x) { char b[64]; snprintf(b, sizeof b, "%%d", x * %d); return (int)strlen(b) + x; }\n' "$i" "$i" >"$d/proj/u$i.c"
done
{ echo '#include <stdio.h>'; for i in $(seq 1 16); do echo "int f$i(int);"; done
  echo 'int main(void) { int s = 0;'; for i in $(seq 1 16); do echo "s += f$i($i);"; done
  echo 'printf("%d\n", s); return 0; }'; } >"$d/proj/main.c"
{ printf 'OBJS ='; for i in $(seq 1 16); do printf ' u%d.o' "$i"; done; printf ' main.o\n'
  printf 'prog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %%.c\n\t$(CC) -O1 -c $< -o $@\n'; } >"$d/proj/Makefile"
(cd "$d/proj" && "$TOP/$B/tracerecd" -q -b 16384 -o "$d/make.trz" -- make -s -j2)
"$B/tracerec-fill" -q "$d/make.trz" -o "$d/make-filled.trz"
"$B/tracerec-dump" -q --export chrome-json -o "$d/make.json" "$d/make-filled.trz"
"$B/tracerec-dump" -q --svg "$d/make.svg" "$d/make-filled.trz"
# the thread that lost most events
tid=$(python3 -c '
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
lost = {}
for e in ev:
    if e["ph"] == "B" and e.get("cat") == "lost":
        lost[e["tid"]] = lost.get(e["tid"], 0) + e["args"]["lost"]
print(max(lost, key=lost.get) if lost else "")' "$d/make.json")
node tests/viewers/view.mjs speedscope "$viewers" "$d/make.json" docs/export-speedscope.png "tid $tid\\)" >/dev/null
node tests/viewers/view.mjs svg "$viewers" "$d/make.svg" docs/export-svg.png >/dev/null
cp "$d/make.svg" docs/export-make.svg
chmod 0644 docs/export-speedscope.png docs/export-svg.png docs/export-make.svg
"$B/tracerec-dump" --stats "$d/make-filled.trz" | sed -n '1,8p'
echo "wrote docs/export-speedscope.png (thread $tid), docs/export-svg.png, docs/export-make.svg"
