// A municipality's page (/catalogue/municipalities/:code): the services offered to its residents
// as a tree of topics (h2 for a top-level topic, h3 for a sub-topic), each with its count.
// A service under a sub-topic is already under its parent, so the parent itself lists only the
// services that are in none of its sub-topics: every service is shown once in each branch.
import { h, uid } from '../dom.js';
import { t, plural, localText, getLanguage } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { heading, notFoundMessage } from '../ui/page.js';
import { breadcrumbs, catalogueCrumb, municipalityHref, serviceHref, serviceCount } from '../catalogue/parts.js';

/** Every service id of a node's sub-topics (at any depth). */
function descendantIds(node, into = new Set()) {
  for (const child of node.children || []) {
    for (const s of child.services || []) into.add(s.id);
    descendantIds(child, into);
  }
  return into;
}

function serviceRow(service) {
  return h('li', { class: 'service-link', dataset: { serviceId: service.id } },
    h('a', { href: serviceHref(service.id) }, localText(service.name)),
    service.organization ? h('span', { class: 'service-link__org' }, localText(service.organization.name)) : null);
}

/** One topic: its heading with the count, its own services, its sub-topics. */
function topic(node, level) {
  const headingId = uid('topic');
  const inChildren = descendantIds(node);
  const own = (node.services || []).filter((s) => !inChildren.has(s.id));
  const tag = `h${Math.min(level, 6)}`;
  return h('li', { class: `topic-tree__item topic-tree__item--level${Math.min(level, 4)}`, dataset: { categoryId: node.id } },
    h(tag, { id: headingId, class: 'topic-tree__title', tabindex: level === 2 ? '-1' : null },
      localText(node.name), ' ',
      h('span', { class: 'browse-count', dataset: { count: String(node.count) } }, serviceCount(node.count))),
    own.length ? h('ul', { class: 'service-links', 'aria-labelledby': headingId }, own.map(serviceRow)) : null,
    (node.children || []).length
      ? h('ul', { class: 'topic-tree topic-tree--nested' }, node.children.map((child) => topic(child, level + 1)))
      : null);
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-municipality');
    const code = ctx.params.code;
    const listTitle = t('catalogue.browse.municipalities');
    let page;
    try {
      page = await get(`/api/v1/catalogue/municipalities/${enc(code)}?lang=${getLanguage()}`, { signal: ctx.signal });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        notFoundMessage(root, ctx, 'catalogue.municipality.notFound', { href: '/catalogue/municipalities', text: listTitle });
        return;
      }
      throw error;
    }
    if (!ctx.isCurrent()) return;

    const name = localText(page.name) || page.code;
    root.appendChild(breadcrumbs([
      catalogueCrumb(),
      { text: listTitle, href: '/catalogue/municipalities' },
      { text: name, href: municipalityHref(page.code) },
    ]));
    heading(root, ctx, name);
    const total = page.total || 0;
    root.appendChild(h('p', { class: 'lead' }, plural('catalogue.municipality.total', total)));
    root.appendChild(h('div', { class: 'actions browse-actions' },
      h('a', { href: `/catalogue?municipality=${enc(page.code)}`, class: 'btn btn--secondary' }, t('catalogue.municipality.search')),
      h('a', { href: `/catalogue/articles?municipality=${enc(page.code)}`, class: 'btn btn--secondary' }, t('catalogue.municipality.articles'))));

    const categories = page.categories || [];
    if (!categories.length) {
      root.appendChild(h('p', {}, t('catalogue.municipality.none')));
      return;
    }
    root.appendChild(h('p', { class: 'muted' }, t('catalogue.municipality.note')));

    const tree = h('ul', { class: 'topic-tree' }, categories.map((node) => topic(node, 2)));
    // a short table of contents: jumps to the top-level topics (focus moves with the jump)
    const contentsId = uid('topic-contents');
    const contents = h('nav', { class: 'topic-contents', 'aria-labelledby': contentsId },
      h('p', { id: contentsId, class: 'topic-contents__label' }, t('catalogue.municipality.contents')),
      h('ul', {}, [...tree.children].map((li) => {
        const target = li.querySelector('h2');
        const link = h('a', { href: `#${target.id}` }, localText(categories.find((c) => c.id === li.dataset.categoryId).name));
        link.addEventListener('click', (event) => {
          event.preventDefault();
          target.scrollIntoView();
          target.focus();
        });
        return h('li', {}, link);
      })));
    root.appendChild(contents);
    root.appendChild(tree);
  },
};
