/**
 * The rules of resolution, as plain functions (no database, no Discord).
 *
 * - A claim is *due* once its check date has passed (dueAt ≤ now) and it is unresolved.
 * - Members vote came true / partly / did not / too early; one vote per member per round.
 * - When the voting window closes (or a manager closes it) the claim is decided by `decideAtClose`.
 * - Managers may resolve directly (came true, partly, did not, void) and reopen.
 */
import { BASE_LOCALE, t } from '../i18n/index.js';

export const VERDICTS = ['came_true', 'partly', 'did_not', 'too_early'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const OUTCOMES = ['came_true', 'partly', 'did_not', 'void'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The English names, from the English catalog (in a member's language: `call.t('verdicts.came_true')`). */
export const VERDICT_LABELS = Object.fromEntries(VERDICTS.map((v) => [v, t(BASE_LOCALE, `verdicts.${v}`)])) as Record<Verdict, string>;
export const OUTCOME_LABELS = Object.fromEntries(OUTCOMES.map((o) => [o, t(BASE_LOCALE, `outcomes.${o}`)])) as Record<Outcome, string>;

export type Tally = Record<Verdict, number>;

export const emptyTally = (): Tally => ({ came_true: 0, partly: 0, did_not: 0, too_early: 0 });

export function tallyOf(verdicts: Iterable<Verdict>): Tally {
  const tally = emptyTally();
  for (const verdict of verdicts) tally[verdict] += 1;
  return tally;
}

export const totalVotes = (t: Tally) => t.came_true + t.partly + t.did_not + t.too_early;

export interface ResolutionRules {
  /** Minimum number of votes that judge the claim (came true / partly / did not). */
  quorum: number;
  /** Share (percent) the leading verdict needs; also the share of "too early" that postpones. */
  majorityPct: number;
  tooEarlyStepDays: number;
}

export const FLAG_REASONS = ['no_quorum', 'tie', 'no_majority'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/** Why a claim needs a manager, in English (in a member's language: `t('flags.tie')`). */
export const FLAG_LABELS = Object.fromEntries(FLAG_REASONS.map((f) => [f, t(BASE_LOCALE, `flags.${f}`)])) as Record<FlagReason, string>;

export type CloseDecision =
  | { kind: 'resolve'; outcome: Exclude<Outcome, 'void'> }
  | { kind: 'postpone'; days: number }
  | { kind: 'flag'; reason: FlagReason };

/** `part` is at least `pct` percent of `whole` (exact integer arithmetic). */
const atLeastPct = (part: number, whole: number, pct: number) => whole > 0 && part * 100 >= pct * whole;

/**
 * What happens when a claim's voting window closes.
 *
 * 1. If at least `quorum` members voted and "too early" holds the majority share of all votes,
 *    the check date moves by the too-early step and a new round of voting starts.
 * 2. Otherwise only came true / partly / did not count. Fewer than `quorum` of them → flagged
 *    (no quorum).
 * 3. Two or more verdicts share the top count → flagged (tie).
 * 4. The leading verdict has at least `majorityPct` percent of the counted votes → resolved to it;
 *    otherwise flagged (no majority).
 * A flagged claim stays open for managers; later votes are counted again at the next check.
 */
export function decideAtClose(tally: Tally, rules: ResolutionRules): CloseDecision {
  const all = totalVotes(tally);
  if (all >= rules.quorum && atLeastPct(tally.too_early, all, rules.majorityPct) && tally.too_early * 2 > all) {
    return { kind: 'postpone', days: rules.tooEarlyStepDays };
  }
  const judged = tally.came_true + tally.partly + tally.did_not;
  if (judged < rules.quorum) return { kind: 'flag', reason: 'no_quorum' };
  const ranked = (['came_true', 'partly', 'did_not'] as const)
    .map((verdict) => ({ verdict, count: tally[verdict] }))
    .sort((a, b) => b.count - a.count);
  const [first, second] = ranked as [(typeof ranked)[0], (typeof ranked)[0]];
  if (first.count === second.count) return { kind: 'flag', reason: 'tie' };
  if (!atLeastPct(first.count, judged, rules.majorityPct)) return { kind: 'flag', reason: 'no_majority' };
  return { kind: 'resolve', outcome: first.verdict };
}

export interface ClaimTiming {
  status: 'open' | 'resolved' | 'waiting';
  dueAt: Date;
  votingClosesAt: Date;
}

export type Phase = 'waiting' | 'upcoming' | 'voting' | 'closed' | 'resolved';

/**
 * waiting: hangs on a condition that has not come true (src/ledger/conditions.ts) ·
 * upcoming: check date not passed yet · voting: due, window open · closed: due, window over but
 * unresolved (flagged or waiting for the closer) · resolved.
 */
export function phaseOf(claim: ClaimTiming, now: Date): Phase {
  if (claim.status === 'resolved') return 'resolved';
  if (claim.status === 'waiting') return 'waiting';
  if (now < claim.dueAt) return 'upcoming';
  return now < claim.votingClosesAt ? 'voting' : 'closed';
}

export const isDue = (claim: ClaimTiming, now: Date) => claim.status === 'open' && claim.dueAt <= now;

/** Blind voting hides tallies until the window closes (or the claim is resolved). */
export function tallyVisible(claim: ClaimTiming, blindVoting: boolean, now: Date): boolean {
  if (!blindVoting) return true;
  return claim.status === 'resolved' || now >= claim.votingClosesAt;
}
