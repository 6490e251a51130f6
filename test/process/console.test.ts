/**
 * The local console as a person uses it without Discord: `node --import tsx src/main.ts` with no
 * DISCORD_TOKEN and commands piped on stdin. Each run is a real process on an embedded database
 * in a temporary folder (the working directory too, so no .env of the repository is read).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '../support/test-db.js';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { memberFacing } from '../../src/kit/work.js';
import { inlineWork } from '../../src/work/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = join(ROOT, 'src/main.ts');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A temporary folder for one console session. Its database starts as a copy of the run's migrated
 * PGlite template (a first start migrates for about two seconds of CPU; the first test below keeps
 * starting from an empty folder, so that path stays covered), unless `fresh`.
 */
function tempDir(opts: { fresh?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-console-'));
  dirs.push(dir);
  if (!opts.fresh) seedDataDir(join(dir, 'data'));
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The output of each command, keyed by its echo: `alice › /vote …` (or `mod (manager) › …`). */
  replies: Map<string, string>;
}

/** Runs the console in `dir` with these lines on stdin. */
function runConsole(dir: string, lines: string[], args: string[] = []): Promise<Run> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, HINDSIGHT_DATA_DIR: join(dir, 'data') };
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the console did not exit within 100 s\n${stdout}\n${stderr}`));
    }, 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, replies: repliesOf(stdout) });
    });
  });
}

/** Splits a transcript at the echoed command lines (`name › /command …`); a line run twice keeps the last. */
function repliesOf(stdout: string): Map<string, string> {
  const replies = new Map<string, string>();
  let current: string | null = null;
  for (const line of stdout.split('\n')) {
    if (/^\S+(?: \([^)]+\))? › /.test(line)) {
      current = line;
      replies.set(current, '');
    } else if (current !== null && line.trim()) {
      replies.set(current, `${replies.get(current)}${line}\n`);
    }
  }
  return replies;
}

/** What the console printed for one command, by its echo; fails with the transcript when absent. */
function replyTo(run: Run, echo: string): string {
  const text = run.replies.get(echo);
  if (text === undefined) throw new Error(`no output for "${echo}":\n${run.stdout}\n${run.stderr}`);
  return text;
}

// Each test starts real console processes (a TypeScript loader, an embedded database): generous limits, as a loaded machine needs.
describe('the console without Discord', { timeout: 120_000 }, () => {
  it('imports the pack, votes to quorum, resolves by the vote, and refuses what Discord would refuse (exit 1)', async () => {
    const dir = tempDir({ fresh: true }); // a first start: the console creates and migrates its database
    const run = await runConsole(dir, [
      '/predict list status:due',
      '/as alice',
      '/vote claim:1 verdict:came-true',
      '/as bob',
      '/vote claim:1 verdict:"Came true"',
      '/as carol',
      '/vote claim:1 verdict:came-true',
      '/as dave',
      '/resolve claim:1 outcome:by-vote',
      '/settings quorum:2',
      '/as mod --manager',
      '/resolve claim:1 outcome:by-vote',
      '/forecast claim:2 probability:150',
      '/vote claim:1 verdict:maybe',
      '/vote claim:1 verdikt:came-true',
      '/vote claim:1',
      '/predict show claim:1',
    ]);
    const reply = (echo: string) => replyTo(run, echo);
    expect(run.stdout).toMatch(/Imported the article pack .*: 20 claims added as #1–#20\./);
    expect(reply('you (manager) › /predict list status:due')).toContain('Due claims (waiting for a verdict)');
    expect(reply('you (manager) › /predict list status:due')).toMatch(/#1 Until Trump's inauguration on 20 January 2025/);
    expect(reply('you (manager) › /predict list status:due')).toContain('Page 1 of 2 · 19 claims');
    expect(reply('you (manager) › /predict list status:due')).toMatch(/\[1\] ◀ Previous \(disabled\) {2}\[2\] Next ▶/);
    expect(reply('you (manager) › /as alice')).toContain('You are now alice (a member)');
    expect(reply('alice › /vote claim:1 verdict:came-true')).toContain('(only you can see this)');
    expect(reply('alice › /vote claim:1 verdict:came-true')).toContain('You voted Came true on claim #1.');
    expect(reply('bob › /vote claim:1 verdict:"Came true"')).toContain('Came true 2 ·');
    // Refused: managers' commands, as Discord hides them from other members.
    expect(reply('dave › /resolve claim:1 outcome:by-vote')).toMatch(/✗ \/resolve is for managers \(Manage Server\)/);
    expect(reply('dave › /settings quorum:2')).toMatch(/✗ \/settings is for managers/);
    expect(reply('dave › /as mod --manager')).toContain('You are now mod (a manager');
    // (The closer sweeps expired windows every minute: if one falls between the last vote and this line, it resolved the claim first.)
    expect(run.stdout).toMatch(
      /mod \(manager\) › \/resolve claim:1 outcome:by-vote\n(Hindsight:\n {2}Voting on claim #1 is closed: Came true by the vote\.|.*\n {2}Claim #1 is already resolved\.)/,
    );
    // Options checked against the definitions, as Discord's client does.
    expect(reply('mod (manager) › /forecast claim:2 probability:150')).toContain('Option `probability` must be at most 100.');
    expect(reply('mod (manager) › /vote claim:1 verdict:maybe')).toContain('Option `verdict` must be one of: came-true, partly, did-not, too-early');
    expect(reply('mod (manager) › /vote claim:1 verdikt:came-true')).toContain('/vote has no option `verdikt`. The options of /vote are: claim, verdict, evidence.');
    expect(reply('mod (manager) › /vote claim:1')).toContain('Option `verdict` is required.');
    const card = reply('mod (manager) › /predict show claim:1');
    expect(card).toContain('Status: Resolved: Came true');
    expect(card).toMatch(/(@mod|Hindsight) resolved it: Came true \(by the vote\)/);
    expect(card).toMatch(/@alice voted Came true/);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/"level":50/); // no unexpected errors logged
  });

  it('exits 0 when every command succeeds; buttons page and vote; exports are saved; state survives a restart', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mine.json'), JSON.stringify({
      id: 'mine',
      name: 'My pack',
      article: { outlet: 'Local', title: 'A test article', url: null, publishedOn: '2024-01-02' },
      claims: [{ key: 'rain', speaker: 'the forecaster', quote: 'It will rain', claim: 'It will rain in Oslo', family: 'weather', madeOn: '2024-01-02', checkBy: '2099-01-01' }],
    }));
    const first = await runConsole(dir, [
      '# a comment, and a blank line, are skipped',
      '',
      '/predict list',
      '2',
      '/predict show claim:2',
      '/as alice',
      '3',
      '/as you',
      '/predict add claim:"Talks start" check-by:"in 3 months" speaker:the envoy',
      '/predict import file:mine.json',
      '/predict export format:csv',
      '/whoami',
      '/help vote',
    ]);
    expect(replyTo(first, 'you (manager) › /predict list')).toContain('All claims');
    const page2 = replyTo(first, 'you (manager) › 2');
    expect(page2).toContain('Hindsight edited the message:');
    expect(page2).toContain('Page 2 of 2');
    expect(page2).toMatch(/\[1\] ◀ Previous {2}\[2\] Next ▶ \(disabled\)/);
    expect(replyTo(first, 'you (manager) › /predict show claim:2')).toMatch(/\[3\] Came true {2}\[4\] Partly {2}\[5\] Did not {2}\[6\] Too early/);
    expect(replyTo(first, 'alice › 3')).toContain('You voted Came true on claim #2.');
    expect(replyTo(first, 'alice › 3')).toContain('Came true 1 · Partly 0');
    expect(replyTo(first, 'you (manager) › /predict add claim:"Talks start" check-by:"in 3 months" speaker:the envoy')).toMatch(/Claim #21 added\./);
    expect(replyTo(first, 'you (manager) › /predict import file:mine.json')).toContain('Imported My pack: 1 added as #22–#22, 0 skipped');
    const exported = replyTo(first, 'you (manager) › /predict export format:csv');
    expect(exported).toMatch(/Saved hindsight-\d{4}-\d{2}-\d{2}\.csv to \.\/exports\/hindsight-/);
    expect(readdirSync(join(dir, 'exports'))).toHaveLength(1);
    expect(replyTo(first, 'you (manager) › /help vote')).toContain('/vote claim:<number> verdict:came-true|partly|did-not|too-early [evidence:<text>]');
    expect(first.code).toBe(0);

    const second = await runConsole(dir, ['/as bob', '/forecast claim:21 probability:55.5', '/predict show claim:2', '/predict list status:open', '/predict mine', '/predict list query:oslo']);
    expect(second.stdout).not.toContain('Imported the article pack'); // nothing new to import
    expect(replyTo(second, 'bob › /forecast claim:21 probability:55.5')).toContain('Your forecast on claim #21 is now 55.5%.');
    expect(replyTo(second, 'bob › /predict show claim:2')).toMatch(/@alice voted Came true/); // the name is remembered too
    expect(replyTo(second, 'bob › /predict list status:open')).toContain('#21 Talks start — the envoy');
    expect(replyTo(second, 'bob › /predict list status:open')).toContain('#22 It will rain in Oslo');
    expect(replyTo(second, 'bob › /forecast claim:21 probability:55.5')).toMatch(/Crowd: median \**55\.5%\**/);
    expect(replyTo(second, 'bob › /predict mine')).toMatch(/#21\**? Talks start/);
    expect(replyTo(second, 'bob › /predict list query:oslo')).toContain('#22 It will rain in Oslo');
    expect(replyTo(second, 'bob › /predict list query:oslo')).not.toContain('#21');
    expect(second.code).toBe(0);
    expect(existsSync(join(dir, 'data', 'hindsight.lock'))).toBe(false);
  });

  it('posts rounds with the same parts as the bot, score changes included (one composition root)', async () => {
    const dir = tempDir();
    const first = await runConsole(dir, ['/predict add claim:"The ferry will run by May" check-by:"in 3 months"', '/reminders add channel:#console schedule:"daily 09:00"']);
    expect(first.code).toBe(0);
    const number = /Claim #(\d+) added\./.exec(first.stdout)?.[1];
    const schedule = /Schedule (\d+) added/.exec(first.stdout)?.[1];
    expect(number, first.stdout).toBeTruthy();
    expect(schedule, first.stdout).toBeTruthy();
    const second = await runConsole(dir, [
      `/forecast claim:${number} probability:80`,
      '/as bob',
      `/forecast claim:${number} probability:30`,
      '/as you --manager',
      `/resolve claim:${number} outcome:came-true`,
      `/reminders run-now id:${schedule}`,
    ]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const round = replyTo(second, `you (manager) › /reminders run-now id:${schedule}`);
    expect(round).toContain('Resolved since the last round');
    expect(round).toContain('Score changes');
    expect(round).toMatch(/bob/);
  });

  it('a vote on a round’s compact card keeps it compact, its tally updated in place (as the card flusher does in Discord)', async () => {
    const dir = tempDir();
    const run = await runConsole(dir, ['/reminders add channel:#console schedule:"daily 09:00"', '/reminders run-now id:1', '/as alice', '1']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const round = replyTo(run, 'you (manager) › /reminders run-now id:1');
    expect(round).toMatch(/#1 · [^]*Check date: [^]*Votes: Came true 0 · Partly 0/);
    const voted = replyTo(run, 'alice › 1');
    expect(voted).toContain('You voted Came true on claim #1.');
    const edited = voted.slice(voted.indexOf('Hindsight edited the message:'));
    expect(edited).toMatch(/#1 · [^]*Check date: [^]*Votes: Came true 1 · Partly 0/);
    // the full card's parts stay on /predict show
    expect(edited).not.toMatch(/How it is scored:|Family:|Why this date:/);
    expect(edited.split('\n').filter((l) => l.trim().startsWith('│')).length).toBeLessThanOrEqual(8);
  });

  it('evidence added from /predict show’s card shows on that card at once (no card flusher runs in the console), the stale list under it gone', async () => {
    const dir = tempDir();
    const run = await runConsole(dir, ['/predict show claim:1', '5', 'link=https://example.org/a note="the map" side="came true"']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(replyTo(run, 'you (manager) › /predict show claim:1')).toContain('No evidence yet');
    const added = replyTo(run, 'you (manager) › link=https://example.org/a note="the map" side="came true"');
    expect(added).toContain('Evidence added to claim #1.');
    const edited = added.slice(added.indexOf('Hindsight edited the message:'));
    expect(added.indexOf('Hindsight edited the message:'), added).toBeGreaterThan(0);
    expect(edited).toMatch(/#1 · [^]*Evidence \(1\):[^]*https:\/\/example\.org\/a — the map/);
    expect(edited).not.toContain('No evidence yet');
  });

  it('/predict extract file:article.txt: the review buttons are numbered actions and Edit is a form filled at the prompt', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'article.txt'),
      [
        'Talks in Geneva expected soon',
        '',
        '"Negotiations will begin in Geneva by March 2027," said Foreign Minister Anna Berg.',
        '',
        'The ministry gave no further details.',
        '',
        '"The embassy in Oslo will reopen before the end of 2027," said Deputy Minister Karl Holm.',
      ].join('\n'),
    );
    // The console imports the bundled pack first: the first claim added here comes after its claims.
    const next = bundledPacks().reduce((n, p) => n + p.claims.length + (p.events?.length ?? 0), 0) + 1;
    const run = await runConsole(dir, [
      '/predict extract file:article.txt',
      '5',
      '2',
      'colour=red',
      'speaker="Karl Holm, deputy minister" 3=2040-12-31 band:likely family=us-russia-relations',
      '1',
      '3',
      `/predict show claim:${next}`,
      '/click 2',
      '/predict extract',
      '/apps Track forecasts: "Prices will fall by the end of 2027," said Economy Minister Lea Dahl.',
    ]);
    const first = replyTo(run, 'you (manager) › /predict extract file:article.txt');
    expect(first).toContain('(only you can see this)');
    expect(first).toMatch(/Found 2 forecasts in Talks in Geneva expected soon/);
    expect(first).toContain('Forecast 1 of 2');
    expect(first).toMatch(/\[1\] Accept {2}\[2\] Edit {2}\[3\] Discard {2}\[4\] ◀ Previous \(disabled\) {2}\[5\] Next ▶/);
    expect(replyTo(run, 'you (manager) › 5')).toContain('Forecast 2 of 2');
    const form = replyTo(run, 'you (manager) › 2');
    expect(form).toContain('Form: Edit forecast 2 of 2');
    expect(form).toMatch(/\[1\] restatement \(required\)/);
    expect(form).toMatch(/\[4\] band \(required\): .*\n\s+= "very-likely"|\[4\] band \(required\): .*\n\s+= "\w[\w-]*"/);
    const edited = replyTo(run, 'you (manager) › speaker="Karl Holm, deputy minister" 3=2040-12-31 band:likely family=us-russia-relations');
    expect(edited).toContain('Forecast 2 updated.');
    expect(edited).toContain('Speaker: Karl Holm, deputy minister');
    expect(edited).toContain('Check by: 2040-12-31');
    expect(edited).toMatch(/Band: likely \(55–80%, implied 67\.5%\)/);
    expect(replyTo(run, 'you (manager) › 1')).toContain(`Claim #${next} added from forecast 2 (likely).`);
    expect(replyTo(run, 'you (manager) › 3')).toContain('All 2 forecasts are reviewed: 1 accepted, 1 discarded.');
    const shown = replyTo(run, `you (manager) › /predict show claim:${next}`);
    expect(shown).toContain('The embassy in Oslo will reopen before the end of 2027');
    expect(shown).toContain('Karl Holm, deputy minister');
    expect(shown).toContain('Source: Talks in Geneva expected soon');
    expect(shown).toMatch(/As sure as the wording: likely \(55–80%\)/);
    // A form line naming no field of the form is refused, and the form stays open.
    expect(replyTo(run, 'you (manager) › colour=red')).toMatch(/The form has no field colour\. Its fields: 1 restatement, 2 speaker, 3 check-by, 4 band, 5 family\./);
    // All reviewed: the buttons are disabled.
    expect(replyTo(run, 'you (manager) › /click 2')).toContain('[2] Edit is disabled.');
    expect(replyTo(run, 'you (manager) › /predict extract')).toMatch(/Give either a `url` or a `file`/);
    // The message command (Apps → Track forecasts) on a message typed here: a draft of its one forecast.
    const tracked = replyTo(run, 'you (manager) › /apps Track forecasts: "Prices will fall by the end of 2027," said Economy Minister Lea Dahl.');
    expect(tracked).toContain('you wrote:');
    expect(tracked).toMatch(/Found 1 forecast in /);
    expect(tracked).toContain('Lea Dahl');
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/"level":50/);
  }, 120_000);

  it('--locale ru: an article in Ukrainian is refused in Russian, naming its language', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'statya.txt'), '«Переговори з Україною почнуться не раніше січня», — заявив речник Кремля журналістам.\n');
    const run = await runConsole(dir, ['/predict extract file:statya.txt'], ['--locale', 'ru']);
    const reply = replyTo(run, 'you (менеджер) › /predict extract file:statya.txt').replace(/\s+/g, ' ');
    expect(reply).toContain('Язык этой статьи — украинский; пока Hindsight читает только статьи на английском. Ничего не сохранено.');
    expect(run.code).toBe(1);
  }, 120_000);

  // Issue 24: the newcomer's first hour, replayed where the console shows it.
  it('a newcomer’s first hour: zones named, claims by their words, the past refused as such, edits that say what changed, delete that asks, one forecast', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.txt'), ['Talks in Geneva expected soon', '', '"Negotiations will begin in Geneva by March 2027," said Foreign Minister Anna Berg.'].join('\n'));
    const next = bundledPacks().reduce((n, p) => n + p.claims.length + (p.events?.length ?? 0), 0) + 1;
    const run = await runConsole(dir, [
      '/settings timezone:Europe/Paris',
      '/reminders add channel:#console schedule:"daily 10:00"',
      '/help predict edit',
      '/as alice',
      '/vote claim:"Taiwan Strait" verdict:came-true',
      '/predict add claim:"Talks start" check-by:yesterday',
      '/predict add claim:"Talks start" check-by:"in 3 months"',
      `/predict edit claim:${next} check-by:"next year"`,
      '/as you',
      `/predict delete claim:${next}`,
      '7', // [1]–[6]: the forecast buttons of alice's new card (10% … 90%, Other…)
      `/predict show claim:${next}`,
      '/predict extract file:one.txt',
      '9',
      '/predict drafts',
    ]);
    const reply = (echo: string) => replyTo(run, echo);
    const added = reply('you (manager) › /reminders add channel:#console schedule:"daily 10:00"');
    expect(added).toContain('every day at 10:00 (Europe/Paris)');
    const runs = added.slice(added.indexOf('Next runs:')).split('\n').slice(1, 4);
    for (const line of runs) expect(line).toMatch(/\d{1,2} \w+ \d{4} 10:00 \(Europe\/Paris\)/);
    const help = reply('you (manager) › /help predict edit');
    expect(help).toContain('/predict edit claim:');
    expect(help).not.toContain('/predict add');
    expect(reply('alice › /vote claim:"Taiwan Strait" verdict:came-true')).toContain('You voted Came true on claim #17.');
    expect(reply('alice › /predict add claim:"Talks start" check-by:yesterday')).toMatch(/The check date "yesterday" \(\d{4}-\d{2}-\d{2}\) is in the past; pick today or later/);
    expect(reply(`alice › /predict edit claim:${next} check-by:"next year"`)).toMatch(new RegExp(`Claim #${next} updated: check-by date \\d{4}-\\d{2}-\\d{2} → \\d{4}-\\d{2}-\\d{2}\\. It can be scored from \\d{1,2} \\w+ \\d{4}\\.`));
    const asked = reply(`you (manager) › /predict delete claim:${next}`);
    expect(asked).toContain(`Delete claim #${next} (“Talks start”)?`);
    expect(asked).toMatch(new RegExp(`\\[7\\] Delete claim #${next} {2}\\[8\\] Keep it`));
    expect(reply('you (manager) › 7')).toContain(`Claim #${next} (“Talks start”) deleted. Its history is kept.`);
    expect(reply(`you (manager) › /predict show claim:${next}`)).toContain(`There is no claim #${next}`);
    const found = reply('you (manager) › /predict extract file:one.txt').replace(/\s+/g, ' ');
    expect(found).toMatch(/Found 1 forecast in Talks in Geneva expected soon\. Review it: nothing enters the ledger until it is accepted\./);
    expect(found).toMatch(/\[9\] Accept/);
    expect(reply('you (manager) › 9').replace(/\s+/g, ' ')).toContain('The forecast is reviewed: 1 accepted, 0 discarded.');
    expect(reply('you (manager) › /predict drafts')).toContain('There are no drafts to review.');
    expect(run.stderr).not.toMatch(/"level":50/);
  }, 120_000);

  it('--help explains both modes and exits 0 without opening a database', async () => {
    const dir = tempDir({ fresh: true });
    const run = await runConsole(dir, [], ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DISCORD_TOKEN');
    expect(run.stdout).toContain('local console');
    expect(run.stdout).toMatch(/exits 1 if any command failed/);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});

describe('console pieces, in process', () => {
  const bootstrap = async (locale?: string) => {
    const { Session } = await import('../../src/console/session.js');
    const { Board } = await import('../../src/console/board.js');
    const { Members } = await import('../../src/console/members.js');
    const { createRegistry } = await import('../../src/kit/registry.js');
    const { createLogger } = await import('../../src/log.js');
    const { SlashCommandBuilder } = await import('discord.js');
    const printed: string[] = [];
    const logged: string[] = [];
    const screen = { print: (t: string) => void printed.push(t), color: false, width: 100 };
    const members = new Members(null);
    const board = new Board(screen, { exportsDir: join(tempDir({ fresh: true }), 'exports'), cwd: tmpdir(), renderOptions: () => ({ now: new Date(), nameOf: (id) => members.find(id)?.displayName, channelOf: () => 'console' }) });
    const log = createLogger('error', { write: (line: string) => void logged.push(line) });
    const definition = new SlashCommandBuilder()
      .setName('try')
      .setDescription('Options of every kind')
      .addStringOption((o) => o.setName('word').setDescription('A word').setMinLength(2).setMaxLength(5))
      .addIntegerOption((o) => o.setName('count').setDescription('How many').setMinValue(1).setMaxValue(10))
      .addBooleanOption((o) => o.setName('flag').setDescription('Yes or no'))
      .addUserOption((o) => o.setName('member').setDescription('Someone'))
      .addStringOption((o) => o.setName('kind').setDescription('A kind').addChoices({ name: 'Very big', value: 'very-big' }, { name: 'Small', value: 'small' }))
      .toJSON();
    const seen: unknown[] = [];
    const commands = [
      {
        definition,
        async execute(call: import('../../src/kit/types.js').CommandCall, o: Record<string, unknown>) {
          seen.push({ word: o.word, count: o.count, flag: o.flag, member: o.member, kind: o.kind });
          await call.defer({ ephemeral: true });
          await call.reply({ content: `Done <t:0:d> for <@${call.member.id}>: \\*not bold\\* **bold**` });
        },
      },
      {
        definition: new SlashCommandBuilder().setName('boom').setDescription('Fails').toJSON(),
        async execute() {
          throw new Error('kaboom');
        },
      },
    ];
    const session = new Session({
      ctx: { db: null as never, log, now: () => new Date(), fetchAttachment: () => Promise.reject(new Error('unused')), work: memberFacing(inlineWork()) },
      registry: createRegistry({
        commands,
        messageCommands: [
          {
            definition: { name: 'Echo back', type: 3 },
            async execute(call: import('../../src/kit/types.js').MessageCommandCall) {
              await call.defer({ ephemeral: true });
              await call.reply({ content: `Read “${call.target.content}” by <@${call.target.authorId}> (message ${call.target.id})` });
            },
          },
        ],
      }),
      members,
      board,
      screen,
      guildId: '100000000000000001',
      channel: { id: '100000000000000002', name: 'console' },
      cwd: tmpdir(),
      ...(locale ? { locale } : {}),
    });
    return { session, printed, logged, seen };
  };

  it('reads quoted values and checks each option kind against the definition', async () => {
    const { session, printed, seen } = await bootstrap();
    expect(await session.run(`/try word:"a b" count:+3 flag:yes member:@alice kind:"very BIG"`)).toBe(true);
    expect(seen[0]).toEqual({ word: 'a b', count: 3, flag: true, member: { id: expect.stringMatching(/^\d{18}$/), displayName: 'alice' }, kind: 'very-big' });
    expect(await session.run(`/try word:it's kind:small`)).toBe(true);
    expect(seen[1]).toMatchObject({ word: "it's", kind: 'small' });
    const refused: [string, string][] = [
      ['/try word:abcdef', 'Option `word` must be at most 5 characters long (it has 6).'],
      ['/try word:a', 'Option `word` must be at least 2 characters long.'],
      ['/try count:0', 'Option `count` must be at least 1.'],
      ['/try count:2.5', 'Option `count` must be a whole number (not `2.5`).'],
      ['/try flag:maybe', 'Option `flag` must be true or false (not `maybe`).'],
      ['/try kind:huge', 'Option `kind` must be one of: very-big, small (not `huge`).'],
      ['/try count:1 count:2', 'Option `count` is given twice.'],
      ['/try word:"open', 'A " quote is not closed'],
      ['/try color:red', '/try has no option `color`. The options of /try are: word, count, flag, member, kind.'],
      ['tri count:1', 'Commands start with /'], // (a known command works without its slash)
    ];
    for (const [line, message] of refused) {
      printed.length = 0;
      expect(await session.run(line), line).toBe(false);
      expect(printed.join('\n'), line).toContain(message);
    }
    expect(session.failed).toBe(true);
  });

  it('answers as the deferral said, with timestamps, mentions and escapes as text', async () => {
    const { session, printed } = await bootstrap();
    await session.run('/try');
    const text = printed.join('\n');
    expect(text).toContain('Hindsight (only you can see this):'); // deferred ephemerally
    expect(text).toMatch(/Done (1970-01-01|1969-12-31) for @you: \*not bold\* bold/);
  });

  it('runs a message command on a message the member posts (/apps NAME: TEXT), through the same pipeline', async () => {
    const { session, printed } = await bootstrap();
    expect(await session.run('/as alice')).toBe(true);
    printed.length = 0;
    expect(await session.run('/apps echo BACK: "Rates will rise by June," said Ole Lund.')).toBe(true);
    const text = printed.join('\n');
    expect(text).toContain('alice wrote:');
    expect(text).toMatch(/Hindsight \(only you can see this\):\s+Read “"Rates will rise by June," said Ole Lund\.” by @alice \(message \d+\)/);
    printed.length = 0;
    expect(await session.run('/apps Nothing: text')).toBe(false);
    expect(printed.join('\n')).toContain('There is no message command “Nothing”. Message commands: Echo back.');
    expect(await session.run('/apps no colon here')).toBe(false);
    expect(printed.join('\n')).toContain('Write /apps NAME: TEXT');
  });

  it('answers in the language of --locale: a bug’s ref in Ukrainian', async () => {
    const { session, printed } = await bootstrap('uk');
    expect(await session.run('/boom')).toBe(false);
    expect(printed.join('\n')).toMatch(/Щось пішло не так \(код [0-9a-f]{8}\)/);
  });

  it('--locale uk: the console’s own prompt, help and refusals in Ukrainian (not only the answers)', async () => {
    const { session, printed } = await bootstrap('uk');
    expect(session.prompt()).toBe('you (менеджер) › ');
    expect(await session.run('/help')).toBe(true);
    const help = printed.join('\n');
    expect(help).toContain('Власні команди консолі:');
    expect(help).toContain("/as ІМ'Я [--manager|--member]");
    expect(help).not.toContain('The console’s own commands');
    expect(await session.run('/try count:abc')).toBe(false);
    expect(printed.join('\n')).toContain('Параметр `count` має бути цілим числом (а не `abc`).');
    expect(await session.run('/try word:x')).toBe(false);
    expect(printed.join('\n')).toContain('Параметр `word` має містити щонайменше 2 символи.');
  });

  // Issue 24: numbers ran across the session, so "1" typed right after a card could vote through an older card.
  it('a bare number presses only the latest buttons; an older one is refused, naming it, and /click presses it anyway', async () => {
    const { Session } = await import('../../src/console/session.js');
    const { Board } = await import('../../src/console/board.js');
    const { Members } = await import('../../src/console/members.js');
    const { createRegistry } = await import('../../src/kit/registry.js');
    const { button } = await import('../../src/kit/types.js');
    const { createLogger } = await import('../../src/log.js');
    const { SlashCommandBuilder } = await import('discord.js');
    const printed: string[] = [];
    const pressed: string[] = [];
    const screen = { print: (t: string) => void printed.push(t), color: false, width: 100 };
    const members = new Members(null);
    const board = new Board(screen, { exportsDir: join(tempDir({ fresh: true }), 'exports'), cwd: tmpdir(), renderOptions: () => ({ now: new Date(), nameOf: () => undefined, channelOf: () => 'console' }) });
    let cards = 0;
    const card = {
      definition: new SlashCommandBuilder().setName('card').setDescription('A card with two buttons').toJSON(),
      async execute(call: import('../../src/kit/types.js').CommandCall) {
        cards += 1;
        await call.reply({
          embeds: [{ title: `Card ${cards}` }],
          components: [{ type: 1, components: [1, 2].map((i) => ({ type: 2, style: 1, label: `Option ${i}`, custom_id: `opt:${cards}:${i}` })) }],
        });
      },
    };
    const nothing = { definition: new SlashCommandBuilder().setName('nothing').setDescription('No buttons').toJSON(), async execute(call: import('../../src/kit/types.js').CommandCall) { await call.reply({ content: 'Nothing here.' }); } };
    const handler = button({
      ids: { prefix: 'opt', parse: (id: string) => (/^opt:\d+:\d+$/.test(id) ? id : null) },
      forged: 'components.forged',
      async handle(call, id) {
        pressed.push(id);
        await call.reply({ ephemeral: true, content: `Pressed ${id}` });
      },
    });
    const session = new Session({
      ctx: { db: null as never, log: createLogger('silent'), now: () => new Date(), fetchAttachment: () => Promise.reject(new Error('unused')), work: memberFacing(inlineWork()) },
      registry: createRegistry({ commands: [card, nothing], buttons: [handler] }),
      members,
      board,
      screen,
      guildId: '100000000000000001',
      channel: { id: '100000000000000002', name: 'console' },
      cwd: tmpdir(),
    });
    await session.run('/card'); // [1] [2]
    await session.run('/card'); // [3] [4]
    printed.length = 0;
    expect(await session.run('1')).toBe(false);
    expect(printed.join('\n')).toContain('[1] Option 1 is a button of an older message (Card 1), not of the latest one. The latest buttons are [3]–[4]. Type /click 1 to press it anyway.');
    expect(pressed).toEqual([]);
    expect(await session.run('3')).toBe(true);
    // A line that shows no buttons leaves the latest ones as they are.
    await session.run('/nothing');
    expect(await session.run('4')).toBe(true);
    expect(await session.run('/click 1')).toBe(true);
    expect(pressed).toEqual(['opt:2:1', 'opt:2:2', 'opt:1:1']);
  });

  it('answers a bug with a ref and logs the stack under the same ref', async () => {
    const { session, printed, logged } = await bootstrap();
    expect(await session.run('/boom')).toBe(false);
    const ref = /Something went wrong \(ref ([0-9a-f]{8})\)/.exec(printed.join('\n'))?.[1];
    expect(ref).toBeDefined();
    const entry = JSON.parse(logged.find((l) => l.includes(ref!))!) as { ref: string; err: { stack: string }; interaction: string };
    expect(entry.err.stack).toContain('kaboom');
    expect(entry.interaction).toBe('/boom');
  });
});
