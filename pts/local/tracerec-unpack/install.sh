#!/bin/sh
# local/tracerec-unpack: scripts/workloads/unpack.sh 4 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-unpack unpack.sh 4
