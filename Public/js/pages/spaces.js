// My guidance spaces (/spaces): newest activity first, with the unread count in words, the kind
// and the status; open and closed spaces on their own tabs (?status=closed). Experts get the
// button that opens a new space. The list follows realtime events (a new message moves its space
// up and counts as unread).
import { h, uid } from '../dom.js';
import { t, plural } from '../i18n.js';
import { enc } from '../api.js';
import { formatRecent } from '../format.js';
import { heading } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { pageList } from '../ui/paged-list.js';
import * as realtime from '../realtime.js';
import { isExpertUser, spaceHref, kindBadge, statusBadge, roleName } from '../spaces/common.js';

function spaceRow(space) {
  const titleId = uid('space');
  const unread = Number(space.unread) || 0;
  return h(
    'li',
    { class: ['space-item', unread ? 'space-item--unread' : ''], dataset: { spaceId: space.id, unread: String(unread) } },
    h('h2', { class: 'space-item__title', id: titleId }, h('a', { href: spaceHref(space.id) }, space.title)),
    h('p', { class: 'space-item__badges' }, kindBadge(space.kind), ' ', statusBadge(space.status),
      unread ? [' ', h('span', { class: 'badge badge--warn space-item__unread' }, plural('spaces.unread', unread))] : null),
    h('p', { class: 'space-item__meta muted' },
      t('spaces.yourRole', { role: roleName(space.role) }),
      space.ownerName ? [' · ', t('spaces.owner', { name: space.ownerName })] : null),
    space.lastActivityAt
      ? h('p', { class: 'space-item__meta muted' }, t('spaces.lastActivity'), ' ', h('time', { datetime: space.lastActivityAt }, formatRecent(space.lastActivityAt)))
      : null,
  );
}

export default {
  auth: true,
  async render(root, ctx) {
    const closed = ctx.query.get('status') === 'closed';
    heading(root, ctx, t('spaces.title'));
    root.appendChild(h('p', { class: 'lead' }, t(isExpertUser(ctx.user) ? 'spaces.intro.expert' : 'spaces.intro.client')));
    if (isExpertUser(ctx.user)) {
      root.appendChild(h('p', {}, h('a', { href: '/spaces/new', class: 'btn btn--primary' }, t('spaces.new'))));
    }
    const tabs = h('nav', { class: 'tab-links', 'aria-label': t('spaces.statusNav') },
      h('ul', {},
        h('li', {}, h('a', { href: '/spaces', 'aria-current': closed ? null : 'page' }, t('spaces.tab.open'))),
        h('li', {}, h('a', { href: '/spaces?status=closed', 'aria-current': closed ? 'page' : null }, t('spaces.tab.closed')))));
    root.appendChild(tabs);

    const problem = alertRegion();
    const { list, pages } = pageList({
      ctx,
      root,
      before: [problem],
      className: 'space-list',
      label: t(closed ? 'spaces.tab.closed' : 'spaces.tab.open'),
      emptyText: t(closed ? 'spaces.empty.closed' : 'spaces.empty.open'),
      problem,
      url: (cursor) => `/api/v1/spaces?status=${closed ? 'closed' : 'open'}&limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row: spaceRow,
    });
    await pages.load();
    if (!ctx.isCurrent()) return;

    // Live: reload the first page (quietly, at most once a second) when something happens.
    let timer = null;
    const reload = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        if (!ctx.isCurrent()) return;
        // keep the keyboard focus on the same space's link
        const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('[data-space-id]');
        const focusedId = focused && list.contains(focused) ? focused.dataset.spaceId : null;
        await pages.load();
        if (focusedId) {
          const again = list.querySelector(`[data-space-id="${CSS.escape(focusedId)}"] a`);
          if (again) again.focus();
        }
      }, 1000);
    };
    realtime.subscribe(null, (frame) => {
      if (frame.type === 'event' || frame.type === 'removed') reload();
    }, { signal: ctx.signal });
    ctx.signal.addEventListener('abort', () => window.clearTimeout(timer), { once: true });
  },
};
