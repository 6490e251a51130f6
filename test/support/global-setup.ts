/**
 * Vitest globalSetup of the `postgres` project (see vitest.config.ts).
 *
 * Provides `pgAdminUrl`: a superuser URL of the `postgres` database of a PostgreSQL
 * server that tests may create databases on (see createDatabase in ./pg-cluster.ts).
 * Read it in tests with `inject('pgAdminUrl')`.
 *
 * Policy:
 * - `TEST_DATABASE_URL` set → use that server (checked with `select 1`); nothing is
 *   started or torn down. It takes precedence over HINDSIGHT_TEST_PG.
 * - `HINDSIGHT_TEST_PG` unset or `required` → start a throwaway cluster
 *   (./pg-cluster.ts); if it cannot start, the run FAILS with the reason.
 * - `HINDSIGHT_TEST_PG=off` → start nothing and provide '' (tests that need
 *   PostgreSQL will then fail loudly; they do not skip).
 */
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startPgCluster } from './pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of a PostgreSQL server's `postgres` database, or '' when HINDSIGHT_TEST_PG=off. */
    pgAdminUrl: string;
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const log = (s: string) => console.log(`[pg] ${s}`);

  const external = process.env.TEST_DATABASE_URL?.trim();
  if (external) {
    const sql = postgres(external, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
      log(`using TEST_DATABASE_URL ${redact(external)} (PostgreSQL ${row?.v ?? '?'})`);
    } catch (err) {
      throw new Error(`TEST_DATABASE_URL ${redact(external)} is not usable: ${(err as Error).message}`, { cause: err });
    } finally {
      await sql.end({ timeout: 5 });
    }
    project.provide('pgAdminUrl', external);
    return undefined;
  }

  const policy = (process.env.HINDSIGHT_TEST_PG ?? '').trim().toLowerCase() || 'required';
  if (policy === 'off') {
    log('HINDSIGHT_TEST_PG=off: not starting PostgreSQL; tests that need it will fail');
    project.provide('pgAdminUrl', '');
    return undefined;
  }
  if (policy !== 'required') {
    throw new Error(`HINDSIGHT_TEST_PG must be 'required' (default) or 'off', got '${process.env.HINDSIGHT_TEST_PG}'`);
  }

  const cluster = await startPgCluster({ log }).catch((err: unknown) => {
    throw new Error(
      `Could not start the PostgreSQL test cluster (HINDSIGHT_TEST_PG=required).\n${(err as Error).message}`,
      { cause: err },
    );
  });
  project.provide('pgAdminUrl', cluster.url);
  return async () => {
    await cluster.stop();
  };
}
