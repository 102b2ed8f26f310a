// The number of unread in-app notifications and reminders, for the header link: asked from the server when
// someone signs in, again (at most once a second) when realtime events arrive or the connection
// returns, and when a page marks notifications read (refreshUnread()). A change is the store
// event 'unread' (count).
// The catalogue's review reminders (GET /catalogue/editor/notices) are counted apart, for the
// header's editor link, for those the editor's pages are for: asked at sign-in and when the
// connection returns; a page that reads or answers them sets the count (setReviewNotices()) or
// asks again (refreshReviewNotices()). A change is the store event 'reviewNotices' (count).
import { get } from './api.js';
import { createStore, on } from './store.js';
import { usesCatalogueEditor } from './session.js';

const count = createStore('unread', 0);
const reviewNotices = createStore('reviewNotices', 0);
let user = null;
let timer = null;
let reviewTimer = null;
let offs = [];

export function unreadCount() {
  return count.get();
}

/** The user's unread review reminders of the catalogue (0 for those without the editor). */
export function reviewNoticeCount() {
  return reviewNotices.get();
}

async function loadReviewNotices() {
  const asked = user;
  if (!asked || !usesCatalogueEditor(asked)) return;
  try {
    const answer = await get('/api/v1/catalogue/editor/notices');
    if (user === asked && answer && Number.isInteger(answer.unread)) reviewNotices.set(answer.unread);
  } catch {
    /* keep the last count (offline) */
  }
}

/** The count as a page just read it from the server (GET /catalogue/editor/notices). */
export function setReviewNotices(unread) {
  if (user && Number.isInteger(unread)) reviewNotices.set(unread);
}

/** Ask the server for the review reminders' count again soon (after marking one read or reviewed). */
export function refreshReviewNotices({ delay = 0 } = {}) {
  if (!user) return;
  window.clearTimeout(reviewTimer);
  reviewTimer = window.setTimeout(loadReviewNotices, delay);
}

async function load() {
  const asked = user;
  if (!asked) return;
  try {
    const answer = await get('/api/v1/notifications/unread-count');
    if (user === asked && answer && Number.isInteger(answer.unread)) count.set(answer.unread + (Number(answer.reminders) || 0));
  } catch {
    /* keep the last count (offline) */
  }
}

/** Ask the server again soon (several calls close together make one request). */
export function refreshUnread({ delay = 1000 } = {}) {
  if (!user) return;
  window.clearTimeout(timer);
  timer = window.setTimeout(load, delay);
}

export function start(who) {
  if (!who) {
    stop();
    return;
  }
  if (user && user.id === who.id) return;
  stop();
  user = who;
  offs = [
    on('realtime:*', (frame) => {
      if (frame.type === 'event' || frame.type === 'removed' || frame.type === 'reminder') refreshUnread();
    }),
    on('realtime', (state) => {
      if (state === 'open') {
        refreshUnread({ delay: 0 });
        refreshReviewNotices({ delay: 0 });
      }
    }),
  ];
  load();
  loadReviewNotices();
}

export function stop() {
  for (const off of offs) off();
  offs = [];
  window.clearTimeout(timer);
  window.clearTimeout(reviewTimer);
  user = null;
  count.set(0);
  reviewNotices.set(0);
}
