/**
 * node-cron 4 drives scoring rounds: one task per active schedule, loaded from the database at
 * start and changed live by /reminders (and every minute from the database, for schedules other
 * processes changed). A RunCoordinator backed by the `cron_leases` table elects one process per
 * fire; the `schedule_runs` row (see rounds.ts) makes each slot post at most once regardless.
 * Slots missed while down (or lost with a killed process) are posted once if they fall within
 * the catch-up window; older ones are logged and skipped.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, lt } from 'drizzle-orm';
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Db } from '../db/client.js';
import { cronLeases, scheduleRuns } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Poster } from '../kit/poster.js';
import { runRound, type RoundDeps, type RoundOutcome } from './rounds.js';
import { hasSeconds, slotsBetween } from './schedule-spec.js';
import { activeSchedules, type ScheduleRow } from './schedules.js';

/** Elects one process per fire: the first to insert the fire's key runs it. */
export function tableRunCoordinator(db: Db, owner: string, log: Logger): RunCoordinator {
  return {
    async shouldRun(key) {
      try {
        const won = await db.insert(cronLeases).values({ key, owner }).onConflictDoNothing().returning({ key: cronLeases.key });
        return won.length > 0;
      } catch (error) {
        log.warn({ err: error, key }, 'run coordinator unavailable; this fire is left to catch-up');
        return false;
      }
    },
  };
}

export interface SchedulerOptions {
  db: Db;
  log: Logger;
  poster: Poster;
  now?: () => Date;
  /** Slots missed within this many hours are posted once; older ones are skipped. */
  catchupHours: number;
  notesFor?: RoundDeps['notesFor'];
  /** How long a slot may be late before catch-up takes it over from the live fire. */
  graceMs?: number;
  /** The maintenance tick (reconcile + catch-up); node-cron syntax. */
  maintenanceCron?: string;
  /** Only this server's schedules (the console on a shared database); unset → every server's. */
  guildId?: string;
}

interface Registered {
  task: ScheduledTask;
  cron: string;
  timezone: string;
}

export class Scheduler {
  readonly instanceId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly tasks = new Map<number, Registered>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly coordinator: RunCoordinator;
  private maintenance: ScheduledTask | null = null;
  private stopping = false;
  private readonly now: () => Date;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.coordinator = tableRunCoordinator(opts.db, this.instanceId, opts.log);
  }

  private get deps(): RoundDeps {
    return { db: this.opts.db, poster: this.opts.poster, log: this.opts.log, ...(this.opts.notesFor ? { notesFor: this.opts.notesFor } : {}) };
  }

  async start(): Promise<void> {
    // Catch up before any live task runs: a slot a killed process left half-posted is finished
    // (same nonces, so nothing doubles) before the next live round could fold it in.
    await this.catchUp({ logSkipped: true, graceMs: 0 });
    await this.reconcile();
    this.maintenance = cron.schedule(
      this.opts.maintenanceCron ?? '30 * * * * *',
      async () => {
        try {
          await this.reconcile();
          await this.catchUp({ logSkipped: false });
          await this.opts.db.delete(cronLeases).where(lt(cronLeases.claimedAt, new Date(this.now().getTime() - 2 * 86_400_000)));
        } catch (error) {
          this.opts.log.error({ err: error }, 'scheduler maintenance failed; retrying next tick');
        }
      },
      { name: 'hindsight-scheduler-maintenance', noOverlap: true },
    );
    this.opts.log.info({ schedules: this.tasks.size, instance: this.instanceId }, 'scheduler started');
  }

  /** Makes the running tasks match the active schedules in the database. */
  async reconcile(): Promise<void> {
    if (this.stopping) return;
    const rows = await activeSchedules(this.opts.db, this.opts.guildId);
    const wanted = new Map(rows.map((r) => [r.id, r]));
    for (const [id, reg] of this.tasks) {
      const row = wanted.get(id);
      if (!row || row.cron !== reg.cron || row.timezone !== reg.timezone) await this.unregister(id);
    }
    for (const row of rows) if (!this.tasks.has(row.id)) this.register(row);
  }

  register(row: Pick<ScheduleRow, 'id' | 'cron' | 'timezone'>): void {
    if (this.stopping || this.tasks.has(row.id)) return;
    const task = cron.schedule(
      row.cron,
      async (context) => {
        const step = hasSeconds(row.cron) ? 1000 : 60_000;
        const slot = new Date(Math.floor(context.date.getTime() / step) * step);
        await this.runSlot(row.id, slot);
      },
      { name: `schedule-${row.id}`, timezone: row.timezone, distributed: true, runCoordinator: this.coordinator, noOverlap: true, suppressMissedWarning: true },
    );
    this.tasks.set(row.id, { task, cron: row.cron, timezone: row.timezone });
  }

  async unregister(id: number): Promise<void> {
    const reg = this.tasks.get(id);
    if (!reg) return;
    this.tasks.delete(id);
    await reg.task.stop();
    await reg.task.destroy();
  }

  /** Runs one slot, tracked so shutdown can wait for it. */
  async runSlot(scheduleId: number, slot: Date): Promise<RoundOutcome | null> {
    if (this.stopping) return null;
    const run = runRound(this.deps, scheduleId, slot, this.now()).then(
      (result) => {
        if (result.outcome !== 'duplicate') this.opts.log.info({ scheduleId, slot: slot.toISOString(), ...result }, 'round');
        if (result.outcome === 'failed' && (result.paused || result.disabled)) void this.unregister(scheduleId);
        return result;
      },
      (error: unknown) => {
        this.opts.log.error({ err: error, scheduleId, slot: slot.toISOString() }, 'round failed; the slot stays open for catch-up');
        return null;
      },
    );
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  /**
   * A manager's /reminders run-now: a round for this moment. The slot is rounded up to the next
   * whole second so that it covers what happened in the same second (a claim resolved just before).
   */
  async runNow(scheduleId: number): Promise<RoundOutcome | null> {
    return this.runSlot(scheduleId, new Date(Math.ceil(this.now().getTime() / 1000) * 1000));
  }

  /**
   * Posts, once, the latest slot of each active schedule that was missed within the catch-up
   * window (earlier missed slots in the window are folded into it: a round reports everything
   * since the last one posted). Slots missed before the window are logged and skipped.
   */
  async catchUp({ logSkipped, graceMs }: { logSkipped: boolean; graceMs?: number }): Promise<number> {
    if (this.stopping) return 0;
    const now = this.now();
    const windowStart = new Date(now.getTime() - this.opts.catchupHours * 3_600_000);
    const latestLate = new Date(now.getTime() - (graceMs ?? this.opts.graceMs ?? 30_000));
    let posted = 0;
    for (const row of await activeSchedules(this.opts.db, this.opts.guildId)) {
      const from = new Date(Math.max(windowStart.getTime(), row.createdAt.getTime(), row.lastSlot?.getTime() ?? 0));
      const missed = slotsBetween(row, from, latestLate, 100_000);
      if (logSkipped) {
        const before = row.lastSlot ?? row.createdAt;
        if (before < windowStart) {
          const skipped = slotsBetween(row, before, windowStart, 10_000).length;
          if (skipped) this.opts.log.warn({ scheduleId: row.id, skipped, window: `${this.opts.catchupHours}h` }, 'rounds missed before the catch-up window were skipped');
        }
      }
      if (!missed.length) continue;
      const done = await this.opts.db
        .select({ slot: scheduleRuns.slot })
        .from(scheduleRuns)
        .where(and(eq(scheduleRuns.scheduleId, row.id), inArray(scheduleRuns.slot, missed.slice(-50))));
      const doneSet = new Set(done.map((d) => d.slot.getTime()));
      const latest = missed[missed.length - 1]!;
      if (doneSet.has(latest.getTime())) continue;
      this.opts.log.info({ scheduleId: row.id, slot: latest.toISOString(), folded: missed.length - 1 }, 'catching up a missed round');
      const result = await this.runSlot(row.id, latest);
      if (result?.outcome === 'posted' || result?.outcome === 'empty') posted += 1;
    }
    return posted;
  }

  /** Stops taking new slots, lets rounds in flight finish (at most `timeoutMs`). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.maintenance) {
      await this.maintenance.stop();
      await this.maintenance.destroy();
    }
    for (const id of [...this.tasks.keys()]) await this.unregister(id);
    if (this.inFlight.size) {
      this.opts.log.info({ inFlight: this.inFlight.size }, 'waiting for rounds in flight');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
  }
}
