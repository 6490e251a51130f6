/**
 * node-cron 4 drives scoring rounds: one task per active schedule, loaded from the database at
 * start and changed live by /reminders (and every minute from the database, for schedules other
 * processes changed). A RunCoordinator backed by the `cron_leases` table elects one process per
 * fire; the `schedule_runs` row and its outbox (see rounds.ts) make each part of a slot post once
 * regardless. Slots missed while down, and slots a killed process left half-posted, are posted
 * (or finished) once if they fall within the catch-up window; older ones are logged and skipped.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { and, asc, eq, lt, ne } from 'drizzle-orm';
import cron, { type RunCoordinator, type ScheduledTask, type TaskOptions } from 'node-cron';
import type { Db } from '../db/client.js';
import { cronLeases, scheduleRuns, schedules } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Poster } from '../kit/poster.js';
import { LEASE_MS, runRound, skipSlot, type RoundDeps, type RoundOutcome } from './rounds.js';
import { countSlots, hasSeconds, latestSlot } from './schedule-spec.js';
import { activeSchedules, type ScheduleRow } from './schedules.js';

/**
 * True when a lease owner (host/pid/random) was a process on this host that is no longer running:
 * its pid is gone, or it is this process's pid under another instance id (a restarted container).
 * Owners on other hosts are never judged: their leases expire.
 */
export function ownerIsGone(owner: string, me: string): boolean {
  const [host, pid] = owner.split('/');
  const [myHost, myPid] = me.split('/');
  if (!host || !pid || host !== myHost || owner === me || !/^\d+$/.test(pid)) return false;
  if (pid === myPid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

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

/** What the scheduler keeps of a cron task. */
export type CronTask = Pick<ScheduledTask, 'stop' | 'destroy'>;
/**
 * Starts a cron task: node-cron's `schedule` unless told otherwise. Tests hand in one they fire
 * by hand (test/support/manual-cron.ts), so no test waits for the wall clock to reach a slot.
 */
export type CronSchedule = (expression: string, fn: (context: { date: Date }) => Promise<void>, options: TaskOptions) => CronTask;

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
  /** The maintenance tick (reconcile + catch-up + pruning); node-cron syntax. */
  maintenanceCron?: string;
  /** How long a slot's lease holds without renewal (default LEASE_MS). */
  leaseMs?: number;
  /** Only this server's schedules (the console on a shared database); unset → every server's. */
  guildId?: string;
  /** How tasks are started (default node-cron's `schedule`). */
  cron?: CronSchedule;
}

/** Finished slots (and their outbox rows) are deleted after this many days; fire leases after 2. */
export const RUNS_KEPT_DAYS = 30;
export const LEASES_KEPT_DAYS = 2;

/** Deletes finished slots older than RUNS_KEPT_DAYS (their parts go with them) and fire leases older than LEASES_KEPT_DAYS. */
export async function pruneRounds(db: Db, now: Date): Promise<{ runs: number; leases: number }> {
  const runs = await db
    .delete(scheduleRuns)
    .where(and(ne(scheduleRuns.outcome, 'posting'), lt(scheduleRuns.createdAt, new Date(now.getTime() - RUNS_KEPT_DAYS * 86_400_000))))
    .returning({ slot: scheduleRuns.slot });
  const leases = await db
    .delete(cronLeases)
    .where(lt(cronLeases.claimedAt, new Date(now.getTime() - LEASES_KEPT_DAYS * 86_400_000)))
    .returning({ key: cronLeases.key });
  return { runs: runs.length, leases: leases.length };
}

interface Registered {
  task: CronTask;
  cron: string;
  timezone: string;
}

export class Scheduler {
  /** host/pid/random: lets a restart on the same host see that a lease's owner is gone. */
  readonly instanceId = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  private readonly tasks = new Map<number, Registered>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly coordinator: RunCoordinator;
  private maintenance: CronTask | null = null;
  private stopping = false;
  private readonly now: () => Date;
  private readonly cron: CronSchedule;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.cron = opts.cron ?? cron.schedule;
    this.coordinator = tableRunCoordinator(opts.db, this.instanceId, opts.log);
  }

  private get deps(): RoundDeps {
    return {
      db: this.opts.db,
      poster: this.opts.poster,
      log: this.opts.log,
      owner: this.instanceId,
      clock: this.now,
      leaseMs: this.opts.leaseMs ?? LEASE_MS,
      ...(this.opts.notesFor ? { notesFor: this.opts.notesFor } : {}),
    };
  }

  async start(): Promise<void> {
    // Catch up before any live task runs: a slot a killed process left half-posted is finished
    // (only its parts without a message id are sent) before the next live round.
    await this.catchUp({ logSkipped: true, graceMs: 0 });
    await this.reconcile();
    this.maintenance = this.cron(
      this.opts.maintenanceCron ?? '30 * * * * *',
      async () => {
        try {
          await this.reconcile();
          await this.catchUp({ logSkipped: false });
          const pruned = await pruneRounds(this.opts.db, this.now());
          if (pruned.runs || pruned.leases) this.opts.log.debug(pruned, 'pruned old round records');
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
    const task = this.cron(
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
  async runSlot(scheduleId: number, slot: Date, takeOverFrom?: string): Promise<RoundOutcome | null> {
    if (this.stopping) return null;
    const run = runRound({ ...this.deps, ...(takeOverFrom ? { takeOverFrom } : {}) }, scheduleId, slot, this.now()).then(
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
   * First finishes the slots left half-posted (a killed process, a transient failure) whose lease
   * has expired, oldest first; those older than the catch-up window are closed as skipped, never
   * posted. Then posts, once, the latest slot of each active schedule that was missed within the
   * window (earlier missed slots fold into it: a round reports everything since the last one).
   * Slots missed before the window are logged as skipped, and the schedule's `scannedUntil`
   * moves past them so no scan visits them again.
   */
  async catchUp({ graceMs }: { logSkipped?: boolean; graceMs?: number } = {}): Promise<number> {
    if (this.stopping) return 0;
    const now = this.now();
    const windowStart = new Date(now.getTime() - this.opts.catchupHours * 3_600_000);
    const latestLate = new Date(now.getTime() - (graceMs ?? this.opts.graceMs ?? 30_000));
    let posted = 0;
    const active = await activeSchedules(this.opts.db, this.opts.guildId);
    const activeIds = new Set(active.map((r) => r.id));
    const unfinished = await this.opts.db
      .select({ scheduleId: scheduleRuns.scheduleId, slot: scheduleRuns.slot, leaseOwner: scheduleRuns.leaseOwner, leaseUntil: scheduleRuns.leaseUntil })
      .from(scheduleRuns)
      .where(eq(scheduleRuns.outcome, 'posting'))
      .orderBy(asc(scheduleRuns.slot))
      .limit(500);
    for (const run of unfinished) {
      if (this.stopping) return posted;
      if (!activeIds.has(run.scheduleId)) continue;
      const dead = run.leaseOwner && run.leaseUntil && run.leaseUntil >= now && ownerIsGone(run.leaseOwner, this.instanceId) ? run.leaseOwner : undefined;
      if (run.leaseUntil && run.leaseUntil >= now && !dead) continue;
      if (run.slot < windowStart) {
        const left = await skipSlot(this.opts.db, run.scheduleId, run.slot, now);
        if (left !== null) {
          this.opts.log.warn({ scheduleId: run.scheduleId, slot: run.slot.toISOString(), unposted: left, window: `${this.opts.catchupHours}h` }, 'a half-posted round older than the catch-up window was closed as skipped; its remaining parts were not posted');
        }
        continue;
      }
      this.opts.log.info({ scheduleId: run.scheduleId, slot: run.slot.toISOString(), ...(dead ? { from: dead } : {}) }, 'resuming a half-posted round');
      const result = await this.runSlot(run.scheduleId, run.slot, dead);
      if (result?.outcome === 'posted') posted += 1;
    }
    for (const row of active) {
      if (this.stopping) return posted;
      const accounted = Math.max(row.createdAt.getTime(), row.lastSlot?.getTime() ?? 0, row.scannedUntil?.getTime() ?? 0);
      if (accounted < windowStart.getTime()) {
        const skipped = countSlots(row, new Date(accounted), windowStart, 1000);
        if (skipped) {
          this.opts.log.warn({ scheduleId: row.id, skipped: skipped >= 1000 ? '1000+' : skipped, window: `${this.opts.catchupHours}h` }, 'rounds missed before the catch-up window were skipped');
          await this.opts.db.update(schedules).set({ scannedUntil: windowStart }).where(and(eq(schedules.id, row.id), eq(schedules.cron, row.cron)));
        }
      }
      const latest = latestSlot(row, new Date(Math.max(accounted, windowStart.getTime())), latestLate);
      if (!latest) continue;
      const [done] = await this.opts.db
        .select({ slot: scheduleRuns.slot })
        .from(scheduleRuns)
        .where(and(eq(scheduleRuns.scheduleId, row.id), eq(scheduleRuns.slot, latest)));
      if (done) continue;
      this.opts.log.info({ scheduleId: row.id, slot: latest.toISOString() }, 'catching up a missed round');
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
