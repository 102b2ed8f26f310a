import { h } from '../dom.js';
import { t, setLanguage } from '../i18n.js';
import { post } from '../api.js';
import { setUser } from '../session.js';
import { safeNext } from '../router.js';
import { field, formError, passwordToggle, showFieldErrors, showApiError, checkEmail, checkRequired, value, busy } from '../forms.js';
import { submitButton } from './common.js';
import { heading } from '../ui/page.js';

export default {
  async render(root, ctx) {
    const next = safeNext(ctx.query.get('next'));
    if (ctx.user) {
      ctx.navigate(next || '/', { replace: true });
      return;
    }
    heading(root, ctx, t('login.title'));
    root.appendChild(h('p', { class: 'lead' }, t('login.intro')));

    const email = field({ name: 'email', type: 'email', label: t('label.email'), autocomplete: 'email', attrs: { inputmode: 'email' } });
    const password = field({ name: 'password', type: 'password', label: t('label.password'), autocomplete: 'current-password' });
    const form = h(
      'form',
      { class: 'narrow', novalidate: true },
      formError(),
      email,
      password,
      passwordToggle([password.control]),
      h('div', { class: 'actions' }, submitButton(t('login.submit'))),
    );
    root.appendChild(form);
    root.appendChild(h('p', {}, h('a', { href: '/forgot-password' }, t('login.forgot'))));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const problems = [...checkEmail(form, 'email'), ...checkRequired(form, ['password'])];
      if (showFieldErrors(form, problems)) return;
      const done = busy(form);
      if (!done) return;
      try {
        const data = await post('/api/v1/auth/login', { email: value(form, 'email').trim(), password: value(form, 'password') }, { expectAuth: false });
        await setLanguage(data.user.language, { silent: true });
        setUser(data.user);
        ctx.navigate(next || '/');
      } catch (error) {
        done();
        showApiError(form, error);
      }
    });
  },
};
