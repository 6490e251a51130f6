/**
 * `/settings language`: the language of a server's public posts, kept in its settings (null: the
 * server's Discord language when Hindsight has it, else English). Managers only, one of the
 * catalogs only, audited; the public translator follows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../src/db/schema.js';
import { getSettings, LedgerError, updateSettings, type LedgerCtx } from '../../src/ledger/index.js';
import { serverTranslator } from '../../src/kit/locale.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { guildScope } from '../../src/ledger/context.js';

let database: TestDatabase;
const NOW = new Date('2026-11-27T12:00:00Z');
const MANAGER = { id: '900000000000000001', isManager: true };
const ALICE = { id: '900000000000000002', isManager: false };
const ctxFor = (guildId: string, actor = MANAGER): LedgerCtx => ({ db: database.db, guildId, actor, now: () => NOW });

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('the language of public posts', () => {
  it('follows the server’s Discord language until a manager sets one, and again after “auto”', async () => {
    const g = newGuildId();
    expect((await getSettings(guildScope(database.db, g))).language).toBeNull();
    expect((await serverTranslator(guildScope(database.db, g), 'ru')).locale).toBe('ru');
    expect((await serverTranslator(guildScope(database.db, g), 'de')).locale).toBe('en');
    expect((await serverTranslator(guildScope(database.db, g), null)).locale).toBe('en');

    const { after } = await updateSettings(ctxFor(g), { language: 'uk' });
    expect(after.language).toBe('uk');
    expect((await getSettings(guildScope(database.db, g))).language).toBe('uk');
    const publicT = await serverTranslator(guildScope(database.db, g), 'ru');
    expect(publicT.locale).toBe('uk');
    expect(publicT('verdicts.did_not')).toBe('Не справдився');

    await updateSettings(ctxFor(g), { language: null });
    expect((await getSettings(guildScope(database.db, g))).language).toBeNull();
    expect((await serverTranslator(guildScope(database.db, g), 'ru')).locale).toBe('ru');

    const audit = await database.db.select().from(auditLog).where(eq(auditLog.guildId, g));
    expect(audit.map((a) => a.detail)).toEqual([
      { setting: 'language', from: null, to: 'uk' },
      { setting: 'language', from: 'uk', to: null },
    ]);
  });

  it('is refused to members and to a language Hindsight has no catalog for, changing nothing', async () => {
    const g = newGuildId();
    await expect(updateSettings(ctxFor(g, ALICE), { language: 'ru' })).rejects.toMatchObject({ code: 'forbidden' });
    const error = await updateSettings(ctxFor(g), { language: 'de' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/no "de" language.*en, ru, uk/) });
    expect((await getSettings(guildScope(database.db, g))).language).toBeNull();
    expect(await database.db.select().from(auditLog).where(eq(auditLog.guildId, g))).toEqual([]);
  });
});
