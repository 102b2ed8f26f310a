// The one way modules of the client tell each other what changed: named events with listeners,
// and small stores (a value whose changes are such an event). A listener given an AbortSignal
// (a page's ctx.signal) is removed when the signal aborts, so a page leaves nothing behind.
//
// Events: 'language' (lang, changed), 'user' (user), 'page' ({path}), 'connection' ('online' |
// 'offline'), 'favourites' ({store, listId, serviceId, on}).

const listeners = new Map();

/** Call fn(...args) whenever `name` is emitted; returns the function that stops it. */
export function on(name, fn, { signal, once = false } = {}) {
  if (signal && signal.aborted) return () => {};
  if (!listeners.has(name)) listeners.set(name, new Set());
  const set = listeners.get(name);
  const entry = once ? (...args) => { off(); fn(...args); } : fn;
  const off = () => {
    set.delete(entry);
    if (signal) signal.removeEventListener('abort', off);
  };
  set.add(entry);
  if (signal) signal.addEventListener('abort', off, { once: true });
  return off;
}

export function emit(name, ...args) {
  const set = listeners.get(name);
  if (!set) return;
  for (const fn of [...set]) {
    try {
      fn(...args);
    } catch (error) {
      console.error(error);
    }
  }
}

/** A value with get/set; set() emits `name` with the new value when it changed. */
export function createStore(name, initial) {
  let value = initial;
  return {
    get: () => value,
    set(next, ...extra) {
      const changed = next !== value;
      value = next;
      if (changed || extra.length) emit(name, value, ...extra);
    },
  };
}
