/**
 * A worker thread of the pool (src/work/pool.ts): runs the jobs of the job table named in
 * `workerData.jobsModule` (src/work/jobs.ts) one at a time, answering each with its value or
 * its error. Errors travel as name, message (and a LedgerError's code); the pool rebuilds them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobTable, WorkerReply } from './pool.js';
import type { MessageVars } from '../ledger/errors.js';

const port = parentPort;
if (!port) throw new Error('src/work/worker.ts runs as a worker thread of src/work/pool.ts');

const { jobs } = (await import((workerData as { jobsModule: string }).jobsModule)) as { jobs: JobTable };

// Ready: the pool starts a job's deadline from here (loading the job table is not the job's time).
port.postMessage({ ready: true });

port.on('message', async (message: { id: number; kind: string; input: unknown }) => {
  let reply: WorkerReply;
  try {
    const job = jobs[message.kind];
    if (!job) throw new Error(`no job "${message.kind}"`);
    reply = { id: message.id, ok: true, value: await job(message.input as never) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    // A LedgerError's catalog key and values travel too: the member reads it in their language.
    const localized = e.name === 'LedgerError' && 'key' in e && typeof e.key === 'string' ? { key: e.key, vars: (e as { vars?: MessageVars }).vars ?? {} } : {};
    reply = {
      id: message.id,
      ok: false,
      error: { name: e.name, message: e.message, ...('code' in e && typeof e.code === 'string' ? { code: e.code } : {}), ...localized, ...(e.stack ? { stack: e.stack } : {}) },
    };
  }
  port.postMessage(reply);
});
