/**
 * Scoring, as plain functions.
 *
 * Brier score of one forecast: (p − o)², with p the member's probability as a fraction (0–1) and
 * o the outcome: came true = 1, did not = 0, partly = 0.5. Void claims are not scored.
 * Lower is better: 0 is a perfect call, 0.25 is what "50%" always earns, 1 is certainty the wrong way.
 * The forecast that counts is the member's last one made before the claim's check date passed
 * (before `dueAt`); anything later is ignored.
 */
import type { Outcome } from './rules.js';

export function outcomeValue(outcome: Outcome): number | null {
  switch (outcome) {
    case 'came_true':
      return 1;
    case 'partly':
      return 0.5;
    case 'did_not':
      return 0;
    case 'void':
      return null;
  }
}

/** `probabilityPct` in 0–100. */
export const brier = (probabilityPct: number, outcome: number) => (probabilityPct / 100 - outcome) ** 2;

export interface TimedForecast {
  probability: number;
  createdAt: Date;
}

/** The member's last forecast made before the check date passed, or null. */
export function countingForecast<T extends TimedForecast>(forecasts: readonly T[], dueAt: Date): T | null {
  let best: T | null = null;
  for (const f of forecasts) {
    if (f.createdAt >= dueAt) continue;
    if (!best || f.createdAt >= best.createdAt) best = f;
  }
  return best;
}

/** Brier score of a member on one claim, or null when the claim is unscored or they had no counting forecast. */
export function claimBrier(forecasts: readonly TimedForecast[], dueAt: Date, outcome: Outcome | null): number | null {
  if (!outcome) return null;
  const o = outcomeValue(outcome);
  if (o === null) return null;
  const f = countingForecast(forecasts, dueAt);
  return f ? brier(f.probability, o) : null;
}

export interface TrackRecord {
  made: number;
  cameTrue: number;
  partly: number;
  didNot: number;
  void: number;
  open: number;
  /** Came true among those judged (came true + partly + did not); partly counts half. Null when none judged. */
  shareTrue: number | null;
  judged: number;
}

/** A speaker's (or outlet's) track record over their claims. */
export function trackRecord(claims: Iterable<{ status: 'open' | 'resolved'; outcome: Outcome | null }>): TrackRecord {
  const r: TrackRecord = { made: 0, cameTrue: 0, partly: 0, didNot: 0, void: 0, open: 0, shareTrue: null, judged: 0 };
  for (const c of claims) {
    r.made += 1;
    if (c.status !== 'resolved' || !c.outcome) r.open += 1;
    else if (c.outcome === 'came_true') r.cameTrue += 1;
    else if (c.outcome === 'partly') r.partly += 1;
    else if (c.outcome === 'did_not') r.didNot += 1;
    else r.void += 1;
  }
  r.judged = r.cameTrue + r.partly + r.didNot;
  r.shareTrue = r.judged ? (r.cameTrue + 0.5 * r.partly) / r.judged : null;
  return r;
}

export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
