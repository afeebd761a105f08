# common.sh - helpers sourced by the stand-in workloads (scripts/workloads/*.sh).
#
# Each workload is a small stand-in for one of the paper's Phoronix Test Suite benchmarks, built
# from Debian packages, with a deterministic size knob: `NAME.sh [SIZE]` (or env WL_SIZE).  SIZE is
# in the unit the script states (MiB of input, iterations, ...); the same SIZE gives the same
# input bytes and the same syscall pattern modulo the kernel's scheduling.  Inputs are generated
# under WL_DIR (default: a fresh temporary directory, removed at exit).
set -eu
wl_name=$(basename "$0" .sh)
wl_size=${1:-${WL_SIZE:-}}
if [ -n "${WL_DIR:-}" ]; then
  mkdir -p "$WL_DIR"; wl_dir=$WL_DIR
else
  wl_dir=$(mktemp -d "/tmp/tracerec-wl-$wl_name.XXXXXX")
  trap 'rm -rf "$wl_dir"' EXIT
fi

wl_here=$(cd "$(dirname "$0")" && pwd)

wl_die() { echo "$wl_name: $*" >&2; exit 1; }

# wl_need CMD PKG: make sure CMD exists, installing Debian package PKG with apt-get when root.
wl_need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "$wl_name: installing $2 (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1; } ||
      true
  fi
  command -v "$1" >/dev/null 2>&1 || wl_die "needs $1 (Debian package $2): sudo apt-get install $2"
}

# The system's python3 (a user's pyenv or venv shims would add their own syscalls).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# wl_input FILE KEY FUNC [ARGS...]: make input FILE with `FUNC FILE ARGS...`.  With WL_CACHE set
# (the PTS profiles set it to their install folder), the input is made once as $WL_CACHE/KEY and
# FILE becomes a symbolic link to it, so that trials re-use it and their traces hold only the
# benchmark's own work.
wl_input() {
  local file=$1 key=$2 fn=$3
  shift 3
  if [ -z "${WL_CACHE:-}" ]; then "$fn" "$file" "$@"; return; fi
  mkdir -p "$WL_CACHE"
  if [ ! -f "$WL_CACHE/$key" ]; then
    "$fn" "$WL_CACHE/$key.tmp.$$" "$@" && mv "$WL_CACHE/$key.tmp.$$" "$WL_CACHE/$key" ||
      { rm -f "$WL_CACHE/$key.tmp.$$"; wl_die "cannot make input $key"; }
  fi
  ln -sf "$WL_CACHE/$key" "$file"
}

# wl_text FILE MIB: deterministic, compressible text-like data (log lines from a fixed LCG).
wl_text() { wl_input "$1" "text-$2MiB.txt" wl_text_make "$2"; }
wl_text_make() {
  awk -v mib="$2" 'BEGIN {
    srand(1); x = 12345; n = mib * 1048576; out = 0;
    split("GET POST PUT DELETE HEAD", m, " ");
    split("index.html api/v1/items static/app.js img/logo.png login search", p, " ");
    while (out < n) {
      x = (x * 1103515245 + 12345) % 2147483648;
      line = sprintf("10.0.%d.%d - - [23/Nov/2026:%02d:%02d:%02d] \"%s /%s?id=%d\" %d %d\n",
        x % 256, int(x / 256) % 256, int(x / 65536) % 24, int(x / 7) % 60, int(x / 11) % 60,
        m[x % 5 + 1], p[int(x / 3) % 6 + 1], x % 100000, (x % 7 ? 200 : 404), x % 50000);
      printf "%s", line; out += length(line);
    }
  }' > "$1"
}

# wl_wav FILE SECONDS: deterministic 16-bit stereo 44.1 kHz WAV (sine chords plus an LCG hiss).
wl_wav() { wl_input "$1" "audio-$2s.wav" wl_wav_make "$2"; }
wl_wav_make() {
  "$PY" - "$1" "$2" <<'PY'
import math, struct, sys, wave
path, secs = sys.argv[1], float(sys.argv[2])
rate = 44100; n = int(rate * secs); x = 1
w = wave.open(path, "wb"); w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
buf = bytearray()
for i in range(n):
    x = (x * 1103515245 + 12345) & 0x7fffffff
    t = i / rate
    l = 0.3 * math.sin(2 * math.pi * 440 * t) + 0.2 * math.sin(2 * math.pi * 554.37 * t)
    r = 0.3 * math.sin(2 * math.pi * 659.25 * t) + 0.02 * ((x >> 8) / 8388608.0 - 1)
    buf += struct.pack("<hh", int(l * 32767), int(r * 32767))
    if len(buf) >= 1 << 20:
        w.writeframes(bytes(buf)); buf = bytearray()
w.writeframes(bytes(buf)); w.close()
PY
}

# Scores.  With WL_SCORE=1 a workload prints the benchmark's own measure of its timed part as one
# line "tracerec-score: VALUE UNIT" on standard output (the Phoronix Test Suite profiles under
# pts/local/ parse it); without, it prints nothing.  The timer is bash's $EPOCHREALTIME: no extra
# process in a trace.  wl_timer_start marks the start (after the input is generated); with
# WL_PREPARE=1 the workload stops there (the PTS install makes the inputs that way).
wl_timer_start() {
  [ "${WL_PREPARE:-0}" = 1 ] && exit 0
  wl_t0=$EPOCHREALTIME
}
# wl_score_seconds: seconds since wl_timer_start (lower is better).
wl_score_seconds() {
  [ "${WL_SCORE:-0}" = 1 ] || return 0
  awk -v a="$wl_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "tracerec-score: %.3f s\n", b - a }'
}
# wl_score_rate MIB: MiB moved per second since wl_timer_start (higher is better).
wl_score_rate() {
  [ "${WL_SCORE:-0}" = 1 ] || return 0
  awk -v a="$wl_t0" -v b="$EPOCHREALTIME" -v m="$1" \
    'BEGIN { d = b - a; if (d <= 0) d = 1e-6; printf "tracerec-score: %.1f MB/s\n", m * 1.048576 / d }'
}

# wl_cc NAME: path of the C kernel NAME.c (beside the workloads) built with gcc -O2: bin/NAME when
# it is already built there (the PTS install does that), else built now into the work folder.
wl_cc() {
  local src=$wl_here/$1.c bin=$wl_here/bin/$1
  if [ -x "$bin" ] && [ "$bin" -nt "$src" ]; then wl_kernel=$bin; return 0; fi
  wl_need gcc gcc
  gcc -O2 -Wall -o "$wl_dir/$1" "$src" -lm || wl_die "cannot build $src"
  wl_kernel=$wl_dir/$1
}
