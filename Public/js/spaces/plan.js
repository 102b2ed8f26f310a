// The service plan and the tasks of a guidance space (docs/api.md "The service plan and tasks"):
// two disclosure panels of the space page, the "Lisää ohjaustilaan" control of a service page, and
// the pieces of a task that the "Tehtäväni" page (/tasks) shares.
//
// - Plan ("Palvelusuunnitelma"): the picked services in the plan's order, each with its status in
//   words, the expert's note, whether the service has changed or is no longer available, its status
//   history and, for experts, the internal instructions. A client says "Kiinnostaa" / "Ei
//   kiinnosta"; an expert changes the status, moves a service up or down, removes it, and adds
//   services found in the catalogue.
// - Tasks ("Tehtävät"): open ones first (an overdue one says so in words), done ones behind a
//   disclosure; the assignee (or an expert) ticks a task done and open again; comments open under
//   each task; experts assign new tasks.
//
// An expert's read of a client's plan or tasks is logged by the server, so a panel loads its data
// only when it is opened (a client's panels may be open from the start). Lists are updated in place
// (updateRows): a row whose data did not change stays as it is, an open disclosure stays open, and
// the keyboard focus stays on the same control of the same row after a change, a move or a
// realtime refresh.
import { h, uid, setLive, addToken, removeToken } from '../dom.js';
import { on } from '../store.js';
import { pendingTick, queueTick } from '../ticks.js';
import { t, plural, localText, locale, getLanguage } from '../i18n.js';
import { get, post, patch, del, getAll, enc, ApiError } from '../api.js';
import { formatDateTime, formatDay, isEndOfDay } from '../format.js';
import { confirmDialog, formDialog } from '../dialog.js';
import { field, formError, showFieldErrors, showApiError, value, busy, clearErrors, setFieldError } from '../forms.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { focusElement } from '../ui/rows.js';
import { panel, listPanel } from './panels.js';
import { spaceBase, spaceHref, audienceField, privateLabel, kindName, notice, append, textareaField } from './common.js';

export const PICK_STATUSES = ['suggested', 'interested', 'applied', 'started', 'completed', 'declined'];
/** The statuses a client sets, and the ones in which the client's two buttons are shown. */
const CLIENT_CHOICES = ['interested', 'declined'];
const CLIENT_DECIDES = ['suggested', 'interested', 'declined'];
const INTERNAL_FIELDS = [
  'guidanceProcess', 'obligations', 'statementsAndBenefits', 'travelCompensation',
  'clientRecordInstructions', 'municipalExceptions', 'internalContacts',
];
const NOTE_MAX = 2000;
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 4000;
const COMMENT_MAX = 2000;
const SEARCH_LIMIT = 10;

// ---- small pieces ----------------------------------------------------------------------------

/** "Ehdotettu", "Kiinnostunut" … */
export function pickStatusName(status) {
  return PICK_STATUSES.includes(status) ? t(`space.plan.status.${status}`) : String(status || '');
}

const STATUS_BADGE = { suggested: 'info', interested: 'success', applied: 'info', started: 'info', completed: 'success', declined: 'muted' };

/** "Tila: Kiinnostunut" as a badge (the word carries the meaning, the colour repeats it). */
function pickStatusBadge(status) {
  return h('span', { class: `badge badge--${STATUS_BADGE[status] || 'info'} pick__status` }, t('space.plan.statusIs', { status: pickStatusName(status) }));
}

function serviceHref(serviceId) {
  return `/catalogue/services/${enc(serviceId)}`;
}

/** A LocalText or a plain string, trimmed. */
function text(value) {
  return (typeof value === 'string' ? value : localText(value)).trim();
}

/** A due time in words: the day alone for a due time at the end of a day, else day and time. */
function dueWhen(iso) {
  return isEndOfDay(iso) ? formatDay(iso) : formatDateTime(iso);
}

/**
 * The due line of a task: "Määräaika: ti 24.11. klo 14.30"; an overdue one starts with the word
 * "Myöhässä" (a badge, and the row's edge only repeats it).
 */
export function dueLine(task) {
  if (!task.dueAt) return null;
  return h('p', { class: 'task__due' },
    task.overdue ? [h('span', { class: 'badge badge--overdue' }, t('space.tasks.overdue')), ' '] : null,
    t('space.tasks.dueLabel'), ' ', h('time', { datetime: task.dueAt }, dueWhen(task.dueAt)));
}

/**
 * The "Tehty" checkbox of a task (the assignee's, or an expert's): ticking it sends the status at
 * once; a failed request puts the tick back and says why (onError). onChanged(task) gets the answer.
 */
export function doneToggle(task, { describedBy, onChanged, onError, onSend = () => {}, signal }) {
  const id = uid('task-done');
  const waitingId = `${id}-waiting`;
  const kept = pendingTick(task.id);
  const box = h('input', {
    type: 'checkbox', id, checked: (kept ? kept.status : task.status) === 'done', 'aria-describedby': describedBy, dataset: { action: 'done' },
  });
  // a tick made without a connection: kept, and said, until it has gone out
  const waiting = h('span', { class: 'task__waiting muted small', id: waitingId, hidden: !kept }, t('space.tasks.tickWaiting'));
  const showWaiting = (on) => {
    waiting.hidden = !on;
    if (on) addToken(box, 'aria-describedby', waitingId);
    else removeToken(box, 'aria-describedby', waitingId);
  };
  showWaiting(Boolean(kept));
  box.addEventListener('change', async () => {
    if (box.dataset.busy === 'true') {
      box.checked = !box.checked; // one request at a time
      return;
    }
    const status = box.checked ? 'done' : 'open';
    box.dataset.busy = 'true';
    onSend();
    try {
      const fresh = await patch(`/api/v1/tasks/${enc(task.id)}`, { status }, { signal });
      showWaiting(false);
      onChanged(fresh);
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) {
        queueTick(task.id, status);
        showWaiting(true);
      } else {
        box.checked = status !== 'done';
        if (!isAbort(error)) onError(error);
      }
    } finally {
      delete box.dataset.busy;
    }
  });
  on('ticks', (note) => {
    if (note.taskId !== task.id || note.type === 'queued' || !box.isConnected) return;
    showWaiting(false);
    if (note.type === 'sent') onChanged(note.task);
    else {
      box.checked = task.status === 'done';
      onError(note.error);
    }
  }, { signal });
  return h('div', { class: 'choice task__toggle' }, box, h('label', { for: id }, t('space.tasks.done')), ' ', waiting);
}

/**
 * Put rows for `entries` ([{id, key, item}]) into `list`, keeping what the reader had: a row whose
 * key did not change stays as it is (row(item, oldRow) makes the others), a disclosure that was
 * open stays open, and the focus goes back to the same control (data-action) of the same row — or,
 * when that row is gone, to `fallback`.
 */
function updateRows(list, entries, row, fallback) {
  const active = document.activeElement;
  const activeRow = active && list.contains(active) ? active.closest('[data-row]') : null;
  const focus = activeRow ? { id: activeRow.dataset.row, action: active.dataset.action || null, el: active } : null;
  const old = new Map([...list.children].map((li) => [li.dataset.row, li]));
  const rows = entries.map((entry) => {
    const before = old.get(entry.id);
    if (before && before.rowKey === entry.key) return before;
    const fresh = row(entry.item, before || null);
    fresh.rowKey = entry.key;
    if (before) {
      for (const d of before.querySelectorAll('details[data-part][open]')) {
        const same = fresh.querySelector(`details[data-part="${d.dataset.part}"]`);
        if (same && !same.open) same.open = true;
      }
    }
    return fresh;
  });
  list.replaceChildren(...rows);
  if (!focus || document.activeElement === focus.el) return;
  if (focus.el.isConnected) {
    focus.el.focus();
    return;
  }
  const target = list.querySelector(`[data-row="${CSS.escape(focus.id)}"]`);
  const control = target && focus.action ? target.querySelector(`[data-action="${focus.action}"]`) : null;
  focusElement(control || target || (typeof fallback === 'function' ? fallback() : fallback));
}

/** JSON with the keys of every object in order: the same data gives the same text, whichever
 *  order the server wrote its keys in (a row whose data did not change is not drawn again). */
function stableJson(value) {
  return JSON.stringify(value, (key, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

/** The ISO time of a day ("2026-11-24") and an optional time ("14:30") in the browser's offset;
 *  a day alone is its last minute (23.59). null without a day, undefined for a bad value. */
export function dueIso(day, time) {
  if (!day) return null;
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const tm = time ? /^(\d{2}):(\d{2})/.exec(time) : ['', '23', '59'];
  if (!d || !tm) return undefined;
  const [year, month, date] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute] = [Number(tm[1]), Number(tm[2])];
  const local = new Date(year, month - 1, date, hour, minute, 0);
  if (Number.isNaN(local.getTime()) || local.getDate() !== date) return undefined;
  const offset = -local.getTimezoneOffset();
  const pad = (n, size = 2) => String(Math.abs(n)).padStart(size, '0');
  const sign = offset >= 0 ? '+' : '-';
  return `${pad(year, 4)}-${pad(month)}-${pad(date)}T${pad(hour)}:${pad(minute)}:00${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

// ---- the plan --------------------------------------------------------------------------------

/**
 * planPanel({ctx, getSpace, me, nameOf, open}) → panel, with refresh() (load again if loaded),
 * items() (the picks shown, in order), loaded(), setSpace(space) and onItems(fn) (called with the
 * picks after each load).
 */
export function planPanel({ ctx, getSpace, me, nameOf, open = false }) {
  const base = spaceBase(getSpace().id);
  let items = [];
  const watchers = [];
  const { details, ui, summary, isExpert, writable, wrote, load } = listPanel({
    ctx,
    getSpace,
    me,
    id: 'plan',
    title: t('space.plan.title'),
    open,
    list: { tag: 'ol', className: 'pick-list', label: t('space.plan.listLabel') },
    empty: (expert) => t(expert ? 'space.plan.emptyExpert' : 'space.plan.empty'),
    intro: (expert) => t(expert ? 'space.plan.introExpert' : 'space.plan.intro'),
    read: () => getAll(`${base}/picks`, { signal: ctx.signal }),
    show: (picks) => {
      items = picks;
      render();
      for (const fn of watchers) fn(items);
    },
    render,
    form: addForm,
    echoKeys: ['pickId', 'taskId'],
  });

  function render() {
    const count = items.length;
    const lang = getLanguage();
    const context = `${lang}/${getSpace().role}/${writable()}`;
    updateRows(ui.list, items.map((p, i) => ({ id: p.id, key: `${context}/${i}/${count}/${stableJson(p)}`, item: p })), pickRow, summary);
    ui.empty.hidden = count > 0;
    details.setTitle(count ? t('space.plan.titleCount', { count }) : t('space.plan.title'));
  }

  function who(userId) {
    return userId === me.id ? t('space.you') : nameOf(userId);
  }

  function pickRow(pick) {
    const index = items.findIndex((p) => p.id === pick.id);
    const nameId = uid('pick');
    const name = localText(pick.name);
    const gone = pick.availability === 'unavailable';
    const summaryText = text(pick.summary);
    const li = h('li', {
      class: ['pick', gone ? 'pick--gone' : '', pick.availability === 'changed' ? 'pick--changed' : ''],
      dataset: { row: pick.id, pickId: pick.id, serviceId: pick.serviceId, status: pick.status, availability: pick.availability },
    });
    const badges = h('p', { class: 'pick__badges' }, pickStatusBadge(pick.status));
    if (pick.availability === 'changed') badges.append(' ', h('span', { class: 'badge badge--warn' }, t('space.plan.changed')));
    if (gone) badges.append(' ', h('span', { class: 'badge badge--muted' }, t('space.plan.unavailable')));
    if (pick.audienceId) badges.append(' ', privateLabel(pick.audienceId, me, nameOf, 'pick'));
    append(li,
      h('h3', { class: 'pick__name', id: nameId }, h('span', { class: 'pick__number' }, `${index + 1}. `), gone ? name : h('a', { href: serviceHref(pick.serviceId) }, name)),
      pick.organization ? h('p', { class: 'pick__org' }, localText(pick.organization.name)) : null,
      badges,
      summaryText ? h('p', { class: 'pick__summary' }, summaryText) : null,
      pick.note ? h('div', { class: 'pick__note' }, h('p', { class: 'pick__note-label' }, t('space.plan.noteLabel')), h('p', { class: 'pick__note-text' }, pick.note)) : null,
      pick.pickedBy ? h('p', { class: 'muted small' }, t('space.plan.pickedBy', { name: who(pick.pickedBy), when: formatDay(pick.createdAt) })) : null);

    if (pick.history && pick.history.length) {
      li.appendChild(h('details', { class: 'pick__more', dataset: { part: 'history' } },
        h('summary', { dataset: { action: 'history' } }, t('space.plan.history')),
        h('ol', { class: 'pick__history' }, pick.history.map((c) => h('li', {},
          h('strong', {}, pickStatusName(c.status)), ' – ',
          h('time', { datetime: c.changedAt }, formatDateTime(c.changedAt)),
          c.changedBy ? [' – ', who(c.changedBy)] : null)))));
    }
    if (isExpert() && pick.internal) {
      const rows = INTERNAL_FIELDS.map((f) => [t(`catalogue.internal.${f}`), text(pick.internal[f] || '')]).filter(([, v]) => v);
      li.appendChild(h('details', { class: 'pick__more pick__internal', dataset: { part: 'internal', internal: 'true' } },
        h('summary', { dataset: { action: 'internal' } }, t('catalogue.internal.title')),
        h('p', { class: 'internal-band__note' }, h('strong', {}, t('catalogue.internal.expertsOnly'))),
        rows.length
          ? h('dl', { class: 'meta' }, rows.flatMap(([label, content]) => [h('dt', {}, label), h('dd', {}, content)]))
          : h('p', {}, t('catalogue.service.noInfo'))));
    }
    if (!writable()) return li;

    if (!isExpert()) {
      if (CLIENT_DECIDES.includes(pick.status) && !gone) {
        const choice = h('div', { class: 'actions pick__choice', role: 'group', 'aria-labelledby': nameId });
        for (const s of CLIENT_CHOICES) {
          const button = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-pressed': String(pick.status === s), dataset: { action: s } }, t(`space.plan.choose.${s}`));
          button.addEventListener('click', () => {
            if (pick.status !== s) change(pick, { status: s }, t(`space.plan.chosen.${s}`, { name }));
          });
          choice.appendChild(button);
        }
        li.appendChild(choice);
      }
      return li;
    }

    // the expert's tools: the status, the place in the plan, the note, a change checked, removal
    const statusId = uid('pick-status');
    const select = h('select', { id: statusId, name: 'pickStatus', 'aria-describedby': nameId, dataset: { action: 'status' } },
      PICK_STATUSES.map((s) => h('option', { value: s, selected: s === pick.status }, pickStatusName(s))));
    const statusForm = h('form', { class: 'pick__status-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: statusId }, t('space.plan.statusLabel')), select),
      h('button', { type: 'submit', class: 'btn btn--secondary', 'aria-describedby': nameId, dataset: { action: 'saveStatus' } }, t('space.plan.saveStatus')));
    statusForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (select.value !== pick.status) change(pick, { status: select.value }, t('space.plan.statusChanged', { name, status: pickStatusName(select.value) }));
    });
    li.appendChild(statusForm);

    const actions = h('div', { class: 'actions pick__actions' });
    const button = (action, label, onClick, { icon = null, disabled = false } = {}) => {
      const b = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId, 'aria-disabled': disabled ? 'true' : null, dataset: { action } },
        icon ? h('span', { 'aria-hidden': 'true' }, icon) : null, label);
      b.addEventListener('click', () => {
        if (b.getAttribute('aria-disabled') !== 'true') onClick();
      });
      actions.appendChild(b);
      return b;
    };
    if (pick.availability === 'changed') {
      button('acknowledge', t('space.plan.acknowledge'), () => change(pick, { acknowledgeChange: true }, t('space.plan.acknowledged', { name })));
    }
    button('up', t('space.plan.moveUp'), () => move(pick, -1), { icon: '↑', disabled: index <= 0 });
    button('down', t('space.plan.moveDown'), () => move(pick, 1), { icon: '↓', disabled: index >= items.length - 1 });
    button('note', t(pick.note ? 'space.plan.editNote' : 'space.plan.addNote'), () => editNote(pick));
    button('remove', t('space.plan.remove'), () => remove(pick));
    li.appendChild(actions);
    return li;
  }

  /** PATCH the pick; the row is drawn again from the answer and `done` is said. */
  async function change(pick, body, done) {
    try {
      wrote(pick.id);
      const fresh = await patch(`/api/v1/picks/${enc(pick.id)}`, body, { signal: ctx.signal });
      if (!ctx.isCurrent()) return;
      items = items.map((p) => (p.id === fresh.id ? fresh : p));
      render();
      setLive(ui.problem, '');
      setLive(ui.status, notice('success', done));
      for (const fn of watchers) fn(items);
    } catch (error) {
      if (isAbort(error)) return;
      setLive(ui.problem, notice('error', requestMessage(error)));
      if (error instanceof ApiError && error.status === 404) load();
    }
  }

  async function move(pick, step) {
    const from = items.findIndex((p) => p.id === pick.id);
    const to = from + step;
    if (from < 0 || to < 0 || to >= items.length) return;
    try {
      wrote(pick.id);
      await patch(`/api/v1/picks/${enc(pick.id)}`, { position: to }, { signal: ctx.signal });
      if (!ctx.isCurrent()) return;
      const next = [...items];
      next.splice(from, 1);
      next.splice(to, 0, pick);
      items = next.map((p, i) => ({ ...p, position: i }));
      render();
      setLive(ui.problem, '');
      setLive(ui.status, notice('success', t('space.plan.moved', { name: localText(pick.name), position: to + 1, count: items.length })));
      for (const fn of watchers) fn(items);
    } catch (error) {
      if (isAbort(error)) return;
      setLive(ui.problem, notice('error', requestMessage(error)));
      load();
    }
  }

  async function editNote(pick) {
    const note = textareaField({ name: 'note', label: t('space.plan.noteField'), hint: t('space.plan.noteHint'), maxlength: NOTE_MAX, rows: 4 });
    note.control.value = pick.note || '';
    const saved = await formDialog({
      title: t('space.plan.noteTitle', { name: localText(pick.name) }),
      fields: [note],
      submitLabel: t('space.plan.saveNote'),
      onSubmit: (form) => {
        wrote(pick.id);
        return patch(`/api/v1/picks/${enc(pick.id)}`, { note: value(form, 'note').trim() }, { signal: ctx.signal });
      },
    });
    if (!saved || !ctx.isCurrent()) return;
    items = items.map((p) => (p.id === saved.id ? saved : p));
    render();
    setLive(ui.status, notice('success', t('space.plan.noteSaved', { name: localText(pick.name) })));
  }

  /** The row of an item as it is now (a refresh may have drawn it again while a dialog was open). */
  function rowOf(list, id) {
    return list.querySelector(`[data-row="${CSS.escape(id)}"]`);
  }

  async function remove(pick) {
    const name = localText(pick.name);
    const ok = await confirmDialog({
      title: t('space.plan.removeTitle', { name }),
      text: t('space.plan.removeText'),
      confirmLabel: t('space.plan.removeConfirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      wrote(pick.id);
      await del(`/api/v1/picks/${enc(pick.id)}`, { signal: ctx.signal });
    } catch (error) {
      if (isAbort(error)) return;
      setLive(ui.problem, notice('error', requestMessage(error)));
      return;
    }
    if (!ctx.isCurrent()) return;
    // the focus goes to the same button of the next row (else the previous one, else the heading)
    const li = rowOf(ui.list, pick.id);
    const neighbour = li ? li.nextElementSibling || li.previousElementSibling : null;
    const neighbourId = neighbour ? neighbour.dataset.row : null;
    items = items.filter((p) => p.id !== pick.id).map((p, i) => ({ ...p, position: i }));
    if (li) li.remove();
    render();
    const target = neighbourId ? rowOf(ui.list, neighbourId) : null;
    focusElement((target && target.querySelector('[data-action="remove"]')) || summary());
    setLive(ui.status, notice('success', t('space.plan.removed', { name })));
    for (const fn of watchers) fn(items);
  }

  // -- adding services found in the catalogue --

  function addForm() {
    const headingId = uid('pick-add');
    const results = h('ul', { class: 'pick-results', 'aria-labelledby': `${headingId}-results`, hidden: true });
    const resultsHeading = h('h4', { id: `${headingId}-results`, class: 'pick-results__title', hidden: true }, t('space.plan.results'));
    const found = h('div', { class: 'live-region', role: 'status' });
    const audience = audienceField({ space: getSpace(), me, name: 'pickPrivateTo' });
    const note = textareaField({ name: 'pickNote', label: t('space.plan.noteFieldOptional'), hint: t('space.plan.noteHint'), maxlength: NOTE_MAX });
    const form = h('form', { novalidate: true, class: 'pick-add', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t('space.plan.add')),
      formError(),
      h('div', { class: 'pick-add__search' },
        field({ name: 'pickQuery', type: 'search', label: t('space.plan.search'), hint: t('space.plan.searchHint'), attrs: { enterkeyhint: 'search' } }),
        h('button', { type: 'submit', class: 'btn btn--secondary' }, t('space.plan.searchSubmit'))),
      note,
      audience,
      found,
      resultsHeading,
      results);
    form.audience = audience;
    form.setSpace = () => {
      if (audience) audience.setSpace(getSpace());
    };
    let asked = 0;

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const q = value(form, 'pickQuery').trim();
      if (showFieldErrors(form, q ? [] : [{ field: 'pickQuery', code: 'field.required' }], { summary: false })) return;
      const mine = ++asked;
      results.setAttribute('aria-busy', 'true');
      setLive(found, t('space.plan.searching'));
      try {
        const answer = await get(`/api/v1/catalogue/search?q=${enc(q)}&lang=${getLanguage()}&limit=${SEARCH_LIMIT}`, { signal: ctx.signal });
        if (mine !== asked || !ctx.isCurrent()) return;
        const hits = ((answer && answer.items) || []).filter((s) => !s.status || s.status === 'published');
        results.replaceChildren(...hits.map((s) => resultRow(s, form)));
        results.hidden = hits.length === 0;
        resultsHeading.hidden = hits.length === 0;
        setLive(found, hits.length ? plural('space.plan.found', hits.length) : t('space.plan.noneFound'));
      } catch (error) {
        if (isAbort(error) || mine !== asked) return;
        setLive(found, '');
        showApiError(form, error);
      } finally {
        if (mine === asked) results.removeAttribute('aria-busy');
      }
    });
    return form;
  }

  function resultRow(service, form) {
    const nameId = uid('found');
    const name = localText(service.name);
    const summaryText = text(service.summary);
    const add = h('button', { type: 'button', class: 'btn btn--primary', 'aria-describedby': nameId, dataset: { action: 'add' } }, t('space.plan.addThis'));
    const already = items.some((p) => p.serviceId === service.id && !p.audienceId);
    const li = h('li', { class: 'pick-result', dataset: { serviceId: service.id } },
      h('p', { class: 'pick-result__name', id: nameId }, h('strong', {}, name)),
      service.organization ? h('p', { class: 'pick-result__org' }, localText(service.organization.name)) : null,
      summaryText ? h('p', { class: 'pick-result__summary' }, summaryText) : null,
      already ? h('p', { class: 'pick-result__in' }, h('span', { class: 'badge badge--success' }, t('space.plan.alreadyIn'))) : null,
      h('div', { class: 'actions' }, add));
    add.addEventListener('click', async () => {
      if (add.getAttribute('aria-disabled') === 'true') return;
      const box = form.querySelector('.form-error');
      clearErrors(form);
      add.setAttribute('aria-disabled', 'true');
      const note = value(form, 'pickNote').trim();
      const privateTo = form.audience ? form.audience.value() : null;
      try {
        const pick = await post(`${base}/picks`, { serviceId: service.id, note: note || undefined, privateTo: privateTo || undefined }, { signal: ctx.signal });
        wrote(pick.id);
        if (!ctx.isCurrent()) return;
        add.textContent = t('space.plan.added');
        form.elements.namedItem('pickNote').value = '';
        if (form.audience) form.audience.reset();
        setLive(ui.status, notice('success', t('space.plan.addedDone', { name: localText(pick.name) || name })));
        // the new pick is the last one (another added meanwhile comes with its own event)
        if (!items.some((p) => p.id === pick.id)) items = [...items, pick].sort((a, b) => a.position - b.position);
        render();
        for (const fn of watchers) fn(items);
      } catch (error) {
        add.removeAttribute('aria-disabled');
        if (isAbort(error)) return;
        const fieldError = error instanceof ApiError ? error.errors.find((e) => e.field === 'serviceId') : null;
        if (error instanceof ApiError && error.errors.some((e) => e.field === 'note' || e.field === 'privateTo')) {
          showApiError(form, error, { aliases: { note: 'pickNote', privateTo: 'pickPrivateTo' } });
        } else {
          setLive(box, requestMessage(fieldError ? new ApiError(error.status, fieldError.code) : error));
        }
      }
    });
    return li;
  }

  details.items = () => items;
  details.onItems = (fn) => watchers.push(fn);
  if (open) details.load();
  return details;
}

// ---- tasks -----------------------------------------------------------------------------------

/**
 * One task as a list item: its title, due time, who does it, the pick it belongs to, whether it is
 * private, its description, and the "Tehty" checkbox when `canTick`. `extra(li, titleId)` adds the
 * rest (comments, an expert's tools). `showSpace`: the space it is in, as a link (/tasks).
 */
export function taskItem(task, { me, nameOf = () => '', headingLevel = 'h3', showSpace = false, pickName = () => '', canTick, onChanged, onError, onSend, signal, extra }) {
  const titleId = uid('task');
  const mine = task.assigneeId === me.id;
  const done = task.status === 'done';
  const assignee = task.assigneeName || (task.assigneeId ? nameOf(task.assigneeId) : '');
  const pick = task.pickId ? pickName(task.pickId) : '';
  const li = h('li', {
    class: ['task', task.overdue ? 'task--overdue' : '', done ? 'task--done' : ''],
    dataset: { row: task.id, taskId: task.id, status: task.status, overdue: String(Boolean(task.overdue)) },
  });
  append(li,
    h(headingLevel, { class: 'task__title', id: titleId }, task.title),
    showSpace ? h('p', { class: 'task__space' }, t('tasks.inSpace'), ' ', h('a', { href: spaceHref(task.spaceId) }, task.spaceTitle)) : null,
    done ? h('p', { class: 'task__state' }, h('span', { class: 'badge badge--success' }, t('space.tasks.doneBadge')),
      task.doneAt ? [' ', h('time', { class: 'muted small', datetime: task.doneAt }, formatDateTime(task.doneAt))] : null) : null,
    done ? null : dueLine(task),
    assignee && !showSpace ? h('p', { class: 'task__assignee' }, mine ? t('space.tasks.forYou') : t('space.tasks.for', { name: assignee })) : null,
    pick ? h('p', { class: 'task__pick' }, t('space.tasks.pickIs', { name: pick })) : null,
    task.audienceId && !showSpace ? h('p', {}, privateLabel(task.audienceId, me, nameOf, 'task')) : null,
    task.description ? h('p', { class: 'task__description' }, task.description) : null,
    canTick ? doneToggle(task, { describedBy: titleId, onChanged, onError, onSend, signal }) : null);
  if (extra) extra(li, titleId);
  return li;
}

/**
 * tasksPanel({ctx, getSpace, me, nameOf, open, plan}) → panel, with refresh() and setSpace(space).
 * `plan` (the plan panel) lends the names of the picks when it has them.
 */
export function tasksPanel({ ctx, getSpace, me, nameOf, open = false, plan = null }) {
  const base = spaceBase(getSpace().id);
  let items = [];
  let picks = null; // [Pick] for names and the form's choice; null until known
  const { details, ui, summary, isExpert, writable, wrote, load, loaded } = listPanel({
    ctx,
    getSpace,
    me,
    id: 'tasks',
    title: t('space.tasks.title'),
    open,
    list: { className: 'task-list', label: t('space.tasks.openLabel') },
    empty: () => t('space.tasks.empty'),
    intro: (expert) => t(expert ? 'space.tasks.introExpert' : 'space.tasks.intro'),
    // the done ones behind a disclosure, under the open ones
    parts: (into) => {
      into.doneList = h('ul', { class: 'task-list' });
      into.doneTitle = h('span', {}, t('space.tasks.doneTitle'));
      into.doneBox = h('details', { class: 'tasks-done', hidden: true }, h('summary', {}, into.doneTitle), into.doneList);
      return [into.doneBox];
    },
    read: async () => {
      const known = plan && plan.loaded() ? plan.items() : null;
      const [tasks, fetched] = await Promise.all([
        getAll(`${base}/tasks`, { signal: ctx.signal }),
        known || picks || (plan && plan.open) ? Promise.resolve(null) : getAll(`${base}/picks`, { signal: ctx.signal }).catch((error) => {
          if (isAbort(error)) throw error;
          return [];
        }),
      ]);
      return { tasks, known, fetched };
    },
    show: ({ tasks, known, fetched }) => {
      if (known) picks = known;
      else if (fetched) picks = fetched;
      items = tasks;
      render();
      if (ui.form) ui.form.setPicks(picks);
    },
    render,
    form: taskForm,
    echoKeys: ['pickId', 'taskId'],
  });
  if (plan) {
    plan.onItems((list) => {
      picks = list;
      if (loaded()) render();
      if (ui.form) ui.form.setPicks(picks);
    });
  }

  function pickName(pickId) {
    const pick = (picks || []).find((p) => p.id === pickId);
    return pick ? localText(pick.name) : '';
  }

  function render() {
    const context = `${getLanguage()}/${getSpace().role}/${writable()}/${stableJson((picks || []).map((p) => [p.id, p.name]))}`;
    const entries = (list) => list.map((task) => ({ id: task.id, key: `${context}/${stableJson(task)}`, item: task }));
    const openOnes = items.filter((x) => x.status !== 'done');
    const doneOnes = items.filter((x) => x.status === 'done');
    updateRows(ui.list, entries(openOnes), row, summary);
    updateRows(ui.doneList, entries(doneOnes), row, summary);
    ui.empty.hidden = openOnes.length > 0;
    ui.doneBox.hidden = doneOnes.length === 0;
    ui.doneTitle.textContent = t('space.tasks.doneTitleCount', { count: doneOnes.length });
    details.setTitle(openOnes.length ? t('space.tasks.titleCount', { count: openOnes.length }) : t('space.tasks.title'));
  }

  function row(task, old) {
    let li = null;
    li = taskItem(task, {
      me,
      nameOf,
      pickName,
      canTick: writable() && (task.assigneeId === me.id || isExpert()),
      signal: ctx.signal,
      onSend: () => wrote(task.id),
      onChanged: (fresh) => {
        // the task moves to the other list: the focus goes to the next task's tick (else the
        // previous one's, else the task in its new place when that is shown, else the heading)
        const hadFocus = li.contains(document.activeElement);
        const neighbour = li.nextElementSibling || li.previousElementSibling;
        const neighbourId = neighbour ? neighbour.dataset.row : null;
        replace(fresh);
        if (hadFocus) {
          const tick = (id) => {
            const box = id ? details.querySelector(`[data-row="${CSS.escape(id)}"] [data-action="done"]`) : null;
            return box && box.offsetParent !== null ? box : null;
          };
          focusElement(tick(neighbourId) || tick(fresh.id) || summary());
        }
        setLive(ui.problem, '');
        setLive(ui.status, notice('success', t(fresh.status === 'done' ? 'space.tasks.markedDone' : 'space.tasks.reopened', { title: fresh.title })));
      },
      onError: (error) => setLive(ui.problem, notice('error', requestMessage(error))),
      extra: (li, titleId) => {
        li.appendChild(commentsPart(task, old, titleId));
        if (isExpert() && writable()) {
          const remove = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': titleId, dataset: { action: 'remove' } }, t('space.tasks.remove'));
          remove.addEventListener('click', () => removeTask(task));
          li.appendChild(h('div', { class: 'actions task__actions' }, remove));
        }
      },
    });
    return li;
  }

  /** The task changed (a tick, a comment): its row is drawn again; a ticked one moves to the other list. */
  function replace(fresh) {
    const { comments, ...rest } = fresh;
    items = items.map((x) => (x.id === fresh.id ? { ...x, ...rest } : x));
    render();
  }

  function commentsPart(task, old, titleId) {
    // an open comment section moves to the new row as it is (with what is being written)
    const previous = old && old.querySelector('details.task__comments');
    if (previous && previous.open && previous.update) {
      previous.update(task, titleId);
      return previous;
    }
    let shownCount = task.commentCount;
    const label = h('span', {}, plural('space.tasks.comments', task.commentCount));
    const section = h('details', { class: 'task__comments', dataset: { part: 'comments' } },
      h('summary', { dataset: { action: 'comments' }, 'aria-describedby': titleId }, label));
    const list = h('ol', { class: 'comment-list' });
    const problem = h('div', { class: 'live-region', role: 'alert' });
    const status = h('div', { class: 'live-region', role: 'status' });
    section.append(problem, list);
    let started = false;

    async function loadComments() {
      list.setAttribute('aria-busy', 'true');
      try {
        const full = await get(`/api/v1/tasks/${enc(task.id)}`, { signal: ctx.signal });
        showComments(full);
      } catch (error) {
        if (!isAbort(error)) setLive(problem, notice('error', requestMessage(error)));
      } finally {
        list.removeAttribute('aria-busy');
      }
    }

    function showComments(full) {
      const comments = full.comments || [];
      shownCount = comments.length;
      label.textContent = plural('space.tasks.comments', comments.length);
      list.replaceChildren(...comments.map((c) => h('li', { class: 'comment' },
        h('p', { class: 'comment__head' }, h('strong', {}, c.authorId === me.id ? t('space.you') : (c.authorName || t('space.formerMember'))), ' ',
          h('time', { class: 'muted small', datetime: c.createdAt }, formatDateTime(c.createdAt))),
        h('p', { class: 'comment__body' }, c.body))));
      if (!comments.length) list.replaceChildren(h('li', { class: 'muted' }, t('space.tasks.noComments')));
    }

    section.addEventListener('toggle', () => {
      if (!section.open || started) return;
      started = true;
      loadComments();
      if (writable()) section.append(commentForm(), status);
    }, { signal: ctx.signal });

    function commentForm() {
      const area = textareaField({ name: 'comment', label: t('space.tasks.commentLabel'), maxlength: COMMENT_MAX, rows: 2 });
      area.control.dataset.action = 'comment';
      const form = h('form', { novalidate: true, class: 'comment-form' }, formError(), area,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--secondary', 'aria-describedby': titleId, dataset: { action: 'sendComment' } }, t('space.tasks.sendComment'))));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const body = area.control.value.trim();
        if (showFieldErrors(form, body ? [] : [{ field: 'comment', code: 'field.required' }], { summary: false })) return;
        const done = busy(form);
        if (!done) return;
        try {
          wrote(task.id);
          const full = await post(`/api/v1/tasks/${enc(task.id)}/comments`, { body }, { signal: ctx.signal });
          done();
          area.control.value = '';
          clearErrors(form);
          showComments(full);
          setLive(status, notice('success', t('space.tasks.commentSent')));
          replace(full);
        } catch (error) {
          done();
          showApiError(form, error, { aliases: { body: 'comment' } });
        }
      });
      return form;
    }

    section.update = (fresh, newTitleId) => {
      task = fresh;
      for (const el of section.querySelectorAll('[aria-describedby]')) {
        if (el.getAttribute('aria-describedby') === titleId) el.setAttribute('aria-describedby', newTitleId);
      }
      titleId = newTitleId;
      if (started && fresh.commentCount !== shownCount) loadComments();
      else label.textContent = plural('space.tasks.comments', fresh.commentCount);
    };
    return section;
  }

  async function removeTask(task) {
    const ok = await confirmDialog({
      title: t('space.tasks.removeTitle', { title: task.title }),
      text: t('space.tasks.removeText'),
      confirmLabel: t('space.tasks.removeConfirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      wrote(task.id);
      await del(`/api/v1/tasks/${enc(task.id)}`, { signal: ctx.signal });
    } catch (error) {
      if (!isAbort(error)) setLive(ui.problem, notice('error', requestMessage(error)));
      return;
    }
    if (!ctx.isCurrent()) return;
    // a refresh may have drawn the row again while the dialog was open: the row as it is now
    const li = details.querySelector(`[data-row="${CSS.escape(task.id)}"]`);
    const neighbour = li ? li.nextElementSibling || li.previousElementSibling : null;
    const neighbourId = neighbour ? neighbour.dataset.row : null;
    items = items.filter((x) => x.id !== task.id);
    if (li) li.remove();
    render();
    const target = neighbourId ? details.querySelector(`[data-row="${CSS.escape(neighbourId)}"]`) : null;
    focusElement((target && target.querySelector('[data-action="remove"]')) || summary());
    setLive(ui.status, notice('success', t('space.tasks.removed', { title: task.title })));
  }

  // -- assigning a task (experts) --

  function taskForm() {
    const space = getSpace();
    const headingId = uid('task-add');
    const status = h('div', { class: 'live-region', role: 'status' });
    const assignee = field({ name: 'assigneeId', type: 'select', label: t('space.tasks.assignee'), options: [] });
    const pickField = field({ name: 'pickId', type: 'select', label: t('space.tasks.pickField'), options: [] });
    const dayId = uid('task-day');
    const timeId = uid('task-time');
    const dueHintId = uid('task-due-hint');
    const due = h('fieldset', { class: 'field task-due', dataset: { field: 'dueDate' }, 'aria-describedby': dueHintId },
      h('legend', {}, t('space.tasks.due')),
      h('span', { class: 'hint', id: dueHintId }, t('space.tasks.dueHint')),
      h('span', { class: 'field-error', id: `${dueHintId}-error` }),
      h('div', { class: 'task-due__parts' },
        h('div', { class: 'task-due__part' }, h('label', { for: dayId }, t('space.tasks.dueDay')), h('input', { type: 'date', id: dayId, name: 'dueDate' })),
        h('div', { class: 'task-due__part' }, h('label', { for: timeId }, t('space.tasks.dueTime')), h('input', { type: 'time', id: timeId, name: 'dueTime' }))));
    // when the assignee is reminded: by their own settings, or this long before the due time
    const remind = field({
      name: 'remindLead', type: 'select', label: t('space.tasks.remind'), hint: t('space.tasks.remindHint'),
      options: ['', '60', '180', '1440', '2880'].map((m) => ({ value: m, label: t(m ? `space.tasks.remind.${m}` : 'space.tasks.remind.default') })),
    });
    const audience = audienceField({ space, me, name: 'taskPrivateTo' });
    const privateNote = h('p', { class: 'hint task-private-note', hidden: true });
    const form = h('form', { novalidate: true, class: 'task-add', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t('space.tasks.add')),
      formError(),
      field({ name: 'taskTitle', label: t('space.tasks.titleField'), hint: t('space.tasks.titleHint'), attrs: { maxlength: String(TITLE_MAX), autocomplete: 'off' } }),
      textareaField({ name: 'taskDescription', label: t('space.tasks.descriptionField'), maxlength: DESCRIPTION_MAX }),
      assignee,
      due,
      remind,
      pickField,
      audience,
      privateNote,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary' }, t('space.tasks.submit'))),
      status);

    const memberOf = (userId) => (getSpace().members || []).find((m) => m.userId === userId);
    function fillAssignees() {
      const select = assignee.control;
      const was = select.value;
      const order = { client: 0, owner: 1, expert: 1 };
      const members = [...(getSpace().members || [])].sort((a, b) => (order[a.role] - order[b.role]) || a.displayName.localeCompare(b.displayName, locale()));
      const clients = members.filter((m) => m.role === 'client');
      select.replaceChildren(
        h('option', { value: '' }, t('space.tasks.chooseAssignee')),
        ...members.map((m) => h('option', { value: m.userId },
          m.userId === me.id ? t('space.tasks.assigneeYou', { name: m.displayName }) : t(m.role === 'client' ? 'space.tasks.assigneeClient' : 'space.tasks.assigneeExpert', { name: m.displayName }))));
      if (was && [...select.options].some((o) => o.value === was)) select.value = was;
      else if (clients.length === 1) select.value = clients[0].userId;
      followAssignee();
    }
    // in a group space a client's task is private to that client (the server decides so)
    function followAssignee() {
      if (!audience) return;
      const member = memberOf(assignee.control.value);
      const forClient = Boolean(member && member.role === 'client');
      audience.hidden = forClient;
      privateNote.hidden = !forClient;
      privateNote.textContent = forClient ? t('space.tasks.privateToClient', { name: member.displayName }) : '';
    }
    assignee.control.addEventListener('change', followAssignee);
    form.setPicks = (list) => {
      const select = pickField.control;
      const was = select.value;
      select.replaceChildren(h('option', { value: '' }, t('space.tasks.noPick')),
        ...(list || []).map((p) => h('option', { value: p.id }, localText(p.name))));
      select.value = [...select.options].some((o) => o.value === was) ? was : '';
      pickField.hidden = !(list && list.length);
    };
    form.setSpace = () => {
      fillAssignees();
      if (audience) audience.setSpace(getSpace());
      followAssignee();
    };
    fillAssignees();
    form.setPicks(picks);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const title = value(form, 'taskTitle').trim();
      const assigneeId = value(form, 'assigneeId');
      const dueAt = dueIso(value(form, 'dueDate'), value(form, 'dueTime'));
      const problems = [];
      if (!title) problems.push({ field: 'taskTitle', code: 'field.required' });
      else if (/[\r\n]/.test(title)) problems.push({ field: 'taskTitle', code: 'field.invalidValue' });
      if (!assigneeId) problems.push({ field: 'assigneeId', code: 'field.required' });
      if (!value(form, 'dueDate') && value(form, 'dueTime')) problems.push({ field: 'dueDate', code: 'field.required' });
      else if (dueAt === undefined) problems.push({ field: 'dueDate', code: 'field.invalidDate' });
      const lead = Number(value(form, 'remindLead') || 0);
      const remindAt = lead && dueAt ? new Date(Date.parse(dueAt) - lead * 60_000) : null;
      if (lead && !value(form, 'dueDate')) problems.push({ field: 'remindLead', code: 'space.tasks.remindNeedsDue' });
      else if (remindAt && remindAt.getTime() <= Date.now()) problems.push({ field: 'remindLead', code: 'space.tasks.remindPast' });
      if (showFieldErrors(form, problems)) return;
      const member = memberOf(assigneeId);
      const forClient = Boolean(member && member.role === 'client');
      const body = { title, assigneeId };
      const description = value(form, 'taskDescription').trim();
      if (description) body.description = description;
      if (dueAt) body.dueAt = dueAt;
      if (remindAt) body.remindAt = remindAt.toISOString();
      if (value(form, 'pickId')) body.pickId = value(form, 'pickId');
      if (audience && !forClient && audience.value()) body.privateTo = audience.value();
      const done = busy(form);
      if (!done) return;
      setLive(status, '');
      try {
        const task = await post(`${base}/tasks`, body, { signal: ctx.signal });
        wrote(task.id);
        done();
        clearErrors(form);
        for (const name of ['taskTitle', 'taskDescription', 'dueDate', 'dueTime', 'remindLead', 'pickId']) form.elements.namedItem(name).value = '';
        if (audience) audience.reset();
        setLive(status, notice('success', t('space.tasks.added', { title: task.title, name: task.assigneeName || (member && member.displayName) || '' })));
        await load();
        focusElement(form.elements.namedItem('taskTitle'));
      } catch (error) {
        done();
        showApiError(form, error, { aliases: { title: 'taskTitle', description: 'taskDescription', dueAt: 'dueDate', remindAt: 'remindLead', privateTo: 'taskPrivateTo' } });
      }
    });
    return form;
  }

  if (open) details.load();
  return details;
}

// ---- a service page: "Lisää ohjaustilaan" ----------------------------------------------------

/**
 * The expert's "Lisää ohjaustilaan" disclosure of a service page: one of their open spaces (where
 * they are not a client), an optional note, and the pick. The spaces load when it is opened.
 */
export function addToSpacePanel({ ctx, service }) {
  const name = localText(service.name);
  const details = panel({
    id: 'add-to-space',
    title: t('plan.addToSpace.title'),
    signal: ctx.signal,
    onFirstOpen: async (body) => {
      const problem = h('div', { class: 'live-region', role: 'alert' });
      const status = h('div', { class: 'live-region', role: 'status' });
      body.append(h('p', { class: 'hint' }, t('plan.addToSpace.intro', { name })), problem);
      let spaces;
      try {
        spaces = (await getAll('/api/v1/spaces?status=open', { signal: ctx.signal })).filter((s) => s.role !== 'client');
      } catch (error) {
        if (!isAbort(error)) setLive(problem, notice('error', requestMessage(error)));
        return;
      }
      if (!ctx.isCurrent()) return;
      if (!spaces.length) {
        body.appendChild(h('p', { class: 'muted' }, t('plan.addToSpace.none')));
        return;
      }
      const spaceField = field({
        name: 'spaceId',
        type: 'select',
        label: t('plan.addToSpace.space'),
        options: [{ value: '', label: t('plan.addToSpace.choose') },
          ...spaces.map((s) => ({ value: s.id, label: s.kind === 'oneToOne' ? s.title : t('plan.addToSpace.spaceWithKind', { title: s.title, kind: kindName(s.kind) }) }))],
      });
      if (spaces.length === 1) spaceField.control.value = spaces[0].id;
      const groupHint = h('p', { class: 'hint', hidden: true }, t('plan.addToSpace.groupHint'));
      const follow = () => {
        const chosen = spaces.find((s) => s.id === spaceField.control.value);
        groupHint.hidden = !(chosen && chosen.kind === 'group');
      };
      spaceField.control.addEventListener('change', follow);
      follow();
      const form = h('form', { novalidate: true, class: 'add-to-space' },
        formError(),
        spaceField,
        groupHint,
        textareaField({ name: 'note', label: t('space.plan.noteFieldOptional'), hint: t('space.plan.noteHint'), maxlength: NOTE_MAX }),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary' }, t('plan.addToSpace.submit'))));
      body.append(form, status);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const spaceId = value(form, 'spaceId');
        if (showFieldErrors(form, spaceId ? [] : [{ field: 'spaceId', code: 'field.required' }], { summary: false })) return;
        const done = busy(form);
        if (!done) return;
        setLive(status, '');
        const note = value(form, 'note').trim();
        const space = spaces.find((s) => s.id === spaceId);
        try {
          await post(`${spaceBase(spaceId)}/picks`, { serviceId: service.id, note: note || undefined }, { signal: ctx.signal });
          done();
          clearErrors(form);
          form.elements.namedItem('note').value = '';
          setLive(status, h('div', { class: 'notice notice--success' },
            h('p', {}, t('plan.addToSpace.done', { name, title: space.title })),
            h('p', {}, h('a', { href: `${spaceHref(spaceId)}#plan` }, t('plan.addToSpace.open', { title: space.title })))));
        } catch (error) {
          done();
          if (isAbort(error)) return;
          const code = error instanceof ApiError ? ((error.errors.find((e) => e.field === 'serviceId') || {}).code || error.code) : 'unknown';
          if (code === 'pick.exists' || code === 'space.closed' || code === 'space.notFound') {
            clearErrors(form);
            setFieldError(form, 'spaceId', requestMessage(new ApiError(error.status, code)));
            form.elements.namedItem('spaceId').focus();
          } else if (error instanceof ApiError && error.errors.some((e) => e.field === 'note')) {
            showApiError(form, error);
          } else {
            clearErrors(form);
            setLive(form.querySelector('.form-error'), requestMessage(error instanceof ApiError ? new ApiError(error.status, code) : error));
          }
        }
      });
    },
  });
  return details;
}
