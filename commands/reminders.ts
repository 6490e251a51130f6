import { TimestampStyles, time } from '@discordjs/formatters';
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import {
  addSchedule,
  getSchedule,
  listSchedules,
  MANAGE_ROUNDS,
  removeSchedule,
  schedulesOnChannel,
  setScheduleActive,
  specFor,
  type ScheduleRow,
} from '../src/jobs/schedules.js';
import { nextRuns, PRESET_EXAMPLES } from '../src/jobs/schedule-spec.js';
import { COLORS, DISCORD_LIMITS, truncate } from '../src/kit/render.js';
import { EN, type Translator } from '../src/i18n/index.js';
import { bySubcommand, CatalogError, ledgerCtx, type AppCtx, type AutocompleteCall, type Choice, type CommandCall, type SubcommandOf } from '../src/kit/types.js';
import type { RoundOutcome } from '../src/kit/poster.js';
import { assertManager, guildScope } from '../src/ledger/context.js';
import { chatInputCommand, type ArgumentsOf, type PartialArgumentsOf } from '../src/kit/options.js';
import { timeZoneChoices } from '../src/kit/shared-options.js';

const { Subcommand, Channel, String: Text, Integer } = ApplicationCommandOptionType;

const scheduleId = (description: string) => ({ type: Integer, name: 'id', description, required: true, min_value: 1 }) as const;


export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'reminders',
  description: 'Scheduled scoring rounds: post due claims to a channel on a schedule (managers)',
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    {
      type: Subcommand,
      name: 'add',
      description: 'Post scoring rounds to a channel on a schedule',
      options: [
      {
        type: Channel,
        name: 'channel',
        description: 'Where rounds are posted',
        required: true,
        channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
      },
      {
        type: Text,
        name: 'schedule',
        description: 'A preset ("daily 09:00", "weekly monday 09:00", "monthly 1 09:00") or a cron expression',
        required: true,
        max_length: 100,
        autocomplete: true,
      },
      { type: Text, name: 'timezone', description: 'IANA time zone (default: the server’s)', required: false, max_length: 64, autocomplete: true },
      ],
    },
    { type: Subcommand, name: 'list', description: 'This server’s schedules', options: [] },
    { type: Subcommand, name: 'remove', description: 'Delete a schedule', options: [scheduleId('Schedule id (see /reminders list)')] },
    { type: Subcommand, name: 'pause', description: 'Stop a schedule for now', options: [scheduleId('Schedule id')] },
    { type: Subcommand, name: 'resume', description: 'Start a paused schedule again', options: [scheduleId('Schedule id')] },
    { type: Subcommand, name: 'run-now', description: 'Post a round now', options: [scheduleId('Schedule id')] },
  ],
});

type Reminders = typeof definition;

const when = (d: Date) => `${time(d, TimestampStyles.LongDateShortTime)} (${time(d, TimestampStyles.RelativeTime)})`;

function line(s: ScheduleRow, t: Translator): string {
  const state = t(`schedule.status.${s.status}`);
  const status = s.status === 'active' ? state : `**${state}**${s.statusReason ? ` (${s.statusReason})` : ''}`;
  const next = s.status === 'active' ? nextRuns(s, 1)[0] : undefined;
  return `**${s.id}** · <#${s.channelId}> · ${s.description} · ${status}${next ? ` · ${t('schedule.next', { when: time(next, TimestampStyles.RelativeTime) })}` : ''}`;
}

/** What a round did, as /reminders run-now says it. */
const outcomeText = (outcome: RoundOutcome['outcome'], t: Translator) => t(`schedule.outcome.${outcome}`);

const add: SubcommandOf<Reminders, 'add'> = async (call, { channel, schedule, timezone }, ctx) => {
  // The option names a channel; only Discord says whose it is. Rounds go to this server's channels only.
  if ((await call.channelGuildId(channel.id)) !== call.guildId) throw new CatalogError('schedule.otherChannel');
  const row = await addSchedule(ledgerCtx(call, ctx), { channelId: channel.id, schedule, timezone }, { minIntervalSeconds: ctx.minRoundIntervalSeconds });
  ctx.scheduler?.register(row);
  const runs = nextRuns(row, 3);
  const others = (await schedulesOnChannel(guildScope(ctx.db, call.guildId), row.channelId)).filter((s) => s.id !== row.id);
  const { t } = call;
  await call.reply({
    ephemeral: true,
    embeds: [
      {
        title: t('schedule.added', { id: row.id }),
        color: COLORS.open,
        description: `${t('schedule.addedWhere', { channel: `<#${row.channelId}>`, schedule: row.description })}\n${t('schedule.emptyRounds')}`,
        fields: [
          { name: t('schedule.nextRuns'), value: runs.map(when).join('\n') || t('schedule.none') },
          ...(others.length ? [{ name: t('schedule.sharedTitle'), value: sharedChannelWarning(others, t) }] : []),
        ],
      },
    ],
  });
};

/** Said when a schedule is added to a channel that already has one: what the two rounds do together. */
export function sharedChannelWarning(others: readonly ScheduleRow[], t: Translator = EN): string {
  const named = others.map((s) => t('schedule.named', { id: s.id, schedule: s.description })).join(', ');
  return truncate(t('schedule.shared', { schedules: named }), DISCORD_LIMITS.fieldValue);
}

async function list(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const rows = await listSchedules(guildScope(ctx.db, call.guildId));
  await call.reply({
    ephemeral: true,
    embeds: [
      {
        title: call.t('schedule.listTitle'),
        color: COLORS.neutral,
        description: rows.length ? rows.map((r) => line(r, call.t)).join('\n') : call.t('schedule.listEmpty'),
      },
    ],
  });
}

const remove: SubcommandOf<Reminders, 'remove'> = async (call, { id }, ctx) => {
  const row = await removeSchedule(ledgerCtx(call, ctx), id);
  await ctx.scheduler?.unregister(row.id);
  await call.reply({ ephemeral: true, content: call.t('schedule.removed', { id: row.id, schedule: row.description }) });
};

const setActive =
  (sub: 'pause' | 'resume'): SubcommandOf<Reminders, 'pause' | 'resume'> =>
  async (call, { id }, ctx) => {
  const row = await setScheduleActive(ledgerCtx(call, ctx), id, sub === 'resume');
  if (sub === 'resume') ctx.scheduler?.register(row);
  else await ctx.scheduler?.unregister(row.id);
  const next = sub === 'resume' ? nextRuns(row, 1)[0] : undefined;
  const done = call.t(sub === 'resume' ? 'schedule.resumed' : 'schedule.paused', { id: row.id });
  await call.reply({ ephemeral: true, content: `${done}${next ? ` ${call.t('schedule.nextRound', { when: when(next) })}` : ''}` });
};

const runNow: SubcommandOf<Reminders, 'run-now'> = async (call, { id }, ctx) => {
  const row = await getSchedule(guildScope(ctx.db, call.guildId), id);
  if (row.status !== 'active') {
    throw new CatalogError('schedule.notActive', { id: row.id, status: call.t(`schedule.status.${row.status}`) });
  }
  if (!ctx.scheduler) throw new CatalogError('schedule.notRunning');
  await call.defer({ ephemeral: true });
  const result = await ctx.scheduler.runNow(row.id);
  if (!result) throw new Error('the round failed; see the logs');
  const { t } = call;
  const after = (r: { paused?: boolean; disabled?: boolean }) => (r.paused ? `; ${t('schedule.nowPaused')}` : r.disabled ? `; ${t('schedule.nowDisabled')}` : '');
  const extra = result.outcome === 'failed' ? ` (${t(`schedule.kind.${result.kind}`)}${after(result)})` : '';
  await call.reply({ ephemeral: true, content: `${t('schedule.round', { id: row.id, outcome: outcomeText(result.outcome, t) })}${extra}.` });
};

const dispatch = bySubcommand(definition, { add, list, remove, pause: setActive('pause'), resume: setActive('resume'), 'run-now': runNow });

/** Every subcommand is for managers: checked here first, whatever the server's integration settings say. */
export async function execute(call: CommandCall, args: ArgumentsOf<Reminders>, ctx: AppCtx) {
  assertManager(ledgerCtx(call, ctx), MANAGE_ROUNDS);
  await dispatch(call, args, ctx);
}

export async function autocomplete(call: AutocompleteCall, args: PartialArgumentsOf<Reminders>, ctx: AppCtx): Promise<Choice[]> {
  const typed = call.focused.value.trim();
  if (call.focused.name === 'timezone') return timeZoneChoices(typed);
  if (call.focused.name === 'schedule') {
    const choices: Choice[] = [];
    if (typed) {
      try {
        const spec = await specFor(ledgerCtx(call, ctx), typed, args.subcommand === 'add' ? args.options.timezone : null);
        choices.push({ name: truncate(`${typed} → ${spec.description}`, DISCORD_LIMITS.choiceName), value: truncate(typed, DISCORD_LIMITS.choiceValue) });
      } catch {
        // not valid yet: offer the presets
      }
    }
    for (const example of PRESET_EXAMPLES) if (example.startsWith(typed.toLowerCase()) || !typed) choices.push({ name: example, value: example });
    return choices.slice(0, DISCORD_LIMITS.choices);
  }
  return [];
}
