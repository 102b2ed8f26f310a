// My tasks (/tasks): the tasks given to me in every guidance space, open ones first by their due
// time (an overdue one says so in words), done ones on their own tab (?status=done). Each names
// its space with a link; the "Tehty" tick works here too. The list follows realtime task events.
import { h, setLive } from '../dom.js';
import { t } from '../i18n.js';
import { enc } from '../api.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage } from '../ui/errors.js';
import { pagedList } from '../ui/paged-list.js';
import { focusElement } from '../ui/rows.js';
import * as realtime from '../realtime.js';
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
    const list = h('ul', { class: 'task-list task-list--page', 'aria-label': t(done ? 'tasks.tab.done' : 'tasks.tab.open') });
    const empty = h('p', { class: 'muted', hidden: true }, t(done ? 'tasks.empty.done' : 'tasks.empty.open'));
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    root.append(tabs, status, problem, list, empty, h('div', { class: 'actions' }, more));

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

    const pages = pagedList({
      signal: ctx.signal,
      list,
      more,
      problem,
      heading: () => root.querySelector('h1'),
      url: (cursor) => `/api/v1/tasks?status=${done ? 'done' : 'open'}&limit=30${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row,
      onPage: () => {
        empty.hidden = list.children.length > 0;
        list.dataset.loaded = 'true';
      },
    });
    await pages.load();
    if (!ctx.isCurrent()) return;

    // a task given, changed or removed elsewhere: the first page again (quietly, once a burst),
    // unless the reader is working in the list
    let timer = null;
    realtime.subscribe(null, (frame) => {
      if (frame.type !== 'event' || !TASK_EVENTS.includes(frame.kind)) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        if (ctx.isCurrent() && !list.contains(document.activeElement)) pages.load();
      }, 1000);
    }, { signal: ctx.signal });
    ctx.signal.addEventListener('abort', () => window.clearTimeout(timer), { once: true });
  },
};
