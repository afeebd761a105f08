#!/bin/sh
# local/tracerec-php: scripts/workloads/php.sh 800 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-php php.sh 800
