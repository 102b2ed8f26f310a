// A service's version history (/editor/services/:serviceId/history), and an article's
// (/editor/articles/:articleId/history): the differences between any two versions (?from=&to=,
// word by word), every saved version with who, when and how it came to be (its content opens on
// demand; "Restore this version" saves it as the next version, a draft), and what happened to the
// service (submitted, approved, rejected with the comment …; articles have no such events).
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get, post, ApiError } from '../api.js';
import { isCatalogueEditor } from '../session.js';
import { formatDateTime } from '../format.js';
import { confirmDialog } from '../dialog.js';
import { field } from '../forms.js';
import { notice, section } from './common.js';
import { heading, noAccess } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import {
  editorApi, editorHref, articleApi, articleEditorHref, serviceName, changeList, diffLegend, contentFields,
} from '../editor/common.js';
import { openFailed } from '../editor/page.js';

const ORIGINS = ['catalogue', 'created', 'edited', 'restored'];
const EVENTS = ['created', 'saved', 'submitted', 'approved', 'rejected', 'hidden', 'unhidden', 'archived', 'unarchived', 'reviewed', 'versionRestored'];

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-history');
    const isArticle = Boolean(ctx.params.articleId);
    const id = isArticle ? ctx.params.articleId : ctx.params.serviceId;
    // the same page for both: the address of the item's API and of its editor
    const itemApi = (x) => (isArticle ? articleApi(x) : editorApi(x));
    const itemHref = (x) => (isArticle ? articleEditorHref(x) : editorHref(x));
    const listHref = isArticle ? '/editor/articles' : '/editor';
    const listText = t(isArticle ? 'editor.articles.back' : 'editor.backToList');
    if (!isCatalogueEditor(ctx.user)) {
      heading(root, ctx, t('editor.history.title'));
      noAccess(root, ctx);
      return;
    }
    let service;
    let history;
    try {
      [, service, history] = await Promise.all([
        loadTaxonomy(),
        get(itemApi(id), { signal: ctx.signal }),
        get(`${itemApi(id)}/history`, { signal: ctx.signal }),
      ]);
    } catch (error) {
      if (isAbort(error) || !ctx.isCurrent()) return;
      openFailed(root, ctx, error, {
        title: t('editor.history.title'), notFound: isArticle ? 'editor.article.notFound' : 'editor.notFound', back: { href: listHref, text: listText },
      });
      return;
    }
    if (!ctx.isCurrent()) return;

    const name = serviceName(isArticle ? service.content.title : service.content.name);
    root.appendChild(h('p', { class: 'back-link' }, h('a', { href: itemHref(id) }, t(isArticle ? 'editor.history.backArticle' : 'editor.history.back'))));
    heading(root, ctx, t('editor.history.title'), { title: t('editor.history.pageTitle', { name: name.text }) });
    root.appendChild(h('p', { class: 'lead', lang: name.lang }, name.text));
    const status = statusRegion();
    const problem = alertRegion();
    root.append(status, problem);

    const versions = history.versions || [];
    const newest = versions.length ? versions[0].number : service.version;
    const numbers = versions.map((v) => v.number);
    const canRestore = service.actions.includes('restoreVersion');
    const versionLabel = (v) => {
      const marks = [];
      if (v.number === newest) marks.push(t('editor.history.newest'));
      if (v.published) marks.push(t('editor.history.published'));
      return `${t('editor.history.version', { version: v.number })}${marks.length ? ` (${marks.join(', ')})` : ''}`;
    };

    // ---- compare two versions ----
    const pick = (key, fallback) => {
      const n = Number(ctx.query.get(key));
      return numbers.includes(n) ? n : fallback;
    };
    let from = pick('from', versions.length > 1 ? versions[1].number : newest);
    let to = pick('to', newest);
    const compareTitleId = uid('compare');
    const fromField = field({
      name: 'from', type: 'select', label: t('editor.history.from'), value: String(from),
      options: versions.map((v) => ({ value: String(v.number), label: versionLabel(v) })),
    });
    const toField = field({
      name: 'to', type: 'select', label: t('editor.history.to'), value: String(to),
      options: versions.map((v) => ({ value: String(v.number), label: versionLabel(v) })),
    });
    const compareForm = h('form', { class: 'event-filter editor-compare', novalidate: true, 'aria-labelledby': compareTitleId },
      h('div', { class: 'event-filter__fields' }, fromField, toField),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary' }, t('editor.history.compare'))));
    const resultTitle = h('h3', { tabindex: '-1' });
    const result = h('div', { class: 'editor-compare-result' });
    const compareSection = h('section', { class: 'section', 'aria-labelledby': compareTitleId },
      h('h2', { id: compareTitleId }, t('editor.history.compareTitle')),
      versions.length > 1 ? [compareForm, resultTitle, result] : h('p', { class: 'muted' }, t('editor.history.onlyOne')));
    root.appendChild(compareSection);

    let compareController = null;
    async function compare({ focus = false } = {}) {
      if (versions.length < 2) return;
      if (compareController) compareController.abort();
      compareController = new AbortController();
      const signal = compareController.signal;
      ctx.signal.addEventListener('abort', () => compareController.abort(), { once: true });
      resultTitle.textContent = t('editor.history.between', { from, to });
      result.setAttribute('aria-busy', 'true');
      delete compareSection.dataset.loaded;
      let diff;
      try {
        diff = await get(`${itemApi(id)}/diff?from=${from}&to=${to}`, { signal });
      } catch (error) {
        if (isAbort(error) || signal.aborted) return;
        result.removeAttribute('aria-busy');
        result.replaceChildren(notice('error', requestMessage(error)));
        return;
      }
      result.removeAttribute('aria-busy');
      result.replaceChildren(
        h('p', {}, from === to ? t('editor.history.same') : plural('editor.history.changes', diff.changes.length)),
        diff.changes.length ? diffLegend() : null,
        diff.changes.length ? changeList(diff.changes, { headingLevel: 'h4', label: resultTitle.textContent }) : null,
      );
      compareSection.dataset.loaded = `${from}-${to}`;
      if (focus) resultTitle.focus();
    }
    compareForm.addEventListener('submit', (event) => {
      event.preventDefault();
      from = Number(fromField.control.value);
      to = Number(toField.control.value);
      ctx.setQuery(new URLSearchParams({ from: String(from), to: String(to) }));
      compare({ focus: true });
    });
    ctx.onQueryChange((params) => {
      const f = Number(params.get('from'));
      const tt = Number(params.get('to'));
      from = numbers.includes(f) ? f : from;
      to = numbers.includes(tt) ? tt : to;
      fromField.control.value = String(from);
      toField.control.value = String(to);
      compare();
    });

    // ---- versions ----
    function origin(v) {
      const kind = ORIGINS.includes(v.origin) ? v.origin : 'edited';
      return kind === 'restored' && v.restoredFrom ? t('editor.origin.restoredFrom', { version: v.restoredFrom }) : t(`editor.origin.${kind}`);
    }

    function versionItem(v) {
      const titleId = uid('version');
      const content = h('div', { class: 'editor-version-content' });
      const details = h('details', { class: 'editor-version-details' }, h('summary', {}, t('editor.history.showContent')), content);
      details.addEventListener('toggle', async () => {
        if (!details.open || content.dataset.loaded) return;
        content.dataset.loaded = 'loading';
        content.setAttribute('aria-busy', 'true');
        try {
          const answer = await get(`${itemApi(id)}/versions/${v.number}`, { signal: ctx.signal });
          content.replaceChildren(changeList(contentFields(answer.content), { headingLevel: 'h4', onlyAfter: true }));
          content.dataset.loaded = 'true';
        } catch (error) {
          if (isAbort(error)) return;
          delete content.dataset.loaded;
          content.replaceChildren(notice('error', requestMessage(error)));
        }
        content.removeAttribute('aria-busy');
      }, { signal: ctx.signal });
      const buttons = [];
      if (v.number !== newest) {
        const diffButton = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': titleId }, t('editor.history.compareNewest'));
        diffButton.addEventListener('click', () => {
          from = v.number;
          to = newest;
          fromField.control.value = String(from);
          toField.control.value = String(to);
          ctx.setQuery(new URLSearchParams({ from: String(from), to: String(to) }));
          compare({ focus: true });
        });
        buttons.push(diffButton);
      }
      if (canRestore && v.number !== newest) {
        const restore = h('button', { type: 'button', class: 'btn btn--secondary', 'aria-describedby': titleId, dataset: { action: 'restore' } },
          t('editor.history.restore'));
        restore.addEventListener('click', () => restoreVersion(v));
        buttons.push(restore);
      }
      const by = v.savedBy ? t('editor.history.savedBy', { name: v.savedBy }) : t('editor.history.savedBySystem');
      return h('li', { class: 'editor-version', dataset: { version: String(v.number) } },
        h('h3', { id: titleId }, t('editor.history.version', { version: v.number })),
        h('p', { class: 'editor-badges' },
          v.number === newest ? h('span', { class: 'badge badge--info' }, t('editor.history.newest')) : null, ' ',
          v.published ? h('span', { class: 'badge badge--success' }, t('editor.history.published')) : null),
        h('p', {}, origin(v)),
        h('p', { class: 'muted' }, by, ', ', h('time', { datetime: v.savedAt }, formatDateTime(v.savedAt))),
        details,
        buttons.length ? h('div', { class: 'actions' }, buttons) : null);
    }

    root.appendChild(section(t('editor.history.versionsTitle'),
      h('ul', { class: 'item-list editor-versions' }, versions.map(versionItem))));

    async function restoreVersion(v) {
      const ok = await confirmDialog({
        parent: root,
        title: t('editor.restore.title', { version: v.number }),
        text: t('editor.restore.text', { version: v.number }),
        confirmLabel: t('editor.history.restore'),
      });
      if (!ok) return;
      setLive(problem, '');
      try {
        const answer = await post(`${itemApi(id)}/versions/${v.number}/restore`, { baseVersion: service.version }, { signal: ctx.signal });
        ctx.setFlash('success', 'editor.restored', { from: v.number, version: answer.version });
        ctx.navigate(itemHref(id));
      } catch (error) {
        if (isAbort(error)) return;
        const moved = error instanceof ApiError && error.code === 'catalogue.versionConflict';
        setLive(problem, notice('error', moved ? t('editor.restore.moved') : requestMessage(error)));
      }
    }

    // ---- events ----
    const events = history.events || [];
    if (history.events) root.appendChild(section(t('editor.history.eventsTitle'),
      events.length
        ? h('ul', { class: 'item-list editor-events' }, events.map((e) => h('li', { class: 'editor-event', dataset: { action: e.action } },
          h('p', { class: 'editor-event__head' },
            h('strong', {}, EVENTS.includes(e.action) ? t(`editor.event.${e.action}`) : e.action), ' ',
            h('span', { class: 'badge badge--muted' }, t('editor.history.version', { version: e.version }))),
          h('p', { class: 'muted' }, e.actor || t('editor.history.savedBySystem'), ', ', h('time', { datetime: e.at }, formatDateTime(e.at))),
          e.comment ? h('blockquote', { class: 'editor-event__comment' }, h('p', {}, e.comment)) : null)))
        : h('p', { class: 'muted' }, t('editor.history.noEvents'))));

    root.dataset.loaded = 'true';
    await compare();
  },
};
