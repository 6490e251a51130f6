/**
 * Hindsight in the member's language, end to end through the fake Discord, once per locale (en-US,
 * ru, uk): the commands are registered with their Russian and Ukrainian names, an article in
 * Russian or Ukrainian is refused in the member's language (naming the article's language, and
 * saving nothing), and the error boundary answers in the member's language.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { extractDrafts } from '../../src/db/schema.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';

const MOD = { id: 'mod', manager: true } as const;
const RUSSIAN = [
  'Песков: переговоры могут начаться в январе',
  '',
  '«Переговоры с Украиной начнутся не раньше января», — заявил пресс-секретарь Кремля Дмитрий Песков журналистам.',
  '',
  'По его словам, в Москве считают, что новая администрация США будет готова к диалогу уже в первые месяцы.',
].join('\n');
const UKRAINIAN = [
  'Пєсков: переговори можуть початися в січні',
  '',
  '«Переговори з Україною почнуться не раніше січня», — заявив речник Кремля Дмитро Пєсков журналістам.',
  '',
  'За його словами, у Москві вважають, що нова адміністрація США буде готова до діалогу вже в перші місяці.',
].join('\n');

const EXPECTED = {
  'en-US': {
    russian: 'This article is in Russian; Hindsight reads English articles only for now. Nothing was saved.',
    ukrainian: 'This article is in Ukrainian; Hindsight reads English articles only for now. Nothing was saved.',
    button: 'That button is not one Hindsight made.',
  },
  ru: {
    russian: 'Язык этой статьи — русский; пока Hindsight читает только статьи на английском. Ничего не сохранено.',
    ukrainian: 'Язык этой статьи — украинский; пока Hindsight читает только статьи на английском. Ничего не сохранено.',
    button: 'Эту кнопку создал не Hindsight.',
  },
  uk: {
    russian: 'Мова цієї статті — російська; поки що Hindsight читає лише статті англійською. Нічого не збережено.',
    ukrainian: 'Мова цієї статті — українська; поки що Hindsight читає лише статті англійською. Нічого не збережено.',
    button: 'Цю кнопку створив не Hindsight.',
  },
} as const;

let h: BotHarness & { dataDir: string };

beforeAll(async () => {
  h = await startBotHarness();
});
afterEach(() => {
  h.fake.assertNoViolations();
});
afterAll(async () => {
  await h?.stop();
});

describe('commands in Russian and Ukrainian', () => {
  it('are registered with their localized names and descriptions', () => {
    const vote = h.fake.commands().find((c) => c.name === 'vote') as unknown as {
      name_localizations?: Record<string, string>;
      options?: { name: string; name_localizations?: Record<string, string>; choices?: { value: string; name_localizations?: Record<string, string> }[] }[];
    };
    expect(vote.name_localizations).toMatchObject({ ru: 'голосовать', uk: 'голосувати' });
    const verdict = vote.options!.find((o) => o.name === 'verdict')!;
    expect(verdict.choices!.find((c) => c.value === 'too-early')!.name_localizations).toEqual({ ru: 'Рано судить', uk: 'Зарано судити' });
  });
});

describe('/settings language', () => {
  it('offers every catalog by its own name, and keeps the choice for the server’s public posts', async () => {
    const settings = h.fake.commands().find((c) => c.name === 'settings') as unknown as { options: { name: string; choices?: { name: string; value: string }[] }[] };
    expect(settings.options.find((o) => o.name === 'language')!.choices!.map((c) => [c.value, c.name])).toEqual([
      ['auto', 'The server’s Discord language'],
      ['en', 'English'],
      ['ru', 'Русский'],
      ['uk', 'Українська'],
    ]);
    const field = (r: { embeds: { fields?: { name: string; value: string }[] }[] }, name = 'Language of public posts') => r.embeds[0]!.fields!.find((f) => f.name === name)?.value;
    // The answer is the manager's own: in their language (ru), whatever the server's becomes.
    const set = await h.fake.sendCommand(h.guild.id, MOD, { name: 'settings', options: { language: 'uk' }, locale: 'ru' }).reply();
    expect(set.embeds[0]!.title).toBe('Настройки обновлены');
    expect(field(set, 'Язык публичных сообщений')).toBe('Українська');
    const refused = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'settings', options: { language: 'ru' } }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(field(await h.fake.sendCommand(h.guild.id, MOD, { name: 'settings', options: { language: 'auto' } }).reply())).toBe('the server\'s Discord language, else English');
  });
});

for (const locale of ['en-US', 'ru', 'uk'] as const) {
  describe(`a member whose Discord is in ${locale}`, () => {
    it('is told plainly, in their language, that an article in Russian or Ukrainian cannot be read yet; nothing is saved', async () => {
      for (const [article, key] of [
        [RUSSIAN, 'russian'],
        [UKRAINIAN, 'ukrainian'],
      ] as const) {
        const file = h.fake.attachment({ filename: 'statya.txt', content: article, contentType: 'text/plain; charset=utf-8' });
        const reply = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'extract', options: { file }, locale }).reply();
        expect(reply.ephemeral).toBe(true);
        expect(reply.content).toBe(EXPECTED[locale][key]);
      }
      expect(await h.app.database.db.select().from(extractDrafts).where(eq(extractDrafts.guildId, h.guild.id))).toEqual([]);
    });

    it('gets the error boundary’s answers in their language', async () => {
      const card = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'predict', subcommand: 'list', options: { status: 'all' }, locale }).reply();
      const reply = await h.fake.clickButton(h.guild.id, 'alice', { customId: 'nothing-of-ours', messageId: card.messageId, force: true, locale }).reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toBe(EXPECTED[locale].button);
    });
  });
}
