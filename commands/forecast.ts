import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord-api-types/v10';
import { setForecast } from '../src/ledger/voting.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type CommandCall } from '../src/kit/types.js';
import { chatInputCommand, type ArgumentsOf } from '../src/kit/options.js';
import { claimChoices, claimOption } from '../src/kit/shared-options.js';
import { forecastAnswer } from '../src/components/forecast.js';

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'forecast',
  description: 'Put your own probability on a claim before its check date (scored once it resolves)',
  contexts: [InteractionContextType.Guild],
  options: [
    claimOption(),
    {
      type: ApplicationCommandOptionType.Number,
      name: 'probability',
      description: 'How likely it comes true, in percent (0–100)',
      required: true,
      min_value: 0,
      max_value: 100,
    },
  ],
});

export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  const result = await setForecast(ledgerCtx(call, ctx), args.claim, args.probability);
  await call.reply({ ephemeral: true, content: await forecastAnswer(ctx, call.guildId, result, call.t) });
}

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
