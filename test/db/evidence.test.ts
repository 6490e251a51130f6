/** Evidence items: added, validated, listed, summarised (sides hidden under blind voting), removed by managers, exported and imported. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';
import { createDatabase } from '../support/pg-cluster.js';
import { auditLog, claims, evidence } from '../../src/db/schema.js';
import { addClaim, cardData, claimDetail, exportCsv, exportLedger, importLedger, updateSettings } from '../../src/ledger/index.js';
import { addEvidence, listEvidence, removeEvidence, sideForVerdict, splitEvidence } from '../../src/ledger/evidence.js';
import { claimCard } from '../../src/kit/render.js';
import { makeTestDb, newGuildId, testEngine, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor, expectLedgerError } from '../support/ledger-ctx.js';

let database: TestDatabase;
const clock = { now: new Date('2026-11-27T12:00:00Z') };
const MANAGER = { id: '900000000000000001', isManager: true };
const ALICE = { id: '900000000000000002', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('evidence items', () => {
  it('adds an item (link shown as the URL itself, note escaped), audits it, and the card counts it', async () => {
    const g = newGuildId();
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-12-31' });
    const { item } = await addEvidence(ctxFor(g, ALICE), { claim: claim.number, side: 'came_true', url: 'https://example.org/a(b)', note: '[click](https://evil.example) @everyone' });
    expect(item.side).toBe('came_true');
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, g), eq(auditLog.action, 'evidence.add')));
    expect(audit).toHaveLength(1);
    const data = (await cardData(ctxFor(g), claim.id, clock.now))!;
    expect(data.evidence?.total).toBe(1);
    const field = claimCard(data, clock.now).embeds![0]!.fields!.find((f) => f.name.startsWith('Evidence'))!;
    expect(field.name).toBe('Evidence (1)');
    expect(field.value).toContain('https://example.org/a%28b%29');
    expect(field.value).toContain('\\[click\\]');
    expect(field.value).not.toContain('[click](');
    expect(field.value).toContain('came true 1');
  });

  it('refuses a non-http link, an empty item, a too-long note, and a claim of another server; nothing is written', async () => {
    const g = newGuildId();
    const other = newGuildId();
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-12-31' });
    await expectLedgerError(addEvidence(ctxFor(g, ALICE), { claim: claim.number, side: 'context', url: 'javascript:alert(1)' }), 'invalid_input', /http/);
    await expectLedgerError(addEvidence(ctxFor(g, ALICE), { claim: claim.number, side: 'context', url: ' ', note: '' }), 'invalid_input', /link, a note/);
    await expectLedgerError(addEvidence(ctxFor(g, ALICE), { claim: claim.number, side: 'context', note: 'x'.repeat(501) }), 'invalid_input');
    await expectLedgerError(addEvidence(ctxFor(other, ALICE), { claim: claim.number, side: 'context', note: 'hi' }), 'not_found');
    expect(await database.db.select().from(evidence).where(eq(evidence.guildId, g))).toHaveLength(0);
  });

  it('numbers items per claim from 1 in every server; a number never moves or comes back after a removal', async () => {
    const a = newGuildId();
    const b = newGuildId();
    // server A's items come first in the table, so B's would not start at 1 if numbers were the table's ids
    const inA = await addClaim(ctxFor(a, ALICE), { claim: 'Talks start', checkBy: '2026-12-31' });
    const otherInA = await addClaim(ctxFor(a, ALICE), { claim: 'An envoy is named', checkBy: '2026-12-31' });
    for (let i = 0; i < 3; i++) await addEvidence(ctxFor(a, ALICE, new Date(clock.now.getTime() + i)), { claim: inA.number, side: 'context', note: `a${i}` });
    const inB = await addClaim(ctxFor(b, ALICE), { claim: 'Talks start', checkBy: '2026-12-31' });
    for (let i = 0; i < 3; i++) await addEvidence(ctxFor(b, ALICE, new Date(clock.now.getTime() + i)), { claim: inB.number, side: 'context', note: `b${i}` });
    const numbersOf = async (g: string, claimId: number) => (await listEvidence(ctxFor(g), claimId)).items.map((i) => i.number);
    expect(await numbersOf(b, inB.id)).toEqual([1, 2, 3]);
    await addEvidence(ctxFor(a, ALICE), { claim: otherInA.number, side: 'context', note: 'first on its claim' });
    expect(await numbersOf(a, otherInA.id)).toEqual([1]);
    // removing B's #2 leaves #1 and #3 as they were; the next item is #4, not #3 again; A is untouched
    await removeEvidence(ctxFor(b, MANAGER), { claim: inB.number, item: 2 });
    expect((await listEvidence(ctxFor(b), inB.id)).items.map((i) => [i.number, i.note])).toEqual([[1, 'b0'], [3, 'b2']]);
    await addEvidence(ctxFor(b, ALICE, new Date(clock.now.getTime() + 10)), { claim: inB.number, side: 'context', note: 'b3' });
    expect(await numbersOf(b, inB.id)).toEqual([1, 3, 4]);
    expect((await listEvidence(ctxFor(a), inA.id)).items.map((i) => [i.number, i.note])).toEqual([[1, 'a0'], [2, 'a1'], [3, 'a2']]);
    // a number of another server's claim, or one never given, is not found; nothing changes
    await expectLedgerError(removeEvidence(ctxFor(a, MANAGER), { claim: inA.number, item: 9 }), 'not_found');
    await expectLedgerError(removeEvidence(ctxFor(b, MANAGER), { claim: inB.number, item: 2 }), 'not_found');
    expect((await listEvidence(ctxFor(a), inA.id)).total).toBe(3);
    const [removal] = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, b), eq(auditLog.action, 'evidence.remove')));
    expect(removal!.detail).toMatchObject({ number: 2 });
  });

  it('pages all items; a manager (only) removes one, audited, and it leaves the list', async () => {
    const g = newGuildId();
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-12-31' });
    for (let i = 0; i < 12; i++) {
      const at = new Date(clock.now.getTime() + i * 1000);
      await addEvidence(ctxFor(g, ALICE, at), { claim: claim.number, side: 'context', note: `note ${i}` });
    }
    const pages = [...(await listEvidence(ctxFor(g), claim.id, 1)).items, ...(await listEvidence(ctxFor(g), claim.id, 2)).items];
    expect(pages.map((i) => i.number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const first = await listEvidence(ctxFor(g), claim.id, 1);
    expect(first.total).toBe(12);
    expect(first.pages).toBe(2);
    expect(first.items.map((i) => i.note)).toEqual(Array.from({ length: 10 }, (_, i) => `note ${i}`));
    expect((await listEvidence(ctxFor(g), claim.id, 2)).items.map((i) => i.note)).toEqual(['note 10', 'note 11']);
    await expectLedgerError(removeEvidence(ctxFor(g, ALICE), { claim: claim.number, item: 1 }), 'forbidden');
    await removeEvidence(ctxFor(g, MANAGER), { claim: claim.number, item: 1 });
    await expectLedgerError(removeEvidence(ctxFor(g, MANAGER), { claim: claim.number, item: 1 }), 'not_found');
    expect((await listEvidence(ctxFor(g), claim.id, 1)).total).toBe(11);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, g), eq(auditLog.action, 'evidence.remove')));
    expect(audit.map((a) => a.actorId)).toEqual([MANAGER.id]);
  });

  it('blind voting: the card keeps the items but hides the side counts while the window is open', async () => {
    const g = newGuildId();
    await updateSettings(ctxFor(g, MANAGER), { blindVoting: true });
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-11-28' });
    const later = new Date(claim.dueAt.getTime() + 3_600_000);
    await addEvidence(ctxFor(g, ALICE, later), { claim: claim.number, side: 'did_not', note: 'nothing happened' });
    const data = (await cardData(ctxFor(g), claim.id, later))!;
    const field = claimCard(data, later).embeds![0]!.fields!.find((f) => f.name.startsWith('Evidence'))!;
    expect(field.value).toContain('sides hidden');
    expect(field.value).not.toContain('did not 1');
    expect(field.value).toContain('nothing happened');
    const detail = await claimDetail(ctxFor(g, ALICE, later), claim.number);
    expect(detail.evidence?.total).toBe(1);
  });

  it('vote evidence: the side follows the verdict, one link alone is the link', () => {
    expect(sideForVerdict('came_true')).toBe('came_true');
    expect(sideForVerdict('partly')).toBe('came_true');
    expect(sideForVerdict('did_not')).toBe('did_not');
    expect(sideForVerdict('too_early')).toBe('context');
    expect(splitEvidence(' https://example.org/x ')).toEqual({ url: 'https://example.org/x', note: null });
    expect(splitEvidence('see https://example.org/x')).toEqual({ url: null, note: 'see https://example.org/x' });
  });

  it('goes out in the JSON and CSV exports and comes back with an import into another server, once', async () => {
    const g = newGuildId();
    const claim = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: '2026-12-31' });
    await addEvidence(ctxFor(g, ALICE), { claim: claim.number, side: 'came_true', url: 'https://example.org/a', note: '=cmd()' });
    const data = await exportLedger(ctxFor(g), { memberData: true, now: clock.now });
    expect(data.claims[0]!.evidence).toEqual([{ userId: ALICE.id, side: 'came_true', url: 'https://example.org/a', note: '=cmd()', createdAt: clock.now.toISOString() }]);
    const members = await exportLedger(ctxFor(g), { memberData: false, now: clock.now });
    expect(members.claims[0]!.evidence![0]!.userId).toBeNull();
    const csv = exportCsv(data);
    expect(csv.split('\r\n')[0]).toMatch(/,evidence$/);
    expect(csv).toContain("came true · https://example.org/a · =cmd()");
    const h = newGuildId();
    const raw = JSON.stringify(data);
    // Signed with its evidence: back into its own server it reads as that server's own export.
    expect((await importLedger(ctxFor(g, MANAGER), { raw })).foreign).toBe(false);
    // An item whose link is not http(s) is refused by name, and nothing of the file is written.
    const bad = JSON.parse(raw) as typeof data;
    bad.claims[0]!.evidence![0]!.url = 'javascript:alert(1)';
    await expectLedgerError(importLedger(ctxFor(h, MANAGER), { raw: JSON.stringify(bad) }), 'invalid_input', /evidence item 1/);
    expect(await database.db.select().from(evidence).where(eq(evidence.guildId, h))).toHaveLength(0);
    await importLedger(ctxFor(h, MANAGER), { raw });
    await importLedger(ctxFor(h, MANAGER), { raw });
    const rows = await database.db.select().from(evidence).where(eq(evidence.guildId, h));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: ALICE.id, side: 'came_true', url: 'https://example.org/a', importedFrom: `export:${g}` });
  });
});

describe('the evidence migration', () => {
  /** A fresh database with the migrations before evidence items applied. */
  async function databaseBeforeEvidence(): Promise<{ database: Database; url?: string; folder: string }> {
    const folder = mkdtempSync(join(tmpdir(), 'hindsight-before-evidence-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const cut = journal.entries.findIndex((e) => e.tag.endsWith('_evidence'));
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

  it('turns the evidence stored on votes into items on the side of each verdict (a lone link as the link)', { timeout: 120_000 }, async () => {
    const { database: old, url, folder } = await databaseBeforeEvidence();
    try {
      const db = old.db;
      const g = '333333333333333333';
      const at = '2026-01-12T00:00:00Z';
      await db.execute(sql`insert into claims (guild_id, number, text, made_on, check_by, due_at, window_starts_at, voting_closes_at, added_by)
        values (${g}, 1, 'A claim', '2026-01-01', '2026-01-10', ${at}, ${at}, ${at}, '1')`);
      const [claim] = await db.select({ id: claims.id }).from(claims).where(eq(claims.guildId, g));
      const vote = (user: string, verdict: string, text: string | null, castAt: string) =>
        db.execute(sql`insert into votes (guild_id, claim_id, round, user_id, verdict, evidence, cast_at) values (${g}, ${claim!.id}, 1, ${user}, ${verdict}, ${text}, ${castAt})`);
      await vote('1', 'partly', ' https://example.org/a ', '2026-01-12T01:00:00Z');
      await vote('2', 'did_not', 'see https://example.org/b', '2026-01-12T02:00:00Z');
      await vote('3', 'too_early', 'not yet', '2026-01-12T03:00:00Z');
      await vote('4', 'came_true', '   ', '2026-01-12T04:00:00Z');
      await vote('5', 'came_true', null, '2026-01-12T05:00:00Z');

      await migrateDatabase(old, url);

      const items = await db.select().from(evidence).where(eq(evidence.guildId, g)).orderBy(asc(evidence.createdAt));
      expect(items.map((i) => [i.userId, i.side, i.url, i.note])).toEqual([
        ['1', 'came_true', 'https://example.org/a', null],
        ['2', 'did_not', null, 'see https://example.org/b'],
        ['3', 'context', null, 'not yet'],
      ]);
      expect(items[0]!.createdAt.toISOString()).toBe('2026-01-12T01:00:00.000Z');
    } finally {
      await old.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
