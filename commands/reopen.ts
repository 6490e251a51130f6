import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { TimestampStyles, time } from '@discordjs/formatters';
import { reopenClaim } from '../src/ledger/voting.js';
import type { ClaimRow } from '../src/ledger/claim-row.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type CommandCall } from '../src/kit/types.js';
import { chatInputCommand, type ArgumentsOf } from '../src/kit/options.js';
import { claimChoices, claimOption } from '../src/kit/shared-options.js';
import { serverT } from '../src/kit/locale.js';
import { EN, type Translator } from '../src/i18n/index.js';

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
  t: Translator = EN,
): string {
  const vars = { member: `<@${actorId}>`, number: claim.number, round: claim.round };
  if (claim.status === 'waiting') return t('reopen.waits', vars);
  const head = t('reopen.reopened', vars);
  if (claim.windowStartsAt > now) {
    return `${head} ${t('reopen.beforeCheck', {
      date: claim.checkBy,
      opens: time(claim.windowStartsAt, TimestampStyles.LongDateTime),
      relative: time(claim.windowStartsAt, TimestampStyles.RelativeTime),
      closes: time(claim.votingClosesAt, TimestampStyles.LongDateTime),
    })}`;
  }
  return `${head} ${t('reopen.open', { closes: time(claim.votingClosesAt, TimestampStyles.LongDateTime), relative: time(claim.votingClosesAt, TimestampStyles.RelativeTime) })}`;
}

export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  const claim = await reopenClaim(ledgerCtx(call, ctx), args.claim, args.note);
  // A public post: in the server's language.
  await call.reply({ content: reopenedText(claim, call.member.id, ctx.now(), await serverT(call, ctx)) });
}

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
