/**
 * What a new server meets in its first hour (issue 24), on the ledger: history and card wording,
 * proposals credited to their author, drafts, claims named by their text, speakers that share a
 * name, reopening before the check date, two schedules on one channel, names in the CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClaim, castVote, claimDetail, deleteClaim, editClaim, setForecast, type LedgerCtx } from '../../src/ledger/index.js';
import { claimNumberOf } from '../../src/ledger/claims.js';
import { claimCard } from '../../src/kit/render.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
const clock = { now: new Date('2026-01-01T00:00:00Z') };
const MANAGER = { id: '920000000000000001', isManager: true };
const ALICE = { id: '920000000000000002', isManager: false };
const BOB = { id: '920000000000000003', isManager: false };
const ctxFor = (guildId: string, actor: { id: string; isManager: boolean } = MANAGER): LedgerCtx => ({ db: database.db, guildId, actor, now: () => clock.now });

/** Every string a card shows (title, description, fields, footer). */
const cardText = (reply: ReturnType<typeof claimCard>) =>
  (reply.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text]).join('\n');

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

/** A claim by Alice, checked 2026-01-10: due from 2026-01-11. */
async function claimOf(g: string, text = 'Talks start in Geneva') {
  clock.now = new Date('2026-01-01T00:00:00Z');
  return addClaim(ctxFor(g, ALICE), { claim: text, checkBy: '2026-01-10' });
}
const VOTING = new Date('2026-01-12T00:00:00Z');

describe('the card and the history in members’ words (8, 11)', () => {
  it('a claim with forecasts but no votes, edited once due, does not say voting began', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    await setForecast(ctxFor(g, BOB), c.number, 30);
    clock.now = VOTING;
    await editClaim(ctxFor(g, MANAGER), c.number, { criteria: 'Talks are held in Geneva' });
    const text = cardText(claimCard(await claimDetail(ctxFor(g, BOB), c.number), clock.now));
    expect(text).toMatch(new RegExp(`Edited after its check-by date passed by <@${MANAGER.id}> on .* \\(criteria\\)`));
    expect(text).not.toContain('voting began');
  });

  it('says voting began once members voted, and names fields as members know them', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    clock.now = VOTING;
    await castVote(ctxFor(g, BOB), c.number, 'came_true');
    const edited = await editClaim(ctxFor(g, MANAGER), c.number, { checkBy: '2026-06-01', family: 'diplomacy' });
    expect(edited.changes).toEqual({ checkBy: { from: '2026-01-10', to: '2026-06-01' }, family: { from: null, to: 'diplomacy' } });
    const text = cardText(claimCard(await claimDetail(ctxFor(g, BOB), c.number), clock.now, { history: true }));
    // (jsonb keeps its own key order: the fields are checked one by one.)
    expect(text).toMatch(/Edited after voting began by .* \((check-by date, family|family, check-by date)\)/);
    expect(text).toMatch(new RegExp(`<@${MANAGER.id}> edited .*check-by date 2026-01-10 → 2026-06-01`));
    expect(text).toMatch(new RegExp(`<@${MANAGER.id}> edited .*family diplomacy`));
    expect(text).not.toMatch(/checkBy/);
  });
});

describe('a claim named by words of its text (claim:Geneva)', () => {
  it('finds the one claim whose text holds the words; lists the candidates when several do', async () => {
    const g = newGuildId();
    const geneva = await claimOf(g, 'Talks start in Geneva');
    const oslo = await claimOf(g, 'The embassy in Oslo reopens');
    const talks = await claimOf(g, 'Talks start');
    const deleted = await claimOf(g, 'A summit in Vienna');
    await deleteClaim(ctxFor(g), deleted.number);
    expect(await claimNumberOf(database.db, g, 'Geneva')).toBe(geneva.number);
    expect(await claimNumberOf(database.db, g, '  oslo ')).toBe(oslo.number);
    expect(await claimNumberOf(database.db, g, `#${oslo.number} · The embassy in Oslo reopens`)).toBe(oslo.number);
    // An exact text wins over the claims that merely contain it.
    expect(await claimNumberOf(database.db, g, 'talks start')).toBe(talks.number);
    await expect(claimNumberOf(database.db, g, 'start')).rejects.toThrow(
      new RegExp(`^2 claims have "start" in their text: #${geneva.number} Talks start in Geneva; #${talks.number} Talks start\\. Give the number`),
    );
    await expect(claimNumberOf(database.db, g, 'Vienna')).rejects.toThrow(/No claim of this server has "Vienna" in its text/);
    await expect(claimNumberOf(database.db, g, 'ab')).rejects.toThrow(/at least 3 letters/);
    // Every command that takes a claim goes through findClaim, /vote through claimNumberOf.
    await setForecast(ctxFor(g, BOB), 'Geneva', 40);
    expect((await claimDetail(ctxFor(g, BOB), 'geneva')).myForecast).toBe(40);
  });
});
