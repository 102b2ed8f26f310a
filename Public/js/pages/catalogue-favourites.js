// Favourites (/catalogue/favourites).
// - Visitors and clients: the favourites of this browser session, fetched again in one request
//   (per 100) so that the list shows today's information; services that are gone are marked,
//   with a way to remove them. Printable.
// - Staff: their lists on the server (create, rename, delete; each list has its own page) and
//   the services they opened last (#recent), which they can clear.
import { h, uid, setLive } from '../dom.js';
import { t, localText, getLanguage } from '../i18n.js';
import { get, del } from '../api.js';
import { formatRecent } from '../format.js';
import { heading, printButton } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { showRequestError } from '../ui/errors.js';
import { removeRow } from '../ui/rows.js';
import { on } from '../store.js';
import { confirmDialog, formDialog } from '../dialog.js';
import { field, formError, showFieldErrors, showApiError, clearErrors, busy, value } from '../forms.js';
import {
  usesLists, listFavourites, removeFavourite, servicesByIds, loadLists, createList, renameList, deleteList,
} from '../catalogue/favourites.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { resultItem, serviceHref, lastSearch } from '../catalogue/parts.js';
import { listHref, listServiceCount, updatedText } from '../catalogue/favourite-lists.js';

// ---- visitors and clients -----------------------------------------------------------------

async function renderBrowserFavourites(root, ctx) {
  heading(root, ctx, t('catalogue.favourites.title'));
  root.appendChild(h('p', { class: 'lead' }, t('catalogue.favourites.intro')));
  const status = statusRegion();
  const problem = alertRegion();
  const list = h('ul', { class: 'result-list', 'aria-label': t('catalogue.favourites.title') });
  const empty = h('p', { class: 'muted', hidden: true }, t('catalogue.favourites.empty'));
  const print = printButton();
  root.appendChild(status);
  root.appendChild(problem);
  root.appendChild(h('div', { class: 'actions' }, print, h('a', { href: lastSearch(), class: 'text-link' }, t('catalogue.backToSearch'))));
  root.appendChild(list);
  root.appendChild(empty);

  const favourites = await listFavourites();
  let found = new Map();
  let failed = false;
  if (favourites.length) {
    try {
      [found] = await Promise.all([servicesByIds(favourites.map((f) => f.id), { signal: ctx.signal }), loadTaxonomy()]);
    } catch (error) {
      failed = true;
      showRequestError(problem, error);
    }
  }
  if (!ctx.isCurrent()) return;
  for (const favourite of favourites) {
    const service = found.get(favourite.id);
    if (service) {
      list.appendChild(resultItem(service, { status }));
      continue;
    }
    // gone (or not loaded): show what was saved, with a way to remove it
    const name = localText(favourite.name) || favourite.id;
    const nameId = uid('favourite');
    const remove = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId }, t('catalogue.favourite.remove'));
    const li = h('li', { class: 'result result--gone', dataset: { serviceId: favourite.id, gone: String(!failed) } },
      h('h2', { class: 'result__name', id: nameId }, failed ? h('a', { href: serviceHref(favourite.id) }, name) : name),
      h('p', { class: 'muted' }, failed ? t('error.loadFailed') : t('catalogue.favourites.gone')),
      h('div', { class: 'result__actions' }, remove));
    remove.addEventListener('click', async () => {
      await removeFavourite(favourite.id);
      removeRow(li, { selector: 'a, button', fallback: root.querySelector('h1') });
      setLive(status, t('catalogue.favourite.removed', { name }));
      update();
    });
    list.appendChild(li);
  }
  function update() {
    empty.hidden = list.children.length > 0;
    list.hidden = list.children.length === 0;
    print.hidden = list.children.length === 0;
  }
  update();
  list.dataset.loaded = 'true'; // tests wait for it
}

// ---- staff: lists and recently viewed -----------------------------------------------------

function listNameField(valueText = '') {
  return field({
    name: 'listName',
    label: t('catalogue.lists.new.label'),
    hint: t('catalogue.lists.new.hint'),
    value: valueText,
    attrs: { maxlength: '100', autocomplete: 'off' },
  });
}

function checkListName(form) {
  return showFieldErrors(form, value(form, 'listName').trim() ? [] : [{ field: 'listName', code: 'field.required' }]);
}

function listsSection(root, ctx, status) {
  const headingId = uid('lists-heading');
  const items = h('ul', { class: 'fav-lists', 'aria-labelledby': headingId });
  const empty = h('p', { class: 'muted', hidden: true }, t('catalogue.lists.empty'));
  const problem = alertRegion();

  const nameField = listNameField();
  const form = h('form', { class: 'fav-lists__new', novalidate: true, 'aria-labelledby': `${headingId}-new` },
    h('h3', { id: `${headingId}-new` }, t('catalogue.lists.create.title')),
    formError(),
    nameField,
    h('button', { type: 'submit', class: 'btn btn--primary' }, t('catalogue.lists.create.submit')));

  const section = h('section', { class: 'section fav-lists-section', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, t('catalogue.lists.yourLists')),
    problem, items, empty, form);

  function update() {
    empty.hidden = items.children.length > 0;
    items.hidden = items.children.length === 0;
  }

  function row(list) {
    const nameId = uid('list-name');
    const link = h('a', { href: listHref(list.id) }, list.name);
    const count = (list.serviceIds || []).length;
    const rename = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId }, t('catalogue.lists.rename'));
    const remove = h('button', { type: 'button', class: 'btn btn--secondary btn--danger-outline', 'aria-describedby': nameId }, t('catalogue.lists.delete'));
    const li = h('li', { class: 'fav-list', dataset: { listId: list.id } },
      h('h3', { class: 'fav-list__name', id: nameId }, link),
      h('p', { class: 'fav-list__meta' },
        h('span', { class: 'fav-list__count' }, listServiceCount(count)),
        h('span', {}, updatedText(list.updatedAt)),
        list.shareToken ? h('span', { class: 'badge badge--info' }, t('catalogue.lists.shared')) : null),
      h('div', { class: 'actions fav-list__actions' }, rename, remove));

    rename.addEventListener('click', async () => {
      const renamed = await formDialog({
        title: t('catalogue.lists.rename.title'),
        fields: [field({ name: 'listName', label: t('catalogue.lists.rename.label'), value: list.name, attrs: { maxlength: '100', autocomplete: 'off' } })],
        submitLabel: t('catalogue.lists.rename.submit'),
        validate: checkListName,
        onSubmit: (f) => renameList(list.id, value(f, 'listName').trim()),
        errorOptions: { aliases: { name: 'listName' } },
      });
      if (!renamed || !ctx.isCurrent()) return;
      list.name = renamed.name;
      link.textContent = renamed.name;
      setLive(status, t('catalogue.lists.renamed', { list: renamed.name }));
    });

    remove.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: t('catalogue.lists.delete.title', { list: list.name }),
        text: t('catalogue.lists.delete.text'),
        confirmLabel: t('catalogue.lists.delete'),
        danger: true,
      });
      if (!ok || !ctx.isCurrent()) return;
      try {
        await deleteList(list.id);
      } catch (error) {
        showRequestError(problem, error);
        return;
      }
      removeRow(li, { selector: 'a', fallback: section.querySelector('h2') });
      update();
      setLive(status, t('catalogue.lists.deleted', { list: list.name }));
    });
    return li;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (checkListName(form)) return;
    const done = busy(form);
    if (!done) return;
    try {
      const list = await createList(value(form, 'listName').trim());
      clearErrors(form);
      nameField.control.value = '';
      items.prepend(row(list));
      update();
      setLive(status, t('catalogue.lists.created', { list: list.name }));
    } catch (error) {
      showApiError(form, error, { aliases: { name: 'listName' } });
    } finally {
      done();
    }
  });

  return {
    section,
    show(lists) {
      items.replaceChildren(...lists.map(row));
      update();
      items.dataset.loaded = 'true'; // tests wait for it
    },
    fail(error) {
      showRequestError(problem, error);
    },
  };
}

function recentSection(ctx, status) {
  const headingId = uid('recent-heading');
  const list = h('ul', { class: 'result-list', 'aria-labelledby': headingId });
  const empty = h('p', { class: 'muted', hidden: true }, t('catalogue.recent.empty'));
  const problem = alertRegion();
  const clearButton = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('catalogue.recent.clear'));
  const section = h('section', { class: 'section recent-section', id: 'recent', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, t('catalogue.recent.title')),
    h('p', {}, t('catalogue.recent.intro')),
    problem, list, empty,
    h('div', { class: 'actions recent-actions' }, clearButton));

  function update() {
    empty.hidden = list.children.length > 0;
    list.hidden = list.children.length === 0;
    clearButton.hidden = list.children.length === 0;
  }

  clearButton.addEventListener('click', async () => {
    try {
      await del('/api/v1/me/recently-viewed');
    } catch (error) {
      showRequestError(problem, error);
      return;
    }
    if (!ctx.isCurrent()) return;
    list.replaceChildren();
    update();
    setLive(status, t('catalogue.recent.cleared'));
    section.querySelector('h2').focus();
  });

  return {
    section,
    show(items) {
      list.replaceChildren(...items.map(({ viewedAt, service }) => {
        const li = resultItem(service, { status, headingLevel: 'h3' });
        const viewed = h('p', { class: 'result__viewed' }, t('catalogue.recent.viewed'), ' ', h('time', { datetime: viewedAt }, formatRecent(viewedAt)));
        const actions = li.querySelector('.result__actions');
        if (actions) actions.before(viewed);
        else li.appendChild(viewed);
        return li;
      }));
      update();
      list.dataset.loaded = 'true'; // tests wait for it
    },
    fail(error) {
      showRequestError(problem, error);
    },
  };
}

async function renderLists(root, ctx) {
  heading(root, ctx, t('catalogue.lists.title'));
  root.appendChild(h('p', { class: 'lead' }, t('catalogue.lists.intro')));
  const status = statusRegion();
  root.appendChild(status);
  root.appendChild(h('div', { class: 'actions fav-page-actions' },
    h('a', { href: '#recent', class: 'text-link', onClick: (event) => {
      event.preventDefault();
      focusRecent();
    } }, t('catalogue.recent.title')),
    h('a', { href: lastSearch(), class: 'text-link' }, t('catalogue.backToSearch'))));

  const lists = listsSection(root, ctx, status);
  const recent = recentSection(ctx, status);
  root.appendChild(lists.section);
  root.appendChild(recent.section);

  function focusRecent() {
    const target = recent.section.querySelector('h2');
    target.focus({ preventScroll: true });
    recent.section.scrollIntoView({ block: 'start' });
  }

  const [listAnswer, recentAnswer] = await Promise.allSettled([
    loadLists({ fresh: true }),
    get(`/api/v1/me/recently-viewed?lang=${getLanguage()}`, { signal: ctx.signal }),
    loadTaxonomy(),
  ]);
  if (!ctx.isCurrent()) return;
  if (listAnswer.status === 'fulfilled') lists.show(listAnswer.value);
  else lists.fail(listAnswer.reason);
  if (recentAnswer.status === 'fulfilled') recent.show(recentAnswer.value.items || []);
  else recent.fail(recentAnswer.reason);

  // /catalogue/favourites#recent: to the recently viewed services once the page is shown
  if (window.location.hash === '#recent') {
    on('page', () => {
      const active = document.activeElement;
      const unmoved = !active || active === document.body || active.id === 'main' || active.tagName === 'H1';
      if (unmoved) focusRecent();
    }, { once: true, signal: ctx.signal });
  }
}

export default {
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-favourites');
    if (usesLists(ctx.user)) await renderLists(root, ctx);
    else await renderBrowserFavourites(root, ctx);
  },
};
