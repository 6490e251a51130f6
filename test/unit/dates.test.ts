import { describe, expect, it } from 'vitest';
import {
  addDays,
  CHECK_BY_HELP,
  addMonths,
  compareDates,
  dayOfWeek,
  dueAtFor,
  isValidIsoDate,
  isValidTimezone,
  parseCheckBy,
  parseDatePhrase,
  startOfDay,
  todayIn,
  tzOffsetMs,
} from '../../src/ledger/dates.js';

const at = (iso: string) => new Date(iso);
const ok = (date: string) => ({ ok: true, date });
const HOUR = 3_600_000;

describe('isValidIsoDate', () => {
  it.each([
    ['2024-02-29', true], // leap year
    ['2025-02-29', false],
    ['2100-02-29', false], // divisible by 100, not by 400
    ['2000-02-29', true], // divisible by 400
    ['2025-02-28', true],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-04-31', false],
    ['2025-04-30', true],
    ['2025-12-31', true],
    ['2025-01-00', false],
    ['2025-01-32', false],
  ])('%s → %s', (value, expected) => {
    expect(isValidIsoDate(value)).toBe(expected);
  });

  it.each(['2025-1-01', '2025-01-1', '20250101', '2025/01/01', ' 2025-01-01', '2025-01-01T00:00', '', 'tomorrow'])(
    'rejects the malformed %j',
    (value) => {
      expect(isValidIsoDate(value)).toBe(false);
    },
  );
});

describe('addDays / addMonths / compareDates / dayOfWeek', () => {
  it('addDays crosses month, year and leap day', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-01-01', 0)).toBe('2026-01-01');
    expect(addDays('2026-01-01', 365)).toBe('2027-01-01');
  });

  it('addMonths clamps to the last day of the month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-05-31', 1)).toBe('2025-06-30');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('addMonths crosses years both ways', () => {
    expect(addMonths('2025-11-15', 2)).toBe('2026-01-15');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-15');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-06-10', 0)).toBe('2025-06-10');
    expect(addMonths('2025-06-10', 600)).toBe('2075-06-10');
  });

  it('compareDates orders YYYY-MM-DD strings', () => {
    expect(compareDates('2025-01-01', '2025-01-02')).toBe(-1);
    expect(compareDates('2025-12-31', '2025-01-02')).toBe(1);
    expect(compareDates('2025-06-30', '2025-06-30')).toBe(0);
  });

  it('dayOfWeek is 0 for Sunday', () => {
    expect(dayOfWeek('2026-01-01')).toBe(4); // Thursday
    expect(dayOfWeek('2026-01-02')).toBe(5); // Friday
    expect(dayOfWeek('2026-03-29')).toBe(0); // Sunday
    expect(dayOfWeek('2024-02-29')).toBe(4); // Thursday
  });
});

describe('isValidTimezone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati'])('accepts %s', (tz) => {
    expect(isValidTimezone(tz)).toBe(true);
  });

  it.each(['', 'Mars/Olympus_Mons', 'Europe/Nowhere', 'not a zone', 'A'.repeat(65)])('rejects %j', (tz) => {
    expect(isValidTimezone(tz)).toBe(false);
  });
});

describe('tzOffsetMs', () => {
  it('gives the offset east of Greenwich, DST included', () => {
    expect(tzOffsetMs(at('2026-01-15T12:00:00Z'), 'UTC')).toBe(0);
    expect(tzOffsetMs(at('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(1 * HOUR);
    expect(tzOffsetMs(at('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(tzOffsetMs(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(tzOffsetMs(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
    expect(tzOffsetMs(at('2026-01-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(tzOffsetMs(at('2026-01-15T12:00:00Z'), 'Pacific/Kiritimati')).toBe(14 * HOUR);
  });

  it('ignores the milliseconds of the instant', () => {
    expect(tzOffsetMs(at('2026-01-15T12:00:00.999Z'), 'Europe/Berlin')).toBe(1 * HOUR);
  });
});

describe('startOfDay / dueAtFor', () => {
  it.each([
    ['2026-01-15', 'UTC', '2026-01-15T00:00:00.000Z'],
    ['2026-01-16', 'Europe/Berlin', '2026-01-15T23:00:00.000Z'], // winter, +1
    ['2026-07-02', 'Europe/Berlin', '2026-07-01T22:00:00.000Z'], // summer, +2
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'], // DST starts at 02:00 that day
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'], // first full summer day
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'], // DST ends that day
    ['2026-10-26', 'Europe/Berlin', '2026-10-25T23:00:00.000Z'],
    ['2026-01-15', 'America/New_York', '2026-01-15T05:00:00.000Z'],
    ['2026-07-15', 'America/New_York', '2026-07-15T04:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'], // DST starts at 02:00 that day
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'], // DST ends at 02:00 that day
    ['2026-01-15', 'Asia/Kolkata', '2026-01-14T18:30:00.000Z'], // +5:30
    ['2026-01-15', 'Pacific/Kiritimati', '2026-01-14T10:00:00.000Z'], // +14
    ['2026-01-15', 'Pacific/Pago_Pago', '2026-01-15T11:00:00.000Z'], // −11
    // Zones whose clocks jump at midnight: the day starts at the jump (local 01:00).
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
    ['2026-04-05', 'America/Santiago', '2026-04-05T04:00:00.000Z'],
    ['2026-03-08', 'America/Havana', '2026-03-08T05:00:00.000Z'],
  ])('startOfDay(%s, %s) = %s', (iso, tz, expected) => {
    expect(startOfDay(iso, tz).toISOString()).toBe(expected);
  });

  it('the instant before the start of a day is still the previous day there', () => {
    for (const [iso, tz] of [
      ['2026-03-29', 'Europe/Berlin'],
      ['2026-09-06', 'America/Santiago'],
      ['2026-03-08', 'America/Havana'],
      ['2026-01-15', 'Asia/Kolkata'],
    ] as const) {
      const start = startOfDay(iso, tz);
      expect(todayIn(tz, start)).toBe(iso);
      expect(todayIn(tz, new Date(start.getTime() - 1))).not.toBe(iso);
    }
  });

  it('dueAtFor is the start of the following day in the zone', () => {
    expect(dueAtFor('2026-12-31', 'UTC').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(dueAtFor('2024-02-28', 'UTC').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(dueAtFor('2026-01-15', 'Europe/Berlin').toISOString()).toBe('2026-01-15T23:00:00.000Z');
    expect(dueAtFor('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-07-01T22:00:00.000Z');
    expect(dueAtFor('2026-03-28', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dueAtFor('2026-01-15', 'America/New_York').toISOString()).toBe('2026-01-16T05:00:00.000Z');
    expect(dueAtFor('2026-01-14', 'Asia/Kolkata').toISOString()).toBe('2026-01-14T18:30:00.000Z');
    expect(dueAtFor('2026-01-14', 'Pacific/Kiritimati').toISOString()).toBe('2026-01-14T10:00:00.000Z');
    // Not an hour early where the next day's midnight is skipped.
    expect(dueAtFor('2026-09-05', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('todayIn', () => {
  it('reads the calendar date in each zone at one instant', () => {
    const now = at('2026-01-01T02:00:00Z');
    expect(todayIn('UTC', now)).toBe('2026-01-01');
    expect(todayIn('Europe/Berlin', now)).toBe('2026-01-01');
    expect(todayIn('America/New_York', now)).toBe('2025-12-31');
    expect(todayIn('America/Los_Angeles', now)).toBe('2025-12-31');
    expect(todayIn('Asia/Kolkata', now)).toBe('2026-01-01');
  });

  it.each([
    ['UTC', '2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z'],
    ['Europe/Berlin', '2025-12-31T22:59:59.999Z', '2025-12-31T23:00:00.000Z'],
    ['America/New_York', '2026-01-01T04:59:59.999Z', '2026-01-01T05:00:00.000Z'],
    ['Asia/Kolkata', '2025-12-31T18:29:59.999Z', '2025-12-31T18:30:00.000Z'],
    ['Pacific/Kiritimati', '2025-12-31T09:59:59.999Z', '2025-12-31T10:00:00.000Z'],
    ['Pacific/Pago_Pago', '2026-01-01T10:59:59.999Z', '2026-01-01T11:00:00.000Z'],
  ])('%s turns to 2026-01-01 between %s and %s', (tz, before, after) => {
    expect(todayIn(tz, at(before))).toBe('2025-12-31');
    expect(todayIn(tz, at(after))).toBe('2026-01-01');
  });
});

describe('parseDatePhrase', () => {
  const THU = '2026-01-01'; // a Thursday
  const FRI = '2026-01-02';

  it('reads YYYY-MM-DD as is (even in the past)', () => {
    expect(parseDatePhrase('2025-06-30', THU)).toEqual(ok('2025-06-30'));
    expect(parseDatePhrase('  2024-02-29  ', THU)).toEqual(ok('2024-02-29'));
  });

  it('today and tomorrow', () => {
    expect(parseDatePhrase('today', THU)).toEqual(ok('2026-01-01'));
    expect(parseDatePhrase('Tomorrow', THU)).toEqual(ok('2026-01-02'));
    expect(parseDatePhrase('tomorrow', '2025-12-31')).toEqual(ok('2026-01-01'));
  });

  it('in N days / weeks / months / years, digits or words', () => {
    expect(parseDatePhrase('in 3 months', THU)).toEqual(ok('2026-04-01'));
    expect(parseDatePhrase('in 3 months', '2025-11-30')).toEqual(ok('2026-02-28'));
    expect(parseDatePhrase('in two weeks', THU)).toEqual(ok('2026-01-15'));
    expect(parseDatePhrase('in a year', THU)).toEqual(ok('2027-01-01'));
    expect(parseDatePhrase('in a year', '2024-02-29')).toEqual(ok('2025-02-28'));
    expect(parseDatePhrase('in an hour', THU).ok).toBe(false);
    expect(parseDatePhrase('in 10 days', THU)).toEqual(ok('2026-01-11'));
    expect(parseDatePhrase('in 1 day', THU)).toEqual(ok('2026-01-02'));
    expect(parseDatePhrase('in twelve months', THU)).toEqual(ok('2027-01-01'));
    expect(parseDatePhrase('In  5  Years', THU)).toEqual(ok('2031-01-01'));
  });

  it('next Friday: the coming one; a full week ahead when today is Friday', () => {
    expect(parseDatePhrase('next Friday', THU)).toEqual(ok('2026-01-02'));
    expect(parseDatePhrase('next Friday', FRI)).toEqual(ok('2026-01-09'));
    expect(parseDatePhrase('friday', FRI)).toEqual(ok('2026-01-09'));
    expect(parseDatePhrase('next sunday', THU)).toEqual(ok('2026-01-04'));
    expect(parseDatePhrase('next Wednesday', THU)).toEqual(ok('2026-01-07'));
  });

  it('next day / week / month / year', () => {
    expect(parseDatePhrase('next day', THU)).toEqual(ok('2026-01-02'));
    expect(parseDatePhrase('next week', THU)).toEqual(ok('2026-01-08'));
    expect(parseDatePhrase('next month', THU)).toEqual(ok('2026-02-01'));
    expect(parseDatePhrase('next month', '2026-01-31')).toEqual(ok('2026-02-28'));
    expect(parseDatePhrase('next year', '2024-02-29')).toEqual(ok('2025-02-28'));
  });

  it('end of month / year / week', () => {
    expect(parseDatePhrase('end of month', '2026-02-10')).toEqual(ok('2026-02-28'));
    expect(parseDatePhrase('end of the month', '2024-02-10')).toEqual(ok('2024-02-29'));
    expect(parseDatePhrase('end of month', '2026-04-30')).toEqual(ok('2026-04-30'));
    expect(parseDatePhrase('end of year', '2026-05-05')).toEqual(ok('2026-12-31'));
    expect(parseDatePhrase('end of the year', '2026-12-31')).toEqual(ok('2026-12-31'));
    expect(parseDatePhrase('end of week', THU)).toEqual(ok('2026-01-04')); // the coming Sunday
    expect(parseDatePhrase('end of week', '2026-01-04')).toEqual(ok('2026-01-04')); // a Sunday: today
  });

  it('end of March: this year until March is over, then next year', () => {
    expect(parseDatePhrase('end of March', '2026-01-15')).toEqual(ok('2026-03-31'));
    expect(parseDatePhrase('end of March', '2026-03-31')).toEqual(ok('2026-03-31'));
    expect(parseDatePhrase('end of March', '2026-04-10')).toEqual(ok('2027-03-31'));
    expect(parseDatePhrase('end of feb', '2027-06-01')).toEqual(ok('2028-02-29'));
  });

  it('end of March 2026 / end of 2025 / March 2026', () => {
    expect(parseDatePhrase('end of March 2026', THU)).toEqual(ok('2026-03-31'));
    expect(parseDatePhrase('end of Feb 2028', THU)).toEqual(ok('2028-02-29'));
    expect(parseDatePhrase('end of 2025', THU)).toEqual(ok('2025-12-31'));
    expect(parseDatePhrase('March 2026', THU)).toEqual(ok('2026-03-31'));
    expect(parseDatePhrase('June, 2026', THU)).toEqual(ok('2026-06-30'));
    expect(parseDatePhrase('Sept 2026', THU)).toEqual(ok('2026-09-30'));
  });

  it('30 June 2026 and June 30, 2026', () => {
    expect(parseDatePhrase('30 June 2026', THU)).toEqual(ok('2026-06-30'));
    expect(parseDatePhrase('June 30, 2026', THU)).toEqual(ok('2026-06-30'));
    expect(parseDatePhrase('June 30th 2026', THU)).toEqual(ok('2026-06-30'));
    expect(parseDatePhrase('1 Jan 2027', THU)).toEqual(ok('2027-01-01'));
    expect(parseDatePhrase('Feb 29, 2028', THU)).toEqual(ok('2028-02-29'));
  });

  it('ignores a leading by / on / before, spacing, case and a final full stop', () => {
    expect(parseDatePhrase('by 2026-06-30', THU)).toEqual(ok('2026-06-30'));
    expect(parseDatePhrase('By end of March', '2026-01-15')).toEqual(ok('2026-03-31'));
    expect(parseDatePhrase('  BY   tomorrow ', THU)).toEqual(ok('2026-01-02'));
    expect(parseDatePhrase('on 30 June 2026.', THU)).toEqual(ok('2026-06-30'));
    expect(parseDatePhrase('before next Friday', THU)).toEqual(ok('2026-01-02'));
  });

  it.each(['gibberish', 'soonish', 'end of Smarch', 'Smarch 2026', 'ma 2026', 'in an hour', 'next decade', 'many days ago'])(
    'rejects %j',
    (phrase) => {
      const r = parseDatePhrase(phrase, THU);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('could not read');
    },
  );

  // Issue 24: the past is read (and refused by parseCheckBy as the past, not as unreadable).
  it('reads the past: yesterday, 3 days ago, last week, last Friday', () => {
    expect(parseDatePhrase('yesterday', THU)).toEqual(ok('2025-12-31'));
    expect(parseDatePhrase('3 days ago', THU)).toEqual(ok('2025-12-29'));
    expect(parseDatePhrase('two weeks ago', THU)).toEqual(ok('2025-12-18'));
    expect(parseDatePhrase('a year ago', THU)).toEqual(ok('2025-01-01'));
    expect(parseDatePhrase('last month', THU)).toEqual(ok('2025-12-01'));
    expect(parseDatePhrase('last Friday', THU)).toEqual(ok('2025-12-26'));
    expect(parseDatePhrase('last Thursday', THU)).toEqual(ok('2025-12-25'));
  });

  it('end of next year / next month, which never go stale in an example', () => {
    expect(parseDatePhrase('end of next year', THU)).toEqual(ok('2027-12-31'));
    expect(parseDatePhrase('end of next month', THU)).toEqual(ok('2026-02-28'));
    expect(parseDatePhrase('end of this year', THU)).toEqual(ok('2026-12-31'));
    expect(parseDatePhrase('end of next month', '2026-12-15')).toEqual(ok('2027-01-31'));
  });

  it('rejects impossible dates, saying so', () => {
    for (const phrase of ['2025-02-30', '31 June 2026', 'February 30, 2026', '2100-02-29']) {
      const r = parseDatePhrase(phrase, THU);
      expect(r).toMatchObject({ ok: false, message: `${phrase} is not a real date.` });
    }
  });

  it('rejects a number word it does not know', () => {
    const r = parseDatePhrase('in many months', THU);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('"many"');
  });

  it('does not read Object.prototype names as numbers (was a RangeError)', () => {
    expect(() => parseDatePhrase('in constructor days', THU)).not.toThrow();
    expect(parseDatePhrase('in constructor days', THU).ok).toBe(false);
  });

  it('rejects dates past year 9999 instead of returning a malformed date', () => {
    const r = parseDatePhrase('in 9999 years', THU);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('too far ahead');
  });

  it('rejects empty input', () => {
    expect(parseDatePhrase('', THU).ok).toBe(false);
    expect(parseDatePhrase('   ', THU).ok).toBe(false);
  });
});

describe('parseCheckBy', () => {
  it('reads "today" in the server zone: at 2026-01-01T02:00Z New York is still on 2025-12-31', () => {
    const now = at('2026-01-01T02:00:00Z');
    expect(parseCheckBy('today', 'America/New_York', now)).toEqual(ok('2025-12-31'));
    expect(parseCheckBy('2025-12-31', 'America/New_York', now)).toEqual(ok('2025-12-31'));
    expect(parseCheckBy('tomorrow', 'America/New_York', now)).toEqual(ok('2026-01-01'));
    expect(parseCheckBy('today', 'UTC', now)).toEqual(ok('2026-01-01'));
  });

  it('refuses a date in the past (in the server zone)', () => {
    const now = at('2026-01-01T02:00:00Z');
    const r = parseCheckBy('2025-12-31', 'UTC', now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('in the past');
    // Already 2026-01-01 in Kiritimati at 2025-12-31T10:00Z.
    expect(parseCheckBy('2025-12-31', 'Pacific/Kiritimati', at('2025-12-31T10:00:00Z')).ok).toBe(false);
    expect(parseCheckBy('2025-12-31', 'Pacific/Kiritimati', at('2025-12-31T09:59:59Z'))).toEqual(ok('2025-12-31'));
  });

  it('allows up to 50 years ahead, not a day more', () => {
    const now = at('2026-01-15T12:00:00Z');
    expect(parseCheckBy('2076-01-15', 'UTC', now)).toEqual(ok('2076-01-15'));
    expect(parseCheckBy('in 50 years', 'UTC', now)).toEqual(ok('2076-01-15'));
    for (const phrase of ['2076-01-16', 'in 51 years', 'end of 2199']) {
      const r = parseCheckBy(phrase, 'UTC', now);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('too far ahead');
    }
  });

  it('refuses absurd relative dates as too far ahead, not as past', () => {
    const r = parseCheckBy('in 9999 years', 'UTC', at('2026-01-15T12:00:00Z'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toContain('in the past');
  });

  it('answers "yesterday" and "last week" with "in the past", not "could not read"', () => {
    for (const phrase of ['yesterday', 'last week', '3 days ago']) {
      const r = parseCheckBy(phrase, 'UTC', at('2026-01-15T12:00:00Z'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(new RegExp(`^The check date "${phrase}" \\(2026-01-\\d\\d\\) is in the past; pick today or later`));
    }
  });

  it('the examples the help gives are accepted whatever the year', () => {
    for (const year of ['2026', '2031', '2045']) {
      const now = at(`${year}-12-31T12:00:00Z`);
      for (const example of CHECK_BY_HELP.match(/"[^"]+"/g)!.map((q) => q.slice(1, -1))) expect(parseCheckBy(example, 'UTC', now).ok, `${example} in ${year}`).toBe(true);
    }
  });

  it('passes parse errors through', () => {
    const r = parseCheckBy('gibberish', 'UTC', at('2026-01-15T12:00:00Z'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('could not read');
  });
});
