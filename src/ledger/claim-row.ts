/**
 * A claim row and the one audited way to change it: used by the claims, the votes and the
 * condition chain alike (kept apart from claims.ts so that the chain needs nothing of claims.ts).
 */
import { eq } from 'drizzle-orm';
import { claims } from '../db/schema.js';
import { recordAudit, type AuditAction } from './audit.js';
import { noticeEvent, queueNotices } from './notices.js';
import { assertSameServer, type GuildScope } from './context.js';

export type ClaimRow = typeof claims.$inferSelect;

/**
 * Writes a change to one claim and its audit entry (same transaction): every transition of a
 * claim goes through here, so none is left unrecorded. A resolution or a reopening also queues
 * the direct messages to the members who asked for them (src/ledger/notices.ts), in the same
 * transaction: `claim` must then carry its status and outcome as they were before.
 */
export async function changeClaim(
  ctx: GuildScope,
  claim: Pick<ClaimRow, 'id' | 'guildId' | 'number'> & Partial<Pick<ClaimRow, 'status' | 'outcome'>>,
  set: Partial<typeof claims.$inferInsert>,
  audit: { actorId: string; actorName?: string | null; action: AuditAction; detail: Record<string, unknown>; at: Date },
): Promise<ClaimRow> {
  assertSameServer(ctx, claim);
  const { db: tx } = ctx;
  const [row] = await tx
    .update(claims)
    .set({ ...set, updatedAt: audit.at })
    .where(eq(claims.id, claim.id))
    .returning();
  await recordAudit(ctx, { guildId: claim.guildId, claimId: claim.id, claimNumber: claim.number, ...audit });
  const event = 'status' in set || 'outcome' in set ? noticeEvent(claim, row!) : null;
  if (event) await queueNotices(ctx, row!, event, audit.actorId, audit.at);
  return row!;
}

const CARD_TIMESTAMPS = new Set(['dueAt', 'windowStartsAt', 'votingClosesAt', 'resolvedAt', 'createdAt', 'updatedAt', 'deletedAt']);

/** Rows of a raw statement, whichever driver ran it (postgres.js: an array; PGlite: `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}

/** A claims row as to_jsonb gives it (snake_case keys, timestamps as text) → the drizzle row. */
export function claimRowFromJson(json: Record<string, unknown>): ClaimRow {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    row[camel] = CARD_TIMESTAMPS.has(camel) && typeof value === 'string' ? new Date(value) : value;
  }
  return row as ClaimRow;
}
