/**
 * Conditional claims, as plain functions (no database, no Discord).
 *
 * A claim may hang on a condition: another claim of the server, or an event (a claim with no
 * speaker, e.g. "Trump is inaugurated", resolved like any other). Its check date is a date, or
 * "N days after the condition comes true".
 *
 * The condition's state:
 * - pending: not resolved yet (open, or itself waiting on its own condition);
 * - held: resolved came true;
 * - failed: resolved did not, void, or partly (a condition met only in part did not happen as
 *   stated; a manager who judges otherwise resolves the condition came true).
 *
 * What the dependent does (`followCondition`), whenever its condition changes:
 * - pending → the dependent waits (status `waiting`): it is not due, no round asks for it, no vote
 *   is taken. A dependent that was open or resolved goes back to waiting in a new round, so the
 *   votes of the closed round stay in its history and no longer count.
 * - held → a waiting dependent opens: its check date is its own date, or the day the condition
 *   came true plus N days; a dependent the system voided (its condition had failed) opens again
 *   in a new round.
 * - failed → the dependent resolves void with the reason (by the system, audited).
 * Chains follow in order: a dependent that changed makes its own dependents follow it.
 *
 * Scores: a conditional claim counts (members' Brier, speakers' records) only while its
 * condition held; `resolveGuard` keeps a manager from scoring one whose condition has not.
 */
import { addDays, todayIn } from './dates.js';
import { OUTCOME_LABELS, type Outcome } from './rules.js';
import type { Message } from './errors.js';

export type ClaimStatus = 'open' | 'resolved' | 'waiting';
export type ConditionState = 'pending' | 'held' | 'failed';

export interface ConditionView {
  number: number;
  status: ClaimStatus;
  outcome: Outcome | null;
  /** When it was resolved (the day a days-after check date counts from). */
  resolvedAt: Date | null;
}

export interface DependentView {
  status: ClaimStatus;
  outcome: Outcome | null;
  resolvedBy: string | null;
  checkBy: string;
  /** "N days after the condition comes true", or null for a dated check. */
  conditionDays: number | null;
}

/** The system's actor id (context.ts SYSTEM_ACTOR): it resolves void only for a failed condition. */
const SYSTEM = 'system';

export function conditionState(c: Pick<ConditionView, 'status' | 'outcome'>): ConditionState {
  if (c.status !== 'resolved' || !c.outcome) return 'pending';
  return c.outcome === 'came_true' ? 'held' : 'failed';
}

export const CONDITION_STATE_LABELS: Record<ConditionState, string> = {
  pending: 'not resolved yet',
  held: 'came true',
  failed: 'did not happen',
};

/** Why a dependent is void: its condition's number and outcome, in words. */
export function voidReason(condition: Pick<ConditionView, 'number' | 'outcome'>): string {
  const outcome = condition.outcome ? OUTCOME_LABELS[condition.outcome] : 'unresolved';
  return `Its condition #${condition.number} did not happen (resolved ${outcome}).`;
}

/** The check date of a days-after dependent: the day (in the server's timezone) the condition came true, plus N days. */
export const checkDateAfter = (resolvedAt: Date, days: number, timezone: string) => addDays(todayIn(timezone, resolvedAt), days);

export type Follow =
  | { kind: 'wait' }
  | { kind: 'open'; checkBy: string; reopen: boolean }
  | { kind: 'void'; reason: string };

/** What a dependent does given its condition's current state; null when it is already where it belongs. */
export function followCondition(condition: ConditionView, dependent: DependentView, timezone: string, now: Date): Follow | null {
  const state = conditionState(condition);
  if (state === 'pending') return dependent.status === 'waiting' ? null : { kind: 'wait' };
  if (state === 'failed') return dependent.status === 'resolved' && dependent.outcome === 'void' ? null : { kind: 'void', reason: voidReason(condition) };
  // held
  const systemVoid = dependent.status === 'resolved' && dependent.outcome === 'void' && dependent.resolvedBy === SYSTEM;
  if (dependent.status !== 'waiting' && !systemVoid) return null;
  const checkBy = dependent.conditionDays === null ? dependent.checkBy : checkDateAfter(condition.resolvedAt ?? now, dependent.conditionDays, timezone);
  return { kind: 'open', checkBy, reopen: systemVoid };
}

/**
 * Whether a manager (or the vote) may give a dependent this outcome: only void until its condition
 * came true. Returns the refusal in words, or null.
 */
export function resolveGuard(number: number, condition: Pick<ConditionView, 'number' | 'status' | 'outcome'>, outcome: Outcome): Message | null {
  const state = conditionState(condition);
  if (state === 'held' || outcome === 'void') return null;
  return state === 'pending'
    ? { key: 'ledgerErrors.conditionPending', vars: { number, condition: condition.number } }
    : { key: 'ledgerErrors.conditionFailed', vars: { number, condition: condition.number, outcome: { key: `outcomes.${condition.outcome ?? 'void'}` } } };
}

/** "90 days after", "90 days after the condition", "2 weeks after it comes true" → days; null when the text is not such a phrase. */
export function parseDaysAfter(input: string): number | null {
  const m = /^\s*(\d{1,5})\s*(days?|weeks?)\s+after\b[\w\s#.,'’-]*$/i.exec(input);
  if (!m) return null;
  const n = Number(m[1]) * (m[2]!.toLowerCase().startsWith('week') ? 7 : 1);
  return n <= 36500 ? n : null;
}

/**
 * A claim may not hang on itself or on one of its own dependents. `conditionOf` gives each
 * claim's condition (by id); true when making `claim` hang on `condition` would close a loop.
 */
export function wouldCycle(conditionOf: (id: number) => number | null | undefined, claim: number, condition: number): boolean {
  const seen = new Set<number>();
  for (let at: number | null | undefined = condition; at != null; at = conditionOf(at)) {
    if (at === claim) return true;
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

/** Orders claims so each comes after its condition (conditions outside the list count as placed); null when they loop. */
export function conditionOrder<K>(items: readonly { key: K; condition: K | null }[]): K[] | null {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const placed = new Set<K>();
  const visiting = new Set<K>();
  const out: K[] = [];
  const visit = (key: K): boolean => {
    if (placed.has(key)) return true;
    if (visiting.has(key)) return false;
    visiting.add(key);
    const item = byKey.get(key);
    if (item?.condition != null && byKey.has(item.condition) && !visit(item.condition)) return false;
    visiting.delete(key);
    placed.add(key);
    out.push(key);
    return true;
  };
  for (const i of items) if (!visit(i.key)) return null;
  return out;
}
