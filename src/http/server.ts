/**
 * Discord's interactions endpoint (node:http): POST /interactions and GET /healthz.
 *
 * A request is checked before anything of it is parsed: the Ed25519 signature over
 * `X-Signature-Timestamp + raw body` (401 otherwise), then the timestamp's age, then — once
 * parsed — its interaction id against the ids every replica has taken (a shared table), so a
 * replayed request is refused by any replica. A verified interaction goes through the same
 * pipeline as the gateway's (src/pipeline/run.ts: commands, message commands, autocomplete,
 * buttons and forms, one error boundary), answered by the same DiscordResponder, whose first answer
 * here is the HTTP response when it comes within `deferAfterMs`; otherwise the response is a
 * deferral and the answer follows over REST. Stateless: run any number of replicas on one database.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, InteractionType, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import type { Db } from '../db/client.js';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../kit/failures.js';
import { errorReply } from '../kit/render.js';
import type { Registry } from '../kit/registry.js';
import type { AppCtx } from '../kit/types.js';
import { DiscordResponder, messageData } from '../pipeline/discord.js';
import { runInteraction } from '../pipeline/run.js';
import { pruneReceipts, takeInteraction } from './receipts.js';
import { publicKeyFromHex, verifySignature } from './verify.js';

export interface InteractionServerOptions {
  port: number;
  host?: string;
  /** The application's public key, 64 hex digits. */
  publicKey: string;
  db: Db;
  ctx: AppCtx;
  /** Every command, message command, button and form (commands/index.ts). */
  registry: Registry;
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
  const { ctx, registry, log } = { ...opts, log: opts.ctx.log };
  const deferAfterMs = opts.deferAfterMs ?? 2500;
  const maxAgeMs = (opts.maxAgeSeconds ?? 300) * 1000;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /**
   * A verified, parsed interaction through the pipeline: the first answer is the HTTP response
   * (sent by `respond`), the rest follows over REST once it is written. Resolves when the handler's
   * work (follow-ups included) is done.
   */
  async function dispatch(i: APIInteraction, respond: (body: APIInteractionResponse) => Promise<void>): Promise<void> {
    let answer!: (body: APIInteractionResponse) => void;
    const response = new Promise<APIInteractionResponse>((resolve) => (answer = resolve));
    let written!: () => void;
    const sent = new Promise<void>((resolve) => (written = resolve));
    const first = {
      carriesFiles: false,
      send(body: APIInteractionResponse) {
        answer(body);
        return sent;
      },
    };
    const responder = new DiscordResponder(i, opts.rest, first, { deferAfterMs });
    // runInteraction never throws, and settles the interaction (a deferral) when the handler did not answer.
    const work = runInteraction(i, responder, registry, ctx);
    try {
      await respond(await response);
    } finally {
      written();
    }
    await work;
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
      return sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: messageData(errorReply(DATABASE_UNAVAILABLE)).data });
    }
    const done = dispatch(i, (body) => sendJson(res, 200, body));
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
