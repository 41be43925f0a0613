"""Shared by conftest.py and the tests: the server under test, Chromium's options, and helpers.
(A module of its own, so that its name does not clash with other test folders' conftest.py.)"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
PRIVACYCTL = os.environ.get("PRIVACYCTL") or str(ROOT / ".build" / "debug" / "privacyctl")
POLICY = os.environ.get("BROWSER_TEST_POLICY") or str(ROOT / "policies" / "leinefelde-suedstadt.yaml")
SCREENSHOT_DIR = Path(os.environ.get("BROWSER_TEST_SCREENSHOTS") or (ROOT / "docs"))
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
PASSPHRASE = "browser-test-passphrase"
COOKIE = "privacy_consent_id"
WAIT = 10  # seconds: the longest any explicit wait may take

# The instants the tests run the engine at (Europe/Berlin): inside the programme, the first instant
# after its end, and half a year after a consent given inside it (past consent_valid_days = 365).
NOW_OPEN = "2024-06-01T12:00:00+02:00"
NOW_CLOSED = "2025-01-01T00:00:00+01:00"
NOW_LATER = "2025-07-01T12:00:00+02:00"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def retry_busy(run, attempts: int = 20):
    """Runs `run`, waiting while the binary is being rewritten (ETXTBSY: a `swift build` relinking it)."""
    for attempt in range(attempts):
        try:
            return run()
        except OSError as error:
            if error.errno != errno.ETXTBSY or attempt == attempts - 1:
                raise
            time.sleep(0.5)


class Server:
    """One `privacyctl serve` on 127.0.0.1 with its own folder (or an already running one)."""

    def __init__(self, workdir: Path | None = None, now: str | None = None, policy: str = POLICY,
                 base_url: str | None = None, extra_args: list[str] | None = None):
        self.extra_args = list(extra_args or [])
        self.workdir = workdir
        self.now = now
        self.policy = policy
        self.base_url = base_url
        self.process: subprocess.Popen | None = None
        self.log = None

    @property
    def database(self) -> Path:
        return self.workdir / "db.sqlite"

    @property
    def keys(self) -> Path:
        return self.workdir / "keys"

    def env(self) -> dict:
        env = dict(os.environ)
        env["PRIVACY_PASSPHRASE"] = PASSPHRASE
        env.pop("PRIVACY_NOW", None)
        if self.now:
            env["PRIVACY_NOW"] = self.now
        return env

    def init(self) -> "Server":
        self.workdir.mkdir(parents=True, exist_ok=True)
        retry_busy(lambda: subprocess.run(
            [PRIVACYCTL, "init", "--database", str(self.database), "--key-dir", str(self.keys), "--policy", self.policy],
            env=self.env(), cwd=self.workdir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60))
        return self

    def start(self) -> "Server":
        last_error = None
        for _ in range(3):  # a port picked free may be taken in between: try another
            port = free_port()
            self.log = open(self.workdir / f"server-{port}.log", "wb")
            self.process = retry_busy(lambda: subprocess.Popen(
                [PRIVACYCTL, "serve", "--database", str(self.database), "--key-dir", str(self.keys),
                 "--policy", self.policy, "--host", "127.0.0.1", "--port", str(port), "--no-rate-limit",
                 "--purge-interval", "off", *self.extra_args],
                env=self.env(), cwd=self.workdir, stdout=self.log, stderr=subprocess.STDOUT,
                start_new_session=True))
            self.base_url = f"http://127.0.0.1:{port}"
            # scripts/browser-test stops whatever a killed run left behind, by these pid files.
            (self.workdir / "server.pid").write_text(str(self.process.pid))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as r:
                        if r.status == 200:
                            return self
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
                time.sleep(0.1)
            last_error = (self.workdir / f"server-{port}.log").read_text(errors="replace")[-2000:]
            self.stop()
        raise RuntimeError(f"privacyctl serve did not become healthy:\n{last_error}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        if self.log:
            self.log.close()
            self.log = None

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url(path), data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw else None)

    def consent(self, consent_id: str) -> dict:
        status, body = self.api("GET", f"/v1/consents/{consent_id}")
        assert status == 200, (status, body)
        return body


def chrome_options(width: int = 1280, height: int = 900) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        # Every host but the loopback address is unreachable: a request elsewhere fails, and the
        # performance log still shows it was made.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--lang=de-DE",
        "--force-color-profile=srgb",
        "--hide-scrollbars",
        "--font-render-hinting=none",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.page_load_strategy = "normal"
    return options


def set_viewport(drv, width: int, height: int, mobile: bool = False) -> None:
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


# ------------------------------------------------------------------------------------------------
# Helpers the tests share.

def wait_for(drv, condition, message: str = "", timeout: float = WAIT):
    return WebDriverWait(drv, timeout, poll_frequency=0.05).until(lambda d: condition(d), message)


def load(drv, server: Server, path: str = "/") -> None:
    """Opens the page and waits until the banner script has its configuration and stored choice."""
    drv.get(server.url(path))
    wait_ready(drv)


def wait_ready(drv) -> None:
    wait_for(drv, lambda d: d.execute_script("return !!(window.PrivacyConsent && window.PrivacyConsent.ready)"),
             "consent.js did not load")
    drv.execute_async_script("const done = arguments[arguments.length - 1]; window.PrivacyConsent.ready.then(() => done(true));")


def dialog(drv):
    return drv.find_element(By.ID, "privacy-consent-dialog")


def dialog_open(drv) -> bool:
    return bool(drv.execute_script(
        "const d = document.getElementById('privacy-consent-dialog'); return !!(d && d.open);"))


def wait_dialog(drv, layer: str | None = None):
    wait_for(drv, lambda d: dialog_open(d), "the banner did not open")
    if layer:
        wait_for(drv, lambda d: d.find_elements(By.CSS_SELECTOR, f"#privacy-consent-dialog [data-pc-layer='{layer}']"),
                 f"the banner's {layer} layer is not shown")
    return dialog(drv)


def wait_dialog_closed(drv) -> None:
    wait_for(drv, lambda d: not dialog_open(d), "the banner did not close")


def action_button(drv, action: str):
    return drv.find_element(By.CSS_SELECTOR, f"#privacy-consent-dialog button[data-pc-action='{action}']")


def consent_cookie(drv) -> dict | None:
    return drv.get_cookie(COOKIE)


def wait_cookie(drv, previous: str | None = None) -> str:
    def ready(d):
        c = consent_cookie(d)
        return c["value"] if c and c["value"] != previous else False
    return wait_for(drv, ready, "the consent cookie was not set")


def wait_recorded(drv, server: Server, method: str, previous_sequence: int | None = None) -> dict:
    """Waits until the engine reports the cookie's consent with this method; returns the state."""
    found = {}

    def check(d):
        c = consent_cookie(d)
        if not c:
            return False
        status, body = server.api("GET", f"/v1/consents/{c['value']}")
        if status == 200 and body["method"] == method and (
                previous_sequence is None or body["receipt"]["sequence"] > previous_sequence):
            found.update(body)
            return True
        return False

    wait_for(drv, check, f"the engine did not report a {method} consent")
    return found


def frames(drv, service: str) -> list:
    return drv.find_elements(By.CSS_SELECTOR, f"[data-consent-service='{service}'] iframe")


def iframe_srcs(drv) -> list[str]:
    return drv.execute_script("return Array.from(document.querySelectorAll('iframe')).map(f => f.src);")


def foreign_resource_hosts(drv) -> list[str]:
    """Hosts other than 127.0.0.1 in the page's performance entries (navigation and resources)."""
    names = drv.execute_script(
        "return performance.getEntries().filter(e => e.entryType === 'navigation' || e.entryType === 'resource')"
        ".map(e => e.name);")
    hosts = []
    for name in names:
        parts = urlsplit(name)
        if parts.scheme in ("http", "https") and parts.hostname != "127.0.0.1":
            hosts.append(name)
    return hosts


def network_requests(drv) -> list[str]:
    """Every URL Chromium's network stack was asked for since the last call (performance log)."""
    urls = []
    for entry in drv.get_log("performance"):
        try:
            message = json.loads(entry["message"])["message"]
        except (KeyError, ValueError):
            continue
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign(urls: list[str]) -> list[str]:
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome", "devtools"):
            continue
        if parts.hostname != "127.0.0.1":
            out.append(url)
    return out


def screenshot(drv, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    drv.save_screenshot(str(path))
    return path


ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,}$")
