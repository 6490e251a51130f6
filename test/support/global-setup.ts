/**
 * Vitest globalSetup of the `postgres` and `process` projects (see vitest.config.ts).
 *
 * Provides `pgAdminUrl`: a superuser URL of the `postgres` database of a PostgreSQL
 * server that tests may create databases on (see createDatabase in ./pg-cluster.ts),
 * and `pgTemplate`: a database migrated once for the whole run, which makeTestDb copies
 * (CREATE DATABASE … TEMPLATE) instead of migrating a fresh database in every file.
 * Read them in tests with `inject('pgAdminUrl')` / `inject('pgTemplate')`. Both projects share
 * one server and one template (./shared-setup.ts).
 *
 * Policy:
 * - `TEST_DATABASE_URL` set → use that server (checked with `select 1`); nothing is
 *   started or torn down (the template database is dropped at the end). It takes precedence over HINDSIGHT_TEST_PG.
 * - `HINDSIGHT_TEST_PG` unset or `required` → start a throwaway cluster
 *   (./pg-cluster.ts); if it cannot start, the run FAILS with the reason.
 * - `HINDSIGHT_TEST_PG=off` → start nothing and provide '' (tests that need
 *   PostgreSQL will then fail loudly; they do not skip).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { createDatabase, dropDatabase, startPgCluster } from './pg-cluster.js';
import { acquireShared } from './shared-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of a PostgreSQL server's `postgres` database, or '' when HINDSIGHT_TEST_PG=off. */
    pgAdminUrl: string;
    /** Name of a migrated database on that server to copy (CREATE DATABASE … TEMPLATE), or '' when HINDSIGHT_TEST_PG=off. */
    pgTemplate: string;
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

interface Server {
  url: string;
  stop?: () => Promise<void>;
}

async function startServer(log: (s: string) => void): Promise<Server | null> {
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
    return { url: external };
  }

  const policy = (process.env.HINDSIGHT_TEST_PG ?? '').trim().toLowerCase() || 'required';
  if (policy === 'off') {
    log('HINDSIGHT_TEST_PG=off: not starting PostgreSQL; tests that need it will fail');
    return null;
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
  return { url: cluster.url, stop: () => cluster.stop() };
}

/** The migrated template: created, migrated, closed (a template must have no open connections). */
async function migratedTemplate(adminUrl: string): Promise<string> {
  const name = `hindsight_template_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  try {
    await migrateDatabase(database, url);
  } finally {
    await database.close();
  }
  return name;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (s: string) => console.log(`[pg] ${s}`);
  const shared = await acquireShared(
    'postgres',
    async () => {
      const server = await startServer(log);
      if (!server) return { url: '', template: '', stop: async () => {} };
      try {
        const template = await migratedTemplate(server.url);
        return {
          url: server.url,
          template,
          stop: async () => {
            if (server.stop) await server.stop();
            else await dropDatabase(server.url, template);
          },
        };
      } catch (err) {
        await server.stop?.();
        throw err;
      }
    },
    (pg) => pg.stop(),
  );
  project.provide('pgAdminUrl', shared.value.url);
  project.provide('pgTemplate', shared.value.template);
  return shared.release;
}
