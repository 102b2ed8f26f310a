// The region's classifications (/admin/taxonomy), for platform admins: the municipalities, the
// topics (the category tree), the life situations and the employment statuses that the catalogue's
// search filters and the service forms offer.
// One tab per list (the ARIA tab pattern; ?list= keeps the tab in the address). Each item shows its
// names in fi/sv/en (a missing one said in words) and its code or identifier, with Edit (a dialog:
// the names, a topic's parent topic) and Remove (confirmed in a dialog; while the item is in use the
// server refuses, and the row says where it is used). Under each list a form adds an item; a
// topic's subtopics are nested under it. The names are GET /api/v1/catalogue/taxonomy; a change
// is PUT / DELETE /api/v1/admin/taxonomy/{kind}/{id}, after which the catalogue's own copy of the
// lists (catalogue/taxonomy.js) is loaded again by the next page that needs it.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localTextIn, locale, LANGUAGES } from '../i18n.js';
import { get, put, del, enc, ApiError } from '../api.js';
import { confirmDialog, formDialog } from '../dialog.js';
import { field, formError, setFieldError, clearErrors, fieldMessage, value, busy } from '../forms.js';
import { notice } from './common.js';
import { adminPage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, showRequestError, isAbort } from '../ui/errors.js';
import { focusElement } from '../ui/rows.js';
import { invalidateTaxonomy } from '../catalogue/taxonomy.js';

const KINDS = ['municipalities', 'categories', 'lifeSituations', 'employmentStatuses'];
const MAX_NAME = 200;
const MAX_ID = 100;
const INDENT = '\u00a0\u00a0\u00a0';

/** The list of a kind from the taxonomy's answer, as [{id, name, parent}] in the list's order. */
function itemsOf(answer, kind) {
  const list = (answer && Array.isArray(answer[kind]) && answer[kind]) || [];
  return list.map((x) => ({
    id: kind === 'municipalities' ? x.code : x.id,
    name: x.name || { fi: '' },
    parent: kind === 'categories' ? x.parent || null : null,
  }));
}

/** The name in the UI language (else Finnish) and the language it is in. */
function nameOf(item) {
  return localTextIn(item.name);
}

/** "koodi 091" / "tunnus nuori-tyonhakija". */
function idText(kind, id) {
  return t(kind === 'municipalities' ? 'taxonomy.code' : 'taxonomy.id', { id });
}

/** An identifier made of a Finnish name: "Ikääntynyt työnhakija" → "ikaantynyt-tyonhakija". */
function slug(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_ID)
    .replace(/-+$/, '');
}

/** The topics as a tree: roots (main topics, and any whose parent is unknown) and children by id. */
function topicTree(items) {
  const ids = new Set(items.map((c) => c.id));
  const children = new Map();
  const roots = [];
  for (const c of items) {
    if (c.parent && c.parent !== c.id && ids.has(c.parent)) children.set(c.parent, [...(children.get(c.parent) || []), c]);
    else roots.push(c);
  }
  // a loop of parents (the server does not allow one) would hide its topics: show them as roots
  const seen = new Set();
  const walk = (list) => {
    for (const c of list) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      walk(children.get(c.id) || []);
    }
  };
  walk(roots);
  for (const c of items) {
    if (!seen.has(c.id)) {
      roots.push(c);
      walk([c]);
    }
  }
  return { roots, children };
}

/** The topics in tree order with their depth: [{item, depth}]. */
function topicsInOrder(items) {
  const { roots, children } = topicTree(items);
  const out = [];
  const seen = new Set();
  const walk = (list, depth) => {
    for (const c of list) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push({ item: c, depth });
      walk(children.get(c.id) || [], depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

/** The options of a parent select: "no parent" and every topic but `exclude`, indented by depth. */
function parentOptions(items, exclude) {
  return [
    h('option', { value: '' }, t('taxonomy.field.noParent')),
    ...topicsInOrder(items)
      .filter(({ item }) => item.id !== exclude)
      .map(({ item, depth }) => h('option', { value: item.id }, `${INDENT.repeat(depth)}${nameOf(item).text}`)),
  ];
}

/** The message of a field error of this page (a text of its own where the general one is vague). */
function problemText(kind, name, code) {
  if (name === 'itemId' && code === 'taxonomy.invalidId') return t(kind === 'municipalities' ? 'taxonomy.error.invalidCode' : 'taxonomy.error.invalidId');
  if (name === 'itemId' && code === 'field.required') return t('taxonomy.error.requiredCode');
  if (name === 'name.fi' && code === 'field.required') return t('taxonomy.error.nameRequired');
  if (name.startsWith('name.') && code === 'field.tooLong') return t('taxonomy.error.nameTooLong');
  if (name === 'parent' && code === 'taxonomy.cycle') return t('taxonomy.error.cycle');
  if (name === 'parent' && code === 'field.unknownCode') return t('taxonomy.error.unknownParent');
  return fieldMessage(name, code);
}

/** Problems [{field, code, text?}] next to their fields (the server's `id` is the form's itemId);
 *  the rest in the form's error box. */
function showProblems(form, kind, problems) {
  clearErrors(form);
  const leftovers = [];
  for (const p of problems) {
    const name = p.field === 'id' ? 'itemId' : p.field;
    const text = p.text || problemText(kind, name, p.code);
    if (!setFieldError(form, name, text)) leftovers.push(text);
  }
  const box = form.querySelector('.form-error');
  if (box) setLive(box, [t('error.request.validation'), ...leftovers].join(' '));
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

/** A refused save: field errors next to their fields, anything else in the form's error box. */
function showSaveError(form, kind, error) {
  if (isAbort(error)) return;
  if (error instanceof ApiError && error.status === 422 && error.errors.length) {
    showProblems(form, kind, error.errors);
    return;
  }
  clearErrors(form);
  const box = form.querySelector('.form-error');
  if (box) setLive(box, requestMessage(error));
}

/** The names' fields (fi required, sv and en optional) in a fieldset with one hint. */
function nameFields(name = { fi: '' }) {
  const hintId = uid('taxonomy-names-hint');
  return h(
    'fieldset',
    { class: 'taxonomy-names-fields', 'aria-describedby': hintId },
    h('legend', {}, t('taxonomy.field.names')),
    h('span', { class: 'hint', id: hintId }, t('taxonomy.field.namesHint')),
    LANGUAGES.map((lang) => {
      const f = field({
        name: `name.${lang}`,
        label: t(`taxonomy.field.name.${lang}`),
        value: name[lang] || '',
        attrs: { maxlength: String(MAX_NAME), lang, autocomplete: 'off' },
      });
      return f;
    }),
  );
}

/** The names typed in a form: {fi, sv, en} trimmed (empty sv/en left for the server to drop). */
function typedNames(form) {
  const name = {};
  for (const lang of LANGUAGES) name[lang] = value(form, `name.${lang}`).trim();
  return name;
}

/** The checks made before asking the server: the Finnish name, the lengths. */
function nameProblems(name) {
  const problems = [];
  if (!name.fi) problems.push({ field: 'name.fi', code: 'field.required' });
  for (const lang of LANGUAGES) if (name[lang].length > MAX_NAME) problems.push({ field: `name.${lang}`, code: 'field.tooLong' });
  return problems;
}

/** "12 palvelussa, 3 artikkelissa ja 2 organisaatiossa" — the uses of an item, in the UI language. */
function joinList(parts) {
  try {
    return new Intl.ListFormat(locale(), { style: 'long', type: 'conjunction' }).format(parts);
  } catch {
    return parts.join(', ');
  }
}

/** Why an item in use cannot be removed, and what to do: the 409 answer's counts in words. */
function inUseText(kind, name, details) {
  const d = details || {};
  const uses = ['services', 'articles', 'organizations']
    .filter((k) => Number(d[k]) > 0)
    .map((k) => plural(`taxonomy.inUse.${k}`, Number(d[k])));
  const subs = Number(d.subcategories) || 0;
  const params = { name, list: joinList(uses), subcategories: plural('taxonomy.inUse.subcategoryCount', subs) };
  let text;
  if (uses.length && subs) text = t('taxonomy.inUse.both', params);
  else if (subs) text = t('taxonomy.inUse.subcategories', params);
  else if (uses.length) text = t(`taxonomy.inUse.${kind}`, params);
  else text = t('taxonomy.inUse.unknown', params);
  const help = [];
  if (uses.length) help.push(t('taxonomy.inUse.fixUse'));
  if (subs) help.push(t('taxonomy.inUse.fixSub'));
  return [text, ...help].join(' ');
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('admin-taxonomy');
    const refuse = adminPage(root, ctx, t('taxonomy.title'));
    if (!refuse) return;
    root.appendChild(h('p', { class: 'lead' }, t('taxonomy.intro')));
    const pageProblem = alertRegion();
    root.appendChild(pageProblem);

    /** The lists as the server has them: {kind: [{id, name, parent}]}. */
    const lists = Object.fromEntries(KINDS.map((k) => [k, []]));
    /** The item changed last ({kind, id, how: 'added'|'saved'}), marked in its list. */
    let marked = null;

    // ---------------------------------------------------------------------------------------
    // The tabs: one per list
    const tabsId = uid('taxonomy-tabs');
    const tabList = h('div', { class: 'tabs__list taxonomy-tabs', role: 'tablist', 'aria-label': t('taxonomy.tabs') });
    const tabs = {};
    const panels = {};
    const first = ctx.query.get('list');
    let current = KINDS.includes(first) ? first : KINDS[0];

    for (const kind of KINDS) {
      const tab = h('button', {
        type: 'button', role: 'tab', id: `${tabsId}-${kind}-tab`, class: 'tabs__tab', 'aria-controls': `${tabsId}-${kind}`,
        'aria-selected': 'false', tabindex: '-1', dataset: { kind },
      }, t(`taxonomy.${kind}.title`));
      tab.addEventListener('click', () => select(kind));
      tabs[kind] = tab;
      tabList.appendChild(tab);
    }
    tabList.addEventListener('keydown', (event) => {
      const i = KINDS.indexOf(current);
      let next = null;
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = KINDS[(i + 1) % KINDS.length];
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = KINDS[(i - 1 + KINDS.length) % KINDS.length];
      else if (event.key === 'Home') next = KINDS[0];
      else if (event.key === 'End') next = KINDS[KINDS.length - 1];
      if (!next) return;
      event.preventDefault();
      select(next, { focus: true });
    }, { signal: ctx.signal });

    function select(kind, { focus = false, address = true } = {}) {
      if (!tabs[kind]) return;
      current = kind;
      for (const k of KINDS) {
        const on = k === kind;
        tabs[k].setAttribute('aria-selected', String(on));
        tabs[k].tabIndex = on ? 0 : -1;
        panels[k].node.hidden = !on;
      }
      if (focus) tabs[kind].focus();
      if (address) {
        const params = new URLSearchParams();
        if (kind !== KINDS[0]) params.set('list', kind);
        ctx.setQuery(params, { replace: true });
      }
    }

    // ---------------------------------------------------------------------------------------
    // One list's panel: its heading, the items, the form that adds one
    function makePanel(kind) {
      const titleId = uid(`taxonomy-${kind}-title`);
      const title = h('h2', { id: titleId, tabindex: '-1' }, t(`taxonomy.${kind}.title`));
      const status = statusRegion();
      const problem = alertRegion();
      const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
      const list = h('ul', { class: 'item-list taxonomy-list', 'aria-labelledby': titleId });
      const empty = h('p', { class: 'muted', hidden: true }, t('taxonomy.empty'));

      // the form that adds an item
      const addTitleId = uid(`taxonomy-${kind}-add`);
      const addStatus = statusRegion();
      const isMunicipality = kind === 'municipalities';
      const idField = field({
        name: 'itemId',
        label: t(isMunicipality ? 'taxonomy.field.code' : 'taxonomy.field.id'),
        hint: t(isMunicipality ? 'taxonomy.field.codeHint' : 'taxonomy.field.idHint'),
        attrs: isMunicipality
          ? { maxlength: '3', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', class: 'taxonomy-code-input' }
          : { maxlength: String(MAX_ID), autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' },
      });
      const parentField = kind === 'categories'
        ? field({ name: 'parent', type: 'select', label: t('taxonomy.field.parent'), hint: t('taxonomy.field.parentHint'), options: [] })
        : null;
      const form = h(
        'form',
        { class: 'taxonomy-add-form', novalidate: true, 'aria-labelledby': addTitleId, dataset: { kind } },
        formError(),
        idField,
        nameFields(),
        parentField,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary' }, t(`taxonomy.${kind}.add`))),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        add(kind);
      }, { signal: ctx.signal });

      const node = h(
        'div',
        {
          role: 'tabpanel', id: `${tabsId}-${kind}`, class: 'tabs__panel taxonomy-panel', 'aria-labelledby': `${tabsId}-${kind}-tab`,
          hidden: true, dataset: { kind },
        },
        title,
        h('p', {}, t(`taxonomy.${kind}.intro`)),
        status,
        problem,
        count,
        list,
        empty,
        h('section', { class: 'card taxonomy-add', 'aria-labelledby': addTitleId },
          h('h3', { id: addTitleId }, t(`taxonomy.${kind}.add`)),
          addStatus,
          form),
      );
      return { kind, node, title, status, problem, count, list, empty, form, addStatus, parentField };
    }

    for (const kind of KINDS) panels[kind] = makePanel(kind);
    root.appendChild(h('div', { class: 'tabs taxonomy-tabs-wrap' }, tabList, ...KINDS.map((k) => panels[k].node)));
    select(current, { address: false });
    ctx.onQueryChange((params) => {
      const kind = params.get('list');
      select(KINDS.includes(kind) ? kind : KINDS[0], { address: false });
    });

    // ---------------------------------------------------------------------------------------
    // The rows
    function namesList(item) {
      return h(
        'dl',
        { class: 'taxonomy-names' },
        LANGUAGES.map((lang) => {
          const text = (item.name[lang] || '').trim();
          return [
            h('dt', {}, t(`taxonomy.names.${lang}`)),
            text
              ? h('dd', { lang }, text)
              : h('dd', { class: 'taxonomy-names__missing' }, t('taxonomy.missing')),
          ];
        }),
      );
    }

    function itemRow(kind, item, children) {
      const titleId = uid('taxonomy-item');
      const shown = nameOf(item);
      const mark = marked && marked.kind === kind && marked.id === item.id ? marked.how : null;
      const problem = alertRegion();
      const edit = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'edit' }, 'aria-describedby': titleId }, t('taxonomy.edit'));
      const remove = h('button', { type: 'button', class: 'btn btn--danger', dataset: { action: 'remove' }, 'aria-describedby': titleId }, t('taxonomy.remove'));
      const li = h(
        'li',
        { class: ['taxonomy-item', mark && 'taxonomy-item--marked'], dataset: { id: item.id, parent: item.parent || '' } },
        h('p', { class: 'taxonomy-item__title', id: titleId },
          h('strong', { lang: shown.lang }, shown.text),
          ' ',
          h('span', { class: 'taxonomy-item__id' }, `(${idText(kind, item.id)})`),
          mark ? [' ', h('span', { class: 'badge badge--success' }, t(mark === 'added' ? 'taxonomy.addedMark' : 'taxonomy.savedMark'))] : null),
        namesList(item),
        h('div', { class: 'actions' }, edit, remove),
        problem,
      );
      edit.addEventListener('click', () => editItem(kind, item));
      remove.addEventListener('click', () => removeItem(kind, item, problem));
      if (children && children.length) {
        li.appendChild(h('ul', { class: 'taxonomy-sublist', 'aria-label': t('taxonomy.subcategoriesOf', { name: shown.text }) }, children));
      }
      return li;
    }

    function showList(kind) {
      const panel = panels[kind];
      const items = lists[kind];
      let rows;
      if (kind === 'categories') {
        const { roots, children } = topicTree(items);
        const seen = new Set();
        const rowOf = (item) => {
          seen.add(item.id);
          const kids = (children.get(item.id) || []).filter((c) => !seen.has(c.id));
          return itemRow(kind, item, kids.map(rowOf));
        };
        rows = roots.filter((r) => !seen.has(r.id)).map(rowOf);
        const parentSelect = panel.parentField.control;
        const chosen = parentSelect.value;
        parentSelect.replaceChildren(...parentOptions(items, null));
        parentSelect.value = items.some((c) => c.id === chosen) ? chosen : '';
      } else {
        rows = items.map((item) => itemRow(kind, item));
      }
      panel.list.replaceChildren(...rows);
      panel.list.hidden = items.length === 0;
      panel.empty.hidden = items.length > 0;
      setLive(panel.count, items.length ? plural(`taxonomy.${kind}.count`, items.length) : '');
    }

    function rowButton(kind, id, action) {
      const li = panels[kind].list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
      return li ? li.querySelector(`:scope > .actions [data-action="${action}"]`) : null;
    }

    // ---------------------------------------------------------------------------------------
    // Loading
    let loads = 0;
    async function load() {
      delete root.dataset.loaded;
      let answer;
      try {
        answer = await get('/api/v1/catalogue/taxonomy', { signal: ctx.signal });
      } catch (error) {
        if (isAbort(error) || !ctx.isCurrent()) return false;
        if (!refuse(error)) showRequestError(pageProblem, error);
        return false;
      }
      if (!ctx.isCurrent()) return false;
      setLive(pageProblem, '');
      for (const kind of KINDS) {
        lists[kind] = itemsOf(answer, kind);
        showList(kind);
      }
      loads += 1;
      root.dataset.loaded = String(loads);
      return true;
    }

    /** After a change: the catalogue's pages load the lists again; this page shows them as they are now. */
    async function changed() {
      invalidateTaxonomy();
      return load();
    }

    // ---------------------------------------------------------------------------------------
    // Adding
    async function add(kind) {
      const panel = panels[kind];
      const { form } = panel;
      const name = typedNames(form);
      const typedId = value(form, 'itemId').trim();
      const id = typedId || (kind === 'municipalities' ? '' : slug(name.fi));
      const problems = [];
      if (!typedId && kind === 'municipalities') problems.push({ field: 'itemId', code: 'field.required' });
      problems.push(...nameProblems(name));
      const existing = id ? lists[kind].find((x) => x.id === id) : null;
      if (existing) {
        const key = kind === 'municipalities' ? 'taxonomy.exists.municipalities' : 'taxonomy.exists.item';
        problems.unshift({ field: 'itemId', text: t(key, { id, name: nameOf(existing).text }) });
      }
      if (!problems.length && !id) problems.push({ field: 'itemId', code: 'taxonomy.invalidId' }); // a name of no letters a–z
      if (problems.length) {
        setLive(panel.addStatus, '');
        showProblems(form, kind, problems);
        return;
      }
      const body = { name };
      if (kind === 'categories') body.parent = value(form, 'parent') || null;
      const done = busy(form);
      if (!done) return;
      setLive(panel.addStatus, '');
      let saved;
      try {
        saved = await put(`/api/v1/admin/taxonomy/${enc(kind)}/${enc(id)}`, body, { signal: ctx.signal });
      } catch (error) {
        done();
        if (isAbort(error) || refuse(error)) return;
        showSaveError(form, kind, error);
        return;
      }
      done();
      clearErrors(form);
      form.reset();
      marked = { kind, id: saved.id, how: 'added' };
      await changed();
      if (!ctx.isCurrent() || refuse.denied) return;
      const shown = nameOf({ name: saved.name });
      setLive(panel.addStatus, notice('success', t('taxonomy.added', { name: shown.text, id: idText(kind, saved.id) })));
      form.elements.namedItem('itemId').focus();
    }

    // ---------------------------------------------------------------------------------------
    // Editing (a dialog)
    async function editItem(kind, item) {
      const panel = panels[kind];
      const shown = nameOf(item);
      let parentField = null;
      if (kind === 'categories') {
        parentField = field({ name: 'parent', type: 'select', label: t('taxonomy.field.parent'), hint: t('taxonomy.field.parentHint'), options: [] });
        parentField.control.replaceChildren(...parentOptions(lists.categories, item.id));
        parentField.control.value = item.parent || '';
      }
      setLive(panel.status, '');
      const saved = await formDialog({
        parent: root,
        title: t('taxonomy.editTitle', { name: shown.text }),
        text: t(kind === 'municipalities' ? 'taxonomy.editText.code' : 'taxonomy.editText.id', { id: item.id }),
        fields: [nameFields(item.name), parentField].filter(Boolean),
        submitLabel: t('taxonomy.saveChanges'),
        signal: ctx.signal,
        validate: (form) => {
          const problems = nameProblems(typedNames(form));
          if (problems.length) showProblems(form, kind, problems);
          return problems.length > 0;
        },
        onSubmit: (form) => {
          const body = { name: typedNames(form) };
          if (kind === 'categories') body.parent = value(form, 'parent') || null;
          return put(`/api/v1/admin/taxonomy/${enc(kind)}/${enc(item.id)}`, body, { signal: ctx.signal });
        },
        onError: (form, error) => {
          if (refuse(error)) return;
          showSaveError(form, kind, error);
        },
      });
      if (!saved || !ctx.isCurrent() || refuse.denied) return;
      marked = { kind, id: saved.id, how: 'saved' };
      await changed();
      if (!ctx.isCurrent() || refuse.denied) return;
      setLive(panel.status, notice('success', t('taxonomy.saved', { name: nameOf({ name: saved.name }).text })));
      focusElement(rowButton(kind, saved.id, 'edit') || panel.title);
    }

    // ---------------------------------------------------------------------------------------
    // Removing (confirmed; refused while in use)
    async function removeItem(kind, item, problem) {
      const panel = panels[kind];
      const name = nameOf(item).text;
      setLive(problem, '');
      const ok = await confirmDialog({
        parent: root,
        title: t(`taxonomy.${kind}.removeTitle`),
        text: t('taxonomy.removeText', { name }),
        confirmLabel: t(`taxonomy.${kind}.removeConfirm`),
        danger: true,
        signal: ctx.signal,
      });
      if (!ok || !ctx.isCurrent()) return;
      // where the focus goes afterwards: the next item's (else the previous one's) Edit button
      const li = panel.list.querySelector(`li[data-id="${CSS.escape(item.id)}"]`);
      const neighbour = li && (li.nextElementSibling || li.previousElementSibling);
      const parentLi = li && li.parentElement && li.parentElement.closest('li[data-id]');
      const nextId = (neighbour && neighbour.dataset.id) || (parentLi && parentLi.dataset.id) || null;
      try {
        await del(`/api/v1/admin/taxonomy/${enc(kind)}/${enc(item.id)}`, { signal: ctx.signal });
      } catch (error) {
        if (isAbort(error) || refuse(error)) return;
        if (error instanceof ApiError && error.code === 'taxonomy.inUse') {
          setLive(problem, notice('error', inUseText(kind, name, error.details)));
          return;
        }
        if (!(error instanceof ApiError && error.status === 404)) {
          setLive(problem, notice('error', requestMessage(error)));
          return;
        }
        // removed already (by another admin): the list shows it gone all the same
      }
      if (marked && marked.kind === kind && marked.id === item.id) marked = null;
      setLive(panel.status, '');
      await changed();
      if (!ctx.isCurrent() || refuse.denied) return;
      setLive(panel.status, notice('success', t('taxonomy.removed', { name })));
      focusElement((nextId && rowButton(kind, nextId, 'edit')) || panel.title);
    }

    await load();
  },
};
