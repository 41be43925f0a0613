"""An independent verifier of the engine's transparency log, written from docs/transparency-log.md
alone (hashlib and PyNaCl; no Swift code is called or ported). It checks checkpoint signatures
(C2SP signed note), receipts (RFC 9162 inclusion proofs) and consistency proofs."""
from __future__ import annotations

import base64
import hashlib

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey


class VerificationError(Exception):
    pass


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(leaf: bytes) -> bytes:
    return sha256(b"\x00" + leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


# -- signed notes (C2SP signed-note) -----------------------------------------------------------

def parse_verifier_key(line: str) -> tuple[str, bytes, bytes]:
    """`<name>+<hex8>+<base64(0x01 ‖ key)>` → (name, key hash, public key)."""
    name, hash_hex, key_b64 = line.strip().split("+", 2)
    raw = base64.b64decode(key_b64, validate=True)
    if len(raw) != 33 or raw[0] != 0x01:
        raise VerificationError("verifier key is not an Ed25519 key")
    key_hash = bytes.fromhex(hash_hex)
    if sha256(name.encode() + b"\n" + raw)[:4] != key_hash:
        raise VerificationError("verifier key hash does not match")
    return name, key_hash, raw[1:]


def open_note(note: str, verifier_key: str) -> str:
    """Checks the signature by `verifier_key` and returns the signed text."""
    name, key_hash, public_key = parse_verifier_key(verifier_key)
    cut = note.rindex("\n\n")
    text, signatures = note[: cut + 1], note[cut + 2:]
    if not signatures.endswith("\n"):
        raise VerificationError("signature block does not end in a newline")
    for line in signatures[:-1].split("\n"):
        dash, sig_name, sig_b64 = line.split(" ")
        if dash != "\u2014":
            raise VerificationError("signature line does not start with an em dash")
        raw = base64.b64decode(sig_b64, validate=True)
        if sig_name == name and raw[:4] == key_hash:
            try:
                VerifyKey(public_key).verify(text.encode(), raw[4:])
            except BadSignatureError as e:
                raise VerificationError("bad signature") from e
            return text
    raise VerificationError("no signature by the key")


def parse_checkpoint(text: str) -> dict:
    lines = text.split("\n")
    assert lines[-1] == ""
    out = {"origin": lines[0], "tree_size": int(lines[1]), "root": base64.b64decode(lines[2], validate=True)}
    for line in lines[3:-1]:
        parts = line.split(" ")
        if parts[0] == "audit-log":
            out["audit_log_size"] = int(parts[1])
            out["audit_log_root"] = base64.b64decode(parts[2], validate=True)
    return out


# -- RFC 9162 §2.1 -----------------------------------------------------------------------------

def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2, on the leaf hash."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_hash == second_hash
    if first & (first - 1) == 0:
        proof = [first_hash] + proof
    if not proof:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def mth(leaf_hashes: list[bytes]) -> bytes:
    """The tree hash of RFC 9162 §2.1.1, by its definition."""
    n = len(leaf_hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


# -- receipts ----------------------------------------------------------------------------------

def verify_receipt(receipt: dict, verifier_key: str) -> dict:
    """The steps of docs/transparency-log.md §5; returns the checkpoint."""
    leaf = base64.b64decode(receipt["leaf"], validate=True)
    if base64.b64encode(leaf_hash(leaf)).decode() != receipt["leaf_hash"]:
        raise VerificationError("leaf_hash is not SHA-256(0x00 ‖ leaf)")
    lines = leaf.decode().split("\n")
    if len(lines) != 6 or lines[0] != "consent-ledger-leaf/v1" or lines[5] != "":
        raise VerificationError("not a consent-ledger leaf")
    if int(lines[1]) != receipt["sequence"] or receipt["leaf_index"] != receipt["sequence"] - 1:
        raise VerificationError("sequence, leaf and leaf_index disagree")
    if receipt.get("pending"):
        raise VerificationError("pending")
    checkpoint = parse_checkpoint(open_note(receipt["checkpoint"], verifier_key))
    if checkpoint["tree_size"] != receipt["tree_size"]:
        raise VerificationError("tree_size differs from the checkpoint")
    proof = [base64.b64decode(p, validate=True) for p in receipt["inclusion_proof"]]
    if not verify_inclusion(receipt["leaf_index"], receipt["tree_size"], leaf_hash(leaf), proof, checkpoint["root"]):
        raise VerificationError("inclusion proof fails")
    return checkpoint
