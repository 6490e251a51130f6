/**
 * Our fake Discord answers 500s and 429s in bursts (failNext). Scoring rounds go through the real
 * Scheduler, runRound and discordPoster on a real discord.js client; votes through the whole bot
 * (in-process harness). Nothing is posted twice (one message per nonce, messages = parts),
 * nothing is lost, and retries stay bounded (requests are counted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Events, type Client } from 'discord.js';
import { and, eq, sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';
import { cardRefreshes, scheduleRuns, votes } from '../../src/db/schema.js';
import { createClient } from '../../src/discord/client.js';
import { discordPoster } from '../../src/discord/poster.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import { createLogger } from '../../src/log.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo, type RecordedRequest } from '../fake-discord/index.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { addDueClaims, clickVote, isVoteAck, MANAGER, memberId, postCard, sleep, VERDICTS, waitUntil, type Card } from './world.js';

/** @discordjs/rest retries a 5xx this many times (its default), so a request is sent at most 4 times. */
const REST_RETRIES = 3;
const MESSAGES = 'POST /channels/{channel_id}/messages';
const nonceOf = (r: RecordedRequest) => String((r.body as { nonce?: unknown } | undefined)?.nonce);

describe('scoring rounds while Discord answers 500s and 429s in bursts', () => {
  let fake: FakeDiscord;
  let guild: FakeGuildInfo;
  let database: Database;
  let client: Client;
  let scheduler: Scheduler;
  // A fixed clock: the slot is today's 09:00 UTC, caught up five minutes later.
  const now = new Date();
  now.setUTCHours(9, 5, 0, 0);
  const slot = new Date(now.getTime() - 5 * 60_000);

  beforeAll(async () => {
    fake = await startFakeDiscord({ rateLimits: true, waitTimeoutMs: 10_000 });
    guild = fake.addGuild({ name: 'Bursts' });
    database = await openDatabase({ inMemory: true });
    await migrateDatabase(database);
    await addDueClaims(database, guild.id, 3, now);
    client = createClient(fake.apiUrl);
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    scheduler = new Scheduler({ db: database.db, log: createLogger('silent'), poster: discordPoster(client), now: () => now, catchupHours: 6, graceMs: 0 });
  });
  afterAll(async () => {
    await scheduler?.stop(1_000);
    await client?.destroy();
    await fake?.close();
    await database?.close();
  });

  /** A schedule posting to a new channel of its own; a round is a summary and one card per due claim (4 parts). */
  async function newSchedule() {
    const channel = fake.addChannel(guild.id, { name: `rounds-${Math.random().toString(36).slice(2, 8)}` });
    const row = await addSchedule({ db: database.db, guildId: guild.id, actor: MANAGER, now: () => new Date(now.getTime() - 86_400_000) }, { channelId: channel.id, schedule: 'daily 09:00', timezone: 'UTC' });
    const posts = () => fake.requests.filter((r) => r.route === '/channels/{channel_id}/messages' && r.method === 'POST' && r.path === `/channels/${channel.id}/messages`);
    const runs = () => database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, row.id));
    return { channel, row, posts, runs };
  }

  function expectPostedOnce(s: Awaited<ReturnType<typeof newSchedule>>, parts: number) {
    const messages = fake.messages(s.channel.id);
    const nonces = new Set(s.posts().filter((r) => r.status === 200).map(nonceOf));
    expect(messages).toHaveLength(parts);
    expect(nonces.size).toBe(parts);
    const titles = messages.map((m) => m.embeds[0]?.title ?? '');
    expect(new Set(titles).size).toBe(parts);
    expect(titles.filter((t) => t.startsWith('Scoring round'))).toHaveLength(1);
  }

  it('absorbs a burst of 500s and 429s within discord.js retries: each part posted once', async () => {
    const s = await newSchedule();
    fake.failNext(REST_RETRIES, 500, { match: MESSAGES });
    fake.failNext(2, 429, { match: MESSAGES, retryAfterMs: 300 });
    expect(await scheduler.catchUp({ logSkipped: false, graceMs: 0 })).toBe(1);
    expectPostedOnce(s, 4);
    const [run] = await s.runs();
    expect(run?.outcome).toBe('posted');
    expect(run?.slot.getTime()).toBe(slot.getTime());
    // 4 parts + the 5 injected failures, nothing more.
    expect(s.posts()).toHaveLength(4 + REST_RETRIES + 2);
    fake.assertNoViolations();
  });

  it('a burst longer than the retries leaves the slot half-posted; catch-up posts only the parts not posted', async () => {
    const s = await newSchedule();
    let seen = 0;
    // The third part fails on every attempt (1 + 3 retries); the first two went out.
    fake.failNext(REST_RETRIES + 1, 500, { match: (method, path) => method === 'POST' && path === `/channels/${s.channel.id}/messages` && ++seen > 2 });
    expect(await scheduler.catchUp({ logSkipped: false, graceMs: 0 })).toBe(0);
    expect(fake.messages(s.channel.id)).toHaveLength(2);
    // The outbox keeps the slot, with the two parts it posted: the slot is not finished.
    const [half] = await s.runs();
    expect(half?.outcome).toBe('posting');
    expect(half?.finishedAt ?? null).toBeNull();
    expect(await scheduler.catchUp({ logSkipped: false, graceMs: 0 })).toBe(1);
    expectPostedOnce(s, 4);
    const perNonce = new Map<string, number>();
    for (const r of s.posts()) perNonce.set(nonceOf(r), (perNonce.get(nonceOf(r)) ?? 0) + 1);
    // Parts 0, 1 and 3 were sent once each (nothing re-sent: their ids were recorded), part 2 took 4 + 1 tries.
    expect([...perNonce.values()].sort((x, y) => x - y)).toEqual([1, 1, 1, REST_RETRIES + 2]);
    expect(s.posts()).toHaveLength(4 + REST_RETRIES + 1);
    fake.assertNoViolations();
  });

  it('a global 429 stops every request for its Retry-After: no retry storm', async () => {
    const s = await newSchedule();
    fake.failNext(1, 429, { match: MESSAGES, global: true, retryAfterMs: 1_000 });
    const before = fake.requests.length;
    expect(await scheduler.catchUp({ logSkipped: false, graceMs: 0 })).toBe(1);
    expectPostedOnce(s, 4);
    const window = fake.requests.slice(before);
    const limited = window.find((r) => r.status === 429)!;
    expect(limited).toBeDefined();
    const during = window.filter((r) => r.time > limited.time && r.time < limited.time + 900);
    expect(during).toEqual([]);
    expect(window.filter((r) => r.route === '/channels/{channel_id}/messages')).toHaveLength(5);
  });
});

describe('vote clicks while Discord answers 500s and 429s in bursts', () => {
  let h: BotHarness & { dataDir: string };
  let cards: Card[];
  let next = 0;

  beforeAll(async () => {
    h = await startBotHarness({ fake: { waitTimeoutMs: 10_000 } });
    const numbers = await addDueClaims(h.app.database, h.guild.id, 2);
    cards = [];
    for (const number of numbers) cards.push({ number, messageId: await postCard(h.fake, h.guild.id, number) });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const storedVotes = async (member: string) =>
    h.app.database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(votes).where(and(eq(votes.guildId, h.guild.id), eq(votes.userId, member)));
  const tokenRequests = (token: string) => h.fake.requests.filter((r) => r.path.includes(token));

  async function burstOfClicks(count: number) {
    const clicks = Array.from({ length: count }, () => {
      const i = next++;
      const member = memberId(i);
      return { member, handle: clickVote(h.fake, h.guild.id, cards[i % cards.length]!, VERDICTS[i % VERDICTS.length]!, member) };
    });
    await Promise.allSettled(clicks.map((c) => c.handle.reply(10_000)));
    await sleep(500);
    return clicks;
  }

  it('callbacks and card edits that fail with 500s and 429s are retried: every click answered once, every vote stored once', async () => {
    h.fake.failNext(2, 500, { match: /^POST \/interactions\// });
    h.fake.failNext(2, 500, { match: /^PATCH \/channels\// });
    h.fake.failNext(3, 429, { match: /^PATCH \/channels\//, retryAfterMs: 200 });
    const clicks = await burstOfClicks(12);
    for (const c of clicks) {
      const state = c.handle.state();
      // One answer: the callback itself (no follow-up).
      expect(state.replies, `answers to ${c.member}`).toHaveLength(1);
      expect(state.followups).toHaveLength(0);
      expect(isVoteAck(state.replies[0]!)).toBe(true);
      expect(state.callback!.latencyMs).toBeLessThan(3_000);
      expect((await storedVotes(c.member))[0]!.n).toBe(1);
      // The callback, sent at most 1 + 3 times (500s are retried).
      expect(tokenRequests(c.handle.token).length).toBeLessThanOrEqual(1 + REST_RETRIES);
    }
    // The cards' tallies land despite the failed edits (retried after the interval).
    await waitUntil(
      async () => {
        const [row] = await h.app.database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(cardRefreshes).where(sql`${cardRefreshes.version} > ${cardRefreshes.flushedVersion}`);
        return row!.n === 0 ? true : undefined;
      },
      15_000,
      'every card edited up to date',
    );
    expect(h.fake.stats.injectedFailures).toBeGreaterThanOrEqual(4);
    h.fake.assertNoViolations();
  });

  it('a callback that fails beyond the retries: the vote is stored once, nothing is sent again and again', async () => {
    const before = h.fake.requests.length;
    h.fake.failNext(REST_RETRIES + 1, 500, { match: /^POST \/interactions\// });
    const [c] = await burstOfClicks(1);
    const state = c!.handle.state();
    // The vote was committed before the callback failed: it counts, once.
    expect((await storedVotes(c!.member))[0]!.n).toBe(1);
    expect(state.replies.length).toBeLessThanOrEqual(1);
    const sent = h.fake.requests.slice(before).filter((r) => r.path.includes(c!.handle.token));
    expect(sent.length).toBeLessThanOrEqual(2 * (REST_RETRIES + 1));
    h.fake.assertNoViolations();
    console.info(`callback failed 4 times: the member was then told ${JSON.stringify(state.replies[0]?.content ?? '(nothing)')}`);
  });
});
