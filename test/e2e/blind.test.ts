/**
 * Blind voting read through every surface, end to end through the fake Discord (issue 15,
 * findings 4 and 12): while a claim's votes are hidden, no reply, card, file, autocomplete
 * label, score or round post shows who voted what or the tallies; forecasts on claims not yet
 * past their check date are shown to nobody but their author; member exports hold no member data.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeMessageView, FakeReply } from '../fake-discord/index.js';

let h: BotHarness & { dataDir: string };
const MOD = { id: 'mod', manager: true } as const;
const pack = bundledPacks()[0]!;
const EVIDENCE = 'evidence-only-the-voter-knows';
const VOTERS = ['voter-one', 'voter-two'];

type Actor = string | typeof MOD;
const cmd = (user: Actor, name: string, options: Record<string, string | number | boolean> = {}, subcommand?: string) =>
  h.fake.sendCommand(h.guild.id, user, { name, options, ...(subcommand ? { subcommand } : {}) }).reply(10_000);

/** Everything a reply or message shows: content, every embed string, button labels and the bytes of every file. */
const everything = (r: Pick<FakeReply, 'content' | 'embeds' | 'components' | 'files'> | FakeMessageView) =>
  [
    r.content,
    JSON.stringify(r.embeds),
    JSON.stringify(r.components),
    ...('files' in r ? r.files.map((f) => f.data.toString('utf8')) : []),
  ].join('\n');

/** What would give a hidden vote away. */
function leaks(surface: string, body: string): string[] {
  const found: string[] = [];
  for (const voter of VOTERS) if (body.includes(h.fake.userId(voter))) found.push(`${surface}: names a voter`);
  // Evidence stays visible under blind voting (issue 25), but never with its side or who gave it.
  if (new RegExp(`(came true|did not|context)\\*\\* · <@\\d+>[^\\n]*${EVIDENCE}`).test(body)) found.push(`${surface}: shows a voter's evidence with its side`);
  if (/(Came true|Partly|Did not|Too early) \*\*\d+\*\*/.test(body)) found.push(`${surface}: shows a tally`);
  if (/voted (Came true|Partly|Did not|Too early)/.test(body)) found.push(`${surface}: shows a vote in the history`);
  if (/"verdict"/.test(body)) found.push(`${surface}: carries a verdict`);
  return found;
}

beforeAll(async () => {
  h = await startBotHarness();
  await cmd(MOD, 'predict', { pack: pack.id }, 'import'); // the pack's claims are all due, their windows open
  await cmd(MOD, 'settings', { blind: true });
});
afterEach(() => h.fake.assertNoViolations());
afterAll(async () => {
  await h?.stop();
});

describe('blind voting, read through every surface', () => {
  it('hides who voted what and the tallies everywhere while the window is open', async () => {
    // Two members vote "did not" on #1: one by command, with evidence, one with a card's button.
    await cmd(VOTERS[0]!, 'vote', { claim: '1', verdict: 'did-not', evidence: EVIDENCE });
    const card = await cmd('reader', 'predict', { claim: '1' }, 'show');
    const clicked = h.fake.clickButton(h.guild.id, VOTERS[1]!, { customId: 'vote:1:did_not', messageId: card.messageId });
    const ack = await clicked.reply();
    expect(ack.content).toMatch(/You voted \*\*Did not\*\* on claim #1/);

    const problems: string[] = [];
    const read = async (surface: string, r: FakeReply) => {
      problems.push(...leaks(surface, everything(r)));
      return r;
    };
    // The voter's own answer says their vote but not the tally.
    problems.push(...leaks('the second voter’s confirmation', ack.content.replace(/You voted \*\*Did not\*\*/, '')));
    // The card the button was on, as re-rendered after the click.
    const edited = await vi.waitFor(
      () => {
        const m = h.fake.messages(h.guild.defaultChannelId, { includeEphemeral: true }).find((x) => x.id === card.messageId);
        expect(m && everything(m)).toMatch(/2 votes so far/);
        return m!;
      },
      { timeout: 5000 },
    );
    problems.push(...leaks('the card after a click', everything(edited)));

    for (const reader of ['reader', MOD] as const) {
      const who = reader === MOD ? 'a manager' : 'a member';
      const shown = await read(`/predict show as ${who}`, await cmd(reader, 'predict', { claim: '1' }, 'show'));
      expect(everything(shown)).toMatch(/Hidden until voting closes \(blind voting\) · 2 votes so far/);
      // The evidence is not a tally: it shows, without its side or who gave it, and the side counts wait for the window.
      expect(everything(shown)).toContain(EVIDENCE);
      expect(everything(shown)).toMatch(/[Ss]ides hidden until voting closes/);
      expect(everything(shown)).not.toMatch(/came true \d+ · did not \d+ · context \d+/);
      await read(`/predict list as ${who}`, await cmd(reader, 'predict', { status: 'due' }, 'list'));
      const json = await read(`/predict export json as ${who}`, await cmd(reader, 'predict', { format: 'json' }, 'export'));
      expect(json.files).toHaveLength(1);
      const csv = await read(`/predict export csv as ${who}`, await cmd(reader, 'predict', { format: 'csv' }, 'export'));
      const [header, first] = csv.files[0]!.data.toString('utf8').split('\r\n');
      // The columns from outcome on never hold commas: read them from the end of the row.
      const cells = first!.split(',');
      const names = header!.split(',');
      for (const col of ['came_true', 'partly', 'did_not', 'too_early']) expect(cells[cells.length - (names.length - names.indexOf(col))], `csv ${col} as ${who}`).toBe('');
      for (const sub of ['members', 'speakers', 'outlets', 'me']) await read(`/scores ${sub} as ${who}`, await cmd(reader, 'scores', {}, sub));
      // Asked about a voter by name, the reply names them; nothing else about them may show.
      const about = await cmd(reader, 'scores', { member: h.fake.userId(VOTERS[0]!) }, 'me');
      problems.push(...leaks(`/scores me member as ${who}`, everything(about).replaceAll(`<@${h.fake.userId(VOTERS[0]!)}>`, '')));
      for (const [name, options] of [
        ['vote', { claim: '' }],
        ['predict', { claim: '1' }],
        ['resolve', { claim: '' }],
      ] as const) {
        const choices = await h.fake.sendAutocomplete(h.guild.id, reader, { name, ...(name === 'predict' ? { subcommand: 'show' } : {}), options, focused: 'claim' }).choices();
        problems.push(...leaks(`/${name} autocomplete as ${who}`, JSON.stringify(choices)));
      }
    }
    // A scoring round posted now: its summary and cards.
    const added = await cmd(MOD, 'reminders', { channel: h.guild.defaultChannelId, schedule: 'monthly 1 09:00' }, 'add');
    const id = Number(/Schedule (\d+) added/.exec(added.embeds[0]?.title ?? '')?.[1]);
    const before = h.fake.messages(h.guild.defaultChannelId).length;
    expect((await cmd(MOD, 'reminders', { id }, 'run-now')).content).toMatch(/posted/);
    const posted = h.fake.messages(h.guild.defaultChannelId).slice(before);
    expect(posted.some((m) => m.embeds[0]?.title?.startsWith('#1 '))).toBe(true);
    for (const m of posted) problems.push(...leaks(`round post "${m.embeds[0]?.title ?? m.content}"`, everything(m)));

    expect(problems).toEqual([]);
  });

  it('tells a member their export holds claims only; a manager’s holds votes once voting has closed', async () => {
    const member = await cmd('reader', 'predict', { format: 'json' }, 'export');
    expect(member.content).toMatch(/Claims only: votes, forecasts and who added or resolved them are exported by managers/);
    const data = JSON.parse(member.files[0]!.data.toString('utf8')) as { claims: { votes: unknown[]; forecasts: unknown[]; addedBy: unknown }[] };
    expect(data.claims.every((c) => c.votes.length === 0 && c.forecasts.length === 0 && c.addedBy === null)).toBe(true);
    const manager = await cmd(MOD, 'predict', { format: 'json' }, 'export');
    expect(manager.content).toMatch(/votes of \d+ claims? still hidden by blind voting are left out/);
    // With blind voting off the manager's export carries the votes.
    await cmd(MOD, 'settings', { blind: false });
    const open = JSON.parse((await cmd(MOD, 'predict', { format: 'json' }, 'export')).files[0]!.data.toString('utf8')) as { claims: { number: number; votes: { userId: string }[] }[] };
    expect(open.claims.find((c) => c.number === 1)!.votes.map((v) => v.userId).sort()).toEqual(VOTERS.map((v) => h.fake.userId(v)).sort());
    await cmd(MOD, 'settings', { blind: true });
  });

  it('shows nobody else a forecast on a claim before its check date', async () => {
    const added = await cmd('author', 'predict', { claim: 'Checked later', 'check-by': 'in 2 years' }, 'add');
    const number = /Claim #(\d+) added/.exec(added.content)![1]!;
    await cmd('forecaster', 'forecast', { claim: number, probability: 73 });
    const problems: string[] = [];
    const secret = (surface: string, body: string) => {
      if (body.includes('73%') || body.includes('"probability"')) problems.push(`${surface}: shows the forecast`);
      if (body.includes(h.fake.userId('forecaster'))) problems.push(`${surface}: names the forecaster`);
    };
    secret('/predict show', everything(await cmd('reader', 'predict', { claim: number }, 'show')));
    secret('/predict export json', everything(await cmd('reader', 'predict', { format: 'json' }, 'export')));
    secret('/predict export csv', everything(await cmd('reader', 'predict', { format: 'csv' }, 'export')));
    secret('/scores me member', everything(await cmd('reader', 'scores', { member: h.fake.userId('forecaster') }, 'me')).replace(`<@${h.fake.userId('forecaster')}>`, ''));
    expect(problems).toEqual([]);
    // The forecaster sees their own.
    expect(everything(await cmd('forecaster', 'predict', { claim: number }, 'show'))).toMatch(/forecast 73%/);
  });
});
