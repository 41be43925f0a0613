#!/usr/bin/env bash
# scripts/bench.d/ab.sh OLD_BIN NEW_BIN [ROUNDS] [SECONDS] — two builds of privacyctl, alternately,
# in the same minutes: on a machine shared with other work, the only fair before/after.
#
# Each round starts each binary's server on a fresh database (as scripts/bench does) and loads it
# with wrk (64 connections, 2 threads, load.lua) for a 2 s warm-up and SECONDS (default 5) per mode
# (healthz, consents, contacts); prints one line per run: requests/s, p99, server CPU per request,
# and the share of the machine the hypervisor gave to other guests meanwhile (steal; ≥ 5 % marked).
#   AB_MODES="consents contacts"   which modes (default: healthz consents contacts; also: config, state,
#              refused (400 for a non-canonical path) and invalid (422 for a consent without method),
#              whose answers wrk counts as status errors)
#   AB_PIN=1   the server on CPU 0 and wrk (one thread) on CPU 1: the two do not take each other's
#              time slices, and server CPU per request is measured with far less noise on a shared
#              2-core machine (the figures are then not those of scripts/bench, which pins nothing)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/scripts/bench.d"
OLD=${1:?usage: ab.sh OLD_BIN NEW_BIN [ROUNDS] [SECONDS]}
NEW=${2:?usage: ab.sh OLD_BIN NEW_BIN [ROUNDS] [SECONDS]}
ROUNDS=${3:-3}
SECONDS_=${4:-5}
MODES=${AB_MODES:-"healthz consents contacts"}
POLICY="$ROOT/policies/leinefelde-suedstadt.yaml"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/privacy-ab.XXXXXX")
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
export PRIVACY_PASSPHRASE=bench PRIVACY_POLICY="$POLICY" PRIVACY_KEY_DIR="$WORK/keys"
TICKS=$(getconf CLK_TCK)
SERVER_CPU=(); WRK=(wrk -t2)
if [ "${AB_PIN:-0}" = 1 ]; then SERVER_CPU=(taskset -c 0); WRK=(taskset -c 1 wrk -t1); fi

run() {  # run LABEL BIN
  local db="$WORK/$1.sqlite" port
  rm -f "$db"*
  "$2" init --database "$db" --key-dir "$WORK/keys" --policy "$POLICY" >/dev/null 2>&1
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PRIVACY_NOW="2024-06-01T12:00:00+02:00" "${SERVER_CPU[@]}" "$2" serve --database "$db" --key-dir "$WORK/keys" --policy "$POLICY" \
    --port "$port" --no-rate-limit --purge-interval off --log-level warning > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local version
  version=$(curl -fsS "http://127.0.0.1:$port/v1/config" | python3 -c 'import json, sys; print(json.load(sys.stdin)["policy_version"])')
  export BENCH_CONSENT_ID
  BENCH_CONSENT_ID=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/consents" -H 'Content-Type: application/json' \
    -d '{"policy_version":"'"$version"'","method":"accept_all"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["consent_id"])')
  for mode in $MODES; do
    BENCH_MODE=$mode BENCH_POLICY_VERSION=$version BENCH_OUT=$WORK/w.json "${WRK[@]}" -c64 -d2s -s "$HERE/load.lua" "http://127.0.0.1:$port" >/dev/null
    local before after machine_before
    before=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
    machine_before=$(awk '$1 == "cpu" { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)   # steal, all
    BENCH_MODE=$mode BENCH_POLICY_VERSION=$version BENCH_OUT=$WORK/w.json \
      "${WRK[@]}" -c64 -d"$SECONDS_"s --latency -s "$HERE/load.lua" "http://127.0.0.1:$port" > "$WORK/wrk.txt"
    after=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
    python3 - "$1" "$mode" "$WORK/w.json" "$((after - before))" "$TICKS" "$(cut -d' ' -f1 /proc/loadavg)" \
      $machine_before $(awk '$1 == "cpu" { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat) <<'EOF'
import json, os, sys
label, mode, path, ticks, hz, load = sys.argv[1:7]
steal0, all0, steal1, all1 = map(int, sys.argv[7:11])
r = json.load(open(path))
rate = r["requests"] / r["duration_us"] * 1e6
cpu = int(ticks) / int(hz) / max(r["requests"], 1) * 1e6
# Steal: time the hypervisor gave to other guests during this run, as a share of the machine. A
# round with steal says little about either build; compare rounds without it.
steal = (steal1 - steal0) / max(all1 - all0, 1)
print(f"{label:4} {mode:9} {rate:8.0f}/s  p99 {r['latency_us']['p99'] / 1000:6.2f} ms  {cpu:4.0f} µs server CPU/req  "
      f"errors {r.get('errors', {})}  load {load}  steal {steal:.0%}" + ("  (STOLEN: compare other rounds)" if steal >= 0.05 else ""))
EOF
  done
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

for _ in $(seq 1 "$ROUNDS"); do
  run old "$OLD"
  run new "$NEW"
done
