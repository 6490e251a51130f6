/**
 * Discord's interactions endpoint (node:http): POST /interactions and GET /healthz.
 *
 * A request is read and checked by ./intake.ts before anything of it is kept or parsed: the
 * signature headers and the timestamp's age before the body (401), a body capped in size (413)
 * and time (dropped), the Ed25519 signature over `X-Signature-Timestamp + raw body` (401), the
 * shape of an interaction (400); timeouts and a connection cap bound the sockets. Then its
 * interaction id is checked against the ids every replica has taken (a shared table), so a
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
import { DATABASE_UNAVAILABLE, GUILD_ONLY, guarded, isDatabaseUnavailable, type HandlerIndex } from '../kit/handlers.js';
import { errorReply } from '../kit/render.js';
import { UserError, type AppCtx } from '../kit/types.js';
import { autocompleteCall, commandCall, componentCall, Exchange, messageData } from './calls.js';
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
  handlers: HandlerIndex;
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
  const { ctx, handlers, log } = { ...opts, log: opts.ctx.log };
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
        if (!i.guild_id) throw new UserError(GUILD_ONLY);
        if (i.type === InteractionType.ApplicationCommand && 'name' in i.data && i.data.type === 1) {
          await handlers.command(i.data.name).execute(commandCall(i as Parameters<typeof commandCall>[0], x), ctx);
        } else if (i.type === InteractionType.MessageComponent && i.data.component_type === 2) {
          await handlers.component(i.data.custom_id).handle(componentCall(i, x), ctx);
        } else {
          throw new UserError('Hindsight does not handle that kind of interaction.');
        }
      },
      (reply) => x.failure(reply),
    );
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
      return sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: messageData(errorReply(DATABASE_UNAVAILABLE)).data });
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
