/**
 * Claim threads: when a round first posts a claim's card, a public thread is opened on it (named
 * after the claim) for discussion, and each new evidence item is posted there. The bot never reads
 * the thread (no privileged intent): evidence enters through the card's form and /vote.
 *
 * One row per claim in `claim_threads`, taken before Discord is asked (so two processes, or two
 * rounds, never open two threads). A server that refused (no Create Public Threads, a channel
 * without threads) is remembered on the row (`failed_at`) and logged once: later rounds do not try
 * again for that claim, and the rounds themselves are never held up by it.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { claims, claimThreads } from '../db/schema.js';
import type { EvidenceItem } from '../ledger/evidence.js';
import { voteIds } from '../kit/custom-ids.js';
import { threadPost } from '../kit/evidence-view.js';
import { serverTranslator } from '../kit/locale.js';
import type { Poster } from '../kit/poster.js';
import type { Reply } from '../kit/reply.js';
import type { AppCtx } from '../kit/types.js';
import type { Logger } from '../log.js';
import { guildScope, type GuildScope } from '../ledger/context.js';

/** Discord's limit on a thread's name. */
export const THREAD_NAME_MAX = 100;

/** `#12 · Russia appoints …`, at most 100 characters, on one line. */
export function threadName(number: number, text: string): string {
  const full = `#${number} · ${text.replace(/\s+/g, ' ').trim()}`;
  return full.length <= THREAD_NAME_MAX ? full : `${full.slice(0, THREAD_NAME_MAX - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** The claim numbers whose vote buttons a posted message carries (its cards). */
export function cardNumbers(reply: Reply): number[] {
  const numbers = new Set<number>();
  for (const row of reply.components ?? []) {
    for (const c of (row as { components?: { custom_id?: string }[] }).components ?? []) {
      const parsed = c.custom_id ? voteIds.parse(c.custom_id) : null;
      if (parsed) numbers.add(parsed.number);
    }
  }
  return [...numbers];
}

/**
 * After a round part is posted: opens the thread of each claim whose card it is, unless the claim
 * has had one (or a refused attempt) already. Never throws: a failure is logged and remembered.
 */
export async function openClaimThreads(
  deps: { db: Db; poster: Poster; log: Logger },
  guildId: string,
  channelId: string,
  messageId: string,
  reply: Reply,
  now: Date,
): Promise<void> {
  const { db, poster, log } = deps;
  if (!poster.startThread) return;
  for (const number of cardNumbers(reply)) {
    try {
      const [claim] = await db
        .select({ id: claims.id, text: claims.text })
        .from(claims)
        .where(and(eq(claims.guildId, guildId), eq(claims.number, number)));
      if (!claim) continue;
      const [taken] = await db
        .insert(claimThreads)
        .values({ guildId, claimId: claim.id, channelId, messageId, createdAt: now })
        .onConflictDoNothing()
        .returning({ claimId: claimThreads.claimId });
      if (!taken) continue; // opened (or refused) before
      const key = and(eq(claimThreads.guildId, guildId), eq(claimThreads.claimId, claim.id));
      try {
        const threadId = await poster.startThread(channelId, messageId, threadName(number, claim.text));
        await db.update(claimThreads).set({ threadId }).where(key);
      } catch (error) {
        const failure = error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
        await db.update(claimThreads).set({ failedAt: now, failure }).where(key);
        log.warn({ err: error, guildId, claim: number }, 'could not open the claim thread (Create Public Threads not granted?); rounds go on without it, not retried for this claim');
      }
    } catch (error) {
      log.warn({ err: error, guildId, claim: number }, 'claim thread bookkeeping failed');
    }
  }
}

/** The claim's thread, if one was opened. */
export async function threadOf(ctx: GuildScope, claimId: number): Promise<string | null> {
  const { db, guildId } = ctx;
  const [row] = await db
    .select({ threadId: claimThreads.threadId })
    .from(claimThreads)
    .where(and(eq(claimThreads.guildId, guildId), eq(claimThreads.claimId, claimId), isNotNull(claimThreads.threadId)));
  return row?.threadId ?? null;
}

/** Posts a new evidence item in its claim's thread (when there is one and the surface has threads). */
export async function postInThread(
  ctx: Pick<AppCtx, 'db' | 'threads'>,
  guildId: string,
  claimId: number,
  number: number,
  item: EvidenceItem,
  blind = false,
  /** The server's Discord language when a call gives it (the thread is public: the server's language). */
  guildLocale: string | null = null,
): Promise<boolean> {
  if (!ctx.threads?.postInThread) return false;
  const threadId = await threadOf(guildScope(ctx.db, guildId), claimId);
  if (!threadId) return false;
  const t = await serverTranslator(guildScope(ctx.db, guildId), guildLocale);
  await ctx.threads.postInThread(threadId, threadPost(number, item, blind, t));
  return true;
}
