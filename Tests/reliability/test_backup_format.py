"""The backup file format (docs/backups.md), checked by code that did not write it.

PyNaCl, not the engine, does every step: it unwraps `vault.key` with the passphrase (Argon2id,
XChaCha20-Poly1305, format in Sources/Vault/KeyDirectory.swift), opens the sealed stream key
(`crypto_box_seal_open`), pulls the secretstream chunks with the header as associated data, and
hands the result to Python's own sqlite3. A flipped byte anywhere, a cut-off file or bytes after
the FINAL chunk must fail in PyNaCl too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import struct
from pathlib import Path

import nacl.bindings as b
import nacl.exceptions
import pytest

from conftest import PASSPHRASE, valid_consent, valid_contact

UA = "BackupFormatProbe/1.0"


def unwrap_secret_key(key_dir: Path) -> tuple[bytes, bytes]:
    """(public key, secret key) from vault.key, as its documented layout says."""
    data = (key_dir / "vault.key").read_bytes()
    assert data[:4] == b"PVSK" and data[4] == 1
    alg = data[5]
    ops, mem = struct.unpack("<QQ", data[6:22])
    salt = data[22:38]
    key_id, pk, nonce = data[38:46], data[46:78], data[78:102]
    header, cipher = data[:102], data[102:]
    wrapping = b.crypto_pwhash_alg(32, PASSPHRASE.encode(), salt, ops, mem, alg)
    sk = b.crypto_aead_xchacha20poly1305_ietf_decrypt(cipher, header, nonce, wrapping)
    assert hashlib.blake2b(pk, digest_size=8).digest() == key_id
    return pk, sk


def parse(data: bytes) -> dict:
    """The clear header, byte by byte as docs/backups.md describes it."""
    assert data[:4] == b"PVBK", "magic"
    assert data[4] == 1 and data[5] == 0, "version, flags"
    key_id = data[6:14]
    (length,) = struct.unpack(">I", data[14:18])
    manifest = data[18:18 + length]
    sealed_key = data[18 + length:18 + length + 80]
    stream_header = data[18 + length + 80:18 + length + 104]
    return {"key_id": key_id, "manifest": json.loads(manifest), "sealed_key": sealed_key,
            "stream_header": stream_header, "header": data[:18 + length + 104], "chunks": 18 + length + 104}


def decrypt(data: bytes, pk: bytes, sk: bytes) -> bytes:
    h = parse(data)
    key = b.crypto_box_seal_open(h["sealed_key"], pk, sk)
    state = b.crypto_secretstream_xchacha20poly1305_state()
    b.crypto_secretstream_xchacha20poly1305_init_pull(state, h["stream_header"], key)
    pos, out, final = h["chunks"], bytearray(), False
    while pos < len(data):
        assert not final, "bytes after the FINAL chunk"
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        chunk = data[pos + 4:pos + 4 + n]
        assert len(chunk) == n, "cut off inside a chunk"
        plain, tag = b.crypto_secretstream_xchacha20poly1305_pull(state, chunk, h["header"])
        out += plain
        final = tag == b.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        pos += 4 + n
    assert final, "the FINAL chunk is missing"
    return bytes(out)


@pytest.fixture(scope="module")
def backup(make_server):
    srv = make_server("backup")
    ids = []
    for _ in range(20):
        # Grants: a refusal would be stored without IP prefix and user agent (issue 15's minimisation).
        r = srv.request("POST", "/v1/consents", valid_consent(purposes={"necessary": True, "external_media": True}),
                        headers={"User-Agent": UA})
        assert r.status == 201, r.body
        ids.append(r.json()["consent_id"])
    r = srv.request("POST", "/v1/contact-requests", valid_contact(consent_id=ids[0]), headers={"User-Agent": UA})
    assert r.status == 201, r.body
    out = srv.dir / "format.pvbk"
    made = srv.cli("backup", "--out", str(out), "--json", passphrase=False, check=True)
    manifest = json.loads(made.stdout)
    assert manifest.pop("file") == str(out)
    return srv, out, manifest, ids


def test_header_and_manifest_read_without_a_key(backup):
    srv, out, manifest, _ids = backup
    data = out.read_bytes()
    assert out.stat().st_mode & 0o777 == 0o600
    h = parse(data)
    assert h["manifest"] == manifest
    pub = dict(line.split(": ", 1) for line in (srv.key_dir / "vault.pub").read_text().splitlines() if ": " in line)
    pk = base64.b64decode(pub["public-key"])
    assert h["key_id"] == hashlib.blake2b(pk, digest_size=8).digest()
    assert manifest["key_id"] == h["key_id"].hex()
    assert manifest["format"] == "privacy-engine-backup" and manifest["format_version"] == 1
    assert "newest_checkpoint" in manifest and manifest["newest_checkpoint"] is None
    assert manifest["database"]["consent_ledger_entries"] == 20
    assert manifest["database"]["contact_requests"] == 1


def test_nothing_personal_is_readable(backup):
    _srv, out, _manifest, ids = backup
    data = out.read_bytes()
    for marker in [*ids, "erika@example.org", "Erika Mustermann", "127.0.0", UA]:
        assert marker.encode() not in data, marker


def test_pynacl_decrypts_it_into_the_database_the_manifest_describes(backup, tmp_path):
    srv, out, manifest, ids = backup
    pk, sk = unwrap_secret_key(srv.key_dir)
    plain = decrypt(out.read_bytes(), pk, sk)
    assert len(plain) == manifest["payload_bytes"]
    # What the byte scan of the encrypted file looks for is really in the payload.
    assert UA.encode() in plain and ids[0].encode() in plain and b"127.0.0" in plain
    db = tmp_path / "copy.sqlite"
    db.write_bytes(plain)
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n, max_seq = con.execute("SELECT COUNT(*), MAX(seq) FROM consent_ledger").fetchone()
        assert (n, max_seq) == (manifest["database"]["consent_ledger_entries"], manifest["database"]["consent_ledger_max_seq"])
        stored = {row[0] for row in con.execute("SELECT consent_id FROM consent_ledger")}
        assert set(ids) <= stored
        assert con.execute("SELECT COUNT(*) FROM contact_requests").fetchone()[0] == 1
    finally:
        con.close()


@pytest.mark.parametrize("where", ["manifest", "sealed_key", "stream_header", "chunk", "truncate", "append"])
def test_pynacl_refuses_a_damaged_file(backup, where):
    srv, out, _manifest, _ids = backup
    pk, sk = unwrap_secret_key(srv.key_dir)
    data = bytearray(out.read_bytes())
    h = parse(bytes(data))
    length = len(h["header"]) - 104 - 18
    if where == "manifest":
        # Still valid JSON of the same length and meaning: only the authentication can notice.
        i = bytes(data).index(b'"created_at_ms":', 18) + len(b'"created_at_ms":') + 3
        data[i] = ord("0") + (data[i] - ord("0") + 1) % 10
    elif where == "sealed_key":
        data[18 + length + 10] ^= 1
    elif where == "stream_header":
        data[18 + length + 80 + 10] ^= 1
    elif where == "chunk":
        data[h["chunks"] + 4 + 100] ^= 1
    elif where == "truncate":
        del data[-20:]
    else:
        data += struct.pack(">I", 17) + bytes(17)
    with pytest.raises((nacl.exceptions.CryptoError, AssertionError, ValueError)):
        decrypt(bytes(data), pk, sk)
    # The engine refuses it as well, with exit 4, and writes no database.
    damaged = srv.dir / f"damaged-{where}.pvbk"
    damaged.write_bytes(bytes(data))
    target = srv.dir / f"restored-{where}" / "db.sqlite"
    live = srv.database
    srv.database = target
    try:
        result = srv.cli("restore", str(damaged))
    finally:
        srv.database = live
    assert result.returncode == 4, result.stderr
    assert not target.exists()


def test_tombstone_file_by_its_documented_format(backup):
    """`erase` leaves a hash-chained JSON line without personal data, checked with hashlib."""
    srv, _out, _manifest, ids = backup
    srv.cli("erase", "--consent-id", ids[1], check=True)
    srv.cli("erase", "--email", "erika@example.org", check=True)
    path = srv.dir / "tombstones.log"
    assert path.stat().st_mode & 0o777 == 0o600
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    prev = "0" * 64
    lines = raw[:-1].split(b"\n")
    assert len(lines) == 2
    for seq, line in enumerate(lines, start=1):
        t = json.loads(line)
        assert t["v"] == 1 and t["seq"] == seq and t["prev"] == prev and t["kind"] == "erasure"
        prev = hashlib.blake2b(line, digest_size=32).hexdigest()
    for marker in [*ids, "erika", "Erika"]:
        assert marker.encode() not in raw, marker
    first, second = (json.loads(line) for line in lines)
    assert len(first["contacts_by_consent_index"]) == 1 and first["contacts_by_email_index"] == []
    assert len(second["contacts_by_email_index"]) == 1 and len(second["ledger_by_consent_index"]) == 1
