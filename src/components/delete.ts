/** /predict delete asks first: the question (the claim, what deleting does, Delete / Keep it) and its answer. */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { deleteClaim } from '../ledger/claims.js';
import { deleteIds } from '../kit/custom-ids.js';
import { safe } from '../kit/render.js';
import { button, ledgerCtx, type Reply } from '../kit/types.js';

/** The question /predict delete answers with; nothing is deleted until Delete is clicked (and checked again then). */
export function deleteQuestion(claim: { number: number; text: string; status: string }): Reply {
  const scores = claim.status === 'resolved' ? ' It is resolved, so it keeps counting in the scores.' : '';
  return {
    ephemeral: true,
    content: `Delete claim #${claim.number} (“${safe(claim.text, 200)}”)? It disappears from lists and cards; its history is kept.${scores}`,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: `Delete claim #${claim.number}`, custom_id: deleteIds.encode(claim.number, 'yes') },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Keep it', custom_id: deleteIds.encode(claim.number, 'no') },
        ],
      },
    ],
  };
}

/** The answer to /predict delete's question. */
export const deleteButton = button({
  ids: deleteIds,
  forged: 'That button is not one Hindsight made (or it is from an older version). Run /predict delete again.',
  async handle(call, { number, answer }, ctx) {
    if (answer === 'no') {
      await call.update({ content: `Claim #${number} kept: nothing was deleted.`, components: [] });
      return;
    }
    const claim = await deleteClaim(ledgerCtx(call, ctx), number);
    await call.update({ content: `Claim #${claim.number} (“${safe(claim.text, 200)}”) deleted. Its history is kept.`, components: [] });
  },
});
