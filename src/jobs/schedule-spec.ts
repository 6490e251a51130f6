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

// ── Cron fields: our own reading, so errors name the field, the value and the allowed range ──

interface FieldSpec {
  /** As a member reads it in an error: "the minute field". */
  name: string;
  /** One value of it: "a minute". */
  unit: string;
  min: number;
  max: number;
  /** Names allowed instead of numbers (months, days of the week). */
  names?: readonly string[];
  namesFrom?: number;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', unit: 'a second', min: 0, max: 59 },
  { name: 'minute', unit: 'a minute', min: 0, max: 59 },
  { name: 'hour', unit: 'an hour', min: 0, max: 23 },
  { name: 'day-of-month', unit: 'a day of the month', min: 1, max: 31 },
  { name: 'month', unit: 'a month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day-of-week', unit: 'a day of the week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

const RANGE_TEXT: Record<string, string> = {
  second: 'seconds run from 0 to 59',
  minute: 'minutes run from 0 to 59',
  hour: 'hours run from 0 to 23',
  'day-of-month': 'days of the month run from 1 to 31',
  month: 'months run from 1 to 12 (or jan … dec)',
  'day-of-week': 'days of the week run from 0 to 7, 0 and 7 both Sunday (or sun … sat)',
};

const FIELD_ORDER = 'minute hour day-of-month month day-of-week';

/** node-cron's extras (L, W, #, ?): left to node-cron to check, and quoted when read back. */
const SPECIAL = /^(?:\?|L|L-\d{1,2}|(?:\d{1,2}|L)W|[0-7]L|[0-7]#[1-5])$/i;

/** A field's values (0–6 for days of the week, Sunday 0), or null when it holds node-cron's extras. */
type FieldValues = number[] | null;

function valueOf(token: string, spec: FieldSpec, raw: string): number {
  const lower = token.toLowerCase();
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) {
      throw new ScheduleError(spec.name, `the ${spec.name} field has ${n}, but ${RANGE_TEXT[spec.name]}.`);
    }
    return n;
  }
  if (spec.names) {
    const i = spec.names.findIndex((name) => lower === name || (lower.length > 3 && (spec.name === 'month' ? MONTHS_LONG : DAYS_LONG)[spec.names!.indexOf(name)]!.toLowerCase() === lower));
    if (i >= 0) return i + spec.namesFrom!;
  }
  throw new ScheduleError(
    spec.name,
    `the ${spec.name} field has "${token.slice(0, 20)}"${token === raw ? '' : ` (in "${raw.slice(0, 30)}")`}, which is not ${spec.unit}: ${RANGE_TEXT[spec.name]}.`,
  );
}

/** Reads one field: `*`, `*\/n`, `a`, `a-b`, `a-b/n` and lists of them (a range may wrap: 22-2). */
function readField(raw: string, spec: FieldSpec): FieldValues {
  const values = new Set<number>();
  let special = false;
  for (const item of raw.split(',')) {
    if (!item) throw new ScheduleError(spec.name, `the ${spec.name} field ("${raw.slice(0, 30)}") has an empty item between commas.`);
    if (SPECIAL.test(item) && (spec.name === 'day-of-month' || spec.name === 'day-of-week')) {
      special = true;
      continue;
    }
    const m = /^([^/-]+)(?:-([^/]+))?(?:\/(.*))?$/.exec(item);
    if (!m) {
      throw new ScheduleError(spec.name, `the ${spec.name} field has "${item.slice(0, 20)}", which is not a number, a range (1-5), a step (*/2) or a list (1,15): ${RANGE_TEXT[spec.name]}.`);
    }
    const [, from, to, stepText] = m;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new ScheduleError(spec.name, `the ${spec.name} field has the step "/${stepText.slice(0, 10)}" in "${item.slice(0, 20)}": a step is a whole number from 1 (*/2 is every second one).`);
      }
      step = Number(stepText);
    }
    const top = spec.name === 'day-of-week' ? 6 : spec.max;
    let first: number;
    let last: number;
    if (from === '*') {
      if (to !== undefined) throw new ScheduleError(spec.name, `the ${spec.name} field has "${item.slice(0, 20)}": * already means every value; write a range such as 1-5.`);
      [first, last] = [spec.min, top];
    } else {
      first = valueOf(from!, spec, item);
      last = to === undefined ? (stepText === undefined ? first : NaN) : valueOf(to, spec, item);
      if (Number.isNaN(last)) throw new ScheduleError(spec.name, `the ${spec.name} field has "${item.slice(0, 20)}": a step goes with * or a range (*/${step} or ${from}-${spec.max}/${step}).`);
    }
    const week = spec.name === 'day-of-week';
    const norm = (n: number) => (week && n === 7 ? 0 : n);
    if (first <= last) {
      for (let v = first; v <= last; v += step) values.add(norm(v));
    } else {
      // A range that wraps (22-2 for hours), as node-cron reads it.
      const size = top - spec.min + 1;
      const span = (((last - first) % size) + size) % size;
      for (let offset = 0; offset <= span; offset += step) {
        let v = first + offset;
        if (v > top) v -= size;
        values.add(norm(v));
      }
    }
  }
  return special ? null : [...values].sort((a, b) => a - b);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The fields of a cron expression, read and checked: errors name the field, what it holds and what it may hold. */
export function readCron(expression: string): { fields: string[]; values: FieldValues[] } {
  const raw = expression.trim().split(/\s+/);
  if (raw.length !== 5 && raw.length !== 6) {
    throw new ScheduleError(
      'expression',
      `"${expression.trim().slice(0, 60)}" has ${raw.length} field${raw.length === 1 ? '' : 's'}; a cron expression has 5 (${FIELD_ORDER}), or 6 with seconds first, and a preset reads like "daily 09:00".`,
    );
  }
  const fields = raw.length === 6 ? raw : ['0', ...raw];
  const values = fields.map((f, i) => readField(f, FIELDS[i]!));
  const [days, months] = [values[3], values[4]];
  if (days && months && !months.some((m) => days.some((d) => d <= DAYS_IN_MONTH[m - 1]!))) {
    const monthWords = listWords(months.map((m) => MONTHS_LONG[m - 1]!));
    const longest = Math.max(...months.map((m) => DAYS_IN_MONTH[m - 1]!));
    throw new ScheduleError(
      'day-of-month',
      `the day-of-month field (${fields[3]}) and the month field (${fields[4]}) never meet: ${monthWords} ${months.length === 1 ? 'has' : 'have'} at most ${longest} days, so this schedule would never run.`,
    );
  }
  return { fields, values };
}

// ── Reading a schedule back in words ────────────────────────────────────────

/** "a", "a and b", "a, b and c" */
function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
const clockOf = (h: number, m: number, s: number | null) => `${pad(h)}:${pad(m)}${s === null ? '' : `:${pad(s)}`}`;

/** A set of values as a shape: every value, an even step from the start, one run, or a list. */
function shapeOf(values: readonly number[], min: number, max: number): { kind: 'all' } | { kind: 'step'; step: number; from: number } | { kind: 'run'; from: number; to: number } | { kind: 'list' } {
  if (values.length === max - min + 1) return { kind: 'all' };
  if (values.length >= 2) {
    const step = values[1]! - values[0]!;
    const even = values.every((v, i) => i === 0 || v - values[i - 1]! === step);
    if (even && step === 1) return { kind: 'run', from: values[0]!, to: values[values.length - 1]! };
    // An even step that runs through the whole span (*/6 of hours: 0, 6, 12, 18).
    if (even && values[0]! - step < min && values[values.length - 1]! + step > max) return { kind: 'step', step, from: values[0]! };
  }
  return { kind: 'list' };
}

function dayWords(dom: number[], month: number[], dow: number[]): { prefix: string; suffix: string } {
  const allDom = dom.length === 31;
  const allMonths = month.length === 12;
  const allDow = dow.length === 7;
  /** "in January and July", "from March to May" (with `of`: "of January and July", "of every month from March to May"). */
  const monthsPart = (of: boolean) => {
    if (allMonths) return of ? ' of every month' : '';
    const shape = shapeOf(month, 1, 12);
    if (shape.kind === 'run' && month.length > 2) return `${of ? ' of every month' : ''} from ${MONTHS_LONG[shape.from - 1]} to ${MONTHS_LONG[shape.to - 1]}`;
    return `${of ? ' of' : ' in'} ${listWords(month.map((m) => MONTHS_LONG[m - 1]!))}`;
  };
  let weekPart = '';
  if (!allDow) {
    const names = dow.map((d) => DAYS_LONG[d]!);
    const key = dow.join(',');
    if (key === '1,2,3,4,5') weekPart = 'every weekday';
    else if (key === '0,6') weekPart = 'every Saturday and Sunday';
    else {
      const shape = shapeOf(dow, 0, 6);
      weekPart = shape.kind === 'run' && dow.length > 2 ? `every day from ${DAYS_LONG[shape.from]} to ${DAYS_LONG[shape.to]}` : `every ${listWords(names)}`;
    }
  }
  if (allDom) {
    if (allDow) return { prefix: `every day${monthsPart(false)}`, suffix: '' };
    return { prefix: `${weekPart}${monthsPart(false)}`, suffix: '' };
  }
  const shape = shapeOf(dom, 1, 31);
  const days =
    dom.length === 1
      ? `on day ${dom[0]}`
      : shape.kind === 'run'
        ? `on days ${shape.from} to ${shape.to}`
        : shape.kind === 'step'
          ? `on every ${ordinal(shape.step)} day (${dom.slice(0, 3).join(', ')} …)`
          : `on days ${listWords(dom.map(String))}`;
  return { prefix: `${days}${monthsPart(true)}${allDow ? '' : `, when that is ${weekPart.replace(/^every /, 'a ')},`}`, suffix: '' };
}

function timeWords(sec: number[], min: number[], hour: number[], withSeconds: boolean): string | null {
  const allSec = sec.length === 60;
  const allMin = min.length === 60;
  const allHour = hour.length === 24;
  const oneSec = sec.length === 1 ? sec[0]! : null;
  const secShown = withSeconds && oneSec !== 0 ? oneSec : null;
  // A few fire times a day: list them.
  if (sec.length === 1 && min.length * hour.length <= 6) {
    const times = hour.flatMap((h) => min.map((m) => clockOf(h, m, secShown)));
    return `at ${listWords(times)}`;
  }
  const hourRange = (): string => {
    if (allHour) return '';
    const shape = shapeOf(hour, 0, 23);
    if (shape.kind === 'run') return ` from ${clockOf(shape.from, min[0]!, null)} to ${clockOf(shape.to, min[min.length - 1]!, null)}`;
    if (shape.kind === 'step') return `, every ${shape.step} hours from ${clockOf(shape.from, min[0]!, null)}`;
    return ` during the hours ${listWords(hour.map((h) => pad(h)))}`;
  };
  if (sec.length !== 1) {
    const shape = shapeOf(sec, 0, 59);
    const secPart = allSec ? 'every second' : shape.kind === 'step' && shape.from === 0 ? `every ${shape.step} seconds` : `at seconds ${listWords(sec.map(String))} of every minute`;
    if (allMin && allHour) return secPart;
    return null;
  }
  if (secShown !== null) return null;
  if (min.length === 1) {
    if (allHour) return `every hour at minute ${min[0]}`;
    const shape = shapeOf(hour, 0, 23);
    if (shape.kind === 'step') return `every ${shape.step} hours from ${clockOf(shape.from, min[0]!, null)} to ${clockOf(hour[hour.length - 1]!, min[0]!, null)}`;
    return `every hour${hourRange()}`;
  }
  const mShape = shapeOf(min, 0, 59);
  const minutePart = allMin ? 'every minute' : mShape.kind === 'step' && mShape.from === 0 ? `every ${mShape.step} minutes` : `at minutes ${listWords(min.map(String))} of every hour`;
  return `${minutePart}${hourRange()}`;
}

/** Plain words for a cron expression: steps, ranges and lists included; what cannot be said simply is quoted. */
export function describeCron(expression: string): string {
  const quoted = `on the cron schedule \`${expression}\``;
  let read;
  try {
    read = readCron(expression);
  } catch {
    return quoted;
  }
  const [sec, min, hour, dom, month, dow] = read.values;
  if (!sec || !min || !hour || !dom || !month || !dow) return quoted;
  const time = timeWords(sec, min, hour, read.fields.length === 6 && expression.trim().split(/\s+/).length === 6);
  if (!time) return quoted;
  const days = dayWords(dom, month, dow).prefix;
  const clock = /^at \d/.test(time);
  if (days === 'every day') return clock ? `every day ${time}` : time; // "every day at 09:00", "every 5 minutes"
  return `${days}${clock ? ' ' : days.endsWith(',') ? ' ' : ', '}${time}`;
}

/**
 * Reads what a manager typed. Errors name the faulty field, what it holds and what it may hold
 * (our own reading of the cron fields), or the time zone.
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
  const advice = `Write a cron expression (${FIELD_ORDER}) or a preset such as ${PRESET_EXAMPLES.slice(0, 3).map((e) => `"${e}"`).join(', ')}.`;
  if (!/^[\w\s*/,#?-]+$/.test(expression)) {
    throw new ScheduleError('expression', `"${expression.slice(0, 60)}" has characters a cron expression does not use (only digits, names, * / , - and spaces). ${advice}`);
  }
  try {
    readCron(expression);
  } catch (error) {
    if (error instanceof ScheduleError) throw new ScheduleError(error.field, `${error.message[0]!.toUpperCase()}${error.message.slice(1)} ${advice}`);
    throw error;
  }
  // node-cron has the last word (its extras: L, W, #); its message is not shown, only the field it names.
  const check = cron.validateDetailed(expression);
  if (!check.valid) {
    const first = check.errors[0];
    const index = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'].indexOf(first?.field ?? '');
    const name = FIELDS[index]?.name ?? 'expression';
    throw new ScheduleError(name, `The ${name === 'expression' ? 'expression' : `${name} field`}${first?.value !== undefined ? ` ("${String(first.value).slice(0, 30)}")` : ''} is not something a schedule can run on: ${RANGE_TEXT[name] ?? 'check each field'}. ${advice}`);
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

/** What follows "every": "hour", "2 hours", "minute", "30 seconds" (never "1 hour"). */
export const everyWords = (seconds: number) => {
  const [n, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return n === 1 ? unit : `${n} ${unit}s`;
};

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
      `Scoring rounds run at most once every ${everyWords(minSeconds)}; this schedule would post a round every ${everyWords(Math.max(1, Math.round(gap / 1000)))}. Pick a slower one, e.g. "daily 09:00" or "0 * * * *" (every hour).`,
    );
  }
}
