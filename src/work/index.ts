/**
 * Work off the event loop: the pool (pool.ts) running the job table (jobs.ts) on worker threads
 * (worker.ts), and `inlineWork`, the same jobs on the calling thread (tests and tools that have
 * no other server to keep waiting).
 */
import type { JobKind, Jobs } from './jobs.js';
import { WorkPool, type JobInput, type JobOutput, type PoolOptions } from './pool.js';

export { WorkPool, WorkRefused, REFUSALS, type PoolOptions, type RefusalReason } from './pool.js';
export type { JobKind, Jobs } from './jobs.js';

/** What runs a job for a server: the pool, or the jobs inline. */
export interface WorkRunner {
  run<K extends JobKind>(guildId: string, kind: K, input: JobInput<Jobs, K>): Promise<JobOutput<Jobs, K>>;
}

/** The bot's pool of the job table. */
export const createWorkPool = (opts: PoolOptions = {}) => new WorkPool<Jobs>(opts);

/** The jobs on the calling thread, one after the other (no deadline, no memory cap). */
export function inlineWork(): WorkRunner {
  return {
    async run(_guildId, kind, input) {
      // Loaded on first use: the job table pulls in the parsers, which the bot's event loop never loads.
      const { jobs } = await import('./jobs.js');
      const job = jobs[kind] as (input: unknown) => unknown;
      return (await job(input)) as never;
    },
  };
}
