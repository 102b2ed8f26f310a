// Meetings and free slots (docs/api.md "Meetings, slots and calendars"): the "Tapaamiset" panel of a
// space, the client's "Varaa aika" panel, and the pieces that the "Omat tapaamiset" page (/meetings)
// and the expert's "Vapaat aikani" page (/meetings/slots) share.
//
// - A meeting says when (in Europe/Helsinki, with the weekday), how long, how (in person at an
//   address, by phone, by video with a link that opens), who takes part and what each answered,
//   and has its .ics file. A participant answers "Tulen" / "En pääse" or proposes another time;
//   an expert books, changes and cancels meetings; a client cancels a meeting they booked from a
//   free slot (until the notice period: the server says when it is too late).
// - Free slots: the client sees the bookable times of their space's experts grouped by day and
//   books one; when somebody else was quicker, the list is loaded again and says so.
// - Times typed in are Helsinki times, whatever zone the browser is in.
//
// An expert's read of a space's meetings goes to the client's access log, so an expert's panel
// loads its data only when it is opened (a client's is open from the start).
import { h, uid, setLive } from '../dom.js';
import { t, has, getLanguage, locale } from '../i18n.js';
import { post, patch, getAll, enc, ApiError } from '../api.js';
import { formatDateTime, formatDay } from '../format.js';
import { confirmDialog, formDialog } from '../dialog.js';
import { field, checkboxGroup, radioGroup, radioValue, checkedValues, formError, showFieldErrors, showApiError, value, busy, clearErrors } from '../forms.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { focusElement } from '../ui/rows.js';
import { panel, listPanel } from './panels.js';
import { spaceBase, spaceHref, roleName, notice, append, textareaField, debounce } from './common.js';

export const MEETING_KINDS = ['inPerson', 'phone', 'video'];
export const MEETING_EVENTS = ['meetingAdded', 'meetingChanged', 'meetingCancelled', 'meetingResponded'];
export const DURATIONS = [15, 30, 45, 60, 90, 120];
const ZONE = 'Europe/Helsinki';
const TITLE_MAX = 200;
const LOCATION_MAX = 500;
const REASON_MAX = 1000;
const REFRESH_DELAY = 300;

// ---- times in Helsinki -----------------------------------------------------------------------

function wallParts(ms) {
  const out = {};
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  for (const p of format.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

/** The values of a date and a time input for an instant, in Helsinki: {day: "2026-11-24", time: "14:30"}. */
export function helsinkiInputs(iso) {
  const p = wallParts(new Date(iso).getTime());
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** The instant (ISO, UTC) of a day ("2026-11-24") and a time ("14:30") in Helsinki; undefined for a bad value. */
export function helsinkiIso(day, time) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  const tm = /^(\d{2}):(\d{2})/.exec(time || '');
  if (!d || !tm) return undefined;
  const [year, month, date, hour, minute] = [d[1], d[2], d[3], tm[1], tm[2]].map(Number);
  if (hour > 23 || minute > 59) return undefined;
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  if (new Date(wall).getUTCDate() !== date) return undefined;
  const offset = (ms) => {
    const p = wallParts(ms);
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - ms;
  };
  // the offset at the guess, then again at the instant found (a day on which summer time starts)
  let instant = wall - offset(wall);
  instant = wall - offset(instant);
  return new Date(instant).toISOString();
}

/** "14.30" (fi, sv) or "14:30" (en), in Helsinki. */
export function clockTime(iso) {
  const en = getLanguage() === 'en';
  const p = {};
  const format = new Intl.DateTimeFormat(locale(), { timeZone: ZONE, hour: en ? '2-digit' : 'numeric', minute: '2-digit', hourCycle: 'h23' });
  for (const x of format.formatToParts(new Date(iso))) p[x.type] = x.value;
  return `${p.hour}${en ? ':' : '.'}${p.minute}`;
}

/** "ti 24.11. klo 14.30–15.30" (the end's day too when it is another day). */
export function meetingWhen(meeting) {
  const sameDay = helsinkiInputs(meeting.startsAt).day === helsinkiInputs(meeting.endsAt).day;
  return `${formatDateTime(meeting.startsAt)}–${sameDay ? clockTime(meeting.endsAt) : formatDateTime(meeting.endsAt)}`;
}

/** "klo 9.00–9.45" */
export function timeRange(item) {
  return t('slot.timeRange', { start: clockTime(item.startsAt), end: clockTime(item.endsAt) });
}

export function kindName(kind) {
  return t(`meeting.kind.${MEETING_KINDS.includes(kind) ? kind : 'inPerson'}`);
}

export function durationText(minutes) {
  return t('meeting.duration', { minutes });
}

// ---- errors ----------------------------------------------------------------------------------

/** The text of a failed request: the meeting's and slot's own codes first ("slot.taken" …). */
export function meetingMessage(error) {
  if (error instanceof ApiError) {
    const [prefix, ...rest] = String(error.code || '').split('.');
    const key = `${prefix}.error.${rest.join('.')}`;
    if ((prefix === 'meeting' || prefix === 'slot') && rest.length && has(key)) return t(key);
  }
  return requestMessage(error);
}

/** An API error on a form: field errors next to their fields (a video link that is not https gets
 *  the meeting's own words), the rest in the form's error box in the meeting's words. */
export function showMeetingError(form, error, { aliases = {}, message = null } = {}) {
  if (error instanceof ApiError) {
    for (const e of error.errors) if (e.code === 'field.invalidUrl') e.code = 'meeting.invalid';
  }
  const validation = error instanceof ApiError && error.status === 422 && error.errors.length > 0;
  showApiError(form, error, { aliases, message: validation ? undefined : message || meetingMessage(error) });
}

/** Rows drawn again in `list`; the focus goes back to the same control (data-action) of the same
 *  row (data-row), else to the row, else to `fallback()`. */
function redraw(list, rows, fallback) {
  const active = document.activeElement;
  const activeRow = active && list.contains(active) ? active.closest('[data-row]') : null;
  const focus = activeRow ? { id: activeRow.dataset.row, action: active.dataset.action || null } : null;
  list.replaceChildren(...rows);
  if (!focus) return;
  const row = list.querySelector(`[data-row="${CSS.escape(focus.id)}"]`);
  const control = row && focus.action ? row.querySelector(`[data-action="${focus.action}"]`) : null;
  focusElement(control || (row && row.querySelector('h2, h3')) || (fallback ? fallback() : null));
}

/** A day and a time side by side, in one fieldset (its errors are on `name`). */
export function dayTimeFields({ name, timeName, legend, hint, day = '', time = '' }) {
  const dayId = uid(`f-${name}`);
  const timeId = uid(`f-${timeName}`);
  const hintId = uid(`${name}-hint`);
  return h('fieldset', { class: 'field day-time', dataset: { field: name }, 'aria-describedby': hintId },
    h('legend', {}, legend),
    h('span', { class: 'hint', id: hintId }, hint || t('meeting.timeHint')),
    h('span', { class: 'field-error', id: `${hintId}-error` }),
    h('div', { class: 'day-time__parts' },
      h('div', { class: 'day-time__part' }, h('label', { for: dayId }, t('meeting.day')), h('input', { type: 'date', id: dayId, name, value: day })),
      h('div', { class: 'day-time__part' }, h('label', { for: timeId }, t('meeting.time')), h('input', { type: 'time', id: timeId, name: timeName, value: time }))));
}

export function durationField({ name, value: chosen = 60 }) {
  const options = DURATIONS.includes(chosen) ? DURATIONS : [...DURATIONS, chosen].sort((a, b) => a - b);
  return field({ name, type: 'select', label: t('meeting.durationLabel'), value: String(chosen), options: options.map((m) => ({ value: String(m), label: durationText(m) })) });
}

/**
 * The kind (radio buttons) and the place, whose label and hint follow the kind: an address, a
 * phone number or other details, a video link. → {kinds, place}
 */
export function kindAndPlace({ kindField, placeName, kind = 'inPerson', location = '' }) {
  const kinds = radioGroup({ name: kindField, legend: t('meeting.kindLabel'), options: MEETING_KINDS.map((k) => ({ value: k, label: kindName(k) })), value: kind });
  const place = field({ name: placeName, label: t(`meeting.place.${kind}`), hint: t(`meeting.placeHint.${kind}`), value: location, attrs: { maxlength: String(LOCATION_MAX), autocomplete: 'off' } });
  const label = place.querySelector('label');
  const hint = place.querySelector('.hint');
  const follow = () => {
    const box = kinds.querySelector('input:checked');
    const k = box ? box.value : kind;
    label.textContent = t(`meeting.place.${k}`);
    hint.textContent = t(`meeting.placeHint.${k}`);
    place.control.inputMode = k === 'video' ? 'url' : k === 'phone' ? 'tel' : 'text';
  };
  for (const box of kinds.querySelectorAll('input')) box.addEventListener('change', follow);
  follow();
  return { kinds, place };
}

/** Problems of a place for the kind: a video link is https://… */
export function placeProblems(kind, location, name) {
  if (kind === 'video' && location && !/^https:\/\/[^\s/]+\S*$/i.test(location)) return [{ field: name, code: 'meeting.invalid' }];
  return [];
}

/**
 * A dialog with a form of its own (dialog.js formDialog): its own words on both buttons ("Peru
 * tapaaminen" / "Älä peru"), the meeting's words for errors. Resolves with onSubmit's result, or
 * null when closed.
 */
function actionDialog({ aliases = {}, ...options }) {
  return formDialog({
    ...options,
    onError: (form, error) => {
      if (!isAbort(error)) showMeetingError(form, error, { aliases });
    },
  });
}

// ---- one meeting -----------------------------------------------------------------------------

const RESPONSE_BADGE = { pending: 'muted', accepted: 'success', declined: 'warn', proposed: 'info' };

function responseBadge(p) {
  const text = p.response === 'proposed' && p.proposedStartsAt
    ? t('meeting.response.proposedAt', { when: formatDateTime(p.proposedStartsAt) })
    : t(`meeting.response.${RESPONSE_BADGE[p.response] ? p.response : 'pending'}`);
  return h('span', { class: `badge badge--${RESPONSE_BADGE[p.response] || 'muted'} meeting__response` }, text);
}

/** " (sinä, asiantuntija)" after a participant's name. */
function personTags(p, me) {
  const tags = [];
  if (p.userId === me.id) tags.push(t('meeting.you'));
  if (p.isExpert) tags.push(roleName('expert').toLocaleLowerCase(locale()));
  return tags.length ? h('span', { class: 'muted small' }, ` (${tags.join(', ')})`) : null;
}

/** Has the meeting ended (it is shown until the day after)? */
function isOver(meeting) {
  return new Date(meeting.endsAt).getTime() < Date.now();
}

/**
 * One meeting as a list item. `isExpert`: the reader may change and cancel it; `writable`: the space
 * is open. Changes are made here; onChanged(fresh, text) gets the answer and what to say,
 * onError(error) a failure.
 */
export function meetingItem(meeting, { me, isExpert, writable = true, showSpace = false, headingLevel = 'h3', nameOf = null, signal, onChanged, onError, onWrite = () => {} }) {
  const titleId = uid('meeting');
  const cancelled = meeting.status === 'cancelled';
  const over = !cancelled && isOver(meeting);
  const mine = (meeting.participants || []).find((p) => p.userId === me.id);
  const title = meeting.title || t('meeting.untitled');
  const li = h('li', {
    class: ['meeting', cancelled ? 'meeting--cancelled' : '', over ? 'meeting--over' : ''],
    dataset: { row: meeting.id, meetingId: meeting.id, status: meeting.status, kind: meeting.kind },
  });
  const badges = [];
  if (cancelled) badges.push(h('span', { class: 'badge badge--cancelled' }, t('meeting.cancelledBadge')));
  if (over) badges.push(h('span', { class: 'badge badge--muted' }, t('meeting.overBadge')));
  if (meeting.audienceId && nameOf) {
    badges.push(h('span', { class: 'badge badge--private' }, meeting.audienceId === me.id
      ? t('meeting.privateToMe') : t('meeting.privateTo', { name: nameOf(meeting.audienceId) })));
  }
  if (meeting.slotId) badges.push(h('span', { class: 'badge badge--info' }, t('meeting.bookedBadge')));

  let place = null;
  if (meeting.kind === 'video') {
    place = meeting.location
      ? h('p', { class: 'meeting__place' }, h('a', { href: meeting.location, target: '_blank', rel: 'noopener noreferrer', 'data-external': '' }, t('meeting.videoLink')),
        h('span', { class: 'muted small' }, ` ${t('meeting.opensNewTab')}`))
      : h('p', { class: 'meeting__place muted' }, t('meeting.videoLinkLater'));
  } else if (meeting.location) {
    place = h('p', { class: 'meeting__place' }, t(meeting.kind === 'phone' ? 'meeting.phoneIs' : 'meeting.placeIs', { place: meeting.location }));
  }

  append(li,
    h(headingLevel, { class: 'meeting__title', id: titleId }, title),
    showSpace ? h('p', { class: 'meeting__space' }, t('tasks.inSpace'), ' ', h('a', { href: `${spaceHref(meeting.spaceId)}#meetings` }, meeting.spaceTitle)) : null,
    badges.length ? h('p', { class: 'meeting__badges' }, ...badges.flatMap((b, i) => (i ? [' ', b] : [b]))) : null,
    h('p', { class: 'meeting__when' },
      h('time', { datetime: meeting.startsAt }, meetingWhen(meeting)), ' ',
      h('span', { class: 'meeting__duration' }, t('meeting.durationInBrackets', { duration: durationText(meeting.durationMinutes) }))),
    h('p', { class: 'meeting__kind' }, h('strong', {}, kindName(meeting.kind))),
    place,
    cancelled && meeting.cancelReason ? h('p', { class: 'meeting__reason' }, t('meeting.reasonIs', { reason: meeting.cancelReason })) : null,
    (meeting.participants || []).length
      ? h('div', { class: 'meeting__people' },
        h('p', { class: 'meeting__people-title' }, t('meeting.participants')),
        h('ul', { class: 'meeting__people-list' }, meeting.participants.map((p) => h('li', { dataset: { userId: p.userId, response: p.response } },
          h('span', { class: 'meeting__person' }, p.displayName, personTags(p, me)),
          ' ', cancelled ? null : responseBadge(p)))))
      : null);

  const say = (fresh, text) => {
    if (onChanged) onChanged(fresh, text);
  };
  const fail = (error) => {
    if (!isAbort(error) && onError) onError(error);
  };
  const base = `/api/v1/meetings/${enc(meeting.id)}`;

  // the participant's answer
  if (mine && !cancelled && !over && writable) {
    const labelId = uid('answer');
    const current = mine.response === 'proposed' && mine.proposedStartsAt
      ? t('meeting.yourAnswerProposed', { when: formatDateTime(mine.proposedStartsAt) })
      : t(`meeting.yourAnswer.${RESPONSE_BADGE[mine.response] ? mine.response : 'pending'}`);
    const group = h('div', { class: 'actions meeting__answer', role: 'group', 'aria-labelledby': `${labelId} ${titleId}` });
    const answer = (response, label) => {
      const b = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-pressed': String(mine.response === response), dataset: { action: response } }, label);
      b.addEventListener('click', async () => {
        if (b.getAttribute('aria-disabled') === 'true') return;
        b.setAttribute('aria-disabled', 'true');
        try {
          onWrite(meeting.id);
          const fresh = await post(`${base}/respond`, { response }, { signal });
          say(fresh, t(`meeting.answered.${response}`, { title }));
        } catch (error) {
          fail(error);
        } finally {
          b.removeAttribute('aria-disabled');
        }
      });
      group.appendChild(b);
    };
    answer('accepted', t('meeting.accept'));
    answer('declined', t('meeting.decline'));
    const propose = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-pressed': String(mine.response === 'proposed'), dataset: { action: 'propose' } }, t('meeting.propose'));
    propose.addEventListener('click', () => proposeTime());
    group.appendChild(propose);
    li.append(h('p', { class: 'meeting__your-answer', id: labelId }, current), group);
  }

  const actions = h('div', { class: 'actions meeting__actions' },
    h('a', { class: 'btn btn--secondary', href: `${base}/ics`, download: '', 'aria-describedby': titleId, dataset: { action: 'ics' } },
      t('meeting.download')));
  const tool = (action, label, fn, danger = false) => {
    const b = h('button', { type: 'button', class: `btn ${danger ? 'btn--danger-outline' : 'btn--secondary'}`, 'aria-describedby': titleId, dataset: { action } }, label);
    b.addEventListener('click', fn);
    actions.appendChild(b);
  };
  if (!cancelled && !over && writable && isExpert) {
    tool('edit', t('meeting.edit'), () => edit());
    tool('cancel', t('meeting.cancel'), () => cancel(), true);
  } else if (!cancelled && !over && writable && meeting.slotId && mine && !mine.isExpert) {
    tool('cancel', t('meeting.cancelBooking'), () => cancel(), true);
  }
  li.appendChild(actions);

  async function proposeTime() {
    const start = helsinkiInputs(meeting.startsAt);
    const id = uid('f-proposedAt');
    const input = h('input', { type: 'datetime-local', id, name: 'proposedAt', value: `${start.day}T${start.time}`, 'aria-describedby': `${id}-hint` });
    const wrapper = h('div', { class: 'field', dataset: { field: 'proposedAt' } },
      h('label', { for: id }, t('meeting.proposedLabel')),
      h('span', { class: 'hint', id: `${id}-hint` }, t('meeting.proposedHint')),
      h('span', { class: 'field-error', id: `${id}-error` }),
      input);
    const fresh = await actionDialog({
      title: t('meeting.proposeTitle', { title }),
      text: t('meeting.proposeText', { when: meetingWhen(meeting) }),
      fields: [wrapper],
      submitLabel: t('meeting.proposeSubmit'),
      signal,
      aliases: { proposedStartsAt: 'proposedAt' },
      validate: (form) => {
        const [day, time] = value(form, 'proposedAt').split('T');
        const iso = helsinkiIso(day, time);
        const problems = [];
        if (!value(form, 'proposedAt')) problems.push({ field: 'proposedAt', code: 'meeting.required' });
        else if (!iso) problems.push({ field: 'proposedAt', code: 'meeting.invalid' });
        else if (new Date(iso).getTime() < Date.now()) problems.push({ field: 'proposedAt', code: 'meeting.past' });
        return showFieldErrors(form, problems);
      },
      onSubmit: (form) => {
        const [day, time] = value(form, 'proposedAt').split('T');
        onWrite(meeting.id);
        return post(`${base}/respond`, { response: 'proposed', proposedStartsAt: helsinkiIso(day, time) }, { signal });
      },
    });
    if (fresh) say(fresh, t('meeting.answered.proposed', { title }));
  }

  async function edit() {
    const start = helsinkiInputs(meeting.startsAt);
    const { kinds, place } = kindAndPlace({ kindField: 'meetingKind', placeName: 'meetingLocation', kind: meeting.kind, location: meeting.location });
    const titleField = field({ name: 'meetingTitle', label: t('meeting.titleField'), hint: t('meeting.titleHint'), value: meeting.title, attrs: { maxlength: String(TITLE_MAX), autocomplete: 'off' } });
    const when = dayTimeFields({ name: 'meetingDate', timeName: 'meetingTime', legend: t('meeting.when'), day: start.day, time: start.time });
    const duration = durationField({ name: 'meetingDuration', value: meeting.durationMinutes });
    const fresh = await actionDialog({
      title: t('meeting.editTitle', { title }),
      text: t('meeting.editText'),
      fields: [when, duration, kinds, place, titleField],
      submitLabel: t('meeting.save'),
      signal,
      aliases: { startsAt: 'meetingDate', durationMinutes: 'meetingDuration', kind: 'meetingKind', location: 'meetingLocation', title: 'meetingTitle' },
      validate: (form) => showFieldErrors(form, [...timeProblems(form, 'meetingDate', 'meetingTime'),
        ...placeProblems(radioValue(form, 'meetingKind'), value(form, 'meetingLocation').trim(), 'meetingLocation'),
        ...titleProblems(value(form, 'meetingTitle'), 'meetingTitle')]),
      onSubmit: (form) => {
        const body = {};
        const startsAt = helsinkiIso(value(form, 'meetingDate'), value(form, 'meetingTime'));
        if (new Date(startsAt).getTime() !== new Date(meeting.startsAt).getTime()) body.startsAt = startsAt;
        const minutes = Number(value(form, 'meetingDuration'));
        if (minutes !== meeting.durationMinutes) body.durationMinutes = minutes;
        const kind = radioValue(form, 'meetingKind');
        if (kind !== meeting.kind) body.kind = kind;
        const location = value(form, 'meetingLocation').trim();
        if (location !== meeting.location) body.location = location;
        const newTitle = value(form, 'meetingTitle').trim();
        if (newTitle !== meeting.title) body.title = newTitle;
        if (!Object.keys(body).length) return Promise.resolve(meeting);
        onWrite(meeting.id);
        return patch(base, body, { signal });
      },
    });
    if (fresh) say(fresh, t('meeting.changed', { title: fresh.title || t('meeting.untitled'), when: meetingWhen(fresh) }));
  }

  async function cancel() {
    const byClient = !isExpert;
    const reason = textareaField({ name: 'reason', label: t('meeting.reasonField'), hint: t('meeting.reasonHint'), maxlength: REASON_MAX, rows: 3 });
    const fresh = await actionDialog({
      title: t(byClient ? 'meeting.cancelBookingTitle' : 'meeting.cancelTitle', { when: meetingWhen(meeting) }),
      text: t(byClient ? 'meeting.cancelBookingText' : 'meeting.cancelText'),
      fields: [reason],
      submitLabel: t(byClient ? 'meeting.cancelBooking' : 'meeting.cancel'),
      cancelLabel: t('meeting.keep'),
      danger: true,
      signal,
      validate: (form) => showFieldErrors(form, []),
      onSubmit: (form) => {
        const text = value(form, 'reason').trim();
        onWrite(meeting.id);
        return post(`${base}/cancel`, text ? { reason: text } : {}, { signal });
      },
    });
    if (fresh) say(fresh, t('meeting.cancelledDone', { when: meetingWhen(fresh) }));
  }

  return li;
}

/** Problems of a day and a time fieldset: both given, a real time, not past. */
export function timeProblems(form, dayName, timeName) {
  const day = value(form, dayName);
  const time = value(form, timeName);
  if (!day || !time) return [{ field: dayName, code: 'meeting.required' }];
  const iso = helsinkiIso(day, time);
  if (!iso) return [{ field: dayName, code: 'meeting.invalid' }];
  if (new Date(iso).getTime() < Date.now()) return [{ field: dayName, code: 'meeting.past' }];
  return [];
}

function titleProblems(title, name) {
  return /[\r\n]/.test(title) ? [{ field: name, code: 'meeting.invalid' }] : [];
}

/** The conversation's note of a meeting event: "Aino Asiantuntija sopi tapaamisen: …". */
export function meetingNote(event, { me, nameOf }) {
  const d = event.data || {};
  const byMe = event.actorId === me.id;
  const you = byMe ? 'ByYou' : '';
  const name = event.actorId ? nameOf(event.actorId) : t('space.someone');
  const title = d.title || t('meeting.untitled');
  const when = d.startsAt && d.endsAt ? meetingWhen(d) : d.startsAt ? formatDateTime(d.startsAt) : '';
  switch (event.kind) {
    case 'meetingAdded':
      return t(`meeting.event.added${you}`, { name, title, when });
    case 'meetingChanged':
      return t(`meeting.event.changed${you}`, { name, title, when });
    case 'meetingCancelled':
      return t(`meeting.event.cancelled${you}`, { name, title, when });
    default: {
      const response = ['accepted', 'declined', 'proposed'].includes(d.response) ? d.response : 'accepted';
      return t(`meeting.event.${response}${you}`, { name, title, when });
    }
  }
}

// ---- the space's meetings panel --------------------------------------------------------------

/**
 * meetingsPanel({ctx, getSpace, me, nameOf, open}) → panel with refresh(event) (load again when
 * loaded, unless the event is this page's own change coming back) and setSpace(space).
 */
export function meetingsPanel({ ctx, getSpace, me, nameOf, open = false }) {
  const base = spaceBase(getSpace().id);
  let items = [];
  const { details, ui, summary, isExpert, writable, wrote, load } = listPanel({
    ctx,
    getSpace,
    me,
    id: 'meetings',
    title: t('meeting.panelTitle'),
    open,
    list: { className: 'meeting-list', label: t('meeting.listLabel') },
    empty: (expert) => t(expert ? 'meeting.emptyExpert' : 'meeting.empty'),
    intro: (expert) => t(expert ? 'meeting.introExpert' : 'meeting.intro'),
    read: () => getAll(`${base}/meetings`, { signal: ctx.signal }),
    show: (meetings) => {
      items = meetings;
      render();
    },
    render,
    message: meetingMessage,
    form: () => [meetingForm(), h('p', { class: 'meeting-slots-link' }, h('a', { href: '/meetings/slots' }, t('slot.manageLink')))],
    echoKeys: ['meetingId'],
    // a change made elsewhere: loaded again once any dialog opened from the list is closed
    holdWhileDialog: true,
  });

  function render() {
    redraw(ui.list, items.map(row), summary);
    ui.empty.hidden = items.length > 0;
    const coming = items.filter((m) => m.status === 'scheduled' && !isOver(m)).length;
    details.setTitle(coming ? t('meeting.panelTitleCount', { count: coming }) : t('meeting.panelTitle'));
  }

  function row(meeting) {
    return meetingItem(meeting, {
      me,
      isExpert: isExpert(),
      writable: writable(),
      nameOf: getSpace().kind === 'group' ? nameOf : null,
      signal: ctx.signal,
      onWrite: wrote,
      onChanged: (fresh, text) => {
        items = items.map((m) => (m.id === fresh.id ? fresh : m));
        render();
        setLive(ui.problem, '');
        setLive(ui.status, notice('success', text));
      },
      onError: (error) => {
        setLive(ui.problem, notice('error', meetingMessage(error)));
        if (error instanceof ApiError && (error.status === 404 || error.status === 409)) load();
      },
    });
  }

  // -- booking a meeting (experts) --

  function meetingForm() {
    const headingId = uid('meeting-add');
    const status = h('div', { class: 'live-region', role: 'status' });
    const { kinds, place } = kindAndPlace({ kindField: 'meetingKind', placeName: 'meetingLocation' });
    const people = h('div', { class: 'meeting-people-field' });
    const groupNote = h('p', { class: 'hint', hidden: true }, t('meeting.groupPrivateHint'));
    const form = h('form', { novalidate: true, class: 'meeting-add', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t('meeting.add')),
      formError(),
      dayTimeFields({ name: 'meetingDate', timeName: 'meetingTime', legend: t('meeting.when') }),
      durationField({ name: 'meetingDuration', value: 60 }),
      kinds,
      place,
      people,
      groupNote,
      field({ name: 'meetingTitle', label: t('meeting.titleField'), hint: t('meeting.titleHint'), attrs: { maxlength: String(TITLE_MAX), autocomplete: 'off' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary' }, t('meeting.submit'))),
      status);

    let others = [];
    function fillPeople() {
      const was = people.querySelector('fieldset') ? checkedValues(form, 'participantIds') : null;
      const order = { client: 0, owner: 1, expert: 1 };
      others = [...(getSpace().members || [])].filter((m) => m.userId !== me.id)
        .sort((a, b) => (order[a.role] - order[b.role]) || a.displayName.localeCompare(b.displayName, locale()));
      const clients = others.filter((m) => m.role === 'client');
      const values = was || (clients.length === 1 ? [clients[0].userId] : []);
      people.replaceChildren(checkboxGroup({
        name: 'participantIds',
        legend: t('meeting.participantsField'),
        hint: t('meeting.participantsHint'),
        options: others.map((m) => ({ value: m.userId, label: t('meeting.memberWithRole', { name: m.displayName, role: roleName(m.role).toLocaleLowerCase(locale()) }) })),
        values,
      }));
      groupNote.hidden = getSpace().kind !== 'group';
    }
    fillPeople();
    form.setSpace = fillPeople;

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const participantIds = checkedValues(form, 'participantIds');
      const kind = radioValue(form, 'meetingKind');
      const location = value(form, 'meetingLocation').trim();
      const title = value(form, 'meetingTitle').trim();
      const problems = [...timeProblems(form, 'meetingDate', 'meetingTime')];
      problems.push(...placeProblems(kind, location, 'meetingLocation'));
      if (!participantIds.length) problems.push({ field: 'participantIds', code: 'meeting.required' });
      problems.push(...titleProblems(title, 'meetingTitle'));
      if (showFieldErrors(form, problems)) return;
      const body = {
        startsAt: helsinkiIso(value(form, 'meetingDate'), value(form, 'meetingTime')),
        durationMinutes: Number(value(form, 'meetingDuration')),
        kind,
        participantIds,
      };
      if (location) body.location = location;
      if (title) body.title = title;
      const done = busy(form);
      if (!done) return;
      setLive(status, '');
      try {
        const meeting = await post(`${base}/meetings`, body, { signal: ctx.signal });
        wrote(meeting.id);
        done();
        clearErrors(form);
        for (const name of ['meetingDate', 'meetingTime', 'meetingTitle', 'meetingLocation']) form.elements.namedItem(name).value = '';
        setLive(status, notice('success', t('meeting.added', { when: meetingWhen(meeting) })));
        if (!items.some((m) => m.id === meeting.id)) items = [...items, meeting].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
        render();
        focusElement(form.elements.namedItem('meetingDate'));
      } catch (error) {
        done();
        if (isAbort(error)) return;
        const aliases = { startsAt: 'meetingDate', durationMinutes: 'meetingDuration', kind: 'meetingKind', location: 'meetingLocation', title: 'meetingTitle', privateTo: 'participantIds' };
        participantIds.forEach((_, i) => {
          aliases[`participantIds[${i}]`] = 'participantIds';
        });
        let message = null;
        if (error instanceof ApiError && error.code === 'meeting.conflict' && error.errors.length) {
          // the busy ones by name ("participantIds[1]"); the caller is "startsAt"
          const names = [];
          let callerBusy = false;
          for (const e of error.errors) {
            const m = /^participantIds\[(\d+)\]$/.exec(e.field || '');
            const person = m ? others.find((o) => o.userId === participantIds[Number(m[1])]) : null;
            if (person) names.push(person.displayName);
            else callerBusy = true;
          }
          if (callerBusy && !names.length) message = t('meeting.error.conflictYou');
          else message = t('meeting.error.conflictWith', { names: [...new Set(names)].join(', ') + (callerBusy ? `, ${t('space.you').toLocaleLowerCase(locale())}` : '') });
        }
        showMeetingError(form, error, { aliases, message });
      }
    });
    return form;
  }

  if (open) details.load();
  return details;
}

// ---- free slots ------------------------------------------------------------------------------

/** Slots grouped by their day in Helsinki: [{day: "2026-11-24", slots: [Slot]}], in time order. */
export function byDay(slots) {
  const days = new Map();
  for (const s of [...slots].sort((a, b) => a.startsAt.localeCompare(b.startsAt))) {
    const day = helsinkiInputs(s.startsAt).day;
    if (!days.has(day)) days.set(day, []);
    days.get(day).push(s);
  }
  return [...days].map(([day, list]) => ({ day, slots: list }));
}

/** "Puhelinaika · Aino Asiantuntija" and the place. */
export function slotDetails(slot, { withExpert = true } = {}) {
  return [
    h('p', { class: 'slot__kind' }, kindName(slot.kind), withExpert && slot.expertName ? ` · ${slot.expertName}` : ''),
    slot.location && slot.kind !== 'video' ? h('p', { class: 'slot__place muted small' }, slot.location) : null,
  ];
}

/**
 * The client's "Varaa aika" panel: the free times of the space's experts by day, one tap (and a
 * confirmation) books one. onBooked(meeting) follows a booking.
 */
export function bookingPanel({ ctx, getSpace, open = false, onBooked = () => {} }) {
  const spaceId = getSpace().id;
  let slots = [];
  let loaded = false;
  let ui = null;
  const details = panel({ id: 'book', title: t('slot.bookTitle'), open, signal: ctx.signal, onFirstOpen: build });
  const summary = () => details.querySelector('summary');

  function build(body) {
    const status = h('div', { class: 'live-region', role: 'status' });
    const problem = h('div', { class: 'live-region', role: 'alert' });
    const days = h('div', { class: 'slot-days' });
    const empty = h('p', { class: 'muted', hidden: true }, t('slot.noneFree'));
    body.append(h('p', { class: 'hint' }, t('slot.bookIntro')), problem, status, days, empty);
    ui = { status, problem, days, empty };
    load();
  }

  async function load() {
    if (!ui) return;
    ui.days.setAttribute('aria-busy', 'true');
    try {
      slots = await getAll(`/api/v1/slots?spaceId=${enc(spaceId)}`, { signal: ctx.signal, max: 300 });
      loaded = true;
      render();
    } catch (error) {
      if (!isAbort(error)) setLive(ui.problem, notice('error', meetingMessage(error)));
    } finally {
      ui.days.removeAttribute('aria-busy');
    }
  }

  function render() {
    const free = slots.filter((s) => !s.booked);
    const hadFocus = ui.days.contains(document.activeElement);
    const focusedId = hadFocus ? (document.activeElement.closest('[data-row]') || {}).dataset : null;
    ui.days.replaceChildren(...byDay(free).map(({ day, slots: list }) => {
      const headingId = uid('slot-day');
      return h('section', { class: 'slot-day', 'aria-labelledby': headingId },
        h('h3', { class: 'slot-day__title', id: headingId }, formatDay(list[0].startsAt)),
        h('ul', { class: 'slot-list' }, list.map((s) => slotRow(s, headingId))));
    }));
    ui.empty.hidden = free.length > 0;
    details.setTitle(free.length ? t('slot.bookTitleCount', { count: free.length }) : t('slot.bookTitle'));
    if (hadFocus && !ui.days.contains(document.activeElement)) {
      const same = focusedId && focusedId.row ? ui.days.querySelector(`[data-row="${CSS.escape(focusedId.row)}"] button`) : null;
      focusElement(same || ui.days.querySelector('button') || summary());
    }
  }

  function slotRow(slot, dayId) {
    const timeId = uid('slot');
    const book = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': `${dayId} ${timeId}`, dataset: { action: 'book' } }, t('slot.book'));
    book.addEventListener('click', () => bookSlot(slot, book));
    return h('li', { class: 'slot', dataset: { row: slot.id, slotId: slot.id } },
      h('div', { class: 'slot__text' },
        h('p', { class: 'slot__time', id: timeId }, h('time', { datetime: slot.startsAt }, timeRange(slot))),
        ...slotDetails(slot).filter(Boolean)),
      book);
  }

  async function bookSlot(slot, button) {
    if (button.getAttribute('aria-disabled') === 'true') return;
    const when = `${formatDateTime(slot.startsAt)}–${clockTime(slot.endsAt)}`;
    const ok = await confirmDialog({
      title: t('slot.confirmTitle', { when }),
      text: t('slot.confirmText', { kind: kindName(slot.kind), name: slot.expertName || '' }),
      confirmLabel: t('slot.confirm'),
      signal: ctx.signal,
    });
    if (!ok || !ctx.isCurrent()) return;
    button.setAttribute('aria-disabled', 'true');
    setLive(ui.problem, '');
    setLive(ui.status, '');
    try {
      const meeting = await post(`/api/v1/slots/${enc(slot.id)}/book`, { spaceId }, { signal: ctx.signal });
      if (!ctx.isCurrent()) return;
      slots = slots.filter((s) => s.id !== slot.id);
      setLive(ui.status, h('div', { class: 'notice notice--success' },
        h('p', {}, t('slot.booked', { when: meetingWhen(meeting) })),
        h('p', {}, h('a', { href: `/api/v1/meetings/${enc(meeting.id)}/ics`, download: '' }, t('meeting.download')))));
      render();
      onBooked(meeting);
      load();
    } catch (error) {
      button.removeAttribute('aria-disabled');
      if (isAbort(error)) return;
      setLive(ui.problem, notice('error', meetingMessage(error)));
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
        slots = slots.filter((s) => s.id !== slot.id);
        render();
        load();
      }
    }
  }

  const reload = debounce(() => {
    if (loaded && ctx.isCurrent()) load();
  }, REFRESH_DELAY, ctx.signal);
  details.refresh = () => reload();
  if (open) details.load();
  return details;
}

