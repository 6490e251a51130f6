/**
 * Start-up when Discord misbehaves: a failed command sync never keeps scheduled rounds from
 * running; it is retried with backoff until it succeeds, and health says where it stands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { seedDataDir } from '../support/test-db.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';

let fake: FakeDiscord;
let h: BotHarness | undefined;
let dataDir: string;

afterAll(async () => {
  await h?.stop();
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('start-up', () => {
  it('runs the scheduler although the command sync fails, and retries the sync until it succeeds', async () => {
    fake = await startFakeDiscord();
    const guild = fake.addGuild({ name: 'Sync fails' });
    dataDir = mkdtempSync(join(tmpdir(), 'hindsight-startup-'));
    seedDataDir(dataDir);
    // The first two reads of the command list are refused (400s are not retried by the REST client).
    fake.failNext(2, 400, { match: 'GET /applications/{application_id}/commands' });
    h = await startBotHarness({ reuse: { fake, guild, dataDir }, waitForSync: false });
    const early = await h.app.health();
    expect(early.jobs).toBe(true);
    expect(early.gateway).toBe(true);
    expect(early.database).toBe(true);
    expect(early.commandsSynced).toBe(false);
    expect(fake.stats.commandPuts.global).toBe(0);
    await h.app.commandsSynced; // 1 s + 2 s of backoff
    expect((await h.app.health()).commandsSynced).toBe(true);
    expect(fake.stats.commandPuts.global).toBe(1);
    const failures = h.logs.filter((l) => l.msg === 'slash command sync failed; retrying');
    expect(failures.map((l) => l.attempt)).toEqual([1, 2]);
    expect(failures.map((l) => l.retryInMs)).toEqual([1000, 2000]);
  }, 90_000);
});
