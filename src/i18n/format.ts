/**
 * Numbers and dates as a language writes them (Intl), and Discord timestamps, which Discord itself
 * renders in each reader's language and time zone. Pure functions; the Translator binds the locale.
 */
import { time, type TimestampStylesString } from '@discordjs/formatters';

/** 'date': 6 November 2024 · 'short': 06.11.2024 · 'datetime': 6 Nov 2024, 09:00 */
export type DateStyle = 'date' | 'short' | 'datetime';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

export function formatNumber(locale: string, value: number, options?: Intl.NumberFormatOptions): string {
  return numberFormat(locale, options).format(value);
}

/** A share (0.425) as a percentage with at most `digits` decimals. */
export function formatPercent(locale: string, share: number, digits = 0): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(share);
}

const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'long' },
  short: { dateStyle: 'short' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
};

export function formatDate(locale: string, at: Date, options: { timeZone?: string; style?: DateStyle } = {}): string {
  const style = options.style ?? 'date';
  const timeZone = options.timeZone ?? 'UTC';
  const key = `d|${locale}|${style}|${timeZone}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { ...DATE_OPTIONS[style], timeZone })));
  return f.format(at);
}

/**
 * A Discord timestamp (`<t:1730851200:R>`): shown by Discord in each reader's own language and
 * zone, so it suits public posts read by people of several languages. Styles: t T d D f F R.
 */
export function timestamp(at: Date, style: TimestampStylesString = 'f'): string {
  return time(Math.floor(at.getTime() / 1000), style);
}
