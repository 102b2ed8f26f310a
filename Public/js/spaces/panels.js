// The secondary panels of a guidance space, each a disclosure section (<details>) so that a phone
// shows the conversation first and one main action: members (add an expert, invite a client to a
// group, remove a member, hand the responsibility over, leave), files, the consent record, the
// access log ("who has viewed my data") and closing the space; and listPanel, the skeleton that
// the panels listing a space's items share (the plan and the tasks in plan.js, the meetings in
// meetings.js). A panel's data is loaded when it is first opened: every read of a client's data by
// an expert is logged, so nothing is read that nobody looks at.
import { h, uid, setLive } from '../dom.js';
import { t, localText } from '../i18n.js';
import { get, post, del, enc, ApiError } from '../api.js';
import { formatDateTime, formatDate } from '../format.js';
import { confirmDialog } from '../dialog.js';
import { field, radioGroup, radioValue, formError, showFieldErrors, showApiError, checkEmail, value, busy, clearErrors, setFieldError } from '../forms.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { pagedList } from '../ui/paged-list.js';
import { focusElement } from '../ui/rows.js';
import { loadTaxonomy, taxonomy, labelFor } from '../catalogue/taxonomy.js';
import { spaceBase, roleName, organizationText, personText, sizeText, consentTextCard, audienceField, privateLabel, notice, debounce, CONSENT_METHODS } from './common.js';
import { ACCEPT, checkFile, limitText, uploadErrorText, uploadFile, progressLine } from './files.js';

/** A disclosure section: <details><summary><h2>…</h2></summary>…</details>; onFirstOpen(body) loads it. */
export function panel({ id, title, open = false, onFirstOpen, signal }) {
  const body = h('div', { class: 'panel__body' });
  const summaryText = h('span', { class: 'panel__title' }, title);
  const details = h('details', { class: 'panel', id, open }, h('summary', {}, h('h2', { class: 'panel__heading' }, summaryText)), body);
  let loaded = false;
  const load = () => {
    if (loaded || !details.open) return;
    loaded = true;
    if (onFirstOpen) onFirstOpen(body);
  };
  details.addEventListener('toggle', load, { signal });
  details.load = load;
  details.body = body;
  details.setTitle = (text) => {
    summaryText.textContent = text;
  };
  details.reload = () => {
    loaded = false;
    body.replaceChildren();
    load();
  };
  return details;
}

// ---- a panel that lists a space's items (the plan, the tasks, the meetings) -------------------

/** An event of one's own this soon after a change made on this page is that change coming back. */
const OWN_ECHO = 5000;
/** A burst of realtime events: one load, this long after the last. */
const REFRESH_DELAY = 300;

/**
 * The changes this page made: an event of one's own about an item written here moments ago is
 * that change coming back (the page shows it already), so nothing is loaded again for it. (Each
 * load of an expert is one more line in the client's access log.) `keys`: the names of the item's
 * id in an event's data, the first one given counts.
 */
export function echoes(me, keys) {
  const written = new Map(); // item id → when this page wrote it
  return {
    wrote: (id) => written.set(id, Date.now()),
    isEcho: (event) => {
      if (!event || event.actorId !== me.id || !event.data) return false;
      const id = keys.map((key) => event.data[key]).find(Boolean);
      return Boolean(id && written.has(id) && Date.now() - written.get(id) < OWN_ECHO);
    },
  };
}

/**
 * What the panels listing a space's items share. The panel is built when it is first opened: the
 * intro (a hint), the problem region (an alert), the list, the "nothing yet" text, `parts(ui)`
 * (more of the panel's own), the status region; its data is loaded then, and an expert's form
 * (with what `form()` gives after it) follows the first load that succeeded, in a writable space.
 *
 * listPanel({ctx, getSpace, me, id, title, open, list: {tag, className, label}, empty(isExpert),
 *            intro(isExpert), parts(ui), read(), show(data), render(), message(error), form(),
 *            echoKeys, holdWhileDialog})
 * → {details, ui, summary, isExpert, writable, wrote, load, loaded}:
 * - `ui` ({status, problem, list, empty, form} and what parts(ui) puts in it) is filled when built;
 * - load() reads with the list aria-busy and gives the answer to show(data); a failure is said in
 *   the problem region in message(error)'s words (requestMessage by default);
 * - wrote(id) marks an item as changed here: details.refresh(event) loads again (when loaded, once
 *   a burst) unless the event is that change coming back; with `holdWhileDialog`, only once no
 *   dialog is open (a dialog's opener stays in place to take the focus back);
 * - details.setSpace() follows a change of the space: ui.form.setSpace() (if any), then render();
 *   details.loaded() says whether the first load has succeeded.
 */
export function listPanel({
  ctx, getSpace, me, id, title, open = false, list, empty, intro, parts = () => [],
  read, show, render, message = requestMessage, form, echoKeys, holdWhileDialog = false,
}) {
  const isExpert = () => getSpace().role !== 'client';
  const writable = () => getSpace().status !== 'closed' && getSpace().canWrite !== false;
  const { wrote, isEcho } = echoes(me, echoKeys);
  const ui = { form: null };
  let loaded = false;
  const details = panel({ id, title, open, signal: ctx.signal, onFirstOpen: build });
  const summary = () => details.querySelector('summary');

  function build(body) {
    ui.status = h('div', { class: 'live-region', role: 'status' });
    ui.problem = h('div', { class: 'live-region', role: 'alert' });
    ui.list = h(list.tag || 'ul', { class: list.className, 'aria-label': list.label });
    ui.empty = h('p', { class: 'muted', hidden: true }, empty(isExpert()));
    body.append(h('p', { class: 'hint' }, intro(isExpert())), ui.problem, ui.list, ui.empty, ...parts(ui), ui.status);
    load().then(() => {
      if (!ctx.isCurrent() || !loaded) return;
      if (isExpert() && writable()) {
        const [made, ...after] = [].concat(form());
        ui.form = made;
        body.append(made, ...after);
      }
    });
  }

  async function load() {
    if (!ui.list) return;
    ui.list.setAttribute('aria-busy', 'true');
    try {
      const data = await read();
      loaded = true;
      setLive(ui.problem, '');
      show(data);
    } catch (error) {
      if (!isAbort(error)) setLive(ui.problem, notice('error', message(error)));
    } finally {
      ui.list.removeAttribute('aria-busy');
    }
  }

  const reload = debounce(() => {
    if (!loaded || !ctx.isCurrent()) return;
    if (holdWhileDialog && document.querySelector('dialog[open]')) reload();
    else load();
  }, REFRESH_DELAY, ctx.signal);
  /** Load again (when loaded) after `event` of the space's log, unless it is this page's own change. */
  details.refresh = (event = null) => {
    if (!isEcho(event)) reload();
  };
  details.setSpace = () => {
    if (ui.form && ui.form.setSpace) ui.form.setSpace();
    if (loaded) render();
  };
  details.loaded = () => loaded;
  return { details, ui, summary, isExpert, writable, wrote, load, loaded: details.loaded };
}

function consentMethodName(method) {
  return CONSENT_METHODS.includes(method) ? t(`space.consent.method.${method}`) : method;
}

// ---- members ---------------------------------------------------------------------------------

/**
 * membersPanel({ctx, getSpace, me, say, refresh}) → panel. refresh() loads the space again and
 * calls render(space) on the panel.
 */
export function membersPanel({ ctx, getSpace, me, say, refresh, open }) {
  const details = panel({ id: 'members', title: t('space.members.title'), open, signal: ctx.signal });
  const base = spaceBase(getSpace().id);
  const list = h('ul', { class: 'member-list' });
  const pendingBox = h('div', { class: 'member-pending' });
  const forms = h('div', { class: 'member-forms' });
  details.body.append(list, pendingBox, forms);

  function memberRow(m, space) {
    const nameId = uid('member');
    const isOwner = space.role === 'owner';
    const writable = space.status !== 'closed';
    const org = organizationText(m.organization);
    const li = h('li', { class: 'member', dataset: { userId: m.userId, role: m.role } },
      h('p', { class: 'member__name', id: nameId }, h('strong', {}, m.displayName), m.userId === me.id ? [' ', h('span', { class: 'muted' }, t('space.members.youMark'))] : null),
      h('p', { class: 'member__role' }, h('span', { class: `badge ${m.role === 'client' ? 'badge--muted' : 'badge--info'}` }, roleName(m.role)), org ? [' ', h('span', { class: 'member__org' }, org)] : null),
      m.joinedAt ? h('p', { class: 'muted small' }, t('space.members.joined', { date: formatDate(m.joinedAt) })) : null);
    const actions = h('div', { class: 'actions member__actions' });
    if (writable && isOwner && m.userId !== me.id) {
      if (m.role === 'expert') {
        const hand = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId }, t('space.members.makeOwner'));
        hand.addEventListener('click', () => handOver(m));
        actions.appendChild(hand);
      }
      const remove = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId }, t('space.members.remove'));
      remove.addEventListener('click', () => removeMember(m));
      actions.appendChild(remove);
    }
    if (writable && m.userId === me.id && !isOwner) {
      const leave = h('button', { type: 'button', class: 'btn btn--secondary' }, t('space.members.leave'));
      leave.addEventListener('click', leaveSpace);
      actions.appendChild(leave);
    }
    if (actions.children.length) li.appendChild(actions);
    return li;
  }

  async function handOver(m) {
    const ok = await confirmDialog({
      title: t('space.members.makeOwnerTitle', { name: m.displayName }),
      text: t('space.members.makeOwnerText', { name: m.displayName }),
      confirmLabel: t('space.members.makeOwnerConfirm'),
    });
    if (!ok) return;
    try {
      await post(`${base}/owner`, { userId: m.userId });
      say('success', t('space.members.ownerChanged', { name: m.displayName }));
      await refresh();
      focusElement(details.querySelector('summary'));
    } catch (error) {
      say('error', requestMessage(error));
    }
  }

  async function removeMember(m) {
    const ok = await confirmDialog({
      title: t('space.members.removeTitle', { name: m.displayName }),
      text: t('space.members.removeText', { name: m.displayName }),
      confirmLabel: t('space.members.removeConfirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      await del(`${base}/members/${enc(m.userId)}`);
      say('success', t('space.members.removed', { name: m.displayName }));
      await refresh();
      focusElement(details.querySelector('summary'));
    } catch (error) {
      say('error', requestMessage(error));
    }
  }

  async function leaveSpace() {
    const ok = await confirmDialog({
      title: t('space.members.leaveTitle'),
      text: t('space.members.leaveText'),
      confirmLabel: t('space.members.leaveConfirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      await post(`${base}/leave`, {});
      ctx.setFlash('success', 'space.members.left', { title: getSpace().title });
      ctx.navigate('/spaces');
    } catch (error) {
      say('error', requestMessage(error));
    }
  }

  function addExpertForm() {
    const status = h('div', { class: 'live-region', role: 'status' });
    const form = h('form', { novalidate: true, class: 'member-form' },
      h('h3', {}, t('space.members.addExpert')),
      h('p', { class: 'hint' }, t('space.members.addExpertIntro')),
      formError(),
      field({ name: 'expertEmail', type: 'email', label: t('label.email'), attrs: { inputmode: 'email' } }),
      radioGroup({
        name: 'history',
        legend: t('space.members.history'),
        value: 'all',
        options: [
          { value: 'all', label: t('space.members.history.all'), hint: t('space.members.history.allHint') },
          { value: 'fromNow', label: t('space.members.history.fromNow'), hint: t('space.members.history.fromNowHint') },
        ],
      }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--secondary' }, t('space.members.addExpertSubmit'))),
      status);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (showFieldErrors(form, checkEmail(form, 'expertEmail'))) return;
      const done = busy(form);
      if (!done) return;
      const email = value(form, 'expertEmail').trim();
      try {
        const member = await post(`${base}/members`, { email, history: radioValue(form, 'history') || 'all' });
        done();
        clearErrors(form);
        form.elements.namedItem('expertEmail').value = '';
        setLive(status, h('p', { class: 'notice notice--success' }, t('space.members.added', { name: (member && member.displayName) || email })));
        await refresh();
      } catch (error) {
        done();
        showApiError(form, error, { aliases: { email: 'expertEmail' } });
      }
    });
    return form;
  }

  function inviteClientForm() {
    const status = h('div', { class: 'live-region', role: 'status' });
    const form = h('form', { novalidate: true, class: 'member-form' },
      h('h3', {}, t('space.members.inviteClient')),
      formError(),
      field({ name: 'clientEmail', type: 'email', label: t('label.email'), attrs: { inputmode: 'email' } }),
      radioGroup({
        name: 'inviteConsent',
        legend: t('spaceNew.consent.method'),
        options: CONSENT_METHODS.map((m) => ({ value: m, label: consentMethodName(m) })),
      }),
      consentTextCard({ language: me.language || 'fi', signal: ctx.signal }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--secondary' }, t('space.members.inviteClientSubmit'))),
      status);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const problems = checkEmail(form, 'clientEmail');
      if (!radioValue(form, 'inviteConsent')) problems.push({ field: 'inviteConsent', code: 'field.required' });
      if (showFieldErrors(form, problems)) return;
      const done = busy(form);
      if (!done) return;
      const email = value(form, 'clientEmail').trim();
      try {
        await post(`${base}/clients`, { email, consent: { method: radioValue(form, 'inviteConsent') } });
        done();
        clearErrors(form);
        form.elements.namedItem('clientEmail').value = '';
        setLive(status, h('p', { class: 'notice notice--success' }, t('space.members.clientInvited', { email })));
        await refresh();
      } catch (error) {
        done();
        showApiError(form, error, { aliases: { email: 'clientEmail', consent: 'inviteConsent' } });
      }
    });
    return form;
  }

  let formsFor = null;
  details.render = (space) => {
    const members = [...(space.members || [])];
    const order = { owner: 0, expert: 1, client: 2 };
    members.sort((a, b) => (order[a.role] - order[b.role]) || a.displayName.localeCompare(b.displayName));
    list.replaceChildren(...members.map((m) => memberRow(m, space)));
    details.setTitle(t('space.members.titleCount', { count: members.length }));
    const pending = space.pendingClients || [];
    pendingBox.replaceChildren(...(pending.length ? [
      h('h3', {}, t('space.members.pending')),
      h('ul', { class: 'plain-list' }, pending.map((p) => h('li', {}, p.email, ' ', h('span', { class: 'badge badge--warn' }, t('space.members.pendingBadge'))))),
    ] : []));
    // the forms stay (with what is typed in them) while the owner and the status stay the same
    const key = `${space.role}/${space.status}/${space.kind}`;
    if (formsFor !== key) {
      formsFor = key;
      const parts = [];
      if (space.role === 'owner' && space.status !== 'closed') {
        parts.push(addExpertForm());
        if (space.kind === 'group') parts.push(inviteClientForm());
      }
      forms.replaceChildren(...parts);
    }
  };
  details.render(getSpace());
  return details;
}

// ---- files -----------------------------------------------------------------------------------

export function filesPanel({ ctx, getSpace, nameOf, me }) {
  const base = spaceBase(getSpace().id);
  let pages = null;
  const details = panel({
    id: 'files',
    title: t('space.files.title'),
    signal: ctx.signal,
    onFirstOpen: (body) => build(body),
  });

  function fileRow(f) {
    const added = f.uploaderId === me.id ? t('space.files.addedByYou') : t('space.files.addedBy', { name: nameOf(f.uploaderId) });
    return h('li', { class: 'file', dataset: { fileId: f.id } },
      h('p', { class: 'file__name' }, h('a', { href: `${base}/files/${enc(f.id)}`, download: f.name || '' }, f.name), ' ', h('span', { class: 'file__size muted small' }, `(${sizeText(f.size)})`)),
      f.audienceId ? h('p', {}, privateLabel(f.audienceId, me, nameOf, 'file')) : null,
      h('p', { class: 'muted small' }, added, ' ', h('time', { datetime: f.createdAt }, formatDateTime(f.createdAt))));
  }

  function build(body) {
    const problem = h('div', { class: 'live-region', role: 'alert' });
    const list = h('ul', { class: 'file-list', 'aria-label': t('space.files.title') });
    const empty = h('p', { class: 'muted', hidden: true }, t('space.files.empty'));
    const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
    body.append(problem, list, empty, h('div', { class: 'actions' }, more));
    let unavailable = false;
    pages = pagedList({
      signal: ctx.signal,
      list,
      more,
      problem,
      heading: () => details.querySelector('summary'),
      url: (cursor) => `${base}/files?limit=20${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      row: fileRow,
      onPage: () => {
        empty.hidden = list.children.length > 0;
      },
      // a server without the files routes answers the generic 404 (not space.notFound)
      onError: (error) => {
        unavailable = error instanceof ApiError && error.status === 404 && error.code === 'notFound';
        return unavailable;
      },
    });
    pages.load().then((answer) => {
      if (!ctx.isCurrent()) return;
      if (unavailable) {
        list.hidden = true;
        empty.hidden = false;
        empty.textContent = t('space.files.unavailable');
        return;
      }
      const space = getSpace();
      if (answer && space.status !== 'closed' && space.canWrite !== false) body.appendChild(uploadForm());
    });
  }

  function uploadForm() {
    const id = uid('file');
    const input = h('input', { type: 'file', id, name: 'file', accept: ACCEPT, 'aria-describedby': `${id}-hint` });
    const status = h('div', { class: 'live-region', role: 'status' });
    const progress = progressLine();
    const audience = audienceField({ space: getSpace(), me, name: 'filePrivateTo' });
    details.audience = audience;
    const submit = h('button', { type: 'submit', class: 'btn btn--secondary' }, t('space.files.upload'));
    const form = h('form', { novalidate: true, class: 'upload-form' },
      h('h3', {}, t('space.files.add')),
      formError(),
      h('div', { class: 'field', dataset: { field: 'file' } },
        h('label', { for: id }, t('space.files.choose')),
        h('span', { class: 'hint', id: `${id}-hint` }, t('space.files.allowed', { max: limitText(getSpace()) })),
        h('span', { class: 'field-error', id: `${id}-error` }),
        input),
      audience,
      h('div', { class: 'actions' }, submit),
      progress.node,
      status);
    input.addEventListener('change', () => clearErrors(form), { signal: ctx.signal });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const file = input.files && input.files[0];
      const problem = checkFile(file, getSpace());
      if (problem) {
        setLive(status, '');
        clearErrors(form);
        setFieldError(form, 'file', uploadErrorText({ code: problem }, getSpace()));
        input.focus();
        return;
      }
      const done = busy(form);
      if (!done) return;
      clearErrors(form);
      setLive(status, '');
      progress.start(file.name);
      submit.textContent = t('space.files.sendingShort');
      try {
        const privateTo = audience ? audience.value() : null;
        const added = await uploadFile(getSpace().id, file, {
          privateTo,
          signal: ctx.signal,
          onProgress: (sent, total) => progress.update(sent, total, file.name),
        });
        input.value = '';
        if (audience) audience.reset();
        setLive(status, h('p', { class: 'notice notice--success' }, t('space.files.uploaded', { name: added.name })));
        if (pages) await pages.load();
      } catch (error) {
        if (isAbort(error)) return;
        setFieldError(form, 'file', uploadErrorText(error, getSpace()));
        input.focus();
      } finally {
        progress.stop();
        submit.textContent = t('space.files.upload');
        done();
      }
    });
    return form;
  }

  details.refresh = () => {
    if (pages) pages.load();
  };
  return details;
}

// ---- consent ---------------------------------------------------------------------------------

export function consentPanel({ ctx, getSpace }) {
  const base = spaceBase(getSpace().id);
  return panel({
    id: 'consent',
    title: t('space.consent.title'),
    signal: ctx.signal,
    onFirstOpen: async (body) => {
      const problem = h('div', { class: 'live-region', role: 'alert' });
      const list = h('ul', { class: 'plain-list consent-list', 'aria-busy': 'true' });
      body.append(problem, list);
      try {
        const answer = await get(`${base}/consents`, { signal: ctx.signal });
        const items = (answer && answer.items) || [];
        list.replaceChildren(...items.map((c) => h('li', { class: 'consent card' },
          h('dl', { class: 'meta' },
            h('dt', {}, t('space.consent.client')), h('dd', {}, c.clientEmail),
            h('dt', {}, t('space.consent.methodLabel')), h('dd', {}, consentMethodName(c.method)),
            h('dt', {}, t('space.consent.recordedBy')), h('dd', {}, (c.recordedBy && c.recordedBy.displayName) || ''),
            h('dt', {}, t('space.consent.recordedAt')), h('dd', {}, h('time', { datetime: c.recordedAt }, formatDateTime(c.recordedAt))),
            h('dt', {}, t('space.consent.version')), h('dd', {}, c.textVersion)),
          h('h3', {}, t('space.consent.textTitle')),
          h('blockquote', { class: 'consent__text', lang: c.language || null }, c.text))));
        if (!items.length) list.replaceWith(h('p', { class: 'muted' }, t('space.consent.none')));
      } catch (error) {
        if (error.name !== 'AbortError') setLive(problem, h('p', { class: 'notice notice--error' }, requestMessage(error)));
      } finally {
        list.removeAttribute('aria-busy');
      }
    },
  });
}

// ---- access log ------------------------------------------------------------------------------

export function accessLogPanel({ ctx, getSpace }) {
  const space = getSpace();
  const base = spaceBase(space.id);
  const title = t(space.role === 'client' ? 'space.access.titleClient' : 'space.access.title');
  return panel({
    id: 'access-log',
    title,
    signal: ctx.signal,
    onFirstOpen: (body) => {
      body.appendChild(h('p', { class: 'hint' }, t('space.access.intro')));
      const problem = h('div', { class: 'live-region', role: 'alert' });
      const list = h('ul', { class: 'access-list', 'aria-label': title });
      const empty = h('p', { class: 'muted', hidden: true }, t('space.access.empty'));
      const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
      body.append(problem, list, empty, h('div', { class: 'actions' }, more));
      const pages = pagedList({
        signal: ctx.signal,
        list,
        more,
        problem,
        url: (cursor) => `${base}/access-log?limit=30${cursor ? `&cursor=${enc(cursor)}` : ''}`,
        row: (item) => h('li', { class: 'access' },
          h('p', {}, t('space.access.row', { person: personText(item.readerName, item.organization), what: t(`space.access.kind.${item.kind}`) })),
          h('p', { class: 'muted small' }, h('time', { datetime: item.readAt }, formatDateTime(item.readAt)))),
        onPage: () => {
          empty.hidden = list.children.length > 0;
        },
      });
      pages.load();
    },
  });
}

// ---- closing ---------------------------------------------------------------------------------

export function closePanel({ ctx, getSpace, say }) {
  const space = getSpace();
  const base = spaceBase(space.id);
  return panel({
    id: 'close',
    title: t('space.close.title'),
    signal: ctx.signal,
    onFirstOpen: async (body) => {
      body.appendChild(h('p', {}, t('space.close.intro')));
      await loadTaxonomy();
      if (!ctx.isCurrent()) return;
      const statuses = ((taxonomy() && taxonomy().employmentStatuses) || []).map((s) => ({ value: s.id, label: localText(s.name) || labelFor('employmentStatus', s.id) }));
      const form = h('form', { novalidate: true },
        formError(),
        field({
          name: 'outcome',
          type: 'select',
          label: t('space.close.outcome'),
          hint: t('space.close.outcomeHint'),
          options: [{ value: '', label: t('space.close.choose') }, ...statuses],
        }),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--danger' }, t('space.close.submit'))));
      body.appendChild(form);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const outcome = value(form, 'outcome');
        if (showFieldErrors(form, outcome ? [] : [{ field: 'outcome', code: 'field.required' }], { summary: false })) return;
        const ok = await confirmDialog({
          title: t('space.close.confirmTitle'),
          text: t('space.close.confirmText'),
          confirmLabel: t('space.close.submit'),
          danger: true,
        });
        if (!ok) return;
        const done = busy(form);
        if (!done) return;
        try {
          await post(`${base}/close`, { outcome });
          ctx.setFlash('success', 'space.close.done');
          ctx.navigate(`/spaces/${enc(space.id)}`, { replace: true });
        } catch (error) {
          done();
          if (error instanceof ApiError) showApiError(form, error);
          else say('error', requestMessage(error));
        }
      });
    },
  });
}
