/**
 * Issue 26, end to end through the fake Discord: the same short session sent by a member whose
 * Discord is in English (en-US), Russian (ru) and Ukrainian (uk). Each answer only the member sees
 * is in their language (the catalog's text for that locale, and for ru/uk no English sentence of
 * en.json left in it); the public posts follow `/settings language`; every answer fits Discord's
 * limits (the fake records any breach; assertNoViolations after each test).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS, t, translator, type Catalog } from '../../src/i18n/index.js';
import type { FakeReply } from '../fake-discord/types.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';

const MOD = { id: 'mod', manager: true } as const;
const LOCALES = [
  ['en-US', 'en'],
  ['ru', 'ru'],
  ['uk', 'uk'],
] as const;

let h: BotHarness & { dataDir: string };

beforeAll(async () => {
  h = await startBotHarness();
  // The bundled pack: claims whose check dates have passed, so their cards carry vote buttons.
  const imported = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'import', options: { pack: 'vpost-2024-11-06' } }).reply();
  expect(imported.content).toMatch(/^Imported /);
});
afterEach(() => {
  h.fake.assertNoViolations();
});
afterAll(async () => {
  await h?.stop();
});

/** The English catalog's sentences: each static part (between placeholders) of three words or more. */
const ENGLISH_SENTENCES: string[] = (() => {
  const out = new Set<string>();
  const walk = (c: Catalog, top: boolean) => {
    for (const [key, value] of Object.entries(c)) {
      if (top && (key === 'meta' || key === 'commands')) continue;
      if (typeof value !== 'string') walk(value, false);
      else for (const part of value.split(/\{\{[^}]*\}\}/)) if (/[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}/.test(part)) out.add(part.trim());
    }
  };
  walk(CATALOGS.get('en')!, true);
  return [...out];
})();

/** Everything a member reads in an answer: its text, its embeds and its buttons' labels. */
function readable(r: FakeReply): string {
  const embeds = r.embeds.flatMap((e) => [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]);
  const labels = (r.components as { components?: { label?: string }[] }[]).flatMap((row) => (row.components ?? []).map((c) => c.label));
  return [r.content, ...embeds, ...labels].filter((x): x is string => typeof x === 'string').join('\n');
}

/** Discord's limits, checked here too (the fake checks them as well). */
function fits(r: FakeReply): void {
  expect(r.content.length).toBeLessThanOrEqual(2000);
  expect(r.embeds.length).toBeLessThanOrEqual(10);
  let total = 0;
  for (const e of r.embeds) {
    expect((e.title ?? '').length).toBeLessThanOrEqual(256);
    expect((e.description ?? '').length).toBeLessThanOrEqual(4096);
    expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(2048);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(6000);
}

/** An answer in the member's language: for ru/uk, Cyrillic and no English sentence of the catalog. */
function inLanguage(r: FakeReply, code: string): void {
  fits(r);
  if (code === 'en') return;
  const text = readable(r);
  expect(text, text).toMatch(/[А-Яа-яІіЇїЄєҐґ]/);
  for (const sentence of ENGLISH_SENTENCES) expect(text, `English left: “${sentence}”`).not.toContain(sentence);
}

const buttons = (r: FakeReply) => (r.components as { components?: { custom_id?: string; label?: string }[] }[]).flatMap((row) => row.components ?? []);

for (const [locale, code] of LOCALES) {
  describe(`a session in ${locale}`, () => {
    const tr = translator(code);
    const alice = `alice-${code}`;
    const cmd = (actor: typeof MOD | string, name: string, options: Record<string, string | number | boolean> = {}, subcommand?: string) =>
      h.fake.sendCommand(h.guild.id, actor, { name, ...(subcommand ? { subcommand } : {}), options, locale }).reply();

    it('answers every step in the member’s language, and posts publicly in the server’s', async () => {
      // A manager sets the server's language for public posts: the answer is the manager's own (ephemeral).
      const set = await cmd(MOD, 'settings', { language: code });
      expect(set.ephemeral).toBe(true);
      expect(set.embeds[0]!.title).toBe(t(code, 'settings.updated'));
      inLanguage(set, code);

      // /predict add: a public post, in the server's language (just set to the member's).
      const added = await cmd(alice, 'predict', { claim: `Talks start in Geneva (${code})`, 'check-by': 'in 3 months', speaker: 'A diplomat' }, 'add');
      expect(added.ephemeral).toBe(false);
      const number = Number(/#(\d+)/.exec(added.content)![1]);
      expect(added.content.startsWith(t(code, 'predict.added', { number }))).toBe(true);
      expect(added.content).toContain(t(code, 'predict.addedDue', { when: '\0' }).split('\0')[0]!);
      fits(added);

      // /forecast: the member's own answer.
      const forecast = await cmd(alice, 'forecast', { claim: String(number), probability: 60 });
      expect(forecast.ephemeral).toBe(true);
      const [before] = t(code, 'forecast.answer', { number, probability: tr.number(60), date: '\0' }).split('\0');
      expect(forecast.content.startsWith(before!)).toBe(true);
      inLanguage(forecast, code);

      // A vote button on a due claim's card: answered to the clicker alone.
      const card = await cmd(alice, 'predict', { claim: '1' }, 'show');
      fits(card);
      const cameTrue = buttons(card).find((b) => b.custom_id === 'vote:1:came_true')!;
      const voted = await h.fake.clickButton(h.guild.id, alice, { customId: cameTrue.custom_id!, messageId: card.messageId, locale }).reply();
      expect(voted.ephemeral).toBe(true);
      expect(voted.content).toBe(t(code, 'vote.voted', { verdict: t(code, 'verdicts.came_true'), number: 1 }));
      inLanguage(voted, code);

      // /predict mine: the member's forecasts and votes.
      const mine = await cmd(alice, 'predict', {}, 'mine');
      expect(mine.ephemeral).toBe(true);
      expect(mine.embeds[0]!.title).toBe(t(code, 'mine.title'));
      expect(readable(mine)).toContain(t(code, 'mine.forecast', { probability: tr.number(60) }));
      inLanguage(mine, code);

      // /predict list and /scores members: public pages, within Discord's limits.
      fits(await cmd(alice, 'predict', { status: 'all' }, 'list'));
      const board = await cmd(alice, 'scores', {}, 'members');
      expect(board.embeds[0]!.title).toBe(t(code, 'scores.leaderboardTitle'));
      fits(board);

      // /predict delete asks first (Delete / Keep it), in the manager's language; Keep it deletes nothing.
      const asked = await cmd(MOD, 'predict', { claim: String(number) }, 'delete');
      expect(asked.ephemeral, asked.content).toBe(true);
      expect(asked.components.length, asked.content).toBe(1);
      expect(buttons(asked).map((b) => b.label)).toEqual([t(code, 'delete.yes', { number }), t(code, 'delete.no')]);
      inLanguage(asked, code);
      const keep = buttons(asked).find((b) => b.label === t(code, 'delete.no'))!;
      const kept = await h.fake.clickButton(h.guild.id, MOD, { customId: keep.custom_id!, messageId: asked.messageId, locale }).reply();
      expect(kept.content).toBe(t(code, 'delete.kept', { number }));
      inLanguage(kept, code);

      // /predict drafts with none to review.
      const drafts = await cmd(alice, 'predict', {}, 'drafts');
      expect(drafts.content).toBe(t(code, 'drafts.noDrafts'));
      inLanguage(drafts, code);

      // An error: a member may not import; refused in their language, ephemerally.
      const refused = await cmd(alice, 'predict', { pack: 'vpost-2024-11-06' }, 'import');
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toBe(t(code, 'predict.importManagers'));
      inLanguage(refused, code);

      // /predict notify: what direct messages do, in the member's language.
      const notify = await cmd(alice, 'predict', {}, 'notify');
      expect(notify.content).toBe(t(code, 'mine.notifyOff'));
      inLanguage(notify, code);
    });
  });
}
