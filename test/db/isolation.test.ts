/**
 * Isolation held by the database itself (issue 15, finding 10): a row naming a claim, schedule,
 * speaker or article can only name one of its own server, whatever the code above does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase, type Database, type Db } from '../../src/db/client.js';
import { articles, auditLog, claims, forecasts, scheduleRuns, schedules, speakers, votes } from '../../src/db/schema.js';
import { addClaim, castVote, type LedgerCtx } from '../../src/ledger/index.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import { makeTestDb, newGuildId, testEngine, type TestDatabase } from '../support/test-db.js';
import { createDatabase } from '../support/pg-cluster.js';

let database: TestDatabase;
const MANAGER = { id: '900000000000000001', isManager: true };
const ctxFor = (db: Db, guildId: string, now: Date): LedgerCtx => ({ db, guildId, actor: MANAGER, now: () => now });

/** The SQLSTATE of a failed statement (drizzle wraps the driver's error as `cause`). */
async function sqlState(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    const e = error as { code?: unknown; cause?: { code?: unknown } };
    return String(e.cause?.code ?? e.code ?? 'no code');
  }
}
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Inserts a row naming only the columns given, in SQL: the database here is at an older
 * migration than src/db/schema.ts, whose later columns it does not have yet.
 */
async function insertOld(db: Db, table: string, row: Record<string, unknown>): Promise<{ id: number }> {
  const columns = Object.keys(row);
  const values = columns.map((c) => {
    const v = row[c];
    return sql`${v instanceof Date ? v.toISOString() : v}`;
  });
  const result = (await db.execute(
    sql`insert into ${sql.identifier(table)} (${sql.join(columns.map((c) => sql.identifier(c)), sql`, `)}) values (${sql.join(values, sql`, `)}) returning *`,
  )) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: number }[];
  return rows[0]!;
}

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe("a row naming another server's row is refused by the database", () => {
  it('votes, forecasts and audit entries naming a claim of another server', async () => {
    const [a, b] = [newGuildId(), newGuildId()];
    const now = new Date('2026-03-01T00:00:00Z');
    const victim = await addClaim(ctxFor(database.db, a, now), { claim: 'Server A only', checkBy: '2026-12-31', speaker: 'Someone' });
    const db = database.db;
    expect(await sqlState(db.insert(votes).values({ guildId: b, claimId: victim.id, round: 1, userId: '1', verdict: 'came_true', castAt: now }))).toBe(
      FOREIGN_KEY_VIOLATION,
    );
    expect(await sqlState(db.insert(forecasts).values({ guildId: b, claimId: victim.id, userId: '1', probability: 50 }))).toBe(FOREIGN_KEY_VIOLATION);
    expect(await sqlState(db.insert(auditLog).values({ guildId: b, claimId: victim.id, actorId: '1', action: 'vote.cast' }))).toBe(FOREIGN_KEY_VIOLATION);
    // Moving an existing row to another server is refused too.
    await db.insert(forecasts).values({ guildId: a, claimId: victim.id, userId: '1', probability: 50 });
    expect(await sqlState(db.update(forecasts).set({ guildId: b }).where(eq(forecasts.claimId, victim.id)))).toBe(FOREIGN_KEY_VIOLATION);
    // The same rows in the claim's own server are fine, and an audit entry about no claim is fine.
    await db.insert(votes).values({ guildId: a, claimId: victim.id, round: 1, userId: '1', verdict: 'came_true', castAt: now });
    await db.insert(auditLog).values({ guildId: b, claimId: null, actorId: '1', action: 'settings.update' });
    const inB = await db.select().from(votes).where(eq(votes.guildId, b));
    expect(inB).toEqual([]);
  });

  it("a claim naming another server's speaker or article, and a schedule run naming another server's schedule", async () => {
    const [a, b] = [newGuildId(), newGuildId()];
    const now = new Date('2026-03-01T00:00:00Z');
    const db = database.db;
    const claim = await addClaim(ctxFor(db, a, now), { claim: 'Has a speaker', checkBy: '2026-12-31', speaker: 'A speaker', sourceUrl: 'https://example.org/a' });
    const [speakerB] = await db.insert(speakers).values({ guildId: b, name: 'B speaker', nameKey: 'b speaker' }).returning();
    const [articleB] = await db.insert(articles).values({ guildId: b, key: 'b' }).returning();
    expect(await sqlState(db.update(claims).set({ speakerId: speakerB!.id }).where(eq(claims.id, claim.id)))).toBe(FOREIGN_KEY_VIOLATION);
    expect(await sqlState(db.update(claims).set({ articleId: articleB!.id }).where(eq(claims.id, claim.id)))).toBe(FOREIGN_KEY_VIOLATION);
    const schedule = await addSchedule(ctxFor(db, a, now), { channelId: '123456789012345678', schedule: 'daily 09:00', timezone: null });
    expect(await sqlState(db.insert(scheduleRuns).values({ scheduleId: schedule.id, guildId: b, slot: now, outcome: 'posted' }))).toBe(FOREIGN_KEY_VIOLATION);
    await db.insert(scheduleRuns).values({ scheduleId: schedule.id, guildId: a, slot: now, outcome: 'posted' });
    // Deleting the schedule still takes its runs with it.
    await db.delete(schedules).where(eq(schedules.id, schedule.id));
    expect(await db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id))).toEqual([]);
  });

  it('the ledger itself still works across the keys (vote through castVote)', async () => {
    const g = newGuildId();
    const c = await addClaim(ctxFor(database.db, g, new Date('2026-01-01T00:00:00Z')), { claim: 'Due', checkBy: '2026-01-10' });
    const result = await castVote(ctxFor(database.db, g, new Date('2026-01-12T00:00:00Z')), { claim: c.number, verdict: 'did_not', withTally: true });
    expect(result.tally.did_not).toBe(1);
  });
});

describe('the migration to composite keys', () => {
  /** A fresh database with only the migrations before the composite keys (0000–0003) applied. */
  async function databaseBeforeKeys(): Promise<{ database: Database; url?: string; folder: string }> {
    const folder = mkdtempSync(join(tmpdir(), 'hindsight-old-migrations-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const cut = journal.entries.findIndex((e) => e.tag.endsWith('_guild_id_keys'));
    expect(cut).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, cut);
    writeFileSync(journalPath, JSON.stringify(journal));
    if (testEngine() === 'pglite') {
      const db = await openDatabase({ inMemory: true });
      await migratePglite(db.db as Parameters<typeof migratePglite>[0], { migrationsFolder: folder });
      return { database: db, folder };
    }
    const url = await createDatabase(inject('pgAdminUrl'), `t_${randomBytes(6).toString('hex')}`);
    const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    await migratePg(db.db as Parameters<typeof migratePg>[0], { migrationsFolder: folder });
    return { database: db, url, folder };
  }

  it('applies to a database with data, including rows that named another server, and mends them', { timeout: 120_000 }, async () => {
    const { database: old, url, folder } = await databaseBeforeKeys();
    try {
      const db = old.db;
      const [a, b] = ['111111111111111111', '222222222222222222'];
      const now = new Date('2026-01-12T00:00:00Z');
      const spB = await insertOld(db, 'speakers', { guild_id: b, name: 'Shared Name', name_key: 'shared name' });
      const artB = await insertOld(db, 'articles', { guild_id: b, key: 'https://example.org/x', title: 'X' });
      const base = { number: 1, text: 'A claim', made_on: '2026-01-01', check_by: '2026-01-10', due_at: now, window_starts_at: now, voting_closes_at: now, added_by: '1' };
      // Claim of A, wrongly pointing at B's speaker and article (possible before the keys).
      const cA = await insertOld(db, 'claims', { ...base, guild_id: a, speaker_id: spB.id, article_id: artB.id });
      const cB = await insertOld(db, 'claims', { ...base, guild_id: b });
      await insertOld(db, 'votes', { guild_id: a, claim_id: cA.id, round: 1, user_id: '1', verdict: 'came_true', cast_at: now }); // consistent
      await insertOld(db, 'votes', { guild_id: a, claim_id: cB.id, round: 1, user_id: '2', verdict: 'did_not', cast_at: now }); // names B's claim
      await insertOld(db, 'forecasts', { guild_id: a, claim_id: cB.id, user_id: '2', probability: 10 });
      await insertOld(db, 'audit_log', { guild_id: a, claim_id: cA.id, claim_number: 1, actor_id: '1', action: 'claim.add' });
      await insertOld(db, 'audit_log', { guild_id: a, claim_id: cB.id, claim_number: 1, actor_id: '2', action: 'vote.cast' });
      await insertOld(db, 'audit_log', { guild_id: a, claim_id: 999_999, claim_number: 7, actor_id: '2', action: 'claim.add' });
      const sB = await insertOld(db, 'schedules', { guild_id: b, channel_id: '1', cron: '0 9 * * *', timezone: 'UTC', description: 'daily', created_by: '1' });
      await insertOld(db, 'schedule_runs', { schedule_id: sB.id, guild_id: a, slot: now, outcome: 'posted' });

      await migrateDatabase(old, url);

      const [claimA] = await db.select().from(claims).where(eq(claims.id, cA.id));
      const [speakerOfA] = await db.select().from(speakers).where(eq(speakers.id, claimA!.speakerId!));
      expect(speakerOfA).toMatchObject({ guildId: a, name: 'Shared Name' });
      const [articleOfA] = await db.select().from(articles).where(eq(articles.id, claimA!.articleId!));
      expect(articleOfA).toMatchObject({ guildId: a, key: 'https://example.org/x', title: 'X' });
      const voteRows = await db.select().from(votes);
      expect(voteRows.map((v) => [v.claimId, v.guildId]).sort()).toEqual([[cA.id, a], [cB.id, b]].sort());
      expect((await db.select().from(forecasts))[0]).toMatchObject({ claimId: cB.id, guildId: b });
      const audit = await db.select().from(auditLog).orderBy(auditLog.id);
      expect(audit.map((e) => [e.guildId, e.claimId, e.claimNumber])).toEqual([
        [a, cA.id, 1],
        [a, null, 1],
        [a, null, 7],
      ]);
      expect((await db.select().from(scheduleRuns))[0]).toMatchObject({ scheduleId: sB.id, guildId: b });
      // And from now on the database refuses such rows.
      expect(await sqlState(db.insert(votes).values({ guildId: a, claimId: cB.id, round: 1, userId: '3', verdict: 'partly', castAt: now }))).toBe(
        FOREIGN_KEY_VIOLATION,
      );
      const result = (await db.execute(sql`select conname from pg_constraint where conname like '%same_guild' order by conname`)) as unknown;
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { conname: string }[];
      expect(rows.map((r) => r.conname)).toEqual([
        'audit_claim_same_guild',
        'card_refreshes_claim_same_guild',
        'claim_threads_claim_same_guild',
        'claims_article_same_guild',
        'claims_condition_same_guild',
        'claims_speaker_same_guild',
        'direct_messages_claim_same_guild',
        'evidence_claim_same_guild',
        'forecasts_claim_same_guild',
        'schedule_runs_schedule_same_guild',
        'votes_claim_same_guild',
      ]);
    } finally {
      await old.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
