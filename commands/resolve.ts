import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { closeVoting, resolveClaim } from '../src/ledger/voting.js';
import { FLAG_LABELS, OUTCOME_LABELS, OUTCOMES, type FlagReason } from '../src/ledger/rules.js';
import { safe, tallyLine } from '../src/kit/render.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type CommandCall } from '../src/kit/types.js';
import { chatInputCommand, type ArgumentsOf } from '../src/kit/options.js';
import { choicesOf, claimChoices, claimOption, fromChoice } from '../src/kit/shared-options.js';

/** The `outcome` choice that closes voting now and applies the rule. */
const BY_VOTE = 'by-vote';

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'resolve',
  description: 'Resolve a claim directly, or close its voting now and apply the rule (managers)',
  contexts: [InteractionContextType.Guild],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    claimOption(),
    {
      type: ApplicationCommandOptionType.String,
      name: 'outcome',
      description: 'The outcome, or "by the vote" to close voting now',
      required: true,
      choices: [...choicesOf(OUTCOMES, OUTCOME_LABELS), { name: 'By the vote (close voting now)', value: BY_VOTE }],
    },
    { type: ApplicationCommandOptionType.String, name: 'note', description: 'Why (kept in the history)', required: false, max_length: 500 },
  ],
});

export async function execute(call: CommandCall, { claim: claimArg, outcome, note }: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  const lctx = ledgerCtx(call, ctx);
  if (outcome === BY_VOTE) {
    const result = await closeVoting(lctx, claimArg);
    const n = result.claim.number;
    const text =
      result.kind === 'resolve'
        ? `Voting on claim #${n} is closed: **${OUTCOME_LABELS[result.outcome]}** by the vote.`
        : result.kind === 'postpone'
          ? `Most voters said it is too early: claim #${n} is now checked on ${result.claim.checkBy}.`
          : `Voting on claim #${n} is closed but undecided: ${FLAG_LABELS[result.reason as FlagReason]}. Resolve it with an outcome.`;
    await call.reply({ content: `${text}\n${tallyLine(result.tally, Object.values(result.tally).reduce((a, b) => a + b, 0))}` });
    return;
  }
  const result = await resolveClaim(lctx, claimArg, fromChoice(OUTCOMES, outcome), note);
  const was = result.previous ? ` (was ${OUTCOME_LABELS[result.previous]})` : '';
  await call.reply({
    content: `<@${call.member.id}> resolved claim #${result.claim.number}: **${OUTCOME_LABELS[result.claim.outcome ?? 'void']}**${was}.${result.claim.resolutionNote ? `\nNote: ${safe(result.claim.resolutionNote, 500)}` : ''}${followedLine(result.followed)}`,
  });
}

/** The claims that hang on it and moved with it (src/ledger/conditions.ts). */
const followedLine = (moved: { number: number; status: string; outcome: string | null }[]) =>
  moved.length
    ? `\nClaims that hang on it: ${moved
        .slice(0, 20)
        .map((c) => `#${c.number} ${c.status === 'resolved' ? `void` : c.status === 'waiting' ? 'waiting' : 'open for scoring'}`)
        .join(', ')}${moved.length > 20 ? ', …' : ''}.`
    : '';

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
