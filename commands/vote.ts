import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord-api-types/v10';
import { castVote } from '../src/ledger/voting.js';
import { claimNumberOf } from '../src/ledger/claim-queries.js';
import { VERDICT_LABELS, VERDICTS } from '../src/ledger/rules.js';
import { tallyLine } from '../src/kit/render.js';
import { ledgerCtx, type AppCtx, type AutocompleteCall, type CommandCall } from '../src/kit/types.js';
import { guildScope } from '../src/ledger/context.js';
import { chatInputCommand, type ArgumentsOf } from '../src/kit/options.js';
import { choicesOf, claimChoices, claimOption, fromChoice } from '../src/kit/shared-options.js';
import { tallyVisible } from '../src/ledger/rules.js';
import { addEvidence, EVIDENCE_SIDE_LABELS, sideForVerdict, splitEvidence } from '../src/ledger/evidence.js';
import { announceEvidence } from '../src/components/evidence.js';

export const definition = chatInputCommand({
  type: ApplicationCommandType.ChatInput,
  name: 'vote',
  description: 'Score a due claim in hindsight: came true, partly, did not, or too early to tell',
  contexts: [InteractionContextType.Guild],
  options: [
    claimOption(),
    {
      type: ApplicationCommandOptionType.String,
      name: 'verdict',
      description: 'Your verdict',
      required: true,
      choices: choicesOf(VERDICTS, VERDICT_LABELS),
    },
    { type: ApplicationCommandOptionType.String, name: 'evidence', description: 'A link or a sentence that backs your verdict', required: false, max_length: 500 },
  ],
});

export async function execute(call: CommandCall, args: ArgumentsOf<typeof definition>, ctx: AppCtx) {
  // The claim may be named by words of its text (claim:Geneva): resolved to its number first.
  const claim = await claimNumberOf(guildScope(ctx.db, call.guildId), args.claim);
  const result = await castVote(ledgerCtx(call, ctx), { claim, verdict: fromChoice(VERDICTS, args.verdict), castAt: call.createdAt, withTally: true });
  // The evidence becomes an item of the claim (shown on its card, in /predict show and its thread), on the side of the verdict.
  const added = args.evidence?.trim()
    ? await addEvidence(ledgerCtx(call, ctx), { claim: result.claim.number, side: sideForVerdict(result.verdict), ...splitEvidence(args.evidence) })
    : null;
  const { tally } = result;
  const visible = tallyVisible(result.claim, result.blindVoting, ctx.now());
  const total = Object.values(tally).reduce((a, b) => a + b, 0);
  const verb = result.previous && result.previous !== result.verdict ? `changed your vote to` : 'voted';
  await call.reply({
    ephemeral: true,
    content: `You ${verb} **${VERDICT_LABELS[result.verdict]}** on claim #${result.claim.number}.\n${tallyLine(visible ? tally : null, total)}${added ? `\nYour evidence is added (${EVIDENCE_SIDE_LABELS[added.item.side]}).` : ''}`,
  });
  if (added) await announceEvidence(ctx, call.guildId, added.claimNumber, added.item);
}

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
