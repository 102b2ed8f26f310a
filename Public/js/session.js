// Who is signed in. `undefined` = not asked yet, `null` = nobody. A change is the store event
// 'user' (user). When a session ends (sign-out, or the server answers 401), endSession() also
// forgets what this browser holds for the user (storage.js).
import { get, post, ApiError } from './api.js';
import { createStore } from './store.js';
import { clearUserData, sessionGet, sessionSet } from './storage.js';
import { forgetThisDevice } from './push.js';

const user = createStore('user', undefined);
// Set while someone is signed in in this tab: a reload that finds the session ended (/me says
// 401) still knows that there is a user's data to forget.
const SIGNED_IN_KEY = 'ohjaustila.signedIn';

export function getUser() {
  return user.get() || null;
}

export function setUser(value) {
  if (value) sessionSet(SIGNED_IN_KEY, '1');
  user.set(value || null);
}

/** Nobody is signed in any more: the user and every trace of them in this browser are gone. */
export async function endSession() {
  setUser(null);
  await clearUserData();
}

/**
 * Sign out on the server (this session, or every session of the account: that one may fail and
 * throws), then end the session here.
 */
export async function signOut({ everywhere = false } = {}) {
  // this device stops getting the account's push notifications (needs the session: first)
  await forgetThisDevice();
  if (everywhere) {
    await post('/api/v1/auth/logout-everywhere', {});
  } else {
    try {
      await post('/api/v1/auth/logout', {}, { expectAuth: false });
    } catch {
      /* the session may already have ended: signed out either way */
    }
  }
  await endSession();
}

export async function loadUser({ refresh = false } = {}) {
  if (user.get() !== undefined && !refresh) return user.get();
  const before = getUser() || sessionGet(SIGNED_IN_KEY);
  try {
    const data = await get('/api/v1/me', { expectAuth: false });
    setUser(data && data.user);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) setUser(null);
    else throw error;
  }
  if (before && !getUser()) await clearUserData(); // the session ended elsewhere
  return user.get();
}

/** Organisations whose users the signed-in user may manage (orgAdmin role). */
export function adminOrganizationIds(u = getUser()) {
  if (!u) return [];
  return (u.memberships || []).filter((m) => (m.roles || []).includes('orgAdmin')).map((m) => m.organizationId);
}

/** Whether the user is a content producer of some organisation. */
export function isContentProducer(u = getUser()) {
  return Boolean(u && (u.memberships || []).some((m) => (m.roles || []).includes('contentProducer')));
}

/** The roles that work on the catalogue's services (the editor's pages). */
export const EDITOR_ROLES = ['contentProducer', 'serviceProvider', 'approver'];

/** The memberships in which the user has a role of the catalogue editor. */
export function editorMemberships(u = getUser()) {
  if (!u) return [];
  return (u.memberships || []).filter((m) => (m.roles || []).some((r) => EDITOR_ROLES.includes(r)));
}

/** Whether the user maintains services (a content role anywhere, or a platform admin). */
export function isCatalogueEditor(u = getUser()) {
  return Boolean(u && (u.isPlatformAdmin || editorMemberships(u).length));
}

/**
 * Whether the editor's pages are for the user: a catalogue editor, or an organisation admin (who
 * is told about services left unreviewed and sees the list of them). What the user may do in each
 * organisation comes from the server (editor/rights.js), not from here.
 */
export function usesCatalogueEditor(u = getUser()) {
  return Boolean(u && (isCatalogueEditor(u) || adminOrganizationIds(u).length));
}
