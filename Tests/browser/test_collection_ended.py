"""After the policy's consent.collect_until: the engine answers the banner 410 collection_ended, the
banner script shows neither the banner nor embeds and removes its cookie, and the demo page says the
programme has ended (docs/wind-down.md)."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from banner_support import COOKIE, NOW_LATER, POLICY, dialog_open, iframe_srcs, load, wait_for


def test_after_collection_ends_no_banner_no_embeds_and_the_page_says_so(driver, servers, tmp_path):
    text = open(POLICY, encoding="utf-8").read()
    anchor = "  # collect_until: 2025-12-31"
    assert anchor in text
    policy = tmp_path / "ended.yaml"
    policy.write_text(text.replace(anchor, "  collect_until: 2025-06-30"), encoding="utf-8")
    server = servers(now=NOW_LATER, policy=str(policy))
    status, body = server.api("GET", "/v1/config")
    assert status == 410 and body["error"]["code"] == "collection_ended"

    load(driver, server)
    # A consent cookie from before the end is removed on the next visit.
    driver.add_cookie({"name": COOKIE, "value": "A" * 32, "path": "/"})
    load(driver, server)
    wait_for(driver, lambda d: d.execute_script("return window.PrivacyConsent.isEnded()"), "the script did not notice the end")
    assert not dialog_open(driver)
    assert driver.get_cookie(COOKIE) is None
    assert iframe_srcs(driver) == []
    for embed in driver.find_elements(By.CSS_SELECTOR, "[data-consent-service]"):
        assert embed.get_attribute("data-consent-state") == "ended"
        assert "nicht mehr angezeigt" in embed.text
    notice = driver.find_element(By.ID, "programme-ended")
    wait_for(driver, lambda d: notice.is_displayed(), "the page does not say the programme has ended")
    assert "beendet" in notice.text
    assert driver.find_element(By.ID, "contact-closed").is_displayed()
    assert not driver.find_element(By.ID, "cookie-settings-link").is_displayed()
