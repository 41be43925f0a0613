"""The texts a consent was given to are kept (issue 11, "Texts kept"): consent.js shows only strings
the engine served and kept, a consent through a placeholder button has its strings in the kept
texts, and anyone can recompute the texts hash from the database (docs/texts.md) with hashlib.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess

from selenium.webdriver.common.by import By

from banner_support import (POLICY, PRIVACYCTL, action_button, dialog_open, iframe_srcs, load, wait_dialog,
                            wait_for, wait_recorded)


def kept_texts(server, consent_id: str) -> dict:
    """`privacyctl consent show ID --texts --json` on the server's database."""
    result = subprocess.run([PRIVACYCTL, "consent", "show", consent_id, "--texts", "--json",
                             "--database", str(server.database), "--policy", server.policy],
                            env=server.env(), cwd=server.workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_kept_documents(server) -> list[tuple[str, str]]:
    """Recomputes every kept document's hash and canonical form as docs/texts.md describes them;
    checks that every ledger entry points to a kept document. Returns (version, language) pairs."""
    with sqlite3.connect(str(server.database)) as db:
        rows = db.execute("SELECT texts_hash, policy_version, language, document FROM policy_texts").fetchall()
        for texts_hash, _, _, document in rows:
            raw = document.encode("utf-8")
            assert hashlib.blake2b(raw, digest_size=32).digest() == texts_hash
            canonical = json.dumps(json.loads(document), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            assert canonical.encode("utf-8") == raw
        orphans = db.execute("SELECT seq FROM consent_ledger WHERE texts_hash IS NOT NULL AND texts_hash NOT IN "
                             "(SELECT texts_hash FROM policy_texts)").fetchall()
        assert orphans == []
    return sorted((version, language) for _, version, language, _ in rows)


def test_placeholder_consent_has_its_strings_in_the_kept_texts(driver, servers):
    server = servers()
    # serve kept the texts of its version at start, before answering.
    assert check_kept_documents(server) == [("2024-03-01", "de"), ("2024-03-01", "en")]
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "reject_all").click()
    wait_recorded(driver, server, "reject_all")

    placeholder = driver.find_element(By.CSS_SELECTOR, "[data-consent-service='youtube'] .pc-placeholder")
    shown = [p.text for p in placeholder.find_elements(By.CSS_SELECTOR, "p") if p.text]
    button = placeholder.find_element(By.CSS_SELECTOR, "button[data-pc-allow='youtube']")
    button_text = button.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    state = wait_recorded(driver, server, "accept_selection")
    assert state["services"]["youtube"] is True

    kept = kept_texts(server, state["consent_id"])
    assert kept["texts_hash"] == state["receipt"]["texts_hash"]
    assert kept["sequence"] == state["receipt"]["sequence"]
    texts = kept["texts"]
    assert texts["policy_version"] == "2024-03-01" and texts["language"] == "de"
    youtube = next(s for p in texts["purposes"] for s in p["services"] if s["id"] == "youtube")
    strings = {k: v.replace("{service}", youtube["title"]).replace("{provider}", youtube["provider"])
               for k, v in texts["banner_strings"].items()}
    # Every string the placeholder showed, and the button that gave the consent, is in the kept texts.
    assert button_text == strings["placeholder_button"] == "YouTube erlauben und laden"
    assert strings["placeholder_title"] in shown
    assert strings["placeholder_text"] in shown
    assert strings["placeholder_note"] in shown
    # The banner was served exactly these texts.
    status, config = server.api("GET", "/v1/config?lang=de")
    assert status == 200 and config["texts_hash"] == kept["texts_hash"]
    assert config["banner_strings"] == texts["banner_strings"]
    check_kept_documents(server)


def test_the_banner_shows_the_policys_strings(driver, servers, tmp_path):
    text = open(POLICY, encoding="utf-8").read()
    for old, new in (('always_active: "Immer aktiv"', 'always_active: "Stets aktiv"'),
                     ('placeholder_button: "{service} erlauben und laden"', 'placeholder_button: "{service} jetzt laden"')):
        assert old in text
        text = text.replace(old, new)
    policy = tmp_path / "strings.yaml"
    policy.write_text(text, encoding="utf-8")
    server = servers(policy=str(policy))
    load(driver, server)
    wait_dialog(driver, "first")
    action_button(driver, "settings").click()
    wait_dialog(driver, "settings")
    states = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#privacy-consent-dialog .pc-state")]
    assert states == ["Stets aktiv"]
    action_button(driver, "reject_all").click()
    state = wait_recorded(driver, server, "reject_all")
    button = driver.find_element(By.CSS_SELECTOR, "button[data-pc-allow='youtube']")
    assert button.text == "YouTube jetzt laden"
    assert kept_texts(server, state["consent_id"])["texts"]["banner_strings"]["always_active"] == "Stets aktiv"


def test_without_the_served_texts_nothing_can_be_consented(driver, servers):
    server = servers()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/config*"]})
    load(driver, server)
    assert not dialog_open(driver)
    wait_for(driver, lambda d: "konnten nicht geladen werden" in d.execute_script(
        "const t = document.querySelector('.pc-toast'); return t ? t.textContent : '';"), "no notice")
    assert driver.find_elements(By.CSS_SELECTOR, "button[data-pc-allow]") == []
    outcome = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.PrivacyConsent.allowService('youtube').then(() => done('recorded'), () => done('refused'));")
    assert outcome == "refused"
    assert iframe_srcs(driver) == []
    with sqlite3.connect(str(server.database)) as db:
        assert db.execute("SELECT COUNT(*) FROM consent_ledger").fetchone()[0] == 0


def test_an_english_withdrawal_records_the_english_texts(driver, server):
    load(driver, server, "/?lang=en")
    wait_dialog(driver, "first")
    action_button(driver, "accept_all").click()
    given = wait_recorded(driver, server, "accept_all")
    status, config = server.api("GET", "/v1/config?lang=en")
    assert status == 200 and given["receipt"]["texts_hash"] == config["texts_hash"]
    driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                "window.PrivacyConsent.withdraw().then(() => done(true), () => done(false));")
    withdrawn = wait_recorded(driver, server, "withdraw")
    assert withdrawn["receipt"]["texts_hash"] == config["texts_hash"]


def citation(basis: dict, lang: str) -> str:
    """A purpose's legal basis as docs/texts.md cites it in `lang`."""
    letter = basis["basis"].split(".")[-1]
    article = f"Art. 6 Abs. 1 lit. {letter} DSGVO" if lang == "de" else f"Art. 6(1)({letter}) GDPR"
    law = basis.get("law")
    if isinstance(law, dict):
        law = law.get(lang) or law.get("de")
    if not law:
        return article
    return article + (" i. V. m. " if lang == "de" else " with ") + law


def texts_document(policy: dict, language: str) -> bytes:
    """The texts-v2 document of docs/texts.md, built from the policy file alone (the shipped policy
    states every banner string, so no engine default is needed)."""
    consent = policy["consent"]
    lang = language if language in consent["texts"] else "de"

    def localized(value: dict) -> str:
        return value.get(lang) or value["de"]

    document = {
        "format": "texts-v2",
        "policy_version": policy["policy_version"],
        "language": lang,
        "texts": consent["texts"][lang],
        "banner_strings": consent["banner_strings"][lang],
        "purposes": [{
            "id": p["id"], "required": p["required"], "legal_basis": citation(p["legal_basis"], lang),
            "title": localized(p["title"]), "description": localized(p["description"]),
            "services": [{"id": s["id"], "title": localized(s["title"]), "provider": s["provider"],
                          "privacy_url": s["privacy_url"]} for s in p.get("services") or []],
        } for p in consent["purposes"]],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def test_the_texts_hash_is_recomputed_from_the_policy_file(server):
    import yaml  # PyYAML (requirements.txt)
    with open(POLICY, encoding="utf-8") as f:
        policy = yaml.load(f, Loader=yaml.BaseLoader)  # every scalar a string, as the engine reads them
    for purpose in policy["consent"]["purposes"]:
        purpose["required"] = purpose["required"] == "true"
    for language in ("de", "en", "fr"):
        status, config = server.api("GET", f"/v1/config?lang={language}")
        assert status == 200
        document = texts_document(policy, language)
        assert hashlib.blake2b(document, digest_size=32).hexdigest() == config["texts_hash"], language
