/**
 * Interactions over HTTP (section `http` of bench/run.ts): votes/s through 1, 2 and 3 replica
 * processes (HINDSIGHT_ROLE=interactions, compiled: dist/src/main.js as `npm start` runs it)
 * behind a round-robin on one PostgreSQL, with the CPU each process used during each run (each
 * replica, PostgreSQL, and this process: the fake Discord, the round-robin forwarder and the load
 * generator), so the reader sees where the cores went; and the p99 of a click's answer over HTTP
 * vs over the gateway (a gateway-role process) at the same open-loop rate. Everything shares this
 * machine's cores, which is where the curve bends. Each run is preceded by the load check.
 */
import { randomBytes } from 'node:crypto';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { bundledPacks, importLedger } from '../src/ledger/transfer.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo } from '../test/fake-discord/index.js';
import { createDatabase } from '../test/support/pg-cluster.js';
import type { BotProcess } from '../test/support/bot-process.js';
import { compiledBots, spawnCompiled } from './bots.js';
import { freePort, roundRobin } from '../test/support/http-replicas.js';
import { figure, markLoad, percentile, postmasterOf, processMeter, quietBefore, round, say, type BenchSizes, type Figure, type Quiet } from './lib.js';

const pack = bundledPacks()[0]!;

async function waitHealthy(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`replica on ${port} did not come up`);
}

async function cards(fake: FakeDiscord, guild: FakeGuildInfo, count: number) {
  const out: { messageId: string; customId: string }[] = [];
  for (let n = 1; n <= count; n++) {
    const card = await fake.sendCommand(guild.id, 'bench', { name: 'predict', subcommand: 'show', options: { claim: String(n) } }).reply();
    const button = (card.components as { components: { label?: string; custom_id?: string }[] }[]).flatMap((r) => r.components).find((b) => b.label === 'Came true')!;
    out.push({ messageId: card.messageId, customId: button.custom_id! });
  }
  return out;
}

let voter = 0;
const click = async (fake: FakeDiscord, guild: FakeGuildInfo, card: { messageId: string; customId: string }) => {
  const t0 = performance.now();
  await fake.clickButton(guild.id, `v${voter++}`, { customId: card.customId, messageId: card.messageId }).reply();
  return performance.now() - t0;
};

/** Closed loop: `concurrency` clicks in flight for `seconds`; votes answered per second. */
async function closedLoop(fake: FakeDiscord, guild: FakeGuildInfo, list: { messageId: string; customId: string }[], seconds: number, concurrency: number) {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < until; i += concurrency) {
        try {
          await click(fake, guild, list[i % list.length]!);
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { perSecond: done / ((performance.now() - t0) / 1000), done, failed };
}

/** Open loop at `rate` clicks/s for `seconds`: answer times. */
async function openLoop(fake: FakeDiscord, guild: FakeGuildInfo, list: { messageId: string; customId: string }[], rate: number, seconds: number) {
  const times: number[] = [];
  const pending: Promise<void>[] = [];
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(click(fake, guild, list[i % list.length]!).then((ms) => void times.push(ms), () => void times.push(Number.POSITIVE_INFINITY)));
  }
  await Promise.all(pending);
  return times;
}

/** "replica 1 0.95, replica 2 0.02, …, postgres 0.61, bench process … 0.40" */
const coresLine = (cores: Record<string, number>) =>
  Object.entries(cores)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export async function benchHttp(adminUrl: string, sizes: BenchSizes): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const seconds = sizes.voteSeconds;
  const fake = await startFakeDiscord({ waitTimeoutMs: 10_000 });
  const guild = fake.addGuild({ name: 'Bench HTTP' });
  const url = await createDatabase(adminUrl, `bench_http_${randomBytes(4).toString('hex')}`);
  const database = await openDatabase({ databaseUrl: url });
  await migrateDatabase(database, url);
  await importLedger({ db: database.db, guildId: guild.id, actor: { id: '900000000000000001', isManager: true }, now: () => new Date() }, { packId: pack.id });
  await database.close();
  const env = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: url, LOG_LEVEL: 'warn' };
  const bots = compiledBots();
  const postmaster = await postmasterOf(adminUrl);
  const ports = await Promise.all([0, 1, 2].map(() => freePort()));
  const procs: BotProcess[] = [];
  let active = 1;
  const lb = await roundRobin(() => ports.slice(0, active).map((p) => `http://127.0.0.1:${p}`));
  try {
    for (const port of ports) {
      procs.push(spawnCompiled(bots.hindsight, { ...env, HINDSIGHT_ROLE: 'interactions', INTERACTIONS_PORT: String(port), DISCORD_PUBLIC_KEY: fake.publicKeyHex }));
    }
    await Promise.all(ports.map((p) => waitHealthy(p, 180_000)));
    fake.setInteractionsEndpoint(`${lb.url}/interactions`);
    const list = await cards(fake, guild, sizes.voteClaims);
    await closedLoop(fake, guild, list, 1, 8); // warm-up
    const curve: Record<number, { perSecond: number; done: number; failed: number; quiet: Quiet; cpu: ReturnType<ReturnType<typeof processMeter>>; cpuMsPerVote: Record<string, number> }> = {};
    const replicaPids = Object.fromEntries(procs.map((p, i) => [`replica ${i + 1}`, [p.child.pid!]]));
    for (const n of [1, 2, 3]) {
      active = n;
      const quiet = await quietBefore(`http (${n} replica${n > 1 ? 's' : ''})`, sizes);
      const cpu = processMeter(replicaPids, postmaster);
      const run = await closedLoop(fake, guild, list, seconds, sizes.voteConcurrency);
      const used = cpu();
      const votes = run.done;
      const cpuMsPerVote = Object.fromEntries(Object.entries(used.cpuSeconds).map(([k, v]) => [k, votes ? round((v * 1000) / votes, 3) : Number.NaN]));
      curve[n] = { ...run, quiet, cpu: used, cpuMsPerVote };
      say(`http: ${n} replica(s): ${round(run.perSecond)} votes/s (${run.failed} failed); cores used: ${coresLine(used.coresUsed)}`);
    }
    active = 1;
    const rate = Math.min(50, sizes.latencyRate);
    const latencyQuiet = await quietBefore('http (answer latency over HTTP and over the gateway)', sizes);
    const overHttp = await openLoop(fake, guild, list, rate, sizes.latencySeconds);
    // Over the gateway: a gateway-role process on the same database.
    fake.setInteractionsEndpoint(null);
    const gateway = spawnCompiled(bots.hindsight, { ...env, HINDSIGHT_ROLE: 'gateway', LOG_LEVEL: 'info' });
    procs.push(gateway);
    await gateway.waitFor(/scheduler started/, 180_000);
    const gatewayCards = await cards(fake, guild, sizes.voteClaims);
    await openLoop(fake, guild, gatewayCards, rate, 1); // warm-up
    const overGateway = await openLoop(fake, guild, gatewayCards, rate, sizes.latencySeconds);
    const p99Http = percentile(overHttp, 99);
    const p99Gateway = percentile(overGateway, 99);
    say(`http: answer p99 ${round(p99Http)} ms over HTTP, ${round(p99Gateway)} ms over the gateway at ${rate}/s`);
    const base = curve[1]!.perSecond;
    const figures: Figure[] = [1, 2, 3].map((n) =>
      markLoad(
        figure({
          id: `http.votes.${n}`,
          name: `votes/s over HTTP, ${n} replica${n > 1 ? 's' : ''}`,
          value: round(curve[n]!.perSecond),
          unit: 'votes/s',
          reference: { kind: 'baseline', value: round(base), label: '1 replica' },
          target: 'the curve (info)',
          pass: null,
          notes: `cores used: ${coresLine(curve[n]!.cpu.coresUsed)}`,
        }),
        curve[n]!.quiet,
      ),
    );
    figures.push(
      markLoad(
        figure({
          id: 'http.p99',
          name: `vote answer p99 over HTTP (${rate}/s, 1 replica)`,
          value: round(p99Http),
          unit: 'ms',
          reference: { kind: 'baseline', value: round(p99Gateway), label: 'over the gateway' },
          target: '< 3000 ms (Discord deadline)',
          pass: p99Http < 3000,
        }),
        latencyQuiet,
      ),
    );
    return { figures, details: { curve, rate, p99Http, p99Gateway, samples: { http: overHttp.length, gateway: overGateway.length } } };
  } finally {
    for (const p of procs) {
      if (p.child.exitCode === null) {
        p.child.kill('SIGTERM');
        await Promise.race([p.exited, new Promise((r) => setTimeout(r, 15_000))]);
      }
    }
    await lb.close();
    await fake.close();
  }
}
