/**
 * Past one machine, as real processes on one PostgreSQL against our fake Discord:
 * - four processes sending rounds through the one REST exit (`src/rest-proxy.ts`) against a fake
 *   enforcing Discord's 50 requests/s global limit get no 429 (and, as a control, the same four
 *   sending directly do collect them: each keeps its own view of the limit);
 * - `kill -9` of one of three HTTP replicas under a burst of votes loses no confirmed vote
 *   (confirmed: the endpoint answered 200 and the member got "You voted").
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client.js';
import { votes } from '../../src/db/schema.js';
import { bundledPacks, importLedger } from '../../src/ledger/transfer.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeTestDatabaseUrl } from '../support/test-db.js';
import { spawnBot, type BotProcess } from '../support/bot-process.js';
import { freePort, roundRobin, spawnRestProxy } from '../support/http-replicas.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pack = bundledPacks()[0]!;
const children: ChildProcess[] = [];
const fakes: FakeDiscord[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const f of fakes) await f.close();
});

/** Runs one rest-burst process per env, all loaded first and then let go at once; resolves with their outputs. */
async function bursts(envs: Record<string, string>[]): Promise<string[]> {
  const runs = envs.map((env) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/rest-burst.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', WAIT_FOR_GO: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready\n')) markReady();
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const done = new Promise<string>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve(out.replace('ready\n', '').trim()) : reject(new Error(`burst exited ${code}: ${out}`)))),
    );
    return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  await Promise.all(runs.map((r) => r.ready));
  for (const r of runs) r.child.stdin!.end('go\n');
  return Promise.all(runs.map((r) => r.done));
}

describe('one REST exit for every process', () => {
  it('four processes sending rounds through the REST exit get no 429 from a fake enforcing 50/s; sending directly they do', async () => {
    const fake = await startFakeDiscord({ rateLimits: { globalPerSecond: 50 } });
    fakes.push(fake);
    const guild = fake.addGuild({ name: 'Rounds' });
    // 4 processes × 15 channels × 5 posts = 300 requests; 5 per channel stays inside the per-channel bucket.
    const channelSets = [0, 1, 2, 3].map((p) => Array.from({ length: 15 }, (_, i) => fake.addChannel(guild.id, { name: `r${p}-${i}` }).id));
    const secret = randomBytes(32).toString('hex');
    const base = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, PER_CHANNEL: '5', HINDSIGHT_REST_PROXY_SECRET: secret };

    const port = await freePort();
    const proxy = spawnRestProxy({ DISCORD_API_URL: fake.apiUrl, DISCORD_TOKEN: fake.token, HINDSIGHT_REST_PROXY_SECRET: secret, REST_PROXY_PORT: String(port) });
    children.push(proxy.child);
    await proxy.ready;
    const exit = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const outs = await bursts(channelSets.map((set, p) => ({ ...base, DISCORD_REST_PROXY_URL: exit, CHANNELS: set.join(','), TAG: `x${p}` })));
    const seconds = (Date.now() - started) / 1000;
    expect(outs.every((o) => o.endsWith('done 75'))).toBe(true);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.route === '/channels/{channel_id}/messages');
    const limited = posts.filter((r) => r.status === 429).map((r) => ({ at: r.time - posts[0]!.time, path: r.path }));
    expect({ stats: fake.stats, limited }).toMatchObject({ stats: { rateLimited: 0, globalRateLimited: 0 }, limited: [] });
    expect(posts).toHaveLength(300);
    expect(posts.every((r) => r.status === 200)).toBe(true);
    expect(fake.stats).toMatchObject({ rateLimited: 0, globalRateLimited: 0 });
    // Requests per second at the door: never above 50 in any one-second window.
    const times = posts.map((r) => r.time).sort((a, b) => a - b);
    const busiest = Math.max(...times.map((t, i) => times.filter((u, j) => j >= i && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(50);
    expect(seconds).toBeGreaterThan(4); // 300 requests at 25 per window (the exit's default) cannot take less
    fake.assertNoViolations();
    proxy.child.kill('SIGTERM');

    // Control: the same four processes, each with its own limiter, straight to the fake.
    const before = fake.requests.length;
    await bursts(channelSets.map((set, p) => ({ ...base, CHANNELS: set.join(','), TAG: `d${p}` })));
    expect(fake.stats.globalRateLimited).toBeGreaterThan(0);
    expect(fake.requests.slice(before).some((r) => r.status === 429)).toBe(true);
  }, 240_000);
});

describe('HTTP replicas', () => {
  it('kill -9 of one of three replicas under a vote burst loses no confirmed vote', async () => {
    const fake = await startFakeDiscord({ waitTimeoutMs: 8000 });
    fakes.push(fake);
    const guild = fake.addGuild({ name: 'Kill' });
    const url = await makeTestDatabaseUrl('k');
    const database = await openDatabase({ databaseUrl: url });
    await importLedger({ db: database.db, guildId: guild.id, actor: { id: '900000000000000001', isManager: true }, now: () => new Date() }, { packId: pack.id });
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const bots: BotProcess[] = ports.map((port) =>
      spawnBot({
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        DATABASE_URL: url,
        HINDSIGHT_ROLE: 'interactions',
        INTERACTIONS_PORT: String(port),
        DISCORD_PUBLIC_KEY: fake.publicKeyHex,
        LOG_LEVEL: 'warn',
      }),
    );
    for (const b of bots) children.push(b.child);
    const healthy = async (port: number) => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200;
    const until = Date.now() + 150_000;
    while (!(await Promise.all(ports.map(healthy))).every(Boolean)) {
      if (Date.now() > until) throw new Error(`replicas did not come up:\n${bots.map((b) => b.lines.slice(-5).join('\n')).join('\n---\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const lb = await roundRobin(() => ports.map((p) => `http://127.0.0.1:${p}`));
    fake.setInteractionsEndpoint(`${lb.url}/interactions`);
    const card = await fake.sendCommand(guild.id, 'alice', { name: 'predict', subcommand: 'show', options: { claim: '3' } }).reply();
    const customId = (card.components as { components: { label?: string; custom_id?: string }[] }[])
      .flatMap((r) => r.components)
      .find((b) => b.label === 'Partly')!.custom_id!;

    const voters = Array.from({ length: 45 }, (_, i) => `voter-${i}`);
    const confirmed: string[] = [];
    const clicks: Promise<void>[] = [];
    for (const [i, voter] of voters.entries()) {
      if (i === 15) bots[1]!.child.kill('SIGKILL');
      const handle = fake.clickButton(guild.id, voter, { customId, messageId: card.messageId });
      clicks.push(
        handle.reply().then(
          (answer) => {
            const delivery = fake.deliveries.find((d) => d.interactionId === handle.id);
            if (delivery?.status === 200 && answer.content === 'You voted **Partly** on claim #3.') confirmed.push(voter);
          },
          () => {},
        ),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(clicks);
    await bots[1]!.exited;
    const recorded = new Set(
      (await database.db.select({ userId: votes.userId }).from(votes).where(and(eq(votes.guildId, guild.id), eq(votes.verdict, 'partly')))).map((v) => v.userId),
    );
    const lost = confirmed.filter((voter) => !recorded.has(fake.userId(voter)));
    expect(lost).toEqual([]);
    // The two replicas left kept answering: most clicks were confirmed, including after the kill.
    expect(confirmed.length).toBeGreaterThanOrEqual(25);
    expect(confirmed.some((v) => Number(v.split('-')[1]) > 20)).toBe(true);
    for (const b of [bots[0]!, bots[2]!]) {
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
    }
    await lb.close();
    await database.close();
  }, 240_000);
});
