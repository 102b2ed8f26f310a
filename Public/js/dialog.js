// Modal dialogs on the native <dialog> element: focus goes in on open and back to the opener
// on close; Escape closes. A dialog belongs to the page that opened it: when that page is left
// (its ctx.signal aborts; by default the signal of the page being shown) the dialog closes, as
// if cancelled.
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { formError, showApiError, busy } from './forms.js';
import { pageSignal } from './router.js';

function create(parent, title, describedText, signal = pageSignal()) {
  const titleId = uid('dialog-title');
  const textId = describedText ? uid('dialog-text') : null;
  const dialog = h('dialog', { 'aria-labelledby': titleId, 'aria-describedby': textId });
  dialog.appendChild(h('h2', { id: titleId }, title));
  if (describedText) dialog.appendChild(h('p', { id: textId }, describedText));
  (parent || document.body).appendChild(dialog);
  const leave = () => {
    if (dialog.open) dialog.close();
    else dialog.remove();
  };
  if (signal.aborted) queueMicrotask(leave);
  else {
    signal.addEventListener('abort', leave, { once: true });
    dialog.addEventListener('close', () => signal.removeEventListener('abort', leave), { once: true });
  }
  return dialog;
}

function finish(dialog, opener) {
  dialog.remove();
  if (opener && opener.isConnected) opener.focus();
}

/** Ask a yes/no question; resolves true when confirmed. */
export function confirmDialog({ parent, title, text, confirmLabel, danger = false, signal }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const dialog = create(parent, title, text, signal);
    let result = false;
    const ok = h('button', { type: 'button', class: `btn ${danger ? 'btn--danger' : 'btn--primary'}` }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn btn--secondary' }, t('action.cancel'));
    ok.addEventListener('click', () => {
      result = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      finish(dialog, opener);
      resolve(result);
    });
    dialog.appendChild(h('div', { class: 'actions actions--stack-sm' }, ok, cancel));
    dialog.showModal();
    cancel.focus(); // the safe choice first
  });
}

/**
 * A dialog for content of your own: returns the <dialog> with its title (and text) in it; add the
 * content, then call showModal(). Focus goes back to the opener when it closes, then onClose runs.
 */
export function contentDialog({ parent, title, text, onClose, signal }) {
  const opener = document.activeElement;
  const dialog = create(parent, title, text, signal);
  dialog.addEventListener('close', () => {
    finish(dialog, opener);
    if (onClose) onClose();
  });
  return dialog;
}

/**
 * A dialog holding a form. `fields` are the form's children; `onSubmit(form)` runs the request;
 * when it throws, the error is shown inside the dialog (showApiError with `errorOptions`, or
 * `onError(form, error)`) and it stays open. `cancelLabel` names the button that closes it
 * ("Peruuta" by default); `danger` makes the submit button red.
 * Resolves with onSubmit's result, or null when cancelled.
 */
export function formDialog({ parent, title, text, fields, submitLabel, cancelLabel = t('action.cancel'), danger = false, validate, onSubmit, errorOptions, onError, signal }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const dialog = create(parent, title, text, signal);
    let result = null;
    const cancel = h('button', { type: 'button', class: 'btn btn--secondary' }, cancelLabel);
    const form = h(
      'form',
      { novalidate: true },
      formError(),
      ...fields,
      h('div', { class: 'actions actions--stack-sm' }, h('button', { type: 'submit', class: `btn ${danger ? 'btn--danger' : 'btn--primary'}` }, submitLabel), cancel),
    );
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (validate && validate(form)) return;
      const done = busy(form);
      if (!done) return;
      try {
        result = await onSubmit(form);
        done();
        dialog.close();
      } catch (error) {
        done();
        if (onError) onError(form, error);
        else showApiError(form, error, errorOptions || {});
      }
    });
    dialog.addEventListener('close', () => {
      finish(dialog, opener);
      resolve(result);
    });
    dialog.appendChild(form);
    dialog.showModal();
    const first = form.querySelector('input, select, textarea');
    if (first) first.focus();
  });
}
