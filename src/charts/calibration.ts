/**
 * A member's calibration chart: their forecasts in 10% bins (x: the mean forecast in the bin)
 * against how often those claims came true (y; partly counts half), one dot per non-empty bin
 * sized by its count, the counts in a row under the axis, and the diagonal of perfect calibration.
 */
import type { CalibrationBin } from '../ledger/scoring.js';
import { EN, type Translator } from '../i18n/index.js';
import { axes, axisTitle, bottom, fitText, font, legendItem, line, linear, newChart, right, text, THEME, toPng, yGrid, type Rect } from './canvas.js';

/** Where the plot sits: the unit square of (forecast, observed) maps onto it. */
export const CALIBRATION_FRAME: Rect = { left: 90, top: 84, width: 320, height: 320 };

export const CALIBRATION_COLORS = { point: THEME.accent, diagonal: '#b5bac1' } as const;

/** Dot radius in pixels for a bin with `count` forecasts: 8 for one, up to 14. */
export const dotRadius = (count: number) => 6 + Math.min(8, 2 * Math.sqrt(count));

export interface CalibrationChartInput {
  title: string;
  subtitle?: string;
  bins: readonly CalibrationBin[];
  /** Short lines shown beside the plot (e.g. the member's scores). */
  notes?: readonly string[];
  /** The language of the chart's own words (axes, legend); the caller translates title, subtitle and notes. Default English. */
  locale?: string;
}

export async function renderCalibrationChart(input: CalibrationChartInput, t: Translator = EN): Promise<Buffer> {
  const pct = (v: number) => t.percent(v);
  const chart = newChart(input.title, input.subtitle);
  const { g } = chart;
  const frame = CALIBRATION_FRAME;
  const x = linear([0, 1], [frame.left, right(frame)]);
  const y = linear([0, 1], [bottom(frame), frame.top]);
  const tenths = Array.from({ length: 11 }, (_, i) => i / 10);

  for (const [i, tenth] of tenths.entries()) {
    const px = Math.round(x(tenth)) + 0.5;
    line(g, px, frame.top, px, bottom(frame), THEME.grid);
    if (i % 2 === 0) text(g, pct(tenth), px, bottom(frame) + 18, { align: 'center', color: THEME.muted });
  }
  yGrid(g, frame, tenths.filter((_, i) => i % 2 === 0), y, pct);
  line(g, x(0), y(0), x(1), y(1), CALIBRATION_COLORS.diagonal, 2);
  axes(g, frame);

  text(g, t('chart.calibration.count'), frame.left - 8, bottom(frame) + 42, { align: 'right', color: THEME.muted });
  for (const bin of input.bins) {
    const centre = x((bin.from + bin.to) / 200);
    text(g, String(bin.count), centre, bottom(frame) + 42, { align: 'center', font: font(11), color: bin.count ? THEME.text : THEME.muted });
    if (!bin.count || bin.meanForecast === null || bin.observed === null) continue;
    g.beginPath();
    g.arc(x(bin.meanForecast), y(bin.observed), dotRadius(bin.count), 0, Math.PI * 2);
    g.fillStyle = CALIBRATION_COLORS.point;
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = THEME.background;
    g.stroke();
  }
  // centred under the plot: at most twice the room left of its centre
  axisTitle(g, frame, fitText(g, t('chart.calibration.forecastAxis'), 2 * (frame.left + frame.width / 2) - 32, font(13)), 'x', 68);
  axisTitle(g, frame, t('chart.calibration.observedAxis'), 'y', 58);

  const panel = right(frame) + 40;
  const panelWidth = 800 - 24 - panel;
  legendItem(g, panel, 100, CALIBRATION_COLORS.point, t('chart.calibration.legendDots'), 'dot');
  legendItem(g, panel, 126, CALIBRATION_COLORS.diagonal, t('chart.calibration.legendDiagonal'), 'line');
  for (const [i, note] of (input.notes ?? []).entries()) {
    text(g, fitText(g, note, panelWidth, font(15)), panel, 176 + i * 28, { font: font(15) });
  }
  return toPng(chart);
}
