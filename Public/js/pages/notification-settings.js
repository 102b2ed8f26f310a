// Notification settings (/account/notifications): push notifications on this device, the devices
// that get them, e-mail, quiet hours and how early meetings and tasks are reminded. In-app
// notifications always come; push and e-mail say only that there is a new message or a reminder.
import { h, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get, put, del, enc } from '../api.js';
import { formatDateTime } from '../format.js';
import { checkboxGroup, field, formError, showApiError, busy, clearErrors, checkedValues, value, setFieldError } from '../forms.js';
import { section, submitButton, notice, describeUserAgent } from './common.js';
import { heading } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { showRequestError, requestMessage, isAbort } from '../ui/errors.js';
import { removeRow } from '../ui/rows.js';
import { pushState, enablePush, disablePush, thisDeviceId } from '../push.js';

const MEETING_LEADS = [2880, 1440, 180, 60, 15];
const TASK_LEADS = ['', '0', '60', '180', '1440', '2880'];

function leadText(minutes) {
  if (minutes === '') return t('notificationSettings.task.none');
  const m = Number(minutes);
  if (m === 0) return t('notificationSettings.task.atDue');
  if (m % 1440 === 0) return plural('notificationSettings.lead.days', m / 1440);
  if (m % 60 === 0) return plural('notificationSettings.lead.hours', m / 60);
  return plural('notificationSettings.lead.minutes', m);
}

function deviceSection(ctx, devices) {
  const status = statusRegion();
  const problem = alertRegion();
  const state = h('p', { id: 'push-state' });
  const toggle = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true });
  const list = h('ul', { class: 'item-list', 'aria-label': t('notificationSettings.devices.title') });
  const none = h('p', { class: 'muted', hidden: true }, t('notificationSettings.devices.none'));

  function deviceRow(device) {
    const own = device.id === thisDeviceId();
    const remove = h('button', { type: 'button', class: 'btn btn--secondary btn--small' },
      t('notificationSettings.devices.remove'), h('span', { class: 'visually-hidden' }, ` ${device.label || device.endpointHost}`));
    const li = h('li', { dataset: { id: device.id } },
      h('h3', {}, device.label || t('notificationSettings.devices.unnamed'), own ? ` (${t('notificationSettings.devices.this')})` : ''),
      h('p', { class: 'muted' }, t('notificationSettings.devices.since', { date: formatDateTime(device.createdAt) })),
      device.lastSuccessAt
        ? h('p', { class: 'muted' }, t('notificationSettings.devices.lastSent', { date: formatDateTime(device.lastSuccessAt) }))
        : null,
      h('div', { class: 'actions' }, remove));
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        if (own) await disablePush({ signal: ctx.signal });
        else await del(`/api/v1/me/push-subscriptions/${enc(device.id)}`, { signal: ctx.signal });
        removeRow(li, { fallback: toggle.hidden ? state : toggle });
        none.hidden = list.children.length > 0;
        setLive(status, notice('success', t('notificationSettings.devices.removed')));
        await refresh();
      } catch (error) {
        if (isAbort(error)) return;
        remove.disabled = false;
        showRequestError(problem, error);
      }
    });
    return li;
  }

  async function refresh() {
    const current = await pushState();
    state.textContent = t(`notificationSettings.push.state.${current}`);
    toggle.hidden = current === 'unsupported' || current === 'denied';
    toggle.textContent = t(current === 'on' ? 'notificationSettings.push.disable' : 'notificationSettings.push.enable');
    toggle.dataset.state = current;
  }

  function render(items) {
    list.replaceChildren(...items.map(deviceRow));
    list.hidden = items.length === 0;
    none.hidden = items.length > 0;
  }

  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    setLive(problem, '');
    try {
      if (toggle.dataset.state === 'on') {
        await disablePush({ signal: ctx.signal });
        setLive(status, notice('success', t('notificationSettings.push.disabled')));
      } else {
        await enablePush(describeUserAgent(navigator.userAgent), { signal: ctx.signal });
        setLive(status, notice('success', t('notificationSettings.push.enabled')));
      }
      render((await get('/api/v1/me/push-subscriptions', { signal: ctx.signal })).items);
    } catch (error) {
      if (isAbort(error)) return;
      setLive(problem, notice('error', error.code === 'push.denied' ? t('notificationSettings.push.denied') : requestMessage(error)));
    } finally {
      toggle.disabled = false;
      await refresh();
    }
  });

  render(devices);
  refresh();
  return section(
    t('notificationSettings.push.title'),
    h('p', {}, t('notificationSettings.push.intro')),
    status, problem, state, h('div', { class: 'actions' }, toggle),
    h('h3', {}, t('notificationSettings.devices.title')),
    list,
    none,
  );
}

function settingsForm(ctx, settings) {
  const status = statusRegion();
  const quiet = settings.quietHours;
  const quietBox = h('input', { type: 'checkbox', id: 'quiet-on', name: 'quietOn', checked: Boolean(quiet) });
  const quietStart = field({ name: 'quietStart', type: 'time', label: t('notificationSettings.quiet.start'), value: quiet ? quiet.start : '21:00' });
  const quietEnd = field({ name: 'quietEnd', type: 'time', label: t('notificationSettings.quiet.end'), value: quiet ? quiet.end : '08:00' });
  const times = h('div', { class: 'field-row', hidden: !quiet }, quietStart, quietEnd);
  quietBox.addEventListener('change', () => { times.hidden = !quietBox.checked; });
  const form = h(
    'form',
    { class: 'narrow', novalidate: true },
    formError(),
    checkboxGroup({
      name: 'channels',
      legend: t('notificationSettings.channels.legend'),
      hint: t('notificationSettings.channels.hint'),
      options: [
        { value: 'push', label: t('notificationSettings.channels.push') },
        { value: 'email', label: t('notificationSettings.channels.email') },
      ],
      values: [settings.push ? 'push' : null, settings.email ? 'email' : null].filter(Boolean),
    }),
    h('fieldset', { class: 'fieldset' },
      h('legend', {}, t('notificationSettings.quiet.legend')),
      h('p', { class: 'hint' }, t('notificationSettings.quiet.hint', { zone: settings.timeZone })),
      h('div', { class: 'choice' }, quietBox, h('label', { for: 'quiet-on' }, t('notificationSettings.quiet.on'))),
      times),
    checkboxGroup({
      name: 'meetingLeads',
      legend: t('notificationSettings.meeting.legend'),
      hint: t('notificationSettings.meeting.hint'),
      options: MEETING_LEADS.map((m) => ({ value: String(m), label: leadText(m) })),
      values: settings.meetingReminderMinutes.map(String),
    }),
    field({
      name: 'taskLead',
      type: 'select',
      label: t('notificationSettings.task.label'),
      hint: t('notificationSettings.task.hint'),
      value: settings.taskReminderMinutes === null ? '' : String(settings.taskReminderMinutes),
      options: TASK_LEADS.map((m) => ({ value: m, label: leadText(m) })),
    }),
    h('div', { class: 'actions' }, submitButton(t('notificationSettings.save'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const leads = checkedValues(form, 'meetingLeads').map(Number);
    if (leads.length > 4) {
      setFieldError(form, 'meetingLeads', t('notificationSettings.meeting.tooMany'));
      return;
    }
    const channels = checkedValues(form, 'channels');
    const body = {
      push: channels.includes('push'),
      email: channels.includes('email'),
      quietHours: quietBox.checked ? { start: value(form, 'quietStart'), end: value(form, 'quietEnd') } : null,
      meetingReminderMinutes: leads,
      taskReminderMinutes: value(form, 'taskLead') === '' ? null : Number(value(form, 'taskLead')),
    };
    const done = busy(form);
    if (!done) return;
    setLive(status, '');
    try {
      await put('/api/v1/me/notification-settings', body, { signal: ctx.signal });
      done();
      setLive(status, notice('success', t('notificationSettings.saved')));
    } catch (error) {
      done();
      if (isAbort(error)) return;
      showApiError(form, error, { aliases: { 'quietHours.start': 'quietStart', 'quietHours.end': 'quietEnd', taskReminderMinutes: 'taskLead' } });
    }
  });
  return section(t('notificationSettings.form.title'), h('p', {}, t('notificationSettings.form.intro')), status, form);
}

export default {
  auth: true,
  async render(root, ctx) {
    heading(root, ctx, t('notificationSettings.title'));
    root.appendChild(h('p', { class: 'lead' }, t('notificationSettings.intro')));
    let settings;
    let devices;
    try {
      [settings, devices] = await Promise.all([
        get('/api/v1/me/notification-settings', { signal: ctx.signal }),
        get('/api/v1/me/push-subscriptions', { signal: ctx.signal }),
      ]);
    } catch (error) {
      if (!ctx.isCurrent()) return;
      root.appendChild(notice('error', requestMessage(error)));
      return;
    }
    if (!ctx.isCurrent()) return;
    root.append(deviceSection(ctx, devices.items), settingsForm(ctx, settings));
    root.appendChild(h('p', { class: 'section' }, h('a', { href: '/account' }, t('notificationSettings.back'))));
  },
};
