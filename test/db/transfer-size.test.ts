/**
 * Export and import of any ledger a server can build (issue 20, findings 2 and 4): more claims
 * than one file holds, rounds past 1,000, a claim too large for a file, and an import that writes
 * in batches another server's queries pass between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { claims, votes } from '../../src/db/schema.js';
import { exportFiles, exportLedger, importLedger, prepareImport, IMPORT_BATCH_CLAIMS, type LedgerCtx } from '../../src/ledger/index.js';
import { existingExportKey } from '../../src/ledger/transfer/keys.js';
import { LIMITS } from '../../src/ledger/limits.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { execute as predict } from '../../commands/predict.js';
import type { AppCtx, CommandCall, Reply } from '../../src/kit/types.js';
import { memberFacing } from '../../src/kit/work.js';
import { inlineWork } from '../../src/work/index.js';
import { guildScope } from '../../src/ledger/context.js';

let database: TestDatabase;
const clock = { now: new Date('2026-03-01T00:00:00Z') };
const MANAGER = { id: '920000000000000001', isManager: true };
const ctxFor = (guildId: string): LedgerCtx => ({ db: database.db, guildId, actor: MANAGER, now: () => clock.now });

/** A pack file of `n` claims keyed `<id>-<i>`. */
const packFile = (id: string, n: number, from = 0) =>
  JSON.stringify({
    id,
    name: `Pack ${id}`,
    article: {},
    claims: Array.from({ length: n }, (_, i) => ({ key: `c-${from + i}`, claim: `Claim ${from + i} will come true`, madeOn: '2026-01-01', checkBy: '2026-02-01' })),
  });

/** Adds `n` claims to a server (imports of at most 1,000 each). */
async function fill(g: string, n: number) {
  for (let from = 0; from < n; from += LIMITS.maxImportClaims) {
    await importLedger(ctxFor(g), { raw: packFile(`p${from}`, Math.min(LIMITS.maxImportClaims, n - from), from) });
  }
}

const votesFor = (guildId: string, claimId: number, round: number, n: number, prefix = '93') =>
  Array.from({ length: n }, (_, i) => ({
    guildId,
    claimId,
    round,
    userId: `${prefix}${String(i).padStart(16, '0')}`,
    verdict: 'came_true' as const,
    castAt: new Date('2026-02-02T00:00:00Z'),
  }));

/** /predict export as a manager of `guildId`, with these options; the one reply. */
async function exportCommand(guildId: string, values: { format?: 'json' | 'csv'; from?: number }): Promise<Reply> {
  const replies: Reply[] = [];
  const call = {
    commandName: 'predict',
    guildId,
    channelId: 'channel',
    member: { id: MANAGER.id, displayName: 'Manager', isManager: true },
    createdAt: clock.now,
    defer: async () => {},
    channelGuildId: async () => guildId,
    reply: async (reply: Reply) => void replies.push(reply),
  } as unknown as CommandCall;
  const log = { warn() {}, error() {}, info() {}, debug() {} } as unknown as AppCtx['log'];
  const ctx = { db: database.db, log, now: () => clock.now, fetchAttachment: () => Promise.reject(new Error('unused')), work: memberFacing(inlineWork()) } as unknown as AppCtx;
  await predict(call, { subcommand: 'export', options: { format: values.format ?? null, from: values.from ?? null } }, ctx);
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

const numbersIn = (body: string) => (JSON.parse(body) as { claims: { number: number }[] }).claims.map((c) => c.number);

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('export of a large ledger', () => {
  let g: string;
  const total = LIMITS.maxImportClaims + 50;
  beforeAll(async () => {
    g = newGuildId();
    await fill(g, total);
    // A claim reopened and postponed past round 1,000, with votes of an old round and its current one.
    const [claim] = await database.db.select().from(claims).where(and(eq(claims.guildId, g), eq(claims.number, 7)));
    await database.db.update(claims).set({ round: 1500 }).where(eq(claims.id, claim!.id));
    await database.db.insert(votes).values([...votesFor(g, claim!.id, 1, 3), ...votesFor(g, claim!.id, 1500, 2, '94')]);
  }, 120_000);

  it('comes as files of at most 1,000 claims that each import, rounds past 1,000 included', async () => {
    // Failed before: the export was re-read with the import schema (at most 1,000 claims, rounds
    // up to 1,000) to be signed, so a server with 1,050 claims (or one claim at round 1,500) got
    // "Something went wrong" and could not back up.
    const batch = await exportFiles(guildScope(database.db, g), { memberData: true, now: clock.now, format: 'json' });
    expect(batch.next).toBeNull();
    expect(batch.files.map((f) => f.claims)).toEqual([LIMITS.maxImportClaims, 50]);
    expect(batch.files.map((f) => [f.first, f.last])).toEqual([
      [1, LIMITS.maxImportClaims],
      [LIMITS.maxImportClaims + 1, total],
    ]);
    const key = await existingExportKey(guildScope(database.db, g));
    const h = newGuildId();
    let added = 0;
    for (const file of batch.files) {
      expect(file.bytes).toBe(Buffer.byteLength(file.body));
      // Each file is signed on its own: this server recognises it as its own export.
      expect(prepareImport(file.body, { guildId: g, actorId: MANAGER.id, ownKey: key }).own).toBe(true);
      added += (await importLedger(ctxFor(h), { raw: file.body })).added;
    }
    expect(added).toBe(total);
    const [copy] = await database.db.select().from(claims).where(and(eq(claims.guildId, h), eq(claims.sourceKey, 'p0/c-6')));
    const copied = await database.db.select().from(votes).where(eq(votes.claimId, copy!.id)).orderBy(asc(votes.round));
    expect(copied.map((v) => v.round)).toEqual([1, 1, 1, 1500, 1500]);
    expect(copied.every((v) => v.importedFrom === `export:${g}`)).toBe(true);
  });

  it('/predict export attaches the files and names the claims in each', async () => {
    const reply = await exportCommand(g, { format: 'json' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(new RegExp(`claims #1–#${total}: ${total} claims \\(JSON\\)`));
    expect(reply.content).toContain(`2 files (#1–#1000, #1001–#${total}): each imports on its own`);
    expect(reply.files!.map((f) => f.name)).toEqual(['hindsight-2026-03-01-claims-1-1000.json', `hindsight-2026-03-01-claims-1001-${total}.json`]);
    const later = await exportCommand(g, { format: 'json', from: 1001 });
    expect(later.files!.map((f) => f.name)).toEqual([`hindsight-2026-03-01-claims-1001-${total}.json`]);
    expect((await exportCommand(g, { format: 'json', from: 999_999 })).content).toBe('This server’s ledger has no claim numbered #999999 or later.');
    // Past what the claim number column holds (PostgreSQL refused the query: "Something went wrong").
    await expect(exportCommand(g, { format: 'json', from: 2 ** 31 })).rejects.toThrow('`from` must be a claim number from 1 to 2147483647.');
  });

  it('exportLedger (one object) signs any number of claims', async () => {
    const data = await exportLedger(guildScope(database.db, g), { memberData: true, now: clock.now });
    expect(data.claims).toHaveLength(total);
    expect(data.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('as CSV: one file with every claim', async () => {
    const batch = await exportFiles(guildScope(database.db, g), { memberData: false, now: clock.now, format: 'csv' });
    expect(batch.files).toHaveLength(1);
    expect(batch.files[0]!.body.trimEnd().split('\r\n')).toHaveLength(total + 1);
  });

  it('continues in the next reply from the first claim left out, losing nothing added in between', async () => {
    const limits = { partClaims: 400, replyFiles: 2 };
    const first = await exportFiles(guildScope(database.db, g), { memberData: true, now: clock.now, format: 'json', limits });
    expect(first.files.map((f) => f.claims)).toEqual([400, 400]);
    expect(first.next).toBe(801);
    await importLedger(ctxFor(g), { raw: packFile('late', 1) });
    const second = await exportFiles(guildScope(database.db, g), { memberData: true, now: clock.now, format: 'json', limits, from: first.next! });
    expect(second.next).toBeNull();
    const numbers = [...first.files, ...second.files].flatMap((f) => numbersIn(f.body));
    expect(numbers).toEqual(Array.from({ length: total + 1 }, (_, i) => i + 1));
  });

  it('leaves out the votes of a claim too large for any file, and says which', async () => {
    const k = newGuildId();
    await fill(k, 3);
    const [claim] = await database.db.select().from(claims).where(and(eq(claims.guildId, k), eq(claims.number, 2)));
    await database.db.insert(votes).values(votesFor(k, claim!.id, 1, 100));
    const batch = await exportFiles(guildScope(database.db, k), { memberData: true, now: clock.now, format: 'json', limits: { partBytes: 5000 } });
    expect(batch.trimmed).toEqual([2]);
    const exported = batch.files.flatMap((f) => (JSON.parse(f.body) as { claims: { number: number; votes: unknown[] }[] }).claims);
    expect(exported.map((c) => [c.number, c.votes.length])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(batch.files.every((f) => f.bytes <= 5000)).toBe(true);
  });
});

describe('import of a large file', () => {
  it('writes in batches that other queries pass between', async () => {
    const g = newGuildId();
    const n = IMPORT_BATCH_CLAIMS * 3;
    const seen = new Set<number>();
    let done = false;
    const importing = importLedger(ctxFor(g), { raw: packFile('big', n) }).finally(() => (done = true));
    // Another query, over and over while the import runs. Failed before: the import was one
    // transaction (on PGlite it held the only connection), so this saw 0 and then all 300.
    while (!done) {
      seen.add(await database.db.$count(claims, eq(claims.guildId, g)));
      // As requests do, arriving from the network (PGlite answers within one turn of the loop).
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await importing).added).toBe(n);
    expect([...seen].some((count) => count > 0 && count < n)).toBe(true);
  });
});
