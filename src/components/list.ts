/** Previous/Next on claim lists (/predict list). */
import { listClaims } from '../ledger/claims.js';
import { listPage } from '../kit/render.js';
import { parseListId } from '../kit/custom-ids.js';
import { ledgerCtx, UserError, type ComponentHandler } from '../kit/types.js';
import { FORGED } from './vote.js';

export const listButton: ComponentHandler = {
  prefix: 'list',
  async handle(call, ctx) {
    const state = parseListId(call.customId);
    if (!state) throw new UserError(FORGED);
    const result = await listClaims(ledgerCtx(call, ctx), state);
    await call.update(listPage(result, { ...state, page: result.page }, ctx.now()));
  },
};
