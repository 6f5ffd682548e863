#!/bin/bash
# The power-cut family's smoke form in make check: two cuts at random
# moments while the live system fsyncs files to casper-rw.dat on the
# stick's exFAT partition (make check-faults runs 20 per store kind).
. "$(dirname "$0")/../scenario-env.sh"
CUT_KIND=casper-dat
CUTS=2
. "$here/cuts.sh"
