/**
 * One scoring round fanned out to many channels against the fake with Discord's rate limits on
 * (50 requests/s global, 5 per 5 s per channel, 429s with headers): the real Scheduler and
 * runRound with discordPoster on a real discord.js client (src/discord/client.ts) logged into
 * the fake, on PostgreSQL with the bot's pool size. Every schedule's slot is run at once, as
 * node-cron fires them when they share a time.
 */
import { Events } from 'discord.js';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { createClient } from '../src/discord/client.js';
import { discordPoster } from '../src/discord/poster.js';
import { Scheduler } from '../src/jobs/scheduler.js';
import { createLogger } from '../src/log.js';
import { startFakeDiscord } from '../test/fake-discord/index.js';
import { freshDatabase } from '../test/faults/world.js';
import { figure, round, say, timed, type BenchSizes } from './lib.js';
import type { SectionResult } from './votes.js';

const HOUR = 3_600_000;
const GLOBAL_PER_SECOND = 50;
const LIMIT_SECONDS = 40;

interface Fanout {
  seconds: number;
  posted: number;
  schedules: number;
  messages: number;
  floor: number;
  limited: number;
  globalLimited: number;
  channelLimited: number;
  noExtra429: boolean;
  details: Record<string, unknown>;
}

/** One slot of `channels` schedules (one server and channel each), each round with `cards` newly due claims (0: summary only). */
async function fanout(adminUrl: string, channels: number, cards: number): Promise<Fanout> {
  const fake = await startFakeDiscord({ rateLimits: true, waitTimeoutMs: 30_000 });
  const guilds = Array.from({ length: channels }, (_, i) => fake.addGuild({ name: `Round ${i}` }));
  const seeded = await freshDatabase(adminUrl, 'bench_round');
  await seeded.close();
  const slot = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const lastSlot = new Date(slot.getTime() - 24 * HOUR);
  const sql = postgres(seeded.url, { max: 2, onnotice: () => {} });
  const client = createClient(fake.apiUrl);
  const database = await openDatabase({ databaseUrl: seeded.url });
  try {
    say(`round: ${channels} servers, one schedule and channel each, ${cards} newly due claim(s) per server`);
    const schedules = await sql<{ id: number }[]>`
      insert into schedules ${sql(
        guilds.map((g) => ({
          guild_id: g.id,
          channel_id: g.defaultChannelId,
          cron: '0 * * * *',
          timezone: 'UTC',
          description: 'every hour (UTC)',
          created_by: '800000000000000001',
          created_at: new Date(slot.getTime() - 48 * HOUR),
          last_slot: lastSlot,
        })),
      )} returning id`;
    // Newly due claims (their window opened since the last round) get a card each; with
    // BENCH_ROUND_CARDS=0 a claim that was already due then makes a summary-only round.
    const claimRows = guilds.flatMap((g) =>
      Array.from({ length: Math.max(1, cards) }, (_, n) => {
        const dueAt = new Date((cards ? slot.getTime() : lastSlot.getTime()) - HOUR);
        return {
          guild_id: g.id,
          number: n + 1,
          text: `Claim ${n + 1} of round server ${g.name}`,
          made_on: '2025-01-01',
          check_by: new Date(dueAt.getTime() - 24 * HOUR).toISOString().slice(0, 10),
          due_at: dueAt,
          window_starts_at: dueAt,
          voting_closes_at: new Date(dueAt.getTime() + 7 * 24 * HOUR),
          added_by: '800000000000000001',
        };
      }),
    );
    for (let i = 0; i < claimRows.length; i += 5_000) await sql`insert into claims ${sql(claimRows.slice(i, i + 5_000))}`;

    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    const scheduler = new Scheduler({ db: database.db, log: createLogger('warn'), poster: discordPoster(client), now: () => slot, catchupHours: 6 });
    const requestsBefore = fake.requests.length;
    const statsBefore = { ...fake.stats };
    say(`round: running ${schedules.length} slots at once`);
    const run = await timed(() => Promise.all(schedules.map((s) => scheduler.runSlot(s.id, slot))));
    const seconds = run.ms / 1000;
    const requests = fake.requests.slice(requestsBefore);
    const limited = requests.filter((r) => r.status === 429);
    const perChannel = new Map<string, number>();
    for (const r of limited) perChannel.set(r.path, (perChannel.get(r.path) ?? 0) + 1);
    const channelLimited = fake.stats.rateLimited - statsBefore.rateLimited - (fake.stats.globalRateLimited - statsBefore.globalRateLimited);
    const globalLimited = fake.stats.globalRateLimited - statsBefore.globalRateLimited;
    const posted = run.result.filter((r) => r?.outcome === 'posted').length;
    const messages = guilds.reduce((sum, g) => sum + fake.messages(g.defaultChannelId).length, 0);
    const nonces = new Set(requests.filter((r) => r.status === 200).map((r) => `${r.path} ${String((r.body as { nonce?: string }).nonce)}`));
    const floor = messages / GLOBAL_PER_SECOND;
    const beyondFirst = [...perChannel.values()].filter((n) => n > 1).length;
    // The first 429 of a bucket is how a client learns it; anything beyond that is the bot's fault.
    const noExtra429 = globalLimited <= 1 && beyondFirst === 0;
    say(`round: ${posted}/${schedules.length} posted, ${messages} messages in ${seconds.toFixed(1)} s, 429s: ${limited.length}`);
    return {
      seconds,
      posted,
      schedules: schedules.length,
      messages,
      floor,
      limited: limited.length,
      globalLimited,
      channelLimited,
      noExtra429,
      details: {
        channels,
        cardsPerRound: cards,
        posted,
        failedOrMissing: schedules.length - posted,
        messages,
        distinctNonces: nonces.size,
        requests: requests.length,
        seconds: round(seconds, 2),
        floorSecondsAt50PerSecond: round(floor, 2),
        messagesPerSecond: round(messages / seconds, 1),
        status429: { total: limited.length, global: globalLimited, perChannelBucket: channelLimited, channelsWithMoreThanOne: beyondFirst },
        violations: fake.violations.length,
      },
    };
  } finally {
    await client.destroy();
    await fake.close();
    await database.close();
    await sql.end({ timeout: 5 });
  }
}

export async function benchRoundFanout(adminUrl: string, sizes: BenchSizes): Promise<SectionResult> {
  const channels = sizes.roundChannels;
  const main = await fanout(adminUrl, channels, sizes.roundCards);
  const limit = { kind: 'limit' as const, value: LIMIT_SECONDS, label: 'target' };
  const figures = [
    figure({
      id: 'round_seconds',
      name: `round to ${channels} channels (${main.messages} messages)`,
      value: main.seconds,
      unit: 's',
      reference: limit,
      target: '≤ 40 s, all posted',
      pass: main.seconds <= LIMIT_SECONDS && main.posted === main.schedules,
      notes: `floor at 50 req/s: ${main.floor.toFixed(1)} s`,
    }),
    figure({
      id: 'round_rate',
      name: 'round posting rate',
      value: main.messages / main.seconds,
      unit: '/s',
      reference: { kind: 'limit', value: GLOBAL_PER_SECOND, label: 'global rate limit' },
      target: 'info',
      pass: null,
    }),
    figure({
      id: 'round_429',
      name: 'round: 429s received',
      value: main.limited,
      unit: '',
      reference: { kind: 'limit', value: channels + 1, label: 'one per bucket' },
      target: 'none beyond 1st per bucket',
      pass: main.noExtra429,
      notes: `global ${main.globalLimited}, channel ${main.channelLimited}`,
    }),
  ];
  const details: Record<string, unknown> = { withCards: main.details };
  if (sizes.roundCards > 0) {
    // The same fan-out when a round is a single message (nothing newly due: the summary only).
    const single = await fanout(adminUrl, channels, 0);
    details.summaryOnly = single.details;
    figures.push(
      figure({
        id: 'round_seconds_summary_only',
        name: `round to ${channels} channels, summary only (${single.messages} messages)`,
        value: single.seconds,
        unit: 's',
        reference: limit,
        target: 'info',
        pass: null,
        notes: `429s: ${single.limited}`,
      }),
    );
  }
  return { figures, details };
}
