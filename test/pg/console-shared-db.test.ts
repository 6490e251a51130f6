/**
 * The console on a shared database (DATABASE_URL, no token) touches only its own server: a real
 * server's schedule with a missed round in the catch-up window is neither posted by the console
 * nor disabled because the console has no such channel.
 */
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runConsole } from '../../src/console/index.js';
import { scheduleRuns, schedules } from '../../src/db/schema.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import { createLogger } from '../../src/log.js';
import { bundledPacks, importLedger } from '../../src/ledger/transfer.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';

const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

describe('the console on a shared PostgreSQL', () => {
  it("leaves other servers' schedules alone", async () => {
    const database = await makeTestDb();
    opened.push(database);
    const guildId = newGuildId();
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000);
    const ctx = { db: database.db, guildId, actor: { id: '900000000000000001', isManager: true }, now: () => threeHoursAgo };
    await importLedger(ctx, { packId: bundledPacks()[0]!.id });
    // Hourly since three hours ago: the catch-up window (6 h) holds missed slots, and claims are due.
    const schedule = await addSchedule(ctx, { channelId: '300000000000000001', schedule: '0 * * * *', timezone: 'UTC' });

    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const input = new PassThrough();
    input.end('/predict list\n');
    const config = loadConfig({ DATABASE_URL: database.url!, HINDSIGHT_DATA_DIR: '/nonexistent-not-used' });
    const code = await runConsole(config, { input, output, isTTY: false, log: createLogger('silent') });
    expect(code, printed).toBe(0);

    const [row] = await database.db.select().from(schedules).where(eq(schedules.id, schedule.id));
    expect(row!.status).toBe('active');
    expect(row!.statusReason).toBeNull();
    expect(await database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id))).toHaveLength(0);
  });
});
