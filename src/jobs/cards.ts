/**
 * The card flusher: refreshes vote cards whose tally changed, by coalesced edits. A vote marks
 * its card in `card_refreshes` (in the vote's own statement, src/ledger/voting.ts); every tick
 * (250 ms) the flusher takes the pending cards not edited within the interval (2 s), re-renders
 * each from what the card shows (cardData, one statement) and edits the message once. So a card
 * is edited at most once per interval however many votes arrive, and the last state always
 * lands: a vote committed after a card was read bumps its version, and the card stays pending.
 * Pending cards are rows, so a restart flushes what was pending. Safe in several processes
 * (cards are taken with SKIP LOCKED and stamped, so two processes do not edit one card at once).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { cardData, rowsOf } from '../ledger/claims.js';
import { claimCard } from '../kit/render.js';
import type { Reply } from '../kit/reply.js';
import type { Logger } from '../log.js';
import { PostError } from '../kit/poster.js';

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
  frame: { before: Reply['embeds']; after: Reply['embeds'] } | null;
  version: number;
}

export const CARD_INTERVAL_MS = 2_000;
const TICK_MS = 250;

/** One pass: takes the pending cards that may be edited now, edits each once, records what it showed. */
export async function flushCards(db: Db, editor: CardEditor, now: Date, log: Logger, opts: FlushOptions = {}): Promise<FlushResult> {
  const intervalMs = opts.intervalMs ?? CARD_INTERVAL_MS;
  const batch = opts.batch ?? 50;
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
  const result: FlushResult = { edited: 0, dropped: 0, failed: 0 };
  const shown = (card: PendingCard) =>
    db.execute(sql`
      update card_refreshes set flushed_version = greatest(flushed_version, ${card.version}::int)
      where guild_id = ${card.guild_id} and message_id = ${card.message_id}`);
  await Promise.all(
    taken.map(async (card) => {
      try {
        // Read after the card was taken: every vote committed before this read is on the card; a later one bumped the version.
        const data = await cardData(db, card.guild_id, card.claim_id, now);
        if (!data) {
          result.dropped += 1;
          await shown(card);
          return;
        }
        const rendered = claimCard(data, now);
        await editor.edit(card.channel_id, card.message_id, {
          embeds: [...(card.frame?.before ?? []), ...(rendered.embeds ?? []), ...(card.frame?.after ?? [])],
          components: rendered.components ?? [],
        });
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
  let running: Promise<FlushResult> = Promise.resolve({ edited: 0, dropped: 0, failed: 0 });
  let passes = 0;
  const pass = () => {
    running = running.then(async () => {
      try {
        if (++passes % 2400 === 0) await forgetIdleCards(opts.db, now());
        return await flushCards(opts.db, opts.editor, now(), opts.log, { ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}) });
      } catch (error) {
        opts.log.warn({ err: error }, 'card flush failed; next tick retries');
        return { edited: 0, dropped: 0, failed: 0 };
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
