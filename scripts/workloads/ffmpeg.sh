#!/usr/bin/env bash
# ffmpeg.sh [SECONDS] - stand-in for pts/ffmpeg: Debian's ffmpeg (installed with apt-get when
# root) encodes a generated clip of SECONDS seconds (default 4; 640x360 at 25 fps, ffmpeg's
# testsrc pattern with a 440 Hz tone, made first as raw YUV and PCM) to H.264 (libx264, preset
# veryfast, one thread) and AAC in an MP4 file.  Score (WL_SCORE=1): seconds.
. "$(dirname "$0")/common.sh"
size=${wl_size:-4}
wl_need ffmpeg ffmpeg
make_clip() {
  ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc=size=640x360:rate=25:duration=$2" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$2" \
    -map 0:v -c:v rawvideo -pix_fmt yuv420p -map 1:a -c:a pcm_s16le -f nut -y "$1"
}
wl_input "$wl_dir/clip.nut" "clip-$size.nut" make_clip "$size"
wl_timer_start
ffmpeg -nostdin -loglevel error -threads 1 -i "$wl_dir/clip.nut" -c:v libx264 -preset veryfast \
  -threads 1 -c:a aac -b:a 128k -f mp4 -y "$wl_dir/out.mp4"
[ -s "$wl_dir/out.mp4" ] || wl_die "no output"
wl_score_seconds
