// A favourite list shared by its read-only link (/catalogue/shared/:token), for anyone: the
// list's name, date and services; printable. Nothing can be changed here.
import { h, uid } from '../dom.js';
import { t, getLanguage } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { heading, notFoundMessage, printButton } from '../ui/page.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { resultItem } from '../catalogue/parts.js';
import { listServiceCount, updatedText } from '../catalogue/favourite-lists.js';

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-shared-list');
    let list;
    try {
      [list] = await Promise.all([
        get(`/api/v1/shared-lists/${enc(ctx.params.token)}?lang=${getLanguage()}`, { signal: ctx.signal }),
        loadTaxonomy(),
      ]);
    } catch (error) {
      if (!ctx.isCurrent()) return;
      if (error instanceof ApiError && error.status === 404) {
        notFoundMessage(root, ctx, 'catalogue.shared.notFound', { href: '/catalogue', text: t('catalogue.shared.search') });
        return;
      }
      throw error;
    }
    if (!ctx.isCurrent()) return;

    const services = list.services || [];
    heading(root, ctx, list.name);
    root.appendChild(h('p', { class: 'fav-list__meta list-meta' },
      h('span', { class: 'fav-list__count' }, listServiceCount(services.length)),
      h('span', {}, updatedText(list.updatedAt))));
    root.appendChild(h('p', { class: 'lead' }, t('catalogue.shared.intro')));
    root.appendChild(h('div', { class: 'actions list-actions' },
      services.length ? printButton() : null,
      h('a', { href: '/catalogue', class: 'text-link' }, t('catalogue.shared.search'))));

    const headingId = uid('services-heading');
    root.appendChild(h('section', { class: 'section list-services', 'aria-labelledby': headingId },
      h('h2', { id: headingId }, t('catalogue.list.services')),
      services.length
        ? h('ul', { class: 'result-list', 'aria-labelledby': headingId, dataset: { loaded: 'true' } },
          services.map((s) => resultItem(s, { headingLevel: 'h3', favourite: false })))
        : h('p', { class: 'muted' }, t('catalogue.shared.empty'))));
  },
};
