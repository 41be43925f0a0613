/*
 * site.js — the demo page: language switch, contact form, controller details from the policy.
 * The consent banner and the two-click embeds live in consent.js (window.PrivacyConsent).
 */
(function () {
  'use strict';

  // The page is written in German; these are its English texts (keys: data-i18n, data-i18n-attr).
  const EN = {
    doc_title: 'Neighbourhood management Südstadt Leinefelde – Social Cohesion',
    skip: 'Skip to content',
    brand: 'Neighbourhood management Südstadt',
    lang_nav: 'Language',
    eyebrow: 'Contact · Neighbourhood management',
    h1: '“Social Cohesion – Shaping Neighbourhood Life Together” programme area in the Südstadt of Leinefelde, Leinefelde-Worbis',
    until: 'until 31 December 2024',
    programme_title: 'The programme',
    p1: 'The programme “Social Cohesion – Shaping Neighbourhood Life Together” (Sozialer Zusammenhalt) aims to raise the quality of housing and life in the neighbourhood, to advance the integration of all groups of the population and to strengthen cohesion between neighbours. The project for the Südstadt in Leinefelde-Worbis is funded until the end of 2024.',
    p2: 'Within the aims of the programme, the neighbourhood management seeks improvements in the following fields of action, each geared to local needs:',
    f1: 'Housing and residential environment',
    f2: 'Social activities and social infrastructure',
    f3: 'Living together of different social and ethnic groups',
    f4: 'School and education',
    f5: 'Neighbourhood culture',
    f6: 'Sport and leisure',
    f7: 'Health promotion',
    f8: 'Environment and transport',
    f9: 'Improving the district’s image and public relations',
    p3: 'The residents are at the centre of the project. Our staff member talks with people in the neighbourhood about their views of the district or carries out targeted surveys. The neighbourhood office set up by the DAA is the point of contact for the district’s residents. Here they find someone to talk to about their concerns, citizens’ initiatives can be supported, volunteer activities are arranged, and much more. Besides the overall work on the quality of housing and life, the office also informs about the support services already available in the district. Close cooperation with other local actors means that people can quickly be offered individual help with personal problems.',
    p4: 'Another important pillar of the project is coordinating the network of the social work providers active in the district, the town, the district council and the housing companies. Regular network meetings agree a sensible division of work, by area and by subject, among all actors, discuss joint approaches and seek to improve existing services and interventions.',
    p5: 'We also accompany the complex processes of change that lie ahead with the State Garden Show (Landesgartenschau) in Leinefelde-Worbis. Here the neighbourhood management acts as translator and mediator between administration and politics, housing companies and residents.',
    video_title: 'The neighbourhood office on video',
    video_frame_title: 'YouTube video: the neighbourhood office introduces itself',
    embed_fallback_video: 'A YouTube video is shown here once you allow it.',
    visit_title: 'Would you like to use our services or talk to us?',
    visit_text: 'You are welcome to visit us at the neighbourhood office during opening hours:',
    office_name: 'Neighbourhood office Südstadt',
    hours_title: 'Opening hours',
    mon: 'Monday',
    tue: 'Tuesday',
    wed: 'Wednesday',
    thu: 'Thursday',
    appointments: 'Appointments at other times can be arranged, also by phone or video call.',
    map_title: 'How to find us',
    map_frame_title: 'Google Maps: neighbourhood office, Käthe-Kollwitz-Straße 20, 37327 Leinefelde-Worbis',
    embed_fallback_map: 'A Google Maps map is shown here once you allow it.',
    form_title: 'Contact request',
    closed_title: 'The programme has ended',
    ended_notice: 'The “Social Cohesion” programme in the Südstadt has ended. This website is no longer updated; it stores no cookie choice and shows no embedded content any more.',
    closed_text: 'The “Social Cohesion” programme in the Südstadt ended on 31 December 2024. We therefore no longer accept contact requests through this form.',
    closed_visit: 'You can still reach us in person at the neighbourhood office, Käthe-Kollwitz-Straße 20, 37327 Leinefelde-Worbis:',
    closed_appointments: 'Appointments can also be arranged by phone or video call.',
    success_title: 'Thank you for your request!',
    success_text: 'We will get back to you as soon as possible. Your reference number:',
    success_hint: 'Please quote this number when you contact us about your request.',
    form_intro: 'Before entering your details, please read our',
    privacy_statement: 'Privacy notice',
    label_name: 'Name',
    label_email: 'E-mail',
    label_phone: 'Phone',
    label_message: 'Your message',
    label_callback: 'Preferred callback time',
    cb_none: '–',
    cb_morning: 'mornings (08:00–12:00)',
    cb_midday: 'midday (12:00–14:00)',
    cb_afternoon: 'afternoons (14:00–18:00)',
    notice_title: 'Privacy information',
    notice_text: 'When you send this form, the data you enter is passed to the responsible staff in our organisation to handle your request. We treat the data you give in your contact request confidentially. More information on how we process data is in our privacy notice.',
    label_privacy: 'I have read the privacy information.',
    required_hint: 'Fields marked * are required.',
    submit: 'Send request',
    privacy_title: 'Data protection',
    privacy_text: 'Who processes your data, why, on which legal basis, for how long, and which rights you have is set out in our privacy notice. It is generated from the same policy as this cookie banner.',
    privacy_open: 'Read the privacy notice',
    privacy_href: '/privacy',
    label_link_consent: 'My cookie choice may be linked to this request.',
    link_consent_hint: 'Voluntary: we then send your consent ID with the request, and an access or erasure request for one also covers the other.',
    contact_hint: '** Please give an e-mail address or a phone number so that we can answer you.',
    cookie_settings: 'Cookie settings',
  };

  // Messages of the contact form (not in the HTML).
  const MSG = {
    de: {
      doc_title: 'Stadtteilmanagement Südstadt Leinefelde – Sozialer Zusammenhalt',
      sending: 'Wird gesendet …',
      required: 'Bitte füllen Sie dieses Feld aus.',
      email_or_phone: 'Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an.',
      privacy_required: 'Bitte bestätigen Sie, dass Sie den Datenschutzhinweis zur Kenntnis genommen haben.',
      email: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.org.',
      phone: 'Bitte verwenden Sie nur Ziffern, Leerzeichen und + ( ) / - .',
      too_long: 'Bitte kürzen Sie Ihre Eingabe auf höchstens {n} Zeichen.',
      control: 'Die Eingabe enthält unzulässige Steuerzeichen.',
      invalid: 'Bitte prüfen Sie diese Eingabe.',
      summary: 'Bitte korrigieren Sie die markierten Felder.',
      rate_limited: 'Sie haben in kurzer Zeit viele Anfragen gesendet. Bitte versuchen Sie es in einer Minute erneut.',
      failed: 'Ihre Anfrage konnte gerade nicht gesendet werden. Bitte versuchen Sie es später erneut oder besuchen Sie uns im Stadtteilbüro.',
    },
    en: {
      doc_title: EN.doc_title,
      sending: 'Sending …',
      required: 'Please fill in this field.',
      email_or_phone: 'Please give an e-mail address or a phone number.',
      privacy_required: 'Please confirm that you have read the privacy information.',
      email: 'Please enter a valid e-mail address, such as name@example.org.',
      phone: 'Please use only digits, spaces and + ( ) / - .',
      too_long: 'Please shorten your entry to at most {n} characters.',
      control: 'The entry contains control characters that are not allowed.',
      invalid: 'Please check this entry.',
      summary: 'Please correct the marked fields.',
      rate_limited: 'You have sent many requests in a short time. Please try again in a minute.',
      failed: 'Your request could not be sent just now. Please try again later or visit us at the neighbourhood office.',
    },
  };

  const LANGS = ['de', 'en'];
  const DE = {}; // captured from the HTML as shipped
  let lang = 'de';
  let lastFieldErrors = null; // {field: serverMessage | {key}} so a language switch can re-render them
  let config = null;

  const form = document.getElementById('contact-form');
  const closedBox = document.getElementById('contact-closed');
  const successBox = document.getElementById('contact-success');
  const formError = document.getElementById('form-error');
  const submitButton = document.getElementById('cf-submit');

  function m(key, vars) {
    let s = (MSG[lang] && MSG[lang][key]) || MSG.de[key] || key;
    if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(vars[k]);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Language.
  function captureGerman() {
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const key = el.dataset.i18n;
      if (!(key in DE)) DE[key] = el.textContent;
    }
    for (const el of document.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':').map((x) => x.trim());
        if (attr && key && !(key in DE)) DE[key] = el.getAttribute(attr) || '';
      }
    }
  }

  function applyLanguage(next) {
    lang = LANGS.includes(next) ? next : 'de';
    const dict = lang === 'en' ? EN : DE;
    document.documentElement.lang = lang;
    document.title = m('doc_title');
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const v = dict[el.dataset.i18n];
      if (typeof v === 'string') el.textContent = v;
    }
    for (const el of document.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':').map((x) => x.trim());
        const v = dict[key];
        if (attr && typeof v === 'string') el.setAttribute(attr, v);
      }
    }
    for (const b of document.querySelectorAll('.lang-switch [data-lang]')) {
      b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false');
    }
    if (lastFieldErrors) showFieldErrors(lastFieldErrors, false);
  }

  function languageFromURL() {
    const q = new URLSearchParams(location.search).get('lang');
    return q && LANGS.includes(q.toLowerCase()) ? q.toLowerCase() : null;
  }

  function switchLanguage(next) {
    applyLanguage(next);
    const url = new URL(location.href);
    if (lang === 'de') url.searchParams.delete('lang'); else url.searchParams.set('lang', lang);
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    if (window.PrivacyConsent) window.PrivacyConsent.setLanguage(lang);
    loadConfig();
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration: controller details and whether the form is open.
  async function loadConfig() {
    try {
      const res = await fetch('/v1/config?lang=' + encodeURIComponent(lang), { credentials: 'omit', headers: { Accept: 'application/json' } });
      if (res.status === 410) { showEnded(); return; }
      if (!res.ok) return;
      config = await res.json();
    } catch (_) { return; }
    for (const el of document.querySelectorAll('[data-config]')) {
      const v = el.dataset.config.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), config);
      if (typeof v === 'string' && v) el.textContent = v;
    }
    if (config.contact_requests_open === false) showClosed(false);
  }

  // After the policy's consent.collect_until (410 collection_ended): the programme has ended, there
  // is no banner and no contact form any more, so neither are offered.
  function showEnded() {
    showClosed(false);
    document.getElementById('programme-ended').hidden = false;
    for (const el of document.querySelectorAll('[data-privacy-open]')) {
      const item = el.closest('li') || el.closest('p') || el;
      item.hidden = true;
    }
  }

  function showClosed(focus) {
    form.hidden = true;
    successBox.hidden = true;
    closedBox.hidden = false;
    if (focus) closedBox.focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Contact form.
  const FIELD_IDS = {
    name: 'cf-name', email: 'cf-email', phone: 'cf-phone', message: 'cf-message',
    callback_time: 'cf-callback', privacy_notice_accepted: 'cf-privacy',
  };

  function localise(field, message) {
    if (message && typeof message === 'object') return m(message.key, message.vars);
    const text = String(message || '');
    if (field === 'privacy_notice_accepted') return m('privacy_required');
    if (field === 'email' && /unless a phone/.test(text)) return m('email_or_phone');
    if (/is required|must not be empty/.test(text)) return m('required');
    if (field === 'email' && /e-mail|email/i.test(text)) return m('email');
    if (field === 'phone' && /digits/.test(text)) return m('phone');
    const long = /longer than (\d+)/.exec(text);
    if (long) return m('too_long', { n: long[1] });
    if (/control characters/.test(text)) return m('control');
    return lang === 'en' && text ? text.charAt(0).toUpperCase() + text.slice(1) + '.' : m('invalid');
  }

  function clearErrors() {
    lastFieldErrors = null;
    formError.hidden = true;
    formError.textContent = '';
    for (const [field, id] of Object.entries(FIELD_IDS)) {
      const input = document.getElementById(id);
      const box = document.getElementById('cf-' + field + '-error');
      if (input) input.removeAttribute('aria-invalid');
      if (box) { box.hidden = true; box.textContent = ''; }
    }
  }

  function showFieldErrors(errors, focus) {
    lastFieldErrors = errors;
    let first = null;
    const unknown = [];
    for (const [field, message] of Object.entries(errors)) {
      const input = document.getElementById(FIELD_IDS[field] || '');
      const box = document.getElementById('cf-' + field + '-error');
      if (!input || !box) { unknown.push(localise(field, message)); continue; }
      input.setAttribute('aria-invalid', 'true');
      box.textContent = localise(field, message);
      box.hidden = false;
      if (!first) first = input;
    }
    formError.textContent = unknown.length ? unknown.join(' ') : m('summary');
    formError.hidden = false;
    if (focus && first) first.focus();
  }

  function showFormError(key) {
    lastFieldErrors = null;
    formError.textContent = m(key);
    formError.hidden = false;
  }

  function values() {
    const get = (id) => document.getElementById(id).value;
    return {
      name: get('cf-name'),
      email: get('cf-email'),
      phone: get('cf-phone'),
      message: get('cf-message'),
      callback_time: get('cf-callback'),
      privacy_notice_accepted: document.getElementById('cf-privacy').checked,
      link_consent: document.getElementById('cf-link-consent').checked,
    };
  }

  function clientCheck(v) {
    const errors = {};
    for (const f of ['name', 'message']) {
      if (!v[f].trim()) errors[f] = { key: 'required' };
    }
    // Contract v1.1: an e-mail address or a phone number.
    if (!v.email.trim() && !v.phone.trim()) errors.email = { key: 'email_or_phone' };
    if (!v.privacy_notice_accepted) errors.privacy_notice_accepted = { key: 'privacy_required' };
    return Object.keys(errors).length ? errors : null;
  }

  async function submit(e) {
    e.preventDefault();
    clearErrors();
    const v = values();
    const local = clientCheck(v);
    if (local) { showFieldErrors(local, true); return; }

    const body = {
      name: v.name,
      message: v.message,
      privacy_notice_accepted: true,
    };
    if (v.email.trim()) body.email = v.email.trim();
    if (v.phone.trim()) body.phone = v.phone;
    if (v.callback_time) body.callback_time = v.callback_time;
    // The consent id links the request to the cookie choice: only when the visitor asks for it
    // (default off, as the privacy notice says).
    const consentId = v.link_consent && window.PrivacyConsent && window.PrivacyConsent.getConsentId();
    if (consentId) body.consent_id = consentId;

    const label = submitButton.textContent;
    submitButton.disabled = true;
    submitButton.textContent = m('sending');
    form.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(form.getAttribute('action'), {
        method: 'POST',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      let json = null;
      try { json = await res.json(); } catch (_) { json = null; }
      const error = json && json.error;
      if (res.status === 201 && json && json.reference) {
        document.getElementById('contact-reference').textContent = json.reference;
        form.reset();
        form.hidden = true;
        successBox.hidden = false;
        successBox.focus();
      } else if (res.status === 410 || (error && error.code === 'programme_ended')) {
        showClosed(true);
      } else if (res.status === 422 && error && error.fields && Object.keys(error.fields).length) {
        showFieldErrors(error.fields, true);
      } else if (res.status === 429) {
        showFormError('rate_limited');
      } else {
        showFormError('failed');
      }
    } catch (_) {
      showFormError('failed');
    } finally {
      submitButton.disabled = false;
      submitButton.textContent = label;
      form.removeAttribute('aria-busy');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start (the document is parsed: this script is deferred).
  captureGerman();
  const initial = languageFromURL() || 'de';
  // Before consent.js renders the banner (at DOMContentLoaded) it reads <html lang>.
  applyLanguage(initial);
  for (const b of document.querySelectorAll('.lang-switch [data-lang]')) {
    b.addEventListener('click', () => switchLanguage(b.dataset.lang));
  }
  if (form) form.addEventListener('submit', submit);
  loadConfig();
})();
