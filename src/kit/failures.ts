/**
 * What a failure tells the member, and the one error boundary that tells them (`guarded`): the
 * pipeline (src/pipeline/run.ts) puts it around every command, message command, button and form
 * on every transport, so the answers are the same on the gateway, the HTTP endpoint and the console.
 */
import { randomBytes } from 'node:crypto';
import { LedgerError } from '../ledger/errors.js';
import type { Logger } from '../log.js';
import { errorReply } from './render.js';
import { CatalogError, UserError } from './errors.js';
import { t } from '../i18n/index.js';
import type { Reply } from './reply.js';

/** "Hindsight works inside servers only." in English; `throw guildOnly()` shows it in the member's language. */
export const GUILD_ONLY = t('en', 'errors.guildOnly');
export const guildOnly = () => new CatalogError('errors.guildOnly');

/** The message an expected failure shows (in `locale` when it comes from the catalogs), or null for a bug. */
export function expectedMessage(error: unknown, locale?: string | null): string | null {
  if (error instanceof CatalogError) return error.in(locale);
  if (error instanceof LedgerError) return error.in(locale);
  if (error instanceof UserError) return error.message;
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

/** In English; `databaseUnavailable(locale)` in a member's language. */
export const DATABASE_UNAVAILABLE = t('en', 'errors.databaseUnavailable');
export const databaseUnavailable = (locale?: string | null) => t(locale, 'errors.databaseUnavailable');

/**
 * What a failed interaction tells the member, in their `locale`: an expected failure's own message, or for a bug a
 * "something went wrong (ref …)" whose ref is logged with the stack. Called by `guarded` only.
 */
function failureMessage(error: unknown, log: Logger, context: Record<string, unknown>, locale?: string | null): string {
  const message = expectedMessage(error, locale);
  if (message !== null) return message;
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error, ...context }, 'database unavailable');
    return databaseUnavailable(locale);
  }
  const ref = newRef();
  log.error({ err: error, ref, ...context }, 'interaction failed');
  return t(locale, 'errors.somethingWentWrong', { ref });
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
  /** The member's Discord locale: the answer's language. */
  locale?: string | null,
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    const message = failureMessage(error, log, context, locale);
    try {
      await answer(errorReply(message));
    } catch (answerError) {
      log.warn({ err: answerError, ...context }, 'could not deliver the error reply');
    }
    return false;
  }
}
