// The catalogue's topics (/catalogue/categories): every top-level category with its
// sub-categories and how many services each has (a parent's count includes its children).
import { h } from '../dom.js';
import { t, localText, getLanguage } from '../i18n.js';
import { get } from '../api.js';
import { heading } from './common.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { breadcrumbs, catalogueCrumb, categoryHref, countedLink } from '../catalogue/parts.js';

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-categories');
    const title = t('catalogue.browse.categories');
    root.appendChild(breadcrumbs([catalogueCrumb(), { text: title, href: '/catalogue/categories' }]));
    heading(root, ctx, title);
    root.appendChild(h('p', { class: 'lead' }, t('catalogue.categories.intro')));

    // the counts as the search gives them to this visitor (experts also count hidden services)
    const [tax, answer] = await Promise.all([loadTaxonomy(), get(`/api/v1/catalogue/search?limit=1&lang=${getLanguage()}`)]);
    if (!ctx.isCurrent()) return;
    if (!tax) throw new Error('The taxonomy could not be loaded');
    const counts = new Map(((answer.facets && answer.facets.category) || []).map((f) => [f.id, f.count]));
    const count = (id) => counts.get(id) || 0;
    const categories = tax.categories || [];
    const top = categories.filter((c) => !c.parent);
    if (!top.length) {
      root.appendChild(h('p', {}, t('catalogue.categories.empty')));
      return;
    }
    root.appendChild(
      h('ul', { class: 'browse-tree' }, top.map((category) => {
        const children = categories.filter((c) => c.parent === category.id);
        return h('li', { class: 'browse-tree__item', dataset: { categoryId: category.id } },
          h('h2', { class: 'browse-tree__title' }, countedLink(categoryHref(category.id), localText(category.name), count(category.id))),
          children.length
            ? h('ul', { class: 'browse-tree__children' }, children.map((child) =>
              h('li', { dataset: { categoryId: child.id } }, countedLink(categoryHref(child.id), localText(child.name), count(child.id)))))
            : null);
      })),
    );
  },
};
