/**
 * The one place interactions come in. It turns discord.js interactions into the plain calls
 * handlers take, finds the handler, and is the error boundary: expected failures answer
 * ephemerally with what to fix; anything else answers "something went wrong (ref …)" and logs
 * the same ref with the stack. Nothing an interaction does can stop the process.
 */
import {
  ApplicationCommandOptionType,
  ComponentType,
  MessageFlags,
  TextInputStyle,
  Routes,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type MessageContextMenuCommandInteraction,
  type MessageCreateOptions,
  type ModalSubmitInteraction,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import { DISCORD_LIMITS, errorReply, fitReply, MODAL_LIMITS, truncate } from '../kit/render.js';
import { expectedMessage, failureMessage, guildOnly, indexHandlers, type MoreHandlers } from '../kit/handlers.js';
import { localeOf } from '../kit/locale.js';

export { linksIn } from '../kit/render.js';
import {
  UserError,
  type AppCtx,
  type AutocompleteCall,
  type Choice,
  type Command,
  type ComponentCall,
  type ComponentHandler,
  type CommandCall,
  type Member,
  type MessageCommand,
  type MessageCommandCall,
  type Modal,
  type ModalCall,
  type ModalHandler,
  type OptionReader,
  type Reply,
} from '../kit/types.js';

/** A reply as discord.js takes it. Mentions are never parsed (also the client default). */
export function toDiscord(reply: Reply): InteractionReplyOptions & InteractionEditReplyOptions & MessageCreateOptions {
  const fitted = fitReply(reply);
  return {
    ...(fitted.content !== undefined ? { content: fitted.content } : {}),
    embeds: fitted.embeds ?? [],
    components: fitted.components ?? [],
    ...(fitted.files ? { files: fitted.files.map((f) => ({ attachment: f.data, name: f.name, ...(f.description ? { description: f.description } : {}) })) } : {}),
    allowedMentions: { parse: [] },
  };
}


/** A modal as Discord takes it (action rows of text inputs), within its limits. */
export function toDiscordModal(modal: Modal): APIModalInteractionResponseCallbackData {
  return {
    custom_id: modal.customId.slice(0, DISCORD_LIMITS.customId),
    title: truncate(modal.title, MODAL_LIMITS.title),
    components: modal.fields.slice(0, MODAL_LIMITS.fields).map((f) => {
      const max = Math.min(f.maxLength ?? MODAL_LIMITS.value, MODAL_LIMITS.value);
      const value = f.value ? truncate(f.value, max) : '';
      return {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: f.id,
            label: truncate(f.label, MODAL_LIMITS.label),
            style: f.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
            required: f.required ?? false,
            max_length: max,
            ...(value ? { value } : {}),
            ...(f.placeholder ? { placeholder: truncate(f.placeholder, MODAL_LIMITS.placeholder) } : {}),
          },
        ],
      };
    }),
  };
}


function optionReader(options: readonly CommandInteractionOption[]): OptionReader {
  let sub: string | null = null;
  let leaves = options;
  const first = options[0];
  if (first && (first.type === ApplicationCommandOptionType.Subcommand || first.type === ApplicationCommandOptionType.SubcommandGroup)) {
    sub = first.name;
    leaves = first.options ?? [];
    const inner = leaves[0];
    if (first.type === ApplicationCommandOptionType.SubcommandGroup && inner) {
      sub = `${first.name} ${inner.name}`;
      leaves = inner.options ?? [];
    }
  }
  const get = (name: string) => leaves.find((o) => o.name === name);
  const typed = <T>(name: string, type: ApplicationCommandOptionType, check: (v: unknown) => v is T): T | null => {
    const o = get(name);
    return o && o.type === type && check(o.value) ? o.value : null;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  return {
    subcommand: () => sub,
    string: (name) => typed(name, ApplicationCommandOptionType.String, isString),
    integer: (name) => typed(name, ApplicationCommandOptionType.Integer, isNumber),
    number: (name) => typed(name, ApplicationCommandOptionType.Number, isNumber),
    boolean: (name) => typed(name, ApplicationCommandOptionType.Boolean, isBoolean),
    channel: (name) => {
      const o = get(name);
      return o?.type === ApplicationCommandOptionType.Channel && o.channel ? { id: o.channel.id, type: o.channel.type } : null;
    },
    attachment: (name) => {
      const o = get(name);
      const a = o?.type === ApplicationCommandOptionType.Attachment ? o.attachment : null;
      return a ? { name: a.name, url: a.url, size: a.size, contentType: a.contentType } : null;
    },
    user: (name) => {
      const o = get(name);
      if (o?.type !== ApplicationCommandOptionType.User || !o.user) return null;
      const member = o.member && 'displayName' in o.member ? o.member : null;
      return { id: o.user.id, displayName: member?.displayName ?? o.user.globalName ?? o.user.username };
    },
    focused: () => {
      const o = leaves.find((x) => x.focused);
      return o ? { name: o.name, value: String(o.value ?? '') } : null;
    },
  };
}

function memberOf(interaction: Interaction): Member {
  const user = interaction.user;
  const member = interaction.member;
  const displayName =
    (member && 'displayName' in member ? member.displayName : member && 'nick' in member && member.nick ? member.nick : null) ??
    user.globalName ??
    user.username;
  return {
    id: user.id,
    displayName,
    isManager: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

/** What every call carries: the server (always from the interaction itself), channel, member and time. */
function callBase(interaction: Interaction<'cached' | 'raw'>) {
  return { guildId: interaction.guildId, channelId: interaction.channelId, member: memberOf(interaction), createdAt: interaction.createdAt, ...localeOf(interaction.locale, interaction.guildLocale) };
}

function commandCall(interaction: ChatInputCommandInteraction<'cached' | 'raw'>): CommandCall {
  return {
    commandName: interaction.commandName,
    ...callBase(interaction),
    options: optionReader(interaction.options.data),
    async defer(opts) {
      if (interaction.deferred || interaction.replied) return;
      await interaction.deferReply(opts?.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    },
    async reply(reply) {
      if (interaction.deferred || interaction.replied) {
        await interaction.editReply(toDiscord(reply));
        return;
      }
      await interaction.reply({ ...toDiscord(reply), ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
    },
    async channelGuildId(channelId) {
      // The server's channel list holds every channel of it, also those the bot cannot view
      // (GET /channels/{id} would answer 403 for those, and a schedule there is paused later, not refused).
      const channels = (await interaction.client.rest.get(Routes.guildChannels(interaction.guildId))) as { id: string }[];
      return channels.some((c) => c.id === channelId) ? interaction.guildId : null;
    },
  };
}

function messageCommandCall(interaction: MessageContextMenuCommandInteraction<'cached' | 'raw'>): MessageCommandCall {
  const message = interaction.targetMessage;
  return {
    commandName: interaction.commandName,
    ...callBase(interaction),
    target: {
      id: message.id,
      authorId: message.author.id,
      content: message.content ?? '',
      embedUrls: (message.embeds ?? []).map((e) => e.url).filter((u): u is string => !!u),
    },
    async defer(opts) {
      if (interaction.deferred || interaction.replied) return;
      await interaction.deferReply(opts?.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    },
    async reply(reply) {
      if (interaction.deferred || interaction.replied) {
        await interaction.editReply(toDiscord(reply));
        return;
      }
      await interaction.reply({ ...toDiscord(reply), ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
    },
  };
}

function modalCall(interaction: ModalSubmitInteraction<'cached' | 'raw'>): ModalCall {
  const fields = new Map<string, string>();
  for (const [id, field] of interaction.fields.fields) {
    if (field.type === ComponentType.TextInput && typeof field.value === 'string') fields.set(id, field.value);
  }
  const ephemeralFlags = (reply: Reply) => (reply.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {});
  return {
    customId: interaction.customId,
    ...callBase(interaction),
    fields,
    async reply(reply) {
      const payload = { ...toDiscord(reply), ...ephemeralFlags(reply) };
      if (interaction.deferred || interaction.replied) await interaction.followUp(payload);
      else await interaction.reply(payload);
    },
    async update(reply) {
      if (!interaction.isFromMessage()) throw new UserError('This form was not opened from a message.');
      await interaction.update(toDiscord(reply));
    },
    async deferUpdate() {
      if (!interaction.deferred && !interaction.replied && interaction.isFromMessage()) await interaction.deferUpdate();
    },
    async editMessage(reply) {
      await interaction.editReply(toDiscord(reply));
    },
    async followUp(reply) {
      await interaction.followUp({ ...toDiscord(reply), ...ephemeralFlags(reply) });
    },
  };
}

function componentCall(interaction: ButtonInteraction<'cached' | 'raw'>): ComponentCall {
  const message = interaction.message;
  return {
    customId: interaction.customId,
    ...callBase(interaction),
    async showModal(modal) {
      await interaction.showModal(toDiscordModal(modal));
    },
    message: {
      id: message.id,
      channelId: message.channelId,
      embeds: message.embeds.map((e) => e.toJSON()),
      ephemeral: message.flags.has(MessageFlags.Ephemeral),
    },
    async reply(reply) {
      const payload = { ...toDiscord(reply), ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
      if (interaction.deferred || interaction.replied) await interaction.followUp(payload);
      else await interaction.reply(payload);
    },
    async update(reply) {
      await interaction.update(toDiscord(reply));
    },
    async deferUpdate() {
      if (!interaction.deferred && !interaction.replied) await interaction.deferUpdate();
    },
    async editMessage(reply) {
      await interaction.editReply(toDiscord(reply));
    },
    async followUp(reply) {
      await interaction.followUp({ ...toDiscord(reply), ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) });
    },
  };
}

export interface Router {
  handle(interaction: Interaction): Promise<void>;
}

export function createRouter(commands: readonly Command[], components: readonly ComponentHandler[], ctx: AppCtx, more: MoreHandlers = {}): Router {
  const handlers = indexHandlers(commands, components, more);

  /** Answers a failure in whatever way the interaction still allows. */
  async function fail(
    interaction: ChatInputCommandInteraction | ButtonInteraction | MessageContextMenuCommandInteraction | ModalSubmitInteraction,
    error: unknown,
    what: string,
  ): Promise<void> {
    const message = failureMessage(error, ctx.log, { interaction: what, guildId: interaction.guildId, userId: interaction.user.id }, interaction.locale);
    const payload = { ...toDiscord(errorReply(message)), flags: MessageFlags.Ephemeral as const };
    try {
      if (interaction.deferred && (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) && interaction.ephemeral) {
        // A deferred command's answer is the deferred message: edit it (it is ephemeral already).
        await interaction.editReply(toDiscord(errorReply(message)));
      } else if (interaction.deferred && (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand())) {
        // Deferred publicly ("thinking…" in the channel): an error is the member's alone, so the
        // public placeholder goes and the error comes as an ephemeral follow-up.
        await interaction.deleteReply().catch(() => {});
        await interaction.followUp(payload);
      } else if (interaction.deferred || interaction.replied) {
        await interaction.followUp(payload);
      } else {
        await interaction.reply(payload);
      }
    } catch (answerError) {
      ctx.log.warn({ err: answerError, interaction: what }, 'could not deliver the error reply');
    }
  }

  async function onCommand(interaction: ChatInputCommandInteraction) {
    try {
      if (!interaction.inGuild()) throw guildOnly();
      await handlers.command(interaction.commandName).execute(commandCall(interaction), ctx);
    } catch (error) {
      await fail(interaction, error, `/${interaction.commandName}`);
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction) {
    let choices: Choice[] = [];
    try {
      if (interaction.inGuild()) {
        choices = await handlers.choices(
          {
            commandName: interaction.commandName,
            ...callBase(interaction),
            options: optionReader(interaction.options.data),
          },
          ctx,
        );
      }
    } catch (error) {
      if (expectedMessage(error) === null) ctx.log.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
    }
    try {
      await interaction.respond(choices);
    } catch (error) {
      ctx.log.debug({ err: error }, 'autocomplete answer not delivered (probably expired)');
    }
  }

  async function onButton(interaction: ButtonInteraction) {
    try {
      if (!interaction.inGuild()) throw guildOnly();
      await handlers.component(interaction.customId).handle(componentCall(interaction), ctx);
    } catch (error) {
      await fail(interaction, error, `button ${interaction.customId.slice(0, 100)}`);
    }
  }

  async function onMessageCommand(interaction: MessageContextMenuCommandInteraction) {
    try {
      if (!interaction.inGuild()) throw guildOnly();
      await handlers.messageCommand(interaction.commandName).execute(messageCommandCall(interaction), ctx);
    } catch (error) {
      await fail(interaction, error, `menu ${interaction.commandName}`);
    }
  }

  async function onModal(interaction: ModalSubmitInteraction) {
    try {
      if (!interaction.inGuild()) throw guildOnly();
      await handlers.modal(interaction.customId).submit(modalCall(interaction), ctx);
    } catch (error) {
      await fail(interaction, error, `modal ${interaction.customId.slice(0, 100)}`);
    }
  }

  return {
    async handle(interaction) {
      try {
        if (interaction.isChatInputCommand()) await onCommand(interaction);
        else if (interaction.isMessageContextMenuCommand()) await onMessageCommand(interaction);
        else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
        else if (interaction.isButton()) await onButton(interaction);
        else if (interaction.isModalSubmit()) await onModal(interaction);
      } catch (error) {
        // Last line of defence: never let an interaction reject into the event loop.
        ctx.log.error({ err: error }, 'interaction handler crashed');
      }
    },
  };
}
