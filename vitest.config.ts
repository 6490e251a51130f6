/**
 * Test layout convention — the directory of a test file decides which vitest
 * project(s) run it:
 *
 *   test/db/**\/*.test.ts      → `pglite` AND `postgres`: the same file runs once on embedded
 *                               PGlite (HINDSIGHT_TEST_DB=pglite) and once on a real
 *                               PostgreSQL server (HINDSIGHT_TEST_DB=postgres).
 *   test/pg/**\/*.test.ts      → `postgres` only (real concurrency, e.g. 100 concurrent voters).
 *   test/e2e/**\/*.test.ts     → `e2e` only (end-to-end in this process, on PGlite; HINDSIGHT_TEST_DB=pglite).
 *   test/process/**\/*.test.ts → `process` only: tests that start child processes (bots killed
 *                               with -9, replicas, the console, PGlite lock contention,
 *                               drizzle-kit), beside the other projects' files.
 *   test/process/stall.test.ts → `alone`: measures the event loop's delay, so it runs after
 *                               everything else with no other test file beside it.
 *   test/unit/**\/*.test.ts    → `unit` only (pure functions, no database, no child process).
 *                               So do top-level test/*.test.ts files, and any other test/**
 *                               file outside db/, pg/, e2e/, process/ — nothing is silently left out.
 *   test/support/**            → helpers, never collected as tests.
 *   test/faults/**             → not here: the fault suite (`npm run test:faults`, vitest.faults.config.ts).
 *
 * Migrations run once per run, in globalSetups that run only when one of their projects has
 * a test selected (e.g. not for `vitest run --project unit`), shared between projects:
 * - test/support/global-setup.ts (`postgres`, `process`): starts a throwaway PostgreSQL cluster,
 *   or uses TEST_DATABASE_URL (HINDSIGHT_TEST_PG=off starts nothing: postgres tests then fail),
 *   and migrates a template database. Provides `inject('pgAdminUrl')` and `inject('pgTemplate')`.
 * - test/support/pglite-template.ts (`pglite`, `e2e`, `process`, `alone`): a migrated PGlite data folder and its dump.
 * makeTestDb and makeTestDatabaseUrl (test/support/test-db.ts) and the e2e harness copy them.
 *
 * Parallelism: as many worker processes as cores (at most 4; vitest's default leaves one core
 * idle, which on 2 cores means one file at a time), all projects but `alone` together (sequence
 * group 0: the child processes of `process` mostly wait, so they fill the gaps of the other files);
 * then `alone` with one worker (group 1).
 *
 * Run one project: `npx vitest run --project postgres` (or pglite, unit, e2e, process, alone).
 */
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';

const DB_ONLY = ['test/db/**/*.test.ts'];
const PG_ONLY = ['test/pg/**/*.test.ts'];
const E2E = ['test/e2e/**/*.test.ts'];
const PROCESS = ['test/process/**/*.test.ts'];
/** Measures the event loop's delay: runs after everything else, with no other test file beside it. */
const ALONE = 'test/process/stall.test.ts';
const PG_SETUP = 'test/support/global-setup.ts';
const PGLITE_SETUP = 'test/support/pglite-template.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: Math.max(1, Math.min(availableParallelism(), 4)),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...DB_ONLY, ...PG_ONLY, ...E2E, ...PROCESS, 'test/support/**', 'test/faults/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: DB_ONLY,
          env: { HINDSIGHT_TEST_DB: 'pglite' },
          globalSetup: [PGLITE_SETUP],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [...DB_ONLY, ...PG_ONLY],
          env: { HINDSIGHT_TEST_DB: 'postgres' },
          globalSetup: [PG_SETUP],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E,
          env: { HINDSIGHT_TEST_DB: 'pglite' },
          globalSetup: [PGLITE_SETUP],
        },
      },
      {
        extends: true,
        test: {
          name: 'process',
          include: PROCESS,
          exclude: [...configDefaults.exclude, ALONE],
          globalSetup: [PG_SETUP, PGLITE_SETUP],
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: [ALONE],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          globalSetup: [PGLITE_SETUP],
        },
      },
    ],
  },
});
