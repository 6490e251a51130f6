import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { reopenClaim } from '../src/ledger/voting.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type CommandCall } from '../src/kit/types.js';
import { chatInputCommand, type ArgumentsOf } from '../src/kit/options.js';
import { claimChoices, claimOption } from '../src/kit/shared-options.js';

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'reopen',
  description: 'Reopen a resolved or flagged claim for a new round of voting (managers)',
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    claimOption(),
    { type: ApplicationCommandOptionType.String, name: 'note', description: 'Why it is reopened (kept in the history)', required: false, max_length: 500 },
  ],
});

export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  const claim = await reopenClaim(ledgerCtx(call, ctx), args.claim, args.note);
  await call.reply({
    content:
      claim.status === 'waiting'
        ? `<@${call.member.id}> reopened claim #${claim.number} (round ${claim.round}): it waits on its condition again.`
        : `<@${call.member.id}> reopened claim #${claim.number} (round ${claim.round}). Voting is open until <t:${Math.floor(claim.votingClosesAt.getTime() / 1000)}:f>.`,
  });
}

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
