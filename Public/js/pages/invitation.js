import { h, setLive } from '../dom.js';
import { t, localText, getLanguage, setLanguage } from '../i18n.js';
import { post, ApiError } from '../api.js';
import { setUser } from '../session.js';
import { formatDateTime } from '../format.js';
import {
  field, languageField, formError, passwordToggle, showFieldErrors, showApiError,
  checkNewPassword, checkRequired, value, busy, setFieldError,
} from '../forms.js';
import { submitButton, notice, roleList } from './common.js';
import { heading } from '../ui/page.js';
import { alertRegion, statusRegion } from '../ui/live.js';
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

    /** Signs in with the accepted invitation's answer and goes home. */
    async function accepted(data) {
      await setLanguage(data.user.language, { silent: true });
      setUser(data.user);
      ctx.setFlash('success', 'invitation.accepted', { organization: orgName });
      ctx.navigate('/', { replace: true });
    }

    /** The link itself stopped working: nothing on the page can help any more. */
    function linkGone(error) {
      if (!(error instanceof ApiError && (error.code === 'token.invalid' || error.code === 'token.expired'))) return false;
      form.hidden = true;
      codeSection.hidden = true;
      const box = badLink(error.code);
      problems.replaceChildren(box);
      box.focus();
      return true;
    }

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
        await accepted(await post('/api/v1/invitations/accept', body, { expectAuth: false, signal: ctx.signal }));
      } catch (error) {
        done();
        if (linkGone(error)) return;
        if (existing && error instanceof ApiError && (error.code === 'auth.invalidCredentials' || error.code === 'auth.wrongPassword')) {
          showApiError(form, error, { codeFields: { [error.code]: 'password' }, message: t('invitation.wrongPassword') });
        } else {
          showApiError(form, error);
        }
      }
    }, { signal: ctx.signal });

    // Without a password (a phone, no strong identification): a one-time code to the invited address.
    const codeStatus = statusRegion();
    const sendButton = h('button', { type: 'button', class: 'btn btn--secondary' }, t('invitation.code.send'));
    const codeField = field({
      name: 'code', label: t('invitation.code.label'), hint: t('invitation.code.hint'), autocomplete: 'one-time-code',
      attrs: { inputmode: 'numeric', maxlength: '12', pattern: '[0-9 ]*' },
    });
    const codeForm = h(
      'form',
      { class: 'narrow', novalidate: true, hidden: true },
      formError(),
      invitation.accountExists
        ? null
        : field({ name: 'displayName', label: t('label.displayName'), hint: t('hint.displayName'), autocomplete: 'name' }),
      invitation.accountExists ? null : languageField({ label: t('label.language'), hint: t('hint.language'), value: getLanguage() }),
      codeField,
      h('div', { class: 'actions' }, submitButton(t('invitation.code.accept'))),
    );
    const codeSection = h(
      'section',
      { 'aria-labelledby': 'invitation-code-title' },
      h('h2', { id: 'invitation-code-title' }, t('invitation.code.title')),
      h('p', {}, t('invitation.code.text', { email: invitation.email })),
      h('div', { class: 'actions' }, sendButton),
      codeStatus,
      codeForm,
    );
    root.appendChild(codeSection);

    sendButton.addEventListener('click', async () => {
      if (sendButton.getAttribute('aria-disabled') === 'true') return;
      sendButton.setAttribute('aria-disabled', 'true');
      try {
        await post('/api/v1/invitations/code', { token }, { expectAuth: false, signal: ctx.signal });
        setLive(codeStatus, h('p', { class: 'notice notice--success' }, t('invitation.code.sent', { email: invitation.email })));
        sendButton.textContent = t('invitation.code.sendAgain');
        if (codeForm.hidden) {
          // what was already typed in the password form is not asked again
          for (const name of ['displayName', 'language']) {
            const typed = form.elements.namedItem(name);
            const here = codeForm.elements.namedItem(name);
            if (typed && here && typed.value.trim()) here.value = typed.value;
          }
        }
        codeForm.hidden = false;
        // the first field still empty (the name of a new account, then the code)
        const next = [...codeForm.querySelectorAll('input')].find((input) => !input.value.trim()) || codeField.control;
        next.focus();
      } catch (error) {
        if (linkGone(error)) return;
        setLive(codeStatus, h('p', { class: 'notice notice--error' }, requestMessage(error)));
      } finally {
        sendButton.removeAttribute('aria-disabled');
      }
    }, { signal: ctx.signal });

    codeForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const digits = value(codeForm, 'code').replace(/\s+/g, '');
      const checks = invitation.accountExists ? [] : checkRequired(codeForm, ['displayName']);
      if (!/^[0-9]{6}$/.test(digits)) checks.push({ field: 'code', code: 'field.codeFormat' });
      if (showFieldErrors(codeForm, checks)) return;
      const done = busy(codeForm);
      if (!done) return;
      const body = invitation.accountExists
        ? { token, code: digits, language: getLanguage() }
        : { token, code: digits, displayName: value(codeForm, 'displayName').trim(), language: value(codeForm, 'language') };
      try {
        await accepted(await post('/api/v1/invitations/accept', body, { expectAuth: false, signal: ctx.signal }));
      } catch (error) {
        done();
        if (linkGone(error)) return;
        if (error instanceof ApiError && (error.code === 'code.invalid' || error.code === 'code.expired')) {
          setFieldError(codeForm, 'code', t(`error.${error.code}`));
          codeField.control.focus();
        } else {
          showApiError(codeForm, error);
        }
      }
    }, { signal: ctx.signal });
  },
};
