/**
 * Discord's limits and fitting replies into them: shortening text with an ellipsis (never
 * splitting a surrogate pair), capping embeds, fields and their 6,000-character total, merging two
 * messages when they fit, and packing long sections into as few messages as the limits allow.
 * No views here (they are in ./render.ts); nothing here knows the ledger.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { Reply } from './types.js';
import { EN, type Translator } from '../i18n/index.js';

/** Discord's limits (developer docs: message and embed limits, components). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  embedsPerMessage: 10,
  customId: 100,
  buttonLabel: 80,
  rows: 5,
  buttonsPerRow: 5,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** A message nonce (for enforce_nonce). */
  nonce: 25,
} as const;

/**
 * Joins lines into at most `maxChars` characters: as many whole lines as fit, then
 * "…and N more" for the rest. Never cuts a line.
 */
export function fitLines(lines: readonly string[], maxChars: number, more = (n: number) => EN('render.more', { count: n, shown: EN.number(n) })): string {
  let used = -1; // no newline before the first line
  let shown = 0;
  for (const line of lines) {
    if (used + 1 + line.length > maxChars) break;
    used += 1 + line.length;
    shown += 1;
  }
  for (; shown >= 0; shown -= 1) {
    const rest = lines.length - shown;
    const text = [...lines.slice(0, shown), ...(rest ? [more(rest)] : [])].join('\n');
    if (text.length <= maxChars) return text;
  }
  return '';
}

/** Discord's limits on modals: 45-character title and labels, 5 inputs, 4,000-character values. */
export const MODAL_LIMITS = { title: 45, label: 45, fields: 5, value: 4000, placeholder: 100 } as const;

/** Shortens to at most `max` UTF-16 units (as Discord counts), ending with an ellipsis when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

const embedLength = (e: APIEmbed) =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.footer?.text.length ?? 0) +
  (e.author?.name.length ?? 0) +
  (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

/** Two messages as one, or null when the result would break Discord's 10-embed or 6,000-character limits. */
export function mergeMessages(a: Reply, b: Reply): Reply | null {
  if (a.files?.length || b.files?.length || (a.content && b.content)) return null;
  const embeds = [...(a.embeds ?? []), ...(b.embeds ?? [])];
  const components = [...(a.components ?? []), ...(b.components ?? [])];
  if (embeds.length > DISCORD_LIMITS.embedsPerMessage || components.length > DISCORD_LIMITS.rows) return null;
  if (embeds.reduce((n, e) => n + embedLength(e), 0) > DISCORD_LIMITS.embedTotal) return null;
  const content = a.content ?? b.content;
  return { ...(content ? { content } : {}), ...(embeds.length ? { embeds } : {}), ...(components.length ? { components } : {}) };
}

/** Enforces per-field limits and the 6,000-character total of all embeds in one message. */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const out: APIEmbed[] = [];
  let budget: number = DISCORD_LIMITS.embedTotal;
  for (const raw of embeds.slice(0, DISCORD_LIMITS.embedsPerMessage)) {
    const e: APIEmbed = { ...raw };
    if (e.title !== undefined) e.title = truncate(e.title, DISCORD_LIMITS.embedTitle);
    if (e.description !== undefined) e.description = truncate(e.description, DISCORD_LIMITS.embedDescription);
    if (e.footer) e.footer = { ...e.footer, text: truncate(e.footer.text, DISCORD_LIMITS.footer) };
    if (e.fields) {
      e.fields = e.fields.slice(0, DISCORD_LIMITS.embedFields).map((f) => ({
        ...f,
        name: truncate(f.name, DISCORD_LIMITS.fieldName) || '\u200b',
        value: truncate(f.value, DISCORD_LIMITS.fieldValue) || '\u200b',
      }));
    }
    let over = embedLength(e) - budget;
    if (over > 0 && e.description) {
      e.description = truncate(e.description, Math.max(1, e.description.length - over));
      over = embedLength(e) - budget;
    }
    while (over > 0 && e.fields?.length) {
      e.fields = e.fields.slice(0, -1);
      over = embedLength(e) - budget;
    }
    if (over > 0) break;
    budget -= embedLength(e);
    out.push(e);
  }
  return out;
}

export function fitReply(reply: Reply): Reply {
  return {
    ...reply,
    ...(reply.content !== undefined ? { content: truncate(reply.content, DISCORD_LIMITS.content) } : {}),
    ...(reply.embeds ? { embeds: fitEmbeds(reply.embeds) } : {}),
    ...(reply.components ? { components: reply.components.slice(0, DISCORD_LIMITS.rows) } : {}),
  };
}

/** Room kept free in a message's embeds when packing sections (titles and colours count too). */
const SECTION_SLACK = 100;
/** A section line longer than this is cut (an embed description holds 4096; a line should not fill it). */
const SECTION_LINE = 1000;
/** A section's embed description is continued in a new embed past this many characters. */
const SECTION_DESCRIPTION = 3800;

/** Packs lines into embed descriptions, and embeds into messages, within Discord's limits and in order. */
export function packSections(sections: { title: string; lines: string[] }[], color: number, t: Translator = EN): Reply[] {
  const messages: Reply[] = [];
  let embeds: NonNullable<Reply['embeds']> = [];
  let size = 0;
  const flushMessage = () => {
    if (embeds.length) messages.push({ embeds });
    embeds = [];
    size = 0;
  };
  for (const section of sections) {
    let part = 0;
    let description = '';
    const push = () => {
      const title = part === 0 ? section.title : t('render.continued', { title: section.title });
      const cost = title.length + description.length;
      if (size + cost > DISCORD_LIMITS.embedTotal - SECTION_SLACK || embeds.length >= DISCORD_LIMITS.embedsPerMessage) flushMessage();
      embeds.push({ title, description, color });
      size += cost;
      part += 1;
      description = '';
    };
    for (const line of section.lines) {
      const clipped = line.length > SECTION_LINE ? `${line.slice(0, SECTION_LINE - 1)}…` : line;
      if (description.length + clipped.length + 1 > SECTION_DESCRIPTION) push();
      description += (description ? '\n' : '') + clipped;
    }
    if (description) push();
  }
  flushMessage();
  return messages;
}
