import { describe, expect, it } from 'vitest';
import { hedgeCalibration, hedgeScore, type BandedRow } from '../../src/ledger/hedge-scores.js';
import { trackRecordsBy } from '../../src/ledger/scoring.js';

const resolved = (outcome: BandedRow['outcome'], hedge: string | null): BandedRow => ({ status: 'resolved', outcome, hedge });

describe('Brier on the hedge bands’ implied probabilities', () => {
  const rows: BandedRow[] = [
    resolved('came_true', 'likely'), // p 0.675: (0.675 − 1)² = 0.105625
    resolved('did_not', 'very-unlikely'), // p 0.125: 0.015625
    resolved('partly', 'even-chance'), // p 0.5 vs 0.5: 0
    resolved('void', 'likely'), // void: not scored
    resolved('came_true', null), // no band: not scored
    { status: 'open', outcome: null, hedge: 'almost-certain' }, // open: not scored
  ];

  it('scores resolved claims with a band (partly ½, void, open and unbanded left out)', () => {
    const s = hedgeScore(rows);
    expect(s.banded).toBe(3);
    expect(s.brier).toBeCloseTo((0.105625 + 0.015625 + 0) / 3, 12);
    expect(hedgeScore([resolved('void', 'likely')])).toEqual({ banded: 0, brier: null });
  });

  it('bins the implied probabilities for the calibration chart', () => {
    const bins = hedgeCalibration(rows);
    expect(bins.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(bins[6]).toMatchObject({ meanForecast: 0.675, observed: 1 });
    expect(bins[5]).toMatchObject({ meanForecast: 0.5, observed: 0.5 });
    expect(bins[1]).toMatchObject({ meanForecast: 0.125, observed: 0 });
  });

  it('track records carry the hedge Brier beside the came-true share', () => {
    const [anna, ole] = trackRecordsBy([
      { name: 'Anna Berg', ...resolved('came_true', 'likely') },
      { name: 'anna  berg', ...resolved('did_not', 'almost-certain') }, // p 0.97: 0.9409
      { name: 'Ole Lund', ...resolved('did_not', null) },
    ]);
    expect(anna).toMatchObject({ name: 'Anna Berg', judged: 2, shareTrue: 0.5, banded: 2 });
    expect(anna!.brier).toBeCloseTo((0.105625 + 0.9409) / 2, 12);
    expect(ole).toMatchObject({ name: 'Ole Lund', banded: 0, brier: null });
  });
});
