/** Votes, forecasts, resolution and reopening: the ledger's moving parts. */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { claims, forecasts } from '../db/schema.js';
import { recordAudit, type AuditAction } from './audit.js';
import { changeClaim, claimRowFromJson, findClaim, rowsOf, tallyFor, type ClaimRow } from './claims.js';
import { assertManager, nowOf, SYSTEM_ACTOR, type LedgerCtx } from './context.js';
import { addDays, dueAtFor } from './dates.js';
import { LedgerError, notFound } from './errors.js';
import { LIMITS } from './limits.js';
import {
  decideAtClose,
  emptyTally,
  isDue,
  OUTCOME_LABELS,
  VERDICTS,
  OUTCOMES,
  type CloseDecision,
  type Outcome,
  type Tally,
  type Verdict,
} from './rules.js';
import { addDaysMs, DEFAULT_SETTINGS, getSettings, type GuildSettings } from './settings.js';
import { claimNumber, optionalText, probability as checkProbability } from './validate.js';

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
  /** The server's blind-voting setting, read in the same statement. */
  blindVoting: boolean;
}

/** The message a vote was cast from: its card is marked for a refresh in the vote's own statement. */
export interface VoteCard {
  messageId: string;
  channelId: string;
  /** Embeds of the message around the card, kept when the card is edited (null: the card is the whole message). */
  frame?: { before: unknown[]; after: unknown[] } | null;
}

interface VoteStatementRow {
  claim: Record<string, unknown>;
  applied: number;
  previous: Verdict | null;
  others: Record<string, number> | null;
  blind: boolean | null;
}

/**
 * Records or replaces a member's vote on a due claim. One vote per member per round; the vote
 * cast last (by `castAt`, the click's time) wins even when clicks arrive out of order.
 *
 * One statement, one round trip: it locks the claim row (FOR KEY SHARE), checks it is open and
 * due, upserts the vote, writes its audit entry, hands a flagged claim back to the sweep (clears
 * the flag), marks the card the click came from for a refresh, and returns the claim and the new
 * tally. Every transition of a claim (the closer, /resolve, /reopen, a postponement, an edit)
 * takes FOR UPDATE first, which conflicts with the vote's lock: a vote either commits before the
 * transition reads the tally, or waits and then sees the transition (and is refused when the
 * round is closed). KEY SHARE rather than SHARE because the vote may itself update the row (the
 * flag), which under SHARE would deadlock two voters on a flagged claim.
 */
export async function castVote(
  ctx: LedgerCtx,
  number: number | string,
  verdictInput: string,
  evidenceInput?: string | null,
  castAt?: Date,
  card?: VoteCard | null,
): Promise<VoteResult> {
  const now = nowOf(ctx);
  const at = castAt ?? now;
  const verdict = assertVerdict(verdictInput);
  const evidence = optionalText('Evidence', evidenceInput, LIMITS.evidence);
  const n = claimNumber(number);
  const g = ctx.guildId;
  const u = ctx.actor.id;
  const nowText = now.toISOString();
  const result = await ctx.db.execute(sql`
    with c as (
      select * from claims where guild_id = ${g} and number = ${n}::int and deleted_at is null for key share
    ), ok as (
      select * from c where status = 'open' and due_at <= ${nowText}::timestamptz
    ), prev as (
      select v.verdict from votes v join c on v.claim_id = c.id and v.round = c.round where v.user_id = ${u}
    ), ins as (
      insert into votes as v (guild_id, claim_id, round, user_id, verdict, evidence, cast_at)
      select ${g}, ok.id, ok.round, ${u}, ${verdict}::verdict, ${evidence}::text, ${at.toISOString()}::timestamptz from ok
      on conflict (claim_id, round, user_id) do update
        set verdict = excluded.verdict, evidence = excluded.evidence, cast_at = excluded.cast_at, imported_from = null
        where v.cast_at <= excluded.cast_at
      returning v.verdict
    ), audit as (
      insert into audit_log (guild_id, actor_id, action, claim_id, claim_number, detail, created_at)
      select ${g}, ${u}, 'vote.cast', ok.id, ok.number,
        jsonb_build_object('verdict', ${verdict}::text, 'from', (select verdict::text from prev), 'round', ok.round)
          || case when ${evidence}::text is null then '{}'::jsonb else jsonb_build_object('evidence', ${evidence}::text) end,
        ${nowText}::timestamptz
      from ok, ins
    ), unflag as (
      update claims set flag = null from ok, ins where claims.id = ok.id and ok.flag is not null
    ), card as (
      insert into card_refreshes (guild_id, message_id, channel_id, claim_id, frame, dirty_at)
      select ${g}, ${card?.messageId ?? null}::text, ${card?.channelId ?? null}::text, ok.id, ${card?.frame ? JSON.stringify(card.frame) : null}::jsonb, ${nowText}::timestamptz
      from ok, ins where ${card?.messageId ?? null}::text is not null
      on conflict (guild_id, message_id) do update
        set version = card_refreshes.version + 1, dirty_at = excluded.dirty_at, claim_id = excluded.claim_id, frame = excluded.frame
    ), others as (
      select v.verdict, count(*)::int as n from votes v join c on v.claim_id = c.id and v.round = c.round
      where v.user_id <> ${u} group by v.verdict
    )
    select to_jsonb(c) as claim,
      (select count(*) from ins)::int as applied,
      (select verdict from prev) as previous,
      (select jsonb_object_agg(verdict, n) from others) as others,
      (select blind_voting from guilds where guild_id = ${g}) as blind
    from c`);
  const [row] = rowsOf<VoteStatementRow>(result);
  if (!row) throw notFound(`There is no claim #${n} in this server. /predict list shows the claims.`);
  const claim = claimRowFromJson(row.claim);
  if (claim.status === 'resolved') {
    throw closed(`Claim #${claim.number} is already resolved (${OUTCOME_LABELS[claim.outcome ?? 'void']}). A manager can reopen it.`);
  }
  if (!isDue(claim, now)) {
    throw closed(
      `Claim #${claim.number} can be scored once its check date (${claim.checkBy}) has passed. Until then, put your probability on it with /forecast.`,
    );
  }
  const applied = Number(row.applied) > 0;
  const previous = row.previous ?? null;
  const tally = emptyTally();
  for (const [v, count] of Object.entries(row.others ?? {})) tally[v as Verdict] = Number(count);
  // The member's own vote: this one if stored, else the newer one already there.
  const mine = applied ? verdict : previous;
  if (mine) tally[mine] += 1;
  return { claim: applied && claim.flag ? { ...claim, flag: null } : claim, verdict, applied, previous, tally, blindVoting: row.blind ?? DEFAULT_SETTINGS.blindVoting };
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
      { actorId: ctx.actor.id, actorName: ctx.actor.name, action: 'claim.resolve', detail: { outcome, from: previous, by: 'manager', tally, ...(note ? { note } : {}) }, at: now },
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
