/**
 * Scores people want to look at: the members' leaderboard, speakers' and outlets' track records,
 * one member's record (with calibration), outcomes over time, and how resolving claims moved
 * members' scores.
 *
 * The loaders (async, first two arguments `db` and `guildId`) filter every table they read by
 * the server and hand plain data to the pure functions of scoring.ts.
 *
 * The maths is in scoring.ts, the text in src/kit/score-text.ts; these are the loaders.
 */
import { and, asc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { articles, claims, forecasts, speakers, votes } from '../db/schema.js';
import { speakerLabelSql } from './claim-queries.js';
import { invalid, notFound } from './errors.js';
import type { Outcome } from './rules.js';
import {
  type CalibrationBin,
  type ClaimScore,
  type Leaderboard,
  type MemberScore,
  type NamedTrackRecord,
  type QuarterBucket,
  type RankedMember,
  type ResolvedClaim,
  type ScoreChange,
  type ScoredOutcome,
  type TrackRecord,
  bestAndWorst,
  calibration,
  groupBy,
  mean,
  median,
  memberScores,
  outcomesByQuarter,
  rankMembers,
  scoreChangesFrom,
  scoreClaims,
  trackRecord,
  trackRecordsBy,
} from './scoring.js';
import { getSettings } from './settings.js';
import { cleanText, optionalFamily, speakerKey } from './validate.js';
import type { GuildScope } from './context.js';

/* ------------------------------------------------------------------ loaders (database) */

const SCORED_OUTCOMES: ScoredOutcome[] = ['came_true', 'partly', 'did_not'];

/** The claim's condition came true (src/ledger/conditions.ts: only then does a conditional claim count). */
const conditionHeldSql = sql<boolean>`exists (select 1 from claims k where k.id = ${claims.conditionClaimId} and k.guild_id = ${claims.guildId} and k.status = 'resolved' and k.outcome = 'came_true')`;
/** Null for a claim with no condition; else whether its condition held. */
const conditionHeldColumn = sql<boolean | null>`case when ${claims.conditionClaimId} is null then null else ${conditionHeldSql} end`;

/** Resolved, scored (not void) claims of a server, deleted ones included, with every forecast made here on them. */
export async function loadResolvedClaims(ctx: GuildScope): Promise<ResolvedClaim[]> {
  const { db, guildId } = ctx;
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
    // Imported forecasts (importedFrom set) are another ledger's data, never a member's own here.
    .innerJoin(forecasts, and(eq(forecasts.claimId, claims.id), eq(forecasts.guildId, guildId), isNull(forecasts.importedFrom)))
    .where(
      and(
        eq(claims.guildId, guildId),
        eq(claims.status, 'resolved'),
        // A deleted claim that was resolved stays in the scores: deletion hides it, it does not rewrite history.
        inArray(claims.outcome, SCORED_OUTCOMES),
        // A conditional claim counts only when its condition held.
        or(isNull(claims.conditionClaimId), conditionHeldSql),
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
export async function loadScores(ctx: GuildScope): Promise<ClaimScore[]> {
  return scoreClaims(await loadResolvedClaims(ctx));
}

/** The members' leaderboard of a server. */
export async function leaderboard(ctx: GuildScope): Promise<Leaderboard> {
  const [scores, settings] = await Promise.all([loadScores(ctx), getSettings(ctx)]);
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
export async function memberRecord(ctx: GuildScope, userId: string): Promise<MemberRecord> {
  const { db, guildId } = ctx;
  const [scores, settings, forecastRows] = await Promise.all([
    loadScores(ctx),
    getSettings(ctx),
    db
      .selectDistinct({ claimId: forecasts.claimId })
      .from(forecasts)
      .innerJoin(claims, and(eq(claims.id, forecasts.claimId), eq(claims.guildId, guildId)))
      .where(and(eq(forecasts.guildId, guildId), eq(forecasts.userId, userId), isNull(forecasts.importedFrom), isNull(claims.deletedAt))),
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

/** A speaker some live claim names, with the label that tells it from every other speaker of the server. */
export interface NamedSpeaker {
  id: number;
  /**
   * Unique in the server: the source's name plus its note, and where two speakers would still
   * read alike (same label, case and spacing folded), the later one (by id) numbered: "a Russian
   * diplomat (2)". Every surface shows and accepts this label, so it round-trips.
   */
  label: string;
  /** Whether another speaker shares the label before numbering. */
  shared: boolean;
  /** The first few of its live claims' numbers. */
  claims: number[];
}

const foldedLabel = (label: string) => speakerKey(cleanText(label));

/** Every speaker of a server that a live claim names, with its unique label, ordered by label. */
export async function namedSpeakers(ctx: GuildScope): Promise<NamedSpeaker[]> {
  const { db, guildId } = ctx;
  const rows = await db
    .select({
      id: speakers.id,
      label: speakerLabelSql,
      // Written out: drizzle leaves columns of a one-table select unqualified, which the subquery would misread.
      claims: sql<number[] | null>`(select array_agg(x.number order by x.number) from (select c.number from claims c where c.speaker_id = "speakers"."id" and c.deleted_at is null order by c.number limit 3) x)`,
    })
    .from(speakers)
    .where(and(eq(speakers.guildId, guildId), hasClaims))
    .orderBy(asc(speakers.id));
  const groups = groupBy(rows, (r) => foldedLabel(r.label ?? ''));
  const out: NamedSpeaker[] = [];
  for (const list of groups.values()) {
    list.forEach((r, i) => out.push({ id: r.id, label: i === 0 ? (r.label ?? '') : `${r.label} (${i + 1})`, shared: list.length > 1, claims: (r.claims ?? []).map(Number) }));
  }
  return out.sort((a, b) => a.label.toLowerCase().localeCompare(b.label.toLowerCase()) || a.id - b.id);
}

/** Speakers' track records, one per speaker, under its unique label. */
export async function speakerRecords(ctx: GuildScope): Promise<NamedTrackRecord[]> {
  const { db, guildId } = ctx;
  const [rows, named] = await Promise.all([
    db
      .select({ key: speakers.id, status: claims.status, outcome: claims.outcome, hedge: claims.hedge, conditionHeld: conditionHeldColumn })
      .from(claims)
      .innerJoin(speakers, and(eq(speakers.id, claims.speakerId), eq(speakers.guildId, guildId)))
      .where(liveClaimsOf(guildId)),
    namedSpeakers(ctx),
  ]);
  // One record per speaker identity (speakers.nameKey): two sources an article names alike stay apart.
  const labels = new Map(named.map((n) => [n.id, n.label]));
  return trackRecordsBy(rows.map((r) => ({ ...r, name: labels.get(r.key) ?? null })));
}

/** Outlets' track records (the outlet of the claim's article). */
export async function outletRecords(ctx: GuildScope): Promise<NamedTrackRecord[]> {
  const { db, guildId } = ctx;
  const rows = await db
    .select({ name: articles.outlet, status: claims.status, outcome: claims.outcome, hedge: claims.hedge, conditionHeld: conditionHeldColumn })
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


/** Speakers some live claim names (a re-imported pack can leave an old speaker row with none). */
const hasClaims = sql`exists (select 1 from ${claims} where ${claims.speakerId} = ${speakers.id} and ${claims.deletedAt} is null)`;

/**
 * What autocomplete offers as the value of a speaker whose label is longer than a choice value
 * may be (Discord's 100 characters): its id, which findSpeaker takes back (in its own server only).
 */
export const speakerChoiceKey = (id: number) => `speaker:${id}`;
const SPEAKER_CHOICE_KEY = /^speaker:(\d{1,9})$/;

/**
 * A speaker by its unique label (namedSpeakers; case and spacing folded), as /scores shows it and
 * autocomplete offers it, or by the key autocomplete sends for a label too long to be a choice
 * value (speakerChoiceKey). A label shortened by hand ("…" at the end) is found by its start when
 * only one speaker's label starts so.
 */
export async function findSpeaker(ctx: GuildScope, name: string): Promise<{ id: number; name: string } | null> {
  const named = await namedSpeakers(ctx);
  const byId = SPEAKER_CHOICE_KEY.exec(name.trim());
  if (byId) {
    const found = named.find((s) => s.id === Number(byId[1]));
    if (found) return { id: found.id, name: found.label };
  }
  const key = foldedLabel(name);
  if (!key) return null;
  const exact = named.find((s) => foldedLabel(s.label) === key);
  if (exact) return { id: exact.id, name: exact.label };
  if (!key.endsWith('…')) return null;
  const start = key.slice(0, -1).trimEnd();
  const starting = named.filter((s) => foldedLabel(s.label).startsWith(start));
  return starting.length === 1 ? { id: starting[0]!.id, name: starting[0]!.label } : null;
}

/** A speaker's or a family's claims per quarter of their check date, by outcome. */
export async function outcomesOverTime(
  ctx: GuildScope,
  of: { speaker: string } | { family: string },
  maxQuarters?: number,
): Promise<OutcomesOverTime> {
  const { db, guildId } = ctx;
  let subject: string;
  let condition: SQL;
  if ('speaker' in of) {
    const speaker = await findSpeaker(ctx, of.speaker);
    if (!speaker) throw notFound('ledgerErrors.noSpeaker', { speaker: of.speaker.slice(0, 80) });
    subject = speaker.name;
    condition = eq(claims.speakerId, speaker.id);
  } else {
    const family = optionalFamily(of.family);
    if (!family) throw invalid('ledgerErrors.giveFamily');
    subject = family;
    condition = eq(claims.family, family);
  }
  const kind = 'speaker' in of ? 'speaker' : 'family';
  const rows = await db
    .select({ checkBy: claims.checkBy, status: claims.status, outcome: claims.outcome })
    .from(claims)
    .where(and(liveClaimsOf(guildId), condition));
  if (!rows.length) throw notFound(kind === 'speaker' ? 'ledgerErrors.noClaimsOfSpeaker' : 'ledgerErrors.noClaimsOfFamily', { subject: subject.slice(0, 80) });
  return { subject, kind, record: trackRecord(rows), ...outcomesByQuarter(rows, maxQuarters) };
}

/** Up to `limit` speakers whose unique label contains what is typed, alphabetical (autocomplete). */
export async function suggestSpeakers(ctx: GuildScope, typed: string, limit = 25): Promise<NamedSpeaker[]> {
  const text = foldedLabel(typed.slice(0, 100));
  return (await namedSpeakers(ctx)).filter((s) => !text || foldedLabel(s.label).includes(text)).slice(0, limit);
}

/** The unique labels of up to `limit` speakers containing what is typed, alphabetical. */
export async function searchSpeakers(ctx: GuildScope, typed: string, limit = 25): Promise<string[]> {
  return (await suggestSpeakers(ctx, typed, limit)).map((s) => s.label);
}

/**
 * For round posts: how resolving `claimIds` moved the mean Brier of each member scored on them
 * (see `scoreChangesFrom`). Ids of other servers' claims are simply not found.
 */
export async function scoreChanges(ctx: GuildScope, claimIds: number[]): Promise<ScoreChange[]> {
  if (!claimIds.length) return [];
  return scoreChangesFrom(await loadScores(ctx), claimIds);
}

/** One claim a member forecast or voted on, with what they did and, once scored, their Brier score. */
export interface MyClaim {
  number: number;
  text: string;
  status: 'open' | 'resolved' | 'waiting';
  outcome: Outcome | null;
  checkBy: string;
  dueAt: Date;
  /** Their last forecast (the one that counts once the check date passed), percent. */
  forecast: number | null;
  /** Their vote in the claim's latest voting round they voted in. */
  vote: string | null;
  brier: number | null;
}

/**
 * /predict mine: the live claims a member forecast or voted on (newest claims first, paged), and
 * their score so far (the same scores as /scores me).
 */
export async function myClaims(ctx: GuildScope, userId: string, opts: { page?: number; pageSize?: number } = {}) {
  const { db, guildId } = ctx;
  const pageSize = Math.min(Math.max(opts.pageSize ?? 10, 1), 25);
  // Correlated subqueries name the outer row as claims.* (drizzle renders a column in sql`` unqualified).
  const mine = sql`${claims.guildId} = ${guildId} and ${claims.deletedAt} is null and (
    exists (select 1 from ${forecasts} f where f.claim_id = claims.id and f.user_id = ${userId})
    or exists (select 1 from ${votes} v where v.claim_id = claims.id and v.user_id = ${userId}))`;
  const [{ total } = { total: 0 }] = await db.select({ total: sql<number>`count(*)::int` }).from(claims).where(mine);
  const pages = Math.max(1, Math.ceil(Number(total) / pageSize));
  const page = Math.min(Math.max(Math.trunc(opts.page ?? 1) || 1, 1), pages);
  const [rows, scores] = await Promise.all([
    db
      .select({
        id: claims.id,
        number: claims.number,
        text: claims.text,
        status: claims.status,
        outcome: claims.outcome,
        checkBy: claims.checkBy,
        dueAt: claims.dueAt,
        forecast: sql<number | null>`(select f.probability from ${forecasts} f where f.claim_id = claims.id and f.user_id = ${userId}
          order by (f.created_at < claims.due_at) desc, f.created_at desc, f.id desc limit 1)`,
        vote: sql<string | null>`(select v.verdict::text from ${votes} v where v.claim_id = claims.id and v.user_id = ${userId} order by v.round desc limit 1)`,
      })
      .from(claims)
      .where(mine)
      .orderBy(sql`${claims.number} desc`)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    loadScores(ctx),
  ]);
  const myScores = scores.filter((s) => s.userId === userId);
  const brierOf = new Map(myScores.map((s) => [s.claimId, s.brier]));
  const items: MyClaim[] = rows.map(({ id, forecast, ...r }) => ({
    ...r,
    outcome: r.outcome as Outcome | null,
    forecast: forecast === null || forecast === undefined ? null : Number(forecast),
    brier: brierOf.get(id) ?? null,
  }));
  return { items, total: Number(total), page, pages, pageSize, score: memberScores(myScores)[0] ?? null };
}
