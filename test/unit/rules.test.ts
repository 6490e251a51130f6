import { describe, expect, it } from 'vitest';
import {
  decideAtClose,
  emptyTally,
  isDue,
  phaseOf,
  tallyOf,
  tallyVisible,
  totalVotes,
  type ClaimTiming,
  type ResolutionRules,
  type Tally,
} from '../../src/ledger/rules.js';

const rules = (quorum: number, majorityPct: number, tooEarlyStepDays = 30): ResolutionRules => ({
  quorum,
  majorityPct,
  tooEarlyStepDays,
});

const t = (came_true: number, partly: number, did_not: number, too_early = 0): Tally => ({
  came_true,
  partly,
  did_not,
  too_early,
});

describe('tallyOf / totalVotes / emptyTally', () => {
  it('counts each verdict', () => {
    expect(tallyOf(['came_true', 'did_not', 'came_true', 'too_early', 'partly', 'came_true'])).toEqual({
      came_true: 3,
      partly: 1,
      did_not: 1,
      too_early: 1,
    });
  });

  it('gives zeros for no votes, and accepts any iterable', () => {
    expect(tallyOf([])).toEqual({ came_true: 0, partly: 0, did_not: 0, too_early: 0 });
    expect(tallyOf(new Set(['partly', 'did_not'] as const))).toEqual({ came_true: 0, partly: 1, did_not: 1, too_early: 0 });
  });

  it('totalVotes adds all four verdicts, too early included', () => {
    expect(totalVotes(t(1, 2, 3, 4))).toBe(10);
    expect(totalVotes(emptyTally())).toBe(0);
  });

  it('emptyTally returns a fresh object each time', () => {
    const a = emptyTally();
    a.came_true = 5;
    expect(emptyTally().came_true).toBe(0);
  });
});

describe('decideAtClose — quorum', () => {
  it('flags no_quorum with no votes at all', () => {
    expect(decideAtClose(emptyTally(), rules(3, 60))).toEqual({ kind: 'flag', reason: 'no_quorum' });
  });

  it('flags no_quorum one vote short, even when unanimous', () => {
    expect(decideAtClose(t(2, 0, 0), rules(3, 60))).toEqual({ kind: 'flag', reason: 'no_quorum' });
  });

  it('resolves with exactly the quorum', () => {
    expect(decideAtClose(t(3, 0, 0), rules(3, 60))).toEqual({ kind: 'resolve', outcome: 'came_true' });
  });

  it('does not count too-early votes towards the judging quorum', () => {
    // 2 judged + 1 too early: 3 votes in all, but only 2 judge the claim (quorum 3).
    expect(decideAtClose(t(2, 0, 0, 1), rules(3, 60))).toEqual({ kind: 'flag', reason: 'no_quorum' });
  });
});

describe('decideAtClose — majority', () => {
  it('3 of 5 (60%) resolves at majorityPct 60', () => {
    expect(decideAtClose(t(3, 0, 2), rules(5, 60))).toEqual({ kind: 'resolve', outcome: 'came_true' });
  });

  it('3 of 5 (60%) is no majority at majorityPct 61', () => {
    expect(decideAtClose(t(3, 0, 2), rules(5, 61))).toEqual({ kind: 'flag', reason: 'no_majority' });
  });

  it('59 of 100 is no majority at 60; 60 of 100 is', () => {
    expect(decideAtClose(t(0, 41, 59), rules(10, 60))).toEqual({ kind: 'flag', reason: 'no_majority' });
    expect(decideAtClose(t(0, 40, 60), rules(10, 60))).toEqual({ kind: 'resolve', outcome: 'did_not' });
  });

  it('2 of 3 (66.67%) passes 66 but not 67', () => {
    expect(decideAtClose(t(0, 1, 2), rules(3, 66))).toEqual({ kind: 'resolve', outcome: 'did_not' });
    expect(decideAtClose(t(0, 1, 2), rules(3, 67))).toEqual({ kind: 'flag', reason: 'no_majority' });
  });

  it('a plurality under the majority is no_majority (4 / 3 / 3 at 50%)', () => {
    expect(decideAtClose(t(4, 3, 3), rules(3, 50))).toEqual({ kind: 'flag', reason: 'no_majority' });
  });

  it('exactly half resolves at majorityPct 50 when it leads (2 / 1 / 1)', () => {
    expect(decideAtClose(t(2, 1, 1), rules(3, 50))).toEqual({ kind: 'resolve', outcome: 'came_true' });
  });

  it('unanimity is needed at majorityPct 100', () => {
    expect(decideAtClose(t(5, 0, 0), rules(5, 100))).toEqual({ kind: 'resolve', outcome: 'came_true' });
    expect(decideAtClose(t(9, 1, 0), rules(5, 100))).toEqual({ kind: 'flag', reason: 'no_majority' });
  });

  it('the majority is taken over judged votes only (too early excluded)', () => {
    // 3 came true, 1 did not, 3 too early: 3/4 = 75% of judged, 3/7 of all.
    expect(decideAtClose(t(3, 0, 1, 3), rules(4, 70))).toEqual({ kind: 'resolve', outcome: 'came_true' });
  });

  it('partly can win', () => {
    expect(decideAtClose(t(1, 4, 0), rules(3, 60))).toEqual({ kind: 'resolve', outcome: 'partly' });
  });

  it('did not can win', () => {
    expect(decideAtClose(t(1, 0, 4), rules(3, 60))).toEqual({ kind: 'resolve', outcome: 'did_not' });
  });
});

describe('decideAtClose — ties', () => {
  it('a tie at the top is flagged tie', () => {
    expect(decideAtClose(t(2, 0, 2), rules(3, 50))).toEqual({ kind: 'flag', reason: 'tie' });
    expect(decideAtClose(t(0, 3, 3), rules(3, 50))).toEqual({ kind: 'flag', reason: 'tie' });
    expect(decideAtClose(t(3, 3, 0), rules(3, 50))).toEqual({ kind: 'flag', reason: 'tie' });
  });

  it('a three-way tie is flagged tie', () => {
    expect(decideAtClose(t(2, 2, 2), rules(3, 50))).toEqual({ kind: 'flag', reason: 'tie' });
  });

  it('a tie below the top is not a tie (5 / 2 / 2)', () => {
    expect(decideAtClose(t(5, 2, 2), rules(3, 50))).toEqual({ kind: 'resolve', outcome: 'came_true' });
  });

  it('tie takes precedence over no_majority', () => {
    // 2 / 2 / 1: tied leaders, each 40% — reported as a tie, not as no majority.
    expect(decideAtClose(t(2, 2, 1), rules(3, 60))).toEqual({ kind: 'flag', reason: 'tie' });
  });
});

describe('decideAtClose — too early', () => {
  it('postpones by the step when too early holds the majority of all votes and quorum is met', () => {
    expect(decideAtClose(t(1, 0, 1, 3), rules(5, 60, 45))).toEqual({ kind: 'postpone', days: 45 });
  });

  it('postpones when every vote is too early', () => {
    expect(decideAtClose(t(0, 0, 0, 4), rules(3, 60, 7))).toEqual({ kind: 'postpone', days: 7 });
  });

  it('too early exactly half of all votes does NOT postpone (at majorityPct 50)', () => {
    // 2 of 4 is 50% ≥ 50, but not more than half.
    expect(decideAtClose(t(2, 0, 0, 2), rules(2, 50))).toEqual({ kind: 'resolve', outcome: 'came_true' });
    expect(decideAtClose(t(1, 0, 1, 2), rules(2, 50))).toEqual({ kind: 'flag', reason: 'tie' });
  });

  it('too early just over half postpones at majorityPct 50 (3 of 5)', () => {
    expect(decideAtClose(t(2, 0, 0, 3), rules(2, 50, 10))).toEqual({ kind: 'postpone', days: 10 });
  });

  it('too early needs majorityPct of all votes: 3 of 5 postpones at 60 but not at 61', () => {
    expect(decideAtClose(t(2, 0, 0, 3), rules(2, 60))).toEqual({ kind: 'postpone', days: 30 });
    expect(decideAtClose(t(2, 0, 0, 3), rules(2, 61))).toEqual({ kind: 'resolve', outcome: 'came_true' });
  });

  it('too-early majority with total votes below the quorum is flagged no_quorum', () => {
    // 3 too early + 1 came true = 4 < quorum 5.
    expect(decideAtClose(t(1, 0, 0, 3), rules(5, 60))).toEqual({ kind: 'flag', reason: 'no_quorum' });
  });

  it('too-early majority with total exactly the quorum postpones', () => {
    expect(decideAtClose(t(1, 0, 1, 3), rules(5, 60))).toEqual({ kind: 'postpone', days: 30 });
  });

  it('too early under the majority falls through to judging the rest', () => {
    // 2 too early of 6 (33%): judged 3 came true / 1 did not → 75% came true.
    expect(decideAtClose(t(3, 0, 1, 2), rules(3, 60))).toEqual({ kind: 'resolve', outcome: 'came_true' });
    // 2 too early of 5 (40%): judged 2 + 1 = 3 < quorum 4 → no quorum.
    expect(decideAtClose(t(2, 0, 1, 2), rules(4, 60))).toEqual({ kind: 'flag', reason: 'no_quorum' });
  });
});

describe('phaseOf / isDue / tallyVisible', () => {
  const dueAt = new Date('2026-03-01T00:00:00Z');
  const votingClosesAt = new Date('2026-03-08T00:00:00Z');
  const open: ClaimTiming = { status: 'open', dueAt, votingClosesAt };
  const resolved: ClaimTiming = { status: 'resolved', dueAt, votingClosesAt };
  const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

  it('phaseOf is upcoming up to one ms before dueAt', () => {
    expect(phaseOf(open, ms(dueAt, -1))).toBe('upcoming');
    expect(phaseOf(open, new Date('2020-01-01T00:00:00Z'))).toBe('upcoming');
  });

  it('phaseOf is voting exactly at dueAt and until one ms before the window closes', () => {
    expect(phaseOf(open, dueAt)).toBe('voting');
    expect(phaseOf(open, ms(votingClosesAt, -1))).toBe('voting');
  });

  it('phaseOf is closed exactly at votingClosesAt and after', () => {
    expect(phaseOf(open, votingClosesAt)).toBe('closed');
    expect(phaseOf(open, new Date('2030-01-01T00:00:00Z'))).toBe('closed');
  });

  it('phaseOf is resolved for a resolved claim whatever the time', () => {
    expect(phaseOf(resolved, ms(dueAt, -1))).toBe('resolved');
    expect(phaseOf(resolved, dueAt)).toBe('resolved');
    expect(phaseOf(resolved, votingClosesAt)).toBe('resolved');
  });

  it('isDue: open and dueAt ≤ now', () => {
    expect(isDue(open, ms(dueAt, -1))).toBe(false);
    expect(isDue(open, dueAt)).toBe(true);
    expect(isDue(open, ms(votingClosesAt, 1))).toBe(true);
    expect(isDue(resolved, ms(votingClosesAt, 1))).toBe(false);
  });

  it('tallyVisible: always without blind voting', () => {
    expect(tallyVisible(open, false, ms(dueAt, -1))).toBe(true);
    expect(tallyVisible(open, false, dueAt)).toBe(true);
  });

  it('tallyVisible: blind voting hides until exactly votingClosesAt', () => {
    expect(tallyVisible(open, true, dueAt)).toBe(false);
    expect(tallyVisible(open, true, ms(votingClosesAt, -1))).toBe(false);
    expect(tallyVisible(open, true, votingClosesAt)).toBe(true);
  });

  it('tallyVisible: blind voting shows a resolved claim even inside the window', () => {
    expect(tallyVisible(resolved, true, dueAt)).toBe(true);
  });
});
