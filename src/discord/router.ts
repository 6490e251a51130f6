/**
 * The gateway's door: each INTERACTION_CREATE payload, raw as discord.js receives it, goes through
 * the pipeline (src/pipeline/run.ts) like the HTTP endpoint's, its first answer posted as the
 * interaction callback over discord.js's REST client, the rest to the interaction's webhook.
 */
import type { REST } from '@discordjs/rest';
import { Routes, type APIInteraction } from 'discord-api-types/v10';
import type { Registry } from '../kit/registry.js';
import type { AppCtx } from '../kit/types.js';
import { DiscordResponder } from '../pipeline/discord.js';
import { describeInteraction, runInteraction } from '../pipeline/run.js';

export interface Router {
  handle(interaction: APIInteraction): Promise<void>;
}

export interface RouterOptions {
  /** Defer an interaction not answered by then (default 2000 ms: the callback still travels over REST within Discord's 3 s). */
  deferAfterMs?: number;
}

export function createRouter(registry: Registry, ctx: AppCtx, rest: REST, opts: RouterOptions = {}): Router {
  return {
    async handle(interaction) {
      const responder = new DiscordResponder(
        interaction,
        rest,
        {
          carriesFiles: true,
          async send(body, files) {
            await rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body, ...(files.length ? { files } : {}), auth: false });
          },
        },
        {
          deferAfterMs: opts.deferAfterMs ?? 2000,
          onDeferFailed: (error) => ctx.log.warn({ err: error, interaction: describeInteraction(interaction) }, 'could not defer the interaction'),
        },
      );
      try {
        await runInteraction(interaction, responder, registry, ctx);
      } catch (error) {
        // Last line of defence: never let an interaction reject into the event loop.
        ctx.log.error({ err: error }, 'interaction handler crashed');
      }
    },
  };
}
