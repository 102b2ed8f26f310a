// One favourite list of its owner (/catalogue/favourites/:listId): its services (each can be
// removed), a clean printout, and a read-only link to share it (copy it; stop sharing), with a
// short link (/s/…) to it that works as long as the list is shared.
import { h, uid, setLive } from '../dom.js';
import { t, getLanguage } from '../i18n.js';
import { get, put, del, enc, ApiError } from '../api.js';
import { heading, noAccess, notFoundMessage, printButton } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { showRequestError } from '../ui/errors.js';
import { removeRow } from '../ui/rows.js';
import { on } from '../store.js';
import { confirmDialog } from '../dialog.js';
import { setOnList } from '../catalogue/favourites.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { resultItem } from '../catalogue/parts.js';
import { listServiceCount, updatedText, sharedHref } from '../catalogue/favourite-lists.js';
import { copyField, shortLinkBox } from '../catalogue/short-link.js';

/** The share panel: a button that makes the link, or the link with "Copy" and "Stop sharing". */
function sharePanel(list, ctx, status) {
  const headingId = uid('share-heading');
  const problem = alertRegion();
  const body = h('div', { class: 'share-panel__body' });
  const panel = h('section', { class: 'section share-panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t('catalogue.share.title')),
    h('p', {}, t('catalogue.share.intro')),
    problem,
    body);

  function notShared() {
    const create = h('button', { type: 'button', class: 'btn btn--primary' }, t('catalogue.share.create'));
    create.addEventListener('click', async () => {
      if (create.getAttribute('aria-disabled') === 'true') return;
      create.setAttribute('aria-disabled', 'true');
      try {
        const answer = await put(`/api/v1/favourite-lists/${enc(list.id)}/share`);
        if (!ctx.isCurrent()) return;
        list.shareToken = answer.shareToken;
        setLive(problem, '');
        show();
        setLive(status, t('catalogue.share.created'));
        const input = body.querySelector('input');
        input.focus();
        input.select();
      } catch (error) {
        showRequestError(problem, error);
      } finally {
        create.removeAttribute('aria-disabled');
      }
    });
    return [h('div', { class: 'actions' }, create)];
  }

  function shared() {
    const inputId = uid('share-link');
    const input = h('input', { id: inputId, type: 'text', readonly: true, value: sharedHref(list.shareToken), class: 'share-panel__link', spellcheck: 'false' });
    input.addEventListener('focus', () => input.select());
    const copy = h('button', { type: 'button', class: 'btn btn--primary' }, t('catalogue.share.copy'));
    const stop = h('button', { type: 'button', class: 'btn btn--secondary btn--danger-outline' }, t('catalogue.share.stop'));
    copy.addEventListener('click', () => copyField(input, status));
    stop.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: t('catalogue.share.stop.title'),
        text: t('catalogue.share.stop.text'),
        confirmLabel: t('catalogue.share.stop'),
        danger: true,
      });
      if (!ok || !ctx.isCurrent()) return;
      try {
        await del(`/api/v1/favourite-lists/${enc(list.id)}/share`);
      } catch (error) {
        showRequestError(problem, error);
        return;
      }
      list.shareToken = null;
      setLive(problem, '');
      show();
      setLive(status, t('catalogue.share.stopped'));
      body.querySelector('button').focus();
    });
    const short = shortLinkBox({
      buttonText: t('shortLink.list.button'),
      label: t('shortLink.list.label'),
      hint: t('shortLink.list.hint'),
      request: () => ({ listId: list.id }),
      isCurrent: ctx.isCurrent,
    });
    short.setNote(t('shortLink.list.note'));
    return [
      h('div', { class: 'field share-panel__field' }, h('label', { for: inputId }, t('catalogue.share.link')), input),
      h('div', { class: 'actions' }, copy, stop),
      short.node,
    ];
  }

  function show() {
    body.replaceChildren(...(list.shareToken ? shared() : notShared()));
    panel.dataset.shared = String(Boolean(list.shareToken));
  }
  show();
  return panel;
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('catalogue', 'catalogue-favourite-list');
    const listId = ctx.params.listId;
    let list;
    try {
      [list] = await Promise.all([
        get(`/api/v1/favourite-lists/${enc(listId)}?lang=${getLanguage()}`, { signal: ctx.signal }),
        loadTaxonomy(),
      ]);
    } catch (error) {
      if (!ctx.isCurrent()) return;
      if (error instanceof ApiError && error.status === 404) {
        notFoundMessage(root, ctx, 'catalogue.list.notFound', { href: '/catalogue/favourites', text: t('catalogue.list.back') });
        return;
      }
      if (error instanceof ApiError && error.status === 403) {
        noAccess(root, ctx);
        return;
      }
      throw error;
    }
    if (!ctx.isCurrent()) return;

    root.appendChild(h('p', { class: 'back-link' }, h('a', { href: '/catalogue/favourites' }, t('catalogue.list.back'))));
    heading(root, ctx, list.name);
    const count = h('span', { class: 'fav-list__count' });
    root.appendChild(h('p', { class: 'fav-list__meta list-meta' }, count, h('span', {}, updatedText(list.updatedAt))));
    const status = statusRegion();
    const problem = alertRegion();
    const print = printButton();
    root.appendChild(h('div', { class: 'actions list-actions' }, print));
    root.appendChild(status);
    root.appendChild(problem);
    root.appendChild(sharePanel(list, ctx, status));

    const headingId = uid('services-heading');
    const items = h('ul', { class: 'result-list', 'aria-labelledby': headingId });
    const empty = h('p', { class: 'muted', hidden: true }, t('catalogue.list.empty'));
    const services = h('section', { class: 'section list-services', 'aria-labelledby': headingId },
      h('h2', { id: headingId, tabindex: '-1' }, t('catalogue.list.services')), items, empty);
    root.appendChild(services);

    function update() {
      const n = items.children.length;
      count.textContent = listServiceCount(n);
      empty.hidden = n > 0;
      items.hidden = n === 0;
      print.hidden = n === 0;
    }

    function removeService(li) {
      removeRow(li, { selector: '.result__name a', fallback: services.querySelector('h2') });
      update();
    }

    // A service taken off this list in the "Tallenna listalle" dialog leaves the page when the
    // dialog is closed (the focus then goes to the next service).
    const offList = new Map();
    on('favourites', (detail) => {
      const { listId: changedList, serviceId, on: onList } = detail || {};
      if (changedList !== list.id || !serviceId) return;
      offList.set(serviceId, onList === false);
      const dialog = document.querySelector('dialog[open]');
      const apply = () => {
        for (const [id, off] of offList) {
          const li = off && items.querySelector(`li[data-service-id="${CSS.escape(id)}"]`);
          if (li) removeService(li);
        }
        offList.clear();
      };
      if (!dialog) apply();
      else if (!dialog.dataset.watched) {
        dialog.dataset.watched = 'true';
        dialog.addEventListener('close', () => window.setTimeout(apply, 0));
      }
    }, { signal: ctx.signal });

    function row(service) {
      const li = resultItem(service, { status, headingLevel: 'h3' });
      const nameId = li.querySelector('.result__name').id;
      const remove = h('button', { type: 'button', class: 'btn btn--secondary btn--danger-outline', 'aria-describedby': nameId }, t('catalogue.list.remove'));
      remove.addEventListener('click', async () => {
        if (remove.getAttribute('aria-disabled') === 'true') return;
        remove.setAttribute('aria-disabled', 'true');
        const name = li.querySelector('.result__name').textContent;
        try {
          await setOnList(list.id, service.id, false); // its change event takes the row away
        } catch (error) {
          remove.removeAttribute('aria-disabled');
          showRequestError(problem, error);
          return;
        }
        if (!ctx.isCurrent()) return;
        if (li.isConnected) removeService(li);
        setLive(problem, '');
        setLive(status, t('catalogue.lists.removed', { name, list: list.name }));
      });
      let actions = li.querySelector('.result__actions');
      if (!actions) {
        actions = h('div', { class: 'result__actions' });
        li.appendChild(actions);
      }
      actions.appendChild(remove);
      return li;
    }

    items.replaceChildren(...(list.services || []).map(row));
    update();
    items.dataset.loaded = 'true'; // tests wait for it
  },
};
