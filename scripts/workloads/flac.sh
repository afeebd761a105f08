#!/usr/bin/env bash
# flac.sh [SECONDS] - stand-in for pts/encode-flac: encode SECONDS seconds of deterministic
# 44.1 kHz stereo audio with flac -5, then decode it (default 20).  Falls back to lame
# (pts/encode-mp3) when flac cannot be installed, and fails when neither can.
. "$(dirname "$0")/common.sh"
size=${wl_size:-20}
wl_wav "$wl_dir/in.wav" "$size"
if command -v flac >/dev/null 2>&1 || { wl_need flac flac 2>/dev/null; }; then
  flac -s -5 -f -o "$wl_dir/out.flac" "$wl_dir/in.wav"
  flac -s -d -f -o "$wl_dir/back.wav" "$wl_dir/out.flac"
else
  wl_need lame lame
  lame --quiet -b 192 "$wl_dir/in.wav" "$wl_dir/out.mp3"
fi
