/**
 * Outcomes over time: one stacked bar per quarter of the claims' check date, split by outcome
 * (came true at the bottom, then partly, did not, void, and open on top).
 */
import { SEGMENTS, type QuarterBucket, type Segment } from '../ledger/scoring.js';
import { EN, type Translator } from '../i18n/index.js';
import { axes, axisTitle, bottom, font, legendItem, linear, newChart, niceTicks, text, THEME, toPng, yGrid, type Rect } from './canvas.js';

export const OUTCOMES_FRAME: Rect = { left: 70, top: 110, width: 700, height: 290 };

export const SEGMENT_COLORS: Record<Segment, string> = {
  came_true: '#57f287',
  partly: '#fee75c',
  did_not: '#ed4245',
  void: '#80848e',
  open: THEME.accent,
};

/** Widest a bar gets, in pixels; bars take 70% of their slot otherwise. */
export const MAX_BAR_WIDTH = 56;

export interface OutcomesChartInput {
  title: string;
  subtitle?: string;
  buckets: readonly QuarterBucket[];
  /** The language of the chart's own words (legend, axes, quarters); the caller translates title and subtitle. Default English. */
  locale?: string;
}

/** How wide a text is drawn in a font. */
function textWidth(g: Parameters<typeof text>[0], value: string, fontSpec: string): number {
  g.font = fontSpec;
  return g.measureText(value).width;
}

const total = (b: QuarterBucket) => SEGMENTS.reduce((n, s) => n + b.counts[s], 0);

export async function renderOutcomesChart(input: OutcomesChartInput, t: Translator = EN): Promise<Buffer> {
  const chart = newChart(input.title, input.subtitle);
  const { g } = chart;
  const frame = OUTCOMES_FRAME;
  let legendX = 24;
  for (const s of SEGMENTS) legendX = legendItem(g, legendX, 86, SEGMENT_COLORS[s], t(`chart.outcomes.${s}`));

  const ticks = niceTicks(Math.max(0, ...input.buckets.map(total)));
  const y = linear([0, ticks[ticks.length - 1]!], [bottom(frame), frame.top]);
  yGrid(g, frame, ticks, y, (v) => t.number(v));

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
    const quarter = t('chart.outcomes.quarter', { quarter: bucket.quarter });
    if (slot >= 22 && textWidth(g, quarter, font(12)) <= slot - 2) text(g, quarter, centre, bottom(frame) + 18, { align: 'center', color: THEME.muted });
    if (bucket.quarter === 1 || i === 0) text(g, String(bucket.year), centre, bottom(frame) + 36, { align: 'center', font: font(11), color: THEME.text });
  }
  axes(g, frame);
  axisTitle(g, frame, t('chart.outcomes.xAxis'), 'x', 62);
  axisTitle(g, frame, t('chart.outcomes.yAxis'), 'y', 48);
  return toPng(chart);
}
