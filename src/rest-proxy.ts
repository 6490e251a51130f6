/**
 * The one REST exit (`npm run rest-proxy`): every Hindsight process points its REST at this
 * process (DISCORD_REST_PROXY_URL), so Discord's rate limits — the global 50 requests/s per bot
 * and the per-route buckets — are kept in one place by @discordjs/proxy (on @discordjs/rest)
 * instead of once per process.
 *
 * The proxy strips the `/api[/vN]` prefix of what it receives and sends to `DISCORD_API_URL/v10`.
 * It forwards the caller's Authorization header (the bot token; a different token is refused
 * when DISCORD_TOKEN is set here). Requests without one — interaction callbacks and the
 * interaction webhooks (PATCH @original, follow-ups) — go through a second queue without the
 * global limit, as Discord does not count them; their per-route buckets still apply.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { proxyRequests } from '@discordjs/proxy';
import { REST } from '@discordjs/rest';
import { z } from 'zod';
import { createLogger } from './log.js';
import { loadDotEnv } from './config.js';

loadDotEnv();
const env = z
  .object({
    DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    DISCORD_TOKEN: z.string().min(20).optional(),
    REST_PROXY_PORT: z.coerce.number().int().min(1).max(65535).default(8090),
    REST_PROXY_HOST: z.string().default('127.0.0.1'),
    /**
     * Half of Discord's 50 on purpose. @discordjs/rest counts fixed one-second windows from its
     * own first request; Discord's window (or anyone counting at the door) starts elsewhere, and
     * arrival times jitter, so any one second seen there can hold two of our windows: at 25 per
     * window that is at most 50. At 50 per window the door saw up to ~80/s and 429s under load.
     */
    REST_PROXY_GLOBAL_PER_SECOND: z.coerce.number().int().min(1).max(50).default(25),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v?.trim())));
if (!env.success) {
  process.stderr.write(`Invalid configuration:\n${env.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
  process.exit(2);
}
const config = env.data;
const log = createLogger(config.LOG_LEVEL);
const api = config.DISCORD_API_URL.replace(/\/+$/, '');
const limited = new REST({ api, version: '10', globalRequestsPerSecond: config.REST_PROXY_GLOBAL_PER_SECOND });
const unlimited = new REST({ api, version: '10', globalRequestsPerSecond: Number.POSITIVE_INFINITY });
limited.on('rateLimited', (info) => log.debug({ route: info.route, global: info.global, ms: info.timeToReset }, 'waiting for a rate limit'));
const viaLimited = proxyRequests(limited);
const viaUnlimited = proxyRequests(unlimited);
const MAX_BODY = 26 * 1024 * 1024;

/**
 * @discordjs/proxy hands the request stream itself to @discordjs/rest as the body, and a stream
 * can be sent once: a request retried after a 429 or a 5xx went out empty. The body is read into
 * a buffer first, which the retries can send again.
 */
async function buffered(req: IncomingMessage): Promise<IncomingMessage> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  return Object.assign(size === 0 && ['GET', 'HEAD', 'DELETE'].includes(req.method ?? '') ? Buffer.alloc(0) : body, {
    method: req.method,
    url: req.url,
    headers: req.headers,
  }) as unknown as IncomingMessage;
}
const expected = config.DISCORD_TOKEN ? `Bot ${config.DISCORD_TOKEN}` : null;

const server = createServer((req, res) => {
  const auth = req.headers.authorization;
  if (auth !== undefined && expected !== null && auth !== expected) {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '401: Unauthorized (not this bot\'s token)', code: 0 }));
    return;
  }
  buffered(req)
    .then((request) => (auth === undefined ? viaUnlimited : viaLimited)(request, res))
    .catch((error: unknown) => {
    log.error({ err: error, method: req.method, url: req.url }, 'proxy request failed');
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: '502: upstream request failed', code: 0 }));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(config.REST_PROXY_PORT, config.REST_PROXY_HOST, () => {
  const address = server.address();
  log.info({ port: typeof address === 'object' && address ? address.port : config.REST_PROXY_PORT, upstream: api }, 'rest proxy listening');
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
