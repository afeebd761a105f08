#!/usr/bin/env bash
# Install the trace viewers the export tests drive (speedscope, and playwright-core to drive
# Debian's chromium) from the npm registry into build/viewers (or $1).  Idempotent: does nothing
# when the pinned versions are already there.  Never downloads a browser: playwright-core is
# used with executablePath /usr/bin/chromium (scripts/deps.sh installs chromium).
# Usage: scripts/viewers.sh [DIR]     prints DIR on success
set -eu
dir=${1:-${B:-build}/viewers}
speedscope=1.25.0
playwright=1.49.1 # engines node >=18: runs on Debian 12's Node.js 18 (1.64 needs node >=20)
want="speedscope@$speedscope playwright-core@$playwright"
if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then
  echo "$dir"; exit 0
fi
command -v npm >/dev/null || { echo "viewers.sh: npm not found (Node.js is needed for the viewer tests)" >&2; exit 1; }
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"tracerec-viewers","private":true}' >"$dir/package.json"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$dir" --no-audit --no-fund \
  --loglevel=error "speedscope@$speedscope" "playwright-core@$playwright" >&2 ||
  { echo "viewers.sh: npm install $want failed" >&2; exit 1; }
echo "$want" >"$dir/.installed"
echo "$dir"
