/**
 * Conditional claims through the real discord.js client and the fake Discord: an event (a claim
 * with no speaker), a claim that hangs on it ("90 days after"), the condition autocompleted, the
 * card saying "waiting on", no vote while it waits, and the event resolved did not → the
 * dependent void with the reason.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeReply } from '../fake-discord/index.js';

let h: BotHarness;
const MOD = { id: 'mod', manager: true } as const;
const text = (r: FakeReply) => [r.content, ...r.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])].filter(Boolean).join('\n');

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

describe('a claim that hangs on an event', () => {
  it('waits on it, and resolves void with the reason when the event did not happen', async () => {
    const event = await cmd('alice', 'predict', { claim: 'The ceasefire is signed', 'check-by': 'in 1 month' }, 'add');
    const eventNumber = Number(/Claim #(\d+) added/.exec(event.content)?.[1]);
    expect(eventNumber).toBeGreaterThan(0);

    const choices = await h.fake.sendAutocomplete(h.guild.id, 'alice', { name: 'predict', subcommand: 'add', options: { condition: 'ceasefire' }, focused: 'condition' }).choices();
    expect(choices.map((c) => c.value)).toContain(String(eventNumber));

    const added = await cmd('alice', 'predict', { claim: 'Trade resumes', 'check-by': '90 days after', speaker: 'Anna', condition: `#${eventNumber}` }, 'add');
    const n = Number(/Claim #(\d+) added/.exec(added.content)?.[1]);
    expect(added.content).toMatch(new RegExp(`waits on #${eventNumber}.*90 days after`));
    const card = text(added);
    expect(card).toContain(`Waiting on #${eventNumber}`);
    expect(card).toContain(`90 days after #${eventNumber} comes true`);
    expect(card).toMatch(/Condition\nHangs on \*\*#\d+\*\* The ceasefire is signed · not resolved yet/);
    expect(added.components).toEqual([]);

    const listed = await cmd('bob', 'predict', { status: 'waiting' }, 'list');
    expect(listed.embeds[0]!.title).toBe('Claims waiting on a condition');
    expect(listed.embeds[0]!.description).toContain(`**#${n}** Trade resumes — Anna · *waiting on #${eventNumber}*`);

    const vote = await cmd('bob', 'vote', { claim: String(n), verdict: 'came-true' });
    expect(vote.ephemeral).toBe(true);
    expect(vote.content).toMatch(/waiting on its condition/);

    const early = await cmd(MOD, 'resolve', { claim: String(n), outcome: 'came-true' });
    expect(early.ephemeral).toBe(true);
    expect(early.content).toMatch(/has not come true yet/);

    const resolved = await cmd(MOD, 'resolve', { claim: String(eventNumber), outcome: 'did-not', note: 'talks collapsed' });
    expect(resolved.content).toMatch(/Did not/);

    const shown = text(await cmd('bob', 'predict', { claim: String(n) }, 'show'));
    expect(shown).toContain('Resolved: **Void (cannot be judged)**');
    expect(shown).toContain(`Its condition #${eventNumber} did not happen (resolved Did not).`);
    expect(shown).toMatch(new RegExp(`Hindsight resolved it: Void \\(cannot be judged\\) \\(its condition #${eventNumber} did not happen\\)`));
  });
});
