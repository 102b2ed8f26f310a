// What this browser keeps for the person using it, in one place:
// - localStorage: only the UI language (kept on sign-out: it is not about the user);
// - sessionStorage: the last catalogue search (with its client-profile fields), a visitor's
//   favourites and the mark that someone is signed in in this tab, for the browser session;
// - IndexedDB: databases the client creates (e.g. unsent messages).
// clearUserData() forgets all of it but the language; sign-out and an ended session call it.

export const LANGUAGE_KEY = 'ohjaustila.language';

function area(name) {
  try {
    return window[name];
  } catch {
    return null; // storage blocked (privacy settings)
  }
}

/** The value of a key of sessionStorage (null when missing or not available). */
export function sessionGet(key) {
  try {
    return area('sessionStorage').getItem(key);
  } catch {
    return null;
  }
}

/** Keep a value for the browser session; false when storage is not available. */
export function sessionSet(key, value) {
  try {
    area('sessionStorage').setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function localGet(key) {
  try {
    return area('localStorage').getItem(key);
  } catch {
    return null;
  }
}

export function localSet(key, value) {
  try {
    area('localStorage').setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function localRemove(key) {
  try {
    area('localStorage').removeItem(key);
  } catch {
    /* not available */
  }
}

// IndexedDB databases the client opens (name them through userDatabase()): deleted by
// clearUserData() also where indexedDB.databases() is missing.
const DATABASES = new Set();

/** The name of an IndexedDB database that holds the user's data (open it with this name). */
export function userDatabase(name) {
  DATABASES.add(name);
  return name;
}

function deleteDatabase(name) {
  return new Promise((resolve) => {
    const request = window.indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** Forget everything this browser holds for the user, except the language choice. */
export async function clearUserData() {
  try {
    area('sessionStorage').clear();
  } catch {
    /* not available */
  }
  try {
    const local = area('localStorage');
    for (const key of Object.keys(local)) if (key !== LANGUAGE_KEY) local.removeItem(key);
  } catch {
    /* not available */
  }
  try {
    if (!window.indexedDB) return;
    const names = new Set(DATABASES);
    if (typeof window.indexedDB.databases === 'function') {
      for (const db of await window.indexedDB.databases()) if (db.name) names.add(db.name);
    }
    await Promise.all([...names].map(deleteDatabase));
  } catch {
    /* not available */
  }
}
