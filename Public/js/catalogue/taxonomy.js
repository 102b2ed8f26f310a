// The catalogue's classifications (municipalities, categories, life situations, employment
// statuses, organisations) from /api/v1/catalogue/taxonomy, loaded once per page load (and again
// after a platform admin has changed them on /admin/taxonomy).
// Names are LocalText and are shown in the UI language. Without the taxonomy (an older server
// or a failed request) an id is shown as readable text instead.
import { get } from '../api.js';
import { localText, t, has } from '../i18n.js';

let loading = null;
let data = null;
const seenOrganizations = new Map();

export function loadTaxonomy() {
  if (!loading) {
    loading = get('/api/v1/catalogue/taxonomy')
      .then((answer) => {
        data = answer || null;
        return data;
      })
      .catch(() => {
        loading = null; // try again on the next page
        return null;
      });
  }
  return loading;
}

/** The lists changed (an admin's edit): the next loadTaxonomy() asks the server again. The names
 *  loaded before stay in use until that answer comes. */
export function invalidateTaxonomy() {
  loading = null;
}

export function taxonomy() {
  return data;
}

/** Remember organisation names met in search answers (used when the taxonomy is missing). */
export function rememberOrganization(org) {
  if (org && org.id && org.name) seenOrganizations.set(org.id, org);
}

function readable(id) {
  const text = String(id).replace(/[-_]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function find(list, key, id) {
  return ((data && data[list]) || []).find((x) => x[key] === id);
}

/** The name of an id of one of the filters (kind = the search parameter's name). */
export function labelFor(kind, id) {
  switch (kind) {
    case 'municipality': {
      const m = find('municipalities', 'code', id);
      return m ? localText(m.name) : id;
    }
    case 'category': {
      const c = find('categories', 'id', id);
      return c ? localText(c.name) : readable(id);
    }
    case 'lifeSituation': {
      const x = find('lifeSituations', 'id', id);
      return x ? localText(x.name) : readable(id);
    }
    case 'employmentStatus': {
      const x = find('employmentStatuses', 'id', id);
      return x ? localText(x.name) : readable(id);
    }
    case 'organization': {
      const o = find('organizations', 'id', id) || seenOrganizations.get(id);
      return o ? localText(o.name) : readable(id);
    }
    case 'language':
      return has(`catalogue.language.${id}`) ? t(`catalogue.language.${id}`) : id;
    default:
      return has(`catalogue.${kind}.${id}`) ? t(`catalogue.${kind}.${id}`) : readable(id);
  }
}

/** Categories as a tree: [{id, children: [ids]}] of the given ids (parents from the taxonomy). */
export function categoryTree(ids) {
  const all = (data && data.categories) || [];
  const parentOf = new Map(all.map((c) => [c.id, c.parent || null]));
  const order = new Map(all.map((c, i) => [c.id, i]));
  const wanted = new Set(ids);
  for (const id of ids) {
    const parent = parentOf.get(id);
    if (parent) wanted.add(parent);
  }
  const roots = [];
  const byId = new Map();
  const sorted = [...wanted].sort((a, b) => (order.get(a) ?? 1e6) - (order.get(b) ?? 1e6));
  for (const id of sorted) {
    const parent = parentOf.get(id);
    if (!parent || !wanted.has(parent)) {
      const node = { id, children: [] };
      roots.push(node);
      byId.set(id, node);
    }
  }
  for (const id of sorted) {
    const parent = parentOf.get(id);
    if (parent && byId.has(parent)) byId.get(parent).children.push(id);
  }
  return roots;
}
