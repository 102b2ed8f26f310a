// Uploading a file to a guidance space (docs/api.md "Guidance spaces": POST …/files), shared by
// the files panel and the message form: a check before anything is sent (the size; the server
// checks the type from the content), the upload with its progress ("Lähetetään… 40 %"), and the
// words for what went wrong, shown next to the file field.
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { upload, enc } from '../api.js';
import { sizeText } from './common.js';

/** The server's default limit (--max-upload-mb 20), for a space that does not say its own. */
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** The largest file the server takes in this space. */
function maxBytes(space) {
  return (space && space.maxFileBytes) || DEFAULT_MAX_BYTES;
}

/** The limit in words: "20 Mt". */
export function limitText(space) {
  return sizeText(maxBytes(space));
}

/** What the file chooser offers (the server decides from the content, not from the name). */
export const ACCEPT = [
  '.pdf', '.png', '.jpg', '.jpeg', '.txt',
  '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx',
  '.odt', '.ods', '.odp', '.odg',
  'application/pdf', 'image/png', 'image/jpeg', 'text/plain',
].join(',');

/** A problem found before uploading (a code of the API), or null. */
export function checkFile(file, space) {
  if (!file) return 'field.required';
  if (file.size > maxBytes(space)) return 'file.tooLarge';
  return null;
}

/** The text for a failed upload, meant for the file field. */
export function uploadErrorText(error, space) {
  const code = error && error.code;
  if (code === 'field.required') return t('field.required.file');
  if (code === 'file.tooLarge' || code === 'request.tooLarge') return t('error.file.tooLarge', { max: limitText(space) });
  return errorText(code || 'unknown');
}

/**
 * POST the file; resolves with {id, name, size, contentType}. `attachment`: the file goes with a
 * message, which shows it (the conversation then has no note of its own for the file).
 */
export function uploadFile(spaceId, file, { privateTo = null, attachment = false, onProgress, signal } = {}) {
  const form = new FormData();
  if (privateTo) form.append('privateTo', privateTo);
  if (attachment) form.append('attachment', 'true');
  form.append('file', file, file.name);
  return upload(`/api/v1/spaces/${enc(spaceId)}/files`, form, { onProgress, signal });
}

/**
 * A progress line for an upload: a <progress> bar and "Lähetetään… 40 %" in words (a status
 * region, so that a screen reader hears that it started and that it ended, not every step).
 */
export function progressLine() {
  const bar = h('progress', { max: '100', value: '0', 'aria-hidden': 'true' });
  const text = h('span', { class: 'upload-progress__text' });
  const node = h('p', { class: 'upload-progress', hidden: true }, text, ' ', bar);
  let lastShown = -1;
  return {
    node,
    start(name) {
      node.hidden = false;
      bar.value = 0;
      lastShown = -1;
      text.textContent = t('space.files.sending', { name });
    },
    update(sent, total, name) {
      if (!total) return;
      const percent = Math.min(100, Math.floor((sent / total) * 100));
      bar.value = percent;
      if (percent - lastShown >= 10 || percent === 100) {
        lastShown = percent;
        text.textContent = t('space.files.sendingPercent', { name, percent });
      }
    },
    stop() {
      node.hidden = true;
      text.textContent = '';
    },
  };
}
