/**
 * Votes through the whole bot (fake gateway → discord.js → router → castVote on PostgreSQL →
 * callback, followup and card edit back to the fake), against a raw postgres.js loop doing the
 * same upsert; and the answer latency of vote clicks arriving at a fixed rate (open loop).
 *
 * The bot runs as a child process (`node --import tsx src/main.ts`, as `npm start`), so that it
 * has its own event loop; the fake Discord and the load generator run in this process.
 */
import postgres from 'postgres';
import { eq, sql as dsql } from 'drizzle-orm';
import { claims, votes } from '../src/db/schema.js';
import type { Database } from '../src/db/client.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo, type InteractionHandle } from '../test/fake-discord/index.js';
import type { BotProcess } from '../test/support/bot-process.js';
import {
  addDueClaims,
  clickVote,
  freshDatabase,
  isVoteAck,
  memberId,
  postCard,
  startBotProcess,
  stopBotProcess,
  VERDICTS,
  type Card,
} from '../test/faults/world.js';
import { cpuMeter, figure, percentile, round, say, type BenchSizes, type Figure } from './lib.js';

/** The pool size the bot uses (openDatabase's default); the raw loop gets the same. */
const POOL = 10;
const RAW_GUILD = '100000000000000001';

/** How the bot process is started (one variant today; the field keeps room for comparisons). */
export interface BotVariant {
  label: string;
  env: Record<string, string>;
}

export const AS_IS: BotVariant = { label: 'as is', env: {} };

export const variants = (_sizes: BenchSizes): BotVariant[] => [AS_IS];

interface VoteWorld {
  fake: FakeDiscord;
  guild: FakeGuildInfo;
  database: Database & { url: string };
  bot: BotProcess;
  cards: Card[];
  close(): Promise<void>;
}

async function voteWorld(adminUrl: string, claimsCount: number, variant: BotVariant): Promise<VoteWorld> {
  const fake = await startFakeDiscord({ waitTimeoutMs: 30_000 });
  const guild = fake.addGuild({ name: 'Bench votes' });
  const database = await freshDatabase(adminUrl, 'bench_votes');
  const numbers = await addDueClaims(database, guild.id, claimsCount);
  const bot = await startBotProcess(fake, database.url, variant.env);
  const cards: Card[] = [];
  for (const number of numbers) cards.push({ number, messageId: await postCard(fake, guild.id, number) });
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

/** Closed loop: `concurrency` workers, each clicking as a new member and waiting for its followup, for `seconds`. */
async function closedLoop(world: VoteWorld, firstMember: number, concurrency: number, seconds: number) {
  let next = firstMember;
  let acked = 0;
  let refused = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const reply = await click(world, next++).followup(0, 60_000);
      if (performance.now() > end) break;
      if (isVoteAck(reply)) acked += 1;
      else refused += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { acked, refused, clicks: next - firstMember, seconds: (end - start) / 1000, nextMember: next };
}

/**
 * The same statement as castVote's upsert (insert … on conflict (claim_id, round, user_id) do
 * update … where cast_at <= excluded.cast_at returning verdict), one new member per statement,
 * `concurrency` workers on a pool of the bot's size, in a database of its own.
 */
async function rawUpsertRate(adminUrl: string, claimsCount: number, concurrency: number, seconds: number): Promise<number> {
  const database = await freshDatabase(adminUrl, 'bench_raw');
  await addDueClaims(database, RAW_GUILD, claimsCount);
  const ids = (await database.db.select({ id: claims.id }).from(claims).where(eq(claims.guildId, RAW_GUILD))).map((r) => r.id);
  await database.close();
  const sql = postgres(database.url, { max: POOL, onnotice: () => {} });
  try {
    let i = 0;
    let done = 0;
    const run = async (deadline: number, count: boolean) => {
      const worker = async () => {
        while (performance.now() < deadline) {
          const n = i++;
          await sql`insert into votes (guild_id, claim_id, round, user_id, verdict, evidence, cast_at)
            values (${RAW_GUILD}, ${ids[n % ids.length]!}, 1, ${memberId(n)}, ${VERDICTS[n % VERDICTS.length]!}, ${null}, ${new Date()})
            on conflict (claim_id, round, user_id) do update
              set verdict = excluded.verdict, evidence = excluded.evidence, cast_at = excluded.cast_at
              where votes.cast_at <= excluded.cast_at
            returning verdict`;
          if (count && performance.now() <= deadline) done += 1;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    };
    await run(performance.now() + 1000, false);
    const start = performance.now();
    await run(start + seconds * 1000, true);
    return done / seconds;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function botVoteRate(adminUrl: string, sizes: BenchSizes, variant: BotVariant) {
  say(`votes (${variant.label}): bot child process, ${sizes.voteClaims} due claims, warm-up 1 s, then ${sizes.voteSeconds} s with ${sizes.voteConcurrency} clicks in flight`);
  const world = await voteWorld(adminUrl, sizes.voteClaims, variant);
  try {
    const warm = await closedLoop(world, 0, sizes.voteConcurrency, 1);
    const requestsBefore = world.fake.requests.length;
    const cpu = cpuMeter(world.bot.child.pid);
    const measured = await closedLoop(world, warm.nextMember, sizes.voteConcurrency, sizes.voteSeconds);
    const cpuUse = cpu();
    const window = world.fake.requests.slice(requestsBefore);
    const perSecond = (method: string, prefix: string) => round(window.filter((r) => r.method === method && r.path.startsWith(prefix)).length / measured.seconds, 1);
    const [stored] = await world.database.db.select({ n: dsql<number>`count(*)`.mapWith(Number) }).from(votes);
    const rate = measured.acked / measured.seconds;
    say(`votes (${variant.label}): ${rate.toFixed(0)}/s`);
    return {
      rate,
      details: {
        votesPerSecond: round(rate),
        acknowledged: measured.acked,
        refused: measured.refused,
        // Clicks still in flight when the window closed are answered and stored afterwards; none is lost.
        clicksSentInclWarmup: measured.clicks + warm.clicks,
        votesStoredSoFar: stored?.n ?? 0,
        fakeRequestsPerSecond: {
          callbacks: perSecond('POST', '/interactions/'),
          followups: perSecond('POST', '/webhooks/'),
          cardEdits: perSecond('PATCH', '/webhooks/'),
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
  say(`votes: raw postgres.js upsert loop, ${sizes.voteConcurrency} workers on a pool of ${POOL}, ${sizes.voteSeconds} s`);
  const raw = await rawUpsertRate(adminUrl, sizes.voteClaims, sizes.voteConcurrency, sizes.voteSeconds);
  say(`votes: raw ${raw.toFixed(0)}/s`);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { rawUpsertsPerSecond: round(raw), concurrency: sizes.voteConcurrency, poolSize: POOL, seconds: sizes.voteSeconds };
  for (const variant of variants(sizes)) {
    const bot = await botVoteRate(adminUrl, sizes, variant);
    details[variant === AS_IS ? 'bot' : 'botWithProposedFix'] = bot.details;
    const suffix = variant === AS_IS ? '' : ` (${variant.label})`;
    figures.push(
      figure({
        id: variant === AS_IS ? 'votes_vs_raw' : 'votes_vs_raw_fix',
        name: `votes/s through the bot${suffix}`,
        value: bot.rate,
        unit: '/s',
        reference: { kind: 'baseline', value: raw, label: 'raw postgres.js upsert' },
        target: '≥ 0.50× raw',
        pass: variant === AS_IS ? bot.rate >= 0.5 * raw : null,
      }),
      figure({
        id: variant === AS_IS ? 'votes_absolute' : 'votes_absolute_fix',
        name: `votes/s through the bot${suffix}`,
        value: bot.rate,
        unit: '/s',
        reference: { kind: 'limit', value: 1000, label: 'target' },
        target: '≥ 1000/s',
        pass: variant === AS_IS ? bot.rate >= 1000 : null,
      }),
    );
  }
  return { figures, details };
}

/** Open loop: clicks are dispatched on a timer at `rate`/s whatever the bot answers; latency = dispatch → first callback. */
async function openLoopLatency(adminUrl: string, sizes: BenchSizes, variant: BotVariant) {
  say(`latency (${variant.label}): fresh bot; ${sizes.latencyRate} clicks/s for ${sizes.latencySeconds} s, open loop`);
  const world = await voteWorld(adminUrl, sizes.voteClaims, variant);
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
    await Promise.allSettled(handles.map((h) => h.response(5_000)));
    const cpuUse = cpu();
    // Followups after the window: how many clicks were told "You voted" within 10 s of the last dispatch.
    const told = await Promise.allSettled(handles.map((h) => h.followup(0, 10_000)));
    const latencies = handles.map((h) => h.state().callback?.latencyMs).filter((ms): ms is number => ms !== undefined);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const max = latencies.length ? Math.max(...latencies) : Number.NaN;
    say(`latency (${variant.label}): p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`);
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
        followupsWithin10sOfLastClick: told.filter((t) => t.status === 'fulfilled').length,
        interactionViolations: world.fake.violations.filter((v) => v.kind === 'interaction').length,
        cpu: cpuUse,
      },
    };
  } finally {
    await world.close();
  }
}

export async function benchLatency(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const limit = { kind: 'limit' as const, value: 50, label: 'p99 target' };
  for (const variant of variants(sizes)) {
    const r = await openLoopLatency(adminUrl, sizes, variant);
    details[variant === AS_IS ? 'bot' : 'botWithProposedFix'] = r.details;
    const suffix = variant === AS_IS ? '' : ` (${variant.label})`;
    const name = (what: string) => `answer latency ${what} @${sizes.latencyRate}/s${suffix}`;
    figures.push(
      figure({ id: `latency_p50${variant === AS_IS ? '' : '_fix'}`, name: name('p50'), value: r.p50, unit: 'ms', reference: limit, target: 'info', pass: null }),
      figure({
        id: `latency_p99${variant === AS_IS ? '' : '_fix'}`,
        name: name('p99'),
        value: r.p99,
        unit: 'ms',
        reference: limit,
        target: '≤ 50 ms, all answered',
        pass: variant === AS_IS ? r.p99 <= 50 && r.unanswered === 0 : null,
        ...(r.unanswered ? { notes: `${r.unanswered} clicks never answered` } : {}),
      }),
      figure({ id: `latency_max${variant === AS_IS ? '' : '_fix'}`, name: name('max'), value: r.max, unit: 'ms', reference: limit, target: 'info', pass: null }),
    );
  }
  return { figures, details };
}
