/**
 * The real bot (startApp: database, migrations, discord.js client, router, jobs) logged into our
 * fake Discord on 127.0.0.1, with its logs captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startApp, type RunningApp } from '../../src/app.js';
import type { ArticleTools } from '../../src/kit/types.js';
import type { CronSchedule } from '../../src/jobs/scheduler.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type FakeGuildInfo } from '../fake-discord/index.js';
import { seedDataDir } from './test-db.js';

export interface BotHarness {
  fake: FakeDiscord;
  guild: FakeGuildInfo;
  app: RunningApp;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** A new data folder holding the run's migrated template (the bot's start-up migration finds nothing to do). */
function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-e2e-'));
  seedDataDir(dir);
  return dir;
}

export async function startBotHarness(
  opts: {
    fake?: FakeDiscordOptions;
    env?: Record<string, string>;
    now?: () => Date;
    reuse?: { fake: FakeDiscord; guild: FakeGuildInfo; dataDir: string };
    /** Article intake with other limits than the configuration's (e.g. a short fetch timeout). */
    articles?: ArticleTools;
    /** Also wait for the slash command sync (default true). */
    waitForSync?: boolean;
    /** How the scheduler starts cron tasks, e.g. a ManualCron's `schedule` (./manual-cron.ts); default node-cron. */
    cron?: CronSchedule;
    /** Also serve the HTTP interactions endpoint (on a free port, the fake's public key): both transports in one process. */
    endpoint?: boolean;
  } = {},
): Promise<BotHarness & { dataDir: string }> {
  const fake = opts.reuse?.fake ?? (await startFakeDiscord(opts.fake));
  const guild = opts.reuse?.guild ?? fake.addGuild({ name: 'Hindsight test server' });
  const dataDir = opts.reuse?.dataDir ?? freshDataDir();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    HINDSIGHT_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...(opts.endpoint ? { INTERACTIONS_PORT: '0', DISCORD_PUBLIC_KEY: fake.publicKeyHex } : {}),
    ...opts.env,
  });
  const app = await startApp(config, createLogger('info', sink), {
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.articles ? { articles: opts.articles } : {}),
    ...(opts.cron ? { cron: opts.cron } : {}),
  });
  await app.ready;
  if (opts.waitForSync ?? true) await app.commandsSynced;
  return {
    fake,
    guild,
    app,
    logs,
    dataDir,
    async stop() {
      await app.stop();
      if (!opts.reuse) {
        await fake.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
