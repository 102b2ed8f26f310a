// The municipalities of the catalogue (/catalogue/municipalities), in name order, each with the
// number of services offered to its residents.
import { h } from '../dom.js';
import { t, localText, getLanguage } from '../i18n.js';
import { get } from '../api.js';
import { heading } from './common.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { breadcrumbs, catalogueCrumb, municipalityHref, countedLink } from '../catalogue/parts.js';

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-browse', 'catalogue-municipalities');
    const title = t('catalogue.browse.municipalities');
    root.appendChild(breadcrumbs([catalogueCrumb(), { text: title, href: '/catalogue/municipalities' }]));
    heading(root, ctx, title);
    root.appendChild(h('p', { class: 'lead' }, t('catalogue.municipalities.intro')));

    const [tax, answer] = await Promise.all([loadTaxonomy(), get(`/api/v1/catalogue/search?limit=1&lang=${getLanguage()}`)]);
    if (!ctx.isCurrent()) return;
    if (!tax) throw new Error('The taxonomy could not be loaded');
    const counts = new Map(((answer.facets && answer.facets.municipality) || []).map((f) => [f.id, f.count]));
    const lang = getLanguage();
    const municipalities = [...(tax.municipalities || [])]
      .map((m) => ({ code: m.code, name: localText(m.name) }))
      .sort((a, b) => a.name.localeCompare(b.name, lang));
    if (!municipalities.length) {
      root.appendChild(h('p', {}, t('catalogue.municipalities.empty')));
      return;
    }
    root.appendChild(
      h('ul', { class: 'browse-list browse-list--columns' }, municipalities.map((m) =>
        h('li', { dataset: { municipality: m.code } }, countedLink(municipalityHref(m.code), m.name, counts.get(m.code) || 0)))),
    );
  },
};
