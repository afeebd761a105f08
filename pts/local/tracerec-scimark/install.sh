#!/bin/sh
# local/tracerec-scimark: scripts/workloads/scimark.sh 4 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-scimark scimark.sh 4
