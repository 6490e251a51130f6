/** What only a real PostgreSQL server can show: many connections racing on the same rows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { auditLog, claims, votes } from '../../src/db/schema.js';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { addClaim, castVote, closeExpiredWindows, importLedger, bundledPacks, type LedgerCtx } from '../../src/ledger/index.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { createDatabase } from '../support/pg-cluster.js';

let database: TestDatabase;
const member = (i: number) => ({ id: `8000000000000${String(i).padStart(5, '0')}`, isManager: false });
const MANAGER = { id: '900000000000000001', isManager: true };

beforeAll(async () => {
  database = await makeTestDb({ maxConnections: 40 });
});
afterAll(async () => {
  await database?.close();
});

async function dueClaim(guildId: string) {
  const ctx: LedgerCtx = { db: database.db, guildId, actor: member(0), now: () => new Date('2026-01-01T00:00:00Z') };
  const c = await addClaim(ctx, { claim: 'Contested', checkBy: '2026-01-05' });
  return { claim: c, at: (actor: { id: string; isManager: boolean }): LedgerCtx => ({ db: database.db, guildId, actor, now: () => new Date('2026-01-07T00:00:00Z') }) };
}

describe('on PostgreSQL, at once', () => {
  it('100 members voting on one claim store exactly 100 votes and exact tallies', async () => {
    const g = newGuildId();
    const { claim, at } = await dueClaim(g);
    const verdicts = ['came_true', 'partly', 'did_not', 'too_early'] as const;
    await Promise.all(Array.from({ length: 100 }, (_, i) => castVote(at(member(i)), { claim: claim.number, verdict: verdicts[i % 4]! })));
    const rows = await database.db
      .select({ verdict: votes.verdict, n: count() })
      .from(votes)
      .where(eq(votes.claimId, claim.id))
      .groupBy(votes.verdict);
    expect(Object.fromEntries(rows.map((r) => [r.verdict, Number(r.n)]))).toEqual({ came_true: 25, partly: 25, did_not: 25, too_early: 25 });
    const [audited] = await database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.claimId, claim.id), eq(auditLog.action, 'vote.cast')));
    expect(Number(audited!.n)).toBe(100);
  });

  it('one member clicking 50 times at once keeps one vote: the last click', async () => {
    const g = newGuildId();
    const { claim, at } = await dueClaim(g);
    const verdicts = ['came_true', 'partly', 'did_not', 'too_early'] as const;
    const base = Date.parse('2026-01-06T12:00:00Z');
    // Clicks 0..49, one millisecond apart; the 50th (index 49) is the last one made.
    const clicks = Array.from({ length: 50 }, (_, i) => ({ verdict: verdicts[(i * 7) % 4]!, castAt: new Date(base + i) }));
    // Sent in a scrambled order so arrival order differs from click order.
    const scrambled = [...clicks].sort(() => Math.random() - 0.5);
    await Promise.all(scrambled.map((c) => castVote(at(member(1)), { claim: claim.number, verdict: c.verdict, castAt: c.castAt })));
    const stored = await database.db.select().from(votes).where(eq(votes.claimId, claim.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.verdict).toBe(clicks[49]!.verdict);
    expect(stored[0]!.castAt.getTime()).toBe(clicks[49]!.castAt.getTime());
  });

  it('50 claims added at once in one server get numbers 1..50, each once; another server counts alone', async () => {
    const a = newGuildId();
    const b = newGuildId();
    const ctx = (guildId: string, i: number): LedgerCtx => ({ db: database.db, guildId, actor: member(i), now: () => new Date('2026-01-01T00:00:00Z') });
    const added = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => addClaim(ctx(a, i), { claim: `A${i}`, checkBy: 'in 1 year' })),
      ...Array.from({ length: 20 }, (_, i) => addClaim(ctx(b, i), { claim: `B${i}`, checkBy: 'in 1 year' })),
    ]);
    const numbers = (g: string) => added.filter((c) => c.guildId === g).map((c) => c.number).sort((x, y) => x - y);
    expect(numbers(a)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(numbers(b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('importing the pack from two places at once adds it once', async () => {
    const g = newGuildId();
    const ctx: LedgerCtx = { db: database.db, guildId: g, actor: MANAGER, now: () => new Date() };
    const pack = bundledPacks()[0]!;
    const results = await Promise.all([importLedger(ctx, { packId: pack.id }), importLedger(ctx, { packId: pack.id })]);
    expect(results.map((r) => r.added).sort()).toEqual([0, pack.claims.length + pack.events.length]);
    const [row] = await database.db.select({ n: count() }).from(claims).where(eq(claims.guildId, g));
    expect(Number(row!.n)).toBe(pack.claims.length + pack.events.length);
  });

  it('two sweepers closing windows at once decide each claim once', async () => {
    const g = newGuildId();
    const made: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { claim, at } = await dueClaim(g);
      made.push(claim.id);
      for (let v = 0; v < 3; v++) await castVote(at(member(v)), { claim: claim.number, verdict: 'came_true' });
    }
    const later = new Date('2026-02-01T00:00:00Z');
    const [x, y] = await Promise.all([closeExpiredWindows(database.db, later, 5), closeExpiredWindows(database.db, later, 5)]);
    const rest = await closeExpiredWindows(database.db, later, 100);
    const decided = [...x!, ...y!, ...rest].filter((d) => d.claim.guildId === g).map((d) => d.claim.id);
    expect(decided.sort()).toEqual(made.sort());
    const [resolves] = await database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.guildId, g), eq(auditLog.action, 'claim.resolve')));
    expect(Number(resolves!.n)).toBe(10);
  });

  it('several processes migrating one fresh database at once apply each migration exactly once', async () => {
    const url = await createDatabase(inject('pgAdminUrl'), `m_${randomBytes(6).toString('hex')}`);
    const opened = await Promise.all(Array.from({ length: 6 }, () => openDatabase({ databaseUrl: url, maxConnections: 1 })));
    try {
      await Promise.all(opened.map((d) => migrateDatabase(d, url)));
      const rows = await opened[0]!.db.execute(sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`);
      const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: unknown[] }).rows;
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((r) => (r as { n: number }).n === 1)).toBe(true);
    } finally {
      await Promise.all(opened.map((d) => d.close()));
    }
  });
});
