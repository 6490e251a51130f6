/** What members of prediction trackers expect (issue 24, beyond the list): search, the crowd's forecast, /predict mine. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecasts } from '../../src/db/schema.js';
import { addClaim, castVote, claimDetail, listClaims, resolveClaim, setForecast } from '../../src/ledger/index.js';
import { cardData, crowdForecast } from '../../src/ledger/claim-queries.js';
import { myClaims } from '../../src/ledger/leaderboard.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor } from '../support/ledger-ctx.js';

let database: TestDatabase;
const NOW = new Date('2026-11-27T12:00:00Z');
const clock = { now: NOW };
const MANAGER = { id: '900000000000000001', isManager: true };
const ALICE = { id: '900000000000000002', isManager: false };
const BOB = { id: '900000000000000003', isManager: false };
const CAROL = { id: '900000000000000004', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('/predict list query:', () => {
  it('finds words in the claim, the quote or the speaker, with wildcards taken literally, combined with status and paging', async () => {
    const g = newGuildId();
    await addClaim(ctxFor(g, ALICE), { claim: 'Talks start in Istanbul', checkBy: '2027-01-15', speaker: 'A Kremlin official' });
    await addClaim(ctxFor(g, ALICE), { claim: 'An envoy is named', checkBy: '2027-01-15', quote: 'We will send an ambassador to Washington soon' });
    await addClaim(ctxFor(g, ALICE), { claim: 'Growth hits 100% by spring', checkBy: '2027-01-15', speaker: 'Ryabkov' });
    await addClaim(ctxFor(g, ALICE), { claim: 'Growth hits 1000 by spring', checkBy: '2026-11-28', speaker: 'ryabkov' });
    const numbers = async (filter: Parameters<typeof listClaims>[1]) => (await listClaims(ctxFor(g, BOB), filter)).items.map((c) => c.number);
    expect(await numbers({ query: 'istanbul' })).toEqual([1]);
    expect(await numbers({ query: 'WASHINGTON' })).toEqual([2]);
    expect(await numbers({ query: 'kremlin' })).toEqual([1]);
    expect(await numbers({ query: 'RYABKOV' })).toEqual([3, 4]);
    // "%" and "_" are matched as typed, not as wildcards.
    expect(await numbers({ query: '100%' })).toEqual([3]);
    expect(await numbers({ query: '%' })).toEqual([3]);
    expect(await numbers({ query: '_' })).toEqual([]);
    // Every word must match somewhere.
    expect(await numbers({ query: 'growth ryabkov' })).toEqual([3, 4]);
    expect(await numbers({ query: 'growth kremlin' })).toEqual([]);
    // With a status filter: claim 4 is due after a day.
    clock.now = new Date('2026-11-29T12:00:00Z');
    try {
      expect(await numbers({ query: 'growth', status: 'due' })).toEqual([4]);
      expect(await numbers({ query: 'growth', status: 'open' })).toEqual([3]);
    } finally {
      clock.now = NOW;
    }
    const paged = await listClaims(ctxFor(g, BOB), { query: 'growth', pageSize: 1, page: 2 });
    expect([paged.total, paged.pages, paged.page, paged.items.map((c) => c.number)]).toEqual([2, 2, 2, [4]]);
  });
});

describe('the crowd forecast', () => {
  it('is the median of each member’s last forecast before the check date, and shows only after it or to a forecaster', async () => {
    const g = newGuildId();
    const c = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-12-10' });
    expect(await crowdForecast(ctxFor(g), c.id)).toEqual({ median: null, count: 0 });
    await setForecast(ctxFor(g, ALICE), c.number, 90);
    await setForecast(ctxFor(g, ALICE), c.number, 20); // the last one counts
    await setForecast(ctxFor(g, BOB), c.number, 40);
    expect(await crowdForecast(ctxFor(g), c.id)).toEqual({ median: 30, count: 2 });
    await setForecast(ctxFor(g, CAROL), c.number, 75);
    expect(await crowdForecast(ctxFor(g), c.id)).toEqual({ median: 40, count: 3 });
    // A forecast stored after the check date (an import or clock skew) does not count.
    await database.db.insert(forecasts).values({ guildId: g, claimId: c.id, userId: BOB.id, probability: 99, createdAt: new Date('2026-12-20T00:00:00Z') });
    expect(await crowdForecast(ctxFor(g), c.id)).toEqual({ median: 40, count: 3 });
    // Another server's ledger is never read.
    expect(await crowdForecast(ctxFor(newGuildId()), c.id)).toEqual({ median: null, count: 0 });

    // Before the check date: hidden from the public card and from a member who has not forecast.
    expect((await cardData(ctxFor(g), c.id, NOW))!.crowd).toBeNull();
    expect((await claimDetail(ctxFor(g, MANAGER), c.number)).crowd).toBeNull();
    expect((await claimDetail(ctxFor(g, BOB), c.number)).crowd).toEqual({ median: 40, count: 3 });
    // After it: on the public card for everyone.
    const later = new Date('2026-12-12T00:00:00Z');
    expect((await cardData(ctxFor(g), c.id, later))!.crowd).toEqual({ median: 40, count: 3 });
    expect((await claimDetail(ctxFor(g, MANAGER, later), c.number)).crowd).toEqual({ median: 40, count: 3 });
  });
});

describe('/predict mine', () => {
  it('lists my forecasts and votes, open and resolved, newest first and paged, with my score so far', async () => {
    const g = newGuildId();
    const a = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-12-01' });
    const b = await addClaim(ctxFor(g, ALICE), { claim: 'An envoy is named', checkBy: '2027-06-01' });
    const c = await addClaim(ctxFor(g, ALICE), { claim: 'Not mine', checkBy: '2027-06-01' });
    await setForecast(ctxFor(g, BOB), a.number, 80);
    await setForecast(ctxFor(g, BOB), b.number, 30);
    await setForecast(ctxFor(g, CAROL), c.number, 50);
    const voteAt = new Date('2026-12-02T00:00:00Z');
    await castVote(ctxFor(g, BOB, voteAt), { claim: a.number, verdict: 'came_true', castAt: voteAt });
    await resolveClaim(ctxFor(g, MANAGER, voteAt), a.number, 'came_true');

    const mine = await myClaims(ctxFor(g), BOB.id);
    expect(mine.total).toBe(2);
    expect(mine.items.map((i) => [i.number, i.status, i.forecast, i.vote])).toEqual([
      [b.number, 'open', 30, null],
      [a.number, 'resolved', 80, 'came_true'],
    ]);
    expect(mine.items[1]!.brier).toBeCloseTo(0.04, 6);
    expect(mine.items[0]!.brier).toBeNull();
    expect(mine.score).toMatchObject({ claims: 1 });
    expect(mine.score!.brier).toBeCloseTo(0.04, 6);

    const page2 = await myClaims(ctxFor(g), BOB.id, { page: 2, pageSize: 1 });
    expect([page2.page, page2.pages, page2.items.map((i) => i.number)]).toEqual([2, 2, [a.number]]);
    // Nothing of another member or another server.
    expect((await myClaims(ctxFor(g), ALICE.id)).items).toEqual([]);
    expect((await myClaims(ctxFor(newGuildId()), BOB.id)).total).toBe(0);
  });
});
