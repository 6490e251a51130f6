/** The forecast buttons of a claim card (10% … 90%, Other…) and the Other… form: the same rules as /forecast. */
import { setForecast } from '../ledger/voting.js';
import { crowdForecast } from '../ledger/claim-queries.js';
import { forecastFormIds, forecastIds } from '../kit/custom-ids.js';
import { button, form, ledgerCtx, UserError, type AppCtx, type Modal } from '../kit/types.js';
import { FORGED } from './vote.js';
import { guildScope } from '../ledger/context.js';

/** The Other… form: one field, a whole percentage from 1 to 99. */
export function forecastModal(number: number): Modal {
  return {
    customId: forecastFormIds.encode(number),
    title: `Your forecast on claim #${number}`,
    fields: [{ id: 'probability', label: 'How likely it comes true, in percent (1–99)', required: true, maxLength: 5, placeholder: 'e.g. 65' }],
  };
}

/** "65", "65%", " 65.0 " → 65; anything else (or outside 1–99) is refused. */
export function readPercent(text: string): number {
  const m = /^\s*(\d{1,2}(?:[.,]\d+)?)\s*%?\s*$/.exec(text);
  const value = m ? Number(m[1]!.replace(',', '.')) : NaN;
  if (!Number.isFinite(value) || value < 1 || value > 99) throw new UserError('Give a probability from 1 to 99 (e.g. 65). Nothing was changed.');
  return value;
}

/**
 * The answer to a member's own forecast (button, form or /forecast): what counts, and now that they
 * forecast, the crowd's median (shown only to those who forecast, before the check date, so nobody anchors on it).
 */
export async function forecastAnswer(ctx: AppCtx, guildId: string, result: Awaited<ReturnType<typeof setForecast>>): Promise<string> {
  const change = result.previous !== null ? ` (was ${result.previous}%)` : '';
  const crowd = await crowdForecast(guildScope(ctx.db, guildId), result.claim.id);
  const crowdLine = crowd.median !== null ? `\nCrowd: median **${crowd.median}%** of ${crowd.count} member${crowd.count === 1 ? '' : 's'}.` : '';
  return `Your forecast on claim #${result.claim.number} is now **${result.probability}%**${change}. It counts if it stays your last one before ${result.claim.checkBy}.${crowdLine}`;
}

export const forecastButton = button({
  ids: forecastIds,
  forged: FORGED,
  async handle(call, parsed, ctx) {
    if (parsed.probability === 'other') {
      await call.showModal(forecastModal(parsed.number));
      return;
    }
    const result = await setForecast(ledgerCtx(call, ctx), parsed.number, parsed.probability);
    await call.reply({ ephemeral: true, content: await forecastAnswer(ctx, call.guildId, result) });
  },
});

export const forecastForm = form({
  ids: forecastFormIds,
  forged: FORGED,
  async submit(call, parsed, ctx) {
    const probability = readPercent(call.fields.get('probability') ?? '');
    const result = await setForecast(ledgerCtx(call, ctx), parsed.number, probability);
    await call.reply({ ephemeral: true, content: await forecastAnswer(ctx, call.guildId, result) });
  },
});
