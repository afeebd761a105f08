#!/usr/bin/env bash
# mp3.sh [SECONDS] - stand-in for pts/encode-mp3 (and the paper's ffmpeg encoding): lame -b 192
# of SECONDS seconds of deterministic 44.1 kHz stereo audio (default 20).
. "$(dirname "$0")/common.sh"
size=${wl_size:-20}
wl_need lame lame
wl_wav "$wl_dir/in.wav" "$size"
lame --quiet -b 192 "$wl_dir/in.wav" "$wl_dir/out.mp3"
