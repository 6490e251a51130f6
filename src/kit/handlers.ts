/**
 * The handlers by command name and button prefix, and what a failure tells the member. Both
 * adapters (src/discord/router.ts and the console) use these, so the answers are the same.
 */
import { randomBytes } from 'node:crypto';
import { LedgerError } from '../ledger/errors.js';
import type { Logger } from '../log.js';
import { DISCORD_LIMITS, errorReply, truncate } from './render.js';
import { t } from '../i18n/index.js';
import { CatalogError, UserError, type AppCtx, type AutocompleteCall, type Choice, type Command, type ComponentHandler, type MessageCommand, type ModalHandler, type Reply } from './types.js';

/** "Hindsight works inside servers only." in English; `throw guildOnly()` shows it in the member's language. */
export const GUILD_ONLY = t('en', 'errors.guildOnly');
export const guildOnly = () => new CatalogError('errors.guildOnly');

/** The message an expected failure shows (in `locale` when it comes from the catalogs), or null for a bug. */
export function expectedMessage(error: unknown, locale?: string | null): string | null {
  if (error instanceof CatalogError) return error.in(locale);
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

/** In English; `databaseUnavailable(locale)` in a member's language. */
export const DATABASE_UNAVAILABLE = t('en', 'errors.databaseUnavailable');
export const databaseUnavailable = (locale?: string | null) => t(locale, 'errors.databaseUnavailable');

/**
 * What a failed interaction tells the member, in their `locale`: an expected failure's own message,
 * or for a bug a "something went wrong (ref …)" whose ref is logged with the stack. Shared with the console.
 */
export function failureMessage(error: unknown, log: Logger, context: Record<string, unknown>, locale?: string | null): string {
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
 * The error boundary every adapter (gateway router, HTTP endpoint) puts around a command or a
 * button: runs `work`; on a failure, answers the member alone with `failureMessage`'s text through
 * `answer` (the adapter knows whether the interaction was deferred or answered already). A failure
 * to deliver that answer is logged, never thrown.
 */
export async function guarded(
  ctx: Pick<AppCtx, 'log'>,
  context: Record<string, unknown>,
  work: () => Promise<void>,
  answer: (reply: Reply) => Promise<void>,
  /** The member's Discord locale: the answer's language. */
  locale?: string | null,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = failureMessage(error, ctx.log, context, locale);
    try {
      await answer(errorReply(message));
    } catch (answerError) {
      ctx.log.warn({ err: answerError, ...context }, 'could not deliver the error reply');
    }
  }
}

/** The handlers by command name and by button custom_id prefix (shared with the console). */
export interface HandlerIndex {
  /** The command of that name, or a UserError. */
  command(name: string): Command;
  /** The button family a custom_id belongs to, or a UserError. */
  component(customId: string): ComponentHandler;
  /** The message context-menu command of that name, or a UserError. */
  messageCommand(name: string): MessageCommand;
  /** The modal family a custom_id belongs to, or a UserError. */
  modal(customId: string): ModalHandler;
  /** A command's autocomplete answer, within Discord's limits; a failure answers no choices (logged when unexpected). */
  choices(call: AutocompleteCall, ctx: AppCtx): Promise<Choice[]>;
}

export interface MoreHandlers {
  messageCommands?: readonly MessageCommand[];
  modals?: readonly ModalHandler[];
}

const prefixOf = (customId: string) => customId.split(':', 1)[0] ?? '';

export function indexHandlers(commands: readonly Command[], components: readonly ComponentHandler[], more: MoreHandlers = {}): HandlerIndex {
  const byName = new Map(commands.map((c) => [c.definition.name, c]));
  const byPrefix = new Map(components.map((c) => [c.prefix, c]));
  const menuByName = new Map((more.messageCommands ?? []).map((c) => [c.definition.name, c]));
  const modalByPrefix = new Map((more.modals ?? []).map((m) => [m.prefix, m]));
  return {
    messageCommand(name) {
      const command = menuByName.get(name);
      if (!command) throw new CatalogError('errors.unknownCommand');
      return command;
    },
    modal(customId) {
      const handler = modalByPrefix.get(prefixOf(customId));
      if (!handler) throw new CatalogError('errors.unknownForm');
      return handler;
    },
    command(name) {
      const command = byName.get(name);
      if (!command) throw new CatalogError('errors.unknownCommand');
      return command;
    },
    component(customId) {
      const handler = byPrefix.get(prefixOf(customId));
      if (!handler) throw new CatalogError('errors.unknownButton');
      return handler;
    },
    async choices(call, ctx) {
      let choices: Choice[] = [];
      try {
        const command = byName.get(call.commandName);
        if (command?.autocomplete) choices = await command.autocomplete(call, ctx);
      } catch (error) {
        if (expectedMessage(error) === null) ctx.log.warn({ err: error, command: call.commandName }, 'autocomplete failed');
      }
      return choices.slice(0, DISCORD_LIMITS.choices).map((c) => ({
        name: truncate(c.name, DISCORD_LIMITS.choiceName),
        value: typeof c.value === 'string' ? truncate(c.value, DISCORD_LIMITS.choiceValue) : c.value,
      }));
    },
  };
}
