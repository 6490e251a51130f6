/**
 * The worker pool: CPU-heavy work a member or a manager triggers (reading a web page with
 * Readability, finding forecasts in an article, drawing a chart, parsing and checking an import
 * file) runs on worker threads, so one server's input never holds the event loop every other
 * server's clicks are answered on.
 *
 * node:worker_threads directly rather than piscina: what we need beyond a queue is per-server
 * fairness (a bounded queue per server, taken round-robin), a wall-clock deadline per job that
 * terminates the worker running it, and a worker replaced after it ran out of memory or time.
 * piscina offers the last two through task abort signals but no per-server queue, which we would
 * build around it anyway; with one or two workers the scheduling left for piscina is a few
 * lines, and no new dependency is pulled in for them.
 *
 * Every job gets:
 * - a deadline (wall clock from when it starts running; default 15 s): past it the worker is
 *   terminated (`worker.terminate()` stops even a tight loop) and a fresh one is started for
 *   the next job;
 * - a memory cap (`resourceLimits`, default 256 MB of heap): a job past it kills only its worker;
 * - a place in a bounded queue: at most `perGuild` jobs per server waiting or running, at most
 *   `queue` waiting in all. A job refused, out of time or out of memory rejects with WorkRefused,
 *   whose message is for the member.
 *
 * The worker entry (src/work/worker.ts) runs compiled (dist/, `npm start`) as it is; from the
 * TypeScript sources (tsx, vitest) it is started through a small bootstrap that registers tsx in
 * the worker first (see `startWorker`).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LedgerError, type MessageVars } from '../ledger/errors.js';
import type { MessageKey } from '../i18n/index.js';
import type { Logger } from '../log.js';

/** Why a job did not run or did not finish; the message is for the member. */
export type RefusalReason = 'busy' | 'server-busy' | 'timeout' | 'memory' | 'crashed' | 'closed' | 'rejected';

export class WorkRefused extends Error {
  override name = 'WorkRefused';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface PoolOptions {
  /** Worker threads (default 1: the bot's own thread keeps a core). */
  size?: number;
  /** Jobs of one server waiting or running at once (default 2). */
  perGuild?: number;
  /** Jobs waiting, all servers together (default 16). */
  queue?: number;
  /** Default deadline of a job, from when it starts running (default 15,000 ms). */
  timeoutMs?: number;
  /** Heap cap of each worker in MB (default 256). */
  maxHeapMb?: number;
  /** The module whose `jobs` export the workers run (default src/work/jobs). */
  jobsModule?: URL;
  log?: Logger;
}

/** A job table: named functions of one serialisable argument (src/work/jobs.ts). */
export type JobTable = Record<string, (input: never) => unknown>;
export type JobInput<T extends JobTable, K extends keyof T> = Parameters<T[K]>[0];
export type JobOutput<T extends JobTable, K extends keyof T> = Awaited<ReturnType<T[K]>>;

/** What a worker sends back: a result or an error (name, message, and a LedgerError's code). */
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; key?: string; vars?: MessageVars; stack?: string } };

interface Job {
  id: number;
  guildId: string;
  kind: string;
  input: unknown;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker | null;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** The current worker has loaded its job table (its first message): a job's deadline starts then, not at the thread's start. */
  ready: boolean;
  /** Starts the waiting job's deadline once the worker is ready. */
  onReady: (() => void) | null;
  /** Why the current worker is being stopped by us (a deadline), so its exit is not taken for a crash. */
  stopping: RefusalReason | null;
}

/** The longest a fresh worker may take to load its job table before its job is refused as out of time. */
export const WORKER_START_MS = 15_000;

export const REFUSALS = {
  busy: 'Hindsight is busy reading other servers’ articles and files right now, so this was not started. Try again in a minute.',
  'server-busy': 'This server already has articles or files being read. Wait for those to finish, then try again.',
  timeout: (seconds: number) => `That took longer than ${seconds < 10 ? Number(seconds.toFixed(1)) : Math.round(seconds)} s to read, so it was stopped. Nothing was changed. Try a smaller file or a simpler page (or the article as plain text).`,
  memory: 'That needed more memory than Hindsight allows one job, so it was stopped. Nothing was changed. Try a smaller file or a simpler page (or the article as plain text).',
  crashed: 'Reading that failed unexpectedly, so it was stopped. Nothing was changed. Try again, or with a smaller file.',
  closed: 'Hindsight is shutting down; try again in a minute.',
} as const;

const defaultJobsModule = () => new URL(`./jobs${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Starts a worker on src/work/worker: the compiled file as it is, or from the TypeScript
 * sources through a bootstrap that registers tsx's loader in the worker before importing it
 * (tsx is a development dependency; the compiled build never needs it).
 */
function startWorker(jobsModule: URL, maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: Math.max(8, Math.round(maxHeapMb / 8)), stackSizeMb: 4 };
  const workerData = { jobsModule: jobsModule.href };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData, resourceLimits });
  const require = createRequire(import.meta.url);
  // tsx's ESM API (its "import" build: the package's require build cannot register in a worker).
  const tsxApi = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

/** Rebuilds a worker's error on this side: a LedgerError stays one (its message is for the member). */
function rebuildError(error: { name: string; message: string; code?: string; key?: string; vars?: MessageVars; stack?: string }): Error {
  if (error.name === 'LedgerError' && error.code && error.key) return new LedgerError(error.code as LedgerError['code'], error.key as MessageKey, error.vars ?? {});
  // A job's own refusal ("that page is too complex to read"): shown to the member as it is.
  if (error.name === 'WorkRefused') return new WorkRefused('rejected', error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

export class WorkPool<T extends JobTable> {
  readonly size: number;
  readonly perGuild: number;
  readonly queueLimit: number;
  readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly jobsModule: URL;
  private readonly log: Logger | undefined;
  private readonly slots: Slot[];
  /** Waiting jobs by server, in the order servers are served (round-robin). */
  private readonly waiting = new Map<string, Job[]>();
  private waitingCount = 0;
  /** Jobs waiting or running, by server. */
  private readonly perGuildCount = new Map<string, number>();
  private nextId = 1;
  private closed = false;
  /** Counters for tests and the benchmark. */
  readonly counts = { started: 0, finished: 0, failed: 0, refused: 0, timedOut: 0, outOfMemory: 0, crashed: 0, workersStarted: 0 };

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 1);
    this.perGuild = Math.max(1, opts.perGuild ?? 2);
    this.queueLimit = Math.max(0, opts.queue ?? 16);
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxHeapMb = opts.maxHeapMb ?? 256;
    this.jobsModule = opts.jobsModule ?? defaultJobsModule();
    this.log = opts.log;
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, job: null, timer: null, ready: false, onReady: null, stopping: null }));
  }

  /**
   * Runs `kind` of the job table on a worker, on behalf of server `guildId`. Rejects with
   * WorkRefused when the server or the pool has too much waiting, when the job runs out of time
   * or memory, or when its worker dies; with the job's own error otherwise (a LedgerError stays one).
   */
  run<K extends keyof T & string>(guildId: string, kind: K, input: JobInput<T, K>, opts: { timeoutMs?: number } = {}): Promise<JobOutput<T, K>> {
    if (this.closed) return Promise.reject(new WorkRefused('closed', REFUSALS.closed));
    const mine = this.perGuildCount.get(guildId) ?? 0;
    if (mine >= this.perGuild) {
      this.counts.refused++;
      return Promise.reject(new WorkRefused('server-busy', REFUSALS['server-busy']));
    }
    const idle = this.slots.find((s) => !s.job);
    if (!idle && this.waitingCount >= this.queueLimit) {
      this.counts.refused++;
      return Promise.reject(new WorkRefused('busy', REFUSALS.busy));
    }
    return new Promise<JobOutput<T, K>>((resolve, reject) => {
      const job: Job = { id: this.nextId++, guildId, kind, input, timeoutMs: opts.timeoutMs ?? this.timeoutMs, resolve: resolve as (v: unknown) => void, reject };
      this.perGuildCount.set(guildId, mine + 1);
      if (idle) this.start(idle, job);
      else {
        const list = this.waiting.get(guildId);
        if (list) list.push(job);
        else this.waiting.set(guildId, [job]);
        this.waitingCount++;
      }
    });
  }

  /** Jobs running and waiting now. */
  load(): { running: number; waiting: number } {
    return { running: this.slots.filter((s) => s.job).length, waiting: this.waitingCount };
  }

  /** Refuses new jobs, rejects the waiting ones and stops the workers (running jobs reject as closed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const list of this.waiting.values()) for (const job of list) this.settle(job, new WorkRefused('closed', REFUSALS.closed));
    this.waiting.clear();
    this.waitingCount = 0;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        if (!worker) return;
        slot.stopping = 'closed';
        if (slot.job) this.finish(slot, new WorkRefused('closed', REFUSALS.closed));
        slot.worker = null;
        await worker.terminate();
      }),
    );
  }

  private workerFor(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = startWorker(this.jobsModule, this.maxHeapMb);
    this.counts.workersStarted++;
    slot.worker = worker;
    slot.stopping = null;
    slot.ready = false;
    worker.unref();
    worker.on('message', (reply: WorkerReply | { ready: true }) => {
      if (slot.worker !== worker) return;
      if ('ready' in reply) {
        slot.ready = true;
        const go = slot.onReady;
        slot.onReady = null;
        go?.();
        return;
      }
      if (!slot.job || slot.job.id !== reply.id) return;
      if (reply.ok) this.finish(slot, null, reply.value);
      else this.finish(slot, rebuildError(reply.error));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (slot.worker !== worker) return;
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (oom) this.counts.outOfMemory++;
      else this.counts.crashed++;
      this.log?.warn({ err: error, kind: slot.job?.kind, guildId: slot.job?.guildId }, oom ? 'worker ran out of memory; replaced' : 'worker failed; replaced');
      slot.stopping = oom ? 'memory' : 'crashed';
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const reason = slot.stopping ?? 'crashed';
      if (!slot.stopping) {
        this.counts.crashed++;
        this.log?.warn({ code, kind: slot.job?.kind }, 'worker exited; replaced');
      }
      if (slot.job) this.finish(slot, new WorkRefused(reason, reason === 'memory' ? REFUSALS.memory : REFUSALS.crashed));
    });
    return worker;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    this.counts.started++;
    let worker: Worker;
    try {
      worker = this.workerFor(slot);
    } catch (error) {
      this.finish(slot, error);
      return;
    }
    const expire = () => {
      if (slot.job !== job) return;
      this.counts.timedOut++;
      this.log?.warn({ kind: job.kind, guildId: job.guildId, timeoutMs: job.timeoutMs }, 'job ran out of time; its worker is stopped');
      slot.stopping = 'timeout';
      slot.worker = null;
      slot.onReady = null;
      void worker.terminate();
      this.finish(slot, new WorkRefused('timeout', REFUSALS.timeout(job.timeoutMs / 1000)));
    };
    const arm = (ms: number) => {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = setTimeout(expire, ms);
      slot.timer.unref();
    };
    // The job's deadline counts from when its worker has loaded (a fresh worker's start-up is not the
    // job's time); a worker that never gets ready is stopped after WORKER_START_MS all the same.
    if (slot.ready) arm(job.timeoutMs);
    else {
      arm(Math.max(WORKER_START_MS, job.timeoutMs));
      slot.onReady = () => arm(job.timeoutMs);
    }
    // A running job keeps the process alive (an idle worker does not).
    worker.ref();
    try {
      worker.postMessage({ id: job.id, kind: job.kind, input: job.input });
    } catch (error) {
      // An input that cannot be copied to a thread (a bug): this job fails, the worker stays.
      this.finish(slot, error);
    }
  }

  /** Ends the slot's job (with an error, or a value) and starts the next waiting one. */
  private finish(slot: Slot, error: unknown, value?: unknown): void {
    const job = slot.job;
    if (!job) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.onReady = null;
    slot.job = null;
    if (error) {
      if (!(error instanceof WorkRefused) || error.reason === 'rejected') this.counts.failed++;
      this.settle(job, error);
    } else {
      this.counts.finished++;
      this.settle(job, null, value);
    }
    const next = this.closed ? null : this.takeNext();
    if (next) this.start(slot, next);
    else slot.worker?.unref();
  }

  private settle(job: Job, error: unknown, value?: unknown): void {
    const n = (this.perGuildCount.get(job.guildId) ?? 1) - 1;
    if (n > 0) this.perGuildCount.set(job.guildId, n);
    else this.perGuildCount.delete(job.guildId);
    if (error) job.reject(error);
    else job.resolve(value);
  }

  /** The next job, round-robin over servers: the first server's first job; that server goes last. */
  private takeNext(): Job | null {
    for (const [guildId, list] of this.waiting) {
      const job = list.shift();
      this.waiting.delete(guildId);
      if (!job) continue;
      if (list.length) this.waiting.set(guildId, list);
      this.waitingCount--;
      return job;
    }
    return null;
  }
}
