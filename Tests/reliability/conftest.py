"""Shared fixtures of the reliability suite: the real `privacyctl serve`, started on a temporary
database, key folder and free port, at a fixed instant (`PRIVACY_NOW`) inside the programme's
collection window, without rate limits.

The binary is built beforehand (`swift build`): `$PRIVACYCTL`, else `.build/debug/privacyctl`.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POLICY = REPO / "policies" / "leinefelde-suedstadt.yaml"
OPENAPI = REPO / "openapi.yaml"
PRIVACYCTL = Path(os.environ.get("PRIVACYCTL") or REPO / ".build" / "debug" / "privacyctl")
PASSPHRASE = "test-passphrase"
# Inside the programme (it ends 2024-12-31, local time), so the contact form is open.
NOW = "2024-06-01T12:00:00+02:00"
POLICY_VERSION = "2024-03-01"
STARTUP_TIMEOUT = 20.0


def base_env(**extra: str) -> dict[str, str]:
    """The environment for `privacyctl`: the caller's, without any PRIVACY_* that could point a
    command at another database, plus the fixed clock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACY_")}
    env["PRIVACY_NOW"] = NOW
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Server:
    """One engine: a database, a key folder, and (while running) a `privacyctl serve` process."""

    def __init__(self, workdir: Path):
        self.dir = workdir
        self.database = workdir / "db.sqlite"
        self.key_dir = workdir / "keys"
        self.log = workdir / "serve.log"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        # For the fault suite: a command to run `privacyctl` under (strace), `serve` options, and a
        # rate limit per minute (None: `--no-rate-limit`, as every other test runs).
        self.wrapper: list[str] = []
        self.serve_args: list[str] = []
        self.rate_limit: int | None = None

    # -- the CLI ---------------------------------------------------------------------------

    def global_args(self) -> list[str]:
        return ["--database", str(self.database), "--key-dir", str(self.key_dir), "--policy", str(POLICY)]

    def cli(self, *args: str, timeout: float = 60, passphrase: bool = True, check: bool = False,
            stdin: str | None = None) -> subprocess.CompletedProcess:
        """Runs `privacyctl ARGS --database … --key-dir … --policy …` at the fixed instant."""
        env = base_env(PRIVACY_PASSPHRASE=PASSPHRASE) if passphrase else base_env()
        argv = [str(PRIVACYCTL), *args, *self.global_args()]
        result = subprocess.run(argv, env=env, capture_output=True, timeout=timeout,
                                input=(stdin or "").encode(), cwd=self.dir)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited {result.returncode}\n"
                                 f"stdout: {result.stdout.decode(errors='replace')}\n"
                                 f"stderr: {result.stderr.decode(errors='replace')}")
        return result

    def cli_json(self, *args: str, **kw):
        result = self.cli(*args, "--json", check=True, **kw)
        return json.loads(result.stdout)

    def init(self) -> None:
        self.cli("init", check=True)

    def ledger_entries(self) -> int:
        report = self.cli_json("audit", "verify")
        chains = {c["chain"]: c for c in report["chains"]}
        return chains["consent_ledger"]["entries"]

    # -- the server ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int | None = None) -> None:
        assert self.proc is None, "already running"
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between choosing and binding it
            self.port = port or free_port()
            log = open(self.log, "ab")
            log.write(f"--- start {self.starts + 1} on port {self.port}\n".encode())
            log.flush()
            limit = ["--no-rate-limit"] if self.rate_limit is None else ["--rate-limit", str(self.rate_limit)]
            self.proc = subprocess.Popen(
                [*self.wrapper, str(PRIVACYCTL), "serve", *self.global_args(), "--host", "127.0.0.1",
                 "--port", str(self.port), *limit, *self.serve_args],
                env=base_env(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.dir)
            log.close()
            self.starts += 1
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    if self.request("GET", "/healthz", timeout=1).status == 200:
                        return
                except OSError:
                    pass
                time.sleep(0.1)
            if self.proc.poll() is None:
                self.stop()
                raise AssertionError(f"serve did not answer GET /healthz 200 within {STARTUP_TIMEOUT} s:\n{self.log_tail()}")
            last_error = f"serve exited {self.proc.returncode}:\n{self.log_tail()}"
            self.proc = None
        raise AssertionError(last_error)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log.read_bytes()[-n:].decode(errors="replace")
        except OSError:
            return ""

    # -- HTTP ------------------------------------------------------------------------------

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | str | dict | list | None = None,
                headers: dict[str, str] | None = None, timeout: float = 10,
                conn: http.client.HTTPConnection | None = None) -> Response:
        """One request with http.client (no retries, no redirects, no body fixing)."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        own = conn is None
        c = conn or self.connection(timeout)
        try:
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            if own:
                c.close()

    def healthy(self) -> bool:
        try:
            return self.request("GET", "/healthz", timeout=5).status == 200
        except OSError:
            return False


def valid_consent(**overrides) -> dict:
    body = {"policy_version": POLICY_VERSION, "purposes": {"necessary": True, "external_media": False},
            "method": "accept_selection"}
    body.update(overrides)
    return body


def valid_contact(**overrides) -> dict:
    body = {"name": "Erika Mustermann", "email": "erika@example.org", "phone": "+49 3605 123456",
            "message": "Bitte rufen Sie mich zurück.", "callback_time": "werktags ab 16 Uhr",
            "privacy_notice_accepted": True}
    body.update(overrides)
    return body


def assert_envelope(resp: Response, context: str = "") -> dict:
    """The error envelope: JSON `{"error": {"code": str, "message": str, "fields"?: {str: str}}}`."""
    where = f" ({context})" if context else ""
    ctype = resp.headers.get("content-type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", \
        f"error without a JSON content type{where}: {resp.status} {ctype!r} {resp.body[:300]!r}"
    try:
        doc = json.loads(resp.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise AssertionError(f"error body is not JSON{where}: {resp.status} {resp.body[:300]!r}") from e
    assert isinstance(doc, dict) and set(doc) == {"error"}, f"not the envelope{where}: {doc!r}"
    err = doc["error"]
    assert isinstance(err, dict), f"not the envelope{where}: {doc!r}"
    assert isinstance(err.get("code"), str) and err["code"], f"no code{where}: {doc!r}"
    assert isinstance(err.get("message"), str) and err["message"], f"no message{where}: {doc!r}"
    assert set(err) <= {"code", "message", "fields"}, f"unexpected keys{where}: {doc!r}"
    if "fields" in err:
        assert isinstance(err["fields"], dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in err["fields"].items()), f"bad fields{where}: {doc!r}"
    return err


def require_binary() -> None:
    if not PRIVACYCTL.exists():
        pytest.fail(f"{PRIVACYCTL} does not exist: run `swift build` first (or set PRIVACYCTL)")


@pytest.fixture(scope="session")
def binary() -> Path:
    require_binary()
    return PRIVACYCTL


def _workdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"privacy-{prefix}-"))


@pytest.fixture(scope="module")
def make_server(binary):
    """A factory: `make_server(name)` initialises a fresh engine and starts its server. Everything
    started is stopped, and the temporary folders removed, at the end of the module."""
    servers: list[Server] = []

    def make(name: str = "srv", start: bool = True) -> Server:
        s = Server(_workdir(name))
        s.init()
        if start:
            s.start()
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()
    if not os.environ.get("RELIABILITY_KEEP_TMP"):
        for s in servers:
            shutil.rmtree(s.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server(make_server) -> Server:
    """A running server of its own for the test module."""
    return make_server("module")


def raw_request(port: int, data: bytes, timeout: float = 10) -> Response:
    """Sends `data` as it is on a fresh TCP connection and reads one HTTP response: for requests
    that http.client refuses to send (CR/LF or NUL in headers, broken framing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in buf:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete response head; got {buf[:200]!r}")
            chunk = _recv(s)
            if not chunk:
                raise ConnectionError(f"connection closed without a complete response; got {buf[:200]!r}")
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in rest:
                    chunk = _recv(s)
                    if not chunk:
                        raise ConnectionError("chunked body cut short")
                    rest += chunk
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    chunk = _recv(s)
                    if not chunk:
                        raise ConnectionError("chunked body cut short")
                    rest += chunk
                if size == 0:
                    break
                body += rest[:size]
                rest = rest[size + 2:]
        else:
            length = int(headers.get("content-length", "0") or 0)
            while len(rest) < length:
                chunk = _recv(s)
                if not chunk:
                    raise ConnectionError("body cut short")
                rest += chunk
            body = rest[:length]
        return Response(status, headers, body)


def _recv(s: socket.socket) -> bytes:
    try:
        return s.recv(65536)
    except ConnectionResetError:
        return b""
