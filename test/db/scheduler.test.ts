import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { schedules, scheduleRuns } from '../../src/db/schema.js';
import { addClaim, type LedgerCtx } from '../../src/ledger/index.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { RecordingPoster } from '../support/recording-poster.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

const MANAGER = { id: '900000000000000001', isManager: true };
const ctx = (guildId: string, now: Date): LedgerCtx => ({ db: database.db, guildId, actor: MANAGER, now: () => now });

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { lines, log };
}

describe('catch-up after downtime', () => {
  it('posts the latest slot missed within the window once, and logs older ones as skipped', async () => {
    const g = newGuildId();
    const created = new Date('2026-11-26T00:30:00Z');
    await addClaim(ctx(g, new Date('2026-11-20T00:00:00Z')), { claim: 'Due during the downtime', checkBy: '2026-11-26' });
    const schedule = await addSchedule(ctx(g, created), { channelId: '700000000000000009', schedule: '0 * * * *', timezone: 'UTC' });
    // Down since creation; back at 12:10 the next day: slots 01:00 … 12:00 were missed.
    const now = new Date('2026-11-27T12:10:00Z');
    const poster = new RecordingPoster();
    const { lines, log } = capture();
    const scheduler = new Scheduler({ db: database.db, log, poster, now: () => now, catchupHours: 6 });
    expect(await scheduler.catchUp({ logSkipped: true, graceMs: 0 })).toBe(1);
    const runs = await database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id));
    expect(runs.map((r) => [r.slot.toISOString(), r.outcome])).toEqual([['2026-11-27T12:00:00.000Z', 'posted']]);
    expect(poster.posts[0]!.reply.embeds![0]!.description).toMatch(/\*\*1\*\* claim came due/);
    const skipped = lines.find((l) => l.msg === 'rounds missed before the catch-up window were skipped');
    // From 01:00 on the 26th to 06:00 on the 27th (the window start, 12:10 − 6 h = 06:10).
    expect(skipped).toMatchObject({ scheduleId: schedule.id, skipped: 30 });
    // Again (another process, or the next maintenance tick): nothing more.
    expect(await scheduler.catchUp({ logSkipped: false, graceMs: 0 })).toBe(0);
    expect(poster.posts).toHaveLength(2);
    await scheduler.stop();
  });

  it('skips everything when the last slot is older than the window', async () => {
    const g = newGuildId();
    const schedule = await addSchedule(ctx(g, new Date('2026-11-01T00:00:00Z')), { channelId: '700000000000000010', schedule: 'monthly 1 09:00', timezone: 'UTC' });
    const poster = new RecordingPoster();
    const { log } = capture();
    const scheduler = new Scheduler({ db: database.db, log, poster, now: () => new Date('2026-11-27T12:00:00Z'), catchupHours: 6 });
    expect(await scheduler.catchUp({ logSkipped: true, graceMs: 0 })).toBe(0);
    expect(poster.posts).toHaveLength(0);
    const [row] = await database.db.select().from(schedules).where(eq(schedules.id, schedule.id));
    expect(row!.lastSlot).toBeNull();
    await scheduler.stop();
  });

  it('stops taking slots on stop() and waits for the round in flight', async () => {
    const g = newGuildId();
    await addClaim(ctx(g, new Date('2026-11-20T00:00:00Z')), { claim: 'In flight', checkBy: '2026-11-21' });
    const schedule = await addSchedule(ctx(g, new Date('2026-11-26T00:00:00Z')), { channelId: '700000000000000011', schedule: 'daily 09:00', timezone: 'UTC' });
    const poster = new RecordingPoster();
    poster.delayMs = 300;
    const { log } = capture();
    const now = new Date('2026-11-27T09:00:01Z');
    const scheduler = new Scheduler({ db: database.db, log, poster, now: () => now, catchupHours: 6 });
    const inFlight = scheduler.runSlot(schedule.id, new Date('2026-11-27T09:00:00Z'));
    await new Promise((r) => setTimeout(r, 50));
    await scheduler.stop(5000);
    expect((await inFlight)?.outcome).toBe('posted');
    expect(await scheduler.runSlot(schedule.id, new Date('2026-11-28T09:00:00Z'))).toBeNull();
  });
});
