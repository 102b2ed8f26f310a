// The editor's form of a ServiceContent: every field, the texts in fi / sv / en tabs, the lists of
// codes as checkboxes (from the catalogue's taxonomy), the rows of places, contacts and links
// (added and removed), and the internal instructions when the server sent them (read-only unless
// the editor writes them), and the rows of weekly times (delivery.slots: weekday, start, end) and
// of course and application periods (delivery.periods: kind, start, end). Every control's name is its path in ServiceContent ("summary.sv",
// "contacts[1].email", "categoryIds"), so that the server's field errors find their fields.
import { h, uid } from '../dom.js';
import { t, plural, has, localText } from '../i18n.js';
import { checkboxGroup, radioGroup, checkedValues, radioValue, setFieldError, clearErrors } from '../forms.js';
import { taxonomy, labelFor } from '../catalogue/taxonomy.js';
import { languageTabs } from './tabs.js';
import {
  TEXT_LANGUAGES, SERVICE_LANGUAGES, MODES, COSTS, ACCESSIBILITY, INTERNAL_FIELDS, WEEKDAYS, PERIOD_KINDS, weekdayName,
  parsePath, controlName, fieldLabel, errorMessage, textLimit,
} from './common.js';

const local = () => ({ fi: '' });

/** The content of a new service: nothing written yet, Finnish as its language. */
export function emptyContent() {
  return {
    name: local(), summary: local(), description: local(), categoryIds: [], keywords: { fi: [] },
    cost: 'free', costDescription: local(),
    accessibility: { wheelchair: false, signLanguage: false, easyFinnish: false, notes: local() },
    targetGroup: { description: local(), ageMin: null, ageMax: null, municipalityCodes: [], lifeSituationIds: [], employmentStatusIds: [] },
    delivery: { modes: [], languages: ['fi'], duration: local(), schedule: local(), locations: [], slots: [], periods: [] },
    participation: { howToApply: local(), prerequisites: local(), benefitsEffect: local(), consents: local() },
    contacts: [], links: [],
  };
}

export function emptyInternal() {
  return Object.fromEntries(INTERNAL_FIELDS.map((f) => [f, local()]));
}

/** A value at a dotted path of an object ("targetGroup.description"). */
function at(object, path) {
  return path.split('.').reduce((o, key) => (o && typeof o === 'object' ? o[key] : undefined), object);
}

// The texts of the language tabs, in groups with a heading: [path, rows ('line' = one line)].
const TEXT_GROUPS = [
  ['about', [['name', 'line'], ['summary', 3], ['description', 8], ['keywords', 4]]],
  ['audience', [['targetGroup.description', 3], ['participation.howToApply', 3], ['participation.prerequisites', 3],
    ['participation.benefitsEffect', 3], ['participation.consents', 3]]],
  ['practical', [['costDescription', 2], ['accessibility.notes', 2], ['delivery.duration', 'line'], ['delivery.schedule', 2]]],
];

// The rows: each field [key, kind]; 'local' is a LocalText (Finnish, then the other languages).
const ROWS = {
  'delivery.locations': { key: 'locations', fields: [['name', 'local'], ['address', 'local'], ['postalCode', 'postal'], ['city', 'local']] },
  contacts: { key: 'contacts', fields: [['name', 'text'], ['role', 'local'], ['email', 'email'], ['phone', 'tel']] },
  links: { key: 'links', fields: [['title', 'local'], ['url', 'url']] },
  'delivery.slots': { key: 'slots', fields: [['weekday', 'weekday'], ['start', 'time'], ['end', 'time']] },
  'delivery.periods': { key: 'periods', fields: [['kind', 'periodKind'], ['start', 'date'], ['end', 'date']] },
};
const ROW_LISTS = Object.keys(ROWS);

function emptyRow(list) {
  if (list === 'contacts') return { name: '', role: local(), email: '', phone: '' };
  if (list === 'links') return { title: local(), url: '' };
  if (list === 'delivery.slots') return { weekday: 1, start: '', end: '' };
  if (list === 'delivery.periods') return { kind: 'course', start: '', end: '' };
  return { name: local(), address: local(), postalCode: '', city: local() };
}

function capitalised(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** A labelled text control shaped as forms.field() makes one (so that field errors find it). */
function textField({ name, label, srSuffix, hint, value = '', rows = 'line', lang, type = 'text', attrs = {} }) {
  const id = uid('f');
  const hintId = hint ? `${id}-hint` : null;
  const control = rows === 'line'
    ? h('input', { id, name, type, value, lang, autocomplete: type === 'text' ? 'off' : null, 'aria-describedby': hintId, ...attrs })
    : h('textarea', { id, name, rows: String(rows), lang, 'aria-describedby': hintId, ...attrs });
  if (rows !== 'line') control.value = value || '';
  const wrapper = h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label, srSuffix ? h('span', { class: 'visually-hidden' }, ` (${srSuffix})`) : null),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'field-error', id: `${id}-error` }),
    control);
  wrapper.control = control;
  return wrapper;
}

function hintFor(base, lang) {
  const parts = [];
  if (has(`editor.hint.${base}`)) parts.push(t(`editor.hint.${base}`));
  if (base !== 'keywords' && textLimit(base) <= 500) parts.push(t('editor.hint.limit', { max: textLimit(base) }));
  if (lang !== 'fi' && (base === 'name' || base === 'summary')) parts.push(t('editor.hint.pair'));
  return parts.join(' ');
}

/**
 * serviceForm({content, internal: 'none' | 'read' | 'write', readOnly, before, onChange}) →
 * {element, collect(), localProblems(), showErrors(errors), clearErrors(), reveal(control)}.
 * `before`: nodes at the start of the form (a new service's organisation).
 */
export function serviceForm({ content, internal = 'none', readOnly = false, before = [], onChange = () => {} }) {
  const original = JSON.parse(JSON.stringify(content));
  const tax = taxonomy() || { municipalities: [], categories: [], lifeSituations: [], employmentStatuses: [] };
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const form = h('form', { class: 'editor-form', novalidate: true });
  const tabSets = [];
  const rowData = {};
  const rowParts = {};

  // ---- texts in the language tabs ----
  function textPanel(lang) {
    return TEXT_GROUPS.map(([group, fields]) => h('div', { class: 'editor-group' },
      h('h3', {}, t(`editor.group.${group}`)),
      fields.map(([base, rows]) => {
        const value = base === 'keywords'
          ? ((content.keywords || {})[lang] || []).join('\n')
          : ((at(content, base) || {})[lang] || '');
        return textField({
          name: `${base}.${lang}`, label: t(`editor.field.${base}`), srSuffix: t(`editor.inLanguage.${lang}`),
          hint: hintFor(base, lang), value, rows, lang,
        });
      })));
  }
  const texts = languageTabs({
    label: t('editor.texts.tabs'),
    panels: Object.fromEntries(TEXT_LANGUAGES.map((l) => [l, [
      l === 'fi' ? h('p', { class: 'hint' }, t('editor.texts.fiHint')) : h('p', { class: 'hint' }, t('editor.texts.otherHint', { language: t(`editor.inLanguage.${l}`) })),
      ...textPanel(l),
    ]])),
  });
  tabSets.push(texts);

  // ---- lists of codes ----
  /** Options of a taxonomy list, plus codes the content has that the list does not (kept, and named). */
  function codeOptions(items, key, values, kind) {
    const options = items.map((x) => ({ value: x[key], label: localText(x.name) }));
    for (const v of values || []) if (!options.some((o) => o.value === v)) options.push({ value: v, label: labelFor(kind, v) });
    return options;
  }

  function categoryField() {
    const values = content.categoryIds || [];
    const id = uid('g-categories');
    const hintId = `${id}-hint`;
    const all = tax.categories || [];
    const box = (c) => {
      const cid = uid('c-category');
      return h('li', { class: 'choice' },
        h('input', { type: 'checkbox', id: cid, name: 'categoryIds', value: c.id, checked: values.includes(c.id) }),
        h('label', { for: cid }, c.name ? localText(c.name) : labelFor('category', c.id)));
    };
    const roots = all.filter((c) => !c.parent || !all.some((p) => p.id === c.parent));
    const extra = values.filter((v) => !all.some((c) => c.id === v)).map((v) => ({ id: v }));
    return h('fieldset', { class: 'field', dataset: { field: 'categoryIds' }, 'aria-describedby': hintId },
      h('legend', {}, t('editor.field.categoryIds')),
      h('span', { class: 'hint', id: hintId }, t('editor.hint.categoryIds')),
      h('span', { class: 'field-error', id: `${id}-error` }),
      h('ul', { class: 'choices choices--tree editor-categories' },
        [...roots, ...extra].map((root) => {
          const li = box(root);
          const children = all.filter((c) => c.parent === root.id);
          if (children.length) li.appendChild(h('ul', { class: 'choices' }, children.map(box)));
          return li;
        })));
  }

  function ageField(key) {
    const value = content.targetGroup ? content.targetGroup[key] : null;
    return textField({
      name: `targetGroup.${key}`, label: t(`editor.field.targetGroup.${key}`), value: value === null || value === undefined ? '' : String(value),
      attrs: { inputmode: 'numeric', class: 'input--short' },
    });
  }

  const target = content.targetGroup || {};
  const classification = [
    categoryField(),
    checkboxGroup({
      name: 'targetGroup.municipalityCodes', legend: t('editor.field.targetGroup.municipalityCodes'), hint: t('editor.hint.municipalityCodes'),
      options: codeOptions(tax.municipalities || [], 'code', target.municipalityCodes, 'municipality'), values: target.municipalityCodes || [],
    }),
    h('fieldset', { class: 'editor-ages' },
      h('legend', {}, t('editor.field.targetGroup.age')),
      h('span', { class: 'hint' }, t('editor.hint.age')),
      h('div', { class: 'editor-ages__fields' }, ageField('ageMin'), ageField('ageMax'))),
    checkboxGroup({
      name: 'targetGroup.lifeSituationIds', legend: t('editor.field.targetGroup.lifeSituationIds'), hint: t('editor.hint.optional'),
      options: codeOptions(tax.lifeSituations || [], 'id', target.lifeSituationIds, 'lifeSituation'), values: target.lifeSituationIds || [],
    }),
    checkboxGroup({
      name: 'targetGroup.employmentStatusIds', legend: t('editor.field.targetGroup.employmentStatusIds'), hint: t('editor.hint.optional'),
      options: codeOptions(tax.employmentStatuses || [], 'id', target.employmentStatusIds, 'employmentStatus'), values: target.employmentStatusIds || [],
    }),
  ];

  const delivery = content.delivery || {};
  const acc = content.accessibility || {};
  const languageValues = delivery.languages || [];
  const practical = [
    radioGroup({
      name: 'cost', legend: t('editor.field.cost'),
      options: COSTS.map((c) => ({ value: c, label: t(`catalogue.cost.${c}`) })), value: content.cost || 'free',
    }),
    checkboxGroup({
      name: 'delivery.modes', legend: t('editor.field.delivery.modes'), hint: t('editor.hint.atLeastOne'),
      options: MODES.map((m) => ({ value: m, label: t(`catalogue.mode.${m}`) })), values: delivery.modes || [],
    }),
    checkboxGroup({
      name: 'delivery.languages', legend: t('editor.field.delivery.languages'), hint: t('editor.hint.languages'),
      options: [...SERVICE_LANGUAGES, ...languageValues.filter((l) => !SERVICE_LANGUAGES.includes(l))]
        .map((l) => ({ value: l, label: capitalised(labelFor('language', l)) })),
      values: languageValues,
    }),
    h('fieldset', { class: 'field' },
      h('legend', {}, t('editor.field.accessibility')),
      h('ul', { class: 'choices' }, ACCESSIBILITY.map((f) => {
        const id = uid(`c-${f}`);
        return h('li', { class: 'choice' },
          h('input', { type: 'checkbox', id, name: `accessibility.${f}`, value: 'true', checked: Boolean(acc[f]) }),
          h('label', { for: id }, t(`catalogue.accessibility.${f}`)));
      }))),
  ];

  // ---- rows: places, contacts, links ----
  function rowField(list, index, [key, kind], row) {
    const name = `${list}[${index}].${key}`;
    const label = t(`editor.field.${list}.${key}`);
    if (kind === 'weekday' || kind === 'periodKind') {
      const id = uid('f');
      const options = kind === 'weekday'
        ? WEEKDAYS.map((d) => ({ value: String(d), label: capitalised(weekdayName(d, 'long')) }))
        : PERIOD_KINDS.map((k) => ({ value: k, label: t(`editor.periodKind.${k}`) }));
      const current = String(row[key] === undefined || row[key] === null ? '' : row[key]);
      const control = h('select', { id, name }, options.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)));
      const wrapper = h('div', { class: 'field', dataset: { field: name } },
        h('label', { for: id }, label), h('span', { class: 'field-error', id: `${id}-error` }), control);
      wrapper.control = control;
      return wrapper;
    }
    if (kind === 'time' || kind === 'date') {
      const hint = has(`editor.hint.${list}.${key}`) ? t(`editor.hint.${list}.${key}`) : null;
      return textField({ name, label, hint, value: row[key] || '', type: kind });
    }
    if (kind !== 'local') {
      const type = { email: 'email', tel: 'tel', url: 'url' }[kind] || 'text';
      const attrs = { spellcheck: kind === 'text' ? null : 'false', autocapitalize: kind === 'email' || kind === 'url' ? 'none' : null };
      if (kind === 'postal') Object.assign(attrs, { inputmode: 'numeric', class: 'input--short' });
      const hint = has(`editor.hint.${list}.${key}`) ? t(`editor.hint.${list}.${key}`) : null;
      return textField({ name, label, hint, value: row[key] || '', type, attrs });
    }
    const text = row[key] || {};
    const others = TEXT_LANGUAGES.filter((l) => l !== 'fi');
    const translations = h('details', { class: 'editor-translations', open: others.some((l) => (text[l] || '').trim()) || null },
      h('summary', {}, t('editor.translations', { field: label })),
      others.map((l) => textField({
        name: `${name}.${l}`, label: `${label} (${t(`editor.inLanguage.${l}`)})`, value: text[l] || '', lang: l,
      })));
    return h('div', { class: 'editor-local' },
      textField({ name: `${name}.fi`, label, srSuffix: t('editor.inLanguage.fi'), value: text.fi || '', lang: 'fi' }),
      translations);
  }

  function rowNode(list, index, row) {
    const spec = ROWS[list];
    const title = t(`editor.rows.${spec.key}.item`, { n: index + 1 });
    const legendId = uid('row');
    const fieldset = h('fieldset', { class: 'editor-row', dataset: { row: String(index) } },
      h('legend', { id: legendId }, title),
      spec.fields.map((f) => rowField(list, index, f, row)));
    if (!readOnly) {
      const remove = h('button', { type: 'button', class: 'btn btn--danger-outline', dataset: { action: 'remove-row' } },
        t(`editor.rows.${spec.key}.remove`, { n: index + 1 }));
      remove.addEventListener('click', () => removeRow(list, index));
      fieldset.appendChild(h('div', { class: 'actions' }, remove));
    }
    return fieldset;
  }

  function renderRows(list) {
    const part = rowParts[list];
    part.rows.replaceChildren(...rowData[list].map((row, i) => rowNode(list, i, row)));
    part.empty.hidden = rowData[list].length > 0;
  }

  function rowsSection(list) {
    const spec = ROWS[list];
    const titleId = uid('rows');
    const rows = h('div', { class: 'editor-rows' });
    const empty = h('p', { class: 'muted' }, t(`editor.rows.${spec.key}.empty`));
    const error = h('p', { class: 'field-error', id: uid('rows-error'), dataset: { listError: list } });
    const status = h('p', { class: 'visually-hidden', role: 'status' });
    const heading = h('h2', { id: titleId, tabindex: '-1' }, t(`editor.rows.${spec.key}.title`));
    const add = readOnly ? null : h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'add-row', list } },
      t(`editor.rows.${spec.key}.add`));
    if (add) add.addEventListener('click', () => addRow(list));
    rowParts[list] = { rows, empty, error, status, heading, add };
    rowData[list] = JSON.parse(JSON.stringify(at(content, list) || []));
    renderRows(list);
    return h('section', { class: 'section editor-section', 'aria-labelledby': titleId, dataset: { rows: list } },
      heading, h('p', { class: 'hint' }, t(`editor.rows.${spec.key}.hint`)), error, rows, empty, status,
      add ? h('div', { class: 'actions' }, add) : null);
  }

  function collectRows(list) {
    const count = rowParts[list].rows.children.length;
    const out = [];
    for (let i = 0; i < count; i += 1) {
      const row = {};
      for (const [key, kind] of ROWS[list].fields) {
        const name = `${list}[${i}].${key}`;
        if (kind === 'local') row[key] = localFrom(name);
        else if (kind === 'weekday') row[key] = Number(val(name)) || 1;
        else if (kind === 'date' && key === 'end' && !val(name)) continue; // no end: left out
        else row[key] = val(name);
      }
      out.push(row);
    }
    return out;
  }

  function addRow(list) {
    rowData[list] = [...collectRows(list), emptyRow(list)];
    renderRows(list);
    const last = rowParts[list].rows.lastElementChild;
    const first = last && last.querySelector('input, select, textarea');
    if (first) first.focus();
    onChange();
  }

  function removeRow(list, index) {
    const rows = collectRows(list);
    rows.splice(index, 1);
    rowData[list] = rows;
    renderRows(list);
    const part = rowParts[list];
    const spec = ROWS[list];
    part.status.textContent = t(`editor.rows.${spec.key}.removed`, { n: index + 1 });
    // focus: the same button of the row now in its place, else of the one before, else "Add"
    const next = part.rows.children[index] || part.rows.children[index - 1];
    const button = next && next.querySelector('[data-action="remove-row"]');
    (button || part.add || part.heading).focus();
    onChange();
  }

  // ---- the internal instructions ----
  function internalSection() {
    const values = content.internal || {};
    const titleId = uid('internal');
    const tabs = languageTabs({
      label: t('editor.internal.tabs'),
      panels: Object.fromEntries(TEXT_LANGUAGES.map((l) => [l, INTERNAL_FIELDS.map((f) => textField({
        name: `internal.${f}.${l}`, label: t(`catalogue.internal.${f}`), srSuffix: t(`editor.inLanguage.${l}`),
        value: (values[f] || {})[l] || '', rows: 3, lang: l,
      }))])),
    });
    tabSets.push(tabs);
    const node = h('section', { class: 'internal-band editor-internal', 'aria-labelledby': titleId, dataset: { internal: internal } },
      h('h2', { id: titleId }, t('catalogue.internal.title')),
      h('p', { class: 'internal-band__note' }, h('strong', {}, t('catalogue.internal.expertsOnly')),
        internal === 'read' && !readOnly ? ` ${t('editor.internal.readOnly')}` : ''),
      tabs.element);
    if (internal === 'read') for (const c of node.querySelectorAll('input, textarea')) c.readOnly = true;
    return node;
  }

  // ---- the form ----
  const sectionOf = (key, ...children) => {
    const id = uid('section');
    return h('section', { class: 'section editor-section', 'aria-labelledby': id }, h('h2', { id }, t(`editor.section.${key}`)), ...children);
  };
  form.append(
    summary,
    ...before,
    sectionOf('texts', texts.element),
    sectionOf('classification', ...classification),
    sectionOf('practical', ...practical),
    rowsSection('delivery.locations'),
    rowsSection('delivery.slots'),
    rowsSection('delivery.periods'),
    rowsSection('contacts'),
    rowsSection('links'),
  );
  if (internal !== 'none') form.appendChild(internalSection());
  if (readOnly) {
    for (const c of form.querySelectorAll('input, textarea')) {
      if (c.type === 'checkbox' || c.type === 'radio') c.disabled = true;
      else c.readOnly = true;
    }
    for (const c of form.querySelectorAll('.editor-row select')) c.disabled = true;
  }
  form.addEventListener('input', () => onChange());
  form.addEventListener('change', () => onChange());

  // ---- reading the form ----
  function control(name) {
    return form.querySelector(`[name="${CSS.escape(name)}"]`);
  }
  function val(name) {
    const c = control(name);
    return c ? c.value : '';
  }
  function localFrom(base) {
    const out = { fi: val(`${base}.fi`) };
    for (const l of ['sv', 'en']) {
      const v = val(`${base}.${l}`);
      if (v.trim()) out[l] = v;
    }
    return out;
  }
  /** The checked codes in the order the content had them (a new one after): no change of order alone. */
  function codes(name, was) {
    const checked = checkedValues(form, name);
    const before = was || [];
    return [...before.filter((v) => checked.includes(v)), ...checked.filter((v) => !before.includes(v))];
  }
  function words(lang) {
    return val(`keywords.${lang}`).split(/[\n,]+/).map((w) => w.trim()).filter(Boolean);
  }
  function age(key) {
    const v = val(`targetGroup.${key}`).trim();
    if (!v) return null;
    return /^\d{1,3}$/.test(v) ? Number(v) : v; // not a number: localProblems() says so
  }

  function collect() {
    const keywords = { fi: words('fi') };
    for (const l of ['sv', 'en']) if (words(l).length) keywords[l] = words(l);
    const content2 = {
      name: localFrom('name'),
      summary: localFrom('summary'),
      description: localFrom('description'),
      categoryIds: codes('categoryIds', original.categoryIds),
      keywords,
      cost: radioValue(form, 'cost') || 'free',
      costDescription: localFrom('costDescription'),
      accessibility: {
        ...Object.fromEntries(ACCESSIBILITY.map((f) => [f, Boolean(control(`accessibility.${f}`) && control(`accessibility.${f}`).checked)])),
        notes: localFrom('accessibility.notes'),
      },
      targetGroup: {
        description: localFrom('targetGroup.description'),
        ageMin: age('ageMin'),
        ageMax: age('ageMax'),
        municipalityCodes: codes('targetGroup.municipalityCodes', (original.targetGroup || {}).municipalityCodes),
        lifeSituationIds: codes('targetGroup.lifeSituationIds', (original.targetGroup || {}).lifeSituationIds),
        employmentStatusIds: codes('targetGroup.employmentStatusIds', (original.targetGroup || {}).employmentStatusIds),
      },
      delivery: {
        modes: codes('delivery.modes', (original.delivery || {}).modes),
        languages: codes('delivery.languages', (original.delivery || {}).languages),
        duration: localFrom('delivery.duration'),
        schedule: localFrom('delivery.schedule'),
        locations: collectRows('delivery.locations'),
        slots: collectRows('delivery.slots'),
        periods: collectRows('delivery.periods'),
      },
      participation: Object.fromEntries(['howToApply', 'prerequisites', 'benefitsEffect', 'consents']
        .map((k) => [k, localFrom(`participation.${k}`)])),
      contacts: collectRows('contacts'),
      links: collectRows('links'),
    };
    if (internal === 'write') {
      content2.internal = Object.fromEntries(INTERNAL_FIELDS.map((f) => [f, localFrom(`internal.${f}`)]));
    }
    return content2;
  }

  /** What the browser can tell before sending: ages that are not whole numbers. */
  function localProblems() {
    const out = [];
    for (const key of ['ageMin', 'ageMax']) {
      const v = val(`targetGroup.${key}`).trim();
      if (v && !/^\d{1,3}$/.test(v)) out.push({ field: `targetGroup.${key}`, code: 'field.ageRange' });
    }
    return out;
  }

  // ---- errors ----
  function clearAll() {
    clearErrors(form);
    for (const list of ROW_LISTS) rowParts[list].error.textContent = '';
    for (const tabs of tabSets) tabs.showErrors();
    summary.replaceChildren();
    summary.hidden = true;
  }

  /** Open what hides a control (a tab, a disclosure), then focus it. */
  function reveal(node) {
    const panel = node.closest('[role="tabpanel"]');
    if (panel && panel.tabs) panel.tabs.select(panel.dataset.lang);
    const details = node.closest('details');
    if (details) details.open = true;
    node.focus();
    if (node.scrollIntoView) node.scrollIntoView({ block: 'center' });
  }

  /**
   * The server's field errors ([{field, code}]) next to their fields, the tabs that have some
   * marked (turned to when the shown one has none), and a summary at the top with a link to each
   * field; the focus goes to the summary.
   */
  function showErrors(errors, { intro } = {}) {
    clearAll();
    const byControl = new Map();
    const items = [];
    for (const e of errors) {
      const p = parsePath(e.field);
      const message = errorMessage(e.field, e.code);
      const label = fieldLabel(p.item !== null ? controlName(e.field) : e.field);
      if (ROW_LISTS.includes(e.field)) {
        const part = rowParts[e.field];
        part.error.textContent = message;
        items.push({ label, message, target: part.add || part.heading });
        continue;
      }
      const name = controlName(e.field);
      const container = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (!container) {
        items.push({ label, message, target: null });
        continue;
      }
      const list = byControl.get(name) || [];
      if (!list.includes(message)) list.push(message);
      byControl.set(name, list);
      if (list.length === 1) items.push({ label, message, target: container.querySelector('input, select, textarea'), name });
    }
    for (const [name, messages] of byControl) setFieldError(form, name, messages.join(' '));
    for (const details of form.querySelectorAll('details')) if (details.querySelector('.field--invalid')) details.open = true;
    for (const tabs of tabSets) tabs.showErrors();

    const titleId = uid('summary-title');
    summary.setAttribute('aria-labelledby', titleId);
    summary.replaceChildren(
      h('h2', { id: titleId }, intro || plural('editor.errors.title', items.length)),
      h('ul', {}, items.map((item) => {
        const text = `${item.label}: ${item.name ? byControl.get(item.name).join(' ') : item.message}`;
        if (!item.target) return h('li', {}, text);
        if (!item.target.id) item.target.id = uid('f');
        const link = h('a', { href: `#${item.target.id}` }, text);
        link.addEventListener('click', (event) => {
          event.preventDefault(); // the router would take a new #fragment for a new page
          reveal(item.target);
        });
        return h('li', {}, link);
      })));
    summary.hidden = false;
    summary.focus();
  }

  /**
   * The fields asked to be translated ({sv: [path], en: [path]}) marked on their Swedish and
   * English fields: "Tarvitsee käännöksen" in the label (so a screen reader says it with the name).
   */
  function markTranslations(translations = {}) {
    for (const mark of form.querySelectorAll('.translation-mark')) mark.remove();
    for (const lang of ['sv', 'en']) {
      for (const path of translations[lang] || []) {
        const container = form.querySelector(`[data-field="${CSS.escape(`${path}.${lang}`)}"]`);
        const label = container && container.querySelector('label');
        if (!label) continue;
        label.append(h('span', { class: 'badge badge--warn translation-mark', dataset: { translation: lang } }, t('editor.translation.needed')));
        const details = container.closest('details');
        if (details) details.open = true;
      }
    }
  }

  return { element: form, collect, localProblems, showErrors, clearErrors: clearAll, reveal, control, markTranslations };
}
