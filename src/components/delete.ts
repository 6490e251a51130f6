/** /predict delete asks first: the question (the claim, what deleting does, Delete / Keep it) and its answer. */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { deleteClaim } from '../ledger/claims.js';
import { deleteIds } from '../kit/custom-ids.js';
import { safe } from '../kit/render.js';
import { button, ledgerCtx, type Reply } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';

/** The question /predict delete answers with; nothing is deleted until Delete is clicked (and checked again then). */
export function deleteQuestion(claim: { number: number; text: string; status: string }, t: Translator = EN): Reply {
  const question = t('delete.question', { number: claim.number, text: safe(claim.text, 200) });
  return {
    ephemeral: true,
    content: claim.status === 'resolved' ? `${question} ${t('delete.keepsScores')}` : question,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: t('delete.yes', { number: claim.number }), custom_id: deleteIds.encode(claim.number, 'yes') },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('delete.no'), custom_id: deleteIds.encode(claim.number, 'no') },
        ],
      },
    ],
  };
}

/** The answer to /predict delete's question. */
export const deleteButton = button({
  ids: deleteIds,
  forged: 'delete.forged',
  async handle(call, { number, answer }, ctx) {
    if (answer === 'no') {
      await call.update({ content: call.t('delete.kept', { number }), components: [] });
      return;
    }
    const claim = await deleteClaim(ledgerCtx(call, ctx), number);
    await call.update({ content: call.t('delete.deleted', { number: claim.number, text: safe(claim.text, 200) }), components: [] });
  },
});
