/**
 * A fresh, migrated database for one test file, on the engine the vitest project names:
 * HINDSIGHT_TEST_DB=pglite → in-memory PGlite; =postgres → a new database on the throwaway
 * cluster from global-setup (never skipped: no cluster is an error).
 *
 * Migrations run once per run, in the globalSetups: a PGlite database starts from the migrated
 * template's dump (./pglite-template.ts), a PostgreSQL one is a copy of the migrated template
 * database (./global-setup.ts). Without them (another config) each database is migrated here.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, openAsBlob } from 'node:fs';
import { inject } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';
import { createDatabase } from './pg-cluster.js';
import type { PgliteTemplate } from './pglite-template.js';

export type TestEngine = 'pglite' | 'postgres';

export const testEngine = (): TestEngine => (process.env.HINDSIGHT_TEST_DB === 'postgres' ? 'postgres' : 'pglite');

export interface TestDatabase extends Database {
  url?: string;
}

/** The run's migrated PGlite template; none outside vitest (the bench uses these helpers too). */
const pgliteTemplate = (): PgliteTemplate | undefined => (process.env.VITEST ? (inject('pgliteTemplate') as PgliteTemplate | undefined) : undefined);

let dump: Promise<Blob> | undefined;

export async function makeTestDb(opts: { maxConnections?: number } = {}): Promise<TestDatabase> {
  if (testEngine() === 'pglite') {
    const template = pgliteTemplate();
    if (template) {
      dump ??= openAsBlob(template.dump);
      return openDatabase({ inMemory: true, loadDataDir: await dump });
    }
    const database = await openDatabase({ inMemory: true });
    await migrateDatabase(database);
    return database;
  }
  const url = await makeTestDatabaseUrl();
  const database = await openDatabase({ databaseUrl: url, maxConnections: opts.maxConnections ?? 10 });
  return { ...database, url };
}

/**
 * A new migrated PostgreSQL database on the test cluster (a copy of the run's template), for
 * tests that hand its URL to bot processes. `prefix` names it in the server's logs.
 */
export async function makeTestDatabaseUrl(prefix = 't'): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('PostgreSQL tests need a server: run them through the `postgres` or `process` vitest project (HINDSIGHT_TEST_PG must not be off).');
  const template = inject('pgTemplate');
  const url = await createDatabase(adminUrl, `${prefix}_${randomBytes(6).toString('hex')}`, template || undefined);
  if (!template) {
    const database = await openDatabase({ databaseUrl: url, maxConnections: 1 });
    try {
      await migrateDatabase(database, url);
    } finally {
      await database.close();
    }
  }
  return url;
}

/**
 * Fills an empty PGlite data folder with the run's migrated template, so the bot opening it finds
 * its migrations applied. Without the template (another config) it leaves the folder empty.
 */
export function seedDataDir(dataDir: string): void {
  const template = pgliteTemplate();
  if (template) cpSync(template.dir, dataDir, { recursive: true });
}

let counter = 0;
/** A guild id no other test uses (17+ digits, like a Discord snowflake). */
export const newGuildId = () => `${100000000000000000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(counter++)}`;
