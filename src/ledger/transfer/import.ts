/**
 * Importing a pack or a ledger export into a server. Every imported claim has a source key;
 * importing the same thing twice adds it once. Importing an export into the ledger it came from
 * changes nothing; into another server it recreates the claims.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { claims, forecasts, votes } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { insertClaims, updateFromSource, type ClaimFields } from '../claims.js';
import { nowOf, type LedgerCtx } from '../context.js';
import { forbidden, invalid } from '../errors.js';
import { LIMITS } from '../limits.js';
import { getSettings, reserveClaimNumbers } from '../settings.js';
import { isoDate, optionalFamily, optionalText, optionalUrl, requiredText } from '../validate.js';
import type { HedgeBand } from '../hedge.js';
import { parseImportFile, type Pack } from './schema.js';
import { findPack } from './packs.js';
import { isOwnExport } from './signature.js';

export interface ImportResult {
  added: number;
  /** Claims already in the server that a re-imported pack corrected (one audited edit each). */
  updated: number;
  /** Already in the server and unchanged. */
  skipped: number;
  numbers: number[];
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
