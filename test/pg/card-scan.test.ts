/**
 * The card flusher's look for changed votes on PostgreSQL (src/jobs/cards.ts): transactions
 * commit out of order, so a vote that committed after a later one must still be found, and two
 * processes never look at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { addClaim, castVote, type LedgerCtx } from '../../src/ledger/index.js';
import { flushCards, markChangedCards, type CardEditor } from '../../src/jobs/cards.js';
import type { Db } from '../../src/db/client.js';
import type { Reply } from '../../src/kit/reply.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
const log = pino({ level: 'silent' });
const member = (i: number) => ({ id: `8300000000000${String(i).padStart(5, '0')}`, isManager: false });
const T0 = new Date('2026-01-07T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

beforeAll(async () => {
  database = await makeTestDb({ maxConnections: 6 });
});
afterAll(async () => {
  await database?.close();
});

function recorder(): CardEditor & { edits: { messageId: string; reply: Reply }[] } {
  const edits: { messageId: string; reply: Reply }[] = [];
  return {
    edits,
    async edit(_channelId, messageId, reply) {
      edits.push({ messageId, reply });
    },
  };
}
const votesLine = (reply: Reply) => JSON.stringify(reply.embeds?.find((e) => e.title?.startsWith('#'))?.fields?.find((f) => f.name.startsWith('Votes'))?.value ?? '');

describe('finding changed votes (PostgreSQL)', () => {
  it('a vote that commits after a later vote and after a look is found by the next look', async () => {
    const guildId = newGuildId();
    const claim = await addClaim({ db: database.db, guildId, actor: member(0), now: () => new Date('2026-01-01T00:00:00Z') }, { claim: 'Late commit', checkBy: '2026-01-05' });
    const ctx = (i: number, db: Db = database.db): LedgerCtx => ({ db, guildId, actor: member(i), now: () => at(0) });
    const card = { messageId: `m-${guildId}`, channelId: 'c-1', frame: null };
    await castVote(ctx(1), { claim: claim.number, verdict: 'came_true', card });
    const editor = recorder();
    expect(await flushCards(database.db, editor, at(100), log)).toMatchObject({ edited: 1 });

    // Member 2's vote is stored in a transaction that stays open; member 3 votes after it and commits first.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let stored!: () => void;
    const isStored = new Promise<void>((resolve) => (stored = resolve));
    const slow = database.db.transaction(async (tx) => {
      await castVote(ctx(2, tx), { claim: claim.number, verdict: 'did_not' });
      stored();
      await held;
    });
    await isStored;
    await castVote(ctx(3), { claim: claim.number, verdict: 'partly' });
    // A look now sees member 3's vote (a later transaction), not member 2's (not committed yet).
    expect(await flushCards(database.db, editor, at(2_500), log)).toMatchObject({ marked: 1, edited: 1 });
    expect(votesLine(editor.edits[1]!.reply)).toMatch(/Partly \*\*1\*\*/);
    expect(votesLine(editor.edits[1]!.reply)).not.toMatch(/Did not \*\*1\*\*/);
    release();
    await slow;
    // Member 2's vote committed after that look: the next look finds it (a watermark on a time or a sequence would have passed it).
    expect(await flushCards(database.db, editor, at(5_000), log)).toMatchObject({ marked: 1, edited: 1 });
    expect(votesLine(editor.edits[2]!.reply)).toMatch(/Did not \*\*1\*\*/);
    expect(await flushCards(database.db, editor, at(8_000), log)).toMatchObject({ marked: 0, edited: 0 });
  });

  it('one process looks at a time: another skips the look at once and still flushes its cards', async () => {
    const guildId = newGuildId();
    const claim = await addClaim({ db: database.db, guildId, actor: member(0), now: () => new Date('2026-01-01T00:00:00Z') }, { claim: 'Two flushers', checkBy: '2026-01-05' });
    const card = { messageId: `m-${guildId}`, channelId: 'c-1', frame: null };
    await castVote({ db: database.db, guildId, actor: member(1), now: () => at(0) }, { claim: claim.number, verdict: 'came_true', card });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another process in the middle of its look holds the watermark row.
    const other = database.db.transaction(async (tx) => {
      await tx.execute(sql`select seen from card_scan where id = 1 for update`);
      locked();
      await held;
    });
    await isLocked;
    // It returns while the other still holds the row (were it to wait, the test would hang until its timeout).
    expect(await markChangedCards(database.db, at(100))).toEqual({ looked: false, claims: 0, cards: 0 });
    // The card, pending since the click registered it, is still edited by this process.
    const editor = recorder();
    expect(await flushCards(database.db, editor, at(200), log)).toMatchObject({ marked: 0, edited: 1 });
    release();
    await other;
    expect(await markChangedCards(database.db, at(300))).toMatchObject({ looked: true });
  });
});
