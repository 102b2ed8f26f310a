// Favourite services. A visitor's favourites are kept in this browser (localStorage); every
// function is async so that signed-in experts can later keep theirs on the server behind the
// same interface.
const KEY = 'ohjaustila.catalogue.favourites';
const listeners = new Set();

function read() {
  try {
    const list = JSON.parse(window.localStorage.getItem(KEY) || '[]');
    return Array.isArray(list) ? list.filter((x) => x && typeof x.id === 'string') : [];
  } catch {
    return [];
  }
}

function write(list) {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* private mode or full storage: the favourite lasts for this page only */
  }
  for (const fn of listeners) fn(list);
}

/** [{id, name (LocalText), addedAt}] newest first. */
export async function listFavourites() {
  return read();
}

export function isFavourite(id) {
  return read().some((x) => x.id === id);
}

export async function addFavourite(service) {
  const list = read().filter((x) => x.id !== service.id);
  list.unshift({ id: service.id, name: service.name || null, addedAt: new Date().toISOString() });
  write(list);
}

export async function removeFavourite(id) {
  write(read().filter((x) => x.id !== id));
}

/** Add or remove; resolves to true when the service is now a favourite. */
export async function toggleFavourite(service) {
  if (isFavourite(service.id)) {
    await removeFavourite(service.id);
    return false;
  }
  await addFavourite(service);
  return true;
}

export function onFavouritesChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
