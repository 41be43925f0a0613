/*
 * consent.js — the consent banner of the privacy engine.
 *
 * Plain JavaScript, no framework, no build step, no third-party request. Embed it with
 *   <script src="https://ENGINE/consent.js" data-privacy-url="/datenschutz"></script>
 * before any tag that reads Google Consent Mode (see docs/banner.md for every option).
 *
 * What it does:
 *  - sets the Google Consent Mode v2 defaults (all denied) at once, and updates them from the choice;
 *  - asks the engine (GET /v1/config) for the purposes, services, texts and its own strings
 *    (banner_strings: the engine keeps them with the policy version's texts), and shows the banner
 *    (a modal dialog with two layers) unless a valid choice is stored;
 *  - records every choice with the engine (POST /v1/consents) and keeps only the consent id in the
 *    first-party cookie `privacy_consent_id`;
 *  - renders two-click placeholders for elements with `data-consent-service`, and creates their
 *    iframes only once the service is allowed;
 *  - dispatches `privacyconsent` (a CustomEvent on window, detail = the state) after each choice and
 *    exposes `window.PrivacyConsent`.
 */
(function () {
  'use strict';
  if (window.PrivacyConsent) return;

  // ---------------------------------------------------------------------------------------------
  // Google Consent Mode v2: the stub and the defaults, before anything else can run.
  window.dataLayer = window.dataLayer || [];
  if (typeof window.gtag !== 'function') {
    window.gtag = function gtag() { window.dataLayer.push(arguments); };
  }
  const CONSENT_MODE_SIGNALS = ['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization'];
  window.gtag('consent', 'default', {
    ad_storage: 'denied',
    analytics_storage: 'denied',
    ad_user_data: 'denied',
    ad_personalization: 'denied',
    wait_for_update: 500,
  });
  /** Which purpose ids grant which Consent Mode signal (a signal is granted if any of them is true). */
  const CONSENT_MODE_MAP = {
    analytics_storage: ['analytics', 'statistics', 'statistik'],
    ad_storage: ['marketing', 'ads', 'advertising'],
    ad_user_data: ['marketing', 'ads', 'advertising'],
    ad_personalization: ['marketing', 'ads', 'advertising', 'personalization'],
  };

  // ---------------------------------------------------------------------------------------------
  // Settings from the script tag.
  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const API_BASE = (data.api || (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, '');
  const COOKIE = data.cookie || 'privacy_consent_id';
  const PRIVACY_URL = data.privacyUrl || '#datenschutz';
  /** Optional: the notice in English (data-privacy-url-en), used while the banner speaks English. */
  const PRIVACY_URL_EN = data.privacyUrlEn || '';
  const STYLE_NONCE = data.nonce || (script && script.nonce) || '';

  /**
   * The only strings of the script's own: shown when GET /v1/config fails, so that nothing else
   * (and no choice) can be shown. Every other visible string comes from the engine, which keeps it
   * with the texts of the policy version (`banner_strings`, see docs/texts.md): a consent given here
   * is always given to texts the engine can show later. `ended_embed` is shown after the policy's
   * `consent.collect_until`, when GET /v1/config answers 410 and serves no strings.
   */
  const FALLBACK = {
    de: {
      error_config: 'Die Cookie-Einstellungen konnten nicht geladen werden. Externe Inhalte bleiben deaktiviert.',
      ended_embed: 'Dieser Inhalt wird nicht mehr angezeigt: Das Programm ist beendet.',
    },
    en: {
      error_config: 'The cookie settings could not be loaded. External content stays disabled.',
      ended_embed: 'This content is no longer shown: the programme has ended.',
    },
  };

  // ---------------------------------------------------------------------------------------------
  // State.
  let lang = pickLanguage(data.lang || document.documentElement.lang || navigator.language || 'de');
  let config = null;          // GET /v1/config
  let state = null;           // the engine's state of this visitor's consent, when valid
  let storedState = null;     // the last state the engine reported (also when expired/outdated)
  let layer = null;           // 'first' | 'settings' | null (closed)
  let draft = null;           // {purposes: {}, services: {}} while the settings layer is open
  let busy = false;
  let lastFocus = null;
  let dialog = null;
  let ownCloses = 0;
  let toast = null;
  let toastTimer = 0;
  let ended = false;          // the engine answered 410 collection_ended: no banner, no embeds
  const gpc = navigator.globalPrivacyControl === true;

  /** A two-letter language code (the engine answers in German when it has no texts in it). */
  function pickLanguage(value) {
    const l = String(value || '').slice(0, 2).toLowerCase();
    return /^[a-z]{2}$/.test(l) ? l : 'de';
  }
  /** A string of the banner script: from the served configuration (else the fallback above). */
  function t(key, vars) {
    const served = config && config.banner_strings;
    let s = (served && served[key]) || (FALLBACK[lang] || FALLBACK.de)[key] || key;
    if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(vars[k]);
    return s;
  }
  function text(key) { return (config && config.texts && config.texts[key]) || key; }

  // ---------------------------------------------------------------------------------------------
  // Cookie: only the consent id, first party, SameSite=Lax.
  function readCookie() {
    const prefix = COOKIE + '=';
    for (const part of document.cookie.split(';')) {
      const c = part.trim();
      if (c.startsWith(prefix)) {
        const v = decodeURIComponent(c.slice(prefix.length));
        return /^[A-Za-z0-9_-]{16,200}$/.test(v) ? v : null;
      }
    }
    return null;
  }
  function writeCookie(id, days) {
    const maxAge = Math.max(1, Math.round((days || 365) * 86400));
    document.cookie = COOKIE + '=' + encodeURIComponent(id) + '; Path=/; Max-Age=' + maxAge + '; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  }
  function deleteCookie() {
    document.cookie = COOKIE + '=; Path=/; Max-Age=0; SameSite=Lax';
  }

  // ---------------------------------------------------------------------------------------------
  // The engine's API.
  async function api(method, path, body) {
    const init = { method, credentials: 'omit', cache: 'no-store', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(API_BASE + path, init);
    let json = null;
    try { json = await res.json(); } catch (_) { json = null; }
    return { status: res.status, ok: res.ok, body: json };
  }

  async function loadConfig(language) {
    const res = await api('GET', '/v1/config?lang=' + encodeURIComponent(language));
    if (res.status === 410) {
      const err = new Error('collection ended');
      err.collectionEnded = true;
      throw err;
    }
    if (!res.ok || !res.body) throw new Error('config ' + res.status);
    config = res.body;
    lang = pickLanguage(config.language || language);
    return config;
  }

  function isValid(s) { return !!s && !s.expired && !s.policy_outdated; }

  function allServices() {
    const list = [];
    if (config) for (const p of config.purposes) for (const s of p.services || []) list.push({ purpose: p, service: s });
    return list;
  }
  function serviceInfo(id) { return allServices().find((x) => x.service.id === id) || null; }

  /** Whether a service may load under a state: its own entry, else its purpose's. */
  function allowedIn(s, serviceId) {
    if (!isValid(s)) return false;
    if (s.services && Object.prototype.hasOwnProperty.call(s.services, serviceId)) return s.services[serviceId] === true;
    const info = serviceInfo(serviceId);
    return !!(info && s.purposes && s.purposes[info.purpose.id] === true);
  }
  function purposeIn(s, purposeId) { return isValid(s) && !!s.purposes && s.purposes[purposeId] === true; }

  /** The choice as the current state has it (all optional off without a valid state). */
  function currentChoice() {
    const purposes = {};
    const services = {};
    if (!config) return { purposes, services };
    for (const p of config.purposes) {
      purposes[p.id] = p.required ? true : purposeIn(state, p.id);
      for (const s of p.services || []) services[s.id] = allowedIn(state, s.id);
    }
    return { purposes, services };
  }

  /** A purpose with services is on exactly when all its services are on. */
  function normalise(choice) {
    for (const p of config.purposes) {
      if (p.required) { choice.purposes[p.id] = true; continue; }
      const svcs = p.services || [];
      if (svcs.length) choice.purposes[p.id] = svcs.every((s) => choice.services[s.id] === true);
    }
    return choice;
  }

  async function record(method, choice) {
    if (!config) throw new Error('no config');
    const body = {
      policy_version: config.policy_version,
      purposes: {},
      method,
      page_url: location.origin + location.pathname,
      language: lang,
    };
    for (const p of config.purposes) {
      if (method === 'accept_all') body.purposes[p.id] = true;
      else if (method === 'reject_all') body.purposes[p.id] = !!p.required;
      else body.purposes[p.id] = p.required ? true : choice.purposes[p.id] === true;
    }
    if (method === 'accept_selection') {
      body.services = {};
      for (const { service } of allServices()) body.services[service.id] = choice.services[service.id] === true;
    }
    const id = readCookie();
    if (id) body.consent_id = id;
    let res = await api('POST', '/v1/consents', body);
    if (id && (res.status === 404 || (res.status === 422 && res.body && res.body.error && res.body.error.fields && res.body.error.fields.consent_id))) {
      // The engine no longer knows this id (erased): start a new history.
      deleteCookie();
      delete body.consent_id;
      res = await api('POST', '/v1/consents', body);
    }
    if (res.status === 422 && res.body && res.body.error && res.body.error.fields && res.body.error.fields.policy_version) {
      // The policy changed while the page was open: fetch the new texts and ask again.
      await loadConfig(lang);
      const err = new Error('policy changed');
      err.policyChanged = true;
      throw err;
    }
    if (res.status !== 201 || !res.body || !res.body.consent_id) {
      const err = new Error('record ' + res.status);
      err.response = res;
      throw err;
    }
    writeCookie(res.body.consent_id, config.consent_valid_days);
    apply(res.body);
    return snapshot();
  }

  async function withdraw() {
    const id = readCookie();
    if (!id) {
      // Nothing recorded: withdrawing means "nothing optional", which is already the case.
      apply(null);
      return null;
    }
    // The language, so that the withdrawal records the texts it was given under (docs/texts.md).
    const res = await api('DELETE', '/v1/consents/' + encodeURIComponent(id) + '?lang=' + encodeURIComponent(lang));
    if (!res.ok || !res.body) {
      const err = new Error('withdraw ' + res.status);
      err.response = res;
      throw err;
    }
    apply(res.body);
    return snapshot();
  }

  function snapshot() { return state ? JSON.parse(JSON.stringify(state)) : null; }

  /** Takes a state from the engine: Consent Mode, embeds, event. */
  function apply(newState) {
    storedState = newState;
    state = isValid(newState) ? newState : null;
    updateConsentMode();
    renderEmbeds();
    window.dispatchEvent(new CustomEvent('privacyconsent', { detail: snapshot() }));
  }

  function updateConsentMode() {
    const update = {};
    for (const signal of CONSENT_MODE_SIGNALS) {
      const ids = CONSENT_MODE_MAP[signal] || [];
      update[signal] = ids.some((id) => purposeIn(state, id)) ? 'granted' : 'denied';
    }
    window.gtag('consent', 'update', update);
  }

  // ---------------------------------------------------------------------------------------------
  // DOM helpers (text only: nothing from the network is parsed as HTML).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (v === true) el.setAttribute(k, '');
        else el.setAttribute(k, String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  function externalLink(href, label) {
    const safe = /^https?:\/\//i.test(href) ? href : null;
    if (!safe) return null;
    return h('a', { href: safe, target: '_blank', rel: 'noopener noreferrer' }, label, ' ',
      h('span', { class: 'pc-sr' }, t('new_tab')));
  }
  function formatDate(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    try {
      return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
        dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin',
      }).format(d);
    } catch (_) { return d.toISOString(); }
  }

  // ---------------------------------------------------------------------------------------------
  // Styles: injected once, scoped with the prefix pc-. A page with a strict style-src can pass a
  // nonce with data-nonce (or a nonce attribute on the script tag).
  function injectStyles() {
    if (document.getElementById('pc-style')) return;
    const style = h('style', { id: 'pc-style' });
    if (STYLE_NONCE) style.nonce = STYLE_NONCE;
    style.textContent = STYLES;
    (document.head || document.documentElement).append(style);
  }

  const STYLES = `
.pc-dialog{box-sizing:border-box;width:min(46rem,calc(100vw - 2rem));max-width:none;max-height:calc(100dvh - 2rem);margin:auto;padding:0;border:0;border-radius:10px;background:#fff;color:#1b1b1b;font:400 1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans",Arial,sans-serif;box-shadow:0 10px 40px rgba(0,0,0,.35);overflow:auto;overscroll-behavior:contain}
.pc-dialog *,.pc-dialog *::before,.pc-dialog *::after{box-sizing:border-box}
.pc-dialog::backdrop{background:rgba(15,23,42,.6)}
.pc-inner{padding:1.5rem 1.5rem 0}
.pc-dialog h2{margin:0 0 .75rem;font-size:1.3rem;line-height:1.3;color:#10243e}
.pc-dialog h2:focus,.pc-dialog h2:focus-visible{outline:none;box-shadow:none}
.pc-dialog p{margin:0 0 .75rem}
.pc-dialog a{color:#0b4f9c;text-decoration:underline;text-underline-offset:2px}
.pc-dialog a:hover{color:#06305f}
.pc-gpc{padding:.6rem .8rem;border-left:4px solid #0b4f9c;background:#eef4fb;color:#10243e}
.pc-error{padding:.6rem .8rem;border-left:4px solid #b00020;background:#fdecee;color:#7a0016}
.pc-error:empty{display:none}
.pc-actions{position:sticky;bottom:0;display:grid;grid-template-columns:1fr;gap:.6rem;margin:0;padding:1rem 1.5rem 1.25rem;background:#fff;border-top:1px solid #d7dde5}
@media (min-width:640px){.pc-actions{grid-template-columns:repeat(3,1fr)}}
.pc-btn{display:inline-flex;align-items:center;justify-content:center;min-height:2.9rem;padding:.6rem 1rem;border:2px solid #0b4f9c;border-radius:6px;background:#0b4f9c;color:#fff;font:inherit;font-weight:600;line-height:1.2;text-align:center;cursor:pointer}
.pc-btn:hover{background:#083d79;border-color:#083d79}
.pc-btn[disabled]{opacity:.65;cursor:progress}
.pc-btn-quiet{background:#fff;color:#0b4f9c}
.pc-btn-quiet:hover{background:#eef4fb;color:#06305f}
.pc-dialog :focus-visible,.pc-placeholder :focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #10243e}
.pc-close{position:absolute;top:.6rem;right:.6rem;width:2.5rem;height:2.5rem;border:2px solid transparent;border-radius:50%;background:#fff;color:#1b1b1b;font-size:1.5rem;line-height:1;cursor:pointer}
.pc-close:hover{border-color:#1b1b1b}
.pc-settings .pc-inner{position:relative;padding-right:3.5rem}
.pc-purpose{margin:0 0 1rem;padding:1rem;border:1px solid #cfd6df;border-radius:8px}
.pc-purpose p:last-child{margin-bottom:0}
.pc-row{margin-bottom:.5rem}
.pc-row{display:flex;align-items:flex-start;justify-content:space-between;gap:1rem}
.pc-row h3,.pc-row .pc-label{margin:0;font-size:1.05rem;font-weight:700;color:#10243e}
.pc-meta{font-size:.9rem;color:#3d4551}
.pc-services{list-style:none;margin:.5rem 0 0;padding:0}
.pc-services li{margin:0;padding:.75rem 0 0;border-top:1px solid #e3e8ee}
.pc-services li+li{margin-top:.75rem}
.pc-switch{position:relative;display:inline-flex;align-items:center;gap:.6rem;cursor:pointer;font-weight:600}
.pc-switch input{position:absolute;opacity:0;width:3rem;height:1.6rem;margin:0;cursor:pointer}
.pc-track{position:relative;flex:none;width:3rem;height:1.6rem;border-radius:1rem;background:#5c6470;transition:background .15s}
.pc-track::after{content:"";position:absolute;top:.2rem;left:.2rem;width:1.2rem;height:1.2rem;border-radius:50%;background:#fff;transition:transform .15s}
.pc-switch input:checked+.pc-track{background:#0b6b3a}
.pc-switch input:checked+.pc-track::after{transform:translateX(1.4rem)}
.pc-switch input:indeterminate+.pc-track{background:#8a6d00}
.pc-switch input:indeterminate+.pc-track::after{transform:translateX(.7rem)}
.pc-switch input:disabled+.pc-track{background:#7d8794;cursor:not-allowed}
.pc-switch input:focus-visible+.pc-track{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #10243e}
.pc-state{font-size:.85rem;font-weight:600;color:#3d4551}
.pc-idbox{margin:0 0 1rem;padding:.8rem 1rem;border-radius:8px;background:#f3f5f8}
.pc-idbox code{display:inline-block;max-width:100%;padding:.1rem .35rem;border-radius:4px;background:#fff;border:1px solid #cfd6df;font:600 .95rem/1.4 ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;overflow-wrap:anywhere;user-select:all}
.pc-idbox dl{display:grid;grid-template-columns:auto 1fr;gap:.15rem .75rem;margin:.5rem 0 0;font-size:.9rem}
.pc-idbox p{margin:0 0 .4rem}
.pc-idbox dt{font-weight:600}.pc-idbox dd{margin:0}
.pc-withdraw{margin:.75rem 0 0}
.pc-sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.pc-toast{position:fixed;left:50%;bottom:1rem;z-index:2147483000;transform:translateX(-50%);max-width:calc(100vw - 2rem);padding:.75rem 1rem;border-radius:8px;background:#10243e;color:#fff;font:400 1rem/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans",Arial,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3)}
.pc-toast:empty{display:none}
.pc-placeholder{box-sizing:border-box;display:flex;flex-direction:column;justify-content:center;gap:.6rem;width:100%;height:100%;min-height:12rem;padding:1.25rem;border:2px dashed #8593a3;border-radius:8px;background:#f3f5f8;color:#1b1b1b;font-size:.95rem;line-height:1.45}
.pc-placeholder p{margin:0}
.pc-placeholder .pc-ph-title{font-weight:700;font-size:1.05rem;color:#10243e}
.pc-placeholder .pc-btn{align-self:flex-start}
.pc-placeholder a{color:#0b4f9c}
.pc-embed-frame{display:block;width:100%;height:100%;min-height:12rem;border:0}
@media (max-width:480px){
 .pc-dialog{width:100vw;max-height:100dvh;margin:auto 0 0;border-radius:10px 10px 0 0}
 .pc-inner{padding:1rem 1rem 0}
 .pc-settings .pc-inner{padding-right:3rem}
 .pc-actions{padding:.75rem 1rem 1rem;gap:.5rem}
 .pc-dialog h2{font-size:1.15rem}
 .pc-placeholder{padding:1rem}
}
@media (prefers-reduced-motion:reduce){.pc-track,.pc-track::after{transition:none}}
@media (forced-colors:active){.pc-btn,.pc-track{border:2px solid ButtonText}.pc-switch input:checked+.pc-track{background:Highlight}}
`;

  // ---------------------------------------------------------------------------------------------
  // The dialog.
  function ensureDialog() {
    if (dialog) return dialog;
    dialog = h('dialog', {
      id: 'privacy-consent-dialog', class: 'pc-dialog', 'aria-modal': 'true',
      'aria-labelledby': 'pc-title', 'aria-describedby': 'pc-desc',
    });
    dialog.addEventListener('keydown', trapTab);
    dialog.addEventListener('cancel', (e) => {
      // Escape closes only when a choice is stored; the first question needs an answer.
      e.preventDefault();
      if (state && !busy) close();
    });
    dialog.addEventListener('close', () => {
      // The event comes a task later; ours are counted and skipped. Closed by the browser (a
      // repeated Escape may force a modal dialog shut): no choice is recorded, nothing optional
      // loads, and the banner asks again on the next page view.
      if (ownCloses > 0) { ownCloses -= 1; return; }
      if (layer) close();
    });
    dialog.addEventListener('click', onDialogClick);
    dialog.addEventListener('change', onDialogChange);
    // The dialog and the status messages live in a named region landmark of their own, so that
    // no content of the banner sits outside landmarks on whatever page embeds it.
    landmark().append(dialog);
    return dialog;
  }

  let host = null;
  function landmark() {
    if (!host) {
      host = h('section', { class: 'pc-host', 'aria-label': t('settings_title') });
      document.body.append(host);
    }
    return host;
  }

  function focusables(root) {
    const sel = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    return Array.from(root.querySelectorAll(sel)).filter((el) => el.getClientRects().length > 0 && !el.closest('[hidden]'));
  }

  function trapTab(e) {
    if (e.key !== 'Tab') return;
    const list = focusables(dialog);
    if (!list.length) { e.preventDefault(); return; }
    const first = list[0];
    const last = list[list.length - 1];
    const active = document.activeElement;
    const inside = dialog.contains(active) && list.includes(active);
    if (e.shiftKey && (!inside || active === first)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (!inside || active === last)) { e.preventDefault(); first.focus(); }
  }

  // Belt and braces: should focus ever land outside the open dialog, bring it back.
  document.addEventListener('focusin', (e) => {
    if (layer && dialog && !dialog.contains(e.target)) {
      const list = focusables(dialog);
      (list[0] || dialog).focus();
    }
  });

  function open(which) {
    if (!config) return;
    const target = which === 'first' || which === 'settings' ? which : (state ? 'settings' : 'first');
    if (!layer) {
      const active = document.activeElement;
      lastFocus = active && active !== document.body ? active : null;
    }
    ensureDialog();
    if (target === 'settings') draft = currentChoice();
    layer = target;
    render();
    if (!dialog.open) {
      try { dialog.showModal(); } catch (_) { dialog.setAttribute('open', ''); }
    }
    fitScrollPadding();
    focusStart();
  }

  function close() {
    if (!dialog) return;
    layer = null;
    draft = null;
    if (dialog.open) { ownCloses += 1; dialog.close(); }
    dialog.replaceChildren();
    const back = lastFocus;
    lastFocus = null;
    if (back && document.contains(back) && typeof back.focus === 'function') back.focus();
  }

  function focusStart() {
    const title = dialog.querySelector('#pc-title');
    if (title) title.focus();
  }

  function setError(message) {
    const box = dialog && dialog.querySelector('.pc-error');
    if (box) box.textContent = message || '';
  }

  function setBusy(value) {
    busy = value;
    if (!dialog) return;
    for (const b of dialog.querySelectorAll('button[data-pc-action]')) b.disabled = value;
    dialog.setAttribute('aria-busy', value ? 'true' : 'false');
  }

  function render() {
    if (host) host.setAttribute('aria-label', t('settings_title'));
    dialog.lang = lang;
    dialog.className = 'pc-dialog ' + (layer === 'settings' ? 'pc-settings' : 'pc-first');
    dialog.replaceChildren(layer === 'settings' ? renderSettings() : renderFirst());
    fitScrollPadding();
  }

  /** The buttons stick to the dialog's bottom: keep a focused element from hiding behind them. */
  function fitScrollPadding() {
    if (!dialog) return;
    const actions = dialog.querySelector('.pc-actions');
    dialog.style.scrollPaddingBottom = actions ? (actions.offsetHeight + 8) + 'px' : '';
  }
  window.addEventListener('resize', () => { if (layer) fitScrollPadding(); });

  function actionButton(action, label, extraClass) {
    return h('button', { type: 'button', class: 'pc-btn' + (extraClass ? ' ' + extraClass : ''), 'data-pc-action': action }, label);
  }

  function privacyLink() {
    const href = lang === 'en' && PRIVACY_URL_EN ? PRIVACY_URL_EN : PRIVACY_URL;
    return h('a', { href, class: 'pc-privacy-link', 'data-pc-privacy': '' }, text('privacy_link'));
  }

  function renderFirst() {
    return h('div', { class: 'pc-layer', 'data-pc-layer': 'first' },
      h('div', { class: 'pc-inner' },
        h('h2', { id: 'pc-title', tabindex: '-1' }, text('title')),
        h('p', { id: 'pc-desc' }, text('body')),
        gpc ? h('p', { class: 'pc-gpc', 'data-pc-gpc': '' }, t('gpc')) : null,
        h('p', null, privacyLink()),
        h('p', { class: 'pc-error', role: 'alert' })),
      h('div', { class: 'pc-actions' },
        actionButton('accept_all', text('accept_all')),
        actionButton('reject_all', text('reject_all')),
        actionButton('settings', text('settings'))));
  }

  function switchControl(attrs, label, describedBy) {
    const input = h('input', Object.assign({ type: 'checkbox', 'aria-describedby': describedBy || null }, attrs));
    return h('label', { class: 'pc-switch' }, input, h('span', { class: 'pc-track', 'aria-hidden': 'true' }), h('span', { class: 'pc-label' }, label));
  }

  function renderSettings() {
    const purposes = config.purposes.map((p) => {
      const descId = 'pc-purpose-desc-' + p.id;
      const svcs = p.services || [];
      let control;
      if (p.required) {
        control = switchControl({ checked: true, disabled: true, 'data-pc-purpose': p.id }, p.title, descId);
      } else {
        const on = svcs.length ? svcs.every((s) => draft.services[s.id]) : !!draft.purposes[p.id];
        const mixed = svcs.length > 1 && !on && svcs.some((s) => draft.services[s.id]);
        control = switchControl({ checked: on, 'data-pc-purpose': p.id }, p.title, descId);
        if (mixed) control.querySelector('input').indeterminate = true;
      }
      return h('section', { class: 'pc-purpose', 'data-pc-purpose-block': p.id, 'aria-label': p.title },
        h('div', { class: 'pc-row' }, control, p.required ? h('span', { class: 'pc-state' }, t('always_active')) : null),
        h('div', { id: descId },
          h('p', null, p.description),
          p.legal_basis ? h('p', { class: 'pc-meta' }, t('legal_basis') + ': ' + p.legal_basis) : null),
        svcs.length ? h('ul', { class: 'pc-services', 'aria-label': t('services') + ': ' + p.title },
          svcs.map((s) => {
            const sDesc = 'pc-service-desc-' + s.id;
            return h('li', { 'data-pc-service-block': s.id },
              switchControl({ checked: !!draft.services[s.id], 'data-pc-service': s.id, 'data-pc-of': p.id }, s.title, sDesc),
              h('p', { class: 'pc-meta', id: sDesc }, t('provider') + ': ' + (s.provider || '')),
              s.privacy_url ? h('p', { class: 'pc-meta' }, externalLink(s.privacy_url, t('provider_privacy'))) : null);
          })) : null);
    });

    const consentId = readCookie();
    const shown = storedState && storedState.consent_id === consentId ? storedState : null;
    const idBox = h('div', { class: 'pc-idbox', 'data-pc-idbox': '' },
      consentId
        ? [h('p', { class: 'pc-label' }, t('consent_id') + ': ', h('code', { id: 'pc-consent-id' }, consentId)),
          h('p', { class: 'pc-meta' }, t('consent_id_hint')),
          // The signed receipt (issue 11): anyone can check it offline with the controller's audit.pub.
          h('p', { class: 'pc-meta' }, h('a', {
            href: API_BASE + '/v1/consents/' + encodeURIComponent(consentId) + '/receipt',
            download: 'consent-receipt-' + consentId + '.json', 'data-pc-receipt': '',
          }, t('receipt'))),
          shown ? h('dl', null,
            h('dt', null, t('recorded_at')), h('dd', null, formatDate(shown.recorded_at)),
            shown.expires_at ? [h('dt', null, t('expires_at')), h('dd', null, formatDate(shown.expires_at))] : null) : null,
          state ? h('p', { class: 'pc-withdraw' }, actionButton('withdraw', text('withdraw'), 'pc-btn-quiet')) : null]
        : h('p', { class: 'pc-meta' }, t('no_consent_yet')));

    return h('div', { class: 'pc-layer', 'data-pc-layer': 'settings' },
      h('div', { class: 'pc-inner' },
        h('h2', { id: 'pc-title', tabindex: '-1' }, t('settings_title')),
        consentId ? idBox : null,
        h('p', { id: 'pc-desc' }, text('body')),
        gpc ? h('p', { class: 'pc-gpc', 'data-pc-gpc': '' }, t('gpc')) : null,
        h('p', null, privacyLink()),
        h('p', { class: 'pc-error', role: 'alert' }),
        h('div', { class: 'pc-purposes' }, purposes),
        consentId ? null : idBox,
        state ? h('button', { type: 'button', class: 'pc-close', 'data-pc-action': 'close', 'aria-label': t('close'), title: t('close') }, '×') : null),
      h('div', { class: 'pc-actions' },
        actionButton('accept_selection', text('accept_selection')),
        actionButton('accept_all', text('accept_all')),
        actionButton('reject_all', text('reject_all'))));
  }

  function onDialogChange(e) {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || !draft) return;
    if (input.dataset.pcPurpose) {
      const p = config.purposes.find((x) => x.id === input.dataset.pcPurpose);
      if (!p || p.required) return;
      draft.purposes[p.id] = input.checked;
      for (const s of p.services || []) {
        draft.services[s.id] = input.checked;
        const box = dialog.querySelector('input[data-pc-service="' + CSS_escape(s.id) + '"]');
        if (box) box.checked = input.checked;
      }
    } else if (input.dataset.pcService) {
      draft.services[input.dataset.pcService] = input.checked;
      const p = config.purposes.find((x) => x.id === input.dataset.pcOf);
      if (!p) return;
      const svcs = p.services || [];
      const all = svcs.every((s) => draft.services[s.id]);
      const some = svcs.some((s) => draft.services[s.id]);
      draft.purposes[p.id] = all;
      const box = dialog.querySelector('input[data-pc-purpose="' + CSS_escape(p.id) + '"]');
      if (box) {
        box.checked = all;
        box.indeterminate = some && !all;
      }
    }
  }

  function CSS_escape(s) { return window.CSS && window.CSS.escape ? window.CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&'); }

  function onDialogClick(e) {
    const link = e.target.closest('a[data-pc-privacy]');
    if (link) {
      // The privacy notice must be readable before any choice: a link into this page closes the
      // dialog (no choice is recorded; the banner asks again on the next page view).
      const href = link.getAttribute('href') || '';
      if (href.startsWith('#')) {
        e.preventDefault();
        close();
        const target = document.getElementById(decodeURIComponent(href.slice(1)));
        if (target) {
          target.scrollIntoView();
          if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
          target.focus();
        }
        history.replaceState(null, '', href);
      }
      return;
    }
    const button = e.target.closest('button[data-pc-action]');
    if (button && !busy) handleAction(button.dataset.pcAction);
  }

  async function handleAction(action) {
    if (action === 'settings') { open('settings'); return; }
    if (action === 'close') { close(); return; }
    setError('');
    setBusy(true);
    let keepFocus = true;
    try {
      if (action === 'withdraw') {
        await withdraw();
        close();
        announce(t('withdrawn'));
      } else {
        const choice = draft ? normalise(JSON.parse(JSON.stringify(draft))) : currentChoice();
        await record(action, choice);
        close();
        announce(t('saved'));
      }
    } catch (err) {
      if (err && err.policyChanged) {
        setBusy(false);
        open('first');
        setError(t('policy_changed'));
        keepFocus = false;
        return;
      }
      if (action === 'reject_all') {
        // Refusing must never be harder than accepting: without the engine nothing optional loads,
        // so the visitor may go on (the banner asks again on the next page view).
        apply(null);
        close();
        return;
      }
      setError(t('error_save'));
    } finally {
      setBusy(false);
      // Disabling the pressed button took its focus: give it back if the dialog is still open.
      if (keepFocus && layer && dialog && !dialog.contains(document.activeElement)) {
        const again = dialog.querySelector('button[data-pc-action="' + action + '"]');
        if (again) again.focus(); else focusStart();
      }
    }
  }

  function announce(message) {
    if (!toast) {
      toast = h('div', { class: 'pc-toast', role: 'status', 'aria-live': 'polite' });
      landmark().append(toast);
    }
    toast.lang = lang;
    toast.textContent = message;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.textContent = ''; }, 6000);
  }

  // ---------------------------------------------------------------------------------------------
  // Two-click embeds: <div data-consent-service="youtube" data-consent-src="https://…"
  //                        data-consent-title="…" [data-consent-allow="…"]></div>
  function renderEmbeds() {
    if (!config) return;
    for (const el of document.querySelectorAll('[data-consent-service]')) {
      const id = el.dataset.consentService;
      const frame = el.querySelector(':scope > iframe.pc-embed-frame');
      if (allowedIn(state, id)) {
        if (!frame) el.replaceChildren(makeFrame(el));
        else if (el.dataset.consentTitle && frame.title !== el.dataset.consentTitle) frame.title = el.dataset.consentTitle;
        el.dataset.consentState = 'loaded';
      } else {
        if (frame || el.dataset.consentState !== 'placeholder' || el.dataset.consentLang !== lang) {
          el.replaceChildren(makePlaceholder(el, id));
        }
        el.dataset.consentState = 'placeholder';
        el.dataset.consentLang = lang;
      }
    }
  }

  function makeFrame(el) {
    const src = el.dataset.consentSrc || '';
    if (!/^https:\/\//i.test(src)) return h('p', null, '');
    return h('iframe', {
      class: 'pc-embed-frame',
      src,
      title: el.dataset.consentTitle || el.dataset.consentService,
      allow: el.dataset.consentAllow || null,
      allowfullscreen: el.dataset.consentAllow && el.dataset.consentAllow.includes('fullscreen') ? true : null,
      // The page itself sends no referrer; players such as YouTube's need the origin.
      referrerpolicy: 'strict-origin-when-cross-origin',
      loading: 'lazy',
      'data-consent-frame': el.dataset.consentService,
    });
  }

  function makePlaceholder(el, id) {
    const info = serviceInfo(id);
    const name = info ? info.service.title : id;
    const provider = info ? info.service.provider || name : name;
    const titleId = 'pc-ph-' + id + '-' + Math.random().toString(36).slice(2, 8);
    return h('div', { class: 'pc-placeholder', role: 'group', 'aria-labelledby': titleId, lang },
      h('p', { class: 'pc-ph-title', id: titleId }, t('placeholder_title', { service: name })),
      h('p', null, t('placeholder_text', { service: name, provider })),
      info && info.service.privacy_url ? h('p', null, externalLink(info.service.privacy_url, t('provider_privacy'))) : null,
      info ? h('button', {
        type: 'button', class: 'pc-btn', 'data-pc-allow': id,
        onclick: (e) => allowFromPlaceholder(id, e.currentTarget),
      }, t('placeholder_button', { service: name })) : null,
      info ? h('p', { class: 'pc-meta' }, t('placeholder_note')) : null,
      h('p', { class: 'pc-error', role: 'alert' }));
  }

  async function allowFromPlaceholder(id, button) {
    const container = button.closest('[data-consent-service]');
    button.disabled = true;
    try {
      await allowService(id);
      const frame = container && container.querySelector('iframe');
      if (frame) {
        frame.setAttribute('tabindex', '-1');
        frame.focus();
      }
      announce(t('saved'));
    } catch (err) {
      if (err && err.policyChanged) {
        button.disabled = false;
        open('first');
        setError(t('policy_changed'));
        return;
      }
      button.disabled = false;
      const box = container && container.querySelector('.pc-error');
      if (box) box.textContent = t('error_save');
    }
  }

  /** Allows one service, keeping every other choice (method accept_selection). */
  async function allowService(id) {
    if (!config) await ready;
    if (!serviceInfo(id)) throw new Error('unknown service ' + id);
    const choice = currentChoice();
    choice.services[id] = true;
    return record('accept_selection', normalise(choice));
  }

  // ---------------------------------------------------------------------------------------------
  // Start.
  async function init() {
    // The page may have set <html lang> by now (the demo's site.js does, from ?lang=).
    lang = pickLanguage(data.lang || document.documentElement.lang || navigator.language || 'de');
    injectStyles();
    document.addEventListener('click', (e) => {
      const opener = e.target.closest && e.target.closest('[data-privacy-open]');
      if (opener) {
        e.preventDefault();
        open();
      }
    });
    try {
      await loadConfig(lang);
    } catch (err) {
      if (err && err.collectionEnded) { endCollection(); return; }
      announce(t('error_config'));
      renderPlaceholdersWithoutConfig();
      return;
    }
    renderEmbeds();
    const id = readCookie();
    let ask = true;
    if (id) {
      try {
        const res = await api('GET', '/v1/consents/' + encodeURIComponent(id));
        if (res.status === 200 && res.body) {
          apply(res.body);
          ask = !isValid(res.body);
        } else if (res.status === 404) {
          deleteCookie();
        }
      } catch (_) { /* engine unreachable: ask */ }
    }
    if (ask) open('first');
  }

  /** After the policy's consent.collect_until: no banner, no embeds, and no cookie left behind. */
  function endCollection() {
    ended = true;
    config = null;
    state = null;
    deleteCookie();
    updateConsentMode();
    for (const el of document.querySelectorAll('[data-consent-service]')) {
      el.replaceChildren(h('p', { class: 'pc-ended', lang }, t('ended_embed')));
      el.dataset.consentState = 'ended';
    }
  }

  function renderPlaceholdersWithoutConfig() {
    for (const el of document.querySelectorAll('[data-consent-service]')) el.dataset.consentState = 'placeholder';
  }

  async function setLanguage(value) {
    const next = pickLanguage(value);
    if (next === lang && config) return;
    lang = next;
    try { await loadConfig(lang); } catch (err) {
      if (ended || (err && err.collectionEnded)) endCollection();
      return;
    }
    renderEmbeds();
    if (layer && dialog) {
      const focusedKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.pcAction : null;
      render();
      const again = focusedKey && dialog.querySelector('[data-pc-action="' + focusedKey + '"]');
      if (again) again.focus(); else focusStart();
    }
  }

  const ready = new Promise((resolve) => {
    const start = () => init().then(resolve, resolve);
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
    else start();
  });

  window.PrivacyConsent = Object.freeze({
    /** Opens the banner: the settings layer when a choice is stored, else the first layer. */
    open: (which) => { ready.then(() => open(which)); },
    close: () => close(),
    /** The current valid state (a copy), or null. */
    getState: () => snapshot(),
    /** Withdraws the consent (DELETE); resolves with the new state. */
    withdraw: () => ready.then(withdraw),
    /** Allows one service (as the placeholder button does); resolves with the new state. */
    allowService: (id) => ready.then(() => allowService(id)),
    /** Switches the banner's language ('de' or 'en'). */
    setLanguage: (value) => ready.then(() => setLanguage(value)),
    /** True once the engine said consent collection has ended (410 collection_ended). */
    isEnded: () => ended,
    /** The consent id in the cookie, or null. */
    getConsentId: () => readCookie(),
    /** Resolves once the configuration and the stored choice are loaded. */
    ready,
  });
})();
