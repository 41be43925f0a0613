# scripts/bench.d/one_server.sh — sourced by allocs.sh and threads.sh: starts one server under
# consent load's conditions on a fresh database in $WORK and sets SERVER_PID, PORT and VERSION.
#   start_server KIND USAGE
#     KIND   engine (the release `privacyctl serve`, BIN=… for another build; PRIVACY_NOW inside
#            the programme, no rate limit, no purge), durable (Benchmarks/baseline's durable
#            do-nothing server with time-ordered ids) or base (its do-nothing server)
#     USAGE  printed, and exit 2, for any other KIND
# Needs ROOT, POLICY and WORK set; the caller's EXIT trap stops $SERVER_PID.
start_server() {
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export PRIVACY_PASSPHRASE=bench PRIVACY_POLICY="$POLICY" PRIVACY_KEY_DIR="$WORK/keys"
  case "$1" in
    base) "$ROOT/Benchmarks/baseline/.build/release/baseline-server" "$PORT" > /dev/null 2>&1 & ;;
    durable) "$ROOT/Benchmarks/baseline/.build/release/durable-baseline-server" "$PORT" "$WORK/durable.sqlite" \
               --time-ordered-ids > /dev/null 2>&1 & ;;
    engine) BIN=${BIN:-$ROOT/.build/release/privacyctl}
      "$BIN" init --database "$WORK/db.sqlite" --key-dir "$WORK/keys" --policy "$POLICY" > /dev/null 2>&1
      PRIVACY_NOW="2024-06-01T12:00:00+02:00" "$BIN" serve --database "$WORK/db.sqlite" --key-dir "$WORK/keys" \
        --policy "$POLICY" --port "$PORT" --no-rate-limit --purge-interval off --log-level warning > /dev/null 2>&1 & ;;
    *) echo "$2" >&2; exit 2 ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
  VERSION=$(curl -fsS "http://127.0.0.1:$PORT/v1/config" 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["policy_version"])' 2>/dev/null || echo 2024-03-01)
}
