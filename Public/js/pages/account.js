import { h, setLive, uid } from '../dom.js';
import { t, getLanguage, setLanguage } from '../i18n.js';
import { get, patch, post, del, enc } from '../api.js';
import { setUser, signOut } from '../session.js';
import { formatDateTime, formatRecent } from '../format.js';
import {
  field, languageField, formError, passwordToggle, showFieldErrors, showApiError,
  checkRequired, checkNewPassword, value, busy, clearErrors,
} from '../forms.js';
import { section, submitButton, notice, describeUserAgent } from './common.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { showRequestError, isAbort } from '../ui/errors.js';
import { confirmDialog } from '../dialog.js';
import { pagedList } from '../ui/paged-list.js';
import { removeRow } from '../ui/rows.js';
import { copyFieldText } from '../ui/copy.js';

function profileForm(ctx, user) {
  const status = statusRegion();
  const form = h(
    'form',
    { class: 'narrow', novalidate: true },
    formError(),
    field({ name: 'displayName', label: t('label.displayName'), hint: t('hint.displayName'), value: user.displayName, autocomplete: 'name' }),
    languageField({ label: t('label.language'), hint: t('hint.accountLanguage'), value: user.language }),
    h('div', { class: 'actions' }, submitButton(t('account.profile.submit'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (showFieldErrors(form, checkRequired(form, ['displayName']))) return;
    const done = busy(form);
    if (!done) return;
    setLive(status, '');
    try {
      const data = await patch('/api/v1/me', { displayName: value(form, 'displayName').trim(), language: value(form, 'language') });
      done();
      clearErrors(form);
      setUser(data.user);
      if (data.user.language !== getLanguage()) {
        ctx.setFlash('success', 'account.profile.saved');
        await setLanguage(data.user.language); // re-renders the page in the new language
      } else {
        setLive(status, notice('success', t('account.profile.saved')));
      }
    } catch (error) {
      done();
      showApiError(form, error);
    }
  });
  return [status, form];
}

function passwordForm(ctx, user, onChanged) {
  const status = statusRegion();
  const current = field({ name: 'currentPassword', type: 'password', label: t('label.currentPassword'), autocomplete: 'current-password' });
  const next = field({ name: 'newPassword', type: 'password', label: t('label.newPassword'), hint: t('hint.newPassword'), autocomplete: 'new-password' });
  const repeat = field({ name: 'newPasswordAgain', type: 'password', label: t('label.newPasswordAgain'), autocomplete: 'new-password' });
  const form = h(
    'form',
    { class: 'narrow', novalidate: true },
    formError(),
    h('input', { type: 'text', name: 'username', value: user.email, autocomplete: 'username', hidden: true, readonly: true }),
    current,
    next,
    repeat,
    passwordToggle([current.control, next.control, repeat.control]),
    h('div', { class: 'actions' }, submitButton(t('account.password.submit'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const problems = [...checkRequired(form, ['currentPassword']), ...checkNewPassword(form, 'newPassword', 'newPasswordAgain')];
    if (showFieldErrors(form, problems)) return;
    const done = busy(form);
    if (!done) return;
    setLive(status, '');
    try {
      await post('/api/v1/me/password', { currentPassword: value(form, 'currentPassword'), newPassword: value(form, 'newPassword') });
      clearErrors(form);
      for (const c of [current, next, repeat]) c.control.value = '';
      setLive(status, notice('success', t('account.password.changed')));
      onChanged();
    } catch (error) {
      showApiError(form, error, { codeFields: { 'auth.wrongPassword': 'currentPassword' } });
    } finally {
      done();
    }
  });
  return [status, form];
}

function sessionsSection(ctx) {
  const status = statusRegion();
  const alert = alertRegion();
  const list = h('ul', { class: 'item-list', 'aria-busy': 'true' });
  const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));

  function item(s) {
    const headingId = uid('session');
    const li = h(
      'li',
      { dataset: { sessionId: s.id, current: String(Boolean(s.current)) } },
      h('h3', { id: headingId }, describeUserAgent(s.userAgent), ' ', s.current ? h('span', { class: 'badge badge--success' }, t('account.sessions.thisDevice')) : null),
      h(
        'dl',
        { class: 'meta' },
        h('dt', {}, t('account.sessions.created')),
        h('dd', {}, h('time', { datetime: s.createdAt }, formatDateTime(s.createdAt))),
        h('dt', {}, t('account.sessions.lastUsed')),
        h('dd', {}, h('time', { datetime: s.lastUsedAt }, formatRecent(s.lastUsedAt))),
      ),
      s.userAgent ? h('p', { class: 'small muted' }, s.userAgent) : null,
    );
    const button = h(
      'button',
      { type: 'button', class: 'btn btn--secondary', 'aria-describedby': headingId },
      s.current ? t('account.sessions.signOutThis') : t('account.sessions.signOut'),
    );
    button.addEventListener('click', async () => {
      if (s.current) {
        await signOut();
        ctx.setFlash('success', 'login.signedOut');
        ctx.navigate('/login');
        return;
      }
      try {
        await del(`/api/v1/me/sessions/${enc(s.id)}`);
        removeRow(li, { selector: 'button', fallback: node.querySelector('h2') });
        setLive(status, notice('success', t('account.sessions.signedOut')));
      } catch (error) {
        showRequestError(alert, error);
      }
    });
    li.appendChild(h('div', { class: 'actions' }, button));
    return li;
  }

  const everywhere = h('button', { type: 'button', class: 'btn btn--danger' }, t('account.sessions.signOutEverywhere'));
  everywhere.addEventListener('click', async () => {
    try {
      await signOut({ everywhere: true });
      ctx.setFlash('success', 'login.signedOutEverywhere');
      ctx.navigate('/login');
    } catch (error) {
      showRequestError(alert, error);
    }
  });

  const node = section(
    t('account.sessions.title'),
    h('p', {}, t('account.sessions.intro')),
    status,
    alert,
    list,
    h('div', { class: 'actions' }, more),
    h('h3', {}, t('account.sessions.everywhereTitle')),
    h('p', {}, t('account.sessions.everywhereText')),
    h('div', { class: 'actions' }, everywhere),
  );
  node.id = 'sessions';
  const pages = pagedList({
    signal: ctx.signal,
    list,
    more,
    problem: alert,
    heading: node.querySelector('h2'),
    url: (cursor) => `/api/v1/me/sessions?limit=20${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    row: item,
  });
  return { node, load: pages.load };
}

/**
 * "Kalenteritilaus": a secret address that a phone's or a mail program's calendar subscribes to
 * (the meetings of every space). Made or made again here (shown once, with a copy button; the old
 * address stops working), or turned off.
 */
function calendarFeedSection(ctx) {
  const status = statusRegion();
  const alert = alertRegion();
  const state = h('p', { class: 'calendar-feed__state' });
  const secret = h('div', { class: 'calendar-feed__secret' });
  const create = h('button', { type: 'button', class: 'btn btn--primary', dataset: { action: 'createFeed' } });
  const remove = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true, dataset: { action: 'removeFeed' } }, t('calendarFeed.remove'));
  const node = section(t('calendarFeed.title'), h('p', {}, t('calendarFeed.intro')), state, status, alert, secret, h('div', { class: 'actions' }, create, remove));
  node.id = 'calendar-feed';
  node.classList.add('calendar-feed');
  let active = false;

  function show(feed) {
    active = Boolean(feed && feed.active);
    node.dataset.active = String(active);
    state.replaceChildren(active
      ? h('span', {}, h('span', { class: 'badge badge--success' }, t('calendarFeed.on')), ' ', feed.createdAt ? t('calendarFeed.createdAt', { when: formatDateTime(feed.createdAt) }) : '')
      : h('span', {}, h('span', { class: 'badge badge--muted' }, t('calendarFeed.off')), ' ', t('calendarFeed.offText')));
    create.textContent = t(active ? 'calendarFeed.renew' : 'calendarFeed.create');
    create.className = `btn ${active ? 'btn--secondary' : 'btn--primary'}`;
    remove.hidden = !active;
  }

  function showSecret(url) {
    const id = uid('feed-url');
    const input = h('input', { type: 'text', id, name: 'calendarFeedUrl', value: url, readonly: true, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${id}-hint` });
    const copied = statusRegion();
    const copy = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'copyFeed' } }, t('calendarFeed.copy'));
    copy.addEventListener('click', async () => {
      const ok = await copyFieldText(input);
      setLive(copied, notice(ok ? 'success' : 'info', t(ok ? 'calendarFeed.copied' : 'calendarFeed.copyByHand')));
    });
    input.addEventListener('focus', () => input.select());
    secret.replaceChildren(h('div', { class: 'notice notice--info calendar-feed__new' },
      h('div', { class: 'field' },
        h('label', { for: id }, t('calendarFeed.urlLabel')),
        h('span', { class: 'hint', id: `${id}-hint` }, t('calendarFeed.urlHint')),
        input),
      h('div', { class: 'actions' }, copy),
      copied));
    input.focus();
  }

  create.addEventListener('click', async () => {
    if (create.getAttribute('aria-disabled') === 'true') return;
    if (active) {
      const ok = await confirmDialog({ title: t('calendarFeed.renewTitle'), text: t('calendarFeed.renewText'), confirmLabel: t('calendarFeed.renewConfirm'), signal: ctx.signal });
      if (!ok) return;
    }
    const renewing = active;
    create.setAttribute('aria-disabled', 'true');
    setLive(alert, '');
    try {
      const feed = await post('/api/v1/me/calendar-feed', {}, { signal: ctx.signal });
      show(feed);
      setLive(status, notice('success', t(renewing ? 'calendarFeed.renewed' : 'calendarFeed.created')));
      showSecret(feed.url);
    } catch (error) {
      showRequestError(alert, error);
    } finally {
      create.removeAttribute('aria-disabled');
    }
  });

  remove.addEventListener('click', async () => {
    const ok = await confirmDialog({ title: t('calendarFeed.removeTitle'), text: t('calendarFeed.removeText'), confirmLabel: t('calendarFeed.removeConfirm'), danger: true, signal: ctx.signal });
    if (!ok) return;
    setLive(alert, '');
    try {
      await del('/api/v1/me/calendar-feed', { signal: ctx.signal });
      show({ active: false });
      secret.replaceChildren();
      setLive(status, notice('success', t('calendarFeed.removed')));
      create.focus();
    } catch (error) {
      showRequestError(alert, error);
    }
  });

  async function load() {
    show({ active: false });
    try {
      show(await get('/api/v1/me/calendar-feed', { signal: ctx.signal }));
    } catch (error) {
      if (!isAbort(error)) showRequestError(alert, error);
    }
  }
  return { node, load };
}

export default {
  auth: true,
  async render(root, ctx) {
    const user = ctx.user;
    heading(root, ctx, t('account.title'));
    root.appendChild(h('p', { class: 'lead' }, t('account.intro', { email: user.email })));
    const sessions = sessionsSection(ctx);
    root.appendChild(section(t('account.profile.title'), ...profileForm(ctx, user)));
    root.appendChild(section(t('account.password.title'), h('p', {}, t('account.password.intro')), ...passwordForm(ctx, user, () => sessions.load())));
    const feed = calendarFeedSection(ctx);
    root.appendChild(section(t('notificationSettings.link'),
      h('p', {}, t('notificationSettings.linkIntro')),
      h('p', {}, h('a', { href: '/account/notifications' }, t('notificationSettings.link')))));
    root.appendChild(feed.node);
    root.appendChild(sessions.node);
    await Promise.all([sessions.load(), feed.load()]);
  },
};
