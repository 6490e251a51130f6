/**
 * A job table for the worker pool's own tests (test/unit/work-pool.test.ts): jobs that answer,
 * spin, allocate, fail and die, so deadlines, memory caps, refusals and replacements can be
 * driven without the bot's real jobs.
 */
import { threadId } from 'node:worker_threads';
import { LedgerError } from '../../src/ledger/errors.js';
import { WorkRefused } from '../../src/work/pool.js';

export const jobs = {
  /** The input back, with the thread it ran on. */
  echo: (input: { value: unknown }) => ({ value: input.value, threadId }),
  /** Sets `flag[1]`, then spins until `flag[0]` is set by the caller (a SharedArrayBuffer): holds its thread, never the caller's. */
  spinUntil: (input: { flag: Int32Array }) => {
    Atomics.store(input.flag, 1, 1);
    let spins = 0;
    while (Atomics.load(input.flag, 0) === 0) spins++;
    return { spins, threadId };
  },
  /** Spins forever (only a deadline ends it). */
  spinForever: (_input: Record<string, never>) => {
    for (;;) Atomics.load(new Int32Array(1), 0);
  },
  /** Holds its worker until `flag[0]` is set, waiting without spinning. */
  waitFor: (input: { flag: Int32Array; value: string }) => {
    Atomics.wait(input.flag, 0, 0);
    return input.value;
  },
  /** Allocates until the heap cap stops it. */
  allocate: (_input: Record<string, never>) => {
    const hoard: string[][] = [];
    for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `item ${i} ${hoard.length}`));
  },
  /** A LedgerError (a file's faulty field). */
  invalid: (input: { message: string }) => {
    throw new LedgerError('invalid_input', 'ledgerErrors.notIsoDate', { field: { key: 'ledgerErrors.field.madeOn' }, got: input.message });
  },
  /** A refusal for the member. */
  refuse: (input: { message: string }) => {
    throw new WorkRefused('rejected', input.message);
  },
  /** A bug. */
  bug: (_input: Record<string, never>) => {
    throw new TypeError('boom');
  },
  /** The worker thread dies. */
  die: (_input: Record<string, never>) => {
    process.exit(7);
  },
};
