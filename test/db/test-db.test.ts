/**
 * The suite migrates once per run: makeTestDb starts from the template the project's globalSetup
 * migrated (test/support/global-setup.ts, pglite-template.ts) rather than migrating again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { readdirSync } from 'node:fs';
import { MIGRATIONS_FOLDER } from '../../src/db/client.js';
import { makeTestDb, testEngine, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('test databases', () => {
  it('come from a template migrated once for the run', () => {
    if (testEngine() === 'postgres') expect(inject('pgTemplate')).toMatch(/^hindsight_template_/);
    else expect(inject('pgliteTemplate')).toMatchObject({ dir: expect.any(String), dump: expect.any(String) });
  });

  it('hold every migration, applied once', async () => {
    const migrations = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
    const rows = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const n = Number((Array.isArray(rows) ? rows[0] : (rows as unknown as { rows: { n: number }[] }).rows[0])?.n);
    expect(n).toBe(migrations.length);
  });
});
