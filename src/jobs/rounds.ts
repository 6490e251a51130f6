/**
 * A scoring round: what came due since the last round (a card with vote buttons each), what is
 * still open from earlier rounds (with how long it has waited), and what was resolved since
 * (outcome and tally). Posted so that each (schedule, slot) is posted at most once.
 */
import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import { TimestampStyles, time } from '@discordjs/formatters';
import type { Db } from '../db/client.js';
import { claims, scheduleRuns, schedules } from '../db/schema.js';
import { recordAudit } from '../ledger/audit.js';
import { claimDetail, tallyFor } from '../ledger/claims.js';
import { FLAG_LABELS, OUTCOME_LABELS, VERDICTS, VERDICT_LABELS, type FlagReason, type Outcome, type Tally } from '../ledger/rules.js';
import { claimCard, COLORS, DISCORD_LIMITS, packSections, safe } from '../kit/render.js';
import type { Reply } from '../kit/types.js';
import type { Logger } from '../log.js';
import { PostError, type Poster, type RoundOutcome } from '../kit/poster.js';
import type { ScheduleRow } from './schedules.js';

/** At most this many claim cards in one round; the rest are listed (they get cards via /predict show). */
export const MAX_CARDS_PER_ROUND = 25;
/** Missing Access / Missing Permissions this many rounds in a row pause the schedule. */
export const PAUSE_AFTER_FAILURES = 3;

export interface RoundContent {
  newlyDue: number[];
  stillOpen: { number: number; text: string; dueAt: Date; flag: string | null }[];
  resolved: { id: number; number: number; text: string; outcome: Outcome; tally: Tally }[];
  /** Extra lines for the summary (score changes), computed by the caller. */
  notes: string[];
}

const live = (guildId: string) => and(eq(claims.guildId, guildId), isNull(claims.deletedAt));

/**
 * What a round posted at `until` reports, given the previous round's slot (`since`, null for the
 * first). "Came due" means its voting opened: the check date passed, or it was imported already
 * due, or a manager reopened it.
 */
export async function composeRound(db: Db, guildId: string, since: Date | null, until: Date, createdAt: Date): Promise<RoundContent> {
  const newlyDue = await db
    .select({ number: claims.number })
    .from(claims)
    .where(and(live(guildId), eq(claims.status, 'open'), lte(claims.windowStartsAt, until), ...(since ? [gt(claims.windowStartsAt, since)] : [])))
    .orderBy(asc(claims.number));
  const stillOpen = since
    ? await db
        .select({ number: claims.number, text: claims.text, dueAt: claims.dueAt, flag: claims.flag })
        .from(claims)
        .where(and(live(guildId), eq(claims.status, 'open'), lte(claims.windowStartsAt, since)))
        .orderBy(asc(claims.dueAt), asc(claims.number))
    : [];
  const resolvedRows = await db
    .select({ id: claims.id, number: claims.number, text: claims.text, outcome: claims.outcome, round: claims.round })
    .from(claims)
    .where(and(live(guildId), eq(claims.status, 'resolved'), gt(claims.resolvedAt, since ?? createdAt), lte(claims.resolvedAt, until)))
    .orderBy(asc(claims.number));
  const resolved = [];
  for (const r of resolvedRows) resolved.push({ id: r.id, number: r.number, text: r.text, outcome: r.outcome ?? 'void', tally: await tallyFor(db, r.id, r.round) });
  return { newlyDue: newlyDue.map((r) => r.number), stillOpen, resolved, notes: [] };
}

export const isEmpty = (c: RoundContent) => !c.newlyDue.length && !c.stillOpen.length && !c.resolved.length;

const waited = (dueAt: Date, now: Date) => {
  const days = Math.floor((now.getTime() - dueAt.getTime()) / 86_400_000);
  return days >= 1 ? `waiting ${days} day${days === 1 ? '' : 's'}` : 'due today';
};

const shortTally = (t: Tally) => VERDICTS.map((v) => `${VERDICT_LABELS[v]} ${t[v]}`).join(' · ');

/** The messages of a round, in order: the summary (possibly split), then one card per newly due claim. */
export async function renderRound(db: Db, guildId: string, content: RoundContent, now: Date): Promise<Reply[]> {
  const cards = content.newlyDue.slice(0, MAX_CARDS_PER_ROUND);
  const overflow = content.newlyDue.slice(MAX_CARDS_PER_ROUND);
  const sections: { title: string; lines: string[] }[] = [];
  const intro = [
    content.newlyDue.length ? `**${content.newlyDue.length}** claim${content.newlyDue.length === 1 ? '' : 's'} came due: score ${content.newlyDue.length === 1 ? 'it' : 'them'} with the buttons below.` : null,
    content.stillOpen.length ? `**${content.stillOpen.length}** still open from earlier rounds.` : null,
    content.resolved.length ? `**${content.resolved.length}** resolved since the last round.` : null,
  ].filter((l): l is string => !!l);
  sections.push({ title: `Scoring round · ${now.toISOString().slice(0, 10)}`, lines: intro });
  if (overflow.length) {
    sections.push({ title: 'Also due (use /predict show claim:<number> for a card)', lines: [overflow.map((n) => `#${n}`).join(', ')] });
  }
  if (content.resolved.length) {
    sections.push({
      title: 'Resolved since the last round',
      lines: content.resolved.map((r) => `**#${r.number}** ${safe(r.text, 150)} → **${OUTCOME_LABELS[r.outcome]}** (${shortTally(r.tally)})`),
    });
  }
  if (content.notes.length) sections.push({ title: 'Score changes', lines: content.notes });
  if (content.stillOpen.length) {
    sections.push({
      title: 'Still open from earlier rounds',
      lines: content.stillOpen.map(
        (c) => `**#${c.number}** ${safe(c.text, 150)} · ${waited(c.dueAt, now)}${c.flag ? ` · needs a manager: ${FLAG_LABELS[c.flag as FlagReason] ?? c.flag}` : ` · ${time(c.dueAt, TimestampStyles.ShortDate)}`}`,
      ),
    });
  }
  const messages = packSections(sections, COLORS.due);
  const ctx = { db, guildId, actor: { id: 'system', isManager: false }, now: () => now };
  for (const number of cards) messages.push(claimCard(await claimDetail(ctx, number), now));
  return messages;
}

/** A short, stable nonce per (schedule, slot, part): a retried post returns the first message instead of a duplicate. */
export const roundNonce = (scheduleId: number, slot: Date, part: number) =>
  `r${scheduleId.toString(36)}.${Math.floor(slot.getTime() / 1000).toString(36)}.${part}`.slice(0, DISCORD_LIMITS.nonce);

export type { RoundOutcome } from '../kit/poster.js';

export interface RoundDeps {
  db: Db;
  poster: Poster;
  log: Logger;
  /** Extra summary lines for the claims a round reports resolved (score changes). */
  notesFor?: (db: Db, guildId: string, claimIds: number[]) => Promise<string[]>;
}

/**
 * Runs one (schedule, slot): the slot's row is inserted in the same transaction that records the
 * post, so whichever process or retry gets there second finds the row and posts nothing.
 * A transient failure (5xx, network) rolls the transaction back: the slot stays unposted and
 * catch-up may post it later (the nonces keep parts already posted from doubling).
 */
export async function runRound(deps: RoundDeps, scheduleId: number, slot: Date, now: Date): Promise<RoundOutcome> {
  const { db, poster, log } = deps;
  return db.transaction(async (tx) => {
    const [schedule] = await tx.select().from(schedules).where(eq(schedules.id, scheduleId)).for('update');
    if (!schedule || schedule.status !== 'active') return { outcome: 'inactive' as const };
    const claimed = await tx
      .insert(scheduleRuns)
      .values({ scheduleId, slot, guildId: schedule.guildId, outcome: 'posting' })
      .onConflictDoNothing()
      .returning({ slot: scheduleRuns.slot });
    if (!claimed.length) return { outcome: 'duplicate' as const };
    const since = schedule.lastSlot && schedule.lastSlot < slot ? schedule.lastSlot : null;
    const content = await composeRound(tx, schedule.guildId, since, slot, schedule.createdAt);
    const record = (outcome: string, messageIds: string[] = [], detail: Record<string, unknown> = {}) =>
      tx.update(scheduleRuns).set({ outcome, messageIds, detail }).where(and(eq(scheduleRuns.scheduleId, scheduleId), eq(scheduleRuns.slot, slot)));
    if (isEmpty(content)) {
      await record('empty');
      await tx.update(schedules).set({ lastSlot: slot }).where(eq(schedules.id, scheduleId));
      return { outcome: 'empty' as const };
    }
    if (deps.notesFor && content.resolved.length) {
      try {
        content.notes = await deps.notesFor(tx, schedule.guildId, content.resolved.map((r) => r.id));
      } catch (error) {
        log.warn({ err: error, scheduleId }, 'score changes unavailable for this round');
      }
    }
    const messages = await renderRound(tx, schedule.guildId, content, now);
    const ids: string[] = [];
    try {
      for (const [part, message] of messages.entries()) {
        ids.push((await poster.post(schedule.channelId, message, { nonce: roundNonce(scheduleId, slot, part) })).id);
      }
    } catch (error) {
      if (!(error instanceof PostError) || error.kind === 'transient') throw error;
      return handleDeadTarget(tx, deps, schedule, error, slot, ids, record, now);
    }
    await record('posted', ids, { newlyDue: content.newlyDue.length, stillOpen: content.stillOpen.length, resolved: content.resolved.length });
    await tx.update(schedules).set({ lastSlot: slot, failures: 0 }).where(eq(schedules.id, scheduleId));
    return { outcome: 'posted' as const, messageIds: ids };
  });
}

async function handleDeadTarget(
  tx: Db,
  deps: RoundDeps,
  schedule: ScheduleRow,
  error: PostError,
  slot: Date,
  ids: string[],
  record: (outcome: string, messageIds?: string[], detail?: Record<string, unknown>) => Promise<unknown>,
  now: Date,
): Promise<RoundOutcome> {
  const channel = `<#${schedule.channelId}>`;
  await record('failed', ids, { kind: error.kind, status: error.status, code: error.code, message: error.message.slice(0, 300) });
  const audit = { guildId: schedule.guildId, actorId: 'system', at: now };
  if (error.kind === 'unknown_channel') {
    const reason = `disabled: the channel ${channel} no longer exists`;
    await tx.update(schedules).set({ status: 'disabled', statusReason: reason, updatedAt: now }).where(eq(schedules.id, schedule.id));
    await recordAudit(tx, { ...audit, action: 'schedule.disable', detail: { schedule: schedule.id, reason: 'unknown channel' } });
    deps.log.warn({ scheduleId: schedule.id, guildId: schedule.guildId }, 'schedule disabled: unknown channel');
    const notified = await notify(deps, schedule, `Hindsight disabled scoring-round schedule ${schedule.id}: its channel no longer exists. Add a new one with /reminders add.`);
    return { outcome: 'failed', kind: error.kind, disabled: true, ...(notified ? { notified } : {}) };
  }
  if (error.kind === 'missing_access') {
    const failures = schedule.failures + 1;
    if (failures >= PAUSE_AFTER_FAILURES) {
      const reason = `paused: Hindsight cannot post in ${channel} (missing access or permissions) for ${failures} rounds in a row`;
      await tx.update(schedules).set({ status: 'paused', failures, statusReason: reason, updatedAt: now }).where(eq(schedules.id, schedule.id));
      await recordAudit(tx, { ...audit, action: 'schedule.pause', detail: { schedule: schedule.id, reason: 'missing access', failures } });
      const notified = await notify(
        deps,
        schedule,
        `Hindsight paused scoring-round schedule ${schedule.id}: it could not post in ${channel} for ${failures} rounds (it needs View Channel, Send Messages and Embed Links there). Fix the channel's permissions, then /reminders resume id:${schedule.id}.`,
      );
      deps.log.warn({ scheduleId: schedule.id, guildId: schedule.guildId, notified }, 'schedule paused: missing access');
      return { outcome: 'failed', kind: error.kind, paused: true, ...(notified ? { notified } : {}) };
    }
    await tx.update(schedules).set({ failures, updatedAt: now }).where(eq(schedules.id, schedule.id));
    return { outcome: 'failed', kind: error.kind };
  }
  deps.log.warn({ scheduleId: schedule.id, status: error.status, code: error.code }, 'round rejected by Discord; not retried');
  return { outcome: 'failed', kind: error.kind };
}

async function notify(deps: RoundDeps, schedule: ScheduleRow, text: string): Promise<string | undefined> {
  try {
    return await deps.poster.notifyManagers(schedule.guildId, text, { createdBy: schedule.createdBy });
  } catch (error) {
    deps.log.warn({ err: error, scheduleId: schedule.id }, 'could not tell the managers');
    return undefined;
  }
}
