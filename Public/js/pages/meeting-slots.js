// An expert's free slots (/meetings/slots): publish one time, or a weekly pattern (from–to dates,
// weekdays, the day's window, the length of a time and a break between them); see the times by
// day, free or booked, and remove a free one. Clients book them in their space ("Varaa aika").
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { post, del, getAll, enc } from '../api.js';
import { formatDay, formatDateTime } from '../format.js';
import { field, checkboxGroup, radioGroup, radioValue, checkedValues, formError, showFieldErrors, value, busy, clearErrors } from '../forms.js';
import { heading, pageMessage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { isAbort } from '../ui/errors.js';
import { focusElement } from '../ui/rows.js';
import { section } from './common.js';
import { meetingTabs } from './meetings.js';
import { isExpertUser, notice } from '../spaces/common.js';
import {
  dayTimeFields, durationField, kindAndPlace, placeProblems, timeProblems, helsinkiInputs, helsinkiIso, timeRange, clockTime,
  byDay, slotDetails, meetingMessage, showMeetingError,
} from '../spaces/meetings.js';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const BUFFERS = [0, 5, 10, 15, 30];

function today() {
  return helsinkiInputs(new Date().toISOString()).day;
}

export default {
  auth: true,
  async render(root, ctx) {
    const me = ctx.user;
    root.classList.add('slots-page');
    heading(root, ctx, t('slot.pageTitle'));
    if (!isExpertUser(me)) {
      pageMessage(root, ctx, { state: 'no-access', title: t('slot.pageTitle'), text: t('slot.expertsOnly'), links: [{ href: '/meetings', text: t('meeting.pageTitle') }] });
      return;
    }
    root.append(h('p', { class: 'lead' }, t('slot.pageIntro')), meetingTabs(me, 'slots'));

    // -- publishing --
    const formStatus = statusRegion();
    const mode = radioGroup({
      name: 'slotMode',
      legend: t('slot.modeLabel'),
      options: [{ value: 'one', label: t('slot.mode.one') }, { value: 'weekly', label: t('slot.mode.weekly'), hint: t('slot.mode.weeklyHint') }],
      value: 'one',
    });
    const one = h('div', { class: 'slot-one' }, dayTimeFields({ name: 'slotDate', timeName: 'slotTime', legend: t('slot.oneWhen') }));
    const weekly = h('div', { class: 'slot-weekly', hidden: true },
      h('div', { class: 'day-time__parts' },
        field({ name: 'weeklyFrom', type: 'date', label: t('slot.from'), value: today() }),
        field({ name: 'weeklyTo', type: 'date', label: t('slot.to') })),
      checkboxGroup({ name: 'weekdays', legend: t('slot.weekdays'), options: WEEKDAYS.map((d) => ({ value: String(d), label: t(`slot.weekday.${d}`) })) }),
      h('div', { class: 'day-time__parts' },
        field({ name: 'startTime', type: 'time', label: t('slot.startTime'), value: '09:00' }),
        field({ name: 'endTime', type: 'time', label: t('slot.endTime'), value: '12:00' })),
      field({ name: 'bufferMinutes', type: 'select', label: t('slot.buffer'), hint: t('slot.bufferHint'), value: '0',
        options: BUFFERS.map((m) => ({ value: String(m), label: m ? t('meeting.duration', { minutes: m }) : t('slot.noBuffer') })) }));
    const { kinds, place } = kindAndPlace({ kindField: 'slotKind', placeName: 'slotLocation', kind: 'phone' });
    const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, t('slot.publish'));
    const form = h('form', { novalidate: true, class: 'slot-form' },
      formError(), mode, one, weekly, durationField({ name: 'slotDuration', value: 45 }), kinds, place,
      h('div', { class: 'actions' }, submit));
    const followMode = () => {
      const weeklyOn = radioValue(form, 'slotMode') === 'weekly';
      one.hidden = weeklyOn;
      weekly.hidden = !weeklyOn;
      submit.textContent = t(weeklyOn ? 'slot.publishMany' : 'slot.publish');
    };
    for (const box of mode.querySelectorAll('input')) box.addEventListener('change', followMode);
    root.appendChild(section(t('slot.publishTitle'), form, formStatus));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const weeklyOn = radioValue(form, 'slotMode') === 'weekly';
      const kind = radioValue(form, 'slotKind');
      const location = value(form, 'slotLocation').trim();
      const durationMinutes = Number(value(form, 'slotDuration'));
      const problems = [];
      const body = { durationMinutes, kind };
      if (location) body.location = location;
      if (weeklyOn) {
        const from = value(form, 'weeklyFrom');
        const to = value(form, 'weeklyTo');
        const weekdays = checkedValues(form, 'weekdays').map(Number);
        const startTime = value(form, 'startTime');
        const endTime = value(form, 'endTime');
        if (!from) problems.push({ field: 'weeklyFrom', code: 'slot.required' });
        else if (from < today()) problems.push({ field: 'weeklyFrom', code: 'slot.past' });
        if (!to) problems.push({ field: 'weeklyTo', code: 'slot.required' });
        else if (from && to < from) problems.push({ field: 'weeklyTo', code: 'slot.beforeStart' });
        if (!weekdays.length) problems.push({ field: 'weekdays', code: 'slot.required' });
        if (!startTime) problems.push({ field: 'startTime', code: 'slot.required' });
        if (!endTime) problems.push({ field: 'endTime', code: 'slot.required' });
        else if (startTime) {
          const minutes = (s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
          if (minutes(endTime) - minutes(startTime) < durationMinutes) problems.push({ field: 'endTime', code: 'slot.invalid' });
        }
        body.weekly = { from, to, weekdays, startTime: startTime.slice(0, 5), endTime: endTime.slice(0, 5), bufferMinutes: Number(value(form, 'bufferMinutes')) };
      } else {
        problems.push(...timeProblems(form, 'slotDate', 'slotTime'));
        body.startsAt = helsinkiIso(value(form, 'slotDate'), value(form, 'slotTime'));
      }
      problems.push(...placeProblems(kind, location, 'slotLocation'));
      if (showFieldErrors(form, problems.map((p) => ({ ...p, code: p.code.replace(/^meeting\./, 'slot.') })))) return;
      const done = busy(form);
      if (!done) return;
      setLive(formStatus, '');
      try {
        const answer = await post('/api/v1/slots', body, { signal: ctx.signal });
        done();
        clearErrors(form);
        const count = (answer.items || []).length;
        setLive(formStatus, notice(count ? 'success' : 'info', plural('slot.published', count)));
        await load();
      } catch (error) {
        done();
        if (isAbort(error)) return;
        showMeetingError(form, error, {
          aliases: {
            startsAt: 'slotDate', durationMinutes: 'slotDuration', kind: 'slotKind', location: 'slotLocation', weekly: 'weeklyTo',
            'weekly.from': 'weeklyFrom', 'weekly.to': 'weeklyTo', 'weekly.weekdays': 'weekdays', 'weekly.startTime': 'startTime',
            'weekly.endTime': 'endTime', 'weekly.bufferMinutes': 'bufferMinutes',
          },
        });
      }
    });

    // -- the published times --
    const status = statusRegion();
    const problem = alertRegion();
    const days = h('div', { class: 'slot-days' });
    const empty = h('p', { class: 'muted', hidden: true }, t('slot.noneOwn'));
    const listSection = section(t('slot.ownTitle'), status, problem, days, empty);
    listSection.id = 'own-slots';
    root.appendChild(listSection);
    let slots = [];

    async function load() {
      days.setAttribute('aria-busy', 'true');
      try {
        slots = await getAll('/api/v1/slots', { signal: ctx.signal, max: 500 });
        render();
      } catch (error) {
        if (!isAbort(error)) setLive(problem, notice('error', meetingMessage(error)));
      } finally {
        days.removeAttribute('aria-busy');
      }
    }

    function render() {
      days.replaceChildren(...byDay(slots).map(({ slots: list }) => {
        const headingId = uid('own-day');
        return h('section', { class: 'slot-day', 'aria-labelledby': headingId },
          h('h3', { class: 'slot-day__title', id: headingId }, formatDay(list[0].startsAt)),
          h('ul', { class: 'slot-list' }, list.map((s) => row(s, headingId))));
      }));
      empty.hidden = slots.length > 0;
      days.dataset.loaded = 'true';
    }

    function row(slot, dayId) {
      const timeId = uid('own-slot');
      const li = h('li', { class: ['slot', slot.booked ? 'slot--booked' : ''], dataset: { row: slot.id, slotId: slot.id, booked: String(slot.booked) } },
        h('div', { class: 'slot__text' },
          h('p', { class: 'slot__time', id: timeId }, h('time', { datetime: slot.startsAt }, timeRange(slot)), ' ',
            h('span', { class: `badge ${slot.booked ? 'badge--success' : 'badge--info'}` }, t(slot.booked ? 'slot.bookedBadge' : 'slot.freeBadge'))),
          ...slotDetails(slot, { withExpert: false }).filter(Boolean)));
      if (!slot.booked) {
        const remove = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': `${dayId} ${timeId}`, dataset: { action: 'remove' } }, t('slot.remove'));
        remove.addEventListener('click', async () => {
          if (remove.getAttribute('aria-disabled') === 'true') return;
          remove.setAttribute('aria-disabled', 'true');
          try {
            await del(`/api/v1/slots/${enc(slot.id)}`, { signal: ctx.signal });
          } catch (error) {
            remove.removeAttribute('aria-disabled');
            if (!isAbort(error)) setLive(problem, notice('error', meetingMessage(error)));
            if (!isAbort(error)) load();
            return;
          }
          // the focus goes to the next free time's button (else the previous one's, else the heading)
          const buttons = [...days.querySelectorAll('button[data-action="remove"]')];
          const at = buttons.indexOf(remove);
          const neighbour = buttons[at + 1] || buttons[at - 1] || null;
          const neighbourId = neighbour ? neighbour.closest('[data-row]').dataset.row : null;
          slots = slots.filter((s) => s.id !== slot.id);
          render();
          const target = neighbourId ? days.querySelector(`[data-row="${CSS.escape(neighbourId)}"] button`) : null;
          focusElement(target || listSection.querySelector('h2'));
          setLive(problem, '');
          setLive(status, notice('success', t('slot.removed', { when: `${formatDateTime(slot.startsAt)}–${clockTime(slot.endsAt)}` })));
        });
        li.appendChild(remove);
      }
      return li;
    }

    await load();
  },
};
