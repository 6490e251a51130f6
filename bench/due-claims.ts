/**
 * The due-claims queries over a big ledger: servers × claims bulk-loaded with generate_series
 * (no ORM), then the statements the bot really sends, captured from the real functions through a
 * drizzle logger: closeExpiredWindows's select (one statement across all servers) and
 * composeRound's selects (one set per server). Each is timed from the client and EXPLAIN
 * ANALYZEd to see which index it uses.
 */
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { TransactionRollbackError } from 'drizzle-orm';
import * as schema from '../src/db/schema.js';
import type { Db } from '../src/db/client.js';
import { closeExpiredWindows } from '../src/ledger/voting.js';
import { composeRound } from '../src/jobs/rounds.js';
import { sweepOnce } from '../src/jobs/closer.js';
import { createLogger } from '../src/log.js';
import { freshDatabase } from '../test/faults/world.js';
import { figure, percentile, round, say, timed, type BenchSizes } from './lib.js';
import type { SectionResult } from './votes.js';
import { guildScope } from '../src/ledger/context.js';

const HOUR = 3_600_000;
const LIMIT_MS = 200;
/** Server i's id: 18 digits, like a snowflake. */
const GUILD_BASE = 200_000_000_000_000_000n;
const guildId = (i: number) => String(GUILD_BASE + BigInt(i));

/**
 * Per server, claim n falls in bucket b = n % 100:
 *   0–59  resolved long ago (b = 0: resolved an hour ago, i.e. since the last round)
 *   60–89 open, check date in the future
 *   90–97 open, due 6 h … 48 h ago, voting window still open (90–92: newly due since yesterday)
 *   98    open, flagged "no quorum": its window closed 23 days ago and a manager has not acted
 *   99    open, window closed minutes ago (only in every 100th server; elsewhere like 93)
 * and every claim with n % 50 = 25 is deleted. `now` is the bench's clock.
 */
function loadSql(servers: number, perServer: number, now: Date): string {
  const at = `'${now.toISOString()}'::timestamptz`;
  return `
    insert into guilds (guild_id) select (${GUILD_BASE} + g)::text from generate_series(1, ${servers}) g;
    insert into claims (guild_id, number, text, made_on, check_by, due_at, window_starts_at, voting_closes_at,
                        status, outcome, flag, resolved_by, resolved_at, added_by, deleted_at)
    select guild_id, n, 'Claim ' || n || ' of ' || guild_id, (due_at - interval '40 days')::date, (due_at - interval '1 day')::date,
           due_at, due_at, due_at + interval '7 days',
           case when b < 60 then 'resolved' else 'open' end::claim_status,
           case when b < 60 then 'came_true' end::outcome,
           case when b = 98 then 'no_quorum' end,
           case when b < 60 then 'system' end,
           case when b = 0 then ${at} - interval '1 hour' when b < 60 then due_at + interval '7 days' end,
           '800000000000000001',
           case when n % 50 = 25 then ${at} - interval '1 day' end
    from (
      select (${GUILD_BASE} + g)::text as guild_id, n, b,
             case
               when b < 60 then ${at} - interval '400 days' - b * interval '1 day'
               when b < 90 then ${at} + (b - 59) * interval '1 day' + g * interval '1 second'
               when b < 98 or (b = 99 and g % 100 <> 0) then ${at} - (least(b, 97) - 89) * interval '6 hours'
               when b = 98 then ${at} - interval '30 days'
               else ${at} - interval '7 days' - (g % 60) * interval '1 minute'
             end as due_at
      from generate_series(1, ${servers}) g, generate_series(1, ${perServer}) n, lateral (select n % 100 as b) x
    ) s;
    analyze guilds; analyze claims;`;
}

interface Captured {
  text: string;
  params: unknown[];
}

/** A drizzle handle like openDatabase's (same schema and casing) that records every statement it sends. */
function capturingDb(client: postgres.Sql): { db: Db; log: Captured[] } {
  const log: Captured[] = [];
  const db = drizzle(client, { schema, casing: 'snake_case', logger: { logQuery: (text, params) => log.push({ text, params }) } });
  return { db, log };
}

/** Runs `fn` in a transaction that is rolled back: the statements are captured, nothing stays. */
async function captureRolledBack(db: Db, fn: (tx: Db) => Promise<unknown>): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await fn(tx);
      tx.rollback();
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

async function explain(sql: postgres.Sql, q: Captured) {
  const [row] = await sql.unsafe(`explain (analyze, buffers, format json) ${q.text}`, q.params as postgres.ParameterOrJSON<never>[]);
  const plan = (row as unknown as { 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[] })['QUERY PLAN'][0]!;
  const indexes: string[] = [];
  const seqScans: string[] = [];
  const walk = (node: PlanNode) => {
    if (node['Index Name']) indexes.push(`${node['Node Type']} using ${node['Index Name']}`);
    if (node['Node Type'] === 'Seq Scan') seqScans.push(node['Relation Name'] ?? '?');
    node.Plans?.forEach(walk);
  };
  walk(plan.Plan);
  return { executionMs: round(plan['Execution Time'], 3), indexes, seqScans };
}

/** Client-side round trips (ms) of a captured statement, once per parameter list. */
async function timeStatement(sql: postgres.Sql, q: Captured, paramLists: unknown[][]): Promise<number[]> {
  const times: number[] = [];
  for (const params of paramLists) {
    const { ms } = await timed(() => sql.unsafe(q.text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).then(() => undefined));
    times.push(ms);
  }
  return times;
}

/** The captured statement's parameters with one server's id put in place of another's. */
const forServer = (q: Captured, from: string, to: string) => q.params.map((p) => (p === from ? to : p));

export async function benchDueClaims(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  const servers = sizes.queryServers;
  const perServer = sizes.queryClaimsPerServer;
  const total = servers * perServer;
  const database = await freshDatabase(adminUrl, 'bench_due');
  await database.close();
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  const now = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  try {
    say(`query: bulk-loading ${total.toLocaleString('en')} claims in ${servers.toLocaleString('en')} servers (generate_series)`);
    const load = await timed(() => sql.unsafe(loadSql(servers, perServer, now)).simple());
    say(`query: loaded in ${(load.ms / 1000).toFixed(1)} s`);
    const { db, log } = capturingDb(sql);

    // --- the sweep: closeExpiredWindows's select, one statement over every server -------------
    log.length = 0;
    const sweepBatch = await timed(() => captureRolledBack(db, (tx) => closeExpiredWindows(tx, now)));
    const sweepStatements = log.filter((q) => !/^(begin|commit|rollback|savepoint|release)/i.test(q.text));
    const sweepSelect = sweepStatements.find((q) => /from "claims"/.test(q.text) && /for update skip locked/i.test(q.text));
    if (!sweepSelect) throw new Error(`closeExpiredWindows's select was not captured (saw ${sweepStatements.length} statements)`);
    const repeat = (n: number) => Array.from({ length: n }, () => sweepSelect.params);
    await timeStatement(sql, sweepSelect, repeat(3));
    const sweepTimes = await timeStatement(sql, sweepSelect, repeat(20));
    const sweepPlan = await explain(sql, sweepSelect);

    // --- a round's composition: composeRound's selects, once per server ------------------------
    const since = new Date(now.getTime() - 24 * HOUR);
    const sample = guildId(1);
    log.length = 0;
    await composeRound(guildScope(db, sample), since, now, new Date(now.getTime() - 400 * 24 * HOUR));
    const roundStatements = [...log];
    const newlyDue = roundStatements[0];
    if (!newlyDue || !/^select "number"(, count\(\*\) over \(\))? from "claims" where .* > \$\d+\) order by/.test(newlyDue.text)) throw new Error(`composeRound's newly-due select not recognised: ${newlyDue?.text}`);
    const step = Math.max(1, Math.floor(servers / sizes.querySamples));
    const sampled = Array.from({ length: Math.min(sizes.querySamples, servers) }, (_, i) => guildId(1 + ((i * step) % servers)));
    await timeStatement(sql, newlyDue, sampled.slice(0, 20).map((g) => forServer(newlyDue, sample, g)));
    const newlyDueTimes = await timeStatement(sql, newlyDue, sampled.map((g) => forServer(newlyDue, sample, g)));
    const plans = await Promise.all(roundStatements.slice(0, 3).map((q) => explain(sql, q)));
    const composeTimes: number[] = [];
    for (const g of sampled) composeTimes.push((await timed(() => composeRound(guildScope(db, g), since, now, new Date(now.getTime() - 400 * 24 * HOUR)))).ms);

    // --- what one real sweep (committed) decides -----------------------------------------------
    const freshExpired = servers >= 100 ? Math.floor(servers / 100) : 0;
    const swept = await timed(() => sweepOnce(db, now, createLogger('silent')));
    const [left] = await sql<{ n: number }[]>`
      select count(*)::int as n from claims
      where status = 'open' and deleted_at is null and flag is null and voting_closes_at <= ${now.toISOString()}`;

    const p99 = percentile(newlyDueTimes, 99);
    const sweepP50 = percentile(sweepTimes, 50);
    const sweepMax = Math.max(...sweepTimes);
    const composeP99 = percentile(composeTimes, 99);
    const limit = { kind: 'limit' as const, value: LIMIT_MS, label: 'target' };
    const indexNote = (p: { indexes: string[]; seqScans: string[] }) =>
      p.seqScans.length ? `SEQ SCAN on ${p.seqScans.join(', ')}` : p.indexes.join('; ') || 'no index';
    return {
      details: {
        claims: total,
        servers,
        loadSeconds: round(load.ms / 1000),
        sweepSelect: { sql: sweepSelect.text, p50Ms: round(sweepP50, 2), maxMs: round(sweepMax, 2), plan: sweepPlan },
        sweepBatch: {
          note: 'one call of closeExpiredWindows (batch 200), rolled back: statements it sent and its time',
          statements: sweepStatements.length,
          getSettingsStatements: sweepStatements.filter((q) => /from "guilds"/.test(q.text)).length,
          ms: round(sweepBatch.ms),
        },
        roundNewlyDue: { sql: newlyDue.text, servers: sampled.length, p50Ms: round(percentile(newlyDueTimes, 50), 3), p99Ms: round(p99, 3), maxMs: round(Math.max(...newlyDueTimes), 3) },
        roundPlans: roundStatements.slice(0, 3).map((q, i) => ({ sql: q.text, ...plans[i] })),
        composeRound: { servers: sampled.length, p50Ms: round(percentile(composeTimes, 50), 2), p99Ms: round(composeP99, 2), statementsPerServer: roundStatements.length },
        sweepOnce: { ms: round(swept.ms), decided: swept.result.length, freshExpiredLoaded: freshExpired, freshExpiredStillOpen: left?.n ?? 0 },
      },
      figures: [
        figure({
          id: 'sweep_select',
          name: `sweep select, ${(total / 1e6).toFixed(total >= 1e6 ? 0 : 1)}M claims (p50)`,
          value: sweepP50,
          unit: 'ms',
          reference: limit,
          target: '≤ 200 ms, index',
          pass: sweepMax <= LIMIT_MS && sweepPlan.seqScans.length === 0,
          notes: indexNote(sweepPlan),
        }),
        figure({
          id: 'round_newly_due',
          name: `round newly-due select per server (p99 of ${sampled.length})`,
          value: p99,
          unit: 'ms',
          reference: limit,
          target: '≤ 200 ms, index',
          pass: p99 <= LIMIT_MS && plans[0]!.seqScans.length === 0,
          notes: indexNote(plans[0]!),
        }),
        figure({
          id: 'compose_round',
          name: `composeRound per server, ${roundStatements.length} statements (p99)`,
          value: composeP99,
          unit: 'ms',
          reference: limit,
          target: 'info',
          pass: null,
        }),
        ...(freshExpired
          ? [
              figure({
                id: 'sweep_starvation',
                name: 'freshly expired windows closed by a sweep',
                value: freshExpired - (left?.n ?? 0),
                unit: '',
                reference: { kind: 'limit', value: freshExpired, label: 'expired' },
                target: 'all',
                pass: (left?.n ?? 0) === 0,
                notes: `${servers >= 100 ? Math.floor((servers * perServer) / 100) : 0} flagged claims wait for a manager`,
              }),
            ]
          : []),
      ],
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
