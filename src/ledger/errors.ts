/**
 * An expected failure caused by what a member asked for. It says what to fix, from the message
 * catalogs: `message` is the English text (logs, tests), `in(locale)` the text in a member's
 * language (the error boundary shows that one, ephemerally). Nothing was written when one is thrown.
 */
import { t, type MessageKey } from '../i18n/index.js';

/** A catalog message with its values; a value may itself be a message (a field's name) or a list of them (joined by spaces). */
export interface Message {
  key: MessageKey;
  vars?: MessageVars;
}
export type MessageVars = Readonly<Record<string, string | number | Message | readonly Message[]>>;

/** A message in a locale, its message values translated first. */
export function messageIn(locale: string | null | undefined, m: Message): string {
  const vars: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(m.vars ?? {})) {
    vars[name] = typeof value === 'string' || typeof value === 'number' ? value : Array.isArray(value) ? value.map((v: Message) => messageIn(locale, v)).join(' ') : messageIn(locale, value as Message);
  }
  return t(locale, m.key, vars);
}

export class LedgerError extends Error {
  override name = 'LedgerError';
  readonly vars: MessageVars;
  constructor(
    readonly code:
      | 'invalid_input'
      | 'not_found'
      | 'forbidden'
      | 'conflict'
      | 'closed',
    readonly key: MessageKey,
    vars: MessageVars = {},
  ) {
    super(messageIn('en', { key, vars }));
    this.vars = vars;
  }

  /** The text in a locale (a Discord locale; anything unknown is English). */
  in(locale: string | null | undefined): string {
    return messageIn(locale, this.text);
  }

  /** The message and its values, as a value of another message. */
  get text(): Message {
    return { key: this.key, vars: this.vars };
  }
}

export const invalid = (key: MessageKey, vars?: MessageVars) => new LedgerError('invalid_input', key, vars);
export const notFound = (key: MessageKey, vars?: MessageVars) => new LedgerError('not_found', key, vars);
export const forbidden = (key: MessageKey, vars?: MessageVars) => new LedgerError('forbidden', key, vars);
export const conflict = (key: MessageKey, vars?: MessageVars) => new LedgerError('conflict', key, vars);
