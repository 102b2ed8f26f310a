// The user's unread review reminders of the catalogue (GET /catalogue/editor/notices), at the top
// of /editor: "2 palvelua odottaa tarkistusta", then each reminder with its service (a link), what
// it says in words (120 days without a review, 135 days, flagged outdated at 150) and "Merkitse
// luetuksi" (POST …/notices/{id}/read; the row goes, focus moves to the next one, a status
// region says so). The first three show, the rest behind "Näytä kaikki" (a platform admin is told
// of every organisation's outdated services). Marking the service reviewed answers its reminders
// too. The header's count (unread.js) follows.
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get, post, enc } from '../api.js';
import { formatDate, formatRecent, formatDateTime } from '../format.js';
import { notice } from '../pages/common.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { focusElement } from '../ui/rows.js';
import { setReviewNotices } from '../unread.js';
import { serviceName } from './common.js';

const NOTICES = '/api/v1/catalogue/editor/notices';
export const NOTICE_KINDS = ['review', 'reviewAgain', 'outdated'];
const BADGE = { review: 'info', reviewAgain: 'warn', outdated: 'outdated' };
const SHOWN = 3; // reminders shown before "Näytä kaikki"

/** The reminder's kind as a badge (a word, never colour alone). */
function kindBadge(kind) {
  return h('span', { class: `badge badge--${BADGE[kind] || 'info'}` }, t(`editor.notices.kindShort.${kind}`));
}

/**
 * The reminders' section, loaded (null when there is nothing unread). `serviceHref(id)`: where a
 * reminder's service opens.
 */
export async function reviewNotices(ctx, { serviceHref }) {
  let answer;
  try {
    answer = await get(NOTICES, { signal: ctx.signal });
  } catch (error) {
    if (isAbort(error) || !ctx.isCurrent()) return null;
    return notice('error', t('editor.notices.loadFailed'));
  }
  let unread = Number(answer.unread) || 0;
  setReviewNotices(unread);
  const items = (answer.items || []).filter((n) => !n.readAt && NOTICE_KINDS.includes(n.kind));
  if (!items.length) return null;

  const titleId = uid('notices');
  const title = h('h2', { id: titleId, tabindex: '-1' });
  const status = statusRegion();
  const problem = alertRegion();
  const list = h('ul', { class: 'item-list review-notice-list', 'aria-labelledby': titleId });
  const intro = h('p', {}, t('editor.notices.intro'));
  const more = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true, dataset: { action: 'show-all' } });
  const section = h('section', { class: 'review-notices', 'aria-labelledby': titleId, dataset: { unread: String(unread) } },
    title, intro, status, problem, list, h('div', { class: 'actions' }, more));
  let expanded = false;

  const showTitle = () => {
    const services = new Set([...list.children].map((li) => li.dataset.serviceId));
    title.textContent = services.size ? plural('editor.notices.title', services.size) : t('editor.notices.allRead');
    section.dataset.unread = String(unread);
  };
  /** The first SHOWN rows, or all of them once "Näytä kaikki" was chosen. */
  const layout = () => {
    [...list.children].forEach((li, i) => {
      li.hidden = !expanded && i >= SHOWN;
    });
    more.hidden = expanded || list.children.length <= SHOWN;
    more.textContent = t('editor.notices.showAll', { count: list.children.length });
  };
  more.addEventListener('click', () => {
    expanded = true;
    layout();
    focusElement(list.children[SHOWN] && list.children[SHOWN].querySelector('a'));
  }, { signal: ctx.signal });

  function row(n) {
    const nameId = uid('notice');
    const name = serviceName(n.serviceName);
    const mark = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': nameId, dataset: { action: 'mark-read' } },
      t('editor.notices.markRead'));
    const li = h('li', { class: 'review-notice', dataset: { noticeId: n.id, serviceId: n.serviceId, kind: n.kind } },
      h('p', { class: 'editor-badges' }, kindBadge(n.kind)),
      h('h3', { id: nameId }, h('a', { href: serviceHref(n.serviceId), lang: name.lang }, name.text)),
      h('p', {}, t(`editor.notices.kind.${n.kind}`)),
      h('p', { class: 'muted small' },
        t('editor.notices.reviewedAt', { date: formatDate(n.reviewedAt) }), ' · ',
        t('editor.notices.sent'), ' ', h('time', { datetime: n.createdAt, title: formatDateTime(n.createdAt) }, formatRecent(n.createdAt))),
      h('div', { class: 'actions' }, mark));
    mark.addEventListener('click', async () => {
      if (mark.getAttribute('aria-disabled') === 'true') return;
      mark.setAttribute('aria-disabled', 'true');
      setLive(problem, '');
      try {
        await post(`${NOTICES}/${enc(n.id)}/read`, {}, { signal: ctx.signal });
      } catch (error) {
        mark.removeAttribute('aria-disabled');
        if (isAbort(error)) return;
        setLive(problem, notice('error', requestMessage(error)));
        return;
      }
      unread = Math.max(0, unread - 1);
      setReviewNotices(unread);
      // the row goes; focus moves to the same button of the next row (else the previous, else the title)
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      layout();
      focusElement((next && next.querySelector('button[data-action="mark-read"]')) || title);
      showTitle();
      setLive(status, t('editor.notices.marked', { name: name.text }));
      if (!list.children.length) {
        list.remove();
        intro.remove();
        focusElement(title);
      }
    }, { signal: ctx.signal });
    return li;
  }

  list.replaceChildren(...items.map(row));
  layout();
  showTitle();
  return section;
}
