// A service in the catalogue editor: /editor/services/:serviceId (the newest version) and
// /editor/new (a new service of one of the user's organisations).
// - Where it stands: status, the open edit, versions, the last review, a rejection's comment, and
//   the workflow buttons the server lists in `actions` (hide, unhide, archive with a confirmation,
//   unarchive, mark reviewed).
// - When an edit waits for approval: its differences from the published version, word by word (a
//   service never published: all of its content), with Approve and Reject (a comment) for approvers.
// - The form (editor/form.js), saved with `baseVersion`: field errors next to their fields and in a
//   summary at the top; a version conflict shows both sides' changes and loads the newest version
//   with or without the editor's own changes (never silently without them). "Send for approval"
//   saves what is unsaved first.
// - Translation requests (`edit`): which fields need Swedish or English, chosen in a dialog by
//   their field names; the marks show on those fields in the sv / en tabs, and a saved new text
//   in that language resolves a request (the server's `translations`).
// - A new service: the organisations offered, and whether its internal instructions are written,
//   follow the user's rights there (edit, writeInternal; editor/rights.js).
import { h, uid, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { on } from '../store.js';
import { get, post, put, ApiError } from '../api.js';
import { isCatalogueEditor } from '../session.js';
import { formatDate, formatDateTime } from '../format.js';
import { confirmDialog, formDialog } from '../dialog.js';
import { field, busy, showFieldErrors, checkboxGroup, checkedValues } from '../forms.js';
import { notice } from './common.js';
import { textareaField } from '../spaces/common.js';
import { heading, noAccess, pageMessage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';
import { editorOrganizations, withRight } from '../editor/rights.js';
import { refreshReviewNotices } from '../unread.js';
import { serviceForm, emptyContent, emptyInternal } from '../editor/form.js';
import {
  editorApi, editorHref, historyHref, serviceName, statusBadge, editBadge, reviewAge, REVIEW_DUE_DAYS,
  changeList, diffLegend, contentFields, applyChanges, organizationName, fieldLabel,
} from '../editor/common.js';
import { backLink, placeFlash, openFailed, showConflict as conflictView } from '../editor/page.js';

const ACTION_PATHS = {
  submit: 'submit', approve: 'approve', reject: 'reject', hide: 'hide', unhide: 'unhide',
  archive: 'archive', unarchive: 'unarchive', markReviewed: 'mark-reviewed',
};
// The buttons of the status card, in this order (approve and reject are with the changes in review).
const STATUS_ACTIONS = ['markReviewed', 'hide', 'unhide', 'unarchive', 'archive'];

// What was typed but not saved when the page was left for a change of language: the page is
// rendered again at once and takes it back (the rows added too, which the router cannot restore).
let stash = null;
let languageChangedAt = 0;
on('language', () => {
  languageChangedAt = Date.now();
});

function takeStash(path, version) {
  const kept = stash;
  stash = null;
  if (!kept || kept.path !== path || kept.version !== version || Date.now() - languageChangedAt > 3000) return null;
  return kept.content;
}

/** The organisations a new service may belong to ([{id, name, writesInternal}]): where the server
 *  says the user edits, and whether they write the internal instructions there. */
function creatableOrganizations(organizations) {
  return withRight(organizations, 'edit').map((o) => ({ id: o.id, name: o.label, writesInternal: o.rights.includes('writeInternal') }));
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-service');
    const isNew = !ctx.params.serviceId;
    const id = ctx.params.serviceId;
    if (!isCatalogueEditor(ctx.user)) {
      heading(root, ctx, t(isNew ? 'editor.new.title' : 'editor.service.title'));
      noAccess(root, ctx);
      return;
    }

    let service = null;
    let tax;
    let rights = [];
    try {
      [tax, service, rights] = await Promise.all([
        loadTaxonomy(),
        isNew ? null : get(editorApi(id), { signal: ctx.signal }),
        isNew ? editorOrganizations({ signal: ctx.signal }) : [],
      ]);
    } catch (error) {
      if (isAbort(error) || !ctx.isCurrent()) return;
      openFailed(root, ctx, error, {
        title: t('editor.service.title'), notFound: 'editor.notFound', back: { href: '/editor', text: t('editor.backToList') },
      });
      return;
    }
    if (!ctx.isCurrent()) return;
    if (!tax) {
      pageMessage(root, ctx, {
        state: 'error', title: t('editor.service.title'), text: t('editor.taxonomyFailed'),
        links: [{ text: t('action.reload'), onClick: () => window.location.reload() }],
      });
      return;
    }

    // ---- the page's state ----
    let form = null; // the serviceForm
    let baseline = ''; // the content the form started from, as JSON: "unsaved changes" when different
    let newOrg = null; // a new service's organisation
    const organizations = isNew ? creatableOrganizations(rights) : [];
    if (isNew && !organizations.length) {
      heading(root, ctx, t('editor.new.title'));
      noAccess(root, ctx);
      return;
    }

    const dirty = () => Boolean(form) && JSON.stringify(form.collect()) !== baseline;
    const warnBeforeLeaving = (event) => {
      if (!dirty()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warnBeforeLeaving, { signal: ctx.signal });
    ctx.signal.addEventListener('abort', () => {
      if (form && dirty()) stash = { path: ctx.path, version: service ? service.version : 0, content: form.collect() };
    }, { once: true });

    // parts that are rebuilt as the service changes
    const statusPart = h('div', { class: 'editor-status-part' });
    const reviewPart = h('div', { class: 'editor-review-part' });
    const conflictPart = h('div', { class: 'editor-conflict-part' });
    const actionStatus = statusRegion();
    const actionProblem = alertRegion();
    const saveStatus = statusRegion();
    const saveProblem = alertRegion();
    const unsaved = h('p', { class: 'editor-unsaved', hidden: true }, h('span', { class: 'badge badge--warn' }, t('editor.unsaved')));
    let h1 = null;
    let acting = false;

    const markDirty = () => {
      unsaved.hidden = !dirty();
    };

    // ---- status and workflow ----
    function titleOf(s) {
      return serviceName(s ? s.content.name : null);
    }

    function statusCard(s) {
      const titleId = uid('status');
      const badges = h('p', { class: 'editor-badges' }, statusBadge(s.status), ' ', editBadge(s.edit, s.status),
        s.daysSinceReview >= REVIEW_DUE_DAYS ? [' ', h('span', { class: 'badge badge--warn' }, t('editor.reviewDue'))] : null);
      const rows = [
        [t('editor.meta.organization'), organizationName(ctx.user, s.organizationId)],
        [t('editor.meta.version'), String(s.version)],
        [t('editor.meta.publishedVersion'), s.publishedVersion ? String(s.publishedVersion) : t('editor.meta.notPublished')],
        [t('editor.meta.reviewed'), [h('time', { datetime: s.reviewedAt }, formatDate(s.reviewedAt)), ` (${reviewAge(s.daysSinceReview)})`]],
        [t('editor.meta.updated'), h('time', { datetime: s.updatedAt }, formatDateTime(s.updatedAt))],
      ];
      const links = [h('a', { href: historyHref(s.id) }, t('editor.history.link'))];
      if (s.status === 'published' || s.status === 'hidden') {
        links.push(h('a', { href: `/catalogue/services/${encodeURIComponent(s.id)}` }, t('editor.viewInCatalogue')));
      }
      const buttons = STATUS_ACTIONS.filter((a) => s.actions.includes(a)).map((a) => {
        const button = h('button', { type: 'button', class: `btn ${a === 'archive' ? 'btn--danger-outline' : 'btn--secondary'}`, dataset: { action: a } },
          t(`editor.action.${a}`));
        button.addEventListener('click', () => runAction(a, button));
        return button;
      });
      return h('section', { class: 'card editor-status', 'aria-labelledby': titleId },
        h('h2', { id: titleId }, t('editor.statusTitle')),
        badges,
        h('dl', { class: 'meta' }, rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)])),
        h('ul', { class: 'editor-links' }, links.map((a) => h('li', {}, a))),
        buttons.length ? h('div', { class: 'actions' }, buttons) : null);
    }

    function notices(s) {
      const out = [];
      if (s.rejection && s.edit === 'draft') {
        out.push(h('div', { class: 'notice notice--error editor-rejection' },
          h('p', {}, h('strong', {}, t('editor.rejected.title'))),
          h('p', {}, t('editor.rejected.comment'), ' ', h('q', {}, s.rejection)),
          s.actions.includes('save') ? h('p', {}, t('editor.rejected.next')) : null));
      }
      const inReview = s.edit === 'review' || s.status === 'review';
      if (inReview) {
        out.push(notice('info', t('editor.inReview.text'), s.actions.includes('save') ? t('editor.inReview.saveReturns') : null));
      } else if (s.edit === 'draft' && s.status !== 'draft') {
        out.push(notice('info', t('editor.openDraft.text')));
      }
      if (s.status === 'archived') out.push(notice('info', t(s.actions.includes('unarchive') ? 'editor.archived.canUnarchive' : 'editor.archived.text')));
      else if (!s.actions.includes('save')) out.push(notice('info', t('editor.readOnly')));
      return out.filter(Boolean);
    }

    /** The changes waiting for approval: the published version → the newest (or all of a new one). */
    async function showReview(s) {
      const inReview = s.edit === 'review' || s.status === 'review';
      if (!inReview) {
        reviewPart.replaceChildren();
        return;
      }
      const titleId = uid('review');
      const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('editor.review.loading')));
      const buttons = [];
      if (s.actions.includes('approve')) {
        const approve = h('button', { type: 'button', class: 'btn btn--primary', dataset: { action: 'approve' } },
          t(s.status === 'hidden' ? 'editor.action.approveHidden' : 'editor.action.approve'));
        approve.addEventListener('click', () => runAction('approve', approve));
        buttons.push(approve);
      }
      if (s.actions.includes('reject')) {
        const reject = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'reject' } }, t('editor.action.reject'));
        reject.addEventListener('click', () => runAction('reject', reject));
        buttons.push(reject);
      }
      reviewPart.replaceChildren(h('section', { class: 'section editor-review', 'aria-labelledby': titleId },
        h('h2', { id: titleId }, t('editor.review.title')),
        body,
        buttons.length ? h('div', { class: 'actions' }, buttons) : null));
      let parts;
      if (s.publishedVersion && s.publishedVersion !== s.version) {
        try {
          const diff = await get(`${editorApi(s.id)}/diff?from=${s.publishedVersion}&to=${s.version}`, { signal: ctx.signal });
          parts = [
            h('p', {}, t('editor.review.between', { from: diff.from, to: diff.to })),
            diff.changes.length ? diffLegend() : null,
            diff.changes.length ? changeList(diff.changes, { label: t('editor.review.title') }) : h('p', {}, t('editor.review.noChanges')),
          ];
        } catch (error) {
          if (isAbort(error)) return;
          parts = [notice('error', requestMessage(error))];
        }
      } else {
        parts = [
          h('p', {}, t('editor.review.allNew')),
          changeList(contentFields(s.content), { onlyAfter: true, label: t('editor.review.title') }),
        ];
      }
      if (!ctx.isCurrent()) return;
      body.replaceChildren(...parts.filter(Boolean));
      body.removeAttribute('aria-busy');
      reviewPart.dataset.loaded = String(s.version);
    }

    async function runAction(action, button) {
      if (acting) return;
      setLive(actionProblem, '');
      setLive(actionStatus, '');
      const body = {};
      if (action === 'approve' || action === 'reject') body.version = service.version;
      if (action === 'archive') {
        const ok = await confirmDialog({
          parent: root, title: t('editor.archive.title'), text: t('editor.archive.text'),
          confirmLabel: t('editor.action.archive'), danger: true,
        });
        if (!ok) return;
      }
      if (action === 'reject') {
        const answer = await formDialog({
          parent: root,
          title: t('editor.reject.title'),
          text: t('editor.reject.text'),
          fields: [textareaField({ name: 'comment', label: t('editor.reject.comment'), hint: t('editor.reject.hint'), maxlength: 2000, rows: 5 })],
          submitLabel: t('editor.action.reject'),
          validate: (f) => showFieldErrors(f, f.elements.comment.value.trim() ? [] : [{ field: 'comment', code: 'field.required' }]),
          onSubmit: (f) => post(`${editorApi(service.id)}/reject`, { ...body, comment: f.elements.comment.value.trim() }, { signal: ctx.signal }),
          onError: (f, error) => actionFailed(error, f),
        });
        if (answer) done(action, answer);
        return;
      }
      acting = true;
      button.setAttribute('aria-disabled', 'true');
      try {
        const answer = await post(`${editorApi(service.id)}/${ACTION_PATHS[action]}`, body, { signal: ctx.signal });
        acting = false;
        done(action, answer);
      } catch (error) {
        acting = false;
        button.removeAttribute('aria-disabled');
        actionFailed(error);
      }
    }

    /** A step was taken: the page shows the service as it is now and says what happened. */
    function done(action, answer) {
      if (action === 'markReviewed' || action === 'approve') refreshReviewNotices(); // a review answers the reminders
      const keep = dirty() ? form.collect() : null;
      show(answer, { content: keep, flash: notice('success', t(`editor.done.${action}`, { version: answer.version })) });
    }

    async function actionFailed(error, dialogForm = null) {
      if (isAbort(error)) return;
      const text = requestMessage(error);
      if (dialogForm) {
        const box = dialogForm.querySelector('.form-error');
        if (box) setLive(box, text);
      }
      if (error instanceof ApiError && (error.code === 'catalogue.versionMoved' || error.code === 'catalogue.transitionNotAllowed')) {
        // someone else moved the service meanwhile: show it as it is now, and why nothing happened
        let fresh;
        try {
          fresh = await get(editorApi(service.id), { signal: ctx.signal });
        } catch {
          setLive(actionProblem, notice('error', text));
          return;
        }
        if (dialogForm) dialogForm.closest('dialog').close();
        const keep = dirty() ? form.collect() : null;
        show(fresh, { content: keep, flash: notice('error', text) });
        return;
      }
      if (!dialogForm) setLive(actionProblem, notice('error', text));
    }

    // ---- saving ----
    async function save({ thenSubmit = false } = {}) {
      setLive(saveStatus, '');
      setLive(saveProblem, '');
      conflictPart.replaceChildren();
      const problems = form.localProblems();
      if (problems.length) {
        form.showErrors(problems);
        return null;
      }
      const content = form.collect();
      const end = busy(form.element);
      if (!end) return null;
      let answer;
      try {
        answer = isNew
          ? await post(editorApi(), { organizationId: newOrg.id, service: content }, { signal: ctx.signal })
          : await put(editorApi(service.id), { baseVersion: service.version, service: content }, { signal: ctx.signal });
      } catch (error) {
        end();
        saveFailed(error);
        return null;
      }
      end();
      form.clearErrors();
      if (isNew) {
        baseline = JSON.stringify(form.collect()); // nothing is left unsaved: no warning on leaving
        ctx.setFlash('success', 'editor.created');
        ctx.navigate(editorHref(answer.id));
        return answer;
      }
      const before = service.version;
      service = answer;
      baseline = JSON.stringify(form.collect());
      markDirty();
      refresh(service);
      if (!thenSubmit) {
        setLive(saveStatus, notice('success', answer.version === before ? t('editor.savedNothing') : t('editor.saved', { version: answer.version })));
      }
      return answer;
    }

    function saveFailed(error) {
      if (isAbort(error)) return;
      if (error instanceof ApiError && error.status === 422 && error.errors.length) {
        form.showErrors(error.errors);
        return;
      }
      if (error instanceof ApiError && error.code === 'catalogue.versionConflict' && error.details) {
        showConflict(error.details);
        return;
      }
      if (error instanceof ApiError && error.code === 'catalogue.transitionNotAllowed' && !isNew) {
        actionFailed(error); // archived meanwhile: the page shows it so, with what was typed kept
        return;
      }
      setLive(saveProblem, notice('error', requestMessage(error)));
    }

    async function submit(button) {
      if (acting) return;
      setLive(actionProblem, '');
      let current = service;
      if (dirty()) {
        current = await save({ thenSubmit: true });
        if (!current) return;
      }
      acting = true;
      button.setAttribute('aria-disabled', 'true');
      try {
        const answer = await post(`${editorApi(current.id)}/submit`, { version: current.version }, { signal: ctx.signal });
        acting = false;
        done('submit', answer);
      } catch (error) {
        acting = false;
        button.removeAttribute('aria-disabled');
        if (isAbort(error)) return;
        setLive(saveProblem, notice('error', requestMessage(error)));
      }
    }

    // ---- a version conflict ----
    function showConflict(details) {
      conflictView(conflictPart, details, {
        dataset: { currentVersion: String(details.currentVersion) },
        newest: () => get(editorApi(service.id), { signal: ctx.signal }),
        take: (fresh, { withMine, yours }) => {
          const content = withMine ? applyChanges(fresh.content, yours) : fresh.content;
          if (withMine && !fresh.writesInternal) {
            if (fresh.content.internal) content.internal = fresh.content.internal;
            else delete content.internal;
          }
          const kept = h('div', { class: 'editor-conflict-kept' },
            h('h3', {}, t(withMine ? 'editor.conflict.appliedTitle' : 'editor.conflict.notAppliedTitle')),
            changeList(yours, { headingLevel: 'h4' }));
          show(fresh, {
            content,
            flash: h('div', { class: `notice ${withMine ? 'notice--info' : 'notice--error'}` },
              h('p', {}, t(withMine ? 'editor.conflict.applied' : 'editor.conflict.notApplied', { version: fresh.version })),
              yours.length ? kept : null),
          });
        },
      });
    }

    // ---- the page ----
    function refresh(s) {
      const name = titleOf(s);
      if (h1) {
        h1.textContent = name.text;
        if (name.lang) h1.lang = name.lang;
        else h1.removeAttribute('lang');
        ctx.setTitle(t('editor.service.pageTitle', { name: name.text }));
      }
      statusPart.replaceChildren(statusCard(s));
      translationPart.replaceChildren(...translationCard(s));
      if (form) form.markTranslations(s.translations || {});
      noticePart.replaceChildren(...notices(s));
      submitButton.hidden = !s.actions.includes('submit');
      showReview(s);
    }

    // ---- translation requests: which fields need Swedish / English ----
    const translationPart = h('div', { class: 'editor-translation-part' });
    const translationStatus = statusRegion();

    function translationCard(s) {
      if (!Array.isArray(s.translatableFields) || !s.actions.includes('save')) return [];
      const titleId = uid('translations');
      const requested = s.translations || {};
      const rows = ['sv', 'en'].map((lang) => {
        const fields = requested[lang] || [];
        const button = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { action: 'request-translation', lang } },
          t(`editor.translation.choose.${lang}`));
        button.addEventListener('click', () => chooseTranslations(lang));
        return h('li', { class: 'editor-translation', dataset: { lang, fields: fields.join(' ') } },
          h('p', {}, fields.length ? plural(`editor.translation.waiting.${lang}`, fields.length) : t(`editor.translation.none.${lang}`)),
          button);
      });
      return [h('section', { class: 'section editor-translations-card', 'aria-labelledby': titleId },
        h('h2', { id: titleId }, t('editor.translation.title')),
        h('p', { class: 'hint' }, t('editor.translation.intro')),
        h('ul', { class: 'plain-list' }, rows),
        translationStatus)];
    }

    async function chooseTranslations(lang) {
      setLive(translationStatus, '');
      const current = (service.translations || {})[lang] || [];
      const group = checkboxGroup({
        name: 'fields', legend: t(`editor.translation.fields.${lang}`), hint: t('editor.translation.fieldsHint'),
        options: service.translatableFields.map((path) => ({ value: path, label: fieldLabel(path) })),
        values: current,
      });
      const answer = await formDialog({
        parent: root,
        title: t(`editor.translation.dialog.${lang}`),
        fields: [group],
        submitLabel: t('editor.translation.save'),
        onSubmit: (f) => put(`${editorApi(service.id)}/translations`, { language: lang, fields: checkedValues(f, 'fields') }, { signal: ctx.signal }),
        signal: ctx.signal,
      });
      if (!answer) return;
      service.translations = answer.translations || {};
      translationPart.replaceChildren(...translationCard(service));
      form.markTranslations(service.translations);
      const n = (service.translations[lang] || []).length;
      setLive(translationStatus, notice('success', n ? plural(`editor.translation.waiting.${lang}`, n) : t(`editor.translation.none.${lang}`)));
      const again = translationPart.querySelector(`[data-action="request-translation"][data-lang="${lang}"]`);
      if (again) again.focus();
    }

    const noticePart = h('div', { class: 'editor-notices' });
    const saveButton = h('button', { type: 'submit', class: 'btn btn--primary' }, t(isNew ? 'editor.action.create' : 'editor.action.save'));
    const submitButton = h('button', { type: 'button', class: 'btn btn--secondary', hidden: true, dataset: { action: 'submit' } },
      t('editor.action.submit'));
    submitButton.addEventListener('click', () => submit(submitButton));
    const formHost = h('div', { class: 'editor-form-host' });

    function buildForm(s, content) {
      const readOnly = Boolean(s) && !s.actions.includes('save');
      let internal = 'none';
      if (s) internal = s.content.internal ? (s.writesInternal ? 'write' : 'read') : 'none';
      else internal = newOrg && newOrg.writesInternal ? 'write' : 'none';
      const source = { ...content };
      if (internal !== 'none' && !source.internal) source.internal = emptyInternal();
      const before = [];
      if (isNew && organizations.length === 1) {
        before.push(h('p', { class: 'editor-org' }, h('strong', {}, `${t('editor.new.organization')}: `), newOrg.name));
      } else if (isNew) {
        const orgField = field({
          name: 'organizationId', type: 'select', label: t('editor.new.organization'), hint: t('editor.new.organizationHint'), value: newOrg.id,
          options: organizations.map((o) => ({ value: o.id, label: o.name })),
        });
        orgField.control.addEventListener('change', () => {
          newOrg = organizations.find((o) => o.id === orgField.control.value) || newOrg;
          setForm(null, form.collect()); // the internal instructions come or go with the organisation
          form.control('organizationId').focus();
        });
        before.push(h('section', { class: 'section editor-section' }, orgField));
      }
      form = serviceForm({ content: source, internal, readOnly, before, onChange: markDirty });
      if (!readOnly) {
        form.element.append(h('div', { class: 'editor-save' },
          saveProblem, saveStatus, unsaved,
          h('div', { class: 'actions actions--stack-sm' }, saveButton, isNew ? null : submitButton)));
      }
      form.element.addEventListener('submit', (event) => {
        event.preventDefault();
        save();
      });
      formHost.replaceChildren(form.element);
    }

    /** The form of the saved content (its baseline for "unsaved changes"), then with `content` when given. */
    function setForm(s, content = null) {
      buildForm(s, s ? s.content : emptyContent());
      baseline = JSON.stringify(form.collect());
      if (content) buildForm(s, content);
      markDirty();
    }

    /** The whole page for the service `s` (`content`: what the form shows, when not the saved one). */
    function show(s, { content = null, flash = null } = {}) {
      service = s;
      root.replaceChildren();
      backLink(root);
      if (isNew) {
        h1 = heading(root, ctx, t('editor.new.title'));
        root.appendChild(h('p', { class: 'lead' }, t('editor.new.intro')));
      } else {
        const name = titleOf(s);
        h1 = heading(root, ctx, name.text, { title: t('editor.service.pageTitle', { name: name.text }) });
        if (name.lang) h1.lang = name.lang;
      }
      placeFlash(root, flash);
      if (!isNew) root.append(noticePart, statusPart, actionStatus, actionProblem, reviewPart, translationPart);
      conflictPart.replaceChildren();
      root.append(conflictPart, formHost);
      setForm(s, content);
      if (!isNew) refresh(s);
      if (flash) flash.focus();
      root.dataset.version = s ? String(s.version) : '';
      root.dataset.loaded = 'true';
    }

    if (isNew) {
      const wanted = ctx.query.get('organization');
      newOrg = organizations.find((o) => o.id === wanted) || organizations[0];
      show(null, { content: takeStash(ctx.path, 0) });
    } else {
      show(service, { content: takeStash(ctx.path, service.version) });
    }
  },
};
