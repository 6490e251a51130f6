/**
 * The CPU-heavy half of an import, with no database: an uploaded file parsed (JSON, then the
 * schema), every claim checked, its signature verified against the server's key, and the claims
 * cut into batches written one transaction each (import.ts). Pure and serialisable, so the bot
 * runs it on its worker pool (src/work/jobs.ts) and only the writing happens on the main thread.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ClaimFields } from '../claims.js';
import { invalid, LedgerError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { isoDate, optionalFamily, optionalText, optionalUrl, requiredText } from '../validate.js';
import type { HedgeBand } from '../hedge.js';
import { parseImportFile, type LedgerExport, type Pack } from './schema.js';
import { signatureOf } from './signature.js';
import { conditionOrder } from '../conditions.js';
import { checkEvidence } from '../evidence-rules.js';

type Exported = LedgerExport['claims'][number];

/** An evidence item of an imported claim, its link and note checked as if typed here. */
export type ImportedEvidence = Omit<NonNullable<Exported['evidence']>[number], 'url' | 'note'> & { url: string | null; note: string | null };

/** What an exported claim brings beside its fields: its resolution, round, votes, forecasts and evidence. */
export type ExportExtra = Pick<Exported, 'status' | 'outcome' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote' | 'round' | 'votes' | 'forecasts'> & { evidence: ImportedEvidence[] };

export interface PreparedClaim {
  fields: ClaimFields;
  /** Null for a pack's claim. */
  extra: ExportExtra | null;
}

/** An import checked and ready to write. */
export interface PreparedImport {
  kind: 'pack' | 'export';
  /** "<pack name>" or "export of N claims". */
  name: string;
  /** The file is this server's own signed export (a restore). */
  own: boolean;
  /** `export:<guild id>` for another server's export (its member data is kept apart), else null. */
  importedFrom: string | null;
  /** Claims in the file. */
  count: number;
  /**
   * The claims in file order, as JSON text of PreparedClaim[] in batches of about
   * IMPORT_BATCH_ROWS rows (claims, votes and forecasts) or IMPORT_BATCH_CLAIMS claims. Text, not objects: a worker hands it
   * over as a few strings (cheap to receive), each parsed just before its batch is written.
   */
  batches: string[];
  /** Conditions by source key (claim → the claim or event it hangs on), conditions first. */
  conditions: { key: string; condition: string; days: number | null }[];
}

/** What the import needs to know about the server it goes into. */
export interface PrepareScope {
  guildId: string;
  actorId: string;
  /** The server's export key, when it has one (to recognise its own export). */
  ownKey: string | null;
}

/** Rows (claims, votes, forecasts) written per transaction of an import, and claims (each a few queries). */
export const IMPORT_BATCH_ROWS = 2000;
export const IMPORT_BATCH_CLAIMS = 100;

function validated(
  c: {
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
  },
  actorId: string,
): ClaimFields {
  const madeOn = isoDate('madeOn', c.madeOn);
  const checkBy = isoDate('checkBy', c.checkBy);
  if (checkBy < madeOn) throw invalid('ledgerErrors.file.checkBeforeMade', { key: c.sourceKey, checkBy, madeOn });
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

function packClaims(pack: Pack, actorId: string): PreparedClaim[] {
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
  const events: PreparedClaim[] = pack.events.map((e) => ({
    fields: validated({ ...e, text: e.claim, speaker: null, sourceKey: `${pack.id}/${e.key}`, article, addedBy: actorId }, actorId),
    extra: null,
  }));
  // Events after the claims: a pack's claims keep their numbers whether or not it has events.
  const claimsOfPack: PreparedClaim[] = pack.claims.map((c) => ({
    fields: validated(
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
    extra: null,
  }));
  return [...claimsOfPack, ...events];
}

/** Each pack claim's condition, as source keys (events and claims share the pack's key space). */
function packConditions(pack: Pack): Map<string, { condition: string; days: number | null }> {
  return new Map(
    pack.claims.filter((c) => c.condition).map((c) => [`${pack.id}/${c.key}`, { condition: `${pack.id}/${c.condition}`, days: c.conditionDays ?? null }]),
  );
}

/** The conditions in the order they must be linked (a condition before its dependents); a loop is refused. */
function orderedConditions(conds: Map<string, { condition: string; days: number | null }>): PreparedImport['conditions'] {
  const order = conditionOrder([...conds].map(([key, c]) => ({ key, condition: c.condition })));
  if (!order) throw invalid('ledgerErrors.file.conditionLoop');
  return order.filter((key) => conds.has(key)).map((key) => ({ key, ...conds.get(key)! }));
}

function exportClaims(data: LedgerExport, own: boolean, actorId: string): PreparedClaim[] {
  return data.claims.map((c) => ({
    fields: validated(
      {
        ...c,
        addedBy: own ? c.addedBy : actorId,
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
      actorId,
    ),
    extra: { status: c.status, outcome: c.outcome, resolvedBy: c.resolvedBy, resolvedAt: c.resolvedAt, resolutionNote: c.resolutionNote, round: c.round, votes: c.votes, forecasts: c.forecasts, evidence: checkedEvidence(c) },
  }));
}

/** A claim's evidence items with their links and notes checked as if typed here (http(s) only, the length caps). */
function checkedEvidence(c: Exported): ImportedEvidence[] {
  return (c.evidence ?? []).map((item, i) => {
    try {
      return { ...item, ...checkEvidence(item) };
    } catch (error) {
      throw invalid('ledgerErrors.file.evidenceItem', { key: c.key, index: i + 1, reason: error instanceof LedgerError ? error.text : error instanceof Error ? error.message : String(error) });
    }
  });
}

/** The file is this server's own export: its signature checks out with the server's key. */
function isOwnExport(data: LedgerExport, scope: PrepareScope): boolean {
  if (data.guildId !== scope.guildId || !data.signature || !scope.ownKey) return false;
  const expected = Buffer.from(signatureOf(scope.ownKey, data.guildId, data.claims), 'utf8');
  const given = Buffer.from(data.signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Claims cut into batches of about IMPORT_BATCH_ROWS rows, each as JSON text. */
function batched(items: PreparedClaim[]): string[] {
  const out: string[] = [];
  let batch: PreparedClaim[] = [];
  let rows = 0;
  for (const item of items) {
    batch.push(item);
    rows += 1 + (item.extra ? item.extra.votes.length + item.extra.forecasts.length + item.extra.evidence.length : 0);
    if (rows >= IMPORT_BATCH_ROWS || batch.length >= IMPORT_BATCH_CLAIMS) {
      out.push(JSON.stringify(batch));
      batch = [];
      rows = 0;
    }
  }
  if (batch.length) out.push(JSON.stringify(batch));
  return out;
}

function prepared(kind: PreparedImport['kind'], name: string, own: boolean, importedFrom: string | null, items: PreparedClaim[], conds: Map<string, { condition: string; days: number | null }>): PreparedImport {
  const seen = new Set<string>();
  for (const { fields } of items) {
    if (seen.has(fields.sourceKey!)) throw invalid('ledgerErrors.file.duplicate', { key: fields.sourceKey! });
    seen.add(fields.sourceKey!);
  }
  return { kind, name, own, importedFrom, count: items.length, batches: batched(items), conditions: orderedConditions(conds) };
}

/** A bundled pack, ready to write. */
export function preparePack(pack: Pack, actorId: string): PreparedImport {
  return prepared('pack', pack.name, false, null, packClaims(pack, actorId), packConditions(pack));
}

/**
 * An uploaded file (a pack or a ledger export), parsed, checked and ready to write. Throws a
 * LedgerError (invalid_input) that names the faulty field; nothing is written here.
 */
export function prepareImport(raw: string, scope: PrepareScope): PreparedImport {
  const parsed = parseImportFile(raw);
  if (parsed.kind === 'pack') return preparePack(parsed.pack, scope.actorId);
  const own = isOwnExport(parsed.data, scope);
  return prepared('export', `export of ${parsed.data.claims.length} claims`, own, own ? null : `export:${parsed.data.guildId}`, exportClaims(parsed.data, own, scope.actorId), new Map(parsed.data.claims.filter((c) => c.condition).map((c) => [c.key, { condition: c.condition!, days: c.conditionDays ?? null }])));
}
