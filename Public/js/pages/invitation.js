import { h } from '../dom.js';
import { t, localText, getLanguage, setLanguage } from '../i18n.js';
import { post, ApiError } from '../api.js';
import { setUser } from '../session.js';
import { formatDateTime } from '../format.js';
import {
  field, languageField, formError, passwordToggle, showFieldErrors, showApiError,
  checkNewPassword, checkRequired, value, busy,
} from '../forms.js';
import { submitButton, notice, roleList } from './common.js';
import { heading } from '../ui/page.js';
import { alertRegion } from '../ui/live.js';
import { requestMessage } from '../ui/errors.js';

function badLink(code) {
  const key = code === 'token.expired' ? 'invitation.expired' : 'invitation.invalid';
  const box = notice('error', h('strong', {}, t(`${key}.title`)), h('p', {}, t(`${key}.text`)));
  box.setAttribute('tabindex', '-1');
  return box;
}

export default {
  async render(root, ctx) {
    heading(root, ctx, t('invitation.title'));
    const token = ctx.hash.get('token');
    const problems = alertRegion();
    root.appendChild(problems);
    if (!token) {
      problems.appendChild(badLink('token.invalid'));
      return;
    }

    let invitation;
    try {
      invitation = await post('/api/v1/invitations/inspect', { token }, { expectAuth: false, signal: ctx.signal });
    } catch (error) {
      if (!ctx.isCurrent()) return;
      if (error instanceof ApiError && (error.code === 'token.invalid' || error.code === 'token.expired' || error.status === 404)) {
        problems.appendChild(badLink(error.code));
      } else {
        problems.appendChild(notice('error', t('error.loadFailed'), requestMessage(error)));
      }
      return;
    }

    const orgName = localText(invitation.organizationName);
    root.appendChild(h('p', { class: 'lead' }, t('invitation.intro', { organization: orgName })));
    root.appendChild(
      h(
        'div',
        { class: 'card' },
        h(
          'dl',
          { class: 'meta' },
          h('dt', {}, t('label.email')),
          h('dd', {}, invitation.email),
          h('dt', {}, t('invitation.roles')),
          h('dd', {}, roleList(invitation.roles)),
          h('dt', {}, t('invitation.validUntil')),
          h('dd', {}, h('time', { datetime: invitation.expiresAt }, formatDateTime(invitation.expiresAt))),
        ),
      ),
    );

    let form;
    if (invitation.accountExists) {
      root.appendChild(h('h2', {}, t('invitation.existing.title')));
      root.appendChild(h('p', {}, t('invitation.existing.text', { email: invitation.email })));
      const password = field({ name: 'password', type: 'password', label: t('label.password'), autocomplete: 'current-password' });
      form = h(
        'form',
        { class: 'narrow', novalidate: true },
        formError(),
        // a username field helps password managers pick the right account
        h('input', { type: 'text', name: 'username', value: invitation.email, autocomplete: 'username', hidden: true, readonly: true }),
        password,
        passwordToggle([password.control]),
        h('div', { class: 'actions' }, submitButton(t('invitation.acceptExisting'))),
      );
    } else {
      root.appendChild(h('h2', {}, t('invitation.new.title')));
      root.appendChild(h('p', {}, t('invitation.new.text')));
      const password = field({ name: 'password', type: 'password', label: t('label.newPassword'), hint: t('hint.newPassword'), autocomplete: 'new-password' });
      const repeat = field({ name: 'passwordAgain', type: 'password', label: t('label.newPasswordAgain'), autocomplete: 'new-password' });
      form = h(
        'form',
        { class: 'narrow', novalidate: true },
        formError(),
        h('input', { type: 'text', name: 'username', value: invitation.email, autocomplete: 'username', hidden: true, readonly: true }),
        field({ name: 'displayName', label: t('label.displayName'), hint: t('hint.displayName'), autocomplete: 'name' }),
        languageField({ label: t('label.language'), hint: t('hint.language'), value: getLanguage() }),
        password,
        repeat,
        passwordToggle([password.control, repeat.control]),
        h('div', { class: 'actions' }, submitButton(t('invitation.acceptNew'))),
      );
    }
    root.appendChild(form);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const existing = invitation.accountExists;
      const checks = existing
        ? checkRequired(form, ['password'])
        : [...checkRequired(form, ['displayName']), ...checkNewPassword(form, 'password', 'passwordAgain')];
      if (showFieldErrors(form, checks)) return;
      const done = busy(form);
      if (!done) return;
      const body = existing
        ? { token, password: value(form, 'password'), language: getLanguage() }
        : { token, displayName: value(form, 'displayName').trim(), password: value(form, 'password'), language: value(form, 'language') };
      try {
        const data = await post('/api/v1/invitations/accept', body, { expectAuth: false });
        await setLanguage(data.user.language, { silent: true });
        setUser(data.user);
        ctx.setFlash('success', 'invitation.accepted', { organization: orgName });
        ctx.navigate('/', { replace: true });
      } catch (error) {
        done();
        if (error instanceof ApiError && (error.code === 'token.invalid' || error.code === 'token.expired')) {
          form.hidden = true;
          const box = badLink(error.code);
          problems.replaceChildren(box);
          box.focus();
        } else if (existing && error instanceof ApiError && (error.code === 'auth.invalidCredentials' || error.code === 'auth.wrongPassword')) {
          showApiError(form, error, { codeFields: { [error.code]: 'password' }, message: t('invitation.wrongPassword') });
        } else {
          showApiError(form, error);
        }
      }
    });
  },
};
