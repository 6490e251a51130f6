/**
 * The PostgreSQL server provided by test/support/global-setup.ts is reachable, is
 * version 15 or newer, and createDatabase() gives a database one can connect to.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../support/pg-cluster.js';

const adminUrl = inject('pgAdminUrl');
const clients: postgres.Sql[] = [];

function connect(url: string): postgres.Sql {
  // Never fall back to postgres.js defaults (localhost:5432, i.e. a system cluster).
  if (!url) throw new Error('pgAdminUrl is empty (HINDSIGHT_TEST_PG=off?): no PostgreSQL server to test against');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  clients.push(sql);
  return sql;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
});

describe('PostgreSQL test server', () => {
  it('is provided (HINDSIGHT_TEST_PG is not off)', () => {
    expect(adminUrl, 'pgAdminUrl is empty: HINDSIGHT_TEST_PG=off?').not.toBe('');
  });

  it('runs PostgreSQL 15 or newer', async () => {
    const sql = connect(adminUrl);
    const [row] = await sql<{ version: string }[]>`select version()`;
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    const major = Number(/^PostgreSQL (\d+)/.exec(row?.version ?? '')?.[1]);
    expect(major).toBeGreaterThanOrEqual(15);
    const [num] = await sql<{ server_version_num: string }[]>`show server_version_num`;
    expect(Number(num?.server_version_num)).toBeGreaterThanOrEqual(150000);
  });

  it('allows enough connections for the concurrency tests', async () => {
    const sql = connect(adminUrl);
    const [row] = await sql<{ max_connections: string }[]>`show max_connections`;
    expect(Number(row?.max_connections)).toBeGreaterThanOrEqual(200);
  });

  it('creates a database with createDatabase and connects to it', async () => {
    connect(adminUrl); // fails fast when pgAdminUrl is empty
    const name = `t_${randomUUID().replace(/-/g, '')}`;
    const url = await createDatabase(adminUrl, name);
    expect(new URL(url).pathname).toBe(`/${name}`);

    const sql = connect(url);
    const [row] = await sql<{ db: string }[]>`select current_database() as db`;
    expect(row?.db).toBe(name);
    await sql`create table t (id int primary key)`;
    await sql`insert into t values (1), (2)`;
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from t`;
    expect(count?.n).toBe(2);
  });

  it('creates a database from a template', async () => {
    connect(adminUrl); // fails fast when pgAdminUrl is empty
    const tpl = `tpl_${randomUUID().replace(/-/g, '')}`;
    const tplUrl = await createDatabase(adminUrl, tpl);
    const setup = postgres(tplUrl, { max: 1, onnotice: () => {} });
    await setup`create table seeded (v text)`;
    await setup`insert into seeded values ('from template')`;
    await setup.end({ timeout: 5 }); // a template must have no other connections

    const copy = `copy_${randomUUID().replace(/-/g, '')}`;
    const sql = connect(await createDatabase(adminUrl, copy, tpl));
    const rows = await sql<{ v: string }[]>`select v from seeded`;
    expect(rows.map((r) => r.v)).toEqual(['from template']);
  });
});
