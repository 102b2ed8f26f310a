// The approvers' review queue (/editor/review): the services whose edits wait for approval in the
// caller's approver organisations (every organisation for a platform admin), the longest waiting
// first. A row leads to the service's page, which shows the changes with Approve and Reject.
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get } from '../api.js';
import { isCatalogueEditor } from '../session.js';
import { formatDateTime } from '../format.js';
import { alertRegion } from '../ui/live.js';
import { isAbort } from '../ui/errors.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { editorHref, serviceName, statusBadge, organizationName } from '../editor/common.js';
import { startRightPage, showLoadError } from '../editor/page.js';

/** Whole days since an instant (0 today). */
function daysSince(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  return Number.isNaN(ms) ? 0 : Math.max(0, Math.floor(ms / 86400000));
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-queue');
    const user = ctx.user;
    // approvers: the organisations in which the server says the user decides (the taxonomy loads with the queue)
    const page = await startRightPage(root, ctx, { right: 'decide', title: t('editor.queue.title'), editor: isCatalogueEditor, taxonomy: false });
    if (!page) return;
    root.appendChild(h('p', { class: 'lead' }, t('editor.queue.intro')));
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const listId = uid('queue');
    const list = h('ul', { class: 'item-list editor-queue-list', 'aria-labelledby': listId, 'aria-busy': 'true' });
    root.append(h('h2', { id: listId, class: 'visually-hidden' }, t('editor.queue.listTitle')), count, problem, list);

    let items;
    try {
      [, { items }] = await Promise.all([loadTaxonomy(), get('/api/v1/catalogue/editor/review-queue', { signal: ctx.signal })]);
    } catch (error) {
      if (isAbort(error) || !ctx.isCurrent()) return;
      showLoadError(root, ctx, error, { busy: list, problem });
      return;
    }
    if (!ctx.isCurrent()) return;
    list.removeAttribute('aria-busy');
    list.replaceChildren(...items.map((item) => {
      const name = serviceName(item.name);
      const submitted = item.submittedAt || item.updatedAt;
      return h('li', { class: 'editor-queue-item', dataset: { serviceId: item.id } },
        h('h3', {}, h('a', { href: editorHref(item.id), lang: name.lang }, name.text)),
        h('p', { class: 'muted' }, organizationName(user, item.organizationId)),
        h('p', { class: 'editor-badges' }, statusBadge(item.status),
          item.status !== 'review' ? [' ', h('span', { class: 'badge badge--info' }, t('editor.queue.changeOfPublished'))] : null),
        h('p', {}, t('editor.queue.submitted'), ' ', h('time', { datetime: submitted }, formatDateTime(submitted)),
          ` (${plural('editor.queue.waitingDays', daysSince(submitted))})`),
        h('p', { class: 'small' }, t('editor.queue.version', { version: item.version })));
    }));
    list.hidden = items.length === 0;
    setLive(count, items.length ? plural('editor.queue.count', items.length) : t('editor.queue.empty'));
    root.dataset.loaded = 'true';
  },
};
