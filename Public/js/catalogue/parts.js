// Pieces shared by the catalogue pages: badges, the favourite toggle, a result card.
import { h, uid, setLive } from '../dom.js';
import { on } from '../store.js';
import { sessionGet, sessionSet } from '../storage.js';
import { t, plural, localText, localTextIn, getLanguage } from '../i18n.js';
import { enc } from '../api.js';
import { isFavourite, toggleFavourite, usesLists } from './favourites.js';
import { listButton } from './favourite-lists.js';
import { labelFor, rememberOrganization } from './taxonomy.js';

const LAST_SEARCH_KEY = 'ohjaustila.catalogue.lastSearch';

/** Remember the address of the search being shown (for the "back to the search" links). */
export function rememberSearch(address) {
  sessionSet(LAST_SEARCH_KEY, address);
}

/** The last search of this tab, or the empty search. */
export function lastSearch() {
  const value = sessionGet(LAST_SEARCH_KEY);
  return value && (value === '/catalogue' || value.startsWith('/catalogue?')) ? value : '/catalogue';
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

/**
 * The snippet [{text, match}] with the matching words in <mark>, built with DOM nodes only. `lang`:
 * the language of a summary shown untranslated, marked as such.
 */
function snippetText(snippet, fallback, lang) {
  const p = h('p', { class: 'result__summary' });
  const target = lang ? h('span', { lang }) : p;
  if (lang) p.append(untranslatedMark(lang), ' ', target);
  if (Array.isArray(snippet) && snippet.length) {
    for (const part of snippet) {
      target.appendChild(part.match ? h('mark', {}, part.text) : document.createTextNode(part.text));
    }
  } else {
    target.textContent = fallback || '';
  }
  return p;
}

/**
 * The favourite control of a service. Staff: "Tallenna listalle", which opens the dialog of their
 * lists. Visitors and clients: the toggle "Suosikki" with one fixed label; only aria-pressed
 * (and the star beside it) changes. `status` is a live region that says what happened;
 * `describedBy` is the id of the service's name.
 */
export function favouriteButton(service, { status, describedBy } = {}) {
  if (usesLists()) return listButton(service, { describedBy });
  const button = h('button', {
    type: 'button', class: 'btn btn--secondary favourite-toggle', 'aria-describedby': describedBy, dataset: { favouriteFor: service.id },
  });
  const icon = h('span', { class: 'favourite-toggle__icon', 'aria-hidden': 'true' });
  button.append(icon, h('span', {}, t('catalogue.favourite.toggle')));
  const update = () => {
    const on = isFavourite(service.id);
    button.setAttribute('aria-pressed', String(on));
    icon.textContent = on ? '★' : '☆';
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

// Every favourite control of a service follows a change made elsewhere on the page.
on('favourites', () => {
  for (const control of document.querySelectorAll('[data-favourite-for]')) if (control.refresh) control.refresh();
});

/** "Tiedot vanhentuneet – tarkistettu yli 150 päivää sitten": the mark of a service flagged outdated
 *  (experts get `outdated: true`; null for everyone else), in words, not colour alone. */
export function outdatedBadge() {
  return h('span', { class: 'badge badge--outdated', dataset: { outdated: 'true' } }, t('catalogue.outdated.badge'));
}

/** One search result as a list item (`favourite: false` leaves the favourite control out). */
export function resultItem(item, { status, headingLevel = 'h2', favourite = true } = {}) {
  rememberOrganization(item.organization);
  const nameId = uid('service');
  const name = localText(item.name);
  const fits = (item.fits || []).map((f) => t(`catalogue.fits.${f}`));
  return h(
    'li',
    { class: 'result', dataset: { serviceId: item.id } },
    h(headingLevel, { class: 'result__name', id: nameId },
      h('a', { href: serviceHref(item.id), lang: textLanguage(item.name), dataset: { printUrl: window.location.origin + serviceHref(item.id) } }, name)),
    item.organization ? h('p', { class: 'result__org', lang: textLanguage(item.organization.name) }, localText(item.organization.name)) : null,
    item.status && item.status !== 'published' ? h('p', { class: 'result__status' }, h('span', { class: 'badge badge--warn' }, t(`catalogue.status.${item.status}`))) : null,
    item.outdated === true ? h('p', { class: 'result__outdated' }, outdatedBadge()) : null,
    snippetText(item.snippet, localText(item.summary), textLanguage(item.summary)),
    serviceBadges(item),
    fits.length ? h('p', { class: 'result__fits' }, h('strong', {}, t('catalogue.fits.title')), ' ', fits.join(', ')) : null,
    favourite ? h('div', { class: 'result__actions' }, favouriteButton(item, { status, describedBy: nameId })) : null,
  );
}

export function categoryHref(id) {
  return `/catalogue/categories/${enc(id)}`;
}

export function municipalityHref(code) {
  return `/catalogue/municipalities/${enc(code)}`;
}

export function articleHref(id) {
  return `/catalogue/articles/${enc(id)}`;
}

/** "58 palvelua" / "1 palvelu". */
export function serviceCount(count) {
  return plural('catalogue.services', count);
}

/**
 * Breadcrumbs: [{text, href}] from the catalogue's front page to the page being shown (the last
 * one, marked aria-current="page").
 */
export function breadcrumbs(items) {
  const last = items.length - 1;
  return h(
    'nav',
    { class: 'breadcrumbs', 'aria-label': t('catalogue.breadcrumbs') },
    h('ol', {}, items.map((item, i) =>
      h('li', {}, h('a', { href: item.href, 'aria-current': i === last ? 'page' : null }, item.text)))),
  );
}

/** The catalogue's front page as the first crumb. */
export function catalogueCrumb() {
  return { text: t('catalogue.title'), href: '/catalogue' };
}

/** A link with the number of services after it: <a>Työnhaku</a> <span>58 palvelua</span>. */
export function countedLink(href, text, count) {
  return [
    h('a', { href }, text),
    ' ',
    h('span', { class: 'browse-count', dataset: { count: String(count) } }, serviceCount(count)),
  ];
}

/** An article's municipalities: "Helsinki, Vantaa", or "all municipalities" when it has none. */
export function municipalityNames(codes) {
  return (codes || []).length ? codes.map((c) => labelFor('municipality', c)).join(', ') : t('catalogue.articles.allMunicipalities');
}

/** The mark of an internal article (experts only), in words, not only in colour. */
export function internalBadge() {
  return h('span', { class: 'badge badge--internal' }, t('catalogue.article.internal'));
}

/** The language of a LocalText as shown, when it is not the UI's (a missing translation): for lang="". */
export function textLanguage(value) {
  if (!value || typeof value === 'string') return null;
  const { lang } = localTextIn(value);
  return lang === getLanguage() ? null : lang;
}

/** "Only in Finnish" before a text that has no translation in the page's language. */
export function untranslatedMark(lang) {
  return h('span', { class: 'lang-fallback' }, t(`catalogue.service.onlyIn.${lang}`));
}
