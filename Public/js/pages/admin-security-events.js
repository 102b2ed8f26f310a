// Security events (/admin/security-events), for platform admins: sign-ins, failed sign-ins,
// invitations, role changes… newest first. The filters (user, kind, days) are kept in the
// address (?userId=…&kind=signInFailed&from=2026-11-01&to=2026-11-30): a reload or a shared link
// shows the same list, and Back / Forward go through the searches made.
import { h, setLive } from '../dom.js';
import { t, plural, has, localText } from '../i18n.js';
import { getAll, enc, ApiError } from '../api.js';
import { formatDateTime, helsinkiDayStart } from '../format.js';
import { field, formError, showFieldErrors, showApiError, clearErrors, value } from '../forms.js';
import { ROLES, roleName } from './common.js';
import { adminPage, noAccess, printButton } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { pagedList } from '../ui/paged-list.js';

export const KINDS = [
  'signIn', 'signInFailed', 'throttled', 'signOut', 'signOutEverywhere', 'sessionRevoked',
  'passwordChanged', 'passwordReset',
  'invitationSent', 'invitationAccepted', 'invitationRevoked',
  'roleChanged', 'memberRemoved', 'userRemoved',
  'oneTimeCodeSent', 'oneTimeCodeFailed',
  'embedSiteAdded', 'embedSiteRemoved',
];
const PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PATH = '/admin/security-events';

/** The filters of an address: unknown or malformed values are left out. */
function readFilters(params) {
  const userId = (params.get('userId') || '').trim().slice(0, 200);
  const kind = params.get('kind') || '';
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  return {
    userId,
    kind: KINDS.includes(kind) ? kind : '',
    from: DAY.test(from) ? from : '',
    to: DAY.test(to) ? to : '',
  };
}

function filterParams(filters) {
  const params = new URLSearchParams();
  for (const key of ['userId', 'kind', 'from', 'to']) if (filters[key]) params.set(key, filters[key]);
  return params;
}

function kindName(kind) {
  return has(`securityEvents.kind.${kind}`) ? t(`securityEvents.kind.${kind}`) : kind;
}

/** "organization:expert,approver" → "Organisaatio: Asiantuntija, Hyväksyjä"; unknown words stay as they are. */
function detailText(detail) {
  return detail
    .split(':')
    .map((part) => part
      .split(',')
      .map((word) => {
        if (ROLES.includes(word)) return roleName(word);
        if (has(`securityEvents.detail.${word}`)) return t(`securityEvents.detail.${word}`);
        return word;
      })
      .join(', '))
    .join(': ');
}

function td(label, content, { className } = {}) {
  const empty = content === null || content === undefined || content === '';
  return h(
    'td',
    { 'data-label': label, class: [className, empty && 'cell-empty'] },
    empty ? [h('span', { 'aria-hidden': 'true' }, '–'), h('span', { class: 'visually-hidden' }, t('securityEvents.noValue'))] : content,
  );
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('security-events');
    // the heading has a soft hyphen where a long word may break on a phone; the title has none
    if (!adminPage(root, ctx, t('securityEvents.heading'), { documentTitle: t('securityEvents.title') })) return;
    root.appendChild(h('p', { class: 'lead' }, t('securityEvents.intro')));

    let filters = readFilters(ctx.query);
    // an address with unknown filters shows (and keeps) only the ones that were understood
    ctx.setQuery(filterParams(filters), { replace: true });

    // Organisation names for the organisation column (the ids stay when this fails).
    const orgNames = new Map();
    try {
      for (const org of await getAll('/api/v1/organizations', { signal: ctx.signal })) orgNames.set(org.id, localText(org.name));
    } catch (error) {
      if (!ctx.isCurrent()) return;
      if (error instanceof ApiError && error.isAccessProblem) {
        noAccess(root, ctx);
        return;
      }
    }
    if (!ctx.isCurrent()) return;

    // ---- the filter form ----
    const form = h(
      'form',
      { class: 'event-filter', novalidate: true, 'aria-labelledby': 'event-filter-title' },
      h('h2', { id: 'event-filter-title' }, t('securityEvents.filter.title')),
      formError(),
      h(
        'div',
        { class: 'event-filter__fields' },
        field({ name: 'userId', label: t('securityEvents.filter.user'), hint: t('securityEvents.filter.userHint'), value: filters.userId, attrs: { spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' } }),
        field({
          name: 'kind',
          type: 'select',
          label: t('securityEvents.filter.kind'),
          value: filters.kind,
          options: [{ value: '', label: t('securityEvents.filter.allKinds') }, ...KINDS.map((k) => ({ value: k, label: kindName(k) }))],
        }),
        field({ name: 'from', type: 'date', label: t('securityEvents.filter.from'), hint: t('securityEvents.filter.dateHint'), value: filters.from }),
        field({ name: 'to', type: 'date', label: t('securityEvents.filter.to'), hint: t('securityEvents.filter.dateHint'), value: filters.to }),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn--primary' }, t('securityEvents.filter.submit')),
        h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'clear' } }, t('securityEvents.filter.clear')),
      ),
    );
    root.appendChild(form);

    function showFilters() {
      for (const key of ['userId', 'kind', 'from', 'to']) form.elements.namedItem(key).value = filters[key];
    }

    function formFilters() {
      return {
        userId: value(form, 'userId').trim(),
        kind: value(form, 'kind'),
        from: value(form, 'from'),
        to: value(form, 'to'),
      };
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const next = formFilters();
      const problems = [];
      if (next.from && !DAY.test(next.from)) problems.push({ field: 'from', code: 'field.invalidDate' });
      if (next.to && !DAY.test(next.to)) problems.push({ field: 'to', code: 'field.invalidDate' });
      if (!problems.length && next.from && next.to && next.to < next.from) problems.push({ field: 'to', code: 'field.dateBeforeStart' });
      if (showFieldErrors(form, problems)) return;
      filters = next;
      ctx.setQuery(filterParams(filters));
      load();
    }, { signal: ctx.signal });

    form.querySelector('[data-action="clear"]').addEventListener('click', () => {
      clearErrors(form);
      filters = readFilters(new URLSearchParams());
      showFilters();
      ctx.setQuery(filterParams(filters));
      load();
      form.elements.namedItem('userId').focus();
    }, { signal: ctx.signal });

    // ---- the table ----
    const columns = [
      t('securityEvents.column.time'), t('securityEvents.column.kind'), t('securityEvents.column.actor'),
      t('securityEvents.column.subject'), t('securityEvents.column.organization'), t('securityEvents.column.address'),
      t('securityEvents.column.detail'),
    ];
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const tbody = h('tbody');
    const table = h(
      'table',
      { class: 'table table--cards event-table' },
      h('caption', { class: 'visually-hidden' }, t('securityEvents.list.title')),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      tbody,
    );
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    const listHeading = h('h2', { id: 'event-list-title', tabindex: '-1' }, t('securityEvents.list.title'));
    const results = h(
      'section',
      { class: 'section event-results', 'aria-labelledby': 'event-list-title' },
      h('div', { class: 'event-results__head' }, listHeading, printButton()),
      count,
      problem,
      h('div', { class: 'table-wrap' }, table),
      h('div', { class: 'actions' }, more),
    );
    root.appendChild(results);

    /** A user id as a link that shows that user's events; "you" for the admin themself. */
    function userCell(id) {
      if (!id) return null;
      const params = filterParams({ ...filters, userId: id });
      const text = id === ctx.user.id ? t('securityEvents.you') : id;
      return h('a', { href: `${PATH}?${params}`, class: 'id-text', title: t('securityEvents.showUser') }, text);
    }

    function row(event) {
      const org = event.organizationId ? orgNames.get(event.organizationId) || event.organizationId : null;
      const time = h('time', { datetime: event.occurredAt }, formatDateTime(event.occurredAt));
      return h(
        'tr',
        { dataset: { eventId: event.id, kind: event.kind } },
        td(columns[0], time, { className: 'cell-time' }),
        h('th', { scope: 'row', class: 'cell-kind' }, kindName(event.kind)),
        td(columns[2], userCell(event.actorId)),
        td(columns[3], userCell(event.subjectId)),
        td(columns[4], org, { className: event.organizationId && !orgNames.has(event.organizationId) ? 'id-text' : null }),
        td(columns[5], event.address, { className: 'id-text' }),
        td(columns[6], event.detail ? h('span', { title: event.detail }, detailText(event.detail)) : null),
      );
    }

    const pages = pagedList({
      signal: ctx.signal,
      list: tbody,
      more,
      problem,
      heading: listHeading,
      url: (cursor) => {
        const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (filters.userId) params.set('userId', filters.userId);
        if (filters.kind) params.set('kind', filters.kind);
        if (filters.from) params.set('from', helsinkiDayStart(filters.from));
        if (filters.to) params.set('to', helsinkiDayStart(filters.to, 1)); // the whole last day
        if (cursor) params.set('cursor', cursor);
        return `/api/v1/admin/security-events?${params}`;
      },
      row,
      onError: (error) => {
        if (error instanceof ApiError && error.isAccessProblem) {
          noAccess(root, ctx);
          return true;
        }
        if (error instanceof ApiError && error.status === 422) {
          showApiError(form, error);
          return true;
        }
        return false;
      },
      onPage: (answer, { first }) => {
        const none = tbody.children.length === 0;
        table.hidden = none;
        setLive(count, none ? t('securityEvents.list.empty') : plural('securityEvents.list.shown', tbody.children.length));
        if (first) results.dataset.loaded = filterParams(filters).toString();
      },
    });

    function load() {
      delete results.dataset.loaded;
      return pages.load();
    }

    // Back / Forward: the form follows the address.
    ctx.onQueryChange((params) => {
      clearErrors(form);
      filters = readFilters(params);
      showFilters();
      load();
    });

    await load();
  },
};
