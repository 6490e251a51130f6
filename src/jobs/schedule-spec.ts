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

/**
 * Fire times in (from, to], oldest first, at most `limit` (the scan stops there).
 * Used for catch-up after downtime.
 */
export function slotsBetween(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>, from: Date, to: Date, limit = 1000): Date[] {
  const step = hasSeconds(spec.cron) ? 1000 : 60_000;
  const task = cron.createTask(spec.cron, () => {}, { timezone: spec.timezone });
  const out: Date[] = [];
  try {
    let t = Math.floor(from.getTime() / step) * step + step;
    for (; t <= to.getTime() && out.length < limit; t += step) {
      const d = new Date(t);
      if (task.match(d)) out.push(d);
    }
  } finally {
    void task.destroy();
  }
  return out;
}
