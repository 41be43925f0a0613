"""Randomised input: whatever bytes or JSON arrive, the server answers with a status below 500
and, for every error, the envelope; whatever a policy file turns into, `privacyctl policy check`
exits 0 or 2 (never a crash) and names FILE:LINE: for what it rejects.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import (POLICY, POLICY_VERSION, PRIVACYCTL, Server, assert_envelope, base_env, valid_consent,
                      valid_contact)

HTTP_SETTINGS = settings(max_examples=300, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                HealthCheck.data_too_large])

# -- strategies ------------------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
                    st.sampled_from(["", "accept_all", "reject_all", "withdraw", "accept_selection", POLICY_VERSION,
                                     "necessary", "external_media", "youtube", "google_maps", "a@b.de",
                                     "\u0000", "\ud7ff", "👩\u200d👩\u200d👧", "x" * 300]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=20)

CONSENT_KEYS = ["consent_id", "policy_version", "purposes", "services", "method", "page_url", "language"]
CONTACT_KEYS = ["name", "email", "phone", "message", "callback_time", "privacy_notice_accepted", "consent_id"]


def near_valid(base: dict, keys: list[str]):
    """A valid body with some fields replaced, removed or added: reaches the deeper rules."""
    return st.tuples(
        st.dictionaries(st.sampled_from(keys), json_values, max_size=4),
        st.sets(st.sampled_from(keys), max_size=3),
        st.dictionaries(st.text(max_size=10), json_values, max_size=2),
    ).map(lambda t: {**{k: v for k, v in base.items() if k not in t[1]}, **t[2], **t[0]})


def byte_mutations(seed: bytes):
    """Bytes near a valid body: flips, cuts, insertions of arbitrary bytes."""
    def mutate(ops):
        data = bytearray(seed)
        for kind, pos, payload in ops:
            p = pos % (len(data) + 1)
            if kind == 0:
                data[p:p] = payload
            elif kind == 1:
                del data[p:p + len(payload) + 1]
            elif kind == 2 and data:
                data[p % len(data)] = payload[0] if payload else 0
        return bytes(data)
    return st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.binary(min_size=1, max_size=6)),
                    min_size=1, max_size=4).map(mutate)


def bodies(base: dict, keys: list[str]):
    encoded = json.dumps(base).encode()
    return st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        near_valid(base, keys).map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
        near_valid(base, keys).map(lambda v: json.dumps(v).encode()),
        byte_mutations(encoded),
    )


def check(server: Server, path: str, body: bytes, expected_ok: int = 201) -> None:
    resp = server.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    assert resp.status < 500, f"{resp.status} for {body[:300]!r}: {resp.body[:300]!r}"
    if resp.status == expected_ok:
        return
    assert 400 <= resp.status < 500, (resp.status, body[:300])
    assert_envelope(resp, repr(body[:200]))


@pytest.fixture(scope="module")
def fuzz_server(make_server) -> Server:
    return make_server("fuzz")


@HTTP_SETTINGS
@given(body=bodies(valid_consent(), CONSENT_KEYS))
def test_random_consent_bodies(fuzz_server: Server, body: bytes):
    check(fuzz_server, "/v1/consents", body)


@HTTP_SETTINGS
@given(body=bodies(valid_contact(), CONTACT_KEYS))
def test_random_contact_bodies(fuzz_server: Server, body: bytes):
    check(fuzz_server, "/v1/contact-requests", body)


def test_fuzz_server_is_still_sound(fuzz_server: Server):
    assert fuzz_server.alive() and fuzz_server.healthy()
    verify = fuzz_server.cli("audit", "verify")
    assert verify.returncode == 0, verify


# -- the policy parser -----------------------------------------------------------------------

POLICY_LINES = POLICY.read_text(encoding="utf-8").splitlines(keepends=True)
SWAP_VALUES = ["", "0", "-1", "365000000000000000000", "true", "null", "~", "[]", "{}", "P", "P-1D", "PT0S",
               "2024-02-30", "9999-99-99", "'", '"', "&anchor", "*alias", "!!binary AAA=", "necessary",
               "delete", "anonymise", "explode", "Mars/Olympus_Mons", "\t", "é", "\u0000", "[necessary, necessary]"]


@st.composite
def mutated_policy(draw) -> bytes:
    lines = list(POLICY_LINES)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "bytes", "indent", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if not lines:
            break
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            k = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif kind == "value":
            key, sep, _ = lines[i].partition(":")
            if sep:
                lines[i] = f"{key}: {draw(st.sampled_from(SWAP_VALUES))}\n"
        elif kind == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "", "\t"])) + lines[i].lstrip(" ")
        elif kind == "truncate":
            lines = lines[:i]
        else:
            raw = lines[i].encode("utf-8", "surrogateescape")
            p = draw(st.integers(0, len(raw)))
            lines[i] = (raw[:p] + draw(st.binary(min_size=1, max_size=8)) + raw[p:]).decode("utf-8", "surrogateescape")
    return "".join(lines).encode("utf-8", "surrogateescape")


@settings(max_examples=60, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_policy())
def test_policy_check_never_crashes(binary, text: bytes):
    with tempfile.TemporaryDirectory(prefix="privacy-policy-") as d:
        path = Path(d) / "policy.yaml"
        path.write_bytes(text)
        result = subprocess.run([str(PRIVACYCTL), "policy", "check", str(path)], env=base_env(),
                                capture_output=True, timeout=30)
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode in (0, 2), f"exit {result.returncode}\nstderr: {stderr[-1500:]}\nfile:\n{text[:3000]!r}"
    if result.returncode == 2:
        assert re.search(re.escape(str(path)) + r":\d+:", stderr), f"no {path}:LINE: in stderr:\n{stderr[-1500:]}"


def test_policy_check_accepts_the_shipped_policy(binary):
    result = subprocess.run([str(PRIVACYCTL), "policy", "check", str(POLICY)], env=base_env(), capture_output=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr.decode(errors="replace")


def _edit(line_no: int, new: str | None, duplicate: bool = False) -> bytes:
    lines = list(POLICY_LINES)
    if duplicate:
        lines.insert(line_no, lines[line_no - 1])
    else:
        lines[line_no - 1] = new
    return "".join(lines).encode()


VALID_DAYS_LINE = next(i for i, l in enumerate(POLICY_LINES, 1) if l.strip().startswith("valid_days:"))
PHONE_LINE = next(i for i, l in enumerate(POLICY_LINES, 1) if l.strip().startswith("phone:"))
END_DATE_LINE = next(i for i, l in enumerate(POLICY_LINES, 1) if l.strip().startswith("end_date:"))


@pytest.mark.parametrize("text,lines", [
    pytest.param(_edit(VALID_DAYS_LINE, "  valid_days: -1\n"), {VALID_DAYS_LINE}, id="rule-bad-number"),
    pytest.param(_edit(END_DATE_LINE, "  end_date: 2024-02-30\n"), {END_DATE_LINE}, id="rule-bad-date"),
    pytest.param(_edit(VALID_DAYS_LINE, "  valid_days: 365: 1\n"), {VALID_DAYS_LINE}, id="yaml-mapping-values"),
    pytest.param(_edit(PHONE_LINE, '  phone: "+49\x01"\n'), {PHONE_LINE}, id="yaml-control-character"),
    pytest.param(_edit(VALID_DAYS_LINE, None, duplicate=True), {VALID_DAYS_LINE, VALID_DAYS_LINE + 1}, id="yaml-duplicate-key"),
])
def test_policy_check_names_the_line(binary, tmp_path, text: bytes, lines: set[int]):
    path = tmp_path / "policy.yaml"
    path.write_bytes(text)
    result = subprocess.run([str(PRIVACYCTL), "policy", "check", str(path)], env=base_env(), capture_output=True,
                            timeout=30)
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 2, (result.returncode, stderr)
    named = {int(m) for m in re.findall(re.escape(str(path)) + r":(\d+):", stderr)}
    assert named & lines, f"expected {path}:{sorted(lines)}: in stderr, got lines {sorted(named)}:\n{stderr[:1500]}"
