import { pino, stdSerializers, type Logger } from 'pino';

export type { Logger };

/**
 * An interaction's token is a credential for 15 minutes (anyone holding it can answer, edit or
 * delete as the bot), and it sits in the path of every follow-up and callback URL, which
 * @discordjs/rest copies into `DiscordAPIError.url` (and HTTPError's). Rewritten to `:token`.
 */
const TOKEN_IN_PATH = /(\/(?:webhooks|interactions)\/[^/\s?#"'\\]+\/)[^/\s?#"'\\]+/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1:token');
}

/** A copy of `value` with every string rewritten by redactTokens, through nested objects, arrays and causes. */
function redactDeep(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactTokens(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(redactDeep(item, seen));
    return out;
  }
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  // An Error's message, stack and cause are own but not enumerable: take them too.
  const keys = new Set([...Object.keys(value), ...(value instanceof Error ? ['message', 'stack', 'cause'] : [])]);
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = redactDeep(v, seen);
  }
  return out;
}

/** pino's error serializer (type, message and stack with causes), then tokens redacted everywhere in it. */
function errSerializer(error: unknown): unknown {
  return redactDeep(stdSerializers.err(error as Error), new WeakMap());
}

/** Structured logs on stdout. Anything that could carry the bot token or an interaction token is redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'hindsight' },
      serializers: { err: errSerializer, error: errSerializer },
      // The last net, whatever the call site logs (a URL in a message or another field): every line
      // written goes through the same rewrite.
      hooks: { streamWrite: redactTokens },
      redact: {
        paths: ['token', '*.token', 'config.DISCORD_TOKEN', 'DISCORD_TOKEN', 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
