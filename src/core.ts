/**
 * The one composition root both modes share: Discord (src/app.ts) and the local console
 * (src/console/index.ts) each call `openCore` and `core.jobs(poster)`, so the database,
 * migrations, the worker pool (src/work/), scheduler (with the rounds' score changes), window closer and handler context
 * are assembled once, the same way. Each step registers its undo; `stop()` runs them in reverse.
 */
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { migrateDatabase, openDatabase, type Database } from './db/client.js';
import { startCloser } from './jobs/closer.js';
import { startDirectMessageSender } from './jobs/direct-messages.js';
import type { Poster } from './kit/poster.js';
import { Scheduler, type CronSchedule } from './jobs/scheduler.js';
import { MIN_ROUND_INTERVAL_SECONDS } from './jobs/schedule-spec.js';
import { roundScoreNotes } from './kit/score-text.js';
import type { AppCtx, ArticleTools } from './kit/types.js';
import { articleTools } from './kit/articles.js';
import { memberFacing } from './kit/work.js';
import { createWorkPool, type Jobs, type PoolOptions, type WorkPool } from './work/index.js';

export interface CoreOptions {
  now?: () => Date;
  /**
   * Limit the jobs to one server's schedules and voting windows. The console sets it to its own
   * server, so that on a shared database it never runs (or disables) real servers' rounds.
   */
  guildId?: string;
  /** Article intake other than the configuration's (tests: shorter limits). */
  articles?: ArticleTools;
  /** How the scheduler starts cron tasks (tests: fired by hand); default node-cron. */
  cron?: CronSchedule;
  /** The worker pool's sizes and limits other than the defaults (tests, the benchmark). */
  work?: PoolOptions;
}

export interface CoreJobs {
  ctx: AppCtx;
  scheduler: Scheduler;
  /** Starts the window closer and the scheduler (catch-up first). */
  start(): Promise<void>;
}

export interface Core {
  database: Database;
  /** The worker pool for CPU-heavy jobs (handlers see it as ctx.work). */
  pool: WorkPool<Jobs>;
  now: () => Date;
  /** Registers an undo step; steps run in reverse order on stop. */
  onStop(step: () => Promise<void>): void;
  /** The scheduler, the closer and the handler context, posting rounds through `poster`. */
  /**
   * `runsJobs: false` (the interactions role): the scheduler is never started here; /reminders
   * changes are picked up by the gateway process's scheduler (it reconciles every 30 s), and
   * run-now posts the round from this process.
   */
  jobs(poster: Poster, fetchAttachment: AppCtx['fetchAttachment'], opts?: { runsJobs?: boolean; cardsInPlace?: boolean }): CoreJobs;
  stop(): Promise<void>;
}

/** Opens the database (PGlite without DATABASE_URL, else PostgreSQL) and applies the migrations. */
export async function openCore(config: Config, log: Logger, opts: CoreOptions = {}): Promise<Core> {
  const now = opts.now ?? (() => new Date());
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.HINDSIGHT_DATA_DIR });
  const undo: (() => Promise<void>)[] = [() => database.close()];
  const stop = async () => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        log.warn({ err: error }, 'error while stopping');
      }
    }
    undo.length = 0;
  };
  try {
    await migrateDatabase(database, config.DATABASE_URL);
  } catch (error) {
    await stop();
    throw error;
  }
  log.info({ database: database.kind }, 'database ready');
  // Workers start on the first job; stopped after the client and the jobs, before the database.
  const pool = createWorkPool({ log, ...opts.work });
  undo.push(() => pool.close());
  const work = memberFacing(pool);
  return {
    database,
    pool,
    now,
    onStop: (step) => void undo.push(step),
    jobs(poster, fetchAttachment, jobOpts = {}) {
      const runsJobs = jobOpts.runsJobs ?? true;
      const scheduler = new Scheduler({
        db: database.db,
        log,
        poster,
        now,
        catchupHours: config.HINDSIGHT_CATCHUP_HOURS,
        notesFor: roundScoreNotes,
        ...(opts.guildId ? { guildId: opts.guildId } : {}),
        ...(opts.cron ? { cron: opts.cron } : {}),
      });
      // Stopped before the database closes: no new slots, rounds in flight get up to 10 s.
      undo.push(() => scheduler.stop(10_000));
      const scheduling: AppCtx['scheduler'] = runsJobs
        ? scheduler
        : { register: () => {}, unregister: async () => {}, runNow: (id) => scheduler.runNow(id) };
      const articles = opts.articles ?? articleTools({ allowPrivateAddresses: config.HINDSIGHT_EXTRACT_ALLOW_PRIVATE });
      const minRoundIntervalSeconds = config.HINDSIGHT_TEST_MIN_ROUND_INTERVAL_SECONDS ?? MIN_ROUND_INTERVAL_SECONDS;
      const ctx: AppCtx = { db: database.db, log, now, fetchAttachment, scheduler: scheduling, articles, minRoundIntervalSeconds, work, ...(poster.postInThread ? { threads: poster } : {}), ...(jobOpts.cardsInPlace ? { cardsInPlace: true } : {}) };
      return {
        ctx,
        scheduler,
        async start() {
          if (!runsJobs) return;
          const closer = startCloser(database.db, log, now, opts.guildId);
          undo.push(() => closer.stop());
          // Direct messages about resolutions and reopenings (the outbox rows left by a restart go out at once).
          if (poster.directMessage) {
            const dms = startDirectMessageSender({ db: database.db, poster, log, now, ...(opts.guildId ? { guildId: opts.guildId } : {}) });
            undo.push(() => dms.stop());
          }
          await scheduler.start();
        },
      };
    },
    stop,
  };
}
