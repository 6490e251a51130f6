/**
 * Scoring rounds end to end: /reminders through the real client, posts arriving on a schedule of
 * seconds, votes on posted cards, a deleted channel, a missing permission, bad input.
 * The scheduler's cron tasks are fired by hand (test/support/manual-cron.ts): each test says which
 * slot fires and waits for its round, never for the wall clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { ManualCron } from '../support/manual-cron.js';
import type { FakeMessageView, FakeReply } from '../fake-discord/index.js';

let h: BotHarness & { dataDir: string };
const MOD = { id: 'mod', manager: true } as const;
const pack = bundledPacks()[0]!;
const cron = new ManualCron();

beforeAll(async () => {
  // Test-only: servers get at least an hour between rounds; these tests fire slots seconds apart.
  h = await startBotHarness({ cron: cron.schedule, env: { HINDSIGHT_TEST_MIN_ROUND_INTERVAL_SECONDS: '1' } });
  await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'import', options: { pack: pack.id } }).reply();
});
afterEach(() => h.fake.assertNoViolations());
afterAll(async () => {
  await h?.stop();
});

const reminders = (sub: string, options: Record<string, string | number> = {}, user: string | typeof MOD = MOD) =>
  h.fake.sendCommand(h.guild.id, user, { name: 'reminders', subcommand: sub, options }).reply(8000);
const all = (r: FakeReply) => [r.content, ...r.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`)])].join('\n');
const summaries = (channelId: string) => h.fake.messages(channelId).filter((m) => m.embeds[0]?.title?.startsWith('Scoring round'));
/** The cron task of the schedule a `/reminders add` reply announces. */
const taskOf = (added: FakeReply) => `schedule-${Number(/Schedule (\d+) added/.exec(added.embeds[0]!.title!)![1])}`;
/** `n` consecutive slots of a schedule firing every `everyMs`, from the next one on (as node-cron would fire them). */
const nextSlots = (everyMs: number, n: number) => {
  const first = Math.ceil(Date.now() / everyMs) * everyMs;
  return Array.from({ length: n }, (_, i) => new Date(first + i * everyMs));
};

describe('/reminders', () => {
  it('refuses members, a bad cron field and a bad time zone, saving nothing', async () => {
    expect((await reminders('list', {}, 'alice')).content).toMatch(/Only managers/);
    const badCron = await reminders('add', { channel: h.guild.defaultChannelId, schedule: '61 * * * *' });
    expect(badCron.ephemeral).toBe(true);
    expect(badCron.content).toMatch(/^schedule: The minute field has 61, but minutes run from 0 to 59\./);
    const badTz = await reminders('add', { channel: h.guild.defaultChannelId, schedule: 'daily 09:00', timezone: 'Mars/Olympus' });
    expect(badTz.content).toMatch(/^timezone: "Mars\/Olympus" is not a time zone/);
    expect((await reminders('list')).embeds[0]!.description).toMatch(/None yet/);
  });

  it("refuses a channel of another server handed in the channel option (forged), saving nothing", async () => {
    const other = h.fake.addGuild({ name: 'Other server' });
    const theirs = h.fake.addChannel(other.id, { name: 'their-news' });
    const forged = await reminders('add', { channel: theirs.id, schedule: 'daily 09:00', timezone: 'UTC' });
    expect(forged.ephemeral).toBe(true);
    expect(forged.content).toBe('channel: pick a channel of this server.');
    expect((await reminders('list')).embeds[0]!.description).toMatch(/None yet/);
    expect(h.fake.messages(theirs.id)).toEqual([]);
  });

  it('reads the schedule back in words with the next three runs', async () => {
    const added = await reminders('add', { channel: h.guild.defaultChannelId, schedule: 'weekly friday 18:30', timezone: 'Europe/Berlin' });
    expect(all(added)).toMatch(/every Friday at 18:30 \(Europe\/Berlin\)/);
    const runs = added.embeds[0]!.fields!.find((f) => f.name === 'Next runs')!.value.split('\n');
    expect(runs).toHaveLength(3);
    const id = Number(/Schedule (\d+) added/.exec(added.embeds[0]!.title!)![1]);
    expect(added.embeds[0]!.fields!.map((f) => f.name)).toEqual(['Next runs']);
    // A second schedule on the same channel is added with a warning (issue 24: it used to double every post silently).
    const second = await reminders('add', { channel: h.guild.defaultChannelId, schedule: '0 */6 * * 1-5', timezone: 'UTC' });
    expect(all(second)).toMatch(/every weekday at 00:00, 06:00, 12:00 and 18:00 \(UTC\)/);
    const warning = second.embeds[0]!.fields!.find((f) => f.name === '⚠ Another schedule posts here');
    expect(warning?.value).toMatch(new RegExp(`^This channel already has schedule ${id} \\(every Friday at 18:30 \\(Europe/Berlin\\)\\)\\. .*no claim is posted twice within an hour`));
    const secondId = Number(/Schedule (\d+) added/.exec(second.embeds[0]!.title!)![1]);
    expect((await reminders('remove', { id: secondId })).content).toMatch(new RegExp(`Schedule ${secondId} .* removed`));
    expect((await reminders('remove', { id })).content).toMatch(new RegExp(`Schedule ${id} .* removed`));
  });

  it('posts rounds on a schedule of seconds, once per slot, with cards members can vote on', async () => {
    const rounds = h.fake.addChannel(h.guild.id, { name: 'rounds' });
    const added = await reminders('add', { channel: rounds.id, schedule: '*/2 * * * * *', timezone: 'UTC' });
    expect(all(added)).toMatch(/every 2 seconds/);
    const task = taskOf(added);
    const slots = nextSlots(2000, 4);
    await cron.fire(task, slots[0]!);
    const first = summaries(rounds.id)[0]!;
    expect(first.embeds[0]!.description).toMatch(new RegExp(`\\*\\*${pack.claims.length}\\*\\* claims came due`));
    expect(h.fake.messages(rounds.id).filter((m) => m.embeds[0]?.title?.startsWith('#')).length).toBe(pack.claims.length);
    const card = h.fake.messages(rounds.id).find((m) => m.embeds[0]?.title?.startsWith('#1 '))! as FakeMessageView;
    const vote = await h.fake.clickButton(h.guild.id, 'alice', { customId: 'vote:1:came_true', messageId: card.id }).reply();
    expect(vote.content).toMatch(/You voted \*\*Came true\*\* on claim #1/);
    // The next rounds list the same claims as still open; each slot posts one summary, a slot fired twice once.
    await cron.fire(task, slots[1]!);
    await cron.fire(task, slots[2]!);
    await cron.fire(task, slots[2]!);
    expect(summaries(rounds.id)).toHaveLength(3);
    const second = summaries(rounds.id)[1]!;
    expect(second.embeds.map((e) => e.title)).toContain('Still open from earlier rounds');
    const nonces = h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rounds.id}/messages`).map((r) => (r.body as { nonce?: string }).nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    const list = await reminders('list');
    expect(list.embeds[0]!.description).toMatch(/every 2 seconds \(UTC\) · active/);
    // A deleted channel disables the schedule at its next round and the managers are told in the system channel.
    h.fake.deleteChannel(rounds.id);
    await cron.fire(task, slots[3]!);
    expect((await reminders('list')).embeds[0]!.description).toMatch(/disabled: the channel <#\d+> no longer exists/);
    const notice = await h.fake.waitForMessage(h.guild.defaultChannelId, (m) => m.content.includes('disabled scoring-round schedule'), 5000);
    expect(notice.pingedEveryone).toBe(false);
    await vi.waitFor(() => expect(cron.has(task)).toBe(false));
    const id = Number(/\*\*(\d+)\*\* · <#/.exec((await reminders('list')).embeds[0]!.description!)![1]);
    await reminders('remove', { id });
  });

  it('pauses a schedule after three rounds without permission, and says where', async () => {
    const locked = h.fake.addChannel(h.guild.id, { name: 'locked' });
    h.fake.denyChannel(locked.id);
    const task = taskOf(await reminders('add', { channel: locked.id, schedule: '* * * * * *', timezone: 'UTC' }));
    for (const slot of nextSlots(1000, 3)) await cron.fire(task, slot);
    expect((await reminders('list')).embeds[0]!.description).toMatch(/paused: Hindsight cannot post in <#\d+> .* for 3 rounds/);
    const notice = await h.fake.waitForMessage(h.guild.defaultChannelId, (m) => m.content.includes('paused scoring-round schedule'), 5000);
    expect(notice.content).toMatch(/\/reminders resume id:\d+/);
    // Paused: the scheduler no longer runs its task, so nothing more is sent to the channel.
    await vi.waitFor(() => expect(cron.has(task)).toBe(false));
    const id = Number(/\*\*(\d+)\*\* · <#/.exec((await reminders('list')).embeds[0]!.description!)![1]);
    h.fake.allowChannel(locked.id);
    expect((await reminders('resume', { id })).content).toMatch(/resumed/);
    expect(cron.has(task)).toBe(true);
    expect((await reminders('run-now', { id })).content).toMatch(/posted|already posted/);
    await reminders('remove', { id });
    expect(cron.has(task)).toBe(false);
  });
});
