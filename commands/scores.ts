import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import { leaderboard, memberRecord, outcomesOverTime, outletRecords, speakerChoiceKey, speakerRecords, suggestSpeakers, type MemberRecord } from '../src/ledger/leaderboard.js';
import { SMALL_SAMPLE, type ClaimScore, type NamedTrackRecord, type RankedMember } from '../src/ledger/scoring.js';
import { formatPct, formatScore, formatSigned, rankLabel } from '../src/kit/score-text.js';
import { fitLines } from '../src/kit/render.js';
import { LIMITS } from '../src/ledger/limits.js';
import { hedgeCalibrationOf, outletChoiceKey, searchOutletEntries, type HedgeScore } from '../src/ledger/hedge-scores.js';
import type { TrackRecord } from '../src/ledger/scoring.js';
import { guildScope } from '../src/ledger/context.js';
import { COLORS, DISCORD_LIMITS, safe, truncate } from '../src/kit/render.js';
import { serverT } from '../src/kit/locale.js';
import type { Translator } from '../src/i18n/index.js';
import { bySubcommand, CatalogError, type AppCtx, type AutocompleteCall, type Choice, type CommandCall, type Reply } from '../src/kit/types.js';
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

/** The lines every score page ends with: what a Brier score is and what "vs crowd" means. */
const scoreHelp = (t: Translator) => `${t('scores.brierHelp')} ${t('scores.crowdHelp')}`;

function memberLine(m: RankedMember, t: Translator): string {
  return t('scores.memberLine', { rank: `\`${rankLabel(m).padStart(3)}\``, member: `<@${m.userId}>`, brier: formatScore(m.brier), relative: formatSigned(m.relative), count: m.claims });
}

async function members(call: CommandCall, _o: unknown, ctx: AppCtx) {
  // The leaderboard is public: in the server's language.
  const t = await serverT(call, ctx);
  const board = await leaderboard(guildScope(ctx.db, call.guildId));
  const min = board.minRanked;
  const lines = board.ranked.slice(0, TOP).map((m) => memberLine(m, t));
  const mine = board.ranked.findIndex((m) => m.userId === call.member.id);
  if (mine >= TOP) lines.push('…', memberLine(board.ranked[mine]!, t));
  const fields: APIEmbedField[] = [];
  if (board.unranked.length) {
    fields.push({
      name: t('scores.notYetRanked', { min }),
      value: fitLines(
        board.unranked.map((m) => `<@${m.userId}> ${m.claims}/${min}`),
        DISCORD_LIMITS.fieldValue,
      ),
    });
  }
  const empty = !board.ranked.length && !board.unranked.length;
  const description = empty ? t('scores.noScores') : lines.length ? fitLines(lines, DISCORD_LIMITS.embedDescription) : t('scores.nobodyRanked', { count: min });
  await call.reply({
    embeds: [
      {
        title: t('scores.leaderboardTitle'),
        description,
        color: COLORS.resolved,
        fields,
        footer: {
          text: `${board.ranked.length > TOP ? `${t('scores.top', { top: TOP, count: board.ranked.length })} ` : ''}${t('scores.rankedAfter', { count: min })} ${scoreHelp(t)}`,
        },
      },
    ],
  });
}

/**
 * "12 claims: 5 came true, 2 partly, 3 did not, 2 open · 60% came true ⚠ fewer than 5 judged".
 * `caution`: the words (one record), a bare ⚠ (a list whose footer explains it), or nothing.
 */
function recordSummary(r: TrackRecord, t: Translator, caution: 'words' | 'mark' | 'none' = 'words'): string {
  const parts = [t('scores.cameTrue', { count: r.cameTrue }), t('scores.partly', { count: r.partly }), t('scores.didNot', { count: r.didNot })];
  if (r.void) parts.push(t('scores.void', { count: r.void }));
  if (r.open) parts.push(t('scores.open', { count: r.open }));
  const share = r.shareTrue === null ? t('scores.noneJudged') : t('scores.shareTrue', { share: formatPct(r.shareTrue) });
  const small = r.judged < SMALL_SAMPLE && caution !== 'none';
  const warn = small ? (caution === 'words' ? ` · ${t('scores.fewJudged', { count: SMALL_SAMPLE })}` : ' ⚠') : '';
  return `${t('scores.claims', { count: r.made })}: ${parts.join(', ')} · ${share}${warn}`;
}

/** "Brier 0.180 on 4 banded" (the hedge bands' implied probabilities), or nothing. */
const hedgeSummary = (h: HedgeScore, t: Translator) => (h.brier === null ? '' : ` · ${t('scores.hedgeBrier', { brier: formatScore(h.brier), count: h.banded })}`);

function trackRecordsReply(records: readonly NamedTrackRecord[], t: Translator, what: { title: string; noun: 'speakers' | 'outlets'; empty: string }): Reply {
  const top = records.slice(0, TOP);
  // Small samples are said once: for the whole list when every record shown is one, else a ⚠ per row explained below.
  const allSmall = top.length > 0 && top.every((r) => r.judged < SMALL_SAMPLE);
  const lines = top.map((r) => `**${safe(r.name, 80)}** · ${recordSummary(r, t, allSmall ? 'none' : 'mark')}${hedgeSummary(r, t)}${conditionalSummary(r, t)}`);
  if (allSmall) lines.unshift(`⚠ ${top.length === 1 ? t('scores.allSmallOne', { min: SMALL_SAMPLE }) : t('scores.allSmall', { count: top.length, min: SMALL_SAMPLE })}`, '');
  const shown = records.length > TOP ? `${t(what.noun === 'speakers' ? 'scores.topSpeakers' : 'scores.topOutlets', { top: TOP, count: records.length })} ` : '';
  const mark = !allSmall && top.some((r) => r.judged < SMALL_SAMPLE) ? `${t('scores.markExplained', { min: SMALL_SAMPLE })} ` : '';
  return {
    embeds: [
      {
        title: what.title,
        description: lines.length ? fitLines(lines, DISCORD_LIMITS.embedDescription) : what.empty,
        color: COLORS.open,
        footer: {
          text: `${shown}${t('scores.shareHelp')} ${mark}${t('scores.hedgeHelp')}`,
        },
      },
    ],
  };
}

/** How many of the claims were conditional and how many of those conditions held (only those count). */
const conditionalSummary = (r: NamedTrackRecord, t: Translator) =>
  r.conditional ? ` · ${t(r.conditional === 1 ? 'scores.conditionalOne' : 'scores.conditionalMany', { count: r.conditional, held: r.conditionsHeld })}` : '';

async function speakersCmd(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const t = await serverT(call, ctx);
  const records = await speakerRecords(guildScope(ctx.db, call.guildId));
  await call.reply(trackRecordsReply(records, t, { title: t('scores.speakersTitle'), noun: 'speakers', empty: t('scores.noSpeakers') }));
}

async function outletsCmd(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const t = await serverT(call, ctx);
  const records = await outletRecords(guildScope(ctx.db, call.guildId));
  await call.reply(trackRecordsReply(records, t, { title: t('scores.outletsTitle'), noun: 'outlets', empty: t('scores.noOutlets') }));
}

function callLine(s: ClaimScore, t: Translator): string {
  return `**#${s.number}** ${safe(s.text, 100)} — ${formatPct(s.probability / 100)} · ${t(`outcomes.${s.outcome}`)} (Brier ${formatScore(s.brier)})`;
}

/** A chart drawn on the worker pool, as PNG bytes. */
async function chartPng<K extends 'chart.calibration' | 'chart.outcomes'>(call: CommandCall, ctx: AppCtx, kind: K, input: Parameters<Jobs[K]>[0]): Promise<Buffer> {
  const png = await ctx.work.run(call.guildId, kind, input);
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
}

/** The member's headline numbers, shown as embed fields and beside the chart. */
function facts(rec: MemberRecord & { score: NonNullable<MemberRecord['score']> }, t: Translator): [string, string][] {
  const standing = rec.rank
    ? t('scores.rankOf', { rank: rankLabel(rec.rank), total: rec.rankedMembers })
    : t('scores.notRanked', { claims: rec.score.claims, min: rec.minRanked });
  return [
    [t('scores.factForecast'), String(rec.forecastClaims)],
    [t('scores.factScored'), String(rec.score.claims)],
    [t('scores.factBrier'), formatScore(rec.score.brier)],
    [t('scores.factCrowd'), formatSigned(rec.score.relative)],
    [t('scores.factRank'), standing],
  ];
}

async function me(call: CommandCall, options: SubcommandArguments<Scores, 'me'>, ctx: AppCtx) {
  const user = options.member ?? { id: call.member.id, displayName: call.member.displayName };
  await call.defer();
  const t = await serverT(call, ctx);
  const rec = await memberRecord(guildScope(ctx.db, call.guildId), user.id);
  const title = t('scores.recordOf', { name: safe(user.displayName, 200) });
  const { score } = rec;
  if (!score) {
    await call.reply({
      embeds: [
        {
          title,
          description: t('scores.noRecord', { member: `<@${user.id}>`, count: rec.forecastClaims }),
          color: COLORS.neutral,
        },
      ],
    });
    return;
  }
  const headline = facts({ ...rec, score }, t);
  const calls = (name: string, list: ClaimScore[]) =>
    list.length ? [{ name, value: fitLines(list.map((c) => callLine(c, t)), DISCORD_LIMITS.fieldValue) }] : [];
  // Drawn on the worker pool (Skia is loaded there on the first chart).
  const png = await chartPng(call, ctx, 'chart.calibration', {
    title: t('scores.calibrationOfMember', { name: user.displayName }),
    subtitle: t('scores.calibrationMemberSubtitle', { count: score.claims }),
    bins: rec.calibration,
    notes: headline.map(([k, v]) => `${k}: ${v}`),
    locale: t.locale,
  });
  const embed: APIEmbed = {
    title,
    description: `<@${user.id}>`,
    color: COLORS.resolved,
    fields: [
      ...headline.map(([name, value]) => ({ name, value, inline: true })),
      ...calls(t('scores.bestCalls'), rec.best),
      ...calls(t('scores.worstCalls'), rec.worst),
    ],
    image: { url: 'attachment://calibration.png' },
    footer: { text: scoreHelp(t) },
  };
  await call.reply({ embeds: [embed], files: [{ name: 'calibration.png', data: png, description: t('scores.calibrationAlt') }] });
}

async function calibrationChart(call: CommandCall, ctx: AppCtx, of: { speaker: string } | { outlet: string }) {
  await call.defer();
  const t = await serverT(call, ctx);
  const data = await hedgeCalibrationOf(guildScope(ctx.db, call.guildId), of);
  const title = t(data.kind === 'speaker' ? 'scores.calibrationOfSpeaker' : 'scores.calibrationOfOutlet', { name: data.subject });
  const png = await chartPng(call, ctx, 'chart.calibration', {
    title,
    subtitle: t('scores.calibrationHedgeSubtitle', { count: data.score.banded }),
    bins: data.bins,
    notes: [
      `${t('scores.noteClaims')}: ${data.record.made}`,
      `${t('scores.noteBanded')}: ${data.score.banded}`,
      `Brier: ${data.score.brier === null ? '–' : formatScore(data.score.brier)}`,
      `${t('scores.noteCameTrue')}: ${data.record.shareTrue === null ? '–' : formatPct(data.record.shareTrue)}`,
    ],
    locale: t.locale,
  });
  await call.reply({
    embeds: [
      {
        title: safe(title, DISCORD_LIMITS.embedTitle),
        description: `${recordSummary(data.record, t)}${hedgeSummary(data.score, t)}${data.score.banded ? '' : `\n${t('scores.noBanded')}`}`,
        color: COLORS.open,
        image: { url: 'attachment://calibration.png' },
        footer: { text: t('scores.hedgeHelp') },
      },
    ],
    files: [{ name: 'calibration.png', data: png, description: t('scores.calibrationHedgeAlt') }],
  });
}

async function chart(call: CommandCall, { speaker, family, outlet, kind: given }: SubcommandArguments<Scores, 'chart'>, ctx: AppCtx) {
  const kind = given ?? (outlet ? 'calibration' : 'outcomes');
  if ([speaker, family, outlet].filter((x) => x !== null).length !== 1) throw new CatalogError('scores.chartOneOf');
  if (kind === 'calibration') {
    if (family) throw new CatalogError('scores.chartNoFamily');
    await calibrationChart(call, ctx, speaker ? { speaker } : { outlet: outlet! });
    return;
  }
  if (outlet) throw new CatalogError('scores.chartNoOutlet');
  await call.defer();
  const t = await serverT(call, ctx);
  const data = await outcomesOverTime(guildScope(ctx.db, call.guildId), speaker ? { speaker } : { family: family! });
  const title = t(data.kind === 'speaker' ? 'scores.claimsOfSpeaker' : 'scores.claimsOfFamily', { name: data.subject });
  const older = data.omitted ? ` ${t('scores.olderOmitted', { quarters: data.buckets.length, count: data.omitted })}` : '';
  const png = await chartPng(call, ctx, 'chart.outcomes', {
    title,
    subtitle: `${t('scores.outcomesSubtitle', { count: data.record.made })}${older}`,
    buckets: data.buckets,
    locale: t.locale,
  });
  await call.reply({
    embeds: [
      {
        title: safe(title, DISCORD_LIMITS.embedTitle),
        description: recordSummary(data.record, t),
        color: COLORS.open,
        image: { url: 'attachment://outcomes.png' },
      },
    ],
    files: [{ name: 'outcomes.png', data: png, description: t('scores.outcomesAlt') }],
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
      const shown = s.shared ? `${s.label} · ${call.t('scores.speakerClaims', { count: s.claims.length, claims: s.claims.map((n) => `#${n}`).join(', ') })}` : s.label;
      const { value } = choice(s.label, speakerChoiceKey(s.id));
      return { name: truncate(shown, DISCORD_LIMITS.choiceName), value };
    });
}
