/**
 * The charts, checked as pictures: each PNG is decoded (pngjs, independent of the canvas that drew
 * it) and the marks are looked for where the data puts them, with the background elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { CALIBRATION_COLORS, CALIBRATION_FRAME, dotRadius, renderCalibrationChart } from '../../src/charts/calibration.js';
import { MAX_BAR_WIDTH, OUTCOMES_FRAME, SEGMENT_COLORS, renderOutcomesChart } from '../../src/charts/outcomes.js';
import { CHART_SIZE, THEME } from '../../src/charts/canvas.js';
import { calibration, outcomesByQuarter, type ClaimScore } from '../../src/ledger/scoring.js';
import type { Outcome } from '../../src/ledger/rules.js';
import { EN, translator } from '../../src/i18n/index.js';

type Rgb = [number, number, number];

const rgb = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
const distance = (a: Rgb, b: Rgb) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

interface Picture {
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

function decode(buffer: Buffer): Picture {
  const png = PNG.sync.read(buffer);
  return {
    width: png.width,
    height: png.height,
    at(x, y) {
      const i = (Math.round(y) * png.width + Math.round(x)) * 4;
      expect(png.data[i + 3], `pixel ${x},${y} is opaque`).toBe(255);
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    },
  };
}

const BACKGROUND = rgb(THEME.background);

function expectColour(picture: Picture, x: number, y: number, hex: string, what: string) {
  expect(distance(picture.at(x, y), rgb(hex)), `${what} at ${Math.round(x)},${Math.round(y)}`).toBeLessThanOrEqual(6);
}

/** Pixels in a box that differ from the background: text and marks. */
function inked(picture: Picture, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) if (distance(picture.at(x, y), BACKGROUND) > 40) n += 1;
  return n;
}

describe('calibration chart', () => {
  const F = CALIBRATION_FRAME;
  const px = (forecast: number) => F.left + forecast * F.width;
  const py = (observed: number) => F.top + F.height - observed * F.height;
  const s = (probability: number, outcome: Outcome) => ({ probability, outcome }) as Pick<ClaimScore, 'probability' | 'outcome'>;
  // bin 10–20%: 15, 15 → (0.15, ½) · bin 40–50%: 45 partly → (0.45, ½) · bin 70–80%: 75 ×4, three came true, one partly → (0.75, 0.875)
  const bins = calibration([
    s(15, 'came_true'),
    s(15, 'did_not'),
    s(45, 'partly'),
    s(75, 'came_true'),
    s(75, 'came_true'),
    s(75, 'came_true'),
    s(75, 'partly'),
  ]);

  it('draws a dot for each bin at (mean forecast, share that came true) and nothing where there is no data', async () => {
    const picture = decode(await renderCalibrationChart({ title: 'Calibration: Alice', subtitle: '7 scored forecasts', bins, notes: ['Mean Brier: 0.123'] }));
    expect([picture.width, picture.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    for (const [forecast, observed, count] of [
      [0.15, 0.5, 2],
      [0.45, 0.5, 1],
      [0.75, 0.875, 4],
    ] as const) {
      const r = dotRadius(count) - 3;
      for (const [dx, dy] of [[0, 0], [r, 0], [-r, 0], [0, r], [0, -r]] as const) {
        expectColour(picture, px(forecast) + dx, py(observed) + dy, CALIBRATION_COLORS.point, `dot of bin ${forecast}`);
      }
    }
    // Empty bins, and where the 70–80% dot would be with the axes swapped: background.
    for (const [x, y] of [
      [0.55, 0.3],
      [0.35, 0.7],
      [0.95, 0.9],
      [0.05, 0.9],
      [0.875, 0.75],
    ] as const) {
      expectColour(picture, px(x), py(y), THEME.background, `empty plot area ${x},${y}`);
    }
  });

  it('draws the diagonal of perfect calibration, and text', async () => {
    const picture = decode(await renderCalibrationChart({ title: 'Calibration: Bob', bins }));
    for (const v of [0.25, 0.55, 0.95]) {
      const row = Math.round(py(v));
      const near = [-2, -1, 0, 1, 2].map((dx) => distance(picture.at(px(v) + dx, row), rgb(CALIBRATION_COLORS.diagonal)));
      expect(Math.min(...near), `diagonal at ${v}`).toBeLessThanOrEqual(30);
      expectColour(picture, px(v) + 12, row, THEME.background, `beside the diagonal at ${v}`);
    }
    expect(inked(picture, 24, 14, 300, 44), 'the title is drawn').toBeGreaterThan(300);
  });
});

describe('outcomes chart', () => {
  const F = OUTCOMES_FRAME;
  const row = (checkBy: string, outcome: Outcome | null) => ({ checkBy, status: outcome ? ('resolved' as const) : ('open' as const), outcome });
  // 2025 Q1: 2 came true + 1 did not · Q2: nothing · Q3: 1 partly + 1 open
  const { buckets } = outcomesByQuarter([
    row('2025-01-05', 'came_true'),
    row('2025-02-05', 'came_true'),
    row('2025-03-05', 'did_not'),
    row('2025-07-05', 'partly'),
    row('2025-09-05', null),
  ]);
  const slot = F.width / buckets.length;
  const centre = (i: number) => F.left + slot * (i + 0.5);
  const base = F.top + F.height - 1;

  /** Counts the colours of a bar's column from the axis up to the first background pixel. */
  function column(picture: Picture, x: number) {
    const counts: Record<string, number> = {};
    let y = base;
    for (; y > 0 && distance(picture.at(x, y), BACKGROUND) > 6; y -= 1) {
      const colour = picture.at(x, y);
      const name = Object.entries(SEGMENT_COLORS).find(([, hex]) => distance(colour, rgb(hex)) <= 6)?.[0] ?? 'blend';
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return { counts, height: base - y };
  }

  it('stacks each quarter’s outcomes in proportion, with an empty quarter empty', async () => {
    const picture = decode(await renderOutcomesChart({ title: 'Claims of a Kremlin official', buckets }));
    expect([picture.width, picture.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect(buckets).toHaveLength(3);

    const q1 = column(picture, centre(0));
    expect(Object.keys(q1.counts).filter((k) => k !== 'blend').sort()).toEqual(['came_true', 'did_not']);
    expect(Math.abs(q1.counts.came_true! - 2 * q1.counts.did_not!)).toBeLessThanOrEqual(3); // 2 : 1
    expectColour(picture, centre(0), base - 2, SEGMENT_COLORS.came_true, 'came true at the bottom');
    expectColour(picture, centre(0), base - q1.height + 2, SEGMENT_COLORS.did_not, 'did not on top');

    expect(column(picture, centre(1)).height, 'empty quarter').toBe(0);

    const q3 = column(picture, centre(2));
    expect(Object.keys(q3.counts).filter((k) => k !== 'blend').sort()).toEqual(['open', 'partly']);
    expect(Math.abs(q3.counts.partly! - q3.counts.open!)).toBeLessThanOrEqual(2); // 1 : 1
    expect(q3.height / q1.height).toBeCloseTo(2 / 3, 1); // 2 claims against 3
    expectColour(picture, centre(2), base - 2, SEGMENT_COLORS.partly, 'partly below open');
  });

  it('centres each bar in its quarter’s slot with the bar width', async () => {
    const picture = decode(await renderOutcomesChart({ title: 'Family: war', buckets }));
    const y = base - 5;
    let left = Math.round(centre(0));
    while (distance(picture.at(left - 1, y), rgb(SEGMENT_COLORS.came_true)) <= 6) left -= 1;
    let right = Math.round(centre(0));
    while (distance(picture.at(right + 1, y), rgb(SEGMENT_COLORS.came_true)) <= 6) right += 1;
    const width = right - left + 1;
    expect(Math.abs(width - Math.min(MAX_BAR_WIDTH, slot * 0.7))).toBeLessThanOrEqual(2);
    expect(Math.abs((left + right) / 2 - centre(0))).toBeLessThanOrEqual(1.5);
    expectColour(picture, left - 6, y, THEME.background, 'left of the bar');
    expectColour(picture, right + 6, y, THEME.background, 'right of the bar');
  });
});

describe('the charts’ own words (issue 26)', () => {
  /** Pixels of a horizontal strip that differ between two pictures (every other row and column). */
  const differing = (a: Picture, b: Picture, top: number, bottomY: number, left = 0, rightX = a.width - 1) => {
    let n = 0;
    for (let y = top; y <= bottomY; y += 2) for (let x = left; x <= rightX; x += 2) if (distance(a.at(x, y), b.at(x, y)) > 6) n += 1;
    return n;
  };
  const { buckets } = outcomesByQuarter([{ checkBy: '2024-02-01', status: 'resolved' as const, outcome: 'came_true' as Outcome }]);

  it('are drawn in the translator’s language, the marks left as they are', async () => {
    const enPng = await renderOutcomesChart({ title: 'T', buckets });
    expect(enPng.equals(await renderOutcomesChart({ title: 'T', buckets }, EN)), 'English is the default').toBe(true);
    const en = decode(enPng);
    const ru = decode(await renderOutcomesChart({ title: 'T', buckets }, translator('ru')));
    const axis = OUTCOMES_FRAME.top + OUTCOMES_FRAME.height + 62;
    expect(differing(en, ru, axis - 8, axis + 8), 'the x axis title').toBeGreaterThan(20);
    expect(differing(en, ru, 78, 94), 'the legend').toBeGreaterThan(20);
    expect(differing(en, ru, OUTCOMES_FRAME.top, OUTCOMES_FRAME.top + OUTCOMES_FRAME.height - 1, OUTCOMES_FRAME.left, OUTCOMES_FRAME.left + OUTCOMES_FRAME.width - 1), 'the bars').toBe(0);

    const cal = calibration([]);
    const calEn = decode(await renderCalibrationChart({ title: 'T', bins: cal }));
    const calUk = decode(await renderCalibrationChart({ title: 'T', bins: cal }, translator('uk')));
    const xTitle = CALIBRATION_FRAME.top + CALIBRATION_FRAME.height + 68;
    expect(differing(calEn, calUk, xTitle - 8, xTitle + 8), 'the x axis title').toBeGreaterThan(20);
  });
});
