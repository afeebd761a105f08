#!/usr/bin/env bash
# Install the trace viewers the export tests drive (speedscope, and playwright-core to drive
# Debian's chromium) from the npm registry into build/viewers (or $1).  Idempotent: does nothing
# when the pinned versions are already there.  Never downloads a browser: playwright-core is
# used with executablePath /usr/bin/chromium (scripts/deps.sh installs chromium).
# Usage: scripts/viewers.sh [DIR]     prints DIR on success; exit 77 when the npm registry
# cannot be reached (the viewer tests then say skipped), 1 on any other failure
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
log=$(mktemp)
if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$dir" --no-audit --no-fund \
  --loglevel=error "speedscope@$speedscope" "playwright-core@$playwright" >"$log" 2>&1; then
  cat "$log" >&2
  # the registry could not be reached (network, proxy, TLS): exit 77, the tests' "skipped"
  if grep -qE 'code (E(NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT|AI_AGAIN|NETUNREACH)|SELF_SIGNED_CERT|UNABLE_TO_(GET|VERIFY)|CERT_)' "$log"; then
    rm -f "$log"; echo "viewers.sh: the npm registry is not reachable from here" >&2; exit 77
  fi
  rm -f "$log"; echo "viewers.sh: npm install $want failed" >&2; exit 1
fi
rm -f "$log"
echo "$want" >"$dir/.installed"
echo "$dir"
