/**
 * Claims written: validated fields, speakers and articles upserted, claims inserted (one by one or
 * from a pack), added, edited and deleted by a member or manager, each change audited. Reading
 * claims (lists, search, details, cards) is in claim-queries.ts; a claim row and its one audited
 * change in claim-row.ts.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { articles, claims, speakers } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { nowOf, type LedgerCtx, type GuildScope, assertSameServer, inTx } from './context.js';
import { dueAtFor, parseCheckBy, todayIn } from './dates.js';
import type { HedgeBand } from './hedge.js';
import { forbidden, invalid, notFound } from './errors.js';
import type { MessageKey } from '../i18n/index.js';
import { LIMITS } from './limits.js';
import { HEDGE_BANDS, isHedgeBand } from './hedge.js';
import { conditionState, parseDaysAfter } from './conditions.js';
import { assertConditionAllowed, claimsById, lockCondition, moveDependent } from './condition-chain.js';
import { addDaysMs, getSettings, reserveClaimNumbers, type GuildSettings } from './settings.js';
import { isoDate, optionalFamily, optionalText, optionalUrl, requiredText, speakerKey } from './validate.js';
import { changeClaim, type ClaimRow } from './claim-row.js';
import { findClaim, lockReason, type LockReason } from './claim-queries.js';

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

export async function upsertSpeaker(ctx: GuildScope, name: string, identity?: ClaimFields['speakerIdentity']): Promise<number> {
  const { db, guildId } = ctx;
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

async function upsertArticle(ctx: GuildScope, a: ArticleFields): Promise<number> {
  const { db, guildId } = ctx;
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
  ctx: GuildScope,
  items: ClaimFields[],
  settings: GuildSettings,
  now: Date,
  extra: (item: ClaimFields, index: number) => Partial<typeof claims.$inferInsert> = () => ({}),
): Promise<ClaimRow[]> {
  const { db: tx, guildId } = ctx;
  if (!items.length) return [];
  const first = await reserveClaimNumbers(ctx, items.length);
  const rows: (typeof claims.$inferInsert)[] = [];
  for (const [i, item] of items.entries()) {
    const speakerId = item.speaker ? await upsertSpeaker(ctx, item.speaker, item.speakerIdentity) : null;
    const articleId = item.article ? await upsertArticle(ctx, item.article) : null;
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
  ctx: GuildScope,
  claim: ClaimRow,
  item: ClaimFields,
  settings: GuildSettings,
  audit: { actorId: string; at: Date; from: string },
): Promise<boolean> {
  assertSameServer(ctx, claim);
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
  const speakerId = item.speaker ? await upsertSpeaker(ctx, item.speaker, item.speakerIdentity) : null;
  if (speakerId !== claim.speakerId) {
    set.speakerId = speakerId;
    changes.speaker = { from: claim.speakerId, to: item.speaker };
  }
  if (item.article) {
    const articleId = await upsertArticle(ctx, item.article);
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
  const locked = await lockReason(ctx, claim, audit.at);
  await changeClaim(ctx, claim, set, { actorId: audit.actorId, action: 'claim.edit', detail: { changes, from: audit.from, ...(locked ? { lockedBy: locked } : {}) }, at: audit.at });
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
  const settings = await getSettings(ctx);
  const text = requiredText('Claim', input.claim, LIMITS.claimText);
  const conditionGiven = input.condition != null && String(input.condition).trim() !== '';
  const daysAfter = parseDaysAfter(input.checkBy ?? '');
  if (daysAfter !== null && !conditionGiven) throw invalid('ledgerErrors.daysAfterNeedsCondition', { typed: String(input.checkBy).trim().slice(0, 40) });
  // A days-after check date is provisional (as if the condition came true today) until the condition does.
  const checked = parseCheckBy(daysAfter !== null ? `in ${daysAfter} days` : (input.checkBy ?? ''), settings.timezone, now);
  if (!checked.ok) throw invalid(checked.error.key, checked.error.vars);
  const today = todayIn(settings.timezone, now);
  const madeOn = input.madeOn ? isoDate('Made on', input.madeOn) : today;
  if (madeOn > today) throw invalid('ledgerErrors.madeInFuture');
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
      const found = await findClaim(inTx(ctx, tx), String(input.condition).trim());
      condition = await lockCondition(inTx(ctx, tx), found.id);
      if (!condition) throw notFound('ledgerErrors.noClaim', { number: found.number });
      if (conditionState(condition) === 'failed') {
        throw invalid('ledgerErrors.conditionAlreadyFailed', { number: condition.number, outcome: { key: `outcomes.${condition.outcome ?? 'void'}` } });
      }
      await assertConditionAllowed(inTx(ctx, tx), null, condition);
    }
    const [inserted] = await insertClaims(inTx(ctx, tx), [fields], settings, now, () =>
      condition ? { conditionClaimId: condition.id, conditionDays: daysAfter, status: 'waiting' as const } : {},
    );
    let row = inserted!;
    await recordAudit(inTx(ctx, tx), {
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
    if (condition) row = (await moveDependent(inTx(ctx, tx), row, condition, settings, now)) ?? row;
    return row;
  });
}

const LOCK_WORDS: Record<LockReason, MessageKey> = {
  resolved: 'ledgerErrors.lock.resolved',
  due: 'ledgerErrors.lock.due',
  votes: 'ledgerErrors.lock.votes',
  forecasts: 'ledgerErrors.lock.forecasts',
};

/**
 * The author or a manager may change a claim until it is locked (see lockReason); after that
 * only managers. Returns the lock reason (null when unlocked).
 */
async function assertMayChange(ctx: LedgerCtx, claim: ClaimRow, verb: 'edit' | 'delete', now: Date): Promise<LockReason | null> {
  if (claim.addedBy !== ctx.actor.id && !ctx.actor.isManager) {
    throw forbidden(verb === 'edit' ? 'ledgerErrors.authorOnlyEdit' : 'ledgerErrors.authorOnlyDelete', { number: claim.number });
  }
  const locked = await lockReason(ctx, claim, now);
  if (locked && !ctx.actor.isManager) {
    throw forbidden('ledgerErrors.locked', { number: claim.number, reason: { key: LOCK_WORDS[locked] } });
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
  /** The claim (number or words) it now hangs on, or 'none' to drop its condition. */
  condition?: string | null;
}

/** What an edit changed, field by field (the audit's `changes`). */
export type ClaimChanges = Record<string, { from: unknown; to: unknown }>;

/** Edits a claim; the row comes back with what changed (for the reply: "check-by date 2026-03-01 → 2027-12-07"). */
export async function editClaim(ctx: LedgerCtx, number: number | string, input: EditClaimInput): Promise<ClaimRow & { changes: ClaimChanges }> {
  const now = nowOf(ctx);
  const settings = await getSettings(ctx);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(inTx(ctx, tx), number, { forUpdate: true });
    const locked = await assertMayChange(inTx(ctx, tx), claim, 'edit', now);
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
    // The condition first: a check-by of "N days after" counts from the condition the claim will hang on.
    const conditionInput = input.condition?.trim() || null;
    const dropCondition = conditionInput !== null && /^(none|no|-)$/i.test(conditionInput);
    let condition: ClaimRow | null = null;
    const previousCondition = async () => (claim.conditionClaimId === null ? null : ((await claimsById(inTx(ctx, tx), [claim.conditionClaimId]))[0]?.number ?? null));
    if (conditionInput !== null) {
      if (claim.status === 'resolved') throw invalid('ledgerErrors.resolvedConditionChange', { number: claim.number });
      if (dropCondition) {
        if (claim.conditionClaimId === null) throw invalid('ledgerErrors.noCondition', { number: claim.number });
        set.conditionClaimId = null;
        set.conditionDays = null;
        // Waiting on it no more: open on its check date (the provisional one while it waited).
        if (claim.status === 'waiting') set.status = 'open';
        note('condition', await previousCondition(), null);
      } else {
        const found = await findClaim(inTx(ctx, tx), conditionInput);
        condition = await lockCondition(inTx(ctx, tx), found.id);
        if (!condition) throw notFound('ledgerErrors.noClaim', { number: found.number });
        if (conditionState(condition) === 'failed') {
          throw invalid('ledgerErrors.conditionAlreadyFailed', { number: condition.number, outcome: { key: `outcomes.${condition.outcome ?? 'void'}` } });
        }
        await assertConditionAllowed(inTx(ctx, tx), claim, condition);
        if (condition.id !== claim.conditionClaimId) {
          set.conditionClaimId = condition.id;
          // Waits until the condition comes true (moveDependent below opens it at once if it already has).
          set.status = 'waiting';
          note('condition', await previousCondition(), condition.number);
        }
      }
    }
    if (input.checkBy != null) {
      if (claim.status === 'resolved') throw invalid('ledgerErrors.resolvedCheckByChange', { number: claim.number });
      const daysAfter = parseDaysAfter(input.checkBy);
      const hangs = dropCondition ? false : condition !== null || claim.conditionClaimId !== null;
      if (daysAfter !== null && !hangs) throw invalid('ledgerErrors.daysAfterNeedsCondition', { typed: input.checkBy.trim().slice(0, 40) });
      // A days-after check date is provisional (as if the condition came true today) until the condition does.
      const checked = parseCheckBy(daysAfter !== null ? `in ${daysAfter} days` : input.checkBy, settings.timezone, now);
      if (!checked.ok) throw invalid(checked.error.key, checked.error.vars);
      set.checkBy = checked.date;
      set.dueAt = dueAtFor(checked.date, settings.timezone);
      set.windowStartsAt = set.dueAt;
      set.votingClosesAt = addDaysMs(set.dueAt, settings.votingWindowDays);
      if (daysAfter !== null) {
        set.conditionDays = daysAfter;
        note('conditionDays', claim.conditionDays, daysAfter);
      } else if (hangs && claim.conditionDays !== null) {
        // A date replaces "N days after".
        set.conditionDays = null;
        note('conditionDays', claim.conditionDays, null);
      }
      note('checkBy', claim.checkBy, set.checkBy);
    }
    if (input.speaker != null) {
      const name = optionalText('Speaker', input.speaker, LIMITS.speaker);
      set.speakerId = name ? await upsertSpeaker(inTx(ctx, tx), name) : null;
      if (set.speakerId !== claim.speakerId) changes.speaker = { from: claim.speakerId, to: name };
    }
    if (input.hedge != null) {
      if (!ctx.actor.isManager) throw forbidden('ledgerErrors.managersOnly', { what: { key: 'ledgerErrors.can.correctBand' } });
      const hedge = input.hedge === 'none' ? null : input.hedge;
      if (hedge !== null && !isHedgeBand(hedge)) throw invalid('ledgerErrors.notBandOrNone', { got: input.hedge.slice(0, 40), bands: HEDGE_BANDS.join(', ') });
      set.hedge = hedge;
      note('hedge', claim.hedge, set.hedge);
    }
    if (input.sourceUrl != null) {
      const url = optionalUrl('Source URL', input.sourceUrl);
      set.articleId = url
        ? await upsertArticle(inTx(ctx, tx), { key: url, url, outlet: new URL(url).hostname.replace(/^www\./, ''), title: null, publishedOn: null })
        : null;
      if (set.articleId !== claim.articleId) changes.source = { from: claim.articleId, to: url };
    }
    if (!Object.keys(changes).length) throw invalid('ledgerErrors.nothingToChange');
    // A change once the claim is locked is marked in the audit, and the card shows it.
    let row = await changeClaim(inTx(ctx, tx), claim, set, { actorId: ctx.actor.id, actorName: ctx.actor.name, action: 'claim.edit', detail: { changes, ...(locked ? { lockedBy: locked } : {}) }, at: now });
    // A condition that already came true: the claim opens at once, its due date counted from then.
    if (condition && set.conditionClaimId === condition.id) row = (await moveDependent(inTx(ctx, tx), row, condition, settings, now)) ?? row;
    return { ...row, changes };
  });
}

/** The claim `ctx.actor` may delete (refused as deleteClaim would refuse it); nothing is written. */
export async function deletableClaim(ctx: LedgerCtx, number: number | string): Promise<ClaimRow & { locked: LockReason | null }> {
  const claim = await findClaim(ctx, number);
  const locked = await assertMayChange(ctx, claim, 'delete', nowOf(ctx));
  return { ...claim, locked };
}

export async function deleteClaim(ctx: LedgerCtx, number: number | string): Promise<ClaimRow> {
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const claim = await findClaim(inTx(ctx, tx), number, { forUpdate: true });
    const locked = await assertMayChange(inTx(ctx, tx), claim, 'delete', now);
    const dependents = await tx
      .select({ number: claims.number })
      .from(claims)
      .where(and(eq(claims.guildId, ctx.guildId), eq(claims.conditionClaimId, claim.id), isNull(claims.deletedAt)))
      .orderBy(asc(claims.number))
      .limit(5);
    if (dependents.length) {
      throw invalid('ledgerErrors.isCondition', { number: claim.number, count: dependents.length, dependents: dependents.map((d) => `#${d.number}`).join(', ') });
    }
    // Deleting hides the claim; a resolved one keeps counting in the scores (see leaderboard.ts).
    await changeClaim(inTx(ctx, tx), claim, { deletedAt: now }, { actorId: ctx.actor.id, actorName: ctx.actor.name, action: 'claim.delete', detail: { text: claim.text, ...(locked ? { lockedBy: locked } : {}) }, at: now });
    return claim;
  });
}
