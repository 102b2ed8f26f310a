// Pieces shared by the catalogue pages: badges, the favourite toggle, a result card.
import { h, uid, setLive } from '../dom.js';
import { t, localText } from '../i18n.js';
import { enc } from '../api.js';
import { isFavourite, toggleFavourite } from './favourites.js';
import { labelFor, rememberOrganization } from './taxonomy.js';

const LAST_SEARCH_KEY = 'ohjaustila.catalogue.lastSearch';

/** Remember the address of the search being shown (for the "back to the search" links). */
export function rememberSearch(address) {
  try {
    window.sessionStorage.setItem(LAST_SEARCH_KEY, address);
  } catch {
    /* not kept */
  }
}

/** The last search of this tab, or the empty search. */
export function lastSearch() {
  try {
    const value = window.sessionStorage.getItem(LAST_SEARCH_KEY);
    return value && (value === '/catalogue' || value.startsWith('/catalogue?')) ? value : '/catalogue';
  } catch {
    return '/catalogue';
  }
}

export function serviceHref(id) {
  return `/catalogue/services/${enc(id)}`;
}

/** Cost, delivery modes and languages as small badges (each with its words). */
export function serviceBadges(service) {
  const items = [];
  if (service.cost) {
    items.push(h('li', { class: `badge ${service.cost === 'free' ? 'badge--success' : 'badge--warn'}` }, t(`catalogue.cost.${service.cost}`)));
  }
  for (const mode of service.modes || []) items.push(h('li', { class: 'badge badge--info' }, t(`catalogue.mode.${mode}`)));
  const languages = service.languages || [];
  if (languages.length) {
    items.push(
      h('li', { class: 'badge badge--muted' }, t('catalogue.languagesBadge', { languages: languages.map((l) => labelFor('language', l)).join(', ') })),
    );
  }
  return h('ul', { class: 'badge-list', 'aria-label': t('catalogue.badges') }, items);
}

/** The snippet [{text, match}] with the matching words in <mark>, built with DOM nodes only. */
export function snippetText(snippet, fallback) {
  const p = h('p', { class: 'result__summary' });
  if (Array.isArray(snippet) && snippet.length) {
    for (const part of snippet) {
      p.appendChild(part.match ? h('mark', {}, part.text) : document.createTextNode(part.text));
    }
  } else {
    p.textContent = fallback || '';
  }
  return p;
}

/**
 * "Tallenna suosikiksi" / "Poista suosikeista" (aria-pressed). `status` is a live region that
 * says what happened; `describedBy` is the id of the service's name.
 */
export function favouriteButton(service, { status, describedBy } = {}) {
  const button = h('button', { type: 'button', class: 'btn btn--secondary favourite-toggle', 'aria-describedby': describedBy });
  const icon = h('span', { class: 'favourite-toggle__icon', 'aria-hidden': 'true' });
  const label = h('span', {});
  button.append(icon, label);
  const update = () => {
    const on = isFavourite(service.id);
    button.setAttribute('aria-pressed', String(on));
    icon.textContent = on ? '★' : '☆';
    label.textContent = on ? t('catalogue.favourite.remove') : t('catalogue.favourite.add');
  };
  update();
  button.addEventListener('click', async () => {
    const on = await toggleFavourite({ id: service.id, name: service.name });
    update();
    const name = localText(service.name);
    if (status) setLive(status, t(on ? 'catalogue.favourite.added' : 'catalogue.favourite.removed', { name }));
  });
  button.refresh = update;
  return button;
}

/** One search result as a list item. */
export function resultItem(item, { status, headingLevel = 'h2' } = {}) {
  rememberOrganization(item.organization);
  const nameId = uid('service');
  const name = localText(item.name);
  const fits = (item.fits || []).map((f) => t(`catalogue.fits.${f}`));
  return h(
    'li',
    { class: 'result', dataset: { serviceId: item.id } },
    h(headingLevel, { class: 'result__name', id: nameId },
      h('a', { href: serviceHref(item.id), dataset: { printUrl: window.location.origin + serviceHref(item.id) } }, name)),
    item.organization ? h('p', { class: 'result__org' }, localText(item.organization.name)) : null,
    item.status && item.status !== 'published' ? h('p', { class: 'result__status' }, h('span', { class: 'badge badge--warn' }, t(`catalogue.status.${item.status}`))) : null,
    snippetText(item.snippet, localText(item.summary)),
    serviceBadges(item),
    fits.length ? h('p', { class: 'result__fits' }, h('strong', {}, t('catalogue.fits.title')), ' ', fits.join(', ')) : null,
    h('div', { class: 'result__actions' }, favouriteButton(item, { status, describedBy: nameId })),
  );
}
