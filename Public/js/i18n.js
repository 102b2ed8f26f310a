// UI texts. All strings live in /i18n/{fi,sv,en}.json (flat keys). Finnish is the default and
// the fallback for a key missing from another language.

// A change of language is the store event 'language' (lang, changed).
import { emit } from './store.js';
import { LANGUAGE_KEY, localGet, localSet } from './storage.js';

export const LANGUAGES = ['fi', 'sv', 'en'];
export const LANGUAGE_NAMES = { fi: 'Suomi', sv: 'Svenska', en: 'English' };
const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

const dictionaries = new Map();
let current = 'fi';

export function initialLanguage() {
  const s = localGet(LANGUAGE_KEY);
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
  if (persist) localSet(LANGUAGE_KEY, lang); // private mode: the choice lasts for this page only
  if (!silent) emit('language', lang, changed);
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

/**
 * A count in words: plural('catalogue.results', 3) → the text of 'catalogue.results.other' with
 * {count} = 3. The form comes from Intl.PluralRules of the UI language ('one' or 'other' in fi, sv
 * and en); a '.zero' text, when there is one, is used for 0 ("Ei tuloksia").
 */
export function plural(key, count, params = {}) {
  const n = Number(count) || 0;
  const all = { count: n, ...params };
  if (n === 0 && has(`${key}.zero`)) return t(`${key}.zero`, all);
  const form = new Intl.PluralRules(locale()).select(n);
  return t(has(`${key}.${form}`) ? `${key}.${form}` : `${key}.other`, all);
}

/** A LocalText {fi, sv?, en?} in the current language, falling back to Finnish. */
export function localText(value) {
  if (!value) return '';
  if (typeof value === 'string') return value;
  return value[current] || value.fi || Object.values(value)[0] || '';
}

/**
 * A LocalText in the current language, and the language it is in: the current one when it has a
 * text of its own, else Finnish (or the first there is). A plain string counts as the current language.
 */
export function localTextIn(value) {
  if (!value) return { text: '', lang: current };
  if (typeof value === 'string') return { text: value, lang: current };
  const own = (value[current] || '').trim();
  if (own) return { text: value[current], lang: current };
  if ((value.fi || '').trim()) return { text: value.fi, lang: 'fi' };
  const [lang, text] = Object.entries(value).find(([, v]) => (v || '').trim()) || ['fi', ''];
  return { text, lang };
}

export function errorText(code) {
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  if (code && code.endsWith('.notFound')) return t('error.notFound');
  return t('error.unknown');
}
