/**
 * Discord's interactions endpoint (node:http): POST /interactions and GET /healthz.
 *
 * A request is read and checked by ./intake.ts before anything of it is kept or parsed: the
 * signature headers and the timestamp's age before the body (401), a body capped in size (413)
 * and time (dropped), the Ed25519 signature over `X-Signature-Timestamp + raw body` (401), the
 * shape of an interaction (400); timeouts and a connection cap bound the sockets. Then its
 * interaction id is checked against the ids every replica has taken (a shared table), so a
 * replayed request is refused by any replica. A verified interaction goes through the same pipeline as
 * the gateway's (src/pipeline/run.ts: commands, message commands, autocomplete, buttons and forms,
 * one error boundary), answered by the same DiscordResponder, whose first answer here is
 * the HTTP response when it comes within `deferAfterMs`; otherwise the response is a deferral and
 * the answer follows over REST. Stateless: run any number of replicas on one database.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, InteractionType, type APIInteraction, type APIInteractionResponse } from 'discord-api-types/v10';
import type { Db } from '../db/client.js';
import { databaseUnavailable, isDatabaseUnavailable } from '../kit/failures.js';
import { errorReply } from '../kit/render.js';
import type { Registry } from '../kit/registry.js';
import type { AppCtx } from '../kit/types.js';
import { DiscordResponder, messageData } from '../pipeline/discord.js';
import { runInteraction } from '../pipeline/run.js';
import { pruneReceipts, takeInteraction } from './receipts.js';
import { publicKeyFromHex } from './verify.js';
import { boundServer, DEFAULT_INTAKE_LIMITS, DEFAULT_SOCKET_LIMITS, InteractionIntake, serverOptions, type IntakeLimits, type IntakeStats, type SocketLimits } from './intake.js';

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
  /** Bounds on what a request may hold and for how long (defaults in ./intake.ts, with the reasons). */
  limits?: Partial<Omit<IntakeLimits, 'maxAgeMs'> & SocketLimits>;
}

export interface InteractionServer {
  port: number;
  /** Bytes held for bodies (now and at most) and requests refused, by status. */
  intake: IntakeStats;
  /** Stops taking requests, lets the ones in flight (and their follow-ups) finish, up to `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

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
  const limits = { ...DEFAULT_INTAKE_LIMITS, ...DEFAULT_SOCKET_LIMITS, ...opts.limits, maxAgeMs };
  const intake = new InteractionIntake(key, limits, ctx.now);
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
    const read = await intake.read(req);
    if (!read.ok) return req.socket.destroyed ? undefined : sendJson(res, read.status, { error: read.error });
    // From here on `i` is a signed interaction of a shape the handlers can read.
    const i = read.interaction;
    if (i.type === InteractionType.Ping) return sendJson(res, 200, { type: InteractionResponseType.Pong });
    try {
      if (!(await takeInteraction(opts.db, i.id, ctx.now()))) return sendJson(res, 401, { error: 'interaction already received' });
    } catch (error) {
      if (!isDatabaseUnavailable(error)) log.error({ err: error }, 'could not record the interaction id');
      else log.warn({ err: error }, 'database unavailable');
      if (i.type === InteractionType.ApplicationCommandAutocomplete) return sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
      return sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: messageData(errorReply(databaseUnavailable('locale' in i ? i.locale : null))).data });
    }
    const done = dispatch(i, (body) => sendJson(res, 200, body));
    track(done);
    await done;
  }

  const server: Server = createServer(serverOptions(limits), (req, res) => {
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
  boundServer(server, limits);

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
    intake: intake.stats,
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
