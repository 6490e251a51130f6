/**
 * Chart drawing shared by every chart: a Skia canvas (@napi-rs/canvas, a prebuilt binary in an
 * npm package, no install script), the DejaVu Sans font shipped by the `dejavu-fonts-ttf` npm
 * package (so text renders the same on a machine without system fonts), a dark theme that sits
 * well in Discord, and the pieces of a plot frame (grid, tick labels, axis titles).
 * Charts are 800×500 PNGs, Discord's display size for an embed image.
 */
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';

export const CHART_SIZE = { width: 800, height: 500 } as const;

export const THEME = {
  background: '#2b2d31',
  grid: '#3f4147',
  axis: '#80848e',
  text: '#dbdee1',
  muted: '#949ba4',
  title: '#f2f3f5',
  accent: '#5865f2',
} as const;

export const FONT_FAMILY = 'DejaVu Sans';

let fontsRegistered = false;

/** Registers the bundled fonts once per process. */
function registerFonts() {
  if (fontsRegistered) return;
  const require = createRequire(import.meta.url);
  for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    GlobalFonts.registerFromPath(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  }
  fontsRegistered = true;
}

export const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px "${FONT_FAMILY}"`;

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const right = (r: Rect) => r.left + r.width;
export const bottom = (r: Rect) => r.top + r.height;

/** Maps [d0, d1] linearly onto [r0, r1]. */
export const linear =
  ([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]) =>
  (v: number) =>
    r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);

export interface Chart {
  canvas: Canvas;
  g: SKRSContext2D;
}

/** A blank chart with the title (and a muted subtitle) at the top left. */
export function newChart(title: string, subtitle?: string): Chart {
  registerFonts();
  const canvas = createCanvas(CHART_SIZE.width, CHART_SIZE.height);
  const g = canvas.getContext('2d');
  g.fillStyle = THEME.background;
  g.fillRect(0, 0, CHART_SIZE.width, CHART_SIZE.height);
  const maxWidth = CHART_SIZE.width - 48;
  text(g, fitText(g, title, maxWidth, font(20, true)), 24, 36, { font: font(20, true), color: THEME.title });
  if (subtitle) text(g, fitText(g, subtitle, maxWidth, font(13)), 24, 58, { font: font(13), color: THEME.muted });
  return { canvas, g };
}

export const toPng = (chart: Chart): Promise<Buffer> => chart.canvas.encode('png');

interface TextStyle {
  font?: string;
  color?: string;
  align?: SKRSContext2D['textAlign'];
  baseline?: SKRSContext2D['textBaseline'];
}

export function text(g: SKRSContext2D, value: string, x: number, y: number, style: TextStyle = {}) {
  g.font = style.font ?? font(12);
  g.fillStyle = style.color ?? THEME.text;
  g.textAlign = style.align ?? 'left';
  g.textBaseline = style.baseline ?? 'alphabetic';
  g.fillText(value, x, y);
}

/** Shortens `value` with an ellipsis until it is at most `maxWidth` pixels wide in `fontSpec`. */
export function fitText(g: SKRSContext2D, value: string, maxWidth: number, fontSpec: string): string {
  g.font = fontSpec;
  if (g.measureText(value).width <= maxWidth) return value;
  const chars = Array.from(value);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.measureText(`${chars.slice(0, mid).join('').trimEnd()}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}

export function line(g: SKRSContext2D, x0: number, y0: number, x1: number, y1: number, color: string, width = 1) {
  g.strokeStyle = color;
  g.lineWidth = width;
  g.beginPath();
  g.moveTo(x0, y0);
  g.lineTo(x1, y1);
  g.stroke();
}

/** Horizontal grid lines with labels left of the frame, at each tick of the y scale. */
export function yGrid(g: SKRSContext2D, frame: Rect, ticks: readonly number[], y: (v: number) => number, label: (v: number) => string) {
  for (const t of ticks) {
    const py = Math.round(y(t)) + 0.5;
    line(g, frame.left, py, right(frame), py, THEME.grid);
    text(g, label(t), frame.left - 8, py, { align: 'right', baseline: 'middle', color: THEME.muted });
  }
}

/** The two axis lines along the left and bottom of the frame. */
export function axes(g: SKRSContext2D, frame: Rect) {
  line(g, frame.left + 0.5, frame.top, frame.left + 0.5, bottom(frame) + 0.5, THEME.axis);
  line(g, frame.left, bottom(frame) + 0.5, right(frame), bottom(frame) + 0.5, THEME.axis);
}

/** An axis title: centred below the frame, or rotated left of it. */
export function axisTitle(g: SKRSContext2D, frame: Rect, value: string, side: 'x' | 'y', offset: number) {
  const style = { font: font(13), color: THEME.muted, align: 'center' as const, baseline: 'middle' as const };
  if (side === 'x') {
    text(g, value, frame.left + frame.width / 2, bottom(frame) + offset, style);
    return;
  }
  g.save();
  g.translate(frame.left - offset, frame.top + frame.height / 2);
  g.rotate(-Math.PI / 2);
  text(g, value, 0, 0, style);
  g.restore();
}

/** A legend entry: a colour swatch (square or dot) and its label; returns the x after it. */
export function legendItem(g: SKRSContext2D, x: number, y: number, color: string, label: string, shape: 'square' | 'dot' | 'line' = 'square'): number {
  g.fillStyle = color;
  if (shape === 'square') g.fillRect(x, y - 6, 12, 12);
  else if (shape === 'line') line(g, x, y, x + 14, y, color, 2);
  else {
    g.beginPath();
    g.arc(x + 6, y, 6, 0, Math.PI * 2);
    g.fill();
  }
  text(g, label, x + 20, y, { baseline: 'middle', font: font(13) });
  g.font = font(13);
  return x + 20 + g.measureText(label).width + 18;
}

/** Tick values 0, step, 2·step … covering `max` with at most `maxTicks` intervals (step 1, 2 or 5 × 10ⁿ). */
export function niceTicks(max: number, maxTicks = 5): number[] {
  const target = Math.max(1, max);
  let step = 1;
  for (let magnitude = 1; ; magnitude *= 10) {
    const found = [1, 2, 5].map((m) => m * magnitude).find((s) => Math.ceil(target / s) <= maxTicks);
    if (found) {
      step = found;
      break;
    }
  }
  const top = Math.ceil(target / step) * step;
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}
