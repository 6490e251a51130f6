/**
 * Calendar dates (YYYY-MM-DD strings) and time zones, without a date library.
 * A claim's check date is a calendar date in its server's time zone; it has *passed* at the
 * start of the next day there.
 */
import { LIMITS } from './limits.js';
import { messageIn, type Message, type MessageVars } from './errors.js';
import { t, type MessageKey } from '../i18n/index.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isValidIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const toUtcMs = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};
const fromUtcMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (iso: string, days: number) => fromUtcMs(toUtcMs(iso) + days * DAY_MS);

/** Adds months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(ny, nm, Math.min(d, last)));
}

export const compareDates = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const dayOfWeek = (iso: string) => new Date(toUtcMs(iso)).getUTCDay(); // 0 = Sunday

export function isValidTimezone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

function wallClock(instant: Date, tz: string) {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(tz).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

/** The time zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function tzOffsetMs(instant: Date, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** Today's calendar date in a time zone. */
export function todayIn(tz: string, now: Date): string {
  const w = wallClock(now, tz);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant a calendar date starts in a time zone. */
export function startOfDay(iso: string, tz: string): Date {
  const guess = toUtcMs(iso);
  const first = guess - tzOffsetMs(new Date(guess), tz);
  const second = guess - tzOffsetMs(new Date(first), tz);
  // Local midnight under the offsets in force around it. Where midnight itself is skipped (clocks
  // jump from 00:00 to 01:00, e.g. America/Santiago, America/Havana) only one of the two falls on
  // `iso` there — the instant of the jump — so take the earliest candidate that is on that day.
  const onDay = [first, second].filter((t) => todayIn(tz, new Date(t)) === iso);
  return new Date(onDay.length ? Math.min(...onDay) : second);
}

/** The instant a check date has passed: the start of the following day in the server's zone. */
export const dueAtFor = (checkBy: string, tz: string) => startOfDay(addDays(checkBy, 1), tz);

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6,
  seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};

function monthIndex(word: string): number {
  const w = word.toLowerCase();
  return MONTHS.findIndex((m) => m === w || (w.length >= 3 && m.startsWith(w)));
}

const endOfMonth = (year: number, month0: number) => fromUtcMs(Date.UTC(year, month0 + 1, 0));

export type DateParse = { ok: true; date: string } | { ok: false; message: string; error: Message };

/** How to write a check date, in English (the catalogs: `ledgerErrors.date.help`). */
export const CHECK_BY_HELP = t('en', 'ledgerErrors.date.help');

/** A refused date: its catalog message, and the English text. */
const refuse = (key: MessageKey, vars: MessageVars = {}): DateParse => ({ ok: false, message: messageIn('en', { key, vars }), error: { key, vars } });

/**
 * Reads a check date typed by a member, relative to today in the server's time zone:
 * `2025-06-30`, `today`, `tomorrow`, `in 3 months`, `in two weeks`, `next Friday`, `next month`,
 * `end of month`, `end of year`, `end of next year`, `end of March`, `end of March 2026`,
 * `end of 2030`, `March 2026` (its last day), `30 June 2026`, `June 30, 2026`. A leading "by" is
 * ignored. Phrases of the past (`yesterday`, `3 days ago`, `last week`, `last Friday`) are read
 * too, so that a check date can be refused as being in the past rather than as unreadable.
 */
export function parseDatePhrase(input: string, today: string): DateParse {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ').replace(/^(by|on|before) /, '').replace(/[.!]$/, '');
  if (!text) return refuse('ledgerErrors.date.empty');
  const [ty, tm] = today.split('-').map(Number) as [number, number, number];

  if (ISO_DATE.test(text)) {
    return isValidIsoDate(text) ? { ok: true, date: text } : refuse('ledgerErrors.date.notReal', { typed: input.trim().slice(0, 60) });
  }
  if (text === 'today') return { ok: true, date: today };
  if (text === 'tomorrow') return { ok: true, date: addDays(today, 1) };
  if (text === 'yesterday') return { ok: true, date: addDays(today, -1) };

  // The past, read so it can be refused as such.
  let past = /^(\d{1,4}|[a-z]+) (day|week|month|year)s? ago$/.exec(text);
  if (past) {
    const n = /^\d+$/.test(past[1]!) ? Number(past[1]) : Object.hasOwn(NUMBER_WORDS, past[1]!) ? NUMBER_WORDS[past[1]!] : undefined;
    if (n !== undefined) {
      const date = past[2] === 'day' ? addDays(today, -n) : past[2] === 'week' ? addDays(today, -7 * n) : addMonths(today, -(past[2] === 'month' ? n : 12 * n));
      if (ISO_DATE.test(date)) return { ok: true, date };
    }
  }
  past = /^last (day|week|month|year)$/.exec(text);
  if (past) return parseDatePhrase(`1 ${past[1]} ago`, today);
  past = /^last ([a-z]+)$/.exec(text);
  if (past && WEEKDAYS.includes(past[1]!)) {
    const back = (dayOfWeek(today) - WEEKDAYS.indexOf(past[1]!) + 7) % 7 || 7;
    return { ok: true, date: addDays(today, -back) };
  }

  let m = /^in (\d{1,4}|[a-z]+) (day|week|month|year)s?$/.exec(text);
  if (m) {
    // Object.hasOwn: "constructor" must not be read from Object.prototype.
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : Object.hasOwn(NUMBER_WORDS, m[1]!) ? NUMBER_WORDS[m[1]!] : undefined;
    if (n === undefined) return refuse('ledgerErrors.date.notNumber', { typed: m[1]! });
    const date =
      m[2] === 'day' ? addDays(today, n)
      : m[2] === 'week' ? addDays(today, 7 * n)
      : m[2] === 'month' ? addMonths(today, n)
      : addMonths(today, 12 * n);
    // Past year 9999 the date is no longer YYYY-MM-DD ("+012025-01").
    if (!ISO_DATE.test(date)) return refuse('ledgerErrors.date.tooFar', { typed: input.trim().slice(0, 60) });
    return { ok: true, date };
  }
  m = /^next (day|week|month|year)$/.exec(text);
  if (m) return parseDatePhrase(`in 1 ${m[1]}`, today);
  m = /^(?:next |this )?([a-z]+)$/.exec(text);
  if (m && WEEKDAYS.includes(m[1]!)) {
    const target = WEEKDAYS.indexOf(m[1]!);
    let delta = (target - dayOfWeek(today) + 7) % 7;
    if (delta === 0) delta = 7;
    return { ok: true, date: addDays(today, delta) };
  }
  m = /^end of (?:the )?next (month|year|week)$/.exec(text);
  if (m) {
    if (m[1] === 'month') return { ok: true, date: endOfMonth(ty, tm) };
    if (m[1] === 'year') return { ok: true, date: `${ty + 1}-12-31` };
    return { ok: true, date: addDays(today, ((7 - dayOfWeek(today)) % 7) + 7) }; // the Sunday after the coming one
  }
  m = /^end of (?:the |this )?(month|year|week)$/.exec(text);
  if (m) {
    if (m[1] === 'month') return { ok: true, date: endOfMonth(ty, tm - 1) };
    if (m[1] === 'year') return { ok: true, date: `${ty}-12-31` };
    return { ok: true, date: addDays(today, (7 - dayOfWeek(today)) % 7) }; // the coming Sunday
  }
  m = /^end of (\d{4})$/.exec(text);
  if (m) return { ok: true, date: `${m[1]}-12-31` };
  m = /^(?:end of )?([a-z]+),? (\d{4})$/.exec(text);
  if (m && monthIndex(m[1]!) >= 0) return { ok: true, date: endOfMonth(Number(m[2]), monthIndex(m[1]!)) };
  m = /^end of ([a-z]+)$/.exec(text);
  if (m && monthIndex(m[1]!) >= 0) {
    const mi = monthIndex(m[1]!);
    const thisYear = endOfMonth(ty, mi);
    return { ok: true, date: thisYear >= today ? thisYear : endOfMonth(ty + 1, mi) };
  }
  m = /^(\d{1,2}) ([a-z]+),? (\d{4})$/.exec(text) ?? null;
  const m2 = /^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(text);
  const dmy = m ? { d: m[1]!, mon: m[2]!, y: m[3]! } : m2 ? { d: m2[2]!, mon: m2[1]!, y: m2[3]! } : null;
  if (dmy && monthIndex(dmy.mon) >= 0) {
    const iso = `${dmy.y}-${String(monthIndex(dmy.mon) + 1).padStart(2, '0')}-${dmy.d.padStart(2, '0')}`;
    return isValidIsoDate(iso) ? { ok: true, date: iso } : refuse('ledgerErrors.date.notReal', { typed: input.trim().slice(0, 60) });
  }
  return refuse('ledgerErrors.date.unreadable', { typed: input.trim().slice(0, 60) });
}

/** A check date for a new claim: readable, not in the past, not absurdly far ahead. */
export function parseCheckBy(input: string, timezone: string, now: Date): DateParse {
  const today = todayIn(timezone, now);
  const parsed = parseDatePhrase(input, today);
  if (!parsed.ok) return parsed;
  if (parsed.date < today) {
    const typed = input.trim().slice(0, 60);
    return typed === parsed.date ? refuse('ledgerErrors.date.past', { date: parsed.date }) : refuse('ledgerErrors.date.pastTyped', { typed, date: parsed.date });
  }
  const latest = addMonths(today, 12 * LIMITS.maxYearsAhead);
  if (parsed.date > latest) return refuse('ledgerErrors.checkDateTooFar', { date: parsed.date, count: LIMITS.maxYearsAhead });
  return parsed;
}
