/**
 * Hindsight in the members' language: message catalogs (src/i18n/locales/<code>.json, one file per
 * language) read through i18next, which picks plural forms with the CLDR rules of Intl.PluralRules
 * (1 голос, 2 голоса, 5 голосов).
 *
 * Which language:
 * - an answer only the member sees (ephemeral): the member's Discord `locale` → `call.t`;
 * - a post everyone sees (cards, rounds, results): the server's language → `await serverT(call, ctx)`
 *   (src/kit/locale.ts): `/settings language`, else the server's Discord `guild_locale` when we have
 *   a catalog for it, else English.
 * A locale we have no catalog for falls back to its language ('pt-BR' → 'pt'), then to English;
 * a key missing from a catalog falls back to English (the tests keep every catalog complete).
 *
 * ## Converting a string (the guide)
 *
 * 1. Add the English text to src/i18n/locales/en.json under a key grouped by where it is used
 *    (`errors.…`, `vote.…`, `settings.…`). Placeholders are `{{name}}`; values are inserted as
 *    given (no escaping: escape member text with `safe()` from src/kit/render.ts before passing it).
 *    Don't name a placeholder `lng`, `ns`, `context`, `defaultValue`, `replace` or `ordinal`
 *    (i18next reads those itself).
 * 2. Counted words get plural forms: `votes_one` / `votes_other` in English, and in ru/uk
 *    `_one`, `_few`, `_many`, `_other`; call `t('vote.votes', { count: n })` (the base key, no
 *    suffix). `{{count}}` is the number as passed; for a long number format it first:
 *    `t('x', { count: n, shown: t.number(n) })`.
 * 3. Add the same key to every other catalog (ru.json, uk.json, …) with the same placeholders. The
 *    unit test test/unit/i18n.test.ts fails until every catalog has it.
 * 4. In the handler, replace the literal with `call.t('group.key', { … })` (or `t(locale, …)` where
 *    there is no call). Keys are typed from en.json: a misspelt key does not compile.
 * 5. Numbers and dates: `t.number(n)`, `t.percent(share)`, `t.date(d, { timeZone })`; a time Discord
 *    should show in each reader's own language and zone is `timestamp(d, 'R')` (`<t:…:R>`).
 * 6. An error thrown where no locale is at hand: `throw new CatalogError('errors.key', vars)` (the
 *    error boundary translates it for whoever sees it).
 *
 * Slash-command names and descriptions for Discord are not messages: they live under `commands`
 * in the non-English catalogs, keyed by the command path (src/i18n/commands.ts).
 *
 * Adding a language: drop `<code>.json` into src/i18n/locales/ (the code is a Discord locale such as
 * `de` or `pt-BR`). Nothing else changes: the list of languages is the folder's content.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';
import type en from './locales/en.json';
import { formatDate, formatNumber, formatPercent, type DateStyle } from './format.js';

/** The language the definitions and the English catalog are written in; the last fallback. */
export const BASE_LOCALE = 'en';

/** Where the catalogs are: beside this module (copied to dist/src/i18n/locales by scripts/build.mjs). */
export const LOCALES_DIR = fileURLToPath(new URL('./locales/', import.meta.url));

type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
type WithoutPlural<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;

/** Every message key, from the English catalog (plural keys without their `_one`/`_other` suffix). */
export type MessageKey = WithoutPlural<Leaves<Omit<typeof en, 'meta'>>>;
export type Vars = Readonly<Record<string, string | number>>;

/** A catalog file as read: messages, `meta`, and (outside English) the `commands` table. */
export type Catalog = { [key: string]: string | Catalog };

/** Names i18next reads from the options object itself: never placeholders. */
export const RESERVED_VARS = ['lng', 'lngs', 'ns', 'context', 'defaultValue', 'replace', 'ordinal', 'keyPrefix', 'returnObjects'] as const;

const CATALOG_FILE = /^([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.json$/;

/** Reads every `<code>.json` in `dir`; the catalogs by code. */
export function loadCatalogs(dir: string = LOCALES_DIR): ReadonlyMap<string, Catalog> {
  const out = new Map<string, Catalog>();
  for (const file of readdirSync(dir).sort()) {
    const code = CATALOG_FILE.exec(file)?.[1];
    if (!code) continue;
    const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`i18n: ${file} is not a JSON object`);
    out.set(code, parsed as Catalog);
  }
  if (!out.has(BASE_LOCALE)) throw new Error(`i18n: no ${BASE_LOCALE}.json in ${dir}`);
  return out;
}

/** The catalogs shipped with Hindsight, by code ('en', 'ru', 'uk', …). */
export const CATALOGS = loadCatalogs();

/** The languages Hindsight speaks, English first. */
export const LANGUAGES: readonly string[] = [BASE_LOCALE, ...[...CATALOGS.keys()].filter((c) => c !== BASE_LOCALE)];

/** A language's own name ("English", "Русский", "Українська"), from its catalog. */
export function languageName(code: string): string {
  const name = (CATALOGS.get(code)?.meta as Catalog | undefined)?.name;
  return typeof name === 'string' ? name : code;
}

const engine: i18n = i18next.createInstance();
void engine.init({
  resources: Object.fromEntries([...CATALOGS].map(([code, catalog]) => [code, { translation: catalog }])),
  lng: BASE_LOCALE,
  fallbackLng: BASE_LOCALE,
  supportedLngs: [...CATALOGS.keys()],
  // Codes are matched whole here (see resolveLocale), so i18next must not cut 'pt-BR' down itself.
  load: 'currentOnly',
  nonExplicitSupportedLngs: false,
  initAsync: false,
  nsSeparator: false,
  keySeparator: '.',
  returnNull: false,
  returnEmptyString: false,
  interpolation: { escapeValue: false },
});

/**
 * The catalog for a Discord locale: its own ('pt-BR'), else its language's ('en-GB' → 'en'),
 * else English. Anything unknown, empty or missing is English.
 */
export function resolveLocale(locale: string | null | undefined): string {
  if (!locale) return BASE_LOCALE;
  if (CATALOGS.has(locale)) return locale;
  const language = locale.split('-', 1)[0]!.toLowerCase();
  return CATALOGS.has(language) ? language : BASE_LOCALE;
}

/** True when Hindsight has a catalog for that Discord locale (exactly or by its language). */
export const isSupportedLocale = (locale: string | null | undefined): boolean =>
  !!locale && (CATALOGS.has(locale) || CATALOGS.has(locale.split('-', 1)[0]!.toLowerCase()));

/** One message in one language. `vars.count` picks the plural form. */
export function t(locale: string | null | undefined, key: MessageKey, vars: Vars = {}): string {
  return engine.t(key, { ...vars, lng: resolveLocale(locale) }) as string;
}

/** Messages, numbers and dates in one language (a handler gets the member's as `call.t`). */
export interface Translator {
  (key: MessageKey, vars?: Vars): string;
  /** The catalog's code: 'en', 'ru', 'uk', … */
  readonly locale: string;
  /** 1234.5 → "1,234.5" / "1 234,5". */
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** 0.425 → "42.5%" / "42,5 %" (at most `digits` decimals, default 0). */
  percent(share: number, digits?: number): string;
  /** A date (and time, with style 'datetime') as this language writes it, in `timeZone` (default UTC). */
  date(at: Date, options?: { timeZone?: string; style?: DateStyle }): string;
}

const translators = new Map<string, Translator>();

/** The translator for a Discord locale (resolved as `resolveLocale` does); cached per catalog. */
export function translator(locale: string | null | undefined): Translator {
  const code = resolveLocale(locale);
  let tr = translators.get(code);
  if (!tr) {
    const fn = (key: MessageKey, vars?: Vars) => t(code, key, vars);
    tr = Object.assign(fn, {
      locale: code,
      number: (value: number, options?: Intl.NumberFormatOptions) => formatNumber(code, value, options),
      percent: (share: number, digits?: number) => formatPercent(code, share, digits),
      date: (at: Date, options?: { timeZone?: string; style?: DateStyle }) => formatDate(code, at, options),
    });
    translators.set(code, tr);
  }
  return tr;
}

/** English: where no one's language is known (logs, the base of the definitions). */
export const EN: Translator = translator(BASE_LOCALE);

/**
 * The language of a server's public posts: its `/settings language` when set (and still shipped),
 * else its Discord `guild_locale` when we have a catalog for it, else English.
 */
export function serverLocale(setting: string | null | undefined, guildLocale: string | null | undefined): string {
  if (setting && CATALOGS.has(setting)) return setting;
  return isSupportedLocale(guildLocale) ? resolveLocale(guildLocale) : BASE_LOCALE;
}

export { timestamp } from './format.js';
