// The catalogue search box: an ARIA 1.2 combobox with a listbox of suggestions
// (/api/v1/catalogue/suggest). Arrow keys move in the list, Enter picks, Escape closes.
import { h, uid, setLive } from '../dom.js';
import { t, plural, getLanguage } from '../i18n.js';
import { get, enc } from '../api.js';

/**
 * searchBox({value, onPick}) → {node, input}. onPick(item) is called for a chosen suggestion
 * ({text, kind, serviceId}); a typed text is submitted by the surrounding form.
 */
export function searchBox({ name = 'q', label, hint, value = '', onPick }) {
  const id = uid('catalogue-q');
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const input = h('input', {
    id,
    name,
    type: 'text', // not "search": axe 3 rejects autocomplete="off" on a search input
    value,
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    enterkeyhint: 'search',
    maxlength: '200',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-describedby': hintId,
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'suggestions', 'aria-label': t('catalogue.suggestions'), hidden: true });
  const status = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let lastQuery = '';

  function close() {
    window.clearTimeout(timer);
    if (controller) controller.abort();
    controller = null;
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(index) {
    const options = [...list.children];
    options.forEach((o, i) => o.setAttribute('aria-selected', String(i === index)));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute('aria-activedescendant', options[index].id);
      options[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function pick(index) {
    const item = items[index];
    if (!item) return;
    input.value = item.text;
    close();
    if (onPick) onPick(item);
  }

  function show(found) {
    items = found;
    list.replaceChildren(
      ...found.map((item, i) =>
        h(
          'li',
          {
            id: `${listId}-${i}`,
            role: 'option',
            class: 'suggestions__option',
            'aria-selected': 'false',
            dataset: { kind: item.kind },
            onMousedown: (event) => event.preventDefault(), // keep the focus in the input
            onClick: () => pick(i),
          },
          h('span', {}, item.text),
          h('span', { class: 'suggestions__kind' }, t(item.kind === 'service' ? 'catalogue.suggestion.service' : 'catalogue.suggestion.keyword')),
        ),
      ),
    );
    active = -1;
    const open = found.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    input.removeAttribute('aria-activedescendant');
    setLive(status, open ? plural('catalogue.suggestions', found.length) : '');
  }

  async function fetchSuggestions(query) {
    if (controller) controller.abort();
    const mine = new AbortController();
    controller = mine;
    try {
      const answer = await get(`/api/v1/catalogue/suggest?q=${enc(query)}&lang=${getLanguage()}`, { signal: mine.signal });
      if (mine !== controller) return;
      if (input.value.trim() !== query || document.activeElement !== input) return;
      show((answer && answer.items) || []);
    } catch {
      /* no suggestions (offline or aborted): the search still works */
    }
  }

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) {
      lastQuery = query;
      close();
      return;
    }
    if (query === lastQuery && !list.hidden) return;
    lastQuery = query;
    timer = window.setTimeout(() => fetchSuggestions(query), 200);
  });

  input.addEventListener('keydown', (event) => {
    const open = !list.hidden && items.length > 0;
    if (event.key === 'ArrowDown') {
      if (!open) {
        if (input.value.trim().length >= 2) fetchSuggestions(input.value.trim());
        return;
      }
      event.preventDefault();
      setActive(active + 1 >= items.length ? 0 : active + 1);
    } else if (event.key === 'ArrowUp') {
      if (!open) return;
      event.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === 'Enter') {
      if (open && active >= 0) {
        event.preventDefault();
        pick(active);
      } else {
        close();
      }
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        close();
      }
    } else if (event.key === 'Tab') {
      close();
    }
  });
  input.addEventListener('blur', () => window.setTimeout(close, 150));

  const node = h(
    'div',
    { class: 'field catalogue-searchbox', dataset: { field: name } },
    h('label', { for: id }, label),
    h('span', { class: 'hint', id: hintId }, hint),
    h('div', { class: 'combobox' }, input, list),
    status,
  );
  return { node, input, close };
}
