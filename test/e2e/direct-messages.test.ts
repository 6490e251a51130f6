/**
 * Opt-in direct messages through the real discord.js client and the fake Discord: /predict notify
 * turns them on; when a manager resolves and then reopens a claim, a member who forecast on it and
 * opted in gets one DM each time (claim, outcome, no pings); a member who did not opt in gets
 * none; a member whose privacy settings refuse DMs (403, 50007) is tried once and not again. The
 * fake's DM channel is valid against Discord's vendored spec.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { SpecValidator } from '../fake-discord/validate.js';
import type { RecordedRequest } from '../fake-discord/index.js';

let h: BotHarness;
const MOD = { id: 'mod', manager: true } as const;

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

/** Every outbox row answered (sent or failed): the sender's passes are over. */
async function outboxDrained(): Promise<void> {
  for (;;) {
    const result = await h.app.database.db.execute(sql`select count(*)::int as n from direct_messages where sent_at is null and failed_at is null`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[];
    if (Number(rows[0]!.n) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dmOpenings = (user: string) => h.fake.requests.filter((r) => r.method === 'POST' && r.path === '/users/@me/channels' && (r.body as { recipient_id?: string }).recipient_id === h.fake.userId(user));
const sendsTo = (channelId: string) => h.fake.requests.filter((r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);

describe('/predict notify', () => {
  it('says the setting, turns it on and off, and /predict mine shows it', async () => {
    const first = await cmd('erin', 'predict', {}, 'notify');
    expect(first.ephemeral).toBe(true);
    expect(first.content).toMatch(/Direct messages are \*\*off\*\*/);
    const on = await cmd('erin', 'predict', { dm: 'on' }, 'notify');
    expect(on.ephemeral).toBe(true);
    expect(on.content).toMatch(/Direct messages are \*\*on\*\*/);
    expect((await cmd('erin', 'predict', {}, 'mine')).embeds[0]!.footer!.text).toMatch(/Direct messages: on/);
    const off = await cmd('erin', 'predict', { dm: 'off' }, 'notify');
    expect(off.content).toMatch(/Direct messages are \*\*off\*\*/);
    expect((await cmd('erin', 'predict', {}, 'mine')).embeds[0]!.footer!.text).toMatch(/Direct messages: off/);
  });
});

describe('direct messages on resolution and reopening', () => {
  it('reach an opted-in forecaster each time, nobody who did not opt in, and a member refusing DMs once only', async () => {
    const added = await cmd('alice', 'predict', { claim: 'Talks resume @everyone <@&1>', 'check-by': 'in 2 months', speaker: 'Anna' }, 'add');
    const n = Number(/Claim #(\d+) added/.exec(added.content)?.[1]);
    expect(n).toBeGreaterThan(0);
    for (const user of ['alice', 'carol']) await cmd(user, 'predict', { dm: 'on' }, 'notify');
    h.fake.refuseDirectMessages('carol');
    for (const [user, p] of [['alice', 70], ['bob', 30], ['carol', 55]] as const) await cmd(user, 'forecast', { claim: String(n), probability: p });

    const resolved = await cmd(MOD, 'resolve', { claim: String(n), outcome: 'came-true' });
    expect(resolved.content).toMatch(/Came true/);
    const dm = await h.fake.waitForDirectMessage('alice', (m) => m.content.includes(`Claim #${n} resolved`));
    expect(dm.content).toContain(`**Claim #${n} resolved: Came true**`);
    expect(dm.content).toContain('Talks resume');
    expect(dm.content).toContain(`https://discord.com/channels/${h.guild.id}`);
    expect(dm.allowed_mentions).toEqual({ parse: [] });
    expect(dm.pingedEveryone).toBe(false);
    expect(dm.pingedUserIds).toEqual([]);
    await outboxDrained();

    // Carol: tried once, refused (403, 50007).
    expect(dmOpenings('carol')).toHaveLength(1);
    const refused = h.fake.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 403);
    expect(refused).toHaveLength(1);
    expect(h.fake.directMessages('carol')).toEqual([]);
    // Bob never asked: no DM channel opened for him.
    expect(dmOpenings('bob')).toEqual([]);

    await cmd(MOD, 'reopen', { claim: String(n) });
    const again = await h.fake.waitForDirectMessage('alice', (m) => m.content.includes(`Claim #${n} was reopened`));
    expect(again.content).toContain('(its result, Came true, no longer stands)');
    await outboxDrained();
    expect(h.fake.directMessages('alice')).toHaveLength(2);
    // Carol's refusal stopped her DMs: not tried on the reopening.
    expect(sendsTo(refused[0]!.path.split('/')[2]!)).toHaveLength(1);
    expect(h.fake.directMessages('bob')).toEqual([]);
    // The bot's log says what happened to Carol's DM.
    expect(h.logs.some((l) => String(l.msg).includes('direct message refused') && l.code === 50007)).toBe(true);
    // And Alice's own setting says she gets them.
    expect((await cmd('alice', 'predict', {}, 'mine')).embeds[0]!.footer!.text).toMatch(/Direct messages: on/);
    expect((await cmd('carol', 'predict', {}, 'mine')).embeds[0]!.footer!.text).toMatch(/Discord refused the last one/);
  });
});

describe('the fake Discord', () => {
  it('opens a DM channel valid against the vendored spec, the same one each time', async () => {
    const open = async () => {
      const res = await fetch(`${h.fake.apiUrl}/v10/users/@me/channels`, {
        method: 'POST',
        headers: { authorization: `Bot ${h.fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient_id: h.fake.userId('dana') }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string };
    };
    const channel = await open();
    expect(SpecValidator.load().validateSchema('PrivateChannelResponse', channel)).toEqual([]);
    expect((await open()).id).toBe(channel.id);
  });
});
