/**
 * `npm run bench`: starts a throwaway PostgreSQL cluster and our fake Discord on 127.0.0.1,
 * measures, prints a table and writes bench-report.json. See bench/README.md.
 *
 *   BENCH_QUICK=1        small sizes (about a minute)
 *   BENCH_ONLY=a,b       only these sections: extract, votes, latency, query, round, memory, http, stall
 *   BENCH_REPORT=path    where the JSON goes (default bench-report.json)
 *   BENCH_ALLOW_LOAD=1   run even when the 1-minute load stays above BENCH_MAX_LOAD (1) before a run:
 *                        figures marked NOT QUIET (without it such a run is refused)
 */
import { writeFileSync } from 'node:fs';
import postgres from 'postgres';
import { startPgCluster } from '../test/support/pg-cluster.js';
import { benchSizes, machineFacts, renderMachine, renderTable, say, type Figure } from './lib.js';
import { benchLatency, benchVotes } from './votes.js';
import { benchDueClaims } from './due-claims.js';
import { benchRoundFanout } from './round-fanout.js';
import { benchMemory } from './memory.js';
import { benchExtract } from './extract.js';
import { benchHttp } from './http.js';
import { benchStall } from './stall.js';

const SECTIONS = ['extract', 'votes', 'latency', 'query', 'round', 'memory', 'http', 'stall'] as const;
type Section = (typeof SECTIONS)[number];

function selected(): Set<Section> {
  const raw = process.env.BENCH_ONLY?.trim();
  if (!raw) return new Set(SECTIONS);
  const wanted = raw.split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; use ${SECTIONS.join(', ')}`);
  return new Set(wanted as Section[]);
}

async function serverVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ v: string }[]>`select version() as v`;
    return (row?.v ?? 'PostgreSQL ?').split(' on ')[0]!;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function main(): Promise<number> {
  const sizes = benchSizes();
  const sections = selected();
  const started = new Date();
  say(`sizes: ${JSON.stringify(sizes)}`);
  const cluster = await startPgCluster({ log: (s) => say(`pg: ${s}`) });
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  let machine;
  try {
    machine = machineFacts(await serverVersion(cluster.url));
    say(renderMachine(machine));
    const run = async (section: Section, fn: () => Promise<{ figures: Figure[]; details: Record<string, unknown> }>) => {
      if (!sections.has(section)) return;
      const t0 = performance.now();
      try {
        const result = await fn();
        figures.push(...result.figures);
        details[section] = { ...result.details, sectionSeconds: Math.round((performance.now() - t0) / 100) / 10 };
      } catch (error) {
        errors[section] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        say(`${section} FAILED: ${errors[section]}`);
      }
    };
    await run('extract', () => benchExtract());
    await run('votes', () => benchVotes(cluster.url, sizes));
    await run('latency', () => benchLatency(cluster.url, sizes));
    await run('query', () => benchDueClaims(cluster.url, sizes));
    await run('round', () => benchRoundFanout(cluster.url, sizes));
    await run('memory', () => benchMemory(cluster.url, sizes));
    await run('http', () => benchHttp(cluster.url, sizes));
    await run('stall', () => benchStall());
  } finally {
    await cluster.stop();
  }
  const seconds = Math.round((Date.now() - started.getTime()) / 1000);
  const table = renderTable(figures);
  process.stdout.write(`\n${renderMachine(machine)}\nsizes: ${sizes.quick ? 'quick (BENCH_QUICK=1)' : 'full'}; took ${seconds} s\n\n${table}\n`);
  if (Object.keys(errors).length) process.stdout.write(`\nsections that failed to run: ${Object.keys(errors).join(', ')} (see stderr and the JSON report)\n`);
  const reportPath = process.env.BENCH_REPORT?.trim() || 'bench-report.json';
  writeFileSync(reportPath, `${JSON.stringify({ startedAt: started.toISOString(), seconds, sizes, machine, figures, details, errors }, null, 2)}\n`);
  process.stdout.write(`\nreport: ${reportPath}\n`);
  return Object.keys(errors).length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
