# hyvd dying with a request in flight fails that request (ECONNRESET, 104)
# instead of hanging it; later requests fail at once with ENOTCONN (107)
# while no broker is attached.
. "$E2E_LIB/common.sh"

inject=$(hyv_inject_file 1)
pid=$(pidof hyvd)
kill -STOP "$pid"
tmp=$(mktemp -d)
hyv-guest 1 sh -c "echo hello > $inject; cat $inject" > "$tmp/out" 2>&1 &
request=$!
sleep 5
if ! kill -0 "$request" 2>/dev/null; then
	kill -CONT "$pid"
	fail "request completed while hyvd was stopped: $(cat "$tmp/out")"
fi
kill -KILL "$pid"
wait_until 30 sh -c "! kill -0 $request 2>/dev/null" ||
	fail "request still pending 30 s after hyvd died"
wait "$request" || true
cat "$tmp/out"
expect_match "$(cat "$tmp/out")" '^hello status=104 ' "in-flight request"
expect_match "$(hyv_inject 1 hello)" '^hello status=107 ' "request without a broker"
hyv-hyvd start
