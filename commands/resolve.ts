import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { closeVoting, resolveClaim } from '../src/ledger/voting.js';
import { OUTCOME_LABELS, OUTCOMES, type FlagReason } from '../src/ledger/rules.js';
import { serverT } from '../src/kit/locale.js';
import type { Translator } from '../src/i18n/index.js';
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
  // The answer is public: in the server's language.
  const pt = await serverT(call, ctx);
  if (outcome === BY_VOTE) {
    const result = await closeVoting(lctx, claimArg);
    const n = result.claim.number;
    const text =
      result.kind === 'resolve'
        ? pt('resolve.byVote', { number: n, outcome: pt(`outcomes.${result.outcome}`) })
        : result.kind === 'postpone'
          ? pt('resolve.postponed', { number: n, date: result.claim.checkBy })
          : pt('resolve.undecided', { number: n, reason: pt(`resolve.flags.${result.reason as FlagReason}`) });
    await call.reply({ content: `${text}\n${tallyLine(result.tally, Object.values(result.tally).reduce((a, b) => a + b, 0), pt)}` });
    return;
  }
  const result = await resolveClaim(lctx, claimArg, fromChoice(OUTCOMES, outcome), note);
  const vars = { member: `<@${call.member.id}>`, number: result.claim.number, outcome: pt(`outcomes.${result.claim.outcome ?? 'void'}`) };
  const head = result.previous ? pt('resolve.resolvedWas', { ...vars, previous: pt(`outcomes.${result.previous}`) }) : pt('resolve.resolved', vars);
  await call.reply({
    content: `${head}${result.claim.resolutionNote ? `\n${pt('resolve.note', { note: safe(result.claim.resolutionNote, 500) })}` : ''}${followedLine(result.followed, pt)}`,
  });
}

/** The claims that hang on it and moved with it (src/ledger/conditions.ts). */
const followedLine = (moved: { number: number; status: string; outcome: string | null }[], t: Translator) =>
  moved.length
    ? `\n${t('resolve.followed', {
        claims: `${moved
          .slice(0, 20)
          .map((c) => t(c.status === 'resolved' ? 'resolve.followedVoid' : c.status === 'waiting' ? 'resolve.followedWaiting' : 'resolve.followedOpen', { number: c.number }))
          .join(', ')}${moved.length > 20 ? ', …' : ''}`,
      })}`
    : '';

export const autocomplete = (call: AutocompleteCall, _args: unknown, ctx: AppCtx) => claimChoices(call, ctx);
