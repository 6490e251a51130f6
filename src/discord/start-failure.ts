/**
 * Why the bot could not start, as one sentence for a person (the log line has the details):
 * a token Discord refuses, a Discord that cannot be reached, or anything else by its message.
 */

interface Failure {
  code?: unknown;
  status?: unknown;
  message?: unknown;
  cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** The first network error code along an error's causes (fetch wraps them: "fetch failed" ← ECONNREFUSED). */
function networkCode(error: unknown): string | null {
  for (let e = error as Failure | undefined, depth = 0; e && depth < 5; e = e.cause as Failure | undefined, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    if (Array.isArray((e as { errors?: unknown[] }).errors)) {
      for (const inner of (e as { errors: unknown[] }).errors) {
        const code = networkCode(inner);
        if (code) return code;
      }
    }
  }
  return null;
}

/** A sentence for standard error: what went wrong and what to do. */
export function describeStartFailure(error: unknown, where: { apiUrl: string }): string {
  const e = (error ?? {}) as Failure;
  if (e.code === 'TokenInvalid' || e.status === 401) {
    return 'Discord refused the bot token in DISCORD_TOKEN (401 Unauthorized). Copy it again from the developer portal (Bot → Reset Token), or unset DISCORD_TOKEN to open the local console.';
  }
  if (e.code === 'DisallowedIntents') {
    return 'Discord refused the gateway intents Hindsight asked for. It needs only Guilds; check the bot’s settings in the developer portal.';
  }
  const network = networkCode(error);
  if (network) {
    return `Could not reach Discord at ${where.apiUrl} (${network}). Check the network connection, or DISCORD_API_URL / DISCORD_REST_PROXY_URL if you set them.`;
  }
  if (typeof e.status === 'number') {
    return `Discord answered ${e.status} while Hindsight was logging in (${String(e.message ?? '').slice(0, 200)}). Try again in a moment.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Hindsight could not start: ${message.slice(0, 300)}`;
}
