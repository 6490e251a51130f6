/**
 * A server's ledger as exports readable by importLedger. Votes of a round still hidden by blind
 * voting are left out for everyone (and so is the evidence of such a claim); without member data,
 * so are all votes, forecasts and member ids (evidence goes without its authors). An export with member data is signed with the server's key (signature.ts).
 *
 * A ledger of any size: the claims are read a page at a time in number order, and cut into
 * files (parts) that each import on their own: at most LIMITS.maxImportClaims claims and
 * PART_MAX_BYTES bytes each, every one signed. A reply carries at most REPLY_MAX_FILES files and
 * REPLY_MAX_BYTES bytes; the rest is the next reply's, from the first claim number left out
 * (`next`), so a ledger that changes between two replies loses nothing.
 */
import { and, asc, eq, gte, inArray, isNull } from 'drizzle-orm';
import { articles, claims, evidence, forecasts, speakers, votes } from '../../db/schema.js';
import { LIMITS } from '../limits.js';
import { tallyVisible } from '../rules.js';
import { getSettings } from '../settings.js';
import { isHedgeBand } from '../hedge.js';
import type { LedgerExport } from './schema.js';
import { exportKeyOf } from './keys.js';
import { createSigner } from './signature.js';
import { csvHeader, csvRow, type CsvNames } from './csv.js';
import type { GuildScope } from '../context.js';

type ExportedClaim = LedgerExport['claims'][number];

export interface ExportOptions {
  /** Votes, forecasts and member ids (managers only); without it, the claims alone. */
  memberData: boolean;
  now: Date;
}

/** Bytes of one exported file at most: under the import's limit (LIMITS.maxImportBytes). */
export const PART_MAX_BYTES = 7_000_000;
/** Files and bytes in one reply at most (Discord takes up to 10 attachments, 10 MiB in all). */
export const REPLY_MAX_FILES = 10;
export const REPLY_MAX_BYTES = 8_000_000;
/** Claims read per query. */
const PAGE = 100;

/** The key an exported claim carries: its source key, or `<guild>#<number>` for a claim added by hand. */
const exportKey = (guildId: string, c: { sourceKey: string | null; number: number }) => c.sourceKey ?? `${guildId}#${c.number}`;

/** Lets the event loop run whatever is waiting (other servers' clicks) before the next page. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

interface ClaimOut {
  number: number;
  claim: ExportedClaim;
  /** The number of the claim this one hangs on, if any (for the CSV). */
  conditionNumber: number | null;
}

/**
 * The server's live claims from number `from` on, in number order, each as the export schema
 * reads it (keys in the schema's order, absent optional keys left out): exactly what is signed.
 */
async function* exportedClaims(ctx: GuildScope, opts: ExportOptions, from = 1): AsyncGenerator<ClaimOut> {
  const { db, guildId } = ctx;
  const settings = await getSettings(ctx);
  for (let next = from; ; ) {
    const rows = await db
      .select({ claim: claims, speaker: speakers.name, speakerKey: speakers.nameKey, speakerNote: speakers.note, article: articles })
      .from(claims)
      .leftJoin(speakers, eq(speakers.id, claims.speakerId))
      .leftJoin(articles, eq(articles.id, claims.articleId))
      .where(and(eq(claims.guildId, guildId), gte(claims.number, next), isNull(claims.deletedAt)))
      .orderBy(asc(claims.number))
      .limit(PAGE);
    if (!rows.length) return;
    const ids = rows.map((r) => r.claim.id);
    const votesOf = new Map<number, (typeof votes.$inferSelect)[]>();
    const forecastsOf = new Map<number, (typeof forecasts.$inferSelect)[]>();
    if (opts.memberData) {
      for (const v of await db.select().from(votes).where(and(eq(votes.guildId, guildId), inArray(votes.claimId, ids))).orderBy(asc(votes.claimId), asc(votes.round), asc(votes.userId))) {
        const list = votesOf.get(v.claimId);
        if (list) list.push(v);
        else votesOf.set(v.claimId, [v]);
      }
      for (const f of await db.select().from(forecasts).where(and(eq(forecasts.guildId, guildId), inArray(forecasts.claimId, ids))).orderBy(asc(forecasts.createdAt), asc(forecasts.id))) {
        const list = forecastsOf.get(f.claimId);
        if (list) list.push(f);
        else forecastsOf.set(f.claimId, [f]);
      }
    }
    // Evidence items (not removed) in every export; their authors only with member data.
    const evidenceOf = new Map<number, (typeof evidence.$inferSelect)[]>();
    for (const e of await db
      .select()
      .from(evidence)
      .where(and(eq(evidence.guildId, guildId), inArray(evidence.claimId, ids), isNull(evidence.removedAt)))
      .orderBy(asc(evidence.claimId), asc(evidence.createdAt), asc(evidence.id))) {
      const list = evidenceOf.get(e.claimId);
      if (list) list.push(e);
      else evidenceOf.set(e.claimId, [e]);
    }
    const conditionIds = [...new Set(rows.map((r) => r.claim.conditionClaimId).filter((id): id is number => id !== null))];
    const conditionsById = new Map(
      conditionIds.length
        ? (await db.select({ id: claims.id, sourceKey: claims.sourceKey, number: claims.number }).from(claims).where(and(eq(claims.guildId, guildId), inArray(claims.id, conditionIds), isNull(claims.deletedAt)))).map((r) => [r.id, r])
        : [],
    );
    for (const { claim: c, speaker, speakerKey: identity, speakerNote, article } of rows) {
      const hidden = !tallyVisible(c, settings.blindVoting, opts.now);
      // Left out while blind voting hides the round (an item's side and author could tell a vote), like its votes.
      const items = hidden ? [] : (evidenceOf.get(c.id) ?? []);
      const claim: ExportedClaim = {
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
        ...(c.conditionClaimId !== null && conditionsById.has(c.conditionClaimId)
          ? { condition: exportKey(guildId, conditionsById.get(c.conditionClaimId)!), conditionDays: c.conditionDays }
          : {}),
        ...(hidden ? { votesHidden: true } : {}),
        votes: (votesOf.get(c.id) ?? [])
          .filter((v) => !(v.round === c.round && hidden))
          .map((v) => ({ userId: v.userId, round: v.round, verdict: v.verdict, evidence: v.evidence, castAt: v.castAt.toISOString() })),
        forecasts: (forecastsOf.get(c.id) ?? []).map((f) => ({ userId: f.userId, probability: f.probability, createdAt: f.createdAt.toISOString() })),
        ...(items.length
          ? { evidence: items.map((e) => ({ userId: opts.memberData ? e.userId : null, side: e.side, url: e.url, note: e.note, createdAt: e.createdAt.toISOString() })) }
          : {}),
      };
      yield { number: c.number, claim, conditionNumber: c.conditionClaimId !== null ? (conditionsById.get(c.conditionClaimId)?.number ?? null) : null };
    }
    next = rows.at(-1)!.claim.number + 1;
    await breathe();
  }
}

/**
 * A server's whole ledger as one export object (small ledgers, tests). The bot's /predict
 * export uses exportFiles, which cuts a large ledger into files that each import.
 */
export async function exportLedger(ctx: GuildScope, opts: ExportOptions): Promise<LedgerExport> {
  const { guildId } = ctx;
  const out: ExportedClaim[] = [];
  for await (const { claim } of exportedClaims(ctx, opts)) out.push(claim);
  const data: LedgerExport = { format: 'hindsight-ledger', version: 1, guildId, claims: out, signature: null, memberData: opts.memberData };
  if (opts.memberData) {
    const signer = createSigner(await exportKeyOf(ctx), guildId);
    for (const claim of out) signer.add(claim);
    data.signature = signer.digest();
  }
  return data;
}

export interface ExportFile {
  /** The file's text (JSON or CSV). */
  body: string;
  bytes: number;
  claims: number;
  /** The claim numbers it starts and ends with (0 for an empty ledger). */
  first: number;
  last: number;
}

/** Sizes of files and replies (tests make them small). */
export interface ExportLimits {
  partClaims: number;
  partBytes: number;
  replyFiles: number;
  replyBytes: number;
}

export interface ExportBatch {
  files: ExportFile[];
  /** The number to continue from (`/predict export from:`), or null when this reply holds the rest of the ledger. */
  next: number | null;
  /** Claims in these files whose votes are still hidden by blind voting (left out). */
  hidden: number;
  /** Claims whose votes, forecasts and evidence were left out: alone they would not fit one file. */
  trimmed: number[];
}

/**
 * The ledger from claim number `from` on, as files for one reply: JSON (each file a signed
 * export that imports on its own) or CSV (one file). Reads and writes a page of claims at a
 * time, so neither memory nor the event loop carry the whole ledger at once.
 */
export async function exportFiles(
  ctx: GuildScope,
  opts: ExportOptions & { format: 'json' | 'csv'; from?: number; limits?: Partial<ExportLimits>; names?: CsvNames },
): Promise<ExportBatch> {
  const { guildId } = ctx;
  const limits: ExportLimits = { partClaims: LIMITS.maxImportClaims, partBytes: PART_MAX_BYTES, replyFiles: REPLY_MAX_FILES, replyBytes: REPLY_MAX_BYTES, ...opts.limits };
  const key = opts.memberData && opts.format === 'json' ? await exportKeyOf(ctx) : null;
  const maxClaims = opts.format === 'json' ? limits.partClaims : Number.POSITIVE_INFINITY;
  const maxFiles = opts.format === 'json' ? limits.replyFiles : 1;
  const files: ExportFile[] = [];
  const batch: ExportBatch = { files, next: null, hidden: 0, trimmed: [] };
  let replyBytes = 0;

  // The file being written.
  let lines: string[] = [];
  let bytes = 0;
  let first = 0;
  let last = 0;
  let signer = key ? createSigner(key, guildId) : null;
  const head = opts.format === 'json' ? `{"format":"hindsight-ledger","version":1,"guildId":${JSON.stringify(guildId)},"memberData":${opts.memberData},"claims":[\n` : `${csvHeader()}\r\n`;
  const tail = () => (opts.format === 'json' ? `\n],"signature":${signer ? JSON.stringify(signer.digest()) : 'null'}}\n` : '');
  const overhead = Buffer.byteLength(head) + 100;
  const close = () => {
    const body = opts.format === 'json' ? `${head}${lines.join(',\n')}${tail()}` : `${head}${lines.join('')}`;
    const size = Buffer.byteLength(body);
    files.push({ body, bytes: size, claims: lines.length, first, last });
    replyBytes += size;
    lines = [];
    bytes = 0;
    signer = key ? createSigner(key, guildId) : null;
  };

  for await (const out of exportedClaims(ctx, opts, opts.from ?? 1)) {
    let line = opts.format === 'json' ? JSON.stringify(out.claim) : csvRow(out.claim, opts.memberData, out.conditionNumber, opts.names);
    let size = Buffer.byteLength(line) + 2;
    if (overhead + size > limits.partBytes && opts.format === 'json') {
      // One claim too large for any file: it goes without its votes, forecasts and evidence (and says so).
      const { evidence: _dropped, ...bare } = out.claim;
      out.claim = { ...bare, votes: [], forecasts: [] };
      line = JSON.stringify(out.claim);
      size = Buffer.byteLength(line) + 2;
      batch.trimmed.push(out.number);
    }
    // A file is full at maxClaims claims or limits.partBytes bytes; a reply at its files or bytes.
    if (lines.length && (lines.length >= maxClaims || overhead + bytes + size > limits.partBytes)) close();
    const replyFull = lines.length === 0 && files.length >= maxFiles;
    const tooMany = files.length + lines.length > 0 && replyBytes + overhead + bytes + size > limits.replyBytes;
    if (replyFull || tooMany) {
      if (lines.length) close();
      batch.next = out.number;
      if (batch.trimmed.at(-1) === out.number) batch.trimmed.pop();
      return batch;
    }
    if (lines.length === 0) first = out.number;
    last = out.number;
    lines.push(line);
    bytes += size;
    signer?.add(out.claim);
    if (out.claim.votesHidden) batch.hidden++;
  }
  if (lines.length || files.length === 0) close();
  return batch;
}
