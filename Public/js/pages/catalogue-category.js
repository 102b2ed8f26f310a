// One topic of the catalogue (/catalogue/categories/:categoryId): where it is in the tree, its
// sub-topics with their counts, and its services in name order, 50 at a time.
import { h, setLive } from '../dom.js';
import { t, plural, localText, getLanguage } from '../i18n.js';
import { enc } from '../api.js';
import { section } from './common.js';
import { heading, notFoundMessage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { pagedList } from '../ui/paged-list.js';
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
      notFoundMessage(root, ctx, 'catalogue.category.notFound', { href: '/catalogue/categories', text: listTitle });
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

    const favouriteStatus = statusRegion({ hidden: true });
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const list = h('ul', { class: 'result-list' });
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    const services = section(t('catalogue.category.services'), count, problem, favouriteStatus, list, h('div', { class: 'actions' }, more));
    services.classList.add('browse-services');
    list.setAttribute('aria-labelledby', services.getAttribute('aria-labelledby'));
    root.appendChild(services);

    const pages = pagedList({
      signal: ctx.signal,
      list,
      more,
      problem,
      heading: services.querySelector('h2'),
      url: (after) => {
        const params = new URLSearchParams({ category: category.id, sort: 'name', limit: String(PAGE_SIZE), lang: getLanguage() });
        if (after) params.set('cursor', after);
        return `/api/v1/catalogue/search?${params}`;
      },
      row: (item) => resultItem(item, { status: favouriteStatus, headingLevel: 'h3' }),
      onPage(answer, { first }) {
        const total = answer.total || 0;
        if (!first) {
          setLive(count, t('catalogue.results.shown', { shown: list.children.length, count: total || list.children.length }));
          return;
        }
        count.textContent = plural('catalogue.category.count', total);
        // the facet counts every topic under the other filters only: the same numbers as the topic list
        const counts = new Map(((answer.facets && answer.facets.category) || []).map((f) => [f.id, f.count]));
        subList.replaceChildren(...children.map((c) =>
          h('li', { dataset: { categoryId: c.id } }, countedLink(categoryHref(c.id), localText(c.name), counts.get(c.id) || 0))));
        list.hidden = total === 0;
        services.dataset.loaded = 'true'; // tests wait for it
      },
    });
    await pages.load();
  },
};
