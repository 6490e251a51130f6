/**
 * The one REST exit (`npm run rest-proxy`): every Hindsight process points its REST at this
 * process (DISCORD_REST_PROXY_URL), so Discord's rate limits — the global 50 requests/s per bot
 * and the per-route buckets — are kept in one place by @discordjs/proxy (on @discordjs/rest)
 * instead of once per process.
 *
 * The proxy strips the `/api[/vN]` prefix of what it receives and sends to `DISCORD_API_URL/v10`.
 * Who may send, how much and how many at once is src/http/rest-exit.ts: callers show the shared
 * secret (HINDSIGHT_REST_PROXY_SECRET) and this bot's token (DISCORD_TOKEN, required here), or no
 * token on the routes Discord serves without one — interaction callbacks and the interaction
 * webhooks (PATCH @original, follow-ups) — which go through a second queue without the global
 * limit, as Discord does not count them; their per-route buckets still apply.
 */
import { z } from 'zod';
import { createLogger } from './log.js';
import { loadDotEnv } from './config.js';
import { createRestExit } from './http/rest-exit.js';

loadDotEnv();
const env = z
  .object({
    DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    /** The only token the exit forwards: a caller's Authorization must be exactly `Bot <this>`. */
    DISCORD_TOKEN: z.string({ error: 'is required: the exit forwards only this bot token' }).min(20, 'does not look like a bot token'),
    /** What every caller sends in X-Hindsight-Proxy-Secret (the bots read it from the same variable). */
    HINDSIGHT_REST_PROXY_SECRET: z.string({ error: 'is required: callers must show it (e.g. `openssl rand -hex 32`)' }).min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
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
const { server } = createRestExit({
  api,
  token: config.DISCORD_TOKEN,
  secret: config.HINDSIGHT_REST_PROXY_SECRET,
  globalPerSecond: config.REST_PROXY_GLOBAL_PER_SECOND,
  log,
});
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
