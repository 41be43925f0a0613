#!/usr/bin/env bash
# The transparency log at 10^6 ledger entries: what an append, a receipt (inclusion proof) and a
# checkpoint cost. Not part of `scripts/bench` (it needs no release build and no wrk):
#
#   bash scripts/bench.d/transparency.sh [N]        # N defaults to 1000000
#
# Uses $PRIVACYCTL (default .build/debug/privacyctl). Prints one JSON line per measurement.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
BIN=${PRIVACYCTL:-$PWD/.build/debug/privacyctl}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export PRIVACY_DATABASE=$WORK/db.sqlite PRIVACY_KEY_DIR=$WORK/keys PRIVACY_POLICY=$PWD/policies/leinefelde-suedstadt.yaml
export PRIVACY_PASSPHRASE=bench-passphrase PRIVACY_NOW=2024-06-01T12:00:00+02:00
"$BIN" init >/dev/null
FILL=$(python3 scripts/bench.d/transparency_fill.py --db "$WORK/db.sqlite" --n "$N")
echo "$FILL"
# A checkpoint: reads O(log n) stored hashes per tree, signs, stores (one CLI process, Argon2id unwrap included).
python3 - "$BIN" <<'PY'
import json, subprocess, sys, time
bin_ = sys.argv[1]
runs = []
for _ in range(5):
    t = time.perf_counter(); subprocess.run([bin_, "audit", "checkpoint", "--json"], check=True, capture_output=True); runs.append(time.perf_counter() - t)
base = []
for _ in range(5):
    t = time.perf_counter(); subprocess.run([bin_, "receipt", "verify", "/dev/null"], capture_output=True); base.append(time.perf_counter() - t)
print(json.dumps({"measure": "audit checkpoint (process)", "ms_min": round(min(runs) * 1000, 1), "ms_mean": round(sum(runs) / 5 * 1000, 1)}))
PY
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --port "$PORT" --no-rate-limit --purge-interval off >"$WORK/serve.log" 2>&1 &
SERVER=$!
python3 - "$PORT" "$FILL" <<'PY'
import http.client, json, sys, time
port, fill = int(sys.argv[1]), json.loads(sys.argv[2])
for _ in range(100):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/healthz"); c.getresponse().read(); break
    except OSError:
        time.sleep(0.1)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def timed(method, path, body=None, n=200):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        r = conn.getresponse(); data = r.read()
        out.append(time.perf_counter() - t)
        assert r.status in (200, 201), (r.status, data)
    out.sort()
    return {"ms_median": round(out[len(out) // 2] * 1000, 2), "ms_p99": round(out[int(len(out) * 0.99) - 1] * 1000, 2)}
ids = fill["consent_ids"]
print(json.dumps({"measure": "GET /healthz (baseline)", **timed("GET", "/healthz")}))
print(json.dumps({"measure": "GET /v1/consents/{id} (state, baseline)", **timed("GET", f"/v1/consents/{ids[-1]}")}))
for i, cid in enumerate([ids[0], ids[-1]]):
    print(json.dumps({"measure": f"GET receipt (inclusion proof at {fill['rows']})", "consent_id_index": i, **timed("GET", f"/v1/consents/{cid}/receipt")}))
body = json.dumps({"policy_version": "2024-03-01", "purposes": {"external_media": False}, "method": "reject_all"})
print(json.dumps({"measure": f"POST /v1/consents (append at {fill['rows']}, durable, 1 client)", **timed("POST", "/v1/consents", body)}))
PY
