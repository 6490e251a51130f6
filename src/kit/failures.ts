/**
 * What a failure tells the member, and the one error boundary that tells them (`guarded`): the
 * pipeline (src/pipeline/run.ts) puts it around every command, message command, button and form
 * on every transport, so the answers are the same on the gateway, the HTTP endpoint and the console.
 */
import { randomBytes } from 'node:crypto';
import { LedgerError } from '../ledger/errors.js';
import type { Logger } from '../log.js';
import { errorReply } from './render.js';
import { UserError } from './errors.js';
import type { Reply } from './reply.js';

export const GUILD_ONLY = 'Hindsight works inside servers only.';

/** The message an expected failure shows, or null for a bug. */
export function expectedMessage(error: unknown): string | null {
  if (error instanceof LedgerError || error instanceof UserError) return error.message;
  return null;
}

export const newRef = () => randomBytes(4).toString('hex');

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/** The database server is down or unreachable (postgres.js / SQLSTATE codes, through drizzle's wrapping). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (CONNECTION_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)) return true;
  }
  return false;
}

export const DATABASE_UNAVAILABLE =
  "Hindsight's database is not reachable right now, so nothing was recorded. Try again in a minute.";

/**
 * What a failed interaction tells the member: an expected failure's own message, or for a bug a
 * "something went wrong (ref …)" whose ref is logged with the stack. Called by `guarded` only.
 */
function failureMessage(error: unknown, log: Logger, context: Record<string, unknown>): string {
  const message = expectedMessage(error);
  if (message !== null) return message;
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error, ...context }, 'database unavailable');
    return DATABASE_UNAVAILABLE;
  }
  const ref = newRef();
  log.error({ err: error, ref, ...context }, 'interaction failed');
  return `Something went wrong (ref ${ref}). Nothing was changed by the part that failed; try again, and tell the server's managers the ref if it keeps happening.`;
}

/**
 * The one error boundary: runs `work`; on a failure, answers the member alone with what to fix (an
 * expected failure) or "something went wrong (ref …)" (a bug, logged with the stack under the same
 * ref) through `answer` (the responder knows whether the interaction was deferred or answered
 * already). A failure to deliver that answer is logged, never thrown. True when `work` succeeded.
 */
export async function guarded(
  log: Logger,
  context: Record<string, unknown>,
  work: () => Promise<void>,
  answer: (reply: Reply) => Promise<void>,
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    const message = failureMessage(error, log, context);
    try {
      await answer(errorReply(message));
    } catch (answerError) {
      log.warn({ err: answerError, ...context }, 'could not deliver the error reply');
    }
    return false;
  }
}
