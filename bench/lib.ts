/** Figures, sizes, machine facts and the printed table of the benchmark (bench/run.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';

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
  };
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
