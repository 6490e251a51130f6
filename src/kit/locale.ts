/**
 * Languages on a call: what the adapters put on every call (`localeOf`), the server's language for
 * public posts (`serverT`), and the refusal of articles in a language extraction cannot read yet.
 */
import { serverLocale, translator, type Translator } from '../i18n/index.js';
import { getSettings } from '../ledger/settings.js';
import type { Db } from '../db/client.js';
import { UserError } from './types.js';
import { guildScope, type GuildScope } from '../ledger/context.js';

/** Discord's default when an interaction says nothing (it always does; the console may not). */
const DEFAULT_LOCALE = 'en-US';

/** The language fields of a call, from the interaction's `locale` and `guild_locale`. */
export function localeOf(locale: string | null | undefined, guildLocale: string | null | undefined): { locale: string; guildLocale: string | null; t: Translator } {
  const member = locale || DEFAULT_LOCALE;
  return { locale: member, guildLocale: guildLocale || null, t: translator(member) };
}

/**
 * The translator for a server's public posts (cards, rounds, results): `/settings language`, else the
 * server's Discord language when Hindsight has it, else English. `guildLocale` is the call's (null
 * where there is none, e.g. a scheduled round: then the setting or English).
 */
export async function serverTranslator(ctx: GuildScope, guildLocale: string | null): Promise<Translator> {
  const settings = await getSettings(ctx);
  return translator(serverLocale(settings.language, guildLocale));
}

/** `serverTranslator` for a call: `const pt = await serverT(call, ctx)`. */
export const serverT = (call: { guildId: string; guildLocale: string | null }, ctx: { db: Db }) => serverTranslator(guildScope(ctx.db, call.guildId), call.guildLocale);

/**
 * Refuses an article the extractor cannot read: one detected (never guessed from its address) to be
 * in another language than English. Says which, in the member's language. Undetermined text passes.
 */
export async function assertReadableLanguage(text: string, t: Translator): Promise<void> {
  // Loaded on first use (its trigram tables are a few MB): most processes never read an article.
  const { detectLanguage } = await import('../extract/language.js');
  const detected = detectLanguage(text);
  if (detected.english) return;
  let language: string = detected.code;
  try {
    language = new Intl.DisplayNames([t.locale], { type: 'language' }).of(detected.code) ?? language;
  } catch {
    // A code Intl does not know: the code itself.
  }
  throw new UserError(t('extract.notEnglish', { language }));
}
