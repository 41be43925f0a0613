"""Fixtures for the banner's real-browser tests: the real `privacyctl serve` on loopback ports with
fresh databases, and a headless Chromium (Debian's chromium + chromium-driver) per test.

`scripts/browser-test` starts the main server and passes it in BROWSER_TEST_BASE_URL; without it the
fixtures start one themselves (PRIVACYCTL or .build/debug/privacyctl). Servers with a fixed clock
(PRIVACY_NOW), another policy or other options are always started here, each with its own temporary
folder, database and key pair. The helpers live in banner_support.py.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(Path(__file__).resolve().parent))

from banner_support import (CHROMEDRIVER, NOW_CLOSED, NOW_OPEN, POLICY, Server,  # noqa: E402
                            chrome_options, set_viewport)


@pytest.fixture(scope="session")
def workroot():
    given = os.environ.get("BROWSER_TEST_WORKDIR")
    if given:
        path = Path(given) / "extra"
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="banner-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def servers(workroot):
    """Starts servers on demand (`servers(now=…, policy=…, extra_args=[…])`); stops them all at the end."""
    started: list[Server] = []
    counter = iter(range(1000))

    def make(now: str | None = None, policy: str = POLICY, workdir: Path | None = None, init: bool = True,
             extra_args: list[str] | None = None) -> Server:
        server = Server(workdir or (workroot / f"server-{next(counter)}"), now=now, policy=policy,
                        extra_args=extra_args)
        if init:
            server.init()
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def server(servers):
    """The main server: the real clock (so the programme has ended, as it has)."""
    base = os.environ.get("BROWSER_TEST_BASE_URL")
    if base:
        return Server(base_url=base.rstrip("/"))
    return servers()


@pytest.fixture(scope="session")
def server_open(servers):
    """A server at an instant inside the programme: the contact form is open."""
    return servers(now=NOW_OPEN)


@pytest.fixture(scope="session")
def server_closed(servers):
    """A server at the first instant after the programme's end (2025-01-01 00:00 Europe/Berlin)."""
    return servers(now=NOW_CLOSED)


@pytest.fixture
def driver():
    """A fresh headless Chromium (a new profile: no cookies) with a 1280×900 viewport."""
    drv = webdriver.Chrome(options=chrome_options(), service=Service(executable_path=CHROMEDRIVER))
    drv.set_page_load_timeout(20)
    drv.set_script_timeout(10)
    set_viewport(drv, 1280, 900)
    yield drv
    drv.quit()
