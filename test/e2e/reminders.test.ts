/**
 * Scoring rounds end to end: /reminders through the real client, posts arriving on a schedule of
 * seconds, votes on posted cards, a deleted channel, a missing permission, bad input.
 */
// Test-only: these schedules fire every few seconds; servers get at least an hour between rounds.
process.env.HINDSIGHT_TEST_MIN_ROUND_INTERVAL_SECONDS = '1';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeMessageView, FakeReply } from '../fake-discord/index.js';

let h: BotHarness & { dataDir: string };
const MOD = { id: 'mod', manager: true } as const;
const pack = bundledPacks()[0]!;

beforeAll(async () => {
  h = await startBotHarness();
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
    const first = await h.fake.waitForMessage(rounds.id, (m) => !!m.embeds[0]?.title?.startsWith('Scoring round'), 8000);
    expect(first.embeds[0]!.description).toMatch(new RegExp(`\\*\\*${pack.claims.length}\\*\\* claims came due`));
    await vi.waitFor(() => expect(h.fake.messages(rounds.id).filter((m) => m.embeds[0]?.title?.startsWith('#')).length).toBe(pack.claims.length), { timeout: 8000 });
    const card = h.fake.messages(rounds.id).find((m) => m.embeds[0]?.title?.startsWith('#1 '))! as FakeMessageView;
    const vote = await h.fake.clickButton(h.guild.id, 'alice', { customId: 'vote:1:came_true', messageId: card.id }).reply();
    expect(vote.content).toMatch(/You voted \*\*Came true\*\* on claim #1/);
    // The next rounds list the same claims as still open; each slot posts one summary.
    await vi.waitFor(() => expect(summaries(rounds.id).length).toBeGreaterThanOrEqual(3), { timeout: 10000 });
    const second = summaries(rounds.id)[1]!;
    expect(second.embeds.map((e) => e.title)).toContain('Still open from earlier rounds');
    const nonces = h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rounds.id}/messages`).map((r) => (r.body as { nonce?: string }).nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    const list = await reminders('list');
    expect(list.embeds[0]!.description).toMatch(/every 2 seconds \(UTC\) · active/);
    // A deleted channel disables the schedule and the managers are told in the system channel.
    h.fake.deleteChannel(rounds.id);
    await vi.waitFor(async () => expect((await reminders('list')).embeds[0]!.description).toMatch(/disabled: the channel <#\d+> no longer exists/), { timeout: 10000, interval: 500 });
    const notice = await h.fake.waitForMessage(h.guild.defaultChannelId, (m) => m.content.includes('disabled scoring-round schedule'), 5000);
    expect(notice.pingedEveryone).toBe(false);
    const id = Number(/\*\*(\d+)\*\* · <#/.exec((await reminders('list')).embeds[0]!.description!)![1]);
    await reminders('remove', { id });
  });

  it('pauses a schedule after three rounds without permission, and says where', async () => {
    const locked = h.fake.addChannel(h.guild.id, { name: 'locked' });
    h.fake.denyChannel(locked.id);
    await reminders('add', { channel: locked.id, schedule: '* * * * * *', timezone: 'UTC' });
    await vi.waitFor(async () => expect((await reminders('list')).embeds[0]!.description).toMatch(/paused: Hindsight cannot post in <#\d+> .* for 3 rounds/), { timeout: 12000, interval: 700 });
    const notice = await h.fake.waitForMessage(h.guild.defaultChannelId, (m) => m.content.includes('paused scoring-round schedule'), 5000);
    expect(notice.content).toMatch(/\/reminders resume id:\d+/);
    const posts = h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${locked.id}/messages`).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${locked.id}/messages`).length).toBe(posts);
    const id = Number(/\*\*(\d+)\*\* · <#/.exec((await reminders('list')).embeds[0]!.description!)![1]);
    h.fake.allowChannel(locked.id);
    expect((await reminders('resume', { id })).content).toMatch(/resumed/);
    expect((await reminders('run-now', { id })).content).toMatch(/posted|already posted/);
    await reminders('remove', { id });
  });
});
