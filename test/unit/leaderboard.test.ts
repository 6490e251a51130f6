import { describe, expect, it } from 'vitest';
import { bestAndWorst, calibration, median, memberScores, outcomesByQuarter, rankMembers, scoreChangesFrom, scoreClaims, trackRecordsBy, type ClaimScore, type MemberScore, type ResolvedClaim } from '../../src/ledger/scoring.js';
import { formatPct, formatScore, formatScoreChanges, formatSigned, rankLabel } from '../../src/kit/score-text.js';
import { fitLines } from '../../src/kit/render.js';
import type { Outcome } from '../../src/ledger/rules.js';

const DUE = new Date('2026-03-01T00:00:00Z');
const BEFORE = new Date('2026-02-01T00:00:00Z');
const LATER = new Date('2026-02-20T00:00:00Z');
const AFTER = new Date('2026-03-01T01:00:00Z');

const f = (userId: string, probability: number, createdAt = BEFORE) => ({ userId, probability, createdAt });
const claim = (id: number, outcome: Outcome, forecasts: ResolvedClaim['forecasts']): ResolvedClaim => ({
  id,
  number: id,
  text: `Claim ${id}`,
  outcome,
  dueAt: DUE,
  forecasts,
});

/**
 * The hand-worked ledger (Brier = (p − o)²):
 *  #1 came true  alice 80 → 0.04, bob 60 → 0.16, carol 30 → 0.49          median (odd)  0.16
 *  #2 did not    alice 20 → 0.04, bob 50 → 0.25 (his 90 after the check date is ignored),
 *                carol 10 → 0.01, dave 70 → 0.49                          median (even) (0.04 + 0.25) / 2 = 0.145
 *  #3 partly     alice 50 → 0, carol 90 → 0.16, frank 30 → 0.04             median (odd)  0.04
 *  #4 void       alice 90: not scored
 *  #5 came true  dave 40 → 0.36, alone                                      median 0.36, relative 0
 *  erin only forecast #1 after its check date: not scored.
 */
const LEDGER: ResolvedClaim[] = [
  claim(1, 'came_true', [f('alice', 80), f('bob', 60), f('carol', 30), f('erin', 100, AFTER)]),
  claim(2, 'did_not', [f('alice', 50), f('alice', 20, LATER), f('bob', 50), f('bob', 90, AFTER), f('carol', 10), f('dave', 70)]),
  claim(3, 'partly', [f('alice', 50), f('carol', 90), f('frank', 30)]),
  claim(4, 'void', [f('alice', 90)]),
  claim(5, 'came_true', [f('dave', 40)]),
];

const scores = scoreClaims(LEDGER);
const byUser = (list: MemberScore[]) => Object.fromEntries(list.map((m) => [m.userId, m]));

describe('median', () => {
  it.each([
    [[], null],
    [[3], 3],
    [[5, 1, 3], 3],
    [[1, 3], 2],
    [[0.49, 0.01, 0.25, 0.04], 0.145],
  ])('median(%j) = %s', (values, expected) => {
    if (expected === null) expect(median(values)).toBeNull();
    else expect(median(values)).toBeCloseTo(expected, 12);
  });
});

describe('scoreClaims', () => {
  it('scores the counting forecast of each member, with relative Brier against the claim’s median', () => {
    const got = scores.map((s) => [s.number, s.userId, s.probability, +s.brier.toFixed(6), +s.relative.toFixed(6)]);
    expect(got).toEqual([
      [1, 'alice', 80, 0.04, -0.12],
      [1, 'bob', 60, 0.16, 0],
      [1, 'carol', 30, 0.49, 0.33],
      [2, 'alice', 20, 0.04, -0.105],
      [2, 'bob', 50, 0.25, 0.105],
      [2, 'carol', 10, 0.01, -0.135],
      [2, 'dave', 70, 0.49, 0.345],
      [3, 'alice', 50, 0, -0.04],
      [3, 'carol', 90, 0.16, 0.12],
      [3, 'frank', 30, 0.04, 0],
      [5, 'dave', 40, 0.36, 0],
    ]);
  });

  it('leaves out void claims and members whose only forecast came after the check date', () => {
    expect(scores.some((s) => s.number === 4)).toBe(false);
    expect(scores.some((s) => s.userId === 'erin')).toBe(false);
  });
});

describe('memberScores', () => {
  it('averages Brier and relative Brier per member', () => {
    const m = byUser(memberScores(scores));
    expect(Object.keys(m).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'frank']);
    const expected: Record<string, [number, number, number]> = {
      alice: [3, 0.08 / 3, -0.265 / 3],
      bob: [2, 0.205, 0.0525],
      carol: [3, 0.22, 0.315 / 3],
      dave: [2, 0.425, 0.1725],
      frank: [1, 0.04, 0], // one forecast
    };
    for (const [user, [claims, brier, relative]] of Object.entries(expected)) {
      expect(m[user]!.claims, user).toBe(claims);
      expect(m[user]!.brier, user).toBeCloseTo(brier, 12);
      expect(m[user]!.relative, user).toBeCloseTo(relative, 12);
    }
  });
});

describe('rankMembers', () => {
  it('ranks by mean Brier, lists members below the minimum apart', () => {
    const board = rankMembers(memberScores(scores), 2);
    expect(board.minRanked).toBe(2);
    expect(board.ranked.map((m) => [rankLabel(m), m.userId])).toEqual([
      ['1', 'alice'],
      ['2', 'bob'],
      ['3', 'carol'],
      ['4', 'dave'],
    ]);
    expect(board.unranked.map((m) => [m.userId, m.claims])).toEqual([['frank', 1]]);
  });

  it('gives equal shown scores a shared rank and skips the next', () => {
    const m = (userId: string, brier: number, claims = 5, relative = 0): MemberScore => ({ userId, brier, claims, relative });
    // (0.09 + 0.49) / 2 is 0.29 on paper but not in floating point: still a tie.
    const board = rankMembers([m('d', 0.3), m('b', (0.09 + 0.49) / 2, 4), m('a', 0.1), m('c', 0.29, 6), m('e', 0.3004), m('f', 0.31)], 3);
    expect(board.ranked.map((x) => `${rankLabel(x)} ${x.userId}`)).toEqual(['1 a', '=2 c', '=2 b', '=4 d', '=4 e', '6 f']);
    expect(board.ranked.map((x) => x.tied)).toEqual([false, true, true, true, true, false]);
  });

  it('orders the unranked by claims, most first', () => {
    const m = (userId: string, claims: number): MemberScore => ({ userId, brier: 0.1, claims, relative: 0 });
    expect(rankMembers([m('a', 1), m('b', 2), m('c', 3)], 5).unranked.map((x) => x.userId)).toEqual(['c', 'b', 'a']);
  });
});

describe('formatting', () => {
  it.each([
    [0.1235, '0.124', '+0.124'],
    [0.0625, '0.063', '+0.063'],
    [-0.0005, '0.001', '−0.001'],
    [-0.0004, '0.000', '±0.000'],
    [0, '0.000', '±0.000'],
    [1, '1.000', '+1.000'],
  ])('%s shows as %s / %s', (x, plain, signed) => {
    expect(formatScore(x)).toBe(plain);
    expect(formatSigned(x)).toBe(signed);
  });

  it('shows percentages without a useless decimal', () => {
    expect(formatPct(0.7)).toBe('70%');
    expect(formatPct(0.333)).toBe('33.3%');
    expect(formatPct(33.29999923706055 / 100)).toBe('33.3%'); // a real (float4) column's 33.3
  });
});

describe('fitLines', () => {
  const lines = ['aaaa', 'bbbb', 'cccc', 'dddd'];
  it('keeps every line when they fit', () => {
    expect(fitLines(lines, 19)).toBe('aaaa\nbbbb\ncccc\ndddd');
  });
  it('drops whole lines and says how many', () => {
    expect(fitLines(lines, 18)).toBe('aaaa\n…and 3 more');
    expect(fitLines([...lines, 'eeee', 'ffff'], 26)).toBe('aaaa\nbbbb\ncccc\n…and 3 more');
    expect(fitLines([...lines, 'eeee', 'ffff'], 25)).toBe('aaaa\nbbbb\n…and 4 more');
  });
  it('never exceeds the budget', () => {
    const many = Array.from({ length: 50 }, (_, i) => `line ${i} ${'x'.repeat(i % 7)}`);
    for (let max = 0; max < 400; max += 7) expect(fitLines(many, max).length).toBeLessThanOrEqual(max);
  });
});

describe('calibration', () => {
  it('bins forecasts by 10% and averages the outcome (partly = ½), 100% in the last bin', () => {
    const s = (probability: number, outcome: ClaimScore['outcome']) => ({ probability, outcome });
    const bins = calibration([s(5, 'did_not'), s(15, 'partly'), s(12, 'did_not'), s(10, 'came_true'), s(100, 'came_true'), s(95, 'came_true'), s(90, 'did_not')]);
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual([1, 3, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(bins[0]).toMatchObject({ from: 0, to: 10, meanForecast: 0.05, observed: 0 });
    expect(bins[1]!.meanForecast).toBeCloseTo(0.37 / 3, 12);
    expect(bins[1]!.observed).toBeCloseTo(0.5, 12);
    expect(bins[2]).toMatchObject({ from: 20, to: 30, count: 0, meanForecast: null, observed: null });
    expect(bins[9]!.meanForecast).toBeCloseTo(0.95, 12);
    expect(bins[9]!.observed).toBeCloseTo(2 / 3, 12);
  });
});

describe('bestAndWorst', () => {
  it('picks best (lowest Brier, beating the crowd most among equals) and worst, never the same claim twice', () => {
    const alice = scores.filter((s) => s.userId === 'alice');
    const { best, worst } = bestAndWorst(alice);
    // #3 (0), then #1 and #2 both 0.04: #1 beat the crowd by 0.12, #2 by 0.105.
    expect(best.map((s) => s.number)).toEqual([3, 1]);
    expect(worst.map((s) => s.number)).toEqual([2]);
  });

  it('shows a single claim as a best call only, and at most k of each', () => {
    const frank = scores.filter((s) => s.userId === 'frank');
    expect(bestAndWorst(frank)).toEqual({ best: frank, worst: [] });
    const many = Array.from({ length: 10 }, (_, i) => ({ ...scores[0]!, claimId: i, number: i, brier: i / 10 }));
    const { best, worst } = bestAndWorst(many, 3);
    expect(best.map((s) => s.number)).toEqual([0, 1, 2]);
    expect(worst.map((s) => s.number)).toEqual([9, 8, 7]);
  });
});

describe('scoreChangesFrom', () => {
  it('compares each member’s mean Brier without and with the claims, largest improvement first', () => {
    const changes = scoreChangesFrom(scores, [2]);
    expect(changes.map((c) => c.userId)).toEqual(['carol', 'alice', 'bob', 'dave']);
    const carol = changes[0]!;
    expect(carol.before).toBeCloseTo((0.49 + 0.16) / 2, 12);
    expect(carol.after).toBeCloseTo(0.22, 12);
    expect(carol.delta).toBeCloseTo(-0.105, 12);
    const dave = changes[3]!;
    expect([dave.before, dave.after, dave.delta].map((x) => +x!.toFixed(6))).toEqual([0.36, 0.425, 0.065]);
  });

  it('gives members scored for the first time a null before and delta, after the others', () => {
    const changes = scoreChangesFrom(scores, [3]);
    expect(changes.map((c) => c.userId)).toEqual(['carol', 'alice', 'frank']);
    expect(changes[2]).toEqual({ userId: 'frank', before: null, after: expect.closeTo(0.04, 12), delta: null });
  });

  it('is empty for claims nobody was scored on (void, unknown)', () => {
    expect(scoreChangesFrom(scores, [4, 999])).toEqual([]);
  });
});

describe('formatScoreChanges', () => {
  const changes = scoreChangesFrom(scores, [3]);
  it('writes one line per member', () => {
    expect(formatScoreChanges(changes, 2000).split('\n')).toEqual([
      '<@carol> 0.250 → 0.220 · 0.030 better',
      '<@alice> 0.040 → 0.027 · 0.013 better',
      '<@frank> first score: 0.040',
    ]);
    expect(formatScoreChanges(scoreChangesFrom(scores, [2]), 2000).split('\n')[1]).toBe('<@alice> 0.020 → 0.027 · 0.007 worse');
  });

  it('stays within the budget, saying how many were left out', () => {
    expect(formatScoreChanges(changes, 70)).toBe('<@carol> 0.250 → 0.220 · 0.030 better\n…and 2 more members');
    expect(formatScoreChanges([], 100)).toBe('');
    for (let max = 0; max < 120; max += 3) expect(formatScoreChanges(changes, max).length).toBeLessThanOrEqual(max);
  });
});

describe('trackRecordsBy', () => {
  it('groups by folded name, drops rows without one, most judged first', () => {
    const r = (name: string | null, outcome: Outcome | null) => ({ name, status: outcome ? ('resolved' as const) : ('open' as const), outcome });
    const records = trackRecordsBy([
      r('Kremlin', 'came_true'),
      r('kremlin ', 'partly'),
      r('KREMLIN', 'did_not'),
      r('Kremlin', null),
      r('Kremlin', 'void'),
      r('White House', 'came_true'),
      r('White House', 'came_true'),
      r(null, 'came_true'),
      r('Nobody judged', null),
    ]);
    expect(records.map((x) => [x.name, x.made, x.judged, x.shareTrue])).toEqual([
      ['Kremlin', 5, 3, 0.5], // (1 + ½) / 3
      ['White House', 2, 2, 1],
      ['Nobody judged', 1, 0, null],
    ]);
    expect(records[0]).toMatchObject({ cameTrue: 1, partly: 1, didNot: 1, void: 1, open: 1 });
  });
});

describe('outcomesByQuarter', () => {
  const row = (checkBy: string, outcome: Outcome | null) => ({ checkBy, status: outcome ? ('resolved' as const) : ('open' as const), outcome });
  it('counts per quarter of the check date, empty quarters included', () => {
    const { buckets, omitted } = outcomesByQuarter([row('2025-03-31', 'came_true'), row('2025-01-01', 'did_not'), row('2025-10-01', null), row('2025-12-31', 'partly')]);
    expect(omitted).toBe(0);
    expect(buckets.map((b) => `${b.year} Q${b.quarter}`)).toEqual(['2025 Q1', '2025 Q2', '2025 Q3', '2025 Q4']);
    expect(buckets[0]!.counts).toEqual({ came_true: 1, partly: 0, did_not: 1, void: 0, open: 0 });
    expect(buckets[3]!.counts).toEqual({ came_true: 0, partly: 1, did_not: 0, void: 0, open: 1 });
  });

  it('keeps the last quarters only and counts what it left out', () => {
    const { buckets, omitted } = outcomesByQuarter([row('2020-05-01', 'came_true'), row('2024-12-01', 'did_not'), row('2025-02-01', null)], 2);
    expect(buckets.map((b) => `${b.year} Q${b.quarter}`)).toEqual(['2024 Q4', '2025 Q1']);
    expect(omitted).toBe(1);
    expect(outcomesByQuarter([])).toEqual({ buckets: [], omitted: 0 });
  });
});
