/**
 * The whole bot, end to end: the real discord.js client logged into our fake Discord, every
 * command, autocomplete, vote and page buttons, permissions, forged ids, other servers' numbers,
 * over-long input and @everyone. Every request the bot sends is checked against Discord's schema.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatewayIntentBits } from 'discord.js';
import { eq } from 'drizzle-orm';
import { cardRefreshes, claims } from '../../src/db/schema.js';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { allDefinitions } from '../../commands/index.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeReply } from '../fake-discord/index.js';

let h: BotHarness & { dataDir: string };
const MOD = { id: 'mod', manager: true } as const;
const pack = bundledPacks()[0]!;
/** What importing the pack adds: its claims, then the events some of them hang on. */
const items = pack.claims.length + pack.events.length;
const text = (r: FakeReply) => [r.content, ...r.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])].filter(Boolean).join('\n');
const buttons = (r: { components: unknown[] }) =>
  (r.components as { components: { label?: string; custom_id?: string; disabled?: boolean }[] }[]).flatMap((row) => row.components);

beforeAll(async () => {
  h = await startBotHarness();
});
afterEach(() => {
  h.fake.assertNoViolations();
});
afterAll(async () => {
  await h?.stop();
});

const cmd = (user: string | typeof MOD, name: string, options: Record<string, string | number | boolean> = {}, subcommand?: string) =>
  h.fake.sendCommand(h.guild.id, user, { name, options, ...(subcommand ? { subcommand } : {}) }).reply();

describe('start-up', () => {
  it('identifies with the Guilds intent only and registers every command once', () => {
    expect(h.fake.identify?.intents).toBe(GatewayIntentBits.Guilds);
    expect(h.fake.commands().map((c) => c.name).sort()).toEqual(allDefinitions.map((c) => c.name).sort());
    expect(h.fake.stats.commandPuts.global).toBe(1);
    const managerOnly = h.fake.commands().filter((c) => c.default_member_permissions === '32').map((c) => c.name).sort();
    expect(managerOnly).toEqual(['reminders', 'reopen', 'resolve', 'settings']);
  });
});

describe('commands', () => {
  it('imports the article pack once, for managers only', async () => {
    const denied = await cmd('alice', 'predict', { pack: pack.id }, 'import');
    expect(denied.ephemeral).toBe(true);
    expect(denied.content).toMatch(/Only managers/);
    const first = await cmd(MOD, 'predict', { pack: pack.id }, 'import');
    expect(first.ephemeral).toBe(true);
    expect(first.content).toContain(`**${items}** added as #1–#${items}, **0** skipped`);
    const again = await cmd(MOD, 'predict', { pack: pack.id }, 'import');
    expect(again.content).toContain(`**0** added, **${items}** skipped`);
  });

  it('lists due claims with Previous/Next buttons that page', async () => {
    const page1 = await cmd('alice', 'predict', { status: 'due' }, 'list');
    expect(page1.embeds[0]!.title).toBe('Due claims (waiting for a verdict)');
    expect(page1.embeds[0]!.description!.split('\n')).toHaveLength(10);
    expect(page1.embeds[0]!.footer!.text).toMatch(new RegExp(`Page 1 of 2 · ${pack.claims.length} claims`));
    const [prev, next] = buttons(page1);
    expect(prev).toMatchObject({ label: '◀ Previous', disabled: true });
    const page2 = await h.fake.clickButton(h.guild.id, 'bob', { customId: next!.custom_id!, messageId: page1.messageId }).reply();
    expect(page2.type).toBe(7);
    // #5 waits on its condition (an event of the pack), so the second page starts at #12.
    expect(page2.embeds[0]!.description).toMatch(/^\*\*#12\*\*/);
    expect(page2.embeds[0]!.footer!.text).toMatch(/Page 2 of 2/);
  });

  it('shows one claim with its quote, speaker, criteria, vote buttons and history', async () => {
    const shown = await cmd('alice', 'predict', { claim: '2' }, 'show');
    const body = text(shown);
    expect(shown.embeds[0]!.title).toContain(`#2 · ${pack.claims[1]!.claim.slice(0, 40)}`);
    expect(body).toContain(pack.claims[1]!.speaker!);
    expect(body).toContain('How it is scored');
    // The notes reach the voter: why the date, how sure the wording was, what the title is.
    expect(body).toContain(`Why this date\n${pack.claims[1]!.checkByNote!.slice(0, 40)}`);
    expect(body).toMatch(/As sure as the wording\n(roughly even chance|likely|very likely|unlikely)/);
    expect(body).toContain(`About the title\n${pack.article.titleNote!.slice(0, 40)}`);
    expect(body).toMatch(/History\n.*imported it/);
    expect(buttons(shown).map((b) => b.label)).toEqual(['Came true', 'Partly', 'Did not', 'Too early', 'Add evidence']);
  });

  it('autocompletes claims of this server by number or text', async () => {
    const byText = await h.fake.sendAutocomplete(h.guild.id, 'alice', { name: 'vote', options: { claim: 'ambassador' }, focused: 'claim' }).choices();
    const ambassador = pack.claims.findIndex((c) => c.claim.toLowerCase().includes('ambassador')) + 1;
    expect(byText.map((c) => c.value)).toContain(String(ambassador));
    const byNumber = await h.fake.sendAutocomplete(h.guild.id, 'alice', { name: 'predict', subcommand: 'show', options: { claim: '1' }, focused: 'claim' }).choices();
    expect(byNumber[0]).toMatchObject({ value: '1' });
    expect(byNumber.length).toBeLessThanOrEqual(25);
    expect(byNumber.every((c) => c.name.length <= 100)).toBe(true);
  });

  it('records a vote from a card button, answers the clicker alone in the callback (one request) and updates the tally', async () => {
    const card = await cmd('alice', 'predict', { claim: '1' }, 'show');
    const cameTrue = buttons(card).find((b) => b.label === 'Came true')!;
    const click = h.fake.clickButton(h.guild.id, 'alice', { customId: cameTrue.custom_id!, messageId: card.messageId });
    const ack = await click.reply();
    expect(ack.ephemeral).toBe(true);
    expect(ack.source).toBe('callback');
    expect(ack.type).toBe(4);
    expect(ack.content).toBe('You voted **Came true** on claim #1.');
    expect(click.state().followups).toHaveLength(0);
    await vi.waitFor(() => expect(JSON.stringify(h.fake.message(card.messageId)!.embeds)).toContain('Came true **1**'));
    const change = await h.fake.clickButton(h.guild.id, 'alice', { customId: buttons(card).find((b) => b.label === 'Did not')!.custom_id!, messageId: card.messageId }).reply();
    expect(change.content).toBe('You changed your vote to **Did not** on claim #1.');
    await vi.waitFor(() => expect(JSON.stringify(h.fake.message(card.messageId)!.embeds)).toContain('Did not **1**'), { timeout: 5000 });
    expect(JSON.stringify(h.fake.message(card.messageId)!.embeds)).toContain('Came true **0**');
  });

  it('coalesces card edits: a burst of votes edits the card a few times, and the last state lands', async () => {
    const card = await cmd('alice', 'predict', { claim: '6' }, 'show');
    const editsOf = () => h.fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${card.messageId}`)).length;
    const before = editsOf();
    const started = Date.now();
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) => h.fake.clickButton(h.guild.id, `burst-${i}`, { customId: 'vote:6:partly', messageId: card.messageId }).reply()),
    );
    expect(acks.every((a) => /^You voted \*\*Partly\*\*/.test(a.content))).toBe(true);
    await vi.waitFor(() => expect(JSON.stringify(h.fake.message(card.messageId)!.embeds)).toContain('Partly **30**'), { timeout: 10_000 });
    const elapsed = Date.now() - started;
    // At most one edit per card per 2 s (plus the one a burst can start with).
    expect(editsOf() - before).toBeGreaterThanOrEqual(1);
    expect(editsOf() - before).toBeLessThanOrEqual(Math.floor(elapsed / 2000) + 1);
    expect(buttons(h.fake.message(card.messageId)!).map((b) => b.label)).toEqual(['Came true', 'Partly', 'Did not', 'Too early', 'Add evidence']);
  });

  it('votes with /vote, and a manager closes voting by the vote', async () => {
    for (const member of ['bob', 'carol', 'dave']) {
      const r = await cmd(member, 'vote', { claim: '3', verdict: 'came-true' });
      expect(r.ephemeral).toBe(true);
    }
    const denied = await cmd('bob', 'resolve', { claim: '3', outcome: 'by-vote' });
    expect(denied.ephemeral).toBe(true);
    expect(denied.content).toMatch(/Only managers/);
    const closed = await cmd(MOD, 'resolve', { claim: '3', outcome: 'by-vote' });
    expect(closed.content).toContain('Voting on claim #3 is closed: **Came true** by the vote.');
    const late = await cmd('erin', 'vote', { claim: '3', verdict: 'did-not' });
    expect(late.content).toMatch(/already resolved/);
  });

  it('lets managers resolve, override and reopen, and shows it in the history', async () => {
    expect((await cmd(MOD, 'resolve', { claim: '4', outcome: 'partly', note: 'Half of it happened' })).content).toMatch(/resolved claim #4: \*\*Partly\*\*/);
    expect((await cmd(MOD, 'resolve', { claim: '4', outcome: 'void' })).content).toMatch(/\*\*Void \(cannot be judged\)\*\* \(was Partly\)/);
    expect((await cmd('bob', 'reopen', { claim: '4' })).content).toMatch(/Only managers/);
    expect((await cmd(MOD, 'reopen', { claim: '4' })).content).toMatch(/reopened claim #4 \(round 2\)/);
    const history = text(await cmd('alice', 'predict', { claim: '4' }, 'show'));
    expect(history).toMatch(/reopened it/);
    expect(history).toMatch(/resolved it: Void/);
  });

  it('adds a claim from plain words, forecasts on it, edits and deletes it (author or manager only)', async () => {
    const added = await cmd('alice', 'predict', { claim: 'A ceasefire is signed', 'check-by': 'in 3 months', speaker: 'A columnist', family: 'war' }, 'add');
    const number = Number(/Claim #(\d+) added/.exec(added.content)![1]);
    expect(number).toBe(items + 1);
    expect((await cmd('bob', 'forecast', { claim: String(number), probability: 35 })).content).toMatch(/now \*\*35%\*\*/);
    expect((await cmd('bob', 'forecast', { claim: String(number), probability: 40 })).content).toMatch(/now \*\*40%\*\* \(was 35%\)/);
    expect((await cmd('bob', 'predict', { claim: String(number), text: 'Hijack' }, 'edit')).content).toMatch(/Only the member who added/);
    // Bob forecast on it: the author may no longer change it; a manager may, and the card says so.
    expect((await cmd('alice', 'predict', { claim: String(number), criteria: 'Both sides sign a text' }, 'edit')).content).toMatch(/no longer be changed by its author/);
    expect((await cmd(MOD, 'predict', { claim: String(number), criteria: 'Both sides sign a text' }, 'edit')).content).toBe(`Claim #${number} updated: criteria.`);
    // The reply says what the new date is (issue 24: "Claim #20 updated." left it to /predict show).
    expect((await cmd(MOD, 'predict', { claim: String(number), 'check-by': 'next year' }, 'edit')).content).toMatch(
      new RegExp(`^Claim #${number} updated: check-by date \\d{4}-\\d{2}-\\d{2} → \\d{4}-\\d{2}-\\d{2}\\. It can be scored from <t:\\d+:D>\\.$`),
    );
    expect(text(await cmd('alice', 'predict', { claim: String(number) }, 'show'))).toMatch(/Edited after forecasts were made by <@/);
    expect((await cmd('bob', 'predict', { claim: String(number) }, 'delete')).content).toMatch(/Only the member who added/);
    // Delete asks first (issue 24: it asked nothing): Keep leaves the claim, Delete deletes it.
    const asked = await cmd(MOD, 'predict', { claim: String(number) }, 'delete');
    expect(asked.ephemeral).toBe(true);
    expect(asked.content).toMatch(new RegExp(`^Delete claim #${number} \\(“A ceasefire is signed”\\)\\? It disappears from lists and cards; its history is kept\\.$`));
    const [yes, no] = (asked.components[0] as { components: { custom_id: string; label: string }[] }).components;
    expect([yes!.label, no!.label]).toEqual([`Delete claim #${number}`, 'Keep it']);
    const kept = await h.fake.clickButton(h.guild.id, MOD, { customId: no!.custom_id, messageId: asked.messageId }).reply();
    expect(kept.content).toBe(`Claim #${number} kept: nothing was deleted.`);
    expect((await cmd('alice', 'predict', { claim: String(number) }, 'show')).embeds[0]!.title).toMatch(new RegExp(`^#${number} `));
    expect(kept.components).toEqual([]);
    const again = await cmd(MOD, 'predict', { claim: String(number) }, 'delete');
    // Someone else pressing it is refused by the ledger, as the command is.
    const forged = await h.fake.clickButton(h.guild.id, 'bob', { customId: yes!.custom_id, messageId: again.messageId, force: true }).reply();
    expect(forged.content).toMatch(/Only the member who added/);
    const deleted = await h.fake.clickButton(h.guild.id, MOD, { customId: yes!.custom_id, messageId: again.messageId }).reply();
    expect(deleted.content).toMatch(new RegExp(`^Claim #${number} \\(“A ceasefire is signed”\\) deleted\\. Its history is kept\\.$`));
    expect(deleted.components).toEqual([]);
    expect((await cmd('alice', 'predict', { claim: String(number) }, 'show')).content).toMatch(/There is no claim/);
  });

  it('refuses a check date in the past and a probability out of range, writing nothing', async () => {
    const past = await cmd('alice', 'predict', { claim: 'Old news', 'check-by': '2001-01-01' }, 'add');
    expect(past.ephemeral).toBe(true);
    expect(past.content).toMatch(/in the past/);
    const list = await cmd('alice', 'predict', { status: 'all', page: 99 }, 'list');
    expect(text(list)).not.toContain('Old news');
  });

  it('shows and changes settings for managers; members are refused', async () => {
    expect((await cmd('alice', 'settings', { quorum: 1 })).content).toMatch(/Only managers/);
    const view = await cmd(MOD, 'settings');
    expect(view.ephemeral).toBe(true);
    expect(text(view)).toMatch(/Quorum\n3 votes/);
    const changed = await cmd(MOD, 'settings', { quorum: 2, timezone: 'Europe/Berlin', blind: true });
    expect(changed.embeds[0]!.title).toBe('Settings updated');
    expect(text(changed)).toMatch(/Time zone\nEurope\/Berlin/);
    const tz = await h.fake.sendAutocomplete(h.guild.id, MOD, { name: 'settings', options: { timezone: 'berl' }, focused: 'timezone' }).choices();
    expect(tz.map((c) => c.value)).toContain('Europe/Berlin');
    await cmd(MOD, 'settings', { blind: false });
  });

  it('exports JSON that imports back as a no-op, and CSV', async () => {
    const json = await cmd('alice', 'predict', { format: 'json' }, 'export');
    expect(json.ephemeral).toBe(true);
    const file = json.files[0]!;
    expect(file.name).toMatch(/^hindsight-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(file.data.toString('utf8')) as { claims: unknown[] };
    expect(data.claims.length).toBe(items);
    const reimport = h.fake.attachment({ filename: 'ledger.json', content: file.data });
    const back = await cmd(MOD, 'predict', { file: reimport as never }, 'import');
    expect(back.content).toContain(`**0** added, **${items}** skipped`);
    const csv = await cmd('alice', 'predict', { format: 'csv' }, 'export');
    expect(csv.files[0]!.data.toString('utf8').split('\r\n')[0]).toMatch(/^number,key,claim/);
  });
});

describe('/scores', () => {
  it('shows leaderboards, track records, and charts as PNG attachments', async () => {
    // A claim forecast before its check date and resolved, so there is something to score.
    const added = await cmd('alice', 'predict', { claim: 'Scored claim', 'check-by': 'tomorrow', speaker: 'A forecaster' }, 'add');
    const number = /Claim #(\d+) added/.exec(added.content)![1]!;
    await cmd('alice', 'forecast', { claim: number, probability: 80 });
    await cmd('bob', 'forecast', { claim: number, probability: 30 });
    await cmd(MOD, 'resolve', { claim: number, outcome: 'came-true' });
    const members = await cmd('alice', 'scores', {}, 'members');
    expect(text(members)).toMatch(/Not yet ranked/);
    const speakers = await cmd('alice', 'scores', {}, 'speakers');
    expect(text(speakers)).toContain('A forecaster');
    const me = await cmd('alice', 'scores', {}, 'me');
    const png = me.files.find((f) => f.name.endsWith('.png'))!;
    expect(png.data.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(text(me)).toMatch(/0\.040/); // (0.8 − 1)²
    const chart = await cmd('alice', 'scores', { speaker: 'A forecaster' }, 'chart');
    expect(chart.files.some((f) => f.name.endsWith('.png'))).toBe(true);
  });

  it('a mistake in a publicly deferred command is answered to the member alone', async () => {
    const handle = h.fake.sendCommand(h.guild.id, 'alice', { name: 'scores', subcommand: 'chart', options: { speaker: 'nobody at all' } });
    const error = await handle.followup();
    expect(error.ephemeral).toBe(true);
    expect(error.content).toMatch(/nobody at all/i);
    // The public "thinking…" placeholder is gone, not edited into the error for the channel to see.
    const original = handle.state().originalMessageId!;
    expect(original).not.toBe(error.messageId);
    await vi.waitFor(() => expect(h.fake.message(original)?.deleted).toBe(true));
  });
});

describe('what members must not be able to do', () => {
  it('never pings: a claim reading @everyone and <@id> mentions nobody', async () => {
    const added = await cmd('mallory', 'predict', { claim: '@everyone @here <@123456789012345678> will win', 'check-by': 'tomorrow', speaker: '@everyone' }, 'add');
    expect(added.message.pingedEveryone).toBe(false);
    expect(added.message.pingedUserIds).toEqual([]);
    expect(added.allowed_mentions).toEqual({ parse: [] });
  });

  it('over-long input is shortened to Discord’s limits, never rejected by Discord', async () => {
    const long = await cmd('alice', 'predict', { claim: 'L'.repeat(500), 'check-by': 'in 1 year', quote: 'Q'.repeat(1500), criteria: 'C'.repeat(1000), speaker: 'S'.repeat(120) }, 'add');
    expect(long.embeds[0]!.title!.length).toBeLessThanOrEqual(256);
    expect(long.embeds[0]!.title!.endsWith('…')).toBe(true);
    const tooLong = await cmd('alice', 'vote', { claim: '1', verdict: 'partly', evidence: 'E'.repeat(500) });
    expect(tooLong.ephemeral).toBe(true);
  });

  it('forged button ids are refused and change nothing', async () => {
    const card = await cmd('alice', 'predict', { claim: '5' }, 'show');
    for (const customId of ['vote:5:maybe', 'vote:0:came_true', 'list:p:bogus:1||', 'nothing-of-ours', `vote:5:came_true:${h.guild.id}`]) {
      const r = await h.fake.clickButton(h.guild.id, 'alice', { customId, messageId: card.messageId, force: true }).reply();
      expect(r.ephemeral).toBe(true);
      expect(r.content).toMatch(/not one Hindsight made/);
    }
    const unknown = await h.fake.clickButton(h.guild.id, 'alice', { customId: 'vote:9999:came_true', messageId: card.messageId, force: true }).reply();
    expect(unknown.content).toMatch(/There is no claim #9999/);
    expect(text(await cmd('alice', 'predict', { claim: '5' }, 'show'))).not.toMatch(/Came true \*\*1\*\*/);
  });

  it('a vote button for another claim forged onto a card counts as that vote but never makes the card that claim’s', async () => {
    const card = await cmd('alice', 'predict', { claim: '7' }, 'show');
    const r = await h.fake.clickButton(h.guild.id, 'forger', { customId: 'vote:8:did_not', messageId: card.messageId, force: true }).reply();
    expect(r.content).toBe('You voted **Did not** on claim #8.');
    // The message shows #7: it is not registered as #8's card (the card flusher would re-render it as #8).
    const registered = await h.app.database.db.select({ number: claims.number }).from(cardRefreshes).innerJoin(claims, eq(claims.id, cardRefreshes.claimId)).where(eq(cardRefreshes.messageId, card.messageId));
    expect(registered).toEqual([]);
    // A real click on it registers it as #7's.
    await h.fake.clickButton(h.guild.id, 'forger', { customId: 'vote:7:partly', messageId: card.messageId }).reply();
    expect(
      await h.app.database.db.select({ number: claims.number }).from(cardRefreshes).innerJoin(claims, eq(claims.id, cardRefreshes.claimId)).where(eq(cardRefreshes.messageId, card.messageId)),
    ).toEqual([{ number: 7 }]);
  });

  it('another server sees none of this ledger, by number, list, button or autocomplete', async () => {
    const other = h.fake.addGuild({ name: 'Other server' });
    const show = await h.fake.sendCommand(other.id, 'alice', { name: 'predict', subcommand: 'show', options: { claim: '1' } }).reply();
    expect(show.content).toMatch(/There is no claim #1 in this server/);
    const vote = await h.fake.sendCommand(other.id, 'alice', { name: 'vote', options: { claim: '2', verdict: 'did-not' } }).reply();
    expect(vote.content).toMatch(/There is no claim #2/);
    const list = await h.fake.sendCommand(other.id, 'alice', { name: 'predict', subcommand: 'list' }).reply();
    expect(list.embeds[0]!.description).toMatch(/No claims match/);
    const click = await h.fake.clickButton(other.id, 'alice', { customId: 'vote:2:did_not', messageId: list.messageId, force: true }).reply();
    expect(click.content).toMatch(/There is no claim #2/);
    const choices = await h.fake.sendAutocomplete(other.id, 'alice', { name: 'vote', options: { claim: '' }, focused: 'claim' }).choices();
    expect(choices).toEqual([]);
  });

  it('an unexpected failure answers with a ref that is in the log, and the bot keeps serving', async () => {
    const original = h.app.ctx.fetchAttachment;
    h.app.ctx.fetchAttachment = async () => {
      throw new Error('disk on fire');
    };
    try {
      const r = await cmd(MOD, 'predict', { file: h.fake.attachment({ filename: 'x.json', content: '{}' }) as never }, 'import');
      const ref = /ref ([0-9a-f]{8})/.exec(r.content)?.[1];
      expect(ref).toBeDefined();
      const logged = h.logs.find((l) => l.ref === ref);
      expect(logged).toBeDefined();
      expect(JSON.stringify(logged)).toContain('disk on fire');
    } finally {
      h.app.ctx.fetchAttachment = original;
    }
    expect((await cmd('alice', 'predict', { claim: '1' }, 'show')).embeds[0]!.title).toMatch(/^#1 /);
  });
});

describe('restarts', () => {
  it('does not re-register unchanged commands, and old page buttons still work', async () => {
    const page1 = await cmd('alice', 'predict', { status: 'all' }, 'list');
    const next = buttons(page1).find((b) => b.label === 'Next ▶')!;
    const { fake, guild, dataDir } = h;
    await h.app.stop();
    h = { ...(await startBotHarness({ reuse: { fake, guild, dataDir } })), stop: h.stop };
    expect(fake.stats.commandPuts.global).toBe(1);
    const page2 = await fake.clickButton(guild.id, 'bob', { customId: next.custom_id!, messageId: page1.messageId }).reply();
    expect(page2.embeds[0]!.footer!.text).toMatch(/Page 2 of/);
  });
});
