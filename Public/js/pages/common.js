// Pieces shared by the pages.
import { h, uid, setLive } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { requestMessage } from '../forms.js';

export const ROLES = ['expert', 'contentProducer', 'serviceProvider', 'approver', 'orgAdmin'];

export function roleName(role) {
  return t(`role.${role}`);
}

export function roleOptions() {
  return ROLES.map((r) => ({ value: r, label: roleName(r), hint: t(`role.${r}.hint`) }));
}

export function roleList(roles) {
  const sorted = [...(roles || [])].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
  return h('ul', { class: 'role-list' }, sorted.map((r) => h('li', { class: 'badge badge--info' }, roleName(r))));
}

/** Set the title and add the page's <h1>. */
export function heading(root, ctx, text, { title = text } = {}) {
  ctx.setTitle(title);
  const h1 = h('h1', { tabindex: '-1' }, text);
  root.appendChild(h1);
  return h1;
}

/** A polite status region (role="status") for "saved" style messages. */
export function statusRegion() {
  return h('div', { class: 'live-region', role: 'status', 'aria-live': 'polite' });
}

/** An assertive error region (role="alert"). */
export function alertRegion() {
  return h('div', { class: 'live-region', role: 'alert' });
}

export function notice(kind, ...content) {
  return h('div', { class: `notice notice--${kind}` }, ...content.map((c) => (typeof c === 'string' ? h('p', {}, c) : c)));
}

/** A section with an <h2>, labelled by it. */
export function section(title, ...children) {
  const id = uid('section');
  return h('section', { class: 'section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** The "you do not have access" page body (403 / 404 of a protected resource). */
export function noAccess(root, ctx) {
  root.replaceChildren();
  heading(root, ctx, t('noAccess.title'));
  root.appendChild(h('p', {}, t('noAccess.text')));
  root.appendChild(h('p', {}, h('a', { href: '/' }, t('action.toHome'))));
}

export function submitButton(text, kind = 'primary') {
  return h('button', { type: 'submit', class: `btn btn--${kind}` }, text);
}

/** A short description of a browser from its user agent: "Chrome, Android". */
export function describeUserAgent(ua) {
  if (!ua) return t('account.sessions.unknownDevice');
  const browser =
    (/Edg\//.test(ua) && 'Edge') ||
    (/OPR\/|Opera/.test(ua) && 'Opera') ||
    (/SamsungBrowser/.test(ua) && 'Samsung Internet') ||
    (/Firefox\//.test(ua) && 'Firefox') ||
    (/Chrome\/|Chromium\/|CriOS\//.test(ua) && 'Chrome') ||
    (/Safari\//.test(ua) && 'Safari') ||
    null;
  const os =
    (/Android/.test(ua) && 'Android') ||
    (/iPhone|iPad|iPod/.test(ua) && 'iOS') ||
    (/Windows/.test(ua) && 'Windows') ||
    (/Mac OS X|Macintosh/.test(ua) && 'macOS') ||
    (/CrOS/.test(ua) && 'ChromeOS') ||
    (/Linux/.test(ua) && 'Linux') ||
    null;
  if (browser && os) return t('account.sessions.browserOn', { browser, os });
  if (browser || os) return browser || os;
  return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
}

/**
 * The requests of a paged list where only the newest counts: an answer to an older request (a
 * first page of an earlier search, or "show more" of an earlier list) is dropped. A failure is
 * shown in `problem`. `first(url)` also marks `list` busy while it loads; `more(url, button)`
 * disables the button meanwhile. Both resolve to the answer, or null when it failed or was overtaken.
 */
export function newestRequests(ctx, { list, problem }) {
  let latest = 0;
  const current = (mine) => mine === latest && ctx.isCurrent();
  const fail = (error) => setLive(problem, notice('error', requestMessage(error)));
  return {
    async first(url) {
      const mine = ++latest;
      list.setAttribute('aria-busy', 'true');
      setLive(problem, '');
      try {
        const answer = await get(url);
        if (!current(mine)) return null;
        list.removeAttribute('aria-busy');
        return answer;
      } catch (error) {
        if (!current(mine)) return null;
        list.removeAttribute('aria-busy');
        fail(error);
        return null;
      }
    },
    async more(url, button) {
      const mine = ++latest;
      button.setAttribute('aria-disabled', 'true');
      try {
        const answer = await get(url);
        return current(mine) ? answer : null;
      } catch (error) {
        fail(error);
        return null;
      } finally {
        button.removeAttribute('aria-disabled');
      }
    },
  };
}
