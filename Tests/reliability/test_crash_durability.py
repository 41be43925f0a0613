"""2xx means durable: a `kill -9` of the server under load loses no acknowledged consent.

Sixteen clients (threads, each with its own keep-alive connection) record consents as fast as
they can; the server is killed with SIGKILL mid-load and restarted on the same database. Every
consent whose 201 reached a client must then be found by GET with exactly the state the 201
reported (same ledger sequence and entry hash), and `privacyctl audit verify` must pass.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid

from conftest import Server, valid_consent

CLIENTS = 16
LOAD_SECONDS = 3.0
KILL_AFTER = 1.5


def client_loop(server: Server, port: int, index: int, stop: threading.Event, acked: list, errors: list,
                in_flight: list) -> None:
    rng = random.Random(index)
    conn = None
    while not stop.is_set():
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        consent_id = f"crash{index:02d}_{uuid.uuid4().hex}"
        method = rng.choice(["accept_all", "reject_all", "accept_selection"])
        body = valid_consent(consent_id=consent_id, method=method)
        if method == "accept_all":
            body["purposes"] = {"necessary": True, "external_media": True}
        elif method == "reject_all":
            body["purposes"] = {"necessary": True, "external_media": False}
        else:
            body["purposes"] = {"necessary": True, "external_media": rng.random() < 0.5}
            body["services"] = {"youtube": rng.random() < 0.5}
        in_flight.append(consent_id)
        try:
            conn.request("POST", "/v1/consents", body=json.dumps(body),
                         headers={"Content-Type": "application/json", "User-Agent": f"crash-client/{index}"})
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            # The server is gone (killed): the request may or may not have been committed.
            conn.close()
            conn = None
            time.sleep(0.05)
            continue
        if resp.status == 201:
            acked.append(json.loads(data))
        else:
            errors.append((resp.status, data[:300]))
    if conn is not None:
        conn.close()


def test_kill9_under_load_loses_no_acknowledged_consent(make_server):
    server = make_server("crash")
    port = server.port
    stop = threading.Event()
    acked: list[dict] = []
    errors: list = []
    in_flight: list[str] = []
    threads = [threading.Thread(target=client_loop, args=(server, port, i, stop, acked, errors, in_flight),
                                daemon=True) for i in range(CLIENTS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(KILL_AFTER)
    acked_before_kill = len(acked)
    server.kill9()
    killed_at = time.monotonic()
    time.sleep(max(0.0, LOAD_SECONDS - (killed_at - started)))
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads), "a client thread hangs"

    assert not errors, f"non-201 answers under load: {errors[:5]}"
    assert acked_before_kill > 0, "no consent was acknowledged before the kill: the load never ran"

    server.start(port=port)
    assert server.healthy()
    mismatches = []
    conn = server.connection()
    try:
        for state in acked:
            resp = server.request("GET", f"/v1/consents/{state['consent_id']}", conn=conn)
            if resp.status != 200:
                mismatches.append((state["consent_id"], state["receipt"]["sequence"], resp.status, resp.body[:200]))
                continue
            now = resp.json()
            if now != state:
                mismatches.append((state["consent_id"], state["receipt"]["sequence"], state, now))
    finally:
        conn.close()
    assert not mismatches, f"{len(mismatches)} of {len(acked)} acknowledged consents lost or changed: {mismatches[:3]}"

    sequences = [s["receipt"]["sequence"] for s in acked]
    assert len(set(sequences)) == len(sequences), "two acknowledged consents share a ledger sequence"
    assert len({s["consent_id"] for s in acked}) == len(acked)

    verify = server.cli("audit", "verify", "--json")
    assert verify.returncode == 0, f"audit verify exited {verify.returncode}: {verify.stdout!r} {verify.stderr!r}"
    report = json.loads(verify.stdout)
    assert report["ok"] is True, report
    entries = {c["chain"]: c for c in report["chains"]}["consent_ledger"]["entries"]
    # Each acknowledged consent is in the ledger; besides them at most the requests in flight at the kill.
    assert len(acked) <= entries <= len(acked) + CLIENTS, (len(acked), entries)
    assert max(sequences) <= entries
    print(f"{len(acked)} consents acknowledged ({acked_before_kill} before the kill), {entries} in the ledger, "
          f"{len(in_flight)} sent")
