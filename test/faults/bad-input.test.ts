/**
 * A bad-input sweep over every command and option, generated from the command definitions
 * (commands/index.ts): each option of each (sub)command gets values chosen by its type (empty,
 * huge, RTL, zalgo, emoji, markdown, mentions, negative and huge numbers, dates far past and
 * future, another server's ids, odd files…) while the other options keep valid values. Also
 * every autocomplete option, and forged button custom_ids.
 *
 * Each interaction must be answered: a clear ephemeral error (never "Something went wrong"),
 * or handled. An error writes nothing (the server's export, settings, schedules and audit trail
 * are compared before and after), nothing is ever written to the other server, nobody is pinged,
 * and every request the bot sends passes the fake's schema and limit checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, type APIApplicationCommandOption } from 'discord.js';
import { count, eq } from 'drizzle-orm';
import { commands } from '../../commands/index.js';
import { auditLog, claims } from '../../src/db/schema.js';
import { exportLedger, bundledPacks } from '../../src/ledger/transfer.js';
import { getSettings } from '../../src/ledger/settings.js';
import { listSchedules } from '../../src/jobs/schedules.js';
import { addClaim } from '../../src/ledger/claims.js';
import type { CommandOptionValue, FakeGuildInfo, FakeReply } from '../fake-discord/index.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { MANAGER } from './world.js';
import { guildScope } from '../../src/ledger/context.js';

const MOD = { id: 'sweep-manager', manager: true } as const;
/** A plain member (no Manage Server): the sweep runs as both, so the bot's own permission checks are swept too. */
const MEMBER = { id: 'sweep-member', manager: false } as const;
type Actor = typeof MOD | typeof MEMBER;
/** Commands that ship for managers only: a plain member running them must change nothing. */
const MANAGER_COMMANDS = new Set(commands.filter((c) => c.definition.default_member_permissions).map((c) => c.definition.name));
const MAX_CASES = Number(process.env.FAULTS_SWEEP_MAX ?? 3_000);
const DEADLINE_MS = Number(process.env.FAULTS_SWEEP_SECONDS ?? 400) * 1000;
const UNEXPECTED = /Something went wrong \(ref [0-9a-f]+\)/;
/** Content-only ephemeral answers that report success (everything else content-only and ephemeral is an error). */
const SUCCESS = /^(Claim #\d+ (updated|added|\()|You (voted|changed your vote to) |Your forecast on claim #|Imported |Schedule \d+ |Round for schedule |This server’s ledger)/;
const pack = bundledPacks()[0]!;

let h: BotHarness & { dataDir: string };
let other: FakeGuildInfo;
/** Facts the value generators need, known after set-up. */
const known = { otherServerClaim: 0, otherServerSchedule: 0, schedule: 0, futureClaim: 0, sacrificial: 0, otherChannel: '', otherMember: '', ownSecondChannel: '', card: '', list: '' };

interface Case {
  label: string;
  /** A manager-only command: swept as a plain member, it must write nothing. */
  managerOnly?: boolean;
  run: () => Promise<FakeReply>;
}

type Value = [label: string, value: CommandOptionValue];

/** Bad strings; cut to the option's max_length, as Discord does not deliver longer ones. */
function badStrings(max: number | undefined): Value[] {
  const zalgo = 'Z̴̡̢̛̗̘̙̜̝̞̟̠̤̥̦̩̪̫a̷̛̗̘̙̜̝̞̟l̸̡̢̛̗̘̙g̶̡̢̛̗ơ̵̡̢̗';
  const values: Value[] = [
    ['empty', ''],
    ['blank', '   \t '],
    ['zero-width', '\u200b\u200d\ufeff'],
    ['newlines', 'a\n\n\nb\r\nc'],
    ['control chars', 'a\u0000b\u0007c\u001b[31m'],
    ['lone surrogate', 'x\ud800y'],
    ['RTL override', '\u202egnp.exe\u202c'],
    ['Arabic', 'توقع أن تنتهي الحرب'],
    ['Hebrew', 'שלום עולם'],
    ['zalgo', zalgo.repeat(4)],
    ['emoji', '🔥🧪👩‍👩‍👧‍👦🏳️‍🌈'],
    ['markdown', '**bold** __u__ ~~s~~ `code` ```js\nx\n``` > q ||spoiler|| [link](https://evil.example) # H1'],
    ['@everyone', '@everyone @here'],
    ['user mention', '<@123456789012345678> <@!123456789012345678>'],
    ['role mention', '<@&123456789012345678>'],
    ['channel mention', '<#123456789012345678>'],
    ['negative', '-1'],
    ['zero', '0'],
    ['#0', '#0'],
    ['huge number', '99999999999999999999'],
    ['float', '3.5'],
    ['1e309', '1e309'],
    ['NaN', 'NaN'],
    ['another server’s claim', String(known.otherServerClaim)],
    ['date far past', '0001-01-01'],
    ['date far future', '9999-12-31'],
    ['impossible date', '2024-02-30'],
    ['epoch', '1970-01-01'],
    ['phrase in the past', 'yesterday'],
    ['phrase far future', 'in 10000 years'],
    ['negative phrase', 'in -3 days'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['file: URL', 'file:///etc/passwd'],
    ['bare scheme', 'https://'],
    ['SQL', "'; drop table claims; --"],
    ['path', '../../etc/localtime'],
    ['unknown zone', 'Mars/Olympus'],
    ['maximum length', 'x'.repeat(max ?? 6000)],
  ];
  return values.map(([label, value]) => [label, typeof value === 'string' && max !== undefined ? value.slice(0, max) : value]);
}

function badIntegers(o: { min_value?: number; max_value?: number }): Value[] {
  const raw: [string, number][] = [
    ['zero', 0],
    ['negative', -1],
    ['2^31', 2 ** 31],
    ['max safe integer', Number.MAX_SAFE_INTEGER],
    ['min safe integer', -Number.MAX_SAFE_INTEGER],
  ];
  if (o.min_value !== undefined) raw.push(['min', o.min_value], ['below min', o.min_value - 1]);
  if (o.max_value !== undefined) raw.push(['max', o.max_value], ['above max', o.max_value + 1]);
  return raw;
}

const badNumbers = (): Value[] => [
  ['zero', 0],
  ['tiny negative', -0.0001],
  ['just above 100', 100.0001],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['denormal', 5e-324],
  ['repeating', 33.333333333],
];

function badFiles(): Value[] {
  const file = (name: string, content: string | Buffer): CommandOptionValue => h.fake.attachment({ filename: name, content, contentType: 'application/json' });
  const proto = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "format": "hindsight-ledger", "version": 1, "claims": []}';
  const mentions = JSON.stringify({ id: 'sweep-pack', name: '@everyone <@&123456789012345678>', claims: [{ key: 'k1', claim: '@everyone will <@123456789012345678>', checkBy: '2030-01-01' }] });
  return [
    ['empty file', file('empty.json', '')],
    ['not JSON', file('x.json', 'not json at all')],
    ['empty object', file('o.json', '{}')],
    ['array', file('a.json', '[]')],
    ['deep nesting', file('deep.json', `${'['.repeat(200_000)}${']'.repeat(200_000)}`)],
    ['prototype keys', file('proto.json', proto)],
    ['mentions in a pack', file('mentions.json', mentions)],
    ['binary', file('bin.json', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]))],
    ['too large', file('big.json', `{"claims": [${'0,'.repeat(1_100_000)}0]}`)],
  ];
}

function valuesFor(o: APIApplicationCommandOption): Value[] {
  const choices = 'choices' in o && o.choices?.length ? o.choices : undefined;
  if (choices) return choices.map((c) => [`choice ${c.value}`, c.value]);
  switch (o.type) {
    case ApplicationCommandOptionType.String:
      return badStrings(o.max_length);
    case ApplicationCommandOptionType.Integer:
      return badIntegers(o);
    case ApplicationCommandOptionType.Number:
      return badNumbers();
    case ApplicationCommandOptionType.Boolean:
      return [
        ['true', true],
        ['false', false],
      ];
    case ApplicationCommandOptionType.Channel:
      return [
        ['this channel', h.guild.defaultChannelId],
        ['another channel here', known.ownSecondChannel],
        ['another server’s channel', known.otherChannel],
        ['unknown channel', '123456789012345678'],
      ];
    case ApplicationCommandOptionType.User:
      return [
        ['a member', 'alice'],
        ['the bot', h.fake.botUserId],
        ['another server’s member', known.otherMember],
        ['unknown user', '123456789012345678'],
      ];
    case ApplicationCommandOptionType.Attachment:
      return badFiles();
    default:
      throw new Error(`no values for option type ${o.type} (${o.name}): extend the sweep`);
  }
}

/** A valid value for a required option, so that each case varies one option only. */
function validValue(path: string, o: APIApplicationCommandOption): CommandOptionValue {
  const byPath: Record<string, CommandOptionValue> = {
    'predict add claim': 'A ceasefire is signed',
    'predict delete claim': String(known.sacrificial),
    'forecast claim': String(known.futureClaim),
    'resolve claim': '3',
    'reopen claim': '3',
  };
  const byName: Record<string, CommandOptionValue> = {
    claim: '2',
    'check-by': 'in 1 year',
    schedule: 'weekly monday 09:00',
    id: known.schedule,
    probability: 40,
    item: 1,
    channel: h.guild.defaultChannelId,
  };
  const value = byPath[`${path} ${o.name}`] ?? byName[o.name] ?? ('choices' in o ? o.choices?.[0]?.value : undefined);
  if (value === undefined) throw new Error(`no valid value for required option ${o.name} of /${path}`);
  return value;
}

interface Leaf {
  name: string;
  subcommand?: string;
  path: string;
  options: APIApplicationCommandOption[];
}

function leaves(): Leaf[] {
  const out: Leaf[] = [];
  for (const command of commands) {
    const d = command.definition;
    const options = (d.options ?? []) as APIApplicationCommandOption[];
    const subs = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
    if (options.some((o) => o.type === ApplicationCommandOptionType.SubcommandGroup)) throw new Error(`/${d.name}: subcommand groups are not swept yet`);
    if (!subs.length) out.push({ name: d.name, path: d.name, options });
    for (const s of subs) {
      if (s.type !== ApplicationCommandOptionType.Subcommand) continue;
      out.push({ name: d.name, subcommand: s.name, path: `${d.name} ${s.name}`, options: (s.options ?? []) as APIApplicationCommandOption[] });
    }
  }
  return out;
}

const send = (guildId: string, leaf: Leaf, options: Record<string, CommandOptionValue>, actor: Actor = MOD) =>
  h.fake.sendCommand(guildId, actor, { name: leaf.name, ...(leaf.subcommand ? { subcommand: leaf.subcommand } : {}), options }).reply(15_000);

function commandCases(actor: Actor): Case[] {
  const cases: Case[] = [];
  for (const leaf of leaves()) {
    const base = Object.fromEntries(leaf.options.filter((o) => 'required' in o && o.required).map((o) => [o.name, validValue(leaf.path, o)]));
    const managerOnly = MANAGER_COMMANDS.has(leaf.name);
    cases.push({ label: `/${leaf.path} (required options only)`, managerOnly, run: () => send(h.guild.id, leaf, base, actor) });
    for (const option of leaf.options) {
      for (const [label, value] of valuesFor(option)) {
        cases.push({ label: `/${leaf.path} ${option.name}: ${label}`, managerOnly, run: () => send(h.guild.id, leaf, { ...base, [option.name]: value }, actor) });
      }
    }
  }
  return cases;
}

function buttonCases(actor: Actor): Case[] {
  const ids: [string, string][] = [
    ['another server’s claim', `vote:${known.otherServerClaim}:came_true`],
    ['claim 0', 'vote:0:came_true'],
    ['negative claim', 'vote:-1:came_true'],
    ['eleven digits', 'vote:99999999999:came_true'],
    ['Arabic-Indic digit', 'vote:١:came_true'],
    ['upper-case verdict', 'vote:2:CAME_TRUE'],
    ['unknown verdict', 'vote:2:maybe'],
    ['extra part', 'vote:2:came_true:1'],
    ['no verdict', 'vote:2'],
    ['emoji', 'vote:2:🔥'],
    ['mention', 'vote:<@&123456789012345678>:came_true'],
    ['unknown prefix', 'admin:wipe'],
    ['100 characters', 'x'.repeat(100)],
    ['blank', ' '],
    ['list: unknown status', 'list:p:bogus:1||'],
    ['list: page 0', 'list:n:all:0||'],
    ['list: huge page', 'list:n:all:999999||'],
    ['list: mentions in filters', 'list:p:all:1|@everyone|<@123456789012345678>'],
    ['list: a valid page', 'list:n:all:2||'],
  ];
  return ids.flatMap(([label, customId]) => [
    { label: `button on a card: ${label}`, run: () => h.fake.clickButton(h.guild.id, actor, { customId, messageId: known.card, force: true }).reply(15_000) },
    { label: `button on a list: ${label}`, run: () => h.fake.clickButton(h.guild.id, actor, { customId, messageId: known.list, force: true }).reply(15_000) },
  ]);
}

/** What an error must leave alone: the server's ledger export, settings, schedules, audit trail and claim rows. */
async function snapshot(guildId: string): Promise<string> {
  const db = h.app.database.db;
  const [ledger, settings, schedules, [audit], [rows]] = await Promise.all([
    exportLedger(guildScope(db, guildId), { memberData: true, now: new Date() }),
    getSettings(guildScope(db, guildId)),
    listSchedules(guildScope(db, guildId)),
    db.select({ n: count() }).from(auditLog).where(eq(auditLog.guildId, guildId)),
    db.select({ n: count() }).from(claims).where(eq(claims.guildId, guildId)),
  ]);
  return JSON.stringify({ ledger, settings, schedules, audit: audit?.n, claims: rows?.n });
}

const isError = (r: FakeReply) => r.ephemeral && !r.embeds.length && !r.components.length && !r.files.length && !SUCCESS.test(r.content);

beforeAll(async () => {
  h = await startBotHarness({ fake: { waitTimeoutMs: 15_000 } });
  other = h.fake.addGuild({ name: 'Other server' });
  const cmd = (guildId: string, name: string, subcommand: string | undefined, options: Record<string, CommandOptionValue>) =>
    h.fake.sendCommand(guildId, MOD, { name, ...(subcommand ? { subcommand } : {}), options }).reply(15_000);
  for (const g of [h.guild.id, other.id]) await cmd(g, 'predict', 'import', { pack: pack.id });
  // The other server has claim numbers this one does not.
  const then = new Date(Date.now() - 10 * 86_400_000);
  for (let i = 0; i < 5; i++) await addClaim({ db: h.app.database.db, guildId: other.id, actor: MANAGER, now: () => then }, { claim: `Other ${i}`, checkBy: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10) });
  known.otherServerClaim = pack.claims.length + 3;
  const future = await cmd(h.guild.id, 'predict', 'add', { claim: 'A claim checked later', 'check-by': 'in 2 years' });
  known.futureClaim = Number(/Claim #(\d+) added/.exec(future.content)?.[1]);
  known.sacrificial = pack.claims.length;
  known.ownSecondChannel = h.fake.addChannel(h.guild.id, { name: 'second' }).id;
  known.otherChannel = other.defaultChannelId;
  known.otherMember = h.fake.member(other.id, 'only-in-other').user.id;
  const scheduleId = (r: FakeReply) => Number(/Schedule (\d+) added/.exec(r.embeds[0]?.title ?? '')?.[1]);
  known.schedule = scheduleId(await cmd(h.guild.id, 'reminders', 'add', { channel: h.guild.defaultChannelId, schedule: 'monthly 1 09:00' }));
  known.otherServerSchedule = scheduleId(await cmd(other.id, 'reminders', 'add', { channel: other.defaultChannelId, schedule: 'monthly 1 09:00' }));
  known.card = (await cmd(h.guild.id, 'predict', 'show', { claim: '2' })).messageId;
  known.list = (await cmd(h.guild.id, 'predict', 'list', {})).messageId;
  expect(Object.values(known).every((v) => v !== '' && !Number.isNaN(v) && v !== 0)).toBe(true);
  h.fake.assertNoViolations();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('bad input over every command, option and button', () => {
  it.each([
    ['a manager', MOD],
    ['a plain member', MEMBER],
  ] as const)('as %s: answers each clearly, writes nothing on an error, never touches another server, pings nobody', async (_who, actor) => {
    const cases = [...commandCases(actor), ...buttonCases(actor)];
    // Another server's schedule id, as an option of every /reminders subcommand that takes one.
    for (const leaf of leaves().filter((l) => l.options.some((o) => o.name === 'id'))) {
      cases.push({ label: `/${leaf.path} id: another server’s schedule`, managerOnly: true, run: () => send(h.guild.id, leaf, { id: known.otherServerSchedule }, actor) });
    }
    expect(cases.length).toBeLessThanOrEqual(MAX_CASES);
    const deadline = Date.now() + DEADLINE_MS;
    const problems: string[] = [];
    const otherBefore = await snapshot(other.id);
    let done = 0;
    let errors = 0;
    for (const c of cases) {
      if (Date.now() > deadline) {
        problems.push(`sweep stopped at the deadline after ${done} of ${cases.length} cases (FAULTS_SWEEP_SECONDS)`);
        break;
      }
      const violationsBefore = h.fake.violations.length;
      const before = await snapshot(h.guild.id);
      let reply: FakeReply;
      try {
        reply = await c.run();
      } catch (error) {
        problems.push(`${c.label}: no answer (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
        done += 1;
        continue;
      }
      done += 1;
      const text = `${reply.content} ${JSON.stringify(reply.embeds)}`;
      if (UNEXPECTED.test(text)) problems.push(`${c.label}: unexpected error: ${reply.content.slice(0, 120)}`);
      if (reply.message.pingedEveryone || reply.message.pingedUserIds.length) problems.push(`${c.label}: pinged ${reply.message.pingedEveryone ? '@everyone' : reply.message.pingedUserIds.join(', ')}`);
      if (isError(reply)) {
        errors += 1;
        if (!reply.content.trim()) problems.push(`${c.label}: empty error message`);
        if ((await snapshot(h.guild.id)) !== before) problems.push(`${c.label}: answered with an error (${reply.content.slice(0, 80)}) but wrote to the ledger`);
      } else if (actor === MEMBER && c.managerOnly && (await snapshot(h.guild.id)) !== before) {
        problems.push(`${c.label}: a plain member changed the ledger with a manager command (${reply.content.slice(0, 80)})`);
      }
      for (const v of h.fake.violations.slice(violationsBefore)) problems.push(`${c.label}: fake Discord violation [${v.kind}] ${v.message}: ${v.errors.join('; ').slice(0, 200)}`);
    }
    if ((await snapshot(other.id)) !== otherBefore) problems.push('the other server’s ledger, settings or schedules changed');
    // No message anywhere pinged anyone, and nothing polluted Object.prototype.
    for (const channelId of [h.guild.defaultChannelId, known.ownSecondChannel, other.defaultChannelId]) {
      for (const m of h.fake.messages(channelId, { includeEphemeral: true })) {
        if (m.pingedEveryone || m.pingedUserIds.length) problems.push(`message ${m.id} in ${channelId} pinged someone`);
      }
    }
    if ((({}) as Record<string, unknown>).polluted !== undefined) problems.push('Object.prototype was polluted by an import');
    // Still serving.
    const after = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'predict', subcommand: 'show', options: { claim: '1' } }).reply(15_000);
    if (!after.embeds[0]?.title?.startsWith('#1 ')) problems.push('the bot no longer answers /predict show');
    if (h.logs.some((l) => l.msg === 'interaction handler crashed')) problems.push('an interaction crashed the handler');
    console.info(`bad-input sweep: ${done} interactions, ${errors} answered with an error, ${problems.length} problems`);
    expect(problems).toEqual([]);
  }, 600_000);

  it('autocomplete answers every option with at most 25 valid choices, whatever is typed, to managers and members', async () => {
    const problems: string[] = [];
    let done = 0;
    for (const actor of [MOD, MEMBER]) for (const leaf of leaves()) {
      const base = Object.fromEntries(leaf.options.filter((o) => 'required' in o && o.required).map((o) => [o.name, validValue(leaf.path, o)]));
      for (const option of leaf.options.filter((o) => 'autocomplete' in o && o.autocomplete)) {
        for (const [label, value] of badStrings('max_length' in option ? option.max_length : undefined)) {
          const violationsBefore = h.fake.violations.length;
          try {
            const choices = await h.fake
              .sendAutocomplete(h.guild.id, actor, { name: leaf.name, ...(leaf.subcommand ? { subcommand: leaf.subcommand } : {}), options: { ...base, [option.name]: value }, focused: option.name })
              .choices(15_000);
            if (choices.length > 25) problems.push(`/${leaf.path} ${option.name}: ${label}: ${choices.length} choices`);
            for (const c of choices) if (!c.name.length || c.name.length > 100 || String(c.value).length > 100) problems.push(`/${leaf.path} ${option.name}: ${label}: bad choice ${JSON.stringify(c).slice(0, 120)}`);
          } catch (error) {
            problems.push(`/${leaf.path} ${option.name}: ${label}: no choices (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
          }
          for (const v of h.fake.violations.slice(violationsBefore)) problems.push(`/${leaf.path} ${option.name}: ${label}: violation [${v.kind}] ${v.message}`);
          done += 1;
        }
      }
    }
    console.info(`autocomplete sweep: ${done} interactions, ${problems.length} problems`);
    expect(problems).toEqual([]);
  }, 300_000);
});
