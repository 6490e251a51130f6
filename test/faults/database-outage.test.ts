/**
 * PostgreSQL goes away for a minute (`pg_ctl stop -m fast`, then started again on the same data
 * directory and port) while members keep clicking vote buttons on the bot (a child process): a
 * new member clicks every 100 ms from before the stop until after the return, so votes are in
 * flight when the server goes and when it comes back. The bot stays up, every click is answered
 * within 3 s (a clear ephemeral message while the server is away), votes work again within 5 s
 * of the server returning (no restart), and every vote acknowledged with "You voted" is in the
 * votes table afterwards.
 *
 * FAULTS_OUTAGE_SECONDS shortens the outage for a quick local run (default 60).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { votes } from '../../src/db/schema.js';
import { DATABASE_UNAVAILABLE } from '../../src/kit/failures.js';
import type { Database } from '../../src/db/client.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo, type FakeReply } from '../fake-discord/index.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import type { BotProcess } from '../support/bot-process.js';
import {
  addDueClaims,
  clickVote,
  freshDatabase,
  isVoteAck,
  memberId,
  postCard,
  sleep,
  startBotProcess,
  stopBotProcess,
  VERDICTS,
  type Card,
} from './world.js';

const OUTAGE_SECONDS = Number(process.env.FAULTS_OUTAGE_SECONDS ?? 60);
const ERROR_WITHIN_MS = 3_000;
/** The visible answer (after an acknowledgement in time, a follow-up may come later; Discord allows 15 minutes). */
const ANSWER_WITHIN_MS = 4_000;
const BACK_WITHIN_MS = 5_000;

let cluster: PgCluster;
let database: Database & { url: string };
let fake: FakeDiscord;
let guild: FakeGuildInfo;
let bot: BotProcess;
let cards: Card[];

beforeAll(async () => {
  cluster = await startPgCluster();
  database = await freshDatabase(cluster.url, 'outage', 2);
  fake = await startFakeDiscord({ waitTimeoutMs: 10_000 });
  guild = fake.addGuild({ name: 'Outage' });
  const numbers = await addDueClaims(database, guild.id, 2);
  bot = await startBotProcess(fake, database.url);
  cards = [];
  for (const number of numbers) cards.push({ number, messageId: await postCard(fake, guild.id, number) });
}, 120_000);

afterAll(async () => {
  if (bot) await stopBotProcess(bot, 5_000);
  await fake?.close();
  await database?.close().catch(() => undefined);
  await cluster?.stop();
});

interface Click {
  member: string;
  card: Card;
  verdict: (typeof VERDICTS)[number];
  sentAt: number;
  reply?: FakeReply;
  answeredAfterMs?: number;
  callbackMs?: number;
}

let nextMember = 0;
/** One new member clicks; resolves with the answer the bot sent, callback or follow-up (or none within `timeoutMs`). */
async function click(timeoutMs = 10_000): Promise<Click> {
  const i = nextMember++;
  const c: Click = { member: memberId(i), card: cards[i % cards.length]!, verdict: VERDICTS[i % VERDICTS.length]!, sentAt: Date.now() };
  const handle = clickVote(fake, guild.id, c.card, c.verdict, c.member);
  try {
    c.reply = await handle.reply(timeoutMs);
    c.answeredAfterMs = Date.now() - c.sentAt;
  } catch {
    // no answer: recorded as unanswered
  }
  c.callbackMs = handle.state().callback?.latencyMs;
  return c;
}

/** A new member clicks every `everyMs` until stopped (bounded); resolves with every click once all are settled. */
function clickStream(everyMs: number, max: number) {
  const pending: Promise<Click>[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped && pending.length < max) {
      pending.push(click());
      await sleep(everyMs);
    }
  })();
  return {
    async stop(): Promise<Click[]> {
      stopped = true;
      await loop;
      return Promise.all(pending);
    },
  };
}

describe('PostgreSQL stopped while members vote', () => {
  it(`acknowledges every click within 3 s (answers within 4 s) through a ${OUTAGE_SECONDS} s outage, recovers within 5 s, loses no acknowledged vote`, async () => {
    const before: Click[] = [];
    for (let i = 0; i < 4; i++) before.push(await click());
    expect(before.every((c) => c.reply && isVoteAck(c.reply))).toBe(true);

    const stream = clickStream(100, 2_000);
    await sleep(1_000);
    // Make sure some votes are in the middle of their transaction when the server stops: this
    // session holds the row locks three members' upserts need (plain statements, no client-side
    // transaction to roll back when the server goes away).
    const holder = postgres(database.url, { max: 1, onnotice: () => {} });
    const [{ id: claimId } = { id: 0 }] = await holder<{ id: number }[]>`select id from claims where guild_id = ${guild.id} and number = ${cards[0]!.number}`;
    const held = [memberId(1_000_000), memberId(1_000_001), memberId(1_000_002)];
    await holder.unsafe('begin');
    for (const member of held) await holder`insert into votes (guild_id, claim_id, round, user_id, verdict, cast_at) values (${guild.id}, ${claimId}, 1, ${member}, 'partly', now())`;
    const inFlight = held.map((member) => clickVote(fake, guild.id, cards[0]!, 'came_true', member));
    await sleep(500);
    const stopping = Date.now();
    await cluster.pause();
    const stopped = Date.now();
    await holder.end({ timeout: 1 }).catch(() => undefined);
    await sleep(OUTAGE_SECONDS * 1000);
    const alive = bot.child.exitCode === null && bot.child.signalCode === null;
    const resuming = Date.now();
    await cluster.resume();
    const resumedAt = Date.now();
    await sleep(BACK_WITHIN_MS + 3_000);
    const clicks = await stream.stop();

    // Clicks made and answered while the server was away.
    const down = clicks.filter((c) => c.sentAt >= stopped && c.sentAt + (c.answeredAfterMs ?? Infinity) < resuming);
    const settled = clicks.filter((c) => c.sentAt >= resumedAt + BACK_WITHIN_MS);
    const firstAck = clicks.find((c) => c.sentAt >= resumedAt && c.reply && isVoteAck(c.reply));
    const firstAckAfterMs = firstAck ? firstAck.sentAt + firstAck.answeredAfterMs! - resumedAt : undefined;
    const unanswered = clicks.filter((c) => !c.reply);
    // Acknowledged within Discord's 3 s deadline; the visible answer within 4 s (a follow-up after a deferral).
    const late = clicks.filter((c) => (c.callbackMs ?? Infinity) > ERROR_WITHIN_MS);
    const slow = clicks.filter((c) => (c.answeredAfterMs ?? Infinity) > ANSWER_WITHIN_MS);
    const failedAfter = clicks.filter((c) => c.sentAt >= resumedAt && !(c.reply && isVoteAck(c.reply)));
    console.info(
      `outage ${OUTAGE_SECONDS} s: ${clicks.length} clicks (${down.length} while stopped), ${unanswered.length} unanswered, ` +
        `slowest answer ${Math.max(...clicks.map((c) => c.answeredAfterMs ?? Infinity))} ms; first vote stored ${firstAckAfterMs} ms after PostgreSQL returned, ` +
        `${failedAfter.length} clicks refused after the return; stop took ${stopped - stopping} ms`,
    );
    if (!alive || unanswered.length || slow.length || process.env.FAULTS_DEBUG) {
      for (const c of clicks.filter((x) => !x.reply || (x.answeredAfterMs ?? 0) > ERROR_WITHIN_MS || x.sentAt >= resumedAt - 200)) {
        console.info(`${new Date(c.sentAt).toISOString()} ${c.member} callback ${c.callbackMs} ms, answered after ${c.answeredAfterMs} ms: ${c.reply?.content.slice(0, 60)}`);
      }
      console.info(`stopping ${new Date(stopping).toISOString()}, stopped ${new Date(stopped).toISOString()}, back ${new Date(resumedAt).toISOString()}`);
      console.info(bot.lines.filter((l) => !/"level":30/.test(l)).slice(-30).join('\n'));
    }

    expect(alive, `the bot process exited (code ${bot.child.exitCode}, signal ${bot.child.signalCode})`).toBe(true);
    // The votes whose transactions the stop cut off were answered too, within 3 s of the stop.
    for (const handle of inFlight) {
      const state = handle.state();
      expect(state.replies.length, `vote in flight at the stop (${handle.id}) never answered`).toBe(1);
      expect(Date.parse(state.replies[0]!.message.timestamp) - stopping).toBeLessThan(ERROR_WITHIN_MS);
    }
    expect(unanswered.map((c) => c.member), 'clicks never answered').toEqual([]);
    expect(late.map((c) => `${c.member}: ${c.callbackMs} ms`), 'acknowledged later than 3 s').toEqual([]);
    expect(slow.map((c) => `${c.member}: ${c.answeredAfterMs} ms`), 'answered later than 4 s').toEqual([]);
    // While the server is away: a clear ephemeral message (no error ref), the callback in time.
    expect(down.length).toBeGreaterThan(OUTAGE_SECONDS * 5);
    for (const c of down) {
      expect(c.reply!.ephemeral).toBe(true);
      expect(c.reply!.content).toBe(DATABASE_UNAVAILABLE);
      expect(c.callbackMs).toBeLessThan(ERROR_WITHIN_MS);
    }
    expect(fake.violations.filter((v) => v.kind === 'interaction')).toEqual([]);

    // Back without a restart: a vote stored within 5 s of the return, and every click after that.
    expect(firstAckAfterMs, 'no vote was acknowledged after PostgreSQL returned').toBeDefined();
    expect(firstAckAfterMs!).toBeLessThanOrEqual(BACK_WITHIN_MS);
    expect(settled.length).toBeGreaterThan(10);
    expect(settled.filter((c) => !(c.reply && isVoteAck(c.reply))).map((c) => `${c.member}: ${c.reply?.content}`)).toEqual([]);
    expect(bot.child.exitCode).toBeNull();

    // Every acknowledged vote is stored with the verdict the member was told about; none of the
    // clicks refused while the server was stopped is.
    const stored = new Map((await database.db.select().from(votes).where(eq(votes.guildId, guild.id))).map((v) => [v.userId, v.verdict]));
    for (const c of [...before, ...clicks].filter((x) => x.reply && isVoteAck(x.reply))) {
      expect(stored.get(c.member), `vote of ${c.member} was acknowledged but is not stored`).toBe(c.verdict);
    }
    for (const c of down) expect(stored.has(c.member), `vote of ${c.member} was refused but stored`).toBe(false);
    fake.assertNoViolations();
    expect(await stopBotProcess(bot)).toBe(0);
  }, (OUTAGE_SECONDS + 120) * 1000);
});
