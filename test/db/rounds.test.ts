import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { scheduleRuns, schedules } from '../../src/db/schema.js';
import { addClaim, bundledPacks, castVote, importLedger, resolveClaim, setForecast, updateSettings, type LedgerCtx } from '../../src/ledger/index.js';
import { roundScoreNotes } from '../../src/kit/score-text.js';
import { addSchedule, listSchedules } from '../../src/jobs/schedules.js';
import { runRound, MAX_CARDS_PER_ROUND } from '../../src/jobs/rounds.js';
import { DISCORD_LIMITS } from '../../src/kit/render.js';
import { createLogger } from '../../src/log.js';
import type { Reply } from '../../src/kit/types.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { RecordingPoster } from '../support/recording-poster.js';

let database: TestDatabase;
const log = createLogger('silent');
const MANAGER = { id: '900000000000000001', isManager: true };
const member = (i: number) => ({ id: `80000000000000${String(i).padStart(4, '0')}`, isManager: false });
const T0 = new Date('2026-11-27T09:00:00Z');

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

const ctx = (guildId: string, actor = MANAGER, now = T0): LedgerCtx => ({ db: database.db, guildId, actor, now: () => now });

function assertWithinLimits(reply: Reply) {
  expect((reply.content ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  const embeds = reply.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
  let total = 0;
  for (const e of embeds) {
    expect((e.title ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect((e.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text.length ?? 0);
    for (const f of e.fields ?? []) {
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      total += f.name.length + f.value.length;
    }
  }
  expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  expect((reply.components ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
}

async function setup(opts: { pack?: boolean } = {}) {
  const g = newGuildId();
  if (opts.pack !== false) await importLedger(ctx(g), { packId: bundledPacks()[0]!.id });
  const schedule = await addSchedule(ctx(g, MANAGER, new Date(T0.getTime() - 3_600_000)), { channelId: '700000000000000001', schedule: 'daily 09:00', timezone: 'UTC' });
  return { g, schedule, poster: new RecordingPoster() };
}

describe('a scoring round', () => {
  it('posts the newly due claims as cards with vote buttons, once per slot', async () => {
    const { schedule, poster } = await setup();
    const result = await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(result.outcome).toBe('posted');
    const n = bundledPacks()[0]!.claims.length;
    expect(poster.posts).toHaveLength(1 + n);
    expect(poster.posts[0]!.reply.embeds![0]!.description).toContain(`**${n}** claims came due`);
    const cards = poster.posts.slice(1);
    expect(cards.map((p) => p.reply.embeds![0]!.title!.split(' ')[0])).toEqual(Array.from({ length: n }, (_, i) => `#${i + 1}`));
    for (const card of cards) {
      const buttons = card.reply.components![0]!.components.map((b) => ('label' in b ? b.label : ''));
      expect(buttons).toEqual(['Came true', 'Partly', 'Did not', 'Too early']);
    }
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    const again = await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(again.outcome).toBe('duplicate');
    expect(poster.posts).toHaveLength(1 + n);
  });

  it('reports what was resolved since the last round and what still waits, and posts nothing when there is nothing', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    const first = await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(first.outcome).toBe('empty');
    expect(poster.posts).toHaveLength(0);
    const c1 = await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Will resolve', checkBy: '2026-11-27' });
    const c2 = await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Will wait', checkBy: '2026-11-27' });
    await setForecast(ctx(g, member(7), new Date('2026-11-21T00:00:00Z')), c1.number, 70);
    await setForecast(ctx(g, member(8), new Date('2026-11-21T00:00:00Z')), c1.number, 20);
    const slot2 = new Date('2026-11-28T09:00:00Z');
    expect((await runRound({ db: database.db, poster, log }, schedule.id, slot2, slot2)).outcome).toBe('posted');
    expect(poster.posts.slice(1).map((p) => p.reply.embeds![0]!.title)).toEqual([`#${c1.number} · Will resolve`, `#${c2.number} · Will wait`]);
    const at = new Date('2026-11-28T12:00:00Z');
    for (const i of [1, 2, 3]) await castVote(ctx(g, member(i), at), c1.number, 'came_true');
    await resolveClaim(ctx(g, MANAGER, at), c1.number, 'came_true');
    poster.posts = [];
    const slot3 = new Date('2026-11-30T09:00:00Z');
    expect((await runRound({ db: database.db, poster, log, notesFor: roundScoreNotes }, schedule.id, slot3, slot3)).outcome).toBe('posted');
    expect(poster.posts).toHaveLength(1);
    const text = poster.posts[0]!.reply.embeds!.map((e) => `${e.title}\n${e.description}`).join('\n');
    expect(text).toMatch(/Resolved since the last round\n\*\*#1\*\* Will resolve → \*\*Came true\*\* \(Came true 3 · Partly 0 · Did not 0 · Too early 0\)/);
    expect(text).toMatch(/Still open from earlier rounds\n\*\*#2\*\* Will wait · waiting 2 days/);
    // (0.7 − 1)² = 0.09 and (0.2 − 1)² = 0.64: each member's first score.
    expect(text).toMatch(new RegExp(`Score changes\n<@${member(7).id}> first score: 0\\.090\n<@${member(8).id}> first score: 0\\.640`));
  });

  it('splits a very large round across messages in order, each within Discord’s limits', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    for (let i = 0; i < 60; i++) {
      await addClaim(ctx(g, member(1), new Date('2026-11-01T00:00:00Z')), { claim: `${i} ${'x'.repeat(490)}`, checkBy: '2026-11-10', quote: 'q'.repeat(1500), criteria: 'c'.repeat(1000) });
    }
    // The first round posts them as new; the second lists all 60 as still open.
    await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(poster.posts.length).toBeGreaterThanOrEqual(1 + MAX_CARDS_PER_ROUND);
    const summary = poster.posts[0]!.reply.embeds!.map((e) => e.description).join('\n');
    expect(summary).toContain('#26, #27');
    poster.posts = [];
    const next = new Date(T0.getTime() + 86_400_000);
    await runRound({ db: database.db, poster, log }, schedule.id, next, next);
    expect(poster.posts.length).toBeGreaterThan(1);
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    const listed = poster.posts
      .flatMap((p) => p.reply.embeds!.map((e) => e.description ?? ''))
      .join('\n')
      .match(/\*\*#(\d+)\*\*/g)!
      .map((m) => Number(m.slice(3, -2)));
    expect(listed).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('disables the schedule when the channel is gone, and tells the managers', async () => {
    const { g, schedule, poster } = await setup();
    poster.failWith = 'unknown_channel';
    const result = await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(result).toMatchObject({ outcome: 'failed', kind: 'unknown_channel', disabled: true });
    const [row] = await listSchedules(database.db, g);
    expect(row).toMatchObject({ status: 'disabled' });
    expect(row!.statusReason).toMatch(/no longer exists/);
    expect(poster.notices).toHaveLength(1);
    const later = new Date(T0.getTime() + 86_400_000);
    expect((await runRound({ db: database.db, poster, log }, schedule.id, later, later)).outcome).toBe('inactive');
  });

  it('pauses after three rounds without access, telling managers where to look', async () => {
    const { g, schedule, poster } = await setup();
    poster.failWith = 'missing_access';
    for (const day of [0, 1, 2]) {
      const slot = new Date(T0.getTime() + day * 86_400_000);
      const result = await runRound({ db: database.db, poster, log }, schedule.id, slot, slot);
      expect(result).toMatchObject({ outcome: 'failed', kind: 'missing_access', ...(day === 2 ? { paused: true } : {}) });
    }
    const [row] = await listSchedules(database.db, g);
    expect(row).toMatchObject({ status: 'paused', failures: 3 });
    expect(poster.notices).toHaveLength(1);
    expect(poster.notices[0]!.text).toMatch(/\/reminders resume id:\d+/);
  });

  it('leaves the slot open when Discord fails transiently, so catch-up can post it once', async () => {
    const { schedule, poster } = await setup();
    poster.failAfter = { count: 3, kind: 'transient' };
    await expect(runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).rejects.toThrow(/transient/);
    const runs = await database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id));
    expect(runs).toHaveLength(0);
    // The retry re-sends the same nonces: the three parts already posted are not doubled.
    expect((await runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).outcome).toBe('posted');
    const nonces = poster.posts.map((p) => p.nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(poster.posts).toHaveLength(1 + bundledPacks()[0]!.claims.length);
    const [run] = await database.db.select().from(scheduleRuns).where(and(eq(scheduleRuns.scheduleId, schedule.id), eq(scheduleRuns.slot, T0)));
    expect(run!.outcome).toBe('posted');
    const [s] = await database.db.select().from(schedules).where(eq(schedules.id, schedule.id));
    expect(s!.lastSlot!.getTime()).toBe(T0.getTime());
  });

  it('hides tallies on cards under blind voting', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    await updateSettings(ctx(g), { blindVoting: true });
    const c = await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Blind', checkBy: '2026-11-25' });
    await castVote(ctx(g, member(2), T0), c.number, 'did_not');
    await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    const votes = poster.posts[1]!.reply.embeds![0]!.fields!.find((f) => f.name.startsWith('Votes'))!;
    expect(votes.value).toMatch(/Hidden until voting closes/);
    expect(votes.value).not.toMatch(/Did not \*\*1\*\*/);
  });
});
