/**
 * The round outbox across kill -9, on PostgreSQL with real bot processes and a fake Discord that
 * forgets nonces at once (so nothing rests on enforce_nonce). The fake holds the request of part k:
 * the bot is killed while it waits, after part k−1's message id was committed. The restart (or two
 * racing restarts) runs with its clock 10 minutes ahead, a long pause within the catch-up window.
 * Every part must be in the channel exactly once, in order, and the slot finished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.js';
import { roundParts, scheduleRuns } from '../../src/db/schema.js';
import { addClaim } from '../../src/ledger/claims.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import { startFakeDiscord, type FakeDiscord, type RecordedRequest } from '../fake-discord/index.js';
import { makeTestDatabaseUrl } from '../support/test-db.js';
import { spawnBot, type BotProcess } from '../support/bot-process.js';

const MANAGER = { id: '900000000000000001', isManager: true };
const DAY = 86_400_000;
const CARDS = 5;
const PARTS = 1 + CARDS;
const started: BotProcess[] = [];
let fake: FakeDiscord;
let database: Database;
let url: string;
let guildId: string;

beforeAll(async () => {
  fake = await startFakeDiscord({ interactionDeadlineMs: 10_000, nonceMemoryMs: 0 });
  guildId = fake.addGuild({ name: 'Outbox' }).id;
  url = await makeTestDatabaseUrl('outbox');
  database = await openDatabase({ databaseUrl: url });
  const then = new Date(Date.now() - 10 * DAY);
  const checkBy = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
  for (let i = 1; i <= CARDS; i++) await addClaim({ db: database.db, guildId, actor: MANAGER, now: () => then }, { claim: `Outbox claim ${i}`, checkBy });
});
afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await fake?.close();
  await database?.close();
});

const bot = (env: Record<string, string> = {}) => {
  const p = spawnBot({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: url, ...env });
  started.push(p);
  return p;
};
const kill = async (p: BotProcess) => {
  p.child.kill('SIGKILL');
  await p.exited;
};
const stop = async (p: BotProcess) => {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
  p.child.kill('SIGTERM');
  return p.exited;
};
const nonceOf = (r: RecordedRequest) => String((r.body as { nonce?: unknown } | undefined)?.nonce ?? '');

/**
 * A schedule made two minutes ago whose one slot (a yearly cron with a seconds field) passed a
 * minute ago: the bot's start-up catch-up posts it at once, with no wait for a live fire.
 */
async function missedSchedule(channelId: string) {
  const now = Date.now();
  const at = new Date(Math.floor((now - 60_000) / 1000) * 1000);
  const cron = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
  const ctx = { db: database.db, guildId, actor: MANAGER, now: () => new Date(now - 120_000) };
  return { schedule: await addSchedule(ctx, { channelId, schedule: cron, timezone: 'UTC' }), at };
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killMidRound(name: string, part: number, when: 'before' | 'after', restarts: number) {
  const channel = fake.addChannel(guildId, { name });
  const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/messages`);
  const hold = fake.hold((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/messages` && nonceOf(r).endsWith(`.${part}`), { when });
  // Missed while no bot ran: A's start-up catch-up takes it.
  const { schedule } = await missedSchedule(channel.id);
  const a = bot();
  await Promise.race([hold.reached, a.exited.then(() => Promise.reject(new Error(`bot A exited:\n${a.lines.slice(-10).join('\n')}`)))]);
  if (when === 'before') {
    // Part k−1's id is committed before part k is sent (one part at a time, id recorded on the answer).
    const [previous] = await database.db.select().from(roundParts).where(and(eq(roundParts.scheduleId, schedule.id), eq(roundParts.part, part - 1)));
    expect(previous!.messageId).not.toBeNull();
  }
  await kill(a);
  hold.drop();
  expect(fake.messages(channel.id)).toHaveLength(when === 'before' ? part : part + 1);

  const bots = Array.from({ length: restarts }, () => bot({ HINDSIGHT_TEST_CLOCK_OFFSET_MS: String(10 * 60_000) }));
  const run = await waitFor(
    async () => {
      const [row] = await database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id));
      return row?.outcome === 'posted' ? row : undefined;
    },
    90_000,
    `slot of ${name} finished`,
  );
  // A racer still starting when the slot finished must be up before SIGTERM means "stop cleanly".
  for (const b of bots) await b.waitFor(/scheduler started/, 60_000);
  for (const b of bots) expect(await stop(b)).toBe(0);

  const parts = await database.db.select().from(roundParts).where(eq(roundParts.scheduleId, schedule.id)).orderBy(asc(roundParts.part));
  expect(parts).toHaveLength(PARTS);
  const expected = parts.map((p) => (p.payload as { embeds: { title: string }[] }).embeds[0]!.title);
  const messages = fake.messages(channel.id);
  // Each part exactly once, in order, and the ids recorded are the messages in the channel.
  expect(messages.map((m) => m.embeds[0]?.title)).toEqual(expected);
  expect(parts.map((p) => p.messageId)).toEqual(messages.map((m) => m.id));
  expect(run.messageIds).toEqual(messages.map((m) => m.id));
  expect(run.finishedAt).not.toBeNull();
  const resumedBy = bots.filter((b) => b.lines.some((l) => l.includes('resuming a half-posted round')));
  expect(resumedBy.length).toBeGreaterThanOrEqual(1);
  return { posts: posts(), bots };
}

describe('kill -9 mid-round, Discord forgetting nonces at once', () => {
  it('after the first part: the restart posts the other parts once each, in order', async () => {
    await killMidRound('after-first', 1, 'before', 1);
  }, 180_000);

  it('after a middle part', async () => {
    await killMidRound('after-middle', 3, 'before', 1);
  }, 180_000);

  it('after the last part reached Discord, before its id was committed: found in the channel, not sent again', async () => {
    const { posts } = await killMidRound('after-last', PARTS - 1, 'after', 1);
    // The last part was sent once only: the restart read the channel instead of re-sending it.
    expect(posts.filter((r) => nonceOf(r).endsWith(`.${PARTS - 1}`))).toHaveLength(1);
  }, 180_000);

  it('two processes racing to resume: one takes the slot, every part once', async () => {
    const { bots } = await killMidRound('race', 2, 'before', 2);
    const resumers = bots.filter((b) => b.lines.some((l) => /"outcome":"posted"/.test(l)));
    expect(resumers).toHaveLength(1);
  }, 180_000);
});
