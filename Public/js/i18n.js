// UI texts. All strings live in /i18n/{fi,sv,en}.json (flat keys). Finnish is the default and
// the fallback for a key missing from another language.

export const LANGUAGES = ['fi', 'sv', 'en'];
export const LANGUAGE_NAMES = { fi: 'Suomi', sv: 'Svenska', en: 'English' };
const STORAGE_KEY = 'ohjaustila.language';
const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

const dictionaries = new Map();
let current = 'fi';
const listeners = new Set();

function stored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function initialLanguage() {
  const s = stored();
  return LANGUAGES.includes(s) ? s : 'fi';
}

async function load(lang) {
  if (dictionaries.has(lang)) return dictionaries.get(lang);
  const response = await fetch(`/i18n/${lang}.json`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`i18n ${lang}: ${response.status}`);
  const dict = await response.json();
  dictionaries.set(lang, dict);
  return dict;
}

export function getLanguage() {
  return current;
}

export function locale() {
  return LOCALES[current] || 'fi-FI';
}

/** Switch the UI language; keeps the choice in localStorage unless persist is false. */
export async function setLanguage(lang, { persist = true, silent = false } = {}) {
  if (!LANGUAGES.includes(lang)) lang = 'fi';
  await Promise.all([load('fi'), load(lang)]);
  const changed = lang !== current;
  current = lang;
  document.documentElement.lang = lang;
  if (persist) {
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }
  if (!silent) for (const fn of listeners) fn(lang, changed);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function has(key) {
  const dict = dictionaries.get(current) || {};
  const fi = dictionaries.get('fi') || {};
  return key in dict || key in fi;
}

/** t('error.auth.rateLimited.wait', {seconds: 30}) → the text with {seconds} replaced. */
export function t(key, params) {
  const dict = dictionaries.get(current) || {};
  const fi = dictionaries.get('fi') || {};
  let text = key in dict ? dict[key] : key in fi ? fi[key] : key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return text;
}

/** A LocalText {fi, sv?, en?} in the current language, falling back to Finnish. */
export function localText(value) {
  if (!value) return '';
  if (typeof value === 'string') return value;
  return value[current] || value.fi || Object.values(value)[0] || '';
}

export function errorText(code) {
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  if (code && code.endsWith('.notFound')) return t('error.notFound');
  return t('error.unknown');
}
