/**
 * Claims read: a claim by its number or words, why it is locked, lists with their filters, search
 * for autocomplete, a claim's detail with its history and condition, a card's content in one
 * statement, families and the crowd's forecast. Nothing here writes.
 */
import { and, asc, count, desc, eq, ilike, isNull, lte, gt, or, sql, type SQL } from 'drizzle-orm';
import { articles, claims, speakers, votes, forecasts } from '../db/schema.js';
import { claimHistory, lastLockedEdit, type AuditAction } from './audit.js';
import { assertSameServer, nowOf, type LedgerCtx, type GuildScope } from './context.js';
import { invalid, notFound } from './errors.js';
import { LIMITS } from './limits.js';
import { median } from './scoring.js';
import { emptyTally, phaseOf, tallyVisible, type Outcome, type Tally, type Verdict } from './rules.js';
import { DEFAULT_SETTINGS, getSettings, type GuildSettings } from './settings.js';
import { claimNumber, cleanText, optionalFamily, optionalText, speakerKey } from './validate.js';
import { claimRowFromJson, rowsOf, type ClaimRow } from './claim-row.js';
import { evidenceSummary, type EvidenceSummary } from './evidence.js';

/** How a speaker is shown: as the source names them, plus the distinction where there is one. */
export const speakerLabel = (name: string, note: string | null | undefined) => (note ? `${name} (${note})` : name);

/** How many candidates a text that matches several claims lists. */
const CANDIDATES_SHOWN = 5;

/**
 * The number of the claim a member means: a number (`3`, `#3`, an autocomplete name `#3 · …`),
 * or words of its text (`Geneva`): the one live claim whose text is that, or the only one that
 * holds them as whole words. Several matches are refused with the candidates; none, with where to look.
 */
export async function claimNumberOf(ctx: GuildScope, typed: number | string): Promise<number> {
  const { db, guildId } = ctx;
  if (typeof typed === 'number') return claimNumber(typed);
  const text = cleanText(typed);
  const numbered = /^#?\s*(\d+)(?:\s*·.*)?$/s.exec(text);
  if (numbered) return claimNumber(numbered[1]!);
  if (text.length < 3) throw invalid('ledgerErrors.claimTooShort');
  const words = text.slice(0, LIMITS.claimText);
  // Whole words only ("war" is not in "toward"): a claim picked by a fragment inside a word would surprise.
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = `${/^\w/.test(words) ? '\\m' : ''}${escaped}${/\w$/.test(words) ? '\\M' : ''}`;
  const rows = await db
    .select({ number: claims.number, text: claims.text, exact: sql<boolean>`lower(${claims.text}) = lower(${words})` })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), isNull(claims.deletedAt), sql`${claims.text} ~* ${pattern}`))
    .orderBy(desc(sql`lower(${claims.text}) = lower(${words})`), asc(claims.number))
    .limit(CANDIDATES_SHOWN + 1);
  const exact = rows.filter((r) => r.exact);
  if (exact.length === 1 || rows.length === 1) return (exact[0] ?? rows[0])!.number;
  const words60 = words.slice(0, 60);
  if (!rows.length) throw notFound('ledgerErrors.noClaimWithWords', { words: words60 });
  const shown = rows.slice(0, CANDIDATES_SHOWN).map((r) => `#${r.number} ${r.text.length > 60 ? `${r.text.slice(0, 59)}…` : r.text}`);
  const list = `${shown.join('; ')}${rows.length > CANDIDATES_SHOWN ? '; …' : ''}`;
  throw rows.length > CANDIDATES_SHOWN
    ? invalid('ledgerErrors.manyClaimsWithWords', { count: CANDIDATES_SHOWN, words: words60, list })
    : invalid('ledgerErrors.claimsWithWords', { count: rows.length, words: words60, list });
}

/**
 * A live (not deleted) claim of this server by its number (or its text, see claimNumberOf);
 * another server's numbers are simply not found.
 */
export async function findClaim(ctx: GuildScope, number: number | string, opts: { forUpdate?: boolean } = {}): Promise<ClaimRow> {
  const { db, guildId } = ctx;
  const n = await claimNumberOf(ctx, number);
  const query = db
    .select()
    .from(claims)
    .where(and(eq(claims.guildId, guildId), eq(claims.number, n), isNull(claims.deletedAt)));
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound('ledgerErrors.noClaim', { number: n });
  return row;
}

export type LockReason = 'resolved' | 'due' | 'votes' | 'forecasts';

/**
 * Why a claim can no longer be changed by its author: resolved, members voted on it, due (check
 * date passed, no vote yet), or members forecast on it. Null while the author may still correct it.
 */
export async function lockReason(ctx: GuildScope, claim: ClaimRow, now: Date): Promise<LockReason | null> {
  assertSameServer(ctx, claim);
  const { db: tx } = ctx;
  if (claim.status === 'resolved') return 'resolved';
  // Votes before the due date: a claim with votes says "after voting began", one only due says so.
  const [vote] = await tx.select({ one: sql`1` }).from(votes).where(eq(votes.claimId, claim.id)).limit(1);
  if (vote) return 'votes';
  if (claim.dueAt <= now) return 'due';
  const [forecast] = await tx.select({ one: sql`1` }).from(forecasts).where(eq(forecasts.claimId, claim.id)).limit(1);
  return forecast ? 'forecasts' : null;
}

export const STATUS_FILTERS = ['open', 'due', 'resolved', 'waiting', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface ListFilter {
  status?: StatusFilter;
  family?: string | null;
  speaker?: string | null;
  /** Words searched (case-insensitively, as typed) in the claim, its quote and its speaker. */
  query?: string | null;
  page?: number;
  pageSize?: number;
}

export interface ClaimSummary {
  id: number;
  number: number;
  text: string;
  speaker: string | null;
  family: string | null;
  checkBy: string;
  dueAt: Date;
  votingClosesAt: Date;
  status: ClaimRow['status'];
  outcome: Outcome | null;
  flag: string | null;
  /** The number of the claim this one hangs on, or null. */
  conditionNumber: number | null;
}

/** The speaker as shown (speakerLabel, in SQL). */
export const speakerLabelSql = sql<string | null>`case when ${speakers.note} is null then ${speakers.name} else ${speakers.name} || ' (' || ${speakers.note} || ')' end`;

const summaryColumns = {
  id: claims.id,
  number: claims.number,
  text: claims.text,
  speaker: speakerLabelSql,
  family: claims.family,
  checkBy: claims.checkBy,
  dueAt: claims.dueAt,
  votingClosesAt: claims.votingClosesAt,
  status: claims.status,
  outcome: claims.outcome,
  flag: claims.flag,
  conditionNumber: sql<number | null>`(select k.number from claims k where k.id = ${claims.conditionClaimId})`,
};

/**
 * Claims of this server, numbered order, one page at a time.
 * status: open = check date not reached; due = check date passed, unresolved; resolved; all.
 */
export async function listClaims(ctx: LedgerCtx, filter: ListFilter = {}) {
  const now = nowOf(ctx);
  const pageSize = Math.min(Math.max(filter.pageSize ?? LIMITS.pageSize, 1), 25);
  const conditions: SQL[] = [eq(claims.guildId, ctx.guildId), isNull(claims.deletedAt)];
  const status = filter.status ?? 'all';
  if (status === 'open') conditions.push(eq(claims.status, 'open'), gt(claims.dueAt, now));
  if (status === 'due') conditions.push(eq(claims.status, 'open'), lte(claims.dueAt, now));
  if (status === 'resolved') conditions.push(eq(claims.status, 'resolved'));
  if (status === 'waiting') conditions.push(eq(claims.status, 'waiting'));
  const family = optionalFamily(filter.family);
  if (family) conditions.push(eq(claims.family, family));
  const speaker = optionalText('Speaker', filter.speaker, LIMITS.speaker);
  if (speaker) conditions.push(ilike(speakerLabelSql, `%${escapeLike(speakerKey(speaker))}%`));
  const query = optionalText('Query', filter.query, 100);
  if (query) {
    // Every word must appear in the claim, the quote or the speaker (wildcards typed are matched literally).
    for (const word of query.split(/\s+/).filter(Boolean).slice(0, 8)) {
      const pattern = `%${escapeLike(word)}%`;
      conditions.push(or(ilike(claims.text, pattern), ilike(claims.quote, pattern), ilike(speakerLabelSql, pattern))!);
    }
  }
  const where = and(...conditions);
  const [{ total } = { total: 0 }] = await ctx.db
    .select({ total: count() })
    .from(claims)
    .leftJoin(speakers, eq(speakers.id, claims.speakerId))
    .where(where);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(Math.trunc(filter.page ?? 1) || 1, 1), pages);
  const items: ClaimSummary[] = await ctx.db
    .select(summaryColumns)
    .from(claims)
    .leftJoin(speakers, eq(speakers.id, claims.speakerId))
    .where(where)
    .orderBy(asc(claims.number))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { items, total, page, pages, pageSize, status };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Up to 25 claims whose number or text starts with / contains what the member typed (autocomplete). */
export async function searchClaims(ctx: GuildScope, typed: string, limit = 25) {
  const { db, guildId } = ctx;
  const text = typed.trim().replace(/^#/, '').slice(0, 100);
  const conditions: SQL[] = [eq(claims.guildId, guildId), isNull(claims.deletedAt)];
  if (/^\d+$/.test(text)) {
    conditions.push(or(sql`${claims.number}::text like ${`${text}%`}`, ilike(claims.text, `%${text}%`))!);
  } else if (text) {
    conditions.push(ilike(claims.text, `%${escapeLike(text)}%`));
  }
  return db
    .select({ number: claims.number, text: claims.text, status: claims.status })
    .from(claims)
    .where(and(...conditions))
    .orderBy(desc(claims.status), asc(claims.number))
    .limit(limit);
}

/** The votes of one round of a claim of the server, by verdict. */
export async function tallyFor(ctx: GuildScope, claimId: number, round: number): Promise<Tally> {
  const { db, guildId } = ctx;
  const rows = await db
    .select({ verdict: votes.verdict, n: count() })
    .from(votes)
    .where(and(eq(votes.guildId, guildId), eq(votes.claimId, claimId), eq(votes.round, round)))
    .groupBy(votes.verdict);
  const tally = emptyTally();
  for (const r of rows) tally[r.verdict as Verdict] = Number(r.n);
  return tally;
}

/** Everything about one claim, as /predict show needs it. */
export async function claimDetail(ctx: LedgerCtx, number: number | string) {
  const now = nowOf(ctx);
  const claim = await findClaim(ctx, number);
  const settings = await getSettings(ctx);
  const [speaker] = claim.speakerId
    ? await ctx.db.select().from(speakers).where(eq(speakers.id, claim.speakerId))
    : [];
  const [article] = claim.articleId
    ? await ctx.db.select().from(articles).where(eq(articles.id, claim.articleId))
    : [];
  const tally = await tallyFor(ctx, claim.id, claim.round);
  const visible = tallyVisible(claim, settings.blindVoting, now);
  const [myVote] = await ctx.db
    .select({ verdict: votes.verdict })
    .from(votes)
    .where(and(eq(votes.claimId, claim.id), eq(votes.round, claim.round), eq(votes.userId, ctx.actor.id)));
  const [myForecast] = await ctx.db
    .select({ probability: forecasts.probability, createdAt: forecasts.createdAt })
    .from(forecasts)
    .where(and(eq(forecasts.claimId, claim.id), eq(forecasts.userId, ctx.actor.id)))
    .orderBy(desc(forecasts.createdAt), desc(forecasts.id))
    .limit(1);
  const [forecastStats] = await ctx.db
    .select({ members: sql<number>`count(distinct ${forecasts.userId})`.mapWith(Number) })
    .from(forecasts)
    .where(eq(forecasts.claimId, claim.id));
  // Others' votes are hidden while the tally is; others' forecasts until the check date passes.
  const hiddenActions: AuditAction[] = [...(visible ? [] : ['vote.cast' as const, 'evidence.add' as const]), ...(now < claim.dueAt ? ['forecast.set' as const] : [])];
  const history = await claimHistory(ctx, claim.id, 8, { actions: hiddenActions, viewer: ctx.actor.id });
  const lockedEdit = await lastLockedEdit(ctx, claim.id);
  const condition = await conditionInfo(ctx, claim.conditionClaimId);
  // The crowd's median: hidden before the check date from members who have not forecast (nobody anchors on it).
  const crowd = claim.dueAt <= now || myForecast ? await crowdForecast(ctx, claim.id) : null;
  return {
    claim,
    condition,
    speaker: speaker ? speakerLabel(speaker.name, speaker.note) : null,
    article: article ?? null,
    phase: phaseOf(claim, now),
    tally: visible ? tally : null,
    votesCast: Object.values(tally).reduce((a, b) => a + b, 0),
    myVote: (myVote?.verdict as Verdict | undefined) ?? null,
    myForecast: myForecast?.probability ?? null,
    forecasters: forecastStats?.members ?? 0,
    settings,
    history,
    lockedEdit,
    crowd,
    evidence: await evidenceSummary(ctx, claim.id),
  };
}

export type ClaimDetail = Awaited<ReturnType<typeof claimDetail>>;

/** What a card shows of a claim's condition. */
export interface ConditionInfo {
  number: number;
  text: string;
  status: ClaimRow['status'];
  outcome: Outcome | null;
}

async function conditionInfo(ctx: GuildScope, conditionId: number | null): Promise<ConditionInfo | null> {
  const { db, guildId } = ctx;
  if (conditionId == null) return null;
  const [row] = await db
    .select({ number: claims.number, text: claims.text, status: claims.status, outcome: claims.outcome })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), eq(claims.id, conditionId)));
  return row ?? null;
}

/** What a claim card shows, and nothing more (the card's re-render after votes reads only this). */
export interface CardData {
  claim: ClaimRow;
  speaker: string | null;
  article: { outlet: string | null; url: string | null; title: string | null; titleNote: string | null } | null;
  /** Null under blind voting while the window is open. */
  tally: Tally | null;
  votesCast: number;
  forecasters: number;
  settings: Pick<GuildSettings, 'quorum' | 'majorityPct'>;
  myVote?: Verdict | null;
  myForecast?: number | null;
  history?: Awaited<ReturnType<typeof claimHistory>>;
  /** Shown by /predict show: the last edit made after forecasts or votes locked the claim. */
  lockedEdit?: ClaimDetail['lockedEdit'];
  /** The claim this one hangs on (null: none). */
  condition?: ConditionInfo | null;
  /** The crowd's forecast, only where it may be shown: after the check date, or to a member who forecast. */
  crowd?: { median: number | null; count: number } | null;
  /** The evidence count and the latest items (src/ledger/evidence.ts). */
  evidence?: EvidenceSummary;
}

/**
 * A card's content in one statement: the claim (by id, within the server), its speaker as shown (speakerLabel: name and note, as /predict show and a round have it),
 * its article's outlet, URL and title, the current round's tally, the number of forecasters and
 * the server's quorum, majority and blind-voting settings. Null when the claim is gone (deleted).
 */
export async function cardData(ctx: GuildScope, claimId: number, now: Date): Promise<CardData | null> {
  const { db, guildId } = ctx;
  const result = await db.execute(sql`
    select to_jsonb(c) as claim, case when s.note is null then s.name else s.name || ' (' || s.note || ')' end as speaker, a.outlet, a.url, a.title, a.title_note,
      (select jsonb_object_agg(t.verdict, t.n) from (
        select v.verdict, count(*)::int as n from votes v where v.claim_id = c.id and v.round = c.round group by v.verdict
      ) t) as tally,
      (select count(distinct f.user_id)::int from forecasts f where f.claim_id = c.id) as forecasters,
      case when c.due_at <= ${now.toISOString()}::timestamptz then (
        select jsonb_build_object('median', percentile_cont(0.5) within group (order by l.p), 'count', count(*)) from (
          select distinct on (f.user_id) f.probability as p from forecasts f where f.claim_id = c.id and f.created_at < c.due_at
          order by f.user_id, f.created_at desc, f.id desc) l
      ) end as crowd,
      g.quorum, g.majority_pct, g.blind_voting,
      (select jsonb_build_object('number', k.number, 'text', k.text, 'status', k.status, 'outcome', k.outcome)
        from claims k where k.id = c.condition_claim_id and k.guild_id = c.guild_id) as condition
    from claims c
    left join speakers s on s.id = c.speaker_id
    left join articles a on a.id = c.article_id
    left join guilds g on g.guild_id = c.guild_id
    where c.id = ${claimId}::int and c.guild_id = ${guildId} and c.deleted_at is null`);
  const [row] = rowsOf<Record<string, unknown>>(result);
  if (!row) return null;
  const claim = claimRowFromJson(row.claim as Record<string, unknown>);
  const tally = emptyTally();
  for (const [v, n] of Object.entries((row.tally as Record<string, number> | null) ?? {})) tally[v as Verdict] = Number(n);
  const blind = (row.blind_voting as boolean | null) ?? false;
  const hasArticle = row.outlet != null || row.url != null || row.title != null;
  return {
    claim,
    speaker: (row.speaker as string | null) ?? null,
    article: hasArticle ? { outlet: (row.outlet as string | null) ?? null, url: (row.url as string | null) ?? null, title: (row.title as string | null) ?? null, titleNote: (row.title_note as string | null) ?? null } : null,
    tally: tallyVisible(claim, blind, now) ? tally : null,
    votesCast: Object.values(tally).reduce((a, b) => a + b, 0),
    forecasters: Number(row.forecasters ?? 0),
    condition: (row.condition as ConditionInfo | null) ?? null,
    settings: { quorum: (row.quorum as number | null) ?? DEFAULT_SETTINGS.quorum, majorityPct: (row.majority_pct as number | null) ?? DEFAULT_SETTINGS.majorityPct },
    // The public card shows the crowd only once the check date passed.
    crowd: claim.dueAt <= now ? crowdOf(row.crowd) : null,
    evidence: await evidenceSummary(ctx, claim.id),
  };
}

/** The families used in a server, for autocomplete. */
export async function familiesOf(ctx: GuildScope): Promise<string[]> {
  const { db, guildId } = ctx;
  const rows = await db
    .selectDistinct({ family: claims.family })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), isNull(claims.deletedAt)))
    .orderBy(asc(claims.family));
  return rows.map((r) => r.family).filter((f): f is string => !!f);
}

/** The crowd's forecast on a claim: the median of each member's last forecast before the check date, and how many members. */
export async function crowdForecast(ctx: GuildScope, claimId: number): Promise<{ median: number | null; count: number }> {
  const { db, guildId } = ctx;
  const result = await db.execute(sql`
    select distinct on (f.user_id) f.probability
    from ${forecasts} f join ${claims} c on c.id = f.claim_id
    where f.guild_id = ${guildId} and f.claim_id = ${claimId} and f.created_at < c.due_at
    order by f.user_id, f.created_at desc, f.id desc`);
  const list = rowsOf<{ probability: number | string }>(result).map((r) => Number(r.probability));
  const m = median(list);
  return { median: m === null ? null : Math.round(m * 10) / 10, count: list.length };
}

function crowdOf(json: unknown): { median: number | null; count: number } | null {
  if (!json || typeof json !== 'object') return null;
  const { median: m, count: n } = json as { median: unknown; count: unknown };
  return { median: m === null || m === undefined ? null : Math.round(Number(m) * 10) / 10, count: Number(n ?? 0) };
}
