#!/bin/sh
# local/tracerec-memory: scripts/workloads/memory.sh 32 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-memory memory.sh 32
