import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import { leaderboard, memberRecord, outcomesOverTime, outletRecords, speakerChoiceKey, speakerRecords, suggestSpeakers, type MemberRecord } from '../src/ledger/leaderboard.js';
import { SMALL_SAMPLE, type ClaimScore, type NamedTrackRecord, type RankedMember } from '../src/ledger/scoring.js';
import { formatPct, formatScore, formatSigned, rankLabel } from '../src/kit/score-text.js';
import { fitLines } from '../src/kit/render.js';
import { LIMITS } from '../src/ledger/limits.js';
import { hedgeCalibrationOf, outletChoiceKey, searchOutletEntries, type HedgeScore } from '../src/ledger/hedge-scores.js';
import { OUTCOME_LABELS } from '../src/ledger/rules.js';
import type { TrackRecord } from '../src/ledger/scoring.js';
import { COLORS, DISCORD_LIMITS, safe, truncate } from '../src/kit/render.js';
import { bySubcommand, UserError, type AppCtx, type AutocompleteCall, type Choice, type CommandCall, type Reply } from '../src/kit/types.js';
import { guildScope } from '../src/ledger/context.js';
import type { Jobs } from '../src/work/index.js';
import { chatInputCommand, type SubcommandArguments } from '../src/kit/options.js';
import { familyChoices } from '../src/kit/shared-options.js';

/** Entries shown in a list before the rest is summed up. */
const TOP = 20;

const { Subcommand, String: Text, User } = ApplicationCommandOptionType;

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'scores',
  description: 'Who calls it right: leaderboards, track records and charts',
  contexts: [InteractionContextType.Guild],
  options: [
    { type: Subcommand, name: 'members', description: 'Leaderboard of members by Brier score on resolved claims (lower is better)', options: [] },
    { type: Subcommand, name: 'speakers', description: 'Track records of the speakers: how often their claims came true', options: [] },
    { type: Subcommand, name: 'outlets', description: 'Track records of the outlets: how often the claims they reported came true', options: [] },
    {
      type: Subcommand,
      name: 'me',
      description: 'A member’s record: scores, best and worst calls, calibration chart',
      options: [{ type: User, name: 'member', description: 'Someone else’s record (default: yours)', required: false }],
    },
    {
      type: Subcommand,
      name: 'chart',
      description: 'A chart: outcomes over time (speaker or family), or calibration of a speaker’s or outlet’s wording',
      options: [
        { type: Text, name: 'speaker', description: 'A speaker', required: false, max_length: LIMITS.speaker, autocomplete: true },
        { type: Text, name: 'family', description: 'A family, e.g. diplomacy', required: false, max_length: LIMITS.family, autocomplete: true },
        { type: Text, name: 'outlet', description: 'An outlet (calibration chart)', required: false, max_length: LIMITS.outlet, autocomplete: true },
        {
          type: Text,
          name: 'kind',
          description: 'outcomes over time (default) or calibration of the hedge bands',
          required: false,
          choices: [
            { name: 'Outcomes over time', value: 'outcomes' },
            { name: 'Calibration (hedge bands)', value: 'calibration' },
          ],
        },
      ],
    },
  ],
});

type Scores = typeof definition;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const SCORE_HELP =
  'Brier score: (forecast − outcome)², came true = 1, partly = ½, did not = 0; 0 is perfect, 0.25 is what always saying 50% earns. ' +
  'vs crowd: your Brier minus the median forecaster’s on the same claims; negative beats the crowd.';

function memberLine(m: RankedMember): string {
  return `\`${rankLabel(m).padStart(3)}\` <@${m.userId}> · **${formatScore(m.brier)}** · vs crowd ${formatSigned(m.relative)} · ${plural(m.claims, 'claim')}`;
}

async function members(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const board = await leaderboard(guildScope(ctx.db, call.guildId));
  const min = board.minRanked;
  const lines = board.ranked.slice(0, TOP).map(memberLine);
  const mine = board.ranked.findIndex((m) => m.userId === call.member.id);
  if (mine >= TOP) lines.push('…', memberLine(board.ranked[mine]!));
  const fields: APIEmbedField[] = [];
  if (board.unranked.length) {
    fields.push({
      name: `Not yet ranked (scored claims/${min})`,
      value: fitLines(
        board.unranked.map((m) => `<@${m.userId}> ${m.claims}/${min}`),
        DISCORD_LIMITS.fieldValue,
      ),
    });
  }
  const empty = !board.ranked.length && !board.unranked.length;
  const description = empty
    ? 'No scores yet. Put your probability on open claims with /forecast; you are scored once they resolve.'
    : lines.length
      ? fitLines(lines, DISCORD_LIMITS.embedDescription)
      : `Nobody has ${plural(min, 'scored claim')} yet.`;
  await call.reply({
    embeds: [
      {
        title: 'Leaderboard: mean Brier score (lower is better)',
        description,
        color: COLORS.resolved,
        fields,
        footer: {
          text: `${board.ranked.length > TOP ? `Top ${TOP} of ${board.ranked.length} ranked. ` : ''}Ranked after ${plural(min, 'scored claim')} (server setting). ${SCORE_HELP}`,
        },
      },
    ],
  });
}

/**
 * "12 claims: 5 came true, 2 partly, 3 did not, 2 open · 60% came true ⚠ fewer than 5 judged".
 * `caution`: the words (one record), a bare ⚠ (a list whose footer explains it), or nothing.
 */
function recordSummary(r: TrackRecord, caution: 'words' | 'mark' | 'none' = 'words'): string {
  const parts = [`${r.cameTrue} came true`, `${r.partly} partly`, `${r.didNot} did not`];
  if (r.void) parts.push(`${r.void} void`);
  if (r.open) parts.push(`${r.open} open`);
  const share = r.shareTrue === null ? 'none judged yet' : `**${formatPct(r.shareTrue)}** came true`;
  const small = r.judged < SMALL_SAMPLE && caution !== 'none';
  const warn = small ? (caution === 'words' ? ` · ⚠ fewer than ${SMALL_SAMPLE} judged` : ' ⚠') : '';
  return `${plural(r.made, 'claim')}: ${parts.join(', ')} · ${share}${warn}`;
}

/** "Brier 0.180 on 4 banded" (the hedge bands' implied probabilities), or nothing. */
const hedgeSummary = (h: HedgeScore) => (h.brier === null ? '' : ` · Brier **${formatScore(h.brier)}** on ${h.banded} banded`);

function trackRecordsReply(records: readonly NamedTrackRecord[], what: { title: string; noun: string; empty: string }): Reply {
  const top = records.slice(0, TOP);
  // Small samples are said once: for the whole list when every record shown is one, else a ⚠ per row explained below.
  const allSmall = top.length > 0 && top.every((r) => r.judged < SMALL_SAMPLE);
  const lines = top.map((r) => `**${safe(r.name, 80)}** · ${recordSummary(r, allSmall ? 'none' : 'mark')}${hedgeSummary(r)}${conditionalSummary(r)}`);
  if (allSmall) lines.unshift(`⚠ ${top.length === 1 ? 'This record has' : `Each of these ${top.length} records has`} fewer than ${SMALL_SAMPLE} judged claims: too few to tell yet.`, '');
  const shown = records.length > TOP ? `Top ${TOP} of ${records.length} ${what.noun} by judged claims. ` : '';
  const mark = !allSmall && top.some((r) => r.judged < SMALL_SAMPLE) ? `⚠ marks fewer than ${SMALL_SAMPLE} judged: too few to tell. ` : '';
  return {
    embeds: [
      {
        title: what.title,
        description: lines.length ? fitLines(lines, DISCORD_LIMITS.embedDescription) : what.empty,
        color: COLORS.open,
        footer: {
          text: `${shown}Share that came true: among judged claims (came true, partly, did not), partly counting half. ${mark}${HEDGE_HELP}`,
        },
      },
    ],
  };
}

/** How many of the claims were conditional and how many of those conditions held (only those count). */
const conditionalSummary = (r: NamedTrackRecord) =>
  r.conditional ? ` · ${r.conditional} conditional, ${r.conditionsHeld} of ${r.conditional === 1 ? 'its condition' : 'their conditions'} held` : '';

async function speakersCmd(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const records = await speakerRecords(guildScope(ctx.db, call.guildId));
  await call.reply(trackRecordsReply(records, { title: 'Speakers’ track records', noun: 'speakers', empty: 'No claims name a speaker yet.' }));
}

async function outletsCmd(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const records = await outletRecords(guildScope(ctx.db, call.guildId));
  await call.reply(trackRecordsReply(records, { title: 'Outlets’ track records', noun: 'outlets', empty: 'No claims come from an article with a known outlet yet.' }));
}

function callLine(s: ClaimScore): string {
  return `**#${s.number}** ${safe(s.text, 100)} — ${formatPct(s.probability / 100)} · ${OUTCOME_LABELS[s.outcome]} (Brier ${formatScore(s.brier)})`;
}

/** A chart drawn on the worker pool, as PNG bytes. */
async function chartPng<K extends 'chart.calibration' | 'chart.outcomes'>(call: CommandCall, ctx: AppCtx, kind: K, input: Parameters<Jobs[K]>[0]): Promise<Buffer> {
  const png = await ctx.work.run(call.guildId, kind, input);
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
}

/** The member's headline numbers, shown as embed fields and beside the chart. */
function facts(rec: MemberRecord & { score: NonNullable<MemberRecord['score']> }): [string, string][] {
  const standing = rec.rank
    ? `${rankLabel(rec.rank)} of ${rec.rankedMembers}`
    : `not yet ranked (${rec.score.claims}/${rec.minRanked})`;
  return [
    ['Claims forecast', String(rec.forecastClaims)],
    ['Scored', String(rec.score.claims)],
    ['Mean Brier', formatScore(rec.score.brier)],
    ['vs crowd', formatSigned(rec.score.relative)],
    ['Rank', standing],
  ];
}

async function me(call: CommandCall, options: SubcommandArguments<Scores, 'me'>, ctx: AppCtx) {
  const user = options.member ?? { id: call.member.id, displayName: call.member.displayName };
  await call.defer();
  const rec = await memberRecord(guildScope(ctx.db, call.guildId), user.id);
  const title = `Record of ${safe(user.displayName, 200)}`;
  const { score } = rec;
  if (!score) {
    await call.reply({
      embeds: [
        {
          title,
          description: `<@${user.id}> has no scored forecasts yet (${plural(rec.forecastClaims, 'claim')} forecast). A forecast is scored once its claim resolves.`,
          color: COLORS.neutral,
        },
      ],
    });
    return;
  }
  const headline = facts({ ...rec, score });
  const calls = (name: string, list: ClaimScore[]) =>
    list.length ? [{ name, value: fitLines(list.map(callLine), DISCORD_LIMITS.fieldValue) }] : [];
  // Drawn on the worker pool (Skia is loaded there on the first chart).
  const png = await chartPng(call, ctx, 'chart.calibration', {
    title: `Calibration: ${user.displayName}`,
    subtitle: `${plural(score.claims, 'scored forecast')}; a well-calibrated forecaster’s dots sit on the diagonal`,
    bins: rec.calibration,
    notes: headline.map(([k, v]) => `${k}: ${v}`),
  });
  const embed: APIEmbed = {
    title,
    description: `<@${user.id}>`,
    color: COLORS.resolved,
    fields: [
      ...headline.map(([name, value]) => ({ name, value, inline: true })),
      ...calls('Best calls', rec.best),
      ...calls('Worst calls', rec.worst),
    ],
    image: { url: 'attachment://calibration.png' },
    footer: { text: SCORE_HELP },
  };
  await call.reply({ embeds: [embed], files: [{ name: 'calibration.png', data: png, description: 'Calibration chart' }] });
}

const HEDGE_HELP =
  'Brier on banded claims: how sure the wording sounded (its ICD-203 band’s midpoint, e.g. “likely” 67.5%) against the outcome, (p − o)²; void and unbanded claims are left out; lower is better.';

async function calibrationChart(call: CommandCall, ctx: AppCtx, of: { speaker: string } | { outlet: string }) {
  await call.defer();
  const data = await hedgeCalibrationOf(guildScope(ctx.db, call.guildId), of);
  const title = `Calibration of ${data.kind === 'speaker' ? '' : 'the outlet '}${data.subject}`;
  const png = await chartPng(call, ctx, 'chart.calibration', {
    title,
    subtitle: `${plural(data.score.banded, 'resolved claim')} with a hedge band; dots on the diagonal: the wording matched what happened`,
    bins: data.bins,
    notes: [
      `Claims: ${data.record.made}`,
      `Scored (banded): ${data.score.banded}`,
      `Brier: ${data.score.brier === null ? '–' : formatScore(data.score.brier)}`,
      `Came true: ${data.record.shareTrue === null ? '–' : formatPct(data.record.shareTrue)}`,
    ],
  });
  await call.reply({
    embeds: [
      {
        title: safe(title, DISCORD_LIMITS.embedTitle),
        description: `${recordSummary(data.record)}${hedgeSummary(data.score)}${data.score.banded ? '' : '\nNo resolved claim has a hedge band yet, so the chart is empty.'}`,
        color: COLORS.open,
        image: { url: 'attachment://calibration.png' },
        footer: { text: HEDGE_HELP },
      },
    ],
    files: [{ name: 'calibration.png', data: png, description: 'Calibration of the hedge bands' }],
  });
}

async function chart(call: CommandCall, { speaker, family, outlet, kind: given }: SubcommandArguments<Scores, 'chart'>, ctx: AppCtx) {
  const kind = given ?? (outlet ? 'calibration' : 'outcomes');
  if ([speaker, family, outlet].filter((x) => x !== null).length !== 1) throw new UserError('Give either a speaker or a family (one of the two), or an outlet for a calibration chart.');
  if (kind === 'calibration') {
    if (family) throw new UserError('Calibration charts are for a speaker or an outlet (families have no single voice).');
    await calibrationChart(call, ctx, speaker ? { speaker } : { outlet: outlet! });
    return;
  }
  if (outlet) throw new UserError('Outcomes over time are for a speaker or a family; for an outlet use kind:calibration.');
  await call.defer();
  const data = await outcomesOverTime(guildScope(ctx.db, call.guildId), speaker ? { speaker } : { family: family! });
  const title = data.kind === 'speaker' ? `Claims of ${data.subject}` : `Claims in the family ${data.subject}`;
  const older = data.omitted ? ` (last ${data.buckets.length} quarters; ${plural(data.omitted, 'older claim')} not shown)` : '';
  const png = await chartPng(call, ctx, 'chart.outcomes', {
    title,
    subtitle: `${plural(data.record.made, 'claim')} by outcome, per quarter of the check date${older}`,
    buckets: data.buckets,
  });
  await call.reply({
    embeds: [
      {
        title: safe(title, DISCORD_LIMITS.embedTitle),
        description: recordSummary(data.record),
        color: COLORS.open,
        image: { url: 'attachment://outcomes.png' },
      },
    ],
    files: [{ name: 'outcomes.png', data: png, description: 'Outcomes per quarter' }],
  });
}

export const execute = bySubcommand(definition, {
  members,
  speakers: speakersCmd,
  outlets: outletsCmd,
  me,
  chart,
});

/**
 * A suggestion: the name is its own value when it fits Discord's 100 characters; a longer one is
 * shown shortened and sent back as `key` (an id), so a look-alike cannot be picked in its place.
 */
const choice = (name: string, key: string): Choice =>
  name.length <= DISCORD_LIMITS.choiceValue ? { name, value: name } : { name: truncate(name, DISCORD_LIMITS.choiceName), value: key };

export async function autocomplete(call: AutocompleteCall, _args: unknown, ctx: AppCtx): Promise<Choice[]> {
  const focused = call.focused;
  if (focused.name === 'family') return familyChoices(call, ctx);
  if (focused.name === 'outlet') return (await searchOutletEntries(guildScope(ctx.db, call.guildId), focused.value, DISCORD_LIMITS.choices)).map((o) => choice(o.name, outletChoiceKey(o.articleId)));
  if (focused.name !== 'speaker') return [];
  // The value is the speaker's unique label (it round-trips through findSpeaker), or its key when the
  // label is too long to be a value; where two speakers share a name, the name shown adds their claims
  // so the two can be told apart.
  const speakers = await suggestSpeakers(guildScope(ctx.db, call.guildId), focused.value, DISCORD_LIMITS.choices);
  return speakers
    .filter((s) => s.label.trim())
    .map((s) => {
      const shown = s.shared ? `${s.label} · claim${s.claims.length === 1 ? '' : 's'} ${s.claims.map((n) => `#${n}`).join(', ')}` : s.label;
      const { value } = choice(s.label, speakerChoiceKey(s.id));
      return { name: truncate(shown, DISCORD_LIMITS.choiceName), value };
    });
}
