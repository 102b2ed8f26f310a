// The services left unreviewed (/editor/stale): published and hidden services whose information has
// not been reviewed for 120 days or more (GET /catalogue/editor/stale), of one organisation or of
// all the user's (every organisation for a platform admin), the longest unreviewed first or by
// name; the choices are kept in the address (?organization=&sort=). Each row says how long ago it
// was reviewed and, at 150 days, that experts see it as outdated; its name opens it in the editor
// (in the catalogue for one who does not edit); "Merkitse tiedot tarkistetuiksi" (the markReviewed
// right) takes it off the list, says so in a status region and moves focus to the next row.
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get, post } from '../api.js';
import { formatDate } from '../format.js';
import { field } from '../forms.js';
import { notice } from './common.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { removeRow } from '../ui/rows.js';
import { refreshReviewNotices } from '../unread.js';
import { serviceHref as catalogueHref } from '../catalogue/parts.js';
import { editorApi, editorHref, serviceName, statusBadge, reviewAge, organizationName, outdatedBadge } from '../editor/common.js';
import { hasRight } from '../editor/rights.js';
import { startRightPage, listLoader, organizationFilter } from '../editor/page.js';

const SORTS = ['days', 'name'];

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-stale');
    const user = ctx.user;
    const page = await startRightPage(root, ctx, { right: 'stale', title: t('editor.stale.title') });
    if (!page) return;
    const { rights, organizations, h1 } = page;
    root.appendChild(h('p', { class: 'lead' }, t('editor.stale.intro')));

    const read = (params) => {
      const organization = params.get('organization') || '';
      const sort = params.get('sort') || '';
      return {
        organization: organizations.some((o) => o.id === organization) ? organization : '',
        sort: SORTS.includes(sort) ? sort : 'days',
      };
    };
    const write = (c) => {
      const p = new URLSearchParams();
      if (c.organization) p.set('organization', c.organization);
      if (c.sort !== 'days') p.set('sort', c.sort);
      return p;
    };
    let choices = read(ctx.query);
    ctx.setQuery(write(choices), { replace: true });

    // ---- choices ----
    const orgField = organizationFilter(user, organizations, choices.organization);
    const sortField = field({
      name: 'sort', type: 'select', label: t('editor.list.sort'), value: choices.sort,
      options: SORTS.map((s) => ({ value: s, label: t(`editor.stale.sort.${s}`) })),
    });
    const filters = h('form', { class: 'event-filter editor-filter', 'aria-label': t('editor.stale.choices'), novalidate: true },
      h('div', { class: 'event-filter__fields' }, orgField, sortField));
    filters.addEventListener('submit', (event) => event.preventDefault());
    root.appendChild(filters);

    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const status = statusRegion();
    const problem = alertRegion();
    const listTitleId = uid('stale');
    const list = h('ul', { class: 'item-list stale-list', 'aria-labelledby': listTitleId });
    root.append(h('h2', { id: listTitleId, class: 'visually-hidden' }, t('editor.stale.listTitle')), count, status, problem, list);

    const showOrg = organizations.length > 1;
    const orgName = (id) => (organizations.find((o) => o.id === id) || {}).name || organizationName(user, id);
    let total = 0;
    const showCount = () => {
      setLive(count, total ? plural('editor.stale.count', total) : t('editor.stale.empty'));
    };

    function row(item) {
      const nameId = uid('stale-name');
      const name = serviceName(item.name);
      const edits = hasRight(rights, item.organizationId, 'read');
      const li = h('li', { class: 'stale-item', dataset: { serviceId: item.id, outdated: String(Boolean(item.outdated)) } },
        h('h3', { id: nameId }, h('a', { href: edits ? editorHref(item.id) : catalogueHref(item.id), lang: name.lang }, name.text)),
        showOrg ? h('p', { class: 'muted' }, orgName(item.organizationId)) : null,
        h('p', { class: 'editor-badges' }, statusBadge(item.status), item.outdated ? [' ', outdatedBadge()] : null),
        h('p', {}, t('editor.stale.reviewed'), ' ', h('time', { datetime: item.reviewedAt }, formatDate(item.reviewedAt)),
          ` (${reviewAge(item.daysSinceReview)})`),
        item.outdated ? h('p', { class: 'small' }, t('editor.stale.outdatedText')) : null);
      if (hasRight(rights, item.organizationId, 'markReviewed')) {
        const button = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId, dataset: { action: 'mark-reviewed' } },
          t('editor.action.markReviewed'));
        button.addEventListener('click', () => markReviewed(item, li, button, name.text), { signal: ctx.signal });
        li.appendChild(h('div', { class: 'actions' }, button));
      }
      return li;
    }

    async function markReviewed(item, li, button, name) {
      if (button.getAttribute('aria-disabled') === 'true') return;
      button.setAttribute('aria-disabled', 'true');
      setLive(problem, '');
      setLive(status, '');
      try {
        await post(`${editorApi(item.id)}/mark-reviewed`, {}, { signal: ctx.signal });
      } catch (error) {
        button.removeAttribute('aria-disabled');
        if (isAbort(error)) return;
        setLive(problem, notice('error', requestMessage(error)));
        return;
      }
      total = Math.max(0, total - 1);
      removeRow(li, { fallback: h1, selector: 'button[data-action="mark-reviewed"]' });
      setLive(status, notice('success', t('editor.stale.marked', { name })));
      showCount();
      list.hidden = !list.children.length;
      refreshReviewNotices(); // a review answers the service's reminders
    }

    const load = listLoader(root, ctx, {
      busy: list,
      problem,
      clear: [status],
      request: (signal) => {
        const params = new URLSearchParams({ sort: choices.sort });
        if (choices.organization) params.set('organization', choices.organization);
        return get(`/api/v1/catalogue/editor/stale?${params}`, { signal });
      },
      show: ({ items }) => {
        list.replaceChildren(...items.map(row));
        list.hidden = items.length === 0;
        total = items.length;
        showCount();
      },
    });

    const apply = (next, { push = true } = {}) => {
      choices = next;
      if (push) ctx.setQuery(write(choices));
      load();
    };
    const current = () => ({ organization: orgField ? orgField.control.value : '', sort: sortField.control.value });
    for (const f of [orgField, sortField].filter(Boolean)) {
      f.control.addEventListener('change', () => apply(current()), { signal: ctx.signal });
    }
    ctx.onQueryChange((params) => {
      const next = read(params);
      if (orgField) orgField.control.value = next.organization;
      sortField.control.value = next.sort;
      apply(next, { push: false });
    });

    await load();
  },
};
