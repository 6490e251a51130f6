/**
 * Vitest globalSetup of the `pglite`, `e2e` and `process` projects (see vitest.config.ts): PGlite
 * migrated once per run, so that test files start from a copy instead of migrating afresh.
 *
 * Provides `pgliteTemplate`: `dir`, a migrated PGlite data folder to copy (bot-harness.ts seeds
 * the e2e bot's folder with it), and `dump`, the same folder as PGlite's `dumpDataDir` tarball
 * (makeTestDb opens in-memory databases from it with `loadDataDir`). Removed at the end of the run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../../src/db/client.js';
import { acquireShared } from './shared-setup.js';

export interface PgliteTemplate {
  /** A migrated PGlite data folder (closed; copy it, never open it in place). */
  dir: string;
  /** The same folder as an uncompressed `dumpDataDir` tarball. */
  dump: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: PgliteTemplate;
  }
}

async function createTemplate(): Promise<PgliteTemplate & { root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'hindsight-pglite-template-'));
  try {
    const dir = join(root, 'data');
    const dump = join(root, 'data.tar');
    const database = await openDatabase({ dataDir: dir });
    try {
      await migrateDatabase(database);
      const client = (database.db as unknown as { $client: PGlite }).$client;
      writeFileSync(dump, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
    } finally {
      await database.close();
    }
    return { root, dir, dump };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = await acquireShared('pglite-template', createTemplate, async (t) => rmSync(t.root, { recursive: true, force: true }));
  project.provide('pgliteTemplate', { dir: shared.value.dir, dump: shared.value.dump });
  return shared.release;
}
