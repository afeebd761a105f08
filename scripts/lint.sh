#!/usr/bin/env bash
# make lint: clang-tidy (the checks in .clang-tidy) and cppcheck over user/, model/ and tools/.
# Prints every finding and exits 1 when there is any, 0 when the tree is clean.
#   B=build scripts/lint.sh [FILE.c ...]     (default: every .c file of the three folders)
# Needs the generated skeleton ($(B)/collector.skel.h: `make lint` builds it first).  A finding
# that is wrong is silenced where it stands, with its reason: NOLINT(check): why for clang-tidy,
# `// cppcheck-suppress id` above the line for cppcheck -- never wholesale.  Findings inside
# generated code ($(B)/) are not ours and are not counted.
set -u
B=${B:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
for t in clang-tidy cppcheck; do
  command -v $t >/dev/null || { echo "lint: $t is not installed (scripts/deps.sh)" >&2; exit 1; }
done
[ -f "$B/collector.skel.h" ] || { echo "lint: $B/collector.skel.h missing (make first)" >&2; exit 1; }
if [ $# -gt 0 ]; then files=("$@"); else
  mapfile -t files < <(find user model tools -name '*.c' | sort)
fi
jobs=$(nproc 2>/dev/null || echo 2)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export LINT_CFLAGS="-std=gnu11 -I$B -Iuser -Imodel -Ibpf $(pkg-config --cflags libbpf babeltrace2 openblas zlib 2>/dev/null)"
export LINT_OUT=$out
# clang-tidy: one file a job
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$jobs" sh -c \
  'clang-tidy --quiet "$1" -- $LINT_CFLAGS >"$LINT_OUT/tidy.$(echo "$1" | tr / _)" 2>&1; exit 0' sh
# a finding: "FILE:LINE:COL: warning|error: ... [check]" with FILE ours (not generated), and
# the lines that show it
awk -v b="$B/" '
  /: (warning|error): / { f = $0; sub(/:.*/, "", f); sub("^" ENVIRON["PWD"] "/", "", f);
                          show = (index(f, b) != 1); if (show) n++ }
  show { print }
  END { exit n > 0 }' "$out"/tidy.* >"$out/tidy.txt"
tidy_rc=$?
cat "$out/tidy.txt"
# cppcheck: every file at once
cppcheck -q --enable=warning,portability,performance --std=c11 --inline-suppr \
  --error-exitcode=1 -j "$jobs" -D__x86_64__ -I user -I model -I bpf \
  --suppress=missingIncludeSystem "${files[@]}"
cpp_rc=$?
if [ $tidy_rc -eq 0 ] && [ $cpp_rc -eq 0 ]; then
  echo "lint: clean (${#files[@]} files; clang-tidy $(clang-tidy --version | sed -n 's/.*version \([0-9.]*\).*/\1/p'), cppcheck $(cppcheck --version | cut -d' ' -f2))"
  exit 0
fi
echo "lint: findings above (clang-tidy: $([ $tidy_rc -eq 0 ] && echo none || echo yes), cppcheck: $([ $cpp_rc -eq 0 ] && echo none || echo yes))"
exit 1
