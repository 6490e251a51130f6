import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { and, count, eq } from 'drizzle-orm';
import { auditLog, claims, forecasts, votes } from '../../src/db/schema.js';
import {
  bundledPacks,
  castVote,
  claimDetail,
  importLedger,
  LedgerError,
  listClaims,
  resolveClaim,
  setForecast,
} from '../../src/ledger/index.js';
import { outcomesOverTime, searchSpeakers, speakerRecords } from '../../src/ledger/leaderboard.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor } from '../support/ledger-ctx.js';

/**
 * Re-importing a pack whose claims were corrected (`/predict import pack`): a server that imported
 * the pack as first shipped gets the corrected claims, keeps every vote and forecast, and a
 * resolved claim keeps its resolution. Each changed claim gets one audited edit.
 */

let database: TestDatabase;
const clock = { now: new Date('2024-11-10T12:00:00Z') };
const MANAGER = { id: '900000000000000001', isManager: true };
const ALICE = { id: '900000000000000002', isManager: false };
const BOB = { id: '900000000000000003', isManager: false };
const CAROL = { id: '900000000000000004', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

const FIRST_SHIPPED = readFileSync(new URL('../fixtures/packs/vpost-2024-11-06-as-first-shipped.json', import.meta.url), 'utf8');
const pack = bundledPacks().find((p) => p.id === 'vpost-2024-11-06')!;
const corrected = (key: string) => pack.claims.find((c) => c.key === key)!;

async function rows(table: typeof votes | typeof forecasts | typeof claims, guildId: string) {
  const [row] = await database.db.select({ n: count() }).from(table).where(eq(table.guildId, guildId));
  return Number(row!.n);
}
const edits = (guildId: string) =>
  database.db.select().from(auditLog).where(and(eq(auditLog.guildId, guildId), eq(auditLog.action, 'claim.edit')));

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('re-importing the corrected article pack', () => {
  it('updates the claims a server already has, adds the new ones, keeps votes, forecasts and resolutions', async () => {
    const g = newGuildId();
    clock.now = new Date('2024-11-10T12:00:00Z');
    const first = await importLedger(ctxFor(g), { raw: FIRST_SHIPPED });
    expect(first).toMatchObject({ added: 17, updated: 0 });
    // #5 consultations, #11 ambassador, #3 US-proposed talks, #14 radical shift, #10 some contact.
    await setForecast(ctxFor(g, ALICE), 5, 70);
    await setForecast(ctxFor(g, BOB), 11, 30);
    clock.now = new Date('2026-11-27T12:00:00Z');
    for (const who of [ALICE, BOB, CAROL]) {
      await castVote(ctxFor(g, who), { claim: 5, verdict: 'partly' });
      await castVote(ctxFor(g, who), { claim: 3, verdict: 'came_true' });
    }
    await resolveClaim(ctxFor(g), 10, 'came_true', 'by hand');
    const before = await claimDetail(ctxFor(g, ALICE), 10);
    const votesBefore = await rows(votes, g);
    const forecastsBefore = await rows(forecasts, g);
    expect(votesBefore).toBe(6);

    clock.now = new Date('2026-11-28T09:00:00Z');
    const again = await importLedger(ctxFor(g), { packId: pack.id });
    // Two new claims and the event the consultations forecast now hangs on (src/ledger/conditions.ts).
    expect(again).toMatchObject({ added: 3, updated: 17, skipped: 0, numbers: [18, 19, 20] });
    expect(await rows(claims, g)).toBe(20);
    expect(await rows(votes, g)).toBe(votesBefore);
    expect(await rows(forecasts, g)).toBe(forecastsBefore);

    const talks = await claimDetail(ctxFor(g, ALICE), 5);
    const want = corrected('us-russia-consultations-after-trump-forms-team');
    expect(talks.claim).toMatchObject({ text: want.claim, quote: want.quote, criteria: want.criteria, family: 'negotiations', hedge: 'even-chance', checkByNote: want.checkByNote, checkBy: '2025-04-30' });
    expect(talks.myVote).toBe('partly');
    expect(talks.myForecast).toBe(70);
    expect(talks.votesCast).toBe(3);
    // The voting window already under way is not restarted.
    expect(talks.claim.windowStartsAt.toISOString()).toBe('2025-05-01T00:00:00.000Z');
    // It now waits on its condition (the pack's event), in the same round: its votes count when the event comes true.
    expect(talks.claim).toMatchObject({ status: 'waiting', round: 1 });
    expect(talks.condition).toMatchObject({ number: 20, text: 'Trump takes office and forms his team.' });

    const resolved = await claimDetail(ctxFor(g, ALICE), 10);
    expect(resolved.claim).toMatchObject({ status: 'resolved', outcome: 'came_true', resolutionNote: 'by hand', text: corrected('some-us-russia-contact-restored').claim });
    expect(resolved.claim.resolvedAt).toEqual(before.claim.resolvedAt);

    // One audited edit per changed claim (and one for the condition #5 gained), saying where the change came from.
    const log = await edits(g);
    expect(log).toHaveLength(18);
    expect(new Set(log.map((e) => e.claimNumber)).size).toBe(17);
    expect(log.every((e) => e.actorId === MANAGER.id && e.detail.from === pack.name)).toBe(true);
    expect(Object.keys((log.find((e) => e.claimNumber === 5)!.detail.changes as object) ?? {})).toEqual(
      expect.arrayContaining(['text', 'quote', 'criteria', 'hedge', 'checkByNote', 'speaker']),
    );

    // The two people the article calls "another official" are two speakers now.
    const proposer = await claimDetail(ctxFor(g, ALICE), 3);
    const optimist = await claimDetail(ctxFor(g, ALICE), 14);
    expect(proposer.speaker).toBe('another official (on US-proposed talks)');
    expect(optimist.speaker).toBe('another official (hoping for normalisation)');
    expect(proposer.claim.speakerId).not.toBe(optimist.claim.speakerId);
    const records = await speakerRecords(ctxFor(g));
    expect(records.find((r) => r.name === 'another official (on US-proposed talks)')).toMatchObject({ made: 2 });
    expect(records.find((r) => r.name === 'another official (hoping for normalisation)')).toMatchObject({ made: 1 });
    expect(records.some((r) => r.name === 'another official')).toBe(false);
    // The speakers of the first import that no claim names any more are not offered.
    const offered = await searchSpeakers(ctxFor(g), 'another official');
    expect(offered.sort()).toEqual(['another official (hoping for normalisation)', 'another official (on US-proposed talks)']);
    const chart = await outcomesOverTime(ctxFor(g), { speaker: 'a Russian government official' });
    expect(chart.record.made).toBe(2);

    // The article's title note reaches the card; the families are the design's.
    expect(proposer.article?.titleNote).toBe(pack.article.titleNote);
    expect((await listClaims(ctxFor(g, ALICE), { family: 'front-line-goals' })).total).toBe(2);
    expect((await listClaims(ctxFor(g, ALICE), { family: 'ambassador-appointment' })).total).toBe(1);
    expect((await listClaims(ctxFor(g, ALICE), { speaker: 'another official' })).total).toBe(3);

    // Importing the same pack once more changes nothing and records nothing.
    const third = await importLedger(ctxFor(g), { packId: pack.id });
    expect(third).toMatchObject({ added: 0, updated: 0, skipped: 20 });
    expect(await edits(g)).toHaveLength(18);
  });

  it('moves a corrected check date without losing the votes, and never a resolved claim’s', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-11-27T12:00:00Z');
    const packOf = (checkBy: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        id: 'mini',
        name: 'Mini',
        article: { outlet: 'Paper', publishedOn: '2025-06-01' },
        claims: [
          { key: 'a', claim: 'A happens', madeOn: '2025-06-01', checkBy, ...extra },
          { key: 'b', claim: 'B happens', madeOn: '2025-06-01', checkBy: '2026-01-01' },
        ],
      });
    await importLedger(ctxFor(g), { raw: packOf('2026-01-01') });
    await castVote(ctxFor(g, ALICE), { claim: 1, verdict: 'did_not' });
    await resolveClaim(ctxFor(g), 2, 'partly');
    const opened = (await claimDetail(ctxFor(g, ALICE), 1)).claim;

    // Still in the past: the claim stays due and its window runs on.
    clock.now = new Date('2026-11-28T12:00:00Z');
    expect(await importLedger(ctxFor(g), { raw: packOf('2026-06-01', { checkByNote: 'mid-year' }) })).toMatchObject({ updated: 1, skipped: 1 });
    let a = await claimDetail(ctxFor(g, ALICE), 1);
    expect(a.claim).toMatchObject({ checkBy: '2026-06-01', checkByNote: 'mid-year' });
    expect(a.claim.windowStartsAt).toEqual(opened.windowStartsAt);
    expect(a.claim.votingClosesAt).toEqual(opened.votingClosesAt);
    expect(a.myVote).toBe('did_not');

    // In the future: no longer due; voting opens on the new date.
    expect(await importLedger(ctxFor(g), { raw: packOf('2027-06-01', { checkByNote: 'mid-year' }) })).toMatchObject({ updated: 1 });
    a = await claimDetail(ctxFor(g, ALICE), 1);
    expect(a.claim.checkBy).toBe('2027-06-01');
    expect(a.claim.windowStartsAt.toISOString()).toBe('2027-06-02T00:00:00.000Z');
    expect(a.phase).toBe('upcoming');
    expect(await rows(votes, g)).toBe(1);

    // A resolved claim keeps its dates and its outcome.
    const b = await claimDetail(ctxFor(g, ALICE), 2);
    expect(b.claim).toMatchObject({ status: 'resolved', outcome: 'partly', checkBy: '2026-01-01' });
  });

  it('refuses a corrected pack with a misspelt key and changes nothing', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-11-27T12:00:00Z');
    await importLedger(ctxFor(g), { packId: pack.id });
    const bad = JSON.parse(JSON.stringify(pack)) as { claims: Record<string, unknown>[] };
    bad.claims[0]!.checkby = '2030-01-01';
    bad.claims[0]!.claim = 'Changed';
    const error = await importLedger(ctxFor(g), { raw: JSON.stringify(bad) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).message).toMatch(/claims\.0.*checkby/);
    expect((await claimDetail(ctxFor(g, ALICE), 1)).claim.text).toBe(pack.claims[0]!.claim);
    expect(await edits(g)).toHaveLength(0);
  });
});
