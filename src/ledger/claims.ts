import { and, asc, count, desc, eq, ilike, isNull, lte, gt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { articles, claims, speakers, votes, forecasts } from '../db/schema.js';
import { claimHistory, lastLockedEdit, recordAudit, type AuditAction } from './audit.js';
import { nowOf, type LedgerCtx } from './context.js';
import { evidenceSummary, type EvidenceSummary } from './evidence.js';
import { dueAtFor, parseCheckBy, todayIn } from './dates.js';
import type { HedgeBand } from './hedge.js';
import { forbidden, invalid, notFound } from './errors.js';
import { LIMITS } from './limits.js';
import { HEDGE_BANDS, isHedgeBand } from './hedge.js';
import { conditionState, parseDaysAfter } from './conditions.js';
import { assertConditionAllowed, lockCondition, moveDependent } from './condition-chain.js';
import { median } from './scoring.js';
import { emptyTally, phaseOf, tallyVisible, type Outcome, type Tally, type Verdict } from './rules.js';
import { addDaysMs, DEFAULT_SETTINGS, getSettings, reserveClaimNumbers, type GuildSettings } from './settings.js';
import {
  claimNumber,
  cleanText,
  isoDate,
  optionalFamily,
  optionalText,
  optionalUrl,
  requiredText,
  speakerKey,
} from './validate.js';

export type { ClaimRow } from './claim-row.js';
export { changeClaim } from './claim-row.js';
import { changeClaim, type ClaimRow } from './claim-row.js';

/** A claim ready to be written: every field already validated. */
export interface ClaimFields {
  text: string;
  quote: string | null;
  speaker: string | null;
  /**
   * Who the speaker is, when the source says more than a name: `key` is the identity (e.g.
   * `pack:<pack>/<speaker key>`), `note` the distinction shown where two share a label. Null: the
   * speaker is known by the folded name alone.
   */
  speakerIdentity?: { key: string; note: string | null } | null;
  article: ArticleFields | null;
  family: string | null;
  madeOn: string;
  checkBy: string;
  checkByNote?: string | null;
  hedge?: HedgeBand | null;
  criteria: string | null;
  sourceKey: string | null;
  addedBy: string;
}

export interface ArticleFields {
  key: string;
  outlet: string | null;
  title: string | null;
  url: string | null;
  publishedOn: string | null;
  titleNote?: string | null;
  /** The source is authoritative (a bundled pack's own article): its values replace the stored ones. */
  authoritative?: boolean;
}

/** The identity key of a speaker known by name only. A typed name never takes a pack's namespace. */
export const nameIdentity = (name: string) => {
  const key = speakerKey(name);
  return key.startsWith('pack:') ? `name:${key}` : key;
};

/** How a speaker is shown: as the source names them, plus the distinction where there is one. */
export const speakerLabel = (name: string, note: string | null | undefined) => (note ? `${name} (${note})` : name);

export async function upsertSpeaker(db: Db, guildId: string, name: string, identity?: ClaimFields['speakerIdentity']): Promise<number> {
  const [row] = await db
    .insert(speakers)
    .values({ guildId, name, nameKey: identity?.key ?? nameIdentity(name), note: identity?.note ?? null })
    .onConflictDoUpdate({
      target: [speakers.guildId, speakers.nameKey],
      // A named identity follows its source (a re-imported pack may correct it); a folded name keeps its first spelling.
      set: identity ? { name: sql`excluded.name`, note: sql`excluded.note` } : { nameKey: sql`excluded.name_key` },
    })
    .returning({ id: speakers.id });
  return row!.id;
}

async function upsertArticle(db: Db, guildId: string, a: ArticleFields): Promise<number> {
  const { authoritative, ...values } = a;
  const fill = <T extends string>(column: T, current: unknown) =>
    authoritative ? sql.raw(`excluded.${column}`) : sql`coalesce(${sql.raw(`excluded.${column}`)}, ${current})`;
  const [row] = await db
    .insert(articles)
    .values({ guildId, ...values, titleNote: values.titleNote ?? null })
    .onConflictDoUpdate({
      target: [articles.guildId, articles.key],
      // Fill in what an earlier row lacked and never erase, unless the source is authoritative.
      set: {
        outlet: fill('outlet', articles.outlet),
        title: fill('title', articles.title),
        url: fill('url', articles.url),
        publishedOn: fill('published_on', articles.publishedOn),
        titleNote: fill('title_note', articles.titleNote),
      },
    })
    .returning({ id: articles.id });
  return row!.id;
}

/**
 * Writes validated claims to a server inside the caller's transaction and returns the rows.
 * Numbers are reserved in one step, so they are consecutive and never shared. A claim whose
 * check date passed before it was added (an imported article) opens its voting window now.
 */
export async function insertClaims(
  tx: Db,
  guildId: string,
  items: ClaimFields[],
  settings: GuildSettings,
  now: Date,
  extra: (item: ClaimFields, index: number) => Partial<typeof claims.$inferInsert> = () => ({}),
): Promise<ClaimRow[]> {
  if (!items.length) return [];
  const first = await reserveClaimNumbers(tx, guildId, items.length);
  const rows: (typeof claims.$inferInsert)[] = [];
  for (const [i, item] of items.entries()) {
    const speakerId = item.speaker ? await upsertSpeaker(tx, guildId, item.speaker, item.speakerIdentity) : null;
    const articleId = item.article ? await upsertArticle(tx, guildId, item.article) : null;
    const dueAt = dueAtFor(item.checkBy, settings.timezone);
    const windowStartsAt = dueAt < now ? now : dueAt;
    rows.push({
      guildId,
      number: first + i,
      sourceKey: item.sourceKey,
      text: item.text,
      quote: item.quote,
      speakerId,
      articleId,
      family: item.family,
      madeOn: item.madeOn,
      checkBy: item.checkBy,
      checkByNote: item.checkByNote ?? null,
      hedge: item.hedge ?? null,
      criteria: item.criteria,
      dueAt,
      windowStartsAt,
      votingClosesAt: addDaysMs(windowStartsAt, settings.votingWindowDays),
      addedBy: item.addedBy,
      ...extra(item, i),
    });
  }
  return tx.insert(claims).values(rows).returning();
}

/**
 * Brings an imported claim in line with a corrected version of its source (a re-imported pack),
 * through the audited edit path: one `claim.edit` entry listing what changed, nothing when nothing
 * did. Votes, forecasts, rounds and a resolution are kept; a resolved claim keeps its dates too
 * (its verdict was given against them). Returns whether the claim changed.
 */
export async function updateFromSource(
  tx: Db,
  claim: ClaimRow,
  item: ClaimFields,
  settings: GuildSettings,
  audit: { actorId: string; at: Date; from: string },
): Promise<boolean> {
  const set: Partial<typeof claims.$inferInsert> = {};
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const put = <K extends keyof typeof claims.$inferInsert & keyof ClaimRow>(field: K, to: ClaimRow[K]) => {
    if (claim[field] === to) return;
    set[field] = to as (typeof claims.$inferInsert)[K];
    changes[field] = { from: claim[field], to };
  };
  put('text', item.text);
  put('quote', item.quote);
  put('family', item.family);
  put('criteria', item.criteria);
  put('checkByNote', item.checkByNote ?? null);
  put('hedge', item.hedge ?? null);
  const speakerId = item.speaker ? await upsertSpeaker(tx, claim.guildId, item.speaker, item.speakerIdentity) : null;
  if (speakerId !== claim.speakerId) {
    set.speakerId = speakerId;
    changes.speaker = { from: claim.speakerId, to: item.speaker };
  }
  if (item.article) {
    const articleId = await upsertArticle(tx, claim.guildId, item.article);
    if (articleId !== claim.articleId) {
      set.articleId = articleId;
      changes.source = { from: claim.articleId, to: item.article.key };
    }
  }
  if (claim.status !== 'resolved') {
    put('madeOn', item.madeOn);
    if (item.checkBy !== claim.checkBy) {
      put('checkBy', item.checkBy);
      const dueAt = dueAtFor(item.checkBy, settings.timezone);
      set.dueAt = dueAt;
      // A window already under way stays as it is when the claim is still due; otherwise it starts
      // at the new due time (or now, if that has passed).
      if (!(claim.windowStartsAt <= audit.at && dueAt <= audit.at)) {
        set.windowStartsAt = dueAt < audit.at ? audit.at : dueAt;
        set.votingClosesAt = addDaysMs(set.windowStartsAt, settings.votingWindowDays);
      }
    }
  }
  if (!Object.keys(changes).length) return false;
  // A correction once members forecast or voted is marked like a manager's edit, and the card shows it.
  const locked = await lockReason(tx, claim, audit.at);
  await changeClaim(tx, claim, set, { actorId: audit.actorId, action: 'claim.edit', detail: { changes, from: audit.from, ...(locked ? { lockedBy: locked } : {}) }, at: audit.at });
  return true;
}

export interface AddClaimInput {
  claim: string;
  checkBy: string;
  speaker?: string | null;
  quote?: string | null;
  sourceUrl?: string | null;
  family?: string | null;
  criteria?: string | null;
  outlet?: string | null;
  madeOn?: string | null;
  /** The claim (or event) this one hangs on: its number (#4). `checkBy` may then be "N days after". */
  condition?: string | number | null;
}

export async function addClaim(ctx: LedgerCtx, input: AddClaimInput): Promise<ClaimRow> {
  const now = nowOf(ctx);
  const settings = await getSettings(ctx.db, ctx.guildId);
  const text = requiredText('Claim', input.claim, LIMITS.claimText);
  const conditionGiven = input.condition != null && String(input.condition).trim() !== '';
  const daysAfter = parseDaysAfter(input.checkBy ?? '');
  if (daysAfter !== null && !conditionGiven) throw invalid(`"${String(input.checkBy).trim().slice(0, 40)}" counts from a condition: give one with condition (a claim number, e.g. #4).`);
  // A days-after check date is provisional (as if the condition came true today) until the condition does.
  const checked = parseCheckBy(daysAfter !== null ? `in ${daysAfter} days` : (input.checkBy ?? ''), settings.timezone, now);
  if (!checked.ok) throw invalid(checked.message);
  const today = todayIn(settings.timezone, now);
  const madeOn = input.madeOn ? isoDate('Made on', input.madeOn) : today;
  if (madeOn > today) throw invalid('A claim cannot have been made in the future.');
  const url = optionalUrl('Source URL', input.sourceUrl);
  const outlet = optionalText('Outlet', input.outlet, LIMITS.outlet) ?? (url ? new URL(url).hostname.replace(/^www\./, '') : null);
  const fields: ClaimFields = {
    text,
    checkBy: checked.date,
    madeOn,
    quote: optionalText('Quote', input.quote, LIMITS.quote),
    speaker: optionalText('Speaker', input.speaker, LIMITS.speaker),
    family: optionalFamily(input.family),
    criteria: optionalText('Criteria', input.criteria, LIMITS.criteria),
    article: url ? { key: url, url, outlet, title: null, publishedOn: null } : null,
    sourceKey: null,
    addedBy: ctx.actor.id,
  };
  return ctx.db.transaction(async (tx) => {
    let condition: ClaimRow | null = null;
    if (conditionGiven) {
      const found = await findClaim(tx, ctx.guildId, String(input.condition).trim());
      condition = await lockCondition(tx, ctx.guildId, found.id);
      if (!condition) throw notFound(`There is no claim #${found.number} in this server.`);
      if (conditionState(condition) === 'failed') {
        throw invalid(`Claim #${condition.number} already did not happen (${condition.outcome}): a claim hanging on it would be void at once.`);
      }
      await assertConditionAllowed(tx, ctx.guildId, null, condition);
    }
    const [inserted] = await insertClaims(tx, ctx.guildId, [fields], settings, now, () =>
      condition ? { conditionClaimId: condition.id, conditionDays: daysAfter, status: 'waiting' as const } : {},
    );
    let row = inserted!;
    await recordAudit(tx, {
      guildId: ctx.guildId,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      action: 'claim.add',
      claimId: row.id,
      claimNumber: row.number,
      detail: { text, checkBy: fields.checkBy, ...(condition ? { condition: condition.number, ...(daysAfter !== null ? { daysAfter } : {}) } : {}) },
      at: now,
    });
    // A condition that already came true: the claim opens at once (its due date counted from then).
    if (condition) row = (await moveDependent(tx, row, condition, settings, now)) ?? row;
    return row;
  });
}

/** How many candidates a text that matches several claims lists. */
const CANDIDATES_SHOWN = 5;

/**
 * The number of the claim a member means: a number (`3`, `#3`, an autocomplete name `#3 · …`),
 * or words of its text (`Geneva`): the one live claim whose text is that, or the only one that
 * holds them as whole words. Several matches are refused with the candidates; none, with where to look.
 */
export async function claimNumberOf(db: Db, guildId: string, typed: number | string): Promise<number> {
  if (typeof typed === 'number') return claimNumber(typed);
  const text = cleanText(typed);
  const numbered = /^#?\s*(\d+)(?:\s*·.*)?$/s.exec(text);
  if (numbered) return claimNumber(numbered[1]!);
  if (text.length < 3) throw invalid('Claim: give its number (#3), or at least 3 letters of its text.');
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
  const quoted = `"${words.slice(0, 60)}"`;
  if (!rows.length) throw notFound(`No claim of this server has the words ${quoted} in its text. Give its number (#3), or see /predict list.`);
  const shown = rows.slice(0, CANDIDATES_SHOWN).map((r) => `#${r.number} ${r.text.length > 60 ? `${r.text.slice(0, 59)}…` : r.text}`);
  throw invalid(
    `${rows.length > CANDIDATES_SHOWN ? `More than ${CANDIDATES_SHOWN}` : rows.length} claims have ${quoted} in their text: ${shown.join('; ')}${rows.length > CANDIDATES_SHOWN ? '; …' : ''}. Give the number of the one you mean, or more of its words.`,
  );
}

/**
 * A live (not deleted) claim of this server by its number (or its text, see claimNumberOf);
 * another server's numbers are simply not found.
 */
export async function findClaim(db: Db, guildId: string, number: number | string, opts: { forUpdate?: boolean } = {}): Promise<ClaimRow> {
  const n = await claimNumberOf(db, guildId, number);
  const query = db
    .select()
    .from(claims)
    .where(and(eq(claims.guildId, guildId), eq(claims.number, n), isNull(claims.deletedAt)));
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound(`There is no claim #${n} in this server. /predict list shows the claims.`);
  return row;
}

export type LockReason = 'resolved' | 'due' | 'votes' | 'forecasts';

/**
 * Why a claim can no longer be changed by its author: resolved, members voted on it, due (check
 * date passed, no vote yet), or members forecast on it. Null while the author may still correct it.
 */
export async function lockReason(tx: Db, claim: ClaimRow, now: Date): Promise<LockReason | null> {
  if (claim.status === 'resolved') return 'resolved';
  // Votes before the due date: a claim with votes says "after voting began", one only due says so.
  const [vote] = await tx.select({ one: sql`1` }).from(votes).where(eq(votes.claimId, claim.id)).limit(1);
  if (vote) return 'votes';
  if (claim.dueAt <= now) return 'due';
  const [forecast] = await tx.select({ one: sql`1` }).from(forecasts).where(eq(forecasts.claimId, claim.id)).limit(1);
  return forecast ? 'forecasts' : null;
}

const LOCK_WORDS: Record<LockReason, string> = {
  resolved: 'it is resolved',
  due: 'its check date has passed',
  votes: 'members have voted on it',
  forecasts: 'members have forecast on it',
};

/**
 * The author or a manager may change a claim until it is locked (see lockReason); after that
 * only managers. Returns the lock reason (null when unlocked).
 */
async function assertMayChange(tx: Db, ctx: LedgerCtx, claim: ClaimRow, verb: string, now: Date): Promise<LockReason | null> {
  if (claim.addedBy !== ctx.actor.id && !ctx.actor.isManager) {
    throw forbidden(`Only the member who added claim #${claim.number} or a manager (Manage Server) can ${verb} it.`);
  }
  const locked = await lockReason(tx, claim, now);
  if (locked && !ctx.actor.isManager) {
    throw forbidden(`Claim #${claim.number} can no longer be changed by its author: ${LOCK_WORDS[locked]}. Ask a manager (Manage Server).`);
  }
  return locked;
}


export interface EditClaimInput {
  claim?: string | null;
  checkBy?: string | null;
  speaker?: string | null;
  quote?: string | null;
  sourceUrl?: string | null;
  family?: string | null;
  criteria?: string | null;
  /** An ICD-203 band, or 'none' to clear it; managers only (it calibrates the speaker's record). */
  hedge?: string | null;
}

/** What an edit changed, field by field (the audit's `changes`). */
export type ClaimChanges = Record<string, { from: unknown; to: unknown }>;

/** Edits a claim; the row comes back with what changed (for the reply: "check-by date 2026-03-01 → 2027-12-07"). */
export async function editClaim(ctx: LedgerCtx, number: number | string, input: EditClaimInput): Promise<ClaimRow & { changes: ClaimChanges }> {
  const now = nowOf(ctx);
  const settings = await getSettings(ctx.db, ctx.guildId);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number, { forUpdate: true });
    const locked = await assertMayChange(tx, ctx, claim, 'edit', now);
    const set: Partial<typeof claims.$inferInsert> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const note = (field: string, from: unknown, to: unknown) => {
      if (from !== to) changes[field] = { from, to };
    };
    if (input.claim != null) {
      set.text = requiredText('Claim', input.claim, LIMITS.claimText);
      note('text', claim.text, set.text);
    }
    if (input.quote != null) {
      set.quote = optionalText('Quote', input.quote, LIMITS.quote);
      note('quote', claim.quote, set.quote);
    }
    if (input.criteria != null) {
      set.criteria = optionalText('Criteria', input.criteria, LIMITS.criteria);
      note('criteria', claim.criteria, set.criteria);
    }
    if (input.family != null) {
      set.family = optionalFamily(input.family);
      note('family', claim.family, set.family);
    }
    if (input.checkBy != null) {
      if (claim.status === 'resolved') throw invalid(`Claim #${claim.number} is resolved; reopen it before moving its check date.`);
      const checked = parseCheckBy(input.checkBy, settings.timezone, now);
      if (!checked.ok) throw invalid(checked.message);
      set.checkBy = checked.date;
      set.dueAt = dueAtFor(checked.date, settings.timezone);
      set.windowStartsAt = set.dueAt;
      set.votingClosesAt = addDaysMs(set.dueAt, settings.votingWindowDays);
      note('checkBy', claim.checkBy, set.checkBy);
    }
    if (input.speaker != null) {
      const name = optionalText('Speaker', input.speaker, LIMITS.speaker);
      set.speakerId = name ? await upsertSpeaker(tx, ctx.guildId, name) : null;
      if (set.speakerId !== claim.speakerId) changes.speaker = { from: claim.speakerId, to: name };
    }
    if (input.hedge != null) {
      if (!ctx.actor.isManager) throw forbidden('Only managers (Manage Server) can correct a claim’s band.');
      const hedge = input.hedge === 'none' ? null : input.hedge;
      if (hedge !== null && !isHedgeBand(hedge)) throw invalid(`"${input.hedge.slice(0, 40)}" is not a band. Use one of: ${HEDGE_BANDS.join(', ')}, or none.`);
      set.hedge = hedge;
      note('hedge', claim.hedge, set.hedge);
    }
    if (input.sourceUrl != null) {
      const url = optionalUrl('Source URL', input.sourceUrl);
      set.articleId = url
        ? await upsertArticle(tx, ctx.guildId, { key: url, url, outlet: new URL(url).hostname.replace(/^www\./, ''), title: null, publishedOn: null })
        : null;
      if (set.articleId !== claim.articleId) changes.source = { from: claim.articleId, to: url };
    }
    if (!Object.keys(changes).length) throw invalid('Nothing to change: give at least one new value.');
    // A change once the claim is locked is marked in the audit, and the card shows it.
    const row = await changeClaim(tx, claim, set, { actorId: ctx.actor.id, actorName: ctx.actor.name, action: 'claim.edit', detail: { changes, ...(locked ? { lockedBy: locked } : {}) }, at: now });
    return { ...row, changes };
  });
}

/** The claim `ctx.actor` may delete (refused as deleteClaim would refuse it); nothing is written. */
export async function deletableClaim(ctx: LedgerCtx, number: number | string): Promise<ClaimRow & { locked: LockReason | null }> {
  const claim = await findClaim(ctx.db, ctx.guildId, number);
  const locked = await assertMayChange(ctx.db, ctx, claim, 'delete', nowOf(ctx));
  return { ...claim, locked };
}

export async function deleteClaim(ctx: LedgerCtx, number: number | string): Promise<ClaimRow> {
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(tx, ctx.guildId, number, { forUpdate: true });
    const locked = await assertMayChange(tx, ctx, claim, 'delete', now);
    const dependents = await tx
      .select({ number: claims.number })
      .from(claims)
      .where(and(eq(claims.guildId, ctx.guildId), eq(claims.conditionClaimId, claim.id), isNull(claims.deletedAt)))
      .orderBy(asc(claims.number))
      .limit(5);
    if (dependents.length) {
      throw invalid(`Claim #${claim.number} is the condition of ${dependents.map((d) => `#${d.number}`).join(', ')}: delete ${dependents.length === 1 ? 'that claim' : 'those claims'} first, or resolve #${claim.number}.`);
    }
    // Deleting hides the claim; a resolved one keeps counting in the scores (see leaderboard.ts).
    await changeClaim(tx, claim, { deletedAt: now }, { actorId: ctx.actor.id, actorName: ctx.actor.name, action: 'claim.delete', detail: { text: claim.text, ...(locked ? { lockedBy: locked } : {}) }, at: now });
    return claim;
  });
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
export async function searchClaims(db: Db, guildId: string, typed: string, limit = 25) {
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

export async function tallyFor(db: Db, claimId: number, round: number): Promise<Tally> {
  const rows = await db
    .select({ verdict: votes.verdict, n: count() })
    .from(votes)
    .where(and(eq(votes.claimId, claimId), eq(votes.round, round)))
    .groupBy(votes.verdict);
  const tally = emptyTally();
  for (const r of rows) tally[r.verdict as Verdict] = Number(r.n);
  return tally;
}

/** Everything about one claim, as /predict show needs it. */
export async function claimDetail(ctx: LedgerCtx, number: number | string) {
  const now = nowOf(ctx);
  const claim = await findClaim(ctx.db, ctx.guildId, number);
  const settings = await getSettings(ctx.db, ctx.guildId);
  const [speaker] = claim.speakerId
    ? await ctx.db.select().from(speakers).where(eq(speakers.id, claim.speakerId))
    : [];
  const [article] = claim.articleId
    ? await ctx.db.select().from(articles).where(eq(articles.id, claim.articleId))
    : [];
  const tally = await tallyFor(ctx.db, claim.id, claim.round);
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
  const history = await claimHistory(ctx.db, ctx.guildId, claim.id, 8, { actions: hiddenActions, viewer: ctx.actor.id });
  const lockedEdit = await lastLockedEdit(ctx.db, ctx.guildId, claim.id);
  const condition = await conditionInfo(ctx.db, ctx.guildId, claim.conditionClaimId);
  // The crowd's median: hidden before the check date from members who have not forecast (nobody anchors on it).
  const crowd = claim.dueAt <= now || myForecast ? await crowdForecast(ctx.db, ctx.guildId, claim.id) : null;
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
    evidence: await evidenceSummary(ctx.db, ctx.guildId, claim.id),
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

async function conditionInfo(db: Db, guildId: string, conditionId: number | null): Promise<ConditionInfo | null> {
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

const CARD_TIMESTAMPS = new Set(['dueAt', 'windowStartsAt', 'votingClosesAt', 'resolvedAt', 'createdAt', 'updatedAt', 'deletedAt']);

/** Rows of a raw statement, whichever driver ran it (postgres.js: an array; PGlite: `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}

/** A claims row as to_jsonb gives it (snake_case keys, timestamps as text) → the drizzle row. */
export function claimRowFromJson(json: Record<string, unknown>): ClaimRow {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    row[camel] = CARD_TIMESTAMPS.has(camel) && typeof value === 'string' ? new Date(value) : value;
  }
  return row as ClaimRow;
}

/**
 * A card's content in one statement: the claim (by id, within the server), its speaker's name,
 * its article's outlet, URL and title, the current round's tally, the number of forecasters and
 * the server's quorum, majority and blind-voting settings. Null when the claim is gone (deleted).
 */
export async function cardData(db: Db, guildId: string, claimId: number, now: Date): Promise<CardData | null> {
  const result = await db.execute(sql`
    select to_jsonb(c) as claim, s.name as speaker, a.outlet, a.url, a.title, a.title_note,
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
    evidence: await evidenceSummary(db, guildId, claim.id),
  };
}


/** The families used in a server, for autocomplete. */
export async function familiesOf(db: Db, guildId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ family: claims.family })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), isNull(claims.deletedAt)))
    .orderBy(asc(claims.family));
  return rows.map((r) => r.family).filter((f): f is string => !!f);
}

/** The crowd's forecast on a claim: the median of each member's last forecast before the check date, and how many members. */
export async function crowdForecast(db: Db, guildId: string, claimId: number): Promise<{ median: number | null; count: number }> {
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
