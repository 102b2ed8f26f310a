// My tasks (/tasks): the tasks given to me in every guidance space, open ones first by their due
// time (an overdue one says so in words), done ones on their own tab (?status=done). Each names
// its space with a link; the "Tehty" tick works here too. The list follows realtime task events.
import { h, setLive } from '../dom.js';
import { t } from '../i18n.js';
import { enc } from '../api.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage } from '../ui/errors.js';
import { pageList, reloadOnEvents } from '../ui/paged-list.js';
import { focusElement } from '../ui/rows.js';
import { taskItem } from '../spaces/plan.js';

const TASK_EVENTS = ['taskAdded', 'taskChanged', 'taskRemoved'];

export default {
  auth: true,
  async render(root, ctx) {
    const done = ctx.query.get('status') === 'done';
    root.classList.add('tasks-page');
    heading(root, ctx, t('tasks.title'));
    root.appendChild(h('p', { class: 'lead' }, t('tasks.intro')));
    const tabs = h('nav', { class: 'tab-links', 'aria-label': t('tasks.statusNav') },
      h('ul', {},
        h('li', {}, h('a', { href: '/tasks', 'aria-current': done ? null : 'page' }, t('tasks.tab.open'))),
        h('li', {}, h('a', { href: '/tasks?status=done', 'aria-current': done ? 'page' : null }, t('tasks.tab.done')))));
    const status = statusRegion();
    const problem = alertRegion();

    function row(task) {
      const li = taskItem(task, {
        me: ctx.user,
        headingLevel: 'h2',
        showSpace: true,
        canTick: true,
        signal: ctx.signal,
        // the row stays where it is (ticked by mistake, it is ticked back here); the tab changes on the next load
        onChanged: (fresh) => {
          const hadFocus = li.contains(document.activeElement);
          const next = row(fresh);
          li.replaceWith(next);
          if (hadFocus) focusElement(next.querySelector('[data-action="done"]'));
          setLive(problem, '');
          setLive(status, h('div', { class: 'notice notice--success' },
            h('p', {}, t(fresh.status === 'done' ? 'space.tasks.markedDone' : 'space.tasks.reopened', { title: fresh.title }))));
        },
        onError: (error) => setLive(problem, h('div', { class: 'notice notice--error' }, h('p', {}, requestMessage(error)))),
      });
      return li;
    }

    const { list, pages } = pageList({
      ctx,
      root,
      before: [tabs, status, problem],
      className: 'task-list task-list--page',
      label: t(done ? 'tasks.tab.done' : 'tasks.tab.open'),
      emptyText: t(done ? 'tasks.empty.done' : 'tasks.empty.open'),
      problem,
      url: (cursor) => `/api/v1/tasks?status=${done ? 'done' : 'open'}&limit=30${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row,
    });
    await pages.load();
    if (!ctx.isCurrent()) return;

    // a task given, changed or removed elsewhere: the first page again (quietly, once a burst),
    // unless the reader is working in the list
    reloadOnEvents({ ctx, kinds: TASK_EVENTS, list, load: pages.load });
  },
};
