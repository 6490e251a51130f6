/** The forecast buttons of a claim card (10% … 90%, Other…) and the Other… form: the same rules as /forecast. */
import { setForecast } from '../ledger/voting.js';
import { crowdForecast } from '../ledger/claim-queries.js';
import { forecastFormIds, forecastIds } from '../kit/custom-ids.js';
import { button, CatalogError, form, ledgerCtx, type AppCtx, type Modal } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';
import { FORGED } from './vote.js';
import { guildScope } from '../ledger/context.js';

/** The Other… form: one field, a whole percentage from 1 to 99. */
export function forecastModal(number: number, t: Translator = EN): Modal {
  return {
    customId: forecastFormIds.encode(number),
    title: t('forecast.formTitle', { number }),
    fields: [{ id: 'probability', label: t('forecast.formLabel'), required: true, maxLength: 5, placeholder: t('forecast.formPlaceholder') }],
  };
}

/** "65", "65%", " 65.0 " → 65; anything else (or outside 1–99) is refused. */
export function readPercent(text: string): number {
  const m = /^\s*(\d{1,2}(?:[.,]\d+)?)\s*%?\s*$/.exec(text);
  const value = m ? Number(m[1]!.replace(',', '.')) : NaN;
  if (!Number.isFinite(value) || value < 1 || value > 99) throw new CatalogError('forecast.badPercent');
  return value;
}

/**
 * The answer to a member's own forecast (button, form or /forecast): what counts, and now that they
 * forecast, the crowd's median (shown only to those who forecast, before the check date, so nobody anchors on it).
 */
export async function forecastAnswer(ctx: AppCtx, guildId: string, result: Awaited<ReturnType<typeof setForecast>>, t: Translator = EN): Promise<string> {
  const vars = { number: result.claim.number, probability: t.number(result.probability), date: result.claim.checkBy };
  const head = result.previous !== null ? t('forecast.answerChanged', { ...vars, previous: t.number(result.previous) }) : t('forecast.answer', vars);
  const crowd = await crowdForecast(guildScope(ctx.db, guildId), result.claim.id);
  return crowd.median !== null ? `${head}\n${t('forecast.crowd', { median: t.number(crowd.median), count: crowd.count })}` : head;
}

export const forecastButton = button({
  ids: forecastIds,
  forged: FORGED,
  async handle(call, parsed, ctx) {
    if (parsed.probability === 'other') {
      await call.showModal(forecastModal(parsed.number, call.t));
      return;
    }
    const result = await setForecast(ledgerCtx(call, ctx), parsed.number, parsed.probability);
    await call.reply({ ephemeral: true, content: await forecastAnswer(ctx, call.guildId, result, call.t) });
  },
});

export const forecastForm = form({
  ids: forecastFormIds,
  forged: FORGED,
  async submit(call, parsed, ctx) {
    const probability = readPercent(call.fields.get('probability') ?? '');
    const result = await setForecast(ledgerCtx(call, ctx), parsed.number, probability);
    await call.reply({ ephemeral: true, content: await forecastAnswer(ctx, call.guildId, result, call.t) });
  },
});
