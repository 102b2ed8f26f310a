// The catalogue's publishing statistics (/editor/statistics), for those who keep the services (an
// organisation's content producers, service providers, approvers and admins; platform admins) —
// GET /catalogue/editor/statistics: one organisation's services, those of a region (the services
// offered in a municipality) or, for a platform admin, the whole catalogue's, over the last 3, 6,
// 12 or 24 months. The choices are kept in the address (?organization= | ?municipality=, &months=).
// Four parts, each a table with its numbers as text (the bars beside them are only a picture):
// the services by status with the open edits, the days since the last review (the reminders come
// at 120 and 135 days, the outdated flag at 150), publications, views and picks month by month,
// and each service's views and picks, the most viewed first. Counts only: nothing of who viewed.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText, locale } from '../i18n.js';
import { get, ApiError } from '../api.js';
import { formatDate } from '../format.js';
import { field } from '../forms.js';
import { alertRegion } from '../ui/live.js';
import { isAbort } from '../ui/errors.js';
import { serviceHref as catalogueHref } from '../catalogue/parts.js';
import {
  STATUSES, editorHref, serviceName, statusBadge, reviewAge, organizationName, outdatedBadge,
} from '../editor/common.js';
import { hasRight } from '../editor/rights.js';
import { startRightPage, listLoader } from '../editor/page.js';

const MONTHS = [3, 6, 12, 24];
const DEFAULT_MONTHS = 12;
/** Days since review at which the reminders come (the last bucket, with no end, is "outdated"). */
const REMINDERS = { 120: 'firstReminder', 135: 'secondReminder' };
const OUTDATED_DAYS = 150;
/** The steps of a bar (each 5 % of the largest figure); app.css has a width for each. */
const BAR_STEPS = 20;

function number(n) {
  return new Intl.NumberFormat(locale()).format(Number(n) || 0);
}

/** "tammikuu 2026" / "januari 2026" / "January 2026" of "2026-01". */
function monthName(key) {
  const [year, month] = String(key).split('-').map(Number);
  if (!year || !month) return key;
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, 1)));
}

/** A bar of `n` out of `max` (hidden from screen readers: the number beside it says it). */
function bar(n, max) {
  let size = max > 0 ? Math.round((n / max) * BAR_STEPS) : 0;
  if (n > 0 && size === 0) size = 1; // anything at all shows
  return h('span', { class: 'stat-bar', 'aria-hidden': 'true' },
    h('span', { class: 'stat-bar__fill', dataset: { size: String(size) } }));
}

/** A figure with its bar: the number as text, the bar under it. */
function figure(n, max) {
  return [h('span', { class: 'stat-number' }, number(n)), bar(n, max)];
}

function td(label, cls, ...content) {
  return h('td', { class: cls, 'data-label': label }, ...content);
}

/**
 * A table named by its (visible or hidden) caption, or by a heading (`labelledBy`), with the
 * columns' headings; the columns of figures (`numeric`: their indexes, by default all but the first)
 * are aligned right.
 */
function table(caption, columns, { cls = '', hideCaption = false, labelledBy = null, numeric = null } = {}) {
  const figures = numeric || columns.map((c, i) => i).slice(1);
  const captionId = labelledBy || uid('stats-caption');
  const tbody = h('tbody');
  const tfoot = h('tfoot');
  const el = h('table', { class: ['table', cls], 'aria-labelledby': labelledBy },
    labelledBy ? null : h('caption', { id: captionId, class: hideCaption ? 'visually-hidden' : null }, caption),
    h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: figures.includes(i) ? 'cell-number' : null }, c)))),
    tbody, tfoot);
  return { el, tbody, tfoot, captionId };
}

/** A wide table in a region of its own that scrolls sideways (focusable, so keys scroll it too). */
function scrolling(tableParts) {
  return h('div', { class: 'stat-scroll', role: 'region', tabindex: '0', 'aria-labelledby': tableParts.captionId }, tableParts.el);
}

function section(cls, title, ...children) {
  const id = uid('stats-section');
  return h('section', { class: ['stat-section', cls], 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-statistics');
    const user = ctx.user;
    // the same people as the services left unreviewed: an organisation's editors and admins, platform admins
    const page = await startRightPage(root, ctx, { right: 'stale', title: t('editor.statistics.title') });
    if (!page) return;
    const { rights } = page;
    root.appendChild(h('p', { class: 'lead' }, t('editor.statistics.intro')));

    const read = (params) => {
      const organization = (params.get('organization') || '').slice(0, 100);
      const municipality = organization ? '' : (params.get('municipality') || '').slice(0, 100);
      const months = Number(params.get('months'));
      return { organization, municipality, months: MONTHS.includes(months) ? months : DEFAULT_MONTHS };
    };
    const write = (c) => {
      const p = new URLSearchParams();
      if (c.organization) p.set('organization', c.organization);
      else if (c.municipality) p.set('municipality', c.municipality);
      if (c.months !== DEFAULT_MONTHS) p.set('months', String(c.months));
      return p;
    };
    let choices = read(ctx.query);
    ctx.setQuery(write(choices), { replace: true });

    // ---- choices: whose services (filled from the answer's choices) and the period ----
    const scopeValue = (c) => {
      if (c.organization) return `organization:${c.organization}`;
      if (c.municipality) return `municipality:${c.municipality}`;
      return 'all';
    };
    const fromScope = (value) => {
      const [kind, ...rest] = String(value).split(':');
      const id = rest.join(':');
      return { organization: kind === 'organization' ? id : '', municipality: kind === 'municipality' ? id : '' };
    };
    const scopeField = field({ name: 'scope', type: 'select', label: t('editor.statistics.scope'), options: [] });
    const monthsField = field({
      name: 'months', type: 'select', label: t('editor.statistics.period'), value: String(choices.months),
      options: MONTHS.map((m) => ({ value: String(m), label: t('editor.statistics.months', { count: m }) })),
    });
    scopeField.hidden = true; // until the choices are known (and when there is only one)
    const filters = h('form', { class: 'event-filter editor-filter', 'aria-label': t('editor.statistics.choices'), novalidate: true },
      h('div', { class: 'event-filter__fields' }, scopeField, monthsField));
    filters.addEventListener('submit', (event) => event.preventDefault());
    const showing = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const results = h('div', { class: 'stat-results' }, h('p', { class: 'muted' }, t('editor.statistics.loading')));
    root.append(filters, showing, problem, results);

    let scopeKey = '';
    let scopeNames = new Map();
    function fillScopes(options) {
      const key = JSON.stringify(options);
      if (key === scopeKey) return;
      scopeKey = key;
      const orgs = options.organizations || [];
      const regions = options.municipalities || [];
      scopeNames = new Map();
      const children = [];
      if (options.all) {
        children.push(h('option', { value: 'all' }, t('editor.statistics.scope.all')));
        scopeNames.set('all', t('editor.statistics.scope.all'));
      }
      if (orgs.length) {
        children.push(h('optgroup', { label: t('editor.statistics.scope.organizations') }, orgs.map((o) => {
          const value = `organization:${o.id}`;
          scopeNames.set(value, localText(o.name));
          return h('option', { value }, localText(o.name));
        })));
      }
      if (regions.length) {
        children.push(h('optgroup', { label: t('editor.statistics.scope.regions') }, regions.map((m) => {
          const value = `municipality:${m.id}`;
          scopeNames.set(value, t('editor.statistics.scope.regionName', { name: localText(m.name) }));
          return h('option', { value }, t('editor.statistics.scope.region', { name: localText(m.name) }));
        })));
      }
      scopeField.control.replaceChildren(...children);
      scopeField.hidden = scopeNames.size < 2;
    }

    // ---- the parts ----
    const orgNames = new Map();
    const orgName = (id) => orgNames.get(id) || organizationName(user, id);

    function statusesPart(answer) {
      const s = answer.statuses || {};
      const total = STATUSES.reduce((sum, status) => sum + (s[status] || 0), 0);
      const max = Math.max(0, ...STATUSES.map((status) => s[status] || 0));
      const counts = table(t('editor.statistics.statuses.caption'), [t('editor.column.status'), t('editor.statistics.column.count')],
        { cls: 'stat-table stat-statuses', hideCaption: true });
      counts.tbody.append(...STATUSES.map((status) => h('tr', { dataset: { status } },
        h('th', { scope: 'row' }, statusBadge(status)),
        td(t('editor.statistics.column.count'), 'cell-number', figure(s[status] || 0, max)))));
      counts.tfoot.append(h('tr', { dataset: { status: 'total' } },
        h('th', { scope: 'row' }, t('editor.statistics.total')),
        td(t('editor.statistics.column.count'), 'cell-number', h('span', { class: 'stat-number' }, number(total)))));
      const editsTitleId = uid('stats-edits');
      const edits = table(null, [t('editor.statistics.column.edit'), t('editor.statistics.column.count')],
        { cls: 'stat-table stat-edits', labelledBy: editsTitleId });
      edits.tbody.append(...[['draft', s.openDrafts], ['review', s.openReviews]].map(([edit, n]) => h('tr', { dataset: { edit } },
        h('th', { scope: 'row' }, t(`editor.edit.${edit}`)),
        td(t('editor.statistics.column.count'), 'cell-number', h('span', { class: 'stat-number' }, number(n || 0))))));
      return section('stat-statuses-part', t('editor.statistics.statuses.title'),
        counts.el,
        h('div', { class: 'stat-edits-part' },
          h('h3', { id: editsTitleId }, t('editor.statistics.edits.caption')),
          h('p', {}, t('editor.statistics.edits.intro')),
          edits.el));
    }

    function bucketLabel(b) {
      const range = b.to === null || b.to === undefined
        ? t('editor.statistics.review.atLeast', { from: b.from })
        : t('editor.statistics.review.range', { from: b.from, to: b.to });
      const note = b.to === null || b.to === undefined ? 'outdated' : REMINDERS[b.from];
      return note ? `${range} (${t(`editor.statistics.review.note.${note}`)})` : range;
    }

    function reviewPart(answer) {
      const review = answer.review || { buckets: [] };
      const buckets = review.buckets || [];
      const total = buckets.reduce((sum, b) => sum + b.services, 0);
      const max = Math.max(0, ...buckets.map((b) => b.services));
      const parts = table(t('editor.statistics.review.caption'),
        [t('editor.statistics.review.column.age'), t('editor.statistics.column.count')],
        { cls: 'stat-table stat-review', hideCaption: true });
      parts.tbody.append(...buckets.map((b) => h('tr', { dataset: { from: String(b.from), outdated: String(b.to === null || b.to === undefined) } },
        h('th', { scope: 'row' }, bucketLabel(b)),
        td(t('editor.statistics.column.count'), 'cell-number', figure(b.services, max)))));
      parts.tfoot.append(h('tr', {},
        h('th', { scope: 'row' }, t('editor.statistics.total')),
        td(t('editor.statistics.column.count'), 'cell-number', h('span', { class: 'stat-number' }, number(total)))));
      const median = review.medianDays === null || review.medianDays === undefined
        ? h('p', { class: 'stat-median' }, t('editor.statistics.review.none'))
        : h('p', { class: 'stat-median', dataset: { days: String(review.medianDays) } },
          t('editor.statistics.review.median', { days: plural('editor.statistics.days', review.medianDays, { count: number(review.medianDays) }) }));
      return section('stat-review-part', t('editor.statistics.review.title'),
        h('p', {}, t('editor.statistics.review.intro')), parts.el, median);
    }

    function monthlyPart(answer) {
      const rows = answer.monthly || [];
      const max = Math.max(0, ...rows.map((m) => m.views));
      const columns = [t('editor.statistics.column.month'), t('editor.statistics.column.publications'),
        t('editor.statistics.column.views'), t('editor.statistics.column.picks')];
      const parts = table(t('editor.statistics.monthly.caption'), columns, { cls: 'stat-table stat-monthly', hideCaption: true });
      parts.tbody.append(...rows.map((m) => h('tr', { dataset: { month: m.month } },
        h('th', { scope: 'row' }, h('time', { datetime: m.month }, monthName(m.month))),
        td(columns[1], 'cell-number cell-publications', number(m.publications)),
        td(columns[2], 'cell-number cell-views', figure(m.views, max)),
        td(columns[3], 'cell-number cell-picks', number(m.picks)))));
      const totals = answer.totals || {};
      parts.tfoot.append(h('tr', { dataset: { month: 'total' } },
        h('th', { scope: 'row' }, t('editor.statistics.total')),
        td(columns[1], 'cell-number cell-publications', number(totals.publications)),
        td(columns[2], 'cell-number cell-views', number(totals.views)),
        td(columns[3], 'cell-number cell-picks', number(totals.picks))));
      return section('stat-monthly-part', t('editor.statistics.monthly.title'),
        h('ul', { class: 'stat-explain small' }, ['publications', 'views', 'picks'].map((k) => h('li', {}, t(`editor.statistics.explain.${k}`)))),
        scrolling(parts));
    }

    function servicesPart(answer) {
      const items = answer.services || [];
      const total = answer.servicesTotal || items.length;
      const manyOrgs = !answer.organization;
      const columns = [t('editor.column.service'), t('editor.column.status'), t('editor.column.reviewed'),
        t('editor.statistics.column.views'), t('editor.statistics.column.picks')];
      const parts = table(t('editor.statistics.services.caption'), columns, { cls: 'table--cards stat-services', hideCaption: true, numeric: [3, 4] });
      parts.tbody.append(...items.map((item) => {
        const name = serviceName(item.name);
        const href = hasRight(rights, item.organizationId, 'read') ? editorHref(item.id)
          : item.status === 'published' ? catalogueHref(item.id) : null;
        const outdated = item.daysSinceReview >= OUTDATED_DAYS && (item.status === 'published' || item.status === 'hidden');
        return h('tr', { dataset: { serviceId: item.id, status: item.status } },
          h('th', { scope: 'row', class: 'editor-table__name' },
            href ? h('a', { href, lang: name.lang }, name.text) : h('span', { lang: name.lang }, name.text),
            manyOrgs ? h('span', { class: 'editor-table__org' }, orgName(item.organizationId)) : null),
          td(columns[1], 'cell-status', statusBadge(item.status)),
          td(columns[2], 'cell-reviewed', reviewAge(item.daysSinceReview), outdated ? [' ', outdatedBadge()] : null),
          td(columns[3], 'cell-number cell-views', number(item.views)),
          td(columns[4], 'cell-number cell-picks', number(item.picks)));
      }));
      const count = items.length < total
        ? t('editor.statistics.services.shown', { shown: number(items.length), total: number(total) })
        : plural('editor.statistics.services.count', items.length, { count: number(items.length) });
      return section('stat-services-part', t('editor.statistics.services.title'),
        items.length ? h('p', { class: 'stat-services-count', dataset: { shown: String(items.length), total: String(total) } }, count)
          : h('p', { class: 'muted' }, t('editor.statistics.services.empty')),
        items.length ? h('div', { class: 'table-wrap' }, parts.el) : null);
    }

    function show(answer) {
      choices = { organization: answer.organization || '', municipality: answer.municipality || '', months: answer.months || choices.months };
      ctx.setQuery(write(choices), { replace: true });
      const options = answer.choices || { organizations: [], municipalities: [], all: false };
      for (const o of options.organizations || []) orgNames.set(o.id, localText(o.name));
      fillScopes(options);
      const value = scopeValue(choices);
      scopeField.control.value = value;
      monthsField.control.value = String(choices.months);
      root.dataset.scope = value;
      root.dataset.months = String(choices.months);
      setLive(showing, t('editor.statistics.showing', {
        scope: scopeNames.get(value) || orgName(choices.organization) || choices.municipality,
        since: formatDate(answer.since),
      }));
      results.replaceChildren(statusesPart(answer), reviewPart(answer), monthlyPart(answer), servicesPart(answer));
    }

    const url = (c) => {
      const p = new URLSearchParams({ months: String(c.months) });
      if (c.organization) p.set('organization', c.organization);
      else if (c.municipality) p.set('municipality', c.municipality);
      return `/api/v1/catalogue/editor/statistics?${p}`;
    };
    async function request(signal) {
      try {
        return await get(url(choices), { signal });
      } catch (error) {
        // an address of someone else's organisation or region (a shared link): the user's own instead
        const asked = choices.organization || choices.municipality;
        if (!asked || !(error instanceof ApiError) || ![403, 404, 422].includes(error.status)) throw error;
        choices = { ...choices, organization: '', municipality: '' };
        return get(url(choices), { signal });
      }
    }
    // a failed load leaves no figures of other choices behind: the error (in `problem`) and "try again"
    const retry = () => h('p', { class: 'stat-retry' }, h('button', {
      type: 'button', class: 'btn btn--secondary', dataset: { action: 'retry' },
      onClick: async () => {
        await load();
        const first = results.querySelector('h2');
        if (root.dataset.loaded && first) {
          first.setAttribute('tabindex', '-1');
          first.focus();
        }
      },
    }, t('editor.statistics.retry')));
    const load = listLoader(root, ctx, {
      busy: results,
      problem,
      request: async (signal) => {
        try {
          return await request(signal);
        } catch (error) {
          if (!isAbort(error) && !signal.aborted) {
            setLive(showing, '');
            results.replaceChildren(retry());
          }
          throw error;
        }
      },
      show,
    });

    const apply = (next, { push = true } = {}) => {
      choices = next;
      if (push) ctx.setQuery(write(choices));
      load();
    };
    const current = () => ({ ...fromScope(scopeField.control.value), months: Number(monthsField.control.value) || DEFAULT_MONTHS });
    for (const f of [scopeField, monthsField]) {
      f.control.addEventListener('change', () => apply(current()), { signal: ctx.signal });
    }
    ctx.onQueryChange((params) => apply(read(params), { push: false }));

    await load();
  },
};

