/**
 * Replies as readable terminal text: Discord markdown and its escapes removed (or shown as ANSI
 * styles on a terminal), timestamps as dates, mentions as names, embeds as titled blocks,
 * buttons as numbered actions.
 */
import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import type { Reply } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';

export interface RenderOptions {
  now: Date;
  /**
   * The server's time zone: dates and times are shown in it, and times say so ("10:00
   * (Europe/Paris)"), as Discord would show them in each viewer's own. Unset: this machine's zone.
   */
  timeZone?: string;
  /** A member's name for a mention, when known. */
  nameOf(id: string): string | undefined;
  /** A channel's name for a mention, when known. */
  channelOf(id: string): string | undefined;
  /** ANSI styles and colours (terminals only). */
  color: boolean;
  /** Where lines are wrapped. */
  width: number;
  /** The reader's language for the console's own words (default English). */
  t?: Translator;
}

const ESC = '\x1b[';
const style = (on: boolean, open: number, close: number) => (s: string) => (on ? `${ESC}${open}m${s}${ESC}${close}m` : s);
export const styles = (color: boolean) => ({
  bold: style(color, 1, 22),
  dim: style(color, 2, 22),
  italic: style(color, 3, 23),
  underline: style(color, 4, 24),
  strike: style(color, 9, 29),
  red: style(color, 31, 39),
  green: style(color, 32, 39),
  blue: style(color, 34, 39),
  rgb: (rgb: number | undefined, s: string) =>
    color && rgb !== undefined ? `${ESC}38;2;${(rgb >> 16) & 255};${(rgb >> 8) & 255};${rgb & 255}m${s}${ESC}39m` : s,
});

const visible = (s: string) => s.replace(/\x1b\[[\d;]*m/g, '');

/** How a quoted line (`> …` in Discord) starts. */
const QUOTE_BAR = (color: boolean) => (color ? styles(true).dim('│ ') : '> ');

// ── Timestamps ──────────────────────────────────────────────────────────────

const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  // unit, seconds in it, used while |difference| is below this many seconds
  ['second', 1, 45],
  ['minute', 60, 45 * 60],
  ['hour', 3600, 22 * 3600],
  ['day', 86_400, 26 * 86_400],
  ['month', 30.44 * 86_400, 320 * 86_400],
  ['year', 365.25 * 86_400, Infinity],
];

/** "in 3 days", "2 months ago" (as Discord's `R` style shows it). */
export function relativeTime(date: Date, now: Date, locale = 'en'): string {
  const seconds = (date.getTime() - now.getTime()) / 1000;
  const [unit, size] = UNITS.find(([, , below]) => Math.abs(seconds) < below) ?? UNITS[UNITS.length - 1]!;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(seconds / size), unit);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall clock of an instant in a time zone (this machine's when none is given). */
function wall(d: Date, timeZone: string | undefined) {
  if (!timeZone) return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  for (const p of format.formatToParts(d)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, mo: parts.month!, d: parts.day!, h: parts.hour!, mi: parts.minute!, s: parts.second! };
}

const longDay = (d: Date, weekday: boolean, timeZone: string | undefined, locale: string) =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { day: 'numeric', month: 'long', year: 'numeric', ...(weekday ? { weekday: 'long' } : {}), ...(timeZone ? { timeZone } : {}) }).format(d);

/**
 * `<t:1737331200:R>` and the other styles, as Discord shows them — but in the server's time zone
 * (Discord uses each viewer's), so a time says which zone it is in: "7 December 2026 10:00 (Europe/Paris)".
 */
export function formatTimestamp(seconds: number, style: string | undefined, now: Date, timeZone?: string, locale = 'en'): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return String(seconds);
  const w = wall(d, timeZone);
  const clock = (withSeconds: boolean) => `${pad(w.h)}:${pad(w.mi)}${withSeconds ? `:${pad(w.s)}` : ''}${timeZone ? ` (${timeZone})` : ''}`;
  switch (style) {
    case 't':
      return clock(false);
    case 'T':
      return clock(true);
    case 'd':
      return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
    case 'D':
      return longDay(d, false, timeZone, locale);
    case 'F':
      return `${longDay(d, true, timeZone, locale)} ${clock(false)}`;
    case 'R':
      return relativeTime(d, now, locale);
    default:
      return `${longDay(d, false, timeZone, locale)} ${clock(false)}`;
  }
}

// ── Inline text ─────────────────────────────────────────────────────────────

/** Discord markdown → terminal text: formatting as styles (or dropped), mentions and timestamps as words, escapes removed. */
export function renderText(text: string, o: RenderOptions): string {
  const s = styles(o.color);
  const lines = text.split('\n').map((line) => {
    let prefix = '';
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) line = s.bold(heading[2]!);
    const quote = /^>>?>? ?(.*)$/.exec(line);
    if (quote) {
      prefix = QUOTE_BAR(o.color);
      line = quote[1]!;
    }
    // Code spans keep their text (and backticks) untouched.
    const parts = line.split(/((?<!\\)`[^`\n]+`)/);
    const out = parts.map((part, i) => (i % 2 ? part : inline(part, s)));
    return prefix + out.join('');
  });
  return lines
    .join('\n')
    .replace(/<t:(-?\d{1,13})(?::([tTdDfFR]))?>/g, (_, t: string, st: string | undefined) => formatTimestamp(Number(t), st, o.now, o.timeZone, o.t?.locale))
    .replace(/<@!?(\d{1,20})>/g, (_, id: string) => `@${o.nameOf(id) ?? `member ${id}`}`)
    .replace(/<@&(\d{1,20})>/g, '@role')
    .replace(/<#(\d{1,20})>/g, (_, id: string) => `#${o.channelOf(id) ?? 'unknown-channel'}`)
    .replace(/<\/([\w -]{1,100}):\d{1,20}>/g, '/$1')
    .replace(/<a?:(\w{1,32}):\d{1,20}>/g, ':$1:')
    .replace(/\\([^a-zA-Z0-9\s])/g, '$1');
}

function inline(text: string, s: ReturnType<typeof styles>): string {
  return text
    .replace(/(?<!\\)\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, '$1 ($2)')
    .replace(/(?<!\\)\*\*(?!\s)(.+?)(?<![\s\\])\*\*/g, (_, t: string) => s.bold(t))
    .replace(/(?<!\\)__(?!\s)(.+?)(?<![\s\\])__/g, (_, t: string) => s.underline(t))
    .replace(/(?<!\\)~~(?!\s)(.+?)(?<![\s\\])~~/g, (_, t: string) => s.strike(t))
    .replace(/(?<!\\)\|\|(.+?)(?<!\\)\|\|/g, '$1')
    .replace(/(?<![\\\w*])\*(?![\s*])([^*\n]+?)(?<![\s\\])\*(?![\w*])/g, (_, t: string) => s.italic(t))
    .replace(/(?<![\\\w])_(?![\s_])([^_\n]+?)(?<![\s\\])_(?!\w)/g, (_, t: string) => s.italic(t));
}

/** Wraps one line at `width` visible characters; continuation lines start with `indent`. */
export function wrap(line: string, width: number, indent = ''): string[] {
  if (visible(line).length <= width) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(/(?<=\S) (?=\S)/)) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && visible(candidate).length > width) {
      out.push(current);
      current = indent + word;
    } else {
      current = candidate;
    }
  }
  if (current) out.push(current);
  return out;
}

// ── Messages ────────────────────────────────────────────────────────────────

export interface Button {
  /** Absent for link buttons. */
  customId?: string;
  url?: string;
  label: string;
  style: number;
  disabled: boolean;
}

/** The buttons of a reply, row by row; other components are not shown in the console. */
export function buttonsOf(reply: Reply): Button[] {
  const out: Button[] = [];
  for (const row of reply.components ?? []) {
    for (const c of row.components) {
      if (c.type !== ComponentType.Button) continue;
      const label = 'label' in c && c.label ? c.label : 'emoji' in c && c.emoji?.name ? c.emoji.name : EN('console.render.button');
      out.push({
        ...('custom_id' in c ? { customId: c.custom_id } : {}),
        ...('url' in c ? { url: c.url } : {}),
        label,
        style: c.style,
        disabled: c.disabled ?? false,
      });
    }
  }
  return out;
}

export interface SavedFile {
  name: string;
  path: string;
  bytes: number;
}

const size = (bytes: number, t: Translator) =>
  bytes < 1000
    ? t('console.render.bytes', { count: bytes })
    : bytes < 1_000_000
      ? t('console.render.kb', { size: t.number(bytes / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })
      : t('console.render.mb', { size: t.number(bytes / 1_000_000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) });

function embedLines(e: APIEmbed, o: RenderOptions & { saved: SavedFile[] }): string[] {
  const s = styles(o.color);
  const bar = (ch: string) => s.rgb(e.color, ch);
  const inner = o.width - 2;
  const body: string[] = [];
  const quoteBar = QUOTE_BAR(o.color);
  /** Adds rendered text, wrapped; quoted lines keep their bar when wrapped. */
  const add = (rendered: string, indent = '', cont = indent) => {
    for (const line of rendered.split('\n')) body.push(...wrap(indent + line, inner, line.startsWith(quoteBar) ? indent + quoteBar : cont));
  };
  if (e.author?.name) add(s.dim(renderText(e.author.name, o)));
  if (e.description) add(renderText(e.description, o), '', '  ');
  if (e.fields?.length) {
    if (e.description) body.push('');
    for (const f of e.fields) {
      const name = s.bold(`${renderText(f.name, o)}:`);
      const value = f.value === '\u200b' ? '' : renderText(f.value, o);
      if (!value.includes('\n')) add(`${name} ${value}`, '', '  ');
      else {
        body.push(name);
        add(value, '  ');
      }
    }
  }
  if (e.url) add(s.dim(e.url));
  if (e.image?.url) {
    const attached = /^attachment:\/\/(.+)$/.exec(e.image.url)?.[1];
    const file = attached ? o.saved.find((f) => f.name === attached) : undefined;
    add(s.dim((o.t ?? EN)('console.render.image', { path: file ? file.path : e.image.url })));
  }
  const title = e.title ? s.bold(renderText(e.title, o)) : '';
  const titleLines = title ? wrap(title, inner, '  ') : [''];
  const lines = [
    `${bar('┌─')} ${titleLines[0]}`.trimEnd(),
    ...titleLines.slice(1).map((l) => `${bar('│')} ${l}`),
    ...body.map((l) => `${bar('│')} ${l}`.trimEnd()),
  ];
  const footer = e.footer?.text ? wrap(renderText(e.footer.text, o), inner, '   ').map((l) => s.dim(l)) : [''];
  lines.push(`${bar('└─')} ${footer[0]}`.trimEnd(), ...footer.slice(1));
  if (e.timestamp) lines[lines.length - 1] += s.dim(` · ${formatTimestamp(Math.floor(Date.parse(e.timestamp) / 1000), 'f', o.now, o.timeZone, o.t?.locale)}`);
  return lines;
}

/** `[1] Came true  [2] Partly  …` — `numbers[i]` is the number of the i-th clickable button. */
export function buttonLine(buttons: Button[], numbers: (number | undefined)[], o: RenderOptions): string[] {
  const s = styles(o.color);
  const paint: Record<number, (t: string) => string> = {
    [ButtonStyle.Success]: s.green,
    [ButtonStyle.Primary]: s.blue,
    [ButtonStyle.Danger]: s.red,
  };
  const items = buttons.map((b, i) => {
    if (b.url) return `${b.label} <${b.url}>`;
    const n = numbers[i];
    const label = `[${n ?? '?'}] ${b.label}`;
    return b.disabled ? s.dim(`${label} ${(o.t ?? EN)('console.render.disabled')}`) : (paint[b.style] ?? ((t: string) => t))(label);
  });
  return wrap(items.join('  '), o.width);
}

/** A whole message: content, embeds, saved files, then its buttons. */
export function renderMessage(reply: Reply, o: RenderOptions & { numbers: (number | undefined)[]; saved: SavedFile[] }): string[] {
  const s = styles(o.color);
  const lines: string[] = [];
  if (reply.content) for (const line of renderText(reply.content, o).split('\n')) lines.push(...wrap(line, o.width, '  '));
  for (const e of reply.embeds ?? []) lines.push(...embedLines(e, o));
  for (const f of o.saved) lines.push((o.t ?? EN)('console.render.saved', { name: s.bold(f.name), path: f.path, size: size(f.bytes, o.t ?? EN) }));
  const buttons = buttonsOf(reply);
  if (buttons.length) lines.push(...buttonLine(buttons, o.numbers, o));
  if (!lines.length) lines.push(s.dim((o.t ?? EN)('console.render.empty')));
  return lines;
}
