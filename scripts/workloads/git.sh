#!/usr/bin/env bash
# git.sh [N] - VCS-like stand-in: a fresh repository, N commits (default 12) each editing 20 of
# 200 generated files (git add -A, git commit), then git log --stat, git diff between the first
# and last commit, and git gc.  Many small files: stat/open/read/write/rename, child processes.
# Score (WL_SCORE=1): seconds.
. "$(dirname "$0")/common.sh"
size=${wl_size:-12}
wl_need git git
export GIT_CONFIG_NOSYSTEM=1 HOME=$wl_dir GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" \
  GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
r=$wl_dir/repo
mkdir -p "$r"
for i in $(seq 1 200); do
  awk -v i="$i" 'BEGIN { for (l = 0; l < 40; l++) printf "file %d line %d: %d\n", i, l, (i * 7919 + l * 104729) % 100003 }' > "$r/f$i.txt"
done
wl_timer_start
cd "$r"
git init -q .
git -c user.name=wl -c user.email=wl@example.invalid add -A
git -c user.name=wl -c user.email=wl@example.invalid commit -qm init
for c in $(seq 1 "$size"); do
  for j in $(seq 0 19); do
    echo "commit $c edit $j" >> "f$(( (c * 37 + j * 11) % 200 + 1 )).txt"
  done
  git add -A
  git -c user.name=wl -c user.email=wl@example.invalid commit -qm "change $c"
done
git log --stat >/dev/null
git diff HEAD~"$size" HEAD >/dev/null
git gc -q
wl_score_seconds
