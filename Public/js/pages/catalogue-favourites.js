// The visitor's favourite services (/catalogue/favourites), kept in this browser; each one is
// fetched again so that the list shows today's information. Printable.
import { h, setLive } from '../dom.js';
import { t, localText } from '../i18n.js';
import { get, enc, ApiError } from '../api.js';
import { heading, notice } from './common.js';
import { listFavourites, removeFavourite } from '../catalogue/favourites.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { resultItem, serviceHref, lastSearch } from '../catalogue/parts.js';

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-favourites');
    heading(root, ctx, t('catalogue.favourites.title'));
    root.appendChild(h('p', { class: 'lead' }, t('catalogue.favourites.intro')));
    const status = h('div', { class: 'live-region', role: 'status', 'aria-live': 'polite' });
    const list = h('ul', { class: 'result-list', 'aria-label': t('catalogue.favourites.title') });
    const empty = h('p', { class: 'muted', hidden: true }, t('catalogue.favourites.empty'));
    const print = h('button', { type: 'button', class: 'btn btn--secondary', onClick: () => window.print() }, t('catalogue.print'));
    root.appendChild(status);
    root.appendChild(h('div', { class: 'actions' }, print, h('a', { href: lastSearch(), class: 'btn btn--ghost' }, t('catalogue.backToSearch'))));
    root.appendChild(list);
    root.appendChild(empty);

    const favourites = await listFavourites();
    await loadTaxonomy();
    const answers = await Promise.all(
      favourites.map((f) =>
        get(`/api/v1/catalogue/services/${enc(f.id)}`).then(
          (service) => ({ favourite: f, service }),
          (error) => ({ favourite: f, error }),
        ),
      ),
    );
    if (!ctx.isCurrent()) return;
    for (const { favourite, service, error } of answers) {
      if (service) {
        const li = resultItem(
          {
            ...service,
            status: service.archived ? 'archived' : service.status,
            modes: (service.delivery && service.delivery.modes) || [],
            languages: (service.delivery && service.delivery.languages) || [],
            snippet: [],
          },
          { status },
        );
        list.appendChild(li);
      } else {
        // gone or unreachable: show what was saved, with a way to remove it
        const gone = error instanceof ApiError && error.status === 404;
        const name = localText(favourite.name) || favourite.id;
        const remove = h('button', { type: 'button', class: 'btn btn--secondary' }, t('catalogue.favourite.remove'));
        const li = h('li', { class: 'result', dataset: { serviceId: favourite.id } },
          h('h2', { class: 'result__name' }, gone ? name : h('a', { href: serviceHref(favourite.id) }, name)),
          h('p', { class: 'muted' }, gone ? t('catalogue.favourites.gone') : t('error.loadFailed')),
          h('div', { class: 'result__actions' }, remove));
        remove.addEventListener('click', async () => {
          await removeFavourite(favourite.id);
          li.remove();
          setLive(status, t('catalogue.favourite.removed', { name }));
          update();
        });
        list.appendChild(li);
      }
    }
    function update() {
      empty.hidden = list.children.length > 0;
      list.hidden = list.children.length === 0;
      print.hidden = list.children.length === 0;
    }
    update();
  },
};
