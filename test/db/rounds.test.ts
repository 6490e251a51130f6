import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { claims, roundParts, scheduleRuns, schedules } from '../../src/db/schema.js';
import { addClaim, bundledPacks, castVote, importLedger, resolveClaim, setForecast, updateSettings, type LedgerCtx } from '../../src/ledger/index.js';
import { roundScoreNotes } from '../../src/kit/score-text.js';
import { addSchedule, listSchedules } from '../../src/jobs/schedules.js';
import { runRound, MAX_CARDS_PER_ROUND, MAX_SECTION_LINES, roundNonce } from '../../src/jobs/rounds.js';
import { DISCORD_LIMITS } from '../../src/kit/render.js';
import { createLogger } from '../../src/log.js';
import { flushCards, type CardEditor } from '../../src/jobs/cards.js';
import { cardFrame } from '../../src/components/vote.js';
import type { Reply } from '../../src/kit/types.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor } from '../support/ledger-ctx.js';
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

const ctx = ledgerCtxFor(() => database.db, T0, MANAGER);

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
    // The pack's event (#20) is due; #5, which hangs on it, waits and gets no card (src/ledger/conditions.ts).
    const items = n + bundledPacks()[0]!.events.length;
    expect(cards.map((p) => p.reply.embeds![0]!.title!.split(' ')[0])).toEqual(Array.from({ length: items }, (_, i) => `#${i + 1}`).filter((k) => k !== '#5'));
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
    for (const i of [1, 2, 3]) await castVote(ctx(g, member(i), at), { claim: c1.number, verdict: 'came_true' });
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

  // Issue 26: a round is a public post, in the server's language.
  it('posts a round of a Russian server in Russian: summary, sections, tallies, score changes and plurals', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    await updateSettings(ctx(g), { language: 'ru' });
    const c1 = await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Will resolve', checkBy: '2026-11-27' });
    const c2 = await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Will wait', checkBy: '2026-11-27' });
    await setForecast(ctx(g, member(7), new Date('2026-11-21T00:00:00Z')), c1.number, 70);
    const slot2 = new Date('2026-11-28T09:00:00Z');
    expect((await runRound({ db: database.db, poster, log }, schedule.id, slot2, slot2)).outcome).toBe('posted');
    const first = poster.posts[0]!.reply.embeds![0]!;
    expect(first.title).toBe('Раунд оценки · 28 ноября 2026 г.');
    expect(first.description).toContain('Срок проверки наступил у **2** прогнозов: оцените их кнопками ниже.');
    const at = new Date('2026-11-28T12:00:00Z');
    for (const i of [1, 2, 3]) await castVote(ctx(g, member(i), at), { claim: c1.number, verdict: 'came_true' });
    await castVote(ctx(g, member(4), at), { claim: c1.number, verdict: 'partly' });
    await resolveClaim(ctx(g, MANAGER, at), c1.number, 'came_true');
    poster.posts = [];
    const slot3 = new Date('2026-11-30T09:00:00Z');
    expect((await runRound({ db: database.db, poster, log, notesFor: roundScoreNotes }, schedule.id, slot3, slot3)).outcome).toBe('posted');
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    const text = poster.posts[0]!.reply.embeds!.map((e) => `${e.title}\n${e.description}`).join('\n');
    expect(text).toContain('Раунд оценки · 30 ноября 2026 г.');
    expect(text).toContain('**1** прогноз ещё открыт с прошлых раундов.');
    expect(text).toContain('**1** прогноз решён после прошлого раунда.');
    expect(text).toMatch(/Решены после прошлого раунда\n\*\*#1\*\* Will resolve → \*\*Сбылся\*\* \(Сбылся 3 · Частично 1 · Не сбылся 0 · Рано судить 0\)/);
    expect(text).toMatch(new RegExp(`Изменения счёта\n<@${member(7).id}> первый счёт: 0\\.090`));
    expect(text).toMatch(new RegExp(`Ещё открыты с прошлых раундов\n\\*\\*#${c2.number}\\*\\* Will wait · ждёт 2 дня · <t:\\d+:d>`));
    // Nothing of the English summary is left.
    expect(text).not.toMatch(/Scoring round|came due|still open|Resolved since|Score changes|waiting \d/);
  });

  // Issue 24 (6): an hourly and a daily schedule on one channel fired in the same hour and posted everything twice.
  it('two schedules on one channel post each claim once: the second round of the hour leaves out what the first posted', async () => {
    const { g, schedule: daily, poster } = await setup({ pack: false });
    const hourly = await addSchedule(ctx(g, MANAGER, new Date(T0.getTime() - 3_600_000)), { channelId: daily.channelId, schedule: '0 * * * *', timezone: 'UTC' });
    const elsewhere = await addSchedule(ctx(g, MANAGER, new Date(T0.getTime() - 3_600_000)), { channelId: '700000000000000099', schedule: 'daily 09:00', timezone: 'UTC' });
    const made = new Date('2026-11-20T00:00:00Z');
    const due = [];
    for (const text of ['First due', 'Second due', 'Third due']) due.push(await addClaim(ctx(g, member(1), made), { claim: text, checkBy: '2026-11-26' }));
    const deps = { db: database.db, poster, log };
    // 09:00: the hourly round posts the three cards; the daily round of the same slot has nothing new.
    expect((await runRound(deps, hourly.id, T0, T0)).outcome).toBe('posted');
    const cards = (channelId: string) => poster.posts.filter((p) => p.channelId === channelId).flatMap((p) => p.reply.embeds!.map((e) => e.title!).filter((t) => t.startsWith('#')));
    expect(cards(daily.channelId)).toEqual(due.map((c) => `#${c.number} · ${c.text}`));
    expect((await runRound(deps, daily.id, T0, T0)).outcome).toBe('empty');
    expect(cards(daily.channelId)).toHaveLength(3);
    // Another channel is another audience: its schedule posts them there.
    expect((await runRound(deps, elsewhere.id, T0, T0)).outcome).toBe('posted');
    expect(cards('700000000000000099')).toHaveLength(3);

    // 09:30: one resolves. The daily schedule fires at 09:40 (run-now): it reports the resolution,
    // and leaves out the two still open, which the hourly round posted within the hour.
    const at = new Date('2026-11-27T09:30:00Z');
    await resolveClaim(ctx(g, MANAGER, at), due[0]!.number, 'came_true');
    poster.posts = [];
    const runNow = new Date('2026-11-27T09:40:00Z');
    expect((await runRound(deps, daily.id, runNow, runNow)).outcome).toBe('posted');
    const text = poster.posts.flatMap((p) => p.reply.embeds!.map((e) => `${e.title}\n${e.description}`)).join('\n');
    expect(text).toMatch(/Resolved since the last round\n\*\*#\d+\*\* First due → \*\*Came true\*\*/);
    expect(text).not.toMatch(/Second due|Third due/);
    // 10:00: the hourly round does not report that resolution again (the channel's 09:40 round did);
    // the two still open were last shown an hour ago, so they are listed, once.
    poster.posts = [];
    const ten = new Date('2026-11-27T10:00:00Z');
    expect((await runRound(deps, hourly.id, ten, ten)).outcome).toBe('posted');
    const later = poster.posts.flatMap((p) => p.reply.embeds!.map((e) => `${e.title}\n${e.description}`)).join('\n');
    expect(later).not.toContain('First due');
    expect(later).toMatch(/Still open from earlier rounds\n\*\*#\d+\*\* Second due/);
    const [run] = await database.db.select().from(scheduleRuns).where(and(eq(scheduleRuns.scheduleId, hourly.id), eq(scheduleRuns.slot, ten)));
    expect(run!.detail.posted).toEqual({ due: [], open: [due[1]!.number, due[2]!.number], resolved: [] });
  });

  it('splits a very large round across messages in order, each within Discord’s limits', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    for (let i = 0; i < 60; i++) {
      await addClaim(ctx(g, member(1), new Date('2026-11-01T00:00:00Z')), { claim: `${i} ${'x'.repeat(490)}`, checkBy: '2026-11-10', quote: 'q'.repeat(1500), criteria: 'c'.repeat(1000) });
    }
    // The first round posts them as new; the second lists the first of the 60 as still open.
    await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(poster.posts.length).toBeGreaterThanOrEqual(1 + MAX_CARDS_PER_ROUND);
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    const summary = poster.posts[0]!.reply.embeds!.map((e) => e.description).join('\n');
    expect(summary).toContain('#26, #27');
    poster.posts = [];
    const next = new Date(T0.getTime() + 86_400_000);
    await runRound({ db: database.db, poster, log }, schedule.id, next, next);
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    const text = poster.posts.flatMap((p) => p.reply.embeds!.map((e) => e.description ?? '')).join('\n');
    const listed = text.match(/\*\*#(\d+)\*\*/g)!.map((m) => Number(m.slice(3, -2)));
    expect(listed).toEqual(Array.from({ length: MAX_SECTION_LINES }, (_, i) => i + 1));
    expect(text).toContain(`…and ${60 - MAX_SECTION_LINES} more: \`/predict list status:due\``);
  });

  it('3,000 due claims: a round posts at most 25 cards and a bounded summary, counting the rest and saying where to see them', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    const N = 3000;
    const due = new Date(T0.getTime() - 86_400_000);
    const rows = Array.from({ length: N }, (_, i) => ({
      guildId: g,
      number: i + 1,
      text: `Claim ${i + 1} ${'x'.repeat(200)}`,
      madeOn: '2026-01-01',
      checkBy: '2026-11-25',
      dueAt: due,
      windowStartsAt: due,
      votingClosesAt: new Date(T0.getTime() + 30 * 86_400_000),
      addedBy: MANAGER.id,
    }));
    for (let i = 0; i < N; i += 500) await database.db.insert(claims).values(rows.slice(i, i + 500));
    const bound = MAX_CARDS_PER_ROUND + 2;
    const summaryOf = () => poster.posts.filter((p) => !p.reply.components?.length).flatMap((p) => p.reply.embeds!.map((e) => `${e.title}\n${e.description}`)).join('\n');

    // All 3,000 came due: 25 cards, the next 50 numbers, a count of the rest.
    expect((await runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).outcome).toBe('posted');
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    expect(poster.posts.length).toBeLessThanOrEqual(bound);
    expect(poster.posts.filter((p) => p.reply.components?.length)).toHaveLength(MAX_CARDS_PER_ROUND);
    expect(summaryOf()).toContain('**3,000** claims came due. The first 25 have cards with vote buttons below (a round posts at most 25); the other 2,975: `/predict list status:due`');
    expect(summaryOf()).toMatch(/#26, #27, .*#75 and 2,925 more: `\/predict list status:due`/);

    // The next day all 3,000 are still open: the first ones, then how many more.
    poster.posts = [];
    const day2 = new Date(T0.getTime() + 86_400_000);
    expect((await runRound({ db: database.db, poster, log }, schedule.id, day2, day2)).outcome).toBe('posted');
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    expect(poster.posts.length).toBeLessThanOrEqual(2);
    expect(summaryOf()).toContain('**3,000** still open from earlier rounds.');
    expect(summaryOf()).toContain(`…and ${(N - MAX_SECTION_LINES).toLocaleString('en-US')} more: \`/predict list status:due\``);

    // Then all 3,000 are resolved at once.
    await database.db.update(claims).set({ status: 'resolved', outcome: 'came_true', resolvedAt: new Date(day2.getTime() + 3_600_000), resolvedBy: 'rule' }).where(eq(claims.guildId, g));
    poster.posts = [];
    const day3 = new Date(T0.getTime() + 2 * 86_400_000);
    expect((await runRound({ db: database.db, poster, log, notesFor: roundScoreNotes }, schedule.id, day3, day3)).outcome).toBe('posted');
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    expect(poster.posts.length).toBeLessThanOrEqual(2);
    expect(summaryOf()).toContain('**3,000** resolved since the last round.');
    expect(summaryOf()).toContain(`…and ${(N - MAX_SECTION_LINES).toLocaleString('en-US')} more: \`/predict list status:resolved\``);
  });

  it("escapes a member's masked link and markup in the round post's lines", async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: '[Official results](https://evil.example/login) say # yes', checkBy: '2026-11-25' });
    await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    poster.posts = [];
    const next = new Date(T0.getTime() + 86_400_000);
    await runRound({ db: database.db, poster, log }, schedule.id, next, next);
    const text = poster.posts.flatMap((p) => p.reply.embeds!.map((e) => e.description ?? '')).join('\n');
    expect(text).toContain('**#1** \\[Official results\\](https://evil.example/login) say # yes');
  });

  it('disables the schedule when the channel is gone, and tells the managers', async () => {
    const { g, schedule, poster } = await setup();
    poster.failWith = 'unknown_channel';
    const result = await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    expect(result).toMatchObject({ outcome: 'failed', kind: 'unknown_channel', disabled: true });
    const [row] = await listSchedules(ctx(g));
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
    const [row] = await listSchedules(ctx(g));
    expect(row).toMatchObject({ status: 'paused', failures: 3 });
    expect(poster.notices).toHaveLength(1);
    expect(poster.notices[0]!.text).toMatch(/\/reminders resume id:\d+/);
  });

  it('leaves the slot open when Discord fails transiently; the retry posts only the parts not posted, whatever Discord remembers', async () => {
    const { schedule, poster } = await setup();
    poster.failAfter = { count: 3, kind: 'transient' };
    await expect(runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).rejects.toThrow(/transient/);
    const [open] = await database.db.select().from(scheduleRuns).where(eq(scheduleRuns.scheduleId, schedule.id));
    expect(open).toMatchObject({ outcome: 'posting', leaseUntil: null });
    const parts = await database.db.select().from(roundParts).where(eq(roundParts.scheduleId, schedule.id));
    expect(parts.filter((p) => p.messageId)).toHaveLength(3);
    // Discord forgot every nonce: the retry must not re-send the three parts already posted.
    poster.rememberNonces = false;
    expect((await runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).outcome).toBe('posted');
    const nonces = poster.posts.map((p) => p.nonce);
    expect(nonces).toEqual(Array.from({ length: 1 + bundledPacks()[0]!.claims.length }, (_, i) => roundNonce(schedule.id, T0, i)));
    const [run] = await database.db.select().from(scheduleRuns).where(and(eq(scheduleRuns.scheduleId, schedule.id), eq(scheduleRuns.slot, T0)));
    expect(run!.outcome).toBe('posted');
    expect(run!.finishedAt).not.toBeNull();
    expect(run!.messageIds).toEqual(poster.posts.map((p) => p.id));
    const [s] = await database.db.select().from(schedules).where(eq(schedules.id, schedule.id));
    expect(s!.lastSlot!.getTime()).toBe(T0.getTime());
  });

  it('a slot whose process died is resumed by another once its lease expires, and only then', async () => {
    const { schedule, poster } = await setup();
    poster.rememberNonces = false;
    // Process A posts 4 parts and dies (its lease is still on the row).
    poster.failAfter = { count: 4, kind: 'transient' };
    const clockA = () => T0;
    await expect(runRound({ db: database.db, poster, log, owner: 'A', clock: clockA }, schedule.id, T0, T0)).rejects.toThrow();
    await database.db.update(scheduleRuns).set({ leaseOwner: 'A', leaseUntil: new Date(T0.getTime() + 30_000) }).where(eq(scheduleRuns.scheduleId, schedule.id));
    // B while A's lease holds: busy, nothing posted.
    expect((await runRound({ db: database.db, poster, log, owner: 'B', clock: () => new Date(T0.getTime() + 10_000) }, schedule.id, T0, T0)).outcome).toBe('busy');
    expect(poster.posts).toHaveLength(4);
    // B after it expired: resumes from part 4, in order.
    const later = () => new Date(T0.getTime() + 60_000);
    const result = await runRound({ db: database.db, poster, log, owner: 'B', clock: later }, schedule.id, T0, T0);
    expect(result).toMatchObject({ outcome: 'posted', resumed: true });
    expect(poster.posts.map((p) => p.nonce)).toEqual(Array.from({ length: 1 + bundledPacks()[0]!.claims.length }, (_, i) => roundNonce(schedule.id, T0, i)));
    expect((await runRound({ db: database.db, poster, log, owner: 'C', clock: later }, schedule.id, T0, T0)).outcome).toBe('duplicate');
  });

  it('a part Discord created but whose id was never recorded is found in the channel, not sent again', async () => {
    const { schedule, poster } = await setup();
    poster.rememberNonces = false;
    // The process dies between Discord's answer for part 2 and the commit of its id.
    const post = poster.post.bind(poster);
    let calls = 0;
    poster.post = async (channelId, reply, opts) => {
      const message = await post(channelId, reply, opts);
      if (++calls === 3) throw new Error('killed before the id was recorded');
      return message;
    };
    await expect(runRound({ db: database.db, poster, log, owner: 'A' }, schedule.id, T0, T0)).rejects.toThrow(/killed/);
    poster.post = post;
    expect(poster.posts).toHaveLength(3);
    expect((await runRound({ db: database.db, poster, log, owner: 'B' }, schedule.id, T0, T0)).outcome).toBe('posted');
    const nonces = poster.posts.map((p) => p.nonce);
    expect(nonces).toEqual(Array.from({ length: 1 + bundledPacks()[0]!.claims.length }, (_, i) => roundNonce(schedule.id, T0, i)));
    const [part2] = await database.db.select().from(roundParts).where(and(eq(roundParts.scheduleId, schedule.id), eq(roundParts.part, 2)));
    expect(part2!.messageId).toBe(poster.posts[2]!.id);
  });

  it('a one-card round is one message: the summary and the card with its buttons', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Alone', checkBy: '2026-11-25' });
    expect((await runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).outcome).toBe('posted');
    expect(poster.posts).toHaveLength(1);
    const reply = poster.posts[0]!.reply;
    expect(reply.embeds!.map((e) => e.title)).toEqual([expect.stringMatching(/^Scoring round/), '#1 · Alone']);
    expect(reply.components![0]!.components.map((b) => ('label' in b ? b.label : ''))).toEqual(['Came true', 'Partly', 'Did not', 'Too early']);
    assertWithinLimits(reply);
  });

  it('a one-card round whose summary and card would pass 6,000 characters is two messages', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    const old = new Date('2026-11-01T00:00:00Z');
    for (let i = 0; i < 24; i++) await addClaim(ctx(g, member(1), old), { claim: `Old ${i} ${'y'.repeat(300)}`, checkBy: '2026-11-10' });
    // 25 members' first scores: the summary's "Score changes" (about 1,000 characters).
    for (let i = 100; i < 125; i++) await setForecast(ctx(g, member(i), old), 1, 70);
    await runRound({ db: database.db, poster, log }, schedule.id, new Date(T0.getTime() - 86_400_000), new Date(T0.getTime() - 86_400_000));
    await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: `New ${'z'.repeat(490)}`, checkBy: '2026-11-26', quote: 'q'.repeat(1500), criteria: 'c'.repeat(1000) });
    // A summary near its largest for one message: as many resolved and still-open lines as a round shows, and the score changes.
    for (let n = 1; n <= 12; n++) await resolveClaim(ctx(g, MANAGER, new Date(T0.getTime() - 3_600_000)), n, 'came_true');
    poster.posts = [];
    await runRound({ db: database.db, poster, log, notesFor: roundScoreNotes }, schedule.id, T0, T0);
    expect(poster.posts).toHaveLength(2);
    poster.posts.forEach((p) => assertWithinLimits(p.reply));
    // What this test is about: the summary is one message and the (compact) card another, because together they pass 6,000.
    const size = (r: Reply) => (r.embeds ?? []).reduce((n, e) => n + (e.title ?? '').length + (e.description ?? '').length + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0), 0);
    expect(poster.posts[0]!.reply.embeds![0]!.title).toMatch(/^Scoring round/);
    expect(poster.posts[1]!.reply.embeds!.map((e) => e.title)).toEqual([expect.stringMatching(/^#25 · New z/)]);
    expect(size(poster.posts[0]!.reply) + size(poster.posts[1]!.reply)).toBeGreaterThan(DISCORD_LIMITS.embedTotal);
  });

  // 1,000 rounds are the bench's job (bench/round-fanout.ts); here 100 rounds, one message each.
  it('one-card rounds fanned out to 100 channels are 100 messages', async () => {
    const g = newGuildId();
    await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Fan-out', checkBy: '2026-11-25' });
    const rows = await database.db
      .insert(schedules)
      .values(Array.from({ length: 100 }, (_, i) => ({ guildId: g, channelId: `71${String(i).padStart(16, '0')}`, cron: '0 9 * * *', timezone: 'UTC', description: 'daily', createdBy: MANAGER.id, createdAt: new Date(T0.getTime() - 3_600_000) })))
      .returning({ id: schedules.id });
    const poster = new RecordingPoster();
    for (const row of rows) expect((await runRound({ db: database.db, poster, log }, row.id, T0, T0)).outcome).toBe('posted');
    expect(poster.posts).toHaveLength(100);
    expect(new Set(poster.posts.map((p) => p.channelId)).size).toBe(100);
  }, 60_000);

  it('hides tallies on cards under blind voting', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    await updateSettings(ctx(g), { blindVoting: true });
    const c = await addClaim(ctx(g, member(1), new Date('2026-11-20T00:00:00Z')), { claim: 'Blind', checkBy: '2026-11-25' });
    await castVote(ctx(g, member(2), T0), { claim: c.number, verdict: 'did_not' });
    await runRound({ db: database.db, poster, log }, schedule.id, T0, T0);
    // One card: the round is one message, the card's embed after the summary.
    expect(poster.posts).toHaveLength(1);
    const votes = poster.posts[0]!.reply.embeds![1]!.description!.split('\n').find((l) => l.startsWith('Votes'))!;
    expect(votes).toMatch(/^Votes: Hidden until voting closes/);
    // Every part of every post, not only the tally field: no tally, no voter, no verdict.
    const everything = JSON.stringify(poster.posts.map((p) => p.reply));
    expect(everything).not.toMatch(/(Came true|Partly|Did not|Too early) \*\*\d+\*\*/);
    expect(everything).not.toContain(member(2).id);
    expect(everything).not.toMatch(/voted /);
  });

  // Issue 24: a round posted every newly due claim as a full card of about 20 lines.
  it('posts compact cards in the server language, and a card stays compact after a vote edits it', async () => {
    const { g, schedule, poster } = await setup({ pack: false });
    await updateSettings(ctx(g), { language: 'ru', blindVoting: false });
    const made = new Date('2026-11-20T00:00:00Z');
    const full = {
      speaker: 'a central banker',
      outlet: 'Daily News',
      quote: 'We will cut rates by half before winter.',
      criteria: 'The policy rate is at most half of what it was on the day of the speech.',
      sourceUrl: 'https://news.example/rates',
    };
    const first = await addClaim(ctx(g, member(1), made), { claim: 'Rates are cut by half', checkBy: '2026-11-26', ...full });
    await addClaim(ctx(g, member(1), made), { claim: 'Second claim', checkBy: '2026-11-26' });
    await setForecast(ctx(g, member(4), new Date('2026-11-21T00:00:00Z')), first.number, 65);
    expect((await runRound({ db: database.db, poster, log }, schedule.id, T0, T0)).outcome).toBe('posted');
    expect(poster.posts).toHaveLength(3);
    // Where the rest is, said once in the round's summary (in the server's language), not on each card.
    const summary = poster.posts[0]!.reply.embeds!.map((e) => e.description).join('\n');
    expect(summary).toContain('`/predict show claim:<номер>`');
    const lines = (reply: Reply) => {
      const card = reply.embeds!.find((e) => e.title?.startsWith('#'))!;
      return [card.title!, ...(card.description ?? '').split('\n')];
    };
    for (const post of poster.posts.slice(1)) {
      expect(post.reply.embeds).toHaveLength(1);
      expect(post.reply.embeds![0]!.fields ?? []).toEqual([]);
      expect(lines(post.reply).length).toBeLessThanOrEqual(8);
      expect(post.reply.components![0]!.components.map((b) => ('label' in b ? b.label : ''))).toEqual(['Сбылся', 'Частично', 'Не сбылся', 'Рано судить']);
      expect(post.reply.embeds![0]!.footer).toBeUndefined();
      assertWithinLimits(post.reply);
    }
    const card = poster.posts[1]!;
    const shown = lines(card.reply);
    expect(shown[0]).toBe(`#${first.number} · Rates are cut by half`);
    expect(shown).toContain('— a central banker, Daily News');
    expect(shown).toContain(`Дата проверки: <t:${Date.UTC(2026, 10, 26, 12) / 1000}:D> · голосование закроется <t:${first.votingClosesAt.getTime() / 1000}:R>`);
    expect(shown).toContain(`Сбылся, если: ${full.criteria}`);
    // The crowd is shown: the check date has passed.
    expect(shown).toContain('1 прогнозист · медиана участников 65% (n = 1)');
    // The quote and the source stay on /predict show.
    expect(JSON.stringify(card.reply)).not.toContain('cut rates by half');
    expect(JSON.stringify(card.reply)).not.toContain('news.example');

    // A vote from the card registers it; the card flusher's edit keeps it compact and in the server's language.
    const frame = cardFrame(card.reply.embeds!, first.number);
    expect(frame).toEqual({ before: [], after: [], compact: true });
    await castVote(ctx(g, member(2), new Date(T0.getTime() + 60_000)), { claim: first.number, verdict: 'came_true', card: { messageId: `round-${g}`, channelId: card.channelId, frame } });
    const edits: { messageId: string; reply: Reply }[] = [];
    const editor: CardEditor = { edit: async (_channel, messageId, reply) => void edits.push({ messageId, reply }) };
    await flushCards(database.db, editor, new Date(T0.getTime() + 61_000), log);
    const edited = edits.find((e) => e.messageId === `round-${g}`)!;
    expect(edited.reply.embeds).toHaveLength(1);
    expect(edited.reply.embeds![0]!.fields ?? []).toEqual([]);
    const after = lines(edited.reply);
    expect(after.length).toBeLessThanOrEqual(8);
    expect(after.find((l) => l.startsWith('Голоса:'))).toMatch(/^Голоса: Сбылся \*\*1\*\* · Частично \*\*0\*\*/);
    // Apart from the tally, the edited card is the card the round posted.
    expect(after.filter((l) => !l.startsWith('Голоса:'))).toEqual(shown.filter((l) => !l.startsWith('Голоса:')));
    expect(edited.reply.components).toEqual(card.reply.components);
  });
});

