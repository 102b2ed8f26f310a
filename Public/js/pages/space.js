// A guidance space (/spaces/{id}). Made for the client's phone first: the title, the live
// conversation and the message form; the members, meetings, free times to book (a client's), tasks,
// service plan, files, consent record, access log and closing behind disclosure sections below it
// (a client's meetings, tasks and plan are open).
// On a desk (≥ 900 px) the members sit beside the conversation.
//
// A change of language renders the page again: the conversation comes back from what was kept
// (keep()), at the same scroll position, without loading it again.
import { h, setLive } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, ApiError } from '../api.js';
import { heading, notFoundMessage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { isAbort, requestMessage } from '../ui/errors.js';
import { on } from '../store.js';
import { getUser } from '../session.js';
import { labelFor, loadTaxonomy } from '../catalogue/taxonomy.js';
import * as realtime from '../realtime.js';
import { refreshUnread } from '../unread.js';
import { notice } from './common.js';
import { spaceBase, kindBadge, statusBadge } from '../spaces/common.js';
import { createConversation } from '../spaces/conversation.js';
import { membersPanel, filesPanel, consentPanel, accessLogPanel, closePanel } from '../spaces/panels.js';
import { planPanel, tasksPanel } from '../spaces/plan.js';
import { meetingsPanel, bookingPanel, MEETING_EVENTS } from '../spaces/meetings.js';

// What the last render of a space left behind (its space, events and scroll position).
let kept = null;
const KEEP_FOR = 5 * 60 * 1000;
on('user', () => {
  kept = null; // nothing of one user stays for the next
});
const DESK = '(min-width: 56.25em)'; // 900 px

export default {
  auth: true,
  async render(root, ctx) {
    const spaceId = ctx.params.spaceId;
    const base = spaceBase(spaceId);
    const reuse = kept && kept.spaceId === spaceId && kept.userId === ctx.user.id && Date.now() - kept.at < KEEP_FOR ? kept : null;
    kept = null;

    let space = reuse ? reuse.space : null;
    if (!space) {
      try {
        space = await get(base, { signal: ctx.signal });
      } catch (error) {
        if (!ctx.isCurrent() || isAbort(error)) return;
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
          notFoundMessage(root, ctx, 'space.notFound', { href: '/spaces', text: t('space.backToList') });
          return;
        }
        throw error;
      }
    }
    const me = ctx.user;
    const names = new Map();
    const remember = (s) => {
      for (const m of s.members || []) names.set(m.userId, m.displayName);
    };
    remember(space);
    const nameOf = (userId) => names.get(userId) || t('space.formerMember');

    root.classList.add('space-page');
    const h1 = heading(root, ctx, space.title);
    const meta = h('p', { class: 'space-meta' });
    const outcome = h('p', { class: 'space-outcome', hidden: true });
    root.append(h('p', { class: 'back-link' }, h('a', { href: '/spaces' }, t('space.backToList'))), meta, outcome);
    const status = statusRegion();
    const alert = alertRegion();
    root.append(status, alert);
    function say(kind, text) {
      setLive(kind === 'error' ? alert : status, notice(kind, text));
      setLive(kind === 'error' ? status : alert, '');
    }

    function showMeta() {
      h1.textContent = space.title;
      ctx.setTitle(space.title);
      const owner = (space.members || []).find((m) => m.role === 'owner');
      meta.replaceChildren(kindBadge(space.kind), ' ', statusBadge(space.status),
        ...(owner ? [' ', h('span', { class: 'space-meta__owner' }, t('space.ownerIs', { name: owner.displayName }))] : []));
      if (space.status === 'closed' && space.outcome) {
        outcome.hidden = false;
        outcome.textContent = t('space.outcomeIs', { outcome: labelFor('employmentStatus', space.outcome) });
        loadTaxonomy().then(() => {
          if (ctx.isCurrent()) outcome.textContent = t('space.outcomeIs', { outcome: labelFor('employmentStatus', space.outcome) });
        });
      } else {
        outcome.hidden = true;
      }
    }
    showMeta();

    const getSpace = () => space;
    let refreshing = null;
    async function refresh() {
      if (refreshing) return refreshing;
      refreshing = (async () => {
        try {
          const fresh = await get(base, { signal: ctx.signal });
          if (!ctx.isCurrent()) return;
          const statusChanged = fresh.status !== space.status || fresh.role !== space.role;
          space = fresh;
          remember(space);
          showMeta();
          conversation.setSpace(space);
          members.render(space);
          plan.setSpace(space);
          tasks.setSpace(space);
          meetings.setSpace(space);
          if (statusChanged) {
            // the owner's tools (or a closed space's read-only view) change: render again, in place
            kept = { ...conversation.keep(), space, userId: me.id };
            ctx.rerender();
          }
        } catch (error) {
          if (!isAbort(error) && error instanceof ApiError && error.status === 404) gone();
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    }
    let refreshTimer = null;
    const refreshSoon = () => {
      window.clearTimeout(refreshTimer);
      refreshTimer = window.setTimeout(refresh, 300);
    };

    function gone() {
      if (!ctx.isCurrent()) return;
      ctx.setFlash('info', 'space.removedFromSpace', { title: space.title });
      ctx.navigate('/spaces', { replace: true });
    }

    let files = null;
    let plan = null;
    let tasks = null;
    let meetings = null;
    let booking = null;
    const conversation = createConversation({
      ctx,
      space,
      me,
      nameOf,
      say,
      pickName: (pickId) => {
        const pick = plan && plan.items().find((p) => p.id === pickId);
        return pick ? pick.name : null;
      },
      onEvent: (event) => {
        const d = event.data || {};
        if (d.userId && d.displayName) names.set(d.userId, d.displayName);
        if (['memberJoined', 'memberLeft', 'memberRemoved', 'ownerChanged', 'spaceClosed', 'spaceRenamed', 'clientInvited'].includes(event.kind)) refreshSoon();
        if (event.kind === 'fileAdded' && files) files.refresh();
        // the plan and the tasks follow (when open); the tasks get the picks' names from the plan
        if (['pickAdded', 'pickChanged', 'pickRemoved'].includes(event.kind) && plan) plan.refresh(event);
        if (['taskAdded', 'taskChanged', 'taskCommented', 'taskRemoved'].includes(event.kind) && tasks) tasks.refresh(event);
        // a meeting booked, changed or cancelled: the meetings follow, and a freed time can be booked again
        if (MEETING_EVENTS.includes(event.kind)) {
          if (meetings) meetings.refresh(event);
          if (booking && event.kind !== 'meetingResponded') booking.refresh();
        }
      },
    });

    const desk = window.matchMedia(DESK).matches;
    const members = membersPanel({ ctx, getSpace, me, say, refresh, open: desk });
    // a client's own tasks and plan are open (their reads are not logged); an expert opens them,
    // or comes with #plan / #tasks (a service page's "Lisää ohjaustilaan" links with #plan)
    const client = space.role === 'client';
    plan = planPanel({ ctx, getSpace, me, nameOf, open: client || ctx.hash.has('plan') });
    tasks = tasksPanel({ ctx, getSpace, me, nameOf, plan, open: client || ctx.hash.has('tasks') });
    // a client's meetings are open; an expert's read of them is logged, so they open them (or #meetings)
    meetings = meetingsPanel({ ctx, getSpace, me, nameOf, open: client || ctx.hash.has('meetings') });
    if (client && space.status !== 'closed') booking = bookingPanel({ ctx, getSpace, open: ctx.hash.has('book'), onBooked: () => meetings.refresh() });
    files = filesPanel({ ctx, getSpace, nameOf, me });
    const side = h('div', { class: 'space-side' }, members);
    const more = h('div', { class: 'space-more' }, meetings, booking, tasks, plan, files, consentPanel({ ctx, getSpace }), accessLogPanel({ ctx, getSpace }));
    if (space.role === 'owner' && space.status !== 'closed') more.appendChild(closePanel({ ctx, getSpace, say }));
    root.appendChild(h('div', { class: 'space-layout' }, conversation.node, side, more));

    // this space is on screen: no notification entries for it, and what was noted is read
    realtime.view(spaceId);
    // a hidden tab does not look at the space: notifications are made for it meanwhile
    document.addEventListener('visibilitychange', () => realtime.view(document.visibilityState === 'hidden' ? null : spaceId), { signal: ctx.signal });
    realtime.subscribe(spaceId, (frame) => {
      if (frame.type === 'removed') gone();
      else if (frame.type === 'error' && frame.code) say('error', requestMessage(new ApiError(0, frame.code)));
    }, { signal: ctx.signal });
    ctx.signal.addEventListener('abort', () => {
      window.clearTimeout(refreshTimer);
      realtime.view(null);
      // a change of language renders this page again: keep what is on screen
      const still = getUser();
      if (!kept && still && still.id === me.id) kept = { ...conversation.keep(), space, userId: me.id };
    }, { once: true });

    try {
      await conversation.start(reuse);
    } catch (error) {
      if (!ctx.isCurrent() || isAbort(error)) return;
      throw error;
    }
    if (!ctx.isCurrent()) return;
    post('/api/v1/notifications/read', { spaceIds: [spaceId] }).then(() => refreshUnread({ delay: 0 }), () => {});
    if (reuse) refresh();
    // #plan or #tasks (a service page's "Siirry ohjaustilaan"): that panel, once the router has
    // put the focus on the heading
    const target = !reuse && (ctx.hash.has('plan') ? plan : ctx.hash.has('tasks') ? tasks : ctx.hash.has('meetings') ? meetings
      : ctx.hash.has('book') ? booking : null);
    if (target) {
      window.setTimeout(() => {
        if (!ctx.isCurrent()) return;
        target.scrollIntoView({ block: 'start' });
        target.querySelector('summary').focus({ preventScroll: true });
      }, 0);
    }
  },
};
