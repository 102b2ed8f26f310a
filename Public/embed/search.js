// The search widget's page, /embed/search?municipality=091&category=tyonhaku&lang=fi: a search box
// of the public catalogue that municipalities show on their own sites (framed by /embed/widget.js,
// or by an <iframe> of their own). The server lets only the sites the platform admins allowed
// frame it (frame-ancestors); this page has no secrets and sends nothing but its height.
//
// - The municipality and the category of the address are applied to every search; unknown ones
//   (not in the catalogue's taxonomy) are left out.
// - Texts come from /i18n/{lang}.json (embed.widget.*); the page's HTML has the Finnish ones.
// - Requests go without cookies: in the platform's own preview a signed-in admin sees the same
//   public results as everyone else.
// - The height of the page goes to the parent (postMessage) on load and whenever it changes.
// Small on purpose (a cheap phone on a prepaid connection): no imports, no framework.

const LANGUAGES = ['fi', 'sv', 'en'];
const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
const LIMIT = 10;
const HEIGHT_MESSAGE = 'ohjaustila-embed-height';
const MUNICIPALITY = /^\d{3}$/;
const CATEGORY = /^[a-z0-9][a-z0-9_-]{0,79}$/;

const params = new URLSearchParams(window.location.search);
const lang = LANGUAGES.includes(params.get('lang')) ? params.get('lang') : 'fi';
const origin = window.location.origin;
document.documentElement.lang = lang;

const byId = (id) => document.getElementById(id);
const main = byId('es');
const form = byId('es-form');
const input = byId('es-q');
const hint = byId('es-hint');
const scopeLine = byId('es-scope');
const fieldError = byId('es-field-error');
const status = byId('es-status');
const problem = byId('es-error');
const note = byId('es-note');
const list = byId('es-results');
const allWrap = byId('es-all-wrap');
const allLink = byId('es-all');

// ---- texts ----------------------------------------------------------------------------------

let dict = {};
let finnish = null; // the Finnish texts, loaded only when the chosen language lacks a text

function t(key, vars) {
  let text = key in dict ? dict[key] : finnish && key in finnish ? finnish[key] : key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}

function has(key) {
  return key in dict || Boolean(finnish && key in finnish);
}

function plural(key, count, vars = {}) {
  const form = new Intl.PluralRules(LOCALES[lang]).select(count);
  return t(has(`${key}.${form}`) ? `${key}.${form}` : `${key}.other`, { count, ...vars });
}

async function getJSON(path, signal) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'omit', signal });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

const NEEDED = [
  'embed.widget.title', 'embed.widget.label', 'embed.widget.hint', 'embed.widget.submit', 'embed.widget.required',
  'embed.widget.searching', 'embed.widget.results.other', 'embed.widget.empty', 'embed.widget.error',
  'embed.widget.newTab', 'embed.widget.showAll', 'embed.widget.resultsLabel',
];

async function loadTexts() {
  try {
    dict = await getJSON(`/i18n/${lang}.json`);
  } catch {
    dict = {};
  }
  if (lang !== 'fi' && NEEDED.some((key) => !(key in dict))) {
    try {
      finnish = await getJSON('/i18n/fi.json');
    } catch {
      finnish = null;
    }
  }
  for (const el of document.querySelectorAll('[data-i18n]')) {
    if (has(el.dataset.i18n)) el.textContent = t(el.dataset.i18n);
  }
  if (has('embed.widget.title')) document.title = t('embed.widget.title');
  if (has('embed.widget.resultsLabel')) list.setAttribute('aria-label', t('embed.widget.resultsLabel'));
}

// ---- the fixed municipality and category ----------------------------------------------------

const scope = { municipality: null, category: null, names: [] };

/** A LocalText in the widget's language (Finnish when it has none) and the language it is in. */
function localText(value) {
  if (!value) return { text: '', lang };
  if (typeof value === 'string') return { text: value, lang };
  if ((value[lang] || '').trim()) return { text: value[lang], lang };
  if ((value.fi || '').trim()) return { text: value.fi, lang: 'fi' };
  const [other, text] = Object.entries(value).find(([, v]) => (v || '').trim()) || [lang, ''];
  return { text, lang: other };
}

async function loadScope() {
  const municipality = params.get('municipality') || '';
  const category = params.get('category') || '';
  if (!municipality && !category) return;
  let taxonomy = null;
  try {
    taxonomy = await getJSON('/api/v1/catalogue/taxonomy');
  } catch {
    taxonomy = null;
  }
  if (taxonomy) {
    const m = (taxonomy.municipalities || []).find((x) => x.code === municipality);
    const c = (taxonomy.categories || []).find((x) => x.id === category);
    if (m) {
      scope.municipality = m.code;
      scope.names.push(['embed.widget.scope.municipality', localText(m.name)]);
    }
    if (c) {
      scope.category = c.id;
      scope.names.push(['embed.widget.scope.category', localText(c.name)]);
    }
  } else {
    // no taxonomy (a failed request): a well-formed value is kept rather than widening the search
    if (MUNICIPALITY.test(municipality)) scope.municipality = municipality;
    if (CATEGORY.test(category)) scope.category = category;
  }
}

function showScope() {
  scopeLine.replaceChildren();
  scope.names.forEach(([key, name], i) => {
    const [before, after = ''] = t(key, { name: '\u0000' }).split('\u0000');
    const span = document.createElement('span');
    if (name.lang !== lang) span.lang = name.lang;
    span.className = 'es-scope__name';
    span.textContent = name.text;
    if (i) scopeLine.append(' ');
    scopeLine.append(before, span, after);
  });
  scopeLine.hidden = scope.names.length === 0;
  if (scope.names.length) input.setAttribute('aria-describedby', 'es-hint es-scope');
}

// ---- the search -----------------------------------------------------------------------------

const ready = Promise.all([loadTexts(), loadScope()]).finally(() => {
  showScope(); // in the texts' language, so after both
  document.documentElement.classList.remove('es-loading');
  postHeight();
});

function say(region, text) {
  region.replaceChildren();
  if (text) region.append(text);
}

function catalogueParams(q) {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (scope.municipality) p.set('municipality', scope.municipality);
  if (scope.category) p.set('category', scope.category);
  return p;
}

function showFieldError(text) {
  fieldError.textContent = text;
  const describedBy = scope.names.length ? 'es-hint es-scope' : 'es-hint';
  if (text) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${describedBy} es-field-error`);
  } else {
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', describedBy);
  }
}

/** A text element; `value` a LocalText (marked with its language when it is not the widget's). */
function textElement(tag, className, value) {
  const { text, lang: textLang } = localText(value);
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  if (textLang !== lang) el.lang = textLang;
  return el;
}

/** The summary, with the matched words in <mark> (the snippet), or the plain summary. One that
 *  has no text in the widget's language says so first ("Vain suomeksi"), as the catalogue does. */
function summaryElement(item) {
  const text = textElement('span', 'es-result__text', item.summary);
  const p = document.createElement('p');
  p.className = 'es-result__summary';
  if (text.lang) {
    const only = document.createElement('span');
    only.className = 'es-result__only';
    only.textContent = t(`catalogue.service.onlyIn.${text.lang}`);
    if (has(`catalogue.service.onlyIn.${text.lang}`)) p.append(only, ' ');
  } else if (Array.isArray(item.snippet) && item.snippet.length) {
    text.replaceChildren(...item.snippet.map((part) => {
      if (!part.match) return document.createTextNode(part.text);
      const mark = document.createElement('mark');
      mark.textContent = part.text;
      return mark;
    }));
  }
  p.append(text);
  return p;
}

function resultItem(item) {
  const li = document.createElement('li');
  li.className = 'es-result';
  li.dataset.serviceId = item.id;
  const heading = document.createElement('h2');
  heading.className = 'es-result__name';
  const link = textElement('a', 'es-result__link', item.name);
  link.href = `${origin}/catalogue/services/${encodeURIComponent(item.id)}`;
  link.target = '_blank';
  link.rel = 'noopener';
  heading.append(link);
  li.append(heading);
  const org = (item.organization && item.organization.name) || item.organizationName;
  if (org) li.append(textElement('p', 'es-result__org', org));
  if (item.summary) li.append(summaryElement(item));
  return li;
}

let running = null;

async function search(q) {
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  await ready;
  if (controller.signal.aborted) return;
  const p = catalogueParams(q);
  p.set('lang', lang);
  p.set('limit', String(LIMIT));
  main.setAttribute('aria-busy', 'true');
  say(problem, '');
  say(status, t('embed.widget.searching'));
  let answer;
  try {
    answer = await getJSON(`/api/v1/catalogue/search?${p}`, controller.signal);
  } catch {
    if (controller.signal.aborted) return;
    main.removeAttribute('aria-busy');
    running = null;
    // the results of an earlier search would look like this one's
    list.replaceChildren();
    list.hidden = true;
    note.hidden = true;
    allWrap.hidden = true;
    delete main.dataset.searched;
    say(status, '');
    say(problem, t('embed.widget.error'));
    return;
  }
  if (controller.signal.aborted) return;
  running = null;
  main.removeAttribute('aria-busy');
  const items = Array.isArray(answer.items) ? answer.items : [];
  const total = Math.max(Number(answer.total) || 0, items.length);
  list.replaceChildren(...items.map(resultItem));
  list.hidden = items.length === 0;
  note.hidden = items.length === 0;
  allLink.href = `${origin}/catalogue?${catalogueParams(q)}`;
  allWrap.hidden = items.length === 0;
  main.dataset.searched = q;
  if (!items.length) say(status, t('embed.widget.empty', { query: q }));
  else if (total > items.length) say(status, t('embed.widget.results.shown', { count: total, shown: items.length }));
  else say(status, plural('embed.widget.results', total));
  postHeight();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = input.value.trim().replace(/\s+/g, ' ');
  if (!q) {
    showFieldError(t('embed.widget.required'));
    input.focus();
    return;
  }
  showFieldError('');
  search(q);
});

// ---- the height for the parent page ---------------------------------------------------------

let lastHeight = 0;
function postHeight() {
  if (window.parent === window) return;
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (!height || height === lastHeight) return;
  lastHeight = height;
  // only the height is sent; the parent checks that the message came from this frame and origin
  window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
}

if ('ResizeObserver' in window) new ResizeObserver(postHeight).observe(document.body);
else window.addEventListener('resize', postHeight);
window.addEventListener('load', postHeight);
postHeight();
