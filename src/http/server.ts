/**
 * Discord's interactions endpoint (node:http): POST /interactions and GET /healthz.
 *
 * A request is checked before anything of it is parsed: the Ed25519 signature over
 * `X-Signature-Timestamp + raw body` (401 otherwise), then the timestamp's age, then — once
 * parsed — its interaction id against the ids every replica has taken (a shared table), so a
 * replayed request is refused by any replica. Commands, autocomplete and buttons run through the
 * kit's handlers inside the kit's error boundary, like the gateway router. The first answer is
 * the HTTP response when it comes within `deferAfterMs`; otherwise the response is a deferral and
 * the answer follows over REST. Stateless: run any number of replicas on one database.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, InteractionType, type APIInteraction } from 'discord-api-types/v10';
import type { Db } from '../db/client.js';
import { databaseUnavailable, guildOnly, guarded, isDatabaseUnavailable, type HandlerIndex } from '../kit/handlers.js';
import { errorReply } from '../kit/render.js';
import { CatalogError, type AppCtx } from '../kit/types.js';
import { autocompleteCall, commandCall, componentCall, Exchange, messageData } from './calls.js';
import { pruneReceipts, takeInteraction } from './receipts.js';
import { publicKeyFromHex, verifySignature } from './verify.js';

export interface InteractionServerOptions {
  port: number;
  host?: string;
  /** The application's public key, 64 hex digits. */
  publicKey: string;
  db: Db;
  ctx: AppCtx;
  handlers: HandlerIndex;
  /** REST for the follow-ups (pointed at the REST exit when there is one). */
  rest: REST;
  role: string;
  ping(): Promise<boolean>;
  /** Answer with a deferral when the handler has not answered by then (default 2500 ms; Discord's deadline is 3 s). */
  deferAfterMs?: number;
  /** Refuse a signed timestamp older (or further ahead) than this (default 300 s). */
  maxAgeSeconds?: number;
  /** Largest body read (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface InteractionServer {
  port: number;
  /** Stops taking requests, lets the ones in flight (and their follow-ups) finish, up to `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new TooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function sendJson(res: ServerResponse, status: number, body: unknown): Promise<void> {
  return new Promise((resolve) => {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json, () => resolve());
  });
}

export async function startInteractionServer(opts: InteractionServerOptions): Promise<InteractionServer> {
  const key = publicKeyFromHex(opts.publicKey);
  const { ctx, handlers, log } = { ...opts, log: opts.ctx.log };
  const deferAfterMs = opts.deferAfterMs ?? 2500;
  const maxAgeMs = (opts.maxAgeSeconds ?? 300) * 1000;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /** Runs the handler; resolves when its work (follow-ups included) is done. */
  async function run(i: APIInteraction, x: Exchange): Promise<void> {
    const context = { interaction: i.type === InteractionType.MessageComponent ? `button ${String((i.data as { custom_id?: string }).custom_id).slice(0, 100)}` : `/${(i.data as { name?: string } | undefined)?.name ?? '?'}`, guildId: i.guild_id, userId: i.member?.user.id ?? i.user?.id };
    if (i.type === InteractionType.ApplicationCommandAutocomplete) {
      x.choices(i.guild_id ? await handlers.choices(autocompleteCall(i), ctx) : []);
      return;
    }
    await guarded(
      ctx,
      context,
      async () => {
        if (!i.guild_id) throw guildOnly();
        if (i.type === InteractionType.ApplicationCommand && 'name' in i.data && i.data.type === 1) {
          await handlers.command(i.data.name).execute(commandCall(i as Parameters<typeof commandCall>[0], x), ctx);
        } else if (i.type === InteractionType.MessageComponent && i.data.component_type === 2) {
          await handlers.component(i.data.custom_id).handle(componentCall(i, x), ctx);
        } else {
          throw new CatalogError('errors.unsupportedInteraction');
        }
      },
      (reply) => x.failure(reply),
      'locale' in i ? i.locale : null,
    );
  }

  async function onInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof TooLarge) return sendJson(res, 413, { error: 'body too large' });
      throw error;
    }
    const timestamp = header(req, 'x-signature-timestamp');
    if (!verifySignature(key, header(req, 'x-signature-ed25519'), timestamp, raw)) return sendJson(res, 401, { error: 'invalid request signature' });
    const signedAt = Number(timestamp) * 1000;
    if (!Number.isFinite(signedAt) || Math.abs(ctx.now().getTime() - signedAt) > maxAgeMs) return sendJson(res, 401, { error: 'stale request timestamp' });
    let i: APIInteraction | { type: InteractionType.Ping; id: string };
    try {
      i = JSON.parse(raw.toString('utf8')) as APIInteraction;
    } catch {
      return sendJson(res, 400, { error: 'invalid JSON' });
    }
    if (i.type === InteractionType.Ping) return sendJson(res, 200, { type: InteractionResponseType.Pong });
    if (typeof i.id !== 'string' || !/^\d{1,20}$/.test(i.id)) return sendJson(res, 400, { error: 'no interaction id' });
    try {
      if (!(await takeInteraction(opts.db, i.id, ctx.now()))) return sendJson(res, 401, { error: 'interaction already received' });
    } catch (error) {
      if (!isDatabaseUnavailable(error)) log.error({ err: error }, 'could not record the interaction id');
      else log.warn({ err: error }, 'database unavailable');
      if (i.type === InteractionType.ApplicationCommandAutocomplete) return sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
      return sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: messageData(errorReply(databaseUnavailable('locale' in i ? i.locale : null))).data });
    }
    const x = new Exchange(i, opts.rest);
    let markSent!: () => void;
    x.sent = new Promise((resolve) => (markSent = resolve));
    const work = run(i, x).catch((error: unknown) => log.error({ err: error }, 'interaction handler crashed'));
    // A handler that ends without answering (or crashes past the boundary) still gets an acknowledgement.
    void work.then(() => x.deferNow());
    const timer = setTimeout(() => x.deferNow(), deferAfterMs);
    const done = (async () => {
      const body = await x.response;
      clearTimeout(timer);
      await sendJson(res, 200, body);
      markSent();
      await work;
    })();
    track(done);
    await done;
  }

  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?', 1)[0];
    let handling: Promise<void>;
    if (req.method === 'POST' && url === '/interactions') {
      if (closing) {
        res.writeHead(503, { connection: 'close' }).end();
        return;
      }
      handling = onInteraction(req, res);
    } else if ((req.method === 'GET' || req.method === 'HEAD') && url === '/healthz') {
      handling = opts.ping().then((database) => sendJson(res, database ? 200 : 503, { database, role: opts.role }));
    } else {
      handling = sendJson(res, 404, { error: 'not found' });
    }
    handling.catch((error: unknown) => {
      log.error({ err: error }, 'interactions endpoint error');
      if (!res.headersSent) void sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'interactions endpoint listening');

  const prune = setInterval(() => {
    pruneReceipts(opts.db, new Date(ctx.now().getTime() - 2 * maxAgeMs)).catch((error: unknown) => log.debug({ err: error }, 'pruning interaction receipts failed'));
  }, 60_000);
  prune.unref();

  return {
    port,
    async close(graceMs = 10_000) {
      closing = true;
      clearInterval(prune);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all([...inFlight]), grace]);
      server.closeAllConnections();
      await closed;
    },
  };
}
