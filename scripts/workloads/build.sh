#!/usr/bin/env bash
# build.sh [N] - stand-in for pts/build-* (timed compilation): compile N generated C files
# (default 24) with gcc -O1 through make -j2, then link them.
. "$(dirname "$0")/common.sh"
size=${wl_size:-24}
wl_need gcc gcc
wl_need make make
for i in $(seq 1 "$size"); do
  printf '#include <stdio.h>\n#include <string.h>\nint f%d(int x) { char b[64]; snprintf(b, sizeof b, "%%d", x * %d); return (int)strlen(b); }\n' "$i" "$i" > "$wl_dir/f$i.c"
done
{ echo 'int main(void) { int s = 0;'
  for i in $(seq 1 "$size"); do echo "  { extern int f$i(int); s += f$i($i); }"; done
  echo '  return s < 0; }'; } > "$wl_dir/main.c"
objs=$(for i in $(seq 1 "$size"); do printf 'f%d.o ' "$i"; done)
printf 'prog: main.o %s\n\tgcc -o $@ $^\n%%.o: %%.c\n\tgcc -O1 -c $< -o $@\n' "$objs" > "$wl_dir/Makefile"
make -s -j2 -C "$wl_dir" prog
"$wl_dir/prog"
