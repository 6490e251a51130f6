/** Votes, forecasts, resolution and reopening: the ledger's moving parts. */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { executePrepared, type Db } from '../db/client.js';
import { claims, forecasts } from '../db/schema.js';
import { recordAudit, type AuditAction } from './audit.js';
import { changeClaim, rowsOf, type ClaimRow } from './claim-row.js';
import { findClaim, tallyFor } from './claim-queries.js';
import { assertManager, assertSameServer, nowOf, SYSTEM_ACTOR, type LedgerCtx, type GuildScope, inTx, guildScope } from './context.js';
import { addDays, dueAtFor } from './dates.js';
import { LedgerError, notFound, type MessageVars } from './errors.js';
import type { MessageKey } from '../i18n/index.js';
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
import { conditionState, resolveGuard, type ConditionState } from './conditions.js';
import { followDependents, lockCondition } from './condition-chain.js';

const closed = (key: MessageKey, vars?: MessageVars) => new LedgerError('closed', key, vars);

function assertVerdict(value: string): Verdict {
  if (!(VERDICTS as readonly string[]).includes(value)) throw new LedgerError('invalid_input', 'ledgerErrors.unknownVerdict', { got: value.slice(0, 30) });
  return value as Verdict;
}

export interface VoteResult {
  /** The claim as the vote found it (its flag cleared when this vote handed it back to the sweep). */
  claim: VoteClaim;
  verdict: Verdict;
  /** False when a newer vote of the same member was already stored (an older click arrived late). */
  applied: boolean;
  previous: Verdict | null;
  /** The round's tally with this vote, when asked for (`withTally`); else null. */
  tally: Tally | null;
  /** The server's blind-voting setting, read in the same statement when the tally was asked for; else null. */
  blindVoting: boolean | null;
}

/** What a vote reads of its claim. */
export type VoteClaim = Pick<ClaimRow, 'id' | 'number' | 'round' | 'status' | 'outcome' | 'flag' | 'checkBy' | 'dueAt' | 'windowStartsAt' | 'votingClosesAt'>;

/**
 * The message a vote was cast from: registered as a card on the first stored vote from it (in the
 * vote's own statement, and never written again by a click), so the card flusher edits it when
 * the claim's votes change.
 */
export interface VoteCard {
  messageId: string;
  channelId: string;
  /** Embeds of the message around the card, kept when the card is edited, and whether it is a round's compact card (null: the card is the whole message, a full one). */
  frame?: { before: unknown[]; after: unknown[]; compact?: boolean } | null;
}

export interface VoteInput {
  /** The claim's number in the server. */
  claim: number | string;
  verdict: string;
  evidence?: string | null;
  /** The click's time (last click wins by it); the context's clock when left out. */
  castAt?: Date;
  /** The card the click came from (null or left out: a command, or the console). */
  card?: VoteCard | null;
  /**
   * Also return the round's tally and the server's blind-voting setting (the /vote command shows
   * them). It counts the round's votes, so its cost grows with them: a click leaves it out, and
   * its card shows the tally through the card flusher, which counts once per edit.
   */
  withTally?: boolean;
}

interface VoteStatementRow {
  id: number;
  number: number;
  round: number;
  status: 'open' | 'resolved';
  outcome: ClaimRow['outcome'];
  flag: string | null;
  check_by: string;
  due_at: string | Date;
  window_starts_at: string | Date;
  voting_closes_at: string | Date;
  applied: number;
  previous: Verdict | null;
  others?: Record<string, number> | null;
  blind?: boolean | null;
}

const asDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

/**
 * Records or replaces a member's vote on a due claim. One vote per member per round; the vote
 * cast last (by `castAt`, the click's time) wins even when clicks arrive out of order.
 *
 * One statement, one round trip, and a cost that does not grow with the votes already cast: it
 * locks the claim row (FOR KEY SHARE), checks it is open and due, reads the member's previous vote
 * and upserts the new one (primary-key look-ups), writes its audit entry, hands a flagged claim
 * back to the sweep (clears the flag) and, on the first vote from a card, registers the card
 * (`insert … on conflict do nothing`: no row every click writes). The card is found dirty by the
 * card flusher through `votes.changed_xid` (src/jobs/cards.ts); no tally is counted unless asked.
 *
 * Every transition of a claim (the closer, /resolve, /reopen, a postponement, an edit) takes FOR
 * UPDATE first, which conflicts with the vote's lock: a vote either commits before the transition
 * reads the tally, or waits and then sees the transition (the lock re-reads the row), and is
 * refused when the round is closed. KEY SHARE rather than SHARE because the vote may itself update
 * the row (the flag), which under SHARE would deadlock two voters on a flagged claim. Its cost:
 * a new vote's foreign-key check to claims takes the same KEY SHARE lock anyway (the peer bot's
 * single upsert pays it too), and finds it already held; only a changed vote (no foreign-key check)
 * pays the lock on its own. It is shared: voters on one claim never wait for each other.
 */
export async function castVote(ctx: LedgerCtx, input: VoteInput & { withTally: true }): Promise<VoteResult & { tally: Tally; blindVoting: boolean }>;
export async function castVote(ctx: LedgerCtx, input: VoteInput): Promise<VoteResult>;
export async function castVote(ctx: LedgerCtx, input: VoteInput): Promise<VoteResult> {
  const now = nowOf(ctx);
  const at = input.castAt ?? now;
  const verdict = assertVerdict(input.verdict);
  const evidence = optionalText('Evidence', input.evidence, LIMITS.evidence);
  const n = claimNumber(input.claim);
  const g = ctx.guildId;
  const u = ctx.actor.id;
  const card = input.card?.messageId ? input.card : null;
  const nowText = now.toISOString();
  // The audit detail in one jsonb_build_object (evidence only when given, decided here rather than in SQL).
  const detail = evidence
    ? sql`jsonb_build_object('verdict', ${verdict}::text, 'from', (select verdict::text from prev), 'round', ok.round, 'evidence', ${evidence}::text)`
    : sql`jsonb_build_object('verdict', ${verdict}::text, 'from', (select verdict::text from prev), 'round', ok.round)`;
  // Registered once: the frame (a few KB for a round's card) is parsed only when no row exists yet; a race of two first clicks ends in `do nothing`.
  const cardCte = card
    ? sql`, card as (
      insert into card_refreshes (guild_id, message_id, channel_id, claim_id, frame, dirty_at)
      select ${g}, ${card.messageId}::text, ${card.channelId}::text, ok.id, ${card.frame ? JSON.stringify(card.frame) : null}::jsonb, ${nowText}::timestamptz
      from ok, ins
      where not exists (select 1 from card_refreshes r where r.guild_id = ${g} and r.message_id = ${card.messageId}::text)
      on conflict (guild_id, message_id) do nothing
    )`
    : sql``;
  const tallyCte = input.withTally
    ? sql`, others as (
      select v.verdict, count(*)::int as n from votes v
      where v.claim_id = (select id from c) and v.round = (select round from c) and v.user_id <> ${u} group by v.verdict
    )`
    : sql``;
  const tallyColumns = input.withTally
    ? sql`, (select jsonb_object_agg(verdict, n) from others) as others, (select blind_voting from guilds where guild_id = ${g}) as blind`
    : sql``;
  // Prepared: parsed and planned once per connection (a click sends it, one of a few fixed shapes).
  const result = await executePrepared(ctx.db, 'cast_vote', sql`
    with c as (
      select id, number, round, status, outcome, flag, check_by, due_at, window_starts_at, voting_closes_at
      from claims where guild_id = ${g} and number = ${n}::int and deleted_at is null for key share
    ), ok as (
      select * from c where status = 'open' and due_at <= ${nowText}::timestamptz
    ), prev as (
      -- The claim and round as values (init plans), not a join: the lookup is then always by the whole primary key.
      -- As a join, a planner that saw a small votes table scanned the primary key for the user alone (every vote of every claim).
      select v.verdict from votes v where v.claim_id = (select id from c) and v.round = (select round from c) and v.user_id = ${u}
    ), ins as (
      insert into votes as v (guild_id, claim_id, round, user_id, verdict, evidence, cast_at)
      select ${g}, ok.id, ok.round, ${u}, ${verdict}::verdict, ${evidence}::text, ${at.toISOString()}::timestamptz from ok
      on conflict (claim_id, round, user_id) do update
        set verdict = excluded.verdict, evidence = excluded.evidence, cast_at = excluded.cast_at, imported_from = null, changed_xid = excluded.changed_xid
        where v.cast_at <= excluded.cast_at
      returning v.verdict
    ), audit as (
      insert into audit_log (guild_id, actor_id, action, claim_id, claim_number, detail, created_at)
      select ${g}, ${u}, 'vote.cast', ok.id, ok.number, ${detail}, ${nowText}::timestamptz
      from ok, ins
    ), unflag as (
      update claims set flag = null from ok, ins where claims.id = ok.id and ok.flag is not null
    )${cardCte}${tallyCte}
    select c.id, c.number, c.round, c.status, c.outcome, c.flag, c.check_by, c.due_at, c.window_starts_at, c.voting_closes_at,
      (select count(*) from ins)::int as applied,
      (select verdict from prev) as previous${tallyColumns}
    from c`);
  const [row] = rowsOf<VoteStatementRow>(result);
  if (!row) throw notFound('ledgerErrors.noClaim', { number: n });
  const claim: VoteClaim = {
    id: Number(row.id),
    number: Number(row.number),
    round: Number(row.round),
    status: row.status,
    outcome: row.outcome ?? null,
    flag: row.flag ?? null,
    checkBy: row.check_by,
    dueAt: asDate(row.due_at),
    windowStartsAt: asDate(row.window_starts_at),
    votingClosesAt: asDate(row.voting_closes_at),
  };
  if (claim.status === 'resolved') {
    throw closed('ledgerErrors.voteResolved', { number: claim.number, outcome: { key: `outcomes.${claim.outcome ?? 'void'}` } });
  }
  if (claim.status === 'waiting') {
    throw closed('ledgerErrors.voteWaiting', { number: claim.number });
  }
  if (!isDue(claim, now)) {
    throw closed('ledgerErrors.voteNotDue', { number: claim.number, date: claim.checkBy });
  }
  const applied = Number(row.applied) > 0;
  const previous = row.previous ?? null;
  let tally: Tally | null = null;
  if (input.withTally) {
    tally = emptyTally();
    for (const [v, count] of Object.entries(row.others ?? {})) tally[v as Verdict] = Number(count);
    // The member's own vote: this one if stored, else the newer one already there.
    const mine = applied ? verdict : previous;
    if (mine) tally[mine] += 1;
  }
  return {
    claim: applied && claim.flag ? { ...claim, flag: null } : claim,
    verdict,
    applied,
    previous,
    tally,
    blindVoting: input.withTally ? (row.blind ?? DEFAULT_SETTINGS.blindVoting) : null,
  };
}

/** Puts (or changes) a member's probability on a claim; every change is kept. Closes when the check date passes. */
export async function setForecast(ctx: LedgerCtx, number: number | string, probabilityInput: number) {
  const now = nowOf(ctx);
  const probability = checkProbability(probabilityInput);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(inTx(ctx, tx), number);
    if (claim.status === 'resolved') throw closed('ledgerErrors.forecastResolved', { number: claim.number });
    // A claim checked "N days after" its condition has no check date until the condition comes true: forecasts stay open.
    const undated = claim.status === 'waiting' && claim.conditionDays !== null;
    if (claim.dueAt <= now && !undated) {
      throw closed('ledgerErrors.forecastClosed', { number: claim.number, date: claim.checkBy });
    }
    const [previous] = await tx
      .select({ probability: forecasts.probability })
      .from(forecasts)
      .where(and(eq(forecasts.claimId, claim.id), eq(forecasts.userId, ctx.actor.id)))
      .orderBy(sql`${forecasts.createdAt} desc, ${forecasts.id} desc`)
      .limit(1);
    await tx.insert(forecasts).values({ guildId: ctx.guildId, claimId: claim.id, userId: ctx.actor.id, probability, createdAt: now });
    await recordAudit(inTx(ctx, tx), {
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
  assertManager(ctx, 'ledgerErrors.can.resolve');
  if (!(OUTCOMES as readonly string[]).includes(outcomeInput)) {
    throw new LedgerError('invalid_input', 'ledgerErrors.unknownOutcome', { got: outcomeInput.slice(0, 30) });
  }
  const outcome = outcomeInput as Outcome;
  const note = optionalText('Note', noteInput, LIMITS.note);
  const now = nowOf(ctx);
  const settings = await getSettings(ctx);
  return ctx.db.transaction(async (tx) => {
    // A condition is locked before its dependent (see condition-chain.ts).
    const peek = await findClaim(inTx(ctx, tx), number);
    const condition = peek.conditionClaimId !== null ? await lockCondition(inTx(ctx, tx), peek.conditionClaimId) : null;
    const claim = await findClaim(inTx(ctx, tx), number, { forUpdate: true });
    if (claim.status === 'resolved' && claim.outcome === outcome) {
      throw new LedgerError('conflict', 'ledgerErrors.alreadyResolvedAs', { number: claim.number, outcome: { key: `outcomes.${outcome}` } });
    }
    const refused = condition ? resolveGuard(claim.number, condition, outcome) : null;
    if (refused) throw new LedgerError('conflict', refused.key, refused.vars);
    const tally = await tallyFor(inTx(ctx, tx), claim.id, claim.round);
    const previous = claim.status === 'resolved' ? claim.outcome : null;
    const row = await changeClaim(
      inTx(ctx, tx),
      claim,
      { status: 'resolved', outcome, flag: null, resolvedBy: ctx.actor.id, resolvedAt: now, resolutionNote: note },
      { actorId: ctx.actor.id, actorName: ctx.actor.name, action: 'claim.resolve', detail: { outcome, from: previous, by: 'manager', tally, ...(note ? { note } : {}) }, at: now },
    );
    const followed = await followDependents(inTx(ctx, tx), row, settings, now);
    return { claim: row, tally, previous, followed };
  });
}

/** Reopens a resolved (or flagged) claim: a new round of voting starts now and runs for the server's window. */
export async function reopenClaim(ctx: LedgerCtx, number: number | string, noteInput?: string | null) {
  assertManager(ctx, 'ledgerErrors.can.reopen');
  const note = optionalText('Note', noteInput, LIMITS.note);
  const now = nowOf(ctx);
  const settings = await getSettings(ctx);
  return ctx.db.transaction(async (tx) => {
    const peek = await findClaim(inTx(ctx, tx), number);
    const condition = peek.conditionClaimId !== null ? await lockCondition(inTx(ctx, tx), peek.conditionClaimId) : null;
    const claim = await findClaim(inTx(ctx, tx), number, { forUpdate: true });
    if (claim.status === 'waiting') {
      throw condition
        ? new LedgerError('conflict', 'ledgerErrors.alreadyWaitingOn', { number: claim.number, condition: condition.number })
        : new LedgerError('conflict', 'ledgerErrors.alreadyWaiting', { number: claim.number });
    }
    if (claim.status === 'open' && !claim.flag) {
      throw new LedgerError('conflict', 'ledgerErrors.alreadyOpen', { number: claim.number });
    }
    const state = condition ? conditionState(condition) : 'held';
    if (condition && state === 'failed') {
      throw new LedgerError('conflict', 'ledgerErrors.conditionFailedReopen', { number: claim.number, condition: condition.number });
    }
    const windowStartsAt = claim.dueAt > now ? claim.dueAt : now;
    const moved = await reopenRow(inTx(ctx, tx), claim, condition, state, windowStartsAt, settings, now, note);
    await followDependents(inTx(ctx, tx), moved, settings, now);
    return moved;
  });
}

async function reopenRow(
  ctx: LedgerCtx,
  claim: ClaimRow,
  condition: ClaimRow | null,
  state: ConditionState,
  windowStartsAt: Date,
  settings: GuildSettings,
  now: Date,
  note: string | null,
): Promise<ClaimRow> {
  // Its condition not resolved yet: back to waiting on it, in a new round (the closed round's votes stay in its history).
  if (condition && state === 'pending') {
    return changeClaim(
      ctx,
      claim,
      { status: 'waiting', outcome: null, flag: null, resolvedBy: null, resolvedAt: null, resolutionNote: null, round: claim.round + 1 },
      { actorId: ctx.actor.id, action: 'claim.reopen', detail: { fromOutcome: claim.outcome, round: claim.round + 1, waiting: true, condition: condition.number, ...(note ? { note } : {}) }, at: now },
    );
  }
  return changeClaim(
    ctx,
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
}

export type AppliedDecision = CloseDecision & { claim: ClaimRow; tally: Tally; changed: boolean; followed?: ClaimRow[] };

/** Applies the rule to one locked, open claim. Writes only when something changes. */
async function applyDecision(ctx: GuildScope, claim: ClaimRow, settings: GuildSettings, actorId: string, now: Date): Promise<AppliedDecision> {
  assertSameServer(ctx, claim);
  const tally = await tallyFor(ctx, claim.id, claim.round);
  const decision = decideAtClose(tally, settings);
  const change = (set: Partial<ClaimRow>, action: AuditAction, detail: Record<string, unknown>) =>
    changeClaim(ctx, claim, set, { actorId, action, detail: { ...detail, tally }, at: now });
  if (decision.kind === 'resolve') {
    const row = await change({ status: 'resolved', outcome: decision.outcome, flag: null, resolvedBy: actorId, resolvedAt: now }, 'claim.resolve', {
      outcome: decision.outcome,
      by: 'rule',
    });
    // Its dependents follow at once, in this transaction (a chain settles in order).
    const followed = await followDependents(ctx, row, settings, now);
    return { ...decision, claim: row, tally, changed: true, followed };
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
  assertManager(ctx, 'ledgerErrors.can.closeVoting');
  const now = nowOf(ctx);
  const settings = await getSettings(ctx);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(inTx(ctx, tx), number, { forUpdate: true });
    if (claim.status === 'resolved') throw new LedgerError('conflict', 'ledgerErrors.alreadyResolved', { number: claim.number });
    if (claim.status === 'waiting') throw closed('ledgerErrors.closeWaiting', { number: claim.number });
    if (claim.dueAt > now) throw closed('ledgerErrors.closeNotDue', { number: claim.number, date: claim.checkBy });
    if (claim.votingClosesAt > now) await tx.update(claims).set({ votingClosesAt: now }).where(eq(claims.id, claim.id));
    return applyDecision(inTx(ctx, tx), { ...claim, votingClosesAt: now }, settings, ctx.actor.id, now);
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
      const scope = guildScope(tx, claim.guildId); // each claim in its own server's scope
      let settings = settingsCache.get(claim.guildId);
      if (!settings) settingsCache.set(claim.guildId, (settings = await getSettings(scope)));
      const applied = await applyDecision(scope, claim, settings, SYSTEM_ACTOR.id, now);
      if (applied.changed) results.push(applied);
    }
  });
  return results;
}

