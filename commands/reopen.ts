import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { reopenClaim } from '../src/ledger/voting.js';
import { ledgerCtx, type AppCtx, type CommandCall } from '../src/kit/types.js';
import { claimChoices, claimOption } from './shared.js';

export const definition = new SlashCommandBuilder()
  .setName('reopen')
  .setDescription('Reopen a resolved or flagged claim for a new round of voting (managers)')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addStringOption((o) => claimOption(o))
  .addStringOption((o) => o.setName('note').setDescription('Why it is reopened (kept in the history)').setMaxLength(500))
  .toJSON();

export async function execute(call: CommandCall, ctx: AppCtx) {
  const claim = await reopenClaim(ledgerCtx(call, ctx), call.options.string('claim') ?? '', call.options.string('note'));
  await call.reply({
    content: `<@${call.member.id}> reopened claim #${claim.number} (round ${claim.round}). Voting is open until <t:${Math.floor(claim.votingClosesAt.getTime() / 1000)}:f>.`,
  });
}

export const autocomplete = claimChoices;
