// My meetings (/meetings): the meetings I take part in, in every guidance space, from today on,
// soonest first. Each names its space with a link and has its .ics file; a participant answers
// here too, an expert changes or cancels, a client cancels a time they booked. Experts have a tab
// of their free slots (/meetings/slots). The list follows realtime meeting events.
import { h, setLive } from '../dom.js';
import { t } from '../i18n.js';
import { enc } from '../api.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { pageList, reloadOnEvents } from '../ui/paged-list.js';
import { focusElement } from '../ui/rows.js';
import { isExpertUser } from '../spaces/common.js';
import { meetingItem, meetingMessage, MEETING_EVENTS } from '../spaces/meetings.js';

/** The tabs of an expert: "Tapaamiset" and "Vapaat ajat"; nothing for a client. */
export function meetingTabs(user, current) {
  if (!isExpertUser(user)) return null;
  return h('nav', { class: 'tab-links', 'aria-label': t('meeting.pageNav') },
    h('ul', {},
      h('li', {}, h('a', { href: '/meetings', 'aria-current': current === 'meetings' ? 'page' : null }, t('meeting.tab.meetings'))),
      h('li', {}, h('a', { href: '/meetings/slots', 'aria-current': current === 'slots' ? 'page' : null }, t('meeting.tab.slots')))));
}

export default {
  auth: true,
  async render(root, ctx) {
    const me = ctx.user;
    root.classList.add('meetings-page');
    heading(root, ctx, t('meeting.pageTitle'));
    root.appendChild(h('p', { class: 'lead' }, t(isExpertUser(me) ? 'meeting.pageIntroExpert' : 'meeting.pageIntro')));
    const status = statusRegion();
    const problem = alertRegion();

    function row(meeting) {
      const mine = (meeting.participants || []).find((p) => p.userId === me.id);
      const li = meetingItem(meeting, {
        me,
        isExpert: Boolean(mine && mine.isExpert),
        headingLevel: 'h2',
        showSpace: true,
        signal: ctx.signal,
        onChanged: (fresh, text) => {
          const hadFocus = li.contains(document.activeElement);
          const action = hadFocus ? document.activeElement.dataset.action : null;
          const next = row(fresh);
          li.replaceWith(next);
          if (hadFocus) focusElement((action && next.querySelector(`[data-action="${action}"]`)) || next.querySelector('h2'));
          setLive(problem, '');
          setLive(status, h('div', { class: 'notice notice--success' }, h('p', {}, text)));
        },
        onError: (error) => setLive(problem, h('div', { class: 'notice notice--error' }, h('p', {}, meetingMessage(error)))),
      });
      return li;
    }

    const { list, pages } = pageList({
      ctx,
      root,
      before: [...[meetingTabs(me, 'meetings')].filter(Boolean), status, problem],
      className: 'meeting-list meeting-list--page',
      label: t('meeting.listLabel'),
      emptyText: t('meeting.pageEmpty'),
      problem,
      url: (cursor) => `/api/v1/meetings?limit=30${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row,
    });
    await pages.load();
    if (!ctx.isCurrent()) return;

    // a meeting booked, changed or cancelled elsewhere: the first page again (quietly, once a
    // burst), unless the reader is working in the list or in a dialog opened from it
    reloadOnEvents({ ctx, kinds: MEETING_EVENTS, list, busy: () => Boolean(document.querySelector('dialog[open]')), load: pages.load });
  },
};
