// Pieces shared by the pages (the page-independent ones are in ../ui/).
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';

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

export function notice(kind, ...content) {
  return h('div', { class: `notice notice--${kind}` }, ...content.map((c) => (typeof c === 'string' ? h('p', {}, c) : c)));
}

/** A section with an <h2>, labelled by it. */
export function section(title, ...children) {
  const id = uid('section');
  return h('section', { class: 'section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
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
