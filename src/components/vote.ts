/** The vote buttons on claim cards (Came true / Partly / Did not / Too early). */
import type { APIEmbed } from 'discord-api-types/v10';
import { castVote } from '../ledger/voting.js';
import { cardData } from '../ledger/claim-queries.js';
import { cardInFrame, isCompactCard } from '../kit/render.js';
import { voteIds } from '../kit/custom-ids.js';
import { button, CatalogError, ledgerCtx, UserError, type AppCtx, type ComponentCall, type ModalCall } from '../kit/types.js';
import { serverT } from '../kit/locale.js';

/** What a forged or outdated card button is refused with (a catalog key: said in the clicker's language). */
export const FORGED = 'components.forged';

/** Whether an embed is claim #number's card (its title opens with the number). */
export const isCardOf = (embed: APIEmbed, number: number): boolean => embed.title?.startsWith(`#${number} `) === true;

/** Claim #claimId's card re-rendered at once on the message a click or a form came from, in its frame (where no card flusher runs). */
export async function refreshCardInPlace(call: ComponentCall | ModalCall, ctx: AppCtx, claimId: number, frame: ReturnType<typeof cardFrame>): Promise<void> {
  const data = await cardData(ledgerCtx(call, ctx), claimId, ctx.now());
  if (data) await call.editMessage(cardInFrame(data, ctx.now(), frame, await serverT(call, ctx)));
}

/**
 * The embeds around claim #number's card on a message (e.g. a round's summary), and whether the card
 * is a round's compact one (so the card flusher re-renders it compact); null when the card is the
 * whole message and a full one.
 */
export function cardFrame(embeds: readonly APIEmbed[], number: number): { before: APIEmbed[]; after: APIEmbed[]; compact?: true } | null {
  const at = embeds.findIndex((e) => isCardOf(e, number));
  if (at < 0) return null;
  const compact = isCompactCard(embeds[at]!);
  if (embeds.length <= 1 && !compact) return null;
  return { before: embeds.slice(0, at).map(requestEmbed), after: embeds.slice(at + 1).map(requestEmbed), ...(compact ? { compact: true as const } : {}) };
}

/** A received embed as a request may send it back (what Discord adds on receipt — type, proxy URLs, sizes — left out). */
function requestEmbed(e: APIEmbed): APIEmbed {
  return {
    ...(e.title !== undefined ? { title: e.title } : {}),
    ...(e.description !== undefined ? { description: e.description } : {}),
    ...(e.url !== undefined ? { url: e.url } : {}),
    ...(e.color !== undefined ? { color: e.color } : {}),
    ...(e.timestamp !== undefined ? { timestamp: e.timestamp } : {}),
    ...(e.fields ? { fields: e.fields.map((f) => ({ name: f.name, value: f.value, ...(f.inline !== undefined ? { inline: f.inline } : {}) })) } : {}),
    ...(e.footer ? { footer: { text: e.footer.text, ...(e.footer.icon_url ? { icon_url: e.footer.icon_url } : {}) } } : {}),
    ...(e.author ? { author: { name: e.author.name, ...(e.author.url ? { url: e.author.url } : {}), ...(e.author.icon_url ? { icon_url: e.author.icon_url } : {}) } } : {}),
    ...(e.image ? { image: { url: e.image.url } } : {}),
    ...(e.thumbnail ? { thumbnail: { url: e.thumbnail.url } } : {}),
  };
}

/**
 * A vote click: the vote is stored (one statement, which registers the card on its first vote),
 * then the click is answered in its own callback with an ephemeral "You voted" — one request.
 * The card's tally is refreshed by the card flusher (src/jobs/cards.ts), at most once per card per
 * interval however many votes arrive. The console (no flusher: `ctx.cardsInPlace`), or a click that
 * comes without its message, re-renders the card in place at once, in its frame (compact if a round's).
 */
export const voteButton = button({
  ids: voteIds,
  forged: FORGED,
  async handle(call, parsed, ctx) {
    const lctx = ledgerCtx(call, ctx);
    const message = call.message;
    // The message is this claim's card only when it shows the claim (a forged button elsewhere registers nothing).
    const showsClaim = message !== null && message.embeds.some((e) => isCardOf(e, parsed.number));
    const isCard = showsClaim && !message.ephemeral;
    const frame = showsClaim ? cardFrame(message.embeds, parsed.number) : null;
    const inPlace = ctx.cardsInPlace === true || !message;
    const card = isCard && !inPlace ? { messageId: message.id, channelId: message.channelId, frame } : null;
    // The answer is the callback itself once the vote is stored; should the database be slow, acknowledge
    // before Discord's 3 s deadline and answer with a follow-up instead (call.reply does that once deferred).
    // A deferral already on its way is waited for, so the answer never races it (one acknowledgement).
    let deferring: Promise<void> | undefined;
    const slow = setTimeout(() => (deferring = call.deferUpdate().catch(() => {})), 1_000);
    let result;
    try {
      result = await castVote(lctx, { claim: parsed.number, verdict: parsed.verdict, castAt: call.createdAt, card });
    } finally {
      clearTimeout(slow);
      await deferring;
    }
    const changed = result.previous && result.previous !== result.verdict;
    const vars = { verdict: call.t(`verdicts.${result.verdict}`), number: result.claim.number };
    try {
      await call.reply({ ephemeral: true, content: call.t(changed ? 'vote.changed' : 'vote.voted', vars) });
    } catch (error) {
      // The vote is stored: the member must not be told "nothing was changed" (the router's answer to a bug).
      ctx.log.warn({ err: error, claim: result.claim.number }, 'vote stored, but its confirmation was not delivered');
      throw new CatalogError('vote.recorded', { verdict: call.t(`verdicts.${result.verdict}`), number: result.claim.number });
    }
    if (inPlace && (showsClaim || !message)) await refreshCardInPlace(call, ctx, result.claim.id, frame);
  },
});
