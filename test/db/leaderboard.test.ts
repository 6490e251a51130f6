/**
 * The score queries on a real ledger, built through the ledger's own operations with an
 * injected clock: forecasts first, then the check dates pass and the claims resolve. The numbers
 * are the hand-worked ones of test/unit/leaderboard.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecasts } from '../../src/db/schema.js';
import {
  addClaim,
  castVote,
  closeVoting,
  deleteClaim,
  LedgerError,
  reopenClaim,
  resolveClaim,
  setForecast,
  updateSettings,
  type ClaimRow,
  type LedgerCtx,
} from '../../src/ledger/index.js';
import { leaderboard, memberRecord, outcomesOverTime, outletRecords, scoreChanges, searchSpeakers, speakerRecords } from '../../src/ledger/leaderboard.js';
import { fitEmbeds } from '../../src/kit/render.js';
import type { AppCtx, AutocompleteCall, CommandCall, OptionReader, Reply } from '../../src/kit/types.js';
import { argumentsOf, partialArgumentsOf } from '../../src/kit/options.js';
import * as scores from '../../commands/scores.js';
import { localeOf } from '../../src/kit/locale.js';
import { hedgeCalibrationOf } from '../../src/ledger/hedge-scores.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor } from '../support/ledger-ctx.js';
import { memberFacing } from '../../src/kit/work.js';
import { inlineWork } from '../../src/work/index.js';

let database: TestDatabase;
const clock = { now: new Date(0) };
const MANAGER = { id: '910000000000000001', isManager: true };
type Actor = LedgerCtx['actor'];
const member = (n: number): Actor => ({ id: `91000000000000001${n}`, isManager: false });
const ALICE = member(1);
const BOB = member(2);
const CAROL = member(3);
const DAVE = member(4);
const ERIN = member(5);
const FRANK = member(6);
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

/** Check date 2026-02-01 (UTC): due from 2026-02-02T00:00Z. */
const CHECK_BY = '2026-02-01';
const START = new Date('2026-01-10T12:00:00Z');
const AFTER_DUE = new Date('2026-02-05T12:00:00Z');

let guild: string;
let other: string;
const claim: Record<number, ClaimRow> = {};

async function forecast(guildId: string, actor: Actor, number: number, p: number, at?: Date) {
  const saved = clock.now;
  if (at) clock.now = at;
  await setForecast(ctxFor(guildId, actor), number, p);
  clock.now = saved;
}

beforeAll(async () => {
  database = await makeTestDb();
  clock.now = START;
  guild = newGuildId();
  other = newGuildId();
  const add = async (n: number, input: Partial<Parameters<typeof addClaim>[1]>) => {
    claim[n] = await addClaim(ctxFor(guild), { claim: `Claim ${n}`, checkBy: CHECK_BY, ...input });
    expect(claim[n]!.number).toBe(n);
  };
  await add(1, { speaker: 'A Kremlin official', family: 'diplomacy', sourceUrl: 'https://www.reuters.com/a' });
  await add(2, { speaker: 'a  kremlin OFFICIAL', family: 'diplomacy', sourceUrl: 'https://www.reuters.com/b' });
  await add(3, { speaker: 'White House', family: 'economy', sourceUrl: 'https://apnews.com/c' });
  await add(4, { family: 'economy' });
  await add(5, { speaker: 'White House', checkBy: '2026-05-01' });
  await add(6, { speaker: 'A Kremlin official', checkBy: '2026-12-01', sourceUrl: 'https://www.reuters.com/f' });
  await add(7, {}); // deleted before it resolved (a resolved claim that is deleted keeps counting: test/db/integrity.test.ts)
  await add(8, {}); // resolved, then reopened

  // #1 came true: alice 80, bob 60, carol 30 (erin only after the check date)
  await forecast(guild, ALICE, 1, 80);
  await forecast(guild, BOB, 1, 60);
  await forecast(guild, CAROL, 1, 30);
  // #2 did not: alice 50 then 20, bob 50 (then 90 after the check date), carol 10, dave 70
  await forecast(guild, ALICE, 2, 50);
  await forecast(guild, ALICE, 2, 20, new Date('2026-01-20T00:00:00Z'));
  await forecast(guild, BOB, 2, 50);
  await forecast(guild, CAROL, 2, 10);
  await forecast(guild, DAVE, 2, 70);
  // #3 partly: alice 50, carol 90, frank 30 (frank's one forecast)
  await forecast(guild, ALICE, 3, 50);
  await forecast(guild, CAROL, 3, 90);
  await forecast(guild, FRANK, 3, 30);
  // #4 void: alice 90 · #5 came true: dave 40 alone · #6 stays open: alice 10
  await forecast(guild, ALICE, 4, 90);
  await forecast(guild, DAVE, 5, 40);
  await forecast(guild, ALICE, 6, 10);
  // #7 (deleted) and #8 (reopened) would hurt alice and carol if they counted
  await forecast(guild, ALICE, 7, 0);
  await forecast(guild, CAROL, 8, 0);

  // Another server: the same members, wildly different scores.
  const elsewhere = await addClaim(ctxFor(other), { claim: 'Elsewhere', checkBy: CHECK_BY, speaker: 'A Kremlin official' });
  await forecast(other, ALICE, elsewhere.number, 0);
  await forecast(other, BOB, elsewhere.number, 100);

  clock.now = AFTER_DUE;
  // Forecasts stored after the check date (setForecast refuses them; imports or clock skew could not).
  await database.db.insert(forecasts).values([
    { guildId: guild, claimId: claim[2]!.id, userId: BOB.id, probability: 90, createdAt: AFTER_DUE },
    { guildId: guild, claimId: claim[1]!.id, userId: ERIN.id, probability: 100, createdAt: AFTER_DUE },
  ]);

  await resolveClaim(ctxFor(guild), 1, 'came_true');
  for (const voter of [ALICE, BOB, CAROL]) await castVote(ctxFor(guild, voter), { claim: 2, verdict: 'did_not' });
  await closeVoting(ctxFor(guild), 2); // decided by the vote
  await resolveClaim(ctxFor(guild), 3, 'partly');
  await resolveClaim(ctxFor(guild), 4, 'void');
  await deleteClaim(ctxFor(guild), 7);
  await resolveClaim(ctxFor(guild), 8, 'came_true');
  await reopenClaim(ctxFor(guild), 8);
  await resolveClaim(ctxFor(other), elsewhere.number, 'did_not');
  clock.now = new Date('2026-05-10T12:00:00Z');
  await resolveClaim(ctxFor(guild), 5, 'came_true');
});

afterAll(async () => {
  await database?.close();
});

describe('leaderboard', () => {
  it('ranks members with enough scored claims and lists the rest apart (default minimum 3)', async () => {
    const board = await leaderboard(ctxFor(guild));
    expect(board.minRanked).toBe(3);
    expect(board.ranked.map((m) => [m.rank, m.userId, m.claims])).toEqual([
      [1, ALICE.id, 3],
      [2, CAROL.id, 3],
    ]);
    expect(board.ranked[0]!.brier).toBeCloseTo(0.08 / 3, 6);
    expect(board.ranked[0]!.relative).toBeCloseTo(-0.265 / 3, 6);
    expect(board.ranked[1]!.brier).toBeCloseTo(0.22, 6);
    expect(board.unranked.map((m) => [m.userId, m.claims])).toEqual([
      [BOB.id, 2],
      [DAVE.id, 2],
      [FRANK.id, 1],
    ]);
  });

  it('follows the server’s minimum to rank', async () => {
    const g = newGuildId();
    const saved = clock.now;
    clock.now = START;
    const c = await addClaim(ctxFor(g), { claim: 'One', checkBy: CHECK_BY });
    await forecast(g, ALICE, c.number, 70);
    clock.now = AFTER_DUE;
    await resolveClaim(ctxFor(g), c.number, 'came_true');
    clock.now = saved;
    expect((await leaderboard(ctxFor(g))).ranked).toEqual([]);
    await updateSettings(ctxFor(g), { minRanked: 1 });
    const board = await leaderboard(ctxFor(g));
    expect(board.ranked.map((m) => [m.userId, +m.brier.toFixed(6), m.relative])).toEqual([[ALICE.id, 0.09, 0]]);
  });

  it('keeps servers apart', async () => {
    const board = await leaderboard(ctxFor(other));
    expect(board.unranked.map((m) => [m.userId, m.brier])).toEqual([
      [ALICE.id, 0],
      [BOB.id, 1],
    ]);
    expect(await leaderboard(ctxFor(newGuildId()))).toEqual({ minRanked: 3, ranked: [], unranked: [] });
  });
});

describe('memberRecord', () => {
  it('gives a member’s scores, standing, best and worst calls and calibration', async () => {
    const rec = await memberRecord(ctxFor(guild), ALICE.id);
    expect(rec.forecastClaims).toBe(5); // #1, #2, #3, #4 (void), #6 (open); not the deleted #7
    expect(rec.score).toMatchObject({ userId: ALICE.id, claims: 3 });
    expect(rec.score!.brier).toBeCloseTo(0.08 / 3, 6);
    expect(rec.rank).toMatchObject({ rank: 1, tied: false });
    expect(rec.rankedMembers).toBe(2);
    expect(rec.best.map((s) => [s.number, s.probability, s.outcome])).toEqual([
      [3, 50, 'partly'],
      [1, 80, 'came_true'],
    ]);
    expect(rec.worst.map((s) => [s.number, s.probability, s.outcome])).toEqual([[2, 20, 'did_not']]);
    expect(rec.calibration.map((b) => b.count)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
    expect(rec.calibration[8]).toMatchObject({ meanForecast: 0.8, observed: 1 });
  });

  it('has no score for a member who forecast nothing resolved', async () => {
    const rec = await memberRecord(ctxFor(guild), ERIN.id);
    expect(rec).toMatchObject({ forecastClaims: 1, score: null, rank: null, best: [], worst: [] });
    expect(rec.calibration.every((b) => b.count === 0)).toBe(true);
  });
});

describe('scoreChanges', () => {
  it('tells how resolving claims moved each forecaster’s mean Brier, best improvement first', async () => {
    const changes = await scoreChanges(ctxFor(guild), [claim[2]!.id]);
    expect(changes.map((c) => c.userId)).toEqual([CAROL.id, ALICE.id, BOB.id, DAVE.id]);
    expect(changes.map((c) => [c.before, c.after, c.delta].map((x) => +x!.toFixed(6)))).toEqual([
      [0.325, 0.22, -0.105],
      [0.02, 0.026667, 0.006667],
      [0.16, 0.205, 0.045],
      [0.36, 0.425, 0.065],
    ]);
    const first = await scoreChanges(ctxFor(guild), [claim[3]!.id]);
    expect(first.at(-1)).toEqual({ userId: FRANK.id, before: null, after: expect.closeTo(0.04, 6), delta: null });
  });

  it('finds nothing for void claims, another server’s claims or none', async () => {
    expect(await scoreChanges(ctxFor(guild), [claim[4]!.id])).toEqual([]);
    expect(await scoreChanges(ctxFor(other), [claim[2]!.id])).toEqual([]);
    expect(await scoreChanges(ctxFor(guild), [])).toEqual([]);
  });
});

describe('track records', () => {
  it('sums up speakers, two spellings of one speaker together', async () => {
    const records = await speakerRecords(ctxFor(guild));
    expect(records.map((r) => [r.name, r.made, r.cameTrue, r.partly, r.didNot, r.open, r.shareTrue])).toEqual([
      ['A Kremlin official', 3, 1, 0, 1, 1, 0.5],
      ['White House', 2, 1, 1, 0, 0, 0.75],
    ]);
  });

  it('sums up outlets', async () => {
    const records = await outletRecords(ctxFor(guild));
    expect(records.map((r) => [r.name, r.made, r.judged, r.shareTrue])).toEqual([
      ['reuters.com', 3, 2, 0.5],
      ['apnews.com', 1, 1, 0.5],
    ]);
  });
});

describe('outcomesOverTime', () => {
  it('counts a speaker’s claims per quarter of the check date', async () => {
    const data = await outcomesOverTime(ctxFor(guild), { speaker: 'a kremlin official' });
    expect(data).toMatchObject({ subject: 'A Kremlin official', kind: 'speaker', omitted: 0 });
    expect(data.record).toMatchObject({ made: 3, judged: 2 });
    expect(data.buckets.map((b) => [`${b.year} Q${b.quarter}`, b.counts.came_true, b.counts.did_not, b.counts.open])).toEqual([
      ['2026 Q1', 1, 1, 0],
      ['2026 Q2', 0, 0, 0],
      ['2026 Q3', 0, 0, 0],
      ['2026 Q4', 0, 0, 1],
    ]);
  });

  it('counts a family’s claims, and says when there is nothing to chart', async () => {
    const data = await outcomesOverTime(ctxFor(guild), { family: 'Economy' });
    expect(data.buckets.map((b) => b.counts)).toEqual([{ came_true: 0, partly: 1, did_not: 0, void: 1, open: 0 }]);
    for (const of of [{ speaker: 'Nobody' }, { family: 'sports' }]) {
      const error = await outcomesOverTime(ctxFor(guild), of).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LedgerError);
      expect((error as LedgerError).code).toBe('not_found');
    }
    // Another server's speaker is not found here.
    const g = newGuildId();
    await expect(outcomesOverTime(ctxFor(g), { speaker: 'A Kremlin official' })).rejects.toThrow(/no speaker/);
  });

  it('finds a speaker by a name autocomplete shortened', async () => {
    const data = await outcomesOverTime(ctxFor(guild), { speaker: 'A Kremlin off…' });
    expect(data.subject).toBe('A Kremlin official');
  });

  it('suggests speakers by part of their name', async () => {
    expect(await searchSpeakers(ctxFor(guild), 'KREM')).toEqual(['A Kremlin official']);
    expect(await searchSpeakers(ctxFor(guild), '')).toEqual(['A Kremlin official', 'White House']);
    expect(await searchSpeakers(ctxFor(guild), '%')).toEqual([]);
  });
});

describe('the /scores command', () => {
  interface Seen {
    deferred: boolean;
    replies: Reply[];
  }

  /** A /scores call and its options as the pipeline reads them (through the definition). */
  function call(subcommand: string, values: Record<string, unknown> = {}, memberId = ALICE.id, guildId = guild): CommandCall & { seen: Seen; options: OptionReader } {
    const seen: Seen = { deferred: false, replies: [] };
    const pick = <T>(name: string, ok: (v: unknown) => boolean) => (ok(values[name]) ? (values[name] as T) : null);
    const options: OptionReader = {
      subcommand: () => subcommand,
      string: (name) => pick(name, (v) => typeof v === 'string'),
      integer: (name) => pick(name, Number.isInteger),
      number: (name) => pick(name, (v) => typeof v === 'number'),
      boolean: (name) => pick(name, (v) => typeof v === 'boolean'),
      channel: () => null,
      attachment: () => null,
      user: (name) => pick(name, (v) => typeof v === 'object' && v !== null),
      focused: () => pick('focused', (v) => typeof v === 'object' && v !== null),
    };
    return {
      seen,
      options,
      commandName: 'scores',
      guildId,
      channelId: 'channel',
      member: { id: memberId, displayName: 'Alice', isManager: false },
      createdAt: clock.now,
      ...localeOf('en-US', 'en-US'),
      defer: async () => {
        seen.deferred = true;
      },
      channelGuildId: async () => guildId,
      reply: async (reply) => {
        seen.replies.push(reply);
      },
    };
  }

  const app = (): AppCtx => ({
    db: database.db,
    log: { warn() {}, error() {}, info() {}, debug() {} } as unknown as AppCtx['log'],
    now: () => clock.now,
    fetchAttachment: () => Promise.reject(new Error('no attachments here')),
    work: memberFacing(inlineWork()),
  });

  async function run(subcommand: string, values?: Record<string, unknown>, memberId?: string) {
    const c = call(subcommand, values, memberId);
    await scores.execute(c, argumentsOf(scores.definition, c.options), app());
    expect(c.seen.replies).toHaveLength(1);
    const reply = c.seen.replies[0]!;
    expect(fitEmbeds(reply.embeds ?? []), 'the embeds fit Discord’s limits as they are').toEqual(reply.embeds ?? []);
    return { reply, embed: reply.embeds![0]!, deferred: c.seen.deferred };
  }

  const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('members: the leaderboard with shared ranks, the unranked apart and the minimum shown', async () => {
    const { embed } = await run('members');
    expect(embed.description!.split('\n')).toEqual([
      `\`  1\` <@${ALICE.id}> · **0.027** · vs crowd −0.088 · 3 claims`,
      `\`  2\` <@${CAROL.id}> · **0.220** · vs crowd +0.105 · 3 claims`,
    ]);
    expect(embed.fields).toEqual([{ name: 'Not yet ranked (scored claims/3)', value: `<@${BOB.id}> 2/3\n<@${DAVE.id}> 2/3\n<@${FRANK.id}> 1/3` }]);
    expect(embed.footer!.text).toContain('Ranked after 3 scored claims');
  });

  it('speakers and outlets: track records with the small-sample caution', async () => {
    const speakersReply = await run('speakers');
    // Every row is a small sample: said once, not on each row (issue 24).
    expect(speakersReply.embed.description!.split('\n')).toEqual([
      '⚠ Each of these 2 records has fewer than 5 judged claims: too few to tell yet.',
      '',
      '**A Kremlin official** · 3 claims: 1 came true, 0 partly, 1 did not, 1 open · **50%** came true',
      '**White House** · 2 claims: 1 came true, 1 partly, 0 did not · **75%** came true',
    ]);
    expect(speakersReply.embed.footer!.text).not.toContain('⚠');
    const outlets = await run('outlets');
    expect(outlets.embed.description).toMatch(/^⚠ Each of these 2 records .*\n\n\*\*reuters\.com\*\* · 3 claims/);
  });

  it('me: a record with best and worst calls and a calibration chart attached', async () => {
    const { reply, embed, deferred } = await run('me');
    expect(deferred).toBe(true);
    expect(Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]))).toMatchObject({
      'Claims forecast': '5',
      Scored: '3',
      'Mean Brier': '0.027',
      'vs crowd': '−0.088',
      Rank: '1 of 2',
      'Best calls': '**#3** Claim 3 — 50% · Partly (Brier 0.000)\n**#1** Claim 1 — 80% · Came true (Brier 0.040)',
      'Worst calls': '**#2** Claim 2 — 20% · Did not (Brier 0.040)',
    });
    expect(embed.image).toEqual({ url: 'attachment://calibration.png' });
    expect(reply.files).toHaveLength(1);
    expect(reply.files![0]!.name).toBe('calibration.png');
    expect(reply.files![0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('me member: someone else’s record; without scores, no chart', async () => {
    const bob = await run('me', { member: { id: BOB.id, displayName: 'Bob *the* builder' } });
    expect(bob.embed.title).toBe('Record of Bob \\*the\\* builder');
    expect(bob.embed.fields!.find((f) => f.name === 'Rank')!.value).toBe('not yet ranked (2/3)');
    const erin = await run('me', { member: { id: ERIN.id, displayName: 'Erin' } });
    expect(erin.reply.files).toBeUndefined();
    expect(erin.embed.description).toContain('no scored forecasts yet (1 claim forecast)');
  });

  it('chart: a speaker’s or a family’s outcomes as an image; exactly one of the two', async () => {
    const { reply, embed } = await run('chart', { speaker: 'A Kremlin official' });
    expect(embed.title).toBe('Claims of A Kremlin official');
    expect(embed.image).toEqual({ url: 'attachment://outcomes.png' });
    expect(reply.files![0]!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect((await run('chart', { family: 'economy' })).embed.title).toBe('Claims in the family economy');
    for (const values of [{}, { speaker: 'x', family: 'y' }]) {
      const c = call('chart', values);
      await expect(scores.execute(c, argumentsOf(scores.definition, c.options), app())).rejects.toThrow(/either a speaker or a family/);
    }
  });

  it('autocompletes speakers, the known families, then the families of this server', async () => {
    const choices = (focused: { name: string; value: string }) => {
      const c = call('chart', { focused });
      return scores.autocomplete({ ...c, focused }, partialArgumentsOf(scores.definition, c.options), app());
    };
    expect(await choices({ name: 'speaker', value: 'white' })).toEqual([{ name: 'White House', value: 'White House' }]);
    expect(await choices({ name: 'family', value: 'dip' })).toEqual([
      { name: 'ambassador-appointment · Ambassador appointment and diplomatic staffing', value: 'ambassador-appointment' },
      { name: 'diplomacy', value: 'diplomacy' },
    ]);
    const all = await choices({ name: 'family', value: '' });
    expect(all.slice(0, 3).map((c) => c.value)).toEqual(['front-line-goals', 'negotiations', 'ambassador-appointment']);
  });
});

describe('/scores autocomplete with names past Discord’s 100 characters', () => {
  it('offers names and values of at most 100 characters, and each value finds its own speaker or outlet', async () => {
    const g = newGuildId();
    // Two speakers and two outlets whose first 100 characters are the same.
    const head = 'The Deputy Assistant Undersecretary for Strategic Communications and Long-Range Forecasting at the'; // 98
    const speakerNames = [`${head} Northern Ministry`, `${head} Southern Ministry`, 'A short name'];
    const outletNames = [`${head} Morning Herald`, `${head} Evening Gazette`];
    for (const [i, speaker] of speakerNames.entries()) {
      await addClaim(ctxFor(g), { claim: `Claim ${i}`, checkBy: '2060-01-01', speaker, sourceUrl: `https://news${i}.example/a`, outlet: outletNames[i % 2]! });
    }
    const choicesFor = async (name: string, value: string) => {
      const c = { commandName: 'scores', guildId: g, channelId: 'channel', member: { id: ALICE.id, displayName: 'Alice', isManager: false }, createdAt: clock.now, focused: { name, value } } as unknown as AutocompleteCall;
      return scores.autocomplete(c, undefined, { db: database.db, log: { warn() {}, error() {}, info() {}, debug() {} } as unknown as AppCtx['log'], now: () => clock.now, fetchAttachment: () => Promise.reject(new Error('none')) } as unknown as AppCtx);
    };
    const speakerChoices = await choicesFor('speaker', '');
    const outletChoices = await choicesFor('outlet', '');
    expect(speakerChoices).toHaveLength(3);
    expect(outletChoices).toHaveLength(2);
    for (const choice of [...speakerChoices, ...outletChoices]) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(String(choice.value).length).toBeLessThanOrEqual(100);
    }
    // Picking a suggestion finds that speaker (or outlet), not its look-alike.
    const subjects = await Promise.all(speakerChoices.map(async (c) => (await outcomesOverTime(ctxFor(g), { speaker: String(c.value) })).subject));
    expect(subjects.sort()).toEqual([...speakerNames].sort());
    const outlets = await Promise.all(outletChoices.map(async (c) => (await hedgeCalibrationOf(ctxFor(g), { outlet: String(c.value) })).subject));
    expect(outlets.sort()).toEqual([...outletNames].sort());
    // A short name stays its own value; another server's id is not found here.
    expect(speakerChoices.find((c) => c.name === 'A short name')!.value).toBe('A short name');
    const long = speakerChoices.find((c) => c.name.startsWith(head))!;
    await expect(outcomesOverTime(ctxFor(newGuildId()), { speaker: String(long.value) })).rejects.toThrow(/no speaker/);
  });
});
