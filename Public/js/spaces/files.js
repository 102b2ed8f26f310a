// Uploading a file to a guidance space (docs/api.md "Guidance spaces": POST …/files), shared by
// the files panel and the message form: a check before anything is sent (the size; the server
// checks the type from the content), the upload with its progress ("Lähetetään… 40 %"), and the
// words for what went wrong, shown next to the file field.
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { upload, enc } from '../api.js';

/** The server's default limit (--max-upload-mb 20); a smaller server limit answers file.tooLarge. */
export const MAX_BYTES = 20 * 1024 * 1024;

/** What the file chooser offers (the server decides from the content, not from the name). */
export const ACCEPT = [
  '.pdf', '.png', '.jpg', '.jpeg', '.txt',
  '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx',
  '.odt', '.ods', '.odp', '.odg',
  'application/pdf', 'image/png', 'image/jpeg', 'text/plain',
].join(',');

/** A problem found before uploading (a code of the API), or null. */
export function checkFile(file) {
  if (!file) return 'field.required';
  if (file.size > MAX_BYTES) return 'file.tooLarge';
  return null;
}

/** The text for a failed upload, meant for the file field. */
export function uploadErrorText(error) {
  const code = error && error.code;
  if (code === 'field.required') return t('field.required.file');
  if (code === 'request.tooLarge') return errorText('file.tooLarge');
  return errorText(code || 'unknown');
}

/** POST the file; resolves with {id, name, size, contentType}. */
export function uploadFile(spaceId, file, { privateTo = null, onProgress, signal } = {}) {
  const form = new FormData();
  if (privateTo) form.append('privateTo', privateTo);
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
