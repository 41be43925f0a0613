#!/usr/bin/env python3
"""Fills a fresh privacyctl database with N contact requests for the export and purge benchmarks.

    seed.py --db DB --n N --source SERVER_DB --reference REF

- ONE real request, copied byte for byte from SERVER_DB (where `privacyctl serve` created it
  through POST /v1/contact-requests): sealed to the real key, its blind index computed by the
  server. `privacyctl export --email <that address>` must find and open exactly this one.
- N-1 fillers as the server would store them: a random `reference` (CR- + 26 Crockford base32),
  `received_at` rising with insertion order through 2024-01-01 .. 2024-05-31 (ms since 1970,
  so the rowid order follows time as in real intake), the real `policy_version` and `key_id`, a
  random `sealed` blob of 400 bytes (version byte and key id in front, like a real box), a random
  16-byte `email_index`, and a random `consent_index` on every third row (NULL otherwise).

The database must already exist (`privacyctl init --database DB ...`): the schema is the engine's
own. For speed, the secondary indexes of contact_requests are dropped, the rows inserted, and the
indexes re-created from their own stored SQL, so the file ends up with exactly the engine's schema.
No ANALYZE is run (the engine does not run one either).
"""
import argparse
import json
import os
import sqlite3
import sys
import time

ALPHABET = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TO_ALPHABET = bytes(ALPHABET[b & 31] for b in range(256))   # as Reference.random: byte & 31
START_MS = 1704063600000   # 2024-01-01T00:00:00+01:00
END_MS = 1717106400000     # 2024-05-31T00:00:00+02:00


def references(count: int) -> list:
    """`count` references as `Reference.random` makes them: CR- and 26 Crockford base32 characters."""
    text = os.urandom(26 * count).translate(TO_ALPHABET).decode()
    return ["CR-" + text[i * 26:i * 26 + 26] for i in range(count)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, required=True, help="total rows, the real one included")
    ap.add_argument("--source", required=True, help="the server's database holding the real request")
    ap.add_argument("--reference", required=True, help="the real request's reference")
    ap.add_argument("--chunk", type=int, default=50_000)
    args = ap.parse_args()
    started = time.perf_counter()

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -524288")  # 512 MiB: the unique index on reference stays in memory
    src = sqlite3.connect(f"file:{args.source}?mode=ro", uri=True)
    real = src.execute(
        "SELECT reference, received_at, policy_version, key_id, sealed, email_index, consent_index "
        "FROM contact_requests WHERE reference = ?", (args.reference,)).fetchone()
    src.close()
    if real is None:
        sys.exit(f"seed: no contact request {args.reference} in {args.source}")
    _, _, policy_version, key_id, real_sealed, _, _ = real
    key_id_bytes = bytes.fromhex(key_id)

    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact_requests' AND sql IS NOT NULL"
    ).fetchall()
    if len(indexes) < 4:
        sys.exit(f"seed: expected the engine's indexes on contact_requests, found {[n for n, _ in indexes]}")
    existing = db.execute("SELECT COUNT(*) FROM contact_requests").fetchone()[0]
    if existing:
        sys.exit(f"seed: {args.db} already holds {existing} contact requests; start from a fresh `privacyctl init`")

    db.execute("BEGIN")
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    fillers = args.n - 1
    step = (END_MS - START_MS) / max(fillers, 1)
    done = 0
    sealed_len = len(real_sealed)  # fillers as large as a real box
    head = b"\x01" + key_id_bytes
    while done < fillers:
        count = min(args.chunk, fillers - done)
        blob = os.urandom(count * (sealed_len - len(head) + 16 + 16))
        rows = []
        refs = references(count)
        o = 0
        body_len = sealed_len - len(head)
        for i in range(done, done + count):
            sealed = head + blob[o:o + body_len]; o += body_len
            email_index = blob[o:o + 16]; o += 16
            consent_index = blob[o:o + 16] if i % 3 == 0 else None; o += 16
            received_at = START_MS + int(i * step)
            rows.append((refs[i - done], received_at, policy_version, key_id, sealed, email_index, consent_index))
        db.executemany(
            "INSERT INTO contact_requests (reference, received_at, policy_version, key_id, sealed, email_index, consent_index) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        done += count
    db.execute(
        "INSERT INTO contact_requests (reference, received_at, policy_version, key_id, sealed, email_index, consent_index) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", real)
    for _, sql in indexes:
        db.execute(sql)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = db.execute("SELECT COUNT(*) FROM contact_requests").fetchone()[0]
    db.close()
    print(json.dumps({"db": args.db, "rows": total, "seconds": round(time.perf_counter() - started, 2),
                      "bytes": os.path.getsize(args.db), "real_sealed_bytes": len(real_sealed)}))


if __name__ == "__main__":
    main()
