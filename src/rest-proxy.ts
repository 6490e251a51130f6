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
import { createServer } from 'node:http';
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
const limited = new REST({ api, version: '10' });
const unlimited = new REST({ api, version: '10', globalRequestsPerSecond: Number.POSITIVE_INFINITY });
limited.on('rateLimited', (info) => log.debug({ route: info.route, global: info.global, ms: info.timeToReset }, 'waiting for a rate limit'));
const viaLimited = proxyRequests(limited);
const viaUnlimited = proxyRequests(unlimited);
const expected = config.DISCORD_TOKEN ? `Bot ${config.DISCORD_TOKEN}` : null;

const server = createServer((req, res) => {
  const auth = req.headers.authorization;
  if (auth !== undefined && expected !== null && auth !== expected) {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '401: Unauthorized (not this bot\'s token)', code: 0 }));
    return;
  }
  Promise.resolve((auth === undefined ? viaUnlimited : viaLimited)(req, res)).catch((error: unknown) => {
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
