/**
 * The views: ledger data turned into replies (claim cards, list pages, settings, errors). Member
 * text is escaped and shortened with an ellipsis; fitting a whole reply into Discord's limits is
 * ./limits.ts.
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
import type { CardData, ClaimSummary } from '../ledger/claim-queries.js';
import { FLAG_REASONS, VERDICTS, phaseOf, type FlagReason, type Outcome, type Tally, type Verdict } from '../ledger/rules.js';
import type { GuildSettings } from '../ledger/settings.js';
import { HEDGE_BAND_INFO, isHedgeBand } from '../ledger/hedge.js';
import type { Reply } from './types.js';
import { EN, languageName, type Translator } from '../i18n/index.js';
import { historyLine, lockedEditText } from './audit-text.js';
import { evidenceIds, FORECAST_CHOICES, forecastIds, listIds, voteIds, type ListState } from './custom-ids.js';
import { DISCORD_LIMITS, fitLines, truncate } from './limits.js';
import { type EvidenceItem, type EvidenceSummary } from '../ledger/evidence.js';

// The limit fitting moved to ./limits.ts; re-exported so importers of the views keep one module.
export { DISCORD_LIMITS, MODAL_LIMITS, fitEmbeds, fitLines, fitReply, mergeMessages, packSections, truncate } from './limits.js';

const URL_IN_TEXT = /https?:\/\/[^\s<>()"']+/g;

/** Links in a message's text, in order (trailing punctuation dropped). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:!?\]]+$/, ''));
}

/**
 * Markdown that Discord renders from plain text and `escapeMarkdown` leaves alone (or only partly
 * escapes), undone after it: every `[` and `]` (its maskedLink option escapes one masked link a
 * line, so `[a](x) [b](y)` kept the second), and at the start of a line headings (`#`–`###`, also
 * after a list marker or up to three spaces), subtext (`-#`) and block quotes (`>`, `>>>`).
 */
function escapeLineStarts(text: string): string {
  return text
    .replace(/[[\]]/g, (c) => `\\${c}`)
    .replace(/^([ \t]*(?:[-*+][ \t]+)?)(#{1,3}[ \t])/gm, '$1\\$2')
    .replace(/^([ \t]*)(-#[ \t])/gm, '$1\\$2')
    .replace(/^([ \t]*)>/gm, '$1\\>');
}

/**
 * Member-typed text as it may appear in anything the bot posts: no markdown of the member's
 * renders — emphasis, code, spoilers, masked links `[text](url)`, headings, subtext, block
 * quotes, bulleted and numbered lists. Escaped, then shortened (escaping first, so the cut
 * never splits an escape).
 */
export const safe = (text: string, max: number) =>
  truncate(escapeLineStarts(escapeMarkdown(text, { bulletedList: true, numberedList: true, heading: false, maskedLink: false })), max);

/** A link as shown in a card: the URL itself (Discord links it), with the characters that could make a masked link of it (`[`, `]`, `(`, `)`, `<`, `>`, backticks, spaces) percent-encoded. */
export const linkText = (url: string, max: number) => truncate(url.replace(/[[\]()<>`\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`), max);

export const VERDICT_STYLES: Record<Verdict, ButtonStyle.Success | ButtonStyle.Primary | ButtonStyle.Danger | ButtonStyle.Secondary> = {
  came_true: ButtonStyle.Success,
  partly: ButtonStyle.Primary,
  did_not: ButtonStyle.Danger,
  too_early: ButtonStyle.Secondary,
};

export const COLORS = { open: 0x5865f2, due: 0xfee75c, resolved: 0x57f287, failed: 0xed4245, flagged: 0xeb459e, neutral: 0x99aab5 };

export function tallyLine(tally: Tally | null, votesCast: number, t: Translator = EN): string {
  if (!tally) return t('vote.hiddenTally', { count: votesCast });
  return VERDICTS.map((v) => `${t(`verdicts.${v}`)} **${tally[v]}**`).join(' · ');
}

/** The verdict buttons under a card, labelled in `t`'s language (the server's, for a public card). */
export function voteButtons(number: number, disabled = false, t: Translator = EN): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: VERDICTS.map((verdict) => ({
      type: ComponentType.Button,
      style: VERDICT_STYLES[verdict],
      label: t(`verdicts.${verdict}`),
      custom_id: voteIds.encode(number, verdict),
      disabled,
    })),
  };
}

/** Why a claim needs a manager (a flag), in `t`'s language; an unknown flag as stored. */
export const flagText = (flag: string, t: Translator = EN) => ((FLAG_REASONS as readonly string[]).includes(flag) ? t(`flags.${flag as FlagReason}`) : flag);

export function statusText(
  c: { status: 'open' | 'resolved' | 'waiting'; outcome: Outcome | null; flag: string | null; dueAt: Date; votingClosesAt: Date; conditionNumber?: number | null },
  now: Date,
  t: Translator = EN,
): string {
  const phase = phaseOf(c, now);
  switch (phase) {
    case 'waiting':
      return c.conditionNumber ? t('card.status.waitingOn', { number: c.conditionNumber }) : t('card.status.waiting');
    case 'resolved':
      return t('card.status.resolved', { outcome: t(`outcomes.${c.outcome ?? 'void'}`) });
    case 'upcoming':
      return t('card.status.upcoming', { when: time(c.dueAt, TimestampStyles.RelativeTime) });
    case 'voting':
      return t('card.status.voting', { when: time(c.votingClosesAt, TimestampStyles.RelativeTime) });
    case 'closed':
      return c.flag ? t('card.status.flagged', { reason: flagText(c.flag, t) }) : t('card.status.closed');
  }
}

const colorFor = (c: Parameters<typeof statusText>[0], now: Date) => {
  const phase = phaseOf(c, now);
  if (phase === 'resolved') return c.outcome === 'did_not' ? COLORS.failed : c.outcome === 'void' ? COLORS.neutral : COLORS.resolved;
  if (phase === 'closed' && c.flag) return COLORS.flagged;
  return phase === 'upcoming' || phase === 'waiting' ? COLORS.open : COLORS.due;
};

/** A claim's condition and its state: "#4 Trump is inaugurated · came true". */
function conditionLine(k: NonNullable<CardData['condition']>, t: Translator): string {
  const state =
    k.status === 'resolved'
      ? k.outcome === 'came_true'
        ? t('card.conditionState.cameTrue')
        : t('card.conditionState.didNot', { outcome: t(`outcomes.${k.outcome ?? 'void'}`) })
      : k.status === 'waiting'
        ? t('card.conditionState.waiting')
        : t('card.conditionState.open');
  return t('card.condition', { number: k.number, text: safe(k.text, 300), state });
}

/** The card for one claim, as /predict show and rounds post it, with vote buttons while it is due. */
export function claimCard(detail: CardData, now: Date, opts: { history?: boolean; personal?: boolean } = {}, t: Translator = EN): Reply {
  const { claim: c } = detail;
  const fields: APIEmbedField[] = [];
  const speakerLine = [detail.speaker ? safe(detail.speaker, 200) : null, detail.article?.outlet ? safe(detail.article.outlet, 100) : null]
    .filter(Boolean)
    .join(', ');
  const lines: string[] = [];
  if (c.quote) lines.push(`> ${safe(c.quote, 1500).replace(/\n/g, '\n> ')}`);
  if (speakerLine) lines.push(`— ${speakerLine}${c.madeOn ? `, ${c.madeOn}` : ''}`);
  const undated = c.status === 'waiting' && c.conditionDays != null;
  const checkBy = undated
    ? t('card.checkByUndated', { count: c.conditionDays!, number: detail.condition?.number ?? '?' })
    : `${c.checkBy} (${time(c.dueAt, TimestampStyles.RelativeTime)})`;
  fields.push({ name: t('card.field.checkBy'), value: checkBy, inline: true });
  fields.push({ name: t('card.field.status'), value: statusText({ ...c, conditionNumber: detail.condition?.number ?? null }, now, t), inline: true });
  if (detail.condition) fields.push({ name: t('card.field.condition'), value: conditionLine(detail.condition, t) });
  if (c.family) fields.push({ name: t('card.field.family'), value: safe(c.family, 100), inline: true });
  if (c.checkByNote) fields.push({ name: t('card.field.whyThisDate'), value: safe(c.checkByNote, 600) });
  if (isHedgeBand(c.hedge)) {
    const band = HEDGE_BAND_INFO[c.hedge];
    fields.push({ name: t('card.field.hedge'), value: t('card.band', { band: t(`bands.${c.hedge}`), low: band.range[0], high: band.range[1] }), inline: true });
  }
  if (c.criteria) fields.push({ name: t('card.field.criteria'), value: safe(c.criteria, DISCORD_LIMITS.fieldValue) });
  if ((phaseOf(c, now) !== 'upcoming' && phaseOf(c, now) !== 'waiting') || detail.votesCast > 0) {
    fields.push({
      name: c.round > 1 ? t('card.field.votesRound', { round: c.round }) : t('card.field.votes'),
      value: `${tallyLine(detail.tally, detail.votesCast, t)}\n${t('card.voteRules', { quorum: detail.settings.quorum, majority: detail.settings.majorityPct })}`,
    });
  }
  if (opts.personal && (detail.myVote || (detail.myForecast ?? null) !== null)) {
    const mine = [
      detail.myVote ? t('card.myVote', { verdict: t(`verdicts.${detail.myVote}`) }) : null,
      (detail.myForecast ?? null) !== null ? t('card.myForecast', { probability: t.number(detail.myForecast!) }) : null,
    ]
      .filter(Boolean)
      .join(' · ');
    fields.push({ name: t('card.field.yours'), value: mine, inline: true });
  }
  if (detail.forecasters) fields.push({ name: t('card.field.forecasters'), value: t.number(detail.forecasters), inline: true });
  if (detail.crowd?.count && detail.crowd.median !== null)
    fields.push({ name: t('card.field.crowd'), value: t('card.crowd', { median: t.number(detail.crowd.median), count: detail.crowd.count }), inline: true });
  if (detail.article?.url) fields.push({ name: t('card.field.source'), value: linkText(detail.article.url, 500) });
  else if (detail.article?.title) fields.push({ name: t('card.field.source'), value: safe(detail.article.title, 300) });
  if (detail.article?.titleNote) fields.push({ name: t('card.field.titleNote'), value: safe(detail.article.titleNote, 600) });
  if (c.resolutionNote) fields.push({ name: t('card.field.resolutionNote'), value: safe(c.resolutionNote, 1000) });
  const evidence = evidenceField(detail.evidence, detail.tally !== null, t);
  if (evidence) fields.push(evidence);
  if (detail.lockedEdit) fields.push({ name: t('card.field.edited'), value: lockedEditText(detail.lockedEdit, t) });
  if (opts.history && detail.history?.length) {
    fields.push({ name: t('card.field.history'), value: (detail.history ?? []).map((h) => historyLine(h, t)).join('\n') });
  }
  const embed: APIEmbed = {
    title: `#${c.number} · ${truncate(c.text, 240)}`,
    ...(lines.length ? { description: lines.join('\n') } : {}),
    color: colorFor(c, now),
    fields,
    footer: { text: phaseOf(c, now) === 'voting' || phaseOf(c, now) === 'closed' ? t('card.footerVote') : 'Hindsight' },
  };
  const votable = c.status === 'open' && c.dueAt <= now;
  const forecastable = c.status === 'open' && c.dueAt > now;
  return { embeds: [embed], ...(votable ? { components: [voteButtons(c.number, false, t), evidenceButtons(c.number, t)] } : forecastable ? { components: forecastButtons(c.number, t) } : {}) };
}

/** Lines a round's card takes at most: its title and description (src/jobs/rounds.ts posts up to 25 of them). */
export const COMPACT_CARD_LINES = 8;

/**
 * Member text on one line of a card: whitespace (line breaks too) folded, mentions shown as text
 * (a zero-width space after `<@`, `<@&`, `<#` and before `everyone`/`here`: an embed never pings,
 * but would show them as mentions), escaped, shortened.
 */
const oneLine = (text: string, max: number) =>
  safe(
    text
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/<(@[!&]?|#)(?=\d)/g, '<$1\u200b')
      .replace(/@(everyone|here)/g, '@\u200b$1'),
    max,
  );

/**
 * The check date as a Discord timestamp showing that calendar day: noon UTC of it, which every
 * reader's zone from UTC−11 to UTC+11 shows as the same date (the claim's `dueAt` is the start of
 * the next day in the server's zone, which many readers would see as the day after).
 */
const checkDate = (checkBy: string) => time(new Date(`${checkBy}T12:00:00Z`), TimestampStyles.LongDate);

function compactCheckLine(detail: CardData, now: Date, t: Translator): string {
  const { claim: c } = detail;
  const phase = phaseOf(c, now);
  const condition = detail.condition?.number ?? '?';
  if (c.status === 'waiting' && c.conditionDays != null) return t('compactCard.checkUndated', { count: c.conditionDays, number: condition });
  const status =
    phase === 'voting'
      ? t('compactCard.status.voting', { when: time(c.votingClosesAt, TimestampStyles.RelativeTime) })
      : phase === 'upcoming'
        ? t('compactCard.status.upcoming', { when: time(c.dueAt, TimestampStyles.RelativeTime) })
        : phase === 'waiting'
          ? t('compactCard.status.waiting', { number: condition })
          : phase === 'resolved'
            ? t('compactCard.status.resolved', { outcome: t(`outcomes.${c.outcome ?? 'void'}`) })
            : c.flag
              ? t('compactCard.status.flagged')
              : t('compactCard.status.closed');
  return t('compactCard.check', { date: checkDate(c.checkBy), status });
}

/**
 * A claim's card re-rendered in the message it is on: the embeds around it kept, and compact again
 * when it was a round's compact card (the frame says which: src/components/vote.ts cardFrame). The
 * card flusher and the console's edit in place both render with it.
 */
export function cardInFrame(detail: CardData, now: Date, frame: { before?: readonly APIEmbed[]; after?: readonly APIEmbed[]; compact?: boolean } | null, t: Translator = EN): Reply {
  const rendered = frame?.compact ? compactCard(detail, now, t) : claimCard(detail, now, {}, t);
  return { embeds: [...(frame?.before ?? []), ...(rendered.embeds ?? []), ...(frame?.after ?? [])], components: rendered.components ?? [] };
}

/**
 * A claim's card as a scoring round posts it: what it takes to score the claim and nothing more,
 * in at most COMPACT_CARD_LINES lines — number and restatement, speaker (as the article names
 * them) and outlet, check date, what counts as "came true", votes and forecasts (the crowd's only
 * where `detail.crowd` carries it: after the check date), the evidence count, and the same buttons as
 * the full card (votes and Add evidence). The quote, notes, source, history and the evidence items are
 * on /predict show (the round says so once).
 * All in the title and description, no fields: that is how a card received back from Discord is
 * known to be compact (`isCompactCard`), so the card flusher keeps it compact after a vote.
 */
export function compactCard(detail: CardData, now: Date, t: Translator = EN): Reply {
  const { claim: c } = detail;
  const phase = phaseOf(c, now);
  const lines: string[] = [];
  const who = [detail.speaker ? oneLine(detail.speaker, 120) : null, detail.article?.outlet ? oneLine(detail.article.outlet, 80) : null].filter(Boolean).join(', ');
  if (who) lines.push(`— ${who}`);
  lines.push(compactCheckLine(detail, now, t));
  lines.push(c.criteria ? t('compactCard.cameTrueIf', { criteria: oneLine(c.criteria, 200) }) : t('compactCard.cameTrueAsStated'));
  if (detail.condition) {
    const k = detail.condition;
    const state = k.status === 'resolved' ? t(k.outcome === 'came_true' ? 'compactCard.conditionCameTrue' : 'compactCard.conditionDidNot') : t('compactCard.conditionOpen');
    lines.push(t('compactCard.condition', { number: k.number, state }));
  }
  if ((phase !== 'upcoming' && phase !== 'waiting') || detail.votesCast > 0) {
    const tally = tallyLine(detail.tally, detail.votesCast, t);
    const rules = { quorum: detail.settings.quorum, majority: detail.settings.majorityPct };
    lines.push(c.round > 1 ? t('compactCard.votesRound', { round: c.round, tally, ...rules }) : t('compactCard.votes', { tally, ...rules }));
  }
  const crowd = detail.crowd?.count && detail.crowd.median !== null ? t('compactCard.crowd', { median: t.number(detail.crowd.median), count: detail.crowd.count }) : null;
  const evidence = detail.evidence?.total ? t('compactCard.evidence', { count: detail.evidence.total }) : null;
  if (detail.forecasters || crowd || evidence) lines.push([detail.forecasters ? t('compactCard.forecasters', { count: detail.forecasters }) : null, crowd, evidence].filter(Boolean).join(' · '));
  const embed: APIEmbed = { title: `#${c.number} · ${oneLine(c.text, 240)}`, description: lines.join('\n'), color: colorFor(c, now) };
  const votable = c.status === 'open' && c.dueAt <= now;
  const forecastable = c.status === 'open' && c.dueAt > now;
  return { embeds: [embed], ...(votable ? { components: [voteButtons(c.number, false, t), evidenceButtons(c.number, t)] } : forecastable ? { components: forecastButtons(c.number, t) } : {}) };
}

/** A claim card received back from Discord is a round's compact one (`compactCard`): it has no fields, the full card always has some. */
export const isCompactCard = (embed: Pick<APIEmbed, 'fields'>) => !embed.fields?.length;

/** The forecast row of a card before its check date: a few probabilities and "Other…" (a form for any 1–99%). */
export function forecastButtons(number: number, t: Translator = EN): APIActionRowComponent<APIButtonComponent>[] {
  // At most five buttons a row: the probabilities, then "Other…" on its own row.
  return [
    {
      type: ComponentType.ActionRow,
      components: FORECAST_CHOICES.map((p) => ({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: `${p}%`, custom_id: forecastIds.encode(number, p) })),
    },
    { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: t('card.forecastOther'), custom_id: forecastIds.encode(number, 'other') }] },
  ];
}

function summaryLine(c: ClaimSummary, now: Date, t: Translator): string {
  const who = c.speaker ? ` — ${safe(c.speaker, 60)}` : '';
  const phase = phaseOf(c, now);
  const status =
    phase === 'resolved'
      ? t(`outcomes.${c.outcome ?? 'void'}`)
      : phase === 'waiting'
        ? t('render.list.waitingOn', { number: c.conditionNumber ?? '?' })
        : phase === 'upcoming'
          ? t('render.list.check', { date: c.checkBy })
          : c.flag
            ? t('render.list.flagged')
            : t('render.list.due');
  return `**#${c.number}** ${safe(c.text, 160)}${who} · *${status}*`;
}

export function listPage(
  result: { items: ClaimSummary[]; total: number; page: number; pages: number },
  state: ListState,
  now: Date,
  t: Translator = EN,
): Reply {
  const filters = [
    state.family ? t('render.list.filterFamily', { family: safe(state.family, 40) }) : null,
    state.speaker ? t('render.list.filterSpeaker', { speaker: safe(state.speaker, 40) }) : null,
    state.query ? t('render.list.filterQuery', { query: safe(state.query, 40) }) : null,
  ]
    .filter(Boolean)
    .join(', ');
  const footer = [
    t('render.list.page', { page: t.number(result.page), pages: t.number(result.pages) }),
    t('render.list.claims', { count: result.total, shown: t.number(result.total) }),
    ...(filters ? [filters] : []),
    t('render.list.showHint'),
  ].join(' · ');
  const embed: APIEmbed = {
    title: t(`render.list.title.${state.status}`),
    description: result.items.length ? result.items.map((c) => summaryLine(c, now, t)).join('\n') : t('render.list.empty'),
    color: COLORS.open,
    footer: { text: footer },
  };
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] =
    result.pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: `◀ ${t('render.previous')}`, custom_id: listIds.encode({ ...state, page: result.page - 1 }, 'p'), disabled: result.page <= 1 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: `${t('render.next')} ▶`, custom_id: listIds.encode({ ...state, page: result.page + 1 }, 'n'), disabled: result.page >= result.pages },
            ],
          },
        ]
      : [];
  return { embeds: [embed], components };
}

export function settingsView(s: GuildSettings, title: string | null = null, t: Translator = EN): Reply {
  return {
    embeds: [
      {
        title: title ?? t('render.settings.title'),
        color: COLORS.neutral,
        fields: [
          { name: t('render.settings.quorum'), value: t('render.settings.votes', { count: s.quorum }), inline: true },
          { name: t('render.settings.majority'), value: `${s.majorityPct}%`, inline: true },
          { name: t('render.settings.votingWindow'), value: t('render.settings.days', { count: s.votingWindowDays }), inline: true },
          { name: t('render.settings.blindVoting'), value: s.blindVoting ? t('render.settings.blindOn') : t('render.settings.blindOff'), inline: true },
          { name: t('render.settings.timezone'), value: s.timezone, inline: true },
          { name: t('render.settings.tooEarlyStep'), value: t('render.settings.days', { count: s.tooEarlyStepDays }), inline: true },
          { name: t('render.settings.rankedAfter'), value: t('render.settings.resolvedForecasts', { count: s.minRanked }), inline: true },
          {
            name: t('render.settings.extractBy'),
            value: s.extractBy === 'members' ? t('render.settings.extractByMembers') : t('render.settings.extractByManagers'),
            inline: true,
          },
          { name: t('settings.language'), value: s.language ? languageName(s.language) : t('settings.languageAuto'), inline: true },
        ],
      },
    ],
  };
}

export const errorReply = (message: string): Reply => ({ content: truncate(message, DISCORD_LIMITS.content), ephemeral: true });

// ---- evidence on a card (the paged list and the form: ./evidence-view.ts) ----

/** One item on one line: `[number] came true · @member · <url> — note · date` (its number on the claim, where listed for removal). */
export function evidenceLine(item: EvidenceItem, opts: { id?: boolean; blind?: boolean } = {}, t: Translator = EN): string {
  // Blind voting: neither the side nor who added it (an item from /vote would tell the vote).
  const parts = [
    opts.id && item.number !== undefined ? `\`${item.number}\`` : null,
    opts.blind ? null : `**${t(`sides.${item.side}`)}**`,
    opts.blind ? null : `<@${item.userId}>`,
    item.url ? linkText(item.url, 600) : null,
  ].filter(Boolean);
  const note = item.note ? ` — ${safe(item.note.replace(/\s*\n\s*/g, ' '), 300)}` : '';
  return `${parts.join(' · ')}${note} · ${time(item.createdAt, TimestampStyles.ShortDate)}`;
}

export const sideCounts = (s: EvidenceSummary, t: Translator = EN) =>
  t('card.evidence.sideCounts', { cameTrue: t.number(s.bySide.came_true), didNot: t.number(s.bySide.did_not), contextCount: t.number(s.bySide.context) });

/** The card's Evidence field (null when there is none): the count, by side unless hidden (blind voting), the latest few. */
export function evidenceField(summary: EvidenceSummary | undefined, sidesVisible: boolean, t: Translator = EN): APIEmbedField | null {
  if (!summary || summary.total === 0) return null;
  const head = sidesVisible ? sideCounts(summary, t) : t('card.evidence.sidesHidden');
  const more = summary.total > summary.latest.length ? `\n${t('card.evidence.more', { count: summary.total - summary.latest.length })}` : '';
  return {
    name: t('card.evidence.name', { count: summary.total }),
    value: fitLines([head, ...summary.latest.map((i) => evidenceLine(i, { blind: !sidesVisible }, t))], DISCORD_LIMITS.fieldValue - more.length, moreLines(t)) + more,
  };
}

/** "…and N more" under a shortened list, in `t`'s language. */
export const moreLines = (t: Translator) => (n: number) => t('render.more', { count: n, shown: t.number(n) });

/** The row under a card: Add evidence. */
export function evidenceButtons(number: number, t: Translator = EN): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('card.addEvidence'), custom_id: evidenceIds.encode('a', number) }],
  };
}
