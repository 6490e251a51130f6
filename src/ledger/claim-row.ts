/**
 * A claim row and the one audited way to change it: used by the claims, the votes and the
 * condition chain alike (kept apart from claims.ts so that the chain needs nothing of claims.ts).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { claims } from '../db/schema.js';
import { recordAudit, type AuditAction } from './audit.js';
import { noticeEvent, queueNotices } from './notices.js';

export type ClaimRow = typeof claims.$inferSelect;

/**
 * Writes a change to one claim and its audit entry (same transaction): every transition of a
 * claim goes through here, so none is left unrecorded. A resolution or a reopening also queues
 * the direct messages to the members who asked for them (src/ledger/notices.ts), in the same
 * transaction: `claim` must then carry its status and outcome as they were before.
 */
export async function changeClaim(
  tx: Db,
  claim: Pick<ClaimRow, 'id' | 'guildId' | 'number'> & Partial<Pick<ClaimRow, 'status' | 'outcome'>>,
  set: Partial<typeof claims.$inferInsert>,
  audit: { actorId: string; actorName?: string | null; action: AuditAction; detail: Record<string, unknown>; at: Date },
): Promise<ClaimRow> {
  const [row] = await tx
    .update(claims)
    .set({ ...set, updatedAt: audit.at })
    .where(eq(claims.id, claim.id))
    .returning();
  await recordAudit(tx, { guildId: claim.guildId, claimId: claim.id, claimNumber: claim.number, ...audit });
  const event = 'status' in set || 'outcome' in set ? noticeEvent(claim, row!) : null;
  if (event) await queueNotices(tx, row!, event, audit.actorId, audit.at);
  return row!;
}
