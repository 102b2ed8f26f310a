// Services from the national service registry (Suomi.fi-palvelutietovaranto, PTV) into an
// organisation (/editor/import?organization=), for those with the importPTV right:
// - choose the organisation (when several) and the registry's JSON file; "Tarkista tiedosto"
//   sends the file's text as it is (api.postRaw) for a dry run, which writes nothing;
// - the report: how many services would be created, changed, left as they are, archived or
//   skipped; per service its action in words, its changes as the editor's differences
//   (editor/common.js), what does not map (the field, the value and why, in words) and its
//   problems (the field and the message);
// - "Tuo palvelut" only after a dry run without problems, with the same file: the real run, then
//   the result with links to the services. Any problem (also one found at the real run: 422
//   ptv.importInvalid with the plan) shows every problem and no import button.
// - the organisation's published services in the registry's shape, as a download.
import { h, uid, setLive } from '../dom.js';
import { t, plural, has } from '../i18n.js';
import { postRaw, enc, ApiError } from '../api.js';
import { field, busy, clearErrors, setFieldError, showApiError, formError } from '../forms.js';
import { notice, section } from './common.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { serviceHref as catalogueHref } from '../catalogue/parts.js';
import { editorHref, serviceName, fieldLabel, errorMessage, valueText, changeList, diffLegend } from '../editor/common.js';
import { startRightPage } from '../editor/page.js';

const ACTIONS = ['create', 'update', 'unchanged', 'archive', 'skip'];
const ACTION_BADGE = { create: 'success', update: 'info', unchanged: 'muted', archive: 'warn', skip: 'muted' };
const NOTE_CODES = ['ptv.notMapped', 'ptv.notImported', 'ptv.notInServiceData', 'ptv.defaulted', 'ptv.nationwide'];
// fields of the registry's service (the rest of the paths are fields of the catalogue's ServiceContent)
const PTV_FIELDS = new Set([
  'id', 'sourceId', 'type', 'serviceChargeType', 'serviceNames', 'serviceDescriptions', 'areaType', 'areas', 'languages',
  'targetGroups', 'lifeEvents', 'serviceClasses', 'ontologyTerms', 'publishingStatus', 'modified', 'organizations',
]);

function isRegistryPath(path) {
  return !path || PTV_FIELDS.has(String(path).split(/[.[]/)[0]);
}

/** A field's name for people: the registry's ("Kuvaukset, kohta 6") or the catalogue's ("Nimi (suomeksi)"). */
function pathLabel(path) {
  if (!isRegistryPath(path)) return fieldLabel(path);
  if (!path) return t('editor.import.ptvField.whole');
  const base = path.replace(/\[\d+\]/g, '');
  const key = has(`editor.import.ptvField.${base}`) ? base : base.split('.')[0];
  const name = has(`editor.import.ptvField.${key}`) ? t(`editor.import.ptvField.${key}`) : path;
  const indexes = [...path.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]) + 1);
  return indexes.length ? t('editor.import.item', { name, n: indexes[indexes.length - 1] }) : name;
}

/** What is wrong with a field, said for a file (not for a form the user fills in). */
function problemText(path, code) {
  if (!path && code === 'field.invalidValue') return t('editor.import.problem.notService');
  if (has(`editor.import.problem.${code}`)) return t(`editor.import.problem.${code}`);
  if (!isRegistryPath(path)) return errorMessage(path, code);
  if (code && has(code)) return t(code);
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  return t('field.invalidValue');
}

/** A value of a note as people read it (codes of the catalogue by their names). */
function noteValue(note) {
  if (note.value === null || note.value === undefined || note.value === '') return null;
  if (note.field === 'serviceChargeType') return valueText('cost', note.value);
  return isRegistryPath(note.field) ? String(note.value) : valueText(note.field, note.value);
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-import');
    // the heading has soft hyphens where a long word may break on a phone; the title has none
    const page = await startRightPage(root, ctx, {
      right: 'importPTV', title: t('editor.import.heading'), headingOptions: { title: t('editor.import.title') },
    });
    if (!page) return;
    const { organizations } = page;
    root.appendChild(h('p', { class: 'lead' }, t('editor.import.intro')));

    const wanted = ctx.query.get('organization');
    let organization = (organizations.find((o) => o.id === wanted) || organizations[0]).id;
    ctx.setQuery(new URLSearchParams({ organization }), { replace: true });

    // ---- the organisation ----
    const orgField = organizations.length > 1 ? field({
      name: 'organization', type: 'select', label: t('editor.new.organization'), value: organization,
      options: organizations.map((o) => ({ value: o.id, label: o.name })),
    }) : null;
    root.appendChild(orgField
      ? h('div', { class: 'editor-section import-org' }, orgField)
      : h('p', { class: 'editor-org' }, h('strong', {}, `${t('editor.new.organization')}: `), organizations[0].name));

    // ---- the file and the dry run ----
    const fileField = field({
      name: 'file', type: 'file', label: t('editor.import.file'), hint: t('editor.import.fileHint'),
      attrs: { accept: 'application/json,.json' },
    });
    const checkButton = h('button', { type: 'submit', class: 'btn btn--primary', dataset: { action: 'dry-run' } }, t('editor.import.check'));
    const working = statusRegion();
    const form = h('form', { class: 'import-form', novalidate: true }, formError(), fileField, h('div', { class: 'actions' }, checkButton), working);
    root.appendChild(section(t('editor.import.fileTitle'), form));
    const reportPart = h('div', { class: 'import-report-part' });
    root.appendChild(reportPart);

    // ---- the download ----
    const exportLink = h('a', { class: 'btn btn--secondary', dataset: { action: 'export' } }, t('editor.import.exportButton'));
    const setExport = () => {
      exportLink.href = `/api/v1/catalogue/ptv/export?organization=${enc(organization)}`;
      exportLink.setAttribute('download', `ptv-${organization}.json`);
    };
    setExport();
    root.appendChild(section(t('editor.import.exportTitle'), h('p', {}, t('editor.import.exportText')), h('p', {}, exportLink)));

    // what the last dry run checked: its file's text, for the real run
    let checked = null;
    const forget = () => {
      checked = null;
      reportPart.replaceChildren();
      setLive(working, '');
    };
    fileField.control.addEventListener('change', () => {
      clearErrors(form);
      forget();
    }, { signal: ctx.signal });
    if (orgField) {
      orgField.control.addEventListener('change', () => {
        organization = orgField.control.value;
        ctx.setQuery(new URLSearchParams({ organization }), { replace: true });
        setExport();
        forget();
      }, { signal: ctx.signal });
    }

    const importUrl = (dryRun) => `/api/v1/catalogue/ptv/import?organization=${enc(organization)}&dryRun=${dryRun}`;

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      forget();
      const file = fileField.control.files && fileField.control.files[0];
      if (!file) {
        setFieldError(form, 'file', t('field.required.file'));
        fileField.control.focus();
        return;
      }
      const end = busy(form);
      if (!end) return;
      setLive(working, t('editor.import.checking'));
      let text;
      let plan;
      try {
        text = await file.text();
        plan = await postRaw(importUrl(true), text, 'application/json', { signal: ctx.signal });
      } catch (error) {
        end();
        setLive(working, '');
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.code === 'request.tooLarge') {
          setFieldError(form, 'file', t('editor.import.tooLarge'));
          fileField.control.focus();
          return;
        }
        if (!(error instanceof ApiError)) {
          setFieldError(form, 'file', t('editor.import.unreadable'));
          fileField.control.focus();
          return;
        }
        showApiError(form, error);
        return;
      }
      end();
      setLive(working, '');
      checked = plan.problemCount ? null : { text, organization };
      showReport(plan, { fileName: file.name });
    });

    async function runImport(button, problem) {
      if (!checked || button.getAttribute('aria-disabled') === 'true') return;
      button.setAttribute('aria-disabled', 'true');
      setLive(problem, '');
      const { text } = checked;
      let result;
      try {
        result = await postRaw(importUrl(false), text, 'application/json', { signal: ctx.signal });
      } catch (error) {
        button.removeAttribute('aria-disabled');
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.code === 'ptv.importInvalid' && error.details) {
          // the catalogue changed since the dry run: the plan as it is now, with its problems
          checked = null;
          showReport(error.details, { flash: notice('error', t('editor.import.invalidAtImport')) });
          return;
        }
        setLive(problem, notice('error', requestMessage(error)));
        return;
      }
      checked = null;
      showReport(result, { done: true });
    }

    // ---- the report ----
    function countList(plan, done) {
      const counts = plan.counts || {};
      return h('dl', { class: 'meta import-counts' }, ACTIONS.flatMap((a) => [
        h('dt', {}, t(`editor.import.${done ? 'doneCount' : 'count'}.${a}`)),
        h('dd', { dataset: { count: a } }, String(counts[a] || 0)),
      ]));
    }

    function problemList(problems) {
      return h('div', { class: 'notice notice--error import-problems' },
        h('h4', {}, t('editor.import.problemsTitle')),
        h('ul', {}, problems.map((p) => h('li', { dataset: { field: p.field || '', code: p.code } },
          h('strong', {}, `${pathLabel(p.field)}: `), problemText(p.field, p.code)))));
    }

    function noteList(notes) {
      return [
        h('h4', {}, t('editor.import.notesTitle')),
        h('ul', { class: 'import-notes' }, notes.map((n) => {
          const value = noteValue(n);
          const code = NOTE_CODES.includes(n.code) ? n.code : 'ptv.notMapped';
          return h('li', { dataset: { field: n.field, code: n.code } },
            h('strong', {}, pathLabel(n.field)),
            value ? [': ', h('span', { class: 'import-notes__value' }, value)] : null,
            h('span', { class: 'import-notes__why' }, t(`editor.import.note.${code}`)));
        })),
      ];
    }

    function serviceItem(s, done) {
      const action = ACTIONS.includes(s.action) ? s.action : 'skip';
      const name = s.name && Object.values(s.name).some((v) => String(v || '').trim())
        ? serviceName(s.name) : { text: t('editor.import.unnamed', { n: s.index + 1 }), lang: null };
      const linked = s.serviceId && (done ? action !== 'skip' : action !== 'create' && action !== 'skip');
      const problems = s.problems || [];
      const changes = s.changes || [];
      const notes = s.notMapped || [];
      const li = h('li', { class: 'import-service', dataset: { action, index: String(s.index), serviceId: s.serviceId || '' } },
        h('h3', {}, linked ? h('a', { href: editorHref(s.serviceId), lang: name.lang }, name.text) : h('span', { lang: name.lang }, name.text)),
        h('p', { class: 'editor-badges' },
          h('span', { class: `badge badge--${ACTION_BADGE[action]}`, dataset: { action } }, t(`editor.import.${done ? 'done' : 'action'}.${action}`)),
          problems.length ? [' ', h('span', { class: 'badge badge--error' }, t('editor.import.hasProblems'))] : null),
        h('p', { class: 'muted small' }, t('editor.import.position', { n: s.index + 1 }),
          s.ptvId ? [' · ', t('editor.import.ptvId'), ' ', h('span', { class: 'import-id' }, s.ptvId)] : null));
      if (!done && !problems.length && (action === 'archive' || action === 'skip' || action === 'create' || action === 'unchanged')) {
        li.appendChild(h('p', {}, t(`editor.import.explain.${action}`)));
      }
      if (done && s.serviceId && (action === 'create' || action === 'update' || action === 'unchanged')) {
        li.appendChild(h('ul', { class: 'editor-links' }, h('li', {},
          h('a', { href: catalogueHref(s.serviceId), dataset: { action: 'open-in-catalogue' } }, t('editor.viewInCatalogue')))));
      }
      if (problems.length) li.appendChild(problemList(problems));
      if (changes.length) {
        li.append(h('h4', {}, t('editor.import.changesTitle')), diffLegend(),
          changeList(changes, { headingLevel: 'h5', label: t('editor.import.changesOf', { name: name.text }) }));
      }
      if (notes.length && !done) li.append(...noteList(notes));
      return li;
    }

    function showReport(plan, { done = false, fileName = null, flash = null } = {}) {
      const titleId = uid('report');
      const title = h('h2', { id: titleId, tabindex: '-1' }, t(done ? 'editor.import.doneTitle' : 'editor.import.reportTitle'));
      const problem = alertRegion();
      const parts = [title];
      if (flash) parts.push(flash);
      if (fileName && !done) parts.push(h('p', { class: 'muted' }, t('editor.import.fileName', { name: fileName })));
      parts.push(countList(plan, done));
      const services = plan.services || [];
      if (done) {
        parts.push(notice('success', t('editor.import.doneText')));
      } else if (plan.problemCount) {
        parts.push(h('div', { class: 'notice notice--error', dataset: { problems: String(plan.problemCount) } },
          h('p', {}, h('strong', {}, plural('editor.import.problemCount', plan.problemCount))),
          h('p', {}, t('editor.import.fixFirst'))));
      } else if (services.some((s) => s.action !== 'unchanged' && s.action !== 'skip')) {
        const importButton = h('button', { type: 'button', class: 'btn btn--primary', dataset: { action: 'import' } }, t('editor.import.run'));
        importButton.addEventListener('click', () => runImport(importButton, problem), { signal: ctx.signal });
        parts.push(notice('info', t('editor.import.ready')), problem, h('div', { class: 'actions import-run' }, importButton));
      } else {
        parts.push(notice('info', t('editor.import.nothingToDo')));
      }
      parts.push(h('ul', { class: 'item-list import-services', 'aria-label': t('editor.import.servicesTitle') }, services.map((s) => serviceItem(s, done))));
      reportPart.replaceChildren(h('section', {
        class: ['section', 'import-report', done ? 'import-report--done' : null],
        'aria-labelledby': titleId,
        dataset: { dryRun: String(!done), problems: String(plan.problemCount || 0) },
      }, ...parts));
      title.focus();
    }

    root.dataset.loaded = 'true';
  },
};
