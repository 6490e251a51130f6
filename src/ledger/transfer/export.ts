/** A server's ledger as an export (readable by importLedger). */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, claims, forecasts, speakers, votes } from '../../db/schema.js';
import { tallyVisible } from '../rules.js';
import { getSettings } from '../settings.js';
import { isHedgeBand } from '../hedge.js';
import type { LedgerExport } from './schema.js';
import { exportKeyOf, signatureOf } from './signature.js';

/** The key an exported claim carries: its source key, or `<guild>#<number>` for a claim added by hand. */
const exportKey = (guildId: string, c: { sourceKey: string | null; number: number }) => c.sourceKey ?? `${guildId}#${c.number}`;

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
    })),
    signature: null,
    memberData: opts.memberData,
  };
  if (opts.memberData) data.signature = signatureOf(await exportKeyOf(db, guildId), data);
  return data;
}
