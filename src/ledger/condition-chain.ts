/**
 * Conditions in the database: after any change of a claim's status or outcome, its dependents
 * follow (src/ledger/conditions.ts has the rules), in the same transaction, and theirs after
 * them, so a chain A → B → C settles at once. Locks go from a condition to its dependents (a
 * manager resolving a dependent locks its condition first), so two transitions never wait on
 * each other in a loop.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { claims } from '../db/schema.js';
import { changeClaim, type ClaimRow } from './claim-row.js';
import { assertSameServer, SYSTEM_ACTOR, type GuildScope } from './context.js';
import { dueAtFor } from './dates.js';
import { invalid } from './errors.js';
import { followCondition, wouldCycle, type Follow } from './conditions.js';
import { addDaysMs, type GuildSettings } from './settings.js';

/** Chains longer than this are refused when made, and never followed further. */
export const MAX_CHAIN = 50;

/** The columns a dependent's move writes, for a given follow. */
export function followSet(dependent: ClaimRow, follow: Follow, settings: GuildSettings, now: Date, opts: { keepRound?: boolean } = {}): Partial<typeof claims.$inferInsert> {
  const newRound = dependent.status === 'waiting' || opts.keepRound ? dependent.round : dependent.round + 1;
  switch (follow.kind) {
    case 'wait':
      return { status: 'waiting', outcome: null, flag: null, resolvedBy: null, resolvedAt: null, resolutionNote: null, round: newRound };
    case 'void':
      return { status: 'resolved', outcome: 'void', flag: null, resolvedBy: SYSTEM_ACTOR.id, resolvedAt: now, resolutionNote: follow.reason };
    case 'open': {
      const dueAt = dueAtFor(follow.checkBy, settings.timezone);
      const windowStartsAt = dueAt < now ? now : dueAt;
      return {
        status: 'open',
        outcome: null,
        flag: null,
        resolvedBy: null,
        resolvedAt: null,
        resolutionNote: null,
        checkBy: follow.checkBy,
        dueAt,
        windowStartsAt,
        votingClosesAt: addDaysMs(windowStartsAt, settings.votingWindowDays),
        round: follow.reopen ? dependent.round + 1 : dependent.round,
      };
    }
  }
}

const ACTIONS = { wait: 'claim.reopen', void: 'claim.resolve', open: 'claim.reopen' } as const;

/**
 * Moves one locked dependent as its condition says (audited, by the system). Returns the new row,
 * or null when nothing changed. `keepRound`: a claim put back to waiting keeps its round (an
 * import that first links it to a condition: the votes already cast count when it opens).
 */
export async function moveDependent(ctx: GuildScope, dependent: ClaimRow, condition: ClaimRow, settings: GuildSettings, now: Date, opts: { keepRound?: boolean } = {}): Promise<ClaimRow | null> {
  assertSameServer(ctx, dependent);
  assertSameServer(ctx, condition);
  const follow = followCondition(condition, dependent, settings.timezone, now);
  if (!follow) return null;
  const set = followSet(dependent, follow, settings, now, opts);
  const detail: Record<string, unknown> = {
    by: 'condition',
    condition: condition.number,
    conditionOutcome: condition.status === 'resolved' ? condition.outcome : null,
    ...(follow.kind === 'void' ? { outcome: 'void', from: dependent.status === 'resolved' ? dependent.outcome : null, reason: follow.reason } : {}),
    ...(follow.kind === 'wait' ? { waiting: true, fromOutcome: dependent.outcome, round: set.round } : {}),
    ...(follow.kind === 'open' ? { checkBy: follow.checkBy, round: set.round } : {}),
  };
  return changeClaim(ctx, dependent, set, { actorId: SYSTEM_ACTOR.id, action: ACTIONS[follow.kind], detail, at: now });
}

/**
 * Makes the live dependents of `condition` (just changed, in this transaction) follow it, and
 * theirs after them. Returns every claim moved, in the order they moved.
 */
export async function followDependents(ctx: GuildScope, condition: ClaimRow, settings: GuildSettings, now: Date, depth = 0): Promise<ClaimRow[]> {
  assertSameServer(ctx, condition);
  const { db: tx } = ctx;
  if (depth >= MAX_CHAIN) return [];
  const dependents = await tx
    .select()
    .from(claims)
    .where(and(eq(claims.guildId, condition.guildId), eq(claims.conditionClaimId, condition.id), isNull(claims.deletedAt)))
    .orderBy(asc(claims.number))
    .for('update');
  const moved: ClaimRow[] = [];
  for (const dependent of dependents) {
    const row = await moveDependent(ctx, dependent, condition, settings, now);
    if (!row) continue;
    moved.push(row, ...(await followDependents(ctx, row, settings, now, depth + 1)));
  }
  return moved;
}

/** The condition of a dependent, locked for share (a condition is locked before its dependents). */
export async function lockCondition(ctx: GuildScope, conditionId: number): Promise<ClaimRow | null> {
  const { db: tx, guildId } = ctx;
  const [row] = await tx.select().from(claims).where(and(eq(claims.guildId, guildId), eq(claims.id, conditionId))).for('share');
  return row ?? null;
}

/** The condition chain above `conditionId` (ids, nearest first), within the server. */
async function chainAbove(ctx: GuildScope, conditionId: number): Promise<Map<number, number | null>> {
  const { db: tx, guildId } = ctx;
  const result = await tx.execute(sql`
    with recursive up(id, condition_claim_id, depth) as (
      select id, condition_claim_id, 1 from claims where guild_id = ${guildId} and id = ${conditionId}::int
      union all
      select c.id, c.condition_claim_id, up.depth + 1 from claims c join up on c.id = up.condition_claim_id
      where c.guild_id = ${guildId} and up.depth < ${MAX_CHAIN + 1}
    ) select id, condition_claim_id from up`);
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as { id: number; condition_claim_id: number | null }[];
  return new Map(rows.map((r) => [Number(r.id), r.condition_claim_id == null ? null : Number(r.condition_claim_id)]));
}

/** Refuses a condition that would make `claimId` hang on itself or on one of its own dependents, or a chain too long. */
export async function assertConditionAllowed(ctx: GuildScope, claim: { id: number; number: number } | null, condition: ClaimRow): Promise<void> {
  assertSameServer(ctx, condition);
  if (claim && claim.id === condition.id) throw invalid('ledgerErrors.hangsOnItself', { number: claim.number });
  const above = await chainAbove(ctx, condition.id);
  if (claim && wouldCycle((id) => above.get(id), claim.id, condition.id)) {
    throw invalid('ledgerErrors.conditionCycle', { number: claim.number, condition: condition.number });
  }
  if (above.size >= MAX_CHAIN) throw invalid('ledgerErrors.chainTooLong', { condition: condition.number, count: MAX_CHAIN });
}

/** Claims of a server by id (for a few ids). */
export async function claimsById(ctx: GuildScope, ids: number[]): Promise<ClaimRow[]> {
  const { db: tx, guildId } = ctx;
  if (!ids.length) return [];
  return tx.select().from(claims).where(and(eq(claims.guildId, guildId), inArray(claims.id, ids)));
}
