/**
 * The card flusher: refreshes vote cards whose tally changed, by coalesced edits. A click writes
 * nothing for it but its vote: each vote row carries the transaction that stored it
 * (`votes.changed_xid`), and every tick (250 ms) the flusher first looks, through that column's
 * index, for the votes stored since its last look (`card_scan` holds the snapshot of that look:
 * a vote whose transaction was not visible in it is new) and bumps the version of every
 * registered card of their claims, in one statement that also moves the watermark. Then it takes
 * the pending cards not edited within the interval (2 s), re-renders each from what the card
 * shows (cardData, one statement: the tally is counted here, once per edit, not per click; a
 * round's compact card as compact again, its frame says so) and edits the message once. So a
 * card is edited at most once per interval however many votes arrive, and the last state lands:
 * a vote committed after a card was read is found by a later look and the card is pending again. The watermark and the pending cards are rows, so a
 * restart goes on where the last committed pass stopped. Safe in several processes: one looks
 * at a time (the watermark row is taken with SKIP LOCKED), and cards are taken with SKIP LOCKED
 * and stamped, so two processes do not edit one card at once.
 *
 * Why a snapshot and not a time or a sequence: transactions commit out of the order in which
 * they took their times and numbers, so "since the last value seen" misses a vote that committed
 * late. "Not visible in the last look's snapshot" misses none, and counts none twice.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { cardData } from '../ledger/claim-queries.js';
import { rowsOf } from '../ledger/claim-row.js';
import { cardInFrame } from '../kit/render.js';
import { serverTranslator } from '../kit/locale.js';
import type { Translator } from '../i18n/index.js';
import type { Reply } from '../kit/reply.js';
import type { Logger } from '../log.js';
import { PostError } from '../kit/poster.js';
import { guildScope } from '../ledger/context.js';

/** Edits a message in place (embeds and components; its content stays). Throws PostError. */
export interface CardEditor {
  edit(channelId: string, messageId: string, reply: Reply): Promise<void>;
}

export interface FlushOptions {
  /** At most one edit per card per this many ms. */
  intervalMs?: number;
  /** Cards taken per tick. */
  batch?: number;
}

export interface FlushResult {
  /** Cards marked pending by this pass's look (their claims' votes changed). */
  marked: number;
  edited: number;
  /** Cards given up on (message or channel gone, no access, claim deleted): never retried. */
  dropped: number;
  /** Edits that failed for now (5xx, network): retried after the interval. */
  failed: number;
}

interface PendingCard {
  guild_id: string;
  message_id: string;
  channel_id: string;
  claim_id: number;
  /** The embeds around the card, and whether the card is a round's compact one (src/components/vote.ts cardFrame). */
  frame: { before: Reply['embeds']; after: Reply['embeds']; compact?: boolean } | null;
  version: number;
}

export const CARD_INTERVAL_MS = 2_000;
const TICK_MS = 250;

export interface MarkResult {
  /** False when another process was looking (it marks what this one would have). */
  looked: boolean;
  /** Claims whose votes changed since the last look, and their registered cards now pending. */
  claims: number;
  cards: number;
}

/**
 * Looks for votes stored since the last look and marks the cards of their claims pending; moves
 * the watermark in the same statement (so a look that fails or is cut short marks nothing and is
 * done again). Reads only the votes changed since: an index range from the last snapshot's xmin,
 * given as a literal so that the planner sees how few rows lie beyond it.
 */
export async function markChangedCards(db: Db, now: Date): Promise<MarkResult> {
  return db.transaction(async (tx) => {
    const [scan] = rowsOf<{ seen: string; ahead: boolean }>(
      await tx.execute(sql`select seen, pg_snapshot_xmin(seen::pg_snapshot) > pg_current_xact_id() as ahead from card_scan where id = 1 for update skip locked`),
    );
    if (scan?.ahead) {
      // Transaction ids went back: the database was restored into another cluster (pg_dump). The
      // watermark and the restored votes' ids belong to the old counter: forget them, from now on.
      await tx.execute(sql`update votes set changed_xid = '0'::xid8 where changed_xid > pg_current_xact_id()`);
      await tx.execute(sql`update card_scan set seen = pg_current_snapshot()::text, scanned_at = ${now.toISOString()}::timestamptz where id = 1`);
      return { looked: true, claims: 0, cards: 0 };
    }
    if (!scan) {
      // Another process is looking (it marks what this one would have), or the row is missing
      // (only if someone deleted it): put it back, from now on.
      await tx.execute(sql`insert into card_scan (id, seen, scanned_at) values (1, pg_current_snapshot()::text, ${now.toISOString()}::timestamptz) on conflict (id) do nothing`);
      return { looked: false, claims: 0, cards: 0 };
    }
    const xmin = scan.seen.slice(0, scan.seen.indexOf(':'));
    const [row] = rowsOf<{ claims: number; cards: number }>(
      await tx.execute(sql`
        with changed as (
          select distinct v.guild_id, v.claim_id from votes v
          where v.changed_xid >= ${xmin}::xid8 and not pg_visible_in_snapshot(v.changed_xid, ${scan.seen}::pg_snapshot)
        ), marked as (
          update card_refreshes r
          set version = r.version + 1, dirty_at = case when r.version > r.flushed_version then r.dirty_at else ${now.toISOString()}::timestamptz end
          from changed c where r.guild_id = c.guild_id and r.claim_id = c.claim_id
          returning 1
        ), moved as (
          update card_scan set seen = pg_current_snapshot()::text, scanned_at = ${now.toISOString()}::timestamptz where id = 1
        )
        select (select count(*) from changed)::int as claims, (select count(*) from marked)::int as cards`),
    );
    return { looked: true, claims: Number(row?.claims ?? 0), cards: Number(row?.cards ?? 0) };
  });
}

/** One pass: takes the pending cards that may be edited now, edits each once, records what it showed. */
export async function flushCards(db: Db, editor: CardEditor, now: Date, log: Logger, opts: FlushOptions = {}): Promise<FlushResult> {
  const intervalMs = opts.intervalMs ?? CARD_INTERVAL_MS;
  const batch = opts.batch ?? 50;
  const { cards: marked } = await markChangedCards(db, now);
  const cutoff = new Date(now.getTime() - intervalMs).toISOString();
  const taken = rowsOf<PendingCard>(
    await db.execute(sql`
      update card_refreshes r set edited_at = ${now.toISOString()}::timestamptz
      from (
        select guild_id, message_id from card_refreshes
        where version > flushed_version and (edited_at is null or edited_at <= ${cutoff}::timestamptz)
        order by dirty_at limit ${batch}::int for update skip locked
      ) p
      where r.guild_id = p.guild_id and r.message_id = p.message_id
      returning r.guild_id, r.message_id, r.channel_id, r.claim_id, r.frame, r.version`),
  );
  const result: FlushResult = { marked, edited: 0, dropped: 0, failed: 0 };
  // A compact card is re-rendered in the server's language, as its round posted it (read once per server per pass).
  const languages = new Map<string, Promise<Translator>>();
  const serverLanguage = (guildId: string) => {
    if (!languages.has(guildId)) languages.set(guildId, serverTranslator(guildScope(db, guildId), null));
    return languages.get(guildId)!;
  };
  const shown = (card: PendingCard) =>
    db.execute(sql`
      update card_refreshes set flushed_version = greatest(flushed_version, ${card.version}::int)
      where guild_id = ${card.guild_id} and message_id = ${card.message_id}`);
  await Promise.all(
    taken.map(async (card) => {
      try {
        // Read after the card was taken: every vote committed before this read is on the card; a later one is found by the next look.
        const data = await cardData(guildScope(db, card.guild_id), card.claim_id, now);
        if (!data) {
          result.dropped += 1;
          await shown(card);
          return;
        }
        // A round's card stays compact: the frame registered with its first vote says which it was.
        const t = await serverLanguage(card.guild_id);
        await editor.edit(card.channel_id, card.message_id, cardInFrame(data, now, card.frame, t));
        result.edited += 1;
        await shown(card);
      } catch (error) {
        if (error instanceof PostError && error.kind !== 'transient') {
          log.warn({ err: error, guildId: card.guild_id, messageId: card.message_id }, 'vote card cannot be edited; no longer refreshed');
          result.dropped += 1;
          await shown(card).catch(() => {});
          return;
        }
        result.failed += 1;
        log.warn({ err: error, guildId: card.guild_id, messageId: card.message_id }, 'vote card edit failed; retried after the interval');
      }
    }),
  );
  return result;
}

/** Forgets cards shown up to date and not touched for a day (the table holds only live cards). */
export async function forgetIdleCards(db: Db, now: Date): Promise<void> {
  await db.execute(sql`
    delete from card_refreshes where version <= flushed_version and edited_at < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz`);
}

export interface CardFlusher {
  /** Runs a pass now (after the one in flight). */
  flush(): Promise<FlushResult>;
  /** Stops ticking and waits for the pass in flight. */
  stop(): Promise<void>;
}

export function startCardFlusher(opts: { db: Db; editor: CardEditor; log: Logger; now?: () => Date; intervalMs?: number; tickMs?: number }): CardFlusher {
  const now = opts.now ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<FlushResult> = Promise.resolve({ marked: 0, edited: 0, dropped: 0, failed: 0 });
  let passes = 0;
  const pass = () => {
    running = running.then(async () => {
      try {
        if (++passes % 2400 === 0) await forgetIdleCards(opts.db, now());
        return await flushCards(opts.db, opts.editor, now(), opts.log, { ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}) });
      } catch (error) {
        opts.log.warn({ err: error }, 'card flush failed; next tick retries');
        return { marked: 0, edited: 0, dropped: 0, failed: 0 };
      }
    });
    return running;
  };
  const tick = () => {
    void pass().then(() => {
      if (!stopped) timer = setTimeout(tick, opts.tickMs ?? TICK_MS);
    });
  };
  // At start: whatever was pending before a restart goes out now.
  tick();
  return {
    flush: pass,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
