import { describe, expect, it } from 'vitest';
import { brier, claimBrier, countingForecast, mean, outcomeValue, trackRecord } from '../../src/ledger/scoring.js';
import type { Outcome } from '../../src/ledger/rules.js';

const f = (probability: number, iso: string) => ({ probability, createdAt: new Date(iso) });
const DUE = new Date('2026-03-01T00:00:00Z');

describe('outcomeValue', () => {
  it('maps outcomes to 1 / 0.5 / 0, and void to null', () => {
    expect(outcomeValue('came_true')).toBe(1);
    expect(outcomeValue('partly')).toBe(0.5);
    expect(outcomeValue('did_not')).toBe(0);
    expect(outcomeValue('void')).toBeNull();
  });
});

describe('brier', () => {
  it.each([
    [70, 1, 0.09], // (0.7 − 1)²
    [70, 0, 0.49], // (0.7 − 0)²
    [50, 0.5, 0],
    [100, 0, 1],
    [0, 1, 1],
    [100, 1, 0],
    [0, 0, 0],
    [20, 0.5, 0.09], // (0.2 − 0.5)²
    [50, 1, 0.25],
    [50, 0, 0.25],
    [90, 0.5, 0.16],
    [33.3, 1, 0.444889], // (0.333 − 1)² = 0.667² = 0.444889
  ])('brier(%s%%, %s) = %s', (p, o, expected) => {
    expect(brier(p, o)).toBeCloseTo(expected, 12);
  });
});

describe('countingForecast', () => {
  it('is null without forecasts', () => {
    expect(countingForecast([], DUE)).toBeNull();
  });

  it('picks the last forecast strictly before dueAt, whatever the order given', () => {
    const a = f(10, '2026-01-01T00:00:00Z');
    const b = f(60, '2026-02-28T23:59:59.999Z');
    const c = f(30, '2026-02-01T00:00:00Z');
    expect(countingForecast([a, b, c], DUE)).toBe(b);
    expect(countingForecast([b, c, a], DUE)).toBe(b);
  });

  it('ignores a forecast made exactly at dueAt and any later one', () => {
    const early = f(40, '2026-02-15T00:00:00Z');
    const exactly = f(99, '2026-03-01T00:00:00Z');
    const later = f(1, '2026-03-05T00:00:00Z');
    expect(countingForecast([early, exactly, later], DUE)).toBe(early);
    expect(countingForecast([exactly, later], DUE)).toBeNull();
  });

  it('of two forecasts at the same instant, the later in the list counts', () => {
    const x = f(20, '2026-02-01T00:00:00Z');
    const y = f(80, '2026-02-01T00:00:00Z');
    expect(countingForecast([x, y], DUE)).toBe(y);
  });
});

describe('claimBrier', () => {
  const forecasts = [f(70, '2026-01-10T00:00:00Z'), f(20, '2026-02-10T00:00:00Z'), f(100, '2026-03-02T00:00:00Z')];

  it('scores the counting forecast (20%), not the late one (100%)', () => {
    expect(claimBrier(forecasts, DUE, 'came_true')).toBeCloseTo(0.64, 12); // (0.2 − 1)²
    expect(claimBrier(forecasts, DUE, 'did_not')).toBeCloseTo(0.04, 12); // 0.2²
    expect(claimBrier(forecasts, DUE, 'partly')).toBeCloseTo(0.09, 12); // (0.2 − 0.5)²
  });

  it('is null for void, for an unresolved claim, and without a counting forecast', () => {
    expect(claimBrier(forecasts, DUE, 'void')).toBeNull();
    expect(claimBrier(forecasts, DUE, null)).toBeNull();
    expect(claimBrier([f(70, '2026-03-01T00:00:00Z')], DUE, 'came_true')).toBeNull();
    expect(claimBrier([], DUE, 'did_not')).toBeNull();
  });

  it('a 0% forecast on a claim that did not come true scores 0, not null', () => {
    expect(claimBrier([f(0, '2026-01-01T00:00:00Z')], DUE, 'did_not')).toBe(0);
  });
});

describe('trackRecord', () => {
  const c = (status: 'open' | 'resolved', outcome: Outcome | null) => ({ status, outcome });

  it('is empty with shareTrue null for no claims', () => {
    expect(trackRecord([])).toEqual({ made: 0, cameTrue: 0, partly: 0, didNot: 0, void: 0, open: 0, shareTrue: null, judged: 0 });
  });

  it('counts each outcome, open claims and void; partly counts half in shareTrue', () => {
    const r = trackRecord([
      c('resolved', 'came_true'),
      c('resolved', 'came_true'),
      c('resolved', 'partly'),
      c('resolved', 'did_not'),
      c('resolved', 'void'),
      c('open', null),
      c('open', null),
    ]);
    expect(r).toEqual({
      made: 7,
      cameTrue: 2,
      partly: 1,
      didNot: 1,
      void: 1,
      open: 2,
      judged: 4,
      shareTrue: 0.625, // (2 + 0.5) / 4
    });
  });

  it('shareTrue is null when only void and open claims exist', () => {
    const r = trackRecord([c('resolved', 'void'), c('open', null)]);
    expect(r.shareTrue).toBeNull();
    expect(r.judged).toBe(0);
    expect(r.made).toBe(2);
  });

  it('an open claim with a stale outcome, or resolved without one, counts as open', () => {
    const r = trackRecord([c('open', 'came_true'), c('resolved', null)]);
    expect(r.open).toBe(2);
    expect(r.cameTrue).toBe(0);
  });

  it('all partly gives shareTrue 0.5; all did not gives 0', () => {
    expect(trackRecord([c('resolved', 'partly'), c('resolved', 'partly')]).shareTrue).toBe(0.5);
    expect(trackRecord([c('resolved', 'did_not')]).shareTrue).toBe(0);
  });

  it('accepts any iterable', () => {
    function* gen() {
      yield c('resolved', 'came_true');
      yield c('resolved', 'did_not');
    }
    expect(trackRecord(gen()).shareTrue).toBe(0.5);
  });
});

describe('mean', () => {
  it('is null for no values', () => {
    expect(mean([])).toBeNull();
  });

  it('averages', () => {
    expect(mean([0.09, 0.49])).toBeCloseTo(0.29, 12);
    expect(mean([1])).toBe(1);
    expect(mean([0, 0, 0, 1])).toBe(0.25);
  });
});
