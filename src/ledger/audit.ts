import { and, desc, eq, notInArray, or, sql } from 'drizzle-orm';
import { auditLog } from '../db/schema.js';
import { assertSameServer, type GuildScope } from './context.js';

export type AuditAction =
  | 'claim.add'
  | 'claim.import'
  | 'claim.edit'
  | 'claim.delete'
  | 'vote.cast'
  | 'forecast.set'
  | 'evidence.add'
  | 'evidence.remove'
  | 'claim.resolve'
  | 'claim.reopen'
  | 'claim.postpone'
  | 'claim.flag'
  | 'settings.change'
  | 'schedule.add'
  | 'schedule.remove'
  | 'schedule.pause'
  | 'schedule.resume'
  | 'schedule.disable';

export interface AuditEntry {
  guildId: string;
  actorId: string;
  action: AuditAction;
  claimId?: number | null;
  claimNumber?: number | null;
  detail?: Record<string, unknown>;
  /** The actor's name as the server showed it then (kept in the detail; exports name members by it). */
  actorName?: string | null;
  at?: Date;
}

export async function recordAudit(ctx: GuildScope, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const { db } = ctx;
  const entries = Array.isArray(entry) ? entry : [entry];
  for (const e of entries) assertSameServer(ctx, e);
  const rows = entries.map((e) => ({
    guildId: e.guildId,
    actorId: e.actorId,
    action: e.action,
    claimId: e.claimId ?? null,
    claimNumber: e.claimNumber ?? null,
    detail: e.actorName ? { ...e.detail, actorName: e.actorName.slice(0, 100) } : (e.detail ?? {}),
    ...(e.at ? { createdAt: e.at } : {}),
  }));
  if (rows.length) await db.insert(auditLog).values(rows);
}

/**
 * A claim's recent history. `hide` leaves out entries of these actions by anyone but `viewer`
 * (blind voting hides others' votes; others' forecasts are private before the check date).
 */
export async function claimHistory(
  ctx: GuildScope,
  claimId: number,
  limit = 10,
  hide: { actions: AuditAction[]; viewer: string } = { actions: [], viewer: '' },
) {
  const { db, guildId } = ctx;
  const conditions = [eq(auditLog.guildId, guildId), eq(auditLog.claimId, claimId)];
  if (hide.actions.length) conditions.push(or(notInArray(auditLog.action, hide.actions), eq(auditLog.actorId, hide.viewer))!);
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit);
}

/** The latest edit a manager made once the claim was locked (forecasts, votes, due or resolved), for the card. */
export async function lastLockedEdit(ctx: GuildScope, claimId: number) {
  const { db, guildId } = ctx;
  const [row] = await db
    .select({ actorId: auditLog.actorId, at: auditLog.createdAt, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.guildId, guildId), eq(auditLog.claimId, claimId), eq(auditLog.action, 'claim.edit'), sql`${auditLog.detail}->>'lockedBy' is not null`))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(1);
  return row ? { actorId: row.actorId, at: row.at, lockedBy: String(row.detail.lockedBy), fields: Object.keys((row.detail.changes as object) ?? {}) } : null;
}

/**
 * The names members of a server were last seen under, from the audit trail (`detail.actorName`,
 * recorded with what they did): where known, for exports. Hindsight itself is "Hindsight".
 */
export async function memberNames(ctx: GuildScope): Promise<Map<string, string>> {
  const { db, guildId } = ctx;
  const rows = await db
    .selectDistinctOn([auditLog.actorId], { id: auditLog.actorId, name: sql<string>`${auditLog.detail}->>'actorName'` })
    .from(auditLog)
    .where(and(eq(auditLog.guildId, guildId), sql`${auditLog.detail}->>'actorName' is not null`))
    .orderBy(auditLog.actorId, desc(auditLog.createdAt), desc(auditLog.id));
  const names = new Map(rows.map((r) => [r.id, r.name]));
  names.set('system', 'Hindsight');
  return names;
}
