// The services of the user's organisations (/editor), for content producers, service providers,
// approvers and platform admins: filtered by organisation (when there are several), status
// ("has an open edit" too) and a word of the name, sorted by name or by the longest since
// review; "New service"; the review queue for approvers. The choices are kept in the address
// (?organization=&status=&q=&sort=). At the top, the user's unread review reminders
// (editor/notices.js); links to the services left unreviewed (/editor/stale), to the publishing
// statistics (/editor/statistics) and to the import
// from the national service registry (/editor/import) for those with the right; to the articles
// (/editor/articles) and, for those who edit, the translation queue (/editor/translations). What is offered
// follows the rights the server gives in each organisation (editor/rights.js). An organisation
// admin (no editing rights) sees the reminders and the link to the unreviewed services only.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText } from '../i18n.js';
import { get, enc } from '../api.js';
import { usesCatalogueEditor } from '../session.js';
import { formatDate, formatDateTime } from '../format.js';
import { field } from '../forms.js';
import { noAccess } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import {
  STATUSES, editorApi, editorHref, serviceName, statusBadge, editBadge, reviewAge, REVIEW_DUE_DAYS, organizationName,
} from '../editor/common.js';
import { withRight } from '../editor/rights.js';
import { startEditorPage, listLoader, organizationFilter } from '../editor/page.js';
import { reviewNotices } from '../editor/notices.js';
import { serviceHref as catalogueHref } from '../catalogue/parts.js';

const FILTERS = ['', ...STATUSES, 'edit'];
const SORTS = ['name', 'review'];

function td(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

/** Whether a row has the status of the filter ('review': waiting for approval, the open edit too). */
function matches(row, status) {
  if (!status) return true;
  if (status === 'edit') return Boolean(row.edit);
  if (status === 'review') return row.status === 'review' || row.edit === 'review';
  return row.status === status;
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-services');
    const user = ctx.user;
    const rights = await startEditorPage(root, ctx, { title: t('editor.list.title'), back: false, editor: usesCatalogueEditor });
    if (!rights) return;

    // organisations to choose from: those whose services the user reads (every one for a platform admin)
    const organizations = withRight(rights, 'read').map((o) => ({ id: o.id, name: o.label }));
    const writers = withRight(rights, 'edit').map((o) => o.id);
    const approves = withRight(rights, 'decide').length > 0;
    const seesStale = withRight(rights, 'stale').length > 0;
    const imports = withRight(rights, 'importPTV').length > 0;
    if (!organizations.length && !seesStale) {
      noAccess(root, ctx);
      return;
    }
    const listsServices = organizations.length > 0;

    const read = (params) => {
      const organization = params.get('organization') || '';
      const status = params.get('status') || '';
      const sort = params.get('sort') || '';
      return {
        organization: organizations.some((o) => o.id === organization) ? organization : '',
        status: FILTERS.includes(status) ? status : '',
        sort: SORTS.includes(sort) ? sort : 'name',
        q: (params.get('q') || '').slice(0, 100),
      };
    };
    const write = (c) => {
      const p = new URLSearchParams();
      if (c.organization) p.set('organization', c.organization);
      if (c.status) p.set('status', c.status);
      if (c.q) p.set('q', c.q);
      if (c.sort !== 'name') p.set('sort', c.sort);
      return p;
    };
    let choices = read(ctx.query);
    if (listsServices) ctx.setQuery(write(choices), { replace: true });

    root.appendChild(h('p', { class: 'lead' }, t(listsServices ? 'editor.list.intro' : 'editor.list.introAdmin')));
    // the review reminders first (a reminder's service opens in the editor, or in the catalogue
    // for one who does not edit)
    const noticesPart = h('div', { class: 'editor-notices-part' });
    root.appendChild(noticesPart);
    const noticesLoaded = reviewNotices(ctx, {
      serviceHref: (id) => (listsServices ? editorHref(id) : catalogueHref(id)),
    }).then((section) => {
      if (section && ctx.isCurrent()) noticesPart.replaceChildren(section);
    });

    const tools = h('div', { class: 'actions editor-list-actions' });
    if (writers.length) {
      const href = choices.organization && writers.includes(choices.organization)
        ? `/editor/new?organization=${enc(choices.organization)}` : '/editor/new';
      tools.appendChild(h('a', { class: 'btn btn--primary', href, dataset: { action: 'new' } }, t('editor.list.new')));
    }
    const queueLink = approves ? h('a', { class: 'btn btn--secondary', href: '/editor/review', dataset: { action: 'review-queue' } }, t('editor.queue.title')) : null;
    if (queueLink) tools.appendChild(queueLink);
    if (listsServices) {
      tools.appendChild(h('a', { class: 'btn btn--secondary', href: '/editor/articles', dataset: { action: 'articles' } }, t('editor.articles.title')));
    }
    if (writers.length) {
      tools.appendChild(h('a', { class: 'btn btn--secondary', href: '/editor/translations', dataset: { action: 'translations' } }, t('editor.translationQueue.title')));
    }
    if (seesStale) tools.appendChild(h('a', { class: 'btn btn--secondary', href: '/editor/stale', dataset: { action: 'stale' } }, t('editor.stale.title')));
    if (seesStale) tools.appendChild(h('a', { class: 'btn btn--secondary', href: '/editor/statistics', dataset: { action: 'statistics' } }, t('editor.statistics.title')));
    if (imports) tools.appendChild(h('a', { class: 'btn btn--secondary', href: '/editor/import', dataset: { action: 'import' } }, t('editor.import.title')));
    if (tools.children.length) root.appendChild(tools);
    if (!listsServices) {
      await noticesLoaded;
      if (ctx.isCurrent()) root.dataset.loaded = 'true';
      return;
    }

    // ---- filters ----
    const orgField = organizationFilter(user, organizations, choices.organization);
    const statusField = field({
      name: 'status', type: 'select', label: t('editor.list.status'), value: choices.status,
      options: FILTERS.map((f) => ({ value: f, label: t(`editor.filter.${f || 'all'}`) })),
    });
    const findField = field({ name: 'q', type: 'search', label: t('editor.list.find'), value: choices.q });
    const sortField = field({
      name: 'sort', type: 'select', label: t('editor.list.sort'), value: choices.sort,
      options: SORTS.map((s) => ({ value: s, label: t(`editor.sort.${s}`) })),
    });
    const filters = h('form', { class: 'event-filter editor-filter', role: 'search', 'aria-label': t('editor.list.filters'), novalidate: true },
      h('div', { class: 'event-filter__fields' }, orgField, statusField, findField, sortField));
    filters.addEventListener('submit', (event) => event.preventDefault());
    root.appendChild(filters);

    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const titleId = uid('services');
    const columns = [t('editor.column.service'), t('editor.column.status'), t('editor.column.version'), t('editor.column.reviewed'), t('editor.column.updated')];
    const tbody = h('tbody');
    const table = h('table', { class: 'table table--cards editor-table', hidden: true },
      h('caption', { class: 'visually-hidden', id: titleId }, t('editor.list.caption')),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      tbody);
    const empty = h('p', { class: 'muted', hidden: true });
    root.append(count, problem, h('div', { class: 'table-wrap' }, table), empty);

    const showOrg = organizations.length > 1;
    const orgName = (id) => (organizations.find((o) => o.id === id) || {}).name || organizationName(user, id);
    function row(item) {
      const name = serviceName(item.name);
      const due = item.daysSinceReview >= REVIEW_DUE_DAYS;
      return h('tr', { dataset: { serviceId: item.id, status: item.status, edit: item.edit || '' } },
        h('th', { scope: 'row', class: 'editor-table__name' },
          h('a', { href: editorHref(item.id), lang: name.lang }, name.text),
          showOrg ? h('span', { class: 'editor-table__org' }, orgName(item.organizationId)) : null),
        td(columns[1], h('span', { class: 'editor-badges' }, statusBadge(item.status), item.edit ? [' ', editBadge(item.edit, item.status)] : null)),
        td(columns[2], String(item.version)),
        td(columns[3], h('time', { datetime: item.reviewedAt }, formatDate(item.reviewedAt)), h('br'),
          h('span', { class: 'small' }, reviewAge(item.daysSinceReview)),
          due ? [' ', h('span', { class: 'badge badge--warn' }, t('editor.reviewDue'))] : null),
        td(columns[4], h('time', { datetime: item.updatedAt }, formatDateTime(item.updatedAt))));
    }

    let items = [];
    function showRows() {
      const q = choices.q.trim().toLowerCase();
      const shown = items
        .filter((item) => matches(item, choices.status))
        .filter((item) => !q || Object.values(item.name || {}).some((n) => String(n).toLowerCase().includes(q)))
        .sort((a, b) => (choices.sort === 'review'
          ? b.daysSinceReview - a.daysSinceReview
          : serviceName(a.name).text.localeCompare(serviceName(b.name).text, 'fi')));
      tbody.replaceChildren(...shown.map(row));
      table.hidden = shown.length === 0;
      empty.hidden = shown.length > 0;
      empty.textContent = items.length ? t('editor.list.noneMatch') : t('editor.list.empty');
      setLive(count, shown.length === items.length ? plural('editor.list.count', items.length)
        : t('editor.list.countOf', { shown: shown.length, total: items.length }));
    }

    const load = listLoader(root, ctx, {
      busy: tbody,
      problem,
      request: (signal) => get(`${editorApi()}${choices.organization ? `?organization=${enc(choices.organization)}` : ''}`, { signal }),
      show: (answer) => {
        items = answer.items || [];
        showRows();
      },
      ready: noticesLoaded,
    });

    async function loadQueueCount() {
      if (!queueLink) return;
      try {
        const queue = await get('/api/v1/catalogue/editor/review-queue', { signal: ctx.signal });
        const n = (queue.items || []).length;
        if (n) queueLink.append(' ', h('span', { class: 'badge badge--warn' }, plural('editor.queue.waiting', n)));
      } catch {
        /* the link works without its count */
      }
    }

    function apply(next, { push = true } = {}) {
      const reload = next.organization !== choices.organization;
      choices = next;
      if (push) ctx.setQuery(write(choices));
      if (reload) load();
      else showRows();
    }
    const current = () => ({
      organization: orgField ? orgField.control.value : '',
      status: statusField.control.value,
      q: findField.control.value,
      sort: sortField.control.value,
    });
    for (const f of [orgField, statusField, sortField].filter(Boolean)) {
      f.control.addEventListener('change', () => apply(current()), { signal: ctx.signal });
    }
    findField.control.addEventListener('input', () => apply(current(), { push: false }), { signal: ctx.signal });
    findField.control.addEventListener('change', () => ctx.setQuery(write(choices), { replace: true }), { signal: ctx.signal });
    ctx.onQueryChange((params) => {
      const next = read(params);
      if (orgField) orgField.control.value = next.organization;
      statusField.control.value = next.status;
      findField.control.value = next.q;
      sortField.control.value = next.sort;
      apply(next, { push: false });
    });

    await Promise.all([load(), loadQueueCount(), noticesLoaded]);
  },
};
