// The embeddable search (/admin/embed), for platform admins:
// 1. the sites allowed to show the catalogue's search widget on their pages (the server names them
//    in the widget page's frame-ancestors; on any other site the browser leaves the frame empty),
//    each with its Remove button (confirmed in a dialog);
// 2. the form that adds a site (its origin, https://host[:port], and a name to recognise it by);
// 3. the code for a site: municipality, topic and language → the <script> snippet of
//    /embed/widget.js and the equivalent <iframe>, with copy buttons, and a live preview.
// Changes apply to the next load of the widget's page.
import { h, uid, setLive } from '../dom.js';
import { t, plural, localText, getLanguage, LANGUAGES, LANGUAGE_NAMES } from '../i18n.js';
import { get, post, del, enc, ApiError } from '../api.js';
import { formatDate } from '../format.js';
import { confirmDialog } from '../dialog.js';
import { field, formError, showFieldErrors, showApiError, value, busy } from '../forms.js';
import { notice } from './common.js';
import { adminPage } from '../ui/page.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, showRequestError, isAbort } from '../ui/errors.js';
import { removeRow, focusElement } from '../ui/rows.js';
import { copyFieldText } from '../ui/copy.js';
import { loadTaxonomy } from '../catalogue/taxonomy.js';

const HEIGHT_MESSAGE = 'ohjaustila-embed-height';
// The frame's title in the widget's language (whatever the admin's own is): the same words as
// /embed/widget.js gives its frame.
const FRAME_TITLES = { fi: 'Palvelumanuaalin haku', sv: 'Sökning i servicemanualen', en: 'Service catalogue search' };
const IFRAME_HEIGHT = 600;

/** HTML attribute text: & " < > escaped (the values are codes and an address, but still). */
function attr(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The category options: the main topics with their subtopics indented under them. */
function categoryOptions(categories) {
  const children = new Map();
  for (const c of categories) {
    if (c.parent) children.set(c.parent, [...(children.get(c.parent) || []), c]);
  }
  const ids = new Set(categories.map((c) => c.id));
  const out = [];
  for (const c of categories) {
    if (c.parent && ids.has(c.parent)) continue;
    out.push({ value: c.id, label: localText(c.name) });
    for (const child of children.get(c.id) || []) out.push({ value: child.id, label: `\u00a0\u00a0\u00a0${localText(child.name)}` });
  }
  return out;
}

/** Copy the text of a read-only field; when the clipboard cannot be used, the text is selected. */
async function copyText(control, region) {
  const ok = await copyFieldText(control);
  setLive(region, notice(ok ? 'success' : 'info', t(ok ? 'embed.admin.code.copied' : 'embed.admin.code.copyByHand')));
}

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('admin-embed');
    const refuse = adminPage(root, ctx, t('embed.admin.title'));
    if (!refuse) return;
    root.appendChild(h('p', { class: 'lead' }, t('embed.admin.intro')));

    // ---------------------------------------------------------------------------------------
    // 1. The allowed sites
    const listTitleId = uid('embed-sites-title');
    const listTitle = h('h2', { id: listTitleId, tabindex: '-1' }, t('embed.admin.sites.title'));
    const listStatus = statusRegion();
    const listProblem = alertRegion();
    const listCount = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const listNode = h('ul', { class: 'item-list embed-sites', 'aria-labelledby': listTitleId, hidden: true });
    const listEmpty = h('p', { class: 'embed-sites__empty notice notice--info', hidden: true }, t('embed.admin.sites.empty'));
    const listSection = h(
      'section',
      { class: 'section embed-sites-section', 'aria-labelledby': listTitleId },
      listTitle,
      h('p', {}, t('embed.admin.sites.intro')),
      listStatus,
      listProblem,
      listCount,
      listNode,
      listEmpty,
    );
    root.appendChild(listSection);

    let sites = [];
    let savedId = null;

    function siteRow(site) {
      const originId = uid('embed-site');
      const li = h(
        'li',
        { class: ['embed-site', site.id === savedId && 'embed-site--saved'], dataset: { siteId: site.id, origin: site.origin } },
        h('p', { class: 'embed-site__origin', id: originId }, h('code', {}, site.origin)),
        h('p', { class: ['embed-site__label', !site.label && 'muted'] }, site.label || t('embed.admin.sites.noLabel')),
        h('p', { class: 'embed-site__added muted small' },
          t('embed.admin.sites.added'), ' ', h('time', { datetime: site.addedAt }, formatDate(site.addedAt))),
      );
      const remove = h('button', { type: 'button', class: 'btn btn--danger', dataset: { action: 'remove' }, 'aria-describedby': originId }, t('embed.admin.remove'));
      remove.addEventListener('click', () => removeSite(site, li));
      li.appendChild(h('div', { class: 'actions' }, remove));
      return li;
    }

    function showCount() {
      listNode.hidden = sites.length === 0;
      listEmpty.hidden = sites.length > 0;
      setLive(listCount, sites.length ? plural('embed.admin.sites.count', sites.length) : '');
    }

    function showSites() {
      listNode.replaceChildren(...sites.map(siteRow));
      showCount();
    }

    async function loadSites() {
      delete listSection.dataset.loaded;
      listNode.setAttribute('aria-busy', 'true');
      let answer;
      try {
        answer = await get('/api/v1/admin/embed-sites', { signal: ctx.signal });
      } catch (error) {
        if (isAbort(error)) return false;
        listNode.removeAttribute('aria-busy');
        if (!refuse(error)) showRequestError(listProblem, error);
        return false;
      }
      if (!ctx.isCurrent()) return false;
      listNode.removeAttribute('aria-busy');
      setLive(listProblem, '');
      sites = answer.items || [];
      showSites();
      listSection.dataset.loaded = 'true';
      return true;
    }

    async function removeSite(site, li) {
      const ok = await confirmDialog({
        parent: root,
        title: t('embed.admin.removeTitle'),
        text: t('embed.admin.removeText', { origin: site.origin }),
        confirmLabel: t('embed.admin.removeConfirm'),
        danger: true,
      });
      if (!ok || !ctx.isCurrent()) return;
      try {
        await del(`/api/v1/admin/embed-sites/${enc(site.id)}`, { signal: ctx.signal });
      } catch (error) {
        if (isAbort(error)) return;
        if (refuse(error)) return;
        if (!(error instanceof ApiError && error.status === 404)) {
          setLive(listStatus, '');
          setLive(listProblem, notice('error', requestMessage(error)));
          return;
        }
        // removed already (by another admin): the list shows it gone all the same
      }
      sites = sites.filter((s) => s.id !== site.id);
      removeRow(li, { selector: 'button', fallback: listTitle });
      showCount();
      setLive(listProblem, '');
      setLive(listStatus, notice('success', t('embed.admin.removed', { origin: site.origin })));
    }

    // ---------------------------------------------------------------------------------------
    // 2. Adding a site
    const addTitleId = uid('embed-add-title');
    const addStatus = statusRegion();
    const addForm = h(
      'form',
      { class: 'embed-add-form', novalidate: true, 'aria-labelledby': addTitleId },
      formError(),
      field({
        name: 'origin',
        type: 'url',
        label: t('embed.admin.add.origin'),
        hint: t('embed.admin.add.originHint'),
        attrs: { maxlength: '200', spellcheck: 'false', autocapitalize: 'none', placeholder: 'https://' },
      }),
      field({
        name: 'label',
        label: t('embed.admin.add.label'),
        hint: t('embed.admin.add.labelHint'),
        attrs: { maxlength: '200', autocomplete: 'off' },
      }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn--primary' }, t('embed.admin.add.submit'))),
    );
    root.appendChild(h(
      'section',
      { class: 'section embed-add card', 'aria-labelledby': addTitleId },
      h('h2', { id: addTitleId }, t('embed.admin.add.title')),
      addStatus,
      addForm,
    ));

    addForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const origin = value(addForm, 'origin').trim();
      const label = value(addForm, 'label').trim();
      if (showFieldErrors(addForm, origin ? [] : [{ field: 'origin', code: 'field.required' }])) return;
      const done = busy(addForm);
      if (!done) return;
      setLive(addStatus, '');
      let site;
      try {
        site = await post('/api/v1/admin/embed-sites', { origin, label }, { signal: ctx.signal });
      } catch (error) {
        done();
        if (isAbort(error) || refuse(error)) return;
        const tooMany = error instanceof ApiError && error.code === 'embed.tooManySites';
        showApiError(addForm, error, tooMany ? { message: t('embed.tooManySites') } : {});
        return;
      }
      done();
      const existed = sites.some((s) => s.id === site.id);
      savedId = site.id;
      addForm.reset();
      await loadSites();
      if (!ctx.isCurrent()) return;
      setLive(addStatus, notice(existed ? 'info' : 'success', t(existed ? 'embed.admin.exists' : 'embed.admin.added', { origin: site.origin })));
      addForm.elements.namedItem('origin').focus();
    }, { signal: ctx.signal });

    // ---------------------------------------------------------------------------------------
    // 3. The code for a site, and its preview
    const codeTitleId = uid('embed-code-title');
    const municipalityField = field({
      name: 'municipality',
      type: 'select',
      label: t('embed.admin.code.municipality'),
      hint: t('embed.admin.code.municipalityHint'),
      options: [{ value: '', label: t('embed.admin.code.allMunicipalities') }],
    });
    const categoryField = field({
      name: 'category',
      type: 'select',
      label: t('embed.admin.code.category'),
      hint: t('embed.admin.code.categoryHint'),
      options: [{ value: '', label: t('embed.admin.code.allCategories') }],
    });
    const languageField = field({
      name: 'widgetLanguage',
      type: 'select',
      label: t('embed.admin.code.language'),
      value: getLanguage(),
      options: LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l })),
    });
    const choices = h(
      'form',
      { class: 'embed-choices', novalidate: true, 'aria-label': t('embed.admin.code.choices') },
      h('div', { class: 'embed-choices__fields' }, municipalityField, categoryField, languageField),
    );
    choices.addEventListener('submit', (event) => event.preventDefault());

    function snippetBox(kind, label, hintText) {
      const id = uid(`embed-${kind}`);
      const labelId = `${id}-label`;
      const control = h('textarea', {
        id, rows: kind === 'script' ? '4' : '7', readonly: true, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${id}-hint`,
        class: 'embed-snippet__code', dataset: { snippet: kind },
      });
      control.addEventListener('focus', () => control.select());
      const copied = statusRegion();
      const copy = h('button', { type: 'button', class: 'btn btn--secondary', dataset: { copy: kind }, 'aria-describedby': labelId }, t('embed.admin.code.copy'));
      copy.addEventListener('click', () => copyText(control, copied));
      const box = h(
        'div',
        { class: 'embed-snippet field' },
        h('label', { for: id, id: labelId }, label),
        h('span', { class: 'hint', id: `${id}-hint` }, hintText),
        control,
        h('div', { class: 'actions' }, copy),
        copied,
      );
      box.control = control;
      return box;
    }
    const scriptBox = snippetBox('script', t('embed.admin.code.script'), t('embed.admin.code.scriptHint'));
    const iframeBox = snippetBox('iframe', t('embed.admin.code.iframe'), t('embed.admin.code.iframeHint'));

    const previewTitleId = uid('embed-preview-title');
    const preview = h('iframe', { class: 'embed-preview__frame', title: t('embed.admin.preview.frame') });
    const previewSection = h(
      'div',
      { class: 'embed-preview', role: 'group', 'aria-labelledby': previewTitleId },
      h('h3', { id: previewTitleId }, t('embed.admin.preview.title')),
      h('p', {}, t('embed.admin.preview.intro')),
      h('div', { class: 'embed-preview__box' }, preview),
    );

    const codeSection = h(
      'section',
      { class: 'section embed-code', 'aria-labelledby': codeTitleId },
      h('h2', { id: codeTitleId }, t('embed.admin.code.title')),
      h('p', {}, t('embed.admin.code.intro')),
      choices,
      scriptBox,
      iframeBox,
      previewSection,
    );
    root.appendChild(codeSection);

    let shownPreview = '';
    function showCode() {
      const municipality = municipalityField.control.value;
      const category = categoryField.control.value;
      const lang = LANGUAGES.includes(languageField.control.value) ? languageField.control.value : 'fi';
      const server = window.location.origin;
      const dataAttrs = [
        municipality ? ` data-municipality="${attr(municipality)}"` : '',
        category ? ` data-category="${attr(category)}"` : '',
        ` data-lang="${attr(lang)}"`,
      ].join('');
      scriptBox.control.value = `<script src="${attr(`${server}/embed/widget.js`)}"${dataAttrs} async></script>`;
      const query = new URLSearchParams();
      if (municipality) query.set('municipality', municipality);
      if (category) query.set('category', category);
      query.set('lang', lang);
      const page = `/embed/search?${query}`;
      iframeBox.control.value = `<iframe src="${attr(server + page)}" title="${attr(FRAME_TITLES[lang])}" width="100%" height="${IFRAME_HEIGHT}" loading="lazy" style="border: 0;"></iframe>`;
      if (page !== shownPreview) {
        shownPreview = page;
        preview.src = page;
      }
      codeSection.dataset.preview = page;
    }
    choices.addEventListener('change', showCode, { signal: ctx.signal });

    // the preview is as high as its content (the message only from that frame, of this origin)
    window.addEventListener('message', (event) => {
      if (event.source !== preview.contentWindow || event.origin !== window.location.origin) return;
      const data = event.data;
      if (!data || data.type !== HEIGHT_MESSAGE || !Number.isFinite(data.height)) return;
      preview.style.height = `${Math.min(4000, Math.max(120, Math.ceil(data.height)))}px`;
    }, { signal: ctx.signal });

    const [loaded, taxonomy] = await Promise.all([loadSites(), loadTaxonomy()]);
    if (!ctx.isCurrent() || refuse.denied) return;
    if (taxonomy) {
      municipalityField.control.append(...(taxonomy.municipalities || [])
        .map((m) => ({ value: m.code, label: localText(m.name) }))
        .sort((a, b) => a.label.localeCompare(b.label, getLanguage()))
        .map((o) => h('option', { value: o.value }, o.label)));
      categoryField.control.append(...categoryOptions(taxonomy.categories || []).map((o) => h('option', { value: o.value }, o.label)));
    }
    showCode();
    codeSection.dataset.loaded = String(Boolean(loaded));
    // after a change of language the router puts the chosen values back: the code follows them
    window.setTimeout(() => {
      if (ctx.isCurrent()) showCode();
    }, 0);
  },
};
