/**
 * Speakers calibrated, the loaders (the maths, hedgeScore and hedgeCalibration, is in scoring.ts):
 * a claim's hedge band (how sure the wording sounded, src/ledger/hedge.ts) implies a probability,
 * so a speaker's or an outlet's claims can be scored like a member's forecasts.
 *
 * - Which claims count: resolved claims that have a band, with outcome came true (o = 1), partly
 *   (o = 0.5) or did not (o = 0). Void, open and deleted claims, and claims without a band, are
 *   not scored.
 * - Brier on a claim: (p − o)², p the band's implied probability (its ICD-203 range's midpoint).
 *   A speaker's (outlet's) Brier is the plain mean over their scored claims: 0 is perfect, 0.25 is
 *   what always sounding 50/50 earns.
 * - Calibration: the same claims in 10% bins of implied probability (the members' chart).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { articles, claims } from '../db/schema.js';
import { notFound, invalid } from './errors.js';
import { findSpeaker } from './leaderboard.js';
import { hedgeCalibration, hedgeScore, trackRecord, type BandedRow, type CalibrationBin, type HedgeScore, type TrackRecord } from './scoring.js';
import { cleanText, speakerKey } from './validate.js';
import type { GuildScope } from './context.js';

export interface HedgeCalibration {
  subject: string;
  kind: 'speaker' | 'outlet';
  record: TrackRecord;
  score: HedgeScore;
  bins: CalibrationBin[];
}

/** A speaker's or an outlet's claims: their track record, hedge Brier and calibration bins. */
export async function hedgeCalibrationOf(ctx: GuildScope, of: { speaker: string } | { outlet: string }): Promise<HedgeCalibration> {
  const { db, guildId } = ctx;
  const live = and(eq(claims.guildId, guildId), isNull(claims.deletedAt));
  const columns = { status: claims.status, outcome: claims.outcome, hedge: claims.hedge };
  let subject: string;
  let rows: BandedRow[];
  if ('speaker' in of) {
    const speaker = await findSpeaker(ctx, of.speaker);
    if (!speaker) throw notFound('ledgerErrors.noSpeaker', { speaker: of.speaker.slice(0, 80) });
    subject = speaker.name;
    rows = await db.select(columns).from(claims).where(and(live, eq(claims.speakerId, speaker.id)));
  } else {
    const byArticle = OUTLET_CHOICE_KEY.exec(of.outlet.trim());
    const [picked] = byArticle
      ? await db.select({ outlet: articles.outlet }).from(articles).where(and(eq(articles.guildId, guildId), eq(articles.id, Number(byArticle[1]))))
      : [];
    const key = speakerKey(cleanText(picked?.outlet ?? of.outlet));
    if (!key) throw invalid('ledgerErrors.giveOutlet');
    const found = await db
      .select({ ...columns, outlet: articles.outlet })
      .from(claims)
      .innerJoin(articles, and(eq(articles.id, claims.articleId), eq(articles.guildId, guildId)))
      .where(and(live, sql`lower(regexp_replace(btrim(${articles.outlet}), '\\s+', ' ', 'g')) = ${key}`));
    if (!found.length) throw notFound('ledgerErrors.noOutletClaims', { outlet: of.outlet.slice(0, 80) });
    subject = found[0]!.outlet!.trim();
    rows = found;
  }
  if (!rows.length) throw notFound('ledgerErrors.noClaimsOf', { subject: subject.slice(0, 80) });
  return { subject, kind: 'speaker' in of ? 'speaker' : 'outlet', record: trackRecord(rows), score: hedgeScore(rows), bins: hedgeCalibration(rows) };
}

/**
 * What autocomplete offers as the value of an outlet whose name is longer than a choice value may
 * be (Discord's 100 characters): an article of that outlet, which hedgeCalibrationOf takes back
 * (in its own server only).
 */
export const outletChoiceKey = (articleId: number) => `outlet:${articleId}`;
const OUTLET_CHOICE_KEY = /^outlet:(\d{1,9})$/;

/** Up to `limit` outlet names containing what is typed (autocomplete). */
export async function searchOutlets(ctx: GuildScope, typed: string, limit = 25): Promise<string[]> {
  return (await searchOutletEntries(ctx, typed, limit)).map((o) => o.name);
}

/** The same, each with an article of that outlet (for a choice value when the name is too long to be one). */
export async function searchOutletEntries(ctx: GuildScope, typed: string, limit = 25): Promise<{ articleId: number; name: string }[]> {
  const { db, guildId } = ctx;
  const text = speakerKey(typed.slice(0, 100)).replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db
    .select({ outlet: articles.outlet, articleId: sql<number>`min(${articles.id})`.mapWith(Number) })
    .from(articles)
    .where(and(eq(articles.guildId, guildId), sql`${articles.outlet} is not null`, ...(text ? [sql`lower(${articles.outlet}) like ${`%${text}%`}`] : [])))
    .groupBy(articles.outlet)
    .orderBy(articles.outlet)
    .limit(limit);
  return rows.filter((r) => r.outlet?.trim()).map((r) => ({ articleId: r.articleId, name: r.outlet! }));
}

export type { BandedRow, HedgeScore };
export { hedgeScore, hedgeCalibration };
