#!/bin/bash
# Power cuts (make check-faults): ${CUTS:-20} cuts at random moments while
# the live system fsyncs files to the store; see tests/qemu/cuts.sh (liveboot-partition).
. "$(dirname "$0")/../scenario-env.sh"
CUT_KIND=liveboot-partition
CUTS=${CUTS:-20}
. "$here/cuts.sh"
