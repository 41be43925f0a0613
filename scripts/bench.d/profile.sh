#!/usr/bin/env bash
# scripts/bench.d/profile.sh MODE [SECONDS] — where the server's CPU goes under load (issue 16).
#
# Starts the release `privacyctl serve` on a fresh database (as scripts/bench does), loads it with
# wrk (64 connections, 2 threads, the bodies of scripts/bench.d/load.lua) for a 2 s warm-up, then
# records SECONDS (default 8) of the server with `perf record -g` and prints the top of
# `perf report --no-children` (self time per symbol) and of `--children` (inclusive time). Also
# counts the server's fdatasync/fsync calls in the same window (`perf stat` on the syscall
# tracepoints): with group commit, requests per sync is the mean batch size.
#   MODE: healthz | consents | contacts
#   PROFILE_OUT=DIR keeps perf.data and the reports there (default: a temporary folder, removed).
# Needs perf (linux-perf) and a release build (.build/release/privacyctl).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/scripts/bench.d"
MODE=${1:?usage: profile.sh healthz|consents|contacts [SECONDS]}
SECONDS_=${2:-8}
BIN="$ROOT/.build/release/privacyctl"
POLICY="$ROOT/policies/leinefelde-suedstadt.yaml"
[ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/privacy-profile.XXXXXX")
OUT=${PROFILE_OUT:-$WORK}
mkdir -p "$OUT"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -z "${PROFILE_OUT:-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT

export PRIVACY_PASSPHRASE=bench PRIVACY_POLICY="$POLICY" PRIVACY_KEY_DIR="$WORK/keys"
"$BIN" init --database "$WORK/db.sqlite" --key-dir "$WORK/keys" --policy "$POLICY" >/dev/null 2>&1
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PRIVACY_NOW="2024-06-01T12:00:00+02:00" "$BIN" serve --database "$WORK/db.sqlite" --key-dir "$WORK/keys" \
  --policy "$POLICY" --port "$PORT" --no-rate-limit --purge-interval off --log-level warning > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
VERSION=$(curl -fsS "http://127.0.0.1:$PORT/v1/config" | python3 -c 'import json, sys; print(json.load(sys.stdin)["policy_version"])')
load() { BENCH_MODE="$MODE" BENCH_POLICY_VERSION="$VERSION" BENCH_OUT="$WORK/wrk-$1.json" \
  wrk -t2 -c64 -d"$1"s --timeout 10s --latency -s "$HERE/load.lua" "http://127.0.0.1:$PORT"; }
load 2 >/dev/null
load "$((SECONDS_ + 2))" > "$OUT/wrk.txt" &
WRK=$!
sleep 1
perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -o "$OUT/syncs.csv" -p "$SERVER_PID" -- sleep "$SECONDS_" &
STAT=$!
perf record -g -F 999 -o "$OUT/perf.data" -p "$SERVER_PID" -- sleep "$SECONDS_" 2> "$OUT/perf-record.log"
wait "$STAT" || true
wait "$WRK"
grep -E 'Requests/sec|99%|Non-2xx' "$OUT/wrk.txt"
python3 - "$OUT/syncs.csv" "$OUT/wrk.txt" "$SECONDS_" <<'EOF'
import re, sys
syncs = sum(int(l.split(",")[0]) for l in open(sys.argv[1]) if re.match(r"^\d+,", l))
rate = float(re.search(r"Requests/sec:\s*([\d.]+)", open(sys.argv[2]).read()).group(1))
seconds = float(sys.argv[3])
print(f"syncs: {syncs} fdatasync+fsync in {seconds:.0f} s = {syncs / seconds:.0f}/s; {rate:.0f} requests/s; "
      f"{rate * seconds / max(syncs, 1):.1f} requests per sync (the mean group-commit batch)")
EOF
perf report -i "$OUT/perf.data" --no-children --stdio --percent-limit 0.7 -g none --sort symbol 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -45 | tee "$OUT/self.txt"
echo "--- inclusive (children) ---"
perf report -i "$OUT/perf.data" --children --stdio --percent-limit 3 -g none --sort symbol 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -60 | tee "$OUT/children.txt"
