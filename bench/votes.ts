/**
 * Votes through the whole bot (fake gateway → discord.js → router → castVote on PostgreSQL →
 * the click's callback back to the fake; card edits coalesced by the card flusher), next to the
 * peer (bench/peer-bot.ts: a minimal discord.js bot, one upsert, one ephemeral reply), with the
 * same load against the same fake Discord and PostgreSQL cluster, in the same run. Also the
 * answer latency of clicks arriving at a fixed rate (open loop), for both.
 *
 * Each bot runs as a child process (`node --import tsx …`, as `npm start` runs ours today), so
 * it has its own event loop; the fake Discord and the load generator run in this process.
 */
import { REST, Routes } from 'discord.js';
import { sql as dsql } from 'drizzle-orm';
import { votes } from '../src/db/schema.js';
import type { Database } from '../src/db/client.js';
import { cardData } from '../src/ledger/claims.js';
import { claimCard } from '../src/kit/render.js';
import { messageBody } from '../src/discord/poster.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo, type InteractionHandle } from '../test/fake-discord/index.js';
import type { BotProcess } from '../test/support/bot-process.js';
import { addDueClaims, clickVote, freshDatabase, isVoteAck, memberId, sleep, startBotProcess, stopBotProcess, VERDICTS, type Card } from '../test/faults/world.js';
import { cpuMeter, figure, percentile, round, say, type BenchSizes, type Figure } from './lib.js';

/** Which bot a world runs. */
export interface BotKind {
  label: 'hindsight' | 'peer';
  start(fake: FakeDiscord, databaseUrl: string): Promise<BotProcess>;
}

export const HINDSIGHT: BotKind = { label: 'hindsight', start: (fake, url) => startBotProcess(fake, url) };
export const PEER: BotKind = { label: 'peer', start: (fake, url) => startBotProcess(fake, url, {}, { script: 'bench/peer-bot.ts', ready: /peer ready/ }) };

interface VoteWorld {
  fake: FakeDiscord;
  guild: FakeGuildInfo;
  database: Database & { url: string };
  bot: BotProcess;
  cards: Card[];
  close(): Promise<void>;
}

/**
 * Due claims, each posted as a card (the card Hindsight renders, with its vote buttons) to a
 * channel by the bench through the bot's REST, as a round posts it: the same cards for both bots.
 */
async function voteWorld(adminUrl: string, claimsCount: number, kind: BotKind): Promise<VoteWorld> {
  const fake = await startFakeDiscord({ waitTimeoutMs: 30_000 });
  const guild = fake.addGuild({ name: `Bench votes (${kind.label})` });
  const database = await freshDatabase(adminUrl, `bench_votes_${kind.label}`);
  const numbers = await addDueClaims(database, guild.id, claimsCount);
  const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
  const cards: Card[] = [];
  const claimIds = await database.db.execute(dsql`select id, number from claims where guild_id = ${guild.id} order by number`);
  const rows = (Array.isArray(claimIds) ? claimIds : (claimIds as { rows: unknown[] }).rows) as { id: number; number: number }[];
  for (const number of numbers) {
    const data = await cardData(database.db, guild.id, rows.find((r) => r.number === number)!.id, new Date());
    const message = (await rest.post(Routes.channelMessages(guild.defaultChannelId), { body: messageBody(claimCard(data!, new Date())) })) as { id: string };
    cards.push({ number, messageId: message.id });
  }
  const bot = await kind.start(fake, database.url);
  return {
    fake,
    guild,
    database,
    bot,
    cards,
    async close() {
      await stopBotProcess(bot, 5_000);
      await fake.close();
      await database.close();
    },
  };
}

function click(world: VoteWorld, i: number): InteractionHandle {
  return clickVote(world.fake, world.guild.id, world.cards[i % world.cards.length]!, VERDICTS[i % VERDICTS.length]!, memberId(i));
}

/** The first visible answer to a click (Hindsight and the peer both answer in the callback). */
const answer = (handle: InteractionHandle, timeoutMs: number) => handle.reply(timeoutMs);

/** Closed loop: `concurrency` workers, each clicking as a new member and waiting for its answer, for `seconds`. */
async function closedLoop(world: VoteWorld, firstMember: number, concurrency: number, seconds: number) {
  let next = firstMember;
  let acked = 0;
  let refused = 0;
  const confirmed: string[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const member = next++;
      const reply = await answer(click(world, member), 10_000).catch(() => null);
      if (reply && isVoteAck(reply)) confirmed.push(memberId(member));
      if (performance.now() > end) break;
      if (reply && isVoteAck(reply)) acked += 1;
      else refused += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { acked, refused, confirmed, clicks: next - firstMember, seconds: (end - start) / 1000, nextMember: next };
}

/** Confirmed clicks whose vote is not in the database (must be 0). */
async function missingVotes(database: Database, confirmed: readonly string[]): Promise<{ stored: number; missing: number }> {
  const result = await database.db.select({ userId: votes.userId }).from(votes);
  const stored = new Set(result.map((r) => r.userId));
  return { stored: stored.size, missing: confirmed.filter((id) => !stored.has(id)).length };
}

async function voteRate(adminUrl: string, sizes: BenchSizes, kind: BotKind) {
  say(`votes (${kind.label}): child process, ${sizes.voteClaims} due claims, warm-up 1 s, then ${sizes.voteSeconds} s with ${sizes.voteConcurrency} clicks in flight`);
  const world = await voteWorld(adminUrl, sizes.voteClaims, kind);
  try {
    const warm = await closedLoop(world, 0, sizes.voteConcurrency, 1);
    const requestsBefore = world.fake.requests.length;
    const cpu = cpuMeter(world.bot.child.pid);
    const measured = await closedLoop(world, warm.nextMember, sizes.voteConcurrency, sizes.voteSeconds);
    const cpuUse = cpu();
    const window = world.fake.requests.slice(requestsBefore);
    const perSecond = (method: string, prefix: string, suffix = '') =>
      round(window.filter((r) => r.method === method && r.path.startsWith(prefix) && r.path.includes(suffix)).length / measured.seconds, 1);
    // Card edits still pending land within the interval; give them time before counting.
    await sleep(3_000);
    const check = await missingVotes(world.database, [...warm.confirmed, ...measured.confirmed]);
    const rate = measured.acked / measured.seconds;
    say(`votes (${kind.label}): ${rate.toFixed(0)}/s; confirmed clicks not stored: ${check.missing}`);
    return {
      rate,
      missing: check.missing,
      details: {
        votesPerSecond: round(rate),
        acknowledged: measured.acked,
        refused: measured.refused,
        confirmedInclWarmup: warm.confirmed.length + measured.confirmed.length,
        votesStored: check.stored,
        confirmedButNotStored: check.missing,
        fakeRequestsPerSecond: {
          callbacks: perSecond('POST', '/interactions/'),
          followups: perSecond('POST', '/webhooks/'),
          interactionEdits: perSecond('PATCH', '/webhooks/'),
          cardEdits: perSecond('PATCH', '/channels/', '/messages/'),
        },
        violations: world.fake.violations.length,
        cpu: cpuUse,
      },
    };
  } finally {
    await world.close();
  }
}

export interface SectionResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

export async function benchVotes(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  const peer = await voteRate(adminUrl, sizes, PEER);
  const ours = await voteRate(adminUrl, sizes, HINDSIGHT);
  const details: Record<string, unknown> = { concurrency: sizes.voteConcurrency, seconds: sizes.voteSeconds, peer: peer.details, hindsight: ours.details };
  const figures: Figure[] = [
    figure({
      id: 'votes_vs_peer',
      name: 'votes/s, Hindsight vs peer',
      value: ours.rate,
      unit: '/s',
      reference: { kind: 'baseline', value: peer.rate, label: 'peer bot' },
      target: '≥ 0.70× peer',
      pass: ours.rate >= 0.7 * peer.rate,
    }),
    figure({
      id: 'votes_absolute',
      name: 'votes/s through Hindsight, every confirmed vote stored',
      value: ours.rate,
      unit: '/s',
      reference: { kind: 'limit', value: 1000, label: 'target' },
      target: '≥ 1000/s, 0 lost',
      pass: ours.rate >= 1000 && ours.missing === 0,
      notes: `${ours.missing} confirmed but not stored (peer: ${peer.missing})`,
    }),
  ];
  return { figures, details };
}

/** Open loop: clicks are dispatched on a timer at `rate`/s whatever the bot answers; latency = dispatch → callback. */
async function openLoopLatency(adminUrl: string, sizes: BenchSizes, kind: BotKind) {
  say(`latency (${kind.label}): fresh bot; ${sizes.latencyRate} clicks/s for ${sizes.latencySeconds} s, open loop`);
  const world = await voteWorld(adminUrl, sizes.voteClaims, kind);
  try {
    await closedLoop(world, 0, 4, 1);
    world.fake.clearViolations();
    const total = Math.round(sizes.latencyRate * sizes.latencySeconds);
    const handles: InteractionHandle[] = [];
    const cpu = cpuMeter(world.bot.child.pid);
    const start = performance.now();
    while (handles.length < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * sizes.latencyRate) / 1000) + 1);
      while (handles.length < due) handles.push(click(world, 1_000_000 + handles.length));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const sendSeconds = (performance.now() - start) / 1000;
    const told = await Promise.allSettled(handles.map((h) => answer(h, 10_000)));
    const cpuUse = cpu();
    const latencies = handles.map((h) => h.state().callback?.latencyMs).filter((ms): ms is number => ms !== undefined);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const max = latencies.length ? Math.max(...latencies) : Number.NaN;
    say(`latency (${kind.label}): p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`);
    return {
      p50,
      p99,
      max,
      unanswered: total - latencies.length,
      details: {
        targetRate: sizes.latencyRate,
        achievedRate: round(total / sendSeconds),
        clicks: total,
        answered: latencies.length,
        p50Ms: p50,
        p99Ms: p99,
        maxMs: max,
        toldYouVoted: told.filter((t) => t.status === 'fulfilled' && isVoteAck(t.value)).length,
        interactionViolations: world.fake.violations.filter((v) => v.kind === 'interaction').length,
        cpu: cpuUse,
      },
    };
  } finally {
    await world.close();
  }
}

export async function benchLatency(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  const peer = await openLoopLatency(adminUrl, sizes, PEER);
  const ours = await openLoopLatency(adminUrl, sizes, HINDSIGHT);
  const limit = { kind: 'limit' as const, value: 50, label: 'p99 target' };
  const name = (what: string, who: string) => `answer latency ${what} @${sizes.latencyRate}/s, ${who}`;
  const figures: Figure[] = [
    figure({ id: 'latency_p50', name: name('p50', 'Hindsight'), value: ours.p50, unit: 'ms', reference: { kind: 'baseline', value: peer.p50, label: 'peer p50' }, target: 'info', pass: null }),
    figure({
      id: 'latency_p99',
      name: name('p99', 'Hindsight'),
      value: ours.p99,
      unit: 'ms',
      reference: limit,
      target: '≤ 50 ms, all answered',
      pass: ours.p99 <= 50 && ours.unanswered === 0,
      ...(ours.unanswered ? { notes: `${ours.unanswered} clicks never answered` } : {}),
    }),
    figure({ id: 'latency_p99_vs_peer', name: name('p99', 'Hindsight vs peer'), value: ours.p99, unit: 'ms', reference: { kind: 'baseline', value: peer.p99, label: 'peer p99' }, target: 'info', pass: null }),
    figure({ id: 'latency_max', name: name('max', 'Hindsight'), value: ours.max, unit: 'ms', reference: { kind: 'baseline', value: peer.max, label: 'peer max' }, target: 'info', pass: null }),
  ];
  return { figures, details: { peer: peer.details, hindsight: ours.details } };
}
