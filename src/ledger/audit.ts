import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';

export type AuditAction =
  | 'claim.add'
  | 'claim.import'
  | 'claim.edit'
  | 'claim.delete'
  | 'vote.cast'
  | 'forecast.set'
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
  at?: Date;
}

export async function recordAudit(db: Db, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = (Array.isArray(entry) ? entry : [entry]).map((e) => ({
    guildId: e.guildId,
    actorId: e.actorId,
    action: e.action,
    claimId: e.claimId ?? null,
    claimNumber: e.claimNumber ?? null,
    detail: e.detail ?? {},
    ...(e.at ? { createdAt: e.at } : {}),
  }));
  if (rows.length) await db.insert(auditLog).values(rows);
}

export async function claimHistory(db: Db, guildId: string, claimId: number, limit = 10) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.guildId, guildId), eq(auditLog.claimId, claimId)))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit);
}
