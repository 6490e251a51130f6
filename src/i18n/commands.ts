/**
 * Localized names and descriptions of the slash commands, their options and choices, as Discord
 * shows them to each member (`name_localizations`, `description_localizations`). The command files
 * (commands/*.ts) stay in English; each non-English catalog has a `commands` table keyed by the
 * command path, applied here to a copy of the definitions before they are sent to Discord:
 *
 *   "commands": {
 *     "predict": { "name": "прогнозы", "description": "…",
 *       "options": { "add": { "name": "добавить", "description": "…",
 *         "options": { "claim": { "name": "прогноз", "description": "…" } } } } },
 *     "vote": { …, "options": { "verdict": { …, "choices": { "came-true": "Сбылся" } } } }
 *   }
 *
 * Options are keyed by their English name, choices by their value. What a table leaves out stays
 * English (Discord's fallback); test/unit/command-localizations.test.ts wants every path covered.
 */
import { Locale } from 'discord-api-types/v10';
import { BASE_LOCALE, CATALOGS, type Catalog } from './index.js';

/** Discord's locales (the keys Discord accepts in `*_localizations`). */
export const DISCORD_LOCALES: readonly string[] = Object.values(Locale);

/**
 * The Discord locales a catalog speaks for: its own code when Discord has it ('ru', 'uk', 'pt-BR'),
 * else every Discord locale of its language ('es' → 'es-ES', 'es-419'). The base language gets none:
 * the definitions themselves are in it.
 */
export function discordLocalesOf(code: string): string[] {
  if (code === BASE_LOCALE) return [];
  if (DISCORD_LOCALES.includes(code)) return [code];
  return DISCORD_LOCALES.filter((l) => l.split('-', 1)[0] === code);
}

/** A `commands` table node: what one command, option or choice list is called in one language. */
export interface CommandTexts {
  name?: string;
  description?: string;
  options?: Record<string, CommandTexts>;
  choices?: Record<string, string>;
}

interface Localizable {
  name: string;
  description?: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: readonly Localizable[];
  choices?: readonly { name: string; value: string | number; name_localizations?: Record<string, string> | null }[];
}

/** The `commands` table of each non-base catalog, with the Discord locales it is for. */
function tables(catalogs: ReadonlyMap<string, Catalog>): { locales: string[]; table: Record<string, CommandTexts> }[] {
  return [...catalogs]
    .map(([code, catalog]) => ({ locales: discordLocalesOf(code), table: (catalog.commands ?? {}) as Record<string, CommandTexts> }))
    .filter((x) => x.locales.length > 0);
}

function localizeNode<T extends Localizable>(node: T, texts: { locales: string[]; node: CommandTexts | undefined }[]): T {
  const names: Record<string, string> = { ...(node.name_localizations ?? {}) };
  const descriptions: Record<string, string> = { ...(node.description_localizations ?? {}) };
  for (const { locales, node: tx } of texts) {
    for (const locale of locales) {
      if (tx?.name) names[locale] = tx.name;
      if (tx?.description && node.description) descriptions[locale] = tx.description;
    }
  }
  const out: T = { ...node };
  if (Object.keys(names).length) out.name_localizations = names;
  if (Object.keys(descriptions).length) out.description_localizations = descriptions;
  if (node.options) {
    out.options = node.options.map((option) =>
      localizeNode(
        option,
        texts.map(({ locales, node: tx }) => ({ locales, node: tx?.options?.[option.name] })),
      ),
    );
  }
  if (node.choices) {
    out.choices = node.choices.map((choice) => {
      const choiceNames: Record<string, string> = { ...(choice.name_localizations ?? {}) };
      for (const { locales, node: tx } of texts) {
        const name = tx?.choices?.[String(choice.value)];
        if (name) for (const locale of locales) choiceNames[locale] = name;
      }
      return Object.keys(choiceNames).length ? { ...choice, name_localizations: choiceNames } : { ...choice };
    });
  }
  return out;
}

/**
 * Copies of the definitions with every catalog's names and descriptions added as localizations
 * (the originals are not changed). Used where the JSON for Discord is built (commands/index.ts).
 */
export function localizeDefinitions<T extends { name: string }>(definitions: readonly T[], catalogs: ReadonlyMap<string, Catalog> = CATALOGS): T[] {
  const all = tables(catalogs);
  return definitions.map(
    (definition) => localizeNode(definition as unknown as Localizable, all.map(({ locales, table }) => ({ locales, node: table[definition.name] }))) as unknown as T,
  );
}
