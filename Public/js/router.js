// A tiny history-API router: real paths, links intercepted, focus moved to the page's <h1>
// after each navigation, the new page announced in a polite live region.
// Each render gets ctx.signal, an AbortSignal that aborts when another page (or the same page
// again) is rendered: it cancels the page's requests, removes listeners added with it and
// closes its dialogs. The store event 'page' ({path}) follows each render.
import { h, clear, announceIn } from './dom.js';
import { t } from './i18n.js';
import { emit } from './store.js';
import { pageMessage } from './ui/page.js';

const routes = [];
let renderToken = 0;
let pageController = new AbortController();
let firstRender = true;
let renderedKey = null;
let pendingFlash = null;
let getUser = () => null;
// A page that keeps its own state in the query string (the catalogue search) handles Back and
// Forward within its path itself instead of being rendered again: {path, token, fn}.
let queryHandler = null;

/** route('/organizations/:orgId/users', () => import('./pages/x.js')) */
export function route(pattern, load) {
  const keys = [];
  const source = pattern
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        keys.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  routes.push({ regex: new RegExp(`^${source}/?$`), keys, load });
}

let fallbackLoad = null;
export function notFound(load) {
  fallbackLoad = load;
}

function match(pathname) {
  for (const r of routes) {
    const m = r.regex.exec(pathname);
    if (m) {
      const params = {};
      r.keys.forEach((k, i) => {
        try {
          params[k] = decodeURIComponent(m[i + 1]);
        } catch {
          params[k] = m[i + 1];
        }
      });
      return { load: r.load, params };
    }
  }
  return { load: fallbackLoad, params: {} };
}

/** A message shown (and announced) on the next page: {kind: 'success'|'info'|'error', key, params}. */
export function setFlash(kind, key, params) {
  pendingFlash = { kind, key, params };
}

/**
 * A place to return to after signing in (?next=): resolved the way the browser would resolve it,
 * and accepted only when it stays on our origin; then its path, query and fragment ("/account").
 * Tabs, newlines and backslashes ("/\t/evil.example", "/\\evil.example") are read as the URL parser
 * reads them, so they cannot smuggle in another host; "javascript:" has no origin of ours.
 */
export function safeNext(value) {
  if (!value || typeof value !== 'string') return null;
  let url;
  try {
    url = new URL(value, window.location.origin);
  } catch {
    return null;
  }
  if (url.origin !== window.location.origin || url.pathname.startsWith('/login')) return null;
  return url.pathname + url.search + url.hash;
}

/**
 * Put a new query string in the address bar for the current page without rendering it again
 * (the page updates itself); Back and Forward then call the page's ctx.onQueryChange handler.
 */
export function setQuery(params, { replace = false } = {}) {
  const search = params.toString();
  const target = window.location.pathname + (search ? `?${search}` : '');
  if (target === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState({}, '', target);
  else window.history.pushState({}, '', target);
  renderedKey = target + window.location.hash;
}

/** Show another page of ours; an address of another origin is refused (the router never leaves). */
export function navigate(to, { replace = false } = {}) {
  const url = new URL(to, window.location.origin);
  if (url.origin !== window.location.origin) {
    console.warn('navigate: not our origin', url.origin);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (replace) window.history.replaceState({}, '', target);
  else window.history.pushState({}, '', target);
  render();
}

function collectValues(root) {
  const values = [];
  for (const el of root.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (el.type === 'file') continue; // a chosen file cannot be put back (only '' may be set)
    if (el.type === 'checkbox' || el.type === 'radio') values.push({ name: el.name, value: el.value, checked: el.checked });
    else values.push({ name: el.name, value: el.value });
  }
  return values;
}

function restoreValues(root, values) {
  for (const v of values) {
    if ('checked' in v) {
      const box = root.querySelector(`input[name="${CSS.escape(v.name)}"][value="${CSS.escape(v.value)}"]`);
      if (box) box.checked = v.checked;
    } else {
      const el = root.querySelector(`[name="${CSS.escape(v.name)}"]`);
      if (el && el.type !== 'checkbox' && el.type !== 'radio') el.value = v.value;
    }
  }
}

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';

/** Render the current page again (after a language change); keeps typed values and focus. */
export function rerender() {
  const main = document.getElementById('main');
  const focusables = [...main.querySelectorAll(FOCUSABLE)];
  const focusIndex = focusables.indexOf(document.activeElement);
  return render({ preserve: collectValues(main), focus: false, focusIndex });
}

/** The AbortSignal of the page being shown (aborted when it is left). */
export function pageSignal() {
  return pageController.signal;
}

function setTitle(text) {
  document.title = text ? `${text} – ${t('app.name')}` : t('app.name');
}

async function render({ preserve = null, focus = true, focusIndex = -1 } = {}) {
  const token = ++renderToken;
  pageController.abort();
  pageController = new AbortController();
  const { signal } = pageController;
  queryHandler = null;
  const url = new URL(window.location.href);
  renderedKey = url.pathname + url.search + url.hash;
  const main = document.getElementById('main');
  const { load, params } = match(url.pathname);
  const flash = pendingFlash;
  pendingFlash = null;
  let title = '';

  const ctx = {
    params,
    path: url.pathname,
    query: url.searchParams,
    hash: new URLSearchParams(url.hash.slice(1)),
    user: getUser(),
    signal,
    navigate,
    setFlash,
    rerender,
    isCurrent: () => !signal.aborted,
    setQuery,
    /** fn(searchParams) is called on Back/Forward to another query string of this same path. */
    onQueryChange(fn) {
      queryHandler = { path: url.pathname, token, fn };
    },
    setTitle(text) {
      title = text;
      if (token === renderToken) setTitle(text);
    },
  };

  let page;
  try {
    page = (await load()).default;
  } catch (error) {
    if (token !== renderToken) return; // left meanwhile (its requests were cancelled)
    console.error(error);
    showFailure(main, token, ctx);
    return;
  }
  if (token !== renderToken) return;
  if (page.auth && !ctx.user) {
    if (url.pathname !== '/') setFlash('info', 'login.signInFirst');
    navigate(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, { replace: true });
    return;
  }

  const container = h('div', { class: 'page' });
  clear(main);
  main.appendChild(container);
  try {
    await page.render(container, ctx);
  } catch (error) {
    if (token !== renderToken) return; // left meanwhile (its requests were cancelled)
    console.error(error);
    showFailure(main, token, ctx);
    return;
  }
  if (token !== renderToken) return;
  if (preserve) restoreValues(container, preserve);

  let flashText = '';
  if (flash) {
    flashText = t(flash.key, flash.params);
    const box = h('div', { class: `notice notice--${flash.kind}`, dataset: { flash: flash.key } }, h('p', {}, flashText));
    const heading = container.querySelector('h1');
    if (heading) heading.after(box);
    else container.prepend(box);
  }

  const heading = container.querySelector('h1');
  if (heading) heading.setAttribute('tabindex', '-1');
  if (!firstRender && focus) {
    window.scrollTo(0, 0);
    if (heading) heading.focus();
    else main.focus();
  } else if (focusIndex >= 0) {
    // the same control as before the re-render (the page has the same shape in every language)
    const target = container.querySelectorAll(FOCUSABLE)[focusIndex];
    if (target) target.focus({ preventScroll: false });
  }
  if (!firstRender) {
    const announcer = document.getElementById('announcer');
    const text = [title || (heading && heading.textContent), flashText].filter(Boolean).join('. ');
    if (announcer) announceIn(announcer, focus ? text : flashText);
  }
  firstRender = false;
  document.documentElement.dataset.page = url.pathname;
  emit('page', { path: url.pathname });
}

function showFailure(main, token, ctx) {
  clear(main);
  const page = main.appendChild(h('div', { class: 'page' }));
  pageMessage(page, ctx, {
    state: 'error',
    title: t('error.pageFailed.title'),
    text: t('error.pageFailed.text'),
    links: [{ text: t('action.reload'), onClick: () => window.location.reload() }],
  });
  if (token === renderToken) firstRender = false;
}

function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest && event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const href = a.getAttribute('href');
  if (href.startsWith('#')) return;
  const url = new URL(a.href);
  if (url.origin !== window.location.origin) return;
  if (url.pathname.startsWith('/api/') || /\.[a-z0-9]+$/i.test(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

export function startRouter(options) {
  getUser = options.getUser;
  document.addEventListener('click', onLinkClick);
  // Back/forward, and links that change only the fragment (an e-mail link opened in the same
  // tab: "/invitation#token=A" → "/invitation#token=B" does not reload the document).
  const onHistory = () => {
    const key = window.location.pathname + window.location.search + window.location.hash;
    if (key === renderedKey) return;
    if (queryHandler && queryHandler.token === renderToken && queryHandler.path === window.location.pathname) {
      renderedKey = key;
      queryHandler.fn(new URLSearchParams(window.location.search));
      return;
    }
    render();
  };
  window.addEventListener('popstate', onHistory);
  window.addEventListener('hashchange', onHistory);
  return render();
}

export function currentPath() {
  return window.location.pathname;
}
