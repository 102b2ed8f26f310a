// The articles of the user's organisations (/editor/articles): title, status (draft, published,
// unpublished; "a change not yet published"), who reads it, version and last change; "New
// article" where the user writes (editor/rights.js: `edit`; a platform admin also the region's own
// articles). The organisation chosen (when there are several) is kept in the address
// (?organization=).
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get, enc } from '../api.js';
import { formatDateTime } from '../format.js';
import { noAccess } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { articleApi, articleEditorHref, articleBadges, serviceName, organizationName } from '../editor/common.js';
import { withRight } from '../editor/rights.js';
import { startEditorPage, listLoader, organizationFilter } from '../editor/page.js';

function td(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-articles');
    const rights = await startEditorPage(root, ctx, { title: t('editor.articles.title') });
    if (!rights) return;
    const organizations = withRight(rights, 'read').map((o) => ({ id: o.id, name: o.label }));
    const writers = withRight(rights, 'edit').map((o) => o.id);
    const admin = Boolean(ctx.user.isPlatformAdmin);
    if (!organizations.length && !admin) {
      noAccess(root, ctx);
      return;
    }
    const read = (params) => {
      const o = params.get('organization') || '';
      return organizations.some((x) => x.id === o) ? o : '';
    };
    let organization = read(ctx.query);

    root.appendChild(h('p', { class: 'lead' }, t('editor.articles.intro')));
    if (writers.length || admin) {
      const href = organization && writers.includes(organization) ? `/editor/articles/new?organization=${enc(organization)}` : '/editor/articles/new';
      root.appendChild(h('div', { class: 'actions editor-list-actions' },
        h('a', { class: 'btn btn--primary', href, dataset: { action: 'new-article' } }, t('editor.articles.new'))));
    }
    const orgField = organizationFilter(ctx.user, organizations, organization);
    if (orgField) {
      const filters = h('form', { class: 'event-filter editor-filter', role: 'search', 'aria-label': t('editor.list.filters'), novalidate: true },
        h('div', { class: 'event-filter__fields' }, orgField));
      filters.addEventListener('submit', (event) => event.preventDefault());
      root.appendChild(filters);
    }

    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const columns = [t('editor.column.article'), t('editor.column.status'), t('editor.field.audience'), t('editor.column.version'), t('editor.column.updated')];
    const tbody = h('tbody');
    const table = h('table', { class: 'table table--cards editor-table editor-articles-table', hidden: true },
      h('caption', { class: 'visually-hidden', id: uid('articles') }, t('editor.articles.caption')),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      tbody);
    const empty = h('p', { class: 'muted', hidden: true }, t('editor.articles.empty'));
    root.append(count, problem, h('div', { class: 'table-wrap' }, table), empty);

    const showOrg = organizations.length > 1 || admin;
    const orgName = (orgId) => (orgId ? ((organizations.find((o) => o.id === orgId) || {}).name || organizationName(ctx.user, orgId)) : t('editor.articles.region'));
    function row(item) {
      const name = serviceName(item.title);
      return h('tr', { dataset: { articleId: item.id, status: item.status } },
        h('th', { scope: 'row', class: 'editor-table__name' },
          h('a', { href: articleEditorHref(item.id), lang: name.lang }, name.text),
          showOrg ? h('span', { class: 'editor-table__org' }, orgName(item.organizationId)) : null),
        td(columns[1], articleBadges(item)),
        td(columns[2], t(`editor.audience.${item.audience}`)),
        td(columns[3], String(item.version)),
        td(columns[4], h('time', { datetime: item.updatedAt }, formatDateTime(item.updatedAt))));
    }

    const load = listLoader(root, ctx, {
      busy: tbody,
      problem,
      request: (signal) => get(`${articleApi()}${organization ? `?organization=${enc(organization)}` : ''}`, { signal }),
      show: (answer) => {
        const items = answer.items || [];
        items.sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)));
        tbody.replaceChildren(...items.map(row));
        table.hidden = items.length === 0;
        empty.hidden = items.length > 0;
        setLive(count, plural('editor.articles.count', items.length));
      },
    });

    if (orgField) {
      orgField.control.addEventListener('change', () => {
        organization = orgField.control.value;
        const p = new URLSearchParams();
        if (organization) p.set('organization', organization);
        ctx.setQuery(p);
        load();
      }, { signal: ctx.signal });
      ctx.onQueryChange((params) => {
        organization = read(params);
        orgField.control.value = organization;
        load();
      });
    }
    await load();
  },
};
