/**
 * Integrity of the ledger (issue 15: findings 4, 7, 8): blind voting hides votes on every
 * ledger surface, forecasts stay private before the check date, claims lock once members
 * forecast or vote, and imports keep the origin of member data and survive large files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNotNull } from 'drizzle-orm';
import { auditLog, claims, forecasts, votes } from '../../src/db/schema.js';
import {
  addClaim,
  castVote,
  claimDetail,
  deleteClaim,
  editClaim,
  exportCsv,
  exportLedger,
  importLedger,
  resolveClaim,
  searchClaims,
  setForecast,
  updateSettings,
} from '../../src/ledger/index.js';
import { leaderboard, loadScores } from '../../src/ledger/leaderboard.js';
import { claimCard } from '../../src/kit/render.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor, expectLedgerError } from '../support/ledger-ctx.js';

let database: TestDatabase;
const clock = { now: new Date('2026-01-01T00:00:00Z') };
const MANAGER = { id: '910000000000000001', isManager: true };
const ALICE = { id: '910000000000000002', isManager: false };
const BOB = { id: '910000000000000003', isManager: false };
const CAROL = { id: '910000000000000004', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

/** Every string a card shows (title, description, fields, footer). */
const cardText = (reply: ReturnType<typeof claimCard>) =>
  (reply.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text]).join('\n');

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

/** A claim by Alice, checked 2026-01-10: due from 2026-01-11, voting until 2026-01-18. */
async function claimOf(g: string) {
  clock.now = new Date('2026-01-01T00:00:00Z');
  return addClaim(ctxFor(g, ALICE), { claim: 'Talks start in Geneva', checkBy: '2026-01-10' });
}
const VOTING = new Date('2026-01-12T00:00:00Z');
const AFTER_WINDOW = new Date('2026-01-19T00:00:00Z');

describe('blind voting and private forecasts (finding 4)', () => {
  it('while votes are hidden no ledger surface shows who voted what or the tallies', async () => {
    const g = newGuildId();
    await updateSettings(ctxFor(g), { blindVoting: true });
    const c = await claimOf(g);
    clock.now = VOTING;
    await castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'did_not', evidence: 'evidence-of-alice' });
    await castVote(ctxFor(g, CAROL), { claim: c.number, verdict: 'did_not' });

    // The card and history /predict show builds for Bob.
    const shown = await claimDetail(ctxFor(g, BOB), c.number);
    expect(shown.tally).toBeNull();
    expect(shown.history.map((h) => h.action)).not.toContain('vote.cast');
    const card = cardText(claimCard(shown, clock.now, { history: true }));
    expect(card).not.toMatch(/Did not \*\*|voted|evidence-of-alice/);
    expect(card).not.toContain(CAROL.id); // Carol only voted
    // Alice still sees her own vote in the history.
    expect((await claimDetail(ctxFor(g, ALICE), c.number)).history.filter((h) => h.action === 'vote.cast').map((h) => h.actorId)).toEqual([ALICE.id]);

    // Exports: a member gets claims only; a manager gets member data without this round's votes.
    for (const memberData of [false, true]) {
      const data = await exportLedger(ctxFor(g), { memberData, now: clock.now });
      const json = JSON.stringify(data);
      expect(json).not.toContain('did_not');
      expect(json).not.toContain('evidence-of-alice');
      expect(data.claims[0]!.votes).toEqual([]);
      const csv = exportCsv(data).trimEnd().split('\r\n');
      const header = csv[0]!.split(',');
      const row = csv[1]!.split(',');
      for (const col of ['came_true', 'partly', 'did_not', 'too_early']) expect(row[header.indexOf(col)], col).toBe('');
    }
    // Autocomplete labels.
    expect(JSON.stringify(await searchClaims(ctxFor(g), ''))).not.toMatch(/did_not|came_true/);

    // Once the window closes everything is visible again.
    clock.now = AFTER_WINDOW;
    const after = await exportLedger(ctxFor(g), { memberData: true, now: clock.now });
    expect(after.claims[0]!.votes.map((v) => v.verdict)).toEqual(['did_not', 'did_not']);
    expect((await claimDetail(ctxFor(g, BOB), c.number)).history.filter((h) => h.action === 'vote.cast')).toHaveLength(2);
  });

  it('does not show other members’ forecasts before the check date; member exports carry no member data', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    await setForecast(ctxFor(g, ALICE), c.number, 83);
    const forBob = await claimDetail(ctxFor(g, BOB), c.number);
    expect(forBob.history.map((h) => h.action)).not.toContain('forecast.set');
    expect(cardText(claimCard(forBob, clock.now, { history: true }))).not.toContain('83%');
    expect(forBob.forecasters).toBe(1); // a count, never whose or what
    const forAlice = await claimDetail(ctxFor(g, ALICE), c.number);
    expect(forAlice.history.map((h) => h.action)).toContain('forecast.set');
    expect(forAlice.myForecast).toBe(83);

    const memberExport = JSON.stringify(await exportLedger(ctxFor(g), { memberData: false, now: clock.now }));
    expect(memberExport).not.toContain(ALICE.id);
    expect(memberExport).not.toContain('"probability"');
    expect(JSON.parse(memberExport).claims[0].forecasts).toEqual([]);
    expect(exportCsv(await exportLedger(ctxFor(g), { memberData: false, now: clock.now }))).not.toContain(ALICE.id);
    const managerExport = await exportLedger(ctxFor(g), { memberData: true, now: clock.now });
    expect(managerExport.claims[0]!.forecasts).toEqual([expect.objectContaining({ userId: ALICE.id, probability: 83 })]);
    // After the check date the history shows it to everyone.
    clock.now = VOTING;
    expect((await claimDetail(ctxFor(g, BOB), c.number)).history.map((h) => h.action)).toContain('forecast.set');
  });
});

describe('claims lock once members forecast or vote (finding 7)', () => {
  it('lets the author correct a fresh claim, but not once it has a forecast; managers may, and the card says so', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    await editClaim(ctxFor(g, ALICE), c.number, { criteria: 'A first round of talks is held' });
    await setForecast(ctxFor(g, BOB), c.number, 20);
    for (const change of [{ claim: 'Talks never start' }, { quote: 'x' }, { criteria: 'anything' }, { checkBy: '2027-01-01' }, { speaker: 'someone' }, { family: 'war' }]) {
      await expectLedgerError(editClaim(ctxFor(g, ALICE), c.number, change), 'forbidden', /no longer be changed.*forecast/);
    }
    await expectLedgerError(deleteClaim(ctxFor(g, ALICE), c.number), 'forbidden', /no longer be changed/);
    await editClaim(ctxFor(g, MANAGER), c.number, { criteria: 'Talks are held in Geneva' });
    const detail = await claimDetail(ctxFor(g, BOB), c.number);
    expect(detail.claim.criteria).toBe('Talks are held in Geneva');
    expect(cardText(claimCard(detail, clock.now))).toMatch(new RegExp(`Edited after forecasts were made by <@${MANAGER.id}> on .*\\(criteria\\)`));
  });

  it('is manager-only once due: no pushing the check date during voting', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    clock.now = VOTING;
    await expectLedgerError(editClaim(ctxFor(g, ALICE), c.number, { checkBy: '2026-06-01' }), 'forbidden', /check date has passed/);
    await expectLedgerError(editClaim(ctxFor(g, ALICE), c.number, { claim: 'Something else' }), 'forbidden');
    await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'came_true' });
    await editClaim(ctxFor(g, MANAGER), c.number, { checkBy: '2026-06-01' });
    const detail = await claimDetail(ctxFor(g, BOB), c.number);
    expect(detail.claim.checkBy).toBe('2026-06-01');
    expect(cardText(claimCard(detail, clock.now))).toMatch(new RegExp(`Edited after voting began by <@${MANAGER.id}> on .*\\(check-by date\\)`));
  });

  it('keeps a resolved claim in the scores when a manager deletes it', async () => {
    const g = newGuildId();
    const c = await claimOf(g);
    await setForecast(ctxFor(g, BOB), c.number, 90);
    clock.now = VOTING;
    await resolveClaim(ctxFor(g), c.number, 'came_true');
    await expectLedgerError(deleteClaim(ctxFor(g, ALICE), c.number), 'forbidden', /resolved/);
    const before = await loadScores(ctxFor(g));
    await deleteClaim(ctxFor(g, MANAGER), c.number);
    await expectLedgerError(claimDetail(ctxFor(g, BOB), c.number), 'not_found');
    expect(await loadScores(ctxFor(g))).toEqual(before);
    expect(before).toHaveLength(1);
  });
});

describe('import of member data (finding 8)', () => {
  /** A source server with a resolved claim: Bob forecast 90% on it, three members voted. */
  async function sourceExport() {
    const g = newGuildId();
    const c = await claimOf(g);
    await setForecast(ctxFor(g, BOB), c.number, 90);
    clock.now = VOTING;
    for (const m of [ALICE, BOB, CAROL]) await castVote(ctxFor(g, m), { claim: c.number, verdict: 'came_true' });
    await resolveClaim(ctxFor(g), c.number, 'came_true');
    return { g, data: await exportLedger(ctxFor(g), { memberData: true, now: clock.now }) };
  }

  it('marks votes and forecasts from another server’s file and never scores them as members’ own', async () => {
    const { g, data } = await sourceExport();
    const h = newGuildId();
    await importLedger(ctxFor(h), { raw: JSON.stringify(data) });
    const stored = await database.db.select().from(forecasts).where(eq(forecasts.guildId, h));
    expect(stored.map((f) => [f.userId, f.importedFrom])).toEqual([[BOB.id, `export:${g}`]]);
    expect((await database.db.select().from(votes).where(eq(votes.guildId, h))).every((v) => v.importedFrom === `export:${g}`)).toBe(true);
    expect(await loadScores(ctxFor(h))).toEqual([]);
    const [claim] = await database.db.select().from(claims).where(eq(claims.guildId, h));
    expect(claim).toMatchObject({ addedBy: MANAGER.id, resolvedBy: MANAGER.id });
  });

  it('a forged file claiming to be this server’s own export is still marked imported', async () => {
    const { data } = await sourceExport();
    const h = newGuildId();
    // Fabricated, backdated forecasts: the manager writes the target server's id into the file.
    const forged = {
      ...data,
      guildId: h,
      claims: data.claims.map((c) => ({ ...c, forecasts: [{ userId: ALICE.id, probability: 100, createdAt: '2025-01-01T00:00:00.000Z' }] })),
    };
    for (const file of [forged, { ...forged, signature: null }]) {
      const k = newGuildId();
      await importLedger(ctxFor(k), { raw: JSON.stringify({ ...file, guildId: k }) });
      expect(await loadScores(ctxFor(k))).toEqual([]);
      const board = await leaderboard(ctxFor(k));
      expect([...board.ranked, ...board.unranked]).toEqual([]);
    }
  });

  it('restores this server’s own signed export as members’ own forecasts', async () => {
    const { g, data } = await sourceExport();
    const before = await loadScores(ctxFor(g));
    expect(before).toHaveLength(1);
    // The server lost its ledger (but keeps its settings row, and with it the export key).
    await database.db.delete(forecasts).where(eq(forecasts.guildId, g));
    await database.db.delete(votes).where(eq(votes.guildId, g));
    await database.db.delete(auditLog).where(eq(auditLog.guildId, g)); // the audit names the claims
    await database.db.delete(claims).where(eq(claims.guildId, g));
    await importLedger(ctxFor(g), { raw: JSON.stringify(data) });
    expect(await database.db.select().from(forecasts).where(and(eq(forecasts.guildId, g), isNotNull(forecasts.importedFrom)))).toEqual([]);
    expect((await loadScores(ctxFor(g))).map((s) => [s.userId, s.brier])).toEqual(before.map((s) => [s.userId, s.brier]));
  });

  it('imports 10,000 votes in one file (chunked under PostgreSQL’s parameter limit)', async () => {
    const { data } = await sourceExport();
    const claim = data.claims[0]!;
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      userId: `92${String(i).padStart(16, '0')}`,
      round: 1,
      verdict: 'came_true' as const,
      evidence: null,
      castAt: '2026-01-12T00:00:00.000Z',
    }));
    const h = newGuildId();
    const result = await importLedger(ctxFor(h), { raw: JSON.stringify({ ...data, claims: [{ ...claim, votes: many }] }) });
    expect(result.added).toBe(1);
    expect(await database.db.$count(votes, eq(votes.guildId, h))).toBe(10_000);
  });

  it('bounds round to the integer column (1..2147483647) with a clear error, writing nothing', async () => {
    const { data } = await sourceExport();
    const claim = data.claims[0]!;
    for (const bad of [{ ...claim, round: 2_147_483_648 }, { ...claim, round: 0 }, { ...claim, votes: [{ ...claim.votes[0]!, round: 99_999_999_999 }] }]) {
      const h = newGuildId();
      await expectLedgerError(importLedger(ctxFor(h), { raw: JSON.stringify({ ...data, claims: [bad] }) }), 'invalid_input', /round: must be (at most 2147483647|at least 1)/);
      expect(await database.db.$count(claims, eq(claims.guildId, h))).toBe(0);
    }
  });

  it('accepts a file that starts with a UTF-8 byte order mark', async () => {
    const { data } = await sourceExport();
    const h = newGuildId();
    const bom = new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(data))]));
    expect(bom.charCodeAt(0)).toBe(0xfeff);
    expect((await importLedger(ctxFor(h), { raw: bom })).added).toBe(1);
  });
});
