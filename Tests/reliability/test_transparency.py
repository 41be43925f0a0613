"""The transparency log checked from the outside: the real server and CLI produce checkpoints,
receipts and consistency proofs; `transparency_verifier.py` (written from docs/transparency-log.md,
hashlib + PyNaCl only) checks them."""
from __future__ import annotations

import base64
import json
import subprocess

import pytest

from conftest import valid_consent
from transparency_verifier import (VerificationError, leaf_hash, mth, open_note, parse_checkpoint,
                                   verify_consistency, verify_inclusion, verify_receipt)


def test_rfc9162_vectors_of_the_independent_verifier():
    # The verifier itself against its own definition of MTH, so a bug there cannot hide a bug in Swift.
    leaves = [leaf_hash(bytes([i])) for i in range(9)]
    assert mth([]) == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert verify_inclusion(8, 9, leaves[8], [mth(leaves[:8])], mth(leaves))
    assert not verify_inclusion(8, 9, leaves[7], [mth(leaves[:8])], mth(leaves))
    assert verify_consistency(8, 9, mth(leaves[:8]), mth(leaves), [leaves[8]])


def post_consent(server) -> str:
    resp = server.request("POST", "/v1/consents", valid_consent())
    assert resp.status == 201, resp.body
    return resp.json()["consent_id"]


def test_checkpoint_receipt_and_consistency_verify_independently(make_server):
    server = make_server("transparency")
    verifier_key = (server.key_dir / "audit.pub").read_text()
    ids = [post_consent(server) for _ in range(5)]

    pending = server.request("GET", f"/v1/consents/{ids[2]}/receipt").json()
    assert pending["pending"] is True and pending["inclusion_proof"] is None
    with pytest.raises(VerificationError):
        verify_receipt(pending, verifier_key)

    first = server.cli_json("audit", "checkpoint")
    text = open_note(first["checkpoint"], verifier_key)
    cp = parse_checkpoint(text)
    assert cp["tree_size"] == first["tree_size"] == 5
    assert base64.b64encode(cp["root"]).decode() == first["root_hash"]
    assert cp["audit_log_size"] == first["audit_log_size"]

    receipt = server.request("GET", f"/v1/consents/{ids[2]}/receipt").json()
    assert receipt["pending"] is False and receipt["sequence"] == 3
    assert verify_receipt(receipt, verifier_key)["tree_size"] == 5

    # The CLI's offline check agrees, and a receipt with an altered proof fails both.
    path = server.dir / "receipt.json"
    path.write_text(json.dumps(receipt))
    assert server.cli("receipt", "verify", str(path)).returncode == 0
    bad = dict(receipt, inclusion_proof=[base64.b64encode(b"\x00" * 32).decode()] + receipt["inclusion_proof"][1:])
    with pytest.raises(VerificationError):
        verify_receipt(bad, verifier_key)
    path.write_text(json.dumps(bad))
    result = server.cli("receipt", "verify", str(path))
    assert result.returncode == 4, result.stderr
    assert b"inclusion proof" in result.stderr

    # More entries, a second checkpoint: the consistency proof from the first verifies.
    for _ in range(4):
        post_consent(server)
    second = server.cli_json("audit", "checkpoint")
    cp2 = parse_checkpoint(open_note(second["checkpoint"], verifier_key))
    assert cp2["tree_size"] == 9
    report = json.loads(server.cli("audit", "verify", "--json").stdout)
    assert report["ok"] is True
    checked = [c for c in report["transparency"]["checkpoints"] if c["consistency"]]
    proofs = [p for c in checked for p in c["consistency"]
              if p["tree"] == "consent_ledger" and p["old_size"] == 5 and p["new_size"] == 9]
    assert proofs, report
    proof = [base64.b64decode(h) for h in proofs[0]["proof"]]
    assert verify_consistency(5, 9, cp["root"], cp2["root"], proof)
    assert not verify_consistency(5, 9, cp2["root"], cp2["root"], proof)


def test_rewritten_history_fails_verify_naming_the_checkpoint(make_server):
    server = make_server("rewrite")
    for _ in range(3):
        post_consent(server)
    kept = server.cli_json("audit", "checkpoint")["checkpoint"]
    (server.dir / "kept.txt").write_text(kept)
    server.stop()
    import sqlite3
    db = sqlite3.connect(server.database)
    db.execute("UPDATE consent_ledger SET leaf = CAST(replace(CAST(leaf AS TEXT), char(10) || '2' || char(10), char(10) || '2' || char(10)) || 'x' AS BLOB) WHERE seq = 2")
    db.commit()
    db.close()
    result = server.cli("audit", "verify", "--checkpoint", str(server.dir / "kept.txt"))
    assert result.returncode == 4, result.stdout + result.stderr
    assert b"kept.txt" in result.stderr or b"checkpoint of" in result.stderr
