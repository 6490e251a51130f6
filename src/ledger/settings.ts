import { and, eq, sql } from 'drizzle-orm';
import { claims, guilds, SETTINGS_DEFAULTS } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { forbidden, invalid } from './errors.js';
import { dueAtFor, isValidTimezone } from './dates.js';
import { LIMITS } from './limits.js';
import { nowOf, type LedgerCtx, type GuildScope, inTx } from './context.js';
import { intInRange } from './validate.js';
import { CATALOGS, LANGUAGES } from '../i18n/index.js';

export interface GuildSettings {
  quorum: number;
  majorityPct: number;
  votingWindowDays: number;
  blindVoting: boolean;
  timezone: string;
  tooEarlyStepDays: number;
  /** Resolved forecasts a member needs before the leaderboard ranks them. */
  minRanked: number;
  /** Who may run /predict extract: managers only, or members too (their accepted forecasts wait for a manager). */
  extractBy: ExtractBy;
  /**
   * Language of the server's public posts (cards, rounds): a catalog code ('en', 'ru', 'uk', …), or
   * null for the server's Discord language when Hindsight has it, else English (src/i18n serverLocale).
   */
  language: string | null;
}

export const EXTRACT_BY = ['managers', 'members'] as const;
export type ExtractBy = (typeof EXTRACT_BY)[number];

export const DEFAULT_SETTINGS: GuildSettings = { ...SETTINGS_DEFAULTS, language: null };

const DAY_MS = 86_400_000;
export const addDaysMs = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);

/** A server's settings; the defaults when it has never changed any (reading writes nothing). */
export async function getSettings(ctx: GuildScope): Promise<GuildSettings> {
  const { db, guildId } = ctx;
  const [row] = await db
    .select({
      quorum: guilds.quorum,
      majorityPct: guilds.majorityPct,
      votingWindowDays: guilds.votingWindowDays,
      blindVoting: guilds.blindVoting,
      timezone: guilds.timezone,
      tooEarlyStepDays: guilds.tooEarlyStepDays,
      minRanked: guilds.minRanked,
      extractBy: guilds.extractBy,
      language: guilds.language,
    })
    .from(guilds)
    .where(eq(guilds.guildId, guildId));
  return row ? { ...row, extractBy: row.extractBy === 'members' ? 'members' : 'managers' } : { ...DEFAULT_SETTINGS };
}

/**
 * Reserves `count` consecutive claim numbers for a server and returns the first. The upsert locks
 * the server's row until the transaction ends, so concurrent adds get distinct numbers.
 * `count = 0` only takes the lock.
 */
export async function reserveClaimNumbers(ctx: GuildScope, count: number): Promise<number> {
  const { db, guildId } = ctx;
  const [row] = await db
    .insert(guilds)
    .values({ guildId, nextClaimNumber: 1 + count })
    .onConflictDoUpdate({
      target: guilds.guildId,
      set: { nextClaimNumber: sql`${guilds.nextClaimNumber} + ${count}` },
    })
    .returning({ next: guilds.nextClaimNumber });
  return row!.next - count;
}

export type SettingsPatch = Partial<GuildSettings>;

function validatePatch(patch: SettingsPatch): SettingsPatch {
  const out: SettingsPatch = {};
  if (patch.quorum !== undefined) out.quorum = intInRange('Quorum', patch.quorum, LIMITS.quorum);
  if (patch.majorityPct !== undefined) out.majorityPct = intInRange('Majority', patch.majorityPct, LIMITS.majorityPct);
  if (patch.votingWindowDays !== undefined)
    out.votingWindowDays = intInRange('Voting window (days)', patch.votingWindowDays, LIMITS.votingWindowDays);
  if (patch.tooEarlyStepDays !== undefined)
    out.tooEarlyStepDays = intInRange('Too-early step (days)', patch.tooEarlyStepDays, LIMITS.tooEarlyStepDays);
  if (patch.minRanked !== undefined) out.minRanked = intInRange('Minimum to rank', patch.minRanked, LIMITS.minRanked);
  if (patch.extractBy !== undefined) {
    if (!(EXTRACT_BY as readonly string[]).includes(patch.extractBy)) throw invalid('ledgerErrors.extractBy');
    out.extractBy = patch.extractBy;
  }
  if (patch.language !== undefined) {
    // null: back to the server's Discord language.
    if (patch.language !== null && !CATALOGS.has(patch.language)) throw invalid('ledgerErrors.noLanguage', { got: patch.language.slice(0, 20), languages: LANGUAGES.join(', ') });
    out.language = patch.language;
  }
  if (patch.blindVoting !== undefined) out.blindVoting = Boolean(patch.blindVoting);
  if (patch.timezone !== undefined) {
    const tz = patch.timezone.trim();
    if (!isValidTimezone(tz)) throw invalid('ledgerErrors.timezone', { got: tz.slice(0, 64) });
    out.timezone = tz;
  }
  return out;
}

/**
 * Changes a server's settings (managers only) and records each change. A new time zone or voting
 * window re-times the server's open claims.
 */
export async function updateSettings(ctx: LedgerCtx, patch: SettingsPatch): Promise<{ before: GuildSettings; after: GuildSettings }> {
  if (!ctx.actor.isManager) throw forbidden('ledgerErrors.managersOnly', { what: { key: 'ledgerErrors.can.changeSettings' } });
  const changes = validatePatch(patch);
  return ctx.db.transaction(async (tx) => {
    await reserveClaimNumbers(inTx(ctx, tx), 0); // creates the row if needed and locks it
    const before = await getSettings(inTx(ctx, tx));
    const changed = Object.fromEntries(
      Object.entries(changes).filter(([k, v]) => before[k as keyof GuildSettings] !== v),
    ) as SettingsPatch;
    if (!Object.keys(changed).length) return { before, after: before };
    await tx
      .update(guilds)
      .set({ ...changed, updatedAt: nowOf(ctx) })
      .where(eq(guilds.guildId, ctx.guildId));
    const after = { ...before, ...changed };
    if (changed.timezone !== undefined || changed.votingWindowDays !== undefined) await retimeOpenClaims(inTx(ctx, tx), before, after);
    await recordAudit(
      inTx(ctx, tx),
      Object.entries(changed).map(([key, value]) => ({
        guildId: ctx.guildId,
        actorId: ctx.actor.id,
        action: 'settings.change' as const,
        detail: { setting: key, from: before[key as keyof GuildSettings], to: value },
        at: nowOf(ctx),
      })),
    );
    return { before, after };
  });
}

async function retimeOpenClaims(ctx: GuildScope, before: GuildSettings, after: GuildSettings) {
  const { db, guildId } = ctx;
  const open = await db
    .select({ id: claims.id, checkBy: claims.checkBy, dueAt: claims.dueAt, windowStartsAt: claims.windowStartsAt })
    .from(claims)
    .where(and(eq(claims.guildId, guildId), eq(claims.status, 'open')));
  for (const c of open) {
    // A window that started at the check date moves with it; one a manager reopened keeps its start.
    const followsDue = c.windowStartsAt.getTime() === c.dueAt.getTime();
    const dueAt = before.timezone === after.timezone ? c.dueAt : dueAtFor(c.checkBy, after.timezone);
    const windowStartsAt = followsDue ? dueAt : c.windowStartsAt;
    await db
      .update(claims)
      .set({ dueAt, windowStartsAt, votingClosesAt: addDaysMs(windowStartsAt, after.votingWindowDays) })
      .where(eq(claims.id, c.id));
  }
}
