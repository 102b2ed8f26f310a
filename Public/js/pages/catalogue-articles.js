// Articles and guides of the catalogue (/catalogue/articles), newest first. The municipality
// filter is kept in the address (?municipality=091): a reload or a shared link shows the same
// list, and Back / Forward go through the choices. Internal articles (experts only) are marked.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText, getLanguage } from '../i18n.js';
import { formatDate } from '../format.js';
import { heading } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { pagedList } from '../ui/paged-list.js';
import { loadTaxonomy, taxonomy, labelFor } from '../catalogue/taxonomy.js';
import { breadcrumbs, catalogueCrumb, articleHref, municipalityNames, internalBadge, textLanguage } from '../catalogue/parts.js';

const PAGE_SIZE = 20;

function articleItem(article) {
  const internal = article.audience === 'internal';
  return h('li', { class: ['article-item', internal && 'article-item--internal'], dataset: { articleId: article.id, audience: article.audience } },
    h('h2', { class: 'article-item__title', lang: textLanguage(article.title) }, h('a', { href: articleHref(article.id) }, localText(article.title))),
    h('p', { class: 'article-item__meta' },
      internal ? internalBadge() : null,
      h('span', {}, `${t('catalogue.service.updated')}: `, h('time', { datetime: article.updatedAt }, formatDate(article.updatedAt))),
      h('span', {}, `${t('catalogue.articles.municipalities')}: ${municipalityNames(article.municipalityCodes)}`)));
}

function readMunicipality(params) {
  const value = (params.get('municipality') || '').trim();
  return /^[\w-]{1,10}$/.test(value) ? value : '';
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-articles');
    const title = t('catalogue.browse.articles');
    root.appendChild(breadcrumbs([catalogueCrumb(), { text: title, href: '/catalogue/articles' }]));
    heading(root, ctx, title);
    root.appendChild(h('p', { class: 'lead' }, t('catalogue.articles.intro')));

    let municipality = readMunicipality(ctx.query);

    await loadTaxonomy();
    if (!ctx.isCurrent()) return;

    // ---- the municipality filter ----
    const selectId = uid('article-municipality');
    const lang = getLanguage();
    const codes = ((taxonomy() && taxonomy().municipalities) || []).map((m) => m.code);
    if (municipality && !codes.includes(municipality)) codes.push(municipality);
    const options = codes
      .map((code) => ({ code, name: labelFor('municipality', code) }))
      .sort((a, b) => a.name.localeCompare(b.name, lang));
    const select = h('select', { id: selectId, name: 'municipality', 'aria-describedby': `${selectId}-hint` },
      h('option', { value: '' }, t('catalogue.articles.allMunicipalities')),
      options.map((o) => h('option', { value: o.code, selected: o.code === municipality }, o.name)));
    select.value = municipality;
    const form = h('form', { class: 'article-filter', novalidate: true },
      h('div', { class: 'field' },
        h('label', { for: selectId }, t('catalogue.filter.municipality')),
        h('span', { class: 'hint', id: `${selectId}-hint` }, t('catalogue.articles.filterHint')),
        select));
    form.addEventListener('submit', (event) => event.preventDefault());
    select.addEventListener('change', () => {
      municipality = select.value;
      const params = new URLSearchParams();
      if (municipality) params.set('municipality', municipality);
      ctx.setQuery(params);
      load();
    });
    root.appendChild(form);

    // ---- the list ----
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const list = h('ul', { class: 'article-list', 'aria-label': title });
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    const results = h('div', { class: 'article-results' }, count, problem, list, h('div', { class: 'actions' }, more));
    root.appendChild(results);

    const pages = pagedList({
      signal: ctx.signal,
      list,
      more,
      problem,
      heading: () => root.querySelector('h1'),
      url: (after) => {
        const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (municipality) params.set('municipality', municipality);
        if (after) params.set('cursor', after);
        return `/api/v1/catalogue/articles?${params}`;
      },
      row: articleItem,
      onPage(answer, { first }) {
        list.hidden = list.children.length === 0;
        setLive(count, plural('catalogue.articles.shown', list.children.length));
        if (first) results.dataset.loaded = municipality; // which list is shown (tests wait for it)
      },
    });

    function load() {
      delete results.dataset.loaded;
      return pages.load();
    }

    // Back / Forward between municipalities: the select follows the address.
    ctx.onQueryChange((params) => {
      municipality = readMunicipality(params);
      select.value = municipality;
      load();
    });

    await load();
  },
};
