// Messages not sent yet, kept in IndexedDB (one database per user, named through storage.js
// userDatabase(), so that clearUserData() deletes it at sign-out): {spaceId, clientMessageId,
// body, createdAt, attachmentIds?, attachments?, privateTo?, failed?}. Attachments are uploaded
// before a message is queued (the message form does it, and says so when it cannot): only their
// ids are kept here. A message is written here first, then sent over the socket (over
// HTTP when the socket is not open) with its clientMessageId; it is removed when the server has
// acknowledged it. What could not go out is sent again, with the same id, when the connection
// returns: the server never stores a message twice for one id.
//
// The store event 'outbox' tells pages what happened: {type: 'added' | 'sent' | 'failed' |
// 'removed', entry, ack?}. A message the server refuses for good (the space is closed, the text
// is too long …) is kept with `failed: code` and not tried again; the user can remove it.
import { emit, on } from './store.js';
import { userDatabase } from './storage.js';
import { post, enc, ApiError } from './api.js';
import * as realtime from './realtime.js';

const STORE = 'messages';
const RETRY_AFTER = 10_000;
// Answers that will not change by sending again.
const PERMANENT = new Set([
  'space.notFound', 'space.closed', 'message.tooLong', 'frame.invalid', 'request.validation',
  'request.invalidJSON', 'access.forbidden', 'notFound', 'request.tooLarge',
]);

let user = null;
let dbPromise = null;
let memory = null; // when IndexedDB is not available (private mode of some browsers)
const sending = new Set();
let retryTimer = null;
let stopListening = [];

function requestToPromise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase(userId) {
  if (!window.indexedDB) return Promise.resolve(null);
  const name = userDatabase(`ohjaustila-outbox-${userId}`);
  return new Promise((resolve) => {
    let request;
    try {
      request = window.indexedDB.open(name, 1);
    } catch {
      resolve(null);
      return;
    }
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'clientMessageId' });
      store.createIndex('spaceId', 'spaceId');
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close(); // deleted at sign-out (maybe in another tab)
      resolve(db);
    };
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
  });
}

async function withStore(mode, fn) {
  const db = await dbPromise;
  if (!db) {
    if (!memory) memory = new Map();
    return fn(null);
  }
  const tx = db.transaction(STORE, mode);
  const result = await fn(tx.objectStore(STORE));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result;
}

async function putEntry(entry) {
  await withStore('readwrite', (store) => (store ? requestToPromise(store.put(entry)) : memory.set(entry.clientMessageId, entry)));
}

async function deleteEntry(clientMessageId) {
  await withStore('readwrite', (store) => (store ? requestToPromise(store.delete(clientMessageId)) : memory.delete(clientMessageId)));
}

async function allEntries() {
  if (!dbPromise) return [];
  const items = await withStore('readonly', (store) => (store ? requestToPromise(store.getAll()) : [...memory.values()]));
  return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The messages of a space that are not sent yet (oldest first). */
export async function pendingFor(spaceId) {
  try {
    return (await allEntries()).filter((e) => e.spaceId === spaceId);
  } catch {
    return [];
  }
}

/** Keep a new message and send it; resolves with the entry at once (sending goes on). */
export async function queue(spaceId, body, { attachments = [], privateTo = null } = {}) {
  if (!user) throw new Error('outbox: nobody is signed in');
  const entry = { spaceId, clientMessageId: realtime.newId(), body, createdAt: new Date().toISOString() };
  // files uploaded already (an attachment is never kept here: only its id, name and size)
  if (attachments.length) {
    entry.attachments = attachments.map((a) => ({ id: a.id, name: a.name, size: a.size, contentType: a.contentType }));
    entry.attachmentIds = entry.attachments.map((a) => a.id);
  }
  if (privateTo) entry.privateTo = privateTo;
  try {
    await putEntry(entry);
  } catch {
    if (!memory) memory = new Map();
    memory.set(entry.clientMessageId, entry); // the message is kept for this page at least
  }
  emit('outbox', { type: 'added', entry });
  send(entry);
  return entry;
}

/** Forget a message that could not be sent (the user removed it). */
export async function discard(clientMessageId) {
  const entry = (await allEntries()).find((e) => e.clientMessageId === clientMessageId);
  await deleteEntry(clientMessageId);
  if (memory) memory.delete(clientMessageId);
  if (entry) emit('outbox', { type: 'removed', entry });
}

async function sendOnce(entry) {
  if (realtime.isOpen()) {
    try {
      return await realtime.sendMessage(entry);
    } catch (error) {
      if (error.code !== 'notConnected' && error.code !== 'disconnected') throw error;
    }
  }
  // No socket (yet): HTTP does the same (the same clientMessageId is never stored twice).
  const payload = { clientMessageId: entry.clientMessageId, body: entry.body };
  if (entry.attachmentIds && entry.attachmentIds.length) payload.attachmentIds = entry.attachmentIds;
  if (entry.privateTo) payload.privateTo = entry.privateTo;
  const answer = await post(`/api/v1/spaces/${enc(entry.spaceId)}/messages`, payload);
  return { spaceId: entry.spaceId, ...answer };
}

async function send(entry) {
  if (!user || entry.failed || sending.has(entry.clientMessageId)) return;
  sending.add(entry.clientMessageId);
  const owner = user;
  try {
    const ack = await sendOnce(entry);
    if (user !== owner) return;
    await deleteEntry(entry.clientMessageId).catch(() => {});
    if (memory) memory.delete(entry.clientMessageId);
    emit('outbox', { type: 'sent', entry, ack });
  } catch (error) {
    if (user !== owner) return;
    const code = error && error.code;
    const permanent = PERMANENT.has(code) || (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 401 && error.status !== 408);
    if (permanent) {
      const failed = { ...entry, failed: code || 'unknown' };
      await putEntry(failed).catch(() => {});
      emit('outbox', { type: 'failed', entry: failed });
    } else {
      retryLater();
    }
  } finally {
    sending.delete(entry.clientMessageId);
  }
}

function retryLater() {
  if (retryTimer || !user) return;
  retryTimer = window.setTimeout(() => {
    retryTimer = null;
    if (navigator.onLine !== false) flush();
  }, RETRY_AFTER);
}

/** Send every message that is waiting (when the connection returns). */
export async function flush() {
  if (!user) return;
  let entries;
  try {
    entries = await allEntries();
  } catch {
    return;
  }
  for (const entry of entries) if (!entry.failed) send(entry);
}

/** Open the signed-in user's outbox and send what waits there. */
export function start(who) {
  if (!who) {
    stop();
    return;
  }
  if (user && user.id === who.id) return;
  if (user) stop();
  user = who;
  memory = null;
  dbPromise = openDatabase(who.id);
  stopListening = [
    on('realtime', (value) => {
      if (value === 'open') flush();
    }),
  ];
  window.addEventListener('online', flush);
  flush();
}

/** Close the database (so that sign-out can delete it) and forget the user. */
export function stop() {
  for (const off of stopListening) off();
  stopListening = [];
  window.removeEventListener('online', flush);
  window.clearTimeout(retryTimer);
  retryTimer = null;
  const closing = dbPromise;
  dbPromise = null;
  memory = null;
  user = null;
  sending.clear();
  if (closing) closing.then((db) => db && db.close());
}
