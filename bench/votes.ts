/**
 * Votes through the whole bot (fake gateway → discord.js → router → castVote on PostgreSQL →
 * the click's callback back to the fake; card edits coalesced by the card flusher), next to the
 * peer (bench/peer-bot.ts: a minimal discord.js bot, one upsert, one ephemeral reply), with the
 * same load against the same fake Discord and PostgreSQL cluster, in the same run. Also the
 * answer latency of clicks arriving at a fixed rate (open loop), for both.
 *
 * Each bot runs as a child process of compiled JavaScript (bench/bots.ts: Hindsight's dist/, as
 * `npm start` runs it; the peer bundled), so it has its own event loop; the fake Discord and the
 * load generator run in this process. The vote runs are repeated with 10, 1,000 and 100,000
 * votes already on each claim (BENCH_VOTE_PRESEED; inserted with one SQL statement, then VACUUM
 * ANALYZE): a vote's cost should not depend on them. Before each run the load average is printed
 * and a run on a machine that is not quiet is refused (lib.ts, quietBefore).
 */
import { REST, Routes } from 'discord.js';
import { sql as dsql } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { cardData } from '../src/ledger/claim-queries.js';
import { rowsOf } from '../src/ledger/claim-row.js';
import { claimCard } from '../src/kit/render.js';
import { messageBody } from '../src/discord/poster.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo, type InteractionHandle } from '../test/fake-discord/index.js';
import type { BotProcess } from '../test/support/bot-process.js';
import { addDueClaims, clickVote, freshDatabase, isVoteAck, memberId, sleep, stopBotProcess, VERDICTS, type Card } from '../test/faults/world.js';
import { compiledBots, startCompiled, type Bots, type CompiledBot } from './bots.js';
import { figure, markLoad, percentile, postmasterOf, processMeter, quietBefore, round, say, type BenchSizes, type Figure, type Quiet } from './lib.js';
import { guildScope } from '../src/ledger/context.js';

/** Which bot a world runs. */
export interface BotKind {
  label: 'hindsight' | 'peer';
  bot(bots: Bots): CompiledBot;
}

export const HINDSIGHT: BotKind = { label: 'hindsight', bot: (b) => b.hindsight };
export const PEER: BotKind = { label: 'peer', bot: (b) => b.peer };

interface VoteWorld {
  fake: FakeDiscord;
  guild: FakeGuildInfo;
  database: Database & { url: string };
  bot: BotProcess;
  build: string;
  cards: Card[];
  close(): Promise<void>;
}

/** `perClaim` votes by members who are not the bench's clickers on every claim of the guild, then VACUUM ANALYZE. */
async function preseedVotes(database: Database, guildId: string, perClaim: number): Promise<void> {
  if (perClaim <= 0) return;
  await database.db.execute(dsql`
    insert into votes (guild_id, claim_id, round, user_id, verdict, cast_at)
    select c.guild_id, c.id, c.round, 'seed-' || c.id || '-' || i, (array['came_true', 'partly', 'did_not', 'too_early'])[1 + i % 4]::verdict, now() - interval '1 hour'
    from claims c cross join generate_series(1, ${perClaim}::int) i
    where c.guild_id = ${guildId}`);
  await database.db.execute(dsql`vacuum analyze votes`);
}

/**
 * Due claims with `preseed` votes each, each posted as a card (the card Hindsight renders, with
 * its vote buttons) to a channel by the bench through the bot's REST, as a round posts it: the
 * same cards for both bots.
 */
async function voteWorld(adminUrl: string, claimsCount: number, kind: BotKind, preseed: number): Promise<VoteWorld> {
  const fake = await startFakeDiscord({ waitTimeoutMs: 30_000 });
  const guild = fake.addGuild({ name: `Bench votes (${kind.label})` });
  const database = await freshDatabase(adminUrl, `bench_votes_${kind.label}`);
  const numbers = await addDueClaims(database, guild.id, claimsCount);
  await preseedVotes(database, guild.id, preseed);
  const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
  const cards: Card[] = [];
  const rows = rowsOf<{ id: number; number: number }>(await database.db.execute(dsql`select id, number from claims where guild_id = ${guild.id} order by number`));
  for (const number of numbers) {
    const data = await cardData(guildScope(database.db, guild.id), rows.find((r) => r.number === number)!.id, new Date());
    const message = (await rest.post(Routes.channelMessages(guild.defaultChannelId), { body: messageBody(claimCard(data!, new Date())) })) as { id: string };
    cards.push({ number, messageId: message.id });
  }
  const compiled = kind.bot(compiledBots());
  const bot = await startCompiled(compiled, fake, database.url);
  return {
    fake,
    guild,
    database,
    bot,
    build: compiled.build,
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

/** Confirmed clicks whose vote is not in the database (must be 0). The pre-seeded votes are left out. */
async function missingVotes(database: Database, confirmed: readonly string[]): Promise<{ stored: number; missing: number }> {
  const result = rowsOf<{ user_id: string }>(await database.db.execute(dsql`select user_id from votes where user_id not like 'seed-%'`));
  const stored = new Set(result.map((r) => r.user_id));
  return { stored: stored.size, missing: confirmed.filter((id) => !stored.has(id)).length };
}

interface VoteRun {
  rate: number;
  missing: number;
  /** Milliseconds of CPU per acknowledged vote. */
  pgCpuPerVoteMs: number;
  botCpuPerVoteMs: number;
  quiet: Quiet;
  details: Record<string, unknown>;
}

async function voteRate(adminUrl: string, sizes: BenchSizes, kind: BotKind, preseed: number, postmaster: number): Promise<VoteRun> {
  const label = `votes (${kind.label}, ${preseed.toLocaleString('en')} votes on each claim)`;
  say(`${label}: ${sizes.voteClaims} due claims, warm-up 1 s, then ${sizes.voteSeconds} s with ${sizes.voteConcurrency} clicks in flight`);
  const world = await voteWorld(adminUrl, sizes.voteClaims, kind, preseed);
  try {
    const quiet = await quietBefore(label, sizes);
    const warm = await closedLoop(world, 0, sizes.voteConcurrency, 1);
    const requestsBefore = world.fake.requests.length;
    const statements = process.env.BENCH_PG_STATEMENTS === '1';
    if (statements) {
      await world.database.db.execute(dsql`create extension if not exists pg_stat_statements`);
      await world.database.db.execute(dsql`select pg_stat_statements_reset()`);
    }
    const cpu = processMeter({ bot: [world.bot.child.pid!] }, postmaster);
    const measured = await closedLoop(world, warm.nextMember, sizes.voteConcurrency, sizes.voteSeconds);
    const cpuUse = cpu();
    // Diagnostics (BENCH_PG_STATEMENTS=1, with HINDSIGHT_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'"): where PostgreSQL's time went.
    const topStatements = statements
      ? rowsOf<{ query: string; calls: number; total_ms: number; mean_ms: number; rows: number; blks: number }>(
          await world.database.db.execute(dsql`
            select left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 160) as query, calls, round(total_exec_time::numeric, 1)::float as total_ms,
              round(mean_exec_time::numeric, 4)::float as mean_ms, rows, shared_blks_hit + shared_blks_read as blks
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
            order by total_exec_time desc limit 8`),
        )
      : [];
    for (const s of topStatements) say(`${label}: statement ${s.calls} calls, ${s.total_ms} ms, ${s.mean_ms} ms each, ${s.blks} blocks: ${s.query}`);
    const window = world.fake.requests.slice(requestsBefore);
    const perSecond = (method: string, prefix: string, suffix = '') =>
      round(window.filter((r) => r.method === method && r.path.startsWith(prefix) && r.path.includes(suffix)).length / measured.seconds, 1);
    // Card edits still pending land within the interval; give them time before counting.
    await sleep(3_000);
    const check = await missingVotes(world.database, [...warm.confirmed, ...measured.confirmed]);
    const rate = measured.acked / measured.seconds;
    const perVote = (seconds: number | undefined) => (measured.acked ? round(((seconds ?? 0) * 1000) / measured.acked, 3) : Number.NaN);
    const pgCpuPerVoteMs = perVote(cpuUse.cpuSeconds.postgres);
    const botCpuPerVoteMs = perVote(cpuUse.cpuSeconds.bot);
    say(`${label}: ${rate.toFixed(0)}/s; PostgreSQL ${pgCpuPerVoteMs} ms CPU per vote, bot ${botCpuPerVoteMs} ms; confirmed clicks not stored: ${check.missing}`);
    return {
      rate,
      missing: check.missing,
      pgCpuPerVoteMs,
      botCpuPerVoteMs,
      quiet,
      details: {
        bot: world.build,
        preseededVotesPerClaim: preseed,
        loadBefore: quiet.load,
        quiet: quiet.quiet,
        votesPerSecond: round(rate),
        acknowledged: measured.acked,
        refused: measured.refused,
        confirmedInclWarmup: warm.confirmed.length + measured.confirmed.length,
        votesStored: check.stored,
        confirmedButNotStored: check.missing,
        cpuMsPerVote: { postgres: pgCpuPerVoteMs, bot: botCpuPerVoteMs, benchProcess: perVote(cpuUse.cpuSeconds['bench process (fake Discord, load generator)']) },
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
  const postmaster = await postmasterOf(adminUrl);
  const bots = compiledBots();
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { concurrency: sizes.voteConcurrency, seconds: sizes.voteSeconds, bots: { hindsight: bots.hindsight.build, peer: bots.peer.build } };
  const ours: Record<number, VoteRun> = {};
  for (const preseed of sizes.votePreseed) {
    const peer = await voteRate(adminUrl, sizes, PEER, preseed, postmaster);
    const run = await voteRate(adminUrl, sizes, HINDSIGHT, preseed, postmaster);
    ours[preseed] = run;
    details[`preseed_${preseed}`] = { peer: peer.details, hindsight: run.details };
    const on = `${preseed.toLocaleString('en')} votes on each claim`;
    figures.push(
      markLoad(
        figure({
          id: `votes_vs_peer_${preseed}`,
          name: `votes/s, Hindsight vs peer (${on})`,
          value: round(run.rate),
          unit: '/s',
          reference: { kind: 'baseline', value: round(peer.rate), label: 'peer bot' },
          target: '≥ 0.70× peer, 0 lost',
          pass: run.rate >= 0.7 * peer.rate && run.missing === 0,
          notes: `${run.missing} confirmed but not stored (peer: ${peer.missing})`,
        }),
        peer.quiet,
        run.quiet,
      ),
      markLoad(
        figure({
          id: `votes_pg_cpu_${preseed}`,
          name: `PostgreSQL CPU per vote, Hindsight vs peer (${on})`,
          value: run.pgCpuPerVoteMs,
          unit: 'ms',
          reference: { kind: 'baseline', value: peer.pgCpuPerVoteMs, label: 'peer bot' },
          target: '≤ 3.00× peer',
          pass: run.pgCpuPerVoteMs <= 3 * peer.pgCpuPerVoteMs,
        }),
        peer.quiet,
        run.quiet,
      ),
      markLoad(
        figure({
          id: `votes_bot_cpu_${preseed}`,
          name: `bot CPU per vote, Hindsight vs peer (${on})`,
          value: run.botCpuPerVoteMs,
          unit: 'ms',
          reference: { kind: 'baseline', value: peer.botCpuPerVoteMs, label: 'peer bot' },
          target: 'info',
          pass: null,
        }),
        peer.quiet,
        run.quiet,
      ),
    );
  }
  const counts = sizes.votePreseed;
  if (counts.length > 1) {
    const [fewest, most] = [Math.min(...counts), Math.max(...counts)];
    figures.push(
      markLoad(
        figure({
          id: 'votes_pg_cpu_flat',
          name: `Hindsight PostgreSQL CPU per vote with ${most.toLocaleString('en')} vs ${fewest.toLocaleString('en')} votes on each claim`,
          value: ours[most]!.pgCpuPerVoteMs,
          unit: 'ms',
          reference: { kind: 'baseline', value: ours[fewest]!.pgCpuPerVoteMs, label: `${fewest.toLocaleString('en')} votes on each claim` },
          target: 'flat (info)',
          pass: null,
        }),
        ours[most]!.quiet,
        ours[fewest]!.quiet,
      ),
    );
  }
  return { figures, details };
}

/** Open loop: clicks are dispatched on a timer at `rate`/s whatever the bot answers; latency = dispatch → callback. */
async function openLoopLatency(adminUrl: string, sizes: BenchSizes, kind: BotKind, postmaster: number) {
  const label = `latency (${kind.label})`;
  say(`${label}: fresh bot; ${sizes.latencyRate} clicks/s for ${sizes.latencySeconds} s, open loop`);
  const world = await voteWorld(adminUrl, sizes.voteClaims, kind, sizes.votePreseed[0] ?? 10);
  try {
    const quiet = await quietBefore(label, sizes);
    await closedLoop(world, 0, 4, 1);
    world.fake.clearViolations();
    const total = Math.round(sizes.latencyRate * sizes.latencySeconds);
    const handles: InteractionHandle[] = [];
    const cpu = processMeter({ bot: [world.bot.child.pid!] }, postmaster);
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
    say(`${label}: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`);
    return {
      p50,
      p99,
      max,
      quiet,
      unanswered: total - latencies.length,
      details: {
        bot: world.build,
        loadBefore: quiet.load,
        quiet: quiet.quiet,
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
  const postmaster = await postmasterOf(adminUrl);
  const peer = await openLoopLatency(adminUrl, sizes, PEER, postmaster);
  const ours = await openLoopLatency(adminUrl, sizes, HINDSIGHT, postmaster);
  const limit = { kind: 'limit' as const, value: 50, label: 'p99 target' };
  const name = (what: string, who: string) => `answer latency ${what} @${sizes.latencyRate}/s, ${who}`;
  const mark = (f: Figure) => markLoad(f, peer.quiet, ours.quiet);
  const figures: Figure[] = [
    mark(figure({ id: 'latency_p50', name: name('p50', 'Hindsight'), value: ours.p50, unit: 'ms', reference: { kind: 'baseline', value: peer.p50, label: 'peer p50' }, target: 'info', pass: null })),
    mark(
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
    ),
    mark(
      figure({
        id: 'latency_p99_vs_peer',
        name: name('p99', 'Hindsight vs peer'),
        value: ours.p99,
        unit: 'ms',
        reference: { kind: 'baseline', value: peer.p99, label: 'peer p99' },
        target: '≤ 2.00× peer',
        pass: ours.p99 <= 2 * peer.p99 && ours.unanswered === 0,
      }),
    ),
    mark(figure({ id: 'latency_max', name: name('max', 'Hindsight'), value: ours.max, unit: 'ms', reference: { kind: 'baseline', value: peer.max, label: 'peer max' }, target: 'info', pass: null })),
  ];
  return { figures, details: { peer: peer.details, hindsight: ours.details } };
}
