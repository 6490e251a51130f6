/**
 * Importing a pack or a ledger export into a server. Every imported claim has a source key;
 * importing the same thing twice adds it once. Importing an export into the ledger it came from
 * changes nothing; into another server it recreates the claims.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { claims, evidence, forecasts, votes } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { insertClaims, updateFromSource } from '../claims.js';
import { changeClaim } from '../claim-row.js';
import { assertConditionAllowed, moveDependent } from '../condition-chain.js';
import { invalid } from '../errors.js';
import { nowOf, type LedgerCtx, type GuildScope, inTx } from '../context.js';
import { forbidden } from '../errors.js';
import { getSettings, reserveClaimNumbers } from '../settings.js';
import { findPack } from './packs.js';
import { existingExportKey } from './keys.js';
import { prepareImport, preparePack, type PrepareScope, type PreparedClaim, type PreparedImport } from './prepare.js';

export interface ImportResult {
  added: number;
  /** Claims that moved with their condition (waiting, opened or void) during the import. */
  linked?: number;
  /** Claims already in the server that a re-imported pack corrected (one audited edit each). */
  updated: number;
  /** Already in the server and unchanged. */
  skipped: number;
  numbers: number[];
}

async function existingKeys(ctx: GuildScope, keys: string[]): Promise<Set<string>> {
  const { db: tx, guildId } = ctx;
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

/** Rows per INSERT of imported votes and forecasts: on PGlite each INSERT runs on the event loop, so a few milliseconds each (8 columns × 100 rows). */
export const IMPORT_CHUNK_ROWS = 100;

/** Lets the event loop run whatever is waiting (other servers' clicks) before the next step. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function insertChunked<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK_ROWS) {
    await write(rows.slice(i, i + IMPORT_CHUNK_ROWS));
    await breathe();
  }
}

export interface ImportOptions {
  /**
   * Parses and checks an uploaded file (default: prepareImport on this thread). The bot passes
   * its worker pool's, so a large file never holds the event loop.
   */
  prepare?: (raw: string, scope: PrepareScope) => Promise<PreparedImport>;
}

/**
 * Imports a bundled pack or an uploaded file into a server (managers only).
 *
 * Member data in a file (votes, forecasts, who added and resolved) is only what the file says.
 * Unless the file is this server's own signed export, imported votes and forecasts are stored
 * with `importedFrom = "export:<guild id of the file>"` and are never scored as a member's own
 * forecasts here; the claims are added by, and resolutions recorded as by, the importing manager.
 *
 * The whole file is checked before anything is written (bad input changes nothing). The claims
 * are then written in batches of about IMPORT_BATCH_ROWS rows, one transaction each, a claim
 * always with its votes, forecasts and evidence; between batches the event loop and the database are free
 * for other servers (on the embedded database one transaction holds its only connection). An
 * import cut short (a restart) has written whole claims only; running it again adds the rest,
 * as importing twice adds once.
 */
export async function importLedger(
  ctx: LedgerCtx,
  source: { packId: string } | { raw: string },
  opts: ImportOptions = {},
): Promise<ImportResult & { name: string; foreign: boolean }> {
  if (!ctx.actor.isManager) throw forbidden('ledgerErrors.managersOnly', { what: { key: 'ledgerErrors.can.import' } });
  let plan: PreparedImport;
  if ('packId' in source) plan = preparePack(findPack(source.packId), ctx.actor.id);
  else {
    const scope: PrepareScope = { guildId: ctx.guildId, actorId: ctx.actor.id, ownKey: await existingExportKey(ctx) };
    plan = opts.prepare ? await opts.prepare(source.raw, scope) : prepareImport(source.raw, scope);
  }
  const now = nowOf(ctx);
  const settings = await getSettings(ctx);
  const { own, importedFrom, name } = plan;
  const result: ImportResult = { added: 0, updated: 0, skipped: 0, numbers: [] };
  const conds = new Map(plan.conditions.map((c) => [c.key, c]));
  const freshKeys = new Set<string>();
  for (const text of plan.batches) {
    const items = JSON.parse(text) as PreparedClaim[];
    await ctx.db.transaction(async (tx) => {
      await reserveClaimNumbers(inTx(ctx, tx), 0); // lock the server's row: imports of one server write one batch at a time
      const existing = await existingKeys(inTx(ctx, tx), items.map((i) => i.fields.sourceKey!));
      const fresh = items.filter((i) => !existing.has(i.fields.sourceKey!));
      // A pack is the source of its claims: a re-import brings the ones already here up to date.
      let updated = 0;
      if (plan.kind === 'pack') {
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
          if (await updateFromSource(inTx(ctx, tx), row, bySource.get(row.sourceKey!)!, settings, { actorId: ctx.actor.id, at: now, from: name })) updated++;
        }
      }
      const rows = await insertClaims(
        inTx(ctx, tx),
        fresh.map((i) => i.fields),
        settings,
        now,
        (item, index) => {
          const e = fresh[index]!.extra;
          // A claim with a condition starts waiting on it (linked below, once every claim has its id).
          const waiting = conds.has(item.sourceKey!) ? { status: 'waiting' as const } : {};
          if (!e || e.status !== 'resolved' || !e.outcome) return waiting;
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
      const evidenceRows: (typeof evidence.$inferInsert)[] = [];
      for (const [index, row] of rows.entries()) {
        const e = fresh[index]!.extra;
        if (!e) continue;
        for (const v of e.votes)
          voteRows.push({ guildId: ctx.guildId, claimId: row.id, round: v.round, userId: v.userId, verdict: v.verdict, evidence: v.evidence ?? null, castAt: new Date(v.castAt), importedFrom });
        for (const f of e.forecasts)
          forecastRows.push({ guildId: ctx.guildId, claimId: row.id, userId: f.userId, probability: f.probability, createdAt: new Date(f.createdAt), importedFrom });
        // An item without its author (a member's export) is the importing manager's.
        for (const item of e.evidence ?? [])
          evidenceRows.push({ guildId: ctx.guildId, claimId: row.id, userId: item.userId ?? ctx.actor.id, side: item.side, url: item.url, note: item.note, createdAt: new Date(item.createdAt), importedFrom: importedFrom ?? 'import' });
      }
      await insertChunked(voteRows, (chunk) => tx.insert(votes).values(chunk).onConflictDoNothing());
      await insertChunked(forecastRows, (chunk) => tx.insert(forecasts).values(chunk));
      await insertChunked(evidenceRows, (chunk) => tx.insert(evidence).values(chunk).onConflictDoNothing());
      await recordAudit(
        inTx(ctx, tx),
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
      result.added += rows.length;
      result.updated += updated;
      result.skipped += items.length - rows.length - updated;
      result.numbers.push(...rows.map((r) => r.number));
      for (const r of rows) freshKeys.add(r.sourceKey!);
    });
    await breathe();
  }
  if (plan.conditions.length) {
    result.linked = await ctx.db.transaction(async (tx) => {
      await reserveClaimNumbers(inTx(ctx, tx), 0);
      return linkConditions(inTx(ctx, tx), plan.conditions, freshKeys, settings, now, { actorId: ctx.actor.id, from: name });
    });
  }
  return { name, ...result, foreign: importedFrom !== null };
}

/**
 * Hangs imported claims on their conditions (by source key), conditions first, and lets each
 * follow its condition's state (src/ledger/condition-chain.ts). A claim already here that gains
 * or changes its condition (a corrected pack) records it as an audited edit; its votes are kept
 * (a move back to waiting starts a new round). A condition not in the server is refused.
 */
async function linkConditions(
  ctx: GuildScope,
  links: { key: string; condition: string; days: number | null }[],
  freshKeys: ReadonlySet<string>,
  settings: Awaited<ReturnType<typeof getSettings>>,
  now: Date,
  audit: { actorId: string; from: string },
): Promise<number> {
  const { db: tx, guildId } = ctx;
  let moved = 0;
  for (const link of links) {
    const [dependent] = await tx.select().from(claims).where(and(eq(claims.guildId, guildId), eq(claims.sourceKey, link.key), isNull(claims.deletedAt))).for('update');
    if (!dependent) continue;
    const [condition] = await tx.select().from(claims).where(and(eq(claims.guildId, guildId), eq(claims.sourceKey, link.condition)));
    if (!condition) throw invalid('ledgerErrors.file.conditionMissing', { key: link.key, condition: link.condition });
    let row = dependent;
    if (dependent.conditionClaimId !== condition.id || dependent.conditionDays !== link.days) {
      await assertConditionAllowed(ctx, dependent, condition);
      const fresh = freshKeys.has(link.key);
      const set = { conditionClaimId: condition.id, conditionDays: link.days };
      row = fresh
        ? (await tx.update(claims).set(set).where(eq(claims.id, dependent.id)).returning())[0]!
        : await changeClaim(ctx, dependent, set, {
            actorId: audit.actorId,
            action: 'claim.edit',
            detail: { changes: { condition: { from: dependent.conditionClaimId, to: condition.number }, ...(dependent.conditionDays !== link.days ? { conditionDays: { from: dependent.conditionDays, to: link.days } } : {}) }, from: audit.from },
            at: now,
          });
    }
    // A claim already here that is linked now keeps its round: the votes cast on it count when its condition comes true.
    const keepRound = !freshKeys.has(link.key) && dependent.conditionClaimId !== condition.id;
    if (await moveDependent(ctx, row, condition, settings, now, { keepRound })) moved++;
  }
  return moved;
}
