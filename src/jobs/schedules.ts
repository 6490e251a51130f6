/** Scoring-round schedules of a server: small data functions, each scoped by guild id. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { schedules } from '../db/schema.js';
import { recordAudit } from '../ledger/audit.js';
import { LedgerError, notFound } from '../ledger/errors.js';
import type { MessageKey } from '../i18n/index.js';
import { assertManager, nowOf, type LedgerCtx, type GuildScope, inTx } from '../ledger/context.js';
import { getSettings } from '../ledger/settings.js';
import { assertMinInterval, MIN_ROUND_INTERVAL_SECONDS, parseSchedule, ScheduleError, type ScheduleSpec } from './schedule-spec.js';

export type ScheduleRow = typeof schedules.$inferSelect;

/** At most this many schedules per server. */
export const MAX_SCHEDULES_PER_GUILD = 10;

export const MANAGE_ROUNDS = 'ledgerErrors.can.manageRounds' satisfies MessageKey;

/** Validates what a manager typed; a bad cron field or time zone is named and nothing is saved. */
export async function specFor(ctx: LedgerCtx, schedule: string, timezone: string | null): Promise<ScheduleSpec> {
  const tz = timezone ?? (await getSettings(ctx)).timezone;
  try {
    return parseSchedule(schedule, tz);
  } catch (error) {
    // Named by the option at fault (the message names the cron field itself).
    if (error instanceof ScheduleError) throw new LedgerError('invalid_input', 'ledgerErrors.scheduleField', { field: error.field === 'timezone' ? 'timezone' : 'schedule', reason: error.message });
    throw error;
  }
}

/**
 * Adds a schedule. `minIntervalSeconds`: the fewest seconds between two of its rounds (default
 * MIN_ROUND_INTERVAL_SECONDS, an hour; the app passes the configured minimum).
 */
export async function addSchedule(
  ctx: LedgerCtx,
  input: { channelId: string; schedule: string; timezone: string | null },
  opts: { minIntervalSeconds?: number } = {},
): Promise<ScheduleRow> {
  assertManager(ctx, MANAGE_ROUNDS);
  if (!/^\d{1,20}$/.test(input.channelId)) throw new LedgerError('invalid_input', 'ledgerErrors.scheduleChannel');
  const spec = await specFor(ctx, input.schedule, input.timezone);
  const now = nowOf(ctx);
  try {
    assertMinInterval(spec, now, opts.minIntervalSeconds ?? MIN_ROUND_INTERVAL_SECONDS);
  } catch (error) {
    if (error instanceof ScheduleError) throw new LedgerError('invalid_input', 'ledgerErrors.scheduleField', { field: error.field, reason: error.message });
    throw error;
  }
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(schedules)
      .where(eq(schedules.guildId, ctx.guildId));
    if ((existing?.n ?? 0) >= MAX_SCHEDULES_PER_GUILD) {
      throw new LedgerError('conflict', 'ledgerErrors.tooManySchedules', { count: MAX_SCHEDULES_PER_GUILD });
    }
    const [row] = await tx
      .insert(schedules)
      .values({ guildId: ctx.guildId, channelId: input.channelId, ...spec, createdBy: ctx.actor.id, createdAt: now, updatedAt: now })
      .returning();
    await recordAudit(inTx(ctx, tx), {
      guildId: ctx.guildId,
      actorId: ctx.actor.id,
      action: 'schedule.add',
      detail: { schedule: row!.id, channel: input.channelId, cron: spec.cron, timezone: spec.timezone },
      at: now,
    });
    return row!;
  });
}

/** This server's schedules that post in one channel (a second one there shares its rounds: see rounds.ts). */
export async function schedulesOnChannel(ctx: GuildScope, channelId: string): Promise<ScheduleRow[]> {
  const { db, guildId } = ctx;
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.guildId, guildId), eq(schedules.channelId, channelId)))
    .orderBy(asc(schedules.id));
}

export async function listSchedules(ctx: GuildScope): Promise<ScheduleRow[]> {
  const { db, guildId } = ctx;
  return db.select().from(schedules).where(eq(schedules.guildId, guildId)).orderBy(asc(schedules.id));
}

export async function getSchedule(ctx: GuildScope, id: number): Promise<ScheduleRow> {
  const { db, guildId } = ctx;
  const [row] = Number.isInteger(id) && id > 0 && id < 2 ** 31
    ? await db.select().from(schedules).where(and(eq(schedules.guildId, guildId), eq(schedules.id, id)))
    : [];
  if (!row) throw notFound('ledgerErrors.noSchedule', { id });
  return row;
}

export async function removeSchedule(ctx: LedgerCtx, id: number): Promise<ScheduleRow> {
  assertManager(ctx, MANAGE_ROUNDS);
  return ctx.db.transaction(async (tx) => {
    const row = await getSchedule(inTx(ctx, tx), id);
    await tx.delete(schedules).where(eq(schedules.id, row.id));
    await recordAudit(inTx(ctx, tx), { guildId: ctx.guildId, actorId: ctx.actor.id, action: 'schedule.remove', detail: { schedule: row.id, cron: row.cron }, at: nowOf(ctx) });
    return row;
  });
}

/** Pause or resume by a manager. Resuming clears the failure count. */
export async function setScheduleActive(ctx: LedgerCtx, id: number, active: boolean): Promise<ScheduleRow> {
  assertManager(ctx, MANAGE_ROUNDS);
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await getSchedule(inTx(ctx, tx), id);
    if (active && row.status === 'active') throw new LedgerError('conflict', 'ledgerErrors.scheduleRunning', { id });
    if (!active && row.status !== 'active') throw new LedgerError('conflict', row.status === 'paused' ? 'ledgerErrors.schedulePaused' : 'ledgerErrors.scheduleDisabled', { id });
    const [updated] = await tx
      .update(schedules)
      .set(active ? { status: 'active', failures: 0, statusReason: null, updatedAt: now } : { status: 'paused', statusReason: `paused by <@${ctx.actor.id}>`, updatedAt: now })
      .where(eq(schedules.id, row.id))
      .returning();
    await recordAudit(inTx(ctx, tx), { guildId: ctx.guildId, actorId: ctx.actor.id, action: active ? 'schedule.resume' : 'schedule.pause', detail: { schedule: row.id }, at: now });
    return updated!;
  });
}

/** Every active schedule of every server (the scheduler loads these). */
/** Active schedules of every server, or only of `guildId`. */
export async function activeSchedules(db: Db, guildId?: string): Promise<ScheduleRow[]> {
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.status, 'active'), ...(guildId ? [eq(schedules.guildId, guildId)] : [])))
    .orderBy(asc(schedules.id));
}
