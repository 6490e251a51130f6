/** "Track forecasts": a message context-menu command (Apps → Track forecasts) that reviews a message's link, or its text. */
import { ContextMenuCommandBuilder } from '@discordjs/builders';
import { ApplicationCommandType, InteractionContextType } from 'discord-api-types/v10';
import { linksIn } from '../src/kit/render.js';
import { runExtraction } from '../src/components/drafts.js';
import { CatalogError, type AppCtx, type MessageCommandCall } from '../src/kit/types.js';

export const definition = new ContextMenuCommandBuilder()
  .setName('Track forecasts')
  .setType(ApplicationCommandType.Message)
  .setContexts(InteractionContextType.Guild)
  .toJSON();

/** The first link in the message (its text, then its embeds); else the message's own text. */
export async function execute(call: MessageCommandCall, ctx: AppCtx) {
  const link = [...linksIn(call.target.content), ...call.target.embedUrls][0];
  if (link) {
    await runExtraction(call, ctx, { kind: 'url', url: link });
    return;
  }
  const text = call.target.content.trim();
  if (!text) throw new CatalogError('track.noText');
  await runExtraction(call, ctx, { kind: 'text', text, origin: 'message' });
}
