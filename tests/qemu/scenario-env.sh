# Sourced at the top of every scenario: paths, a private copy of the stick,
# the harness functions. Run by tests/qemu/run.sh with SCENARIO_DIR set.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
trap cleanup_mounts EXIT
: "${SCENARIO_DIR:?run scenarios through tests/qemu/run.sh}"
FIXTURES=${FIXTURES:?}
INITRD=${INITRD:?}
STICK=$SCENARIO_DIR/stick.img
cp --sparse=always "$FIXTURES/stick.img" "$STICK"
