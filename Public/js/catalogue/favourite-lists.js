// The pieces of staff favourite lists. "Tallenna listalle" opens a dialog with one checkbox per
// list (a change is saved at once and announced) and a field for a new list. The button is not
// a toggle: its label never changes; the lists that hold the service are named next to it.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText } from '../i18n.js';
import { formatDate } from '../format.js';
import { contentDialog } from '../dialog.js';
import { field, formError, showFieldErrors, showApiError, clearErrors, busy, value } from '../forms.js';
import { requestMessage } from '../ui/errors.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { loadLists, listsWith, ensureFirstList, createList, setOnList } from './favourites.js';

export function listHref(id) {
  return `/catalogue/favourites/${encodeURIComponent(id)}`;
}

export function sharedHref(token) {
  return `${window.location.origin}/catalogue/shared/${encodeURIComponent(token)}`;
}

/** "3 palvelua" / "1 palvelu" / "Ei palveluja". */
export function listServiceCount(count) {
  return plural('catalogue.lists.services', count);
}

/** "Päivitetty 24.11.2025", the date in a <time>. */
export function updatedText(iso) {
  return [t('catalogue.lists.updated'), ' ', h('time', { datetime: iso }, formatDate(iso))];
}

/** The button and, next to it, "Listoilla: Suosikit, Nuoret" when the service is on lists. */
export function listButton(service, { describedBy } = {}) {
  const noteId = uid('on-lists');
  const note = h('span', { class: 'favourite-control__note', id: noteId, hidden: true });
  const icon = h('span', { class: 'favourite-toggle__icon', 'aria-hidden': 'true' }, '☆');
  const button = h(
    'button',
    { type: 'button', class: 'btn btn--secondary favourite-lists-button', 'aria-describedby': [describedBy, noteId].filter(Boolean).join(' ') },
    icon,
    h('span', {}, t('catalogue.lists.save')),
  );
  const control = h('span', { class: 'favourite-control', dataset: { favouriteFor: service.id } }, button, note);
  const update = () => {
    const lists = listsWith(service.id);
    icon.textContent = lists.length ? '★' : '☆';
    note.textContent = lists.length ? t('catalogue.lists.onLists', { lists: lists.map((l) => l.name).join(', ') }) : '';
    note.hidden = lists.length === 0;
  };
  control.refresh = update;
  button.addEventListener('click', () => openListPicker(service));
  update();
  loadLists().then(update, () => {
    /* the lists are loaded again when the dialog opens */
  });
  return control;
}

/** The dialog of one service's lists; resolves when it is closed. */
function openListPicker(service) {
  const name = localText(service.name);
  return new Promise((resolve) => {
    // a new page (a link, Back, the session ending) closes the dialog (dialog.js)
    const dialog = contentDialog({
      title: t('catalogue.lists.save'),
      text: t('catalogue.lists.dialog.text', { name }),
      onClose: resolve,
    });
    dialog.classList.add('list-picker');
    const status = statusRegion();
    status.classList.add('list-picker__status');
    const problem = alertRegion();
    const loading = h('p', { class: 'muted' }, t('catalogue.lists.loading'));
    const choices = h('ul', { class: 'choices' });
    const legendId = uid('lists-legend');
    const fieldset = h('fieldset', { class: 'field list-picker__lists', hidden: true },
      h('legend', { id: legendId }, t('catalogue.lists.yourLists')), choices);

    const nameField = field({
      name: 'listName',
      label: t('catalogue.lists.new.label'),
      hint: t('catalogue.lists.new.hint'),
      attrs: { maxlength: '100', autocomplete: 'off' },
    });
    const form = h('form', { class: 'list-picker__new', novalidate: true },
      formError(),
      nameField,
      h('button', { type: 'submit', class: 'btn btn--secondary' }, t('catalogue.lists.new.submit')));
    const done = h('button', { type: 'button', class: 'btn btn--primary' }, t('catalogue.lists.done'));
    done.addEventListener('click', () => dialog.close());

    dialog.append(status, problem, loading, fieldset, form, h('div', { class: 'actions' }, done));
    dialog.showModal();
    done.focus();

    function choice(list, checked) {
      const id = uid('list');
      const box = h('input', { type: 'checkbox', id, name: 'list', value: list.id, checked });
      let saved = checked;
      let running = false;
      // Saves until the server has what the box shows (quick clicks are sent one after another).
      async function sync() {
        if (running) return;
        running = true;
        while (box.checked !== saved) {
          const on = box.checked;
          try {
            await setOnList(list.id, service.id, on);
            saved = on;
            setLive(problem, '');
            setLive(status, t(on ? 'catalogue.lists.added' : 'catalogue.lists.removed', { name, list: list.name }));
          } catch (error) {
            box.checked = saved;
            setLive(problem, requestMessage(error));
            break;
          }
        }
        running = false;
      }
      box.addEventListener('change', sync);
      return h('li', { class: 'choice', dataset: { listId: list.id } }, box, h('label', { for: id }, list.name));
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const listName = value(form, 'listName').trim();
      if (showFieldErrors(form, listName ? [] : [{ field: 'listName', code: 'field.required' }])) return;
      const finish = busy(form);
      if (!finish) return;
      let list = null;
      try {
        list = await createList(listName);
        clearErrors(form);
        nameField.control.value = '';
        await setOnList(list.id, service.id, true);
        choices.prepend(choice(list, true));
        setLive(status, t('catalogue.lists.createdAndAdded', { name, list: list.name }));
      } catch (error) {
        if (list) {
          // the list was made, the service could not be put on it
          choices.prepend(choice(list, false));
          setLive(problem, requestMessage(error));
        } else {
          showApiError(form, error, { aliases: { name: 'listName' } });
        }
      } finally {
        fieldset.hidden = choices.children.length === 0;
        finish();
      }
    });

    ensureFirstList(t('catalogue.lists.defaultName')).then(
      (lists) => {
        if (!dialog.open) return;
        const on = new Set(listsWith(service.id).map((l) => l.id));
        // a list made in this dialog meanwhile is already there
        const shown = new Set([...choices.children].map((li) => li.dataset.listId));
        choices.append(...lists.filter((l) => !shown.has(l.id)).map((l) => choice(l, on.has(l.id))));
        loading.remove();
        fieldset.hidden = choices.children.length === 0;
        const first = choices.querySelector('input');
        if (first && document.activeElement === done) first.focus();
      },
      (error) => {
        loading.remove();
        setLive(problem, requestMessage(error));
      },
    );
  });
}
