import { describe, expect, it } from 'vitest';
import { describeCron, nextRuns, parseSchedule, ScheduleError, slotsBetween } from '../../src/jobs/schedule-spec.js';
import { listIds, voteIds } from '../../src/kit/custom-ids.js';
import { canonical, sameCommands } from '../../src/discord/sync.js';
import { commands } from '../../commands/index.js';

describe('schedules as typed', () => {
  it.each([
    ['daily 09:00', '0 9 * * *', 'every day at 09:00'],
    ['daily at 6pm', '0 18 * * *', 'every day at 18:00'],
    ['weekly monday 09:00', '0 9 * * 1', 'every Monday at 09:00'],
    ['weekly on fri at 18:30', '30 18 * * 5', 'every Friday at 18:30'],
    ['monthly 15 08:05', '5 8 15 * *', 'on day 15 of every month at 08:05'],
    ['monthly', '0 9 1 * *', 'on day 1 of every month at 09:00'],
  ])('reads the preset "%s"', (input, cron, words) => {
    expect(parseSchedule(input, 'Europe/Berlin')).toEqual({ cron, timezone: 'Europe/Berlin', description: `${words} (Europe/Berlin)` });
  });

  it.each([
    ['*/5 * * * *', 'every 5 minutes'],
    ['*/2 * * * * *', 'every 2 seconds'],
    ['0 18 * * 1-5', 'every weekday at 18:00'],
    ['15 * * * *', 'every hour at minute 15'],
    ['0 9 1,15 * *', 'on days 1 and 15 of every month at 09:00'],
  ])('describes the cron "%s" in words', (cron, words) => {
    expect(describeCron(cron)).toBe(words);
    expect(parseSchedule(cron, 'UTC').cron).toBe(cron);
  });

  it('names the faulty cron field, and refuses bad time zones and presets', () => {
    const fieldOf = (input: string, tz = 'UTC') => {
      try {
        parseSchedule(input, tz);
        return null;
      } catch (e) {
        return e instanceof ScheduleError ? [e.field, e.message] : ['?', String(e)];
      }
    };
    expect(fieldOf('61 * * * *')).toEqual(['minute', expect.stringMatching(/^The minute field has 61, but minutes run from 0 to 59\./)]);
    expect(fieldOf('0 25 * * *')![0]).toBe('hour');
    expect(fieldOf('a b c')![0]).toBe('expression');
    expect(fieldOf('daily 09:00', 'Mars/Olympus')![0]).toBe('timezone');
    expect(fieldOf('weekly someday 09:00')![1]).toMatch(/not a day of the week/);
    expect(fieldOf('monthly 31 09:00')![1]).toMatch(/day 1 to 28/);
    expect(fieldOf('daily 25:00')![1]).toMatch(/not a time of day/);
    expect(fieldOf('')![1]).toMatch(/empty/);
  });

  // Issue 24 (12): the README promises every schedule is read back in words; steps, ranges and lists were quoted raw.
  it.each([
    ['0 */6 * * 1-5', 'every weekday at 00:00, 06:00, 12:00 and 18:00'],
    ['0 9,17 * * *', 'every day at 09:00 and 17:00'],
    ['0 9-17 * * 1-5', 'every weekday, every hour from 09:00 to 17:00'],
    ['0 */2 * * *', 'every 2 hours from 00:00 to 22:00'],
    ['0 8,12,16,20 * * *', 'every day at 08:00, 12:00, 16:00 and 20:00'],
    ['0 22-2 * * *', 'every day at 00:00, 01:00, 02:00, 22:00 and 23:00'],
    ['*/30 * * * *', 'every 30 minutes'],
    ['0,30 9-17 * * 1-5', 'every weekday, every 30 minutes from 09:00 to 17:30'],
    ['0 0 1 */3 *', 'on day 1 of January, April, July and October at 00:00'],
    ['0 0 1 1 *', 'on day 1 of January at 00:00'],
    ['0 12 * jan-mar mon', 'every Monday from January to March at 12:00'],
    ['0 9 * * 6,0', 'every Saturday and Sunday at 09:00'],
    ['0 9 * * 2-4', 'every day from Tuesday to Thursday at 09:00'],
    ['0 9 * * 1,3,5', 'every Monday, Wednesday and Friday at 09:00'],
    ['5 4 * * sun', 'every Sunday at 04:05'],
    ['0 9 * * 7', 'every Sunday at 09:00'],
    ['0 0 */2 * *', 'on every 2nd day (1, 3, 5 …) of every month at 00:00'],
    ['0 9 1-7 * 1', 'on days 1 to 7 of every month, when that is a Monday, at 09:00'],
    ['30 0 9 * * *', 'every day at 09:00:30'],
    ['* * * * * *', 'every second'],
    ['0 0 L * *', 'on the cron schedule `0 0 L * *`'],
  ])('reads "%s" back in words', (cron, words) => {
    expect(describeCron(cron)).toBe(words);
    expect(parseSchedule(cron, 'UTC').description).toBe(`${words} (UTC)`);
  });

  // Issue 24 (9): node-cron's own words ("61 is a invalid expression for minute") are never shown.
  it.each([
    ['61 * * * *', 'minute', 'The minute field has 61, but minutes run from 0 to 59.'],
    ['0 25 * * *', 'hour', 'The hour field has 25, but hours run from 0 to 23.'],
    ['30 2 30 2 *', 'day-of-month', 'The day-of-month field (30) and the month field (2) never meet: February has at most 29 days, so this schedule would never run.'],
    ['0 9 31 4,6 *', 'day-of-month', 'The day-of-month field (31) and the month field (4,6) never meet: April and June have at most 30 days, so this schedule would never run.'],
    ['0 9 0 * *', 'day-of-month', 'The day-of-month field has 0, but days of the month run from 1 to 31.'],
    ['0 9 * 13 *', 'month', 'The month field has 13, but months run from 1 to 12 (or jan … dec).'],
    ['0 9 * * 8', 'day-of-week', 'The day-of-week field has 8, but days of the week run from 0 to 7, 0 and 7 both Sunday (or sun … sat).'],
    ['0 9 * * mon-fry', 'day-of-week', 'The day-of-week field has "fry" (in "mon-fry"), which is not a day of the week'],
    ['*/0 * * * *', 'minute', 'The minute field has the step "/0" in "*/0": a step is a whole number from 1'],
    ['5/15 * * * *', 'minute', 'The minute field has "5/15": a step goes with * or a range (*/15 or 5-59/15).'],
    ['0 9 1,,2 * *', 'day-of-month', 'The day-of-month field ("1,,2") has an empty item between commas.'],
    ['0 9 * *', 'expression', '"0 9 * *" has 4 fields; a cron expression has 5 (minute hour day-of-month month day-of-week), or 6 with seconds first'],
    ['0 9 * * $', 'expression', 'has characters a cron expression does not use'],
  ])('refuses "%s" in its own words, naming the field, the value and the range', (cron, field, message) => {
    let error: unknown;
    try {
      parseSchedule(cron, 'UTC');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScheduleError);
    expect((error as ScheduleError).field).toBe(field);
    expect((error as ScheduleError).message).toContain(message);
    expect((error as ScheduleError).message).not.toMatch(/is a invalid expression|impossible day of month/);
  });

  it('lists the next runs in the schedule’s time zone', () => {
    const runs = nextRuns({ cron: '0 9 * * *', timezone: 'America/New_York' }, 3);
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hour12: false }).format(r)).toBe('09');
  });

  it('finds the fire slots in a window, oldest first', () => {
    const slots = slotsBetween({ cron: '0 */6 * * *', timezone: 'UTC' }, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
    expect(slots.map((d) => d.toISOString())).toEqual(['2026-01-01T06:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-01-01T18:00:00.000Z', '2026-01-02T00:00:00.000Z']);
    expect(slotsBetween({ cron: '*/10 * * * * *', timezone: 'UTC' }, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:30Z'))).toHaveLength(3);
  });
});

describe('button ids', () => {
  it('round-trip and refuse anything else', () => {
    expect(voteIds.parse(voteIds.encode(12, 'too_early'))).toEqual({ number: 12, verdict: 'too_early' });
    for (const forged of ['vote:12:maybe', 'vote:0:partly', 'vote:-1:partly', 'vote:1e3:partly', 'vote:12:partly:x', 'vote:12345678901:partly', 'Vote:1:partly']) {
      expect(voteIds.parse(forged)).toBeNull();
    }
    const state = { status: 'due' as const, page: 3, family: 'war', speaker: 'a Russian | official' };
    const id = listIds.encode(state, 'n');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(listIds.parse(id)).toEqual({ ...state, speaker: 'a Russian   official' });
    expect(listIds.parse('list:n:bogus:1||')).toBeNull();
    expect(listIds.parse('list:n:due:0||')).toBeNull();
  });
});

describe('command sync comparison', () => {
  const ours = commands.map((c) => c.definition);
  it('sees what Discord returns for our definitions as unchanged', () => {
    // What the API sends back: ids, versions, defaults filled in, nulls for unset fields.
    const fromApi = ours.map((c, i) => ({
      ...c,
      id: String(1000 + i),
      application_id: '1',
      version: '1',
      type: 1,
      dm_permission: false,
      nsfw: false,
      integration_types: [0],
      default_member_permissions: c.default_member_permissions ?? null,
      name_localizations: null,
      description_localizations: null,
    }));
    expect(sameCommands(ours, [...fromApi].reverse())).toBe(true);
  });

  it('notices a changed option, a new command and changed permissions', () => {
    const changed = structuredClone(ours);
    (changed[1]!.options![0] as { description: string }).description = 'something else';
    expect(sameCommands(ours, changed)).toBe(false);
    expect(sameCommands(ours, ours.slice(1))).toBe(false);
    const perms = structuredClone(ours);
    perms[0]!.default_member_permissions = '8';
    expect(sameCommands(ours, perms)).toBe(false);
    expect(canonical({ required: false, a: [], b: null })).toEqual({});
  });
});

describe('database outages', () => {
  it('are recognised through drizzle’s wrapping, and bugs are not', async () => {
    const { isDatabaseUnavailable } = await import('../../src/kit/failures.js');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new Error('Failed query', { cause: refused }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });
});

describe('slot scans jump with node-cron\'s next-match function', () => {
  it('finds the latest fire time in a span with a bounded number of calls, whatever the schedule', async () => {
    const { latestSlot, slotScan, matcherFor, shortestGapMs } = await import('../../src/jobs/schedule-spec.js');
    const cases: [string, string, string, string][] = [
      ['0 0 0 1 1 *', '2025-11-17T12:00:00Z', '2026-11-27T12:00:00Z', '2026-01-01T00:00:00.000Z'],
      ['* * * * * *', '2026-11-17T12:00:00Z', '2026-11-27T12:00:00Z', '2026-11-27T12:00:00.000Z'],
      ['* * 1-5 * * *', '2025-11-17T12:00:00Z', '2026-11-27T12:00:00Z', '2026-11-27T05:59:59.000Z'],
      ['0 9 * * 1', '2026-11-01T00:00:00Z', '2026-11-27T12:00:00Z', '2026-11-23T09:00:00.000Z'],
    ];
    for (const [cron, from, to, want] of cases) {
      const before = slotScan.calls;
      expect(latestSlot({ cron, timezone: 'UTC' }, new Date(from), new Date(to))?.toISOString()).toBe(want);
      expect(slotScan.calls - before).toBeLessThanOrEqual(80);
    }
    expect(latestSlot({ cron: '0 0 0 1 1 *', timezone: 'UTC' }, new Date('2026-01-02T00:00:00Z'), new Date('2026-11-27T00:00:00Z'))).toBeNull();
    expect(matcherFor({ cron: '*/10 * * * * *', timezone: 'UTC' }).next(new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe('2026-01-01T00:00:10.000Z');
    expect(shortestGapMs({ cron: '0,30 9 * * *', timezone: 'UTC' }, new Date('2026-11-27T12:00:00Z'))).toBe(30 * 60_000);
    expect(shortestGapMs({ cron: '0 9 * * *', timezone: 'UTC' }, new Date('2026-11-27T12:00:00Z'))).toBe(86_400_000);
  });
});


describe('lease owners on this host', () => {
  it('an owner whose process is gone (or a restarted container reusing the pid) is gone; a live one or another host is not', async () => {
    const { ownerIsGone } = await import('../../src/jobs/scheduler.js');
    const { hostname } = await import('node:os');
    const me = `${hostname()}/${process.pid}/aaaaaa`;
    expect(ownerIsGone(`${hostname()}/${process.pid}/bbbbbb`, me)).toBe(true);
    expect(ownerIsGone(me, me)).toBe(false);
    expect(ownerIsGone(`${hostname()}/${process.ppid}/cccccc`, me)).toBe(false);
    expect(ownerIsGone(`${hostname()}/4194999/cccccc`, me)).toBe(true);
    expect(ownerIsGone(`another-host/4194999/cccccc`, me)).toBe(false);
    expect(ownerIsGone('round-123', me)).toBe(false);
  });
});
