/** Previous/Next on claim lists (/predict list). */
import { listClaims } from '../ledger/claim-queries.js';
import { listPage } from '../kit/render.js';
import { listIds } from '../kit/custom-ids.js';
import { button, ledgerCtx } from '../kit/types.js';
import { serverT } from '../kit/locale.js';
import { FORGED } from './vote.js';

export const listButton = button({
  ids: listIds,
  forged: FORGED,
  async handle(call, state, ctx) {
    const result = await listClaims(ledgerCtx(call, ctx), state);
    await call.update(listPage(result, { ...state, page: result.page }, ctx.now(), call.message?.ephemeral ? call.t : await serverT(call, ctx)));
  },
});
