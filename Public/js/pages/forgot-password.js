import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { field, formError, showFieldErrors, showApiError, checkEmail, value, busy } from '../forms.js';
import { submitButton, notice } from './common.js';
import { heading } from '../ui/page.js';
import { statusRegion } from '../ui/live.js';

export default {
  async render(root, ctx) {
    heading(root, ctx, t('forgot.title'));
    root.appendChild(h('p', { class: 'lead' }, t('forgot.intro')));
    const status = statusRegion();
    root.appendChild(status);

    const email = field({ name: 'email', type: 'email', label: t('label.email'), autocomplete: 'email', attrs: { inputmode: 'email' } });
    const form = h('form', { class: 'narrow', novalidate: true }, formError(), email, h('div', { class: 'actions' }, submitButton(t('forgot.submit'))));
    root.appendChild(form);
    root.appendChild(h('p', {}, h('a', { href: '/login' }, t('forgot.backToLogin'))));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (showFieldErrors(form, checkEmail(form, 'email'))) return;
      const done = busy(form);
      if (!done) return;
      const address = value(form, 'email').trim();
      try {
        await post('/api/v1/auth/password-reset', { email: address }, { expectAuth: false });
        form.hidden = true;
        const box = notice('success', h('strong', {}, t('forgot.sent.title')), h('p', {}, t('forgot.sent.text', { email: address })));
        box.setAttribute('tabindex', '-1');
        status.replaceChildren(box);
        box.focus();
      } catch (error) {
        showApiError(form, error);
      } finally {
        done();
      }
    });
  },
};
