# tests/kernel/vhost_hyv_test plays QEMU, guest and hyvd at once against a
# vhost device of its own: ownership, features, every malformed chain, the
# relay fd's errors, ring stops and resets with requests in flight, and
# broker restarts racing ring stops (TAP output; exit 0 = all passed).
. "$E2E_LIB/common.sh"

"$E2E_DIR/bin/vhost_hyv_test"
