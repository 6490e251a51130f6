import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import { setForecast } from '../src/ledger/voting.js';
import { ledgerCtx, type AppCtx, type CommandCall } from '../src/kit/types.js';
import { claimChoices, claimOption } from './shared.js';

export const definition = new SlashCommandBuilder()
  .setName('forecast')
  .setDescription('Put your own probability on a claim before its check date (scored once it resolves)')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => claimOption(o))
  .addNumberOption((o) =>
    o.setName('probability').setDescription('How likely it comes true, in percent (0–100)').setRequired(true).setMinValue(0).setMaxValue(100),
  )
  .toJSON();

export async function execute(call: CommandCall, ctx: AppCtx) {
  const result = await setForecast(ledgerCtx(call, ctx), call.options.string('claim') ?? '', call.options.number('probability') ?? Number.NaN);
  const change = result.previous !== null ? ` (was ${result.previous}%)` : '';
  await call.reply({
    ephemeral: true,
    content: `Your forecast on claim #${result.claim.number} is now **${result.probability}%**${change}. It counts if it stays your last one before ${result.claim.checkBy}.`,
  });
}

export const autocomplete = claimChoices;
