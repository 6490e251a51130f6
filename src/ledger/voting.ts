/** Votes, forecasts, resolution and reopening: the ledger's moving parts. */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { claims, forecasts, votes } from '../db/schema.js';
import { recordAudit, type AuditAction } from './audit.js';
import { changeClaim, findClaim, tallyFor, type ClaimRow } from './claims.js';
import { assertManager, nowOf, SYSTEM_ACTOR, type LedgerCtx } from './context.js';
import { addDays, dueAtFor } from './dates.js';
import { LedgerError } from './errors.js';
import { LIMITS } from './limits.js';
import {
  decideAtClose,
  isDue,
  OUTCOME_LABELS,
  VERDICTS,
  OUTCOMES,
  type CloseDecision,
  type Outcome,
  type Tally,
  type Verdict,
} from './rules.js';
import { addDaysMs, getSettings, type GuildSettings } from './settings.js';
import { optionalText, probability as checkProbability } from './validate.js';

const closed = (message: string) => new LedgerError('closed', message);

function assertVerdict(value: string): Verdict {
  if (!(VERDICTS as readonly string[]).includes(value)) throw new LedgerError('invalid_input', `Unknown verdict "${value.slice(0, 30)}". Use came true, partly, did not or too early.`);
  return value as Verdict;
}

export interface VoteResult {
  claim: ClaimRow;
  verdict: Verdict;
  /** False when a newer vote of the same member was already stored (an older click arrived late). */
  applied: boolean;
  previous: Verdict | null;
  tally: Tally;
}

/**
 * Records or replaces a member's vote on a due claim. One vote per member per round; the vote
 * cast last (by `castAt`, the click's time) wins even when clicks arrive out of order.
 */
export async function castVote(
  ctx: LedgerCtx,
  number: number | string,
  verdictInput: string,
  evidenceInput?: string | null,
  castAt?: Date,
): Promise<VoteResult> {
  const now = nowOf(ctx);
  const at = castAt ?? now;
  const verdict = assertVerdict(verdictInput);
  const evidence = optionalText('Evidence', evidenceInput, LIMITS.evidence);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number);
    if (claim.status === 'resolved') {
      throw closed(`Claim #${claim.number} is already resolved (${OUTCOME_LABELS[claim.outcome ?? 'void']}). A manager can reopen it.`);
    }
    if (!isDue(claim, now)) {
      throw closed(
        `Claim #${claim.number} can be scored once its check date (${claim.checkBy}) has passed. Until then, put your probability on it with /forecast.`,
      );
    }
    const [before] = await tx
      .select({ verdict: votes.verdict })
      .from(votes)
      .where(and(eq(votes.claimId, claim.id), eq(votes.round, claim.round), eq(votes.userId, ctx.actor.id)));
    const stored = await tx
      .insert(votes)
      .values({ guildId: ctx.guildId, claimId: claim.id, round: claim.round, userId: ctx.actor.id, verdict, evidence, castAt: at })
      .onConflictDoUpdate({
        target: [votes.claimId, votes.round, votes.userId],
        set: { verdict: sql`excluded.verdict`, evidence: sql`excluded.evidence`, castAt: sql`excluded.cast_at`, importedFrom: sql`null` },
        setWhere: sql`${votes.castAt} <= excluded.cast_at`,
      })
      .returning({ verdict: votes.verdict });
    const applied = stored.length > 0;
    if (applied) {
      await recordAudit(tx, {
        guildId: ctx.guildId,
        actorId: ctx.actor.id,
        action: 'vote.cast',
        claimId: claim.id,
        claimNumber: claim.number,
        detail: { verdict, from: before?.verdict ?? null, round: claim.round, ...(evidence ? { evidence } : {}) },
        at: now,
      });
      // The sweep skips flagged claims; a new vote hands this one back to it, to be decided again.
      if (claim.flag) await tx.update(claims).set({ flag: null }).where(eq(claims.id, claim.id));
    }
    const tally = await tallyFor(tx, claim.id, claim.round);
    return { claim, verdict, applied, previous: (before?.verdict as Verdict | undefined) ?? null, tally };
  });
}

/** Puts (or changes) a member's probability on a claim; every change is kept. Closes when the check date passes. */
export async function setForecast(ctx: LedgerCtx, number: number | string, probabilityInput: number) {
  const now = nowOf(ctx);
  const probability = checkProbability(probabilityInput);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number);
    if (claim.status === 'resolved') throw closed(`Claim #${claim.number} is resolved; forecasts are closed.`);
    if (claim.dueAt <= now) {
      throw closed(`Forecasts on claim #${claim.number} closed when its check date (${claim.checkBy}) passed. You can still /vote on it.`);
    }
    const [previous] = await tx
      .select({ probability: forecasts.probability })
      .from(forecasts)
      .where(and(eq(forecasts.claimId, claim.id), eq(forecasts.userId, ctx.actor.id)))
      .orderBy(sql`${forecasts.createdAt} desc, ${forecasts.id} desc`)
      .limit(1);
    await tx.insert(forecasts).values({ guildId: ctx.guildId, claimId: claim.id, userId: ctx.actor.id, probability, createdAt: now });
    await recordAudit(tx, {
      guildId: ctx.guildId,
      actorId: ctx.actor.id,
      action: 'forecast.set',
      claimId: claim.id,
      claimNumber: claim.number,
      detail: { probability, from: previous?.probability ?? null },
      at: now,
    });
    return { claim, probability, previous: previous?.probability ?? null };
  });
}

/** A manager's direct resolution (also overrides an earlier one). */
export async function resolveClaim(ctx: LedgerCtx, number: number | string, outcomeInput: string, noteInput?: string | null) {
  assertManager(ctx, 'resolve claims');
  if (!(OUTCOMES as readonly string[]).includes(outcomeInput)) {
    throw new LedgerError('invalid_input', `Unknown outcome "${outcomeInput.slice(0, 30)}". Use came true, partly, did not or void.`);
  }
  const outcome = outcomeInput as Outcome;
  const note = optionalText('Note', noteInput, LIMITS.note);
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number, { forUpdate: true });
    if (claim.status === 'resolved' && claim.outcome === outcome) {
      throw new LedgerError('conflict', `Claim #${claim.number} is already resolved as ${OUTCOME_LABELS[outcome]}.`);
    }
    const tally = await tallyFor(tx, claim.id, claim.round);
    const previous = claim.status === 'resolved' ? claim.outcome : null;
    const row = await changeClaim(
      tx,
      claim,
      { status: 'resolved', outcome, flag: null, resolvedBy: ctx.actor.id, resolvedAt: now, resolutionNote: note },
      { actorId: ctx.actor.id, action: 'claim.resolve', detail: { outcome, from: previous, by: 'manager', tally, ...(note ? { note } : {}) }, at: now },
    );
    return { claim: row, tally, previous };
  });
}

/** Reopens a resolved (or flagged) claim: a new round of voting starts now and runs for the server's window. */
export async function reopenClaim(ctx: LedgerCtx, number: number | string, noteInput?: string | null) {
  assertManager(ctx, 'reopen claims');
  const note = optionalText('Note', noteInput, LIMITS.note);
  const now = nowOf(ctx);
  const settings = await getSettings(ctx.db, ctx.guildId);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number, { forUpdate: true });
    if (claim.status === 'open' && !claim.flag) {
      throw new LedgerError('conflict', `Claim #${claim.number} is already open for voting.`);
    }
    const windowStartsAt = claim.dueAt > now ? claim.dueAt : now;
    return changeClaim(
      tx,
      claim,
      {
        status: 'open',
        outcome: null,
        flag: null,
        resolvedBy: null,
        resolvedAt: null,
        resolutionNote: null,
        round: claim.round + 1,
        windowStartsAt,
        votingClosesAt: addDaysMs(windowStartsAt, settings.votingWindowDays),
      },
      { actorId: ctx.actor.id, action: 'claim.reopen', detail: { fromOutcome: claim.outcome, round: claim.round + 1, ...(note ? { note } : {}) }, at: now },
    );
  });
}

export type AppliedDecision = CloseDecision & { claim: ClaimRow; tally: Tally; changed: boolean };

/** Applies the rule to one locked, open claim. Writes only when something changes. */
async function applyDecision(tx: Db, claim: ClaimRow, settings: GuildSettings, actorId: string, now: Date): Promise<AppliedDecision> {
  const tally = await tallyFor(tx, claim.id, claim.round);
  const decision = decideAtClose(tally, settings);
  const change = (set: Partial<ClaimRow>, action: AuditAction, detail: Record<string, unknown>) =>
    changeClaim(tx, claim, set, { actorId, action, detail: { ...detail, tally }, at: now });
  if (decision.kind === 'resolve') {
    const row = await change({ status: 'resolved', outcome: decision.outcome, flag: null, resolvedBy: actorId, resolvedAt: now }, 'claim.resolve', {
      outcome: decision.outcome,
      by: 'rule',
    });
    return { ...decision, claim: row, tally, changed: true };
  }
  if (decision.kind === 'postpone') {
    const checkBy = addDays(claim.checkBy, decision.days);
    const dueAt = dueAtFor(checkBy, settings.timezone);
    const row = await change(
      { checkBy, dueAt, windowStartsAt: dueAt, votingClosesAt: addDaysMs(dueAt, settings.votingWindowDays), round: claim.round + 1, flag: null },
      'claim.postpone',
      { from: claim.checkBy, to: checkBy },
    );
    return { ...decision, claim: row, tally, changed: true };
  }
  if (claim.flag === decision.reason) return { ...decision, claim, tally, changed: false };
  const row = await change({ flag: decision.reason }, 'claim.flag', { reason: decision.reason });
  return { ...decision, claim: row, tally, changed: true };
}

/** A manager closes voting now: the rule is applied as if the window had ended. */
export async function closeVoting(ctx: LedgerCtx, number: number | string) {
  assertManager(ctx, 'close voting');
  const now = nowOf(ctx);
  const settings = await getSettings(ctx.db, ctx.guildId);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number, { forUpdate: true });
    if (claim.status === 'resolved') throw new LedgerError('conflict', `Claim #${claim.number} is already resolved.`);
    if (claim.dueAt > now) throw closed(`Claim #${claim.number} is not due yet (check date ${claim.checkBy}).`);
    if (claim.votingClosesAt > now) await tx.update(claims).set({ votingClosesAt: now }).where(eq(claims.id, claim.id));
    return applyDecision(tx, { ...claim, votingClosesAt: now }, settings, ctx.actor.id, now);
  });
}

/**
 * The scheduler's sweep, over every server: claims whose voting window has closed get the rule
 * applied (resolved, postponed or flagged). Rows are claimed with SKIP LOCKED, so several
 * processes can sweep at once without doing a claim twice. Returns what changed.
 */
/** Applies the rule to claims whose voting window has closed: every server's, or only `guildId`'s. */
export async function closeExpiredWindows(db: Db, now: Date, batch = 200, guildId?: string): Promise<AppliedDecision[]> {
  const results: AppliedDecision[] = [];
  const settingsCache = new Map<string, GuildSettings>();
  await db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(claims)
      .where(and(eq(claims.status, 'open'), isNull(claims.deletedAt), isNull(claims.flag), lte(claims.votingClosesAt, now), ...(guildId ? [eq(claims.guildId, guildId)] : [])))
      .orderBy(asc(claims.votingClosesAt))
      .limit(batch)
      .for('update', { skipLocked: true });
    for (const claim of due) {
      let settings = settingsCache.get(claim.guildId);
      if (!settings) settingsCache.set(claim.guildId, (settings = await getSettings(tx, claim.guildId)));
      const applied = await applyDecision(tx, claim, settings, SYSTEM_ACTOR.id, now);
      if (applied.changed) results.push(applied);
    }
  });
  return results;
}
