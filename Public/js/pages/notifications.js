// In-app notifications (/notifications): reminders of tasks and meetings first (when there are
// any), then one notification per space, newest first, with its latest event; an unread one says
// how many events are new. Each links to its space; "mark as read" one by one or all at once. The
// header's count follows.
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { formatRecent, formatDateTime } from '../format.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage } from '../ui/errors.js';
import { pageList, reloadOnEvents } from '../ui/paged-list.js';
import { refreshUnread } from '../unread.js';
import { spaceHref } from '../spaces/common.js';
import { MEETING_EVENTS } from '../spaces/meetings.js';

const KINDS = ['message', 'memberJoined', 'fileAdded', 'pickAdded', 'pickChanged', 'taskAdded', 'taskChanged', 'taskCommented'];

function describe(n) {
  if (MEETING_EVENTS.includes(n.kind)) return t(`meeting.notification.${n.kind}`, { name: n.actorName || t('space.someone'), space: n.spaceTitle || '' });
  const kind = KINDS.includes(n.kind) ? n.kind : 'unknown';
  return t(`notifications.kind.${kind}`, { name: n.actorName || t('space.someone'), space: n.spaceTitle || '' });
}

/** The reminders section: hidden while there are none; opening the page marks them read. */
async function remindersSection(ctx) {
  let page;
  try {
    page = await get('/api/v1/reminders?limit=20', { signal: ctx.signal });
  } catch {
    return null;
  }
  if (!page.items.length) return null;
  const id = uid('reminders');
  const list = h('ul', { class: 'notification-list', 'aria-labelledby': id }, page.items.map((r) => h('li', {
    class: ['notification', r.readAt ? '' : 'notification--unread'], dataset: { reminder: r.id, read: String(Boolean(r.readAt)) },
  },
  h('p', { class: 'notification__text' },
    r.readAt ? null : [h('span', { class: 'badge badge--warn' }, t('reminders.new')), ' '],
    h('a', { href: spaceHref(r.spaceId) }, t(`reminders.kind.${r.kind === 'meeting' ? 'meeting' : 'taskDue'}`, {
      title: r.title, when: formatDateTime(r.at), space: r.spaceTitle,
    }))),
  h('p', { class: 'muted small' }, h('time', { datetime: r.createdAt, title: formatDateTime(r.createdAt) }, formatRecent(r.createdAt))))));
  if (page.unread > 0) {
    post('/api/v1/reminders/read', { all: true }, { signal: ctx.signal }).then(() => refreshUnread({ delay: 0 })).catch(() => {});
  }
  return h('section', { class: 'section', 'aria-labelledby': id }, h('h2', { id }, t('reminders.title')), list);
}

export default {
  auth: true,
  async render(root, ctx) {
    heading(root, ctx, t('notifications.title'));
    const reminders = await remindersSection(ctx);
    if (!ctx.isCurrent()) return;
    if (reminders) root.appendChild(reminders);
    const status = statusRegion();
    const problem = alertRegion();
    const summary = h('p', { class: 'lead' });
    const markAll = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('notifications.markAll'));
    let unread = 0;
    const { list, pages } = pageList({
      ctx,
      root,
      before: [summary, status, problem, h('div', { class: 'actions' }, markAll)],
      className: 'notification-list',
      label: t('notifications.title'),
      emptyText: t('notifications.empty'),
      problem,
      url: (cursor) => `/api/v1/notifications?limit=30${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row,
      onPage: (answer, { first }) => {
        if (first && Number.isInteger(answer.unread)) unread = answer.unread;
        showCount();
      },
      markLoaded: false,
    });

    function showCount() {
      summary.textContent = plural('notifications.unreadCount', unread);
      markAll.hidden = unread === 0;
    }

    function markRow(li) {
      li.dataset.read = 'true';
      li.classList.remove('notification--unread');
      const badge = li.querySelector('.notification__new');
      if (badge) badge.remove();
      const button = li.querySelector('.notification__mark');
      if (button) button.remove();
    }

    function row(n) {
      const textId = uid('notification');
      const unreadHere = n.readAt ? 0 : Math.max(1, n.count || 0);
      const li = h('li', { class: ['notification', n.readAt ? '' : 'notification--unread'], dataset: { space: n.spaceId, read: String(Boolean(n.readAt)) } },
        h('p', { class: 'notification__text', id: textId },
          unreadHere ? [h('span', { class: 'badge badge--warn notification__new' }, plural('notifications.unreadShort', unreadHere)), ' '] : null,
          h('a', { href: spaceHref(n.spaceId) }, describe(n))),
        h('p', { class: 'muted small' }, h('time', { datetime: n.updatedAt, title: formatDateTime(n.updatedAt) }, formatRecent(n.updatedAt))));
      if (!n.readAt) {
        const mark = h('button', { type: 'button', class: 'btn btn--secondary notification__mark', 'aria-describedby': textId }, t('notifications.markRead'));
        mark.addEventListener('click', async () => {
          try {
            await post('/api/v1/notifications/read', { spaceIds: [n.spaceId] });
            const next = li.nextElementSibling && li.nextElementSibling.querySelector('a');
            markRow(li);
            unread = Math.max(0, unread - unreadHere);
            showCount();
            setLive(status, t('notifications.marked'));
            (next || li.querySelector('a')).focus();
            refreshUnread({ delay: 0 });
          } catch (error) {
            setLive(problem, h('p', { class: 'notice notice--error' }, requestMessage(error)));
          }
        });
        li.appendChild(h('div', { class: 'actions' }, mark));
      }
      return li;
    }

    markAll.addEventListener('click', async () => {
      try {
        await post('/api/v1/notifications/read', { all: true });
        for (const li of list.querySelectorAll('li')) markRow(li);
        unread = 0;
        showCount();
        setLive(status, t('notifications.allMarked'));
        root.querySelector('h1').focus();
        refreshUnread({ delay: 0 });
      } catch (error) {
        setLive(problem, h('p', { class: 'notice notice--error' }, requestMessage(error)));
      }
    }, { signal: ctx.signal });

    await pages.load();
    if (!ctx.isCurrent()) return;
    reloadOnEvents({ ctx, delay: 1500, load: pages.load });
  },
};
