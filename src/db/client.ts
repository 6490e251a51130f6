/**
 * Opening the database: PostgreSQL through postgres.js when a URL is given, embedded PGlite in a
 * folder otherwise. Both give the same drizzle handle type and run the same migrations folder.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/postgres-js';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
// PGlite is loaded only when this process opens it: a process on PostgreSQL never carries it.
import type { migrate as MigratePglite } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** One handle type for both drivers; a transaction is one too, so data functions accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** True when the database answers a trivial query (health checks); never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const pingOf = (db: Db) => () =>
  db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );

const rawDialect = new PgDialect();

/**
 * Runs a raw statement as a prepared one: on PostgreSQL, postgres.js keeps it per connection (by
 * its text), so a statement sent on every click is parsed and planned once per connection, not
 * each time (`db.execute` sends it unprepared). Same rows as `db.execute`; PGlite runs it as usual.
 * Only for statements whose text is one of a few fixed shapes (the values go in parameters).
 */
export function executePrepared(db: Db, name: string, query: SQL): Promise<unknown> {
  return db._.session.prepareQuery(rawDialect.sqlToQuery(query), undefined, name, false).execute();
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));
/** Arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 4_177_001;

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** PGlite only: keep everything in memory (tests). */
  inMemory?: boolean;
  /** PGlite only: start from this dumped data folder (`dumpDataDir`), e.g. a migrated template (tests). */
  loadDataDir?: Blob;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.maxConnections ?? 10);
  if (options.inMemory) return openPglite(undefined, options.loadDataDir);
  return openPglite(resolve(options.dataDir ?? './data'), options.loadDataDir);
}

function openPostgres(url: string, max: number): Database {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'hindsight' },
    // Fail fast when the server is down, so a member hears so within Discord's 3-second deadline;
    // postgres.js reconnects by itself once the server is back.
    connect_timeout: 2,
    idle_timeout: 60,
    // postgres.js waits between connection attempts (up to 10–20 s after a few failures) and
    // queries wait with it: cap it at 1 s so clicks during an outage are answered in time and the
    // bot is back within a second of the server.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  });
  const db = drizzlePg(client, { schema, casing: 'snake_case' });
  return {
    db,
    kind: 'postgres',
    ping: pingOf(db),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
    const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
    const db = drizzlePglite(client, { schema, casing: 'snake_case' });
    return {
      db,
      kind: 'pglite',
      ping: pingOf(db),
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * PGlite has no cross-process locking: two processes on one folder corrupt it. We hold a lock
 * file with our pid; a second process refuses to start while the first is alive.
 *
 * Atomic both ways: the lock file appears with the pid already in it (written aside, then
 * hard-linked into place, which fails if the lock exists), and a stale lock (its holder died) is
 * removed only by whoever holds the takeover file (created O_EXCL), after checking again that the
 * lock still names the dead holder. So of processes racing for a stale lock, exactly one wins.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'hindsight.lock');
  const mine = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(mine, String(process.pid), { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        linkSync(mine, lockPath);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          rmSync(lockPath, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(lockPath);
      if (holder === null) continue; // gone meanwhile: try again
      if (holder !== process.pid && isAlive(holder)) {
        throw new DatabaseLockedError(
          `The embedded database in ${dataDir} is in use by another Hindsight process (pid ${holder}). ` +
            'PGlite serves one process only: stop that one, or set DATABASE_URL to share a PostgreSQL server between processes.',
        );
      }
      // The holder is gone (crash, kill -9): the lock is stale. Take it over, one process at a time.
      if (!removeStaleLock(lockPath, holder)) sleepSync(10);
    }
  } finally {
    rmSync(mine, { force: true });
  }
  throw new DatabaseLockedError(`Could not take the lock ${lockPath}`);
}

/** The pid in a lock file; null if there is no lock file. A file without a pid counts as a dead holder. */
function readHolder(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Removes the lock if it still names `deadHolder`, holding the takeover file. False if another process is taking over. */
function removeStaleLock(lockPath: string, deadHolder: number): boolean {
  const takeoverPath = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = openSync(takeoverPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A taker that died mid-takeover (a few statements) leaves its file: after 10 s it is stale too.
    try {
      if (Date.now() - statSync(takeoverPath).mtimeMs > 10_000) rmSync(takeoverPath, { force: true });
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    if (readHolder(lockPath) === deadHolder) rmSync(lockPath, { force: true });
    return true;
  } finally {
    closeSync(fd);
    rmSync(takeoverPath, { force: true });
  }
}

function sleepSync(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Brings the database up to date. On PostgreSQL several processes may start at once: a session
 * advisory lock on a dedicated connection makes them migrate one after the other, so each
 * migration is applied exactly once.
 */
export async function migrateDatabase(database: Database, databaseUrl?: string): Promise<void> {
  if (database.kind === 'pglite') {
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
    await migratePglite(database.db as Parameters<typeof MigratePglite>[0], { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  if (!databaseUrl) throw new Error('migrateDatabase: PostgreSQL needs its URL');
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePg(drizzlePg(client, { casing: 'snake_case' }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
