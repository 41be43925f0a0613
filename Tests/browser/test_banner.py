"""The consent banner, the two-click embeds and the contact form in a real headless Chromium,
against the real `privacyctl serve` (see conftest.py). Every test gets a fresh browser profile;
outside hosts are unreachable, and the tests assert that none was even asked before consent.
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from banner_support import (COOKIE, ID_PATTERN, NOW_LATER, NOW_OPEN, POLICY, action_button, consent_cookie,
                            dialog, dialog_open, foreign, foreign_resource_hosts, frames, free_port, iframe_srcs, load,
                            network_requests, screenshot, set_viewport, wait_cookie, wait_dialog, wait_dialog_closed,
                            wait_for, wait_ready, wait_recorded)

YOUTUBE_SRC = "https://www.youtube-nocookie.com/embed/"
MAPS_SRC = ("https://www.google.com/maps?q=K%C3%A4the-Kollwitz-Stra%C3%9Fe+20,+37327+Leinefelde-Worbis"
            "&output=embed")
REFERENCE = re.compile(r"^CR-[A-Za-z0-9]{26}$")


def record_events(drv) -> None:
    drv.execute_script("window.__pcEvents = []; window.addEventListener('privacyconsent', e => window.__pcEvents.push(e.detail));")


def events(drv) -> list:
    return drv.execute_script("return window.__pcEvents || [];")


def consent_mode_calls(drv) -> list:
    return drv.execute_script(
        "return (window.dataLayer || []).map(a => Array.from(a)).filter(a => a[0] === 'consent');")


def click(el) -> None:
    """Scrolls the element to the middle (as a person would: the banner's buttons stick to its
    bottom edge and may cover it) and clicks it."""
    el.parent.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def rect(el) -> dict:
    return el.parent.execute_script("const r = arguments[0].getBoundingClientRect();"
                                    "return {x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom};", el)


# ------------------------------------------------------------------------------------------------
# First visit

def test_first_visit_shows_banner_with_accept_and_reject_of_equal_weight(driver, server):
    load(driver, server)
    d = wait_dialog(driver, "first")
    # A <dialog> is a dialog by itself; an explicit role="dialog" is what axe-core flags (aria-allowed-role).
    assert d.tag_name == "dialog" and d.aria_role == "dialog" and d.get_attribute("role") is None
    assert d.get_attribute("aria-modal") == "true"
    title = driver.find_element(By.ID, d.get_attribute("aria-labelledby"))
    assert title.text == "Diese Website verwendet Cookies und Drittinhalte"
    assert "Nur notwendige" in driver.find_element(By.ID, d.get_attribute("aria-describedby")).text

    buttons = [action_button(driver, a) for a in ("accept_all", "reject_all", "settings")]
    assert [b.text for b in buttons] == ["Alle akzeptieren", "Nur notwendige", "Einstellungen"]
    for b in buttons:
        assert b.is_displayed() and b.is_enabled()
    # Refusing is as easy as accepting: same size, same colours, same weight, same layer.
    sizes = [rect(b) for b in buttons]
    assert max(s["w"] for s in sizes) - min(s["w"] for s in sizes) < 1.5
    assert max(s["h"] for s in sizes) - min(s["h"] for s in sizes) < 1.5
    looks = [tuple(b.value_of_css_property(p) for p in ("background-color", "color", "font-weight", "font-size"))
             for b in buttons]
    assert len(set(looks)) == 1, looks
    # The privacy notice is reachable from the first layer.
    assert d.find_element(By.CSS_SELECTOR, "a[data-pc-privacy]").text == "Datenschutzerklärung"
    # Nothing is stored before a choice.
    assert consent_cookie(driver) is None
    screenshot(driver, "banner-first-layer.png")


def test_nothing_from_a_third_party_before_consent(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    assert iframe_srcs(driver) == []
    assert frames(driver, "youtube") == [] and frames(driver, "google_maps") == []
    # The two-click placeholders stand in for both embeds.
    for service in ("youtube", "google_maps"):
        box = driver.find_element(By.CSS_SELECTOR, f"[data-consent-service='{service}']")
        assert box.get_attribute("data-consent-state") == "placeholder"
        assert box.find_elements(By.CSS_SELECTOR, f"button[data-pc-allow='{service}']")
    assert foreign_resource_hosts(driver) == []
    assert foreign(network_requests(driver)) == []
    # No script error and no CSP violation on the page.
    problems = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == [], problems
    # Google Consent Mode v2: the defaults are all denied before any choice.
    calls = consent_mode_calls(driver)
    assert calls[0][:2] == ["consent", "default"]
    for signal in ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"):
        assert calls[0][2][signal] == "denied"
    # Choosing "necessary only" keeps it that way.
    action_button(driver, "reject_all").click()
    wait_recorded(driver, server, "reject_all")
    assert iframe_srcs(driver) == []
    assert foreign_resource_hosts(driver) == []
    assert foreign(network_requests(driver)) == []


# ------------------------------------------------------------------------------------------------
# Choices

def test_accept_all_is_recorded_and_loads_the_embeds(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    record_events(driver)
    opener_free = time.time()
    action_button(driver, "accept_all").click()
    wait_dialog_closed(driver)
    state = wait_recorded(driver, server, "accept_all")
    assert state["purposes"] == {"necessary": True, "external_media": True}
    assert state["services"]["youtube"] is True and state["services"]["google_maps"] is True
    assert state["expired"] is False and state["policy_outdated"] is False

    cookie = consent_cookie(driver)
    assert ID_PATTERN.match(cookie["value"]) and cookie["value"] == state["consent_id"]
    assert cookie["path"] == "/"
    assert cookie.get("sameSite") == "Lax"
    assert cookie.get("httpOnly") is False
    days = (cookie["expiry"] - opener_free) / 86400
    assert 364 < days <= 365.1, days

    wait_for(driver, lambda d: frames(d, "youtube") and frames(d, "google_maps"), "the embeds did not load")
    assert frames(driver, "youtube")[0].get_attribute("src").startswith(YOUTUBE_SRC)
    assert frames(driver, "google_maps")[0].get_attribute("src") == MAPS_SRC
    assert frames(driver, "youtube")[0].get_attribute("title")
    # Only the two allowed providers are asked for, and only now.
    hosts = {urlsplit(u).hostname for u in foreign(network_requests(driver))}
    assert hosts and hosts <= {"www.youtube-nocookie.com", "www.google.com"}, hosts

    detail = wait_for(driver, lambda d: events(d), "no privacyconsent event")[-1]
    assert detail["consent_id"] == state["consent_id"] and detail["method"] == "accept_all"
    assert driver.execute_script("return window.PrivacyConsent.getState().purposes.external_media") is True
    update = consent_mode_calls(driver)[-1]
    assert update[:2] == ["consent", "update"]
    # This policy has no analytics or marketing purpose: accepting all grants none of the signals.
    assert set(update[2].values()) == {"denied"}

    # The choice holds: a reload asks nothing and loads the embeds again.
    driver.refresh()
    wait_ready(driver)
    assert not dialog_open(driver)
    wait_for(driver, lambda d: frames(d, "youtube") and frames(d, "google_maps"), "the embeds did not load after reload")


def test_reject_all_is_recorded(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_dialog_closed(driver)
    state = wait_recorded(driver, server, "reject_all")
    assert state["purposes"] == {"necessary": True, "external_media": False}
    assert not any(state["services"].values())
    assert iframe_srcs(driver) == []
    driver.refresh()
    wait_ready(driver)
    assert not dialog_open(driver)
    assert iframe_srcs(driver) == []


def test_second_layer_offers_a_switch_per_purpose_and_service(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "settings").click()
    d = wait_dialog(driver, "settings")
    # Switches: the required purpose is on and locked, the optional ones are off by default.
    necessary = d.find_element(By.CSS_SELECTOR, "input[data-pc-purpose='necessary']")
    assert necessary.is_selected() and not necessary.is_enabled()
    media = d.find_element(By.CSS_SELECTOR, "input[data-pc-purpose='external_media']")
    youtube = d.find_element(By.CSS_SELECTOR, "input[data-pc-service='youtube']")
    maps = d.find_element(By.CSS_SELECTOR, "input[data-pc-service='google_maps']")
    assert not media.is_selected() and not youtube.is_selected() and not maps.is_selected()
    # Texts, providers and privacy links come from GET /v1/config.
    text = d.text
    for expected in ("Notwendig", "Externe Medien", "YouTube", "Google Maps", "Google Ireland Limited",
                     "Rechtsgrundlage", "Sie haben noch keine Auswahl gespeichert."):
        assert expected in text, expected
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "[data-pc-service-block] a")]
    assert links == ["https://policies.google.com/privacy"] * 2
    assert [b.text for b in d.find_elements(By.CSS_SELECTOR, ".pc-actions button")] == [
        "Auswahl akzeptieren", "Alle akzeptieren", "Nur notwendige"]
    screenshot(driver, "banner-second-layer.png")

    # The purpose switch drives its services; one service alone leaves the purpose off.
    click(d.find_element(By.CSS_SELECTOR, "[data-pc-purpose-block='external_media'] .pc-row label"))
    assert youtube.is_selected() and maps.is_selected()
    click(d.find_element(By.CSS_SELECTOR, "[data-pc-service-block='youtube'] label"))
    assert not youtube.is_selected() and maps.is_selected() and not media.is_selected()
    assert driver.execute_script("return arguments[0].indeterminate", media) is True
    action_button(driver, "accept_selection").click()
    wait_dialog_closed(driver)
    state = wait_recorded(driver, server, "accept_selection")
    assert state["purposes"]["external_media"] is False
    assert state["services"] == {"youtube": False, "google_maps": True}
    wait_for(driver, lambda d: frames(d, "google_maps"), "the map did not load")
    assert frames(driver, "youtube") == []


def test_withdrawal_through_the_cookie_settings_link(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "accept_all").click()
    accepted = wait_recorded(driver, server, "accept_all")
    wait_for(driver, lambda d: frames(d, "youtube"), "the video did not load")

    link = driver.find_element(By.LINK_TEXT, "Cookie-Einstellungen")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    d = wait_dialog(driver, "settings")
    # The visitor sees the consent id to quote it to the DPO.
    assert d.find_element(By.ID, "pc-consent-id").text == accepted["consent_id"]
    assert d.find_element(By.CSS_SELECTOR, "input[data-pc-purpose='external_media']").is_selected()
    withdraw = action_button(driver, "withdraw")
    assert withdraw.text == "Einwilligung widerrufen"
    assert withdraw.is_displayed() and rect(withdraw)["bottom"] <= rect(action_button(driver, "accept_selection"))["y"]
    withdraw.click()
    wait_dialog_closed(driver)
    state = wait_recorded(driver, server, "withdraw")
    assert state["consent_id"] == accepted["consent_id"]
    assert state["purposes"]["external_media"] is False
    assert not any(state["services"].values())
    # The embeds are gone again, and focus is back where it was.
    wait_for(driver, lambda d: iframe_srcs(d) == [], "the embeds stayed after withdrawal")
    assert driver.switch_to.active_element == link
    assert "widerrufen" in driver.find_element(By.CSS_SELECTOR, ".pc-toast").text


def test_receipt_is_offered_as_a_download_next_to_the_consent_id(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "accept_all").click()
    accepted = wait_recorded(driver, server, "accept_all")
    link = driver.find_element(By.LINK_TEXT, "Cookie-Einstellungen")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    d = wait_dialog(driver, "settings")
    receipt = d.find_element(By.CSS_SELECTOR, "a[data-pc-receipt]")
    # A real link with a name, in the box with the consent id; the browser saves it as a file.
    assert receipt.is_displayed() and receipt.text == "Beleg Ihrer Auswahl herunterladen (JSON)"
    assert receipt.get_attribute("href").endswith(f"/v1/consents/{accepted['consent_id']}/receipt")
    assert receipt.get_attribute("download") == f"consent-receipt-{accepted['consent_id']}.json"
    idbox = d.find_element(By.CSS_SELECTOR, "[data-pc-idbox]")
    assert idbox.find_element(By.CSS_SELECTOR, "a[data-pc-receipt]") == receipt
    body = driver.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.json()).then(done, e => done(String(e)));",
        receipt.get_attribute("href"))
    assert body["consent_id"] == accepted["consent_id"]
    assert body["pending"] is True  # no checkpoint signed yet in this run


def test_placeholder_button_allows_one_service(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    rejected = wait_recorded(driver, server, "reject_all")
    assert iframe_srcs(driver) == []

    button = driver.find_element(By.CSS_SELECTOR, "button[data-pc-allow='youtube']")
    assert button.text == "YouTube erlauben und laden"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    state = wait_recorded(driver, server, "accept_selection")
    assert state["consent_id"] == rejected["consent_id"]
    assert state["receipt"]["sequence"] > rejected["receipt"]["sequence"]
    assert state["services"] == {"youtube": True, "google_maps": False}
    assert state["purposes"] == {"necessary": True, "external_media": False}
    wait_for(driver, lambda d: frames(d, "youtube"), "the video did not load")
    assert frames(driver, "youtube")[0].get_attribute("src").startswith(YOUTUBE_SRC)
    assert frames(driver, "google_maps") == []
    assert driver.find_elements(By.CSS_SELECTOR, "button[data-pc-allow='google_maps']")
    # The choice holds after a reload.
    driver.refresh()
    wait_ready(driver)
    assert not dialog_open(driver)
    wait_for(driver, lambda d: frames(d, "youtube"), "the video did not load after reload")
    assert frames(driver, "google_maps") == []


# ------------------------------------------------------------------------------------------------
# Asking again

def test_unknown_consent_id_asks_again(driver, server):
    driver.get(server.url("/healthz"))
    driver.add_cookie({"name": COOKIE, "value": "A" * 32, "path": "/", "sameSite": "Lax"})
    load(driver, server)
    wait_dialog(driver, "first")
    assert consent_cookie(driver) is None  # the engine did not know it: forgotten
    action_button(driver, "accept_all").click()
    state = wait_recorded(driver, server, "accept_all")
    assert state["consent_id"] != "A" * 32


@pytest.mark.parametrize("reason", ["expired", "policy_outdated"])
def test_expired_or_outdated_consent_asks_again(driver, servers, workroot, tmp_path, reason):
    # A consent given inside the programme, then the engine restarted later or with a new policy.
    before = servers(now=NOW_OPEN, workdir=workroot / f"ask-again-{reason}")
    status, given = before.api("POST", "/v1/consents", {
        "policy_version": "2024-03-01", "purposes": {"necessary": True, "external_media": True},
        "method": "accept_all"})
    assert status == 201, given
    before.stop()
    if reason == "expired":
        after = servers(now=NOW_LATER, workdir=before.workdir, init=False)
    else:
        policy = tmp_path / "policy.yaml"
        text = open(POLICY, encoding="utf-8").read()
        assert 'policy_version: "2024-03-01"' in text
        policy.write_text(text.replace('policy_version: "2024-03-01"', 'policy_version: "2024-09-01"'), encoding="utf-8")
        after = servers(now=NOW_OPEN, workdir=before.workdir, init=False, policy=str(policy))
    assert after.consent(given["consent_id"])[reason] is True

    driver.get(after.url("/healthz"))
    driver.add_cookie({"name": COOKIE, "value": given["consent_id"], "path": "/", "sameSite": "Lax"})
    load(driver, after)
    wait_dialog(driver, "first")
    assert iframe_srcs(driver) == []  # an old choice allows nothing
    assert driver.execute_script("return window.PrivacyConsent.getState()") is None
    action_button(driver, "reject_all").click()
    state = wait_recorded(driver, after, "reject_all")
    assert state["consent_id"] == given["consent_id"]  # the same history goes on
    assert state["expired"] is False and state["policy_outdated"] is False


# ------------------------------------------------------------------------------------------------
# Accessibility

def test_keyboard_only_focus_is_trapped_and_restored(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    inside = "return document.getElementById('privacy-consent-dialog').contains(document.activeElement);"
    assert driver.execute_script(inside)
    focusable = driver.execute_script(
        "return Array.from(document.querySelectorAll('#privacy-consent-dialog a[href], #privacy-consent-dialog button'))"
        ".filter(e => e.getClientRects().length);")
    assert len(focusable) == 4  # privacy link and three buttons
    seen = []
    for _ in range(len(focusable) * 2 + 1):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.execute_script(inside), "Tab left the dialog"
        seen.append(driver.switch_to.active_element)
    assert seen[0] == focusable[0]
    assert seen[len(focusable) - 1] == focusable[-1]
    assert seen[len(focusable)] == focusable[0], "Tab did not wrap to the first element"
    # Shift+Tab from the first element wraps to the last.
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert driver.switch_to.active_element == focusable[-1]
    # Visible focus: the focused button has an outline.
    assert driver.switch_to.active_element.value_of_css_property("outline-style") != "none"
    # Escape does not dismiss the first question.
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert dialog_open(driver)

    # Keyboard only: to "Nur notwendige" and Enter.
    while driver.switch_to.active_element.get_attribute("data-pc-action") != "reject_all":
        ActionChains(driver).send_keys(Keys.TAB).perform()
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_dialog_closed(driver)
    wait_recorded(driver, server, "reject_all")

    # Reopen from the page's link with the keyboard; Escape closes and focus returns to the link.
    link = driver.find_element(By.ID, "cookie-settings-link")
    driver.execute_script("arguments[0].focus()", link)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_dialog(driver, "settings")
    assert driver.execute_script(inside)
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.execute_script(inside), "Tab left the settings layer"
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait_dialog_closed(driver)
    assert driver.switch_to.active_element == link


def test_narrow_screen_320px_keeps_every_button_visible(driver, server):
    set_viewport(driver, 320, 640, mobile=True)
    load(driver, server)
    wait_dialog(driver, "first")
    width = driver.execute_script("return window.innerWidth")
    height = driver.execute_script("return window.innerHeight")
    assert width == 320
    for action in ("accept_all", "reject_all", "settings"):
        b = action_button(driver, action)
        r = rect(b)
        assert b.is_displayed()
        assert r["x"] >= 0 and r["right"] <= width, (action, r)
        assert r["y"] >= 0 and r["bottom"] <= height, (action, r)
        assert r["h"] >= 40  # large enough to hit
    d = dialog(driver)
    assert driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", d)
    # The settings layer too: its buttons stay in view while the purposes scroll.
    action_button(driver, "settings").click()
    wait_dialog(driver, "settings")
    for action in ("accept_selection", "accept_all", "reject_all"):
        r = rect(action_button(driver, action))
        assert r["x"] >= 0 and r["right"] <= width and r["bottom"] <= height, (action, r)
    action_button(driver, "accept_selection").click()
    wait_recorded(driver, server, "accept_selection")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 320


def test_global_privacy_control_is_honoured(driver, server):
    # A browser with GPC on: navigator.globalPrivacyControl and the Sec-GPC header.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
        "source": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true, configurable: true});"})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Sec-GPC": "1"}})
    load(driver, server)
    d = wait_dialog(driver, "first")
    assert "Global Privacy Control" in d.find_element(By.CSS_SELECTOR, "[data-pc-gpc]").text
    action_button(driver, "settings").click()
    d = wait_dialog(driver, "settings")
    assert not d.find_element(By.CSS_SELECTOR, "input[data-pc-purpose='external_media']").is_selected()
    # "Accept all" still works: the visitor's explicit choice wins.
    action_button(driver, "accept_all").click()
    state = wait_recorded(driver, server, "accept_all")
    assert state["purposes"]["external_media"] is True
    # The engine saw the signal, and notes that the explicit choice went against it.
    assert state["gpc"] is True and state["gpc_conflict"] is True


def test_english_version(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    # The language switch sits behind the modal banner: choose first, then switch.
    action_button(driver, "reject_all").click()
    wait_recorded(driver, server, "reject_all")
    driver.find_element(By.CSS_SELECTOR, ".lang-switch button[data-lang='en']").click()
    wait_for(driver, lambda d: d.execute_script("return document.documentElement.lang") == "en", "no switch")
    assert driver.find_element(By.ID, "form-title").text == "Contact request"
    assert "lang=en" in driver.current_url
    wait_for(driver, lambda d: "Allow and load YouTube" in d.find_element(
        By.CSS_SELECTOR, "button[data-pc-allow='youtube']").text, "the placeholder stayed German")
    driver.find_element(By.ID, "cookie-settings-link").click()
    d = wait_dialog(driver, "settings")
    assert d.find_element(By.ID, "pc-title").text == "Cookie settings"
    assert [b.text for b in d.find_elements(By.CSS_SELECTOR, ".pc-actions button")] == [
        "Accept selection", "Accept all", "Necessary only"]
    assert "External media" in d.text
    # A fresh visit in English shows the first layer in English.
    driver.delete_all_cookies()
    load(driver, server, "/?lang=en")
    d = wait_dialog(driver, "first")
    assert d.find_element(By.ID, "pc-title").text == "This website uses cookies and third-party content"
    assert [action_button(driver, a).text for a in ("accept_all", "reject_all", "settings")] == [
        "Accept all", "Necessary only", "Settings"]


# ------------------------------------------------------------------------------------------------
# Contact form

def fill_form(drv, **values):
    for field, value in values.items():
        el = drv.find_element(By.ID, f"cf-{field}")
        el.clear()
        el.send_keys(value)


def test_contact_form_submits_and_shows_the_reference(driver, server_open):
    load(driver, server_open)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_dialog_closed(driver)
    form = driver.find_element(By.ID, "contact-form")
    wait_for(driver, lambda d: form.is_displayed(), "the form is hidden")
    assert not driver.find_element(By.ID, "contact-closed").is_displayed()
    fill_form(driver, name="Erika Mustermann", email="erika@example.org", phone="+49 3605 123456",
              message="Ich möchte einen Termin im Stadtteilbüro vereinbaren.")
    driver.find_element(By.CSS_SELECTOR, "#cf-callback option[value^='nachmittags']").click()
    privacy = driver.find_element(By.ID, "cf-privacy")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", privacy)
    privacy.click()
    driver.find_element(By.ID, "cf-submit").click()
    success = driver.find_element(By.ID, "contact-success")
    wait_for(driver, lambda d: success.is_displayed(), "no confirmation")
    reference = driver.find_element(By.ID, "contact-reference").text
    assert REFERENCE.match(reference), reference
    assert not form.is_displayed()
    assert driver.switch_to.active_element == success


def test_contact_form_shows_field_errors(driver, server_open):
    load(driver, server_open)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_dialog_closed(driver)
    submit = driver.find_element(By.ID, "cf-submit")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", submit)
    # Nothing filled in: every required field says so, next to it.
    submit.click()
    for field in ("name", "email", "message", "privacy_notice_accepted"):
        box = driver.find_element(By.ID, f"cf-{field}-error")
        wait_for(driver, lambda d: box.is_displayed(), f"no error for {field}")
    assert driver.find_element(By.ID, "cf-name").get_attribute("aria-invalid") == "true"
    assert driver.switch_to.active_element == driver.find_element(By.ID, "cf-name")
    # The engine's own validation (422 with fields): the e-mail shape and the phone's characters.
    fill_form(driver, name="Erika", email="erika-at-example", phone="0361 / 12 34 ext. 5", message="Hallo")
    driver.find_element(By.ID, "cf-privacy").click()
    submit.click()
    email_error = driver.find_element(By.ID, "cf-email-error")
    wait_for(driver, lambda d: email_error.is_displayed(), "no e-mail error")
    assert "E-Mail-Adresse" in email_error.text
    assert driver.find_element(By.ID, "cf-phone-error").is_displayed()
    assert not driver.find_element(By.ID, "cf-name-error").is_displayed()
    assert driver.find_element(By.ID, "cf-email").get_attribute("aria-invalid") == "true"
    assert driver.find_element(By.ID, "contact-form").is_displayed()


def test_contact_form_is_replaced_by_a_notice_after_the_programme_end(driver, server_closed):
    load(driver, server_closed)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_dialog_closed(driver)
    closed = driver.find_element(By.ID, "contact-closed")
    wait_for(driver, lambda d: closed.is_displayed(), "no closed notice")
    assert not driver.find_element(By.ID, "contact-form").is_displayed()
    text = closed.text
    assert "Käthe-Kollwitz-Straße 20" in text and "Montag 11:00–14:00" in text
    # A form sent anyway (a page opened before midnight) gets 410 and the same notice.
    driver.execute_script("document.getElementById('contact-closed').hidden = true;"
                          "document.getElementById('contact-form').hidden = false;")
    fill_form(driver, name="Erika", email="erika@example.org", message="Noch offen?")
    driver.find_element(By.ID, "cf-privacy").click()
    driver.find_element(By.ID, "cf-submit").click()
    wait_for(driver, lambda d: closed.is_displayed(), "no closed notice after 410")
    assert not driver.find_element(By.ID, "contact-form").is_displayed()
    assert driver.switch_to.active_element == closed


def test_programme_end_is_the_real_state_today(driver, server):
    # The real clock is past 2024-12-31: the main server's page shows the notice too.
    if datetime.now(timezone.utc).year < 2025:
        pytest.skip("the real clock is inside the programme")
    load(driver, server)
    closed = driver.find_element(By.ID, "contact-closed")
    wait_for(driver, lambda d: closed.is_displayed(), "no closed notice")


# ------------------------------------------------------------------------------------------------
# The script's API

def test_public_api_open_getstate_withdraw(driver, server):
    load(driver, server)
    wait_dialog(driver, "first")
    record_events(driver)
    action_button(driver, "accept_all").click()
    state = wait_recorded(driver, server, "accept_all")
    assert driver.execute_script("return window.PrivacyConsent.getState().consent_id") == state["consent_id"]
    driver.execute_script("window.PrivacyConsent.open()")
    wait_dialog(driver, "settings")
    driver.execute_script("window.PrivacyConsent.close()")
    wait_dialog_closed(driver)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.PrivacyConsent.withdraw().then(s => done(s), e => done({error: String(e)}));")
    assert result["method"] == "withdraw" and result["purposes"]["external_media"] is False
    assert server.consent(state["consent_id"])["method"] == "withdraw"
    methods = [e["method"] for e in events(driver) if e]
    assert methods == ["accept_all", "withdraw"]


def test_consent_mode_follows_an_analytics_purpose(driver, servers, tmp_path):
    # A policy with a purpose "analytics" (no services): Consent Mode maps it to analytics_storage.
    text = open(POLICY, encoding="utf-8").read()
    anchor = "  texts:\n    de:\n"
    assert anchor in text
    policy = tmp_path / "analytics.yaml"
    policy.write_text(text.replace(anchor, (
        "    - id: analytics\n"
        "      required: false\n"
        "      legal_basis: \"§ 25 Abs. 1 TDDDG; Art. 6 Abs. 1 lit. a DSGVO (Einwilligung)\"\n"
        "      title: { de: \"Statistik\", en: \"Statistics\" }\n"
        "      description: { de: \"Zählt Besuche ohne Cookies.\", en: \"Counts visits without cookies.\" }\n"
        "      services: []\n") + anchor, 1), encoding="utf-8")
    server = servers(policy=str(policy))
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "settings").click()
    d = wait_dialog(driver, "settings")
    analytics = d.find_element(By.CSS_SELECTOR, "input[data-pc-purpose='analytics']")
    assert not analytics.is_selected()
    click(d.find_element(By.CSS_SELECTOR, "[data-pc-purpose-block='analytics'] .pc-row label"))
    assert analytics.is_selected()
    action_button(driver, "accept_selection").click()
    state = wait_recorded(driver, server, "accept_selection")
    assert state["purposes"] == {"necessary": True, "external_media": False, "analytics": True}
    update = consent_mode_calls(driver)[-1]
    assert update == ["consent", "update", {"ad_storage": "denied", "analytics_storage": "granted",
                                            "ad_user_data": "denied", "ad_personalization": "denied"}]
    assert iframe_srcs(driver) == []
    # Withdrawal denies it again.
    driver.execute_async_script("const done = arguments[arguments.length - 1]; window.PrivacyConsent.withdraw().then(done, done);")
    assert consent_mode_calls(driver)[-1][2]["analytics_storage"] == "denied"


def test_embedding_on_another_site(driver, servers, tmp_path):
    """consent.js on a page of another origin: the API is the script's origin (CORS), the cookie is
    the embedding site's own."""
    site_port = free_port()
    site_origin = f"http://127.0.0.1:{site_port}"
    engine = servers(extra_args=["--allow-origin", site_origin])
    (tmp_path / "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title>
<script src="{engine.url('/consent.js')}" data-privacy-url="/privacy.html"></script></head>
<body><h1>Another site</h1>
<div id="video" style="width:480px;height:270px" data-consent-service="youtube"
     data-consent-src="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE" data-consent-title="Video"></div>
<p><a href="#" data-privacy-open>Cookie settings</a></p></body></html>""", encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        driver.get(site_origin + "/index.html")
        wait_ready(driver)
        d = wait_dialog(driver, "first")
        assert d.find_element(By.ID, "pc-title").text == "This website uses cookies and third-party content"
        assert iframe_srcs(driver) == []
        assert foreign(network_requests(driver)) == []
        click(driver.find_element(By.CSS_SELECTOR, "#privacy-consent-dialog button[data-pc-action='accept_all']"))
        wait_dialog_closed(driver)
        cookie = wait_cookie(driver)
        state = engine.consent(cookie)
        assert state["method"] == "accept_all" and state["purposes"]["external_media"] is True
        wait_for(driver, lambda d: frames(d, "youtube"), "the video did not load")
        # Only now, and only the allowed provider, is asked for (unreachable here, as every outside host).
        after = foreign(network_requests(driver))
        assert after and all(u.startswith("https://www.youtube-nocookie.com/embed/") for u in after), after
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
