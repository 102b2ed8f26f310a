// The one way a failed request is put into words: requestMessage(error) for any error a request
// can throw (ApiError, a network failure, a bug), showRequestError(region, error) to show it in a
// live region. Forms (forms.showApiError) use the same text for what is not about a field.
import { h, setLive } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { ApiError } from '../api.js';

/** The message of a whole-request error; "try again in N seconds" when the server said N. */
export function requestMessage(error) {
  if (!(error instanceof ApiError)) return errorText('unknown');
  if (error.code === 'auth.rateLimited' && error.retryAfter !== null && error.retryAfter !== undefined) {
    return t('error.auth.rateLimited.wait', { seconds: Math.max(1, error.retryAfter) });
  }
  return errorText(error.code);
}

/** True for the error of a request cancelled because the page changed (nothing to show). */
export function isAbort(error) {
  return Boolean(error && error.name === 'AbortError');
}

/** Show the error of a request in a live region (an error notice); nothing for a cancelled one. */
export function showRequestError(region, error) {
  if (isAbort(error)) return;
  setLive(region, h('div', { class: 'notice notice--error' }, h('p', {}, requestMessage(error))));
}
