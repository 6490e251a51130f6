/**
 * Outcomes over time: one stacked bar per quarter of the claims' check date, split by outcome
 * (came true at the bottom, then partly, did not, void, and open on top).
 */
import { SEGMENTS, type QuarterBucket, type Segment } from '../ledger/scoring.js';
import { axes, axisTitle, bottom, font, legendItem, linear, newChart, niceTicks, text, THEME, toPng, yGrid, type Rect } from './canvas.js';

export const OUTCOMES_FRAME: Rect = { left: 70, top: 110, width: 700, height: 290 };

export const SEGMENT_COLORS: Record<Segment, string> = {
  came_true: '#57f287',
  partly: '#fee75c',
  did_not: '#ed4245',
  void: '#80848e',
  open: THEME.accent,
};

const SEGMENT_LABELS: Record<Segment, string> = {
  came_true: 'Came true',
  partly: 'Partly',
  did_not: 'Did not',
  void: 'Void',
  open: 'Open',
};

/** Widest a bar gets, in pixels; bars take 70% of their slot otherwise. */
export const MAX_BAR_WIDTH = 56;

export interface OutcomesChartInput {
  title: string;
  subtitle?: string;
  buckets: readonly QuarterBucket[];
}

const total = (b: QuarterBucket) => SEGMENTS.reduce((n, s) => n + b.counts[s], 0);

export async function renderOutcomesChart(input: OutcomesChartInput): Promise<Buffer> {
  const chart = newChart(input.title, input.subtitle);
  const { g } = chart;
  const frame = OUTCOMES_FRAME;
  let legendX = 24;
  for (const s of SEGMENTS) legendX = legendItem(g, legendX, 86, SEGMENT_COLORS[s], SEGMENT_LABELS[s]);

  const ticks = niceTicks(Math.max(0, ...input.buckets.map(total)));
  const y = linear([0, ticks[ticks.length - 1]!], [bottom(frame), frame.top]);
  yGrid(g, frame, ticks, y, String);

  const slot = frame.width / Math.max(1, input.buckets.length);
  const barWidth = Math.max(2, Math.min(MAX_BAR_WIDTH, slot * 0.7));
  for (const [i, bucket] of input.buckets.entries()) {
    const centre = frame.left + slot * (i + 0.5);
    let stacked = 0;
    for (const s of SEGMENTS) {
      const n = bucket.counts[s];
      if (!n) continue;
      g.fillStyle = SEGMENT_COLORS[s];
      g.fillRect(centre - barWidth / 2, y(stacked + n), barWidth, y(stacked) - y(stacked + n));
      stacked += n;
    }
    if (stacked && slot >= 16) text(g, String(stacked), centre, y(stacked) - 5, { align: 'center', font: font(11), color: THEME.muted });
    if (slot >= 22) text(g, `Q${bucket.quarter}`, centre, bottom(frame) + 18, { align: 'center', color: THEME.muted });
    if (bucket.quarter === 1 || i === 0) text(g, String(bucket.year), centre, bottom(frame) + 36, { align: 'center', font: font(11), color: THEME.text });
  }
  axes(g, frame);
  axisTitle(g, frame, 'Quarter of the check date', 'x', 62);
  axisTitle(g, frame, 'Claims', 'y', 48);
  return toPng(chart);
}
