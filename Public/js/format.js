// Times in Europe/Helsinki, in the format of the UI language:
// fi "ti 24.11. klo 14.30", sv "tis 24.11 kl. 14.30", en "Tue 24 Nov, 14:30".
import { getLanguage, locale, t } from './i18n.js';

const ZONE = 'Europe/Helsinki';

function parts(date, options) {
  const out = {};
  for (const p of new Intl.DateTimeFormat(locale(), { timeZone: ZONE, ...options }).formatToParts(date)) {
    out[p.type] = p.value;
  }
  return out;
}

function yearIn(date) {
  return parts(date, { year: 'numeric' }).year;
}

export function formatDateTime(iso) {
  if (!iso) return '';
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const lang = getLanguage();
  const withYear = yearIn(date) !== yearIn(new Date());
  const p = parts(date, {
    weekday: 'short',
    day: 'numeric',
    month: lang === 'en' ? 'short' : 'numeric',
    year: 'numeric',
    hour: lang === 'en' ? '2-digit' : 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  if (lang === 'en') {
    return `${p.weekday} ${p.day} ${p.month}${withYear ? ` ${p.year}` : ''}, ${p.hour}:${p.minute}`;
  }
  if (lang === 'sv') {
    return `${p.weekday} ${p.day}.${p.month}${withYear ? `.${p.year}` : ''} kl. ${p.hour}.${p.minute}`;
  }
  return `${p.weekday} ${p.day}.${p.month}.${withYear ? p.year : ''} klo ${p.hour}.${p.minute}`;
}

export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const lang = getLanguage();
  const p = parts(date, { day: 'numeric', month: lang === 'en' ? 'short' : 'numeric', year: 'numeric' });
  if (lang === 'en') return `${p.day} ${p.month} ${p.year}`;
  return `${p.day}.${p.month}.${p.year}`;
}

/** A day with its weekday: fi "ti 24.11.", sv "tis 24.11", en "Tue 24 Nov" (the year when not this one). */
export function formatDay(iso) {
  if (!iso) return '';
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const lang = getLanguage();
  const withYear = yearIn(date) !== yearIn(new Date());
  const p = parts(date, { weekday: 'short', day: 'numeric', month: lang === 'en' ? 'short' : 'numeric', year: 'numeric' });
  if (lang === 'en') return `${p.weekday} ${p.day} ${p.month}${withYear ? ` ${p.year}` : ''}`;
  if (lang === 'sv') return `${p.weekday} ${p.day}.${p.month}${withYear ? `.${p.year}` : ''}`;
  return `${p.weekday} ${p.day}.${p.month}.${withYear ? p.year : ''}`;
}

/** True when the time is 23.59 in Helsinki: a due time given as a day only ("by Tuesday"). */
export function isEndOfDay(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return false;
  const p = parts(date, { hour: 'numeric', minute: '2-digit', hourCycle: 'h23' });
  return Number(p.hour) === 23 && Number(p.minute) === 59;
}

/** "juuri nyt", "5 minuuttia sitten" for the last hour, otherwise the full time. */
export function formatRecent(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const diff = (date.getTime() - Date.now()) / 1000;
  if (Math.abs(diff) < 60) return t('time.justNow');
  if (Math.abs(diff) < 3600) {
    return new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' }).format(Math.round(diff / 60), 'minute');
  }
  return formatDateTime(date);
}


/** The Helsinki midnight that starts `day` ("2026-11-24") plus `plusDays`, as an ISO instant. */
export function helsinkiDayStart(day, plusDays = 0) {
  const [year, month, date] = day.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, date + plusDays);
  const offset = (ms) => {
    const p = parts(new Date(ms), { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - ms;
  };
  // the offset at the guess, then again at the found instant (a day that starts a summer time)
  let instant = wall - offset(wall);
  instant = wall - offset(instant);
  return new Date(instant).toISOString();
}
