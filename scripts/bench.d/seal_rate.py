#!/usr/bin/env python3
"""What one core seals per second: the per-record crypto of a contact request, single-threaded.

Per record, the same work as `Sealer.seal` + `BlindIndex.value(forEmail:)` in the Swift code:
  - a fresh 32-byte data key (randombytes_buf),
  - crypto_box_seal of that data key to the vault's X25519 public key,
  - a fresh 24-byte nonce and XChaCha20-Poly1305 (IETF) of a ~300-byte payload with the cell's
    associated data (version byte + "contact_requests/<ref>/sealed"),
  - keyed BLAKE2b, 16 bytes, of the normalised address (the blind index).

Backend: the system libsodium through ctypes (the very library `privacyctl serve` links), or PyNaCl
when no system libsodium is found (`pip install pynacl`). Python's own per-call overhead is a few
microseconds per record, so this slightly *under*states the C rate; the ratio against the server is
therefore slightly in the server's favour.

Prints one JSON object: {"backend", "seconds", "cpu_seconds", "records", "per_second" (per CPU second of
this thread), "per_wall_second"}.
"""
import ctypes
import ctypes.util
import json
import os
import sys
import time

SECONDS = float(os.environ.get("BENCH_SEAL_SECONDS", sys.argv[1] if len(sys.argv) > 1 else "3"))
PAYLOAD = (b'{"form":{"callback_time":"werktags nach 16 Uhr","email":"bench+1-1@example.org",'
           b'"message":"Guten Tag, ich interessiere mich fuer das Nachbarschaftsfest im Juni und moechte gern beim '
           b'Aufbau helfen. Bitte rufen Sie mich zurueck.","name":"Erika Mustermann","phone":"+49 3605 123456"},'
           b'"privacy_notice_accepted_at":"2024-06-01T10:00:00.000Z"}')
AD = b"\x01contact_requests/CR-0123456789ABCDEFGHJKMNPQRS/sealed"
EMAIL = b"email:bench+1-1@example.org"


def with_ctypes():
    name = ctypes.util.find_library("sodium")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    if lib.sodium_init() < 0:
        return None
    ver = ctypes.c_char_p
    lib.sodium_version_string.restype = ver
    version = lib.sodium_version_string().decode()
    pk = ctypes.create_string_buffer(32)
    sk = ctypes.create_string_buffer(32)
    lib.crypto_box_keypair(pk, sk)
    index_key = ctypes.create_string_buffer(os.urandom(32), 32)
    data_key = ctypes.create_string_buffer(32)
    wrapped = ctypes.create_string_buffer(32 + 48)
    nonce = ctypes.create_string_buffer(24)
    cipher = ctypes.create_string_buffer(len(PAYLOAD) + 16)
    clen = ctypes.c_ulonglong(0)
    index = ctypes.create_string_buffer(16)
    u64 = ctypes.c_ulonglong
    randombytes_buf = lib.randombytes_buf
    box_seal = lib.crypto_box_seal
    aead = lib.crypto_aead_xchacha20poly1305_ietf_encrypt
    generichash = lib.crypto_generichash
    generichash.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, u64, ctypes.c_char_p, ctypes.c_size_t]
    box_seal.argtypes = [ctypes.c_char_p, ctypes.c_char_p, u64, ctypes.c_char_p]
    aead.argtypes = [ctypes.c_char_p, ctypes.POINTER(u64), ctypes.c_char_p, u64, ctypes.c_char_p, u64,
                     ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    randombytes_buf.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    plen, adlen, elen = len(PAYLOAD), len(AD), len(EMAIL)
    clen_ref = ctypes.byref(clen)

    def one():
        randombytes_buf(data_key, 32)
        if box_seal(wrapped, data_key, 32, pk) != 0:
            raise RuntimeError("crypto_box_seal failed")
        randombytes_buf(nonce, 24)
        if aead(cipher, clen_ref, PAYLOAD, plen, AD, adlen, None, nonce, data_key) != 0:
            raise RuntimeError("xchacha20poly1305 failed")
        generichash(index, 16, EMAIL, elen, index_key, 32)

    return f"system libsodium {version} (ctypes, {name})", one


def with_pynacl():
    try:
        from nacl import bindings as b
        from nacl.public import PrivateKey
    except ImportError:
        return None
    pk = bytes(PrivateKey.generate().public_key)
    index_key = os.urandom(32)

    def one():
        data_key = os.urandom(32)
        b.crypto_box_seal(data_key, pk)
        nonce = os.urandom(24)
        b.crypto_aead_xchacha20poly1305_ietf_encrypt(PAYLOAD, AD, nonce, data_key)
        b.crypto_generichash_blake2b_salt_personal(EMAIL, digest_size=16, key=index_key)

    import nacl
    return f"PyNaCl {nacl.__version__} (bundled libsodium)", one


def main():
    chosen = None if os.environ.get("BENCH_SEAL_BACKEND") == "pynacl" else with_ctypes()
    chosen = chosen or with_pynacl()
    if not chosen:
        sys.exit("seal_rate: neither a system libsodium nor PyNaCl is available (apt-get install libsodium23, or pip install pynacl)")
    backend, one = chosen
    for _ in range(200):  # warm up
        one()
    records = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    deadline = start + SECONDS
    while True:
        for _ in range(100):
            one()
        records += 100
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed, cpu = now - start, time.process_time() - cpu_start
    # The rate is taken over the CPU time this thread got, so that other work on the machine does not
    # lower "what one core seals"; the wall-clock rate is reported alongside.
    print(json.dumps({"backend": backend, "seconds": round(elapsed, 3), "cpu_seconds": round(cpu, 3),
                      "records": records, "per_second": records / cpu, "per_wall_second": records / elapsed}))


if __name__ == "__main__":
    main()
