"""Accessibility (BITV 2.0 binds public bodies): axe-core finds nothing at WCAG 2.1 A/AA on both
banner layers, on the page once the banner is closed, and on the generated privacy notice. Also the
contact form's opt-in: the consent id travels with a request only when the visitor ticks it."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from banner_support import (PASSPHRASE, PRIVACYCTL, action_button, load, wait_dialog, wait_dialog_closed, wait_for,
                            wait_recorded)

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The review's findings are axe-core "best practice" rules outside the WCAG tags: run them too.
RULES = ["aria-allowed-role", "skip-link", "region", "landmark-one-main", "page-has-heading-one"]


def violations(driver) -> list[dict]:
    """axe-core's violations on the current page at WCAG 2.0/2.1 A and AA. The engine is the one
    axe-selenium-python ships, or the file AXE_CORE_JS names (a newer axe-core); tags an older
    engine does not know (3.x has no `wcag21a`) are left out rather than failing the run."""
    driver.set_script_timeout(120)  # axe-core walks the whole page; the machine is shared
    path = os.environ.get("AXE_CORE_JS")
    (Axe(driver, path) if path else Axe(driver)).inject()
    known = set(driver.execute_script("return axe.getRules().flatMap(r => r.tags)"))
    tags = [t for t in TAGS if t in known]
    assert "wcag2a" in tags and "wcag2aa" in tags, known
    rules = [r for r in RULES if driver.execute_script("return axe.getRules().some(r => r.ruleId === arguments[0])", r)]
    found = []
    for run_only in ({"type": "tag", "values": tags}, {"type": "rule", "values": rules}):
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, arguments[0]).then(r => done(r), e => done({error: String(e)}));",
            {"runOnly": run_only, "resultTypes": ["violations"]})
        assert "error" not in result, result
        found += [{"id": v["id"], "impact": v.get("impact"), "help": v["help"],
                   "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
    return found


def assert_clean(driver, where: str) -> None:
    found = violations(driver)
    assert found == [], f"axe-core at {where}:\n" + json.dumps(found, indent=2, ensure_ascii=False)


def test_banner_first_layer_is_clean(driver, server_open):
    load(driver, server_open)
    wait_dialog(driver, "first")
    assert_clean(driver, "the banner's first layer")


def test_banner_settings_layer_is_clean(driver, server_open):
    load(driver, server_open)
    wait_dialog(driver, "first")
    action_button(driver, "settings").click()
    wait_dialog(driver, "settings")
    assert_clean(driver, "the banner's second layer")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_after_the_banner_closes_is_clean(driver, server_open, lang):
    load(driver, server_open, "/" if lang == "de" else "/?lang=en")
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_dialog_closed(driver)
    assert_clean(driver, f"the page ({lang}) after the banner closed")


@pytest.mark.parametrize("path", ["/datenschutz", "/privacy"])
def test_generated_notice_is_clean(driver, server_open, path):
    driver.get(server_open.url(path))
    assert driver.find_element(By.TAG_NAME, "h1").text in ("Datenschutzerklärung", "Privacy notice")
    assert driver.find_element(By.ID, "widerspruch").get_attribute("class") == "set-apart"
    assert_clean(driver, path)


def test_the_page_links_the_generated_notice(driver, server_open):
    load(driver, server_open)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_dialog_closed(driver)
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a[data-i18n='privacy_statement']")]
    assert links and all(h.endswith("/datenschutz") for h in links), links
    # The hand-written summary is gone: the notice is generated.
    assert "Ihre Rechte" not in driver.find_element(By.ID, "datenschutz").text


@pytest.mark.parametrize("lang,path", [("de", "/datenschutz"), ("en", "/privacy")])
def test_the_banner_links_the_notice_in_its_language(driver, server_open, lang, path):
    load(driver, server_open, "/" if lang == "de" else "/?lang=en")
    d = wait_dialog(driver, "first")
    link = d.find_element(By.CSS_SELECTOR, "a.pc-privacy-link")
    assert link.get_attribute("href").endswith(path)


def contacts(server) -> list[dict]:
    out = subprocess.run([PRIVACYCTL, "contacts", "list", "--json", "--database", str(server.database),
                          "--key-dir", str(server.keys), "--policy", server.policy],
                         env=server.env(), capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)


def send_request(driver, name: str, link: bool) -> None:
    driver.find_element(By.ID, "cf-name").send_keys(name)
    driver.find_element(By.ID, "cf-phone").send_keys("+49 3605 123456")  # a phone is enough (v1.1)
    driver.find_element(By.ID, "cf-message").send_keys("Bitte um Rückruf.")
    for box_id in (["cf-link-consent"] if link else []) + ["cf-privacy"]:
        box = driver.find_element(By.ID, box_id)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
    driver.find_element(By.ID, "cf-submit").click()
    success = driver.find_element(By.ID, "contact-success")
    wait_for(driver, lambda d: success.is_displayed(), "no confirmation")


@pytest.mark.parametrize("link", [False, True])
def test_contact_request_is_linked_only_with_the_opt_in(driver, servers, link):
    server = servers(now="2024-06-01T12:00:00+02:00")
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "accept_all").click()
    state = wait_recorded(driver, server, "accept_all")
    checkbox = driver.find_element(By.ID, "cf-link-consent")
    assert not checkbox.is_selected()  # default off
    send_request(driver, "Linked" if link else "Not linked", link)
    [request] = contacts(server)
    assert request.get("email") is None and request["phone"] == "+49 3605 123456"
    assert request.get("consent_id") == (state["consent_id"] if link else None)
