// Pieces every page has: the <h1> with the document title, one page-message block (not found,
// no access, an error), and the print button.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { ApiError } from '../api.js';

/** Set the title and add the page's <h1>. */
export function heading(root, ctx, text, { title = text } = {}) {
  ctx.setTitle(title);
  const h1 = h('h1', { tabindex: '-1' }, text);
  root.appendChild(h1);
  return h1;
}

/**
 * The page says why it shows nothing else: replaces what is in `root` with the title, a text and
 * the ways on ([{href, text}] links, or {text, onClick} buttons). `state` ('not-found',
 * 'no-access', 'error') is kept in data-state.
 */
export function pageMessage(root, ctx, { state, title, text, links = [] }) {
  root.replaceChildren();
  root.dataset.state = state;
  heading(root, ctx, title);
  if (text) root.appendChild(h('p', {}, text));
  for (const link of links) {
    root.appendChild(h('p', { class: 'page-message__way' }, link.href
      ? h('a', { href: link.href }, link.text)
      : h('button', { type: 'button', class: 'btn btn--primary', onClick: link.onClick }, link.text)));
  }
}

/** "Not found": `key` has .title and .text texts; `back` is the way on ({href, text}). */
export function notFoundMessage(root, ctx, key, back) {
  pageMessage(root, ctx, { state: 'not-found', title: t(`${key}.title`), text: t(`${key}.text`), links: [back] });
}

/** The "you do not have access" page body (403 / 404 of a protected resource). */
export function noAccess(root, ctx) {
  pageMessage(root, ctx, { state: 'no-access', title: t('noAccess.title'), text: t('noAccess.text'), links: [{ href: '/', text: t('action.toHome') }] });
}

/**
 * The start of a page for platform admins (or whom `allowed` names): its heading, and for anyone
 * else the no-access state (then null). Otherwise returns `refuse(error)`: true when the server
 * refused the caller (401 or 403), after showing the no-access state once; `refuse.denied` says
 * whether it has. `documentTitle`: the tab's title when the heading has soft hyphens.
 */
export function adminPage(root, ctx, title, { allowed = Boolean(ctx.user.isPlatformAdmin), documentTitle = title } = {}) {
  heading(root, ctx, title, { title: documentTitle });
  if (!allowed) {
    noAccess(root, ctx);
    return null;
  }
  const refuse = (error) => {
    if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 401)) return false;
    if (!refuse.denied && ctx.isCurrent()) noAccess(root, ctx);
    refuse.denied = true;
    return true;
  };
  refuse.denied = false;
  return refuse;
}

/** The print button (the print styles leave out navigation and buttons). */
export function printButton() {
  return h('button', { type: 'button', class: 'btn btn--secondary print-button', onClick: () => window.print() }, t('action.print'));
}
