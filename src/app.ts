/**
 * Assembles the bot from explicit parts: database → migrations → client → router → jobs →
 * login (scheduled rounds start once the client is ready). `stop()` undoes them in reverse. Nothing happens at import time.
 */
import { Events, type Client } from 'discord.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { migrateDatabase, openDatabase, type Database } from './db/client.js';
import { createClient } from './discord/client.js';
import { createRouter } from './discord/router.js';
import { componentHandlers } from './discord/components.js';
import { syncCommands } from './discord/sync.js';
import { allDefinitions, commands, messageCommands } from '../commands/index.js';
import { draftComponentHandlers, draftModalHandlers } from './discord/drafts.js';
import { articleTools } from './articles.js';
import { startCloser, type Closer } from './jobs/closer.js';
import { Scheduler } from './jobs/scheduler.js';
import { discordPoster } from './discord/poster.js';
import { roundScoreNotes } from './ledger/leaderboard.js';
import type { AppCtx, ArticleTools, AttachmentRef } from './discord/types.js';
import { UserError } from './discord/types.js';

/** Downloads a member's attachment with a size cap and a timeout. */
export async function fetchAttachment(ref: AttachmentRef, maxBytes: number): Promise<string> {
  const response = await fetch(ref.url, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok || !response.body) throw new UserError(`Could not download ${ref.name} (HTTP ${response.status}). Try uploading it again.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new UserError(`The file is too large (at most ${Math.floor(maxBytes / 1_000_000)} MB).`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface RunningApp {
  client: Client;
  database: Database;
  ctx: AppCtx;
  /** Resolves once the client is ready and commands are synced. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startApp(config: Config, log: Logger, opts: { now?: () => Date; articles?: ArticleTools } = {}): Promise<RunningApp> {
  if (!config.DISCORD_TOKEN) throw new Error('startApp needs DISCORD_TOKEN');
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.HINDSIGHT_DATA_DIR });
  const undo: (() => Promise<void>)[] = [() => database.close()];
  const stop = async () => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        log.warn({ err: error }, 'error while stopping');
      }
    }
    undo.length = 0;
  };
  try {
    await migrateDatabase(database, config.DATABASE_URL);
    log.info({ database: database.kind }, 'database ready');
    const now = opts.now ?? (() => new Date());
    const client = createClient(config.DISCORD_API_URL, config.DISCORD_SHARD);
    undo.push(() => client.destroy());
    const scheduler = new Scheduler({ db: database.db, log, poster: discordPoster(client), now, catchupHours: config.HINDSIGHT_CATCHUP_HOURS, notesFor: roundScoreNotes });
    // Stopped first on shutdown: no new slots, rounds in flight get up to 10 s.
    undo.push(() => scheduler.stop(10_000));
    const ctx: AppCtx = {
      db: database.db,
      log,
      now,
      fetchAttachment,
      scheduler,
      articles: opts.articles ?? articleTools({ allowPrivateAddresses: config.HINDSIGHT_EXTRACT_ALLOW_PRIVATE }),
    };
    const router = createRouter(commands, [...componentHandlers, ...draftComponentHandlers], ctx, { messageCommands, modals: draftModalHandlers });
    client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
    client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
    client.on(Events.ShardDisconnect, (_event, shard) => log.warn({ shard }, 'gateway disconnected'));
    const ready = new Promise<void>((resolve, reject) => {
      client.once(Events.ClientReady, async (c) => {
        try {
          log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'logged in');
          await syncCommands(c.rest, c.application.id, allDefinitions, log, config.DISCORD_GUILD_ID);
          await scheduler.start();
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    });
    const closer: Closer = startCloser(database.db, log, now);
    undo.push(() => closer.stop());
    await client.login(config.DISCORD_TOKEN);
    return { client, database, ctx, ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
