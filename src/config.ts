/**
 * Configuration from the environment (and an optional `.env` in the working directory),
 * validated once at start. Every bad or missing variable is named in one error.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  HINDSIGHT_DATA_DIR: z.string().min(1).default('./data'),
  DISCORD_TOKEN: z
    .string()
    .regex(/^[\w-]+\.[\w-]+\.[\w-]+$|^[\w.-]{20,}$/, 'does not look like a bot token')
    .optional(),
  DISCORD_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://discord.com/api'),
  DISCORD_GUILD_ID: snowflake.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HINDSIGHT_CATCHUP_HOURS: z.coerce.number().min(0).max(24 * 14).default(6),
  /** Lets /predict extract fetch private, loopback and link-local addresses (tests only). */
  HINDSIGHT_EXTRACT_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** Test-only: lowers the minimum interval between a schedule's rounds (1 hour) to this many seconds. */
  HINDSIGHT_TEST_MIN_ROUND_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).optional(),
  /** Test-only: the bot's clock runs this many ms ahead (a restart "after a long pause"). */
  HINDSIGHT_TEST_CLOCK_OFFSET_MS: z.coerce.number().int().min(0).max(14 * 86_400_000).optional(),
  /** This process's gateway shard, "id/count" (e.g. "0/2"), when several processes share one bot. */
  DISCORD_SHARD: z
    .string()
    .regex(/^\d{1,4}\/\d{1,4}$/, 'must be "id/count", e.g. 0/2')
    .refine((v) => {
      const [id, count] = v.split('/').map(Number) as [number, number];
      return count >= 1 && id < count;
    }, 'the shard id must be below the shard count')
    .optional(),
  /** Serve Discord's interactions endpoint (POST /interactions, GET /healthz) on this port. */
  INTERACTIONS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The application's public key (developer portal, General Information), 64 hex digits. */
  DISCORD_PUBLIC_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the public key').optional(),
  /** interactions: HTTP endpoint only · gateway: gateway, rounds, closer · all: both (default). */
  HINDSIGHT_ROLE: z.enum(['interactions', 'gateway', 'all']).default('all'),
  /** The shared REST exit (`npm run rest-proxy`); every REST request of this process goes there. */
  DISCORD_REST_PROXY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The REST exit's shared secret: sent to it with every request (required with DISCORD_REST_PROXY_URL; the exit requires it too). */
  HINDSIGHT_REST_PROXY_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Port of `npm run rest-proxy`. */
  REST_PROXY_PORT: z.coerce.number().int().min(1).max(65535).default(8090),
}).superRefine((c, ctx) => {
  if (c.INTERACTIONS_PORT !== undefined && !c.DISCORD_PUBLIC_KEY) ctx.addIssue({ code: 'custom', path: ['DISCORD_PUBLIC_KEY'], message: 'is required with INTERACTIONS_PORT' });
  if (c.DISCORD_REST_PROXY_URL && !c.HINDSIGHT_REST_PROXY_SECRET) ctx.addIssue({ code: 'custom', path: ['HINDSIGHT_REST_PROXY_SECRET'], message: 'is required with DISCORD_REST_PROXY_URL (the REST exit refuses callers without it)' });
  if (c.HINDSIGHT_ROLE === 'interactions' && c.INTERACTIONS_PORT === undefined) ctx.addIssue({ code: 'custom', path: ['INTERACTIONS_PORT'], message: 'is required with HINDSIGHT_ROLE=interactions' });
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Empty strings count as unset, as most .env files and shells mean them. */
function clean(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(clean(env));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Reads `.env` from the working directory when there is one (Node 20.12+), without overriding the shell. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
