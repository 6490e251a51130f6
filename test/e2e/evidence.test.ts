/**
 * Evidence and claim threads through the real discord.js client and the fake Discord (issue 25):
 * a round post opens a public thread on each claim card it posts (named after the claim), new
 * evidence (the card's Add evidence form, /vote … evidence:) is posted in that thread, links show
 * as the URL itself (never text a member chose), nothing pings; a server that has not granted the
 * thread permission still gets its round; under blind voting the evidence shows but its side
 * counts wait for the window to close.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeGuildInfo, FakeMessageView, FakeReply } from '../fake-discord/index.js';

let h: BotHarness & { dataDir: string };
const MOD = { id: 'mod', manager: true } as const;
const pack = bundledPacks()[0]!;
const DAY = 86_400_000;
/** The bot's clock: real time plus an offset, moved on to close a voting window (it runs on, so the card flusher's interval passes). */
let offset = 0;
const clock = () => new Date(Date.now() + offset);

type Actor = string | typeof MOD;
const cmd = (guild: FakeGuildInfo, user: Actor, name: string, options: Record<string, string | number | boolean> = {}, subcommand?: string) =>
  h.fake.sendCommand(guild.id, user, { name, options, ...(subcommand ? { subcommand } : {}) }).reply(10_000);
const text = (r: FakeReply | FakeMessageView) =>
  [r.content, ...r.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])].filter(Boolean).join('\n');
const buttonId = (r: { components: unknown[] }, label: string) =>
  (r.components as { components?: { label?: string; custom_id?: string }[] }[]).flatMap((row) => row.components ?? []).find((b) => b.label === label)?.custom_id;

/** Posts a scoring round in the server's default channel now; the messages it posted. */
async function runRound(guild: FakeGuildInfo): Promise<FakeMessageView[]> {
  const added = await cmd(guild, MOD, 'reminders', { channel: guild.defaultChannelId, schedule: 'monthly 1 09:00' }, 'add');
  const id = Number(/Schedule (\d+) added/.exec(added.embeds[0]?.title ?? '')?.[1]);
  const before = h.fake.messages(guild.defaultChannelId).length;
  expect((await cmd(guild, MOD, 'reminders', { id }, 'run-now')).content).toMatch(/posted/);
  return h.fake.messages(guild.defaultChannelId).slice(before);
}

beforeAll(async () => {
  h = await startBotHarness({ now: clock });
  await cmd(h.guild, MOD, 'predict', { pack: pack.id }, 'import'); // the pack's claims are all due, their windows open
});
afterEach(() => h.fake.assertNoViolations());
afterAll(async () => {
  await h?.stop();
});

describe('claim threads and evidence', () => {
  let card: FakeMessageView;
  let threadId: string;

  it('a round post opens a public thread on each claim card, named after the claim', async () => {
    const posted = await runRound(h.guild);
    card = posted.find((m) => m.embeds.some((e) => e.title?.startsWith('#1 ')))!;
    expect(card).toBeDefined();
    const threads = h.fake.threads(h.guild.defaultChannelId);
    const cards = posted.filter((m) => m.embeds.some((e) => /^#\d+ /.test(e.title ?? '')));
    // One thread per card posted, each on its card.
    expect(threads.map((t) => t.starterMessageId).sort()).toEqual(cards.map((m) => m.id).sort());
    const thread = threads.find((t) => t.starterMessageId === card.id)!;
    const claimText = pack.claims[0]!.claim.replace(/\s+/g, ' ').trim();
    expect(thread.name.length).toBeLessThanOrEqual(100);
    expect(`#1 · ${claimText}`.startsWith(thread.name.replace(/…$/, ''))).toBe(true);
    expect(thread.name.startsWith(`#1 · ${claimText.slice(0, 30)}`)).toBe(true);
    threadId = thread.id;
    // The card under the round carries the Add evidence button.
    expect(buttonId(card, 'Add evidence')).toBe('evid:a:1');
  });

  it('evidence from the card’s form and from /vote is posted in the thread: links as links, nothing pings', async () => {
    const modal = await h.fake.clickButton(h.guild.id, 'alice', { customId: buttonId(card, 'Add evidence')!, messageId: card.id }).modal(10_000);
    expect(modal.title).toBe('Evidence on claim #1');
    const note = '[the official report](https://evil.example/x) @everyone <@&123456789012345678> <@223456789012345678>';
    const submitted = await h.fake
      .submitModal(h.guild.id, 'alice', { customId: modal.custom_id, messageId: card.id, fields: { link: 'https://example.org/report_(final)', note, side: 'did not' } })
      .reply(10_000);
    expect(submitted.ephemeral).toBe(true);
    expect(submitted.content).toMatch(/Evidence added to claim #1/);

    const posted = await h.fake.waitForMessage(threadId, (m) => m.content.includes('New evidence on #1'));
    // The link is the URL itself (parentheses escaped so nothing can close it early), the note's masked link is escaped text.
    expect(posted.content).toContain('https://example.org/report_%28final%29');
    // No masked link: every [ of the note is escaped, so Discord shows the text as typed and the address as itself.
    expect(posted.content).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/);
    expect(posted.content).toContain('\\[the official report\\]');
    expect(posted.content).toContain('**did not**');
    // Mentions never ping: not the author's mention, not @everyone, not a role or a user in the note.
    expect(posted.allowed_mentions).toEqual({ parse: [] });
    expect(posted.pingedEveryone).toBe(false);
    expect(posted.pingedUserIds).toEqual([]);

    const voted = await cmd(h.guild, 'bob', 'vote', { claim: '1', verdict: 'came-true', evidence: 'https://example.org/bob' });
    expect(voted.content).toMatch(/Your evidence is added \(came true\)/);
    const second = await h.fake.waitForMessage(threadId, (m) => m.content.includes('https://example.org/bob'));
    expect(second.content).toContain('**came true**');
    expect(second.pingedUserIds).toEqual([]);

    // The round's card (compact; registered by the Add evidence click) is refreshed with the count; the sides are on /predict show.
    await vi.waitFor(() => expect(text(h.fake.message(card.id)!)).toMatch(/2 evidence items/), { timeout: 20_000 });
    // /predict show lists them all, with their numbers for /predict evidence-remove.
    const shown = await cmd(h.guild, 'carol', 'predict', { claim: '1' }, 'show');
    const list = shown.embeds.find((e) => e.title?.startsWith('Evidence on #1'))!;
    expect(list.description).toContain('https://example.org/report_%28final%29');
    expect(list.description).toContain('https://example.org/bob');
    expect(shown.allowed_mentions).toEqual({ parse: [] });
  });

  it('a manager removes an item (a member may not); it leaves the list', async () => {
    const shown = await cmd(h.guild, 'carol', 'predict', { claim: '1' }, 'show');
    const list = shown.embeds.find((e) => e.title?.startsWith('Evidence on #1'))!.description!;
    const item = Number(/`(\d+)`[^\n]*example\.org\/bob/.exec(list)![1]);
    // numbered on the claim (1, 2), not by the table's ids across servers
    expect([...list.matchAll(/^`(\d+)`/gm)].map((m) => Number(m[1])).sort()).toEqual([1, 2]);
    const refused = await cmd(h.guild, 'bob', 'predict', { claim: '1', item }, 'evidence-remove');
    expect(refused.ephemeral).toBe(true);
    const removed = await cmd(h.guild, MOD, 'predict', { claim: '1', item }, 'evidence-remove');
    expect(removed.content).toBe(`Evidence item ${item} removed from claim #1 (recorded in its history).`);
    const after = await cmd(h.guild, 'carol', 'predict', { claim: '1' }, 'show');
    expect(text(after)).not.toContain('example.org/bob');
    expect(text(after)).toMatch(/removed evidence/);
    // The round's card follows: one item left.
    await vi.waitFor(() => expect(text(h.fake.message(card.id)!)).toMatch(/\b1 evidence item\b/), { timeout: 20_000 });
    expect(text(after)).toMatch(/came true 0 · did not 1 · context 0/);
  });

  it('evidence added from /predict show’s card refreshes that message: the card lists it, the out-of-date list under it goes', async () => {
    const shown = await cmd(h.guild, 'carol', 'predict', { claim: '2' }, 'show');
    expect(shown.ephemeral).toBe(false);
    expect(shown.embeds.map((e) => e.title)).toContainEqual('Evidence on #2');
    const modal = await h.fake.clickButton(h.guild.id, 'carol', { customId: buttonId(shown, 'Add evidence')!, messageId: shown.messageId }).modal(10_000);
    const submitted = await h.fake
      .submitModal(h.guild.id, 'carol', { customId: modal.custom_id, messageId: shown.messageId, fields: { link: 'https://example.org/five', note: 'the minutes', side: 'context' } })
      .reply(10_000);
    expect(submitted.content).toMatch(/Evidence added to claim #2/);
    // The card flusher edits the message: the card with its item, no "No evidence yet" list left under it.
    await vi.waitFor(() => expect(text(h.fake.message(shown.messageId)!)).toContain('https://example.org/five'), { timeout: 20_000 });
    const refreshed = h.fake.message(shown.messageId)!;
    expect(refreshed.embeds.some((e) => e.title?.startsWith('Evidence on #2'))).toBe(false);
    expect(text(refreshed)).not.toContain('No evidence yet');
    expect(refreshed.embeds[0]?.title).toMatch(/^#2 /);
  });

  it('a server that has not granted the thread permission still gets its round, once told in the log', async () => {
    const other = h.fake.addGuild({ name: 'No threads here' });
    await vi.waitFor(async () => expect((await cmd(other, MOD, 'predict', { pack: pack.id }, 'import')).content).toMatch(/Imported|added/i), { timeout: 20_000 });
    h.fake.denyThreads(other.defaultChannelId);
    const posted = await runRound(other);
    expect(posted.some((m) => m.embeds.some((e) => e.title?.startsWith('#1 ')))).toBe(true);
    expect(h.fake.threads(other.defaultChannelId)).toEqual([]);
    expect(h.logs.some((l) => String(l.msg).startsWith('could not open the claim thread') && l.guildId === other.id)).toBe(true);
    // Evidence is still taken; there is no thread to post it in.
    const voted = await cmd(other, 'bob', 'vote', { claim: '1', verdict: 'did-not', evidence: 'it did not happen' });
    expect(voted.content).toMatch(/Your evidence is added \(did not\)/);
  });

  it('blind voting: the evidence shows, its side counts and sides only once the window has closed', async () => {
    const blind = h.fake.addGuild({ name: 'Blind' });
    await vi.waitFor(async () => expect((await cmd(blind, MOD, 'predict', { pack: pack.id }, 'import')).content).toMatch(/Imported|added/i), { timeout: 20_000 });
    await cmd(blind, MOD, 'settings', { blind: true });
    await cmd(blind, 'voter', 'vote', { claim: '1', verdict: 'did-not', evidence: 'the talks were called off' });
    const open = text(await cmd(blind, 'reader', 'predict', { claim: '1' }, 'show'));
    expect(open).toContain('the talks were called off');
    expect(open).toMatch(/sides hidden until voting closes/i);
    expect(open).not.toMatch(/did not 1/);
    expect(open).not.toContain(h.fake.userId('voter'));
    // The window closes (the bot's clock moves past it): the counts and sides show.
    offset += 400 * DAY;
    const closed = text(await cmd(blind, 'reader', 'predict', { claim: '1' }, 'show'));
    expect(closed).toMatch(/came true 0 · did not 1 · context 0/);
    expect(closed).toContain('**did not**');
  });
});
