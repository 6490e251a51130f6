/**
 * Real bot processes on one PostgreSQL, against our fake Discord: two processes post each slot
 * once; kill -9 in the middle of a round and a restart neither loses nor doubles the slot;
 * SIGTERM exits 0.
 */
// Test-only: these schedules fire every few seconds; servers get at least an hour between rounds.
process.env.HINDSIGHT_TEST_MIN_ROUND_INTERVAL_SECONDS = '1';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client.js';
import { scheduleRuns } from '../../src/db/schema.js';
import { bundledPacks, importLedger } from '../../src/ledger/transfer.js';
import { addSchedule } from '../../src/jobs/schedules.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { makeTestDatabaseUrl } from '../support/test-db.js';
import { spawnBot, type BotProcess } from '../support/bot-process.js';

const pack = bundledPacks()[0]!;
const MANAGER = { id: '900000000000000001', isManager: true };
const started: BotProcess[] = [];
const fakes: FakeDiscord[] = [];

afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const f of fakes) await f.close();
});

async function world(cron: string, fakeOpts: Parameters<typeof startFakeDiscord>[0] = {}) {
  const fake = await startFakeDiscord({ interactionDeadlineMs: 10_000, ...fakeOpts });
  fakes.push(fake);
  const guild = fake.addGuild({ name: 'Processes' });
  const channel = fake.addChannel(guild.id, { name: 'rounds' });
  const url = await makeTestDatabaseUrl('p');
  const database = await openDatabase({ databaseUrl: url });
  const ctx = { db: database.db, guildId: guild.id, actor: MANAGER, now: () => new Date() };
  await importLedger(ctx, { packId: pack.id });
  // Test-only: these schedules fire every few seconds; servers get at least an hour between rounds.
  const schedule = await addSchedule(ctx, { channelId: channel.id, schedule: cron, timezone: 'UTC' }, { minIntervalSeconds: 1 });
  const env = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: url };
  const bot = () => {
    const p = spawnBot(env);
    started.push(p);
    return p;
  };
  const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/messages`);
  const nonceOf = (r: { body: unknown }) => String((r.body as { nonce?: string }).nonce);
  return { fake, guild, channel, database, schedule, bot, posts, nonceOf };
}

const stop = async (p: BotProcess) => {
  p.child.kill('SIGTERM');
  return p.exited;
};

describe('bot processes on one PostgreSQL', () => {
  it('two processes post each slot exactly once', async () => {
    const w = await world('*/3 * * * * *');
    const [a, b] = [w.bot(), w.bot()];
    await Promise.all([a.waitFor(/scheduler started/, 60_000), b.waitFor(/scheduler started/, 60_000)]);
    // Both processes live through at least two slots, however long each round takes.
    const postedCount = async () => (await w.database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, w.schedule.id))).filter((r) => r.outcome === 'posted').length;
    await vi.waitFor(async () => expect(await postedCount()).toBeGreaterThanOrEqual(2), { timeout: 60_000, interval: 250 });
    expect(await stop(a)).toBe(0);
    expect(await stop(b)).toBe(0);
    const runs = await w.database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, w.schedule.id));
    const posted = runs.filter((r) => r.outcome === 'posted');
    expect(posted.length).toBeGreaterThanOrEqual(2);
    const nonces = w.posts().map(w.nonceOf);
    // Every part of every slot was sent once: no second process, no retry, sent any part again.
    expect(new Set(nonces).size).toBe(nonces.length);
    const summaries = w.fake.messages(w.channel.id).filter((m) => m.embeds[0]?.title?.startsWith('Scoring round'));
    expect(summaries.length).toBe(posted.length);
    const slots = new Set(nonces.map((n) => n.split('.').slice(0, 2).join('.')));
    expect(slots.size).toBe(posted.length);
    await w.database.close();
  }, 120_000);

  it('kill -9 in the middle of a round, then a restart: the slot is finished once, nothing doubled', async () => {
    const w = await world('*/15 * * * * *');
    // The fake holds the third part before creating it: the kill lands mid-round however fast the machine is.
    const hold = w.fake.hold((r) => r.method === 'POST' && r.path === `/channels/${w.channel.id}/messages` && w.nonceOf(r).endsWith('.2'));
    const a = w.bot();
    await Promise.race([hold.reached, a.exited.then(() => Promise.reject(new Error(`bot A exited:\n${a.lines.slice(-10).join('\n')}`)))]);
    a.child.kill('SIGKILL');
    await a.exited;
    hold.drop();
    // Parts 0 and 1 are in the channel; part 2 never reached Discord.
    expect(w.fake.messages(w.channel.id)).toHaveLength(2);
    const firstSlot = w.nonceOf(w.posts()[0]!).split('.').slice(0, 2).join('.');

    const b = w.bot();
    await b.waitFor(/resuming a half-posted round|catching up a missed round/, 30_000);
    await b.waitFor(/"outcome":"posted"/, 30_000);
    expect(await stop(b)).toBe(0);

    const messages = w.fake.messages(w.channel.id);
    const byNonce = new Map<string, number>();
    for (const r of w.posts()) {
      const nonce = w.nonceOf(r);
      if (nonce.startsWith(firstSlot)) byNonce.set(nonce, (byNonce.get(nonce) ?? 0) + 1);
    }
    // All parts of the slot were sent; those sent before the kill were re-sent with the same nonce.
    expect([...byNonce.keys()].sort()).toEqual(Array.from({ length: 1 + pack.claims.length }, (_, i) => `${firstSlot}.${i}`).sort());
    // Discord kept one message per part: the channel shows the round once.
    const cards = w.fake.messages(w.channel.id).filter((m) => m.embeds[0]?.title?.startsWith('#1 '));
    expect(cards.length).toBe(1);
    const cardTitles = messages.map((m) => m.embeds[0]?.title ?? '').filter((t) => t.startsWith('#'));
    expect(cardTitles).toHaveLength(pack.claims.length);
    expect(new Set(cardTitles).size).toBe(pack.claims.length);
    const runs = await w.database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, w.schedule.id));
    expect(runs.filter((r) => r.outcome === 'posted').length).toBeGreaterThanOrEqual(1);
    await w.database.close();
  }, 150_000);
});
