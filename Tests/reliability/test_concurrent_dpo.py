"""The DPO's commands run while the website writes: one SQLite file, two kinds of writers.

Eight client threads record consents and submit contact requests through the server for ~5 s
while `privacyctl export`, `erase`, `purge --dry-run`, `purge`, `consent show` and `audit verify`
run as separate processes in a loop on the same database. No command may fail, no client may get
a 5xx or see "database is locked", and every acknowledged consent is readable afterwards.
"""

from __future__ import annotations

import http.client
import json
import random
import sqlite3
import threading
import time
import uuid


from conftest import Server, valid_consent, valid_contact

CLIENTS = 8
LOAD_SECONDS = 5.0
PEOPLE = [f"person{i}@example.org" for i in range(5)]
VICTIM = "erase-me@example.org"   # `erase --email` removes this one's requests, again and again


def client_loop(port: int, index: int, stop: threading.Event, acked: list, contacts: list, bad: list) -> None:
    rng = random.Random(1000 + index)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        while not stop.is_set():
            if rng.random() < 0.6:
                body = valid_consent(consent_id=f"dpo{index}_{uuid.uuid4().hex[:20]}")
                path = "/v1/consents"
            else:
                email = VICTIM if rng.random() < 0.3 else rng.choice(PEOPLE)
                body = valid_contact(email=email, name=f"Client {index}", message=f"request {uuid.uuid4().hex}")
                path = "/v1/contact-requests"
            try:
                conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                bad.append((path, "connection", repr(e)))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                continue
            if b"locked" in data.lower() or resp.status >= 500 or resp.status != 201:
                bad.append((path, resp.status, data[:300]))
            elif path == "/v1/consents":
                acked.append(json.loads(data))
            else:
                contacts.append((body["email"], json.loads(data)["reference"]))
    finally:
        conn.close()


def run_dpo(server: Server, out_dir, acked: list) -> list[tuple[str, int, str]]:
    """One round of the DPO's commands; returns the failures (command, exit code, stderr)."""
    failures = []

    def run(args: list[str], ok: tuple[int, ...] = (0,)):
        result = server.cli(*args, timeout=60)
        stderr = result.stderr.decode(errors="replace")
        if result.returncode not in ok or "locked" in stderr.lower():
            failures.append((" ".join(args), result.returncode, stderr[-500:] + result.stdout.decode(errors="replace")[-300:]))
        return result

    person = random.choice(PEOPLE)
    out = out_dir / f"export-{uuid.uuid4().hex[:8]}.json"
    # Not found (3) is expected only before the first request of that person has arrived.
    result = run(["export", "--email", person, "--out", str(out)], ok=(0, 3))
    if result.returncode == 0:
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert person in json.dumps(doc, ensure_ascii=False), f"export for {person} does not name them"
    run(["erase", "--email", VICTIM], ok=(0, 3))
    run(["purge", "--dry-run"])
    run(["purge"])
    if acked:
        run(["consent", "show", acked[-1]["consent_id"], "--json"])
    run(["audit", "verify"])
    return failures


def test_dpo_commands_while_the_website_writes(make_server, tmp_path):
    server = make_server("dpo")
    stop = threading.Event()
    acked: list[dict] = []
    contacts: list = []
    bad: list = []
    threads = [threading.Thread(target=client_loop, args=(server.port, i, stop, acked, contacts, bad), daemon=True)
               for i in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(0.3)  # let the first requests arrive
    failures = []
    rounds = 0
    deadline = time.monotonic() + LOAD_SECONDS
    while time.monotonic() < deadline or rounds == 0:
        failures += run_dpo(server, tmp_path, acked)
        rounds += 1
    stop.set()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "a client thread hangs"

    assert not failures, f"DPO commands failed during load ({rounds} rounds): {failures[:5]}"
    assert not bad, f"clients got errors during the DPO's commands: {bad[:5]}"
    assert acked and contacts, (len(acked), len(contacts))

    # Every acknowledged consent is readable, with the state its 201 reported.
    conn = server.connection()
    try:
        for state in acked:
            resp = server.request("GET", f"/v1/consents/{state['consent_id']}", conn=conn)
            assert resp.status == 200, (state["consent_id"], resp.status, resp.body[:200])
            assert resp.json() == state
    finally:
        conn.close()

    # Every contact request of anyone but the erased person is still there (only the victim's
    # may be missing: `erase` ran on them while they kept arriving).
    listed = server.cli_json("contacts", "list")
    listed_refs = {c["reference"] for c in listed}
    missing = [(email, ref) for email, ref in contacts if ref not in listed_refs and email != VICTIM]
    assert not missing, f"contact requests lost: {missing[:5]}"

    final = server.cli("audit", "verify", "--json")
    assert final.returncode == 0, final
    report = json.loads(final.stdout)
    assert report["ok"] is True, report
    print(f"{rounds} DPO rounds, {len(acked)} consents, {len(contacts)} contact requests")


def test_purge_while_another_connection_checkpoints(make_server):
    """`purge` must not fail because another connection is checkpointing the WAL at that moment
    (SQLite answers a concurrent checkpoint SQLITE_BUSY at once, without the busy timeout; the
    server's automatic checkpoints do this all the time under load). Here a neighbour checkpoints
    in a loop while the website writes; every purge must still exit 0."""
    server = make_server("checkpoint")
    stop = threading.Event()
    acked: list[dict] = []
    contacts: list = []
    bad: list = []
    clients = [threading.Thread(target=client_loop, args=(server.port, i, stop, acked, contacts, bad), daemon=True)
               for i in range(2)]
    for t in clients:
        t.start()
    halt = threading.Event()

    def neighbour():
        con = sqlite3.connect(str(server.database), timeout=10)
        try:
            while not halt.is_set():
                con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                time.sleep(0.001)
        finally:
            con.close()

    checkpointer = threading.Thread(target=neighbour, daemon=True)
    checkpointer.start()
    results = []
    try:
        time.sleep(0.3)
        for _ in range(5):
            r = server.cli("purge", timeout=60)
            results.append((r.returncode, r.stderr.decode(errors="replace")[-200:]))
    finally:
        halt.set()
        stop.set()
        checkpointer.join(timeout=10)
        for t in clients:
            t.join(timeout=20)
    assert not bad, bad[:5]
    assert all(code == 0 for code, _ in results), results
