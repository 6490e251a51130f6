/**
 * The worker pool (src/work/pool.ts) on a job table of its own (test/support/work-jobs.ts):
 * jobs run on worker threads, a deadline or the heap cap stops only the job's worker (a fresh one
 * takes the next job), each server and the pool have a bounded queue taken round-robin, and a
 * refusal carries a message for the member. No test waits on the clock for an outcome: jobs that
 * must hold a worker wait on a shared flag the test sets.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkPool, WorkRefused, type PoolOptions } from '../../src/work/pool.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { memberFacing } from '../../src/kit/work.js';
import { UserError } from '../../src/kit/types.js';
import type { jobs } from '../support/work-jobs.js';

const JOBS = new URL('../support/work-jobs.ts', import.meta.url);
const pools: WorkPool<typeof jobs>[] = [];
const poolOf = (opts: PoolOptions = {}) => {
  const pool = new WorkPool<typeof jobs>({ jobsModule: JOBS, ...opts });
  pools.push(pool);
  return pool;
};
const flag = () => new Int32Array(new SharedArrayBuffer(4));
const release = (f: Int32Array) => {
  Atomics.store(f, 0, 1);
  Atomics.notify(f, 0);
};
const refusal = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkRefused);
  return error as WorkRefused;
};

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkPool', () => {
  it('runs a job on a worker thread and hands back its value', async () => {
    const pool = poolOf();
    const out = await pool.run('g1', 'echo', { value: { text: 'hello', list: [1, 2] } });
    expect(out.value).toEqual({ text: 'hello', list: [1, 2] });
    expect(out.threadId).not.toBe(threadId);
    expect(pool.counts).toMatchObject({ started: 1, finished: 1, workersStarted: 1 });
  });

  it('keeps the event loop free while a job holds the CPU', async () => {
    const pool = poolOf();
    const f = new Int32Array(new SharedArrayBuffer(8));
    // The job says it started, then spins until this thread sets the flag from a timer: were the
    // job on this thread, no timer could fire while it spins and the test would hang.
    const job = pool.run('g1', 'spinUntil', { flag: f });
    const sleep = () => new Promise((resolve) => setTimeout(resolve, 5));
    while (Atomics.load(f, 1) === 0) await sleep();
    await sleep();
    release(f);
    const out = await job;
    expect(out.threadId).not.toBe(threadId);
    expect(out.spins).toBeGreaterThan(0);
  });

  it('stops a job past its deadline with its worker, and the next job gets a fresh worker', async () => {
    const pool = poolOf({ timeoutMs: 200 });
    const error = await refusal(pool.run('g1', 'spinForever', {}));
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/took longer than 0.2 s to read, so it was stopped\. Nothing was changed/);
    expect((await pool.run('g1', 'echo', { value: 1 })).value).toBe(1);
    expect(pool.counts).toMatchObject({ timedOut: 1, workersStarted: 2 });
  });

  it('stops a job past the heap cap with its worker only', async () => {
    const pool = poolOf({ maxHeapMb: 32 });
    const error = await refusal(pool.run('g1', 'allocate', {}));
    expect(error.reason).toBe('memory');
    expect(error.message).toMatch(/more memory than Hindsight allows one job/);
    expect((await pool.run('g1', 'echo', { value: 2 })).value).toBe(2);
    expect(pool.counts.outOfMemory).toBe(1);
  });

  it('replaces a worker that dies, refusing its job as a crash', async () => {
    const pool = poolOf();
    expect((await refusal(pool.run('g1', 'die', {}))).reason).toBe('crashed');
    expect((await pool.run('g1', 'echo', { value: 3 })).value).toBe(3);
  });

  it('keeps a LedgerError a LedgerError, a refusal a refusal, and a bug an error', async () => {
    const pool = poolOf();
    const invalid = await pool.run('g1', 'invalid', { message: '2026-13-01' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(LedgerError);
    expect(invalid).toMatchObject({ code: 'invalid_input', message: 'Made on must be a real date written YYYY-MM-DD (got "2026-13-01").' });
    // Its catalog key and values come back too: the member reads it in their language.
    expect((invalid as LedgerError).in('ru')).toBe('Поле «дата высказывания» должно быть настоящей датой в формате ГГГГ-ММ-ДД (получено «2026-13-01»).');
    const refused = await refusal(pool.run('g1', 'refuse', { message: 'That page is too complex to read.' }));
    expect(refused).toMatchObject({ reason: 'rejected', message: 'That page is too complex to read.' });
    const bug = await pool.run('g1', 'bug', {}).catch((e: unknown) => e);
    expect(bug).not.toBeInstanceOf(WorkRefused);
    expect(bug).toMatchObject({ name: 'TypeError', message: 'boom' });
  });

  it('bounds each server’s jobs, and the queue of all servers', async () => {
    const pool = poolOf({ size: 1, perGuild: 2, queue: 2 });
    const f = flag();
    const running = pool.run('g1', 'waitFor', { flag: f, value: 'a' });
    const waiting = pool.run('g1', 'waitFor', { flag: f, value: 'b' });
    // A third of server g1's: refused, whatever else waits.
    const mine = await refusal(pool.run('g1', 'echo', { value: 'c' }));
    expect(mine.reason).toBe('server-busy');
    expect(mine.message).toMatch(/This server already has articles or files being read/);
    // Another server still gets in, until the queue of all servers is full.
    const other = pool.run('g2', 'echo', { value: 'd' });
    const full = await refusal(pool.run('g3', 'echo', { value: 'e' }));
    expect(full.reason).toBe('busy');
    expect(pool.load()).toEqual({ running: 1, waiting: 2 });
    release(f);
    expect(await Promise.all([running, waiting, other])).toEqual(['a', 'b', { value: 'd', threadId: expect.any(Number) }]);
    expect(pool.counts.refused).toBe(2);
  });

  it('serves waiting servers in turn, not in arrival order', async () => {
    const pool = poolOf({ size: 1, perGuild: 5, queue: 10 });
    const f = flag();
    const order: string[] = [];
    const track = (p: Promise<unknown>, name: string) => p.then(() => order.push(name));
    const all = [
      track(pool.run('a', 'waitFor', { flag: f, value: 'a1' }), 'a1'),
      track(pool.run('a', 'echo', { value: 'a2' }), 'a2'),
      track(pool.run('a', 'echo', { value: 'a3' }), 'a3'),
      track(pool.run('b', 'echo', { value: 'b1' }), 'b1'),
      track(pool.run('c', 'echo', { value: 'c1' }), 'c1'),
    ];
    release(f);
    await Promise.all(all);
    expect(order).toEqual(['a1', 'a2', 'b1', 'c1', 'a3']);
  });

  it('on close refuses the waiting jobs and any new one', async () => {
    const pool = poolOf({ size: 1 });
    const f = flag();
    const running = refusal(pool.run('g1', 'waitFor', { flag: f, value: 'x' }));
    const waiting = refusal(pool.run('g2', 'echo', { value: 'y' }));
    await pool.close();
    expect((await running).reason).toBe('closed');
    expect((await waiting).reason).toBe('closed');
    expect((await refusal(pool.run('g3', 'echo', { value: 'z' }))).reason).toBe('closed');
  });

  it('reaches handlers as a UserError (ctx.work)', async () => {
    const work = memberFacing(poolOf({ timeoutMs: 200 }) as never);
    const error = await work.run('g1', 'spinForever' as never, {} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/took longer than/);
  });
});

describe('the compiled worker (npm start runs dist/)', () => {
  it('starts from the JavaScript build without tsx', () => {
    // The build (scripts/build.mjs) compiles src/ to dist/src/ keeping the layout, so the pool
    // finds worker.js beside pool.js. The same files, transpiled into that layout, run in a plain
    // node process: no loader, the .js branch of startWorker.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const out = mkdtempSync(join(tmpdir(), 'hindsight-work-'));
    try {
      writeFileSync(join(out, 'package.json'), '{"type":"module"}');
      // A LedgerError carries a catalog key (issue 26): the message catalogs and i18next come along.
      symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
      cpSync(join(root, 'src/i18n/locales'), join(out, 'src/i18n/locales'), { recursive: true });
      for (const file of ['src/work/pool.ts', 'src/work/worker.ts', 'src/ledger/errors.ts', 'src/i18n/index.ts', 'src/i18n/format.ts', 'test/support/work-jobs.ts']) {
        const js = ts.transpileModule(readFileSync(join(root, file), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        }).outputText;
        mkdirSync(dirname(join(out, file)), { recursive: true });
        writeFileSync(join(out, file.replace(/\.ts$/, '.js')), js);
      }
      const pool = pathToFileURL(join(out, 'src/work/pool.js')).href;
      const jobsModule = pathToFileURL(join(out, 'test/support/work-jobs.js')).href;
      const script = `
        import { WorkPool } from ${JSON.stringify(pool)};
        const pool = new WorkPool({ jobsModule: new URL(${JSON.stringify(jobsModule)}), timeoutMs: 300 });
        const echo = await pool.run('g1', 'echo', { value: 'compiled' });
        const late = await pool.run('g1', 'spinForever', {}).catch((e) => e.reason);
        await pool.close();
        process.stdout.write(JSON.stringify({ value: echo.value, worker: echo.threadId > 0, late, started: pool.counts.workersStarted }));
      `;
      writeFileSync(join(out, 'run.js'), script);
      const result = execFileSync(process.execPath, [join(out, 'run.js')], { cwd: out, encoding: 'utf8', timeout: 20_000 });
      expect(JSON.parse(result)).toEqual({ value: 'compiled', worker: true, late: 'timeout', started: 1 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
