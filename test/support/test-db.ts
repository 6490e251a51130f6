/**
 * A fresh, migrated database for one test file, on the engine the vitest project names:
 * HINDSIGHT_TEST_DB=pglite → in-memory PGlite; =postgres → a new database on the throwaway
 * cluster from global-setup (never skipped: no cluster is an error).
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';
import { createDatabase } from './pg-cluster.js';

export type TestEngine = 'pglite' | 'postgres';

export const testEngine = (): TestEngine => (process.env.HINDSIGHT_TEST_DB === 'postgres' ? 'postgres' : 'pglite');

export interface TestDatabase extends Database {
  url?: string;
}

export async function makeTestDb(opts: { maxConnections?: number } = {}): Promise<TestDatabase> {
  if (testEngine() === 'pglite') {
    const database = await openDatabase({ inMemory: true });
    await migrateDatabase(database);
    return database;
  }
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('PostgreSQL tests need a server: run them through the `postgres` vitest project (HINDSIGHT_TEST_PG must not be off).');
  const url = await createDatabase(adminUrl, `t_${randomBytes(6).toString('hex')}`);
  const database = await openDatabase({ databaseUrl: url, maxConnections: opts.maxConnections ?? 10 });
  await migrateDatabase(database, url);
  return { ...database, url };
}

let counter = 0;
/** A guild id no other test uses (17+ digits, like a Discord snowflake). */
export const newGuildId = () => `${100000000000000000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(counter++)}`;
