import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord-api-types/v10';
import { castVote } from '../src/ledger/voting.js';
import { VERDICT_LABELS, VERDICTS } from '../src/ledger/rules.js';
import { tallyLine } from '../src/kit/render.js';
import { ledgerCtx, type AppCtx, type CommandCall } from '../src/kit/types.js';
import { choicesOf, claimChoices, claimOption, fromChoice } from './shared.js';
import { tallyVisible } from '../src/ledger/rules.js';

export const definition = new SlashCommandBuilder()
  .setName('vote')
  .setDescription('Score a due claim in hindsight: came true, partly, did not, or too early to tell')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => claimOption(o))
  .addStringOption((o) =>
    o
      .setName('verdict')
      .setDescription('Your verdict')
      .setRequired(true)
      .addChoices(...choicesOf(VERDICTS, VERDICT_LABELS)),
  )
  .addStringOption((o) => o.setName('evidence').setDescription('A link or a sentence that backs your verdict').setMaxLength(500))
  .toJSON();

export async function execute(call: CommandCall, ctx: AppCtx) {
  const result = await castVote(
    ledgerCtx(call, ctx),
    call.options.string('claim') ?? '',
    fromChoice(VERDICTS, call.options.string('verdict') ?? ''),
    call.options.string('evidence'),
    call.createdAt,
  );
  const visible = tallyVisible(result.claim, result.blindVoting, ctx.now());
  const total = Object.values(result.tally).reduce((a, b) => a + b, 0);
  const verb = result.previous && result.previous !== result.verdict ? `changed your vote to` : 'voted';
  await call.reply({
    ephemeral: true,
    content: `You ${verb} **${VERDICT_LABELS[result.verdict]}** on claim #${result.claim.number}.\n${tallyLine(visible ? result.tally : null, total)}`,
  });
}

export const autocomplete = claimChoices;
