import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { TimestampStyles, time } from '@discordjs/formatters';
import { reopenClaim } from '../src/ledger/voting.js';
import type { ClaimRow } from '../src/ledger/claims.js';
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

/**
 * What reopening did, in the card's terms. A claim hanging on a condition waits on it again.
 * Before the check date, reopening makes the claim open again (forecasts taken until the check
 * date) and its new round of voting starts when the check date passes, for the server's window;
 * after it, voting is open from now.
 */
export function reopenedText(
  claim: Pick<ClaimRow, 'number' | 'round' | 'status' | 'checkBy' | 'dueAt' | 'windowStartsAt' | 'votingClosesAt'>,
  actorId: string,
  now: Date,
): string {
  if (claim.status === 'waiting') return `<@${actorId}> reopened claim #${claim.number} (round ${claim.round}): it waits on its condition again.`;
  const head = `<@${actorId}> reopened claim #${claim.number} (round ${claim.round}).`;
  if (claim.windowStartsAt > now) {
    return `${head} Its check date (${claim.checkBy}) has not passed: it takes forecasts until then, and voting opens ${time(claim.windowStartsAt, TimestampStyles.LongDateTime)} (${time(claim.windowStartsAt, TimestampStyles.RelativeTime)}) and runs until ${time(claim.votingClosesAt, TimestampStyles.LongDateTime)}.`;
  }
  return `${head} Voting is open until ${time(claim.votingClosesAt, TimestampStyles.LongDateTime)} (${time(claim.votingClosesAt, TimestampStyles.RelativeTime)}).`;
}

export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  const claim = await reopenClaim(ledgerCtx(call, ctx), args.claim, args.note);
  await call.reply({ content: reopenedText(claim, call.member.id, ctx.now()) });
}

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
