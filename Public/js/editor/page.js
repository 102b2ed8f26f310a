// The parts that the catalogue editor's pages (/editor…) build in the same way: the start of a page
// (back link, heading, who may see it, the user's rights with the taxonomy), a list that loads
// again as its choices change, a failed load, the flash after a step, and a version conflict.
import { h, uid, setLive } from '../dom.js';
import { t } from '../i18n.js';
import { ApiError } from '../api.js';
import { isCatalogueEditor, usesCatalogueEditor } from '../session.js';
import { notice } from '../pages/common.js';
import { field } from '../forms.js';
import { heading, noAccess, notFoundMessage } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { editorOrganizations, withRight } from './rights.js';
import { changeList, diffLegend } from './common.js';

/** The link back to a list at the top of a page (by default to the services, /editor). */
export function backLink(root, href = '/editor', text = t('editor.backToList')) {
  root.appendChild(h('p', { class: 'back-link' }, h('a', { href }, text)));
}

/**
 * The user's rights in their organisations (editor/rights.js), with the taxonomy loaded alongside
 * (unless `taxonomy` is false). Null when the page was left meanwhile.
 */
export async function loadRights(ctx, { taxonomy = true } = {}) {
  let rights;
  try {
    [, rights] = await Promise.all([taxonomy ? loadTaxonomy() : null, editorOrganizations({ signal: ctx.signal })]);
  } catch (error) {
    if (isAbort(error) || !ctx.isCurrent()) return null;
    throw error;
  }
  return ctx.isCurrent() ? rights : null;
}

/**
 * The start of a page that every catalogue editor opens (`editor`: who that is): the back link
 * (unless `back` is false), the heading, "no access" for anyone else, then the rights. Null when
 * the page ends there.
 */
export async function startEditorPage(root, ctx, { title, back = true, editor = isCatalogueEditor }) {
  if (back) backLink(root);
  heading(root, ctx, title);
  if (!editor(ctx.user)) {
    noAccess(root, ctx);
    return null;
  }
  return loadRights(ctx);
}

/**
 * The start of a page for those with `right` in some organisation: the rights first (for one who
 * uses the editor), then the back link (only for those let in), the heading and "no access" for
 * the others. Gives {rights, organizations ([{id, name}] with the right), h1}, or null when the
 * page ends there.
 */
export async function startRightPage(root, ctx, {
  right, title, headingOptions, editor = usesCatalogueEditor, taxonomy = true,
}) {
  let rights = [];
  if (editor(ctx.user)) {
    rights = await loadRights(ctx, { taxonomy });
    if (!rights) return null;
  }
  const organizations = withRight(rights, right).map((o) => ({ id: o.id, name: o.label }));
  if (organizations.length) backLink(root);
  const h1 = heading(root, ctx, title, headingOptions);
  if (!organizations.length) {
    noAccess(root, ctx);
    return null;
  }
  return { rights, organizations, h1 };
}

/**
 * An item's page could not be opened: 403 shows "no access" under `title`, 404 "not found"
 * (`notFound`: the texts' key; `back`: the way on, {href, text}); anything else is thrown on.
 */
export function openFailed(root, ctx, error, { title, notFound, back }) {
  if (error instanceof ApiError && error.status === 403) {
    heading(root, ctx, title);
    noAccess(root, ctx);
    return;
  }
  if (error instanceof ApiError && error.status === 404) {
    notFoundMessage(root, ctx, notFound, back);
    return;
  }
  throw error;
}

/**
 * The choice of organisation above a list, when there are several ([{id, name}]): all of them
 * ("all organisations" for a platform admin, "all mine" for others) or one. Null for one.
 */
export function organizationFilter(user, organizations, value) {
  return organizations.length > 1 ? field({
    name: 'organization', type: 'select', label: t('editor.list.organization'), value,
    options: [{ value: '', label: t(user.isPlatformAdmin ? 'editor.list.allOrganizations' : 'editor.list.allMine') },
      ...organizations.map((o) => ({ value: o.id, label: o.name }))],
  }) : null;
}

/**
 * A list's load failed: `busy` is no longer busy; 403 shows "no access", anything else the error
 * in `problem`.
 */
export function showLoadError(root, ctx, error, { busy, problem }) {
  busy.removeAttribute('aria-busy');
  if (error instanceof ApiError && error.status === 403) {
    noAccess(root, ctx);
    return;
  }
  setLive(problem, notice('error', requestMessage(error)));
}

/**
 * The load of a list that loads again as its choices change. Each call aborts the one before,
 * keeps `busy` aria-busy while it loads and empties `problem` (and the regions in `clear`);
 * `request(signal)` gets the answer, `show(answer)` shows it; a failure goes to showLoadError.
 * root's data-loaded is set when the list is shown (and `ready`, when given, has settled).
 */
export function listLoader(root, ctx, { busy, problem, clear = [], request, show, ready = null }) {
  let controller = null;
  return async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
    delete root.dataset.loaded;
    busy.setAttribute('aria-busy', 'true');
    setLive(problem, '');
    for (const region of clear) setLive(region, '');
    let answer;
    try {
      answer = await request(signal);
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      showLoadError(root, ctx, error, { busy, problem });
      return;
    }
    busy.removeAttribute('aria-busy');
    show(answer);
    if (ready) {
      await ready;
      if (signal.aborted) return;
    }
    root.dataset.loaded = 'true';
  };
}

/** A flash notice under the heading (what a step did), focusable; the page focuses it once built. */
export function placeFlash(root, flash) {
  if (!flash) return;
  flash.setAttribute('tabindex', '-1');
  flash.classList.add('editor-flash');
  root.appendChild(flash);
}

/**
 * A version conflict in `part`: both sides' changes (the fields both changed highlighted) with
 * "keep mine" and "take theirs". Either loads the newest version (`newest()`; an error is shown in
 * the section) and gives it to `take(fresh, {withMine, yours})`. `dataset` goes on the section.
 */
export function showConflict(part, details, { newest, take, dataset }) {
  const theirs = details.theirs || [];
  const yours = details.yours || [];
  const both = new Set(theirs.map((c) => c.field).filter((f) => yours.some((y) => y.field === f)));
  const titleId = uid('conflict');
  const title = h('h2', { id: titleId, tabindex: '-1' }, t('editor.conflict.title'));
  const keep = h('button', { type: 'button', class: 'btn btn--primary' }, t('editor.conflict.keepMine'));
  const drop = h('button', { type: 'button', class: 'btn btn--secondary' }, t('editor.conflict.takeTheirs'));
  const problem = alertRegion();
  part.replaceChildren(h('section', { class: 'editor-conflict', 'aria-labelledby': titleId, dataset },
    title,
    h('p', {}, t('editor.conflict.text', { base: details.baseVersion, current: details.currentVersion })),
    both.size ? notice('error', t('editor.conflict.both')) : null,
    diffLegend(),
    h('h3', {}, t('editor.conflict.theirs')),
    theirs.length ? changeList(theirs, { headingLevel: 'h4', highlight: both }) : h('p', { class: 'muted' }, t('editor.conflict.nothing')),
    h('h3', {}, t('editor.conflict.yours')),
    yours.length ? changeList(yours, { headingLevel: 'h4', highlight: both }) : h('p', { class: 'muted' }, t('editor.conflict.nothing')),
    problem,
    h('div', { class: 'actions' }, keep, drop)));
  const load = async (withMine) => {
    let fresh;
    try {
      fresh = await newest();
    } catch (error) {
      if (!isAbort(error)) setLive(problem, notice('error', requestMessage(error)));
      return;
    }
    take(fresh, { withMine, yours });
  };
  keep.addEventListener('click', () => load(true));
  drop.addEventListener('click', () => load(false));
  title.focus();
  title.scrollIntoView({ block: 'start' });
}
