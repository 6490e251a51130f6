/**
 * kill -9 of the bot process at random points: in the middle of a burst of votes, and in the
 * middle of posting a scoring round. After a restart every vote the bot acknowledged is stored,
 * and the round's slot is finished with one message per part (nonce), none doubled.
 *
 * The kill points come from a seeded generator; the seed is printed (FAULTS_SEED reproduces a run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { scheduleRuns, votes } from '../../src/db/schema.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import type { Database } from '../../src/db/client.js';
import { startFakeDiscord, type FakeDiscord, type InteractionHandle, type RecordedRequest } from '../fake-discord/index.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import type { BotProcess } from '../support/bot-process.js';
import {
  addDueClaims,
  clickVote,
  freshDatabase,
  isVoteAck,
  killBotProcess,
  MANAGER,
  memberId,
  postCard,
  sleep,
  startBotProcess,
  stopBotProcess,
  VERDICTS,
  waitUntil,
  type Card,
} from './world.js';

const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);
/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const between = (min: number, max: number) => Math.floor(min + rand() * (max - min + 1));

let cluster: PgCluster;
const opened: Database[] = [];
const bots: BotProcess[] = [];
const fakes: FakeDiscord[] = [];

beforeAll(async () => {
  console.info(`kill -9 points from FAULTS_SEED=${SEED}`);
  cluster = await startPgCluster();
});
afterAll(async () => {
  for (const bot of bots) await killBotProcess(bot);
  for (const fake of fakes) await fake.close();
  for (const database of opened) await database.close().catch(() => undefined);
  await cluster?.stop();
});

async function world(fakeOptions: Parameters<typeof startFakeDiscord>[0] = {}) {
  const fake = await startFakeDiscord({ waitTimeoutMs: 15_000, ...fakeOptions });
  fakes.push(fake);
  const guild = fake.addGuild({ name: 'Kill -9' });
  const database = await freshDatabase(cluster.url, 'kill', 2);
  opened.push(database);
  const start = async () => {
    const bot = await startBotProcess(fake, database.url);
    bots.push(bot);
    return bot;
  };
  return { fake, guild, database, start };
}

describe('kill -9 in the middle of a burst of votes', () => {
  it('every vote the bot acknowledged before the kill is stored after a restart (3 random kill points)', async () => {
    const w = await world();
    const numbers = await addDueClaims(w.database, w.guild.id, 3);
    let bot = await w.start();
    const cards: Card[] = [];
    for (const number of numbers) cards.push({ number, messageId: await postCard(w.fake, w.guild.id, number) });
    let member = 0;
    const acknowledged: { member: string; verdict: string }[] = [];
    for (let round = 0; round < 3; round++) {
      const killAfterMs = between(50, 1_500);
      const handles: { member: string; verdict: string; handle: InteractionHandle }[] = [];
      const started = Date.now();
      // 150 clicks/s from new members, open loop, until the kill.
      while (Date.now() - started < killAfterMs) {
        const due = Math.floor(((Date.now() - started) * 150) / 1000) + 1;
        while (handles.length < due) {
          const i = member++;
          const verdict = VERDICTS[i % VERDICTS.length]!;
          handles.push({ member: memberId(i), verdict, handle: clickVote(w.fake, w.guild.id, cards[i % cards.length]!, verdict, memberId(i)) });
        }
        await sleep(2);
      }
      await killBotProcess(bot);
      const acked = handles.filter((h) => h.handle.state().replies.some(isVoteAck));
      console.info(`round ${round}: killed after ${killAfterMs} ms, ${handles.length} clicks, ${acked.length} acknowledged`);
      acknowledged.push(...acked.map(({ member: m, verdict }) => ({ member: m, verdict })));
      bot = await w.start();
    }
    // The restarted bot takes votes again.
    const again = await clickVote(w.fake, w.guild.id, cards[0]!, 'partly', memberId(member++)).reply(15_000);
    expect(isVoteAck(again)).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      const [row] = await w.database.db.select().from(votes).where(and(eq(votes.guildId, w.guild.id), eq(votes.userId, a.member)));
      expect(row, `acknowledged vote of ${a.member} lost`).toBeDefined();
      expect(row!.verdict).toBe(a.verdict);
    }
    // Clicks in flight at a kill were never answered (Discord shows "did not respond"); nothing else is wrong.
    w.fake.assertNoViolations((v) => v.kind !== 'interaction');
    expect(await stopBotProcess(bot)).toBe(0);
  }, 180_000);
});

describe('kill -9 in the middle of posting a round', () => {
  it('the restarted bot finishes the slot: every part once, none doubled (2 random kill points)', async () => {
    // Each post takes 150 ms, so a round of 1 + 6 parts is killable part-way.
    const w = await world({ latencyMs: 150 });
    await addDueClaims(w.database, w.guild.id, 6);
    const parts = 7;
    for (let round = 0; round < 2; round++) {
      const channel = w.fake.addChannel(w.guild.id, { name: `rounds-${round}` });
      // One fire a minute, about 15 s from now: the bot has started by then.
      const fireAt = new Date(Date.now() + 15_000);
      const schedule = await addSchedule(
        { db: w.database.db, guildId: w.guild.id, actor: MANAGER, now: () => new Date() },
        { channelId: channel.id, schedule: `${fireAt.getUTCSeconds()} * * * * *`, timezone: 'UTC' },
        // Test-only: this schedule fires every minute; servers get at least an hour between rounds.
        { minIntervalSeconds: 1 },
      );
      const posts = () => w.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/messages`);
      const killAfterPosts = between(1, parts - 1);
      const bot = await w.start();
      await waitUntil(() => (posts().filter((r) => r.status === 200).length >= killAfterPosts ? true : undefined), 75_000, `${killAfterPosts} posts`, 5);
      await killBotProcess(bot);
      const nonceOf = (r: RecordedRequest) => String((r.body as { nonce?: unknown }).nonce);
      const slotOf = (nonce: string) => nonce.split('.').slice(0, 2).join('.');
      const slot = slotOf(nonceOf(posts()[0]!));
      const before = w.fake.messages(channel.id).length;
      console.info(`round ${round}: killed after ${killAfterPosts} of ${parts} parts were posted (${before} messages in the channel at the kill)`);

      const restarted = await w.start();
      await restarted.waitFor(new RegExp(`"scheduleId":${schedule.id},.*"outcome":"posted"`), 30_000);
      expect(await stopBotProcess(restarted)).toBe(0);

      const sent = posts().filter((r) => slotOf(nonceOf(r)) === slot);
      expect(new Set(sent.map(nonceOf))).toEqual(new Set(Array.from({ length: parts }, (_, i) => `${slot}.${i}`)));
      const messages = w.fake.messages(channel.id);
      expect(messages).toHaveLength(parts);
      const titles = messages.map((m) => m.embeds[0]?.title ?? '');
      expect(new Set(titles).size).toBe(parts);
      const runs = await w.database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id));
      expect(runs.filter((r) => r.outcome === 'posted')).toHaveLength(1);
    }
    w.fake.assertNoViolations((v) => v.kind !== 'interaction');
  }, 240_000);
});
