#!/usr/bin/env python3
"""CPU time of `privacyctl export --email` per database size, the sizes interleaved (issue 16).

scripts/bench judges "the export grows like log n" on CPU time: flat within 10 ms from the smallest
to the largest size. hyperfine runs each size's five runs back to back and reports only their mean
CPU time; every run also unwraps the secret key with Argon2id (≈ 110 ms of CPU, the same at every
size), and on a shared host that constant drifts by 10–20 ms between one size's block of runs and
the next's, more than the lookup among 10⁶ costs. So the judged difference flipped from run to run.

Here every round runs each size once, in an order that rotates from round to round, so a drift of
the host reaches every size alike, and each run's CPU time (user + system) is read exactly from
`getrusage(RUSAGE_CHILDREN)` around it. The report judges each size's fastest run (the host only
ever adds time to a run; a real growth is in every run) and shows the medians. Every run must exit 0
and its answer must hold exactly the real request (checked, as scripts/bench checks hyperfine's).

usage: export_cpu.py --bin PRIVACYCTL --email ADDR --reference REF --rounds K --out JSON N=DB [N=DB ...]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--out", required=True)
    ap.add_argument("stores", nargs="+", help="N=PATH of a seeded database")
    a = ap.parse_args()
    stores = []
    for item in a.stores:
        n, _, path = item.partition("=")
        if not n.isdigit() or not path:
            sys.exit(f"export_cpu.py: '{item}' is not N=PATH (say 10000=/tmp/store-10000.sqlite)")
        stores.append((int(n), path))
    cpu = {n: [] for n, _ in stores}
    with tempfile.TemporaryDirectory() as tmp:
        answer = os.path.join(tmp, "export.json")
        for round_ in range(a.rounds):
            shift = round_ % len(stores)
            for n, path in stores[shift:] + stores[:shift]:
                before = child_cpu()
                run = subprocess.run([a.bin, "export", "--force", "--email", a.email, "--out", answer,
                                      "--database", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                used = child_cpu() - before
                if run.returncode != 0:
                    sys.exit(f"export_cpu.py: export among {n} exited {run.returncode}: {run.stderr.strip()[:300]}")
                got = [c["reference"] for c in json.load(open(answer))["data"]["contact_requests"]]
                if got != [a.reference]:
                    sys.exit(f"export_cpu.py: export among {n} answered {got}, not exactly [{a.reference}]")
                cpu[n].append(used)
    result = {str(n): {"cpu_s": runs, "median_s": statistics.median(runs), "fastest_s": min(runs)} for n, runs in cpu.items()}
    json.dump({"rounds": a.rounds, "sizes": result}, open(a.out, "w"), indent=1)
    for n, runs in cpu.items():
        print(f"export among {n}: CPU fastest {min(runs) * 1000:.1f} ms, median {statistics.median(runs) * 1000:.1f} ms, "
              f"slowest {max(runs) * 1000:.1f} ms ({len(runs)} runs, sizes interleaved)",
              file=sys.stderr)


if __name__ == "__main__":
    main()
