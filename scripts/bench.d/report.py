#!/usr/bin/env python3
"""Renders the results folder of one `scripts/bench` run: a table on the terminal and the generated
section of docs/benchmarks.md (between <!-- bench:start --> and <!-- bench:end -->; everything
outside the markers is hand-written and kept).

    report.py RESULTS_DIR [--markdown docs/benchmarks.md]

Exit status 0 even when targets are missed (the table says so); 1 when a measurement is missing.
"""
import json
import math
import os
import sys

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def hf_mean(folder, name):
    """(mean, stddev, min, max) in seconds from a hyperfine --export-json file."""
    data = load(folder, name)
    if not data:
        return None
    r = data["results"][0]
    return r["mean"], r.get("stddev") or 0.0, r["min"], r["max"], (r.get("user") or 0.0) + (r.get("system") or 0.0)


def fmt_n(n):
    if n >= 1000 and math.log10(n).is_integer():
        return f"10^{int(math.log10(n))}"
    return f"{n:,}".replace(",", " ")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def num(x):
    """12345.6 -> '12 346' (thin grouping with a space, as in the rest of the table)."""
    return f"{x:,.0f}".replace(",", " ")


def rate(x):
    return num(x) + "/s"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


class Table:
    def __init__(self):
        self.rows = []   # (measure, value, vs baseline, target, status)
        self.missed = []

    def add(self, measure, value, versus="", target="", ok=None):
        status = "" if ok is None else ("PASS" if ok else "MISS")
        if ok is False:
            self.missed.append(f"{measure}: {value}" + (f" ({versus})" if versus else "") + f", target {target}")
        self.rows.append((measure, value, versus, target, status))


# Every measured wrk run: its results' file name and how the notes call it.
LOAD_RUNS = (("baseline-healthz", "do-nothing GET"), ("baseline-consents", "do-nothing POST"),
             ("durable-consents", "durable do-nothing POST"),
             ("durable-ordered-consents", "durable do-nothing POST, time-ordered ids"),
             ("healthz", "healthz"), ("config", "config"), ("state", "state"),
             ("consents", "consents"), ("contacts", "contacts"))
STEAL_NOTICE = 0.05   # steal time (share of the whole machine) from which a measured run is flagged
OTHER_WORK_CORES = 0.10   # busy cores before the run from which other work is said to be running


def build(folder):
    t = Table()
    notes = []
    meta = load(folder, "machine.json") or {}

    # 1-2: HTTP: baseline and consents.
    h = load(folder, "healthz.json")
    g = load(folder, "config.json")
    st = load(folder, "state.json")
    c = load(folder, "consents.json")
    k = load(folder, "contacts.json")
    seal = load(folder, "seal.json")

    def cpu_per_req(mode, w):
        """Server CPU time (user + system) per answered request during the measured run, in seconds."""
        cpu = load(folder, f"cpu-{mode}.json")
        if not cpu or not w or not w["requests"]:
            return None
        return cpu["server_cpu_s"] / cpu["ticks_per_s"] / w["requests"]

    def cpu_us(mode, w):
        c = cpu_per_req(mode, w)
        return "" if c is None else f", {c * 1e6:.0f} µs server CPU/req"

    def rps(w):
        return w["requests"] / (w["duration_us"] / 1e6)

    def errs(w):
        e = w["errors"]
        return e["connect"] + e["read"] + e["write"] + e["status"] + e["timeout"]

    bg = load(folder, "baseline-healthz.json")
    bp = load(folder, "baseline-consents.json")
    bd = load(folder, "durable-consents.json")
    bo = load(folder, "durable-ordered-consents.json")
    for mode, name in LOAD_RUNS:
        w = load(folder, f"{mode}.json")
        if w and errs(w):
            notes.append(f"wrk {name}: {errs(w)} errors {w['errors']} (non-2xx or socket errors: the run does not count)")
    p99 = lambda w: w["latency_us"]["p99"] / 1000
    if bg:
        t.add("do-nothing Hummingbird 2: GET (the ceiling)", f"{rate(rps(bg))}, p99 {p99(bg):.2f} ms{cpu_us('baseline-healthz', bg)}",
              "1.00 (baseline)")
    if bp:
        t.add("do-nothing Hummingbird 2: POST, body collected, 201", f"{rate(rps(bp))}, p99 {p99(bp):.2f} ms{cpu_us('baseline-consents', bp)}",
              "1.00 (baseline)")
    # No target: the ceiling of a durable write on this stack, so that a miss of the consent goal can
    # be split into what durability itself costs here and what the engine adds to it; and the same
    # with time-ordered ids, as the engine issues them (each new id appends to the id index instead
    # of dirtying a random page of it): the ceiling the engine's consents are compared with.
    for w, variant, measure in ((bd, "durable", "durable do-nothing: POST, one synced row, 201"),
                                (bo, "durable-ordered", "durable do-nothing, time-ordered ids")):
        if not w:
            continue
        t.add(measure, f"{rate(rps(w))}, p99 {p99(w):.2f} ms{cpu_us(variant + '-consents', w)}",
              (f"{rps(w) / rps(bp):.2f} × do-nothing POST, p99 {w['latency_us']['p99'] / max(bp['latency_us']['p99'], 1):.1f} ×"
               if bp else ""))
        counted = load(folder, f"{variant}.json")
        if counted:
            notes.append(f"{measure.split(':')[0]}: {counted['answers']} answers counted by wrk, {counted['rows']} rows on disk"
                         + ("" if counted["rows"] >= counted["answers"] else " — FEWER ROWS THAN ANSWERS"))
    if h:
        ratio = rps(h) / rps(bg) if bg else None
        t.add("GET /healthz", f"{rate(rps(h))}, p99 {p99(h):.2f} ms{cpu_us('healthz', h)}",
              f"{ratio:.2f} × do-nothing GET" if ratio is not None else "", "≥ 0.80 × do-nothing GET",
              None if ratio is None else ratio >= 0.8 and errs(h) == 0)
    if g:
        # No target in issue 16; measured because consent.js asks for it on every page view.
        t.add("GET /v1/config?lang=de (every page view)", f"{rate(rps(g))}, p99 {p99(g):.2f} ms{cpu_us('config', g)}",
              f"{rps(g) / rps(bg):.2f} × do-nothing GET" if bg else "")
    if st:
        t.add("GET /v1/consents/{id} (a returning visitor's page view)", f"{rate(rps(st))}, p99 {p99(st):.2f} ms{cpu_us('state', st)}",
              f"{rps(st) / rps(bg):.2f} × do-nothing GET" if bg else "")
    if c:
        ratio = rps(c) / rps(bp) if bp else None
        versus = f"{ratio:.2f} × do-nothing POST" if ratio is not None else ""
        if h:
            versus += f"; {rps(c) / rps(h):.2f} × healthz"
        if bo:
            versus += f"; {rps(c) / rps(bo):.2f} × durable do-nothing with time-ordered ids (as the engine's)"
        if bd:
            versus += f"; {rps(c) / rps(bd):.2f} × with random ids"
        if (cc := cpu_per_req("consents", c)) and (cb := cpu_per_req("baseline-consents", bp)):
            # Less disturbed by other guests than req/s: what a consent costs the server, whatever it got.
            versus += f"; server CPU per request {cc / cb:.1f} × the do-nothing POST's"
        t.add("POST /v1/consents (durable, synchronous = FULL)", f"{rate(rps(c))}{cpu_us('consents', c)}", versus,
              "≥ 0.50 × do-nothing POST", None if ratio is None else ratio >= 0.5 and errs(c) == 0)
        if bp:
            r99 = c["latency_us"]["p99"] / max(bp["latency_us"]["p99"], 1)
            t.add("POST /v1/consents p99 latency", f"{p99(c):.2f} ms", f"{r99:.1f} × do-nothing POST p99",
                  "≤ 2 × do-nothing POST p99", r99 <= 2)
    if seal:
        t.add("sealing, one core (per record)", rate(seal["per_second"]), "1.00 (baseline)")
    if k and seal:
        ratio = rps(k) / seal["per_second"]
        t.add("POST /v1/contact-requests", f"{rate(rps(k))}, p99 {p99(k):.2f} ms{cpu_us('contacts', k)}",
              f"{ratio:.2f} × one core" + (f" (per server CPU second: {1 / ck / seal['per_second']:.2f})"
                                            if (ck := cpu_per_req("contacts", k)) else ""),
              "≥ 0.50 × one core", ratio >= 0.5 and errs(k) == 0)

    # 4: export. Two baselines: `contacts show` on a 1-row database (process start + Argon2id unwrap,
    # as the brief defines it) and `export` on a 1-row database (the same command, so also its own
    # fixed costs: policy file, fsync of the answer). The target is judged against the second, which
    # isolates the lookup among n; the growth is judged on CPU time, which background load and fsync
    # latency do not blur.
    show = hf_mean(folder, "hf-show.json")
    one = hf_mean(folder, "hf-export-1.json")
    sizes = sorted(int(f[len("hf-export-"):-5]) for f in os.listdir(folder)
                   if f.startswith("hf-export-") and f.endswith(".json") and f != "hf-export-1.json")
    if show:
        t.add("per-process baseline: `contacts show` (1 row, Argon2id unwrap)",
              f"{ms(show[0])} ± {ms(show[1])} (min {ms(show[2])})", f"baseline; CPU (user+sys) {ms(show[4])}")
    if one and show:
        t.add("export, 1 row (baseline of the lookup)", f"{ms(one[0])} ± {ms(one[1])} (min {ms(one[2])})",
              f"{one[0] - show[0]:+.3f} s vs show (export's fixed costs + noise); CPU {ms(one[4])}")
    cpu = {}
    for n in sizes:
        m = hf_mean(folder, f"hf-export-{n}.json")
        cpu[n] = m[4]
        parts = []
        if show:
            parts.append(f"net vs show {ms(m[0] - show[0])}")
        if one:
            parts.append(f"vs 1 row {ms(m[0] - one[0])}")
        parts.append(f"CPU {ms(m[4])}")
        target, ok = "", None
        if n == max(sizes) and n >= 1_000_000 and one:
            target, ok = "vs 1 row < 50 ms", m[0] - one[0] < 0.050
        t.add(f"export --email among {fmt_n(n)}", f"{ms(m[0])} ± {ms(m[1])} (min {ms(m[2])})", "; ".join(parts), target, ok)
    # The growth: per-run CPU time with the sizes interleaved (export_cpu.py), so that a drift of
    # the host between one size's runs and the next's does not read as growth, judged on each
    # size's fastest run. The work is the same in every run of a size; what the host adds (other
    # guests, a cold cache, the Argon2id unwrap's 64 MiB) only ever adds time, up to 35 ms here, so
    # the fastest run is the closest to the export's own cost, and a real growth (a scan of 10^6
    # rows costs seconds) is in every run, the fastest included. Medians are shown beside it.
    # Runs of the script before it existed fall back to hyperfine's mean CPU per size.
    interleaved = load(folder, "export-cpu.json")
    if interleaved and len(interleaved["sizes"]) >= 2:
        fastest = {int(n): min(v["cpu_s"]) for n, v in interleaved["sizes"].items()}
        med = {int(n): v["median_s"] for n, v in interleaved["sizes"].items()}
        lo, hi = min(fastest), max(fastest)
        diff = fastest[hi] - fastest[lo]
        spread = max(max(v["cpu_s"]) - min(v["cpu_s"]) for v in interleaved["sizes"].values())
        t.add(f"export growth {fmt_n(lo)} → {fmt_n(hi)} (CPU time)", f"{diff * 1000:+.1f} ms",
              f"fastest of {interleaved['rounds']} runs per size, sizes interleaved ({ms(fastest[lo])} → {ms(fastest[hi])}; "
              f"medians {ms(med[lo])} → {ms(med[hi])}, {(med[hi] - med[lo]) * 1000:+.1f} ms; runs of one size spread up to "
              f"{ms(spread)}); log n: ×{math.log(hi) / math.log(lo):.2f} of the lookup, linear: ×{hi / lo:.0f}",
              "flat (< +10 ms)", diff < 0.010)
    elif len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        diff = cpu[hi] - cpu[lo]
        t.add(f"export growth {fmt_n(lo)} → {fmt_n(hi)} (CPU time)", f"{diff * 1000:+.1f} ms",
              f"hyperfine's mean CPU per size; log n: ×{math.log(hi) / math.log(lo):.2f} of the lookup, linear: ×{hi / lo:.0f}",
              "flat (< +10 ms)", diff < 0.010)

    # 5: purge.
    purges = sorted(int(f[len("purge-"):-5]) for f in os.listdir(folder) if f.startswith("purge-") and f.endswith(".json"))
    pdata = {n: load(folder, f"purge-{n}.json") for n in purges}
    for n in purges:
        p = pdata[n]
        target, ok = "", None
        if n >= 1_000_000:
            target, ok = "< 10 s", p["seconds"] < 10 and p["done"] == n and p["remaining"] == 0
        extra = f"{num(p['done'])} deleted, {num(p['remaining'])} left"
        took = (f"> {p['seconds']:.0f} s (stopped)" if p.get("timed_out") else f"{p['seconds']:.2f} s")
        t.add(f"purge of {fmt_n(n)} due requests", f"{took}, peak RSS {mib(p['max_rss_kib'])}",
              extra + (f"; {num(p['done'] / p['seconds'])} rows/s" if p["seconds"] > 0 else ""), target, ok)
        if p.get("timed_out"):
            notes.append(f"purge {fmt_n(n)}: stopped by BENCH_PURGE_TIMEOUT after {p['seconds']:.0f} s with "
                         f"{p['done']} of {n} deleted (a stopped purge loses nothing; the next run continues)")
        elif p["done"] != n or p["remaining"]:
            notes.append(f"purge {fmt_n(n)}: expected {n} deleted and 0 left, got {p['done']} and {p['remaining']}")
    if len(purges) >= 2:
        lo, hi = purges[0], purges[-1]
        r = pdata[hi]["max_rss_kib"] / pdata[lo]["max_rss_kib"]
        t.add(f"purge peak RSS {fmt_n(hi)} / {fmt_n(lo)}", f"{r:.2f}", "constant memory: ≈ 1", "≤ 1.20", r <= 1.2)

    # 6: server memory.
    srv = load(folder, "server.json")
    if srv:
        t.add("server peak RSS (VmHWM) after the load tests", mib(srv["vmhwm_kib"]),
              f"{srv['vmhwm_kib'] / srv['vmrss_start_kib']:.1f} × at start ({mib(srv['vmrss_start_kib'])})"
              if srv.get("vmrss_start_kib") else "", "< 100 MiB", srv["vmhwm_kib"] < 100 * 1024)
        if srv.get("checks"):
            notes.extend(srv["checks"])
    for extra in ("export-check.txt",):
        path = os.path.join(folder, extra)
        if os.path.exists(path):
            notes.extend(line.strip() for line in open(path) if line.strip())
    # The machine during each measured wrk run (/proc/stat): idle time is what neither the server nor
    # wrk used; steal time is what the hypervisor gave to other guests. Steal lowers every figure of
    # the run it falls in, and unevenly between runs, so a ratio across runs with different steal is
    # less reliable.
    host, stolen = [], []
    for mode, name in LOAD_RUNS:
        cpu = load(folder, f"cpu-{mode}.json")
        if not cpu or not cpu.get("machine_ticks"):
            continue
        cores = meta.get("nproc") or os.cpu_count() or 1
        idle = cpu["idle_ticks"] / cpu["machine_ticks"] * cores
        steal = cpu["steal_ticks"] / cpu["machine_ticks"] * cores
        # /proc/stat counts in the same ticks as the server's own counters; the rest of the busy
        # time is wrk and whatever else ran in this machine.
        server = cpu["server_cpu_s"] / cpu["machine_ticks"] * cores
        rest = max(cores - idle - steal - server, 0)
        host.append(f"{name} {server:.2f} / {rest:.2f} / {idle:.2f} / {steal:.2f}")
        if steal >= STEAL_NOTICE * cores:
            stolen.append(f"{name} ({steal / cores:.0%})")
    if host:
        notes.append("machine during the measured runs, server / wrk and other processes / idle / stolen by the "
                     "hypervisor (cores): " + "; ".join(host))
    if stolen:
        notes.append("OTHER GUESTS TOOK CPU TIME during " + ", ".join(stolen) + " (steal ≥ "
                     f"{STEAL_NOTICE:.0%} of the machine): those figures are lower than on a quiet machine, and "
                     "ratios between runs with different steal are less reliable")
    quiet = meta.get("quiet_check")
    if quiet:
        # The bench's own earlier steps do not count here: this was measured before any of them.
        busy = quiet["busy_cores"] > OTHER_WORK_CORES
        notes.append(f"before the run (2 s, nothing of the bench started yet): {quiet['busy_cores']:.2f} cores busy, "
                     f"{quiet['steal_cores']:.2f} stolen by the hypervisor"
                     + (" — OTHER WORK WAS RUNNING in this machine: the figures are lower than on a quiet machine"
                        if busy else ""))
    if meta.get("load_start"):
        first = float(meta["load_start"].split()[0])
        notes.append(f"load average (1, 5, 15 min) at start {meta['load_start']}, at end {meta.get('load_end', '?')}"
                     + (" — OTHER WORK WAS RUNNING on this machine: the figures are lower than on a quiet machine"
                        if first > 1.0 and not quiet else ""))
    if seal:
        notes.append(f"sealing-rate tool: {seal['backend']}, {seal['records']} records in {seal['seconds']} s wall, "
                     f"{seal.get('cpu_seconds', seal['seconds'])} s CPU, single-threaded (rate per CPU second; "
                     f"per wall second {rate(seal.get('per_wall_second', seal['per_second']))})")
    return meta, t, notes


def markdown(meta, t, notes):
    out = [START, "", "<!-- generated by scripts/bench; do not edit between the markers -->", ""]
    out.append(f"Run of {meta.get('date', '?')} at commit `{meta.get('commit', '?')}`"
               f"{' (with uncommitted changes)' if meta.get('dirty') else ''}: "
               f"{meta.get('nproc', '?')} cores ({meta.get('cpu', '?')}), {meta.get('memory', '?')} memory, "
               f"{meta.get('os', '?')}, {meta.get('swift', '?')}.")
    out.append("")
    out.append(f"Load: wrk {meta.get('connections', '?')} connections, {meta.get('threads', '?')} threads, "
               f"{meta.get('seconds', '?')} s per test, client and server on the same machine. "
               f"Export: hyperfine `--warmup 1 --runs 5`. Total run time {meta.get('elapsed', '?')}.")
    out.append("")
    out.append("| measure | value | vs. baseline of this run | target | |")
    out.append("| --- | --- | --- | --- | --- |")
    for row in t.rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    out.append("")
    if t.missed:
        out.append("Missed in this run (see above for why and what would reach each):")
        out.append("")
        out.extend(f"- {m}" for m in t.missed)
    else:
        out.append("Every target was met in this run.")
    if notes:
        out.append("")
        out.append("Checks and notes:")
        out.append("")
        out.extend(f"- {n}" for n in notes)
    out.append("")
    out.append(END)
    return "\n".join(out)


def terminal(meta, t, notes):
    headers = ("measure", "value", "vs. baseline", "target", "")
    rows = [headers] + t.rows
    widths = [min(max(len(r[i]) for r in rows), 60) for i in range(5)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    print()
    print(f"machine: {meta.get('nproc')} cores, {meta.get('cpu')}, {meta.get('memory')}; commit {meta.get('commit')}")
    print("\n".join(lines))
    print()
    for n in notes:
        print(f"note: {n}")
    print(f"{len([r for r in t.rows if r[4] == 'PASS'])} targets met, {len(t.missed)} missed")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    md_path = sys.argv[sys.argv.index("--markdown") + 1] if "--markdown" in sys.argv else None
    meta, t, notes = build(folder)
    if not t.rows:
        sys.exit("report: no results in " + folder)
    terminal(meta, t, notes)
    if md_path:
        section = markdown(meta, t, notes)
        text = open(md_path).read() if os.path.exists(md_path) else "# Benchmarks\n\n"
        if START in text and END in text:
            before = text[:text.index(START)]
            after = text[text.index(END) + len(END):]
            text = before + section + after
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        with open(md_path, "w") as f:
            f.write(text)
        print(f"wrote {md_path}")


if __name__ == "__main__":
    main()
