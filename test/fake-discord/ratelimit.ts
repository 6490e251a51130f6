/**
 * Rate-limit emulation (off by default) and failure injection.
 *
 * - Global: N requests per fixed 1 s window per bot token. Interaction callbacks and
 *   interaction webhooks are exempt, as on Discord.
 * - POST /channels/{channel_id}/messages: a per-channel bucket of `limit` per `windowMs`,
 *   announced with X-RateLimit-* headers on every response, as Discord does.
 */
import type { FailNextOptions, FakeStats, RateLimitOptions } from './types.js';

export interface LimitedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface RateLimitVerdict {
  /** Headers to add to the normal response. */
  headers: Record<string, string>;
  /** Set when the request must be answered with this response instead. */
  reject?: LimitedResponse;
}

interface Window {
  resetAt: number;
  remaining: number;
}

const MESSAGE_ROUTE = 'POST /channels/{channel_id}/messages';

export class RateLimiter {
  private readonly globalPerSecond: number;
  private readonly channel: { limit: number; windowMs: number };
  private global: Window = { resetAt: 0, remaining: 0 };
  private readonly buckets = new Map<string, Window>();

  constructor(
    private readonly enabled: boolean,
    opts: RateLimitOptions,
    private readonly stats: FakeStats,
  ) {
    this.globalPerSecond = opts.globalPerSecond ?? 50;
    this.channel = opts.channelMessages ?? { limit: 5, windowMs: 5000 };
  }

  check(method: string, template: string, params: Record<string, string>, exemptFromGlobal: boolean): RateLimitVerdict {
    if (!this.enabled) return { headers: {} };
    const now = Date.now();
    if (!exemptFromGlobal) {
      if (now >= this.global.resetAt) this.global = { resetAt: now + 1000, remaining: this.globalPerSecond };
      if (this.global.remaining <= 0) {
        this.stats.rateLimited += 1;
        this.stats.globalRateLimited += 1;
        return { headers: {}, reject: tooManyRequests(this.global.resetAt - now, { global: true }) };
      }
      this.global.remaining -= 1;
    }
    if (`${method} ${template}` !== MESSAGE_ROUTE) return { headers: {} };
    const key = params.channel_id ?? '';
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { resetAt: now + this.channel.windowMs, remaining: this.channel.limit };
      this.buckets.set(key, bucket);
    }
    if (bucket.remaining <= 0) {
      this.stats.rateLimited += 1;
      const reject = tooManyRequests(bucket.resetAt - now, { global: false });
      Object.assign(reject.headers, bucketHeaders(this.channel.limit, 0, bucket.resetAt, now));
      return { headers: {}, reject };
    }
    bucket.remaining -= 1;
    return { headers: bucketHeaders(this.channel.limit, bucket.remaining, bucket.resetAt, now) };
  }
}

function bucketHeaders(limit: number, remaining: number, resetAt: number, now: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
    'x-ratelimit-reset-after': (Math.max(0, resetAt - now) / 1000).toFixed(3),
    'x-ratelimit-bucket': 'fake-channel-messages',
  };
}

/** A Discord 429: Retry-After header in whole seconds (rounded up), exact value in the body. */
export function tooManyRequests(retryAfterMs: number, opts: { global: boolean; scope?: string }): LimitedResponse {
  const seconds = Math.max(0, retryAfterMs) / 1000;
  const headers: Record<string, string> = {
    'retry-after': String(Math.max(1, Math.ceil(seconds))),
    'x-ratelimit-scope': opts.scope ?? (opts.global ? 'global' : 'user'),
  };
  if (opts.global) headers['x-ratelimit-global'] = 'true';
  return {
    status: 429,
    headers,
    body: { message: 'You are being rate limited.', retry_after: Number(seconds.toFixed(3)), global: opts.global },
  };
}

interface Injection {
  remaining: number;
  status: number;
  opts: FailNextOptions;
}

/** failNext(): answer the next n matching requests with a given status. */
export class FailureInjector {
  private readonly queue: Injection[] = [];

  add(n: number, status: number, opts: FailNextOptions): void {
    if (n > 0) this.queue.push({ remaining: n, status, opts });
  }

  pending(): number {
    return this.queue.reduce((sum, i) => sum + i.remaining, 0);
  }

  take(method: string, path: string, template: string | undefined): LimitedResponse | undefined {
    const index = this.queue.findIndex((i) => matches(i.opts.match, method, path, template));
    const injection = this.queue[index];
    if (!injection) return undefined;
    injection.remaining -= 1;
    if (injection.remaining <= 0) this.queue.splice(index, 1);
    if (injection.status === 429) {
      const global = injection.opts.global === true;
      return tooManyRequestsExact(injection.opts.retryAfterMs ?? 1000, global);
    }
    return {
      status: injection.status,
      headers: {},
      body: { message: `${injection.status}: injected failure`, code: 0 },
    };
  }
}

/** Injected 429s may ask for sub-second waits, so the header keeps the fraction. */
function tooManyRequestsExact(retryAfterMs: number, global: boolean): LimitedResponse {
  const response = tooManyRequests(retryAfterMs, { global });
  response.headers['retry-after'] = String(retryAfterMs / 1000);
  return response;
}

function matches(match: FailNextOptions['match'], method: string, path: string, template: string | undefined): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return match === `${method} ${template ?? path}` || match === `${method} ${path}`;
  if (match instanceof RegExp) return match.test(`${method} ${path}`);
  return match(method, path);
}
