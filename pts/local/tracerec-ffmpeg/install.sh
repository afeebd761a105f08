#!/bin/sh
# local/tracerec-ffmpeg: scripts/workloads/ffmpeg.sh 4 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-ffmpeg ffmpeg.sh 4
