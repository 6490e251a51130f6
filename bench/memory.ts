/**
 * Resident memory of the bot process (a child process on PostgreSQL, compiled JavaScript run with
 * `node`: bench/bots.ts) before and after many servers' GUILD_CREATE on its one gateway
 * connection. RSS is read from /proc/<pid>/status; no GC is forced (the figure is what the
 * operating system sees, garbage included).
 *
 * The judged row runs Hindsight as `npm start` does (dist/, compiled by tsc) and the peer bundled
 * by esbuild (it has no build of its own). Experiment (BENCH_EXPERIMENTS): Hindsight bundled the
 * same way as the peer, like for like. Each run is preceded by the load check (lib.ts).
 */
import { startFakeDiscord } from '../test/fake-discord/index.js';
import type { BotProcess } from '../test/support/bot-process.js';
import { freshDatabase, rssBytes, sleep, stopBotProcess } from '../test/faults/world.js';
import { compiledBots, startCompiled, type CompiledBot } from './bots.js';
import { figure, markLoad, quietBefore, round, say, type BenchSizes, type Figure, type Quiet } from './lib.js';
import type { SectionResult } from './votes.js';

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

interface MemoryRun {
  build: string;
  quiet: Quiet;
  beforeMb: number;
  afterMb: number;
  perServerKb: number;
}

async function measure(adminUrl: string, sizes: BenchSizes, label: string, compiled: CompiledBot): Promise<MemoryRun> {
  const fake = await startFakeDiscord({ waitTimeoutMs: 60_000 });
  const database = await freshDatabase(adminUrl, 'bench_memory');
  await database.close();
  const quiet = await quietBefore(`memory (${label})`, sizes);
  say(`memory (${label}): starting the bot (child process, ${compiled.build}) with no servers`);
  const bot: BotProcess = await startCompiled(compiled, fake, database.url);
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
    return { build: compiled.build, quiet, beforeMb: round(before / MB), afterMb: round(after / MB), perServerKb: round((after - before) / 1024 / sizes.memoryGuilds, 2) };
  } finally {
    await stopBotProcess(bot, 5_000);
    await fake.close();
  }
}

export async function benchMemory(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  const bots = compiledBots();
  // Both bots as child processes, measured the same way, one after the other on the same machine.
  const peer = await measure(adminUrl, sizes, 'peer', bots.peer);
  const ours = await measure(adminUrl, sizes, 'hindsight', bots.hindsight);
  const figures: Figure[] = [
    markLoad(
      figure({
        id: 'memory_vs_peer',
        name: `RSS after ${sizes.memoryGuilds} servers, Hindsight vs peer (both compiled, node)`,
        value: ours.afterMb,
        unit: 'MB',
        reference: { kind: 'baseline', value: peer.afterMb, label: 'peer bot' },
        target: '≤ 1.20× peer',
        pass: ours.afterMb <= 1.2 * peer.afterMb,
        notes: `Hindsight: ${ours.build}; peer: ${peer.build}`,
      }),
      peer.quiet,
      ours.quiet,
    ),
    markLoad(
      figure({
        id: 'memory_growth',
        name: `Hindsight RSS after ${sizes.memoryGuilds} servers vs none`,
        value: ours.afterMb,
        unit: 'MB',
        reference: { kind: 'baseline', value: ours.beforeMb, label: 'same process, no servers' },
        target: 'info',
        pass: null,
        notes: `${ours.perServerKb} KB per server (peer ${peer.perServerKb})`,
      }),
      ours.quiet,
    ),
  ];
  const details: Record<string, unknown> = {
    measured: 'RSS of each bot child process (VmRSS), highest of 15 samples over 3 s, no forced GC',
    servers: sizes.memoryGuilds,
    channelsPerServer: 1 + sizes.memoryChannelsPerGuild,
    peer,
    hindsight: ours,
  };
  if (sizes.experiments) {
    const bundled = await measure(adminUrl, sizes, 'hindsight bundled', bots.hindsightBundled);
    details.hindsightBundled = bundled;
    figures.push(
      markLoad(
        figure({
          id: 'memory_vs_peer_bundled',
          name: `RSS after ${sizes.memoryGuilds} servers, Hindsight vs peer (both bundled by esbuild)`,
          value: bundled.afterMb,
          unit: 'MB',
          reference: { kind: 'baseline', value: peer.afterMb, label: 'peer bot' },
          target: 'info',
          pass: null,
        }),
        peer.quiet,
        bundled.quiet,
      ),
    );
  }
  return { figures, details };
}
