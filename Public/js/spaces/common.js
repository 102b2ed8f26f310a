// Words and small pieces shared by the pages of guidance spaces (docs/api.md "Guidance spaces").
import { h, uid } from '../dom.js';
import { t, localText, locale } from '../i18n.js';
import { get, enc } from '../api.js';

export const KINDS = ['oneToOne', 'group', 'network'];
export const CONSENT_METHODS = ['inPerson', 'phone', 'electronic'];

export function spaceBase(spaceId) {
  return `/api/v1/spaces/${enc(spaceId)}`;
}

export function spaceHref(spaceId) {
  return `/spaces/${enc(spaceId)}`;
}

/** "Ohjaustila" / "Ryhmäohjaustila" / "Verkostotila" */
export function kindName(kind) {
  return t(`space.kind.${KINDS.includes(kind) ? kind : 'oneToOne'}`);
}

/** "Vastuuasiantuntija" / "Asiantuntija" / "Asiakas" */
export function roleName(role) {
  return t(`space.role.${role === 'owner' || role === 'expert' || role === 'client' ? role : 'expert'}`);
}

export function sectorName(sector) {
  return sector === 'public' || sector === 'private' || sector === 'third' ? t(`space.sector.${sector}`) : '';
}

/** "Helsingin kaupunki (julkinen sektori)"; '' without an organisation. */
export function organizationText(organization) {
  if (!organization) return '';
  const name = localText(organization.name);
  const sector = sectorName(organization.sector);
  return sector ? t('space.organizationWithSector', { organization: name, sector }) : name;
}

/** "Aino Asiantuntija, Helsingin kaupunki (julkinen sektori)" or the name alone. */
export function personText(name, organization) {
  const org = organizationText(organization);
  return org ? t('space.personWithOrganization', { name, organization: org }) : name;
}

export function isExpertUser(user) {
  return Boolean(user && (user.memberships || []).some((m) => (m.roles || []).includes('expert')));
}

/** The status badge of a space ("Avoin" / "Suljettu"): a word, never colour alone. */
export function statusBadge(status) {
  const closed = status === 'closed';
  return h('span', { class: `badge ${closed ? 'badge--muted' : 'badge--success'}` }, t(closed ? 'space.status.closed' : 'space.status.open'));
}

export function kindBadge(kind) {
  return h('span', { class: 'badge badge--info' }, kindName(kind));
}

/** A file size in words: "12 kt" / "1,2 Mt". */
export function sizeText(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return t('space.files.bytes', { size: n });
  if (n < 1024 * 1024) return t('space.files.kilobytes', { size: Math.max(1, Math.round(n / 1024)) });
  const size = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(n / (1024 * 1024));
  return t('space.files.megabytes', { size });
}

/**
 * The consent text the expert reads to the client, as the server keeps it (GET /consent-text):
 * a card whose text follows setLanguage(lang). Until the server answers (or if it cannot), the
 * same words from the UI texts stand in.
 */
export function consentTextCard({ language, signal, intro = null }) {
  const body = h('p', { class: 'consent-text__body' }, t('spaceNew.consent.text'));
  const version = h('p', { class: 'muted small consent-text__version' });
  const card = h('div', { class: 'consent-text card' }, h('h3', {}, t('spaceNew.consent.textTitle')), body, version, intro ? h('p', { class: 'muted small' }, intro) : null);
  let asked = 0;
  card.setLanguage = async (lang) => {
    const mine = ++asked;
    try {
      const answer = await get(`/api/v1/consent-text?language=${enc(lang)}`, { signal });
      if (mine !== asked || !answer) return;
      body.textContent = answer.text;
      body.lang = lang;
      version.textContent = t('spaceNew.consent.version', { version: answer.version });
      card.dataset.version = answer.version;
    } catch {
      /* the UI's own words stay */
    }
  };
  card.setLanguage(language);
  return card;
}

/**
 * Who sees a message or a file of a group space (docs/api.md: privateTo): a select of "Kaikille"
 * and, for an expert, each client of the group; for a client, "Vain asiantuntijoille" (their own
 * id). null in other spaces. `onChange(value)` follows the choice; field.hint() says who sees it.
 */
export function audienceField({ space, me, name = 'privateTo', onChange = () => {} }) {
  if (space.kind !== 'group') return null;
  const id = uid(`f-${name}`);
  const hintId = `${id}-hint`;
  const select = h('select', { id, name, 'aria-describedby': hintId });
  const hint = h('span', { class: 'hint', id: hintId });
  const wrapper = h('div', { class: 'field field--audience', dataset: { field: name } },
    h('label', { for: id }, t('space.audience.label')), hint, select);
  const clientName = (userId) => {
    const member = (space.members || []).find((m) => m.userId === userId);
    return member ? member.displayName : '';
  };
  const describe = () => {
    const value = select.value;
    if (!value) hint.textContent = t('space.audience.allHint');
    else if (value === me.id) hint.textContent = t('space.audience.expertsHint');
    else hint.textContent = t('space.audience.clientHint', { name: clientName(value) });
  };
  wrapper.setSpace = (next) => {
    space = next;
    const was = select.value;
    const options = [h('option', { value: '' }, t('space.audience.all'))];
    if (space.role === 'client') {
      options.push(h('option', { value: me.id }, t('space.audience.experts')));
    } else {
      const clients = (space.members || []).filter((m) => m.role === 'client')
        .sort((a, b) => a.displayName.localeCompare(b.displayName));
      for (const m of clients) options.push(h('option', { value: m.userId }, t('space.audience.client', { name: m.displayName })));
    }
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === was) ? was : '';
    describe();
  };
  select.addEventListener('change', () => {
    describe();
    onChange(select.value);
  });
  wrapper.value = () => select.value || null;
  wrapper.reset = () => {
    select.value = '';
    describe();
  };
  wrapper.setSpace(space);
  return wrapper;
}

/** "Yksityinen viesti – vain sinä ja asiantuntijat näette sen" / "… vain Kalle Asiakas ja asiantuntijat". */
export function privateLabel(audienceId, me, nameOf, what = 'message') {
  const text = audienceId === me.id
    ? t(`space.private.${what}.toMe`)
    : t(`space.private.${what}.to`, { name: nameOf(audienceId) });
  return h('span', { class: 'badge badge--private' }, text);
}

/** A notice (success, error …) of one paragraph: a panel's status and problem regions show these. */
export function notice(kind, ...content) {
  return h('div', { class: `notice notice--${kind}` }, h('p', {}, ...content));
}

/** Element.append without the left-out parts (null would become the text "null"). */
export function append(parent, ...children) {
  parent.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A labelled <textarea> shaped as forms.field() makes fields (so that field errors find it). */
export function textareaField({ name, label, hint, maxlength, rows = 3 }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const control = h('textarea', { id, name, rows: String(rows), maxlength: String(maxlength), 'aria-describedby': hintId });
  const wrapper = h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'field-error', id: `${id}-error` }),
    control);
  wrapper.control = control;
  return wrapper;
}

/** A function that runs `fn` once, `delay` ms after the last call (a burst of events: one load). */
export function debounce(fn, delay, signal) {
  let timer = null;
  if (signal) signal.addEventListener('abort', () => window.clearTimeout(timer), { once: true });
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, delay);
  };
}
