/**
 * The two JSON shapes Hindsight reads: a *pack* (src/packs/*.json, an article and the forecasts it
 * reports) and a *ledger export* (`format: "hindsight-ledger"`, what /predict export writes), and
 * the parsing of an uploaded file into one of them, with errors that point at the faulty field.
 */
import { z } from 'zod';
import { invalid } from '../errors.js';
import { LIMITS } from '../limits.js';
import { OUTCOMES, VERDICTS } from '../rules.js';
import { speakerKey } from '../validate.js';
import { HEDGE_BANDS } from '../hedge.js';
import { conditionOrder } from '../conditions.js';
import { EVIDENCE_SIDES } from '../evidence-rules.js';

const text = (max: number) => z.string().max(max * 2);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

const packKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/, 'must be a short lower-case key');

/**
 * A bundled or uploaded pack. Strict at every level: a misspelt or unknown key is an error that
 * names it, never a value silently dropped.
 */
export const packSchema = z
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
            /** The key of the event (or claim) of this pack it hangs on: scored only if that comes true, void if not. */
            condition: packKey.nullish(),
            /** Check "N days after the condition comes true" (then checkBy is only the date shown until it does). */
            conditionDays: z.number().int().min(0).max(36500).nullish(),
          })
          .strict(),
      )
      .min(1)
      .max(LIMITS.maxImportClaims),
    /** Events the claims hang on: claims with no speaker ("Trump is inaugurated"), resolved like any other. */
    events: z
      .array(
        z
          .object({
            key: packKey,
            claim: text(LIMITS.claimText),
            family: z.string().max(LIMITS.family).nullish(),
            madeOn: isoDay,
            checkBy: isoDay,
            checkByNote: text(LIMITS.note).nullish(),
            criteria: text(LIMITS.criteria).nullish(),
          })
          .strict(),
      )
      .max(LIMITS.maxImportClaims)
      .default([]),
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
    const keys = new Set<string>();
    for (const [i, item] of [...pack.events, ...pack.claims].entries()) {
      if (keys.has(item.key)) ctx.addIssue({ code: 'custom', path: [i < pack.events.length ? 'events' : 'claims', i < pack.events.length ? i : i - pack.events.length, 'key'], message: `"${item.key}" is used twice` });
      keys.add(item.key);
    }
    for (const [i, c] of pack.claims.entries()) {
      if (c.condition && !keys.has(c.condition)) ctx.addIssue({ code: 'custom', path: ['claims', i, 'condition'], message: `"${c.condition}" is not an event or claim of the pack` });
      if (c.conditionDays != null && !c.condition) ctx.addIssue({ code: 'custom', path: ['claims', i, 'conditionDays'], message: 'needs a condition' });
    }
    if (!conditionOrder(pack.claims.map((c) => ({ key: c.key, condition: c.condition ?? null })))) {
      ctx.addIssue({ code: 'custom', path: ['claims'], message: 'conditions go round in a loop (a claim cannot hang on itself or on its own dependents)' });
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
/**
 * A voting round: any the ledger can hold (PostgreSQL's integer column). Reopens and
 * postponements add rounds without a cap, so an export may carry rounds past any smaller bound.
 */
export const MAX_ROUND = 2_147_483_647;
const roundNumber = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_ROUND, `must be at most ${MAX_ROUND}`);
/** A ledger export: strict at every level like a pack (an unknown key is refused by name, never dropped). */
export const exportSchema = z.object({
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
          .strict()
          .nullish(),
        family: z.string().max(LIMITS.family).nullish(),
        madeOn: isoDay,
        checkBy: isoDay,
        checkByNote: text(LIMITS.note).nullish(),
        hedge: z.enum(HEDGE_BANDS).nullish(),
        criteria: text(LIMITS.criteria).nullish(),
        status: z.enum(['open', 'resolved', 'waiting']),
        outcome: z.enum(OUTCOMES).nullish(),
        resolvedBy: snowflakeish.nullish(),
        resolvedAt: z.iso.datetime({ offset: true }).nullish(),
        resolutionNote: text(LIMITS.note).nullish(),
        addedBy: snowflakeish.nullish(),
        round: roundNumber.default(1),
        /** The key (as in this file) of the claim this one hangs on, and "N days after" it comes true. */
        condition: z.string().min(1).max(200).nullish(),
        conditionDays: z.number().int().min(0).max(36500).nullish(),
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
            }).strict(),
          )
          .max(100_000)
          .default([]),
        forecasts: z
          .array(z.object({ userId: snowflakeish, probability: z.number().min(0).max(100), createdAt: z.iso.datetime({ offset: true }) }).strict())
          .max(100_000)
          .default([]),
        /**
         * Evidence items (src/ledger/evidence.ts); `userId` null in a member's export. Absent when
         * the claim has none (and while blind voting hides its round), so a claim without evidence
         * reads, and is signed, as before evidence existed.
         */
        evidence: z
          .array(
            z.object({
              userId: snowflakeish.nullish(),
              side: z.enum(EVIDENCE_SIDES),
              url: text(LIMITS.url).nullish(),
              note: text(LIMITS.evidence).nullish(),
              createdAt: z.iso.datetime({ offset: true }),
            }).strict(),
          )
          .max(100_000)
          .optional(),
      }).strict(),
    )
    .max(LIMITS.maxImportClaims, `must hold at most ${LIMITS.maxImportClaims} claims (/predict export cuts a larger ledger into files of that size: import them one by one)`),
  /**
   * HMAC-SHA256 of guildId and claims with the exporting server's secret key (guilds.export_key,
   * never shown). Present only on exports with member data; a file whose signature checks out
   * with the importing server's own key is that server's own export.
   */
  signature: z.string().max(128).nullish(),
  /** False: a member's export, claims only (no votes, forecasts or member ids; evidence without its authors). */
  memberData: z.boolean().optional(),
}).strict();
export type LedgerExport = z.infer<typeof exportSchema>;

/** Parses an uploaded JSON file (a pack or a ledger export), with errors that point at the faulty field. */
export function parseImportFile(raw: string): { kind: 'pack'; pack: Pack } | { kind: 'export'; data: LedgerExport } {
  if (raw.length > LIMITS.maxImportBytes) throw invalid('ledgerErrors.file.tooLarge', { mb: LIMITS.maxImportBytes / 1_000_000 });
  // A UTF-8 byte order mark (as some editors save) is not part of the JSON: strip it.
  if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw invalid('ledgerErrors.file.notJson');
  }
  const isExport = typeof json === 'object' && json !== null && (json as { format?: unknown }).format === 'hindsight-ledger';
  const result = isExport ? exportSchema.safeParse(json) : packSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw invalid(isExport ? 'ledgerErrors.file.invalidExport' : 'ledgerErrors.file.invalidPack', { issues: first.join('; ') });
  }
  return isExport ? { kind: 'export', data: result.data as LedgerExport } : { kind: 'pack', pack: result.data as Pack };
}
