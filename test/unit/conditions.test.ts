import { describe, expect, it } from 'vitest';
import {
  checkDateAfter,
  conditionOrder,
  conditionState,
  followCondition,
  parseDaysAfter,
  resolveGuard,
  wouldCycle,
  type ConditionView,
  type DependentView,
} from '../../src/ledger/conditions.js';
import { messageIn } from '../../src/ledger/errors.js';
import { trackRecordsBy } from '../../src/ledger/scoring.js';
import { proposeCondition } from '../../src/extract/condition.js';

const now = new Date('2025-02-01T12:00:00Z');
const cond = (over: Partial<ConditionView> = {}): ConditionView => ({ number: 4, status: 'open', outcome: null, resolvedAt: null, ...over });
const dep = (over: Partial<DependentView> = {}): DependentView => ({ status: 'waiting', outcome: null, resolvedBy: null, checkBy: '2025-06-30', conditionDays: null, ...over });

describe('condition state', () => {
  it('holds only when the condition came true; did not, partly and void fail; unresolved is pending', () => {
    expect(conditionState(cond())).toBe('pending');
    expect(conditionState(cond({ status: 'waiting' }))).toBe('pending');
    expect(conditionState(cond({ status: 'resolved', outcome: 'came_true' }))).toBe('held');
    for (const outcome of ['did_not', 'void', 'partly'] as const) expect(conditionState(cond({ status: 'resolved', outcome }))).toBe('failed');
  });
});

describe('followCondition', () => {
  it('a waiting dependent stays waiting while its condition is unresolved', () => {
    expect(followCondition(cond(), dep(), 'UTC', now)).toBeNull();
  });

  it('a failed condition voids the dependent with the reason naming it, whatever state it was in', () => {
    for (const d of [dep(), dep({ status: 'open' }), dep({ status: 'resolved', outcome: 'came_true', resolvedBy: '1' })]) {
      const f = followCondition(cond({ status: 'resolved', outcome: 'did_not', resolvedAt: now }), d, 'UTC', now);
      expect(f).toEqual({ kind: 'void', reason: 'Its condition #4 did not happen (resolved Did not).' });
    }
    // Already void: nothing to do.
    expect(followCondition(cond({ status: 'resolved', outcome: 'void' }), dep({ status: 'resolved', outcome: 'void', resolvedBy: 'system' }), 'UTC', now)).toBeNull();
  });

  it('a condition that came true opens a waiting dependent: its own date, or N days after the day it came true (server timezone)', () => {
    const held = cond({ status: 'resolved', outcome: 'came_true', resolvedAt: new Date('2025-01-20T23:30:00Z') });
    expect(followCondition(held, dep(), 'UTC', now)).toEqual({ kind: 'open', checkBy: '2025-06-30', reopen: false });
    expect(followCondition(held, dep({ conditionDays: 90 }), 'UTC', now)).toEqual({ kind: 'open', checkBy: '2025-04-20', reopen: false });
    // 23:30 UTC on the 20th is already the 21st in Tokyo.
    expect(followCondition(held, dep({ conditionDays: 90 }), 'Asia/Tokyo', now)).toEqual({ kind: 'open', checkBy: '2025-04-21', reopen: false });
  });

  it('a dependent the system voided opens again in a new round when its condition is overridden to came true; a manager’s resolution stays', () => {
    const held = cond({ status: 'resolved', outcome: 'came_true', resolvedAt: now });
    expect(followCondition(held, dep({ status: 'resolved', outcome: 'void', resolvedBy: 'system' }), 'UTC', now)).toMatchObject({ kind: 'open', reopen: true });
    expect(followCondition(held, dep({ status: 'resolved', outcome: 'void', resolvedBy: '123' }), 'UTC', now)).toBeNull();
    expect(followCondition(held, dep({ status: 'resolved', outcome: 'did_not', resolvedBy: 'system' }), 'UTC', now)).toBeNull();
    expect(followCondition(held, dep({ status: 'open' }), 'UTC', now)).toBeNull();
  });

  it('a reopened condition puts open and resolved dependents back to waiting', () => {
    expect(followCondition(cond(), dep({ status: 'open' }), 'UTC', now)).toEqual({ kind: 'wait' });
    expect(followCondition(cond(), dep({ status: 'resolved', outcome: 'came_true' }), 'UTC', now)).toEqual({ kind: 'wait' });
  });
});

describe('resolveGuard', () => {
  it('lets a dependent be scored only once its condition came true; void is always allowed', () => {
    expect(messageIn('en', resolveGuard(7, cond(), 'came_true')!)).toMatch(/#7 hangs on #4, which has not come true yet/);
    expect(messageIn('en', resolveGuard(7, cond({ status: 'resolved', outcome: 'did_not' }), 'partly')!)).toMatch(/did not happen/);
    expect(resolveGuard(7, cond(), 'void')).toBeNull();
    expect(resolveGuard(7, cond({ status: 'resolved', outcome: 'came_true' }), 'did_not')).toBeNull();
  });
});

describe('parseDaysAfter', () => {
  it('reads "N days/weeks after …"', () => {
    expect(parseDaysAfter('90 days after')).toBe(90);
    expect(parseDaysAfter('90 days after the condition comes true')).toBe(90);
    expect(parseDaysAfter(' 2 weeks after #4 ')).toBe(14);
    expect(parseDaysAfter('1 day after')).toBe(1);
  });
  it('leaves dates and other phrases alone', () => {
    expect(parseDaysAfter('in 90 days')).toBeNull();
    expect(parseDaysAfter('2025-06-30')).toBeNull();
    expect(parseDaysAfter('90 days')).toBeNull();
    expect(parseDaysAfter('99999 days after')).toBeNull();
  });
  it('counts from the day the condition came true', () => {
    expect(checkDateAfter(new Date('2024-12-31T10:00:00Z'), 60, 'UTC')).toBe('2025-03-01');
  });
});

describe('cycles and order', () => {
  it('refuses hanging a claim on itself or on its own dependents', () => {
    const conditionOf = new Map<number, number | null>([[1, null], [2, 1], [3, 2]]);
    const of = (id: number) => conditionOf.get(id);
    expect(wouldCycle(of, 1, 1)).toBe(true);
    expect(wouldCycle(of, 1, 3)).toBe(true); // 3 → 2 → 1
    expect(wouldCycle(of, 3, 1)).toBe(false);
    expect(wouldCycle(of, 4, 3)).toBe(false);
  });
  it('orders a chain so each claim comes after its condition, and finds loops', () => {
    expect(conditionOrder([{ key: 'c', condition: 'b' }, { key: 'b', condition: 'a' }, { key: 'a', condition: 'event' }])).toEqual(['a', 'b', 'c']);
    expect(conditionOrder([{ key: 'a', condition: 'b' }, { key: 'b', condition: 'a' }])).toBeNull();
    expect(conditionOrder([{ key: 'a', condition: 'a' }])).toBeNull();
  });
});

describe('speakers’ records with conditional claims', () => {
  it('count a conditional claim only when its condition held, and say how many were conditional and held', () => {
    const row = (outcome: 'came_true' | 'did_not' | 'void' | null, conditionHeld?: boolean | null) => ({
      name: 'Anna',
      status: outcome ? ('resolved' as const) : ('waiting' as const),
      outcome,
      conditionHeld,
    });
    const [anna] = trackRecordsBy([row('came_true'), row('did_not', true), row('void', false), row(null, false), row('came_true', null)]);
    expect(anna).toMatchObject({ made: 3, cameTrue: 2, didNot: 1, void: 0, open: 0, judged: 3, conditional: 3, conditionsHeld: 1 });
  });
});

describe('proposeCondition (extraction)', () => {
  it('finds the condition of the article’s conditional forecasts', () => {
    expect(proposeCondition('As soon as Trump takes office and forms his team, then we can agree to start consultations.')).toBe('Trump takes office and forms his team');
    expect(proposeCondition('If he becomes vice president and participates in forming the team, then at least some of the people involved will be rational.')).toBe(
      'He becomes vice president and participates in forming the team',
    );
    expect(proposeCondition('Once the ceasefire holds, trade will resume within a year')).toBe('The ceasefire holds');
    expect(proposeCondition('Trump will probably want to facilitate negotiations, provided he is at the centre of the whole process.')).toBe('He is at the centre of the whole process');
    expect(proposeCondition('Prices will fall by March if the central bank cuts rates.')).toBe('The central bank cuts rates');
  });
  it('leaves unconditional forecasts and look-alikes alone', () => {
    expect(proposeCondition('Russian forces will keep advancing until the inauguration.')).toBeNull();
    expect(proposeCondition('The talks will resume at once.')).toBeNull();
    expect(proposeCondition('The army will attack once again in the spring.')).toBeNull();
    expect(proposeCondition('They will keep going even if it costs them dearly.')).toBeNull();
    expect(proposeCondition('He acts as if nothing will change.')).toBeNull();
  });
});
