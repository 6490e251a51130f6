/**
 * Evidence on a claim card: the Add evidence button opens a form (link, note, side); its submission
 * stores the item, refreshes the registered cards (the card flusher; in the console, which runs none,
 * the card the form came from, at once) and posts the item in the claim's thread when it has one.
 * The Previous/Next of /predict show's evidence list page it.
 */
import { addEvidence, evidenceSummary, listEvidence, parseSide, registerCard, type EvidenceItem } from '../ledger/evidence.js';
import { findClaim } from '../ledger/claim-queries.js';
import { getSettings } from '../ledger/settings.js';
import { tallyVisible } from '../ledger/rules.js';
import type { APIEmbed } from 'discord-api-types/v10';
import { evidenceModal, evidencePage, isEvidenceList } from '../kit/evidence-view.js';
import { evidenceFormIds, evidenceIds } from '../kit/custom-ids.js';
import { button, form, ledgerCtx, type AppCtx, type Reply } from '../kit/types.js';
import { postInThread } from '../jobs/threads.js';
import { cardFrame, FORGED, isCardOf, refreshCardInPlace } from './vote.js';
import { guildScope, type GuildScope } from '../ledger/context.js';
import { EN, type Translator } from '../i18n/index.js';

/** A page of claim #number's evidence (side counts left out while blind voting hides the tally). */
export async function evidencePageReply(ctx: GuildScope, number: number, page: number, now: Date, t: Translator = EN): Promise<Reply> {
  const claim = await findClaim(ctx, number);
  const settings = await getSettings(ctx);
  const list = await listEvidence(ctx, claim.id, page);
  const p = Math.min(Math.max(1, page), list.pages);
  const summary = tallyVisible(claim, settings.blindVoting, now) ? await evidenceSummary(ctx, claim.id, 0) : null;
  const { embed, row } = evidencePage(claim.number, list, p, summary, t);
  return { ephemeral: true, embeds: [embed], ...(row ? { components: [row] } : {}) };
}

/**
 * A message's embeds without claim #number's evidence list: once an item is added, the list /predict
 * show put under the card is out of date, and the refreshed card lists the latest items itself.
 */
function withoutEvidenceList(embeds: readonly APIEmbed[], number: number): APIEmbed[] {
  return embeds.filter((e) => !isEvidenceList(e, number));
}

export const evidenceButton = button({
  ids: evidenceIds,
  forged: FORGED,
  async handle(call, parsed, ctx) {
    if (parsed.action === 'a') {
      const message = call.message;
      // The card of this claim (not an ephemeral copy): registered so the new item shows on it (where a flusher runs).
      if (message && !message.ephemeral && !ctx.cardsInPlace && message.embeds.some((e) => isCardOf(e, parsed.number))) {
        await registerCard(guildScope(ctx.db, call.guildId), parsed.number, { messageId: message.id, channelId: message.channelId, frame: cardFrame(withoutEvidenceList(message.embeds, parsed.number), parsed.number) }, ctx.now());
      } else {
        await findClaim(guildScope(ctx.db, call.guildId), parsed.number); // an unknown claim is refused before the form
      }
      await call.showModal(evidenceModal(parsed.number, call.t));
      return;
    }
    const reply = await evidencePageReply(guildScope(ctx.db, call.guildId), parsed.number, parsed.page, ctx.now(), call.t);
    // A page of the ephemeral list turns in place; from the public /predict show it opens one for the clicker.
    if (call.message?.ephemeral || !call.message) await call.update(reply);
    else await call.reply(reply);
  },
});

/** After an item is stored: it is posted in the claim's thread (if any; failures logged, never the member's problem). */
export async function announceEvidence(ctx: AppCtx, guildId: string, claimNumber: number, item: EvidenceItem): Promise<void> {
  try {
    const scope = guildScope(ctx.db, guildId);
    const claim = await findClaim(scope, claimNumber);
    const blind = !tallyVisible(claim, (await getSettings(scope)).blindVoting, ctx.now());
    await postInThread(ctx, guildId, item.claimId, claimNumber, item, blind);
  } catch (error) {
    ctx.log.warn({ err: error, guildId, claim: claimNumber }, 'evidence not posted in the claim thread');
  }
}

export const evidenceForm = form({
  ids: evidenceFormIds,
  forged: FORGED,
  async submit(call, parsed, ctx) {
    const side = parseSide(call.fields.get('side'));
    const { item, claimNumber } = await addEvidence(ledgerCtx(call, ctx), {
      claim: parsed.number,
      side,
      url: call.fields.get('link') ?? null,
      note: call.fields.get('note') ?? null,
    });
    await call.reply({ ephemeral: true, content: call.t('evidenceForm.added', { number: claimNumber }) });
    // The console runs no card flusher: the card the form was opened from shows the new item at once, in its frame.
    const message = call.message;
    if (ctx.cardsInPlace && message && !message.ephemeral && message.embeds.some((e) => isCardOf(e, claimNumber))) {
      await refreshCardInPlace(call, ctx, item.claimId, cardFrame(withoutEvidenceList(message.embeds, claimNumber), claimNumber));
    }
    await announceEvidence(ctx, call.guildId, claimNumber, item);
  },
});
