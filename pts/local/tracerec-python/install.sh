#!/bin/sh
# local/tracerec-python: scripts/workloads/python.sh 300 (see pts/local/pts-install.sh).
exec sh "$(dirname "$0")/workload/pts-install.sh" tracerec-python python.sh 300
