// Opening a guidance space (/spaces/new, experts): the kind (one client, a group, a network of
// experts), the title, the client's e-mail and how the client gave their consent (the consent
// text is shown so that the expert can read it to the client); for a group the largest number of
// clients and the clients' e-mails one by one. The server keeps the consent with its text and
// version (the consent record of the space shows what was stored).
import { h, uid, setLive } from '../dom.js';
import { t, getLanguage } from '../i18n.js';
import { post } from '../api.js';
import {
  field, languageField, radioGroup, radioValue, formError, showFieldErrors, showApiError, value, busy,
  EMAIL_PATTERN, setFieldError, clearErrors, checkEmail,
} from '../forms.js';
import { submitButton } from './common.js';
import { heading, noAccess } from '../ui/page.js';
import { statusRegion } from '../ui/live.js';
import { focusElement } from '../ui/rows.js';
import { isExpertUser, spaceHref, consentTextCard, CONSENT_METHODS } from '../spaces/common.js';

// The group's clients added so far: kept over a re-render of the page (a change of language).
let groupClients = [];

function consentMethods() {
  return CONSENT_METHODS.map((m) => ({ value: m, label: t(`space.consent.method.${m}`) }));
}

export default {
  auth: true,
  async render(root, ctx) {
    if (!isExpertUser(ctx.user)) {
      noAccess(root, ctx);
      return;
    }
    heading(root, ctx, t('spaceNew.title'));
    root.appendChild(h('p', { class: 'lead' }, t('spaceNew.intro')));

    const kind = radioGroup({
      name: 'kind',
      legend: t('spaceNew.kind'),
      value: 'oneToOne',
      options: ['oneToOne', 'group', 'network'].map((k) => ({ value: k, label: t(`space.kind.${k}`), hint: t(`spaceNew.kind.${k}.hint`) })),
    });
    const title = field({ name: 'title', label: t('spaceNew.titleField'), hint: t('spaceNew.titleHint'), attrs: { maxlength: '200' } });

    // one client
    const oneClient = h('div', { class: 'space-new__part', dataset: { part: 'oneToOne' } },
      field({ name: 'clientEmail', type: 'email', label: t('spaceNew.clientEmail'), hint: t('spaceNew.clientEmailHint'), attrs: { inputmode: 'email' } }));

    // a group: the largest number of clients, then the clients one by one
    const clientList = h('ul', { class: 'plain-list group-clients', 'aria-label': t('spaceNew.group.added') });
    const clientStatus = statusRegion({ hidden: true });
    const newClient = field({ name: 'groupClientEmail', type: 'email', label: t('spaceNew.group.clientEmail'), hint: t('spaceNew.group.clientEmailHint'), attrs: { inputmode: 'email' } });
    const addClient = h('button', { type: 'button', class: 'btn btn--secondary' }, t('spaceNew.group.add'));
    const group = h('div', { class: 'space-new__part', dataset: { part: 'group' } },
      field({ name: 'maxClients', type: 'number', label: t('spaceNew.group.max'), hint: t('spaceNew.group.maxHint'), value: '10', attrs: { min: '2', max: '20', inputmode: 'numeric' } }),
      h('fieldset', { class: 'field', dataset: { field: 'clients' } },
        h('legend', {}, t('spaceNew.group.clients')),
        h('span', { class: 'hint' }, t('spaceNew.group.clientsHint')),
        h('span', { class: 'field-error', id: uid('clients-error') }),
        clientList,
        newClient,
        h('div', { class: 'actions' }, addClient),
        clientStatus));

    // consent: for one client and for a group's clients
    // The client's language: the invitation and the consent text the client agrees to are in it.
    const language = languageField({ name: 'language', label: t('spaceNew.language'), hint: t('spaceNew.languageHint'), value: getLanguage() });
    const consentCard = consentTextCard({ language: getLanguage(), signal: ctx.signal, intro: t('spaceNew.consent.stored') });
    language.control.addEventListener('change', () => consentCard.setLanguage(language.control.value));
    window.setTimeout(() => consentCard.setLanguage(language.control.value), 0); // after a re-render put the choice back
    const consent = h('div', { class: 'space-new__part', dataset: { part: 'consent' } },
      language,
      radioGroup({ name: 'consentMethod', legend: t('spaceNew.consent.method'), hint: t('spaceNew.consent.methodHint'), options: consentMethods() }),
      consentCard);

    const form = h('form', { novalidate: true, class: 'space-new' },
      formError(), kind, title, oneClient, group, consent,
      h('div', { class: 'actions' }, submitButton(t('spaceNew.submit'))));
    root.appendChild(form);

    // Which parts show follows the chosen kind in CSS (.space-new:has(…:checked)), so that it
    // holds also when the router puts the chosen values back after a change of language.

    function clientRow(email) {
      const remove = h('button', { type: 'button', class: 'btn btn--secondary' }, t('spaceNew.group.remove'));
      remove.setAttribute('aria-label', t('spaceNew.group.removeNamed', { email }));
      const li = h('li', { class: 'group-client', dataset: { email } }, h('span', { class: 'group-client__email' }, email), remove);
      remove.addEventListener('click', () => {
        groupClients = groupClients.filter((e) => e !== email);
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        focusElement((next && next.querySelector('button')) || newClient.control);
        setLive(clientStatus, t('spaceNew.group.removed', { email }));
      });
      return li;
    }
    for (const email of groupClients) clientList.appendChild(clientRow(email));

    function addGroupClient() {
      clearErrors(form);
      const email = newClient.control.value.trim();
      if (!email || !EMAIL_PATTERN.test(email)) {
        setFieldError(form, 'groupClientEmail', t(email ? 'field.invalidEmail' : 'field.required.groupClientEmail'));
        newClient.control.focus();
        return;
      }
      const max = Number.parseInt(value(form, 'maxClients'), 10) || 20;
      if (groupClients.some((e) => e.toLowerCase() === email.toLowerCase())) {
        setFieldError(form, 'groupClientEmail', t('spaceNew.group.duplicate'));
        newClient.control.focus();
        return;
      }
      if (groupClients.length >= Math.min(20, max)) {
        setFieldError(form, 'groupClientEmail', t('spaceNew.group.full', { max: Math.min(20, max) }));
        newClient.control.focus();
        return;
      }
      groupClients.push(email);
      clientList.appendChild(clientRow(email));
      newClient.control.value = '';
      newClient.control.focus();
      setLive(clientStatus, t('spaceNew.group.added1', { email }));
    }
    addClient.addEventListener('click', addGroupClient);
    newClient.control.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault(); // Enter adds the client, it does not open the space yet
        addGroupClient();
      }
    });

    function validate(chosen) {
      const problems = [];
      if (!value(form, 'title').trim()) problems.push({ field: 'title', code: 'field.required' });
      if (chosen === 'oneToOne') problems.push(...checkEmail(form, 'clientEmail'));
      if (chosen === 'group') {
        const max = Number(value(form, 'maxClients'));
        if (!Number.isInteger(max) || max < 2 || max > 20) problems.push({ field: 'maxClients', code: 'field.invalidValue' });
        else if (groupClients.length > max) problems.push({ field: 'clients', code: 'field.invalidValue' });
      }
      const consentNeeded = chosen === 'oneToOne' || (chosen === 'group' && groupClients.length > 0);
      if (consentNeeded && !radioValue(form, 'consentMethod')) problems.push({ field: 'consentMethod', code: 'field.required' });
      return problems;
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const chosen = radioValue(form, 'kind') || 'oneToOne';
      if (showFieldErrors(form, validate(chosen))) return;
      const body = { kind: chosen, title: value(form, 'title').trim() };
      const method = radioValue(form, 'consentMethod');
      if (chosen === 'oneToOne') {
        body.clientEmail = value(form, 'clientEmail').trim();
        body.consent = { method };
        body.language = value(form, 'language');
      } else if (chosen === 'group') {
        body.maxClients = Number(value(form, 'maxClients'));
        body.clients = groupClients.map((email) => ({ email, consent: { method } }));
        body.language = value(form, 'language');
      }
      const done = busy(form);
      if (!done) return;
      try {
        const space = await post('/api/v1/spaces', body, { signal: ctx.signal });
        groupClients = [];
        ctx.setFlash('success', 'spaceNew.created', { title: space.title || body.title });
        ctx.navigate(spaceHref(space.id));
      } catch (error) {
        done();
        showApiError(form, error, { aliases: { consent: 'consentMethod', 'consent.method': 'consentMethod' } });
      }
    });
  },
};
