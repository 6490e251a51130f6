/** Checks on member-typed input. Each returns the cleaned value or throws a LedgerError that says what to fix. */
import { invalid, type Message } from './errors.js';
import type { MessageKey } from '../i18n/index.js';
import { isValidIsoDate } from './dates.js';
import { LIMITS } from './limits.js';

/**
 * Invisible characters: format characters (Unicode category Cf: zero-width space, joiners, direction
 * marks and embeddings/overrides/isolates, word joiner, invisible operators, BOM, soft hyphen, tag
 * characters …) except the few Cf that draw a sign (Arabic number signs and the like), plus the
 * "blank letters" (Hangul fillers, braille blank) that look like nothing. They make a claim or
 * speaker look empty, or two speakers look alike while differing, so text never keeps them.
 */
const INVISIBLE = /(?![\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}])\p{Cf}|[\u115F\u1160\u3164\uFFA0\u2800]/gu;

/**
 * Trims, folds runs of spaces (not newlines; any Unicode space counts) into one, drops control
 * and invisible characters (see INVISIBLE) other than newline and tab, and replaces lone UTF-16
 * surrogates with U+FFFD (PostgreSQL's json refuses them).
 */
export function cleanText(value: string): string {
  return (
    value
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
      .replace(INVISIBLE, '')
      .replace(/[\u2028\u2029]/g, '\n')
      .replace(/[\p{Zs}\t]+/gu, ' ')
      .trim()
  );
}

/** For a value that cleaned to nothing: did invisible characters make it look like text? */
const hadInvisible = (raw: string) => raw.search(INVISIBLE) !== -1;

/** The names members know fields by, in the catalogs; a name not listed (a file's field, `madeOn`) is shown as written. */
const FIELD_KEYS: Readonly<Record<string, MessageKey>> = {
  Claim: 'ledgerErrors.field.claim',
  'Made on': 'ledgerErrors.field.madeOn',
  'Source URL': 'ledgerErrors.field.sourceUrl',
  Outlet: 'ledgerErrors.field.outlet',
  Quote: 'ledgerErrors.field.quote',
  Speaker: 'ledgerErrors.field.speaker',
  Criteria: 'ledgerErrors.field.criteria',
  Link: 'ledgerErrors.field.link',
  Note: 'ledgerErrors.field.note',
  Evidence: 'ledgerErrors.field.evidence',
  Query: 'ledgerErrors.field.query',
  'Check by': 'ledgerErrors.field.checkBy',
  'The restatement': 'ledgerErrors.field.restatement',
  'Check-by note': 'ledgerErrors.field.checkByNote',
  Title: 'ledgerErrors.field.title',
  'Title note': 'ledgerErrors.field.titleNote',
  'Speaker note': 'ledgerErrors.field.speakerNote',
  Family: 'ledgerErrors.field.family',
};

/** A field's name as a value of an error: translated where the catalogs know it. */
export const fieldName = (field: string): Message | string => (Object.hasOwn(FIELD_KEYS, field) ? { key: FIELD_KEYS[field]! } : field);

const invisibleError = (field: string) => invalid('ledgerErrors.invisible', { field: fieldName(field) });
const tooLong = (field: string, length: number, max: number) => invalid('ledgerErrors.tooLong', { field: fieldName(field), length, max });

export function requiredText(field: string, value: string | null | undefined, max: number): string {
  const cleaned = cleanText(value ?? '');
  if (!cleaned) throw hadInvisible(value ?? '') ? invisibleError(field) : invalid('ledgerErrors.empty', { field: fieldName(field) });
  if (cleaned.length > max) throw tooLong(field, cleaned.length, max);
  return cleaned;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  const cleaned = cleanText(value);
  if (!cleaned) {
    if (hadInvisible(value)) throw invisibleError(field);
    return null;
  }
  if (cleaned.length > max) throw tooLong(field, cleaned.length, max);
  return cleaned;
}

export function optionalUrl(field: string, value: string | null | undefined): string | null {
  const text = optionalText(field, value, LIMITS.url);
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('ledgerErrors.notUrl', { field: fieldName(field), got: text.slice(0, 80) });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('ledgerErrors.notHttp', { field: fieldName(field) });
  return url.toString();
}

/** A family (category) is a short lower-case label: "diplomacy", "war", "us-politics". */
export function optionalFamily(value: string | null | undefined): string | null {
  const text = optionalText('Family', value, LIMITS.family);
  if (!text) return null;
  const family = text.toLowerCase().replace(/\s+/g, '-');
  if (!/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u.test(family)) throw invalid('ledgerErrors.familyChars');
  return family;
}

export function isoDate(field: string, value: string): string {
  if (!isValidIsoDate(value)) throw invalid('ledgerErrors.notIsoDate', { field: fieldName(field), got: value.slice(0, 40) });
  if (value < LIMITS.earliestDate || value > '2200-12-31') throw invalid('ledgerErrors.dateOutOfRange', { field: fieldName(field), date: value });
  return value;
}

export function intInRange(field: string, value: number, range: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw invalid('ledgerErrors.wholeNumber', { field: fieldName(field), min: range.min, max: range.max });
  }
  return value;
}

export function probability(value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 100) throw invalid('ledgerErrors.probability');
  return Math.round(value * 10) / 10;
}

export function claimNumber(value: number | string): number {
  // Whole digits only: parseInt would read "3.5", "3abc" and "1e3" as another claim's number.
  const digits = typeof value === 'number' ? null : /^#?\s*(\d{1,10})$/.exec(String(value).trim());
  const n = typeof value === 'number' ? value : digits ? Number(digits[1]) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2_000_000_000) throw invalid('ledgerErrors.claimNumber');
  return n;
}

/** Folded key for a speaker's name, so "A Russian official" and "a russian  official" are one speaker. */
export const speakerKey = (name: string) => name.toLowerCase().replace(/\s+/g, ' ').trim();
