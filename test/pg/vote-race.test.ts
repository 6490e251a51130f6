/**
 * Finding 6: a vote racing a resolution. castVote locks the claim row (FOR KEY SHARE), and every
 * transition takes FOR UPDATE first, so a vote either lands before the transition reads the
 * tally or waits and is refused: it never commits into a closed round while the member is told
 * "You voted".
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, claims, votes } from '../../src/db/schema.js';
import { addClaim, castVote, closeVoting, reopenClaim, resolveClaim, type LedgerCtx } from '../../src/ledger/index.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
const member = (i: number) => ({ id: `8100000000000${String(i).padStart(5, '0')}`, isManager: false });
const MANAGER = { id: '900000000000000001', isManager: true };
const NOW = new Date('2026-01-07T00:00:00Z');

beforeAll(async () => {
  database = await makeTestDb({ maxConnections: 12 });
});
afterAll(async () => {
  await database?.close();
});

async function dueClaim(guildId: string) {
  const claim = await addClaim({ db: database.db, guildId, actor: member(0), now: () => new Date('2026-01-01T00:00:00Z') }, { claim: 'Contested', checkBy: '2026-01-05' });
  const at = (actor: { id: string; isManager: boolean }): LedgerCtx => ({ db: database.db, guildId, actor, now: () => NOW });
  return { claim, at };
}

/** Resolves once another session of this database waits on a lock (one the test's transaction holds): no guess at how long that takes. */
const lockWaiter = () =>
  vi.waitFor(
    async () => {
      const rows = (await database.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)) as unknown as { n: number }[];
      expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
    },
    { timeout: 20_000, interval: 20 },
  );

const roundVotes = async (claimId: number, round: number) =>
  database.db.select().from(votes).where(and(eq(votes.claimId, claimId), eq(votes.round, round)));

describe('a vote racing a resolution (PostgreSQL)', () => {
  it('a vote arriving while a transition holds the claim waits for it, then is refused and stores nothing', async () => {
    const g = newGuildId();
    const { claim, at } = await dueClaim(g);
    let vote: Promise<unknown> | undefined;
    let settledEarly = false;
    await database.db.transaction(async (tx) => {
      // What the closer, /resolve, /reopen and a postponement take first.
      await tx.execute(sql`select id from claims where id = ${claim.id} for update`);
      vote = castVote(at(member(1)), { claim: claim.number, verdict: 'came_true' }).finally(() => {
        settledEarly = true;
      });
      vote.catch(() => {});
      await lockWaiter();
      // The vote has not gone through: it waits for the transition.
      expect(settledEarly).toBe(false);
      await tx.update(claims).set({ status: 'resolved', outcome: 'did_not' }).where(eq(claims.id, claim.id));
    });
    await expect(vote).rejects.toThrow(/already resolved/);
    await expect(vote).rejects.toBeInstanceOf(LedgerError);
    expect(await roundVotes(claim.id, 1)).toHaveLength(0);
    const audited = await database.db.select().from(auditLog).where(and(eq(auditLog.claimId, claim.id), eq(auditLog.action, 'vote.cast')));
    expect(audited).toHaveLength(0);
  });

  it('a transition started while a vote holds the claim waits for the vote and counts it', async () => {
    const g = newGuildId();
    const { claim, at } = await dueClaim(g);
    // Three votes make quorum once the vote held below lands.
    for (const i of [1, 2]) await castVote(at(member(i)), { claim: claim.number, verdict: 'came_true' });
    let closed: Promise<Awaited<ReturnType<typeof closeVoting>>> | undefined;
    await database.db.transaction(async (tx) => {
      // The vote's own lock, held open: the closer must wait for it.
      await tx.execute(sql`select id from claims where id = ${claim.id} for key share`);
      await tx.insert(votes).values({ guildId: g, claimId: claim.id, round: 1, userId: member(3).id, verdict: 'came_true', castAt: NOW });
      closed = closeVoting(at(MANAGER), claim.number);
      // The closer is at the claim's lock before the vote commits.
      await lockWaiter();
    });
    const decided = await closed!;
    expect(decided.tally.came_true).toBe(3);
    expect(decided.kind).toBe('resolve');
  });

  it('votes racing /resolve and /reopen: every vote told "You voted" is stored in a round that was open, and each resolution counted exactly the votes of its round', async () => {
    const g = newGuildId();
    const { claim, at } = await dueClaim(g);
    const verdicts = ['came_true', 'partly', 'did_not', 'too_early'] as const;
    const outcomes: { member: number; ok: boolean; round?: number }[] = [];
    const voters = Array.from({ length: 80 }, (_, i) =>
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, (i % 40) * 3));
        try {
          const r = await castVote(at(member(100 + i)), { claim: claim.number, verdict: verdicts[i % 4]! });
          outcomes.push({ member: 100 + i, ok: true, round: r.claim.round });
        } catch (error) {
          if (!(error instanceof LedgerError)) throw error;
          outcomes.push({ member: 100 + i, ok: false });
        }
      })(),
    );
    const managers = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await resolveClaim(at(MANAGER), claim.number, 'partly');
      await new Promise((resolve) => setTimeout(resolve, 25));
      await reopenClaim(at(MANAGER), claim.number);
      await new Promise((resolve) => setTimeout(resolve, 25));
      await resolveClaim(at(MANAGER), claim.number, 'did_not');
    })();
    await Promise.all([...voters, managers]);
    // Votes that arrive after the last resolution, whatever the machine's speed: each must be refused.
    for (const i of [900, 901, 902]) {
      await castVote(at(member(i)), { claim: claim.number, verdict: 'came_true' }).then(
        (r) => outcomes.push({ member: i, ok: true, round: r.claim.round }),
        (error: unknown) => {
          if (!(error instanceof LedgerError)) throw error;
          outcomes.push({ member: i, ok: false });
        },
      );
    }
    const stored = await database.db.select().from(votes).where(eq(votes.claimId, claim.id));
    const storedBy = new Map(stored.map((v) => [v.userId, v]));
    for (const o of outcomes) {
      const row = storedBy.get(member(o.member).id);
      if (o.ok) {
        expect(row, `vote of member ${o.member} was confirmed`).toBeDefined();
        expect(row!.round).toBe(o.round);
      } else {
        expect(row, `vote of member ${o.member} was refused`).toBeUndefined();
      }
    }
    // Each resolution's recorded tally is exactly what its round holds now: nothing landed after it.
    const resolutions = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.claimId, claim.id), eq(auditLog.action, 'claim.resolve')))
      .orderBy(auditLog.id);
    expect(resolutions).toHaveLength(2);
    for (const [index, r] of resolutions.entries()) {
      const round = index + 1;
      const inRound = stored.filter((v) => v.round === round);
      const tally = r.detail.tally as Record<string, number>;
      expect(Object.values(tally).reduce((a, b) => a + b, 0), `round ${round}`).toBe(inRound.length);
    }
    // Some votes went through and, after the last resolution, the late ones were refused.
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThan(0);
  });
});
