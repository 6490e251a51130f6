/**
 * What a new server meets in its first hour (issue 24): the small things a newcomer reads first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { helpText, PROGRAM_HELP } from '../../src/console/help.js';
import { BOT_PERMISSIONS, BOT_PERMISSION_NAMES, BOT_PERMISSIONS_INTEGER, BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER, inviteUrl, THREAD_PERMISSION_NAMES } from '../../src/kit/permissions.js';
import { UserError } from '../../src/kit/types.js';
import { historyLine } from '../../src/kit/audit-text.js';
import { formatTimestamp } from '../../src/console/render.js';
import { roundDate } from '../../src/jobs/rounds.js';
import { reopenedText } from '../../commands/reopen.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const plain = (s: string) => s;

describe('the repository', () => {
  it('keeps exported files (they hold member ids) out of git', () => {
    const ignored = read('.gitignore').split('\n').map((l) => l.trim());
    expect(ignored).toContain('exports/');
  });
});

describe('the bot permissions: one list for --help and the README', () => {
  it('asks for the five permissions of 117760 and the two thread permissions: 309237763072', () => {
    expect(BOT_PERMISSIONS.map((p) => p.label)).toEqual([
      'View Channels', 'Send Messages', 'Embed Links', 'Attach Files', 'Read Message History', 'Create Public Threads', 'Send Messages in Threads',
    ]);
    expect(BOT_PERMISSIONS_INTEGER).toBe('309237763072');
    expect(BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER).toBe('117760');
    expect(THREAD_PERMISSION_NAMES).toBe('Create Public Threads, Send Messages in Threads');
  });

  it('--help names every one of them, with the integer and the invite link', () => {
    const help = PROGRAM_HELP.replace(/\s+/g, ' ');
    for (const p of BOT_PERMISSIONS) expect(help).toContain(p.label);
    expect(help).toContain(`permission integer ${BOT_PERMISSIONS_INTEGER}`);
    expect(help).toContain(inviteUrl());
    expect(help).toContain(`${THREAD_PERMISSION_NAMES} add a discussion thread on each claim card`);
    expect(help).toContain(`(${BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER}) rounds are posted all the same`);
  });

  it('the README says the same, and which permission adds threads', () => {
    const readme = read('README.md').replace(/\s+/g, ' ');
    expect(readme).toContain(`bot permissions **${BOT_PERMISSION_NAMES}**`);
    expect(readme).toContain(`permission integer \`${BOT_PERMISSIONS_INTEGER}\``);
    expect(readme).toContain(inviteUrl());
    expect(readme).toContain('**Create Public Threads** adds a public discussion thread on each claim card');
    expect(readme).toContain(`Without them (permission integer \`${BOT_PERMISSIONS_WITHOUT_THREADS_INTEGER}\`) rounds are posted the same`);
  });
});

describe('/help in the console', () => {
  it('/help predict edit explains only /predict edit', () => {
    const text = helpText(commands, ['predict', 'edit'], plain);
    expect(text).toContain('/predict edit claim:');
    expect(text).toContain('hedge:');
    for (const other of ['add', 'list', 'show', 'delete', 'import', 'extract', 'drafts', 'export']) expect(text).not.toContain(`/predict ${other}`);
  });

  it('/help predict still lists every subcommand, and says how to see one', () => {
    const text = helpText(commands, ['predict'], plain);
    for (const sub of ['add', 'list', 'show', 'edit', 'delete', 'import', 'extract', 'drafts', 'export']) expect(text).toContain(`/predict ${sub}`);
    expect(text).toContain('/help predict SUBCOMMAND');
  });

  it('refuses a subcommand that does not exist, naming the ones that do', () => {
    expect(() => helpText(commands, ['predict', 'frobnicate'], plain)).toThrow(UserError);
    expect(() => helpText(commands, ['predict', 'frobnicate'], plain)).toThrow(/\/predict has no subcommand frobnicate\. Its subcommands: add, list, show, mine, notify, edit, delete, evidence-remove, import/);
    expect(() => helpText(commands, ['vote', 'now'], plain)).toThrow(/\/vote has no subcommands/);
  });
});

describe('a claim’s history in words', () => {
  it('credits a proposal to its author and names the manager who accepted it (4)', () => {
    const line = historyLine({ createdAt: new Date(0), actorId: '1001', action: 'claim.add', detail: { from: 'extract', approvedBy: '1002' } });
    expect(line).toBe('<t:0:d> <@1001> added it (accepted by <@1002>)');
  });

  it('names edited fields as members know them (11)', () => {
    const line = historyLine({ createdAt: new Date(0), actorId: '1001', action: 'claim.edit', detail: { changes: { checkBy: { from: '2026-03-01', to: '2027-12-07' }, criteria: { from: 'a', to: 'b' } } } });
    expect(line).toBe('<t:0:d> <@1001> edited check-by date 2026-03-01 → 2027-12-07, criteria');
    expect(historyLine({ createdAt: new Date(0), actorId: 'system', action: 'claim.postpone', detail: { to: '2027-01-01' } })).toBe('<t:0:d> Hindsight moved the check-by date to 2027-01-01 (too early)');
  });

  // The history moved to audit-text.ts on one branch while conditions came on the other: both wordings survive the merge.
  it('tells what a condition did to the claim', () => {
    const line = (action: string, detail: Record<string, unknown>) => historyLine({ createdAt: new Date(0), actorId: 'system', action, detail });
    expect(line('claim.resolve', { outcome: 'void', by: 'condition', condition: 4 })).toBe('<t:0:d> Hindsight resolved it: Void (cannot be judged) (its condition #4 did not happen)');
    expect(line('claim.reopen', { by: 'condition', condition: 4, checkBy: '2027-03-01' })).toBe('<t:0:d> Hindsight opened it: its condition #4 came true; check-by date 2027-03-01');
    expect(line('claim.reopen', { by: 'condition', condition: 4, waiting: true })).toBe('<t:0:d> Hindsight put it back to waiting on #4 (reopened)');
  });
});

describe('/reopen says when voting opens', () => {
  const claim = { number: 5, round: 2, checkBy: '2027-03-01', dueAt: new Date('2027-03-01T00:00:00Z'), windowStartsAt: new Date('2027-03-01T00:00:00Z'), votingClosesAt: new Date('2027-03-08T00:00:00Z') };
  it('a claim waiting on its condition waits on it again (no voting dates)', () => {
    expect(reopenedText({ ...claim, status: 'waiting' }, '1001', new Date('2026-01-01T00:00:00Z'))).toBe('<@1001> reopened claim #5 (round 2): it waits on its condition again.');
  });
  it('before the check date: voting opens at the check date', () => {
    expect(reopenedText({ ...claim, status: 'open' }, '1001', new Date('2026-01-01T00:00:00Z'))).toMatch(/Its check date \(2027-03-01\) has not passed: it takes forecasts until then, and voting opens <t:\d+:F>/);
  });
});

describe('times say which zone they are in (5)', () => {
  const at = Math.floor(Date.parse('2026-12-07T09:00:00Z') / 1000);
  const now = new Date('2026-12-01T00:00:00Z');

  it('the console shows Discord timestamps in the server’s zone, named', () => {
    expect(formatTimestamp(at, 'f', now, 'Europe/Paris')).toBe('7 December 2026 10:00 (Europe/Paris)');
    expect(formatTimestamp(at, 'F', now, 'America/New_York')).toBe('Monday, 7 December 2026 04:00 (America/New_York)');
    expect(formatTimestamp(at, 't', now, 'Asia/Tokyo')).toBe('18:00 (Asia/Tokyo)');
    expect(formatTimestamp(at, 'd', now, 'Pacific/Kiritimati')).toBe('2026-12-07');
    expect(formatTimestamp(at - 10 * 3600, 'd', now, 'Pacific/Kiritimati')).toBe('2026-12-07'); // 23:00 UTC the day before
    expect(formatTimestamp(at, 'R', now, 'Europe/Paris')).toBe('in 6 days');
  });

  it('in the console’s language (--locale): relative times and long dates as that language writes them', () => {
    expect(formatTimestamp(at, 'R', now, 'Europe/Paris', 'uk')).toBe('через 6 днів');
    expect(formatTimestamp(at, 'f', now, 'Europe/Paris', 'ru')).toBe('7 декабря 2026 г. 10:00 (Europe/Paris)');
  });

  it('a round’s title carries the server’s date, not UTC’s', () => {
    expect(roundDate(new Date('2026-12-06T23:30:00Z'), 'Pacific/Auckland')).toBe('7 December 2026');
    expect(roundDate(new Date('2026-12-06T23:30:00Z'), 'UTC')).toBe('6 December 2026');
  });
});
