/**
 * Scores people want to look at: the members' leaderboard, speakers' and outlets' track records,
 * one member's record (with calibration), outcomes over time, and how resolving claims moved
 * members' scores.
 *
 * The loaders (async, first two arguments `db` and `guildId`) filter every table they read by
 * the server; everything else here is pure and takes plain data.
 *
 * Formulas (see scoring.ts for the Brier score of one forecast and the counting forecast):
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
import { and, asc, eq, ilike, inArray, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { articles, claims, forecasts, speakers } from '../db/schema.js';
import { invalid, notFound } from './errors.js';
import type { Outcome } from './rules.js';
import { brier, countingForecast, mean, outcomeValue, trackRecord, type TimedForecast, type TrackRecord } from './scoring.js';
import { getSettings } from './settings.js';
import { hedgeScore, type HedgeScore } from './hedge-scores.js';
import { cleanText, optionalFamily, speakerKey } from './validate.js';

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

function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
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

/* ------------------------------------------------------------------ pure: ranking and formatting */

/** Scores are shown (and ranked) to this many decimals. */
export const SCORE_DECIMALS = 3;
const SCALE = 10 ** SCORE_DECIMALS;

/** A score in thousandths, rounded half away from zero; the nudge keeps 0.1235 (stored as 0.12349999…) rounding up. */
export const scoreKey = (x: number) => Math.sign(x) * Math.round(Math.abs(x) * SCALE + 1e-9);

/** 0.123 */
export const formatScore = (x: number) => (Math.abs(scoreKey(x)) / SCALE).toFixed(SCORE_DECIMALS);

/** +0.012 / −0.034 / ±0.000 (typographic minus). */
export function formatSigned(x: number): string {
  const key = scoreKey(x);
  return `${key > 0 ? '+' : key < 0 ? '−' : '±'}${formatScore(x)}`;
}

/** A percentage without a useless ".0": 70%, 33.3%. */
export const formatPct = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

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

/** "1", or "=2" when the rank is shared. */
export const rankLabel = (m: Pick<RankedMember, 'rank' | 'tied'>) => `${m.tied ? '=' : ''}${m.rank}`;

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

/**
 * Joins lines into at most `maxChars` characters: as many whole lines as fit, then
 * "…and N more" for the rest. Never cuts a line.
 */
export function fitLines(lines: readonly string[], maxChars: number, more = (n: number) => `…and ${n} more`): string {
  let used = -1; // no newline before the first line
  let shown = 0;
  for (const line of lines) {
    if (used + 1 + line.length > maxChars) break;
    used += 1 + line.length;
    shown += 1;
  }
  for (; shown >= 0; shown -= 1) {
    const rest = lines.length - shown;
    const text = [...lines.slice(0, shown), ...(rest ? [more(rest)] : [])].join('\n');
    if (text.length <= maxChars) return text;
  }
  return '';
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

/** One line per member, "<@id> 0.250 → 0.180 · 0.070 better", within `maxChars` ("…and N more" for the rest). */
export function formatScoreChanges(changes: readonly ScoreChange[], maxChars: number): string {
  const lines = changes.map((c) => {
    const who = `<@${c.userId}>`;
    if (c.after === null) return `${who} not scored`;
    if (c.before === null || c.delta === null) return `${who} first score: ${formatScore(c.after)}`;
    const key = scoreKey(c.delta);
    const change = key < 0 ? `${formatScore(c.delta)} better` : key > 0 ? `${formatScore(c.delta)} worse` : 'no change';
    return `${who} ${formatScore(c.before)} → ${formatScore(c.after)} · ${change}`;
  });
  return fitLines(lines, maxChars, (n) => `…and ${n} more member${n === 1 ? '' : 's'}`);
}

/* ------------------------------------------------------------------ pure: track records, outcomes over time */

/** Fewer judged claims than this gets a small-sample caution. */
export const SMALL_SAMPLE = 5;

export interface NamedTrackRecord extends TrackRecord, HedgeScore {
  name: string;
}

export interface OutcomeRow {
  status: 'open' | 'resolved';
  outcome: Outcome | null;
}

/**
 * Track records grouped by name (folded: case and spacing do not split a name), most judged
 * claims first, then most claims, then by name. Rows without a name are left out.
 */
export function trackRecordsBy(rows: Iterable<OutcomeRow & { name: string | null; hedge?: string | null }>): NamedTrackRecord[] {
  const named = [...rows].filter((r): r is OutcomeRow & { name: string; hedge?: string | null } => !!r.name?.trim());
  return [...groupBy(named, (r) => speakerKey(r.name)).values()]
    .map((list) => ({ name: list[0]!.name.trim(), ...trackRecord(list), ...hedgeScore(list.map((r) => ({ ...r, hedge: r.hedge ?? null }))) }))
    .sort((a, b) => b.judged - a.judged || b.made - a.made || a.name.localeCompare(b.name));
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

/* ------------------------------------------------------------------ loaders (database) */

const SCORED_OUTCOMES: ScoredOutcome[] = ['came_true', 'partly', 'did_not'];

/** Live, resolved, scored (not void) claims of a server with every forecast on them. */
export async function loadResolvedClaims(db: Db, guildId: string): Promise<ResolvedClaim[]> {
  const rows = await db
    .select({
      id: claims.id,
      number: claims.number,
      text: claims.text,
      outcome: claims.outcome,
      dueAt: claims.dueAt,
      userId: forecasts.userId,
      probability: forecasts.probability,
      createdAt: forecasts.createdAt,
    })
    .from(claims)
    .innerJoin(forecasts, and(eq(forecasts.claimId, claims.id), eq(forecasts.guildId, guildId)))
    .where(
      and(
        eq(claims.guildId, guildId),
        eq(claims.status, 'resolved'),
        isNull(claims.deletedAt),
        inArray(claims.outcome, SCORED_OUTCOMES),
      ),
    )
    .orderBy(asc(claims.number), asc(forecasts.createdAt), asc(forecasts.id));
  return [...groupBy(rows, (r) => r.id).values()].map((list) => {
    const { id, number, text, outcome, dueAt } = list[0]!;
    return {
      id,
      number,
      text,
      outcome: outcome!,
      dueAt,
      forecasts: list.map((r) => ({ userId: r.userId, probability: r.probability, createdAt: r.createdAt })),
    };
  });
}

/** Every member's score on every scored claim of a server. */
export const loadScores = async (db: Db, guildId: string) => scoreClaims(await loadResolvedClaims(db, guildId));

/** The members' leaderboard of a server. */
export async function leaderboard(db: Db, guildId: string): Promise<Leaderboard> {
  const [scores, settings] = await Promise.all([loadScores(db, guildId), getSettings(db, guildId)]);
  return rankMembers(memberScores(scores), settings.minRanked);
}

export interface MemberRecord {
  userId: string;
  /** Live claims they put a probability on, resolved or not. */
  forecastClaims: number;
  /** Null until they are scored on a claim. */
  score: MemberScore | null;
  /** Their place on the leaderboard, or null while unranked. */
  rank: RankedMember | null;
  rankedMembers: number;
  minRanked: number;
  best: ClaimScore[];
  worst: ClaimScore[];
  calibration: CalibrationBin[];
}

/** One member's record: scores, standing, best and worst calls, calibration. */
export async function memberRecord(db: Db, guildId: string, userId: string): Promise<MemberRecord> {
  const [scores, settings, forecastRows] = await Promise.all([
    loadScores(db, guildId),
    getSettings(db, guildId),
    db
      .selectDistinct({ claimId: forecasts.claimId })
      .from(forecasts)
      .innerJoin(claims, and(eq(claims.id, forecasts.claimId), eq(claims.guildId, guildId)))
      .where(and(eq(forecasts.guildId, guildId), eq(forecasts.userId, userId), isNull(claims.deletedAt))),
  ]);
  const board = rankMembers(memberScores(scores), settings.minRanked);
  const mine = scores.filter((s) => s.userId === userId);
  return {
    userId,
    forecastClaims: forecastRows.length,
    score: memberScores(mine)[0] ?? null,
    rank: board.ranked.find((m) => m.userId === userId) ?? null,
    rankedMembers: board.ranked.length,
    minRanked: settings.minRanked,
    ...bestAndWorst(mine),
    calibration: calibration(mine),
  };
}

const liveClaimsOf = (guildId: string) => and(eq(claims.guildId, guildId), isNull(claims.deletedAt));

/** Speakers' track records. */
export async function speakerRecords(db: Db, guildId: string): Promise<NamedTrackRecord[]> {
  const rows = await db
    .select({ name: speakers.name, status: claims.status, outcome: claims.outcome, hedge: claims.hedge })
    .from(claims)
    .innerJoin(speakers, and(eq(speakers.id, claims.speakerId), eq(speakers.guildId, guildId)))
    .where(liveClaimsOf(guildId));
  return trackRecordsBy(rows);
}

/** Outlets' track records (the outlet of the claim's article). */
export async function outletRecords(db: Db, guildId: string): Promise<NamedTrackRecord[]> {
  const rows = await db
    .select({ name: articles.outlet, status: claims.status, outcome: claims.outcome, hedge: claims.hedge })
    .from(claims)
    .innerJoin(articles, and(eq(articles.id, claims.articleId), eq(articles.guildId, guildId)))
    .where(and(liveClaimsOf(guildId), isNotNull(articles.outlet)));
  return trackRecordsBy(rows);
}

export interface OutcomesOverTime {
  /** The speaker's name as stored, or the family. */
  subject: string;
  kind: 'speaker' | 'family';
  /** Over all their claims, the quarters left out of `buckets` too. */
  record: TrackRecord;
  buckets: QuarterBucket[];
  omitted: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A speaker by name (case and spacing folded). A name autocomplete had to shorten ("…" at the
 * end) is found by its start when only one speaker's name starts so.
 */
export async function findSpeaker(db: Db, guildId: string, name: string) {
  const key = speakerKey(cleanText(name));
  const columns = { id: speakers.id, name: speakers.name };
  const [exact] = await db.select(columns).from(speakers).where(and(eq(speakers.guildId, guildId), eq(speakers.nameKey, key)));
  if (exact || !key.endsWith('…')) return exact ?? null;
  const starting = await db
    .select(columns)
    .from(speakers)
    .where(and(eq(speakers.guildId, guildId), ilike(speakers.nameKey, `${escapeLike(key.slice(0, -1).trimEnd())}%`)))
    .limit(2);
  return starting.length === 1 ? starting[0]! : null;
}

/** A speaker's or a family's claims per quarter of their check date, by outcome. */
export async function outcomesOverTime(
  db: Db,
  guildId: string,
  of: { speaker: string } | { family: string },
  maxQuarters?: number,
): Promise<OutcomesOverTime> {
  let subject: string;
  let condition: SQL;
  if ('speaker' in of) {
    const speaker = await findSpeaker(db, guildId, of.speaker);
    if (!speaker) throw notFound(`There is no speaker "${of.speaker.slice(0, 80)}" in this server. Pick one from the suggestions.`);
    subject = speaker.name;
    condition = eq(claims.speakerId, speaker.id);
  } else {
    const family = optionalFamily(of.family);
    if (!family) throw invalid('Give a family, e.g. diplomacy.');
    subject = family;
    condition = eq(claims.family, family);
  }
  const kind = 'speaker' in of ? 'speaker' : 'family';
  const rows = await db
    .select({ checkBy: claims.checkBy, status: claims.status, outcome: claims.outcome })
    .from(claims)
    .where(and(liveClaimsOf(guildId), condition));
  if (!rows.length) throw notFound(`No claims of ${kind} "${subject.slice(0, 80)}" in this server.`);
  return { subject, kind, record: trackRecord(rows), ...outcomesByQuarter(rows, maxQuarters) };
}

/** Up to `limit` speaker names containing what is typed, alphabetical (autocomplete). */
export async function searchSpeakers(db: Db, guildId: string, typed: string, limit = 25): Promise<string[]> {
  const text = escapeLike(speakerKey(typed.slice(0, 100)));
  const rows = await db
    .select({ name: speakers.name })
    .from(speakers)
    .where(and(eq(speakers.guildId, guildId), ...(text ? [ilike(speakers.nameKey, `%${text}%`)] : [])))
    .orderBy(asc(speakers.nameKey))
    .limit(limit);
  return rows.map((r) => r.name);
}

/**
 * For round posts: how resolving `claimIds` moved the mean Brier of each member scored on them
 * (see `scoreChangesFrom`). Ids of other servers' claims are simply not found.
 */
export async function scoreChanges(db: Db, guildId: string, claimIds: number[]): Promise<ScoreChange[]> {
  if (!claimIds.length) return [];
  return scoreChangesFrom(await loadScores(db, guildId), claimIds);
}

/** The "Score changes" lines of a round post: who gained and who lost on the claims it reports resolved. */
export async function roundScoreNotes(db: Db, guildId: string, claimIds: number[]): Promise<string[]> {
  const text = formatScoreChanges(await scoreChanges(db, guildId, claimIds), 3000);
  return text ? text.split('\n') : [];
}
