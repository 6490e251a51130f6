/**
 * Packs, imports and exports. Two JSON shapes are read:
 * - a *pack* (src/packs/*.json): an article and the forecasts it reports;
 * - a *ledger export* (`format: "hindsight-ledger"`): what /predict export writes, claims with
 *   their resolution, votes and forecasts. Importing an export into the ledger it came from
 *   changes nothing; into another server it recreates the claims.
 * Every imported claim has a source key; importing the same thing twice adds it once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { articles, claims, evidence, forecasts, guilds, speakers, votes } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { insertClaims, updateFromSource, type ClaimFields } from './claims.js';
import { allEvidence, checkEvidence, EVIDENCE_SIDES } from './evidence.js';
import { nowOf, type LedgerCtx } from './context.js';
import { forbidden, invalid } from './errors.js';
import { LIMITS } from './limits.js';
import { OUTCOMES, VERDICTS, tallyVisible } from './rules.js';
import { getSettings, reserveClaimNumbers } from './settings.js';
import { isoDate, optionalFamily, optionalText, optionalUrl, requiredText, speakerKey } from './validate.js';
import { HEDGE_BANDS, isHedgeBand, type HedgeBand } from './hedge.js';

const PACKS_DIR = fileURLToPath(new URL('../packs/', import.meta.url));

const text = (max: number) => z.string().max(max * 2);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

const packKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/, 'must be a short lower-case key');

/**
 * A bundled or uploaded pack. Strict at every level: a misspelt or unknown key is an error that
 * names it, never a value silently dropped.
 */
const packSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'must be a short lower-case id'),
    name: z.string().min(1).max(100),
    article: z
      .object({
        outlet: z.string().max(LIMITS.outlet).nullish(),
        title: z.string().max(LIMITS.title).nullish(),
        /** Why the title reads as it does (shown with it). */
        titleNote: text(LIMITS.note).nullish(),
        url: z.string().max(LIMITS.url).nullish(),
        publishedOn: isoDay.nullish(),
      })
      .strict(),
    /** The article's distinct sources: one identity each, however the article labels them. */
    speakers: z
      .array(
        z
          .object({
            key: packKey,
            /** As the article names them. */
            name: text(LIMITS.speaker),
            /** A short distinction shown after the name, for sources that share a label. */
            note: z.string().max(60).nullish(),
          })
          .strict(),
      )
      .max(LIMITS.maxImportClaims)
      .default([]),
    claims: z
      .array(
        z
          .object({
            key: packKey,
            speaker: text(LIMITS.speaker).nullish(),
            /** Which of `speakers` said it. */
            speakerKey: packKey.nullish(),
            quote: text(LIMITS.quote).nullish(),
            claim: text(LIMITS.claimText),
            family: z.string().max(LIMITS.family).nullish(),
            /** How sure the wording sounded (src/ledger/hedge.ts). */
            hedge: z.enum(HEDGE_BANDS).nullish(),
            madeOn: isoDay,
            checkBy: isoDay,
            /** Why this check date (shown to voters). */
            checkByNote: text(LIMITS.note).nullish(),
            criteria: text(LIMITS.criteria).nullish(),
          })
          .strict(),
      )
      .min(1)
      .max(LIMITS.maxImportClaims),
    /** Forecast-like sentences of the article deliberately not made claims, and why. */
    leftOut: z
      .array(z.object({ quote: text(LIMITS.quote), why: text(LIMITS.note) }).strict())
      .max(LIMITS.maxImportClaims)
      .default([]),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const speakers = new Map<string, string>();
    for (const [i, s] of pack.speakers.entries()) {
      if (speakers.has(s.key)) ctx.addIssue({ code: 'custom', path: ['speakers', i, 'key'], message: `lists "${s.key}" twice` });
      speakers.set(s.key, s.name);
    }
    for (const [i, c] of pack.claims.entries()) {
      if (!c.speakerKey) continue;
      const name = speakers.get(c.speakerKey);
      if (name === undefined) ctx.addIssue({ code: 'custom', path: ['claims', i, 'speakerKey'], message: `"${c.speakerKey}" is not one of the pack's speakers` });
      else if (!c.speaker || speakerKey(name) !== speakerKey(c.speaker))
        ctx.addIssue({ code: 'custom', path: ['claims', i, 'speaker'], message: `must be "${name}", the name of speaker "${c.speakerKey}"` });
    }
  });
export type Pack = z.infer<typeof packSchema>;

const snowflakeish = z.string().regex(/^[\w-]{1,32}$/);
/** A voting round: bounded so a file cannot overflow the integer column. */
export const MAX_ROUND = 1000;
const roundNumber = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_ROUND, `must be at most ${MAX_ROUND}`);
const exportSchema = z.object({
  format: z.literal('hindsight-ledger'),
  version: z.literal(1),
  guildId: z.string().max(32),
  claims: z
    .array(
      z.object({
        key: z.string().min(1).max(200),
        number: z.number().int().positive(),
        text: text(LIMITS.claimText),
        quote: text(LIMITS.quote).nullish(),
        speaker: text(LIMITS.speaker).nullish(),
        /** The speaker's identity in the server it came from (see speakers.nameKey) and its distinction. */
        speakerKey: z.string().max(200).nullish(),
        speakerNote: z.string().max(60).nullish(),
        article: z
          .object({
            key: z.string().max(LIMITS.url),
            outlet: z.string().max(LIMITS.outlet).nullish(),
            title: z.string().max(LIMITS.title).nullish(),
            titleNote: text(LIMITS.note).nullish(),
            url: z.string().max(LIMITS.url).nullish(),
            publishedOn: isoDay.nullish(),
          })
          .nullish(),
        family: z.string().max(LIMITS.family).nullish(),
        madeOn: isoDay,
        checkBy: isoDay,
        checkByNote: text(LIMITS.note).nullish(),
        hedge: z.enum(HEDGE_BANDS).nullish(),
        criteria: text(LIMITS.criteria).nullish(),
        status: z.enum(['open', 'resolved']),
        outcome: z.enum(OUTCOMES).nullish(),
        resolvedBy: snowflakeish.nullish(),
        resolvedAt: z.iso.datetime({ offset: true }).nullish(),
        resolutionNote: text(LIMITS.note).nullish(),
        addedBy: snowflakeish.nullish(),
        round: roundNumber.default(1),
        /** This round's votes are left out: blind voting hides them until the window closes. */
        votesHidden: z.boolean().optional(),
        votes: z
          .array(
            z.object({
              userId: snowflakeish,
              round: roundNumber,
              verdict: z.enum(VERDICTS),
              evidence: text(LIMITS.evidence).nullish(),
              castAt: z.iso.datetime({ offset: true }),
            }),
          )
          .max(100_000)
          .default([]),
        forecasts: z
          .array(z.object({ userId: snowflakeish, probability: z.number().min(0).max(100), createdAt: z.iso.datetime({ offset: true }) }))
          .max(100_000)
          .default([]),
        /** Evidence items (src/ledger/evidence.ts); `userId` null in a member's export. */
        evidence: z
          .array(
            z.object({
              userId: snowflakeish.nullish(),
              side: z.enum(EVIDENCE_SIDES),
              url: text(LIMITS.url).nullish(),
              note: text(LIMITS.evidence).nullish(),
              createdAt: z.iso.datetime({ offset: true }),
            }),
          )
          .max(100_000)
          .default([]),
      }),
    )
    .max(LIMITS.maxImportClaims),
  /**
   * HMAC-SHA256 of guildId and claims with the exporting server's secret key (guilds.export_key,
   * never shown). Present only on exports with member data; a file whose signature checks out
   * with the importing server's own key is that server's own export.
   */
  signature: z.string().max(128).nullish(),
  /** False: a member's export, claims only (no votes, forecasts or member ids). */
  memberData: z.boolean().optional(),
});
export type LedgerExport = z.infer<typeof exportSchema>;

/** The packs shipped with Hindsight, read once. */
let bundled: Pack[] | null = null;
export function bundledPacks(): Pack[] {
  bundled ??= readdirSync(PACKS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => packSchema.parse(JSON.parse(readFileSync(PACKS_DIR + f, 'utf8'))));
  return bundled;
}

export function findPack(id: string): Pack {
  const pack = bundledPacks().find((p) => p.id === id);
  if (!pack) throw invalid(`There is no bundled pack "${id.slice(0, 60)}". Packs: ${bundledPacks().map((p) => p.id).join(', ')}.`);
  return pack;
}

export interface ImportResult {
  added: number;
  /** Claims already in the server that a re-imported pack corrected (one audited edit each). */
  updated: number;
  /** Already in the server and unchanged. */
  skipped: number;
  numbers: number[];
}

/** Parses an uploaded JSON file (a pack or a ledger export), with errors that point at the faulty field. */
export function parseImportFile(raw: string): { kind: 'pack'; pack: Pack } | { kind: 'export'; data: LedgerExport } {
  if (raw.length > LIMITS.maxImportBytes) throw invalid(`The file is too large (at most ${LIMITS.maxImportBytes / 1_000_000} MB).`);
  // A UTF-8 byte order mark (as some editors save) is not part of the JSON: strip it.
  if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw invalid('The file is not valid JSON. Attach a pack or a file made by /predict export format:json.');
  }
  const isExport = typeof json === 'object' && json !== null && (json as { format?: unknown }).format === 'hindsight-ledger';
  const result = isExport ? exportSchema.safeParse(json) : packSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw invalid(`The file is not a valid ${isExport ? 'Hindsight export' : 'pack'}: ${first.join('; ')}.`);
  }
  return isExport ? { kind: 'export', data: result.data as LedgerExport } : { kind: 'pack', pack: result.data as Pack };
}

function packFields(pack: Pack, actorId: string): ClaimFields[] {
  const a = pack.article;
  const url = optionalUrl('article.url', a.url);
  const article = {
    key: `pack:${pack.id}`,
    outlet: optionalText('Outlet', a.outlet, LIMITS.outlet),
    title: optionalText('Title', a.title, LIMITS.title),
    titleNote: optionalText('Title note', a.titleNote, LIMITS.note),
    url,
    publishedOn: a.publishedOn ? isoDate('publishedOn', a.publishedOn) : null,
    authoritative: true,
  };
  const notes = new Map(pack.speakers.map((s) => [s.key, optionalText('Speaker note', s.note, 60)]));
  return pack.claims.map((c) =>
    validated(
      {
        ...c,
        text: c.claim,
        speakerIdentity: c.speakerKey ? { key: `pack:${pack.id}/${c.speakerKey}`, note: notes.get(c.speakerKey) ?? null } : null,
        sourceKey: `${pack.id}/${c.key}`,
        article,
        addedBy: actorId,
      },
      actorId,
    ),
  );
}

function validated(c: {
  text: string;
  quote?: string | null | undefined;
  speaker?: string | null | undefined;
  speakerIdentity?: ClaimFields['speakerIdentity'];
  family?: string | null | undefined;
  madeOn: string;
  checkBy: string;
  checkByNote?: string | null | undefined;
  hedge?: HedgeBand | null | undefined;
  criteria?: string | null | undefined;
  sourceKey: string;
  article: ClaimFields['article'];
  addedBy?: string | null | undefined;
}, actorId: string): ClaimFields {
  const madeOn = isoDate('madeOn', c.madeOn);
  const checkBy = isoDate('checkBy', c.checkBy);
  if (checkBy < madeOn) throw invalid(`Claim "${c.sourceKey}": its check date ${checkBy} is before the date it was made (${madeOn}).`);
  const speaker = optionalText('Speaker', c.speaker, LIMITS.speaker);
  return {
    text: requiredText('Claim', c.text, LIMITS.claimText),
    quote: optionalText('Quote', c.quote, LIMITS.quote),
    speaker,
    speakerIdentity: speaker ? (c.speakerIdentity ?? null) : null,
    family: optionalFamily(c.family),
    criteria: optionalText('Criteria', c.criteria, LIMITS.criteria),
    madeOn,
    checkBy,
    checkByNote: optionalText('Check-by note', c.checkByNote, LIMITS.note),
    hedge: c.hedge ?? null,
    sourceKey: c.sourceKey,
    article: c.article,
    addedBy: c.addedBy ?? actorId,
  };
}

/** The key an exported claim carries: its source key, or `<guild>#<number>` for a claim added by hand. */
const exportKey = (guildId: string, c: { sourceKey: string | null; number: number }) => c.sourceKey ?? `${guildId}#${c.number}`;

async function existingKeys(tx: Db, guildId: string, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const own = keys.map((k) => new RegExp(`^${guildId}#(\\d+)$`).exec(k)).filter((m) => m !== null);
  if (own.length) {
    const rows = await tx
      .select({ number: claims.number })
      .from(claims)
      .where(and(eq(claims.guildId, guildId), inArray(claims.number, own.map((m) => Number(m[1])))));
    for (const r of rows) found.add(`${guildId}#${r.number}`);
  }
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await tx
      .select({ key: claims.sourceKey })
      .from(claims)
      .where(and(eq(claims.guildId, guildId), inArray(claims.sourceKey, keys.slice(i, i + 500))));
    for (const r of rows) if (r.key) found.add(r.key);
  }
  return found;
}

/** Rows per INSERT of imported votes and forecasts: at most 8 columns × 1,000 rows, far under PostgreSQL's 65,535 parameters. */
export const IMPORT_CHUNK_ROWS = 1000;

async function insertChunked<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK_ROWS) await write(rows.slice(i, i + IMPORT_CHUNK_ROWS));
}

/** This server's secret export key, created on first use (one upsert; concurrent callers get the same key). */
async function exportKeyOf(db: Db, guildId: string): Promise<string> {
  const [row] = await db
    .insert(guilds)
    .values({ guildId, exportKey: randomBytes(32).toString('hex') })
    .onConflictDoUpdate({ target: guilds.guildId, set: { exportKey: sql`coalesce(${guilds.exportKey}, excluded.export_key)` } })
    .returning({ key: guilds.exportKey });
  return row!.key!;
}

/** The signature of an export's member data: over the guild id and the claims as the schema reads them. */
function signatureOf(key: string, data: Pick<LedgerExport, 'guildId' | 'claims'>): string {
  // A claim without evidence is signed as before evidence existed, so exports signed then still read as this server's own.
  const claimsOf = exportSchema.shape.claims.parse(data.claims).map(({ evidence: items, ...c }) => (items.length ? { ...c, evidence: items } : c));
  const canonical = JSON.stringify([data.guildId, claimsOf]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}

/** The file is this server's own signed export (a restore): its member data may count as members' own. */
async function isOwnExport(db: Db, guildId: string, data: LedgerExport): Promise<boolean> {
  if (data.guildId !== guildId || !data.signature) return false;
  const [row] = await db.select({ key: guilds.exportKey }).from(guilds).where(eq(guilds.guildId, guildId));
  if (!row?.key) return false;
  const expected = Buffer.from(signatureOf(row.key, data), 'utf8');
  const given = Buffer.from(data.signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Imports a bundled pack or an uploaded file into a server (managers only).
 *
 * Member data in a file (votes, forecasts, who added and resolved) is only what the file says.
 * Unless the file is this server's own signed export, imported votes and forecasts are stored
 * with `importedFrom = "export:<guild id of the file>"` and are never scored as a member's own
 * forecasts here; the claims are added by, and resolutions recorded as by, the importing manager.
 */
export async function importLedger(
  ctx: LedgerCtx,
  source: { packId: string } | { raw: string },
): Promise<ImportResult & { name: string; foreign: boolean }> {
  if (!ctx.actor.isManager) throw forbidden('Only managers (Manage Server) can import claims.');
  const parsed = 'packId' in source ? { kind: 'pack' as const, pack: findPack(source.packId) } : parseImportFile(source.raw);
  const now = nowOf(ctx);
  const settings = await getSettings(ctx.db, ctx.guildId);
  const own = parsed.kind === 'export' && (await isOwnExport(ctx.db, ctx.guildId, parsed.data));
  const importedFrom = parsed.kind === 'export' && !own ? `export:${parsed.data.guildId}` : null;
  const name = parsed.kind === 'pack' ? parsed.pack.name : `export of ${parsed.data.claims.length} claims`;
  const items =
    parsed.kind === 'pack'
      ? packFields(parsed.pack, ctx.actor.id).map((fields) => ({ fields, extra: null }))
      : parsed.data.claims.map((c) => ({
          fields: validated(
            {
              ...c,
              addedBy: own ? c.addedBy : ctx.actor.id,
              sourceKey: c.key,
              speakerIdentity: c.speakerKey ? { key: c.speakerKey, note: optionalText('Speaker note', c.speakerNote, 60) } : null,
              article: c.article
                ? {
                    key: c.article.key,
                    outlet: c.article.outlet ?? null,
                    title: c.article.title ?? null,
                    titleNote: optionalText('Title note', c.article.titleNote, LIMITS.note),
                    url: optionalUrl('article.url', c.article.url),
                    publishedOn: c.article.publishedOn ?? null,
                  }
                : null,
            },
            ctx.actor.id,
          ),
          extra: c,
        }));
  const seen = new Set<string>();
  for (const { fields } of items) {
    if (seen.has(fields.sourceKey!)) throw invalid(`The file lists "${fields.sourceKey}" twice.`);
    seen.add(fields.sourceKey!);
  }
  return ctx.db.transaction(async (tx) => {
    await reserveClaimNumbers(tx, ctx.guildId, 0); // lock the server's row: imports of one server run one at a time
    const existing = await existingKeys(tx, ctx.guildId, [...seen]);
    const fresh = items.filter((i) => !existing.has(i.fields.sourceKey!));
    // A pack is the source of its claims: a re-import brings the ones already here up to date.
    let updated = 0;
    if (parsed.kind === 'pack') {
      const known = items.filter((i) => existing.has(i.fields.sourceKey!)).map((i) => i.fields);
      const rows = known.length
        ? await tx
            .select()
            .from(claims)
            .where(and(eq(claims.guildId, ctx.guildId), inArray(claims.sourceKey, known.map((f) => f.sourceKey!)), isNull(claims.deletedAt)))
            .orderBy(asc(claims.number))
            .for('update')
        : [];
      const bySource = new Map(known.map((f) => [f.sourceKey!, f]));
      for (const row of rows) {
        if (await updateFromSource(tx, row, bySource.get(row.sourceKey!)!, settings, { actorId: ctx.actor.id, at: now, from: name })) updated++;
      }
    }
    const rows = await insertClaims(
      tx,
      ctx.guildId,
      fresh.map((i) => i.fields),
      settings,
      now,
      (_, index) => {
        const e = fresh[index]!.extra;
        if (!e || e.status !== 'resolved' || !e.outcome) return {};
        return {
          status: 'resolved' as const,
          outcome: e.outcome,
          resolvedBy: own ? (e.resolvedBy ?? null) : ctx.actor.id,
          resolvedAt: e.resolvedAt ? new Date(e.resolvedAt) : now,
          resolutionNote: e.resolutionNote ?? null,
          round: e.round,
        };
      },
    );
    const voteRows: (typeof votes.$inferInsert)[] = [];
    const forecastRows: (typeof forecasts.$inferInsert)[] = [];
    for (const [index, row] of rows.entries()) {
      const e = fresh[index]!.extra;
      if (!e) continue;
      for (const v of e.votes)
        voteRows.push({ guildId: ctx.guildId, claimId: row.id, round: v.round, userId: v.userId, verdict: v.verdict, evidence: v.evidence ?? null, castAt: new Date(v.castAt), importedFrom });
      for (const f of e.forecasts)
        forecastRows.push({ guildId: ctx.guildId, claimId: row.id, userId: f.userId, probability: f.probability, createdAt: new Date(f.createdAt), importedFrom });
    }
    const evidenceRows: (typeof evidence.$inferInsert)[] = [];
    for (const [index, row] of rows.entries()) {
      for (const item of fresh[index]!.extra?.evidence ?? []) {
        // Links are checked as if typed here (http(s) only); an item with neither is dropped.
        let checked;
        try {
          checked = checkEvidence(item);
        } catch {
          continue;
        }
        evidenceRows.push({ guildId: ctx.guildId, claimId: row.id, userId: item.userId ?? ctx.actor.id, side: item.side, ...checked, createdAt: new Date(item.createdAt), importedFrom: importedFrom ?? 'import' });
      }
    }
    await insertChunked(evidenceRows, (chunk) => tx.insert(evidence).values(chunk).onConflictDoNothing());
    await insertChunked(voteRows, (chunk) => tx.insert(votes).values(chunk).onConflictDoNothing());
    await insertChunked(forecastRows, (chunk) => tx.insert(forecasts).values(chunk));
    await recordAudit(
      tx,
      rows.map((row) => ({
        guildId: ctx.guildId,
        actorId: ctx.actor.id,
        action: 'claim.import' as const,
        claimId: row.id,
        claimNumber: row.number,
        detail: { sourceKey: row.sourceKey, from: name, ...(importedFrom ? { importedFrom } : {}) },
        at: now,
      })),
    );
    return { name, added: rows.length, updated, skipped: items.length - rows.length - updated, numbers: rows.map((r) => r.number), foreign: importedFrom !== null };
  });
}

export interface ExportOptions {
  /** Votes, forecasts and member ids (managers only); without it, the claims alone. */
  memberData: boolean;
  now: Date;
}

/**
 * A server's ledger as an export (readable by importLedger). Votes of a round still hidden by
 * blind voting are left out for everyone; with `memberData` off, so are all votes, forecasts and
 * member ids. An export with member data is signed with the server's key.
 */
export async function exportLedger(db: Db, guildId: string, opts: ExportOptions): Promise<LedgerExport> {
  const rows = await db
    .select({ claim: claims, speaker: speakers.name, speakerKey: speakers.nameKey, speakerNote: speakers.note, article: articles })
    .from(claims)
    .leftJoin(speakers, eq(speakers.id, claims.speakerId))
    .leftJoin(articles, eq(articles.id, claims.articleId))
    .where(and(eq(claims.guildId, guildId)))
    .orderBy(asc(claims.number));
  const settings = await getSettings(db, guildId);
  const live = rows.filter((r) => !r.claim.deletedAt);
  const ids = live.map((r) => r.claim.id);
  const allVotes =
    opts.memberData && ids.length
      ? await db.select().from(votes).where(and(eq(votes.guildId, guildId), inArray(votes.claimId, ids))).orderBy(asc(votes.claimId), asc(votes.round), asc(votes.userId))
      : [];
  const allForecasts =
    opts.memberData && ids.length
      ? await db.select().from(forecasts).where(and(eq(forecasts.guildId, guildId), inArray(forecasts.claimId, ids))).orderBy(asc(forecasts.createdAt), asc(forecasts.id))
      : [];
  const hidden = new Map(live.map(({ claim: c }) => [c.id, !tallyVisible(c, settings.blindVoting, opts.now)]));
  const allItems = await allEvidence(db, guildId);
  const data: LedgerExport = {
    format: 'hindsight-ledger',
    version: 1,
    guildId,
    claims: live.map(({ claim: c, speaker, speakerKey: identity, speakerNote, article }) => ({
      key: exportKey(guildId, c),
      number: c.number,
      text: c.text,
      quote: c.quote,
      speaker,
      speakerKey: identity,
      speakerNote,
      article: article
        ? { key: article.key, outlet: article.outlet, title: article.title, titleNote: article.titleNote, url: article.url, publishedOn: article.publishedOn }
        : null,
      family: c.family,
      madeOn: c.madeOn,
      checkBy: c.checkBy,
      checkByNote: c.checkByNote,
      hedge: isHedgeBand(c.hedge) ? c.hedge : null,
      criteria: c.criteria,
      status: c.status,
      outcome: c.outcome,
      resolvedBy: opts.memberData ? c.resolvedBy : null,
      resolvedAt: c.resolvedAt?.toISOString() ?? null,
      resolutionNote: c.resolutionNote,
      addedBy: opts.memberData ? c.addedBy : null,
      round: c.round,
      ...(hidden.get(c.id) ? { votesHidden: true } : {}),
      votes: allVotes
        .filter((v) => v.claimId === c.id && !(v.round === c.round && hidden.get(c.id)))
        .map((v) => ({ userId: v.userId, round: v.round, verdict: v.verdict, evidence: v.evidence, castAt: v.castAt.toISOString() })),
      forecasts: allForecasts
        .filter((f) => f.claimId === c.id)
        .map((f) => ({ userId: f.userId, probability: f.probability, createdAt: f.createdAt.toISOString() })),
      evidence: allItems
        // Left out while blind voting hides the round (an item's side and author could tell a vote), like its votes.
        .filter((e) => e.claimId === c.id && !hidden.get(c.id))
        .map((e) => ({ userId: opts.memberData ? e.userId : null, side: e.side, url: e.url, note: e.note, createdAt: e.createdAt.toISOString() })),
    })),
    signature: null,
    memberData: opts.memberData,
  };
  if (opts.memberData) data.signature = signatureOf(await exportKeyOf(db, guildId), data);
  return data;
}

const CSV_COLUMNS = [
  'number', 'key', 'claim', 'quote', 'speaker', 'outlet', 'article_title', 'article_url', 'published_on', 'family',
  'made_on', 'check_by', 'criteria', 'status', 'outcome', 'came_true', 'partly', 'did_not', 'too_early',
  'resolved_by', 'resolved_at', 'added_by', 'evidence',
] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per claim with the current round's tally, for spreadsheets; tally cells are empty where the export holds no votes (claims only, or blind voting). */
export function exportCsv(data: LedgerExport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of data.claims) {
    const current = c.votes.filter((v) => v.round === c.round);
    const withTally = data.memberData !== false && !c.votesHidden;
    const n = (verdict: string) => (withTally ? current.filter((v) => v.verdict === verdict).length : null);
    const row = [
      c.number, c.key, c.text, c.quote, c.speaker, c.article?.outlet, c.article?.title, c.article?.url, c.article?.publishedOn,
      c.family, c.madeOn, c.checkBy, c.criteria, c.status, c.outcome, n('came_true'), n('partly'), n('did_not'), n('too_early'),
      c.resolvedBy, c.resolvedAt, c.addedBy,
      // Each item on a line: its side (left out while blind voting hides the sides), link, note.
      (c.evidence ?? []).map((e) => [c.votesHidden ? null : e.side.replace('_', ' '), e.url, e.note].filter(Boolean).join(' · ')).join('\n') || null,
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
