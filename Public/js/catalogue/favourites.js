// Favourite services, kept where the signed-in person's role says:
// - visitors and clients (no organisation role): in this browser for the browser session only
//   (sessionStorage), so that a shared or public computer keeps nothing once it is closed;
// - staff (any organisation role, or platform admins): on the server, in named lists.
// Every change is the store event 'favourites' ({store, listId, serviceId, on}), so that the
// controls shown for the same service on the page can follow it.
import { get, post, patch, put, del, getAll, enc, ApiError } from '../api.js';
import { getUser } from '../session.js';
import { getLanguage } from '../i18n.js';
import { on, emit } from '../store.js';
import { sessionGet, sessionSet, localGet, localRemove } from '../storage.js';

const KEY = 'ohjaustila.catalogue.favourites';
const LISTS_FRESH_MS = 15000;

/** True when the favourites of this user are kept on the server in lists (staff). */
export function usesLists(user = getUser()) {
  return Boolean(user && (user.isPlatformAdmin || (user.memberships || []).length > 0));
}

function changed(detail) {
  emit('favourites', detail);
}

// ---- the browser session (visitors and clients) -------------------------------------------

function valid(list) {
  return Array.isArray(list) ? list.filter((x) => x && typeof x.id === 'string') : [];
}

/** Favourites kept in localStorage by an earlier version move to the session, and are forgotten there. */
function parse(text) {
  try {
    return valid(JSON.parse(text || '[]'));
  } catch {
    return [];
  }
}

function moveOldFavourites() {
  const old = localGet(KEY);
  if (old === null) return;
  localRemove(KEY);
  const now = parse(sessionGet(KEY));
  const ids = new Set(now.map((x) => x.id));
  sessionSet(KEY, JSON.stringify([...now, ...parse(old).filter((x) => !ids.has(x.id))]));
}

function read() {
  moveOldFavourites();
  return parse(sessionGet(KEY));
}

function write(list) {
  sessionSet(KEY, JSON.stringify(list)); // storage not available: the favourite lasts for this page only
  changed({ store: 'session' });
}

/** [{id, name (LocalText), addedAt}] newest first. */
export async function listFavourites() {
  return read();
}

export function isFavourite(id) {
  return read().some((x) => x.id === id);
}

export async function removeFavourite(id) {
  write(read().filter((x) => x.id !== id));
}

/** Add or remove; resolves to true when the service is now a favourite. */
export async function toggleFavourite(service) {
  const list = read();
  if (list.some((x) => x.id === service.id)) {
    write(list.filter((x) => x.id !== service.id));
    return false;
  }
  write([{ id: service.id, name: service.name || null, addedAt: new Date().toISOString() }, ...list]);
  return true;
}

/**
 * Services as list rows (the search answer's items), asked 100 at a time:
 * a Map id → ServiceSummary. Services that are gone are not in the map.
 */
export async function servicesByIds(ids, { signal } = {}) {
  const found = new Map();
  const unique = [...new Set(ids)];
  const chunks = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const answers = await Promise.all(chunks.map((chunk) =>
    get(`/api/v1/catalogue/services?ids=${chunk.map(enc).join(',')}&lang=${getLanguage()}`, { signal })));
  for (const answer of answers) for (const item of answer.items || []) found.set(item.id, item);
  return found;
}

// ---- lists on the server (staff) ----------------------------------------------------------

let cache = null; // {userId, at, lists}
let loading = null;
on('user', () => {
  cache = null;
  loading = null;
});

function remember(lists) {
  const user = getUser();
  cache = { userId: user && user.id, at: Date.now(), lists };
  return lists;
}

function sortLists(lists) {
  return lists.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

/** The lists of the signed-in user [{id, name, serviceIds, shareToken, createdAt, updatedAt}], last changed first. */
export async function loadLists({ fresh = false } = {}) {
  const user = getUser();
  if (!fresh && cache && cache.userId === (user && user.id) && Date.now() - cache.at < LISTS_FRESH_MS) return cache.lists;
  if (!loading) {
    loading = getAll('/api/v1/favourite-lists', { max: 100 }).then(
      (lists) => {
        loading = null;
        return remember(sortLists(lists));
      },
      (error) => {
        loading = null;
        throw error;
      },
    );
  }
  return loading;
}

/** The lists (as last loaded) that hold the service. */
export function listsWith(serviceId) {
  return cache ? cache.lists.filter((l) => (l.serviceIds || []).includes(serviceId)) : [];
}

function replaceInCache(list) {
  if (!cache) return;
  const rest = cache.lists.filter((l) => l.id !== list.id);
  cache.lists = sortLists([list, ...rest]);
}

function randomId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A new list; a request lost on the way is sent again with the same clientId (no duplicate). */
export async function createList(name) {
  const body = { name, clientId: randomId() };
  let list;
  try {
    list = await post('/api/v1/favourite-lists', body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error;
    list = await post('/api/v1/favourite-lists', body);
  }
  replaceInCache(list);
  changed({ store: 'lists', listId: list.id });
  return list;
}

let creatingFirst = null;
/** The user's lists; a user with none gets a first one named `name` ("Suosikit"). */
export async function ensureFirstList(name) {
  const lists = await loadLists({ fresh: true });
  if (lists.length) return lists;
  if (!creatingFirst) {
    creatingFirst = createList(name).finally(() => {
      creatingFirst = null;
    });
  }
  await creatingFirst;
  return cache ? cache.lists : loadLists({ fresh: true });
}

export async function renameList(listId, name) {
  const list = await patch(`/api/v1/favourite-lists/${enc(listId)}`, { name });
  replaceInCache(list);
  changed({ store: 'lists', listId });
  return list;
}

export async function deleteList(listId) {
  await del(`/api/v1/favourite-lists/${enc(listId)}`);
  if (cache) cache.lists = cache.lists.filter((l) => l.id !== listId);
  changed({ store: 'lists', listId });
}

/** Put the service on the list (on = true) or take it off. */
export async function setOnList(listId, serviceId, on) {
  const path = `/api/v1/favourite-lists/${enc(listId)}/services/${enc(serviceId)}`;
  if (on) await put(path);
  else await del(path);
  const list = cache && cache.lists.find((l) => l.id === listId);
  if (list) {
    const ids = (list.serviceIds || []).filter((id) => id !== serviceId);
    replaceInCache({ ...list, serviceIds: on ? [serviceId, ...ids] : ids, updatedAt: new Date().toISOString() });
  }
  changed({ store: 'lists', listId, serviceId, on });
}
