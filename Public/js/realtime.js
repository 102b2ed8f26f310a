// The realtime connection: one WebSocket per tab at /api/v1/ws (docs/api.md "Realtime").
//
// - start(user) when someone signs in, stop() when they sign out (app.js); while started the
//   socket is kept open: reconnects with exponential back-off and jitter (0.5 s doubling to 30 s),
//   at once when the browser says it is online again; nothing is tried while it says offline.
// - hello {resume: {spaceId: lastSeq}} with the last seq seen per space (kept in memory and in
//   sessionStorage, so a reload resumes too): the server replays what was missed. Its answer
//   `welcome {userId, spaces: [spaceId]}` lists the user's spaces (no seqs).
// - Heartbeat: `ping` every 25 s; no frame for 60 s = the connection is dead, a new one is made.
// - Events are de-duplicated by seq: a seq is never delivered twice, and a gap (an event whose
//   seq is more than one past the last one seen) is filled over HTTP (GET …/events?after=)
//   before the event is delivered.
// - subscribe(spaceId | null, fn, {signal}) gives a space's frames (or every space's) to fn:
//   {type: 'event' | 'read' | 'typing' | 'removed' | 'error', spaceId, …} as the server sent them.
// - sendMessage / editMessage / deleteMessage resolve with the server's ack (matched by
//   clientMessageId or requestId), or reject with a RealtimeError (code of an `error` frame,
//   'notConnected', 'timeout', 'disconnected').
// - view(spaceId | null), read(spaceId, seq), typing(spaceId) (at most one per 3 s).
// The state ('closed' | 'connecting' | 'open' | 'offline') is the store event 'realtime'.
import { on, emit, createStore } from './store.js';
import { get, post, patch, del, enc, ApiError } from './api.js';
import { sessionGet, sessionSet } from './storage.js';

const PING_EVERY = 25_000;
const SILENCE_LIMIT = 60_000;
const BACKOFF_MIN = 500;
const BACKOFF_MAX = 30_000;
const ACK_TIMEOUT = 20_000;
const TYPING_EVERY = 3_000;
const WATCH_EVERY = 5_000;

export class RealtimeError extends Error {
  constructor(code) {
    super(`realtime: ${code}`);
    this.name = 'RealtimeError';
    this.code = code;
  }
}

const state = createStore('realtime', 'closed');
let user = null;
let socket = null;
let attempt = 0;
let reconnectTimer = null;
let pingTimer = null;
let watchTimer = null;
let lastFrameAt = 0;
let viewing = null;
const seen = new Map(); // spaceId → the last seq delivered
const pending = new Map(); // clientMessageId | requestId → {promise, resolve, reject, timer}
const filling = new Map(); // spaceId → frames waiting while a gap is filled over HTTP
const typingSent = new Map(); // spaceId → when `typing` was last sent
const readSent = new Map(); // spaceId → the highest seq sent as read

/** A random id (crypto.randomUUID where the page is a secure context). */
export function newId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function status() {
  return state.get();
}

export function isOpen() {
  return state.get() === 'open';
}

// ---- the seq seen per space ------------------------------------------------------------------

function storageKey() {
  return user ? `ohjaustila.realtime.${user.id}` : null;
}

function loadSeen() {
  seen.clear();
  const key = storageKey();
  if (!key) return;
  try {
    const saved = JSON.parse(sessionGet(key) || '{}');
    for (const [id, seq] of Object.entries(saved)) if (Number.isInteger(seq)) seen.set(id, seq);
  } catch {
    /* nothing kept */
  }
}

let saveTimer = null;
function saveSeen() {
  if (saveTimer) return;
  saveTimer = window.setTimeout(() => {
    saveTimer = null;
    const key = storageKey();
    if (key) sessionSet(key, JSON.stringify(Object.fromEntries(seen)));
  }, 200);
}

/** The last seq this tab has seen of a space (undefined when none). */
export function lastSeen(spaceId) {
  return seen.get(spaceId);
}

/** A page loaded a space's events up to `seq` over HTTP: resume from there at the latest. */
export function advance(spaceId, seq) {
  if (!Number.isInteger(seq)) return;
  if (!(seen.get(spaceId) >= seq)) {
    seen.set(spaceId, seq);
    saveSeen();
  }
}

// ---- subscribers -------------------------------------------------------------------------------

/** fn(frame) for the frames of one space (or of every space when spaceId is null). */
export function subscribe(spaceId, fn, { signal } = {}) {
  return on(spaceId ? `realtime:${spaceId}` : 'realtime:*', fn, { signal });
}

function publish(frame) {
  if (frame.spaceId) emit(`realtime:${frame.spaceId}`, frame);
  emit('realtime:*', frame);
}

// ---- events in order, once each ----------------------------------------------------------------

function deliver(frame) {
  const last = seen.get(frame.spaceId);
  if (last !== undefined && frame.seq <= last) return; // seen already
  seen.set(frame.spaceId, frame.seq);
  saveSeen();
  publish(frame);
}

function receiveEvent(frame) {
  if (!frame.spaceId || !Number.isInteger(frame.seq)) return;
  const waiting = filling.get(frame.spaceId);
  if (waiting) {
    waiting.push(frame);
    return;
  }
  const last = seen.get(frame.spaceId);
  if (last !== undefined && frame.seq > last + 1) {
    fillGap(frame.spaceId, last, frame);
    return;
  }
  deliver(frame);
}

/** Fetch the events between `after` and `frame` over HTTP, then deliver them and what waited. */
async function fillGap(spaceId, after, frame) {
  const waiting = [frame];
  filling.set(spaceId, waiting);
  let cursor = after;
  try {
    for (let page = 0; page < 20; page += 1) {
      const answer = await get(`/api/v1/spaces/${enc(spaceId)}/events?after=${cursor}&limit=100`);
      const items = (answer && answer.items) || [];
      for (const item of items) if (item.seq < frame.seq) deliver({ type: 'event', spaceId, ...item });
      const next = answer && answer.nextCursor;
      if (!next || !items.length || items[items.length - 1].seq >= frame.seq - 1) break;
      cursor = next;
    }
  } catch {
    // Not now: forget what waited and reconnect; the resume replays it from the last seq seen.
    filling.delete(spaceId);
    if (socket) dropSocket();
    return;
  }
  filling.delete(spaceId);
  // What is still missing was not for us (a private item of a group space): deliver in order.
  for (const f of waiting.sort((a, b) => a.seq - b.seq)) deliver(f);
}

// ---- the connection ----------------------------------------------------------------------------

function sendRaw(frame) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  try {
    socket.send(JSON.stringify(frame));
    return true;
  } catch {
    return false;
  }
}

function handle(frame) {
  switch (frame.type) {
    case 'welcome': {
      attempt = 0;
      // the ids of the user's spaces (a map id → lastSeq is read too); a space not resumed starts
      // with its first live event (its page loads what came before over HTTP)
      const spaces = Array.isArray(frame.spaces) ? frame.spaces : Object.keys(frame.spaces || {});
      for (const id of [...seen.keys()]) if (!spaces.includes(id)) seen.delete(id);
      saveSeen();
      readSent.clear();
      state.set('open');
      if (viewing) sendRaw({ type: 'view', spaceId: viewing });
      break;
    }
    case 'event':
      receiveEvent(frame);
      break;
    case 'ack': {
      const key = frame.clientMessageId || frame.requestId;
      settle(key, null, frame);
      break;
    }
    case 'error': {
      const key = frame.clientMessageId || frame.requestId;
      if (key && pending.has(key)) settle(key, new RealtimeError(frame.code || 'unknown'));
      else {
        if (frame.code === 'space.notFound' && frame.spaceId) seen.delete(frame.spaceId); // no access any more
        publish({ ...frame });
      }
      break;
    }
    case 'removed':
      seen.delete(frame.spaceId);
      saveSeen();
      publish(frame);
      break;
    case 'read':
    case 'typing':
      publish(frame);
      break;
    default:
      break; // pong and anything new: the frame time is what counts
  }
}

function settle(key, error, value) {
  const entry = key && pending.get(key);
  if (!entry) return;
  pending.delete(key);
  window.clearTimeout(entry.timer);
  if (error) entry.reject(error);
  else entry.resolve(value);
}

function failPending(code) {
  for (const key of [...pending.keys()]) settle(key, new RealtimeError(code));
}

function connect() {
  window.clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (!user || socket) return;
  if (navigator.onLine === false) {
    state.set('offline');
    return; // the 'online' event connects
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  let ws;
  try {
    ws = new WebSocket(`${scheme}://${window.location.host}/api/v1/ws`);
  } catch {
    scheduleReconnect();
    return;
  }
  socket = ws;
  lastFrameAt = Date.now();
  state.set('connecting');
  ws.addEventListener('open', () => {
    if (ws !== socket) return;
    lastFrameAt = Date.now();
    sendRaw({ type: 'hello', resume: Object.fromEntries(seen) });
  });
  ws.addEventListener('message', (event) => {
    if (ws !== socket) return;
    lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame && typeof frame.type === 'string') handle(frame);
  });
  ws.addEventListener('close', () => {
    if (ws !== socket) return;
    socket = null;
    closed();
  });
}

/** The socket is gone (closed by the server, the network, or us): try again later. */
function closed() {
  failPending('disconnected');
  if (!user) {
    state.set('closed');
    return;
  }
  state.set(navigator.onLine === false ? 'offline' : 'connecting');
  scheduleReconnect();
}

/** Stop using the socket now (a dead one may take long to report its close). */
function dropSocket() {
  const ws = socket;
  socket = null;
  if (ws) {
    try {
      ws.close();
    } catch {
      /* already closing */
    }
  }
  closed();
}

function scheduleReconnect() {
  if (!user || reconnectTimer || navigator.onLine === false) return;
  const ceiling = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** attempt);
  attempt += 1;
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  reconnectTimer = window.setTimeout(reconnect, delay);
}

/**
 * Connect again, after asking /me whether the session still holds: a socket refused for an ended
 * session tells nothing, while a 401 of /me ends the session here (api.js 'unauthorized', then
 * stop()); a server that does not answer is tried again later.
 */
async function reconnect() {
  window.clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (!user || socket) return;
  if (navigator.onLine === false) {
    state.set('offline');
    return;
  }
  const who = user;
  try {
    await get('/api/v1/me');
  } catch (error) {
    if (user === who && !(error instanceof ApiError && error.status === 401)) scheduleReconnect();
    return;
  }
  if (user === who && !socket) connect();
}

function tick() {
  if (!socket) return;
  if (Date.now() - lastFrameAt > SILENCE_LIMIT) dropSocket();
}

function onOnline() {
  if (!user) return;
  attempt = 0;
  if (!socket) reconnect();
}

function onOffline() {
  if (!user) return;
  window.clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (socket) dropSocket();
  state.set('offline');
}

/** Connect for this signed-in user (again after a change of user). */
export function start(who) {
  if (!who) {
    stop();
    return;
  }
  if (user && user.id === who.id) return;
  if (user) stop();
  user = who;
  loadSeen();
  attempt = 0;
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  pingTimer = window.setInterval(() => sendRaw({ type: 'ping' }), PING_EVERY);
  watchTimer = window.setInterval(tick, WATCH_EVERY);
  connect();
}

/** Close the connection and forget everything of the user (sign-out). */
export function stop() {
  user = null;
  window.removeEventListener('online', onOnline);
  window.removeEventListener('offline', onOffline);
  window.clearInterval(pingTimer);
  window.clearInterval(watchTimer);
  window.clearTimeout(reconnectTimer);
  window.clearTimeout(saveTimer);
  pingTimer = watchTimer = reconnectTimer = saveTimer = null;
  const ws = socket;
  socket = null;
  if (ws) {
    try {
      ws.close(1000);
    } catch {
      /* already closing */
    }
  }
  failPending('disconnected');
  seen.clear();
  filling.clear();
  typingSent.clear();
  readSent.clear();
  viewing = null;
  state.set('closed');
}

// ---- what the client sends ---------------------------------------------------------------------

function request(frame, key) {
  if (pending.has(key)) return pending.get(key).promise;
  if (state.get() !== 'open') return Promise.reject(new RealtimeError('notConnected'));
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = window.setTimeout(() => settle(key, new RealtimeError('timeout')), ACK_TIMEOUT);
  pending.set(key, { promise, resolve, reject, timer });
  if (!sendRaw(frame)) settle(key, new RealtimeError('notConnected'));
  return promise;
}

/** Send a message over the socket: resolves with its ack {spaceId, clientMessageId, seq, messageId}. */
export function sendMessage({ spaceId, clientMessageId, body, attachmentIds, privateTo }) {
  const frame = { type: 'send', spaceId, clientMessageId, body };
  if (attachmentIds && attachmentIds.length) frame.attachmentIds = attachmentIds;
  if (privateTo) frame.privateTo = privateTo;
  return request(frame, clientMessageId);
}

/** Edit one's own message: over the socket when it is open, else over HTTP. */
export function editMessage(spaceId, messageId, body) {
  if (state.get() !== 'open') return patch(`/api/v1/spaces/${enc(spaceId)}/messages/${enc(messageId)}`, { body });
  const requestId = newId();
  return request({ type: 'edit', spaceId, messageId, body, requestId }, requestId);
}

/** Delete one's own message: over the socket when it is open, else over HTTP. */
export function deleteMessage(spaceId, messageId) {
  if (state.get() !== 'open') return del(`/api/v1/spaces/${enc(spaceId)}/messages/${enc(messageId)}`);
  const requestId = newId();
  return request({ type: 'delete', spaceId, messageId, requestId }, requestId);
}

/** The space on screen (null: none); the server makes no notification entries for it. */
export function view(spaceId) {
  viewing = spaceId || null;
  sendRaw({ type: 'view', spaceId: viewing });
}

/** I have read the space up to `seq` (positions only move forward). */
export function read(spaceId, seq) {
  if (!Number.isInteger(seq) || seq <= 0 || readSent.get(spaceId) >= seq) return;
  readSent.set(spaceId, seq);
  if (sendRaw({ type: 'read', spaceId, seq })) return;
  post(`/api/v1/spaces/${enc(spaceId)}/read`, { seq }).catch(() => readSent.delete(spaceId));
}

/** I am typing in a space (sent at most once in 3 seconds). */
export function typing(spaceId) {
  const now = Date.now();
  if (now - (typingSent.get(spaceId) || 0) < TYPING_EVERY) return;
  if (sendRaw({ type: 'typing', spaceId })) typingSent.set(spaceId, now);
}
