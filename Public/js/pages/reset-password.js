import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post, ApiError } from '../api.js';
import { setUser, loadUser } from '../session.js';
import { field, formError, passwordToggle, showFieldErrors, showApiError, checkNewPassword, value, busy } from '../forms.js';
import { submitButton, notice } from './common.js';
import { heading } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';

function badLink(root, code) {
  const key = code === 'token.expired' ? 'reset.expired' : 'reset.invalid';
  return notice('error', h('strong', {}, t(`${key}.title`)), h('p', {}, t(`${key}.text`)), h('p', {}, h('a', { href: '/forgot-password' }, t('reset.askNewLink'))));
}

export default {
  async render(root, ctx) {
    heading(root, ctx, t('reset.title'));
    const token = ctx.hash.get('token');
    if (!token) {
      root.appendChild(badLink(root, 'token.invalid'));
      return;
    }
    root.appendChild(h('p', { class: 'lead' }, t('reset.intro')));
    const problemBox = alertRegion();
    root.appendChild(problemBox);

    const password = field({
      name: 'newPassword',
      type: 'password',
      label: t('label.newPassword'),
      hint: t('hint.newPassword'),
      autocomplete: 'new-password',
    });
    const repeat = field({ name: 'newPasswordAgain', type: 'password', label: t('label.newPasswordAgain'), autocomplete: 'new-password' });
    const form = h(
      'form',
      { class: 'narrow', novalidate: true },
      formError(),
      password,
      repeat,
      passwordToggle([password.control, repeat.control]),
      h('div', { class: 'actions' }, submitButton(t('reset.submit'))),
    );
    root.appendChild(form);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (showFieldErrors(form, checkNewPassword(form, 'newPassword', 'newPasswordAgain'))) return;
      const done = busy(form);
      if (!done) return;
      try {
        await post('/api/v1/auth/password-reset/confirm', { token, newPassword: value(form, 'newPassword') }, { expectAuth: false });
        // The server ended every session of that account; ask who (if anyone) is still signed in.
        await loadUser({ refresh: true }).catch(() => setUser(null));
        ctx.setFlash('success', 'reset.done');
        ctx.navigate('/login', { replace: true });
      } catch (error) {
        done();
        if (error instanceof ApiError && (error.code === 'token.invalid' || error.code === 'token.expired')) {
          form.hidden = true;
          const box = badLink(root, error.code);
          box.setAttribute('tabindex', '-1');
          problemBox.replaceChildren(box);
          box.focus();
        } else {
          showApiError(form, error);
        }
      }
    });
  },
};
