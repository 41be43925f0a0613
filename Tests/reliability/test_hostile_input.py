"""Hostile and malformed requests against every public route.

Each case must be answered (the connection is not just dropped) with the expected 4xx status and
the JSON error envelope, never a 5xx; the server stays healthy; and after the whole table nothing
was stored: the consent ledger is empty and there are no contact requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from conftest import (POLICY_VERSION, Response, Server, assert_envelope, raw_request, valid_consent,
                      valid_contact)

CONSENTS = "/v1/consents"
CONTACTS = "/v1/contact-requests"
LIMIT = 64 * 1024
JSON = {"Content-Type": "application/json"}


@dataclass
class Case:
    id: str
    method: str = "POST"
    path: str = CONSENTS
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    expect: int | tuple[int, ...] = 400
    code: str | None = None          # the envelope's code, when it is fixed
    field: str | None = None         # a key that `fields` must name (422)
    allow: str | None = None         # the Allow header of a 405
    raw: bytes | None = None         # sent as it is on a socket (ignores method/path/body/headers)
    chunked: bool = False            # send `body` with Transfer-Encoding: chunked
    absent_headers: tuple[str, ...] = ()  # response headers that must not appear (injection)
    marks: tuple = ()


def j(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def consent_with(**kw) -> bytes:
    return j(valid_consent(**kw))


def contact_with(**kw) -> bytes:
    return j(valid_contact(**kw))


def deep_array(n: int) -> bytes:
    return b"[" * n + b"]" * n


def deep_object(n: int) -> bytes:
    return b'{"a":' * n + b"1" + b"}" * n


VALID_CONSENT = consent_with()
PADDED = consent_with(page_url="https://example.org/?" + "x" * (LIMIT + 1024))  # valid JSON, too large
BAD_IDS = {
    "dotdot": "../etc",
    "dotdot-passwd": "..%2F..%2Fetc%2Fpasswd",
    "long-1000": "a" * 1000,
    "leading-dash": "-abcdefgh",
    "unicode": "%C3%A9t%C3%A9t%C3%A9t%C3%A9",
    "nul": "%00abcdefgh",
    "too-short": "abc1234",
    "space": "abcd%20efgh",
    "unknown-wellformed": "0123456789abcdef0123456789abcdef",
}

CASES: list[Case] = [
    # --- POST /v1/consents: bytes that are not (acceptable) JSON -> 400 -----------------------
    Case("consent-invalid-utf8-raw", body=b"\xff\xfe\xfd\x80", code="malformed_request"),
    Case("consent-invalid-utf8-in-string",
         body=b'{"policy_version":"\xc3\x28","purposes":{},"method":"accept_all"}', code="malformed_request"),
    Case("consent-overlong-utf8",
         body=b'{"policy_version":"\xc0\xaf","purposes":{},"method":"accept_all"}', code="malformed_request"),
    Case("consent-utf8-surrogate-bytes",
         body=b'{"policy_version":"\xed\xa0\x80","purposes":{},"method":"accept_all"}', code="malformed_request"),
    Case("consent-deep-array-10k", body=deep_array(10_000), code="malformed_request"),
    Case("consent-deep-object-10k", body=deep_object(10_000), code="malformed_request"),
    Case("consent-deep-inside-purposes",
         body=b'{"policy_version":"x","method":"accept_all","purposes":' + deep_object(100) + b"}",
         code="malformed_request"),
    Case("consent-raw-nul-in-string",
         body=b'{"policy_version":"2024\x00","purposes":{},"method":"accept_all"}', code="malformed_request"),
    Case("consent-raw-nul-after-json", body=VALID_CONSENT + b"\x00", code="malformed_request"),
    Case("consent-raw-nul-only", body=b"\x00\x00\x00\x00", code="malformed_request"),
    Case("consent-duplicate-key-top",
         body=b'{"method":"reject_all","method":"accept_all","policy_version":"' + POLICY_VERSION.encode()
              + b'","purposes":{"necessary":true}}', code="malformed_request"),
    Case("consent-duplicate-key-purposes",
         body=b'{"method":"accept_selection","policy_version":"' + POLICY_VERSION.encode()
              + b'","purposes":{"necessary":true,"external_media":false,"external_media":true}}',
         code="malformed_request"),
    Case("consent-empty-body", body=b"", code="malformed_request"),
    Case("consent-whitespace-body", body=b" \r\n\t ", code="malformed_request"),
    Case("consent-null", body=b"null", code="malformed_request"),
    Case("consent-top-level-array", body=j([valid_consent()]), code="malformed_request"),
    Case("consent-top-level-string", body=b'"accept_all"', code="malformed_request"),
    Case("consent-top-level-number", body=b"42", code="malformed_request"),
    Case("consent-trailing-garbage", body=VALID_CONSENT + b"}", code="malformed_request"),
    Case("consent-two-objects", body=VALID_CONSENT + VALID_CONSENT, code="malformed_request"),
    Case("consent-utf8-bom", body=b"\xef\xbb\xbf" + VALID_CONSENT, code="malformed_request"),
    Case("consent-single-quotes", body=b"{'method':'accept_all'}", code="malformed_request"),
    Case("consent-trailing-comma", body=b'{"method":"accept_all",}', code="malformed_request"),
    Case("consent-nan", body=b'{"policy_version":NaN,"purposes":{},"method":"accept_all"}', code="malformed_request"),
    Case("consent-bad-escape", body=b'{"policy_version":"\\x41","purposes":{},"method":"accept_all"}',
         code="malformed_request"),
    Case("consent-unterminated", body=VALID_CONSENT[:-5], code="malformed_request"),
    # --- size: 413 with Content-Length and chunked --------------------------------------------
    Case("consent-oversized-content-length", body=PADDED, expect=413, code="body_too_large"),
    Case("consent-oversized-chunked", body=PADDED, chunked=True, expect=413, code="body_too_large"),
    Case("consent-oversized-garbage-chunked", body=b"\x00" * (LIMIT * 3), chunked=True, expect=413,
         code="body_too_large"),
    Case("consent-oversized-declared-only",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 1000000000\r\nConnection: close\r\n\r\n{}"),
         expect=413, code="body_too_large"),
    # --- content type -> 415 -----------------------------------------------------------------
    Case("consent-text-plain", body=VALID_CONSENT, headers={"Content-Type": "text/plain"}, expect=415,
         code="unsupported_media_type"),
    Case("consent-form-urlencoded", body=b"method=accept_all&policy_version=2024-03-01",
         headers={"Content-Type": "application/x-www-form-urlencoded"}, expect=415, code="unsupported_media_type"),
    Case("consent-multipart", body=b"--x\r\n\r\n--x--",
         headers={"Content-Type": "multipart/form-data; boundary=x"}, expect=415, code="unsupported_media_type"),
    Case("consent-no-content-type", body=VALID_CONSENT, headers={}, expect=415, code="unsupported_media_type"),
    Case("consent-json-latin1", body=VALID_CONSENT, headers={"Content-Type": "application/json; charset=iso-8859-1"},
         expect=415, code="unsupported_media_type"),
    Case("consent-json-suffix-type", body=VALID_CONSENT, headers={"Content-Type": "application/jsonx"},
         expect=415, code="unsupported_media_type"),
    # --- well-formed JSON, wrong types -> 422 naming the field ----------------------------------
    Case("consent-policy-version-number", body=consent_with(policy_version=20240301), expect=422,
         code="validation_failed", field="policy_version"),
    Case("consent-policy-version-null", body=consent_with(policy_version=None), expect=422,
         code="validation_failed", field="policy_version"),
    Case("consent-purposes-array", body=consent_with(purposes=["necessary"]), expect=422,
         code="validation_failed", field="purposes"),
    Case("consent-purposes-string", body=consent_with(purposes="all"), expect=422, code="validation_failed",
         field="purposes"),
    Case("consent-purpose-value-string", body=consent_with(purposes={"necessary": "yes"}), expect=422,
         code="validation_failed"),
    Case("consent-purpose-value-number", body=consent_with(purposes={"necessary": 1}), expect=422,
         code="validation_failed"),
    Case("consent-purpose-value-huge-number", body=b'{"policy_version":"2024-03-01","method":"accept_all",'
         b'"purposes":{"necessary":1e999999}}', expect=(400, 422)),
    Case("consent-services-string", body=consent_with(services="youtube"), expect=422, code="validation_failed",
         field="services"),
    Case("consent-service-value-null", body=consent_with(services={"youtube": None}), expect=422,
         code="validation_failed"),
    Case("consent-method-bool", body=consent_with(method=True), expect=422, code="validation_failed", field="method"),
    Case("consent-method-object", body=consent_with(method={"accept_all": True}), expect=422,
         code="validation_failed", field="method"),
    Case("consent-page-url-number", body=consent_with(page_url=5), expect=422, code="validation_failed",
         field="page_url"),
    Case("consent-language-array", body=consent_with(language=["de"]), expect=422, code="validation_failed",
         field="language"),
    Case("consent-consent-id-number", body=consent_with(consent_id=1234567890), expect=422,
         code="validation_failed", field="consent_id"),
    # --- well-formed, right types, against the rules -> 422 ------------------------------------
    Case("consent-missing-method", body=j({"policy_version": POLICY_VERSION, "purposes": {"necessary": True}}),
         expect=422, code="validation_failed", field="method"),
    Case("consent-missing-policy-version", body=j({"purposes": {"necessary": True}, "method": "accept_all"}),
         expect=422, code="validation_failed", field="policy_version"),
    Case("consent-empty-object", body=b"{}", expect=422, code="validation_failed"),
    Case("consent-unknown-method", body=consent_with(method="accept_some"), expect=422, code="validation_failed",
         field="method"),
    Case("consent-method-case", body=consent_with(method="ACCEPT_ALL"), expect=422, code="validation_failed",
         field="method"),
    Case("consent-method-nul", body=consent_with(method="accept_all\u0000"), expect=422, code="validation_failed",
         field="method"),
    Case("consent-wrong-policy-version", body=consent_with(policy_version="1999-01-01"), expect=422,
         code="validation_failed", field="policy_version"),
    Case("consent-required-purpose-false", body=consent_with(purposes={"necessary": False}), expect=422,
         code="validation_failed", field="purposes.necessary"),
    Case("consent-required-false-reject-all",
         body=consent_with(method="reject_all", purposes={"necessary": False, "external_media": False}),
         expect=422, code="validation_failed", field="purposes.necessary"),
    Case("consent-unknown-purpose", body=consent_with(purposes={"necessary": True, "marketing": True}), expect=422,
         code="validation_failed", field="purposes.marketing"),
    Case("consent-unknown-service", body=consent_with(services={"facebook_pixel": True}), expect=422,
         code="validation_failed", field="services.facebook_pixel"),
    Case("consent-accept-all-refusing", body=consent_with(method="accept_all",
         purposes={"necessary": True, "external_media": False}), expect=422, code="validation_failed",
         field="purposes.external_media"),
    Case("consent-reject-all-granting", body=consent_with(method="reject_all",
         purposes={"necessary": True, "external_media": True}), expect=422, code="validation_failed",
         field="purposes.external_media"),
    Case("consent-reject-all-granting-service", body=consent_with(method="reject_all",
         purposes={"necessary": True}, services={"youtube": True}), expect=422, code="validation_failed",
         field="services.youtube"),
    Case("consent-page-url-too-long", body=consent_with(page_url="https://example.org/" + "a" * 2100), expect=422,
         code="validation_failed", field="page_url"),
    Case("consent-page-url-nul", body=consent_with(page_url="https://example.org/\u0000x"), expect=422,
         code="validation_failed", field="page_url"),
    Case("consent-page-url-crlf", body=consent_with(page_url="https://example.org/\r\nSet-Cookie: x=1"), expect=422,
         code="validation_failed", field="page_url"),
    Case("consent-language-bad", body=consent_with(language="de_DE; drop table"), expect=422,
         code="validation_failed", field="language"),
    Case("consent-language-too-long", body=consent_with(language="a" * 36), expect=422, code="validation_failed",
         field="language"),
    Case("consent-language-empty", body=consent_with(language=""), expect=422, code="validation_failed",
         field="language"),
    Case("consent-id-leading-dash", body=consent_with(consent_id="-abcdefgh"), expect=422,
         code="validation_failed", field="consent_id"),
    Case("consent-id-dotdot", body=consent_with(consent_id="../../etc/passwd"), expect=422,
         code="validation_failed", field="consent_id"),
    Case("consent-id-too-short", body=consent_with(consent_id="abc"), expect=422, code="validation_failed",
         field="consent_id"),
    Case("consent-id-too-long", body=consent_with(consent_id="a" * 65), expect=422, code="validation_failed",
         field="consent_id"),
    Case("consent-id-unicode", body=consent_with(consent_id="ünïcödé-ïd"), expect=422, code="validation_failed",
         field="consent_id"),
    Case("consent-lone-surrogate-escape", body=b'{"policy_version":"2024-03-01","method":"accept_all",'
         b'"purposes":{"necessary":true},"page_url":"\\ud800"}', expect=(400, 422)),

    # --- POST /v1/contact-requests ---------------------------------------------------------
    Case("contact-huge-name-1mb", path=CONTACTS, body=contact_with(name="A" * 1_000_000), expect=413,
         code="body_too_large"),
    Case("contact-huge-name-1mb-chunked", path=CONTACTS, body=contact_with(name="A" * 1_000_000), chunked=True,
         expect=413, code="body_too_large"),
    Case("contact-name-300", path=CONTACTS, body=contact_with(name="A" * 300), expect=422, code="validation_failed",
         field="name"),
    Case("contact-name-201-graphemes", path=CONTACTS, body=contact_with(name="é" * 201), expect=422,
         code="validation_failed", field="name"),
    Case("contact-name-whitespace", path=CONTACTS, body=contact_with(name=" \t\u00a0 "), expect=422,
         code="validation_failed", field="name"),
    Case("contact-name-nul", path=CONTACTS, body=contact_with(name="Erika\u0000Mustermann"), expect=422,
         code="validation_failed", field="name"),
    Case("contact-name-newline", path=CONTACTS, body=contact_with(name="Erika\r\nBcc: x@example.org"), expect=422,
         code="validation_failed", field="name"),
    Case("contact-name-bidi-override", path=CONTACTS, body=contact_with(name="Erika\u202egpj.exe"), expect=422,
         code="validation_failed", field="name"),
    Case("contact-name-number", path=CONTACTS, body=contact_with(name=42), expect=422, code="validation_failed",
         field="name"),
    Case("contact-name-null", path=CONTACTS, body=contact_with(name=None), expect=422, code="validation_failed",
         field="name"),
    Case("contact-email-shape", path=CONTACTS, body=contact_with(email="not-an-email"), expect=422,
         code="validation_failed", field="email"),
    Case("contact-email-two-at", path=CONTACTS, body=contact_with(email="a@b@example.org"), expect=422,
         code="validation_failed", field="email"),
    Case("contact-email-header-injection", path=CONTACTS,
         body=contact_with(email="erika@example.org\r\nBcc: all@example.org"), expect=422,
         code="validation_failed", field="email"),
    Case("contact-email-too-long", path=CONTACTS, body=contact_with(email="a" * 60 + "@" + ("b" * 60 + ".") * 4 + "de"),
         expect=422, code="validation_failed", field="email"),
    Case("contact-email-array", path=CONTACTS, body=contact_with(email=["erika@example.org"]), expect=422,
         code="validation_failed", field="email"),
    Case("contact-phone-letters", path=CONTACTS, body=contact_with(phone="call me maybe"), expect=422,
         code="validation_failed", field="phone"),
    Case("contact-phone-too-long", path=CONTACTS, body=contact_with(phone="1" * 41), expect=422,
         code="validation_failed", field="phone"),
    Case("contact-phone-number", path=CONTACTS, body=contact_with(phone=4936050), expect=422,
         code="validation_failed", field="phone"),
    Case("contact-message-too-long", path=CONTACTS, body=contact_with(message="m" * 5001), expect=422,
         code="validation_failed", field="message"),
    Case("contact-message-empty", path=CONTACTS, body=contact_with(message=""), expect=422,
         code="validation_failed", field="message"),
    Case("contact-message-object", path=CONTACTS, body=contact_with(message={"text": "hi"}), expect=422,
         code="validation_failed", field="message"),
    Case("contact-callback-too-long", path=CONTACTS, body=contact_with(callback_time="x" * 101), expect=422,
         code="validation_failed", field="callback_time"),
    Case("contact-notice-false", path=CONTACTS, body=contact_with(privacy_notice_accepted=False), expect=422,
         code="validation_failed", field="privacy_notice_accepted"),
    Case("contact-notice-string", path=CONTACTS, body=contact_with(privacy_notice_accepted="true"), expect=422,
         code="validation_failed", field="privacy_notice_accepted"),
    Case("contact-notice-missing", path=CONTACTS,
         body=j({k: v for k, v in valid_contact().items() if k != "privacy_notice_accepted"}), expect=422,
         code="validation_failed", field="privacy_notice_accepted"),
    Case("contact-consent-id-bad", path=CONTACTS, body=contact_with(consent_id="../etc"), expect=422,
         code="validation_failed", field="consent_id"),
    Case("contact-empty-object", path=CONTACTS, body=b"{}", expect=422, code="validation_failed"),
    Case("contact-invalid-utf8", path=CONTACTS, body=b'{"name":"\xff","email":"a@example.org"}',
         code="malformed_request"),
    Case("contact-duplicate-key", path=CONTACTS,
         body=contact_with()[:-1] + b',"name":"Mallory"}', code="malformed_request"),
    Case("contact-deep-object", path=CONTACTS, body=deep_object(10_000), code="malformed_request"),
    Case("contact-deep-array", path=CONTACTS, body=deep_array(10_000), code="malformed_request"),
    Case("contact-null", path=CONTACTS, body=b"null", code="malformed_request"),
    Case("contact-array", path=CONTACTS, body=b"[]", code="malformed_request"),
    Case("contact-empty-body", path=CONTACTS, body=b"", code="malformed_request"),
    Case("contact-text-plain", path=CONTACTS, body=contact_with(), headers={"Content-Type": "text/plain"},
         expect=415, code="unsupported_media_type"),
    Case("contact-form-urlencoded", path=CONTACTS, body=b"name=Erika&email=erika%40example.org",
         headers={"Content-Type": "application/x-www-form-urlencoded"}, expect=415, code="unsupported_media_type"),
    Case("contact-no-content-type", path=CONTACTS, body=contact_with(), headers={}, expect=415,
         code="unsupported_media_type"),

    # --- methods a route does not offer -> 405 with Allow --------------------------------------
    Case("put-consents", method="PUT", body=VALID_CONSENT, expect=405, code="method_not_allowed", allow="POST"),
    Case("patch-consents", method="PATCH", body=VALID_CONSENT, expect=405, code="method_not_allowed", allow="POST"),
    Case("get-consents-collection", method="GET", body=None, headers={}, expect=405, code="method_not_allowed",
         allow="POST"),
    Case("put-consent-id", method="PUT", path=CONSENTS + "/0123456789abcdef", body=VALID_CONSENT, expect=405,
         code="method_not_allowed", allow="GET, DELETE"),
    Case("patch-consent-id", method="PATCH", path=CONSENTS + "/0123456789abcdef", body=b"{}", expect=405,
         code="method_not_allowed", allow="GET, DELETE"),
    Case("post-consent-id", method="POST", path=CONSENTS + "/0123456789abcdef", body=VALID_CONSENT, expect=405,
         code="method_not_allowed", allow="GET, DELETE"),
    Case("put-contacts", method="PUT", path=CONTACTS, body=contact_with(), expect=405, code="method_not_allowed",
         allow="POST"),
    Case("delete-contacts", method="DELETE", path=CONTACTS, body=None, headers={}, expect=405,
         code="method_not_allowed", allow="POST"),
    Case("post-config", method="POST", path="/v1/config", body=b"{}", expect=405, code="method_not_allowed",
         allow="GET"),
    Case("delete-healthz", method="DELETE", path="/healthz", body=None, headers={}, expect=405,
         code="method_not_allowed", allow="GET"),
    Case("post-root", method="POST", path="/", body=b"{}", expect=405, code="method_not_allowed", allow="GET"),
    Case("put-consent-js", method="PUT", path="/consent.js", body=b"alert(1)", headers={}, expect=405,
         code="method_not_allowed", allow="GET"),

    # --- unknown addresses -> 404 ---------------------------------------------------------------
    Case("unknown-path", method="GET", path="/v1/admin", body=None, headers={}, expect=404, code="not_found"),
    Case("unknown-version", method="POST", path="/v2/consents", body=VALID_CONSENT, expect=404, code="not_found"),
    Case("traversal-static", method="GET", path="/../../etc/passwd", body=None, headers={}, expect=(400, 404)),
    Case("crlf-in-path", method="GET", path=CONSENTS + "/abcdefgh%0D%0ASet-Cookie:%20injected=1", body=None,
         headers={}, expect=404, code="not_found", absent_headers=("set-cookie",)),

    # --- the raw protocol: what http.client refuses to send --------------------------------------
    Case("raw-cr-in-header-value",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"User-Agent: a\rSet-Cookie: injected=1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
         expect=(400, 422), absent_headers=("set-cookie",)),
    Case("raw-lf-in-header-value",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"User-Agent: a\nSet-Cookie: injected=1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
         expect=(400, 422), absent_headers=("set-cookie",)),
    Case("raw-nul-in-header-value",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\x00text/plain\r\n"
              b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"),
         expect=(400, 415)),
    Case("raw-crlf-in-content-type",
         raw=(b"POST /v1/contact-requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b" X-Folded: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
         expect=(400, 422)),
    Case("raw-content-length-and-chunked",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
         expect=(400, 422)),
    Case("raw-bad-content-length",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: abc\r\nConnection: close\r\n\r\n{}"),
         expect=400),
    Case("raw-negative-content-length",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: -5\r\nConnection: close\r\n\r\n{}"),
         expect=400),
    Case("raw-bad-chunk-size",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
         expect=400),
    Case("raw-chunk-size-overflow",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"),
         expect=(400, 413)),
    Case("raw-chunk-missing-crlf",
         raw=(b"POST /v1/contact-requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}XX0\r\n\r\n"),
         expect=400),
    Case("raw-unknown-transfer-encoding",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: foo\r\nConnection: close\r\n\r\n{}"),
         expect=(400, 501)),
    Case("raw-header-200k",
         raw=(b"POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Big: "
              + b"a" * 200_000 + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
         expect=(400, 413, 431)),
    Case("raw-http-version-9.9",
         raw=b"GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n", expect=(400, 505)),
]

# Cases the server is known to get wrong, as strict xfails (none now: the bare 400 of NIO's
# parser and the 500 for broken chunked bodies were fixed by MalformedHTTPHandler).
KNOWN_BUGS: dict[str, str] = {}

PARAMS = [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c.id])]
                       if c.id in KNOWN_BUGS else []) for c in CASES]


@pytest.fixture(scope="module")
def hostile(make_server) -> Server:
    """The server that only ever gets hostile requests (so 'nothing stored' can be checked)."""
    return make_server("hostile")


def send(server: Server, case: Case) -> Response:
    if case.raw is not None:
        return raw_request(server.port, case.raw)
    if case.chunked:
        body = case.body or b""
        chunks = [body[i:i + 8192] for i in range(0, len(body), 8192)]
        c = server.connection(timeout=15)
        try:
            c.putrequest(case.method, case.path)
            for k, v in case.headers.items():
                c.putheader(k, v)
            c.putheader("Transfer-Encoding", "chunked")
            c.endheaders()
            try:
                for chunk in chunks:
                    c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                c.send(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # answered (413) and closed before the whole body was sent
            r = c.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            c.close()
    if case.body is not None and len(case.body) > 4 * LIMIT:
        # A client that sends a huge body may see the 413 before it has written everything.
        c = server.connection(timeout=15)
        try:
            c.putrequest(case.method, case.path)
            for k, v in case.headers.items():
                c.putheader(k, v)
            c.putheader("Content-Length", str(len(case.body)))
            c.endheaders()
            try:
                c.send(case.body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            r = c.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            c.close()
    return server.request(case.method, case.path, body=case.body, headers=case.headers, timeout=15)


@pytest.mark.parametrize("case", PARAMS)
def test_hostile_request(hostile: Server, case: Case):
    resp = send(hostile, case)
    expected = case.expect if isinstance(case.expect, tuple) else (case.expect,)
    assert resp.status < 500, f"{case.id}: server error {resp.status}: {resp.body[:500]!r}\n{hostile.log_tail(1500)}"
    assert resp.status in expected, f"{case.id}: expected {expected}, got {resp.status}: {resp.body[:500]!r}"
    err = assert_envelope(resp, case.id)
    if case.code:
        assert err["code"] == case.code, f"{case.id}: code {err['code']!r}, expected {case.code!r}"
    if case.field:
        assert case.field in err.get("fields", {}), f"{case.id}: fields {err.get('fields')!r} do not name {case.field!r}"
    if case.allow:
        assert resp.headers.get("allow") == case.allow, f"{case.id}: Allow {resp.headers.get('allow')!r}"
    for name in case.absent_headers:
        assert name not in resp.headers, f"{case.id}: injected header {name} in the answer: {resp.headers}"
    assert hostile.alive(), f"{case.id}: the server process died\n{hostile.log_tail()}"
    assert hostile.healthy(), f"{case.id}: the server is no longer healthy"


@pytest.mark.parametrize("bad_id", list(BAD_IDS.values()), ids=list(BAD_IDS))
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_bad_consent_id_in_path(hostile: Server, method: str, bad_id: str):
    resp = hostile.request(method, f"{CONSENTS}/{bad_id}")
    assert resp.status == 404, f"{method} {bad_id!r}: {resp.status} {resp.body[:300]!r}"
    err = assert_envelope(resp)
    assert err["code"] == "not_found"


@pytest.mark.parametrize("path,expect_type", [
    ("/v1/config?lang=%ff%00%0d%0a", "application/json"),
    ("/v1/config?lang=" + "x" * 10_000, "application/json"),
    ("/v1/config?lang=de&lang=en&lang[]=1&lang%5B%5D=2", "application/json"),
    ("/v1/config?lang=../../etc/passwd", "application/json"),
    ("/healthz?verbose=%00", "application/json"),
    ("/?q=<script>alert(1)</script>", "text/html"),
    ("/consent.js?v=%ff", "text/javascript"),
], ids=["config-lang-bytes", "config-lang-10k", "config-lang-repeated", "config-lang-traversal",
        "healthz-query-nul", "root-query-script", "consent-js-query-bytes"])
def test_get_routes_ignore_junk_queries(hostile: Server, path: str, expect_type: str):
    """The read-only routes take junk in the query calmly: 200, the usual answer, no echo."""
    resp = hostile.request("GET", path)
    assert resp.status == 200, (path[:80], resp.status, resp.body[:300])
    assert resp.headers["content-type"].startswith(expect_type)
    if path.startswith("/v1/config"):
        assert resp.json()["language"] in ("de", "en")
    assert b"<script>alert(1)" not in resp.body and b"etc/passwd" not in resp.body


def test_many_requests_on_one_keep_alive_connection(hostile: Server):
    """Errors do not poison a kept-alive connection: twenty bad requests in a row, one socket."""
    c = hostile.connection()
    try:
        for i in range(20):
            body = [b"null", b"{}", b"\xff", consent_with(method="nope")][i % 4]
            resp = hostile.request("POST", CONSENTS, body=body, headers=JSON, conn=c)
            assert resp.status in (400, 422), resp
            assert_envelope(resp)
    finally:
        c.close()


def test_zz_nothing_was_stored(hostile: Server):
    """Runs after the table (file order): no hostile request left a trace."""
    assert hostile.healthy()
    report = hostile.cli_json("audit", "verify")
    assert report["ok"] is True, report
    chains = {c["chain"]: c for c in report["chains"]}
    assert chains["consent_ledger"]["entries"] == 0, report
    contacts = hostile.cli_json("contacts", "list")
    assert contacts == [], contacts


UNICODE_NAMES = {
    "emoji-zwj-family": "👩\u200d👩\u200d👧 Familie Schmidt",
    "arabic": "مرحبا بكم",
    "cjk": "山田太郎",
    "combining-marks": "Zoe\u0308 Bjo\u0308rk Åsa A\u030angstro\u0308m",
    "precomposed-vs-decomposed": "Jürgen J\u0075\u0308rgen",
    "astral-math": "𝔐𝔞𝔯𝔦𝔢 🏳️\u200d🌈",
    "hebrew-mixed": "שלום Müller",
    "max-length-cjk": "漢" * 200,
}


@pytest.fixture(scope="module")
def unicode_server(make_server) -> Server:
    return make_server("unicode")


@pytest.mark.parametrize("name", list(UNICODE_NAMES.values()), ids=list(UNICODE_NAMES))
def test_unicode_names_round_trip(unicode_server: Server, name: str):
    message = f"Nachricht von {name}\nZweite Zeile\tmit Tab"
    resp = unicode_server.request("POST", CONTACTS, body=valid_contact(name=name, message=message,
                                                                      email="zoë@bücher.example"))
    assert resp.status == 201, f"{resp.status} {resp.body[:500]!r}"
    ref = resp.json()["reference"]
    shown = unicode_server.cli("contacts", "show", ref, "--json", check=True)
    doc = json.loads(shown.stdout)
    assert doc["name"] == name, (doc["name"], name)
    assert doc["name"].encode() == name.encode()  # byte for byte: no normalisation
    assert doc["message"].encode() == message.encode()
    assert doc["email"] == "zoë@bücher.example"
