// fetch wrapper for /api/v1: sends and reads JSON, turns problem+json answers into ApiError.
// Store events: 'connection' ('online' | 'offline') after each request, 'unauthorized' (error)
// when a request that needed a session got 401 auth.required (the session has ended).
// A request given an AbortSignal (a page's ctx.signal) is cancelled when the page changes.
// A FormData body is sent as multipart/form-data (file uploads); a body given with `contentType`
// is sent as it is (a file's text, e.g. the registry's JSON for postRaw()); any other body as JSON.
import { emit } from './store.js';

const STATUS_CODES = {
  400: 'request.invalidJSON',
  401: 'auth.required',
  403: 'access.forbidden',
  404: 'notFound',
  405: 'method.notAllowed',
  409: 'conflict',
  410: 'token.expired',
  413: 'request.tooLarge',
  422: 'request.validation',
  429: 'auth.rateLimited',
  500: 'server.internal',
  503: 'server.unavailable',
};

export class ApiError extends Error {
  constructor(status, code, { errors = [], retryAfter = null, title = '', details = null } = {}) {
    super(`${status} ${code}${title ? `: ${title}` : ''}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = Array.isArray(errors) ? errors : [];
    this.retryAfter = retryAfter;
    // what the problem says besides its code (a version conflict's both sides), or null
    this.details = details && typeof details === 'object' ? details : null;
  }

  get isAccessProblem() {
    return this.status === 403 || this.status === 404;
  }
}

function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number.parseInt(value, 10);
  if (!Number.isNaN(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export async function api(path, { method = 'GET', body, contentType, expectAuth = true, signal } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal };
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    init.body = body; // multipart (a file upload): the browser sets the Content-Type with its boundary
  } else if (body !== undefined && contentType) {
    headers['Content-Type'] = contentType; // a body already in its final form (a file's text)
    init.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error && error.name === 'AbortError') throw error;
    emit('connection', 'offline');
    throw new ApiError(0, navigator.onLine === false ? 'network.offline' : 'network.failed');
  }
  emit('connection', response.status === 503 && response.headers.get('X-Offline') ? 'offline' : 'online');
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (response.status !== 204 && /json/.test(type)) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (signal && signal.aborted) throw new DOMException('The page changed', 'AbortError');
  if (response.ok) return data;

  const code = (data && typeof data.code === 'string' && data.code) || STATUS_CODES[response.status] || 'unknown';
  const error = new ApiError(response.status, code, {
    errors: data && data.errors,
    title: data && data.title,
    details: data && data.details,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
  if (response.status === 401 && code === 'auth.required' && expectAuth) emit('unauthorized', error);
  throw error;
}

/**
 * Upload a FormData body with XMLHttpRequest (fetch has no upload progress): onProgress(sent,
 * total) while the bytes go out. Resolves and rejects as api() does (ApiError, AbortError).
 */
export function upload(path, form, { onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    if (onProgress) xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0));
    const abort = () => xhr.abort();
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('The page changed', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', abort, { once: true });
    }
    const done = () => {
      if (signal) signal.removeEventListener('abort', abort);
    };
    xhr.addEventListener('abort', () => {
      done();
      reject(new DOMException('The page changed', 'AbortError'));
    });
    xhr.addEventListener('error', () => {
      done();
      emit('connection', 'offline');
      reject(new ApiError(0, navigator.onLine === false ? 'network.offline' : 'network.failed'));
    });
    xhr.addEventListener('load', () => {
      done();
      emit('connection', 'online');
      let data = null;
      if (/json/.test(xhr.getResponseHeader('Content-Type') || '')) {
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = null;
        }
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      const code = (data && typeof data.code === 'string' && data.code) || STATUS_CODES[xhr.status] || 'unknown';
      const error = new ApiError(xhr.status, code, { errors: data && data.errors, title: data && data.title });
      if (xhr.status === 401 && code === 'auth.required') emit('unauthorized', error);
      reject(error);
    });
    xhr.send(form);
  });
}

export const get = (path, options) => api(path, { ...options, method: 'GET' });
export const post = (path, body = {}, options) => api(path, { ...options, method: 'POST', body });
export const patch = (path, body, options) => api(path, { ...options, method: 'PATCH', body });
export const put = (path, body, options) => api(path, { ...options, method: 'PUT', body });
export const del = (path, options) => api(path, { ...options, method: 'DELETE' });
/** POST a body as it is (a string or a Blob, e.g. a JSON file's text) with its Content-Type. */
export const postRaw = (path, body, contentType, options) => api(path, { ...options, method: 'POST', body, contentType });

/** Every item of a Page<T> route, following nextCursor (at most `max` items). */
export async function getAll(path, { max = 1000, limit = 100, signal } = {}) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await get(url, { signal });
    items.push(...(page.items || []));
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

export const enc = encodeURIComponent;
