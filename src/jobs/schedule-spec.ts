/**
 * Schedules as members type them: a cron expression (5 or 6 fields, node-cron syntax) or a
 * preset ("daily 09:00", "weekly monday 18:30", "monthly 1 09:00"). Pure, no database.
 */
import cron from 'node-cron';
import { isValidTimezone } from '../ledger/dates.js';

export interface ScheduleSpec {
  cron: string;
  timezone: string;
  description: string;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const pad = (n: number) => String(n).padStart(2, '0');

function parseTime(text: string | undefined): { h: number; m: number } {
  if (!text) return { h: 9, m: 0 };
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/.exec(text);
  if (!m) throw new ScheduleError('time', `"${text}" is not a time; write it like 09:00 or 18:30.`);
  let h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (m[3] === 'pm' && h < 12) h += 12;
  if (m[3] === 'am' && h === 12) h = 0;
  if (h > 23 || min > 59) throw new ScheduleError('time', `"${text}" is not a time of day.`);
  return { h, m: min };
}

export const PRESET_EXAMPLES = ['daily 09:00', 'weekly monday 09:00', 'monthly 1 09:00', '0 18 * * 5'];

/** Reads a preset, or returns null when the text is not one. */
function parsePreset(text: string): { cron: string; words: string } | null {
  const m = /^(daily|weekly|monthly)(?:\s+on)?(?:\s+([a-z]+|\d{1,2}(?:st|nd|rd|th)?))??(?:\s+at)?(?:\s+(\d{1,2}(?::\d{2})?\s*(?:am|pm)?))?$/.exec(text);
  if (!m) return null;
  const [, kind, day, time] = m;
  const { h, m: min } = parseTime(time);
  const at = `${pad(h)}:${pad(min)}`;
  if (kind === 'daily') {
    if (day) throw new ScheduleError('schedule', 'A daily schedule takes only a time, e.g. "daily 09:00".');
    return { cron: `${min} ${h} * * *`, words: `every day at ${at}` };
  }
  if (kind === 'weekly') {
    const d = day ? DAYS.findIndex((name) => name === day || (day.length >= 3 && name.startsWith(day))) : 1;
    if (d < 0) throw new ScheduleError('schedule', `"${day}" is not a day of the week.`);
    return { cron: `${min} ${h} * * ${d}`, words: `every ${DAYS[d]![0]!.toUpperCase()}${DAYS[d]!.slice(1)} at ${at}` };
  }
  const dom = day ? Number.parseInt(day, 10) : 1;
  if (!Number.isInteger(dom) || dom < 1 || dom > 28) throw new ScheduleError('schedule', 'A monthly schedule runs on day 1 to 28, e.g. "monthly 1 09:00".');
  return { cron: `${min} ${h} ${dom} * *`, words: `on day ${dom} of every month at ${at}` };
}

/** A plain-words reading of common cron shapes; anything else is quoted. */
export function describeCron(expression: string): string {
  const f = expression.trim().split(/\s+/);
  const [sec, min, hour, dom, mon, dow] = f.length === 6 ? f : ['0', ...f];
  const every = (v: string | undefined) => /^\*\/(\d+)$/.exec(v ?? '')?.[1];
  const fixed = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  const rest = (from: (string | undefined)[]) => from.every((v) => v === '*');
  if (f.length === 6 && every(sec) && rest([min, hour, dom, mon, dow])) return `every ${every(sec)} seconds`;
  if (f.length === 6 && sec === '*' && rest([min, hour, dom, mon, dow])) return 'every second';
  if (fixed(sec) === 0 || f.length === 5) {
    if (min === '*' && rest([hour, dom, mon, dow])) return 'every minute';
    if (every(min) && rest([hour, dom, mon, dow])) return `every ${every(min)} minutes`;
    const m = fixed(min);
    const h = fixed(hour);
    if (m !== null && hour === '*' && rest([dom, mon, dow])) return `every hour at minute ${m}`;
    if (m !== null && h !== null && mon === '*') {
      const at = `${pad(h)}:${pad(m)}`;
      if (dom === '*' && dow === '*') return `every day at ${at}`;
      const d = fixed(dow);
      if (dom === '*' && d !== null && d <= 7) {
        const name = DAYS[d % 7]!;
        return `every ${name[0]!.toUpperCase()}${name.slice(1)} at ${at}`;
      }
      if (dom === '*' && dow === '1-5') return `every weekday at ${at}`;
      const dm = fixed(dom);
      if (dm !== null && dow === '*') return `on day ${dm} of every month at ${at}`;
    }
  }
  return `on the cron schedule \`${expression}\``;
}

/**
 * Reads what a manager typed. Errors name the faulty field (from node-cron's validateDetailed)
 * or the time zone.
 */
export function parseSchedule(input: string, timezone: string): ScheduleSpec {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!text) throw new ScheduleError('schedule', `The schedule is empty. Try ${PRESET_EXAMPLES.map((e) => `"${e}"`).join(', ')}.`);
  if (text.length > 100) throw new ScheduleError('schedule', 'The schedule is too long.');
  const tz = timezone.trim();
  if (!isValidTimezone(tz)) {
    throw new ScheduleError('timezone', `"${tz.slice(0, 64)}" is not a time zone I know. Use an IANA name such as UTC, Europe/Berlin or America/New_York.`);
  }
  const preset = parsePreset(text);
  if (preset) return { cron: preset.cron, timezone: tz, description: `${preset.words} (${tz})` };
  const expression = input.trim().replace(/\s+/g, ' ');
  const check = cron.validateDetailed(expression);
  if (!check.valid) {
    const problems = check.errors.map((e) => `${e.field === 'expression' ? 'the expression' : `the ${e.field} field`}${e.value !== undefined ? ` ("${e.value}")` : ''}: ${e.message}`);
    throw new ScheduleError(
      check.errors[0]?.field ?? 'schedule',
      `That schedule is not valid: ${problems.join('; ')}. Use a cron expression (minute hour day-of-month month day-of-week) or a preset such as ${PRESET_EXAMPLES.slice(0, 3).map((e) => `"${e}"`).join(', ')}.`,
    );
  }
  return { cron: expression, timezone: tz, description: `${describeCron(expression)} (${tz})` };
}

/** The next `count` fire times after now. */
export function nextRuns(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, count: number): Date[] {
  const task = cron.createTask(spec.cron, () => {}, { timezone: spec.timezone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

/** True when the expression has a seconds field (fires can be a second apart). */
export const hasSeconds = (expression: string) => expression.trim().split(/\s+/).length === 6;

/** Calls of the next-match function made by the slot scans below (tests bound it). */
export const slotScan = { calls: 0 };

interface Matcher {
  /** The first fire time strictly after `after`. */
  next(after: Date): Date | null;
  destroy(): void;
}

/**
 * node-cron's own next-match function (the TimeMatcher behind getNextRuns, which jumps field by
 * field instead of testing every second). getNextRuns only counts from now, so the task's matcher
 * is used directly; a unit test fails if a node-cron upgrade hides it.
 */
export function matcherFor(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>): Matcher {
  const task = cron.createTask(spec.cron, () => {}, { timezone: spec.timezone });
  const matcher = (task as unknown as { timeMatcher?: { getNextMatch?: (d: Date) => Date } }).timeMatcher;
  if (typeof matcher?.getNextMatch !== 'function') {
    void task.destroy();
    throw new Error('node-cron no longer exposes its next-match function (task.timeMatcher.getNextMatch)');
  }
  return {
    next(after) {
      slotScan.calls += 1;
      const d = matcher.getNextMatch!(after);
      return d instanceof Date && Number.isFinite(d.getTime()) && d > after ? d : null;
    },
    destroy: () => void task.destroy(),
  };
}

/**
 * Fire times in (from, to], oldest first, at most `limit` (the scan stops there): one next-match
 * call per fire, whatever the gaps between them.
 */
export function slotsBetween(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, from: Date, to: Date, limit = 1000): Date[] {
  const m = matcherFor(spec);
  const out: Date[] = [];
  try {
    for (let t = m.next(from); t && t <= to && out.length < limit; t = m.next(t)) out.push(t);
  } finally {
    m.destroy();
  }
  return out;
}

/** How many fire times fall in (from, to], counting at most `cap`. */
export const countSlots = (spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, from: Date, to: Date, cap = 10_000) => slotsBetween(spec, from, to, cap).length;

/**
 * The latest fire time in (from, to], or null: a binary search over next-match calls (about two
 * per halving of the span), never one call per second or per fire.
 */
export function latestSlot(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, from: Date, to: Date): Date | null {
  if (to <= from) return null;
  const m = matcherFor(spec);
  try {
    // lo: a fire time <= to. hi: no fire time in (hi, to].
    const first = m.next(from);
    if (!first || first > to) return null;
    let lo: Date = first;
    let hi = to.getTime();
    for (;;) {
      const after = m.next(lo);
      if (!after || after.getTime() > hi) return lo;
      const mid: Date = new Date(Math.floor((lo.getTime() + hi) / 2));
      const found: Date | null = mid > lo ? m.next(mid) : after;
      if (found && found.getTime() <= hi) lo = found;
      else hi = mid.getTime();
    }
  } finally {
    m.destroy();
  }
}

/** The shortest gap between consecutive fire times among the next `count` after `from`, in ms. */
export function shortestGapMs(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, from: Date, count = 48): number {
  const m = matcherFor(spec);
  try {
    let gap = Infinity;
    let prev = m.next(from);
    for (let i = 1; prev && i < count; i++) {
      const next = m.next(prev);
      if (!next) break;
      gap = Math.min(gap, next.getTime() - prev.getTime());
      prev = next;
    }
    return gap;
  } finally {
    m.destroy();
  }
}

/** The fewest seconds between two rounds of one schedule: once an hour. */
export const MIN_ROUND_INTERVAL_SECONDS = 3600;

const spell = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}` : seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} second${seconds === 1 ? '' : 's'}`;

/**
 * Refuses a schedule that would fire more often than `minSeconds` (the app passes the configured
 * minimum: MIN_ROUND_INTERVAL_SECONDS, or the test-only HINDSIGHT_TEST_MIN_ROUND_INTERVAL_SECONDS),
 * naming the minimum.
 */
export function assertMinInterval(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, now: Date, minSeconds = MIN_ROUND_INTERVAL_SECONDS): void {
  const gap = shortestGapMs(spec, now);
  if (gap < minSeconds * 1000) {
    throw new ScheduleError(
      'schedule',
      `Scoring rounds run at most once every ${spell(minSeconds)}; this schedule would post a round every ${spell(Math.max(1, Math.round(gap / 1000)))}. Pick a slower one, e.g. "daily 09:00" or "0 * * * *" (every hour).`,
    );
  }
}
