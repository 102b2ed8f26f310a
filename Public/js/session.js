// Who is signed in. `undefined` = not asked yet, `null` = nobody.
import { get, ApiError } from './api.js';

let user;
const listeners = new Set();

export function getUser() {
  return user || null;
}

export function setUser(value) {
  user = value || null;
  for (const fn of listeners) fn(user);
}

export function onUserChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function loadUser({ refresh = false } = {}) {
  if (user !== undefined && !refresh) return user;
  try {
    const data = await get('/api/v1/me', { expectAuth: false });
    setUser(data && data.user);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) setUser(null);
    else throw error;
  }
  return user;
}

/** Organisations whose users the signed-in user may manage (orgAdmin role). */
export function adminOrganizationIds(u = user) {
  if (!u) return [];
  return (u.memberships || []).filter((m) => (m.roles || []).includes('orgAdmin')).map((m) => m.organizationId);
}
