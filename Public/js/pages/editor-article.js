// An article in the catalogue editor: /editor/articles/:articleId (the newest version) and
// /editor/articles/new (a new article of one of the user's organisations, or the region's own for
// a platform admin).
// - Where it stands: status (draft / published / unpublished, "a change not yet published"),
//   versions, and Publish / Unpublish for those the server lists them for in `actions`.
// - The form: the organisation (a new article), who reads it (public, or internal only where the
//   user has `writeInternal`), the municipalities, and the title and Markdown body in fi / sv / en
//   tabs (editor/tabs.js). "Esikatsele" renders the body as readers will see it (the server's
//   preview, sanitised, inserted through the article page's allow-list); never on each keystroke.
// - Saved with `baseVersion`: field errors next to their fields and in a summary at the top; a
//   version conflict shows both sides and loads the newest version with or without the editor's
//   own changes.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText } from '../i18n.js';
import { get, post, put, ApiError } from '../api.js';
import { isCatalogueEditor } from '../session.js';
import { formatDateTime } from '../format.js';
import { confirmDialog } from '../dialog.js';
import {
  field, checkboxGroup, radioGroup, checkedValues, radioValue, setFieldError, busy, clearErrors as clearFieldErrors,
} from '../forms.js';
import { notice } from './common.js';
import { heading, noAccess } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { loadTaxonomy, taxonomy } from '../catalogue/taxonomy.js';
import { editorOrganizations, withRight, hasRight } from '../editor/rights.js';
import { languageTabs } from '../editor/tabs.js';
import {
  TEXT_LANGUAGES, articleApi, articleEditorHref, articleHistoryHref, articleBadges, serviceName,
  fieldLabel, errorMessage, controlName, applyChanges, organizationName,
} from '../editor/common.js';
import { backLink, placeFlash, openFailed, showConflict as conflictView } from '../editor/page.js';
import { articleBody } from './catalogue-article.js';

const AUDIENCES = ['public', 'internal'];
const REGION = ''; // the select's value of the region's own article (organizationId null)

function emptyArticle() {
  return { title: { fi: '' }, body: { fi: '' }, audience: 'public', municipalityCodes: [] };
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-article');
    const isNew = !ctx.params.articleId;
    const id = ctx.params.articleId;
    if (!isCatalogueEditor(ctx.user)) {
      heading(root, ctx, t(isNew ? 'editor.article.newTitle' : 'editor.article.title'));
      noAccess(root, ctx);
      return;
    }
    let article = null;
    let rights = [];
    try {
      [, article, rights] = await Promise.all([
        loadTaxonomy(),
        isNew ? null : get(articleApi(id), { signal: ctx.signal }),
        editorOrganizations({ signal: ctx.signal }),
      ]);
    } catch (error) {
      if (isAbort(error) || !ctx.isCurrent()) return;
      openFailed(root, ctx, error, {
        title: t('editor.article.title'), notFound: 'editor.article.notFound', back: { href: '/editor/articles', text: t('editor.articles.back') },
      });
      return;
    }
    if (!ctx.isCurrent()) return;

    const admin = Boolean(ctx.user.isPlatformAdmin);
    // the organisations a new article may belong to: where the user edits (and the region for an admin)
    const organizations = withRight(rights, 'edit').map((o) => ({ id: o.id, name: o.label }));
    if (admin) organizations.push({ id: REGION, name: t('editor.articles.region') });
    if (isNew && !organizations.length) {
      heading(root, ctx, t('editor.article.newTitle'));
      noAccess(root, ctx);
      return;
    }
    const writesInternal = (orgId) => admin || (orgId !== REGION && hasRight(rights, orgId, 'writeInternal'));
    const orgLabel = (orgId) => (orgId ? organizationName(ctx.user, orgId) : t('editor.articles.region'));

    let form = null;
    let parts = null; // the form's pieces: tabs, summary, controls
    let baseline = '';
    let orgId = isNew ? (organizations.find((o) => o.id === ctx.query.get('organization')) || organizations[0]).id : (article.organizationId || REGION);
    let acting = false;
    let h1 = null;

    const statusPart = h('div', { class: 'editor-status-part' });
    const conflictPart = h('div', { class: 'editor-conflict-part' });
    const formHost = h('div', { class: 'editor-form-host' });
    const actionStatus = statusRegion();
    const actionProblem = alertRegion();
    const saveStatus = statusRegion();
    const saveProblem = alertRegion();
    const unsaved = h('p', { class: 'editor-unsaved', hidden: true }, h('span', { class: 'badge badge--warn' }, t('editor.unsaved')));

    const dirty = () => Boolean(form) && JSON.stringify(collect()) !== baseline;
    const markDirty = () => {
      unsaved.hidden = !dirty();
    };
    window.addEventListener('beforeunload', (event) => {
      if (!dirty()) return;
      event.preventDefault();
      event.returnValue = '';
    }, { signal: ctx.signal });

    // ---- status and publishing ----
    function statusCard(a) {
      const titleId = uid('status');
      const rows = [
        [t('editor.meta.organization'), orgLabel(a.organizationId)],
        [t('editor.field.audience'), t(`editor.audience.${a.content.audience}`)],
        [t('editor.meta.version'), String(a.version)],
        [t('editor.meta.publishedVersion'), a.publishedVersion ? String(a.publishedVersion) : t('editor.meta.notPublished')],
        [t('editor.meta.updated'), h('time', { datetime: a.updatedAt }, formatDateTime(a.updatedAt))],
      ];
      const links = [h('a', { href: articleHistoryHref(a.id) }, t('editor.history.link'))];
      if (a.status === 'published') links.push(h('a', { href: `/catalogue/articles/${encodeURIComponent(a.id)}` }, t('editor.viewInCatalogue')));
      const buttons = [];
      if (a.actions.includes('publish')) {
        const b = h('button', { type: 'button', class: 'btn btn--primary', dataset: { action: 'publish' } },
          t(a.publishedVersion ? 'editor.article.publishVersion' : 'editor.article.publish', { version: a.version }));
        b.addEventListener('click', () => runAction('publish', b));
        buttons.push(b);
      }
      if (a.actions.includes('unpublish')) {
        const b = h('button', { type: 'button', class: 'btn btn--danger-outline', dataset: { action: 'unpublish' } }, t('editor.article.unpublish'));
        b.addEventListener('click', () => runAction('unpublish', b));
        buttons.push(b);
      }
      return h('section', { class: 'card editor-status', 'aria-labelledby': titleId },
        h('h2', { id: titleId }, t('editor.statusTitle')),
        h('p', {}, articleBadges(a)),
        h('dl', { class: 'meta' }, rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)])),
        h('ul', { class: 'editor-links' }, links.map((l) => h('li', {}, l))),
        buttons.length ? h('div', { class: 'actions' }, buttons) : null);
    }

    async function runAction(action, button) {
      if (acting) return;
      setLive(actionProblem, '');
      setLive(actionStatus, '');
      if (action === 'unpublish') {
        const ok = await confirmDialog({
          parent: root, title: t('editor.article.unpublishTitle'), text: t('editor.article.unpublishText'),
          confirmLabel: t('editor.article.unpublish'), danger: true, signal: ctx.signal,
        });
        if (!ok) return;
      }
      if (action === 'publish' && dirty()) {
        setLive(actionProblem, notice('error', t('editor.article.saveFirst')));
        return;
      }
      acting = true;
      button.setAttribute('aria-disabled', 'true');
      try {
        const answer = await post(`${articleApi(article.id)}/${action}`, action === 'publish' ? { version: article.version } : {}, { signal: ctx.signal });
        acting = false;
        show(answer, { flash: notice('success', t(`editor.article.done.${action}`, { version: answer.publishedVersion || answer.version })) });
      } catch (error) {
        acting = false;
        button.removeAttribute('aria-disabled');
        if (isAbort(error)) return;
        setLive(actionProblem, notice('error', requestMessage(error)));
      }
    }

    // ---- the form ----
    function textControl({ name, label, lang, rows = 'line', value = '', hint }) {
      const cid = uid('f');
      const hintId = hint ? `${cid}-hint` : null;
      const control = rows === 'line'
        ? h('input', { id: cid, name, type: 'text', value, lang, autocomplete: 'off', 'aria-describedby': hintId })
        : h('textarea', { id: cid, name, rows: String(rows), lang, 'aria-describedby': hintId });
      if (rows !== 'line') control.value = value;
      return h('div', { class: 'field', dataset: { field: name } },
        h('label', { for: cid }, label, h('span', { class: 'visually-hidden' }, ` (${t(`editor.inLanguage.${lang}`)})`)),
        hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
        h('span', { class: 'field-error', id: `${cid}-error` }),
        control);
    }

    function previewPart(lang, html) {
      const titleId = uid('preview');
      const body = h('div', { class: 'article-body article-preview__body', lang });
      const status = statusRegion({ hidden: true });
      const problem = alertRegion();
      const button = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'preview', lang } }, t('editor.article.preview'));
      const stale = h('p', { class: 'hint article-preview__stale', hidden: true }, t('editor.article.previewStale'));
      const empty = h('p', { class: 'muted' }, t('editor.article.previewEmpty'));
      const fill = (value) => {
        body.replaceChildren(articleBody(value));
        empty.hidden = Boolean((value || '').trim());
      };
      fill(html || '');
      let controller = null;
      button.addEventListener('click', async () => {
        if (controller) controller.abort();
        controller = new AbortController();
        const signal = controller.signal;
        ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
        setLive(problem, '');
        body.setAttribute('aria-busy', 'true');
        try {
          const answer = await post(`${articleApi()}/preview`, { markdown: form.querySelector(`[name="body.${lang}"]`).value }, { signal });
          fill(answer.html);
          stale.hidden = true;
          setLive(status, t('editor.article.previewUpdated'));
        } catch (error) {
          if (isAbort(error) || signal.aborted) return;
          setLive(problem, notice('error', requestMessage(error)));
        } finally {
          if (!signal.aborted) body.removeAttribute('aria-busy');
        }
      });
      const section = h('section', { class: 'article-preview', 'aria-labelledby': titleId, dataset: { lang } },
        h('h3', { id: titleId }, t('editor.article.previewTitle')),
        h('div', { class: 'actions' }, button), stale, status, problem, empty, body);
      section.markStale = () => {
        stale.hidden = false;
      };
      return section;
    }

    function buildForm(a, content) {
      const readOnly = Boolean(a) && !a.actions.includes('save');
      const tax = taxonomy() || { municipalities: [] };
      const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
      const el = h('form', { class: 'editor-form article-form', novalidate: true });
      const before = [];
      if (isNew && organizations.length > 1) {
        const orgField = field({
          name: 'organizationId', type: 'select', label: t('editor.new.organization'), hint: t('editor.article.organizationHint'), value: orgId,
          options: organizations.map((o) => ({ value: o.id, label: o.name })),
        });
        orgField.control.addEventListener('change', () => {
          orgId = orgField.control.value;
          const kept = collect();
          if (!writesInternal(orgId)) kept.audience = 'public';
          buildForm(null, kept);
          form.querySelector('[name="organizationId"]').focus();
        });
        before.push(h('section', { class: 'section editor-section' }, orgField));
      } else if (isNew) {
        before.push(h('p', { class: 'editor-org' }, h('strong', {}, `${t('editor.new.organization')}: `), orgLabel(orgId)));
      }
      const internalAllowed = writesInternal(orgId) || content.audience === 'internal';
      const audience = radioGroup({
        name: 'audience', legend: t('editor.field.audience'),
        hint: internalAllowed ? null : t('editor.article.publicOnly'),
        options: AUDIENCES.filter((x) => x === 'public' || internalAllowed).map((x) => ({ value: x, label: t(`editor.audience.${x}`), hint: t(`editor.audience.${x}.hint`) })),
        value: content.audience || 'public',
      });
      const municipalities = checkboxGroup({
        name: 'municipalityCodes', legend: t('editor.field.municipalityCodes'), hint: t('editor.article.municipalitiesHint'),
        options: (tax.municipalities || []).map((m) => ({ value: m.code, label: localText(m.name) })),
        values: content.municipalityCodes || [],
      });
      const previews = {};
      const tabs = languageTabs({
        label: t('editor.texts.tabs'),
        panels: Object.fromEntries(TEXT_LANGUAGES.map((l) => {
          previews[l] = previewPart(l, a && JSON.stringify(content) === JSON.stringify(a.content) ? (a.preview || {})[l] : null);
          return [l, [
            h('p', { class: 'hint' }, l === 'fi' ? t('editor.article.fiHint') : t('editor.article.otherHint', { language: t(`editor.inLanguage.${l}`) })),
            textControl({ name: `title.${l}`, label: t('editor.field.title'), lang: l, value: (content.title || {})[l] || '', hint: t('editor.hint.limit', { max: 200 }) }),
            textControl({ name: `body.${l}`, label: t('editor.field.body'), lang: l, rows: 12, value: (content.body || {})[l] || '', hint: t('editor.article.markdownHint') }),
            previews[l],
          ]];
        })),
      });
      const sectionOf = (key, ...children) => {
        const sid = uid('section');
        return h('section', { class: 'section editor-section', 'aria-labelledby': sid }, h('h2', { id: sid }, t(key)), ...children);
      };
      el.append(summary, ...before,
        sectionOf('editor.article.textsTitle', tabs.element),
        sectionOf('editor.article.readersTitle', audience, municipalities));
      if (readOnly) {
        for (const c of el.querySelectorAll('input, textarea')) {
          if (c.type === 'checkbox' || c.type === 'radio') c.disabled = true;
          else c.readOnly = true;
        }
      } else {
        el.append(h('div', { class: 'editor-save' }, saveProblem, saveStatus, unsaved,
          h('div', { class: 'actions actions--stack-sm' },
            h('button', { type: 'submit', class: 'btn btn--primary' }, t(isNew ? 'editor.article.create' : 'editor.action.save')))));
      }
      el.addEventListener('input', (event) => {
        const name = event.target.name || '';
        if (name.startsWith('body.')) previews[name.slice(5)].markStale();
        markDirty();
      });
      el.addEventListener('change', markDirty);
      el.addEventListener('submit', (event) => {
        event.preventDefault();
        save();
      });
      form = el;
      parts = { summary, tabs };
      formHost.replaceChildren(el);
    }

    function collect() {
      const text = (base) => {
        const out = { fi: form.querySelector(`[name="${base}.fi"]`).value };
        for (const l of ['sv', 'en']) {
          const v = form.querySelector(`[name="${base}.${l}"]`).value;
          if (v.trim()) out[l] = v;
        }
        return out;
      };
      return {
        title: text('title'),
        body: text('body'),
        audience: radioValue(form, 'audience') || 'public',
        municipalityCodes: checkedValues(form, 'municipalityCodes'),
      };
    }

    function setForm(a, content = null) {
      buildForm(a, a ? a.content : emptyArticle());
      baseline = JSON.stringify(collect());
      if (content) buildForm(a, content);
      markDirty();
    }

    // ---- errors ----
    function clearAll() {
      clearFieldErrors(form);
      parts.tabs.showErrors();
      parts.summary.replaceChildren();
      parts.summary.hidden = true;
    }

    function reveal(node) {
      const panel = node.closest('[role="tabpanel"]');
      if (panel && panel.tabs) panel.tabs.select(panel.dataset.lang);
      node.focus();
      if (node.scrollIntoView) node.scrollIntoView({ block: 'center' });
    }

    function showErrors(errors) {
      clearAll();
      const items = [];
      for (const e of errors) {
        const name = controlName(e.field);
        const message = errorMessage(e.field, e.code);
        const shown = setFieldError(form, name, message);
        const container = shown ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
        items.push({ text: `${fieldLabel(e.field)}: ${message}`, target: container && container.querySelector('input, textarea, select') });
      }
      parts.tabs.showErrors();
      const titleId = uid('summary-title');
      parts.summary.setAttribute('aria-labelledby', titleId);
      parts.summary.replaceChildren(
        h('h2', { id: titleId }, plural('editor.errors.title', items.length)),
        h('ul', {}, items.map((item) => {
          if (!item.target) return h('li', {}, item.text);
          const link = h('a', { href: `#${item.target.id}` }, item.text);
          link.addEventListener('click', (event) => {
            event.preventDefault();
            reveal(item.target);
          });
          return h('li', {}, link);
        })));
      parts.summary.hidden = false;
      parts.summary.focus();
    }

    // ---- saving ----
    async function save() {
      setLive(saveStatus, '');
      setLive(saveProblem, '');
      conflictPart.replaceChildren();
      const content = collect();
      const end = busy(form);
      if (!end) return;
      let answer;
      try {
        answer = isNew
          ? await post(articleApi(), { organizationId: orgId === REGION ? null : orgId, article: content }, { signal: ctx.signal })
          : await put(articleApi(article.id), { baseVersion: article.version, article: content }, { signal: ctx.signal });
      } catch (error) {
        end();
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 422 && error.errors.length) {
          showErrors(error.errors);
          return;
        }
        if (error instanceof ApiError && error.code === 'catalogue.versionConflict' && error.details) {
          showConflict(error.details);
          return;
        }
        setLive(saveProblem, notice('error', requestMessage(error)));
        return;
      }
      end();
      clearAll();
      baseline = JSON.stringify(collect());
      if (isNew) {
        ctx.setFlash('success', 'editor.article.created');
        ctx.navigate(articleEditorHref(answer.id));
        return;
      }
      const before = article.version;
      show(answer, {
        flash: notice('success', answer.version === before ? t('editor.savedNothing') : t('editor.article.saved', { version: answer.version })),
      });
    }

    function showConflict(details) {
      conflictView(conflictPart, details, {
        newest: () => get(articleApi(article.id), { signal: ctx.signal }),
        take: (fresh, { withMine, yours }) => show(fresh, {
          content: withMine ? applyChanges(fresh.content, yours) : null,
          flash: notice(withMine ? 'info' : 'error', t(withMine ? 'editor.conflict.applied' : 'editor.conflict.notApplied', { version: fresh.version })),
        }),
      });
    }

    // ---- the page ----
    function show(a, { content = null, flash = null } = {}) {
      article = a;
      root.replaceChildren();
      backLink(root, '/editor/articles', t('editor.articles.back'));
      if (isNew) {
        h1 = heading(root, ctx, t('editor.article.newTitle'));
        root.appendChild(h('p', { class: 'lead' }, t('editor.article.newIntro')));
      } else {
        const name = serviceName(a.content.title);
        h1 = heading(root, ctx, name.text, { title: t('editor.article.pageTitle', { name: name.text }) });
        if (name.lang) h1.lang = name.lang;
      }
      placeFlash(root, flash);
      if (!isNew) {
        statusPart.replaceChildren(statusCard(a));
        if (!a.actions.includes('save')) statusPart.appendChild(notice('info', t('editor.article.readOnly')));
        root.append(statusPart, actionStatus, actionProblem);
      }
      conflictPart.replaceChildren();
      root.append(conflictPart, formHost);
      setForm(a, content);
      if (flash) flash.focus();
      root.dataset.version = a ? String(a.version) : '';
      root.dataset.status = a ? a.status : '';
      root.dataset.loaded = 'true';
    }

    show(article);
  },
};
