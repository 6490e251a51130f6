/**
 * Scoring, as plain functions.
 *
 * Brier score of one forecast: (p − o)², with p the member's probability as a fraction (0–1) and
 * o the outcome: came true = 1, did not = 0, partly = 0.5. Void claims are not scored.
 * Lower is better: 0 is a perfect call, 0.25 is what "50%" always earns, 1 is certainty the wrong way.
 * The forecast that counts is the member's last one made before the claim's check date passed
 * (before `dueAt`); anything later is ignored.
 *
 * Leaderboards and track records (loaded by leaderboard.ts):
 * - A member's score on a claim is the Brier score of their counting forecast (last one before
 *   the check date passed). Only resolved claims with outcome came true / partly / did not count;
 *   void and deleted claims do not.
 * - Mean Brier: the plain mean of a member's scores over the claims they are scored on.
 * - Relative Brier on a claim: the member's score minus the median score of every member scored
 *   on that claim (themselves included; the median of an even count is the mean of the two middle
 *   values). A lone forecaster's relative score is 0. A member's relative Brier is the mean over
 *   their claims; negative beats the crowd.
 * - Ranking: by mean Brier rounded to 3 decimals (what is shown), lowest first; equal shown
 *   scores share a rank ("=2", the next rank after two members at 2 is 4). Members scored on
 *   fewer claims than the server's `minRanked` are listed apart, not ranked.
 */
import type { Outcome } from './rules.js';
import { speakerKey } from './validate.js';
import { impliedProbability, isHedgeBand } from './hedge.js';

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
export function trackRecord(claims: Iterable<{ status: 'open' | 'resolved' | 'waiting'; outcome: Outcome | null }>): TrackRecord {
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

/* ------------------------------------------------------------------ pure: scoring */

export type ScoredOutcome = Exclude<Outcome, 'void'>;

export interface MemberForecast extends TimedForecast {
  userId: string;
}

/** A resolved claim with every forecast made on it. */
export interface ResolvedClaim {
  id: number;
  number: number;
  text: string;
  outcome: Outcome;
  dueAt: Date;
  forecasts: readonly MemberForecast[];
}

/** One member's score on one claim. */
export interface ClaimScore {
  claimId: number;
  number: number;
  text: string;
  outcome: ScoredOutcome;
  userId: string;
  /** Their counting forecast, percent. */
  probability: number;
  brier: number;
  /** brier − the median brier of all members scored on this claim. */
  relative: number;
}

/** The median, or null for no values (even count: mean of the two middle values). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Every member's score on every scored claim (void claims and forecasts after the check date are left out). */
export function scoreClaims(resolved: Iterable<ResolvedClaim>): ClaimScore[] {
  const out: ClaimScore[] = [];
  for (const claim of resolved) {
    const o = outcomeValue(claim.outcome);
    if (o === null) continue;
    const entries: { userId: string; probability: number; brier: number }[] = [];
    for (const [userId, list] of groupBy(claim.forecasts, (f) => f.userId)) {
      const counting = countingForecast(list, claim.dueAt);
      if (counting) entries.push({ userId, probability: counting.probability, brier: brier(counting.probability, o) });
    }
    const crowd = median(entries.map((e) => e.brier)) ?? 0;
    for (const e of entries) {
      out.push({
        claimId: claim.id,
        number: claim.number,
        text: claim.text,
        outcome: claim.outcome as ScoredOutcome,
        ...e,
        relative: e.brier - crowd,
      });
    }
  }
  return out;
}

export interface MemberScore {
  userId: string;
  /** Claims scored. */
  claims: number;
  /** Mean Brier score, lower is better. */
  brier: number;
  /** Mean relative Brier, negative beats the crowd. */
  relative: number;
}

/** One summary per member, in order of first appearance. */
export function memberScores(scores: Iterable<ClaimScore>): MemberScore[] {
  return [...groupBy(scores, (s) => s.userId)].map(([userId, list]) => ({
    userId,
    claims: list.length,
    brier: mean(list.map((s) => s.brier))!,
    relative: mean(list.map((s) => s.relative))!,
  }));
}

/* ------------------------------------------------------------------ ranking */

/** Scores are shown (and ranked) to this many decimals. */
export const SCORE_DECIMALS = 3;
const SCALE = 10 ** SCORE_DECIMALS;

/** A score in thousandths, rounded half away from zero; the nudge keeps 0.1235 (stored as 0.12349999…) rounding up. */
export const scoreKey = (x: number) => Math.sign(x) * Math.round(Math.abs(x) * SCALE + 1e-9);

export interface RankedMember extends MemberScore {
  rank: number;
  /** Another member shows the same score and shares the rank. */
  tied: boolean;
}

export interface Leaderboard {
  minRanked: number;
  /** Best first. */
  ranked: RankedMember[];
  /** Fewer than `minRanked` claims scored; most claims first. */
  unranked: MemberScore[];
}

const byUser = (a: { userId: string }, b: { userId: string }) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

export function rankMembers(members: readonly MemberScore[], minRanked: number): Leaderboard {
  const eligible = members.filter((m) => m.claims >= minRanked);
  const unranked = members.filter((m) => m.claims < minRanked).sort((a, b) => b.claims - a.claims || byUser(a, b));
  // Within a shared score: more claims first, then the better relative score.
  eligible.sort((a, b) => scoreKey(a.brier) - scoreKey(b.brier) || b.claims - a.claims || a.relative - b.relative || byUser(a, b));
  const ranked: RankedMember[] = [];
  for (const [i, m] of eligible.entries()) {
    const key = scoreKey(m.brier);
    const previous = ranked[i - 1];
    const rank = previous && scoreKey(previous.brier) === key ? previous.rank : i + 1;
    const tied = (previous !== undefined && previous.rank === rank) || (eligible[i + 1] !== undefined && scoreKey(eligible[i + 1]!.brier) === key);
    ranked.push({ ...m, rank, tied });
  }
  return { minRanked, ranked, unranked };
}

/* ------------------------------------------------------------------ pure: one member */

export interface CalibrationBin {
  /** Percent, inclusive. */
  from: number;
  /** Percent; exclusive except for the last bin, which holds 100. */
  to: number;
  count: number;
  /** Mean forecast in the bin, as a fraction (0–1); null when empty. */
  meanForecast: number | null;
  /** Mean outcome in the bin (came true 1, partly 0.5, did not 0); null when empty. */
  observed: number | null;
}

export const CALIBRATION_BINS = 10;

/** Forecasts in 10% bins (0–10, 10–20, …, 90–100) against how often those claims came true. */
export function calibration(scores: Iterable<Pick<ClaimScore, 'probability' | 'outcome'>>): CalibrationBin[] {
  const width = 100 / CALIBRATION_BINS;
  const bins = Array.from({ length: CALIBRATION_BINS }, (_, i) => ({ from: i * width, to: (i + 1) * width, p: [] as number[], o: [] as number[] }));
  for (const s of scores) {
    const bin = bins[Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(s.probability / width)))]!;
    bin.p.push(s.probability / 100);
    bin.o.push(outcomeValue(s.outcome)!);
  }
  return bins.map((b) => ({ from: b.from, to: b.to, count: b.p.length, meanForecast: mean(b.p), observed: mean(b.o) }));
}

/**
 * Best calls (lowest Brier; among equals the one that beat the crowd most) and worst calls
 * (highest first), never the same claim in both: with few claims the best take the larger half.
 */
export function bestAndWorst(scores: readonly ClaimScore[], k = 3): { best: ClaimScore[]; worst: ClaimScore[] } {
  const sorted = [...scores].sort((a, b) => a.brier - b.brier || a.relative - b.relative || a.number - b.number);
  const best = sorted.slice(0, Math.min(k, Math.ceil(sorted.length / 2)));
  const worst = sorted.slice(best.length).reverse().slice(0, k);
  return { best, worst };
}

/* ------------------------------------------------------------------ pure: score changes */

export interface ScoreChange {
  userId: string;
  /** Mean Brier over their other resolved claims; null when these are their first. */
  before: number | null;
  /** Mean Brier including these claims. */
  after: number | null;
  /** after − before (negative = improved); null without a before. */
  delta: number | null;
}

/**
 * How each member scored on any of `claimIds` moved: before = mean over their other scored
 * claims, after = including these. Largest improvement (most negative delta) first; members
 * with no earlier score follow, best score first.
 */
export function scoreChangesFrom(scores: readonly ClaimScore[], claimIds: readonly number[]): ScoreChange[] {
  const these = new Set(claimIds);
  const changes: ScoreChange[] = [];
  for (const [userId, list] of groupBy(scores, (s) => s.userId)) {
    if (!list.some((s) => these.has(s.claimId))) continue;
    const before = mean(list.filter((s) => !these.has(s.claimId)).map((s) => s.brier));
    const after = mean(list.map((s) => s.brier));
    changes.push({ userId, before, after, delta: before === null || after === null ? null : after - before });
  }
  const rank = (c: ScoreChange) => (c.delta === null ? 1 : 0);
  return changes.sort(
    (a, b) => rank(a) - rank(b) || (a.delta ?? 0) - (b.delta ?? 0) || (a.after ?? 0) - (b.after ?? 0) || byUser(a, b),
  );
}

/* ------------------------------------------------------------------ pure: track records, outcomes over time */

/** Fewer judged claims than this gets a small-sample caution. */
export const SMALL_SAMPLE = 5;

export interface NamedTrackRecord extends TrackRecord, HedgeScore {
  name: string;
  /** Their claims that hang on a condition, and of those, the ones whose condition came true (only those count above). */
  conditional: number;
  conditionsHeld: number;
}

/** A row's condition: none (undefined or null), held (true) or not held yet / failed (false). */
export type ConditionHeld = boolean | null | undefined;

export interface OutcomeRow {
  status: 'open' | 'resolved' | 'waiting';
  outcome: Outcome | null;
}

/**
 * Track records grouped by `key` when rows carry one (a speaker's identity), else by name (folded: case and spacing do not split a name), most judged
 * claims first, then most claims, then by name. Rows without a name are left out.
 */
export function trackRecordsBy(rows: Iterable<OutcomeRow & { name: string | null; key?: string | number; hedge?: string | null; conditionHeld?: ConditionHeld }>): NamedTrackRecord[] {
  type Row = OutcomeRow & { name: string; key?: string | number; hedge?: string | null; conditionHeld?: ConditionHeld };
  const named = [...rows].filter((r): r is Row => !!r.name?.trim());
  const records = [...groupBy(named, (r) => (r.key === undefined ? speakerKey(r.name) : `#${r.key}`)).values()]
    .map((all) => {
      // A conditional claim counts only when its condition held; the others are only counted as conditional.
      const list = all.filter((r) => r.conditionHeld !== false);
      const conditional = all.filter((r) => r.conditionHeld != null);
      return {
        name: all[0]!.name.trim(),
        ...trackRecord(list),
        ...hedgeScore(list.map((r) => ({ ...r, hedge: r.hedge ?? null }))),
        conditional: conditional.length,
        conditionsHeld: conditional.filter((r) => r.conditionHeld === true).length,
      };
    })
    .sort((a, b) => b.judged - a.judged || b.made - a.made || a.name.localeCompare(b.name));
  // Two identities shown alike (same label, no distinction) get a number, so neither is mistaken for the other.
  const seen = new Map<string, number>();
  return records.map((r) => {
    const n = (seen.get(speakerKey(r.name)) ?? 0) + 1;
    seen.set(speakerKey(r.name), n);
    return n === 1 ? r : { ...r, name: `${r.name} (${n})` };
  });
}

export const SEGMENTS = ['came_true', 'partly', 'did_not', 'void', 'open'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface QuarterBucket {
  year: number;
  /** 1–4 */
  quarter: number;
  counts: Record<Segment, number>;
}

const segmentOf = (r: OutcomeRow): Segment => (r.status === 'resolved' && r.outcome ? r.outcome : 'open');

/**
 * Claims per quarter of their check date, by outcome: every quarter from the first to the last
 * (empty ones too), at most the last `maxQuarters`; `omitted` counts the claims of older quarters.
 */
export function outcomesByQuarter(rows: Iterable<OutcomeRow & { checkBy: string }>, maxQuarters = 24): { buckets: QuarterBucket[]; omitted: number } {
  const index = (checkBy: string) => Number(checkBy.slice(0, 4)) * 4 + Math.floor((Number(checkBy.slice(5, 7)) - 1) / 3);
  const list = [...rows];
  if (!list.length) return { buckets: [], omitted: 0 };
  const indices = list.map((r) => index(r.checkBy));
  const last = Math.max(...indices);
  const first = Math.max(Math.min(...indices), last - maxQuarters + 1);
  const buckets: QuarterBucket[] = [];
  for (let q = first; q <= last; q += 1) {
    buckets.push({ year: Math.floor(q / 4), quarter: (q % 4) + 1, counts: { came_true: 0, partly: 0, did_not: 0, void: 0, open: 0 } });
  }
  let omitted = 0;
  for (const [i, r] of list.entries()) {
    const bucket = buckets[indices[i]! - first];
    if (bucket) bucket.counts[segmentOf(r)] += 1;
    else omitted += 1;
  }
  return { buckets, omitted };
}

/* ------------------------------------------------------------------ speakers calibrated: the hedge bands */

/**
 * A claim's hedge band (how sure the wording sounded, hedge.ts) implies a probability, so a
 * speaker's or an outlet's claims are scored like a member's forecasts:
 * - which claims count: resolved, with a band, outcome came true (o = 1), partly (o = 0.5) or did
 *   not (o = 0); void, open and unbanded claims are left out;
 * - Brier on a claim: (p − o)², p the band's implied probability (its ICD-203 range's middle);
 *   the speaker's (outlet's) score is the plain mean over their scored claims;
 * - calibration: the same claims in 10% bins of implied probability (the members' chart).
 */
export interface BandedRow {
  status: 'open' | 'resolved' | 'waiting';
  outcome: Outcome | null;
  hedge: string | null;
}

export interface HedgeScore {
  /** Resolved claims with a band and a scored outcome. */
  banded: number;
  /** Mean Brier of the implied probabilities; null when none is scored. */
  brier: number | null;
}

function banded(rows: Iterable<BandedRow>): { probability: number; outcome: ScoredOutcome }[] {
  const out: { probability: number; outcome: ScoredOutcome }[] = [];
  for (const r of rows) {
    if (r.status !== 'resolved' || !r.outcome || outcomeValue(r.outcome) === null || !isHedgeBand(r.hedge)) continue;
    out.push({ probability: impliedProbability(r.hedge)! * 100, outcome: r.outcome as ScoredOutcome });
  }
  return out;
}

export function hedgeScore(rows: Iterable<BandedRow>): HedgeScore {
  const list = banded(rows);
  return { banded: list.length, brier: mean(list.map((s) => brier(s.probability, outcomeValue(s.outcome)!))) };
}

export const hedgeCalibration = (rows: Iterable<BandedRow>): CalibrationBin[] => calibration(banded(rows));
