/**
 * One interaction, start to end, the same on every transport: the raw interaction is routed by
 * its kind to the registry's handler, its call built (build.ts), a command's options read once from
 * its definition and handed to the handler typed (a button's or form's custom id read once by its
 * format), and all of it inside the one error boundary (`guarded`): an expected failure answers
 * ephemerally with what to fix, anything else "something went wrong (ref …)" with the same ref
 * logged beside the stack. Nothing an interaction does can stop the process.
 */
import { ApplicationCommandType, InteractionType, type APIInteraction } from 'discord-api-types/v10';
import { expectedMessage, guarded, guildOnly } from '../kit/failures.js';
import { argumentsOf, partialArgumentsOf } from '../kit/options.js';
import { DISCORD_LIMITS, truncate } from '../kit/render.js';
import type { Registry } from '../kit/registry.js';
import { CatalogError, UserError, type AppCtx, type Choice } from '../kit/types.js';
import { autocompleteCall, commandCall, commandOptions, componentCall, messageCommandCall, modalCall } from './build.js';
import type { Responder } from './responder.js';

/** What the logs call an interaction. */
export function describeInteraction(i: APIInteraction): string {
  switch (i.type) {
    case InteractionType.ApplicationCommand:
      return i.data.type === ApplicationCommandType.ChatInput ? `/${i.data.name}` : `menu ${i.data.name}`;
    case InteractionType.ApplicationCommandAutocomplete:
      return `autocomplete /${i.data.name}`;
    case InteractionType.MessageComponent:
      return `button ${i.data.custom_id.slice(0, 100)}`;
    case InteractionType.ModalSubmit:
      return `form ${i.data.custom_id.slice(0, 100)}`;
    default:
      return `interaction type ${i.type}`;
  }
}

/** Choices within Discord's limits (25, names and values of at most 100 characters). */
const fitChoices = (choices: readonly Choice[]): Choice[] =>
  choices.slice(0, DISCORD_LIMITS.choices).map((c) => ({
    name: truncate(c.name, DISCORD_LIMITS.choiceName),
    value: typeof c.value === 'string' ? truncate(c.value, DISCORD_LIMITS.choiceValue) : c.value,
  }));

async function autocomplete(i: APIInteraction & { type: InteractionType.ApplicationCommandAutocomplete }, responder: Responder, registry: Registry, ctx: AppCtx): Promise<void> {
  let choices: Choice[] = [];
  try {
    if (i.guild_id) {
      const command = registry.command(i.data.name);
      const options = commandOptions(i);
      if (command.autocomplete) choices = await command.autocomplete(autocompleteCall(i, options), partialArgumentsOf(command.definition, options), ctx);
    }
  } catch (error) {
    // Autocomplete cannot show an error: the member sees no choices (a bug is logged).
    if (expectedMessage(error) === null) ctx.log.warn({ err: error, command: i.data.name }, 'autocomplete failed');
  }
  try {
    await responder.choices(fitChoices(choices));
  } catch (error) {
    ctx.log.debug({ err: error }, 'autocomplete answer not delivered (probably expired)');
  }
}

/** Routes one interaction to its handler; the work the handler does as the call. */
async function route(i: APIInteraction, responder: Responder, registry: Registry, ctx: AppCtx): Promise<void> {
  if (!i.guild_id) throw guildOnly();
  switch (i.type) {
    case InteractionType.ApplicationCommand:
      if (i.data.type === ApplicationCommandType.ChatInput) {
        const command = registry.command(i.data.name);
        const call = commandCall(i as typeof i & { data: { type: ApplicationCommandType.ChatInput } }, responder);
        const args = argumentsOf(command.definition, commandOptions(i as typeof i & { data: { type: ApplicationCommandType.ChatInput } }));
        return command.execute(call, args, ctx);
      }
      if (i.data.type === ApplicationCommandType.Message) {
        return registry.messageCommand(i.data.name).execute(messageCommandCall(i as typeof i & { data: { type: ApplicationCommandType.Message } }, responder), ctx);
      }
      throw new CatalogError('errors.unsupportedCommand');
    case InteractionType.MessageComponent: {
      const button = registry.button(i.data.custom_id);
      const args = button.ids.parse(i.data.custom_id);
      if (args === null) throw new CatalogError(button.forged);
      return button.handle(componentCall(i, responder), args, ctx);
    }
    case InteractionType.ModalSubmit: {
      const form = registry.form(i.data.custom_id);
      const args = form.ids.parse(i.data.custom_id);
      if (args === null) throw new CatalogError(form.forged);
      return form.submit(modalCall(i, responder), args, ctx);
    }
    default:
      throw new CatalogError('errors.unsupportedInteraction');
  }
}

/**
 * Runs one interaction through its handler, inside the error boundary, answering through
 * `responder`; then settles it (an interaction the handler left unanswered is acknowledged).
 * True when the handler succeeded. Never throws.
 */
export async function runInteraction(i: APIInteraction, responder: Responder, registry: Registry, ctx: AppCtx): Promise<boolean> {
  try {
    if (i.type === InteractionType.ApplicationCommandAutocomplete) {
      await autocomplete(i, responder, registry, ctx);
      return true;
    }
    const context = { interaction: describeInteraction(i), guildId: i.guild_id, userId: i.member?.user.id ?? i.user?.id };
    return await guarded(ctx.log, context, () => route(i, responder, registry, ctx), (reply) => responder.failure(reply), 'locale' in i ? i.locale : null);
  } finally {
    try {
      await responder.settle();
    } catch (error) {
      ctx.log.warn({ err: error, interaction: describeInteraction(i) }, 'could not acknowledge the interaction');
    }
  }
}
