// A list whose rows come page by page from a Page<T> route ({items, nextCursor}): the first page
// (again for each new search or filter), then "Show more" (newer rows after the last one) or,
// with `older: true`, "Load older" (rows before the first one, as a conversation needs).
//
// - A new first page cancels whatever is still loading (its answer is dropped even if the
//   server sends it): a "show more" answer of an earlier search never lands in the new list, and
//   the list is never left aria-busy.
// - After "show more", the focus goes to the first new row (for older rows: the last new row,
//   next to where the reader was); with no new row and no button left, to `heading`.
// - Everything stops when the page changes (ctx.signal).
//
// pageList() is a page's own list of that kind (/tasks, /meetings, /notifications, /spaces): the
// list, its "nothing here" text and its "Show more" button; reloadOnEvents() loads its first page
// again after realtime events.
import { get } from '../api.js';
import { h, setLive } from '../dom.js';
import { t } from '../i18n.js';
import * as realtime from '../realtime.js';
import { showRequestError, isAbort } from './errors.js';
import { focusElement } from './rows.js';

const CONTROL = 'a[href], button, input, select, textarea';

/**
 * pagedList({signal, list, more, problem, heading, url(cursor), row(item), onPage(answer, {first, rows}),
 *            onError(error) → true when the page handled it itself})
 * → {load(), loadMore(), cursor()}. `list` holds the rows (a <ul> or a <tbody>); `more` is the
 * button (hidden while there is nothing more); `heading` is an element or a function that gives
 * it. load() and loadMore() resolve to the answer, or null when the request failed (shown in
 * `problem`), was cancelled or was overtaken.
 */
export function pagedList({ signal, list, more, problem, heading = null, url, row, onPage = () => {}, onError = () => false, older = false }) {
  let cursor = null;
  let generation = 0;
  let controller = null;
  let loadingMore = false;
  if (signal) signal.addEventListener('abort', () => controller && controller.abort(), { once: true });

  /** A new request: the one still running (if any) is cancelled. */
  function start() {
    if (controller) controller.abort();
    controller = new AbortController();
    if (signal && signal.aborted) controller.abort();
    return controller.signal;
  }

  async function fetchPage(address, requestSignal) {
    try {
      return await get(address, { signal: requestSignal });
    } catch (error) {
      if (!isAbort(error) && !requestSignal.aborted && !onError(error) && problem) showRequestError(problem, error);
      return null;
    }
  }

  async function load() {
    const mine = ++generation;
    const requestSignal = start();
    loadingMore = false;
    more.removeAttribute('aria-disabled');
    list.setAttribute('aria-busy', 'true');
    if (problem) setLive(problem, '');
    const answer = await fetchPage(url(null), requestSignal);
    if (mine !== generation) return null; // a newer load owns the list (and its busy state)
    list.removeAttribute('aria-busy');
    if (!answer || requestSignal.aborted) return null;
    const rows = (answer.items || []).map(row);
    list.replaceChildren(...rows);
    cursor = answer.nextCursor || null;
    more.hidden = !cursor;
    onPage(answer, { first: true, rows });
    return answer;
  }

  async function loadMore() {
    if (!cursor || loadingMore || list.getAttribute('aria-busy') === 'true') return null;
    const mine = generation;
    const requestSignal = start();
    loadingMore = true;
    more.setAttribute('aria-disabled', 'true');
    const hadFocus = document.activeElement === more;
    const answer = await fetchPage(url(cursor), requestSignal);
    if (mine !== generation) return null; // a new first page started meanwhile: this answer is stale
    loadingMore = false;
    more.removeAttribute('aria-disabled');
    if (!answer || requestSignal.aborted) return null;
    const rows = (answer.items || []).map(row);
    if (older) list.prepend(...rows);
    else list.append(...rows);
    cursor = answer.nextCursor || null;
    more.hidden = !cursor;
    onPage(answer, { first: false, rows });
    const lost = hadFocus || document.activeElement === more || document.activeElement === document.body;
    if (lost || more.hidden) {
      const target = older ? rows[rows.length - 1] : rows[0];
      if (target) focusElement(target.querySelector(CONTROL) || target);
      else if (more.hidden) focusElement(typeof heading === 'function' ? heading() : heading);
    }
    return answer;
  }

  more.addEventListener('click', () => {
    if (more.getAttribute('aria-disabled') !== 'true') loadMore();
  }, { signal });

  return { load, loadMore, cursor: () => cursor };
}

/**
 * pageList({ctx, root, before, className, label, emptyText, problem, url(cursor), row(item),
 *           onPage(answer, {first, rows}), markLoaded})
 * A page's own paged list: appends `before` (the page's status and problem regions …), the list
 * (a <ul> with `className` and the label `label`), `emptyText` (shown while the list has no rows)
 * and the "Show more" button to `root`; the page's <h1> takes the focus when nothing else can.
 * After each page the empty text follows the rows and, with `markLoaded` (the default), the list
 * says data-loaded="true" (the browser tests wait for it); then onPage runs.
 * → {list, empty, more, pages} (pages: pagedList's {load, loadMore, cursor}).
 */
export function pageList({ ctx, root, before = [], className, label, emptyText, problem, url, row, onPage = () => {}, markLoaded = true }) {
  const list = h('ul', { class: className, 'aria-label': label });
  const empty = h('p', { class: 'muted', hidden: true }, emptyText);
  const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true }, t('action.showMore'));
  root.append(...before, list, empty, h('div', { class: 'actions' }, more));
  const pages = pagedList({
    signal: ctx.signal,
    list,
    more,
    problem,
    heading: () => root.querySelector('h1'),
    url,
    row,
    onPage: (answer, info) => {
      empty.hidden = list.children.length > 0;
      if (markLoaded) list.dataset.loaded = 'true';
      onPage(answer, info);
    },
  });
  return { list, empty, more, pages };
}

/**
 * reloadOnEvents({ctx, kinds, delay, list, busy(), load()})
 * Realtime events of any space (of `kinds` only, when given) call load() quietly, once a burst:
 * `delay` ms after the last one, while the page is still shown and the reader is not working in
 * the list (the focus is not in `list`, and busy() is not true). Stops when the page changes.
 */
export function reloadOnEvents({ ctx, kinds = null, delay = 1000, list = null, busy = () => false, load }) {
  let timer = null;
  realtime.subscribe(null, (frame) => {
    if (frame.type !== 'event' || (kinds && !kinds.includes(frame.kind))) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (ctx.isCurrent() && !(list && list.contains(document.activeElement)) && !busy()) load();
    }, delay);
  }, { signal: ctx.signal });
  ctx.signal.addEventListener('abort', () => window.clearTimeout(timer), { once: true });
}
