// What the user may do in the catalogue editor, organisation by organisation, as the server says
// (GET /catalogue/editor/organizations: [{id, name, sector, rights}]). The editor's pages offer
// their links, choices and sections from these rights instead of guessing them from roles:
// read, edit, writeInternal, decide, unarchive, markReviewed, importPTV, stale.
import { get } from '../api.js';
import { localText } from '../i18n.js';

/** The user's organisations in the editor, each with `label` (its name in the page's language). */
export async function editorOrganizations({ signal } = {}) {
  const answer = await get('/api/v1/catalogue/editor/organizations', { signal });
  return ((answer && answer.items) || []).map((o) => ({ ...o, rights: o.rights || [], label: localText(o.name) }));
}

/** The organisations in which the user has `right`. */
export function withRight(organizations, right) {
  return organizations.filter((o) => o.rights.includes(right));
}

/** Whether the user has `right` in the organisation `id`. */
export function hasRight(organizations, id, right) {
  return organizations.some((o) => o.id === id && o.rights.includes(right));
}
