/**
 * Direct messages to members, as the ledger sees them: each member's setting (per server), who is
 * told when a claim resolves or is reopened, and the outbox rows that say so. The rows are
 * written in the transaction that changes the claim (changeClaim, src/ledger/claim-row.ts); the
 * sending happens outside it (src/jobs/direct-messages.ts).
 */
import { sql } from 'drizzle-orm';
import { directMessages, memberSettings } from '../db/schema.js';
import type { Outcome } from './rules.js';
import { assertSameServer, type GuildScope } from './context.js';

/** At most this many direct messages per event of a claim; the members past it are left out (and logged). */
export const MAX_DMS_PER_EVENT = 100;

export type NoticeEvent = 'resolved' | 'reopened';

type ClaimState = { status?: 'open' | 'resolved' | 'waiting' | undefined; outcome?: Outcome | null | undefined };

/**
 * What a change of a claim tells its members: `resolved` when it becomes resolved or its outcome
 * changes (a manager overriding a result), `reopened` when a resolved claim stops being resolved.
 * Anything else (edits, postponements, flags, a flagged claim given a new round) tells nobody.
 * A state whose status is not known (a change that does not read it) tells nobody either.
 */
export function noticeEvent(before: ClaimState, after: ClaimState): { event: NoticeEvent; outcome: Outcome | null } | null {
  if (before.status === undefined || after.status === undefined) return null;
  if (after.status === 'resolved') {
    if (before.status !== 'resolved' || before.outcome !== after.outcome) return { event: 'resolved', outcome: after.outcome ?? null };
    return null;
  }
  if (before.status === 'resolved') return { event: 'reopened', outcome: before.outcome ?? null };
  return null;
}

/**
 * Who gets a direct message, of the members who opted in and forecast or voted on the claim:
 * not the member who made the change (they know), each once, in a stable order, at most `cap`.
 */
export function chooseRecipients(candidates: readonly string[], actorId: string, cap = MAX_DMS_PER_EVENT): { recipients: string[]; leftOut: number } {
  const unique = [...new Set(candidates)].filter((id) => id !== actorId).sort();
  return { recipients: unique.slice(0, cap), leftOut: Math.max(0, unique.length - cap) };
}

/**
 * Writes the outbox rows for one event of a claim (in the caller's transaction): one per member
 * who forecast or voted on it (any round), opted in here, and has not had a DM refused since.
 */
export async function queueNotices(
  ctx: GuildScope,
  claim: { guildId: string; id: number },
  what: { event: NoticeEvent; outcome: Outcome | null },
  actorId: string,
  now: Date,
): Promise<{ queued: number; leftOut: number }> {
  assertSameServer(ctx, claim);
  const { db: tx } = ctx;
  const result = await tx.execute(sql`
    select s.user_id from member_settings s
    where s.guild_id = ${claim.guildId} and s.notify and s.dm_refused_at is null
      and s.user_id in (
        select v.user_id from votes v where v.guild_id = ${claim.guildId} and v.claim_id = ${claim.id}::int
        union
        select f.user_id from forecasts f where f.guild_id = ${claim.guildId} and f.claim_id = ${claim.id}::int
      )`);
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as { user_id: string }[];
  const { recipients, leftOut } = chooseRecipients(rows.map((r) => r.user_id), actorId);
  if (recipients.length) {
    await tx.insert(directMessages).values(
      recipients.map((userId) => ({
        guildId: claim.guildId,
        claimId: claim.id,
        userId,
        event: what.event,
        outcome: what.outcome,
        eligible: recipients.length + leftOut,
        createdAt: now,
      })),
    );
  }
  return { queued: recipients.length, leftOut };
}

export interface MemberSettings {
  notify: boolean;
  /** When Discord last refused a DM to the member (their privacy settings); null when it has not since they turned DMs on. */
  dmRefusedAt: Date | null;
}

/** A member's settings in a server (the defaults when they never changed one). */
export async function getMemberSettings(ctx: GuildScope, userId: string): Promise<MemberSettings> {
  const { db, guildId } = ctx;
  const result = await db.execute(sql`select notify, dm_refused_at from member_settings where guild_id = ${guildId} and user_id = ${userId}`);
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as { notify: boolean; dm_refused_at: string | Date | null }[];
  const row = rows[0];
  if (!row) return { notify: false, dmRefusedAt: null };
  return { notify: row.notify, dmRefusedAt: row.dm_refused_at === null ? null : new Date(row.dm_refused_at) };
}

/** Turns a member's direct messages on or off in a server (one upsert). Turning them on clears a refusal noted before. */
export async function setNotify(ctx: GuildScope, userId: string, notify: boolean, now: Date): Promise<MemberSettings> {
  const { db, guildId } = ctx;
  const [row] = await db
    .insert(memberSettings)
    .values({ guildId, userId, notify, dmRefusedAt: null, updatedAt: now })
    .onConflictDoUpdate({
      target: [memberSettings.guildId, memberSettings.userId],
      set: { notify, updatedAt: now, ...(notify ? { dmRefusedAt: null } : {}) },
    })
    .returning({ notify: memberSettings.notify, dmRefusedAt: memberSettings.dmRefusedAt });
  return { notify: row!.notify, dmRefusedAt: row!.dmRefusedAt };
}

/** Discord refused a DM to the member (403, 50007): no more are tried until they turn DMs on again. */
export async function noteDmRefused(ctx: GuildScope, userId: string, now: Date): Promise<void> {
  const { db, guildId } = ctx;
  await db
    .update(memberSettings)
    .set({ dmRefusedAt: now })
    .where(sql`${memberSettings.guildId} = ${guildId} and ${memberSettings.userId} = ${userId}`);
}
