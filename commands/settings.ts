import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { getSettings, updateSettings, type SettingsPatch } from '../src/ledger/settings.js';
import { LIMITS } from '../src/ledger/limits.js';
import { settingsView } from '../src/kit/render.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type Choice, type CommandCall } from '../src/kit/types.js';
import { guildScope } from '../src/ledger/context.js';
import { chatInputCommand, type ArgumentsOf } from '../src/kit/options.js';
import { timeZoneChoices } from '../src/kit/shared-options.js';
import { LANGUAGES, languageName } from '../src/i18n/index.js';

const { Integer, Boolean: Bool, String: Text } = ApplicationCommandOptionType;

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'settings',
  description: 'Show or change how this server resolves claims (managers)',
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    { type: Integer, name: 'quorum', description: 'Votes needed to decide a claim', required: false, min_value: LIMITS.quorum.min, max_value: LIMITS.quorum.max },
    {
      type: Integer,
      name: 'majority',
      description: 'Percent the leading verdict needs',
      required: false,
      min_value: LIMITS.majorityPct.min,
      max_value: LIMITS.majorityPct.max,
    },
    {
      type: Integer,
      name: 'window',
      description: 'Voting window in days',
      required: false,
      min_value: LIMITS.votingWindowDays.min,
      max_value: LIMITS.votingWindowDays.max,
    },
    { type: Bool, name: 'blind', description: 'Hide tallies until voting closes', required: false },
    { type: Text, name: 'timezone', description: 'IANA time zone, e.g. Europe/Berlin', required: false, autocomplete: true, max_length: 64 },
    {
      type: Integer,
      name: 'too-early-step',
      description: 'Days a "too early" majority moves the check date',
      required: false,
      min_value: LIMITS.tooEarlyStepDays.min,
      max_value: LIMITS.tooEarlyStepDays.max,
    },
    {
      type: Integer,
      name: 'min-ranked',
      description: 'Resolved forecasts a member needs to be ranked on /scores',
      required: false,
      min_value: LIMITS.minRanked.min,
      max_value: LIMITS.minRanked.max,
    },
    {
      type: Text,
      name: 'extract-by',
      description: 'Who may run /predict extract (members: as proposals a manager accepts)',
      required: false,
      choices: [
        { name: 'Managers only', value: 'managers' },
        { name: 'Members too (proposals)', value: 'members' },
      ],
    },
    {
      type: Text,
      name: 'language',
      description: 'Language of public posts (cards, rounds); default: the server’s Discord language',
      required: false,
      // One choice per catalog in src/i18n/locales (named in its own language), and back to the default.
      choices: [{ name: 'The server’s Discord language', value: 'auto' }, ...LANGUAGES.map((code) => ({ name: languageName(code), value: code }))],
    },
  ],
});

export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  const { quorum, majority, window, blind, timezone, 'too-early-step': step, 'min-ranked': minRanked, 'extract-by': extractBy, language } = args;
  const patch: SettingsPatch = {};
  if (quorum !== null) patch.quorum = quorum;
  if (majority !== null) patch.majorityPct = majority;
  if (window !== null) patch.votingWindowDays = window;
  if (blind !== null) patch.blindVoting = blind;
  if (timezone !== null) patch.timezone = timezone;
  if (step !== null) patch.tooEarlyStepDays = step;
  if (minRanked !== null) patch.minRanked = minRanked;
  if (extractBy !== null) patch.extractBy = extractBy;
  if (language !== null) patch.language = language === 'auto' ? null : language;
  if (!Object.keys(patch).length) {
    await call.reply({ ...settingsView(await getSettings(guildScope(ctx.db, call.guildId)), null, call.t), ephemeral: true });
    return;
  }
  const { before, after } = await updateSettings(ledgerCtx(call, ctx), patch);
  const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
  await call.reply({
    ...settingsView(after, changed.length ? 'Settings updated' : 'Nothing changed (already set)', call.t),
    ephemeral: true,
  });
}

export async function autocomplete(call: AutocompleteCall): Promise<Choice[]> {
  return timeZoneChoices(call.focused.value);
}
