#!/usr/bin/env python3
"""Fills an initialised privacyctl database with N consent-ledger entries *with* their Merkle leaves
and stored tree hashes (docs/transparency-log.md §1), for the transparency-log benchmark.

    transparency_fill.py --db DB --n N

Leaves have the real layout (seq, recorded_at, a random choice digest and personal digest); the
stored hashes are computed here with hashlib exactly as the engine stores them (Go tlog layout),
so roots, proofs and checkpoints over the filled tree are real. The hash-chain columns are random
bytes: `audit verify` would (rightly) reject this database; it is for timing only.
"""
import argparse
import base64
import hashlib
import json
import os
import sqlite3
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--chunk", type=int, default=50_000)
    args = ap.parse_args()
    started = time.perf_counter()
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    if db.execute("SELECT COUNT(*) FROM consent_ledger").fetchone()[0]:
        raise SystemExit("fill: start from a fresh `privacyctl init`")
    sha = hashlib.sha256
    stack = []          # (level, hash): the compact range
    stored_index = 0
    t0 = 1717236000000  # 2024-06-01T12:00:00+02:00
    ids = []
    db.execute("BEGIN")
    done = 0
    while done < args.n:
        count = min(args.chunk, args.n - done)
        rows, hashes = [], []
        rnd = os.urandom(count * 80)
        for j in range(count):
            seq = done + j + 1
            r = rnd[j * 80:(j + 1) * 80]
            consent_id = base64.urlsafe_b64encode(r[:16]).decode().rstrip("=")
            if seq in (1, args.n) or seq % 100_000 == 0:
                ids.append(consent_id)
            recorded = t0 + seq
            leaf = (f"consent-ledger-leaf/v1\n{seq}\n{recorded}\n"
                    f"{base64.b64encode(r[16:48]).decode()}\n{base64.b64encode(r[48:80]).decode()}\n").encode()
            h = sha(b"\x00" + leaf).digest()
            hashes.append((0, stored_index, h)); stored_index += 1
            level = 0
            while stack and stack[-1][0] == level:
                h = sha(b"\x01" + stack.pop()[1] + h).digest()
                level += 1
                hashes.append((0, stored_index, h)); stored_index += 1
            stack.append((level, h))
            rows.append((seq, consent_id, recorded, recorded + 86400000 * 365, "2024-03-01", "reject_all", "web",
                         '{"external_media":false,"necessary":true}', '{"google_maps":false,"youtube":false}',
                         r[:32], r[32:64], r[48:80], leaf, r[:32]))
        db.executemany(
            "INSERT INTO consent_ledger (seq, consent_id, recorded_at, expires_at, policy_version, method, source, "
            "purposes, services, content_hash, prev_hash, entry_hash, leaf, leaf_salt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows)
        db.executemany("INSERT INTO merkle_hashes (tree, idx, hash) VALUES (?, ?, ?)", hashes)
        done += count
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(json.dumps({"rows": args.n, "seconds": round(time.perf_counter() - started, 1), "consent_ids": ids,
                      "bytes": os.path.getsize(args.db)}))


if __name__ == "__main__":
    main()
