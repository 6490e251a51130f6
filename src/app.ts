/**
 * The bot in Discord mode: the shared core (database → migrations, src/core.ts) → client →
 * router → jobs → login. The jobs start once the client is ready; the command sync runs beside
 * them and is retried with backoff, so a failed sync never stops scheduled rounds. `stop()`
 * undoes everything in reverse. Nothing happens at import time.
 */
import { Events, GatewayDispatchEvents, Routes, type APIInteraction, type Client } from 'discord.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Database } from './db/client.js';
import { openCore } from './core.js';
import { createClient, createRestClient } from './discord/client.js';
import { createRouter } from './discord/router.js';
import { syncCommands } from './discord/sync.js';
import { registry } from '../commands/index.js';
import { discordCardEditor, discordPoster, restCardEditor, restPoster } from './discord/poster.js';
import { startCardFlusher } from './jobs/cards.js';
import type { CronSchedule } from './jobs/scheduler.js';
import { startInteractionServer } from './http/server.js';
import { EXIT_SECRET_HEADER } from './http/rest-exit.js';
import type { AppCtx, ArticleTools, AttachmentRef } from './kit/types.js';
import { UserError } from './kit/types.js';

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

export interface Health {
  /** The database answered a trivial query just now. */
  database: boolean;
  /** The gateway connection is ready. */
  gateway: boolean;
  /** Slash commands match our definitions (false while the sync is still being retried). */
  commandsSynced: boolean;
  /** The scheduler and the window closer are running. */
  jobs: boolean;
}

export interface RunningApp {
  /** The gateway client (null in the interactions role). */
  client: Client | null;
  /** The port of the interactions endpoint, when this process serves one. */
  endpointPort: number | null;
  database: Database;
  ctx: AppCtx;
  /** Resolves once the client is ready and the jobs run (whether or not the command sync has succeeded yet). */
  ready: Promise<void>;
  /** Resolves once the slash commands are in sync (retried with backoff until then). */
  commandsSynced: Promise<void>;
  health(): Promise<Health>;
  stop(): Promise<void>;
}

/** Retry delays of the command sync: 1 s, 2 s, 4 s … at most 5 minutes between tries. */
export const syncBackoff = (attempt: number) => Math.min(1000 * 2 ** attempt, 300_000);

/** The REST base every request of this process goes to: the shared REST exit when there is one. */
export function restApi(config: Config): string {
  if (!config.DISCORD_REST_PROXY_URL) return config.DISCORD_API_URL.replace(/\/+$/, '');
  const url = config.DISCORD_REST_PROXY_URL.replace(/\/+$/, '');
  // @discordjs/proxy strips an /api[/vN] prefix and puts its own version back.
  return /\/api$/.test(url) ? url : `${url}/api`;
}

/** Headers of every REST request of this process: the REST exit's shared secret when it goes through the exit. */
export function restHeaders(config: Config): Record<string, string> {
  return config.DISCORD_REST_PROXY_URL && config.HINDSIGHT_REST_PROXY_SECRET ? { [EXIT_SECRET_HEADER]: config.HINDSIGHT_REST_PROXY_SECRET } : {};
}

export async function startApp(config: Config, log: Logger, opts: { now?: () => Date; syncBackoff?: (attempt: number) => number; articles?: ArticleTools; cron?: CronSchedule } = {}): Promise<RunningApp> {
  if (!config.DISCORD_TOKEN) throw new Error('startApp needs DISCORD_TOKEN');
  const token = config.DISCORD_TOKEN;
  const role = config.HINDSIGHT_ROLE;
  const withGateway = role !== 'interactions';
  const withEndpoint = role !== 'gateway' && config.INTERACTIONS_PORT !== undefined;
  if (role === 'gateway' && config.INTERACTIONS_PORT !== undefined) log.warn('INTERACTIONS_PORT is ignored with HINDSIGHT_ROLE=gateway');
  const core = await openCore(config, log, { ...(opts.now ? { now: opts.now } : {}), ...(opts.articles ? { articles: opts.articles } : {}), ...(opts.cron ? { cron: opts.cron } : {}) });
  try {
    const api = restApi(config);
    const client = withGateway ? createClient(api, config.DISCORD_SHARD, restHeaders(config)) : null;
    if (client) core.onStop(() => client.destroy());
    const rest = client?.rest ?? createRestClient(api, token, restHeaders(config));
    const jobs = core.jobs(client ? discordPoster(client) : restPoster(rest), fetchAttachment, { runsJobs: withGateway });
    const { ctx } = jobs;
    const state = { jobs: false, commandsSynced: false, stopping: false, endpoint: false };
    let retry: NodeJS.Timeout | undefined;
    core.onStop(async () => {
      state.stopping = true;
      clearTimeout(retry);
    });
    let markSynced!: () => void;
    const commandsSynced = new Promise<void>((resolve) => (markSynced = resolve));
    // The sync is retried on its own: a failure never keeps the scheduler from running.
    const sync = (applicationId: () => Promise<string>, attempt: number) => {
      applicationId()
        .then((id) => syncCommands(rest, id, registry.definitions, log, config.DISCORD_GUILD_ID))
        .then(
          () => {
            state.commandsSynced = true;
            markSynced();
          },
          (error: unknown) => {
            if (state.stopping) return;
            const delay = (opts.syncBackoff ?? syncBackoff)(attempt);
            log.error({ err: error, attempt: attempt + 1, retryInMs: delay }, 'slash command sync failed; retrying');
            retry = setTimeout(() => sync(applicationId, attempt + 1), delay);
          },
        );
    };
    let ready: Promise<void>;
    if (client) {
      // The raw INTERACTION_CREATE payload goes through the same pipeline as the HTTP endpoint's.
      const router = createRouter(registry, ctx, rest);
      client.ws.on(GatewayDispatchEvents.InteractionCreate, (interaction: APIInteraction) => void router.handle(interaction));
      client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
      client.on(Events.ShardDisconnect, (_event, shard) => log.warn({ shard }, 'gateway disconnected'));
      ready = new Promise<void>((resolve, reject) => {
        client.once(Events.ClientReady, async (c) => {
          log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'logged in');
          sync(async () => c.application.id, 0);
          try {
            await jobs.start();
            state.jobs = true;
            // Vote cards' tallies (pending ones left by a restart go out at once).
            const cards = startCardFlusher({ db: core.database.db, editor: discordCardEditor(c), log, now: ctx.now });
            core.onStop(() => cards.stop());
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      });
    } else {
      ready = Promise.resolve();
      // Vote cards' tallies: every replica flushes (cards are taken with SKIP LOCKED), so no gateway is needed for them.
      const cards = startCardFlusher({ db: core.database.db, editor: restCardEditor(rest), log, now: ctx.now });
      core.onStop(() => cards.stop());
      sync(async () => ((await rest.get(Routes.currentApplication())) as { id: string }).id, 0);
    }
    let endpointPort: number | null = null;
    if (withEndpoint) {
      // Registered last, so it stops first: no new interactions, the ones in flight finish, then the rest.
      const endpoint = await startInteractionServer({
        port: config.INTERACTIONS_PORT!,
        publicKey: config.DISCORD_PUBLIC_KEY!,
        db: core.database.db,
        ctx,
        registry,
        rest,
        role,
        ping: () => core.database.ping(),
      });
      endpointPort = endpoint.port;
      state.endpoint = true;
      core.onStop(() => endpoint.close());
    }
    if (client) await client.login(token);
    const health = async (): Promise<Health> => ({
      database: await core.database.ping(),
      gateway: client?.isReady() ?? false,
      commandsSynced: state.commandsSynced,
      jobs: state.jobs,
    });
    return { client, database: core.database, ctx, ready, commandsSynced, health, endpointPort, stop: core.stop };
  } catch (error) {
    await core.stop();
    throw error;
  }
}

