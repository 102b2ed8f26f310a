// A short address (/s/…) for a catalogue search or a shared favourite list, easy to send in a
// text message. A button makes it (POST /api/v1/short-links; asking again gives the same code),
// then the address is shown in a read-only field with "Kopioi linkki", as the list's read-only
// link is. The address is text to copy, not a link: opening it needs a full page load (the server
// answers with a redirect), which the router's in-page navigation would not do.
import { h, uid, setLive } from '../dom.js';
import { t, has } from '../i18n.js';
import { post, ApiError } from '../api.js';
import { statusRegion, alertRegion } from '../ui/live.js';
import { requestMessage, isAbort } from '../ui/errors.js';
import { copyFieldText } from '../ui/copy.js';

/** The words of a failed request: the short link's own texts first, then the general ones. */
export function shortLinkMessage(error) {
  const key = error instanceof ApiError ? `shortLink.error.${error.code.replace(/^shortLink\./, '')}` : '';
  if (key && has(key)) return t(key);
  return requestMessage(error);
}

/** Copy the field's text to the clipboard; without a clipboard, select it for Ctrl+C. */
export async function copyField(input, status) {
  setLive(status, t((await copyFieldText(input)) ? 'catalogue.share.copied' : 'catalogue.share.copyManually'));
}

/**
 * The box: {node, reset(), setNote(text)}.
 *   buttonText  the button that makes the link ("Jaa haku")
 *   label, hint the field's label and the line under it
 *   request()   the body of POST /api/v1/short-links ({search} or {listId})
 *   isCurrent() false once the page has been left
 * reset() hides a link made for what is no longer shown (the search changed). setNote(text) shows
 * a line under the button (empty: none); with {withLink: true} the line stays under the field
 * once the link is shown (the button and its line are then hidden).
 */
export function shortLinkBox({ buttonText, label, hint, request, isCurrent = () => true }) {
  const inputId = uid('short-link');
  const hintId = `${inputId}-hint`;
  const noteId = `${inputId}-note`;
  const linkNoteId = `${inputId}-link-note`;
  const status = statusRegion();
  const problem = alertRegion();
  const make = h('button', { type: 'button', class: 'btn btn--secondary short-link__make' }, buttonText);
  const note = h('p', { id: noteId, class: 'hint short-link__note', hidden: true });
  const input = h('input', {
    id: inputId, type: 'text', readonly: true, class: 'short-link__url', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': hintId,
  });
  const linkNote = h('span', { class: 'hint short-link__link-note', id: linkNoteId, hidden: true });
  input.addEventListener('focus', () => input.select());
  // "Kopioi linkki" is read with the field's label (a page may have two such buttons)
  const copy = h('button', { type: 'button', class: 'btn btn--primary short-link__copy', 'aria-describedby': `${inputId}-label` }, t('catalogue.share.copy'));
  copy.addEventListener('click', () => copyField(input, status));
  const result = h('div', { class: 'short-link__result', hidden: true },
    h('div', { class: 'field short-link__field' },
      h('label', { for: inputId, id: `${inputId}-label` }, label),
      h('span', { class: 'hint', id: hintId }, hint),
      linkNote,
      input),
    h('div', { class: 'actions' }, copy));
  const start = h('div', { class: 'short-link__start' }, make, note);
  const node = h('div', { class: 'short-link', dataset: { state: 'idle' } },
    start,
    result,
    problem,
    status);

  let round = 0; // a link asked for before reset() is not shown
  make.addEventListener('click', async () => {
    if (make.getAttribute('aria-disabled') === 'true') return;
    make.setAttribute('aria-disabled', 'true');
    const mine = ++round;
    try {
      const answer = await post('/api/v1/short-links', request());
      if (!isCurrent() || mine !== round) return;
      input.value = answer.url;
      node.dataset.code = answer.code;
      node.dataset.state = 'ready';
      result.hidden = false;
      start.hidden = true;
      setLive(problem, '');
      setLive(status, t('shortLink.created'));
      input.focus();
      input.select();
    } catch (error) {
      if (isAbort(error) || mine !== round) return;
      setLive(problem, h('div', { class: 'notice notice--error' }, h('p', {}, shortLinkMessage(error))));
    } finally {
      make.removeAttribute('aria-disabled');
    }
  });

  function reset() {
    round += 1;
    const hadFocus = node.contains(document.activeElement) && document.activeElement !== make;
    result.hidden = true;
    start.hidden = false;
    input.value = '';
    node.dataset.state = 'idle';
    delete node.dataset.code;
    setLive(problem, '');
    setLive(status, '');
    if (hadFocus) make.focus();
  }

  function setNote(text, { withLink = false } = {}) {
    note.textContent = text || '';
    note.hidden = !text;
    if (text) make.setAttribute('aria-describedby', noteId);
    else make.removeAttribute('aria-describedby');
    const keep = Boolean(text) && withLink;
    linkNote.textContent = keep ? text : '';
    linkNote.hidden = !keep;
    input.setAttribute('aria-describedby', keep ? `${hintId} ${linkNoteId}` : hintId);
  }

  return { node, reset, setNote };
}
