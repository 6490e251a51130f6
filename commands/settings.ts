import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { getSettings, updateSettings, type SettingsPatch } from '../src/ledger/settings.js';
import { LIMITS } from '../src/ledger/limits.js';
import { settingsView } from '../src/kit/render.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type Choice, type CommandCall } from '../src/kit/types.js';
import { timeZoneChoices } from './shared.js';

export const definition = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('Show or change how this server resolves claims (managers)')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addIntegerOption((o) =>
    o.setName('quorum').setDescription('Votes needed to decide a claim').setMinValue(LIMITS.quorum.min).setMaxValue(LIMITS.quorum.max),
  )
  .addIntegerOption((o) =>
    o.setName('majority').setDescription('Percent the leading verdict needs').setMinValue(LIMITS.majorityPct.min).setMaxValue(LIMITS.majorityPct.max),
  )
  .addIntegerOption((o) =>
    o.setName('window').setDescription('Voting window in days').setMinValue(LIMITS.votingWindowDays.min).setMaxValue(LIMITS.votingWindowDays.max),
  )
  .addBooleanOption((o) => o.setName('blind').setDescription('Hide tallies until voting closes'))
  .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone, e.g. Europe/Berlin').setAutocomplete(true).setMaxLength(64))
  .addIntegerOption((o) =>
    o
      .setName('too-early-step')
      .setDescription('Days a "too early" majority moves the check date')
      .setMinValue(LIMITS.tooEarlyStepDays.min)
      .setMaxValue(LIMITS.tooEarlyStepDays.max),
  )
  .addIntegerOption((o) =>
    o
      .setName('min-ranked')
      .setDescription('Resolved forecasts a member needs to be ranked on /scores')
      .setMinValue(LIMITS.minRanked.min)
      .setMaxValue(LIMITS.minRanked.max),
  )
  .addStringOption((o) =>
    o
      .setName('extract-by')
      .setDescription('Who may run /predict extract (members: as proposals a manager accepts)')
      .addChoices({ name: 'Managers only', value: 'managers' }, { name: 'Members too (proposals)', value: 'members' }),
  )
  .toJSON();

export async function execute(call: CommandCall, ctx: AppCtx) {
  const o = call.options;
  const patch: SettingsPatch = {};
  const quorum = o.integer('quorum');
  if (quorum !== null) patch.quorum = quorum;
  const majority = o.integer('majority');
  if (majority !== null) patch.majorityPct = majority;
  const window = o.integer('window');
  if (window !== null) patch.votingWindowDays = window;
  const blind = o.boolean('blind');
  if (blind !== null) patch.blindVoting = blind;
  const timezone = o.string('timezone');
  if (timezone !== null) patch.timezone = timezone;
  const step = o.integer('too-early-step');
  if (step !== null) patch.tooEarlyStepDays = step;
  const minRanked = o.integer('min-ranked');
  if (minRanked !== null) patch.minRanked = minRanked;
  const extractBy = o.string('extract-by');
  if (extractBy !== null) patch.extractBy = extractBy as SettingsPatch['extractBy'];
  if (!Object.keys(patch).length) {
    await call.reply({ ...settingsView(await getSettings(ctx.db, call.guildId)), ephemeral: true });
    return;
  }
  const { before, after } = await updateSettings(ledgerCtx(call, ctx), patch);
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
  await call.reply({
    ...settingsView(after, changed.length ? 'Settings updated' : 'Nothing changed (already set)'),
    ephemeral: true,
  });
}

export async function autocomplete(call: AutocompleteCall): Promise<Choice[]> {
  return timeZoneChoices(call.options.focused()?.value ?? '');
}
