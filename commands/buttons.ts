/** Button handlers: vote buttons on claim cards and Previous/Next on claim lists. */
import { castVote } from '../src/ledger/voting.js';
import { claimDetail, listClaims } from '../src/ledger/claims.js';
import { VERDICT_LABELS } from '../src/ledger/rules.js';
import { claimCard, listPage } from '../src/kit/render.js';
import { parseListId, parseVoteId } from '../src/kit/custom-ids.js';
import { ledgerCtx, UserError, type ComponentHandler, type ModalHandler } from '../src/kit/types.js';
import { draftComponentHandlers, draftModalHandlers } from './drafts.js';

export const FORGED = 'That button is not one Hindsight made (or it is from an older version). Use /predict show to get a fresh card.';

export const voteButton: ComponentHandler = {
  prefix: 'vote',
  async handle(call, ctx) {
    const parsed = parseVoteId(call.customId);
    if (!parsed) throw new UserError(FORGED);
    const lctx = ledgerCtx(call, ctx);
    // Acknowledge first: the message is then edited and the clicker answered through the interaction's webhook.
    await call.deferUpdate();
    const result = await castVote(lctx, parsed.number, parsed.verdict, null, call.createdAt);
    const verb = result.previous && result.previous !== result.verdict ? 'changed your vote to' : 'voted';
    try {
      await call.followUp({ ephemeral: true, content: `You ${verb} **${VERDICT_LABELS[result.verdict]}** on claim #${result.claim.number}.` });
    } catch (error) {
      // The vote is stored: the member must not be told "nothing was changed" (the router's answer to a bug).
      ctx.log.warn({ err: error, claim: result.claim.number }, 'vote stored, but its confirmation was not delivered');
      throw new UserError(`Your vote (${VERDICT_LABELS[result.verdict]}) on claim #${result.claim.number} is recorded.`);
    }
    const detail = await claimDetail(lctx, parsed.number);
    await call.editMessage(claimCard(detail, ctx.now()));
  },
};

export const listButton: ComponentHandler = {
  prefix: 'list',
  async handle(call, ctx) {
    const state = parseListId(call.customId);
    if (!state) throw new UserError(FORGED);
    const result = await listClaims(ledgerCtx(call, ctx), state);
    await call.update(listPage(result, { ...state, page: result.page }, ctx.now()));
  },
};

export const componentHandlers: readonly ComponentHandler[] = [voteButton, listButton, ...draftComponentHandlers];

/** Modal (form) handlers, routed like buttons by the custom_id prefix. */
export const modalHandlers: readonly ModalHandler[] = [...draftModalHandlers];
