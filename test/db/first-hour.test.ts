/**
 * What a new server meets in its first hour (issue 24), on the ledger: history and card wording,
 * proposals credited to their author, drafts, claims named by their text, speakers that share a
 * name, reopening before the check date, two schedules on one channel, names in the CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClaim, castVote, claimDetail, deleteClaim, editClaim, importLedger, reopenClaim, resolveClaim, setForecast, type LedgerCtx } from '../../src/ledger/index.js';
import { reopenedText } from '../../commands/reopen.js';
import { memberNames } from '../../src/ledger/audit.js';
import { exportCsv, exportFiles, exportLedger } from '../../src/ledger/transfer.js';
import { findSpeaker, outcomesOverTime, speakerRecords, suggestSpeakers } from '../../src/ledger/leaderboard.js';
import { hedgeCalibrationOf } from '../../src/ledger/hedge-scores.js';
import * as scores from '../../commands/scores.js';
import type { AppCtx, AutocompleteCall } from '../../src/kit/types.js';
import { claimNumberOf } from '../../src/ledger/claim-queries.js';
import { claimCard } from '../../src/kit/render.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { guildScope } from '../../src/ledger/context.js';

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
    await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'came_true' });
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
    expect(await claimNumberOf(guildScope(database.db, g), 'Geneva')).toBe(geneva.number);
    expect(await claimNumberOf(guildScope(database.db, g), '  oslo ')).toBe(oslo.number);
    expect(await claimNumberOf(guildScope(database.db, g), `#${oslo.number} · The embassy in Oslo reopens`)).toBe(oslo.number);
    // An exact text wins over the claims that merely contain it.
    expect(await claimNumberOf(guildScope(database.db, g), 'talks start')).toBe(talks.number);
    await expect(claimNumberOf(guildScope(database.db, g), 'start')).rejects.toThrow(
      new RegExp(`^2 claims have "start" in their text: #${geneva.number} Talks start in Geneva; #${talks.number} Talks start\\. Give the number`),
    );
    await expect(claimNumberOf(guildScope(database.db, g), 'Vienna')).rejects.toThrow(/No claim of this server has the words "Vienna" in its text/);
    // Whole words: a fragment inside a word does not pick a claim ("bass" is not in "embassy").
    await expect(claimNumberOf(guildScope(database.db, g), 'bass')).rejects.toThrow(/No claim of this server has the words "bass"/);
    expect(await claimNumberOf(guildScope(database.db, g), 'embassy in oslo')).toBe(oslo.number);
    // What is typed is words, never a pattern.
    await expect(claimNumberOf(guildScope(database.db, g), 'Gen.*')).rejects.toThrow(/No claim of this server has the words "Gen\.\*"/);
    await expect(claimNumberOf(guildScope(database.db, g), 'ab')).rejects.toThrow(/at least 3 letters/);
    // Every command that takes a claim goes through findClaim, /vote through claimNumberOf.
    await setForecast(ctxFor(g, BOB), 'Geneva', 40);
    expect((await claimDetail(ctxFor(g, BOB), 'geneva')).myForecast).toBe(40);
  });
});

describe('two speakers with the same name (2)', () => {
  it('get labels that differ and round-trip: records, suggestions and charts agree', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-01T00:00:00Z');
    // One typed by hand, one a pack's source of the same label and no note: two identities.
    const typed = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start in Geneva', checkBy: '2026-01-10', speaker: 'a Russian diplomat' });
    const pack = {
      id: 'same-name',
      name: 'Same name',
      article: { outlet: 'The Herald', title: 'Two diplomats', url: null, publishedOn: '2025-12-01' },
      speakers: [{ key: 'dip', name: 'a Russian diplomat', note: null }],
      claims: [{ key: 'c1', speaker: 'a Russian diplomat', speakerKey: 'dip', quote: 'An envoy will be named', claim: 'An envoy is named', madeOn: '2025-12-01', checkBy: '2026-02-01' }],
    };
    const imported = await importLedger(ctxFor(g), { raw: JSON.stringify(pack) });
    expect(imported.added).toBe(1);
    const records = await speakerRecords(guildScope(database.db, g));
    expect(records.map((r) => r.name).sort()).toEqual(['a Russian diplomat', 'a Russian diplomat (2)']);
    const offered = await suggestSpeakers(guildScope(database.db, g), 'russian');
    expect(offered.map((s) => [s.label, s.shared, s.claims])).toEqual([
      ['a Russian diplomat', true, [typed.number]],
      ['a Russian diplomat (2)', true, [imported.numbers[0]]],
    ]);
    // Every label offered finds its own speaker again, and the charts draw it.
    for (const s of offered) {
      expect(await findSpeaker(guildScope(database.db, g), s.label)).toEqual({ id: s.id, name: s.label });
      const chart = await outcomesOverTime(guildScope(database.db, g), { speaker: s.label.toUpperCase() });
      expect(chart).toMatchObject({ subject: s.label, record: { made: 1 } });
      expect((await hedgeCalibrationOf(guildScope(database.db, g), { speaker: s.label })).subject).toBe(s.label);
    }
    expect(new Set(offered.map((s) => s.id)).size).toBe(2);
    expect(await findSpeaker(guildScope(database.db, g), 'a Russian diplomat (3)')).toBeNull();
    // Autocomplete: two entries that read differently, each value the label that finds it again.
    const call = { guildId: g, focused: { name: 'speaker', value: 'diplomat' } } as unknown as AutocompleteCall;
    const app = { db: database.db, now: () => clock.now } as unknown as AppCtx;
    expect(await scores.autocomplete(call, undefined, app)).toEqual([
      { name: `a Russian diplomat · claim #${typed.number}`, value: 'a Russian diplomat' },
      { name: `a Russian diplomat (2) · claim #${imported.numbers[0]}`, value: 'a Russian diplomat (2)' },
    ]);
  });
});

describe('/reopen before the check date (10)', () => {
  it('says voting opens at the check date, as the card does, not that it is open now', async () => {
    const g = newGuildId();
    const c = await claimOf(g); // checked 2026-01-10, due 2026-01-11
    await resolveClaim(ctxFor(g), c.number, 'did_not');
    const reopened = await reopenClaim(ctxFor(g), c.number);
    expect(reopened.windowStartsAt).toEqual(c.dueAt);
    const due = Math.floor(c.dueAt.getTime() / 1000);
    const text = reopenedText(reopened, MANAGER.id, clock.now);
    expect(text).toBe(
      `<@${MANAGER.id}> reopened claim #${c.number} (round 2). Its check date (2026-01-10) has not passed: it takes forecasts until then, and voting opens <t:${due}:F> (<t:${due}:R>) and runs until <t:${due + 7 * 86_400}:F>.`,
    );
    // The card says the same moment.
    const card = cardText(claimCard(await claimDetail(ctxFor(g, BOB), c.number), clock.now));
    expect(card).toContain(`Open: can be scored <t:${due}:R>`);
    // Forecasts are taken again until then.
    await setForecast(ctxFor(g, BOB), c.number, 25);
  });

  it('after the check date: voting is open from now', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    clock.now = VOTING;
    await resolveClaim(ctxFor(g), c.number, 'did_not');
    const reopened = await reopenClaim(ctxFor(g), c.number);
    expect(reopened.windowStartsAt).toEqual(VOTING);
    const closes = Math.floor(reopened.votingClosesAt.getTime() / 1000);
    expect(reopenedText(reopened, MANAGER.id, clock.now)).toBe(`<@${MANAGER.id}> reopened claim #${c.number} (round 2). Voting is open until <t:${closes}:F> (<t:${closes}:R>).`);
  });
});

describe('the CSV names members where it knows them', () => {
  it('adds a name column beside each member id, from what they did here', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-01T00:00:00Z');
    const named = (actor: { id: string; isManager: boolean }, name: string) => ({ ...ctxFor(g, actor), actor: { ...actor, name } });
    const c = await addClaim(named(ALICE, 'alice'), { claim: 'Talks start in Geneva', checkBy: '2026-01-10' });
    const silent = await addClaim(ctxFor(g, BOB), { claim: 'A summit in Vienna', checkBy: '2026-01-10' });
    clock.now = VOTING;
    await resolveClaim(named(MANAGER, 'mod'), c.number, 'came_true');
    const names = await memberNames(guildScope(database.db, g));
    expect(names.get(ALICE.id)).toBe('alice');
    expect(names.get(MANAGER.id)).toBe('mod');
    expect(names.has(BOB.id)).toBe(false);
    const lines = exportCsv(await exportLedger(guildScope(database.db, g), { memberData: true, now: clock.now }), names).trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['added_by', 'added_by_name', 'resolved_by', 'resolved_by_name']));
    const row = (n: number) => lines.find((l) => l.startsWith(`${n},`))!.split(',');
    const cell = (n: number, col: string) => row(n)[header.indexOf(col)];
    expect([cell(c.number, 'added_by'), cell(c.number, 'added_by_name'), cell(c.number, 'resolved_by'), cell(c.number, 'resolved_by_name')]).toEqual([ALICE.id, 'alice', MANAGER.id, 'mod']);
    // Unknown names stay empty rather than guessed.
    expect([cell(silent.number, 'added_by'), cell(silent.number, 'added_by_name')]).toEqual([BOB.id, '']);
    // The paged export /predict export replies with (exportFiles) carries the same names.
    const [file] = (await exportFiles(guildScope(database.db, g), { memberData: true, now: clock.now, format: 'csv', names })).files;
    const paged = file!.body.trimEnd().split('\r\n');
    expect(paged[0]).toBe(lines[0]);
    const pagedRow = paged.find((l) => l.startsWith(`${c.number},`))!.split(',');
    expect([pagedRow[header.indexOf('added_by_name')], pagedRow[header.indexOf('resolved_by_name')]]).toEqual(['alice', 'mod']);
  });
});
