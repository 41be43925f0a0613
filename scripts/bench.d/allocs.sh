#!/usr/bin/env bash
# scripts/bench.d/allocs.sh [engine|durable|base] [--where] — heap allocations per POST /v1/consents.
#
# Counts libc malloc calls of the server under consent load (wrk, 64 connections, load.lua) with a
# uprobe (`perf probe -x libc --add malloc`, then `perf stat -e probe_libc:malloc -p PID`, 4 s) and
# divides by the requests answered meanwhile. Unlike requests/s the count hardly moves with the
# machine's load, so two builds can be compared on a busy host. The probes slow the server down:
# the rate printed is not a benchmark figure.
#   engine   the release `privacyctl serve` (BIN=… for another build)
#   durable  the durable do-nothing server with time-ordered ids (Benchmarks/baseline)
#   base     the do-nothing server (Benchmarks/baseline)
#   --where  also records the allocations' call stacks and prints the nearest engine, NIO,
#            Hummingbird or GRDB frame of each, with its share (one per request ≈ 100 / count %)
# Needs root or perf_event_paranoid ≤ 1, perf (linux-perf) and the release builds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KIND=${1:-engine}
WHERE=${2:-}
POLICY="$ROOT/policies/leinefelde-suedstadt.yaml"
LIBC=$(ldconfig -p | awk '/libc.so.6 .*x86-64/ { print $NF; exit }')
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
perf probe -l 2>/dev/null | grep -q 'probe_libc:malloc' || perf probe -q -x "$LIBC" --add malloc
WORK=$(mktemp -d "${TMPDIR:-/tmp}/privacy-allocs.XXXXXX")
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck source=one_server.sh
source "$ROOT/scripts/bench.d/one_server.sh"
start_server "$KIND" "usage: allocs.sh [engine|durable|base] [--where]"
BENCH_MODE=consents BENCH_POLICY_VERSION="$VERSION" BENCH_OUT="$WORK/wrk.json" \
  wrk -t2 -c64 -d7s --timeout 10s -s "$ROOT/scripts/bench.d/load.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.txt" &
WRK=$!
sleep 1.5
if [ "$WHERE" = --where ]; then
  perf record -q -g -e probe_libc:malloc -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep 2 2> /dev/null
else
  perf stat -x, -e probe_libc:malloc -p "$SERVER_PID" -o "$WORK/stat.csv" -- sleep 4
fi
wait "$WRK"
RATE=$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
if [ "$WHERE" != --where ]; then
  python3 - "$WORK/stat.csv" "$RATE" "$KIND" <<'PY'
import re, sys
count = sum(float(m.group(1)) for line in open(sys.argv[1]) if (m := re.match(r"^([\d.]+),", line)))
rate = float(sys.argv[2])
print(f"{sys.argv[3]}: {count / (rate * 4):.1f} allocations per consent ({rate:.0f} requests/s under the probe)")
PY
  exit 0
fi
perf script -i "$WORK/perf.data" -F ip,sym 2> /dev/null > "$WORK/stacks.txt"
python3 - "$WORK/stacks.txt" <<'PY'
import collections, subprocess, sys
modules = ("$s7Consent", "$s13PrivacyServer", "$s5Vault", "$s11Hummingbird", "$s15HummingbirdCore", "$s7NIOCore",
           "$s8NIOPosix", "$s4GRDB", "$s8NIOHTTP1", "$s12NIOHTTPTypes", "$s20NIOHTTPTypesHTTP1", "$s7Logging")
sites, stack, total = collections.Counter(), [], 0
def flush():
    global total
    if stack:
        total += 1
        sites[next((s for s in stack if s.startswith(modules)), "(runtime, libc or SQLite only)")] += 1
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        flush(); stack = []
    elif len(parts := line.split(None, 1)) == 2:
        stack.append(parts[1].split("+0x")[0])
flush()
top = sites.most_common(40)
names = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(k for k, _ in top),
                       capture_output=True, text=True).stdout.split("\n")
for (_, count), name in zip(top, names):
    print(f"{count / max(total, 1) * 100:5.1f} %  {name[:150]}")
PY
