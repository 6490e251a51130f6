/**
 * The message catalogs (src/i18n/locales): complete in every language, with the same placeholders
 * and the plural forms each language's CLDR rules use; locale resolution; number and date formats;
 * and the first strings converted (the error boundary, the vote buttons, the blind tally).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASE_LOCALE, CATALOGS, LANGUAGES, RESERVED_VARS, isSupportedLocale, languageName, loadCatalogs, resolveLocale, serverLocale, t, translator, type Catalog } from '../../src/i18n/index.js';
import { localizeDefinitions } from '../../src/i18n/commands.js';
import { guarded, guildOnly, expectedMessage } from '../../src/kit/failures.js';
import { tallyLine, voteButtons } from '../../src/kit/render.js';
import { localeOf } from '../../src/kit/locale.js';
import { callBase } from '../../src/pipeline/build.js';
import { CatalogError } from '../../src/kit/types.js';
import { createRegistry } from '../../src/kit/registry.js';
import { VERDICT_LABELS } from '../../src/ledger/rules.js';
import type { Logger } from '../../src/log.js';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every message of a catalog by key (the `commands` table and `meta` are not messages). */
function messages(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    if (!prefix && (key === 'commands' || key === 'meta')) continue;
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [k, v] of messages(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([^,}\s]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();

/** Messages grouped by base key: { forms: plural category → text } (a plain message has the one form ''). */
function grouped(catalog: Catalog): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [key, text] of messages(catalog)) {
    const match = PLURAL.exec(key);
    const base = match ? key.slice(0, match.index) : key;
    if (!out.has(base)) out.set(base, new Map());
    out.get(base)!.set(match ? match[1]! : '', text);
  }
  return out;
}

const english = grouped(CATALOGS.get(BASE_LOCALE)!);

describe('the catalogs', () => {
  it('are English, Russian and Ukrainian, each named in its own language', () => {
    expect(LANGUAGES).toEqual(['en', 'ru', 'uk']);
    expect(LANGUAGES.map(languageName)).toEqual(['English', 'Русский', 'Українська']);
  });

  for (const [code, catalog] of CATALOGS) {
    describe(code, () => {
      const own = grouped(catalog);
      const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories;

      it('has every English key and no other', () => {
        expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
      });

      it('has the same placeholders as English in every message and plural form', () => {
        for (const [key, forms] of english) {
          const expected = [...new Set([...forms.values()].flatMap(placeholders))].sort();
          for (const [form, text] of own.get(key) ?? []) expect([...new Set(placeholders(text))].sort(), `${code} ${key} ${form}`).toEqual(expected);
        }
      });

      it(`has exactly the plural forms its language uses (${categories.join(', ')})`, () => {
        for (const [key, forms] of english) {
          const plural = !forms.has('');
          const mine = [...(own.get(key)?.keys() ?? [])].sort();
          expect(mine, `${code} ${key}`).toEqual(plural ? [...categories].sort() : ['']);
        }
      });

      it('uses no name i18next keeps for itself as a placeholder, and no empty message', () => {
        for (const [key, text] of messages(catalog)) {
          expect(text.trim(), `${code} ${key}`).not.toBe('');
          for (const name of placeholders(text)) expect(RESERVED_VARS as readonly string[], `${code} ${key}`).not.toContain(name);
        }
      });
    });
  }

  it('fit Discord in their longest language: verdicts as button labels (80), messages as content (2000)', () => {
    for (const code of LANGUAGES) {
      for (const v of ['came_true', 'partly', 'did_not', 'too_early'] as const) expect([...t(code, `verdicts.${v}`)].length, `${code} ${v}`).toBeLessThanOrEqual(80);
      for (const [key, text] of messages(CATALOGS.get(code)!)) expect([...text].length, `${code} ${key}`).toBeLessThanOrEqual(1900);
    }
  });

  it('take Russian and Ukrainian plurals from CLDR: 1 голос, 2 голоса, 5 голосов, 21 голос', () => {
    const ru = [1, 2, 5, 11, 21, 22, 25].map((count) => t('ru', 'vote.hiddenTally', { count }).split(' · ')[1]);
    expect(ru).toEqual(['пока 1 голос', 'пока 2 голоса', 'пока 5 голосов', 'пока 11 голосов', 'пока 21 голос', 'пока 22 голоса', 'пока 25 голосов']);
    const uk = [1, 3, 5, 21].map((count) => t('uk', 'vote.hiddenTally', { count }).split(' · ')[1]);
    expect(uk).toEqual(['поки що 1 голос', 'поки що 3 голоси', 'поки що 5 голосів', 'поки що 21 голос']);
    expect(t('en-US', 'vote.hiddenTally', { count: 1 })).toMatch(/1 vote so far$/);
    expect(t('en-US', 'vote.hiddenTally', { count: 2 })).toMatch(/2 votes so far$/);
  });

  it('insert values as given, without HTML escaping (Discord is markdown)', () => {
    expect(t('en', 'errors.somethingWentWrong', { ref: '<a&b>' })).toContain('(ref <a&b>)');
  });
});

describe('locales', () => {
  it('resolve a Discord locale to its catalog, by language, else English', () => {
    expect(['en-US', 'en-GB', 'ru', 'uk', 'pt-BR', 'de', '', null, undefined].map(resolveLocale)).toEqual(['en', 'en', 'ru', 'uk', 'en', 'en', 'en', 'en', 'en']);
    expect(isSupportedLocale('uk')).toBe(true);
    expect(isSupportedLocale('de')).toBe(false);
  });

  it('give public posts the server setting, else the server’s Discord language when we have it, else English', () => {
    expect(serverLocale(null, 'ru')).toBe('ru');
    expect(serverLocale(null, 'en-GB')).toBe('en');
    expect(serverLocale(null, 'de')).toBe('en');
    expect(serverLocale(null, null)).toBe('en');
    expect(serverLocale('uk', 'ru')).toBe('uk');
    // A language no longer shipped falls back as if unset.
    expect(serverLocale('xx', 'ru')).toBe('ru');
  });

  it('are on every call: the member’s for answers, the server’s kept for public posts', () => {
    const fields = localeOf('uk', 'ru');
    expect(fields.locale).toBe('uk');
    expect(fields.guildLocale).toBe('ru');
    expect(fields.t('verdicts.came_true')).toBe('Справдився');
    expect(localeOf(undefined, undefined)).toMatchObject({ locale: 'en-US', guildLocale: null });
    // The HTTP endpoint reads them from the interaction's JSON.
    const http = callBase({ id: '1300000000000000000', type: 2, guild_id: '1', channel_id: '2', locale: 'ru', guild_locale: 'uk', member: { user: { id: '3', username: 'a' }, permissions: '0' } } as unknown as Parameters<typeof callBase>[0]);
    expect([http.locale, http.guildLocale, http.t('errors.guildOnly')]).toEqual(['ru', 'uk', 'Hindsight работает только на серверах.']);
  });

  it('a new language is one catalog file: the folder is the list, and its command names reach Discord', () => {
    const extra = loadCatalogs(fileURLToPath(new URL('../fixtures/i18n/', import.meta.url)));
    expect([...extra.keys()]).toEqual(['en', 'es']);
    const [vote] = localizeDefinitions(
      [{ name: 'vote', description: 'Score a claim', options: [{ type: 3, name: 'verdict', description: 'Your verdict', choices: [{ name: 'Came true', value: 'came-true' }] }] }],
      extra,
    );
    expect(vote).toMatchObject({
      name_localizations: { 'es-ES': 'votar', 'es-419': 'votar' },
      description_localizations: { 'es-ES': 'Puntuar una predicción a toro pasado' },
      options: [{ name_localizations: { 'es-419': 'veredicto' }, choices: [{ name_localizations: { 'es-ES': 'Se cumplió' } }] }],
    });
  });
});

describe('numbers and dates', () => {
  it('are written as each language writes them', () => {
    const space = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
    expect(translator('en').number(1234567.5)).toBe('1,234,567.5');
    expect(space(translator('ru').number(1234567.5))).toBe('1 234 567,5');
    expect(space(translator('uk').percent(0.425, 1))).toBe('42,5%');
    expect(translator('en').percent(0.425)).toBe('43%');
    const at = new Date('2024-11-06T09:00:00Z');
    expect(translator('en').date(at)).toBe('November 6, 2024');
    expect(translator('ru').date(at)).toBe('6 ноября 2024 г.');
    expect(translator('uk').date(at, { timeZone: 'Europe/Kyiv' })).toBe('6 листопада 2024 р.');
  });
});

const silentLog = { warn() {}, error() {}, info() {}, debug() {} } as unknown as Logger;

/** What the one error boundary answers for `error`, for a member in `locale`. */
async function failureMessage(error: unknown, log: Logger, context: Record<string, unknown>, locale?: string): Promise<string> {
  let said = '';
  await guarded(log, context, () => Promise.reject(error), async (reply) => {
    said = reply.content ?? '';
  }, locale);
  return said;
}

describe('the error boundary', () => {
  it('answers in the member’s language: a bug with its ref, the database down, outside a server', async () => {
    const bug = await failureMessage(new Error('boom'), silentLog, {}, 'ru');
    expect(bug).toMatch(/^Что-то пошло не так \(код [0-9a-f]{8}\)\./);
    const down = await failureMessage(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }), silentLog, {}, 'uk');
    expect(down).toBe('База даних Hindsight зараз недоступна, тож нічого не записано. Спробуйте за хвилину.');
    expect(expectedMessage(guildOnly(), 'ru')).toBe('Hindsight работает только на серверах.');
    expect(expectedMessage(guildOnly(), 'en-US')).toBe('Hindsight works inside servers only.');
    expect(await failureMessage(new Error('boom'), silentLog, {})).toMatch(/^Something went wrong \(ref [0-9a-f]{8}\)/);
  });

  it('the registry’s unknown command, button and form reach the member in their language', async () => {
    const registry = createRegistry({ commands: [] });
    const said = (work: () => unknown, locale: string) =>
      failureMessage((() => { try { work(); } catch (e) { return e; } return null; })(), silentLog, {}, locale);
    expect(await said(() => registry.command('nope'), 'uk')).toBe(t('uk', 'errors.unknownCommand'));
    expect(await said(() => registry.messageCommand('nope'), 'ru')).toBe(t('ru', 'errors.unknownCommand'));
    expect(await said(() => registry.button('zz:1'), 'ru')).toBe(t('ru', 'errors.unknownButton'));
    expect(await said(() => registry.form('zz:1'), 'uk')).toBe(t('uk', 'errors.unknownForm'));
    expect(t('ru', 'errors.unknownForm')).not.toBe(t('en', 'errors.unknownForm'));
  });

  it('keeps a CatalogError’s English as its message (logs), and shows it in any language', () => {
    const error = new CatalogError('errors.unknownButton');
    expect(error.message).toBe('That button is not one Hindsight made.');
    expect(error.in('uk')).toBe('Цю кнопку створив не Hindsight.');
  });
});

describe('verdicts', () => {
  it('label the vote buttons in the language asked for (English by default)', () => {
    const labels = (row: ReturnType<typeof voteButtons>) => row.components.map((b) => ('label' in b ? b.label : null));
    expect(labels(voteButtons(3))).toEqual(['Came true', 'Partly', 'Did not', 'Too early']);
    expect(labels(voteButtons(3, false, translator('ru')))).toEqual(['Сбылся', 'Частично', 'Не сбылся', 'Рано судить']);
    expect(labels(voteButtons(3, false, translator('uk')))).toEqual(['Справдився', 'Частково', 'Не справдився', 'Зарано судити']);
    expect(Object.values(VERDICT_LABELS)).toEqual(['Came true', 'Partly', 'Did not', 'Too early']);
  });

  it('name the tally in the language asked for', () => {
    expect(tallyLine({ came_true: 2, partly: 0, did_not: 1, too_early: 0 }, 3, translator('uk'))).toBe('Справдився **2** · Частково **0** · Не справдився **1** · Зарано судити **0**');
    expect(tallyLine(null, 5, translator('ru'))).toBe('Скрыто до конца голосования (скрытый подсчёт) · пока 5 голосов');
  });
});
