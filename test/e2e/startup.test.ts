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
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeStartFailure } from '../../src/discord/start-failure.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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

// Issue 24: a token that looks valid but cannot connect printed only a JSON log line.
describe('a start that fails says why, in a sentence on standard error', () => {
  /** `node --import tsx src/main.ts …args` in a temporary data folder: its exit code and every line it printed. */
  const run = async (env: Record<string, string>, args: string[] = []) => {
    const dir = mkdtempSync(join(tmpdir(), 'hindsight-badstart-'));
    seedDataDir(join(dir, 'data')); // a migrated database: these starts fail at Discord, not at the first migration
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: dir, HINDSIGHT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, lines: out.split('\n').filter((l) => l.trim()) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('a token Discord refuses', async () => {
    const refusing = await startFakeDiscord();
    try {
      const { code, lines } = await run({ DISCORD_TOKEN: 'MTA5ODc2NTQzMjEwOTg3NjU0.GxYzAb.notTheRealTokenAtAllButLooksLikeOne000', DISCORD_API_URL: refusing.apiUrl });
      expect(code).toBe(1);
      expect(lines).toContain('Discord refused the bot token in DISCORD_TOKEN (401 Unauthorized). Copy it again from the developer portal (Bot → Reset Token), or unset DISCORD_TOKEN to open the local console.');
    } finally {
      await refusing.close();
    }
  }, 60_000);

  it('a Discord that cannot be reached', async () => {
    const { code, lines } = await run({ DISCORD_TOKEN: 'MTA5ODc2NTQzMjEwOTg3NjU0.GxYzAb.notTheRealTokenAtAllButLooksLikeOne000', DISCORD_API_URL: 'http://127.0.0.1:9/api' });
    expect(code).toBe(1);
    expect(lines.find((l) => l.startsWith('Could not reach Discord'))).toMatch(/^Could not reach Discord at http:\/\/127\.0\.0\.1:9\/api \(ECONNREFUSED\)\./);
  }, 60_000);

  it('an option it does not know is refused, not ignored (--locale is known)', async () => {
    const { code, lines } = await run({}, ['--locale', 'ru', '--foo']);
    expect(code).toBe(2);
    expect(lines).toContain('Unknown option: --foo. Hindsight takes only --help and --locale (the console’s language); settings come from the environment or a .env file (npm start -- --help).');
  }, 60_000);

  it('anything else is named by its message', () => {
    expect(describeStartFailure(new Error('disk full'), { apiUrl: 'x' })).toBe('Hindsight could not start: disk full');
    expect(describeStartFailure(Object.assign(new Error('Service Unavailable'), { status: 503 }), { apiUrl: 'x' })).toMatch(/^Discord answered 503 while Hindsight was logging in/);
  });
});
