/**
 * Test layout convention — the directory of a test file decides which vitest
 * project(s) run it:
 *
 *   test/db/**\/*.test.ts   → `pglite` AND `postgres`: the same file runs once on embedded
 *                            PGlite (HINDSIGHT_TEST_DB=pglite) and once on a real
 *                            PostgreSQL server (HINDSIGHT_TEST_DB=postgres).
 *   test/pg/**\/*.test.ts   → `postgres` only (real concurrency, e.g. 100 concurrent voters).
 *   test/e2e/**\/*.test.ts  → `e2e` only (end-to-end, on PGlite; HINDSIGHT_TEST_DB=pglite).
 *   test/unit/**\/*.test.ts → `unit` only (pure functions, no database). So do top-level
 *                            test/*.test.ts files, and any other test/** file outside
 *                            db/, pg/, e2e/ — nothing is silently left out.
 *   test/support/**         → helpers, never collected as tests.
 *   test/faults/**          → not here: the fault suite (`npm run test:faults`, vitest.faults.config.ts).
 *
 * The `postgres` project's globalSetup (test/support/global-setup.ts) provides
 * `inject('pgAdminUrl')`: it starts a throwaway PostgreSQL cluster, or uses
 * TEST_DATABASE_URL; HINDSIGHT_TEST_PG=off starts nothing (postgres tests then fail).
 * It runs only when a `postgres` test is selected, e.g. not for `vitest run --project unit`.
 *
 * Run one project: `npx vitest run --project postgres` (or pglite, unit, e2e).
 */
import { configDefaults, defineConfig } from 'vitest/config';

const DB_ONLY = ['test/db/**/*.test.ts'];
const PG_ONLY = ['test/pg/**/*.test.ts'];
const E2E = ['test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...DB_ONLY, ...PG_ONLY, ...E2E, 'test/support/**', 'test/faults/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: DB_ONLY,
          env: { HINDSIGHT_TEST_DB: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [...DB_ONLY, ...PG_ONLY],
          env: { HINDSIGHT_TEST_DB: 'postgres' },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E,
          env: { HINDSIGHT_TEST_DB: 'pglite' },
        },
      },
    ],
  },
});
