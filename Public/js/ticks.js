// Tasks ticked done (or open again) without a connection: kept in this browser (localStorage, so
// that sign-out's clearUserData() forgets them) and sent when the connection returns. A tick is
// a status, so sending it again changes nothing; the last tick of a task wins.
//
// The store event 'ticks' tells the task rows: {type: 'queued' | 'sent' | 'failed', taskId,
// status?, task?, error?}. A tick the server refuses (the task was removed, the space closed) is
// dropped and said.
import { patch, enc, ApiError } from './api.js';
import { emit, on } from './store.js';
import { localGet, localSet } from './storage.js';

const KEY = 'ohjaustila.pendingTicks';
let offs = [];
let flushing = false;

function read() {
  try {
    const all = JSON.parse(localGet(KEY) || '{}');
    return all && typeof all === 'object' ? all : {};
  } catch {
    return {};
  }
}

function write(all) {
  localSet(KEY, JSON.stringify(all));
}

/** The tick of a task waiting for the connection: {status, at} or null. */
export function pendingTick(taskId) {
  return read()[taskId] || null;
}

/** Keeps a tick to send when the connection returns. */
export function queueTick(taskId, status) {
  const all = read();
  all[taskId] = { status, at: Date.now() };
  write(all);
  emit('ticks', { type: 'queued', taskId, status });
}

function drop(taskId) {
  const all = read();
  delete all[taskId];
  write(all);
}

/** Sends the kept ticks, oldest first; stops at the first one that finds no connection. */
export async function flushTicks() {
  if (flushing) return;
  flushing = true;
  try {
    const waiting = Object.entries(read()).sort(([, a], [, b]) => a.at - b.at);
    for (const [taskId, tick] of waiting) {
      try {
        const task = await patch(`/api/v1/tasks/${enc(taskId)}`, { status: tick.status });
        if ((pendingTick(taskId) || {}).at === tick.at) drop(taskId);
        emit('ticks', { type: 'sent', taskId, task });
      } catch (error) {
        if (error instanceof ApiError && error.status === 0) break; // still offline
        drop(taskId);
        emit('ticks', { type: 'failed', taskId, error });
      }
    }
  } finally {
    flushing = false;
  }
}

function flushSoon() {
  if (Object.keys(read()).length) flushTicks();
}

/** Follows the signed-in user: kept ticks go out when the connection returns. */
export function start(user) {
  for (const off of offs) off();
  offs = [];
  if (!user) return;
  const online = () => flushSoon();
  window.addEventListener('online', online);
  offs = [
    () => window.removeEventListener('online', online),
    on('connection', (state) => { if (state === 'online') flushSoon(); }),
    on('realtime', (state) => { if (state === 'open') flushSoon(); }),
  ];
  flushSoon();
}
