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
import { bySubcommand, ledgerCtx, UserError, type AppCtx, type AutocompleteCall, type Choice, type CommandCall, type SubcommandOf } from '../src/kit/types.js';
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

function line(s: ScheduleRow): string {
  const status = s.status === 'active' ? 'active' : `**${s.status}**${s.statusReason ? ` (${s.statusReason})` : ''}`;
  const next = s.status === 'active' ? nextRuns(s, 1)[0] : undefined;
  return `**${s.id}** · <#${s.channelId}> · ${s.description} · ${status}${next ? ` · next ${time(next, TimestampStyles.RelativeTime)}` : ''}`;
}

const outcomeText: Record<RoundOutcome['outcome'], string> = {
  posted: 'posted',
  empty: 'nothing to report, so nothing was posted',
  duplicate: 'already posted for this moment',
  busy: 'being posted by another process right now',
  inactive: 'not posted: the schedule is not active',
  failed: 'could not be posted',
};

const add: SubcommandOf<Reminders, 'add'> = async (call, { channel, schedule, timezone }, ctx) => {
  // The option names a channel; only Discord says whose it is. Rounds go to this server's channels only.
  if ((await call.channelGuildId(channel.id)) !== call.guildId) throw new UserError('channel: pick a channel of this server.');
  const row = await addSchedule(ledgerCtx(call, ctx), { channelId: channel.id, schedule, timezone }, { minIntervalSeconds: ctx.minRoundIntervalSeconds });
  ctx.scheduler?.register(row);
  const runs = nextRuns(row, 3);
  const others = (await schedulesOnChannel(guildScope(ctx.db, call.guildId), row.channelId)).filter((s) => s.id !== row.id);
  await call.reply({
    ephemeral: true,
    embeds: [
      {
        title: `Schedule ${row.id} added`,
        color: COLORS.open,
        description: `Scoring rounds will be posted in <#${row.channelId}> ${row.description}.\nA round with nothing to report posts nothing.`,
        fields: [
          { name: 'Next runs', value: runs.map(when).join('\n') || 'none' },
          ...(others.length ? [{ name: '⚠ Another schedule posts here', value: sharedChannelWarning(others) }] : []),
        ],
      },
    ],
  });
};

/** Said when a schedule is added to a channel that already has one: what the two rounds do together. */
export function sharedChannelWarning(others: readonly ScheduleRow[]): string {
  const named = others.map((s) => `schedule ${s.id} (${s.description})`).join(', ');
  return truncate(
    `This channel already has ${named}. Their rounds share the channel: each reports only what is new since the channel's last round, and no claim is posted twice within an hour. If you meant to change the schedule, remove the old one (/reminders remove).`,
    DISCORD_LIMITS.fieldValue,
  );
}

async function list(call: CommandCall, _o: unknown, ctx: AppCtx) {
  const rows = await listSchedules(guildScope(ctx.db, call.guildId));
  await call.reply({
    ephemeral: true,
    embeds: [
      {
        title: 'Scoring-round schedules',
        color: COLORS.neutral,
        description: rows.length ? rows.map(line).join('\n') : 'None yet. Add one with /reminders add.',
      },
    ],
  });
}

const remove: SubcommandOf<Reminders, 'remove'> = async (call, { id }, ctx) => {
  const row = await removeSchedule(ledgerCtx(call, ctx), id);
  await ctx.scheduler?.unregister(row.id);
  await call.reply({ ephemeral: true, content: `Schedule ${row.id} (${row.description}) removed.` });
};

const setActive =
  (sub: 'pause' | 'resume'): SubcommandOf<Reminders, 'pause' | 'resume'> =>
  async (call, { id }, ctx) => {
  const row = await setScheduleActive(ledgerCtx(call, ctx), id, sub === 'resume');
  if (sub === 'resume') ctx.scheduler?.register(row);
  else await ctx.scheduler?.unregister(row.id);
  const next = sub === 'resume' ? nextRuns(row, 1)[0] : undefined;
  await call.reply({ ephemeral: true, content: `Schedule ${row.id} ${sub === 'resume' ? 'resumed' : 'paused'}.${next ? ` Next round ${when(next)}.` : ''}` });
};

const runNow: SubcommandOf<Reminders, 'run-now'> = async (call, { id }, ctx) => {
  const row = await getSchedule(guildScope(ctx.db, call.guildId), id);
  if (row.status !== 'active') throw new UserError(`Schedule ${row.id} is ${row.status}; resume it first.`);
  if (!ctx.scheduler) throw new UserError('Scheduled rounds are not running in this process.');
  await call.defer({ ephemeral: true });
  const result = await ctx.scheduler.runNow(row.id);
  if (!result) throw new Error('the round failed; see the logs');
  const extra = result.outcome === 'failed' ? ` (${result.kind.replace('_', ' ')}${result.paused ? '; the schedule is now paused' : result.disabled ? '; the schedule is now disabled' : ''})` : '';
  await call.reply({ ephemeral: true, content: `Round for schedule ${row.id}: ${outcomeText[result.outcome]}${extra}.` });
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
