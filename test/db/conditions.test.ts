import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, claims, votes } from '../../src/db/schema.js';
import {
  addClaim,
  bundledPacks,
  castVote,
  claimDetail,
  deleteClaim,
  editClaim,
  exportCsv,
  exportLedger,
  importLedger,
  listClaims,
  reopenClaim,
  resolveClaim,
  setForecast,
} from '../../src/ledger/index.js';
import { leaderboard, loadScores, speakerRecords } from '../../src/ledger/leaderboard.js';
import { composeRound } from '../../src/jobs/rounds.js';
import { sweepOnce } from '../../src/jobs/closer.js';
import { createLogger } from '../../src/log.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { expectLedgerError, ledgerCtxFor } from '../support/ledger-ctx.js';

/**
 * Conditional claims in the ledger: waiting on a condition, void when it did not happen, dated
 * when it came true, back to waiting when it is reopened; chains in one transaction; scores,
 * import and export. The rules themselves: test/unit/conditions.test.ts.
 */

let database: TestDatabase;
const clock = { now: new Date('2026-01-10T12:00:00Z') };
const MANAGER = { id: '910000000000000001', isManager: true };
const ALICE = { id: '910000000000000002', isManager: false };
const BOB = { id: '910000000000000003', isManager: false };
const CAROL = { id: '910000000000000004', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);
const log = createLogger('silent');

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

const row = async (g: string, n: number) => (await claimDetail(ctxFor(g), n)).claim;
const auditOf = (g: string, n: number) =>
  database.db.select().from(auditLog).where(and(eq(auditLog.guildId, g), eq(auditLog.claimNumber, n))).orderBy(auditLog.id);

describe('a claim that hangs on a condition', () => {
  it('waits, cannot be voted on or scored by a manager, and resolves void (audited, with the reason) when its condition did not happen; a chain follows in the same transaction', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-10T12:00:00Z');
    const event = await addClaim(ctxFor(g, ALICE), { claim: 'Trump is inaugurated', checkBy: '2026-01-20' });
    const b = await addClaim(ctxFor(g, ALICE), { claim: 'Consultations start', checkBy: '2026-01-15', speaker: 'an official', condition: `#${event.number}` });
    const c = await addClaim(ctxFor(g, BOB), { claim: 'A summit follows', checkBy: '30 days after', speaker: 'a diplomat', condition: String(b.number) });
    expect(b.status).toBe('waiting');
    expect(c).toMatchObject({ status: 'waiting', conditionDays: 30, conditionClaimId: b.id });

    // Past B's own check date: still waiting (not due), so no vote and no round asks for it.
    clock.now = new Date('2026-01-17T12:00:00Z');
    await expectLedgerError(castVote(ctxFor(g, ALICE), { claim: b.number, verdict: 'came_true' }), 'closed', /waiting on its condition/);
    const round = await composeRound(ctxFor(g), null, clock.now, new Date('2026-01-01T00:00:00Z'));
    expect(round.newlyDue).toEqual([]);
    expect((await listClaims(ctxFor(g), { status: 'waiting' })).items.map((i) => [i.number, i.conditionNumber])).toEqual([
      [b.number, event.number],
      [c.number, b.number],
    ]);
    expect((await listClaims(ctxFor(g), { status: 'due' })).total).toBe(0);
    await expectLedgerError(resolveClaim(ctxFor(g), b.number, 'came_true'), 'conflict', /hangs on #1, which has not come true yet/);
    // Forecasts on a days-after claim stay open while its check date is unknown.
    await setForecast(ctxFor(g, CAROL), c.number, 40);
    // The event cannot be deleted while claims hang on it.
    await expectLedgerError(deleteClaim(ctxFor(g), event.number), 'invalid_input', /condition of #2/);

    clock.now = new Date('2026-01-22T12:00:00Z');
    await resolveClaim(ctxFor(g), event.number, 'did_not', 'postponed');
    const bAfter = await row(g, b.number);
    const cAfter = await row(g, c.number);
    expect(bAfter).toMatchObject({ status: 'resolved', outcome: 'void', resolvedBy: 'system', resolutionNote: 'Its condition #1 did not happen (resolved Did not).' });
    expect(cAfter).toMatchObject({ status: 'resolved', outcome: 'void', resolvedBy: 'system', resolutionNote: 'Its condition #2 did not happen (resolved Void (cannot be judged)).' });
    const [voided] = (await auditOf(g, b.number)).filter((e) => e.action === 'claim.resolve');
    expect(voided).toMatchObject({ actorId: 'system', detail: expect.objectContaining({ by: 'condition', condition: event.number, conditionOutcome: 'did_not', outcome: 'void' }) });
    // The card says why.
    const card = await claimDetail(ctxFor(g, ALICE), b.number);
    expect(card.condition).toMatchObject({ number: event.number, status: 'resolved', outcome: 'did_not' });
    // Void: never scored.
    expect((await loadScores(ctxFor(g))).length).toBe(0);

    // Reopening the event: both follow back to waiting; a reopened dependent whose condition failed is refused.
    await reopenClaim(ctxFor(g), event.number);
    expect(await row(g, b.number)).toMatchObject({ status: 'waiting', outcome: null, round: 2 });
    expect(await row(g, c.number)).toMatchObject({ status: 'waiting', outcome: null, round: 2 });
    await expectLedgerError(reopenClaim(ctxFor(g), b.number), 'conflict', /already waiting/);
  });

  it('opens when its condition came true by the vote (the closer), dated N days after; reopening the condition puts it back to waiting with its votes kept in history', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-03-01T12:00:00Z');
    const event = await addClaim(ctxFor(g, ALICE), { claim: 'The ceasefire is signed', checkBy: '2026-03-05' });
    const dep = await addClaim(ctxFor(g, ALICE), { claim: 'Trade resumes', checkBy: '10 days after', speaker: 'Anna', condition: `#${event.number}` });
    await setForecast(ctxFor(g, BOB), dep.number, 80);
    clock.now = new Date('2026-03-06T12:00:00Z');
    for (const who of [ALICE, BOB, CAROL]) await castVote(ctxFor(g, who), { claim: event.number, verdict: 'came_true' });
    // The window closes (7 days): the closer resolves the event and the dependent follows in the same transaction.
    clock.now = new Date('2026-03-13T00:00:01Z');
    const decided = await sweepOnce(database.db, clock.now, log, 200, g);
    expect(decided.map((d) => d.claim.number)).toEqual([event.number]);
    expect(decided[0]!.followed?.map((f) => f.number)).toEqual([dep.number]);
    const opened = await row(g, dep.number);
    expect(opened).toMatchObject({ status: 'open', checkBy: '2026-03-23', round: 1 });
    expect(opened.dueAt.toISOString()).toBe('2026-03-24T00:00:00.000Z');

    clock.now = new Date('2026-03-24T12:00:00Z');
    for (const who of [ALICE, BOB, CAROL]) await castVote(ctxFor(g, who), { claim: dep.number, verdict: 'came_true' });
    clock.now = new Date('2026-03-31T00:00:01Z');
    await sweepOnce(database.db, clock.now, log, 200, g);
    expect(await row(g, dep.number)).toMatchObject({ status: 'resolved', outcome: 'came_true' });
    // Scored: its condition held.
    expect((await loadScores(ctxFor(g))).map((s) => [s.number, s.userId])).toEqual([[dep.number, BOB.id]]);
    expect((await speakerRecords(ctxFor(g))).find((r) => r.name === 'Anna')).toMatchObject({ made: 1, cameTrue: 1, conditional: 1, conditionsHeld: 1 });

    // The event is reopened: the dependent goes back to waiting in a new round; the old round's votes stay.
    await reopenClaim(ctxFor(g), event.number, 'signature disputed');
    expect(await row(g, dep.number)).toMatchObject({ status: 'waiting', round: 2, outcome: null });
    const kept = await database.db.select().from(votes).where(and(eq(votes.guildId, g), eq(votes.claimId, dep.id)));
    expect(kept.map((v) => v.round)).toEqual([1, 1, 1]);
    // Not scored any more, and the speaker's record says its condition no longer holds.
    expect(await loadScores(ctxFor(g))).toEqual([]);
    expect((await leaderboard(ctxFor(g))).unranked).toEqual([]);
    expect((await speakerRecords(ctxFor(g))).find((r) => r.name === 'Anna')).toMatchObject({ made: 0, conditional: 1, conditionsHeld: 0 });
  });

  it('a manager override of the condition: did not → came true reopens the system-voided dependent in a new round', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-05-01T12:00:00Z');
    const event = await addClaim(ctxFor(g, ALICE), { claim: 'The treaty is ratified', checkBy: '2026-05-02' });
    const dep = await addClaim(ctxFor(g, ALICE), { claim: 'Tariffs fall', checkBy: '2026-06-30', condition: `#${event.number}` });
    clock.now = new Date('2026-05-04T12:00:00Z');
    await resolveClaim(ctxFor(g), event.number, 'did_not');
    expect(await row(g, dep.number)).toMatchObject({ status: 'resolved', outcome: 'void' });
    await expectLedgerError(resolveClaim(ctxFor(g), dep.number, 'came_true'), 'conflict', /did not happen/);
    await expectLedgerError(reopenClaim(ctxFor(g), dep.number), 'conflict', /stays void/);
    await resolveClaim(ctxFor(g), event.number, 'came_true', 'it was ratified after all');
    expect(await row(g, dep.number)).toMatchObject({ status: 'open', outcome: null, checkBy: '2026-06-30', round: 2 });
    // A claim added on a condition that already came true opens at once, its date counted from then.
    const later = await addClaim(ctxFor(g, ALICE), { claim: 'Investment rises', checkBy: '30 days after', condition: `#${event.number}` });
    expect(later).toMatchObject({ status: 'open', checkBy: '2026-06-03' });
  });

  it('refuses a days-after check date without a condition, and an unknown condition', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-05-01T12:00:00Z');
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'X', checkBy: '90 days after' }), 'invalid_input', /counts from a condition/);
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'X', checkBy: '2026-06-01', condition: '#42' }), 'not_found', /no claim #42/);
    expect((await listClaims(ctxFor(g))).total).toBe(0);
  });
});

describe('conditions through export and import', () => {
  it('carry over (JSON and a CSV column), in order, and a file whose conditions loop is refused', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-07-01T12:00:00Z');
    const event = await addClaim(ctxFor(g), { claim: 'Elections are held', checkBy: '2026-09-01' });
    const dep = await addClaim(ctxFor(g), { claim: 'The opposition wins', checkBy: '14 days after', speaker: 'Ole', condition: `#${event.number}` });
    const data = await exportLedger(ctxFor(g), { memberData: true, now: clock.now });
    expect(data.claims.find((c) => c.number === dep.number)).toMatchObject({ condition: `${g}#${event.number}`, conditionDays: 14 });
    const csv = exportCsv(data).split('\r\n');
    const header = csv[0]!.split(',');
    expect(csv[2]!.split(',')[header.indexOf('condition')]).toBe(`#${event.number}`);
    expect(csv[2]!.split(',')[header.indexOf('condition_days')]).toBe('14');

    const h = newGuildId();
    // Dependent listed first: linked after its condition anyway.
    const raw = JSON.stringify({ ...data, signature: null, claims: [...data.claims].reverse() });
    const result = await importLedger(ctxFor(h), { raw });
    expect(result.added).toBe(2);
    const imported = (await listClaims(ctxFor(h), { status: 'waiting' })).items;
    expect(imported).toHaveLength(1);
    expect(imported[0]!.text).toBe('The opposition wins');
    const copy = await claimDetail(ctxFor(h), imported[0]!.number);
    expect(copy.claim.conditionDays).toBe(14);
    expect(copy.condition?.text).toBe('Elections are held');

    const loop = JSON.stringify({
      ...data,
      signature: null,
      claims: data.claims.map((c) => ({ ...c, key: `k${c.number}`, condition: `k${c.number === 1 ? 2 : 1}`, conditionDays: null })),
    });
    await expectLedgerError(importLedger(ctxFor(newGuildId()), { raw: loop }), 'invalid_input', /loop/);
  });

  it('the article pack: the consultations forecast waits on its event, created once; re-import adds nothing and keeps votes', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-11-27T12:00:00Z');
    const pack = bundledPacks().find((p) => p.id === 'vpost-2024-11-06')!;
    const first = await importLedger(ctxFor(g), { packId: pack.id });
    expect(first.added).toBe(pack.claims.length + pack.events.length);
    const talks = await claimDetail(ctxFor(g), 5);
    expect(talks.claim).toMatchObject({ sourceKey: `${pack.id}/us-russia-consultations-after-trump-forms-team`, status: 'waiting' });
    expect(talks.condition).toMatchObject({ text: 'Trump takes office and forms his team.', status: 'open' });
    const event = (await listClaims(ctxFor(g), { status: 'due', pageSize: 25 })).items.find((i) => i.text === talks.condition!.text)!;
    expect(event.speaker).toBeNull();
    for (const who of [ALICE, BOB]) await castVote(ctxFor(g, who), { claim: event.number, verdict: 'came_true' });

    const again = await importLedger(ctxFor(g), { packId: pack.id });
    expect(again).toMatchObject({ added: 0, updated: 0 });
    // One event row, however often the pack is imported.
    const events = await database.db.select().from(claims).where(and(eq(claims.guildId, g), eq(claims.sourceKey, `${pack.id}/trump-takes-office-and-forms-team`)));
    expect(events).toHaveLength(1);
    expect((await claimDetail(ctxFor(g), event.number)).votesCast).toBe(2);
    // The event comes true: the consultations forecast opens for voting.
    await resolveClaim(ctxFor(g), event.number, 'came_true');
    expect((await claimDetail(ctxFor(g), 5)).claim.status).toBe('open');
    expect(await database.db.select().from(claims).where(and(eq(claims.guildId, g), eq(claims.status, 'waiting')))).toEqual([]);
  });
});

describe('/predict edit and a condition', () => {
  it('hangs a claim on a condition (it waits), drops it again (it opens on its date), and audits both with the numbers', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-10T12:00:00Z');
    const event = await addClaim(ctxFor(g, ALICE), { claim: 'The treaty is signed', checkBy: '2026-03-01' });
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'Trade doubles', checkBy: '2026-06-01', speaker: 'a minister' });
    expect(claim.status).toBe('open');

    const hung = await editClaim(ctxFor(g, ALICE), claim.number, { condition: `#${event.number}`, checkBy: '90 days after' });
    expect(hung).toMatchObject({ status: 'waiting', conditionClaimId: event.id, conditionDays: 90 });
    expect(hung.changes).toMatchObject({ condition: { from: null, to: event.number }, conditionDays: { from: null, to: 90 } });

    const dropped = await editClaim(ctxFor(g, ALICE), claim.number, { condition: 'none', checkBy: '2026-07-01' });
    expect(dropped).toMatchObject({ status: 'open', conditionClaimId: null, conditionDays: null, checkBy: '2026-07-01' });
    expect(dropped.changes).toMatchObject({ condition: { from: event.number, to: null } });
    const edits = (await auditOf(g, claim.number)).filter((a) => a.action === 'claim.edit').map((a) => (a.detail as { changes: Record<string, unknown> }).changes);
    expect(edits).toEqual([
      expect.objectContaining({ condition: { from: null, to: event.number } }),
      expect.objectContaining({ condition: { from: event.number, to: null } }),
    ]);
  });

  it('refuses a cycle, a claim on itself, "N days after" without a condition and a condition that did not happen, changing nothing', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-10T12:00:00Z');
    const a = await addClaim(ctxFor(g, ALICE), { claim: 'A happens', checkBy: '2026-03-01' });
    const b = await addClaim(ctxFor(g, ALICE), { claim: 'B follows', checkBy: '30 days after', speaker: 'x', condition: String(a.number) });
    const before = await row(g, a.number);
    await expectLedgerError(editClaim(ctxFor(g, ALICE), a.number, { condition: String(b.number) }), 'invalid_input', /cannot hang on #\d+: #\d+ already hangs on/);
    await expectLedgerError(editClaim(ctxFor(g, ALICE), a.number, { condition: String(a.number) }), 'invalid_input', /cannot hang on itself/);
    await expectLedgerError(editClaim(ctxFor(g, ALICE), a.number, { checkBy: '30 days after' }), 'invalid_input', /counts from a condition/);
    await expectLedgerError(editClaim(ctxFor(g, ALICE), b.number, { condition: 'none', checkBy: '30 days after' }), 'invalid_input', /counts from a condition/);
    const failed = await addClaim(ctxFor(g, ALICE), { claim: 'Never', checkBy: '2026-01-11' });
    await resolveClaim(ctxFor(g), failed.number, 'did_not');
    await expectLedgerError(editClaim(ctxFor(g, ALICE), a.number, { condition: String(failed.number) }), 'invalid_input', /already did not happen/);
    expect(await row(g, a.number)).toEqual(before);
  });

  it('opens at once, dated from then, when hung on a condition that already came true', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-10T12:00:00Z');
    const event = await addClaim(ctxFor(g, ALICE), { claim: 'The summit takes place', checkBy: '2026-01-11' });
    await resolveClaim(ctxFor(g), event.number, 'came_true');
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'A deal within a month', checkBy: '2026-09-01', speaker: 'an envoy' });
    const edited = await editClaim(ctxFor(g, ALICE), claim.number, { condition: String(event.number), checkBy: '30 days after' });
    expect(edited.status).toBe('open');
    expect(edited.conditionClaimId).toBe(event.id);
    expect(edited.checkBy).toBe('2026-02-09');
  });
});
