// The region's search words (/admin/search-words), for platform admins and content producers:
// 1. the searches that found nothing (or only 1–3 services), anonymous and only when searched at
//    least three times; the choices (?results=few&days=90) are kept in the address;
// 2. the synonyms (two-way groups and one-way expansions), filtered by language (?language=fi)
//    and by a word; platform admins add, change and remove them (a search that found nothing
//    fills the form with one click);
// 3. the change log, newest first.
// Content producers see the lists without the buttons that change anything.
import { h, uid, setLive } from '../dom.js';
import { t, plural, has, getLanguage, LANGUAGES } from '../i18n.js';
import { get, post, put, del, enc, ApiError } from '../api.js';
import { isContentProducer } from '../session.js';
import { formatDate, formatDateTime } from '../format.js';
import { confirmDialog } from '../dialog.js';
import {
  field, radioGroup, radioValue, formError, showFieldErrors, showApiError, setFieldError, clearErrors, value, busy,
} from '../forms.js';
import { notice } from './common.js';
import { textareaField } from '../spaces/common.js';
import { adminPage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, showRequestError, isAbort } from '../ui/errors.js';
import { pagedList } from '../ui/paged-list.js';
import { removeRow, focusElement } from '../ui/rows.js';

const RESULTS = ['zero', 'few'];
const DAYS = ['30', '90'];
const KINDS = ['group', 'expansion'];
const MAX_WORDS = 12;
const CHANGES_PAGE = 20;
const LIST_PAGE = 25;

/** The choices of an address: unknown values are left out (the defaults are not written). */
function readChoices(params) {
  const results = params.get('results') || '';
  const days = params.get('days') || '';
  const language = params.get('language') || '';
  return {
    results: RESULTS.includes(results) ? results : 'zero',
    days: DAYS.includes(days) ? days : '30',
    language: LANGUAGES.includes(language) ? language : '',
  };
}

function choiceParams(choices) {
  const params = new URLSearchParams();
  if (choices.results !== 'zero') params.set('results', choices.results);
  if (choices.days !== '30') params.set('days', choices.days);
  if (choices.language) params.set('language', choices.language);
  return params;
}

function languageName(language) {
  return has(`searchWords.language.${language}`) ? t(`searchWords.language.${language}`) : language;
}

/** "kämppä → asunto, vuokra-asunto" / "työtön ↔ työttömyys ↔ työnhakija"; a screen reader hears
 *  "kämppä, löytää myös: asunto, vuokra-asunto" and "työtön, työttömyys, työnhakija". */
function entryText(entry) {
  const sep = (arrow, spoken) => [h('span', { 'aria-hidden': 'true' }, ` ${arrow} `), h('span', { class: 'visually-hidden' }, spoken)];
  if (entry.kind === 'expansion') {
    return [entry.source, sep('→', `, ${t('searchWords.alsoFinds')}: `), entry.words.join(', ')];
  }
  return entry.words.flatMap((word, i) => (i === 0 ? [word] : [...sep('↔', ', '), word]));
}

/** The same as plain text (titles of dialogs, status messages). */
function entryPlain(entry) {
  return entry.kind === 'expansion' ? `${entry.source} → ${entry.words.join(', ')}` : entry.words.join(' ↔ ');
}

/** The words of the words field: one per line or separated by commas. */
function parseWords(text) {
  return text.split(/[\n,;]+/).map((w) => w.trim().replace(/\s+/g, ' ')).filter(Boolean);
}

function td(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

/** Run a request, cancelling the one still running (and everything when the page changes). */
function latest(pageSignal) {
  let controller = null;
  pageSignal.addEventListener('abort', () => controller && controller.abort(), { once: true });
  return () => {
    if (controller) controller.abort();
    controller = new AbortController();
    if (pageSignal.aborted) controller.abort();
    return controller.signal;
  };
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('search-words');
    const isAdmin = Boolean(ctx.user.isPlatformAdmin);
    const refuse = adminPage(root, ctx, t('searchWords.title'), { allowed: isAdmin || isContentProducer(ctx.user) });
    if (!refuse) return;
    root.appendChild(h('p', { class: 'lead' }, t(isAdmin ? 'searchWords.intro.admin' : 'searchWords.intro.producer')));

    let choices = readChoices(ctx.query);
    ctx.setQuery(choiceParams(choices), { replace: true });

    // ---------------------------------------------------------------------------------------
    // 1. Searches that found nothing / few
    const missTitleId = uid('misses-title');
    const missTitle = h('h2', { id: missTitleId });
    const missFilter = h(
      'form',
      { class: 'event-filter search-words-filter', novalidate: true, 'aria-label': t('searchWords.misses.choices') },
      h(
        'div',
        { class: 'event-filter__fields' },
        radioGroup({
          name: 'results',
          legend: t('searchWords.misses.show'),
          value: choices.results,
          options: [
            { value: 'zero', label: t('searchWords.misses.found.none') },
            { value: 'few', label: t('searchWords.misses.found.few') },
          ],
        }),
        radioGroup({
          name: 'days',
          legend: t('searchWords.misses.period'),
          value: choices.days,
          options: DAYS.map((d) => ({ value: d, label: t('searchWords.misses.lastDays', { days: d }) })),
        }),
      ),
    );
    missFilter.addEventListener('submit', (event) => event.preventDefault());
    const privacy = h('p', { class: 'muted' });
    const missCount = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const missProblem = alertRegion();
    const missColumns = [
      t('searchWords.misses.column.query'), t('searchWords.misses.column.language'), t('searchWords.misses.column.times'),
      t('searchWords.misses.column.results'), t('searchWords.misses.column.lastDay'),
    ];
    if (isAdmin) missColumns.push(t('searchWords.misses.column.actions'));
    const missBody = h('tbody');
    const missTable = h(
      'table',
      { class: 'table table--cards miss-table', hidden: true },
      h('caption', { class: 'visually-hidden' }, missTitle.textContent),
      h('thead', {}, h('tr', {}, missColumns.map((c) => h('th', { scope: 'col' }, c)))),
      missBody,
    );
    const missSection = h(
      'section',
      { class: 'section search-misses', 'aria-labelledby': missTitleId },
      missTitle,
      h('p', {}, t('searchWords.misses.scope')),
      missFilter,
      privacy,
      missCount,
      missProblem,
      h('div', { class: 'table-wrap' }, missTable),
    );
    root.appendChild(missSection);

    function showMissTitle() {
      missTitle.textContent = t(choices.results === 'few' ? 'searchWords.misses.titleFew' : 'searchWords.misses.titleZero');
      missTable.querySelector('caption').textContent = missTitle.textContent;
    }
    showMissTitle();

    /** The expansion of a search's words, when one exists already. */
    function expansionOf(miss) {
      return entries.find((e) => e.kind === 'expansion' && e.language === miss.language && e.source === miss.query) || null;
    }

    function missRow(miss) {
      const queryId = uid('miss');
      const handled = expansionOf(miss);
      const tr = h(
        'tr',
        { dataset: { query: miss.query, language: miss.language, handled: String(Boolean(handled)) } },
        h('th', { scope: 'row', id: queryId, class: 'miss-query' },
          h('span', { lang: miss.language }, miss.query),
          handled ? [' ', h('span', { class: 'badge badge--success' }, t('searchWords.misses.hasSynonym'))] : null),
        td(missColumns[1], languageName(miss.language)),
        td(missColumns[2], plural('searchWords.misses.times', miss.occurrences)),
        td(missColumns[3], String(miss.results)),
        td(missColumns[4], h('time', { datetime: miss.lastDay }, formatDate(`${miss.lastDay}T12:00:00Z`))),
      );
      if (isAdmin) {
        const text = t(handled ? 'searchWords.misses.editSynonym' : 'searchWords.misses.addSynonym');
        const button = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': queryId }, text);
        button.addEventListener('click', () => fillFromMiss(miss));
        tr.appendChild(h('td', { class: 'cell-actions' }, button));
      }
      return tr;
    }

    /** The rows of the searches (again after the synonyms changed: a row says when its word has one). */
    let misses = [];
    function showMisses() {
      const focused = missBody.contains(document.activeElement) ? document.activeElement.closest('tr') : null;
      const key = focused ? `${focused.dataset.language}:${focused.dataset.query}` : null;
      missBody.replaceChildren(...misses.map(missRow));
      missTable.hidden = misses.length === 0;
      const again = key && [...missBody.children].find((tr) => `${tr.dataset.language}:${tr.dataset.query}` === key);
      if (again) focusElement(again.querySelector('button') || again);
    }

    const missSignal = latest(ctx.signal);
    async function loadMisses() {
      const signal = missSignal();
      delete missSection.dataset.loaded;
      missBody.setAttribute('aria-busy', 'true');
      setLive(missProblem, '');
      const params = new URLSearchParams({ days: choices.days, results: choices.results });
      let answer;
      try {
        answer = await get(`/api/v1/search-words/misses?${params}`, { signal });
      } catch (error) {
        if (signal.aborted || isAbort(error)) return;
        missBody.removeAttribute('aria-busy');
        if (!refuse(error)) showRequestError(missProblem, error);
        return;
      }
      if (signal.aborted) return;
      missBody.removeAttribute('aria-busy');
      privacy.textContent = t('searchWords.misses.privacy', { min: answer.minOccurrences });
      misses = answer.items;
      showMisses();
      setLive(missCount, answer.items.length ? plural('searchWords.misses.count', answer.items.length) : t('searchWords.misses.empty'));
      missSection.dataset.loaded = params.toString();
    }

    function applyChoices(next, { push = true } = {}) {
      const missesChanged = next.results !== choices.results || next.days !== choices.days;
      const languageChanged = next.language !== choices.language;
      choices = next;
      if (push) ctx.setQuery(choiceParams(choices));
      if (missesChanged) {
        showMissTitle();
        loadMisses();
      }
      if (languageChanged) showSynonyms();
    }

    missFilter.addEventListener('change', () => {
      applyChoices({ ...choices, results: radioValue(missFilter, 'results') || 'zero', days: radioValue(missFilter, 'days') || '30' });
    }, { signal: ctx.signal });

    // ---------------------------------------------------------------------------------------
    // 2. Synonyms: the form (platform admins), then the list
    const synTitleId = uid('synonyms-title');
    const synSection = h(
      'section',
      { class: 'section search-synonyms', 'aria-labelledby': synTitleId },
      h('h2', { id: synTitleId }, t('searchWords.synonyms.title')),
      h('p', {}, t('searchWords.synonyms.intro')),
    );
    root.appendChild(synSection);

    let entries = [];
    let matching = []; // the entries of the chosen language and word
    let limit = LIST_PAGE; // how many of them the list shows
    let shownFind = ''; // the word the list was filtered by
    let editing = null; // the entry being changed, or null when the form adds one
    let savedId = null; // the entry saved last (marked in the list)

    // ---- the form ----
    let form = null;
    let formTitle = null;
    let formStatus = null;
    let wordsField = null;
    let submitButton = null;
    let cancelButton = null;
    if (isAdmin) {
      const formTitleId = uid('synonym-form-title');
      formTitle = h('h3', { id: formTitleId, tabindex: '-1' }, t('searchWords.form.addTitle'));
      formStatus = statusRegion();
      wordsField = textareaField({ name: 'words', label: t('searchWords.form.words'), hint: t('searchWords.form.wordsHint.expansion'), maxlength: 1000, rows: 4 });
      for (const [k, v] of Object.entries({ spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' })) wordsField.control.setAttribute(k, v);
      cancelButton = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('searchWords.form.cancelEdit'));
      submitButton = h('button', { type: 'submit', class: 'btn btn--primary' }, t('searchWords.form.save'));
      form = h(
        'form',
        { class: 'synonym-form', novalidate: true, 'aria-labelledby': formTitleId },
        formError(),
        field({
          name: 'language',
          type: 'select',
          label: t('searchWords.form.language'),
          hint: t('searchWords.form.languageHint'),
          value: choices.language || getLanguage(),
          options: LANGUAGES.map((l) => ({ value: l, label: languageName(l) })),
        }),
        radioGroup({
          name: 'kind',
          legend: t('searchWords.form.kind'),
          value: 'expansion',
          options: KINDS.map((k) => ({ value: k, label: t(`searchWords.kind.${k}`), hint: t(`searchWords.kind.${k}.hint`) })),
        }),
        field({
          name: 'source',
          label: t('searchWords.form.source'),
          hint: t('searchWords.form.sourceHint'),
          attrs: { maxlength: '60', spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' },
        }),
        wordsField,
        h('div', { class: 'actions' }, submitButton, cancelButton),
      );
      synSection.append(h('div', { class: 'synonym-editor card' }, formTitle, formStatus, form));
      form.addEventListener('change', (event) => {
        if (event.target.name === 'kind') syncKind();
      }, { signal: ctx.signal });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        save();
      }, { signal: ctx.signal });
      cancelButton.addEventListener('click', () => {
        const id = editing && editing.id;
        exitEdit({ clear: true });
        const button = id && listNode.querySelector(`[data-synonym-id="${CSS.escape(id)}"] [data-action="edit"]`);
        focusElement(button || formTitle);
      }, { signal: ctx.signal });
    }

    /** The source field only for an expansion; the hint of the words follows the kind. */
    function syncKind() {
      if (!form) return;
      const kind = radioValue(form, 'kind') || 'expansion';
      form.querySelector('[data-field="source"]').hidden = kind !== 'expansion';
      wordsField.querySelector('.hint').textContent = t(`searchWords.form.wordsHint.${kind}`);
    }

    function setForm({ language, kind, source = '', words = [] }) {
      form.elements.namedItem('language').value = language;
      for (const box of form.querySelectorAll('input[name="kind"]')) box.checked = box.value === kind;
      form.elements.namedItem('source').value = source || '';
      form.elements.namedItem('words').value = words.join('\n');
      clearErrors(form);
      syncKind();
    }

    /** The first empty field (of those shown), else the words. */
    function focusFirstEmpty() {
      const kind = radioValue(form, 'kind');
      const source = form.elements.namedItem('source');
      if (kind === 'expansion' && !source.value.trim()) source.focus();
      else form.elements.namedItem('words').focus();
    }

    function startEdit(entry) {
      editing = entry;
      formTitle.textContent = t('searchWords.form.editTitle');
      submitButton.textContent = t('searchWords.form.saveChanges');
      cancelButton.hidden = false;
      form.dataset.editing = entry.id;
      setLive(formStatus, '');
      setForm(entry);
      focusFirstEmpty();
    }

    function exitEdit({ clear = false } = {}) {
      editing = null;
      delete form.dataset.editing;
      formTitle.textContent = t('searchWords.form.addTitle');
      submitButton.textContent = t('searchWords.form.save');
      cancelButton.hidden = true;
      if (clear) {
        form.elements.namedItem('source').value = '';
        form.elements.namedItem('words').value = '';
        clearErrors(form);
      }
    }

    /** "Add synonym" of a search that found nothing: an expansion of its words (or the one that exists). */
    function fillFromMiss(miss) {
      const existing = expansionOf(miss);
      if (existing) {
        startEdit(existing);
        setLive(formStatus, notice('info', t('searchWords.form.sourceHasEntry', { word: miss.query })));
        return;
      }
      if (editing) exitEdit();
      setLive(formStatus, '');
      setForm({ language: miss.language, kind: 'expansion', source: miss.query, words: [] });
      focusFirstEmpty();
    }

    // ---- the list ----
    const listTitleId = uid('synonym-list-title');
    const listTitle = h('h3', { id: listTitleId, tabindex: '-1' }, t('searchWords.list.title'));
    const languageFilter = field({
      name: 'listLanguage',
      type: 'select',
      label: t('searchWords.list.language'),
      value: choices.language,
      options: [{ value: '', label: t('searchWords.list.allLanguages') }, ...LANGUAGES.map((l) => ({ value: l, label: languageName(l) }))],
    });
    const find = field({
      name: 'find',
      type: 'search',
      label: t('searchWords.list.find'),
      hint: t('searchWords.list.findHint'),
      attrs: { spellcheck: 'false', autocapitalize: 'none' },
    });
    const listFilter = h(
      'form',
      { class: 'event-filter search-words-filter', novalidate: true, role: 'search', 'aria-label': t('searchWords.list.filter') },
      h('div', { class: 'event-filter__fields' }, languageFilter, find),
    );
    listFilter.addEventListener('submit', (event) => event.preventDefault());
    languageFilter.control.addEventListener('change', () => applyChoices({ ...choices, language: languageFilter.control.value }), { signal: ctx.signal });
    // 'change' too (a value set without typing), but only for another text: rebuilding the rows on
    // the blur of a click would take away the button being clicked
    for (const type of ['input', 'change']) {
      find.control.addEventListener(type, () => {
        if (find.control.value.trim().toLowerCase() !== shownFind) showSynonyms();
      }, { signal: ctx.signal });
    }

    const listStatus = statusRegion();
    const listProblem = alertRegion();
    const listCount = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const listNode = h('ul', { class: 'item-list synonym-list', 'aria-labelledby': listTitleId });
    const listEmpty = h('p', { class: 'muted', hidden: true }, t('searchWords.list.empty'));
    const listMore = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    const listPart = h(
      'div',
      { class: 'synonym-browser' },
      listTitle, listFilter, listStatus, listProblem, listCount, listNode, listEmpty, h('div', { class: 'actions' }, listMore),
    );
    synSection.appendChild(listPart);

    function synonymRow(entry) {
      const textId = uid('synonym');
      const li = h(
        'li',
        { class: ['synonym', entry.id === savedId && 'synonym--saved'], dataset: { synonymId: entry.id, kind: entry.kind, language: entry.language } },
        h('p', { class: 'synonym__words', id: textId, lang: entry.language }, entryText(entry)),
        h(
          'p',
          { class: 'synonym__meta' },
          h('span', { class: 'badge badge--info' }, t(`searchWords.kindShort.${entry.kind}`)),
          ' ',
          h('span', { class: 'badge badge--muted' }, languageName(entry.language)),
        ),
      );
      if (isAdmin) {
        const edit = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'edit' }, 'aria-describedby': textId }, t('searchWords.edit'));
        const remove = h('button', { type: 'button', class: 'btn btn--danger', dataset: { action: 'remove' }, 'aria-describedby': textId }, t('searchWords.remove'));
        edit.addEventListener('click', () => startEdit(entry));
        remove.addEventListener('click', () => removeEntry(entry, li));
        li.appendChild(h('div', { class: 'actions' }, edit, remove));
      }
      return li;
    }

    function visibleEntries() {
      const text = find.control.value.trim().toLowerCase();
      shownFind = text;
      return entries.filter((e) => (!choices.language || e.language === choices.language)
        && (!text || (e.source || '').includes(text) || e.words.some((w) => w.includes(text))));
    }

    // The list shows LIST_PAGE entries at a time ("Show more" adds the next ones): the whole set
    // would make the page hundreds of screens long on a phone.
    function showListState() {
      const shown = listNode.children.length;
      listNode.hidden = matching.length === 0;
      listEmpty.hidden = matching.length > 0;
      listMore.hidden = shown >= matching.length;
      const text = shown < matching.length
        ? t('searchWords.list.shown', { shown, count: matching.length })
        : plural('searchWords.list.count', matching.length);
      setLive(listCount, matching.length ? text : '');
    }

    /** The entries of the chosen language and word; `keep` keeps as many rows as were shown. */
    function showSynonyms({ keep = false } = {}) {
      matching = visibleEntries();
      if (!keep) limit = LIST_PAGE;
      listNode.replaceChildren(...matching.slice(0, limit).map(synonymRow));
      showListState();
    }

    listMore.addEventListener('click', () => {
      const from = listNode.children.length;
      limit = from + LIST_PAGE;
      const rows = matching.slice(from, limit).map(synonymRow);
      listNode.append(...rows);
      showListState();
      // the first new entry (its Edit button for an admin), as "Show more" does everywhere
      if (rows.length) focusElement(rows[0].querySelector('button') || rows[0]);
    }, { signal: ctx.signal });

    const synSignal = latest(ctx.signal);
    async function loadSynonyms() {
      const signal = synSignal();
      delete synSection.dataset.loaded;
      listNode.setAttribute('aria-busy', 'true');
      setLive(listProblem, '');
      let answer;
      try {
        answer = await get('/api/v1/search-words/synonyms', { signal });
      } catch (error) {
        if (signal.aborted || isAbort(error)) return false;
        listNode.removeAttribute('aria-busy');
        if (!refuse(error)) showRequestError(listProblem, error);
        return false;
      }
      if (signal.aborted) return false;
      listNode.removeAttribute('aria-busy');
      // the region's languages in their order (fi, sv, en), each as the server sorted it
      entries = [...answer.items].sort((a, b) => LANGUAGES.indexOf(a.language) - LANGUAGES.indexOf(b.language));
      showSynonyms({ keep: true });
      showMisses();
      synSection.dataset.loaded = String(answer.setVersion);
      return true;
    }

    async function save() {
      const kind = radioValue(form, 'kind') || 'expansion';
      const language = value(form, 'language');
      const source = value(form, 'source').trim().replace(/\s+/g, ' ');
      const words = parseWords(value(form, 'words'));
      const problems = [];
      if (kind === 'expansion' && !source) problems.push({ field: 'source', code: 'field.required' });
      if (kind === 'group' && words.length === 1) problems.push({ field: 'words', code: 'searchWords.needTwo' });
      else if (!words.length) problems.push({ field: 'words', code: 'field.required' });
      else if (words.length > MAX_WORDS) problems.push({ field: 'words', code: 'field.tooMany' });
      if (showFieldErrors(form, problems)) return;
      const body = { language, kind, words };
      if (kind === 'expansion') body.source = source;
      const was = editing;
      if (was) body.version = was.version;
      const done = busy(form);
      if (!done) return;
      setLive(formStatus, '');
      let saved;
      try {
        saved = was
          ? await put(`/api/v1/search-words/synonyms/${enc(was.id)}`, body, { signal: ctx.signal })
          : await post('/api/v1/search-words/synonyms', body, { signal: ctx.signal });
      } catch (error) {
        done();
        await saveFailed(error, words);
        return;
      }
      done();
      savedId = saved.id;
      exitEdit({ clear: true });
      const text = t('searchWords.saved', { entry: entryPlain(saved) });
      await loadSynonyms();
      if (!ctx.isCurrent()) return;
      changes.load();
      if (was) {
        // back where the change started: the entry's own Edit button
        setLive(listStatus, notice('success', text));
        const button = listNode.querySelector(`[data-synonym-id="${CSS.escape(saved.id)}"] [data-action="edit"]`);
        focusElement(button || listTitle);
      } else {
        setLive(formStatus, notice('success', text));
      }
    }

    /** A refused save: the field errors next to their fields (a word's error names the word). */
    async function saveFailed(error, words) {
      if (isAbort(error)) return;
      if (error instanceof ApiError && error.status === 422) {
        const mapped = error.errors.map((e) => (/^words\[\d+\]$/.test(e.field) ? { ...e, field: 'words' } : e));
        showApiError(form, new ApiError(422, error.code, { errors: mapped }));
        const wordProblems = error.errors
          .map((e) => ({ match: /^words\[(\d+)\]$/.exec(e.field), code: e.code }))
          .filter((p) => p.match && words[Number(p.match[1])] !== undefined)
          .map(({ match, code }) => {
            const word = words[Number(match[1])];
            const key = `searchWords.word.${String(code).replace(/^field\./, '')}`; // field.tooLong → searchWords.word.tooLong
            return has(key) ? t(key, { word }) : `${word}: ${t('field.invalidValue')}`;
          });
        if (wordProblems.length) {
          setFieldError(form, 'words', wordProblems.join(' '));
          form.elements.namedItem('words').focus();
        }
        return;
      }
      showApiError(form, error, { codeFields: { 'synonym.sourceExists': 'source' } });
      if (error instanceof ApiError && (error.code === 'synonym.stale' || error.code === 'synonym.notFound')) {
        // someone changed or removed it meanwhile: show the list as it is now
        const id = editing && editing.id;
        await loadSynonyms();
        if (!ctx.isCurrent() || !id) return;
        const fresh = entries.find((e) => e.id === id);
        // the typed words stay: saving again changes the entry as it is now (or adds it anew)
        if (fresh) editing = fresh;
        else exitEdit();
      }
    }

    async function removeEntry(entry, li) {
      const text = entryPlain(entry);
      const ok = await confirmDialog({
        parent: root,
        title: t('searchWords.removeTitle'),
        text: t('searchWords.removeText', { entry: text }),
        confirmLabel: t('searchWords.removeConfirm'),
        danger: true,
      });
      if (!ok) return;
      try {
        await del(`/api/v1/search-words/synonyms/${enc(entry.id)}`, { signal: ctx.signal });
      } catch (error) {
        if (isAbort(error)) return;
        if (!(error instanceof ApiError && error.code === 'synonym.notFound')) {
          setLive(listStatus, '');
          setLive(listProblem, notice('error', requestMessage(error)));
          return;
        }
        // removed already by someone else: the list shows it gone all the same
      }
      entries = entries.filter((e) => e.id !== entry.id);
      if (editing && editing.id === entry.id) exitEdit({ clear: true });
      showMisses();
      matching = matching.filter((e) => e.id !== entry.id);
      removeRow(li, { selector: 'button', fallback: listTitle });
      showListState();
      setLive(listProblem, '');
      setLive(listStatus, notice('success', t('searchWords.removed', { entry: text })));
      changes.load();
    }

    // ---------------------------------------------------------------------------------------
    // 3. The change log
    const changeTitleId = uid('changes-title');
    const changeTitle = h('h2', { id: changeTitleId, tabindex: '-1' }, t('searchWords.changes.title'));
    const changeProblem = alertRegion();
    const changeList = h('ul', { class: 'item-list change-list', 'aria-labelledby': changeTitleId });
    const changeEmpty = h('p', { class: 'muted', hidden: true }, t('searchWords.changes.empty'));
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    const changeSection = h(
      'section',
      { class: 'section search-changes', 'aria-labelledby': changeTitleId },
      changeTitle,
      h('p', {}, t('searchWords.changes.intro')),
      changeProblem,
      changeList,
      changeEmpty,
      h('div', { class: 'actions' }, more),
    );
    root.appendChild(changeSection);

    function who(change) {
      if (change.source === 'starter') return t('searchWords.changes.starter');
      if (change.source === 'import') return t('searchWords.changes.import');
      if (change.actor) return change.actor.id === ctx.user.id ? t('searchWords.changes.you', { name: change.actor.name }) : change.actor.name;
      return t('searchWords.changes.unknownActor');
    }

    function changeEntry(entry) {
      return h('span', { lang: entry.language }, entryText(entry));
    }

    function changeRow(change) {
      const entry = change.after || change.before;
      const action = ['created', 'updated', 'deleted'].includes(change.action) ? change.action : 'updated';
      let what;
      if (action === 'updated' && change.before && change.after) {
        what = h(
          'dl',
          { class: 'meta' },
          h('dt', {}, t('searchWords.changes.before')),
          h('dd', {}, changeEntry(change.before)),
          h('dt', {}, t('searchWords.changes.after')),
          h('dd', {}, changeEntry(change.after)),
        );
      } else {
        what = h('p', { class: ['change__entry', action === 'deleted' && 'change__entry--removed'] }, entry ? changeEntry(entry) : null);
      }
      return h(
        'li',
        { class: 'change', dataset: { changeId: String(change.id), action } },
        h('p', { class: 'change__head' },
          h('strong', {}, t(`searchWords.changes.action.${action}`)),
          entry ? [' ', h('span', { class: 'badge badge--muted' }, languageName(entry.language))] : null),
        what,
        h('p', { class: 'change__by muted small' },
          h('time', { datetime: change.at }, formatDateTime(change.at)), ' · ', who(change)),
      );
    }

    const changes = pagedList({
      signal: ctx.signal,
      list: changeList,
      more,
      problem: changeProblem,
      heading: changeTitle,
      url: (cursor) => `/api/v1/search-words/changes?limit=${CHANGES_PAGE}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row: changeRow,
      onError: refuse,
      onPage: (answer, { first }) => {
        changeEmpty.hidden = changeList.children.length > 0;
        if (first) changeSection.dataset.loaded = 'true';
      },
    });

    // Back / Forward: the choices follow the address.
    ctx.onQueryChange((params) => {
      const next = readChoices(params);
      for (const box of missFilter.querySelectorAll('input[type="radio"]')) box.checked = box.value === next[box.name];
      languageFilter.control.value = next.language;
      applyChoices(next, { push: false });
    });

    await Promise.all([loadMisses(), loadSynonyms(), changes.load()]);
    if (!ctx.isCurrent() || refuse.denied) return;
    // after a change of language the router puts the typed values back: the form follows them
    window.setTimeout(() => {
      if (!ctx.isCurrent()) return;
      syncKind();
      if (find.control.value) showSynonyms();
    }, 0);
  },
};
