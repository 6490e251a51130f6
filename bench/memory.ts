/**
 * Resident memory of the bot process (a child process on PostgreSQL, `node --import tsx
 * src/main.ts` as `npm start` runs it) before and after many servers' GUILD_CREATE on its one
 * gateway connection. RSS is read from /proc/<pid>/status; no GC is forced (the figure is what
 * the operating system sees, garbage included).
 *
 * Experiment (BENCH_EXPERIMENTS, row marked "compiled"): the same bot bundled to plain
 * JavaScript with esbuild (the one tsx ships) and run with `node main.mjs`, i.e. without the
 * TypeScript loader, to show what running compiled code in production would change. Nothing in
 * src/ changes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeDiscord, type FakeDiscord } from '../test/fake-discord/index.js';
import type { BotProcess } from '../test/support/bot-process.js';
import { freshDatabase, rssBytes, sleep, startBotProcess, stopBotProcess } from '../test/faults/world.js';
import { figure, round, say, type BenchSizes, type Figure } from './lib.js';
import type { SectionResult } from './votes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const MB = 1024 * 1024;

/** RSS samples over `ms`: the highest one (what a memory limit would have to allow). */
async function settledRss(pid: number, ms: number): Promise<number> {
  let highest = 0;
  for (const end = Date.now() + ms; Date.now() < end; ) {
    highest = Math.max(highest, rssBytes(pid));
    await sleep(200);
  }
  return highest;
}

/**
 * src/main.ts bundled to one ES module (dependencies stay external) in a temporary tree that
 * mirrors the paths the code resolves from import.meta.url: src/<x>/main.mjs finds ../packs/,
 * ../../migrations and node_modules as in the repository.
 */
function bundleBot(entry = join(ROOT, 'src', 'main.ts')): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-bundle-'));
  mkdirSync(join(dir, 'src', 'bundle'), { recursive: true });
  symlinkSync(join(ROOT, 'src', 'packs'), join(dir, 'src', 'packs'));
  symlinkSync(join(ROOT, 'migrations'), join(dir, 'migrations'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'src', 'bundle', 'main.mjs');
  const args = [entry, '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${file}`, '--log-level=warning'];
  const built = spawnSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), args, { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`esbuild failed: ${built.stderr || built.error?.message}`);
  return { file, dir };
}

/** The bundled bot as a child process, resolved once it is ready (like startBotProcess). */
async function startBundledBot(fake: FakeDiscord, databaseUrl: string, file: string, ready = /scheduler started/): Promise<Pick<BotProcess, 'child' | 'exited'>> {
  const child = spawn(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bundled bot not ready within 60 s:\n${output.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`bundled bot exited:\n${output.slice(-2000)}`)));
  });
  return { child, exited };
}

interface MemoryRun {
  beforeMb: number;
  afterMb: number;
  perServerKb: number;
}

async function measure(adminUrl: string, sizes: BenchSizes, label: string, start: (fake: FakeDiscord, url: string) => Promise<Pick<BotProcess, 'child' | 'exited'>>): Promise<MemoryRun> {
  const fake = await startFakeDiscord({ waitTimeoutMs: 60_000 });
  const database = await freshDatabase(adminUrl, 'bench_memory');
  await database.close();
  say(`memory (${label}): starting the bot (child process) with no servers`);
  const bot = await start(fake, database.url);
  try {
    const pid = bot.child.pid!;
    await sleep(2_000);
    const before = await settledRss(pid, 3_000);
    say(`memory (${label}): ${round(before / MB)} MB with no servers; adding ${sizes.memoryGuilds} servers with ${1 + sizes.memoryChannelsPerGuild} channels each`);
    let last = fake.addGuild({ name: 'Memory 0' });
    for (let i = 0; i < sizes.memoryGuilds; i++) {
      if (i) last = fake.addGuild({ name: `Memory ${i}` });
      for (let c = 0; c < sizes.memoryChannelsPerGuild; c++) fake.addChannel(last.id, { name: `channel-${c}` });
      // Let the socket drain now and then, as Discord's gateway would not send 10,000 events at once.
      if (i % 250 === 249) await sleep(20);
    }
    // Events on one connection are handled in order: once the bot answers an interaction in the
    // last server, it has processed every GUILD_CREATE and CHANNEL_CREATE before it.
    const choices = await fake.sendAutocomplete(last.id, 'memory-probe', { name: 'settings', options: { timezone: 'berl' }, focused: 'timezone' }).choices(60_000);
    if (!choices.length) throw new Error('the bot did not answer in the last server');
    await sleep(2_000);
    const after = await settledRss(pid, 3_000);
    say(`memory (${label}): ${round(after / MB)} MB after ${sizes.memoryGuilds} servers`);
    return { beforeMb: round(before / MB), afterMb: round(after / MB), perServerKb: round((after - before) / 1024 / sizes.memoryGuilds, 2) };
  } finally {
    await stopBotProcess(bot, 5_000);
    await fake.close();
  }
}

const PEER_SCRIPT = 'bench/peer-bot.ts';

export async function benchMemory(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  // Both bots as child processes, measured the same way, one after the other on the same machine.
  const peer = await measure(adminUrl, sizes, 'peer', (fake, url) => startBotProcess(fake, url, {}, { script: PEER_SCRIPT, ready: /peer ready/ }));
  const asIs = await measure(adminUrl, sizes, 'hindsight', (fake, url) => startBotProcess(fake, url));
  const figures: Figure[] = [
    figure({
      id: 'memory_vs_peer',
      name: `RSS after ${sizes.memoryGuilds} servers, Hindsight vs peer (both via tsx, as npm start)`,
      value: asIs.afterMb,
      unit: 'MB',
      reference: { kind: 'baseline', value: peer.afterMb, label: 'peer bot' },
      target: '≤ 1.20× peer',
      pass: asIs.afterMb <= 1.2 * peer.afterMb,
    }),
    figure({
      id: 'memory_growth',
      name: `Hindsight RSS after ${sizes.memoryGuilds} servers vs none`,
      value: asIs.afterMb,
      unit: 'MB',
      reference: { kind: 'baseline', value: asIs.beforeMb, label: 'same process, no servers' },
      target: 'info',
      pass: null,
      notes: `${asIs.perServerKb} KB per server (peer ${peer.perServerKb})`,
    }),
  ];
  const details: Record<string, unknown> = {
    measured: 'RSS of each bot child process (VmRSS), highest of 15 samples over 3 s, no forced GC',
    servers: sizes.memoryGuilds,
    channelsPerServer: 1 + sizes.memoryChannelsPerGuild,
    peer,
    hindsight: asIs,
  };
  if (sizes.experiments) {
    const ours = bundleBot();
    const theirs = bundleBot(join(ROOT, 'bench', 'peer-bot.ts'));
    try {
      const peerCompiled = await measure(adminUrl, sizes, 'peer compiled', (fake, url) => startBundledBot(fake, url, theirs.file, /peer ready/));
      const run = await measure(adminUrl, sizes, 'hindsight compiled', (fake, url) => startBundledBot(fake, url, ours.file));
      details.compiled = { peer: peerCompiled, hindsight: run };
      figures.push(
        figure({
          id: 'memory_vs_peer_compiled',
          name: `RSS after ${sizes.memoryGuilds} servers, Hindsight vs peer (both compiled JS, no tsx)`,
          value: run.afterMb,
          unit: 'MB',
          reference: { kind: 'baseline', value: peerCompiled.afterMb, label: 'peer bot compiled' },
          target: '≤ 1.20× peer',
          pass: null,
        }),
      );
    } finally {
      rmSync(ours.dir, { recursive: true, force: true });
      rmSync(theirs.dir, { recursive: true, force: true });
    }
  }
  return { figures, details };
}
