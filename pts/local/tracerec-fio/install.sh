#!/bin/sh
# local/tracerec-fio: scripts/workloads/fio.sh 32 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-fio fio.sh 32
