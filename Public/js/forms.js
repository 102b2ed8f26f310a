// Form building blocks: labelled fields with hints and inline errors tied to the field
// (aria-describedby + aria-invalid), checkbox groups, and the mapping of API errors to fields.
import { h, uid, addToken, removeToken, setLive, clear } from './dom.js';
import { t, has, errorText, LANGUAGES, LANGUAGE_NAMES } from './i18n.js';
import { ApiError } from './api.js';
import { requestMessage, isAbort } from './ui/errors.js';

/** A text-like input or a select with its label, optional hint and an (empty) error slot. */
export function field({ name, label, type = 'text', hint, value = '', autocomplete, options, attrs = {} }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let control;
  if (type === 'select') {
    control = h(
      'select',
      { id, name, ...attrs },
      options.map((o) => h('option', { value: o.value, lang: o.lang, selected: o.value === value }, o.label)),
    );
  } else {
    control = h('input', {
      id,
      name,
      type,
      value,
      autocomplete,
      spellcheck: type === 'email' || type === 'password' ? 'false' : null,
      autocapitalize: type === 'email' || type === 'password' ? 'none' : null,
      ...attrs,
    });
  }
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const wrapper = h(
    'div',
    { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'field-error', id: errorId }),
    control,
  );
  wrapper.control = control;
  return wrapper;
}

export function languageField({ name = 'language', label, hint, value }) {
  return field({
    name,
    label,
    hint,
    type: 'select',
    value,
    options: LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l })),
  });
}

/** Choices in a fieldset: `type` 'checkbox' or 'radio', options [{value, label, hint}], and
 *  `isChecked(value)` for the ones checked at first. */
function choiceGroup({ type, name, legend, hint, options, isChecked }) {
  const id = uid(`g-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  return h(
    'fieldset',
    { class: 'field', dataset: { field: name }, 'aria-describedby': hintId },
    h('legend', {}, legend),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'field-error', id: `${id}-error` }),
    h(
      'ul',
      { class: 'choices' },
      options.map((o) => {
        const cid = uid(`c-${name}-${o.value}`);
        const optHint = o.hint ? `${cid}-hint` : null;
        return h(
          'li',
          { class: 'choice' },
          h('input', { type, id: cid, name, value: o.value, checked: isChecked(o.value), 'aria-describedby': optHint }),
          h('span', {}, h('label', { for: cid }, o.label), o.hint ? h('span', { class: 'hint', id: optHint }, o.hint) : null),
        );
      }),
    ),
  );
}

/** Checkboxes in a fieldset: options [{value, label, hint}]; `values` are the ones checked. */
export function checkboxGroup({ name, legend, hint, options, values = [] }) {
  return choiceGroup({ type: 'checkbox', name, legend, hint, options, isChecked: (v) => values.includes(v) });
}

/** Radio buttons in a fieldset: options [{value, label, hint}]; `value` is the one checked. */
export function radioGroup({ name, legend, hint, options, value: checked }) {
  return choiceGroup({ type: 'radio', name, legend, hint, options, isChecked: (v) => v === checked });
}

/** The value of the checked radio button of `name` ('' when none). */
export function radioValue(form, name) {
  const box = form.querySelector(`input[type="radio"][name="${CSS.escape(name)}"]:checked`);
  return box ? box.value : '';
}

/** One "Show password" checkbox that reveals the given password inputs. */
export function passwordToggle(inputs) {
  const id = uid('show-password');
  const box = h('input', {
    type: 'checkbox',
    id,
    onChange: () => {
      for (const input of inputs) input.type = box.checked ? 'text' : 'password';
    },
  });
  return h('div', { class: 'choice password-toggle' }, box, h('label', { for: id }, t('form.showPassword')));
}

export function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[type="checkbox"][name="${name}"]`)].filter((c) => c.checked).map((c) => c.value);
}

export function value(form, name) {
  const el = form.elements.namedItem(name);
  return el && 'value' in el ? el.value : '';
}

/** The message of a field error code; a field-specific text ("field.required.email") wins. */
export function fieldMessage(name, code) {
  if (has(`${code}.${name}`)) return t(`${code}.${name}`);
  if (code && code.startsWith('field.') && has(code)) return t(code);
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  return t('field.invalidValue');
}

function fieldContainer(form, name) {
  return form.querySelector(`[data-field="${CSS.escape(name)}"]`);
}

export function setFieldError(form, name, message) {
  const container = fieldContainer(form, name);
  if (!container) return false;
  const slot = container.querySelector('.field-error');
  slot.textContent = message;
  container.classList.add('field--invalid');
  if (container.tagName === 'FIELDSET') {
    addToken(container, 'aria-describedby', slot.id);
    for (const box of container.querySelectorAll('input')) box.setAttribute('aria-invalid', 'true');
  } else {
    const control = container.querySelector('input, select, textarea');
    control.setAttribute('aria-invalid', 'true');
    addToken(control, 'aria-describedby', slot.id);
  }
  return true;
}

export function clearErrors(form) {
  for (const container of form.querySelectorAll('[data-field]')) {
    const slot = container.querySelector('.field-error');
    if (slot) {
      slot.textContent = '';
      removeToken(container, 'aria-describedby', slot.id);
      for (const c of container.querySelectorAll('input, select, textarea')) {
        c.removeAttribute('aria-invalid');
        removeToken(c, 'aria-describedby', slot.id);
      }
    }
    container.classList.remove('field--invalid');
  }
  const summary = form.querySelector('.form-error');
  if (summary) clear(summary);
}

function focusFirstInvalid(form) {
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

/** The error box of a form (role="alert"), created empty so that it is announced when filled. */
export function formError() {
  return h('div', { class: 'form-error notice notice--error', role: 'alert' });
}

/**
 * Show client-side validation problems: [{field, code}]. Returns true if there were any.
 */
export function showFieldErrors(form, problems, { summary = true } = {}) {
  clearErrors(form);
  if (!problems.length) return false;
  for (const p of problems) setFieldError(form, p.field, fieldMessage(p.field, p.code));
  const box = form.querySelector('.form-error');
  if (box && summary) setLive(box, t('error.request.validation'));
  focusFirstInvalid(form);
  return true;
}

/**
 * Show an API error on a form: field errors next to their fields, the rest in the form's
 * error box. `aliases` maps JSON property names to form field names; `codeFields` puts a
 * whole-request code on a field (e.g. {'auth.wrongPassword': 'currentPassword'}); `message`
 * replaces the text (of the box and of such a field).
 */
export function showApiError(form, error, { aliases = {}, codeFields = {}, message } = {}) {
  if (isAbort(error)) return; // the page changed: nothing to say
  clearErrors(form);
  const box = form.querySelector('.form-error');
  const leftovers = [];
  const code = error instanceof ApiError ? error.code : 'unknown';
  const isValidation = error instanceof ApiError && error.status === 422 && error.errors.length > 0;
  if (error instanceof ApiError && error.errors.length) {
    for (const e of error.errors) {
      const name = aliases[e.field] || e.field;
      const text = !isValidation && message ? message : fieldMessage(name, e.code);
      if (!setFieldError(form, name, text) && isValidation) leftovers.push(text);
    }
  }
  if (codeFields[code]) setFieldError(form, codeFields[code], message || errorText(code));
  const text = message || (isValidation ? t('error.request.validation') : requestMessage(error));
  if (box) {
    setLive(box, leftovers.length ? `${text} ${leftovers.join(' ')}` : text);
  }
  focusFirstInvalid(form);
}

export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/** Common checks: returns [{field, code}]. */
export function checkRequired(form, names) {
  return names.filter((n) => !value(form, n).trim()).map((n) => ({ field: n, code: 'field.required' }));
}

export function checkEmail(form, name) {
  const v = value(form, name).trim();
  if (!v) return [{ field: name, code: 'field.required' }];
  if (!EMAIL_PATTERN.test(v)) return [{ field: name, code: 'field.invalidEmail' }];
  return [];
}

export function checkNewPassword(form, name, repeatName) {
  const v = value(form, name);
  const problems = [];
  if (!v) problems.push({ field: name, code: 'field.required' });
  else if (v.length < PASSWORD_MIN) problems.push({ field: name, code: 'field.passwordTooShort' });
  else if (v.length > PASSWORD_MAX) problems.push({ field: name, code: 'field.passwordTooLong' });
  if (repeatName) {
    const r = value(form, repeatName);
    if (!r) problems.push({ field: repeatName, code: 'field.required' });
    else if (v && r !== v) problems.push({ field: repeatName, code: 'field.passwordMismatch' });
  }
  return problems;
}

/**
 * Mark the form busy while a request runs (buttons stay focusable: aria-disabled, not disabled,
 * so keyboard focus is not lost). Returns a function that ends the busy state, or null if the
 * form was already busy (a double submit).
 */
export function busy(form) {
  if (form.dataset.busy === 'true') return null;
  form.dataset.busy = 'true';
  form.setAttribute('aria-busy', 'true');
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  for (const b of buttons) b.setAttribute('aria-disabled', 'true');
  return () => {
    delete form.dataset.busy;
    form.removeAttribute('aria-busy');
    for (const b of buttons) b.removeAttribute('aria-disabled');
  };
}
