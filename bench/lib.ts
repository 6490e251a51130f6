/** Figures, sizes, machine facts and the printed table of the benchmark (bench/run.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import postgres from 'postgres';

/** Sizes: full by default, small with BENCH_QUICK=1; each can be set on its own by env. */
export interface BenchSizes {
  quick: boolean;
  /** Also run the experiments (the "compiled" memory row; BENCH_EXPERIMENTS=0 skips). */
  experiments: boolean;
  /** Distinct members voting (closed loop) and how many clicks are in flight at once. */
  voteSeconds: number;
  voteConcurrency: number;
  voteClaims: number;
  /** Open-loop arrival rate and how long it runs. */
  latencyRate: number;
  latencySeconds: number;
  /** Due-claims query: servers × claims per server. */
  queryServers: number;
  queryClaimsPerServer: number;
  /** Servers sampled for the per-server round query. */
  querySamples: number;
  /** Round fan-out: channels (one schedule and server each) and newly due claims per server (cards). */
  roundChannels: number;
  roundCards: number;
  /** Memory: servers (GUILD_CREATE) and extra channels per server. */
  memoryGuilds: number;
  memoryChannelsPerGuild: number;
  /** Votes already on each claim before a vote run (one pair of runs, peer and Hindsight, per value). */
  votePreseed: number[];
  /** Refuse a run when the 1-minute load average is above this (after waiting up to `quietWaitSeconds` for it to drop). */
  maxLoad: number;
  quietWaitSeconds: number;
  /** Run anyway when the machine is not quiet, with the figures marked NOT QUIET and judged by nothing. */
  allowLoad: boolean;
}

function num(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

export function benchSizes(): BenchSizes {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    experiments: process.env.BENCH_EXPERIMENTS !== '0',
    voteSeconds: num('BENCH_VOTE_SECONDS', quick ? 3 : 10),
    voteConcurrency: num('BENCH_VOTE_CONCURRENCY', 32),
    voteClaims: num('BENCH_VOTE_CLAIMS', 4),
    latencyRate: num('BENCH_LATENCY_RATE', 200),
    latencySeconds: num('BENCH_LATENCY_SECONDS', quick ? 3 : 10),
    queryServers: num('BENCH_QUERY_SERVERS', quick ? 1_000 : 10_000),
    queryClaimsPerServer: num('BENCH_QUERY_CLAIMS_PER_SERVER', 100),
    querySamples: num('BENCH_QUERY_SAMPLES', quick ? 200 : 1_000),
    roundChannels: num('BENCH_ROUND_CHANNELS', quick ? 100 : 1_000),
    roundCards: num('BENCH_ROUND_CARDS', 1),
    memoryGuilds: num('BENCH_MEMORY_GUILDS', quick ? 500 : 2_500),
    memoryChannelsPerGuild: num('BENCH_MEMORY_CHANNELS', 3),
    votePreseed: numList('BENCH_VOTE_PRESEED', quick ? [10, 1_000] : [10, 1_000, 100_000]),
    maxLoad: num('BENCH_MAX_LOAD', 1),
    quietWaitSeconds: num('BENCH_QUIET_WAIT_SECONDS', 240),
    allowLoad: process.env.BENCH_ALLOW_LOAD === '1',
  };
}

function numList(name: string, fallback: number[]): number[] {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`${name} must be a comma-separated list of non-negative integers, got ${JSON.stringify(raw)}`);
  return values;
}

/** How quiet the machine was before a run: the load averages, and whether the 1-minute one was within the limit. */
export interface Quiet {
  load: [number, number, number];
  quiet: boolean;
  waitedSeconds: number;
}

/**
 * Before each run: waits (up to `quietWaitSeconds`) for the 1-minute load average to be at most
 * `maxLoad` (the previous run's own load takes about a minute to decay), prints it, and refuses
 * the run (throws) if it is still above, unless BENCH_ALLOW_LOAD=1: then the run goes on and
 * `markLoad` marks its figures NOT QUIET.
 */
export async function quietBefore(label: string, sizes: BenchSizes): Promise<Quiet> {
  const started = Date.now();
  const until = started + sizes.quietWaitSeconds * 1000;
  let load = loadavg() as [number, number, number];
  if (load[0] > sizes.maxLoad) say(`${label}: load ${load[0].toFixed(2)} > ${sizes.maxLoad}; waiting up to ${sizes.quietWaitSeconds} s for it to drop`);
  while (load[0] > sizes.maxLoad && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    load = loadavg() as [number, number, number];
  }
  const waitedSeconds = Math.round((Date.now() - started) / 1000);
  const quiet = load[0] <= sizes.maxLoad;
  say(`load average before ${label}: ${load.map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)${quiet ? '' : ' — NOT QUIET'}`);
  if (!quiet && !sizes.allowLoad) {
    throw new Error(`refused to run ${label}: 1-minute load ${load[0].toFixed(2)} > ${sizes.maxLoad} after waiting ${waitedSeconds} s (BENCH_ALLOW_LOAD=1 runs anyway, figures marked NOT QUIET)`);
  }
  return { load: load.map((l) => round(l, 2)) as [number, number, number], quiet, waitedSeconds };
}

/** A figure from runs that were not all quiet: named so, and judged by nothing. */
export function markLoad(f: Figure, ...runs: Quiet[]): Figure {
  const loads = runs.map((r) => r.load[0].toFixed(2)).join(' / ');
  if (runs.every((r) => r.quiet)) return { ...f, notes: [f.notes, `load before: ${loads}`].filter(Boolean).join('; ') };
  return { ...f, name: `${f.name} [NOT QUIET: load ${loads}]`, pass: null, notes: [f.notes, `NOT QUIET: 1-minute load before the runs ${loads}`].filter(Boolean).join('; ') };
}

/**
 * One row of the table. `reference` is either a baseline measured in the same run (`kind:
 * 'baseline'`) or a limit (`kind: 'limit'`): a target or an external bound such as a rate limit.
 * `ratio` is value / reference.
 */
export interface Figure {
  id: string;
  name: string;
  value: number;
  unit: string;
  reference: { kind: 'baseline' | 'limit'; value: number; label: string };
  ratio: number;
  target: string;
  pass: boolean | null;
  notes?: string;
}

export function figure(f: Omit<Figure, 'ratio'>): Figure {
  return { ...f, ratio: f.reference.value === 0 ? Number.NaN : f.value / f.reference.value };
}

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** Elapsed milliseconds of `fn`. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  kernel: string;
  postgres: string;
}

export function machineFacts(postgres: string): MachineFacts {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    kernel: release(),
    postgres,
  };
}

function fmt(n: number, unit: string): string {
  if (!Number.isFinite(n)) return 'n/a';
  const digits = Number.isInteger(n) || Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** The table as plain text (also goes into bench/README.md's "last run" section by hand). */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    fmt(f.value, f.unit),
    `${f.reference.kind === 'baseline' ? 'baseline' : 'limit'}: ${fmt(f.reference.value, f.unit)} (${f.reference.label})`,
    Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : 'n/a',
    f.target,
    f.pass === null ? 'info' : f.pass ? 'PASS' : 'FAIL',
  ]);
  const header = ['figure', 'value', 'baseline or limit', 'ratio', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function renderMachine(m: MachineFacts): string {
  return `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, Linux ${m.kernel}; Node ${m.node}; ${m.postgres}`;
}

/** Progress lines on stderr, so that stdout holds the table only. */
export const say = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat (Linux; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Fields of /proc/<pid>/stat after the command name (0 = state, 1 = ppid, 11/12 = utime/stime, 13/14 = cutime/cstime). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The postmaster of a PostgreSQL backend (its parent). */
export function parentPid(pid: number): number {
  return Number(statFields(pid)?.[1] ?? 0);
}

/** The postmaster pid of the cluster at `url` (the parent of a backend). */
export async function postmasterOf(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    return parentPid(Number(row!.pid));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * CPU seconds of one PostgreSQL cluster: the postmaster (itself and the children it has reaped:
 * backends that exited) plus every live child (backends, background workers, the WAL writer…).
 */
export function clusterCpuSeconds(postmasterPid: number): number {
  const main = statFields(postmasterPid);
  if (!main) return 0;
  let total = (Number(main[11]) + Number(main[12]) + Number(main[13]) + Number(main[14])) / 100;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmasterPid) total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/**
 * CPU used between two calls by named groups of processes, by one PostgreSQL cluster (given its
 * postmaster) and by this process (the fake Discord, the load generator and anything else the
 * bench runs in-process). Seconds, and cores (seconds per second of wall time).
 */
export function processMeter(groups: Record<string, number[]>, postmasterPid?: number) {
  const sample = () => ({
    bench: process.cpuUsage(),
    groups: Object.fromEntries(Object.entries(groups).map(([label, pids]) => [label, pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)])),
    pg: postmasterPid ? clusterCpuSeconds(postmasterPid) : postgresCpuSeconds(),
    at: performance.now(),
  });
  const start = sample();
  return () => {
    const end = sample();
    const wall = (end.at - start.at) / 1000;
    const seconds: Record<string, number> = {
      'bench process (fake Discord, load generator)': (end.bench.user + end.bench.system - start.bench.user - start.bench.system) / 1e6,
      postgres: end.pg - start.pg,
    };
    for (const label of Object.keys(groups)) seconds[label] = end.groups[label]! - start.groups[label]!;
    return {
      wallSeconds: round(wall, 2),
      cpuSeconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round(v, 2)])),
      coresUsed: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round(v / wall, 2)])),
    };
  };
}

/** CPU seconds of every PostgreSQL server process on the machine (ours is the only cluster the bench starts). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU used by the bench process (the fake Discord and the load generator), the bot and PostgreSQL between two calls. */
export function cpuMeter(botPid?: number) {
  const sample = () => ({ self: process.cpuUsage(), bot: botPid ? cpuSeconds(botPid) : 0, pg: postgresCpuSeconds(), at: performance.now() });
  const start = sample();
  return () => {
    const end = sample();
    const wall = (end.at - start.at) / 1000;
    const selfCpu = (end.self.user + end.self.system - start.self.user - start.self.system) / 1e6;
    const share = (cpu: number) => round(cpu / wall, 2);
    return { wallSeconds: round(wall, 2), coresUsed: { benchAndFake: share(selfCpu), bot: share(end.bot - start.bot), postgres: share(end.pg - start.pg) } };
  };
}
