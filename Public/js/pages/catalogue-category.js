// One topic of the catalogue (/catalogue/categories/:categoryId): where it is in the tree, its
// sub-topics with their counts, and its services in name order, 50 at a time.
import { h, setLive } from '../dom.js';
import { t, localText, getLanguage, errorText } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { heading, notice, section } from './common.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { resultItem, breadcrumbs, catalogueCrumb, categoryHref, countedLink } from '../catalogue/parts.js';

const PAGE_SIZE = 50;

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-category');
    const id = ctx.params.categoryId;
    const tax = await loadTaxonomy();
    if (!ctx.isCurrent()) return;
    if (!tax) throw new Error('The taxonomy could not be loaded');
    const categories = tax.categories || [];
    const category = categories.find((c) => c.id === id);
    const listTitle = t('catalogue.browse.categories');
    if (!category) {
      heading(root, ctx, t('catalogue.category.notFound.title'));
      root.appendChild(h('p', {}, t('catalogue.category.notFound.text')));
      root.appendChild(h('p', {}, h('a', { href: '/catalogue/categories' }, listTitle)));
      return;
    }

    // the way here: the catalogue, the topics, the parents (top first), this topic
    const ancestors = [];
    for (let parent = categories.find((c) => c.id === category.parent); parent && !ancestors.includes(parent);
      parent = categories.find((c) => c.id === parent.parent)) ancestors.unshift(parent);
    const name = localText(category.name);
    root.appendChild(breadcrumbs([
      catalogueCrumb(),
      { text: listTitle, href: '/catalogue/categories' },
      ...ancestors.map((c) => ({ text: localText(c.name), href: categoryHref(c.id) })),
      { text: name, href: categoryHref(category.id) },
    ]));
    heading(root, ctx, name);
    root.appendChild(h('div', { class: 'actions browse-actions' },
      h('a', { href: `/catalogue?category=${enc(category.id)}`, class: 'btn btn--secondary' }, t('catalogue.category.searchWithin'))));

    const children = categories.filter((c) => c.parent === category.id);
    const subList = h('ul', { class: 'browse-list' });
    if (children.length) root.appendChild(section(t('catalogue.category.subcategories'), subList));

    const favouriteStatus = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = h('div', { class: 'live-region', role: 'alert' });
    const list = h('ul', { class: 'result-list' });
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    const services = section(t('catalogue.category.services'), count, problem, favouriteStatus, list, h('div', { class: 'actions' }, more));
    services.classList.add('browse-services');
    list.setAttribute('aria-labelledby', services.getAttribute('aria-labelledby'));
    root.appendChild(services);

    let cursor = null;
    const apiUrl = (after) => {
      const params = new URLSearchParams({ category: category.id, sort: 'name', limit: String(PAGE_SIZE), lang: getLanguage() });
      if (after) params.set('cursor', after);
      return `/api/v1/catalogue/search?${params}`;
    };
    const row = (item) => resultItem(item, { status: favouriteStatus, headingLevel: 'h3' });

    let answer;
    list.setAttribute('aria-busy', 'true');
    try {
      answer = await get(apiUrl(null));
    } catch (error) {
      if (!ctx.isCurrent()) return;
      list.removeAttribute('aria-busy');
      setLive(problem, notice('error', errorText(error instanceof ApiError ? error.code : 'unknown')));
      return;
    }
    if (!ctx.isCurrent()) return;
    list.removeAttribute('aria-busy');
    const total = answer.total || 0;
    count.textContent = total === 1 ? t('catalogue.category.count.one') : t('catalogue.category.count', { count: total });
    // the facet counts every topic under the other filters only: the same numbers as the topic list
    const counts = new Map(((answer.facets && answer.facets.category) || []).map((f) => [f.id, f.count]));
    subList.replaceChildren(...children.map((c) =>
      h('li', { dataset: { categoryId: c.id } }, countedLink(categoryHref(c.id), localText(c.name), counts.get(c.id) || 0))));
    list.replaceChildren(...(answer.items || []).map(row));
    list.hidden = total === 0;
    cursor = answer.nextCursor || null;
    more.hidden = !cursor;
    if (total === 0) count.textContent = t('catalogue.category.none');
    services.dataset.loaded = 'true'; // tests wait for it

    more.addEventListener('click', async () => {
      if (!cursor || more.getAttribute('aria-disabled') === 'true') return;
      more.setAttribute('aria-disabled', 'true');
      try {
        const next = await get(apiUrl(cursor));
        if (!ctx.isCurrent()) return;
        const items = (next.items || []).map(row);
        list.append(...items);
        cursor = next.nextCursor || null;
        more.hidden = !cursor;
        setLive(count, t('catalogue.results.shown', { shown: list.children.length, count: next.total || list.children.length }));
        if (items[0]) items[0].querySelector('a').focus();
      } catch (error) {
        setLive(problem, notice('error', errorText(error instanceof ApiError ? error.code : 'unknown')));
      } finally {
        more.removeAttribute('aria-disabled');
      }
    });
  },
};
