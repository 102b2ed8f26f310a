// The catalogue's two index pages, one shape: the topics (/catalogue/categories: every top-level
// category with its sub-categories) and the municipalities (/catalogue/municipalities, in name
// order); each entry with the number of services the search counts for this visitor (experts
// also count hidden services; a parent topic's count includes its children).
import { h } from '../dom.js';
import { t, localText, getLanguage } from '../i18n.js';
import { get } from '../api.js';
import { heading } from '../ui/page.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { breadcrumbs, catalogueCrumb, categoryHref, municipalityHref, countedLink } from '../catalogue/parts.js';

function topicTree(tax, count) {
  const categories = tax.categories || [];
  const top = categories.filter((c) => !c.parent);
  if (!top.length) return null;
  return h('ul', { class: 'browse-tree' }, top.map((category) => {
    const children = categories.filter((c) => c.parent === category.id);
    return h('li', { class: 'browse-tree__item', dataset: { categoryId: category.id } },
      h('h2', { class: 'browse-tree__title' }, countedLink(categoryHref(category.id), localText(category.name), count(category.id))),
      children.length
        ? h('ul', { class: 'browse-tree__children' }, children.map((child) =>
          h('li', { dataset: { categoryId: child.id } }, countedLink(categoryHref(child.id), localText(child.name), count(child.id)))))
        : null);
  }));
}

function municipalityList(tax, count) {
  const lang = getLanguage();
  const municipalities = [...(tax.municipalities || [])]
    .map((m) => ({ code: m.code, name: localText(m.name) }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
  if (!municipalities.length) return null;
  return h('ul', { class: 'browse-list browse-list--columns' }, municipalities.map((m) =>
    h('li', { dataset: { municipality: m.code } }, countedLink(municipalityHref(m.code), m.name, count(m.code)))));
}

/** One index page: `kind` names its texts (catalogue.<kind>.intro / .empty) and its facet. */
function indexPage({ kind, path, facet, build }) {
  return {
    async render(root, ctx) {
      root.classList.add('catalogue', 'catalogue-browse', `catalogue-${kind}`);
      const title = t(`catalogue.browse.${kind}`);
      root.appendChild(breadcrumbs([catalogueCrumb(), { text: title, href: path }]));
      heading(root, ctx, title);
      root.appendChild(h('p', { class: 'lead' }, t(`catalogue.${kind}.intro`)));
      const [tax, answer] = await Promise.all([
        loadTaxonomy(),
        get(`/api/v1/catalogue/search?limit=1&lang=${getLanguage()}`, { signal: ctx.signal }),
      ]);
      if (!ctx.isCurrent()) return;
      if (!tax) throw new Error('The taxonomy could not be loaded');
      const counts = new Map(((answer.facets && answer.facets[facet]) || []).map((f) => [f.id, f.count]));
      const list = build(tax, (id) => counts.get(id) || 0);
      root.appendChild(list || h('p', {}, t(`catalogue.${kind}.empty`)));
    },
  };
}

export const categories = indexPage({ kind: 'categories', path: '/catalogue/categories', facet: 'category', build: topicTree });
export const municipalities = indexPage({ kind: 'municipalities', path: '/catalogue/municipalities', facet: 'municipality', build: municipalityList });
