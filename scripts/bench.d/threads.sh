#!/usr/bin/env bash
# scripts/bench.d/threads.sh [engine|durable|base] [SECONDS] — where a POST /v1/consents spends the
# server's CPU, by kind of thread, and how many syscalls of the commit path it makes (issue 16).
#
# Starts the server on a fresh database, warms it up (2 s), then loads it with wrk (64 connections,
# 2 threads, load.lua's consent bodies) for SECONDS (default 8) and reads every thread's CPU time
# (/proc/PID/task/*/stat) before and after. Prints µs of CPU per answered request for each kind:
#   event loops    NIO's threads: reading, parsing and writing HTTP
#   Swift tasks    the cooperative pool: the handler (decoding, rules, hashes, the answer)
#   writer queue   GRDB's writer (dispatch's overcommit threads): the group transaction, its
#                  SQL, the WAL's writes and fdatasync — the serial stage every request waits for
# and, where perf can count syscall tracepoints, fdatasync calls (batches), WAL pwrites and context
# switches per request. `durable` is the durable do-nothing server with time-ordered ids: the same
# stack doing one synced row per request and nothing else, so engine minus durable, row by row, is
# the engine's own work and where it runs.
#   engine   the release `privacyctl serve` (BIN=… for another build)
#   durable  Benchmarks/baseline's durable-baseline-server --time-ordered-ids
#   base     Benchmarks/baseline's do-nothing server
# Needs wrk and the release builds; perf (linux-perf) only for the syscall counts.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KIND=${1:-engine}
SECONDS_=${2:-8}
POLICY="$ROOT/policies/leinefelde-suedstadt.yaml"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/privacy-threads.XXXXXX")
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck source=one_server.sh
source "$ROOT/scripts/bench.d/one_server.sh"
start_server "$KIND" "usage: threads.sh [engine|durable|base] [SECONDS]"
load() {  # load SECONDS OUT
  BENCH_MODE=consents BENCH_POLICY_VERSION="$VERSION" BENCH_OUT="$2" \
    wrk -t2 -c64 -d"$1"s --timeout 10s --latency -s "$ROOT/scripts/bench.d/load.lua" "http://127.0.0.1:$PORT" > /dev/null
}
snapshot() {  # comm and utime+stime (ticks) of every thread of the server
  for task in /proc/"$SERVER_PID"/task/*; do
    printf '%s\t%s\n' "$(tr ' ' '_' < "$task/comm")" "$(awk '{ print $14 + $15 }' "$task/stat" 2>/dev/null || echo 0)"
  done
}
load 2 "$WORK/warmup.json"
snapshot > "$WORK/before.tsv"
COUNTS=""
if command -v perf > /dev/null && perf stat -e syscalls:sys_enter_fdatasync -- true > /dev/null 2>&1; then
  perf stat -x, -o "$WORK/syscalls.csv" -p "$SERVER_PID" \
    -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_pwrite64,syscalls:sys_enter_futex,context-switches &
  COUNTS=$!
  sleep 0.2
fi
load "$SECONDS_" "$WORK/wrk.json"
[ -n "$COUNTS" ] && { kill -INT "$COUNTS"; wait "$COUNTS" 2>/dev/null || true; }
snapshot > "$WORK/after.tsv"
python3 - "$KIND" "$WORK/before.tsv" "$WORK/after.tsv" "$WORK/wrk.json" "$(getconf CLK_TCK)" "$WORK/syscalls.csv" <<'PY'
import collections, json, os, re, sys
kind, before, after, wrk, hz, syscalls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
def kind_of(comm):
    if comm.startswith("NIO-"): return "event loops"
    if comm.endswith("overcommit"): return "writer queue"
    if "qos" in comm: return "Swift tasks"
    return "other"
def read(path):
    ticks = collections.Counter()
    for line in open(path):
        comm, t = line.rstrip("\n").split("\t")
        ticks[kind_of(comm)] += int(t)
    return ticks
b, a = read(before), read(after)
w = json.load(open(wrk))
n = w["requests"]
rate = n / (w["duration_us"] / 1e6)
print(f"{kind}: {rate:.0f} consents/s, p99 {w['latency_us']['p99'] / 1000:.2f} ms, non-2xx {w['errors']['status']}")
total = 0.0
for k in ("event loops", "Swift tasks", "writer queue", "other"):
    us = (a[k] - b[k]) / hz / n * 1e6
    total += us
    if us >= 0.05 or k != "other":
        print(f"  {k:13s} {us:6.1f} µs of CPU per request")
print(f"  {'all threads':13s} {total:6.1f} µs")
if os.path.exists(syscalls):
    counts = {m.group(2): float(m.group(1)) for line in open(syscalls)
              if (m := re.match(r"^([\d.]+),[^,]*,([^,]+),", line))}
    fds = counts.get("syscalls:sys_enter_fdatasync", 0)
    per = lambda name: counts.get(name, 0) / n
    print(f"  fdatasync {per('syscalls:sys_enter_fdatasync'):.3f} per request ({n / fds if fds else 0:.1f} requests per batch), "
          f"pwrite {per('syscalls:sys_enter_pwrite64'):.2f}, futex {per('syscalls:sys_enter_futex'):.2f}, "
          f"context switches {per('context-switches'):.2f} per request")
PY
