/**
 * Turns ledger data into replies that always fit Discord's limits: member text is shortened
 * with an ellipsis (never rejected by Discord) and markdown in it is escaped.
 */
import { TimestampStyles, escapeMarkdown, time } from '@discordjs/formatters';
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
} from 'discord-api-types/v10';
import type { CardData, ClaimSummary } from '../ledger/claims.js';
import {
  FLAG_LABELS,
  OUTCOME_LABELS,
  VERDICTS,
  VERDICT_LABELS,
  phaseOf,
  type FlagReason,
  type Outcome,
  type Tally,
  type Verdict,
} from '../ledger/rules.js';
import type { GuildSettings } from '../ledger/settings.js';
import { HEDGE_BAND_INFO, isHedgeBand } from '../ledger/hedge.js';
import type { Reply } from './types.js';
import { historyLine, lockedEditText } from './audit-text.js';
import { listId, voteId, type ListState } from './custom-ids.js';

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
export function fitLines(lines: readonly string[], maxChars: number, more = (n: number) => `…and ${n} more`): string {
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

const URL_IN_TEXT = /https?:\/\/[^\s<>()"']+/g;

/** Links in a message's text, in order (trailing punctuation dropped). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:!?\]]+$/, ''));
}

/** Shortens to at most `max` UTF-16 units (as Discord counts), ending with an ellipsis when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** Member-typed text: markdown escaped, then shortened (escaping first, so the cut never splits an escape). */
export const safe = (text: string, max: number) => truncate(escapeMarkdown(text), max);

export const VERDICT_STYLES: Record<Verdict, ButtonStyle.Success | ButtonStyle.Primary | ButtonStyle.Danger | ButtonStyle.Secondary> = {
  came_true: ButtonStyle.Success,
  partly: ButtonStyle.Primary,
  did_not: ButtonStyle.Danger,
  too_early: ButtonStyle.Secondary,
};

export const COLORS = { open: 0x5865f2, due: 0xfee75c, resolved: 0x57f287, failed: 0xed4245, flagged: 0xeb459e, neutral: 0x99aab5 };

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

export function tallyLine(tally: Tally | null, votesCast: number): string {
  if (!tally) return `Hidden until voting closes (blind voting) · ${votesCast} vote${votesCast === 1 ? '' : 's'} so far`;
  return VERDICTS.map((v) => `${VERDICT_LABELS[v]} **${tally[v]}**`).join(' · ');
}

export function voteButtons(number: number, disabled = false): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: VERDICTS.map((verdict) => ({
      type: ComponentType.Button,
      style: VERDICT_STYLES[verdict],
      label: VERDICT_LABELS[verdict],
      custom_id: voteId(number, verdict),
      disabled,
    })),
  };
}

export function statusText(c: { status: 'open' | 'resolved'; outcome: Outcome | null; flag: string | null; dueAt: Date; votingClosesAt: Date }, now: Date): string {
  const phase = phaseOf(c, now);
  switch (phase) {
    case 'resolved':
      return `Resolved: **${OUTCOME_LABELS[c.outcome ?? 'void']}**`;
    case 'upcoming':
      return `Open: can be scored ${time(c.dueAt, TimestampStyles.RelativeTime)}`;
    case 'voting':
      return `Due: voting closes ${time(c.votingClosesAt, TimestampStyles.RelativeTime)}`;
    case 'closed':
      return c.flag ? `Needs a manager: ${FLAG_LABELS[c.flag as FlagReason] ?? c.flag}` : 'Voting closed; being decided';
  }
}

const colorFor = (c: Parameters<typeof statusText>[0], now: Date) => {
  const phase = phaseOf(c, now);
  if (phase === 'resolved') return c.outcome === 'did_not' ? COLORS.failed : c.outcome === 'void' ? COLORS.neutral : COLORS.resolved;
  if (phase === 'closed' && c.flag) return COLORS.flagged;
  return phase === 'upcoming' ? COLORS.open : COLORS.due;
};

/** The card for one claim, as /predict show and rounds post it, with vote buttons while it is due. */
export function claimCard(detail: CardData, now: Date, opts: { history?: boolean; personal?: boolean } = {}): Reply {
  const { claim: c } = detail;
  const fields: APIEmbedField[] = [];
  const speakerLine = [detail.speaker ? safe(detail.speaker, 200) : null, detail.article?.outlet ? safe(detail.article.outlet, 100) : null]
    .filter(Boolean)
    .join(', ');
  const lines: string[] = [];
  if (c.quote) lines.push(`> ${safe(c.quote, 1500).replace(/\n/g, '\n> ')}`);
  if (speakerLine) lines.push(`— ${speakerLine}${c.madeOn ? `, ${c.madeOn}` : ''}`);
  fields.push({ name: 'Check by', value: `${c.checkBy} (${time(c.dueAt, TimestampStyles.RelativeTime)})`, inline: true });
  fields.push({ name: 'Status', value: statusText(c, now), inline: true });
  if (c.family) fields.push({ name: 'Family', value: safe(c.family, 100), inline: true });
  if (c.checkByNote) fields.push({ name: 'Why this date', value: safe(c.checkByNote, 600) });
  if (isHedgeBand(c.hedge)) {
    const band = HEDGE_BAND_INFO[c.hedge];
    fields.push({ name: 'As sure as the wording', value: `${band.label} (${band.range[0]}–${band.range[1]}%)`, inline: true });
  }
  if (c.criteria) fields.push({ name: 'How it is scored', value: safe(c.criteria, DISCORD_LIMITS.fieldValue) });
  if (phaseOf(c, now) !== 'upcoming' || detail.votesCast > 0) {
    fields.push({
      name: `Votes${c.round > 1 ? ` (round ${c.round})` : ''}`,
      value: `${tallyLine(detail.tally, detail.votesCast)}\nQuorum ${detail.settings.quorum} · majority ${detail.settings.majorityPct}%`,
    });
  }
  if (opts.personal && (detail.myVote || (detail.myForecast ?? null) !== null)) {
    const mine = [detail.myVote ? `vote: ${VERDICT_LABELS[detail.myVote]}` : null, (detail.myForecast ?? null) !== null ? `forecast: ${detail.myForecast}%` : null]
      .filter(Boolean)
      .join(' · ');
    fields.push({ name: 'Yours', value: mine, inline: true });
  }
  if (detail.forecasters) fields.push({ name: 'Forecasters', value: String(detail.forecasters), inline: true });
  if (detail.article?.url) fields.push({ name: 'Source', value: truncate(detail.article.url, 500) });
  else if (detail.article?.title) fields.push({ name: 'Source', value: safe(detail.article.title, 300) });
  if (detail.article?.titleNote) fields.push({ name: 'About the title', value: safe(detail.article.titleNote, 600) });
  if (c.resolutionNote) fields.push({ name: 'Resolution note', value: safe(c.resolutionNote, 1000) });
  if (detail.lockedEdit) fields.push({ name: 'Edited', value: lockedEditText(detail.lockedEdit) });
  if (opts.history && detail.history?.length) {
    fields.push({ name: 'History', value: (detail.history ?? []).map(historyLine).join('\n') });
  }
  const embed: APIEmbed = {
    title: `#${c.number} · ${truncate(c.text, 240)}`,
    ...(lines.length ? { description: lines.join('\n') } : {}),
    color: colorFor(c, now),
    fields,
    footer: { text: phaseOf(c, now) === 'voting' || phaseOf(c, now) === 'closed' ? 'Score it with the buttons; you can change your vote.' : 'Hindsight' },
  };
  const votable = c.status === 'open' && c.dueAt <= now;
  return { embeds: [embed], ...(votable ? { components: [voteButtons(c.number)] } : {}) };
}

const LIST_TITLES: Record<ListState['status'], string> = {
  open: 'Open claims (check date not reached)',
  due: 'Due claims (waiting for a verdict)',
  resolved: 'Resolved claims',
  all: 'All claims',
};

function summaryLine(c: ClaimSummary, now: Date): string {
  const who = c.speaker ? ` — ${safe(c.speaker, 60)}` : '';
  const phase = phaseOf(c, now);
  const status =
    phase === 'resolved'
      ? OUTCOME_LABELS[c.outcome ?? 'void']
      : phase === 'upcoming'
        ? `check ${c.checkBy}`
        : c.flag
          ? 'needs a manager'
          : 'due';
  return `**#${c.number}** ${safe(c.text, 160)}${who} · *${status}*`;
}

export function listPage(
  result: { items: ClaimSummary[]; total: number; page: number; pages: number },
  state: ListState,
  now: Date,
): Reply {
  const filters = [state.family ? `family ${safe(state.family, 40)}` : null, state.speaker ? `speaker “${safe(state.speaker, 40)}”` : null]
    .filter(Boolean)
    .join(', ');
  const embed: APIEmbed = {
    title: LIST_TITLES[state.status],
    description: result.items.length
      ? result.items.map((c) => summaryLine(c, now)).join('\n')
      : 'No claims match. Add one with /predict add, or a manager can /predict import the article pack.',
    color: COLORS.open,
    footer: { text: `Page ${result.page} of ${result.pages} · ${result.total} claim${result.total === 1 ? '' : 's'}${filters ? ` · ${filters}` : ''} · /predict show claim:<number>` },
  };
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] =
    result.pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: '◀ Previous', custom_id: listId({ ...state, page: result.page - 1 }, 'p'), disabled: result.page <= 1 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Next ▶', custom_id: listId({ ...state, page: result.page + 1 }, 'n'), disabled: result.page >= result.pages },
            ],
          },
        ]
      : [];
  return { embeds: [embed], components };
}

export function settingsView(s: GuildSettings, title = 'Hindsight settings'): Reply {
  return {
    embeds: [
      {
        title,
        color: COLORS.neutral,
        fields: [
          { name: 'Quorum', value: `${s.quorum} votes`, inline: true },
          { name: 'Majority', value: `${s.majorityPct}%`, inline: true },
          { name: 'Voting window', value: `${s.votingWindowDays} days`, inline: true },
          { name: 'Blind voting', value: s.blindVoting ? 'on: tallies hidden until voting closes' : 'off', inline: true },
          { name: 'Time zone', value: s.timezone, inline: true },
          { name: 'Too-early step', value: `${s.tooEarlyStepDays} days`, inline: true },
          { name: 'Ranked after', value: `${s.minRanked} resolved forecasts`, inline: true },
          {
            name: 'Extract from articles',
            value: s.extractBy === 'members' ? 'members too (their forecasts wait for a manager)' : 'managers only',
            inline: true,
          },
        ],
      },
    ],
  };
}

export const errorReply = (message: string): Reply => ({ content: truncate(message, DISCORD_LIMITS.content), ephemeral: true });

/** Room kept free in a message's embeds when packing sections (titles and colours count too). */
const SECTION_SLACK = 100;
/** A section line longer than this is cut (an embed description holds 4096; a line should not fill it). */
const SECTION_LINE = 1000;
/** A section's embed description is continued in a new embed past this many characters. */
const SECTION_DESCRIPTION = 3800;

/** Packs lines into embed descriptions, and embeds into messages, within Discord's limits and in order. */
export function packSections(sections: { title: string; lines: string[] }[], color: number): Reply[] {
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
      const title = part === 0 ? section.title : `${section.title} (continued)`;
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
