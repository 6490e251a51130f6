/**
 * Review drafts: the forecasts found in one article (src/extract/), kept in the database until a
 * person accepts, edits or discards each one. Nothing enters the ledger unreviewed: a claim is
 * written only by `acceptCandidate`, through the ledger's add path (insertClaims) with the
 * article as its source and the candidate's hedge band. A draft lives 24 hours.
 *
 * Who may act: the draft's owner or a manager. A member's Accept makes the candidate *proposed*;
 * only a manager's Accept turns a candidate (pending or proposed) into a claim.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { claims, extractDrafts } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { insertClaims, type ClaimFields } from './claims.js';
import { type ClaimRow } from './claim-row.js';
import { nowOf, type LedgerCtx, type GuildScope, inTx } from './context.js';
import { addMonths, parseDatePhrase, todayIn } from './dates.js';
import { forbidden, invalid, LedgerError, notFound, type Message } from './errors.js';
import { t } from '../i18n/index.js';
import { HEDGE_BANDS, HEDGE_BAND_INFO, isHedgeBand, type HedgeBand } from './hedge.js';
import { LIMITS } from './limits.js';
import { getSettings } from './settings.js';
import { cleanText, isoDate, optionalFamily, optionalText, requiredText } from './validate.js';
import type { ArticleInput, Candidate } from './candidates.js';

export type { ArticleInput, Candidate } from './candidates.js';

export const DRAFT_TTL_MS = 24 * 60 * 60 * 1000;
/** At most this many candidates are kept per draft (the review is one card per candidate). */
export const MAX_DRAFT_CANDIDATES = 50;

export type CandidateState = 'pending' | 'proposed' | 'accepted' | 'discarded';

export interface DraftCandidate extends Candidate {
  state: CandidateState;
  /** The claim it became, once accepted. */
  claimNumber: number | null;
  /** The member whose Accept proposed it (members' drafts), and their name then. */
  proposedBy: string | null;
  proposedByName?: string | null;
  /** A reviewer changed a field (the restatement, speaker, date, band or family). */
  edited: boolean;
}

export interface DraftArticle {
  /** The articles table's natural key: the URL, or `text:<hash>` for a file or a message. */
  key: string;
  title: string | null;
  outlet: string | null;
  url: string | null;
  publishedOn: string | null;
  /** Where it came from, in words ("article.txt", "a message"). */
  origin: string | null;
}

export interface Draft {
  id: number;
  guildId: string;
  ownerId: string;
  article: DraftArticle;
  candidates: DraftCandidate[];
  createdAt: Date;
  expiresAt: Date;
}

/** Said when a draft has expired or is unknown (in English; the LedgerError carries the catalog key). */
export const EXPIRED = t('en', 'ledgerErrors.draftExpired');

/** Whitespace-folded, lower-cased: two quotes that differ only so are the same quote. */
export const foldQuote = (quote: string) => quote.replace(/\s+/g, ' ').trim().toLowerCase();
const foldedQuoteSql = sql`lower(btrim(regexp_replace(${claims.quote}, '\\s+', ' ', 'g')))`;

/** The article's key in the articles table. */
export function articleKey(input: Pick<ArticleInput, 'url' | 'text'>): string {
  return input.url ? input.url : `text:${createHash('sha256').update(input.text).digest('hex').slice(0, 24)}`;
}

function rowToDraft(row: typeof extractDrafts.$inferSelect): Draft {
  return {
    id: row.id,
    guildId: row.guildId,
    ownerId: row.ownerId,
    article: row.article as unknown as DraftArticle,
    candidates: row.candidates as DraftCandidate[],
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/** Stores the candidates found in an article as a new draft owned by `ownerId`. */
export async function createDraft(
  ctx: GuildScope,
  ownerId: string,
  article: ArticleInput & { origin?: string | null },
  candidates: readonly Candidate[],
  now: Date,
): Promise<Draft> {
  const { db, guildId } = ctx;
  const meta: DraftArticle = {
    key: articleKey(article),
    title: article.title ? cleanText(article.title).slice(0, LIMITS.title) : null,
    outlet: article.outlet ? cleanText(article.outlet).slice(0, LIMITS.outlet) : null,
    url: article.url ?? null,
    publishedOn: article.publishedOn ?? null,
    origin: article.origin ?? null,
  };
  const kept: DraftCandidate[] = candidates.slice(0, MAX_DRAFT_CANDIDATES).map((c) => ({
    ...c,
    state: 'pending',
    claimNumber: null,
    proposedBy: null,
    edited: false,
  }));
  const [row] = await db
    .insert(extractDrafts)
    .values({
      guildId,
      ownerId,
      article: meta as unknown as Record<string, unknown>,
      candidates: kept,
      createdAt: now,
      expiresAt: new Date(now.getTime() + DRAFT_TTL_MS),
    })
    .returning();
  return rowToDraft(row!);
}

/** A live draft of this server; expired or unknown ones (or another server's) are a clear LedgerError. */
export async function getDraft(ctx: GuildScope, id: number, now: Date, opts: { forUpdate?: boolean } = {}): Promise<Draft> {
  const { db, guildId } = ctx;
  const query = db
    .select()
    .from(extractDrafts)
    .where(and(eq(extractDrafts.guildId, guildId), eq(extractDrafts.id, id)));
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  if (!row || row.expiresAt <= now) throw new LedgerError('closed', 'ledgerErrors.draftExpired');
  return rowToDraft(row);
}

/** A draft with a forecast still to review (pending, or proposed and waiting for a manager). */
const stillToReview = sql`exists (select 1 from jsonb_array_elements(${extractDrafts.candidates}) as c(value) where c.value->>'state' in ('pending', 'proposed'))`;

/**
 * This server's live drafts that still have a forecast to review, newest first: everyone's
 * (managers) or one member's. A draft whose every forecast is accepted or discarded is done and
 * not listed (its buttons keep working until it expires).
 */
export async function listDrafts(ctx: GuildScope, now: Date, ownerId?: string): Promise<Draft[]> {
  const { db, guildId } = ctx;
  const rows = await db
    .select()
    .from(extractDrafts)
    .where(and(eq(extractDrafts.guildId, guildId), gt(extractDrafts.expiresAt, now), stillToReview, ...(ownerId ? [eq(extractDrafts.ownerId, ownerId)] : [])))
    .orderBy(asc(extractDrafts.createdAt))
    .limit(25);
  return rows.map(rowToDraft).reverse();
}

/** Deletes expired drafts (every server); returns how many. */
export async function pruneExpiredDrafts(db: Db, now: Date): Promise<number> {
  const gone = await db.delete(extractDrafts).where(lte(extractDrafts.expiresAt, now)).returning({ id: extractDrafts.id });
  return gone.length;
}

/** Live claims of this server with the same quote (whitespace-folded, case-insensitive), by folded quote. */
export async function duplicateClaims(ctx: GuildScope, quotes: readonly string[]): Promise<Map<string, number[]>> {
  const { db, guildId } = ctx;
  const folded = [...new Set(quotes.map(foldQuote).filter(Boolean))];
  const out = new Map<string, number[]>();
  if (!folded.length) return out;
  const rows = await db
    .select({ number: claims.number, folded: sql<string>`${foldedQuoteSql}` })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), isNull(claims.deletedAt), inArray(foldedQuoteSql, folded)))
    .orderBy(asc(claims.number));
  for (const r of rows) out.set(r.folded, [...(out.get(r.folded) ?? []), r.number]);
  return out;
}

function assertMayAct(ctx: LedgerCtx, draft: Draft) {
  if (draft.ownerId !== ctx.actor.id && !ctx.actor.isManager) {
    throw forbidden('ledgerErrors.draftOwnerOnly');
  }
}

function candidateAt(draft: Draft, index: number): DraftCandidate {
  const c = draft.candidates[index];
  if (!Number.isInteger(index) || !c) throw notFound('ledgerErrors.noDraftForecast', { index: index + 1 });
  return c;
}

/** Reads a band as typed: its name (`very-likely`), its label (`very likely`) or a unique start of either. */
export function parseBand(input: string): HedgeBand {
  const typed = input.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (isHedgeBand(typed)) return typed;
  const byLabel = HEDGE_BANDS.find((b) => HEDGE_BAND_INFO[b].label.replace(/\s+/g, '-') === typed);
  if (byLabel) return byLabel;
  const starts = HEDGE_BANDS.filter((b) => typed && (b.startsWith(typed) || HEDGE_BAND_INFO[b].label.replace(/\s+/g, '-').startsWith(typed)));
  if (starts.length === 1) return starts[0]!;
  throw invalid('ledgerErrors.notBand', { got: input.trim().slice(0, 40), bands: HEDGE_BANDS.join(', ') });
}

/**
 * A check date as a reviewer types it: YYYY-MM-DD or a phrase read from today, refused as
 * `/predict add` refuses it (in the past, too far ahead) and, on an article, before the article's
 * own date (a forecast is checked after it is made).
 */
export function parseReviewDate(input: string, today: string, articleDate: string | null = null): string {
  const text = input.trim();
  let date: string;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) date = isoDate('Check by', text);
  else {
    const parsed = parseDatePhrase(text, today);
    if (!parsed.ok) throw invalid(parsed.error.key, parsed.error.vars);
    date = parsed.date;
  }
  if (articleDate && date < articleDate) {
    throw today > articleDate ? invalid('ledgerErrors.beforeArticleToday', { date, articleDate }) : invalid('ledgerErrors.beforeArticle', { date, articleDate });
  }
  if (date < today) throw invalid('ledgerErrors.checkDatePast', { date });
  const latest = addMonths(today, 12 * LIMITS.maxYearsAhead);
  if (date > latest) throw invalid('ledgerErrors.checkDateTooFar', { date, count: LIMITS.maxYearsAhead });
  return date;
}

export interface CandidateEdit {
  restatement?: string;
  speaker?: string;
  checkBy?: string;
  hedge?: string;
  family?: string;
}

/** The fields of an edit as the form names them. */
export const EDIT_FIELD_LABELS: Record<keyof CandidateEdit, string> = {
  restatement: 'Restatement',
  speaker: 'Speaker',
  checkBy: 'Check by',
  hedge: 'Band',
  family: 'Family',
};

/** A field of an edit that was refused (the others were saved). */
export interface RefusedField {
  field: keyof CandidateEdit;
  label: string;
  /** Why, in English; `error` is the catalog message (in a member's language: messageIn(locale, error)). */
  message: string;
  error: Message;
}

/** Runs `change` on the locked draft and writes its candidates back (one transaction). */
async function withDraft<T>(ctx: LedgerCtx, id: number, change: (draft: Draft, tx: Db) => Promise<T>): Promise<{ draft: Draft; result: T }> {
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const draft = await getDraft(inTx(ctx, tx), id, now, { forUpdate: true });
    assertMayAct(ctx, draft);
    const result = await change(draft, tx);
    await tx.update(extractDrafts).set({ candidates: draft.candidates }).where(eq(extractDrafts.id, draft.id));
    return { draft, result };
  });
}

const assertOpen = (c: DraftCandidate, index: number) => {
  if (c.state === 'accepted') throw invalid('ledgerErrors.draftAccepted', { index: index + 1, number: c.claimNumber ?? '?' });
  if (c.state === 'discarded') throw invalid('ledgerErrors.draftDiscarded', { index: index + 1 });
};

/**
 * Changes a candidate's fields (validated as the ledger would); empty speaker or family clears
 * them. Each field stands alone: a bad one is refused and named in `refused` while the good ones
 * are saved. When every field given is bad, nothing changes and the first refusal is thrown.
 * A check date the reviewer leaves as the extractor proposed it is kept as it is.
 */
export async function editCandidate(ctx: LedgerCtx, id: number, index: number, edit: CandidateEdit): Promise<{ draft: Draft; refused: RefusedField[] }> {
  const settings = await getSettings(ctx);
  const today = todayIn(settings.timezone, nowOf(ctx));
  const given = (Object.keys(EDIT_FIELD_LABELS) as (keyof CandidateEdit)[]).filter((k) => edit[k] !== undefined);
  const { draft, result } = await withDraft(ctx, id, async (draft) => {
    const c = candidateAt(draft, index);
    assertOpen(c, index);
    const next: DraftCandidate = { ...c };
    const refused: RefusedField[] = [];
    const apply = (field: keyof CandidateEdit, change: () => void) => {
      if (edit[field] === undefined) return;
      try {
        change();
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        refused.push({ field, label: EDIT_FIELD_LABELS[field], message: error.message, error: error.text });
      }
    };
    apply('restatement', () => (next.restatement = requiredText('The restatement', edit.restatement, LIMITS.claimText)));
    apply('speaker', () => (next.speaker = optionalText('Speaker', edit.speaker, LIMITS.speaker)));
    apply('family', () => (next.family = optionalFamily(edit.family)));
    apply('hedge', () => {
      const band = parseBand(edit.hedge!);
      if (band !== c.hedge) next.hedgePhrase = `set by a reviewer (was ${HEDGE_BAND_INFO[c.hedge].label})`;
      next.hedge = band;
    });
    apply('checkBy', () => {
      const typed = edit.checkBy!.trim();
      // the extractor's own date, left as it was, stays (an older article's date may be past)
      const date = !typed ? null : typed === c.checkBy ? c.checkBy : parseReviewDate(typed, today, draft.article.publishedOn);
      if (date !== c.checkBy || c.anchor) {
        // A date the reviewer set (or kept after seeing the anchor) is confirmed.
        next.checkBy = date;
        if (date !== c.checkBy) next.checkByPhrase = `set by a reviewer${c.checkByPhrase ? ` (found: ${c.checkByPhrase})` : ''}`;
        next.anchor = null;
      }
    });
    if (given.length && refused.length === given.length) {
      if (refused.length === 1) throw invalid(refused[0]!.error.key, refused[0]!.error.vars);
      throw invalid('ledgerErrors.joined', { parts: refused.map((r) => ({ key: 'ledgerErrors.fieldRefused', vars: { field: { key: `ledgerErrors.editField.${r.field}` }, reason: r.error } })) });
    }
    const changed = (['restatement', 'speaker', 'family', 'hedge', 'checkBy', 'anchor'] as const).some((k) => next[k] !== c[k]);
    next.edited = c.edited || changed;
    draft.candidates[index] = next;
    return refused;
  });
  return { draft, refused: result };
}

/** The reviewer drops the proposed condition: the forecast is accepted as a plain claim. */
export async function dropCondition(ctx: LedgerCtx, id: number, index: number): Promise<Draft> {
  const { draft } = await withDraft(ctx, id, async (draft) => {
    const c = candidateAt(draft, index);
    assertOpen(c, index);
    if (!c.condition) throw invalid('ledgerErrors.draftNoCondition', { index: index + 1 });
    draft.candidates[index] = { ...c, condition: null, edited: true };
  });
  return draft;
}

export async function discardCandidate(ctx: LedgerCtx, id: number, index: number): Promise<Draft> {
  const { draft } = await withDraft(ctx, id, async (draft) => {
    const c = candidateAt(draft, index);
    assertOpen(c, index);
    draft.candidates[index] = { ...c, state: 'discarded' };
  });
  return draft;
}

export type AcceptResult =
  | { kind: 'accepted'; claim: ClaimRow }
  | { kind: 'proposed' }
  /** The same quote is already a claim: nothing written; accept again with `confirmDuplicate`. */
  | { kind: 'duplicate'; of: number[] };

/** The claim a candidate becomes, validated as /predict add validates. */
function claimFields(c: DraftCandidate, article: DraftArticle, addedBy: string, today: string): ClaimFields {
  if (!c.checkBy) throw invalid('ledgerErrors.draftNoCheckBy');
  const madeOn = article.publishedOn && article.publishedOn <= today ? article.publishedOn : today;
  return {
    text: requiredText('The restatement', c.restatement, LIMITS.claimText),
    quote: optionalText('Quote', c.quote, LIMITS.quote),
    speaker: optionalText('Speaker', c.speaker, LIMITS.speaker),
    family: optionalFamily(c.family),
    madeOn,
    checkBy: isoDate('Check by', c.checkBy),
    criteria: null,
    article: { key: article.key, outlet: article.outlet, title: article.title, url: article.url, publishedOn: article.publishedOn },
    sourceKey: null,
    addedBy,
  };
}

/**
 * Accepts a candidate. A manager's Accept writes the claim (with the article as its source and
 * the hedge band); a member's makes it proposed. A quote already in the ledger needs
 * `confirmDuplicate`. Check dates already past are allowed (an older article): the claim is due
 * at once, as an imported one is.
 */
export async function acceptCandidate(ctx: LedgerCtx, id: number, index: number, opts: { confirmDuplicate?: boolean } = {}): Promise<{ draft: Draft; result: AcceptResult }> {
  const now = nowOf(ctx);
  const settings = await getSettings(ctx);
  const today = todayIn(settings.timezone, now);
  return withDraft(ctx, id, async (draft, tx): Promise<AcceptResult> => {
    const c = candidateAt(draft, index);
    assertOpen(c, index);
    const fields = claimFields(c, draft.article, c.proposedBy ?? draft.ownerId, today);
    if (!opts.confirmDuplicate) {
      const dups = (await duplicateClaims(inTx(ctx, tx), [c.quote])).get(foldQuote(c.quote));
      if (dups?.length) return { kind: 'duplicate', of: dups };
    }
    if (!ctx.actor.isManager) {
      if (c.state === 'proposed') throw invalid('ledgerErrors.draftProposed', { index: index + 1 });
      draft.candidates[index] = { ...c, state: 'proposed', proposedBy: ctx.actor.id, proposedByName: ctx.actor.name ?? null };
      return { kind: 'proposed' };
    }
    const [inserted] = await insertClaims(inTx(ctx, tx), [fields], settings, now, () => ({
      hedge: c.hedge,
      checkByNote: c.checkByPhrase ? truncateNote(c.checkByPhrase) : null,
      ...(c.condition ? { status: 'waiting' as const } : {}),
    }));
    // The claim is its author's (the member who proposed it, or who ran the extraction); the
    // manager whose Accept let it in is recorded as its approver.
    const approvedBy = fields.addedBy !== ctx.actor.id ? { approvedBy: ctx.actor.id } : {};
    const authorName = fields.addedBy === ctx.actor.id ? ctx.actor.name : c.proposedBy === fields.addedBy ? c.proposedByName : null;
    let claim = inserted;
    // A conditional forecast: its condition becomes an event (a claim with no speaker, checked by the same date) that the claim waits on.
    const [event] = c.condition
      ? await insertClaims(inTx(ctx, tx), [{ ...fields, text: requiredText('The condition', c.condition, LIMITS.claimText), quote: null, speaker: null, family: null }], settings, now)
      : [];
    if (event) {
      [claim] = await tx.update(claims).set({ conditionClaimId: event.id }).where(eq(claims.id, inserted!.id)).returning();
      await recordAudit(inTx(ctx, tx), {
        guildId: ctx.guildId,
        actorId: fields.addedBy,
        actorName: authorName,
        action: 'claim.add',
        claimId: event.id,
        claimNumber: event.number,
        detail: { text: event.text, checkBy: event.checkBy, from: 'extract', draft: draft.id, conditionOf: inserted!.number, ...approvedBy },
        at: now,
      });
    }
    await recordAudit(inTx(ctx, tx), {
      guildId: ctx.guildId,
      actorId: fields.addedBy,
      actorName: authorName,
      action: 'claim.add',
      claimId: claim!.id,
      claimNumber: claim!.number,
      detail: { text: fields.text, checkBy: fields.checkBy, from: 'extract', draft: draft.id, article: draft.article.key, hedge: c.hedge, edited: c.edited, ...(event ? { condition: event.number } : {}), ...approvedBy },
      at: now,
    });
    draft.candidates[index] = { ...c, state: 'accepted', claimNumber: claim!.number };
    return { kind: 'accepted', claim: claim! };
  });
}

const truncateNote = (s: string) => (s.length > LIMITS.note ? `${s.slice(0, LIMITS.note - 1)}…` : s);
