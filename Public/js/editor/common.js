// Pieces shared by the catalogue editor's pages (/editor…): addresses, the words of a service's
// status, the names of the fields of a ServiceContent (for error summaries and differences), the
// messages of field errors, and the differences between two versions with their word-level
// changes (<ins>/<del> with words for screen readers, not colour alone).
import { h } from '../dom.js';
import { t, plural, has, localText, localTextIn, getLanguage, locale } from '../i18n.js';
import { enc } from '../api.js';
import { labelFor } from '../catalogue/taxonomy.js';

export const TEXT_LANGUAGES = ['fi', 'sv', 'en'];
export const SERVICE_LANGUAGES = ['fi', 'sv', 'en', 'ru', 'ar', 'so', 'et', 'uk'];
export const MODES = ['in-person', 'remote', 'hybrid'];
export const COSTS = ['free', 'paid', 'partly-paid'];
export const ACCESSIBILITY = ['wheelchair', 'signLanguage', 'easyFinnish'];
export const INTERNAL_FIELDS = [
  'guidanceProcess', 'obligations', 'statementsAndBenefits', 'travelCompensation',
  'clientRecordInstructions', 'municipalExceptions', 'internalContacts',
];
export const STATUSES = ['draft', 'review', 'published', 'hidden', 'archived'];

export function editorHref(id) {
  return `/editor/services/${enc(id)}`;
}

export function historyHref(id) {
  return `/editor/services/${enc(id)}/history`;
}

export function editorApi(id) {
  return `/api/v1/catalogue/editor/services${id ? `/${enc(id)}` : ''}`;
}

// ---- articles (/editor/articles …) ----

export const ARTICLE_STATUSES = ['draft', 'published', 'unpublished'];

export function articleApi(id) {
  return `/api/v1/catalogue/editor/articles${id ? `/${enc(id)}` : ''}`;
}

export function articleEditorHref(id) {
  return `/editor/articles/${enc(id)}`;
}

export function articleHistoryHref(id) {
  return `/editor/articles/${enc(id)}/history`;
}

const ARTICLE_BADGE = { draft: 'warn', published: 'success', unpublished: 'muted' };

/** An article's status as a badge, and "Julkaisematon muutos" when a newer version waits. */
export function articleBadges(article) {
  return h('span', { class: 'editor-badges' },
    h('span', { class: `badge badge--${ARTICLE_BADGE[article.status] || 'muted'}`, dataset: { status: article.status } },
      t(`editor.articleStatus.${article.status}`)),
    article.hasDraft && article.status !== 'draft' ? [' ', h('span', { class: 'badge badge--warn', dataset: { edit: 'draft' } }, t('editor.articles.hasDraft'))] : null);
}

// ---- weekly times and periods of a service (delivery.slots, delivery.periods) ----

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
export const PERIOD_KINDS = ['course', 'application'];

/** A weekday's name (1 = Monday) in the page's language: "ma" / "maanantai". */
export function weekdayName(day, style = 'short') {
  const monday = Date.UTC(2024, 0, 1, 12); // a Monday
  const date = new Date(monday + (Number(day) - 1) * 86400000);
  return new Intl.DateTimeFormat(locale(), { weekday: style, timeZone: 'UTC' }).format(date);
}

/** "09:00" as people read it: "9.00" (fi, sv), "09:00" (en). */
export function timeText(hhmm) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(hhmm || ''));
  if (!m) return String(hhmm || '');
  return getLanguage() === 'en' ? `${m[1].padStart(2, '0')}:${m[2]}` : `${Number(m[1])}.${m[2]}`;
}

/** A weekly time: "ma 9.00–12.00". */
export function slotText(slot) {
  return `${weekdayName(slot.weekday)} ${timeText(slot.start)}–${timeText(slot.end)}`;
}

/** A service's name in the page's language (or Finnish), with the language it is in. */
export function serviceName(name) {
  const { text, lang } = localTextIn(name);
  return { text: (text || '').trim() || t('editor.untitled'), lang: lang === getLanguage() ? null : lang };
}

const STATUS_BADGE = { draft: 'warn', review: 'info', published: 'success', hidden: 'muted', archived: 'muted' };

/** The service's status as a badge (a word, never colour alone). */
export function statusBadge(status) {
  return h('span', { class: `badge badge--${STATUS_BADGE[status] || 'muted'}`, dataset: { status } }, t(`editor.status.${status}`));
}

/** The open edit as a badge ("Keskeneräinen muutos" / "Muutos odottaa hyväksyntää"), or null; none
 *  for a service never published (`status` draft or review: the edit is the service itself). */
export function editBadge(edit, status = null) {
  if (!edit || status === 'draft' || status === 'review') return null;
  return h('span', { class: `badge badge--${edit === 'review' ? 'info' : 'warn'}`, dataset: { edit } }, t(`editor.edit.${edit}`));
}

/** "12 päivää sitten" / "tänään" (the list and the status card add "Tarkista tiedot" from REVIEW_DUE_DAYS). */
export function reviewAge(days) {
  const n = Math.max(0, Number(days) || 0);
  return n === 0 ? t('editor.reviewedToday') : plural('editor.reviewedDaysAgo', n);
}

/** The mark of a service flagged outdated (150 days without a review; experts see it so), in words. */
export function outdatedBadge() {
  return h('span', { class: 'badge badge--outdated', dataset: { outdated: 'true' } }, t('editor.outdated'));
}

/** Days without a review after which a service is due for one: the server's first review reminder
 *  and the list of unreviewed services (/editor/stale) start here. */
export const REVIEW_DUE_DAYS = 120;

// ---- field names -------------------------------------------------------------------------------

const ROWS = { contacts: 'contacts', links: 'links', 'delivery.locations': 'locations', 'delivery.slots': 'slots', 'delivery.periods': 'periods' };

/**
 * The parts of a path of ServiceContent: "contacts[1].role.sv" → {base: 'contacts.role',
 * row: {list: 'contacts', index: 1}, lang: 'sv'}. List items of codes ("categoryIds[2]",
 * "keywords.fi[3]") lose their index: the field is the list.
 */
export function parsePath(path) {
  const out = { base: '', row: null, lang: null, item: null };
  let rest = String(path || '');
  const row = /^(contacts|links|delivery\.locations|delivery\.slots|delivery\.periods)\[(\d+)\](?:\.(.*))?$/.exec(rest);
  let prefix = '';
  if (row) {
    out.row = { list: row[1], index: Number(row[2]) };
    prefix = `${row[1]}.`;
    rest = row[3] || '';
  }
  const item = /^(.*)\[(\d+)\]$/.exec(rest);
  if (item) {
    rest = item[1];
    out.item = Number(item[2]);
  }
  const lang = /^(.*)\.(fi|sv|en)$/.exec(rest);
  if (lang) {
    rest = lang[1];
    out.lang = lang[2];
  }
  out.base = rest ? prefix + rest : (out.row ? out.row.list : '');
  return out;
}

/** The form control's name of a path (the list of codes for one of its items). */
export function controlName(path) {
  const p = parsePath(path);
  if (p.item === null) return path;
  return path.replace(/\[\d+\]$/, '');
}

/** A field's name for people: "Tiivistelmä (ruotsiksi)", "Yhteyshenkilö 2 – Sähköpostiosoite". */
export function fieldLabel(path) {
  const p = parsePath(path);
  let name;
  if (p.row && p.base === p.row.list) {
    name = t(`editor.rows.${ROWS[p.row.list]}.item`, { n: p.row.index + 1 });
  } else {
    const key = `editor.field.${p.base}`;
    name = has(key) ? t(key) : p.base || path;
    if (p.row) name = `${t(`editor.rows.${ROWS[p.row.list]}.item`, { n: p.row.index + 1 })} – ${name}`;
  }
  if (p.lang) name = `${name} (${t(`editor.inLanguage.${p.lang}`)})`;
  return name;
}

// The longest texts (ServiceContentValidator): for "at most N characters".
const LIMITS = {
  name: 150, summary: 500, description: 10000, 'delivery.duration': 200,
  'delivery.locations.name': 200, 'delivery.locations.address': 200, 'delivery.locations.city': 200,
  'contacts.name': 200, 'contacts.role': 200, 'links.title': 200,
};

export function textLimit(base) {
  if (base.startsWith('keywords')) return 60;
  return LIMITS[base] || 4000;
}

/** The message of a field error next to its field. */
export function errorMessage(path, code) {
  const p = parsePath(path);
  if (code === 'field.tooLong') {
    return p.base === 'keywords' ? t('editor.error.keywordTooLong', { max: 60 }) : t('editor.error.tooLong', { max: textLimit(p.base) });
  }
  if (code === 'field.tooMany') {
    if (p.base === 'keywords') return t('editor.error.tooManyKeywords', { max: 40 });
    if (p.row || ROWS[p.base]) return t('editor.error.tooManyRows', { max: 30 });
  }
  if (code === 'field.required') {
    if (p.base === 'contacts.email') return t('editor.error.contactReach');
    if (p.lang && p.lang !== 'fi' && (p.base === 'name' || p.base === 'summary')) {
      return t(`editor.error.needs.${p.base}`, { language: t(`editor.inLanguage.${p.lang}`) });
    }
    if (p.base === 'keywords') return t('editor.error.emptyKeyword');
  }
  if (code === 'field.ageRange' && p.base === 'targetGroup.ageMax') return t('editor.error.ageOrder');
  if (code === 'field.dateBeforeStart' && p.base === 'delivery.slots.end') return t('editor.error.timeOrder');
  if (code && has(code)) return t(code);
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  return t('field.invalidValue');
}

// ---- values of fields --------------------------------------------------------------------------

const CODE_LISTS = {
  categoryIds: 'category',
  'targetGroup.municipalityCodes': 'municipality',
  'targetGroup.lifeSituationIds': 'lifeSituation',
  'targetGroup.employmentStatusIds': 'employmentStatus',
  'delivery.languages': 'language',
  municipalityCodes: 'municipality',
};

/** A value of a FieldChange as people read it (names of codes, yes / no). */
export function valueText(path, raw) {
  if (raw === null || raw === undefined || raw === '') return null;
  const p = parsePath(path);
  const split = () => String(raw).split(', ').filter(Boolean);
  if (CODE_LISTS[p.base]) return split().map((id) => labelFor(CODE_LISTS[p.base], id)).join(', ');
  if (p.base === 'delivery.modes') return split().map((m) => (has(`catalogue.mode.${m}`) ? t(`catalogue.mode.${m}`) : m)).join(', ');
  if (p.base === 'cost') return has(`catalogue.cost.${raw}`) ? t(`catalogue.cost.${raw}`) : raw;
  if (p.base === 'audience') return has(`editor.audience.${raw}`) ? t(`editor.audience.${raw}`) : raw;
  if (p.base === 'delivery.slots.weekday') return WEEKDAYS.includes(Number(raw)) ? weekdayName(raw, 'long') : String(raw);
  if (p.base === 'delivery.slots.start' || p.base === 'delivery.slots.end') return timeText(raw);
  if (p.base === 'delivery.periods.kind') return has(`editor.periodKind.${raw}`) ? t(`editor.periodKind.${raw}`) : raw;
  if (raw === 'true' || raw === 'false') return t(raw === 'true' ? 'editor.yes' : 'editor.no');
  return String(raw);
}

/** The language a value is written in (a text of a LocalText, keywords), for lang="". */
function valueLanguage(path) {
  return parsePath(path).lang;
}

// ---- a content as a list of fields (a never-published service, a version) ----------------------

const ORDER = [
  'name', 'summary', 'description', 'categoryIds', 'keywords', 'cost', 'costDescription', 'accessibility', 'targetGroup',
  'delivery', 'participation', 'contacts', 'links', 'internal',
  'wheelchair', 'signLanguage', 'easyFinnish', 'notes', 'ageMin', 'ageMax', 'municipalityCodes', 'lifeSituationIds',
  'employmentStatusIds', 'modes', 'languages', 'duration', 'schedule', 'locations', 'address', 'postalCode', 'city',
  'slots', 'periods', 'weekday', 'kind', 'start', 'end',
  'howToApply', 'prerequisites', 'benefitsEffect', 'consents', 'role', 'email', 'phone', 'title', 'url', 'body', 'audience',
  ...INTERNAL_FIELDS, 'fi', 'sv', 'en',
];

function rank(key) {
  const i = ORDER.indexOf(key);
  return i < 0 ? ORDER.length : i;
}

/** Every field of a content that has a value, as FieldChanges from nothing: [{field, after}]. */
export function contentFields(content) {
  const out = [];
  const walk = (value, path) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (value.every((v) => v === null || typeof v !== 'object')) {
        if (value.length) out.push({ field: path, before: null, after: value.join(', ') });
      } else value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    if (typeof value === 'object') {
      for (const key of Object.keys(value).sort((a, b) => rank(a) - rank(b))) walk(value[key], path ? `${path}.${key}` : key);
      return;
    }
    const text = String(value);
    if (text.trim()) out.push({ field: path, before: null, after: text });
  };
  walk(content, '');
  return out;
}

// ---- differences ---------------------------------------------------------------------------------

function marked(kind, text) {
  const tag = kind === 'added' ? 'ins' : 'del';
  return h(tag, { class: `diff-${kind}` },
    h('span', { class: 'visually-hidden' }, `${t(`editor.diff.${kind}Start`)} `),
    text,
    h('span', { class: 'visually-hidden' }, ` ${t(`editor.diff.${kind}End`)}`));
}

/** The word-level runs of a text: the same words as they are, the others in <ins> / <del>. */
function wordRuns(words, lang) {
  const p = h('p', { class: 'diff-words', lang });
  words.forEach((run, i) => {
    if (i) p.append(' ');
    if (run.kind === 'same') p.append(run.text);
    else p.append(marked(run.kind === 'added' ? 'added' : 'removed', run.text));
  });
  return p;
}

/** "Ennen" and "Nyt" of a field without word runs (one word, a code list, a yes / no). */
function beforeAfter(change, { onlyAfter = false } = {}) {
  const lang = valueLanguage(change.field);
  const before = valueText(change.field, change.before);
  const after = valueText(change.field, change.after);
  if (onlyAfter) return h('p', { class: 'diff-value', lang }, after);
  const empty = () => h('span', { class: 'muted' }, t('editor.diff.empty'));
  return h('dl', { class: 'meta diff-values' },
    h('dt', {}, t('editor.diff.before')),
    h('dd', {}, before === null ? empty() : h('del', { class: 'diff-removed', lang },
      h('span', { class: 'visually-hidden' }, `${t('editor.diff.removedStart')} `), before,
      h('span', { class: 'visually-hidden' }, ` ${t('editor.diff.removedEnd')}`))),
    h('dt', {}, t('editor.diff.after')),
    h('dd', {}, after === null ? empty() : h('ins', { class: 'diff-added', lang },
      h('span', { class: 'visually-hidden' }, `${t('editor.diff.addedStart')} `), after,
      h('span', { class: 'visually-hidden' }, ` ${t('editor.diff.addedEnd')}`))));
}

/**
 * The changes of a diff as a list: each field's name as a heading (`headingLevel`), its words
 * with what was added and removed marked, or its value before and after. `onlyAfter`: a full
 * content (nothing before), shown as plain values. `highlight`: fields to mark (a conflict's
 * fields changed on both sides).
 */
export function changeList(changes, { headingLevel = 'h3', onlyAfter = false, highlight = new Set(), label } = {}) {
  return h('ul', { class: 'change-fields', 'aria-label': label || null }, changes.map((change) => {
    const words = !onlyAfter && Array.isArray(change.words) && change.words.length
      && change.before !== null && change.before !== undefined && change.after !== null && change.after !== undefined;
    const both = highlight.has(change.field);
    return h('li', { class: ['change-field', both && 'change-field--both'], dataset: { field: change.field } },
      h(headingLevel, { class: 'change-field__name' }, fieldLabel(change.field),
        both ? [' ', h('span', { class: 'badge badge--warn' }, t('editor.conflict.bothChanged'))] : null),
      words ? wordRuns(change.words, valueLanguage(change.field)) : beforeAfter(change, { onlyAfter }));
  }));
}

/** The short legend of the marks of a diff. */
export function diffLegend() {
  return h('p', { class: 'diff-legend small' },
    h('ins', { class: 'diff-added' }, t('editor.diff.legendAdded')), ', ',
    h('del', { class: 'diff-removed' }, t('editor.diff.legendRemoved')), '.');
}

/** The name of an organisation (from the user's memberships or the taxonomy). */
export function organizationName(user, id) {
  const m = ((user && user.memberships) || []).find((x) => x.organizationId === id);
  return m ? localText(m.organizationName) : labelFor('organization', id);
}

// ---- putting one's own changes on another version (after a version conflict) ---------------

function pathTokens(path) {
  const out = [];
  for (const part of String(path).split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return null;
    out.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

const LIST_FIELDS = new Set([...Object.keys(CODE_LISTS), 'delivery.modes', 'keywords']);

function parsedValue(path, raw) {
  const p = parsePath(path);
  if (LIST_FIELDS.has(p.base)) return raw ? String(raw).split(', ').filter(Boolean) : [];
  if (p.base.startsWith('accessibility.') && p.base !== 'accessibility.notes') return raw === 'true';
  if (p.base === 'targetGroup.ageMin' || p.base === 'targetGroup.ageMax') return raw === null || raw === undefined || raw === '' ? null : Number(raw);
  if (p.base === 'cost') return raw || 'free';
  if (p.base === 'delivery.slots.weekday') return Number(raw) || 1;
  return raw === null || raw === undefined ? '' : String(raw);
}

function hasText(value) {
  if (value === null || value === undefined) return false;
  if (typeof value === 'object') return Object.values(value).some(hasText);
  return String(value).trim() !== '';
}

/**
 * `content` with `changes` ([{field, after}], e.g. the editor's own side of a version conflict)
 * written into it, field by field; rows left with nothing in them are dropped.
 */
export function applyChanges(content, changes) {
  const copy = JSON.parse(JSON.stringify(content));
  for (const change of changes) {
    const tokens = pathTokens(change.field);
    if (!tokens || !tokens.length) continue;
    let node = copy;
    for (let i = 0; i < tokens.length - 1; i += 1) {
      const key = tokens[i];
      if (node[key] === null || node[key] === undefined || typeof node[key] !== 'object') node[key] = typeof tokens[i + 1] === 'number' ? [] : {};
      node = node[key];
    }
    node[tokens[tokens.length - 1]] = parsedValue(change.field, change.after);
  }
  const rows = (list) => (list || []).filter((row) => row && hasText(row));
  if (copy.contacts) copy.contacts = rows(copy.contacts);
  if (copy.links) copy.links = rows(copy.links);
  if (copy.delivery) {
    copy.delivery.locations = rows(copy.delivery.locations);
    if (copy.delivery.slots) copy.delivery.slots = rows(copy.delivery.slots);
    if (copy.delivery.periods) copy.delivery.periods = rows(copy.delivery.periods);
  }
  return copy;
}
