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
# Without --where it also counts, per consent, what Swift's concurrency runtime does (uprobes on
# libswift_Concurrency): jobs run (a task resumed on a thread: each is a trip through the
# executor's queue), task switches (`swift_task_switch`, the check made on entering a nonisolated
# async function and after each await, whether or not the thread changes) and continuations
# resumed; and the futex calls and context switches the kernel saw. Engine minus durable says
# whether the engine's own code adds hops (it does not: 2.0 jobs per consent for both).
# Needs root or perf_event_paranoid ≤ 1, perf (linux-perf) and the release builds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KIND=${1:-engine}
WHERE=${2:-}
POLICY="$ROOT/policies/leinefelde-suedstadt.yaml"
LIBC=$(ldconfig -p | awk '/libc.so.6 .*x86-64/ { print $NF; exit }')
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
perf probe -l 2>/dev/null | grep -q 'probe_libc:malloc' || perf probe -q -x "$LIBC" --add malloc
CONCURRENCY=$(ldconfig -p | awk '/libswift_Concurrency.so / { print $NF; exit }')
[ -n "$CONCURRENCY" ] || CONCURRENCY=$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux/libswift_Concurrency.so
RUNTIME_EVENTS=""
for f in swift_job_run swift_task_switch swift_continuation_throwingResume; do
  if perf probe -l 2>/dev/null | grep -q "probe_libswift_Concurrency:$f " || perf probe -q -x "$CONCURRENCY" --add "$f" 2>/dev/null; then
    RUNTIME_EVENTS="$RUNTIME_EVENTS,probe_libswift_Concurrency:$f"
  fi
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/privacy-allocs.XXXXXX")
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck source=one_server.sh
source "$ROOT/scripts/bench.d/one_server.sh"
start_server "$KIND" "usage: allocs.sh [engine|durable|base] [--where]"
load() {  # load SECONDS
  BENCH_MODE=consents BENCH_POLICY_VERSION="$VERSION" BENCH_OUT="$WORK/wrk.json" \
    wrk -t2 -c64 -d"$1"s --timeout 10s -s "$ROOT/scripts/bench.d/load.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.txt"
}
if [ "$WHERE" = --where ]; then
  load 7 &
  WRK=$!
  sleep 1.5
  perf record -q -g -e probe_libc:malloc -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep 2 2> /dev/null
  wait "$WRK"
else
  # Counted over the whole of one load and divided by the requests it answered (wrk's own count):
  # the probes slow the server down, so a rate measured over a longer window would be too high.
  load 2
  perf stat -x, -e "probe_libc:malloc$RUNTIME_EVENTS,syscalls:sys_enter_futex,context-switches" \
    -p "$SERVER_PID" -o "$WORK/stat.csv" &
  STAT=$!
  sleep 0.3
  load 4
  kill -INT "$STAT"
  wait "$STAT" 2> /dev/null || true
fi
if [ "$WHERE" != --where ]; then
  python3 - "$WORK/stat.csv" "$WORK/wrk.json" "$KIND" <<'PY'
import json, re, sys
counts = {m.group(2): float(m.group(1)) for line in open(sys.argv[1])
          if (m := re.match(r"^([\d.]+),[^,]*,([^,]+),", line))}
wrk = json.load(open(sys.argv[2]))
requests, rate = wrk["requests"], wrk["requests"] / (wrk["duration_us"] / 1e6)
per = lambda event: counts.get(event, 0) / requests
print(f"{sys.argv[3]}: {per('probe_libc:malloc'):.1f} allocations per consent ({rate:.0f} requests/s under the probes)")
names = {"probe_libswift_Concurrency:swift_job_run": "Swift jobs run",
         "probe_libswift_Concurrency:swift_task_switch": "task switches (checks)",
         "probe_libswift_Concurrency:swift_continuation_throwingResume": "continuations resumed",
         "syscalls:sys_enter_futex": "futex calls", "context-switches": "context switches"}
print("  " + ", ".join(f"{name} {per(event):.2f}" for event, name in names.items() if event in counts) + " per consent")
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
