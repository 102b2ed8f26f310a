// The number of unread in-app notifications and reminders, for the header link: asked from the server when
// someone signs in, again (at most once a second) when realtime events arrive or the connection
// returns, and when a page marks notifications read (refreshUnread()). A change is the store
// event 'unread' (count).
import { get } from './api.js';
import { createStore, on } from './store.js';

const count = createStore('unread', 0);
let user = null;
let timer = null;
let offs = [];

export function unreadCount() {
  return count.get();
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
      if (state === 'open') refreshUnread({ delay: 0 });
    }),
  ];
  load();
}

export function stop() {
  for (const off of offs) off();
  offs = [];
  window.clearTimeout(timer);
  user = null;
  count.set(0);
}
