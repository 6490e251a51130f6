/**
 * Coalesced card edits (src/jobs/cards.ts): one edit per card per interval, the last state lands,
 * nothing lost across a restart; a click writes no card row once its card is registered, and the
 * flusher finds the changed claims through the votes themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { addClaim, castVote, type LedgerCtx } from '../../src/ledger/index.js';
import { flushCards, markChangedCards, type CardEditor } from '../../src/jobs/cards.js';
import { PostError } from '../../src/kit/poster.js';
import type { Reply } from '../../src/kit/reply.js';
import { rowsOf } from '../../src/ledger/claim-row.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
const log = pino({ level: 'silent' });
const member = (i: number) => ({ id: `8200000000000${String(i).padStart(5, '0')}`, isManager: false });
const T0 = new Date('2026-01-07T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

beforeAll(async () => {
  database = await makeTestDb();
}, 180_000);
afterAll(async () => {
  await database?.close();
});

function recorder(fail?: () => Error | null): CardEditor & { edits: { messageId: string; reply: Reply }[] } {
  const edits: { messageId: string; reply: Reply }[] = [];
  return {
    edits,
    async edit(_channelId, messageId, reply) {
      const error = fail?.();
      if (error) throw error;
      edits.push({ messageId, reply });
    },
  };
}

const votesLine = (reply: Reply) => JSON.stringify(reply.embeds?.find((e) => e.title?.startsWith('#'))?.fields?.find((f) => f.name.startsWith('Votes'))?.value ?? '');

async function setup() {
  const guildId = newGuildId();
  const claim = await addClaim({ db: database.db, guildId, actor: member(0), now: () => new Date('2026-01-01T00:00:00Z') }, { claim: 'Card', checkBy: '2026-01-05' });
  const ctx = (i: number, ms = 0): LedgerCtx => ({ db: database.db, guildId, actor: member(i), now: () => at(ms) });
  const card = { messageId: `m-${guildId}`, channelId: 'c-1', frame: { before: [{ title: 'Scoring round' }], after: [] } };
  return { claim, ctx, card };
}

describe('card flusher', () => {
  it('edits a card once per interval however many votes arrive, and the last state lands', async () => {
    const { claim, ctx, card } = await setup();
    const editor = recorder();
    for (let i = 1; i <= 5; i++) await castVote(ctx(i), { claim: claim.number, verdict: 'came_true', card });
    expect(await flushCards(database.db, editor, at(100), log)).toMatchObject({ edited: 1 });
    expect(editor.edits).toHaveLength(1);
    expect(votesLine(editor.edits[0]!.reply)).toContain('Came true **5**');
    // The frame around the card (a round's summary) is kept, and the buttons are sent again.
    expect(editor.edits[0]!.reply.embeds![0]!.title).toBe('Scoring round');
    // Both rows of a due card: its vote buttons and Add evidence (issue 25).
    const ids = (editor.edits[0]!.reply.components as { components: { custom_id?: string }[] }[]).map((row) => row.components.map((b) => b.custom_id));
    expect(ids).toEqual([
      ['came_true', 'partly', 'did_not', 'too_early'].map((v) => `vote:${claim.number}:${v}`),
      [`evid:a:${claim.number}`],
    ]);
    for (let i = 6; i <= 8; i++) await castVote(ctx(i, 200), { claim: claim.number, verdict: 'partly', card });
    // Within the interval: nothing; then one edit with every vote on it.
    expect(await flushCards(database.db, editor, at(1_000), log)).toMatchObject({ edited: 0 });
    expect(await flushCards(database.db, editor, at(2_200), log)).toMatchObject({ edited: 1 });
    expect(votesLine(editor.edits[1]!.reply)).toContain('Partly **3**');
    // Up to date: no further edit.
    expect(await flushCards(database.db, editor, at(10_000), log)).toMatchObject({ edited: 0 });
    expect(editor.edits).toHaveLength(2);
  });

  it('a pending card survives a restart: a new flusher edits it; a transient failure is retried, a gone message is dropped', async () => {
    const { claim, ctx, card } = await setup();
    await castVote(ctx(1), { claim: claim.number, verdict: 'did_not', card });
    // The first process failed for now (5xx) and then stopped: the card stays pending.
    const failing = recorder(() => new PostError('transient', '503'));
    expect(await flushCards(database.db, failing, at(100), log)).toMatchObject({ failed: 1 });
    // Another process (a restart) edits it once the interval has passed.
    const next = recorder();
    expect(await flushCards(database.db, next, at(2_500), log)).toMatchObject({ edited: 1 });
    expect(votesLine(next.edits[0]!.reply)).toContain('Did not **1**');
    // The message is deleted: the card is dropped and not retried.
    await castVote(ctx(2, 3_000), { claim: claim.number, verdict: 'did_not', card });
    const gone = recorder(() => new PostError('unknown_channel', 'Unknown Message', 404, 10008));
    expect(await flushCards(database.db, gone, at(5_000), log)).toMatchObject({ dropped: 1 });
    expect(await flushCards(database.db, next, at(9_000), log)).toMatchObject({ edited: 0, dropped: 0 });
  });

  it('a vote refused (resolved claim) or an older click marks nothing', async () => {
    const { claim, ctx, card } = await setup();
    await castVote(ctx(1), { claim: claim.number, verdict: 'came_true', castAt: at(50), card });
    const editor = recorder();
    await flushCards(database.db, editor, at(100), log);
    // An older click of the same member arrives late: not stored, the card is not marked again.
    const late = await castVote(ctx(1, 3_000), { claim: claim.number, verdict: 'partly', castAt: at(10), card });
    expect(late.applied).toBe(false);
    expect(await flushCards(database.db, editor, at(5_000), log)).toMatchObject({ edited: 0 });
  });

  it('a click on a registered card writes no card row: the card is found dirty through the votes', async () => {
    const { claim, ctx, card } = await setup();
    const first = await castVote(ctx(1), { claim: claim.number, verdict: 'came_true', card });
    // A click counts no tally (the card flusher does, once per edit).
    expect(first.tally).toBeNull();
    const cardRow = async () =>
      rowsOf<{ xmin: string; version: number }>(
        await database.db.execute(sql`select xmin::text as xmin, version from card_refreshes where message_id = ${card.messageId}`),
      )[0]!;
    const registered = await cardRow();
    for (let i = 2; i <= 6; i++) await castVote(ctx(i), { claim: claim.number, verdict: 'did_not', card: { ...card, frame: null } });
    // The row the first click inserted is untouched by the next five (no row every click on a card queues behind).
    expect(await cardRow()).toEqual(registered);
    const editor = recorder();
    expect(await flushCards(database.db, editor, at(100), log)).toMatchObject({ marked: 1, edited: 1 });
    expect(votesLine(editor.edits[0]!.reply)).toContain('Did not **5**');
    // The frame the first click registered is kept.
    expect(editor.edits[0]!.reply.embeds![0]!.title).toBe('Scoring round');
  });

  it('a vote cast elsewhere (the /vote command, another card) refreshes every registered card of the claim', async () => {
    const { claim, ctx, card } = await setup();
    const other = { messageId: `${card.messageId}-again`, channelId: 'c-2', frame: null };
    await castVote(ctx(1), { claim: claim.number, verdict: 'partly', card });
    await castVote(ctx(2), { claim: claim.number, verdict: 'partly', card: other });
    const editor = recorder();
    expect(await flushCards(database.db, editor, at(100), log)).toMatchObject({ edited: 2 });
    // A vote with no card (a command): both cards show it after the interval.
    await castVote(ctx(3, 500), { claim: claim.number, verdict: 'partly' });
    expect(await flushCards(database.db, editor, at(2_500), log)).toMatchObject({ edited: 2 });
    expect(editor.edits.slice(2).map((e) => e.messageId).sort()).toEqual([card.messageId, other.messageId].sort());
    for (const e of editor.edits.slice(2)) expect(votesLine(e.reply)).toContain('Partly **3**');
  });

  it('votes stored before a restart are found by the next process, and a look cut short is done again', async () => {
    const { claim, ctx, card } = await setup();
    await castVote(ctx(1), { claim: claim.number, verdict: 'came_true', card });
    const editor = recorder();
    expect(await flushCards(database.db, editor, at(100), log)).toMatchObject({ edited: 1 });
    // Two more votes, then the process dies in the middle of its next look (its transaction never commits).
    await castVote(ctx(2, 200), { claim: claim.number, verdict: 'came_true' });
    await castVote(ctx(3, 300), { claim: claim.number, verdict: 'came_true' });
    const cut = new Error('killed mid-look');
    await expect(
      database.db.transaction(async (tx) => {
        expect(await markChangedCards(tx, at(400))).toMatchObject({ looked: true, cards: 1 });
        throw cut;
      }),
    ).rejects.toBe(cut);
    // The restarted process (a new flusher, nothing in memory) finds them and edits the card once.
    const next = recorder();
    expect(await flushCards(database.db, next, at(2_500), log)).toMatchObject({ marked: 1, edited: 1 });
    expect(votesLine(next.edits[0]!.reply)).toContain('Came true **3**');
    // Seen once: not marked again.
    expect(await flushCards(database.db, next, at(6_000), log)).toMatchObject({ marked: 0, edited: 0 });
  });

  it('after a restore into another cluster (transaction ids started lower) new votes are still found', async () => {
    const { claim, ctx, card } = await setup();
    await castVote(ctx(1), { claim: claim.number, verdict: 'came_true', card });
    const editor = recorder();
    expect(await flushCards(database.db, editor, at(100), log)).toMatchObject({ edited: 1 });
    // What a pg_dump restored elsewhere looks like: the watermark and the votes' ids far above the new counter.
    await database.db.execute(sql`update card_scan set seen = '900000000:900000000:'`);
    await database.db.execute(sql`update votes set changed_xid = '899999999'::xid8 where claim_id = ${claim.id}`);
    // The first look notices and starts over from now; a vote cast after it is found.
    await markChangedCards(database.db, at(200));
    await castVote(ctx(2, 300), { claim: claim.number, verdict: 'came_true' });
    expect(await flushCards(database.db, editor, at(2_500), log)).toMatchObject({ marked: 1, edited: 1 });
    expect(votesLine(editor.edits[1]!.reply)).toContain('Came true **2**');
    // The restored votes are not taken for new ones on every look.
    expect(await flushCards(database.db, editor, at(5_000), log)).toMatchObject({ marked: 0, edited: 0 });
  });
});
