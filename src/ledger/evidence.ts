/**
 * Evidence items on a claim: a link and/or a short note, by a member, for one side (came true,
 * did not, context). Added from the card's Add evidence form and from `/vote … evidence:`; a
 * manager removes one (the row is kept, marked removed, and the removal audited).
 */
import { and, asc, count, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { cardRefreshes, claims, evidence } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { assertManager, nowOf, type LedgerCtx, type GuildScope } from './context.js';
import { invalid, notFound } from './errors.js';
import { LIMITS } from './limits.js';
import { claimNumber } from './validate.js';
import { checkEvidence, EVIDENCE_SIDES, type EvidenceSide } from './evidence-rules.js';

export { checkEvidence, EVIDENCE_SIDE_LABELS, EVIDENCE_SIDES, parseSide, sideForVerdict, splitEvidence, type EvidenceSide } from './evidence-rules.js';

/** Claim #number of this server (not deleted): its id and number, or a clear error. */
async function findClaim(ctx: GuildScope, number: number | string): Promise<{ id: number; number: number }> {
  const { db, guildId } = ctx;
  const n = claimNumber(number);
  const [row] = await db
    .select({ id: claims.id, number: claims.number })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), eq(claims.number, n), isNull(claims.deletedAt)));
  if (!row) throw notFound('ledgerErrors.noClaim', { number: n });
  return row;
}

export interface EvidenceItem {
  id: number;
  /**
   * Its number on its claim (1, 2, 3 …): its place among every item the claim was ever given, in the
   * order they were stored, removed ones included, so a number never moves or comes back. Given where
   * items are listed for removal (listEvidence); what /predict evidence-remove takes.
   */
  number?: number;
  claimId: number;
  userId: string;
  side: EvidenceSide;
  url: string | null;
  note: string | null;
  createdAt: Date;
}

export interface EvidenceInput {
  claim: number | string;
  side: EvidenceSide;
  url?: string | null;
  note?: string | null;
}

/** Adds an item to a claim of this server (any claim not deleted), audited. */
export async function addEvidence(ctx: LedgerCtx, input: EvidenceInput): Promise<{ item: EvidenceItem; claimNumber: number }> {
  if (!(EVIDENCE_SIDES as readonly string[]).includes(input.side)) throw invalid('ledgerErrors.side');
  const { url, note } = checkEvidence(input);
  const now = nowOf(ctx);
  const claim = await findClaim(ctx, input.claim);
  const [row] = await ctx.db
    .insert(evidence)
    .values({ guildId: ctx.guildId, claimId: claim.id, userId: ctx.actor.id, side: input.side, url, note, createdAt: now })
    .onConflictDoUpdate({
      // The same member adding twice in the same millisecond: the later text wins (one item).
      target: [evidence.guildId, evidence.claimId, evidence.userId, evidence.createdAt],
      set: { side: input.side, url, note },
    })
    .returning();
  await recordAudit(ctx, {
    guildId: ctx.guildId,
    actorId: ctx.actor.id,
    action: 'evidence.add',
    claimId: claim.id,
    claimNumber: claim.number,
    detail: { evidence: row!.id, side: input.side },
    at: now,
  });
  await touchCards(ctx, claim.id, now);
  return { item: toItem(row!), claimNumber: claim.number };
}

/** The claim's registered cards are pending again (the card flusher re-renders them with the new count). */
export async function touchCards(ctx: GuildScope, claimId: number, now: Date): Promise<void> {
  const { db, guildId } = ctx;
  await db.execute(sql`
    update card_refreshes r
    set version = r.version + 1, dirty_at = case when r.version > r.flushed_version then r.dirty_at else ${now.toISOString()}::timestamptz end
    where r.guild_id = ${guildId} and r.claim_id = ${claimId}::int`);
}

/** Registers a card message of claim #number (its Add evidence button was clicked), so later items refresh it. */
export async function registerCard(
  ctx: GuildScope,
  number: number,
  card: { messageId: string; channelId: string; frame: unknown },
  now: Date,
): Promise<void> {
  const { db, guildId } = ctx;
  const claim = await findClaim(ctx, number);
  await db
    .insert(cardRefreshes)
    .values({ guildId, messageId: card.messageId, channelId: card.channelId, claimId: claim.id, frame: card.frame as never, dirtyAt: now, version: 0, flushedVersion: 0 })
    .onConflictDoNothing();
}

/** A manager removes item `item` (its number on the claim, as /predict show lists it) of claim #number (kept, marked removed), audited. */
export async function removeEvidence(ctx: LedgerCtx, input: { claim: number | string; item: number }): Promise<{ claimNumber: number }> {
  assertManager(ctx, 'ledgerErrors.can.removeEvidence');
  const claim = await findClaim(ctx, input.claim);
  const now = nowOf(ctx);
  // the item with that number (numbers count every item the claim was given, removed ones too), if not removed yet
  const numbered = numberedItems(ctx, claim.id);
  const [row] = await ctx.db
    .update(evidence)
    .set({ removedAt: now, removedBy: ctx.actor.id })
    .where(
      and(
        eq(evidence.guildId, ctx.guildId),
        isNull(evidence.removedAt),
        eq(evidence.id, sql`(select ${numbered.id} from ${numbered} where ${numbered.number} = ${Math.trunc(input.item)}::int)`),
      ),
    )
    .returning({ id: evidence.id });
  if (!row) throw notFound('ledgerErrors.noEvidenceItem', { number: claim.number, id: input.item });
  await recordAudit(ctx, {
    guildId: ctx.guildId,
    actorId: ctx.actor.id,
    action: 'evidence.remove',
    claimId: claim.id,
    claimNumber: claim.number,
    detail: { evidence: row.id, number: input.item },
    at: now,
  });
  await touchCards(ctx, claim.id, now);
  return { claimNumber: claim.number };
}

/** Every item of a claim with its number on the claim (removed ones too: numbers never move). */
function numberedItems(ctx: GuildScope, claimId: number) {
  return ctx.db
    .select({ ...getTableColumns(evidence), number: sql<number>`(row_number() over (order by ${evidence.id}))::int`.as('number') })
    .from(evidence)
    .where(and(eq(evidence.guildId, ctx.guildId), eq(evidence.claimId, claimId)))
    .as('numbered');
}

function toItem(row: typeof evidence.$inferSelect): EvidenceItem {
  return { id: row.id, claimId: row.claimId, userId: row.userId, side: row.side, url: row.url, note: row.note, createdAt: row.createdAt };
}

/** A page of a claim's items (oldest first) and how many there are. */
export async function listEvidence(ctx: GuildScope, claimId: number, page = 1): Promise<{ items: EvidenceItem[]; total: number; pages: number }> {
  const { db, guildId } = ctx;
  const where = and(eq(evidence.guildId, guildId), eq(evidence.claimId, claimId), isNull(evidence.removedAt));
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(evidence).where(where);
  const pages = Math.max(1, Math.ceil(n / LIMITS.pageSize));
  const p = Math.min(Math.max(1, page), pages);
  const numbered = numberedItems(ctx, claimId);
  const rows = await db
    .select()
    .from(numbered)
    .where(isNull(numbered.removedAt))
    .orderBy(asc(numbered.createdAt), asc(numbered.id))
    .limit(LIMITS.pageSize)
    .offset((p - 1) * LIMITS.pageSize);
  return { items: rows.map((r) => ({ ...toItem(r), number: Number(r.number) })), total: n, pages };
}

export interface EvidenceSummary {
  total: number;
  bySide: Record<EvidenceSide, number>;
  latest: EvidenceItem[];
}

/** What a card shows: the count, the count by side, the latest few items (newest first). */
export async function evidenceSummary(ctx: GuildScope, claimId: number, latest = 3): Promise<EvidenceSummary> {
  const { db, guildId } = ctx;
  const where = and(eq(evidence.guildId, guildId), eq(evidence.claimId, claimId), isNull(evidence.removedAt));
  const counts = await db.select({ side: evidence.side, n: count() }).from(evidence).where(where).groupBy(evidence.side);
  const bySide: Record<EvidenceSide, number> = { came_true: 0, did_not: 0, context: 0 };
  for (const c of counts) bySide[c.side] = Number(c.n);
  const rows = latest > 0 ? await db.select().from(evidence).where(where).orderBy(desc(evidence.createdAt), desc(evidence.id)).limit(latest) : [];
  return { total: bySide.came_true + bySide.did_not + bySide.context, bySide, latest: rows.map(toItem) };
}

/** Every item of this server (removed ones left out), for the exports. */
export async function allEvidence(ctx: GuildScope): Promise<EvidenceItem[]> {
  const { db, guildId } = ctx;
  const rows = await db
    .select()
    .from(evidence)
    .where(and(eq(evidence.guildId, guildId), isNull(evidence.removedAt)))
    .orderBy(asc(evidence.claimId), asc(evidence.createdAt), asc(evidence.id));
  return rows.map(toItem);
}
