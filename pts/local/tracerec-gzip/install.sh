#!/bin/sh
# local/tracerec-gzip: scripts/workloads/gzip.sh 16 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-gzip gzip.sh 16
