/**
 * The REST exit's door (`npm run rest-proxy`, started by src/rest-proxy.ts): who may send
 * through the bot's one REST exit, how much, and how many at once, decided before anything
 * reaches Discord.
 *
 * A request is forwarded only when, from its headers alone:
 *   - it carries the shared secret (HINDSIGHT_REST_PROXY_SECRET) in `X-Hindsight-Proxy-Secret`;
 *   - its `Authorization` is this bot's token (`Bot <DISCORD_TOKEN>`), or it has none and its route
 *     is one Discord serves without a token (an interaction callback, an interaction webhook);
 *   - its declared body fits the cap.
 * Both comparisons are constant-time (SHA-256 digests of equal length, `timingSafeEqual`). A refused
 * request is answered here (401, 413) and counted: it never reaches Discord, so it never counts
 * against the 10,000 invalid requests (401, 403, 429) in 10 minutes after which Discord bans the
 * exit's address for everyone. Those Discord does answer 401/403/429 are counted too, over the
 * same 10 minutes, and logged as they grow.
 *
 * At most `maxInFlight` requests and `maxBufferedBytes` of bodies are held at once; more wait, up
 * to `maxWaiting` for `waitTimeoutMs`, and past that get 503 (which @discordjs/rest retries).
 *
 * @discordjs/proxy hands the request stream itself to @discordjs/rest as the body, and a stream
 * can be sent once: a request retried after a 429 or a 5xx went out empty. The body is read into
 * a buffer first, which the retries can send again.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { proxyRequests } from '@discordjs/proxy';
import { REST, RESTEvents } from '@discordjs/rest';
import type { Logger } from '../log.js';

/** The header bot processes send the shared secret in (never forwarded to Discord: @discordjs/proxy passes on only Content-Type, Authorization and X-Audit-Log-Reason). */
export const EXIT_SECRET_HEADER = 'x-hindsight-proxy-secret';

/** Discord's ban threshold: this many invalid requests (401, 403, 429) from one address in 10 minutes. */
export const DISCORD_INVALID_LIMIT = { count: 10_000, windowMs: 600_000 } as const;

export interface RestExitOptions {
  /** Upstream, e.g. https://discord.com/api (the proxy adds /v10). */
  api: string;
  /** The bot token: the only Authorization forwarded. */
  token: string;
  /** What callers must send in X-Hindsight-Proxy-Secret. */
  secret: string;
  globalPerSecond: number;
  log: Logger;
  /**
   * Largest body (default 11 MiB). Discord takes at most 10 MiB of files in one message from a bot
   * (more only in boosted servers); the bot's own uploads are charts (~100 KB) and exports, which
   * stay within the 8 MB an import accepts; the extra MiB is the message JSON and multipart framing.
   */
  maxBodyBytes?: number;
  /** Bytes of bodies held at once, all requests together (default 64 MiB). */
  maxBufferedBytes?: number;
  /** Requests being forwarded (or waiting on Discord's rate limits) at once (default 512: 20 s of the global limit at 25/s). */
  maxInFlight?: number;
  /** Requests waiting for room, past which new ones get 503 at once (default 1024). */
  maxWaiting?: number;
  /** How long a request waits for room before a 503 (default 30 s). */
  waitTimeoutMs?: number;
  /** The clock of the invalid-request window (tests). */
  now?: () => number;
}

export interface RestExitStats {
  forwarded: number;
  /** Refused here, by reason: never sent to Discord. */
  refused: Record<'secret' | 'token' | 'no-token' | 'too-large' | 'busy', number>;
  /** 401, 403 and 429 answers from Discord in the last 10 minutes (the count Discord bans on). */
  upstreamInvalid(): number;
  inFlight: number;
  waiting: number;
  buffered: number;
  peakBuffered: number;
  peakInFlight: number;
}

export interface RestExit {
  server: Server;
  stats: RestExitStats;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time equality of two strings of any lengths (their SHA-256 digests are compared). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

/** Routes Discord serves without the bot token: an interaction's callback, and its webhook (follow-ups, @original). */
const TOKENLESS = [/^\/interactions\/\d{1,20}\/[\w.-]+\/callback$/, /^\/webhooks\/\d{1,20}\/[\w.-]+(\/.*)?$/];
const routeOf = (url: string) => new URL(url, 'http://exit').pathname.replace(/^\/api(\/v\d+)?/, '');
const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

class TooLarge extends Error {}

/** Admits requests while fewer than `maxInFlight` are in and their bodies fit `maxBytes`; the rest wait in order, boundedly. */
class Gate {
  inFlight = 0;
  bytes = 0;
  private readonly queue: { bytes: number; admit: () => void }[] = [];

  constructor(
    private readonly maxInFlight: number,
    private readonly maxBytes: number,
    private readonly maxWaiting: number,
    private readonly waitMs: number,
  ) {}

  get waiting(): number {
    return this.queue.length;
  }

  private fits(bytes: number) {
    return this.inFlight < this.maxInFlight && this.bytes + bytes <= this.maxBytes;
  }

  /** Resolves true once admitted (call `leave(bytes)` after), false when refused (full queue, or waited too long). */
  enter(bytes: number): Promise<boolean> {
    if (this.queue.length === 0 && this.fits(bytes)) {
      this.take(bytes);
      return Promise.resolve(true);
    }
    if (this.queue.length >= this.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        bytes,
        admit: () => {
          clearTimeout(timer);
          this.take(bytes);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(entry), 1);
        resolve(false);
      }, this.waitMs);
      this.queue.push(entry);
    });
  }

  private take(bytes: number) {
    this.inFlight += 1;
    this.bytes += bytes;
  }

  leave(bytes: number): void {
    this.inFlight -= 1;
    this.bytes -= bytes;
    while (this.queue.length && this.fits(this.queue[0]!.bytes)) this.queue.shift()!.admit();
  }
}

export function createRestExit(opts: RestExitOptions): RestExit {
  const { log } = opts;
  const maxBody = opts.maxBodyBytes ?? 11 * 1024 * 1024;
  const maxBuffered = Math.max(opts.maxBufferedBytes ?? 64 * 1024 * 1024, maxBody);
  const now = opts.now ?? Date.now;
  const gate = new Gate(opts.maxInFlight ?? 512, maxBuffered, opts.maxWaiting ?? 1024, opts.waitTimeoutMs ?? 30_000);
  const api = opts.api.replace(/\/+$/, '');
  const limited = new REST({ api, version: '10', globalRequestsPerSecond: opts.globalPerSecond });
  const unlimited = new REST({ api, version: '10', globalRequestsPerSecond: Number.POSITIVE_INFINITY });
  limited.on(RESTEvents.RateLimited, (info) => log.debug({ route: info.route, global: info.global, ms: info.timeToReset }, 'waiting for a rate limit'));
  const viaLimited = proxyRequests(limited);
  const viaUnlimited = proxyRequests(unlimited);
  const expectedAuth = `Bot ${opts.token}`;

  // Discord's answers that count towards its ban: 401, 403, and 429 other than a shared-scope one.
  const invalidAt: number[] = [];
  const upstreamInvalid = () => {
    const since = now() - DISCORD_INVALID_LIMIT.windowMs;
    while (invalidAt.length && invalidAt[0]! <= since) invalidAt.shift();
    return invalidAt.length;
  };
  for (const rest of [limited, unlimited]) {
    rest.on(RESTEvents.Response, (request, response) => {
      const shared = response.status === 429 && response.headers.get('x-ratelimit-scope') === 'shared';
      if (![401, 403, 429].includes(response.status) || shared) return;
      invalidAt.push(now());
      const n = upstreamInvalid();
      if (n % 100 === 1) log.warn({ count: n, of: DISCORD_INVALID_LIMIT.count, status: response.status, route: request.route }, 'Discord answered invalid requests through the exit (it bans the address at 10,000 in 10 minutes)');
    });
  }

  const stats: RestExitStats = {
    forwarded: 0,
    refused: { secret: 0, token: 0, 'no-token': 0, 'too-large': 0, busy: 0 },
    upstreamInvalid,
    get inFlight() {
      return gate.inFlight;
    },
    get waiting() {
      return gate.waiting;
    },
    get buffered() {
      return gate.bytes;
    },
    peakBuffered: 0,
    peakInFlight: 0,
  };

  const lastLogged = new Map<string, number>();
  function refuse(req: IncomingMessage, res: ServerResponse, reason: keyof RestExitStats['refused'], status: number, message: string) {
    stats.refused[reason] += 1;
    // One line per reason a minute at most: a flood of refusals does not flood the log.
    const at = now();
    if ((lastLogged.get(reason) ?? -Infinity) <= at - 60_000) {
      lastLogged.set(reason, at);
      log.warn({ reason, refused: stats.refused[reason], method: req.method, route: routeOf(req.url ?? '/').slice(0, 120), from: req.socket.remoteAddress }, 'rest exit refused a request (not sent to Discord)');
    }
    // Whatever body follows is read and dropped (never kept), so the answer reaches the caller;
    // a body still arriving after 5 s ends the connection.
    if (!req.complete) {
      const cut = setTimeout(() => req.socket.destroy(), 5000);
      cut.unref();
      req.once('close', () => clearTimeout(cut));
      req.resume();
    }
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 503 ? { 'retry-after': '1' } : {}) }).end(JSON.stringify({ message: `${status}: ${message}`, code: 0 }));
  }

  async function buffered(req: IncomingMessage): Promise<IncomingMessage> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBody) throw new TooLarge();
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    return Object.assign(size === 0 && ['GET', 'HEAD', 'DELETE'].includes(req.method ?? '') ? Buffer.alloc(0) : body, {
      method: req.method,
      url: req.url,
      headers: req.headers,
    }) as unknown as IncomingMessage;
  }

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 120_000 }, (req, res) => {
    if (!sameSecret(header(req, EXIT_SECRET_HEADER), opts.secret)) return refuse(req, res, 'secret', 401, 'Unauthorized (no or wrong exit secret)');
    const auth = header(req, 'authorization');
    if (auth !== undefined && !sameSecret(auth, expectedAuth)) return refuse(req, res, 'token', 401, "Unauthorized (not this bot's token)");
    if (auth === undefined && !TOKENLESS.some((r) => r.test(routeOf(req.url ?? '/')))) return refuse(req, res, 'no-token', 401, 'Unauthorized (this route needs the bot token)');
    const declared = header(req, 'content-length');
    if (declared !== undefined && !(Number(declared) <= maxBody)) return refuse(req, res, 'too-large', 413, 'Request entity too large');
    // A body of unknown length is counted at the cap until it has been read.
    const bytes = declared !== undefined ? Number(declared) : maxBody;
    void gate.enter(bytes).then(async (admitted) => {
      if (!admitted) return refuse(req, res, 'busy', 503, 'the REST exit is busy, retry');
      stats.peakInFlight = Math.max(stats.peakInFlight, gate.inFlight);
      stats.peakBuffered = Math.max(stats.peakBuffered, gate.bytes);
      try {
        const request = await buffered(req);
        stats.forwarded += 1;
        await (auth === undefined ? viaUnlimited : viaLimited)(request, res);
      } catch (error) {
        if (error instanceof TooLarge) return refuse(req, res, 'too-large', 413, 'Request entity too large');
        log.error({ err: error, method: req.method, route: routeOf(req.url ?? '/') }, 'proxy request failed');
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '502: upstream request failed', code: 0 }));
      } finally {
        gate.leave(bytes);
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.maxConnections = (opts.maxInFlight ?? 512) + (opts.maxWaiting ?? 1024) + 64;
  return { server, stats };
}
