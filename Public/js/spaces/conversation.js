// The conversation of a guidance space: the live log of messages and events (role="log",
// aria-live="polite", so that a screen reader announces what comes in), "load older messages",
// the message form, messages not sent yet (outbox.js), edit and delete of one's own messages,
// "seen by" and "is typing".
//
// Every event is shown once: rows are kept by seq, whichever way an event comes (the first page
// over HTTP, older pages, realtime, a catch-up after a gap). Messages being sent are rows of
// their own at the end, keyed by clientMessageId, until the server's event for them arrives.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText, locale } from '../i18n.js';
import { get, ApiError } from '../api.js';
import { formatRecent, formatDateTime } from '../format.js';
import { confirmDialog, formDialog } from '../dialog.js';
import { formError, setFieldError, clearErrors } from '../forms.js';
import { requestMessage } from '../ui/errors.js';
import { focusElement } from '../ui/rows.js';
import * as realtime from '../realtime.js';
import * as outbox from '../outbox.js';
import { on } from '../store.js';
import { spaceBase, personText, sizeText, audienceField, privateLabel } from './common.js';
import { ACCEPT, checkFile, limitText, uploadErrorText, uploadFile, progressLine } from './files.js';
import { meetingNote } from './meetings.js';

const PAGE = 30;
const MESSAGE_MAX = 8000;
const EDIT_WINDOW = 24 * 60 * 60 * 1000;
const TYPING_SHOWN = 6000;

/**
 * createConversation({ctx, space, me, nameOf(userId), say(kind, text), onEvent(event), pickName(pickId)})
 * → {node, start(kept), keep(), setSpace(space), readMembers(), focusComposer()}
 * `kept` is what keep() returned before (the same space shown again): rows and scroll come back
 * without loading the first page again.
 */
export function createConversation({ ctx, space: initialSpace, me, nameOf, say, onEvent = () => {}, pickName = () => null }) {
  let space = initialSpace;
  const spaceId = space.id;
  const base = spaceBase(spaceId);
  const events = new Map(); // seq → event (current state: edits applied)
  const rows = new Map(); // seq → row
  const pendingRows = new Map(); // clientMessageId → row
  let firstSeq = null;
  let maxSeq = 0;
  let hasOlder = false;
  let ready = false;
  const buffered = [];
  let unseenBelow = 0;
  const typers = new Map(); // userId → {name, timer}
  const mine = new Set(); // clientMessageIds of my messages shown from the server
  const pickNames = new Map(); // pickId → serviceName (LocalText), from pickAdded events
  const taskStates = new Map(); // taskId → {seq, status}, to tell a task done from one reopened

  const headingId = uid('conversation');
  const older = h('button', { type: 'button', class: 'btn btn--secondary conversation__older', hidden: true }, t('space.loadOlder'));
  const log = h('div', {
    class: 'conversation__log',
    role: 'log',
    'aria-live': 'polite',
    'aria-labelledby': headingId,
    tabindex: '0',
    'aria-busy': 'true',
  });
  const emptyNote = h('p', { class: 'conversation__empty muted', hidden: true }, t('space.noMessages'));
  const jump = h('button', { type: 'button', class: 'btn btn--secondary conversation__jump', hidden: true });
  const seenBy = h('p', { class: 'conversation__seen muted small' });
  const typingLine = h('p', { class: 'conversation__typing muted small' });
  const problem = h('div', { class: 'live-region', role: 'alert' });

  const bodyId = uid('message-body');
  const hintId = `${bodyId}-hint`;
  const textarea = h('textarea', {
    id: bodyId,
    name: 'body',
    rows: '3',
    maxlength: String(MESSAGE_MAX),
    'aria-describedby': hintId,
    autocomplete: 'off',
  });
  const send = h('button', { type: 'submit', class: 'btn btn--primary' }, t('space.send'));
  // who sees the message (group spaces): everyone, one client (an expert), the experts (a client)
  const audience = audienceField({ space, me });
  const messageHint = h('span', { class: 'hint', id: hintId }, t('space.messageHint'));
  if (audience) {
    // the audience's own hint says who sees it; the text box points there too
    messageHint.hidden = true;
    textarea.setAttribute('aria-describedby', audience.querySelector('.hint').id);
  }
  // an attachment: uploaded first, then the message is sent with its id
  const attachId = uid('attach');
  const attachInput = h('input', { type: 'file', id: attachId, name: 'attachment', accept: ACCEPT, 'aria-describedby': `${attachId}-hint` });
  const attachClear = h('button', { type: 'button', class: 'btn btn--link composer__attach-clear', hidden: true }, t('space.attach.remove'));
  const progress = progressLine();
  const attachField = h('div', { class: 'field composer__attach', dataset: { field: 'attachment' } },
    h('label', { for: attachId }, t('space.attach.label')),
    h('span', { class: 'hint', id: `${attachId}-hint` }, t('space.attach.hint', { max: limitText(space) })),
    h('span', { class: 'field-error', id: `${attachId}-error` }),
    attachInput,
    attachClear);
  const composer = h('form', { class: 'composer', novalidate: true },
    formError(),
    audience,
    h('div', { class: 'field', dataset: { field: 'body' } },
      h('label', { for: bodyId }, t('space.messageLabel')),
      messageHint,
      h('span', { class: 'field-error', id: `${bodyId}-error` }),
      textarea),
    attachField,
    h('div', { class: 'composer__actions' }, send),
    progress.node);
  const closedNote = h('p', { class: 'notice notice--info', hidden: true }, t('space.readOnly'));

  const node = h('section', { class: 'conversation', 'aria-labelledby': headingId },
    h('h2', { id: headingId, class: 'conversation__title' }, t('space.conversation')),
    older, emptyNote, log, jump, seenBy, typingLine, problem, closedNote, composer);

  // ---- rows ----------------------------------------------------------------------------------

  function nameText(userId) {
    return userId === me.id ? t('space.you') : nameOf(userId);
  }

  function timeNode(iso) {
    return h('time', { datetime: iso, title: formatDateTime(iso) }, formatRecent(iso));
  }

  function attachmentList(attachments) {
    if (!attachments || !attachments.length) return null;
    return h('ul', { class: 'msg__files' }, attachments.map((a) => h('li', {},
      h('a', { href: `${base}/files/${encodeURIComponent(a.id)}`, download: a.name || '' }, a.name || t('space.files.file')),
      ' ', h('span', { class: 'muted small' }, `(${sizeText(a.size)})`))));
  }

  function messageRow(event) {
    const d = event.data || {};
    const own = d.senderId === me.id;
    const row = h('div', {
      class: ['msg', own ? 'msg--own' : '', d.deleted ? 'msg--deleted' : ''],
      dataset: { seq: String(event.seq), messageId: d.messageId || '', clientMessageId: d.clientMessageId || '', sender: d.senderId || '' },
    });
    const head = h('p', { class: 'msg__head' }, h('strong', { class: 'msg__sender' }, nameText(d.senderId)), ' ', timeNode(event.createdAt));
    if (event.audienceId) {
      row.classList.add('msg--private');
      head.append(' ', privateLabel(event.audienceId, me, nameOf));
    }
    row.appendChild(head);
    if (d.deleted) {
      row.appendChild(h('p', { class: 'msg__body msg__body--deleted' }, t('space.message.deleted')));
      return row;
    }
    row.appendChild(h('p', { class: 'msg__body' }, d.body || ''));
    const files = attachmentList(d.attachments);
    if (files) row.appendChild(files);
    if (d.editedAt) row.appendChild(h('p', { class: 'msg__state muted small' }, t('space.message.edited')));
    const editable = own && space.canWrite && space.status !== 'closed';
    if (editable) {
      const actions = h('div', { class: 'msg__actions' });
      const young = Date.now() - new Date(event.createdAt).getTime() < EDIT_WINDOW;
      if (young) {
        const edit = h('button', { type: 'button', class: 'btn btn--link' }, t('space.message.edit'));
        edit.addEventListener('click', () => editMessage(event));
        actions.appendChild(edit);
      }
      const remove = h('button', { type: 'button', class: 'btn btn--link' }, t('space.message.delete'));
      remove.addEventListener('click', () => deleteMessage(event));
      actions.appendChild(remove);
      row.appendChild(actions);
    }
    return row;
  }

  function noteText(event) {
    const d = event.data || {};
    switch (event.kind) {
      case 'spaceOpened':
        return t('space.event.opened', { title: d.title || space.title });
      case 'spaceClosed':
        return t('space.event.closed');
      case 'spaceRenamed':
        return t('space.event.renamed', { title: d.title || '' });
      case 'memberJoined': {
        const person = personText(d.displayName || nameOf(d.userId), d.organization);
        const joined = t('space.event.joined', { person });
        return d.history === 'fromNow' ? `${joined} ${t('space.event.joinedFromNow')}` : joined;
      }
      case 'memberLeft':
        return t('space.event.left', { name: d.displayName || nameOf(d.userId) });
      case 'memberRemoved':
        return t('space.event.removed', { name: d.displayName || nameOf(d.userId) });
      case 'ownerChanged':
        return t('space.event.ownerChanged', { name: d.displayName || nameOf(d.userId) });
      case 'clientInvited':
        return t('space.event.clientInvited', { email: d.email || '' });
      case 'fileAdded':
        if (d.attachment) return null; // the message it goes with shows it
        if (event.actorId === me.id) return t('space.event.fileAddedByYou', { file: d.name || '' });
        return t('space.event.fileAdded', { name: event.actorId ? nameText(event.actorId) : t('space.someone'), file: d.name || '' });
      case 'pickAdded':
      case 'pickChanged':
      case 'pickRemoved':
        return pickText(event);
      case 'taskAdded':
      case 'taskChanged':
      case 'taskCommented':
      case 'taskRemoved':
        return taskText(event);
      case 'meetingAdded':
      case 'meetingChanged':
      case 'meetingCancelled':
      case 'meetingResponded':
        return meetingNote(event, { me, nameOf });
      default:
        return null;
    }
  }

  /** "Maija lisäsi suunnitelmaan palvelun X" (pickChanged and pickRemoved carry no name: the
   *  pickAdded event before them, or the plan panel, lends it). */
  function pickText(event) {
    const d = event.data || {};
    const service = localText(d.serviceName || pickNames.get(d.pickId) || pickName(d.pickId));
    const byMe = event.actorId === me.id;
    const name = event.actorId ? nameOf(event.actorId) : t('space.someone');
    const kind = event.kind.slice('pick'.length).toLowerCase(); // added, changed, removed
    const key = `space.event.pick.${kind}${byMe ? 'ByYou' : ''}${service ? '' : 'Unnamed'}`;
    const status = d.status ? t(`space.plan.status.${d.status}`).toLocaleLowerCase(locale()) : '';
    return t(key, { name, service, status });
  }

  /** "Sinulle annettiin tehtävä: …", "Tehtävä merkittiin tehdyksi: …" */
  function taskText(event) {
    const d = event.data || {};
    const title = d.title || '';
    const name = event.actorId ? nameOf(event.actorId) : t('space.someone');
    const byMe = event.actorId === me.id;
    const before = taskStates.get(d.taskId);
    if (d.status && (!before || before.seq < event.seq)) taskStates.set(d.taskId, { seq: event.seq, status: d.status });
    switch (event.kind) {
      case 'taskAdded':
        if (d.assigneeId === me.id) return t('space.event.task.addedToYou', { title });
        return t('space.event.task.added', { name: d.assigneeId ? nameOf(d.assigneeId) : t('space.someone'), title });
      case 'taskChanged': {
        const was = before && before.seq < event.seq ? before.status : null;
        if (d.status === 'done' && was !== 'done') return t('space.event.task.done', { title });
        if (d.status === 'open' && was === 'done') return t('space.event.task.reopened', { title });
        return t('space.event.task.changed', { title });
      }
      case 'taskCommented':
        return t(byMe ? 'space.event.task.commentedByYou' : 'space.event.task.commented', { name, title });
      default:
        return t(byMe ? 'space.event.task.removedByYou' : 'space.event.task.removed', { name, title });
    }
  }

  function noteRow(event) {
    const text = noteText(event);
    if (text === null) return null;
    const row = h('div', { class: ['event-note', `event-note--${event.kind}`], dataset: { seq: String(event.seq), kind: event.kind } },
      h('p', {}, h('span', { class: 'event-note__text' }, text), ' ', timeNode(event.createdAt)));
    if (event.kind === 'fileAdded' && event.data && event.data.fileId) {
      row.appendChild(h('p', { class: 'event-note__file' },
        h('a', { href: `${base}/files/${encodeURIComponent(event.data.fileId)}`, download: event.data.name || '' }, t('space.files.download', { name: event.data.name || '' }))));
    }
    return row;
  }

  function rowFor(event) {
    return event.kind === 'message' ? messageRow(event) : noteRow(event);
  }

  function pendingRow(entry) {
    const row = h('div', { class: 'msg msg--own msg--pending', dataset: { clientMessageId: entry.clientMessageId, pending: entry.failed ? 'failed' : 'waiting' } },
      h('p', { class: 'msg__head' }, h('strong', { class: 'msg__sender' }, t('space.you')), ' ', timeNode(entry.createdAt)),
      h('p', { class: 'msg__body' }, entry.body));
    if (entry.privateTo) {
      row.classList.add('msg--private');
      row.querySelector('.msg__head').append(' ', privateLabel(entry.privateTo, me, nameOf));
    }
    const files = attachmentList(entry.attachments);
    if (files) row.appendChild(files);
    if (entry.failed) {
      row.appendChild(h('p', { class: 'msg__state msg__state--failed' }, t('space.message.failed'), ' ', requestMessage(new ApiError(0, entry.failed))));
      const remove = h('button', { type: 'button', class: 'btn btn--link' }, t('space.message.removeUnsent'));
      remove.addEventListener('click', async () => {
        await outbox.discard(entry.clientMessageId);
        focusElement(textarea);
      });
      row.appendChild(h('div', { class: 'msg__actions' }, remove));
    } else {
      row.appendChild(h('p', { class: 'msg__state msg__state--waiting' }, t('space.message.notSent')));
    }
    return row;
  }

  // ---- placing rows --------------------------------------------------------------------------

  function atBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
    unseenBelow = 0;
    jump.hidden = true;
  }

  /** Put a row among the others in seq order (pending rows stay last). */
  let lastRowSeq = 0;
  function place(row, seq) {
    let before = null;
    if (seq < lastRowSeq) {
      for (const [s, r] of rows) {
        if (s > seq && r !== row && (!before || Number(before.dataset.seq) > s)) before = r;
      }
    }
    lastRowSeq = Math.max(lastRowSeq, seq);
    if (!before) before = log.querySelector('.msg--pending');
    log.insertBefore(row, before);
  }

  function quietly(fn) {
    log.setAttribute('aria-live', 'off');
    try {
      fn();
    } finally {
      // long enough for the browser to pass the change to assistive technology as not live
      window.setTimeout(() => log.setAttribute('aria-live', 'polite'), 300);
    }
  }

  function applyChange(event) {
    const d = event.data || {};
    for (const [seq, kept] of events) {
      if (kept.kind !== 'message' || !kept.data || kept.data.messageId !== d.messageId) continue;
      const data = event.kind === 'messageDeleted'
        ? { ...kept.data, body: null, deleted: true, attachments: [] }
        : { ...kept.data, body: d.body, editedAt: d.editedAt || new Date().toISOString() };
      const changed = { ...kept, data };
      events.set(seq, changed);
      const old = rows.get(seq);
      if (old) {
        const fresh = messageRow(changed);
        rows.set(seq, fresh);
        const hadFocus = old.contains(document.activeElement);
        quietly(() => old.replaceWith(fresh));
        if (hadFocus) focusElement(fresh);
      }
    }
  }

  /** Show an event (once). `live`: it came now, follow it down when the reader is at the bottom. */
  function apply(event, { live = false } = {}) {
    if (!event || !Number.isInteger(event.seq) || events.has(event.seq)) return;
    if (event.kind === 'messageEdited' || event.kind === 'messageDeleted') {
      events.set(event.seq, event);
      maxSeq = Math.max(maxSeq, event.seq);
      applyChange(event);
      return;
    }
    events.set(event.seq, event);
    if (firstSeq === null || event.seq < firstSeq) firstSeq = event.seq;
    maxSeq = Math.max(maxSeq, event.seq);
    const d = event.data || {};
    if (event.kind === 'message' && d.senderId === me.id && d.clientMessageId) mine.add(d.clientMessageId);
    if (event.kind === 'message' && d.senderId === me.id && d.clientMessageId && pendingRows.has(d.clientMessageId)) {
      const pending = pendingRows.get(d.clientMessageId);
      pendingRows.delete(d.clientMessageId);
      pending.remove();
    }
    if (event.kind === 'message' && d.senderId && typers.has(d.senderId)) stopTyping(d.senderId);
    if (event.kind === 'pickAdded' && d.pickId && d.serviceName) pickNames.set(d.pickId, d.serviceName);
    const row = rowFor(event);
    if (!row) return;
    const follow = live && (atBottom() || d.senderId === me.id);
    rows.set(event.seq, row);
    place(row, event.seq);
    emptyNote.hidden = true;
    if (live) {
      if (follow) scrollToBottom();
      else if (event.kind === 'message') {
        unseenBelow += 1;
        jump.textContent = plural('space.newBelow', unseenBelow);
        jump.hidden = false;
      }
    }
  }

  function updateEmpty() {
    emptyNote.hidden = rows.size > 0 || pendingRows.size > 0;
  }

  // ---- loading -------------------------------------------------------------------------------

  /** A page of events: {items, nextCursor} (for ?before=, nextCursor is set when older ones remain). */
  async function fetchEvents(query) {
    const answer = await get(`${base}/events?${query}`, { signal: ctx.signal });
    return { items: (answer && answer.items) || [], more: Boolean(answer && answer.nextCursor) };
  }

  /** Everything after `after` (a gap, or what came while the page was not listening). */
  async function catchUp(after) {
    let cursor = after;
    for (let i = 0; i < 20; i += 1) {
      const answer = await get(`${base}/events?after=${cursor}&limit=100`, { signal: ctx.signal });
      const items = (answer && answer.items) || [];
      for (const item of items) apply(item, { live: true });
      if (!answer || !answer.nextCursor || !items.length) break;
      cursor = answer.nextCursor;
    }
  }

  async function loadOlder() {
    if (!hasOlder || older.getAttribute('aria-disabled') === 'true') return;
    older.setAttribute('aria-disabled', 'true');
    const hadFocus = document.activeElement === older;
    const before = firstSeq === null ? maxSeq + 1 : firstSeq;
    let items;
    let more;
    try {
      ({ items, more } = await fetchEvents(`before=${before}&limit=${PAGE}`));
    } catch (error) {
      older.removeAttribute('aria-disabled');
      if (ctx.isCurrent() && error.name !== 'AbortError') setLive(problem, h('p', { class: 'notice notice--error' }, requestMessage(error)));
      return;
    }
    older.removeAttribute('aria-disabled');
    const heightBefore = log.scrollHeight;
    const topBefore = log.scrollTop;
    const added = [];
    quietly(() => {
      for (const item of items) {
        const known = events.has(item.seq);
        apply(item);
        if (!known && rows.has(item.seq)) added.push(rows.get(item.seq));
      }
    });
    log.scrollTop = topBefore + (log.scrollHeight - heightBefore);
    hasOlder = more;
    older.hidden = !hasOlder;
    if (hadFocus || older.hidden) {
      const target = added[added.length - 1];
      if (target) focusElement(target);
    }
    updateEmpty();
  }
  older.addEventListener('click', loadOlder, { signal: ctx.signal });
  jump.addEventListener('click', () => {
    scrollToBottom();
    const last = [...rows.values()].pop();
    if (last) focusElement(last);
  }, { signal: ctx.signal });
  log.addEventListener('scroll', () => {
    if (!jump.hidden && atBottom()) {
      unseenBelow = 0;
      jump.hidden = true;
    }
    if (atBottom()) markRead();
  }, { passive: true, signal: ctx.signal });

  // ---- read positions ("seen by") ------------------------------------------------------------

  /** The reader sees the newest event (the tab is visible and the log is at its bottom). */
  function markRead() {
    if (document.visibilityState === 'hidden' || !maxSeq || !atBottom()) return;
    realtime.read(spaceId, maxSeq);
  }

  function lastMessage() {
    let best = null;
    for (const [seq, event] of events) {
      if (event.kind === 'message' && !(event.data && event.data.deleted) && (!best || seq > best.seq)) best = event;
    }
    return best;
  }

  function updateSeenBy() {
    const last = lastMessage();
    if (!last) {
      seenBy.textContent = '';
      return;
    }
    const sender = last.data && last.data.senderId;
    const names = (space.members || [])
      .filter((m) => m.userId !== sender && m.userId !== me.id && (m.readSeq || 0) >= last.seq)
      .map((m) => m.displayName);
    seenBy.textContent = names.length ? t(names.length === 1 ? 'space.seenByOne' : 'space.seenByMany', { names: names.join(', ') }) : '';
  }

  // ---- typing --------------------------------------------------------------------------------

  function stopTyping(userId) {
    const entry = typers.get(userId);
    if (entry) window.clearTimeout(entry.timer);
    typers.delete(userId);
    showTypers();
  }

  function showTypers() {
    const names = [...typers.values()].map((x) => x.name);
    typingLine.textContent = names.length ? t(names.length === 1 ? 'space.typingOne' : 'space.typingMany', { names: names.join(', ') }) : '';
  }

  // ---- sending -------------------------------------------------------------------------------

  function addPending(entry) {
    if (mine.has(entry.clientMessageId)) return; // stored already (its ack is still on its way)
    const existing = pendingRows.get(entry.clientMessageId);
    const row = pendingRow(entry);
    if (existing) existing.replaceWith(row);
    else log.appendChild(row);
    pendingRows.set(entry.clientMessageId, row);
    updateEmpty();
  }

  composer.addEventListener('submit', async (event) => {
    event.preventDefault();
    const box = composer.querySelector('.form-error');
    const body = textarea.value.trim();
    if (!body) {
      setLive(box, t('space.messageEmpty'));
      textarea.setAttribute('aria-invalid', 'true');
      textarea.focus();
      return;
    }
    setLive(box, '');
    textarea.removeAttribute('aria-invalid');
    clearErrors(composer);
    const privateTo = audience ? audience.value() : null;
    const file = attachInput.files && attachInput.files[0];
    const attachments = [];
    if (file) {
      // the file goes first; a message whose attachment did not go is not queued
      const added = await uploadAttachment(file, privateTo);
      if (!added) return;
      attachments.push(added);
    }
    textarea.value = '';
    try {
      await outbox.queue(spaceId, body, { attachments, privateTo });
    } catch {
      textarea.value = body;
      setLive(box, t('error.unknown'));
      return;
    }
    clearAttachment();
    scrollToBottom();
    textarea.focus();
  }, { signal: ctx.signal });

  function clearAttachment() {
    attachInput.value = '';
    attachClear.hidden = true;
  }
  attachInput.addEventListener('change', () => {
    clearErrors(composer);
    attachClear.hidden = !(attachInput.files && attachInput.files.length);
  }, { signal: ctx.signal });
  attachClear.addEventListener('click', () => {
    clearAttachment();
    attachInput.focus();
  }, { signal: ctx.signal });

  /** Upload the message's attachment; null (and the reason beside the field) when it did not go. */
  async function uploadAttachment(file, privateTo) {
    const problem = checkFile(file, space);
    const failed = (text) => {
      setFieldError(composer, 'attachment', text);
      attachInput.focus();
      return null;
    };
    if (problem) return failed(uploadErrorText({ code: problem }, space));
    if (navigator.onLine === false) return failed(t('space.attach.offline'));
    if (composer.dataset.busy === 'true') return null;
    composer.dataset.busy = 'true';
    send.setAttribute('aria-disabled', 'true');
    send.textContent = t('space.files.sendingShort');
    progress.start(file.name);
    try {
      return await uploadFile(spaceId, file, {
        privateTo,
        attachment: true,
        signal: ctx.signal,
        onProgress: (sent, total) => progress.update(sent, total, file.name),
      });
    } catch (error) {
      if (error && error.name === 'AbortError') return null;
      const offline = error instanceof ApiError && error.status === 0;
      return failed(offline ? t('space.attach.offline') : `${uploadErrorText(error, space)} ${t('space.attach.notSent')}`);
    } finally {
      delete composer.dataset.busy;
      send.removeAttribute('aria-disabled');
      send.textContent = t('space.send');
      progress.stop();
    }
  }

  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      composer.requestSubmit();
    }
  }, { signal: ctx.signal });
  textarea.addEventListener('input', () => {
    if (textarea.value.trim()) realtime.typing(spaceId);
  }, { signal: ctx.signal });

  on('outbox', ({ type, entry }) => {
    if (!entry || entry.spaceId !== spaceId) return;
    if (type === 'added' || type === 'failed') {
      if (type === 'added' || pendingRows.has(entry.clientMessageId)) addPending(entry);
      if (type === 'added') scrollToBottom();
    } else if (type === 'sent') {
      const row = pendingRows.get(entry.clientMessageId);
      if (row) {
        row.dataset.pending = 'sent';
        const state = row.querySelector('.msg__state');
        if (state) {
          state.className = 'msg__state muted small';
          state.textContent = t('space.message.sent');
        }
      }
    } else if (type === 'removed') {
      const row = pendingRows.get(entry.clientMessageId);
      if (row) row.remove();
      pendingRows.delete(entry.clientMessageId);
      updateEmpty();
    }
  }, { signal: ctx.signal });

  async function editMessage(event) {
    const opener = document.activeElement;
    const seq = event.seq;
    const id = uid('edit-body');
    const area = h('textarea', { id, name: 'body', rows: '5', maxlength: String(MESSAGE_MAX) });
    area.value = event.data.body || '';
    const saved = await formDialog({
      parent: document.getElementById('main'),
      title: t('space.message.editTitle'),
      submitLabel: t('space.message.save'),
      fields: [h('div', { class: 'field', dataset: { field: 'body' } }, h('label', { for: id }, t('space.messageLabel')), h('span', { class: 'field-error', id: `${id}-error` }), area)],
      validate: (form) => {
        if (area.value.trim()) return false;
        area.setAttribute('aria-invalid', 'true');
        form.querySelector('[data-field="body"] .field-error').textContent = t('space.messageEmpty');
        area.focus();
        return true;
      },
      onSubmit: () => realtime.editMessage(spaceId, event.data.messageId, area.value.trim()).then(() => true, (error) => {
        throw error instanceof realtime.RealtimeError ? new ApiError(0, error.code) : error;
      }),
    });
    if (saved) say('success', t('space.message.editedDone'));
    focusRow(seq, opener);
  }

  /** Focus back on a message whose row may have been drawn again meanwhile (an edit, a delete). */
  function focusRow(seq, opener) {
    if (opener && opener.isConnected) {
      opener.focus();
      return;
    }
    const row = rows.get(seq);
    if (row) focusElement(row.querySelector('button') || row);
    else focusElement(textarea);
  }

  async function deleteMessage(event) {
    const ok = await confirmDialog({
      parent: document.getElementById('main'),
      title: t('space.message.deleteTitle'),
      text: t('space.message.deleteText'),
      confirmLabel: t('space.message.deleteConfirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      await realtime.deleteMessage(spaceId, event.data.messageId);
      say('success', t('space.message.deletedDone'));
      focusRow(event.seq, null);
    } catch (error) {
      say('error', requestMessage(error instanceof realtime.RealtimeError ? new ApiError(0, error.code) : error));
    }
  }

  // ---- realtime --------------------------------------------------------------------------------

  function receive(frame) {
    if (frame.type === 'event') {
      onEvent(frame);
      if (!ready) {
        buffered.push(frame);
        return;
      }
      apply(frame, { live: true });
      updateSeenBy();
      updateEmpty();
      markRead();
    } else if (frame.type === 'read') {
      const member = (space.members || []).find((m) => m.userId === frame.userId);
      if (member && frame.seq > (member.readSeq || 0)) {
        member.readSeq = frame.seq;
        updateSeenBy();
      }
    } else if (frame.type === 'typing') {
      if (frame.userId === me.id) return;
      const old = typers.get(frame.userId);
      if (old) window.clearTimeout(old.timer);
      typers.set(frame.userId, { name: frame.displayName || nameOf(frame.userId), timer: window.setTimeout(() => stopTyping(frame.userId), TYPING_SHOWN) });
      showTypers();
    }
  }
  realtime.subscribe(spaceId, receive, { signal: ctx.signal });
  const onVisible = () => {
    if (document.visibilityState === 'visible') markRead();
  };
  document.addEventListener('visibilitychange', onVisible, { signal: ctx.signal });
  ctx.signal.addEventListener('abort', () => {
    for (const x of typers.values()) window.clearTimeout(x.timer);
  }, { once: true });

  function setSpace(next) {
    space = next;
    if (audience) audience.setSpace(space);
    const writable = space.canWrite !== false && space.status !== 'closed';
    composer.hidden = !writable;
    closedNote.hidden = writable;
    updateSeenBy();
  }

  /** Load (or restore) the conversation; resolves when it is on screen. */
  async function start(kept) {
    setSpace(space);
    let restored = false;
    if (kept && kept.spaceId === spaceId) {
      quietly(() => {
        for (const event of kept.events) apply(event);
      });
      hasOlder = kept.hasOlder;
      restored = true;
    } else {
      const last = Number.isInteger(space.lastSeq) ? space.lastSeq : 0;
      const { items, more } = last > 0 ? await fetchEvents(`before=${last + 1}&limit=${PAGE}`) : { items: [], more: false };
      quietly(() => {
        for (const item of items) apply(item);
      });
      hasOlder = more;
    }
    const pendings = await outbox.pendingFor(spaceId);
    quietly(() => {
      for (const entry of pendings) if (!pendingRows.has(entry.clientMessageId)) addPending(entry);
    });
    older.hidden = !hasOlder;
    log.removeAttribute('aria-busy');
    // what came meanwhile: the buffered frames, and over HTTP anything in between
    const after = maxSeq;
    ready = true;
    const waiting = buffered.splice(0);
    const firstWaiting = waiting.length ? Math.min(...waiting.map((f) => f.seq)) : null;
    if (restored || (firstWaiting !== null && firstWaiting > after + 1) || (realtime.lastSeen(spaceId) || 0) > after) {
      try {
        await catchUp(after);
      } catch {
        /* realtime goes on; a reconnect resumes */
      }
    }
    for (const frame of waiting) apply(frame, { live: true });
    realtime.advance(spaceId, maxSeq);
    updateEmpty();
    updateSeenBy();
    if (restored && kept.anchor && !kept.atBottom) {
      const row = rows.get(kept.anchor.seq);
      if (row) log.scrollTop = row.offsetTop - kept.anchor.offset;
      else scrollToBottom();
    } else {
      scrollToBottom();
    }
    markRead();
  }

  /** What a later render of the same space needs to show the same thing at the same place. */
  function keep() {
    let anchor = null;
    const top = log.scrollTop;
    for (const [seq, row] of [...rows].sort((a, b) => a[0] - b[0])) {
      const y = row.offsetTop; // the log is the rows' offsetParent (position: relative)
      if (y + row.offsetHeight > top) {
        anchor = { seq, offset: y - top };
        break;
      }
    }
    return {
      spaceId,
      events: [...events.values()].sort((a, b) => a.seq - b.seq),
      hasOlder,
      anchor,
      atBottom: atBottom(),
      at: Date.now(),
    };
  }

  return {
    node,
    start,
    keep,
    setSpace,
    updateSeenBy,
    focusComposer: () => textarea.focus(),
    maxSeq: () => maxSeq,
  };
}
