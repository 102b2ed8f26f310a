// The home page. Its first part is "today" (GET /api/v1/today, one request, so it is quick on a
// slow phone connection): the next meeting, open tasks, unread spaces and services suggested to
// the client that wait for an answer. Then what the person can do, by their roles.
import { h, setLive } from '../dom.js';
import { t, plural, localText } from '../i18n.js';
import { get, getAll, enc } from '../api.js';
import { adminOrganizationIds, isContentProducer, usesCatalogueEditor } from '../session.js';
import { roleList, section, notice } from './common.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { spaceHref, isExpertUser } from '../spaces/common.js';
import { taskItem } from '../spaces/plan.js';
import { meetingItem, meetingWhen } from '../spaces/meetings.js';

/** The "today" sections, or an error notice when they could not be loaded. */
async function todaySections(ctx) {
  const me = ctx.user;
  let today;
  try {
    today = await get('/api/v1/today', { signal: ctx.signal });
  } catch (error) {
    if (isAbort(error)) return [];
    return [notice('error', t('today.loadFailed'), requestMessage(error))];
  }
  const status = statusRegion();
  const problem = alertRegion();
  const onError = (error) => setLive(problem, notice('error', requestMessage(error)));
  const said = (text) => setLive(status, notice('success', text));

  // The next meeting, with its answer buttons; the others of the next two weeks as links.
  const meetingList = h('ul', { class: 'meeting-list', 'aria-label': t('today.nextMeeting') });
  if (today.nextMeeting) {
    const item = (m) => meetingItem(m, {
      me, isExpert: isExpertUser(me), showSpace: true, headingLevel: 'h3', signal: ctx.signal, onError,
      onChanged: (fresh, text) => {
        meetingList.firstElementChild.replaceWith(item(fresh));
        if (text) said(text);
      },
    });
    meetingList.appendChild(item(today.nextMeeting));
  }
  const later = today.meetings.length
    ? [h('h3', {}, t('today.laterMeetings')), h('ul', { class: 'link-list' }, today.meetings.map((m) => h('li', {},
      h('a', { href: spaceHref(m.spaceId) }, `${meetingWhen(m)} – ${m.title || t('meeting.untitled')}`))))]
    : [];
  const meetings = section(t('today.nextMeeting'),
    today.nextMeeting ? meetingList : h('p', { class: 'muted' }, t('today.noMeetings')),
    ...later,
    h('p', {}, h('a', { href: '/meetings' }, t('today.allMeetings'))));

  // Open tasks, soonest first; ticking one done here works as on "My tasks".
  const taskList = h('ul', { class: 'task-list', 'aria-label': t('today.tasks') });
  const taskRow = (task) => {
    const li = taskItem(task, {
      me, headingLevel: 'h3', showSpace: true, canTick: true, signal: ctx.signal, onError,
      onChanged: (fresh) => {
        li.replaceWith(taskRow(fresh));
        said(t(fresh.status === 'done' ? 'space.tasks.markedDone' : 'space.tasks.reopened', { title: fresh.title }));
      },
    });
    return li;
  };
  taskList.append(...today.tasks.map(taskRow));
  const tasks = section(t('today.tasks'),
    today.openTasks
      ? h('p', {}, plural('today.openTasks', today.openTasks),
        today.overdueTasks ? [' ', h('strong', {}, plural('today.overdueTasks', today.overdueTasks))] : null)
      : h('p', { class: 'muted' }, t('today.noTasks')),
    today.tasks.length ? taskList : null,
    h('p', {}, h('a', { href: '/tasks' }, t('today.allTasks'))));

  const unread = section(t('today.unread'),
    today.unread.length
      ? h('ul', { class: 'link-list' }, today.unread.map((n) => h('li', {},
        h('a', { href: spaceHref(n.spaceId) }, plural('today.unreadIn', n.count, { space: n.spaceTitle })))))
      : h('p', { class: 'muted' }, t('today.noUnread')));

  const parts = [status, problem, meetings, tasks, unread];
  if (today.picks.length) {
    parts.push(section(t('today.picks'),
      h('p', {}, t('today.picksIntro')),
      h('ul', { class: 'item-list' }, today.picks.map((p) => h('li', {},
        h('h3', {}, localText(p.name)),
        p.note ? h('p', {}, p.note) : null,
        h('p', {}, h('a', { href: spaceHref(p.spaceId) }, t('today.answerIn', { space: p.spaceTitle }))))))));
  }
  return parts;
}

export default {
  auth: true,
  async render(root, ctx) {
    const user = ctx.user;
    heading(root, ctx, t('home.greeting', { name: user.displayName }), { title: t('home.title') });
    root.appendChild(h('p', { class: 'lead' }, t('home.intro')));
    const today = await todaySections(ctx);
    if (!ctx.isCurrent()) return;
    root.append(...today);

    const links = h('ul', { class: 'link-list' }, h('li', {}, h('a', { href: '/spaces' }, t('spaces.title'))),
      h('li', {}, h('a', { href: '/account' }, t('account.title'))),
      h('li', {}, h('a', { href: '/catalogue' }, t('catalogue.title'))),
    );
    root.appendChild(section(t('home.whatToDo'), links));

    // Organisations whose users this person manages.
    let manageable = [];
    if (user.isPlatformAdmin) {
      try {
        const orgs = await getAll('/api/v1/organizations', { signal: ctx.signal });
        manageable = orgs.map((o) => ({ id: o.id, name: localText(o.name) }));
      } catch {
        if (!ctx.isCurrent()) return;
        root.appendChild(notice('error', t('error.loadFailed')));
      }
    } else {
      const ids = adminOrganizationIds(user);
      manageable = (user.memberships || [])
        .filter((m) => ids.includes(m.organizationId))
        .map((m) => ({ id: m.organizationId, name: localText(m.organizationName) }));
    }
    for (const org of manageable) {
      links.appendChild(
        h('li', {}, h('a', { href: `/organizations/${enc(org.id)}/users` }, t('home.manageUsers', { organization: org.name }))),
      );
    }

    if (user.isPlatformAdmin) {
      links.appendChild(h('li', {}, h('a', { href: '/admin/security-events' }, t('securityEvents.title'))));
      links.appendChild(h('li', {}, h('a', { href: '/admin/embed' }, t('embed.admin.title'))));
      links.appendChild(h('li', {}, h('a', { href: '/admin/taxonomy' }, t('taxonomy.title'))));
    }
    if (usesCatalogueEditor(user)) {
      links.appendChild(h('li', {}, h('a', { href: '/editor' }, t('editor.list.title'))));
    }
    if (user.isPlatformAdmin || isContentProducer(user)) {
      links.appendChild(h('li', {}, h('a', { href: '/admin/search-words' }, t('searchWords.title'))));
    }

    const memberships = user.memberships || [];
    if (memberships.length) {
      root.appendChild(
        section(
          t('home.organizations'),
          h(
            'ul',
            { class: 'item-list' },
            memberships.map((m) => h('li', {}, h('h3', {}, localText(m.organizationName)), h('p', { class: 'visually-hidden' }, t('home.yourRoles')), roleList(m.roles))),
          ),
        ),
      );
    }
    if (user.isPlatformAdmin) {
      root.appendChild(notice('info', t('home.platformAdmin')));
    }
  },
};
