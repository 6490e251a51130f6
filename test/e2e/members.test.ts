/**
 * Issue 24, beyond the list, end to end through the fake Discord: forecast buttons on the card and
 * the Other… form, the crowd's median in the answer to one's own forecast only, /predict mine, and
 * /predict list query:.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeReply } from '../fake-discord/index.js';

let h: BotHarness & { dataDir: string };
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

const cmd = (user: string, name: string, options: Record<string, string | number | boolean> = {}, subcommand?: string) =>
  h.fake.sendCommand(h.guild.id, user, { name, options, ...(subcommand ? { subcommand } : {}) }).reply();

describe('forecasting from the card', () => {
  let card: FakeReply;
  let number: number;

  it('a card before its check date carries 10% … 90% and Other…; a click forecasts, answered to the clicker alone', async () => {
    card = await cmd('alice', 'predict', { claim: 'A ceasefire is signed on the Dnipro', 'check-by': 'in 3 months', speaker: 'A columnist' }, 'add');
    number = Number(/Claim #(\d+) added/.exec(card.content)![1]);
    expect(buttons(card).map((b) => b.label)).toEqual(['10%', '30%', '50%', '70%', '90%', 'Other…']);
    const first = await h.fake.clickButton(h.guild.id, 'bob', { customId: buttons(card).find((b) => b.label === '30%')!.custom_id!, messageId: card.messageId }).reply();
    expect(first.ephemeral).toBe(true);
    expect(first.content).toMatch(new RegExp(`claim #${number} is now \\*\\*30%\\*\\*`));
    expect(first.content).toMatch(/Crowd: median \*\*30%\*\* of 1 member\./);
    const again = await h.fake.clickButton(h.guild.id, 'bob', { customId: buttons(card).find((b) => b.label === '70%')!.custom_id!, messageId: card.messageId }).reply();
    expect(again.content).toMatch(/now \*\*70%\*\* \(was 30%\)/);
  });

  it('Other… opens a form for any 1–99%; a bad value is refused and changes nothing', async () => {
    const modal = await h.fake.clickButton(h.guild.id, 'carol', { customId: buttons(card).find((b) => b.label === 'Other…')!.custom_id!, messageId: card.messageId }).modal();
    const refused = await h.fake.submitModal(h.guild.id, 'carol', { customId: modal.custom_id, messageId: card.messageId, fields: { probability: '150' } }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/from 1 to 99/);
    const done = await h.fake.submitModal(h.guild.id, 'carol', { customId: modal.custom_id, messageId: card.messageId, fields: { probability: '45%' } }).reply();
    expect(done.ephemeral).toBe(true);
    expect(done.content).toMatch(/now \*\*45%\*\*/);
    // Bob 70, Carol 45: the median of two.
    expect(done.content).toMatch(/Crowd: median \*\*57\.5%\*\* of 2 members\./);
  });

  it('the crowd stays off the public card before the check date; /predict show shows it only to a forecaster, privately', async () => {
    const publicShow = await cmd('dave', 'predict', { claim: String(number) }, 'show');
    expect(publicShow.ephemeral).toBe(false);
    expect(text(publicShow)).not.toMatch(/Crowd/);
    const mine = await cmd('bob', 'predict', { claim: String(number) }, 'show');
    expect(mine.ephemeral).toBe(true);
    expect(text(mine)).toMatch(/Crowd\nmedian 57\.5% of 2/);
  });

  it('/forecast answers with the crowd too', async () => {
    const r = await cmd('dave', 'forecast', { claim: String(number), probability: 20 });
    expect(r.content).toMatch(/Crowd: median \*\*45%\*\* of 3 members\./);
  });

  it('/predict mine lists my forecasts, to me alone; /predict list query: finds the claim', async () => {
    const mine = await cmd('bob', 'predict', {}, 'mine');
    expect(mine.ephemeral).toBe(true);
    expect(text(mine)).toMatch(new RegExp(`#${number}\\*\\* A ceasefire is signed on the Dnipro · \\*open, check [0-9-]+\\* · forecast 70%`));
    expect(text(mine)).toMatch(/No scored forecasts yet/);
    const nobody = await cmd('erin', 'predict', {}, 'mine');
    expect(text(nobody)).toMatch(/not forecast or voted on any claim/);
    const found = await cmd('erin', 'predict', { query: 'dnipro' }, 'list');
    expect(found.embeds[0]!.description).toMatch(new RegExp(`^\\*\\*#${number}\\*\\* A ceasefire`));
    expect(found.embeds[0]!.description!.split('\n')).toHaveLength(1);
    const none = await cmd('erin', 'predict', { query: '100%_' }, 'list');
    expect(none.embeds[0]!.description).toMatch(/No claims match/);
  });
});
