// The translation queue (/editor/translations): the services of the user's organisations with
// fields asked to be translated into Swedish or English (GET /catalogue/editor/translations), the
// oldest request first, each with the fields by their names and a link to the service's form. A
// saved new text in that language resolves a request (the server does it). The language and the
// organisation (when there are several) are kept in the address (?language=&organization=).
import { h, setLive } from '../dom.js';
import { t, plural } from '../i18n.js';
import { get } from '../api.js';
import { formatDateTime } from '../format.js';
import { field } from '../forms.js';
import { noAccess } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { editorHref, serviceName, fieldLabel, organizationName } from '../editor/common.js';
import { withRight } from '../editor/rights.js';
import { startEditorPage, listLoader, organizationFilter } from '../editor/page.js';

const LANGUAGES = ['sv', 'en'];

export default {
  auth: true,
  async render(root, ctx) {
    root.classList.add('editor', 'editor-translation-queue');
    const rights = await startEditorPage(root, ctx, { title: t('editor.translationQueue.title') });
    if (!rights) return;
    const organizations = withRight(rights, 'read').map((o) => ({ id: o.id, name: o.label }));
    if (!organizations.length) {
      noAccess(root, ctx);
      return;
    }
    const read = (params) => {
      const language = params.get('language') || '';
      const organization = params.get('organization') || '';
      return {
        language: LANGUAGES.includes(language) ? language : '',
        organization: organizations.some((o) => o.id === organization) ? organization : '',
      };
    };
    const write = (c) => {
      const p = new URLSearchParams();
      if (c.language) p.set('language', c.language);
      if (c.organization) p.set('organization', c.organization);
      return p;
    };
    let choices = read(ctx.query);
    root.appendChild(h('p', { class: 'lead' }, t('editor.translationQueue.intro')));

    const languageField = field({
      name: 'language', type: 'select', label: t('editor.translationQueue.language'), value: choices.language,
      options: [{ value: '', label: t('editor.translationQueue.allLanguages') },
        ...LANGUAGES.map((l) => ({ value: l, label: t(`editor.language.${l}`) }))],
    });
    const orgField = organizationFilter(ctx.user, organizations, choices.organization);
    const filters = h('form', { class: 'event-filter editor-filter', role: 'search', 'aria-label': t('editor.list.filters'), novalidate: true },
      h('div', { class: 'event-filter__fields' }, languageField, orgField));
    filters.addEventListener('submit', (event) => event.preventDefault());
    const count = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' });
    const problem = alertRegion();
    const list = h('ul', { class: 'item-list translation-queue' });
    const empty = h('p', { class: 'muted', hidden: true }, t('editor.translationQueue.empty'));
    root.append(filters, count, problem, list, empty);

    const orgName = (id) => (organizations.find((o) => o.id === id) || {}).name || organizationName(ctx.user, id);
    function item(x) {
      const name = serviceName(x.name);
      return h('li', { class: 'translation-queue-item', dataset: { serviceId: x.serviceId, lang: x.language } },
        h('h2', {}, h('a', { href: editorHref(x.serviceId), lang: name.lang }, name.text)),
        h('p', { class: 'editor-badges' },
          h('span', { class: 'badge badge--info' }, t(`editor.translationQueue.into.${x.language}`)), ' ',
          h('span', { class: 'badge badge--muted' }, plural('editor.translationQueue.fields', (x.fields || []).length))),
        h('ul', { class: 'translation-fields' }, (x.fields || []).map((f) => h('li', { dataset: { field: f } }, fieldLabel(f)))),
        h('p', { class: 'muted small' },
          organizations.length > 1 ? [orgName(x.organizationId), ', '] : null,
          t('editor.translationQueue.requested'), ' ', h('time', { datetime: x.requestedAt }, formatDateTime(x.requestedAt))));
    }

    const load = listLoader(root, ctx, {
      busy: list,
      problem,
      request: (signal) => {
        const params = new URLSearchParams();
        if (choices.organization) params.set('organization', choices.organization);
        if (choices.language) params.set('language', choices.language);
        return get(`/api/v1/catalogue/editor/translations${params.toString() ? `?${params}` : ''}`, { signal });
      },
      show: (answer) => {
        const items = answer.items || [];
        list.replaceChildren(...items.map(item));
        empty.hidden = items.length > 0;
        setLive(count, plural('editor.translationQueue.count', items.length));
      },
    });

    const current = () => ({ language: languageField.control.value, organization: orgField ? orgField.control.value : '' });
    for (const f of [languageField, orgField].filter(Boolean)) {
      f.control.addEventListener('change', () => {
        choices = current();
        ctx.setQuery(write(choices));
        load();
      }, { signal: ctx.signal });
    }
    ctx.onQueryChange((params) => {
      choices = read(params);
      languageField.control.value = choices.language;
      if (orgField) orgField.control.value = choices.organization;
      load();
    });
    ctx.setQuery(write(choices), { replace: true });
    await load();
  },
};
